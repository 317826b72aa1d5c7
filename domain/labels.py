"""Finding "Label: value" lines on a form read by OCR.

Forms print a label, a colon and the value. OCR damages all three: the label
loses diacritics or letters, the colon disappears, numbering ("1.", "(2)")
and instructions in brackets sit around the label. A line is assigned to the
label it matches best among all labels the form can carry, so that "Họ, chữ
đệm, tên người mẹ" never passes for "Họ, chữ đệm, tên".
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable

from rapidfuzz import fuzz

from domain.text import clean_line, fold, fold_key

LABEL_MIN_SCORE = 85.0  # label part before the colon vs. a known label
PREFIX_MIN_SCORE = 90.0  # no colon: the label must open the line this well
_NUMBERING = re.compile(r"^\s*(?:\(?\d{1,2}[.,)]|\(\d{1,2}\)|[a-zđ][)]|[-–•*+])\s*", re.IGNORECASE)
_BRACKETS = re.compile(r"\([^)]*\)")
_LEADERS = re.compile(r"(?:\s*[.…_]{2,}\s*)+")


@dataclass(frozen=True, slots=True)
class LabelledLine:
    """A line of a form read as label and value."""

    key: str  # the label it matched, as given by the caller
    score: float  # 0..100, how well the printed label matched
    value: str  # the text after the label, NFC, leaders and edges trimmed


def split_lines(text: str) -> list[str]:
    """Non-empty lines, NFC and with spaces folded."""
    return [line for line in (clean_line(raw) for raw in text.splitlines()) if line]


_FOOTNOTE = re.compile(r"^\s*\(\d{1,2}\)")


def strip_value(value: str) -> str:
    """Drop dotted leaders, punctuation OCR leaves around a value, and the form's footnote mark ("(3)")."""
    value = _LEADERS.sub(" ", _FOOTNOTE.sub("", value))
    return value.strip(" .:;,_-–|\t")


class LabelSet:
    """The labels one form can carry, prepared once for matching many lines."""

    def __init__(self, labels: Iterable[tuple[str, str]]) -> None:
        # (key, printed label) pairs; one key may have several printed labels.
        self._labels = [(key, fold_key(label), fold(label.lower())) for key, label in labels]

    def match(self, line: str) -> LabelledLine | None:
        """The label this line carries, or None when it carries none we know."""
        body = _NUMBERING.sub("", line, count=1)
        colon = body.find(":")
        if colon > 0:
            found = self._match_key(body[:colon]) or self._match_after_specks(body[:colon])
            if found:
                key, score = found
                return LabelledLine(key, score, strip_value(body[colon + 1 :]))
        return self._match_prefix(body)

    def _match_after_specks(self, head: str) -> tuple[str, float] | None:
        """A label after specks OCR read from a leader's dots ("220 0n uc 3. Giới tính: Nữ").

        Only when what comes before holds no word of three letters or more:
        the end of a sentence before a colon is not a speck.
        """
        words = head.split()
        for k in range(min(8, len(words) - 1), 0, -1):
            junk = " ".join(words[:-k])
            if len(junk) > 16 or re.search(r"[^\W\d_]{3,}", junk):
                continue
            found = self._match_key(_NUMBERING.sub("", " ".join(words[-k:]), count=1))
            if found:
                return found
        return None

    def is_label(self, printed: str) -> bool:
        """Whether the text is, as a whole, one of the labels (no value after it)."""
        return self._match_key(printed) is not None

    def cut_at_label(self, value: str) -> str:
        """Cut a value where the next label on the same line begins.

        Forms print several fields on one line ("Giới tính: Nam Dân tộc:
        Kinh"); the value of the first ends where the next label starts.
        """
        for colon in re.finditer(":", value):
            words = value[: colon.start()].split()
            best: tuple[float, int] | None = None
            for k in range(1, min(8, len(words)) + 1):
                found = self._match_key(" ".join(words[-k:]))
                if found and (best is None or found[1] >= best[0]):
                    best = (found[1], k)
            if best is not None:
                return strip_value(" ".join(words[: -best[1]]))
        return value

    def _match_key(self, printed: str) -> tuple[str, float] | None:
        key_text = fold_key(_BRACKETS.sub(" ", printed))
        if not key_text:
            return None
        squeezed = key_text.replace(" ", "")
        best: tuple[str, float] | None = None
        for key, label_key, _ in self._labels:
            score = max(fuzz.ratio(key_text, label_key), fuzz.ratio(squeezed, label_key.replace(" ", "")))
            if score >= LABEL_MIN_SCORE and (best is None or score > best[1]):
                best = (key, score)
        return best

    def _match_prefix(self, body: str) -> LabelledLine | None:
        # No colon survived: the label must open the line; prefer the longest
        # label that matches well, since shorter labels are prefixes of longer.
        folded = fold(body)
        best: tuple[int, float, str, int] | None = None
        for key, label_key, label_folded in self._labels:
            if len(label_folded) < 6 or len(folded) <= len(label_folded) * 0.8:
                continue
            align = fuzz.partial_ratio_alignment(label_folded, folded[: len(label_folded) + 8])
            if align is None or align.score < PREFIX_MIN_SCORE or align.dest_start > 2:
                continue
            rank = (len(label_folded), align.score)
            if best is None or rank > (best[0], best[1]):
                best = (len(label_folded), align.score, key, align.dest_end)
        if best is None:
            return None
        _, score, key, end = best
        return LabelledLine(key, score, strip_value(body[end:]))
