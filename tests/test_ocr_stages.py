"""Per-page stage decisions: a clean sparse form pays for no stage it does not need; a bad scan gets them.

What a page costs is decided by cheap measurements (noise and paper estimates,
the skew of the text lines, the confidence of the first reading): these tests
read real pages with real Tesseract and check, from the quality notes the
library leaves on every page, which stages ran.
"""

from __future__ import annotations

import io
import random

import numpy as np
import pdfplumber
from PIL import Image
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen import canvas

from bench.sparse import form_picture, sparse_form
from ocr import OcrOptions, read_document
from ocr.pdf import PdfSource
from ocr.text import character_error_rate
from tests.ocr_pages import rotate, scanned

OPTIONS = OcrOptions(languages="vie")


def _form(seed: int = 3, dpi: int = 300) -> tuple[Image.Image, str]:
    form = sparse_form(random.Random(seed))
    return form_picture(form, dpi), "\n".join(form.lines)


def _png(picture: Image.Image, dpi: int = 300) -> bytes:
    buffer = io.BytesIO()
    picture.save(buffer, "PNG", dpi=(dpi, dpi))
    return buffer.getvalue()


def _scan_pdf(picture: Image.Image, dpi: int) -> bytes:
    """An image-only PDF holding a JPEG at ``dpi``, as a scan station writes it."""
    jpeg = io.BytesIO()
    picture.save(jpeg, "JPEG", quality=90)
    buffer = io.BytesIO()
    width, height = picture.width * 72 / dpi, picture.height * 72 / dpi
    pdf = canvas.Canvas(buffer, pagesize=(width, height))
    pdf.drawImage(ImageReader(io.BytesIO(jpeg.getvalue())), 0, 0, width, height)
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def test_clean_sparse_form_runs_no_clean_up_no_deskew_no_osd_and_one_reading() -> None:
    picture, truth = _form()
    light = scanned(picture, blur=0.4, noise=3, paper=242, ink=30)

    (page,) = read_document(_png(light), OPTIONS).pages

    q = page.quality
    assert (q["cleaned"], q["deskew_angle"], q["rotated"]) == (0, 0, 0)
    assert q["osd"] == 0 and q["readings"] == 1
    assert q["noise"] < 6 and abs(q["skew"]) < 2
    assert character_error_rate(truth, page.text) < 0.02, page.text


def test_skewed_noisy_form_is_cleaned_and_straightened() -> None:
    picture, truth = _form(seed=4)
    bad = scanned(rotate(picture, 3.5), blur=1.2, noise=30, paper=215, ink=60)

    (page,) = read_document(_png(bad), OPTIONS).pages

    q = page.quality
    assert q["cleaned"] == 1
    assert abs(q["deskew_angle"] - 3.5) < 0.5
    assert q["readings"] == 1
    assert character_error_rate(truth, page.text) < 0.03, page.text


def test_slight_skew_is_left_to_tesseract() -> None:
    picture, truth = _form(seed=5)

    (page,) = read_document(_png(rotate(picture, 0.8)), OPTIONS).pages

    assert page.quality["deskew_angle"] == 0
    assert 0.4 < page.quality["skew"] < 1.0  # measured, and judged not worth a 9-megapixel warp
    assert character_error_rate(truth, page.text) < 0.02, page.text


def test_upside_down_form_gets_osd_and_a_second_reading() -> None:
    picture, truth = _form(seed=6)

    (page,) = read_document(_png(rotate(picture, 180)), OPTIONS).pages

    assert page.quality["osd"] == 1 and page.quality["readings"] == 2
    assert page.quality["rotated"] == 180
    assert character_error_rate(truth, page.text) < 0.02, page.text


def test_scanned_pdf_page_is_read_at_the_scans_own_resolution() -> None:
    picture, truth = _form(seed=7, dpi=200)
    data = _scan_pdf(picture, 200)

    with PdfSource(data, OPTIONS) as pdf:
        image = pdf.rasterise(0)
    (page,) = read_document(data, OPTIONS).pages

    assert image.dpi == 200 and image.pixels.shape == (picture.height, picture.width)
    assert np.abs(image.pixels.astype(int) - np.asarray(picture, dtype=int)).mean() < 3  # the JPEG's own pixels
    assert page.source == "ocr"
    assert character_error_rate(truth, page.text) < 0.02, page.text


def test_scan_below_150_dpi_is_rendered_at_the_configured_resolution() -> None:
    picture, _ = _form(seed=8, dpi=100)  # below the lowest scan resolution trusted as such
    data = _scan_pdf(picture, 100)

    with PdfSource(data, OPTIONS) as pdf:
        image = pdf.rasterise(0)

    assert image.dpi == OPTIONS.dpi


