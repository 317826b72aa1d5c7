"""One page image to one PageResult: the per-page stage chain and its time budget.

Orientation is decided after a first reading, not before it: OSD costs about
as much as reading a short page, and nearly every page arrives upright, so
OSD runs only for a page that read badly, and the turned page replaces the
first reading only if it reads better.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Sequence

import cv2
import numpy as np

from ocr import engine, preprocess
from ocr.model import OcrOptions, PageResult
from ocr.page import PageImage
from ocr.searchable import on_full_page, picture_page
from ocr.text import text_figures
from ocr.words import Word

# Words Tesseract is less sure of than this are counted as doubtful in the quality figures.
LOW_CONFIDENCE = 60.0
# Upright text of any quality measured here reads above this; sideways or upside down, below.
ORIENT_BELOW_CONFIDENCE = 70.0
# A first reading that left this share of the letters' ink outside every word is read again as one
# uniform block of lines (Tesseract's --psm 6: a form is one column of labelled lines, and this keeps
# the lines automatic layout analysis dropped); the reading that leaves less ink unread stands.
UNREAD_INK = 0.05
UNIFORM_BLOCK = 6
_GARBAGE_HEIGHT = 2.5  # a "word" this many times taller than the page's median word is a blob misread
_RULE_IN = 0.3  # straight ink runs this long are rules and table borders, not letters


@dataclass(frozen=True, slots=True)
class PageOutcome:
    result: PageResult
    pdf: bytes | None = None  # this page of the searchable copy; None: the source PDF's own page serves


def ocr_page(page: PageImage, options: OcrOptions) -> PageOutcome:
    """OCR a page within ``options.page_timeout_s``; a page out of time is kept, empty, never hung on."""
    deadline = time.monotonic() + options.page_timeout_s

    def read(image: PageImage, psm: int | None = None) -> engine.Recognition:
        return engine.recognise(image, options.languages, deadline - time.monotonic(), pdf=options.searchable_pdf,
                                psm=psm)

    prepared = preprocess.prepare(page, options)
    try:
        found = read(prepared)
    except engine.EngineTimeout:
        return PageOutcome(
            PageResult(page.number, text="", confidence=0.0, source="ocr-timeout", quality=_stage_notes(prepared)),
            pdf=on_full_page(picture_page(prepared), prepared) if options.searchable_pdf else None,
        )
    readings, osd = 1, 0
    if options.orient and found.mean_confidence < ORIENT_BELOW_CONFIDENCE:
        try:
            osd = 1
            degrees = preprocess.upright_rotation(prepared, deadline - time.monotonic())
            if degrees:
                readings += 1
                # Straighten and clean the turned original: skew measured sideways means nothing.
                retry = preprocess.prepare(preprocess.turn(page, degrees), options)
                second = read(retry)
                if second.mean_confidence > found.mean_confidence:
                    prepared, found = retry, second
        except engine.EngineTimeout:
            pass  # the first reading stands
    unread = unread_ink(prepared, found.words)
    if unread >= UNREAD_INK:
        try:
            readings += 1
            second = read(prepared, psm=UNIFORM_BLOCK)
            second_unread = unread_ink(prepared, second.words)
            if second_unread < unread:
                found, unread = second, second_unread
        except engine.EngineTimeout:
            pass  # the first reading stands
    quality = {
        **text_figures(found.text),
        "low_conf_words": sum(1 for c in found.confidences if c < LOW_CONFIDENCE),
        **_stage_notes(prepared),
        "osd": float(osd),
        "readings": float(readings),
        "unread_ink": round(unread, 3),
    }
    return PageOutcome(
        PageResult(page.number, found.text, round(found.mean_confidence, 2), "ocr", quality, words=found.words),
        pdf=on_full_page(found.pdf, prepared) if found.pdf is not None else None,
    )


def unread_ink(page: PageImage, words: Sequence[Word]) -> float:
    """Share of the page's letter ink that lies outside every word read (0..1).

    Tesseract's automatic layout analysis sometimes drops whole blocks of a
    form (seen on scanned official forms: the title and first lines above a
    table, a line of digits spaced out by their erased boxes), and a form
    without its title is a dossier nobody can recognise; or it reads several
    lines as one blob of a "word". Ink in lines (rules, leaders) is not
    counted: no word stands on it by design.
    """
    pixels = page.pixels
    small, factor = preprocess.reduced(pixels)
    _, ink = cv2.threshold(small, 0, 255, cv2.THRESH_BINARY_INV | cv2.THRESH_OTSU)
    reach = max(5, round(_RULE_IN * page.dpi / factor))
    for kernel in ((reach, 1), (1, reach)):
        ink = cv2.subtract(ink, cv2.morphologyEx(ink, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, kernel)))
    ink = cv2.morphologyEx(ink, cv2.MORPH_OPEN, np.ones((2, 2), np.uint8))  # specks of noise are no letters
    total = cv2.countNonZero(ink)
    if total == 0:
        return 0.0
    read = np.zeros_like(ink)
    pad = 2
    heights = sorted(w.bottom - w.top for w in words)
    tallest = _GARBAGE_HEIGHT * heights[len(heights) // 2] if heights else 0.0
    for w in words:
        if w.bottom - w.top > tallest:
            continue  # a blob of lines read as one "word" ("©eœmU M") is not a reading of them
        cv2.rectangle(read, (int(w.left / factor) - pad, int(w.top / factor) - pad),
                      (int(w.right / factor) + pad, int(w.bottom / factor) + pad), 255, -1)
    return cv2.countNonZero(cv2.bitwise_and(ink, cv2.bitwise_not(read))) / total


def _stage_notes(page: PageImage) -> dict[str, float]:
    """What preprocessing did, with every figure present so pages can be compared."""
    return {"rotated": 0.0, "deskew_angle": 0.0, "cleaned": 0.0, **page.notes}
