"""The searchable archive copy, the garbage-layer fallback, and the configuration version."""

from __future__ import annotations

import io

import pdfplumber

from ocr import OcrOptions, read_document
from ocr.engine import tesseract_version
from ocr.text import character_error_rate
from tests.ocr_pages import (
    FORM_LINES,
    SHORT_LINES,
    concat_pdfs,
    encode_image,
    garbage_layer_pdf,
    image_pdf,
    render_page,
    text_layer_pdf,
)

TYPED, SCANNED, BROKEN = FORM_LINES[:4], SHORT_LINES, FORM_LINES[6:9]
TCVN3_LAYER = "Hä vµ tªn ng−êi yªu cÇu: NguyÔn ThÞ H−¬ng\nN¬i c− tró: sè 12 ®−êng Lª Lîi"


def pdf_page_texts(data: bytes) -> list[str]:
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        return [page.extract_text() or "" for page in pdf.pages]


def test_garbage_text_layer_is_ocred_instead() -> None:
    data = garbage_layer_pdf(render_page(BROKEN), TCVN3_LAYER)

    (page,) = read_document(data, OcrOptions(languages="vie")).pages

    assert page.source == "ocr"
    assert character_error_rate("\n".join(BROKEN), page.text) < 0.05, page.text


def test_searchable_pdf_has_every_page_with_its_text() -> None:
    data = concat_pdfs(
        text_layer_pdf([TYPED]),
        image_pdf([render_page(SCANNED)]),
        garbage_layer_pdf(render_page(BROKEN), TCVN3_LAYER),
    )

    result = read_document(data, OcrOptions(languages="vie", searchable_pdf=True), workers=2)

    assert [p.source for p in result.pages] == ["text-layer", "ocr", "ocr"]
    assert result.searchable_pdf is not None
    texts = pdf_page_texts(result.searchable_pdf)
    assert len(texts) == 3
    for lines, text in zip((TYPED, SCANNED, BROKEN), texts, strict=True):
        assert character_error_rate("\n".join(lines), text) < 0.05, text


def test_searchable_pdf_from_a_picture_and_only_when_asked() -> None:
    png = encode_image(render_page(SCANNED), "PNG")

    assert read_document(png, OcrOptions()).searchable_pdf is None
    searchable = read_document(png, OcrOptions(languages="vie", searchable_pdf=True)).searchable_pdf
    assert searchable is not None
    (text,) = pdf_page_texts(searchable)
    assert character_error_rate("\n".join(SCANNED), text) < 0.05


def test_page_out_of_time_still_has_its_picture_in_the_searchable_pdf() -> None:
    png = encode_image(render_page(FORM_LINES), "PNG")

    result = read_document(png, OcrOptions(searchable_pdf=True, page_timeout_s=0.01))

    assert result.pages[0].source == "ocr-timeout"
    assert result.searchable_pdf is not None
    assert pdf_page_texts(result.searchable_pdf) == [""]


def test_version_names_everything_that_changes_output() -> None:
    base = OcrOptions()
    changed = [
        OcrOptions(languages="vie+eng"),
        OcrOptions(dpi=200),
        OcrOptions(orient=False),
        OcrOptions(deskew=False),
        OcrOptions(clean=False),
        OcrOptions(searchable_pdf=True),
        OcrOptions(min_text_layer_chars=50),
    ]

    assert tesseract_version() in base.version()
    assert len({base.version(), *(o.version() for o in changed)}) == 1 + len(changed)
    # Limits decide whether a result exists, not what it says.
    assert OcrOptions(max_pages=5, page_timeout_s=1).version() == base.version()