def test_digit_boxes_and_dotted_lines_are_erased_before_reading() -> None:
    """CT01 prints the personal ID one digit per box; read with the boxes, the walls come out as letters."""
    from tests.ocr_pages import boxed_digits_page

    picture = scanned(boxed_digits_page("4. Số định danh cá nhân:", "001103247612"), blur=0.8, noise=8, paper=240)

    (page,) = read_document(_png(picture, dpi=200), OPTIONS).pages

    assert page.quality["unlined"] >= 1
    id_line = next(line for line in page.text.splitlines() if "định danh" in line)
    assert id_line.split(":")[1].replace(" ", "") == "001103247612"
    assert "Lê Quỳnh Hằng" in page.text  # the line under which the dotted line ran is still read


def test_bold_capitals_are_not_taken_for_rules() -> None:
    """The top edge of a line of bold capitals runs long and thin too; it has the letters' ink below it."""
    from PIL import ImageDraw, ImageFont

    from ocr import preprocess
    from ocr.page import PageImage

    picture = Image.new("L", (2480, 400), 255)
    draw = ImageDraw.Draw(picture)
    for y, (font, size) in enumerate([("DejaVuSans-Bold", 70), ("DejaVuSansMono-Bold", 60)]):
        face = ImageFont.truetype(f"/usr/share/fonts/truetype/dejavu/{font}.ttf", size)
        draw.text((150, 60 + 160 * y), "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", font=face, fill=10)
    pixels = np.asarray(scanned(picture, blur=0.5, noise=4, paper=245))

    page = preprocess.unline(PageImage(1, pixels, 300))

    assert page.notes["unlined"] == 0 and np.array_equal(page.pixels, pixels)


def test_typed_dotted_leaders_are_erased_and_the_words_before_them_read() -> None:
    """Leaders typed as full stops (0.06 in apart, too far to bridge as a rule) made Tesseract read garbage."""
    from PIL import ImageDraw, ImageFont

    face = ImageFont.truetype("/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf", 50)
    picture = Image.new("L", (2480, 700), 255)
    draw = ImageDraw.Draw(picture)
    lines = ["Kính gửi: Ủy ban nhân dân xã Hưng Đạo", "Họ, chữ đệm, tên người yêu cầu: Lê Thanh Linh",
             "Ngày, tháng, năm sinh: 29/11/1999"]
    for i, line in enumerate(lines):
        y = 80 + 110 * i
        draw.text((200, y), line, font=face, fill=10)
        end = 200 + draw.textlength(line, font=face) + 20
        while end < 2300:
            draw.text((end, y), ".", font=face, fill=10)
            end += 18
    picture = scanned(picture, blur=0.6, noise=4, paper=242)

    (page,) = read_document(_png(picture), OPTIONS).pages

    assert page.quality["leaders"] >= 3
    read = [line for line in page.text.splitlines() if line.strip()]
    assert read[: len(lines)] == lines


def test_a_short_ellipsis_is_text_and_stays() -> None:
    from ocr import preprocess
    from ocr.page import PageImage
    from PIL import ImageDraw, ImageFont

    face = ImageFont.truetype("/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf", 50)
    picture = Image.new("L", (2480, 300), 255)
    ImageDraw.Draw(picture).text((200, 100), "Nơi cư trú: thôn Đông..., xã Sóc Sơn", font=face, fill=10)
    pixels = np.asarray(picture)

    page = preprocess.unline(PageImage(1, pixels, 300))

    assert page.notes["leaders"] == 0 and np.array_equal(page.pixels, pixels)


def test_large_type_is_read_at_a_lower_resolution_and_the_searchable_page_keeps_its_size() -> None:
    """A 300-dpi scan of 12-13 pt type has more pixels than Tesseract needs; a 200-dpi one has not."""
    picture, truth = _form(seed=5, dpi=300)
    small, _ = _form(seed=5, dpi=200)

    result = read_document(_png(picture), OcrOptions(languages="vie", searchable_pdf=True))
    (page,) = result.pages
    (as_200,) = read_document(_png(small, dpi=200), OPTIONS).pages

    assert 0.5 <= page.quality["scale"] < 0.85
    assert as_200.quality["scale"] == 1.0
    assert character_error_rate(truth, page.text) < 0.02, page.text
    with pdfplumber.open(io.BytesIO(result.searchable_pdf)) as pdf:
        (sheet,) = pdf.pages
        assert abs(sheet.width - picture.width * 72 / 300) < 1 and abs(sheet.height - picture.height * 72 / 300) < 1
        ink = np.flatnonzero((np.asarray(picture.convert("L")) < 128).any(axis=0))
        # The text layer lies on the words in the picture: cropped and scaled, it was put back in place.
        assert abs(min(c["x0"] for c in sheet.chars) - ink[0] * 72 / 300) < 6
