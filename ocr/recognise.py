"""One page image to one PageResult: the per-page stage chain and its time budget.

Orientation is decided after a first reading, not before it: OSD costs about
as much as reading a short page, and nearly every page arrives upright, so
OSD runs only for a page that read badly, and the turned page replaces the
first reading only if it reads better.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from ocr import engine, preprocess
from ocr.model import OcrOptions, PageResult
from ocr.page import PageImage
from ocr.searchable import on_full_page, picture_page
from ocr.text import text_figures

# Words Tesseract is less sure of than this are counted as doubtful in the quality figures.
LOW_CONFIDENCE = 60.0
# Upright text of any quality measured here reads above this; sideways or upside down, below.
ORIENT_BELOW_CONFIDENCE = 70.0


@dataclass(frozen=True, slots=True)
class PageOutcome:
    result: PageResult
    pdf: bytes | None = None  # this page of the searchable copy; None: the source PDF's own page serves


def ocr_page(page: PageImage, options: OcrOptions) -> PageOutcome:
    """OCR a page within ``options.page_timeout_s``; a page out of time is kept, empty, never hung on."""
    deadline = time.monotonic() + options.page_timeout_s

    def read(image: PageImage) -> engine.Recognition:
        return engine.recognise(image, options.languages, deadline - time.monotonic(), pdf=options.searchable_pdf)

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
    quality = {
        **text_figures(found.text),
        "low_conf_words": sum(1 for c in found.confidences if c < LOW_CONFIDENCE),
        **_stage_notes(prepared),
        "osd": float(osd),
        "readings": float(readings),
    }
    return PageOutcome(
        PageResult(page.number, found.text, round(found.mean_confidence, 2), "ocr", quality, words=found.words),
        pdf=on_full_page(found.pdf, prepared) if found.pdf is not None else None,
    )


def _stage_notes(page: PageImage) -> dict[str, float]:
    """What preprocessing did, with every figure present so pages can be compared."""
    return {"rotated": 0.0, "deskew_angle": 0.0, "cleaned": 0.0, **page.notes}
