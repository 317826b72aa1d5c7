"""The searchable archive copy: every page's picture with its recognised text under it.

Tesseract already writes such a page in the same run that reads it; this
module only stitches pages together (PDFium's ``import_pages``, so no PDF
library is added), takes text-layer pages from the original as they are, and
gives a page that ran out of time a picture-only page so none goes missing.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import TYPE_CHECKING

import pypdfium2 as pdfium
from PIL import Image

from ocr.page import PageImage
from ocr.pdf import PDFIUM

if TYPE_CHECKING:
    from ocr.recognise import PageOutcome


def picture_page(page: PageImage) -> bytes:
    """A one-page PDF of the picture alone, for a page that has no recognised text."""
    buffer = io.BytesIO()
    Image.fromarray(page.pixels).save(buffer, format="PDF", resolution=page.dpi)
    return buffer.getvalue()


def on_full_page(pdf: bytes, page: PageImage) -> bytes:
    """A one-page PDF of a cropped page, put back at its place on a page of the full size.

    Tesseract reads the crop (cheaper) and writes its page the crop's size;
    the searchable copy keeps the scan's page size, the cut margins blank.
    """
    if page.frame is None:
        return pdf
    left, top, full_width, full_height = page.frame
    scale = 72 / page.dpi
    height = page.pixels.shape[0]
    with PDFIUM:
        source = pdfium.PdfDocument(pdf)
        placed = pdfium.PdfDocument.new()
        try:
            target = placed.new_page(full_width * scale, full_height * scale)
            form = source.page_as_xobject(0, placed).as_pageobject()
            form.transform(pdfium.PdfMatrix().translate(left * scale, (full_height - top - height) * scale))
            target.insert_obj(form)
            target.gen_content()
            buffer = io.BytesIO()
            placed.save(buffer)
            return buffer.getvalue()
        finally:
            placed.close()
            source.close()


def merge_pages(outcomes: Sequence[PageOutcome], source: pdfium.PdfDocument | None) -> bytes:
    """One PDF in page order; ``source`` supplies the pages that were read from their own text layer."""
    with PDFIUM:
        return _merge(outcomes, source)


def _merge(outcomes: Sequence[PageOutcome], source: pdfium.PdfDocument | None) -> bytes:
    merged = pdfium.PdfDocument.new()
    try:
        for outcome in outcomes:
            if outcome.pdf is None:
                if source is None:
                    raise ValueError(f"page {outcome.result.number} has no PDF page and there is no source PDF")
                merged.import_pages(source, [outcome.result.number - 1])
                continue
            single = pdfium.PdfDocument(outcome.pdf)
            try:
                merged.import_pages(single)
            finally:
                single.close()
        buffer = io.BytesIO()
        merged.save(buffer)
        return buffer.getvalue()
    finally:
        merged.close()
