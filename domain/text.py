"""Text normalisation for matching Vietnamese forms read by OCR.

OCR output differs from the printed form in ways that carry no meaning for
matching: lost or swapped diacritics, case, broken spacing, letters read as
digits. Every comparison in the domain goes through these helpers so that the
tolerance is the same everywhere.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from core.text import nfc

_SPACES = re.compile(r"\s+")
_SPACE_CHARS = re.compile(r"[ \t\u00a0\u2000-\u200b\u202f\u3000]+")


def squash(text: str) -> str:
    """Fold runs of whitespace to one space and trim."""
    return _SPACES.sub(" ", text).strip()


def clean_line(text: str) -> str:
    """NFC with horizontal whitespace folded, line breaks kept out."""
    return _SPACE_CHARS.sub(" ", nfc(text)).strip()


@lru_cache(maxsize=4096)
def _fold_char(ch: str) -> str:
    if ch in "đĐ":
        return "d"
    base = unicodedata.normalize("NFD", ch)[0]
    return base.lower()


def fold(text: str) -> str:
    """Lower case without diacritics, one character per input character.

    Keeping the length lets callers find a match in the folded text and cut
    the original text at the same positions. Input should be :func:`nfc`.
    """
    return "".join(_fold_char(ch) for ch in text)


def fold_key(text: str) -> str:
    """Fold and reduce to letters, digits and single spaces: a matching key."""
    return squash(re.sub(r"[^0-9a-z]+", " ", fold(nfc(text))))


# Letters Tesseract reads in place of digits. Applied only inside tokens that
# already hold digits (or between such tokens), never to words.
_DIGIT_LOOKALIKES = {
    "O": "0", "o": "0", "Q": "0", "D": "0",
    "l": "1", "I": "1", "|": "1", "i": "1", "!": "1", "]": "1", "[": "1",
    "S": "5", "s": "5",
    "B": "8",
    "Z": "2", "z": "2",
    "G": "6", "b": "6",
    "g": "9", "q": "9",
    "T": "7",
}
_DIGITISH = set("0123456789") | set(_DIGIT_LOOKALIKES)
_SEPARATORS = "/.-,:"


def _is_digitish(token: str) -> bool:
    core = [ch for ch in token if ch not in _SEPARATORS]
    return bool(core) and all(ch in _DIGITISH for ch in core)


def _real_digits(token: str) -> int:
    return sum(ch.isdigit() for ch in token)


def repair_digits(text: str) -> tuple[str, int]:
    """Read look-alike letters as digits where they sit among digits.

    Returns the repaired text and how many characters were changed, so that
    callers can lower their confidence. A token is repaired when it is made of
    digits and look-alikes only and at least half of it is real digits; a
    short look-alike-only token is repaired when a neighbour was ("0 0 l 2").
    """
    tokens = text.split(" ")
    anchored = [
        _is_digitish(tok) and _real_digits(tok) * 2 >= len([c for c in tok if c not in _SEPARATORS])
        for tok in tokens
    ]
    repair = list(anchored)
    for i, tok in enumerate(tokens):
        if repair[i] or not _is_digitish(tok) or len(tok) > 2:
            continue
        left = i > 0 and anchored[i - 1]
        right = i + 1 < len(tokens) and anchored[i + 1]
        if left or right:
            repair[i] = True
    changed = 0
    out = []
    for tok, fix in zip(tokens, repair):
        if fix:
            new = "".join(_DIGIT_LOOKALIKES.get(ch, ch) for ch in tok)
            changed += sum(a != b for a, b in zip(tok, new))
            tok = new
        out.append(tok)
    return " ".join(out), changed


_DIGIT_GROUPS = re.compile(r"\d+(?:[ .\-]\d+)*")


def digit_runs(text: str) -> list[str]:
    """Runs of digits, joining groups split by single spaces, dots or dashes.

    Tesseract often breaks a 12-digit number into groups ("001 203 012345")
    or spaces every digit; the number is the run, not the groups.
    """
    return [re.sub(r"\D", "", m.group()) for m in _DIGIT_GROUPS.finditer(text)]


def read_number(text: str, prefer: tuple[int, ...] = ()) -> tuple[str, int]:
    """The longest digit run in OCR text and how many characters were repaired.

    Look-alike letters are read as digits and spaced groups joined first, so
    "O01 203 O12345" reads as "001203012345" with 2 repairs. With ``prefer``
    (lengths such as 12 for an ID), a run that is too long because a stray
    group of specks joined it ("001203012345 77") gives up the groups that
    make it so.
    """
    repaired, changed = repair_digits(squash(nfc(text)))
    runs = [m.group() for m in _DIGIT_GROUPS.finditer(repaired)]
    if not runs:
        return "", changed
    digits = [re.sub(r"\D", "", run) for run in runs]
    if prefer and not any(len(d) in prefer for d in digits):
        for run in runs:
            groups = re.findall(r"\d+", run)
            for start in range(len(groups)):
                for end in range(len(groups), start, -1):
                    joined = "".join(groups[start:end])
                    if len(joined) in prefer:
                        return joined, changed + 1
    return max(digits, key=len), changed


def title_case(name: str) -> str:
    """Capitalise each word, as personal names are written in running text."""
    return " ".join(word[:1].upper() + word[1:].lower() for word in squash(name).split(" "))


def caps_letters(text: str) -> str:
    """Read "l" as "I" inside capitalised words ("KHAl SlNH" -> "KHAI SINH").

    Tesseract reads a capital I as a lower-case l; in a word otherwise in
    capitals that can only be an I.
    """

    def fix(m: re.Match[str]) -> str:
        word = m.group()
        upper = sum(ch.isupper() for ch in word)
        lower = [ch for ch in word if ch.islower()]
        if upper >= 2 and lower and set(lower) == {"l"}:
            return word.replace("l", "I")
        return word

    return re.sub(r"[^\W\d_]+", fix, text)
