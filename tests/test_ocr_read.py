"""Reading good files: text layers are taken as they are, pictures are OCRed with real Tesseract."""

from __future__ import annotations

import io
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from reportlab.lib.pdfencrypt import StandardEncryption
from reportlab.pdfgen import canvas

from ocr import OcrOptions, read_document, sniff_media_type
from ocr.text import character_error_rate
from tests.ocr_pages import (
    FORM_LINES,
    SHORT_LINES,
    dejavu_font,
    concat_pdfs,
    encode_image,
    image_pdf,
    multipage_tiff,
    render_page,
    text_layer_pdf,
)

OPTIONS = OcrOptions()


def assert_reads(page_text: str, lines: tuple[str, ...], *, max_cer: float = 0.05) -> None:
    assert unicodedata.is_normalized("NFC", page_text)
    assert character_error_rate("\n".join(lines), page_text) <= max_cer, page_text


def test_text_layer_pdf_is_read_without_ocr() -> None:
    result = read_document(text_layer_pdf([FORM_LINES, SHORT_LINES]), OPTIONS)

    assert result.media_type == "application/pdf"
    assert [p.source for p in result.pages] == ["text-layer", "text-layer"]
    assert [p.confidence for p in result.pages] == [100.0, 100.0]
    assert result.pages[0].text == "\n".join(FORM_LINES)
    assert result.pages[1].text == "\n".join(SHORT_LINES)
    assert result.pages[0].quality["non_vietnamese_letters"] == 0


def test_image_only_pdf_is_ocred() -> None:
    result = read_document(image_pdf([render_page(SHORT_LINES)]), OPTIONS)

    (page,) = result.pages
    assert page.source == "ocr"
    assert page.confidence > 50
    assert "Nguyễn Thị Hương" in page.text
    assert "079185012345" in page.text
    assert_reads(page.text, SHORT_LINES)


@pytest.mark.parametrize(("fmt", "media_type"), [("PNG", "image/png"), ("JPEG", "image/jpeg")])
def test_single_picture_is_ocred(fmt: str, media_type: str) -> None:
    data = encode_image(render_page(SHORT_LINES), fmt)

    result = read_document(data, OPTIONS)

    assert result.media_type == media_type
    (page,) = result.pages
    assert page.source == "ocr"
    assert page.confidence > 50
    assert_reads(page.text, SHORT_LINES)


def test_multipage_tiff_pages_come_back_in_order() -> None:
    first, second = FORM_LINES[4:7], FORM_LINES[9:11]
    data = multipage_tiff([render_page(first), render_page(second)])

    result = read_document(data, OPTIONS, workers=2)

    assert result.media_type == "image/tiff"
    assert [p.number for p in result.pages] == [1, 2]
    assert_reads(result.pages[0].text, first)
    assert_reads(result.pages[1].text, second)


def test_page_over_its_time_budget_is_kept_empty_and_the_call_returns() -> None:
    data = image_pdf([render_page(FORM_LINES), render_page(FORM_LINES)])

    result = read_document(data, OcrOptions(page_timeout_s=0.01))

    assert [(p.source, p.text, p.confidence) for p in result.pages] == [("ocr-timeout", "", 0.0)] * 2


def test_file_name_lies_but_magic_bytes_decide() -> None:
    png = encode_image(render_page(SHORT_LINES[:1]), "PNG")
    assert sniff_media_type(png) == "image/png"
    assert sniff_media_type(b"%PDF-1.7\n") == "application/pdf"
    assert sniff_media_type(b"II*\x00rest") == "image/tiff"


def test_each_ocred_page_waits_for_a_slot_and_text_layers_do_not() -> None:
    held: list[int] = []

    @contextmanager
    def core() -> Iterator[None]:
        held.append(1)
        yield

    data = concat_pdfs(text_layer_pdf([SHORT_LINES]), image_pdf([render_page(SHORT_LINES[:2])] * 2))

    result = read_document(data, OPTIONS, workers=2, slot=core)

    assert [p.source for p in result.pages] == ["text-layer", "ocr", "ocr"]
    assert len(held) == 2


def test_pdf_locked_only_against_editing_is_still_read() -> None:
    # An owner password without a user password restricts editing, not reading.
    buf = io.BytesIO()
    pdf = canvas.Canvas(buf, encrypt=StandardEncryption("", ownerPassword="chu-so-huu", canCopy=0))
    pdf.setFont(dejavu_font(), 12)
    pdf.drawString(72, 720, FORM_LINES[4])
    pdf.showPage()
    pdf.save()

    (page,) = read_document(buf.getvalue(), OPTIONS).pages

    assert (page.source, page.text) == ("text-layer", FORM_LINES[4])


def test_the_lean_text_layer_reader_gives_exactly_what_pdfplumber_gives(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """ocr.pdf.page_text skips pdfplumber's colour and path conversion; its text must not change."""
    import pdfplumber

    from ocr.pdf import page_text
    from samples.corpus import generate_corpus

    cases = generate_corpus(tmp_path, count=16, seed=7, scan_ratio=0.0, defect_ratio=0.3)
    pages = 0
    for case in cases:
        for path in case.files:
            if path.suffix != ".pdf":
                continue
            with pdfplumber.open(path) as pdf:
                for page in pdf.pages:
                    expected = page.extract_text()
                    assert page_text(page) == expected
                    assert "Đ" in expected or "đ" in expected or len(expected) > 200  # real Vietnamese form text, not empty
                    pages += 1
    assert pages >= 16
