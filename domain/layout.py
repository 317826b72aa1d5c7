"""A page as rows of cells, from the words' boxes: the layout the plain text flattens.

Forms print values beside their label, after dotted leaders, on the line
below, or in table columns ("Thông tin | Bên nữ | Bên nam"). Tesseract and
pdfplumber both give each word's box; grouping words into rows by where they
stand (not by the engine's blocks, which split a table's columns apart) and
rows into cells at wide gaps or dotted leaders is what lets the field reader
see a table as a table. A page without boxes (a caller that has only text)
becomes one row per line, split at tabs or wide runs of spaces.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from statistics import median
from typing import Protocol, Sequence

from core.text import nfc
from domain.text import clean_line

CELL_GAP = 1.6  # a horizontal gap this many line heights wide separates two cells
ROW_OVERLAP = 0.5  # a word joins a row when its middle lies within this many heights of the row's middle
NEXT_ROW_GAP = 2.5  # a row this many line heights below the last is not "the next line" of a label
_LEADER_CHARS = ".…_·"
_TEXT_CELL_BREAK = re.compile(r"\t+|\s{3,}|\s\|\s")


class WordBox(Protocol):
    """A word with its box, as the OCR library gives it (``ocr.words.Word``)."""

    text: str
    confidence: float
    left: float
    top: float
    right: float
    bottom: float


@dataclass(frozen=True, slots=True)
class Cell:
    text: str  # NFC, spaces folded, leaders at the edges dropped
    left: float
    top: float
    right: float
    bottom: float
    confidence: float  # 0..100, the least sure word of the cell

    @property
    def box(self) -> tuple[float, float, float, float]:
        return (round(self.left, 1), round(self.top, 1), round(self.right, 1), round(self.bottom, 1))


@dataclass(frozen=True, slots=True)
class Row:
    cells: tuple[Cell, ...]
    top: float
    bottom: float
    words: tuple[WordBox, ...] = ()  # left to right; empty for a row made from text

    @property
    def text(self) -> str:
        return " ".join(c.text for c in self.cells)


def _is_leader(word: str) -> bool:
    return len(word) >= 2 and all(ch in _LEADER_CHARS for ch in word)


def rows_from_words(words: Sequence[WordBox]) -> list[Row]:
    """Rows top to bottom, each with its cells left to right."""
    usable = [w for w in words if w.text.strip() and w.bottom > w.top]
    if not usable:
        return []
    height = median(w.bottom - w.top for w in usable)
    # Words are chained left to right onto the row whose last word stands level with them, so a
    # line scanned a degree or two off (not worth a deskew) stays one row end to end.
    bands: list[list[WordBox]] = []
    for word in sorted(usable, key=lambda w: (w.left, w.top)):
        middle = (word.top + word.bottom) / 2
        best, distance = None, ROW_OVERLAP * height
        for band in bands:
            last = band[-1]
            gap = abs((last.top + last.bottom) / 2 - middle)
            # Left to right; a box may overhang the next word's (Tesseract drew "đầu" over "tư").
            if last.left < word.left and gap <= distance:
                best, distance = band, gap
        if best is None:
            bands.append([word])
        else:
            best.append(word)
    bands.sort(key=lambda band: min((w.top + w.bottom) / 2 for w in band))
    return [_row(sorted(band, key=lambda w: w.left), height) for band in bands]


def _row(words: list[WordBox], height: float) -> Row:
    cells: list[Cell] = []
    current: list[WordBox] = []

    def close() -> None:
        text = clean_line(" ".join(w.text for w in current)).strip(_LEADER_CHARS + " :")
        if text:
            cells.append(Cell(text, min(w.left for w in current), min(w.top for w in current),
                              max(w.right for w in current), max(w.bottom for w in current),
                              min(w.confidence for w in current)))
        current.clear()

    for word in words:
        if _is_leader(word.text):  # dotted leaders end a cell: "Họ, chữ đệm, tên: ……… NGUYỄN VĂN A"
            close()
            continue
        if current and word.left - current[-1].right > CELL_GAP * height:
            close()
        current.append(word)
    close()
    kept = tuple(w for w in words if not _is_leader(w.text))
    return Row(tuple(cells), min(w.top for w in words), max(w.bottom for w in words), kept)


def rows_from_text(text: str) -> list[Row]:
    """One row per non-empty line, cells at tabs or wide runs of spaces; positions are line numbers."""
    rows = []
    for n, raw in enumerate(nfc(text).splitlines()):
        parts = [clean_line(p).strip(_LEADER_CHARS + " ") for p in _TEXT_CELL_BREAK.split(raw)]
        offset = 0.0
        cells = []
        for part in parts:
            if part:
                cells.append(Cell(part, offset, float(n), offset + len(part), n + 1.0, 100.0))
            offset += len(part) + 3
        if cells:
            rows.append(Row(tuple(cells), float(n), n + 1.0))
    return rows


def line_height(rows: Sequence[Row]) -> float:
    return median(r.bottom - r.top for r in rows) if rows else 1.0


def top_down_text(text: str, words: Sequence[WordBox]) -> str:
    """The page's lines in the order they stand on the page, from the boxes when there are any.

    Tesseract gives its text block by block, and on some layouts a block from
    the foot of the page comes before the title: what is "at the top" must
    come from where the words stand.
    """
    if not words:
        return text
    return "\n".join(" ".join(c.text for c in row.cells) for row in rows_from_words(words))
