"""Synthetic pages for the OCR tests and measurements.

Every page is rendered here from known Vietnamese text, so a test can compare
what OCR read against what was drawn, and every hostile file is built from
bytes, so no fixture file can drift from what the test claims it contains.
"""

from __future__ import annotations

import io
import struct
import zlib

import numpy as np
import pypdfium2 as pdfium
from PIL import Image, ImageDraw, ImageFont
from reportlab.lib.pagesizes import A4
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

from samples.render import ScanLook, degrade

FONT_PATH = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"

FORM_LINES: tuple[str, ...] = (
    "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
    "Độc lập - Tự do - Hạnh phúc",
    "TỜ KHAI ĐĂNG KÝ KHAI SINH",
    "Kính gửi: Ủy ban nhân dân phường Bến Nghé",
    "Họ, chữ đệm, tên người yêu cầu: Nguyễn Thị Hương",
    "Số định danh cá nhân: 079185012345",
    "Nơi cư trú: số 12 đường Lê Lợi, quận Một",
    "Quan hệ với người được khai sinh: mẹ ruột",
    "Đề nghị cơ quan đăng ký khai sinh cho người dưới đây:",
    "Họ, chữ đệm, tên: Trần Minh Khôi",
    "Ngày, tháng, năm sinh: 15 tháng 3 năm 2024",
    "Tôi cam đoan nội dung khai trên đây là đúng sự thật.",
)

SHORT_LINES: tuple[str, ...] = FORM_LINES[2:7]


