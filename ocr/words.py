"""Words with their boxes, from Tesseract's TSV and from a PDF's text layer.

Both sources give the same thing: the word, how sure the reading is, and
where it stands. The domain groups them into rows and cells itself, so this
module only translates each source's format.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Mapping

from core.text import nfc


@dataclass(frozen=True, slots=True)
class Word:
    """One word where it stands on the page (pixels for scans, points for text layers; top-left origin).

    The boxes let the domain read layouts the plain text flattens: a value
    in the column under "Bên nữ", a value on the line below its label.
    """

    text: str  # NFC
    confidence: float  # 0..100 (100 for a text layer)
    left: float
    top: float
    right: float
    bottom: float


def words_from_tsv(tsv: str) -> tuple[Word, ...]:
    """Tesseract's level-5 rows (words) that carry text, in Tesseract's reading order."""
    words = []
    for line in tsv.splitlines()[1:]:
        fields = line.split("\t")
        if len(fields) != 12 or fields[0] != "5" or not fields[11].strip():
            continue
        left, top, width, height = (float(v) for v in fields[6:10])
        words.append(Word(nfc(fields[11].strip()), max(0.0, float(fields[10])), left, top, left + width, top + height))
    return tuple(words)


def words_from_plumber(found: Iterable[Mapping[str, object]]) -> tuple[Word, ...]:
    """pdfplumber's word dicts (``text``, ``x0``, ``top``, ``x1``, ``bottom``) as words of a trusted layer."""
    return tuple(
        Word(nfc(str(w["text"])), 100.0, float(w["x0"]), float(w["top"]), float(w["x1"]), float(w["bottom"]))  # type: ignore[arg-type]
        for w in found
        if str(w["text"]).strip()
    )
