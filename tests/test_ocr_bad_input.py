"""Files that can never be read fail fast with a stable code, without decoding what they claim to hold."""

from __future__ import annotations

import resource
import unicodedata

import pytest

from core.errors import CorruptFile, EmptyFile, EncryptedFile, InputError, TooLarge, UnsupportedFile
from ocr import OcrOptions, read_document
from tests.ocr_pages import (
    SHORT_LINES,
    encode_image,
    image_pdf,
    multipage_tiff,
    png_bomb_header,
    render_page,
    text_layer_pdf,
)

OPTIONS = OcrOptions(max_pages=3)
GOOD_PDF = text_layer_pdf([SHORT_LINES])
SMALL_PAGE = render_page(SHORT_LINES[:1], width_in=3)

CASES: dict[str, tuple[bytes, type[InputError], str]] = {
    "zero bytes": (b"", EmptyFile, "tep-rong"),
    "truncated pdf": (GOOD_PDF[: len(GOOD_PDF) // 2], CorruptFile, "tep-hong"),
    "pdf header then junk": (b"%PDF-1.7\n" + b"\x00junk" * 400 + b"\n%%EOF\n", CorruptFile, "tep-hong"),
    "encrypted pdf": (text_layer_pdf([SHORT_LINES], encrypt_password="bi-mat"), EncryptedFile, "tep-ma-hoa"),
    "html named .pdf": (b"<!DOCTYPE html><html><body>Kh\xc3\xb4ng t\xc3\xacm th\xe1\xba\xa5y</body></html>",
                        UnsupportedFile, "dinh-dang-khong-ho-tro"),
    "elf executable": (b"\x7fELF\x02\x01\x01\x00" + bytes(120), UnsupportedFile, "dinh-dang-khong-ho-tro"),
    "zip archive": (b"PK\x03\x04" + bytes(60), UnsupportedFile, "dinh-dang-khong-ho-tro"),
    "truncated png": (encode_image(SMALL_PAGE, "PNG")[:400], CorruptFile, "tep-hong"),
    "truncated jpeg": (encode_image(SMALL_PAGE, "JPEG")[:400], CorruptFile, "tep-hong"),
    "truncated tiff": (multipage_tiff([SMALL_PAGE] * 2)[:-100], CorruptFile, "tep-hong"),
    "tiff without its page directory": (multipage_tiff([SMALL_PAGE] * 2)[:300], CorruptFile, "tep-hong"),
    "png header 50 000 x 50 000": (png_bomb_header(50_000, 50_000), TooLarge, "vuot-gioi-han"),
    "png header over our limit, under pillow's": (png_bomb_header(9_000, 9_000), TooLarge, "vuot-gioi-han"),
    "png side too long for tesseract": (png_bomb_header(40_000, 10), TooLarge, "vuot-gioi-han"),
    "pdf with too many pages": (text_layer_pdf([SHORT_LINES] * 4), TooLarge, "vuot-gioi-han"),
    "tiff with too many pages": (multipage_tiff([SMALL_PAGE] * 4), TooLarge, "vuot-gioi-han"),
}


@pytest.mark.filterwarnings("ignore:Corrupt EXIF data:UserWarning")  # Pillow on the cut TIFFs
@pytest.mark.parametrize("case", list(CASES))
def test_bad_input_raises_its_error(case: str) -> None:
    data, error, code = CASES[case]

    with pytest.raises(error) as caught:
        read_document(data, OPTIONS, name="ho-so.pdf")

    assert caught.value.code == code
    assert unicodedata.is_normalized("NFC", caught.value.message)
    assert "ho-so.pdf" in (caught.value.detail or "")


def test_decompression_bomb_is_refused_without_allocating_it() -> None:
    before_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss

    with pytest.raises(TooLarge):
        read_document(png_bomb_header(50_000, 50_000), OPTIONS)

    # The peak resident size would have jumped by 2.5 GB had the picture been decoded.
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before_kib < 40 * 1024


def test_pixel_limit_applies_to_rendered_pdf_pages() -> None:
    # A page with (almost) no text layer is rendered at the configured resolution: 1200 dpi is far too many pixels.
    with pytest.raises(TooLarge):
        read_document(text_layer_pdf([("x",)]), OcrOptions(dpi=1200, max_page_pixels=1_000_000))
    # A scan is read at its own resolution (300 dpi here), and that too is checked against the limit.
    with pytest.raises(TooLarge):
        read_document(image_pdf([SMALL_PAGE]), OcrOptions(dpi=1200, max_page_pixels=SMALL_PAGE.width * SMALL_PAGE.height // 2))