def _font(size_px: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(FONT_PATH, size_px)


def render_page(
    lines: tuple[str, ...] = FORM_LINES,
    *,
    dpi: int = 300,
    width_in: float = 8.27,
    height_in: float | None = None,
    font_pt: float = 12.0,
    rule: bool = False,
) -> Image.Image:
    """A clean greyscale page; short pages keep the tests fast without changing what is read.

    ``rule`` draws a long horizontal line under the text, a feature whose
    angle can be measured independently of the code under test.
    """
    size_px = round(font_pt * dpi / 72)
    leading = round(size_px * 1.8)
    margin = round(0.8 * dpi)
    height_px = (
        round(height_in * dpi) if height_in else 2 * margin + leading * (len(lines) + 2)
    )
    page = Image.new("L", (round(width_in * dpi), height_px), 255)
    draw = ImageDraw.Draw(page)
    font = _font(size_px)
    y = margin
    for line in lines:
        draw.text((margin, y), line, font=font, fill=0)
        y += leading
    if rule:
        draw.rectangle((margin, y + leading // 2, page.width - margin, y + leading // 2 + 6), fill=0)
    return page


def scanned(page: Image.Image, *, blur: float = 0.0, noise: float = 0.0, paper: int = 238, ink: int = 30,
            seed: int = 7) -> Image.Image:
    """A scanned-looking copy, made by the sample generator's own scanner model."""
    look = ScanLook(blur_sigma=blur, noise_sigma=noise, paper=paper, ink=ink)
    return degrade(page, look, np.random.default_rng(seed))


def shade(page: Image.Image, depth: float) -> Image.Image:
    """Darken the paper towards the right edge by ``depth``, as a book spine or a phone photo does.

    Far stronger than the sample generator's lighting drift: this is what
    defeats Tesseract's single global threshold.
    """
    light = 1 - depth * np.linspace(0, 1, page.width, dtype=np.float32)
    return Image.fromarray((np.asarray(page, dtype=np.float32) * light[np.newaxis, :]).astype(np.uint8))


def rotate(page: Image.Image, degrees: float) -> Image.Image:
    """Turn counter-clockwise on a white canvas, as a page fed crooked into a scanner."""
    return page.rotate(degrees, resample=Image.Resampling.BICUBIC, expand=True, fillcolor=255)


def encode_image(page: Image.Image, fmt: str, **params: object) -> bytes:
    buf = io.BytesIO()
    page.save(buf, format=fmt, **params)
    return buf.getvalue()


def multipage_tiff(pages: list[Image.Image], dpi: int = 300) -> bytes:
    buf = io.BytesIO()
    pages[0].save(buf, format="TIFF", save_all=True, append_images=pages[1:], dpi=(dpi, dpi))
    return buf.getvalue()


def image_pdf(pages: list[Image.Image], dpi: int = 300) -> bytes:
    """A PDF with one full-page picture per page and no text layer, as a scanner makes."""
    buf = io.BytesIO()
    pages[0].save(buf, format="PDF", save_all=True, append_images=pages[1:], resolution=dpi)
    return buf.getvalue()


def dejavu_font() -> str:
    """DejaVu Sans has every Vietnamese letter; the PDF base fonts do not."""
    if "DejaVuSans" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont("DejaVuSans", FONT_PATH))
    return "DejaVuSans"


def text_layer_pdf(pages: list[tuple[str, ...]], *, encrypt_password: str | None = None) -> bytes:
    """A born-digital PDF, one line per string, optionally locked with a password."""
    buf = io.BytesIO()
    pdf = canvas.Canvas(buf, pagesize=A4, encrypt=encrypt_password)
    for lines in pages:
        pdf.setFont(dejavu_font(), 12)
        y = A4[1] - 72
        for line in lines:
            pdf.drawString(72, y, line)
            y -= 22
        pdf.showPage()
    pdf.save()
    return buf.getvalue()


def garbage_layer_pdf(picture: Image.Image, garbage: str, dpi: int = 300) -> bytes:
    """A scan with a broken text layer on top, like some scanners' built-in OCR leaves."""
    width, height = picture.width * 72 / dpi, picture.height * 72 / dpi
    png = io.BytesIO()
    picture.save(png, format="PNG")
    png.seek(0)
    buf = io.BytesIO()
    pdf = canvas.Canvas(buf, pagesize=(width, height))
    pdf.drawImage(ImageReader(png), 0, 0, width, height)
    text = pdf.beginText(36, height - 36)
    text.setTextRenderMode(3)  # invisible, as OCR layers are
    text.setFont(dejavu_font(), 10)
    for line in garbage.splitlines():
        text.textLine(line)
    pdf.drawText(text)
    pdf.showPage()
    pdf.save()
    return buf.getvalue()


def png_bomb_header(width: int = 50_000, height: int = 50_000) -> bytes:
    """A tiny PNG whose header claims a huge greyscale picture: a decompression bomb's shape."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    idat = zlib.compress(b"\x00" * 1024)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")



def concat_pdfs(*pdfs: bytes) -> bytes:
    """One PDF holding the pages of all, e.g. a typed page followed by a scanned one."""
    merged = pdfium.PdfDocument.new()
    for data in pdfs:
        merged.import_pages(pdfium.PdfDocument(data))
    buf = io.BytesIO()
    merged.save(buf)
    return buf.getvalue()


def boxed_digits_page(label: str, digits: str, *, dpi: int = 200, font_pt: float = 13.0) -> Image.Image:
    """A form line as CT01 prints it: the label, then one digit per drawn box, and a dotted line under a value.

    The boxes' walls stand between the digits, where Tesseract reads them as
    letters ("[0[2[4Ƒ1 BIEIE…" on scanned CT01 forms).
    """
    size = round(font_pt * dpi / 72)
    font = _font(size)
    picture = Image.new("L", (round(8.27 * dpi), round(2.2 * dpi)), 255)
    draw = ImageDraw.Draw(picture)
    x, y = round(0.8 * dpi), round(0.5 * dpi)
    draw.text((x, y), label, font=font, fill=20)
    x += round(draw.textlength(label, font=font)) + size // 2
    cell, top, bottom = round(size * 0.9), y - size // 6, y + round(size * 1.15)
    for i, digit in enumerate(digits):
        left = x + i * cell
        draw.rectangle((left, top, left + cell, bottom), outline=40, width=max(1, dpi // 100))
        draw.text((left + cell // 4, y), digit, font=font, fill=20)
    name_y = y + round(size * 2.2)
    draw.text((round(0.8 * dpi), name_y), "Họ, chữ đệm và tên: Lê Quỳnh Hằng", font=font, fill=20)
    for dot in range(round(0.8 * dpi), round(7.5 * dpi), max(3, dpi // 40)):  # the dotted line written on
        draw.rectangle((dot, name_y + size + 2, dot + 1, name_y + size + 3), fill=30)
    return picture
