"""Rendering sample pages as text-layer PDFs and as scanned-looking images.

A text-layer PDF is what an online submission gives; a scan is what a desk
scanner gives: grey paper, toner noise, a little blur and a page that is
never quite straight. Scans are made from the same PDF, rasterised at the
scanner's resolution, so both versions of a dossier carry the same text.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Literal, Sequence

import cv2
import numpy as np
import pypdfium2 as pdfium
from PIL import Image
from reportlab.lib.pagesizes import A4
from reportlab.lib.utils import simpleSplit
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

from samples.forms import Line, Page

ScanFormat = Literal["pdf", "png", "jpeg", "tiff"]

FONT_DIRS = (
    Path("/usr/share/fonts/truetype/dejavu"),
    Path("/usr/share/fonts/dejavu"),
    Path("/usr/local/share/fonts"),
    Path("/Library/Fonts"),
)
_MARGIN = 56.0
_STYLE = {  # style: (font, size, alignment, space after)
    "heading": ("bold", 12.0, "center", 2.0),
    "motto": ("bold", 12.0, "center", 14.0),
    "title": ("bold", 14.5, "center", 6.0),
    "subtitle": ("italic", 11.0, "center", 8.0),
    "body": ("regular", 11.5, "left", 5.0),
    "center": ("bold", 11.5, "center", 5.0),
    "right": ("italic", 11.5, "right", 8.0),
    "sign": ("bold", 11.5, "right", 4.0),
    "small": ("italic", 9.5, "left", 3.0),
}


@cache
def _fonts() -> dict[str, str]:
    """Register DejaVu Sans: it has every Vietnamese letter, the PDF base fonts do not."""
    files = {"regular": "DejaVuSans.ttf", "bold": "DejaVuSans-Bold.ttf", "italic": "DejaVuSans-Oblique.ttf"}
    names = {}
    for role, filename in files.items():
        path = next((d / filename for d in FONT_DIRS if (d / filename).is_file()), None)
        if path is None:
            raise FileNotFoundError(
                f"{filename} not found in {', '.join(map(str, FONT_DIRS))}: install fonts-dejavu-core"
            )
        name = f"hoso-{path.stem}"
        pdfmetrics.registerFont(TTFont(name, str(path)))
        names[role] = name
    return names


def _draw_line(pdf: canvas.Canvas, line: Line, y: float, width: float) -> float:
    fonts = _fonts()
    role, size, align, after = _STYLE[line.style]
    font = fonts[role]
    leading = size * 1.35
    for chunk in simpleSplit(line.text, font, size, width - 2 * _MARGIN) or [""]:
        pdf.setFont(font, size)
        if align == "center":
            pdf.drawCentredString(width / 2, y, chunk)
        elif align == "right":
            pdf.drawRightString(width - _MARGIN, y, chunk)
        else:
            pdf.drawString(_MARGIN, y, chunk)
        y -= leading
    return y - after


def pdf_bytes(pages: Sequence[Page], title: str = "Hồ sơ") -> bytes:
    """A PDF with a real text layer, one A4 page per form or attachment page."""
    buffer = io.BytesIO()
    width, height = A4
    pdf = canvas.Canvas(buffer, pagesize=A4, pageCompression=1)
    pdf.setTitle(title)
    for page in pages:
        y = height - _MARGIN
        for line in page.lines:
            y = _draw_line(pdf, line, y, width)
            if y < _MARGIN:
                raise ValueError(f"page content does not fit on A4: {page.lines[0].text!r}")
        pdf.showPage()
    pdf.save()
    return buffer.getvalue()


@dataclass(frozen=True, slots=True)
class ScanLook:
    """How a scan differs from the clean page; all drawn from the corpus's seed."""

    dpi: int = 300
    skew_degrees: float = 0.0
    blur_sigma: float = 0.0  # Gaussian blur in pixels at the scan's dpi
    noise_sigma: float = 0.0  # grey levels of sensor noise
    speckle: float = 0.0  # share of pixels hit by dust or toner specks
    paper: int = 238  # grey level of the paper
    ink: int = 30  # grey level of the toner
    jpeg_quality: int = 85


def rasterise(pdf: bytes, dpi: int) -> list[Image.Image]:
    """Each page of a PDF as a greyscale image at ``dpi``."""
    document = pdfium.PdfDocument(pdf)
    try:
        return [
            page.render(scale=dpi / 72, grayscale=True).to_pil().convert("L")
            for page in document
        ]
    finally:
        document.close()


def degrade(image: Image.Image, look: ScanLook, rng: np.random.Generator) -> Image.Image:
    """Make a clean page look scanned: paper tone, ink, blur, noise, skew."""
    clean = np.asarray(image, dtype=np.float32) / 255.0  # 1 = paper, 0 = ink
    height, width = clean.shape
    # Uneven lighting across the page, as from a flatbed lid left ajar.
    gradient = np.linspace(-1.0, 1.0, width, dtype=np.float32)[None, :] * rng.uniform(-6, 6)
    page = look.ink + clean * (look.paper - look.ink) + gradient
    if look.blur_sigma > 0:
        page = cv2.GaussianBlur(page, (0, 0), look.blur_sigma)
    if look.noise_sigma > 0:
        page += rng.standard_normal(page.shape, dtype=np.float32) * look.noise_sigma
    if look.speckle > 0:
        count = int(look.speckle * height * width)
        ys, xs = rng.integers(0, height, count), rng.integers(0, width, count)
        page[ys, xs] = np.where(rng.random(count) < 0.7, look.ink, look.paper + 10)
    if look.skew_degrees:
        centre = (width / 2 + rng.uniform(-20, 20), height / 2 + rng.uniform(-20, 20))
        matrix = cv2.getRotationMatrix2D(centre, look.skew_degrees, 1.0)
        page = cv2.warpAffine(
            page, matrix, (width, height), flags=cv2.INTER_LINEAR,
            borderMode=cv2.BORDER_CONSTANT, borderValue=float(look.paper),
        )
    return Image.fromarray(np.clip(page, 0, 255).astype(np.uint8), mode="L")


def write_scan(images: Sequence[Image.Image], path: Path, fmt: ScanFormat, look: ScanLook) -> Path:
    """Save scanned pages as an image-only PDF, PNG, JPEG or multi-page TIFF."""
    if fmt in ("png", "jpeg") and len(images) != 1:
        raise ValueError(f"{fmt} holds one page; use pdf or tiff for {len(images)} pages")
    first, rest = images[0], list(images[1:])
    dpi = (look.dpi, look.dpi)
    if fmt == "pdf":
        first.save(path, "PDF", save_all=True, append_images=rest, resolution=float(look.dpi),
                   quality=look.jpeg_quality)
    elif fmt == "tiff":
        first.save(path, "TIFF", save_all=True, append_images=rest, dpi=dpi, compression="tiff_deflate")
    elif fmt == "png":
        first.save(path, "PNG", dpi=dpi, optimize=False)
    else:
        first.save(path, "JPEG", dpi=dpi, quality=look.jpeg_quality)
    return path


def scan(pdf: bytes, path: Path, fmt: ScanFormat, look: ScanLook, rng: np.random.Generator) -> Path:
    """Render a text-layer PDF as a scan of it, saved at ``path``."""
    pages = [degrade(image, look, rng) for image in rasterise(pdf, look.dpi)]
    return write_scan(pages, path, fmt, look)
