"""Laying out filled-in forms on A4 and making them look like what the desk receives.

A form is a list of pages, each a list of small elements (a centred line, a
line of "label: value" slots, a value under its label, a table, digit boxes, a
signature block). The same element list is drawn with reportlab into a PDF
with a text layer (what a resident who filled the Word/PDF template uploads),
and a scan is that PDF rasterised at 200–300 dpi and spoiled the way a desk
scanner spoils paper: skew, blur, toner specks, grey paper.

Dotted leaders are drawn in three ways residents' forms show them: as "…"
characters left after the typed value, as "." characters, or as a printed
dotted rule with the value written over it (the printed form filled by hand or
typewriter: in a PDF the rule is a drawing, in a scan it runs under the letters).
"""

from __future__ import annotations

import io
import random
from dataclasses import dataclass, field
from pathlib import Path
from typing import Sequence, Union

import cv2
import numpy as np
from PIL import Image
from reportlab.lib.pagesizes import A4
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

_TT = Path("/usr/share/fonts/truetype")

#: Fonts that carry every Vietnamese letter (checked glyph by glyph); Liberation 1.07 lacks ơ, ư, ạ... so it is not here.
FONTS: dict[str, tuple[Path, Path, Path]] = {
    "FreeSerif": (_TT / "freefont/FreeSerif.ttf", _TT / "freefont/FreeSerifBold.ttf", _TT / "freefont/FreeSerifItalic.ttf"),
    "FreeSans": (_TT / "freefont/FreeSans.ttf", _TT / "freefont/FreeSansBold.ttf", _TT / "freefont/FreeSansOblique.ttf"),
    "FreeMono": (_TT / "freefont/FreeMono.ttf", _TT / "freefont/FreeMonoBold.ttf", _TT / "freefont/FreeMonoOblique.ttf"),
    "DejaVuSerif": (_TT / "dejavu/DejaVuSerif.ttf", _TT / "dejavu/DejaVuSerif-Bold.ttf", _TT / "dejavu/DejaVuSerif-Italic.ttf"),
    "DejaVuSans": (_TT / "dejavu/DejaVuSans.ttf", _TT / "dejavu/DejaVuSans-Bold.ttf", _TT / "dejavu/DejaVuSans-Oblique.ttf"),
    "DejaVuSerifCondensed": (_TT / "dejavu/DejaVuSerifCondensed.ttf", _TT / "dejavu/DejaVuSerifCondensed-Bold.ttf",
                             _TT / "dejavu/DejaVuSerifCondensed-Italic.ttf"),
}
_REGISTERED: set[str] = set()


def _font(name: str, weight: str = "") -> str:
    """The reportlab name of a font face, registered on first use."""
    key = f"{name}{weight}"
    if key not in _REGISTERED:
        regular, bold, italic = FONTS[name]
        path = {"": regular, "-B": bold, "-I": italic}[weight]
        pdfmetrics.registerFont(TTFont(key, str(path)))
        _REGISTERED.add(key)
    return key


# ---- the elements of a page ---------------------------------------------------------------


@dataclass(frozen=True)
class Center:
    text: str
    bold: bool = False
    italic: bool = False
    grow: float = 0.0  # points added to the body size


@dataclass(frozen=True)
class Text:
    text: str
    bold: bool = False
    italic: bool = False
    indent: float = 0.0


@dataclass(frozen=True)
class Fill:
    """One printed line of slots: [(label, value or None)], each slot a share of the line."""

    slots: tuple[tuple[str, str | None], ...]
    shares: tuple[float, ...] | None = None
    indent: float = 0.0


@dataclass(frozen=True)
class Below:
    """A label on its own line, the value written on the (dotted) line under it."""

    label: str
    value: str | None


@dataclass(frozen=True)
class Boxes:
    """A label followed by one printed box per digit (CT01's personal-ID boxes)."""

    label: str
    digits: str
    boxes: int = 12


@dataclass(frozen=True)
class Table:
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    shares: tuple[float, ...]
    bold_first_column: bool = False


@dataclass(frozen=True)
class Sign:
    """Signature blocks: a list of columns, each a list of lines (the last one the name)."""

    columns: tuple[tuple[str, ...], ...]
    place_date: str | None = None


@dataclass(frozen=True)
class Gap:
    lines: float = 0.5


@dataclass(frozen=True)
class Header:
    """The two-column heading of an official paper: issuer on the left, national motto on the right."""

    left: tuple[str, ...]
    right: tuple[str, ...] = ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc")


Element = Union[Center, Text, Fill, Below, Boxes, Table, Sign, Gap, Header]


@dataclass(frozen=True)
class Look:
    """How one dossier is typeset."""

    font: str = "FreeSerif"
    size: float = 12.0
    leader: str = "ellipsis"  # ellipsis | dots | drawn
    margin_mm: float = 20.0
    line_gap: float = 1.45


@dataclass
class _Pen:
    c: canvas.Canvas
    look: Look
    y: float = 0.0
    pages: int = 0
    left: float = 0.0
    right: float = 0.0
    top: float = 0.0
    bottom: float = 0.0
    dirty: bool = field(default=False)

    @property
    def step(self) -> float:
        return self.look.size * self.look.line_gap

    def need(self, height: float) -> None:
        if self.y - height < self.bottom:
            self.c.showPage()
            self.y = self.top
            self.pages += 1

    def width(self, text: str, weight: str = "", size: float | None = None) -> float:
        return pdfmetrics.stringWidth(text, _font(self.look.font, weight), size or self.look.size)

    def fallback(self, text: str) -> str:
        """Check boxes in a face that has them, else as the nearest thing the face has ("□", then "[ ]")."""
        face = pdfmetrics.getFont(_font(self.look.font)).face
        for ch, subs in (("☐", ("□", "[ ]")), ("☒", ("⊠", "[x]"))):
            if ch in text and ord(ch) not in face.charToGlyph:
                sub = next((s for s in subs if all(ord(c) in face.charToGlyph for c in s)), subs[-1])
                text = text.replace(ch, sub)
        return text

    def write(self, x: float, text: str, weight: str = "", size: float | None = None) -> float:
        text = self.fallback(text)
        self.c.setFont(_font(self.look.font, weight), size or self.look.size)
        self.c.drawString(x, self.y, text)
        return x + self.width(text, weight, size)  # (width of the text as drawn)

    def leader(self, x0: float, x1: float) -> None:
        """Dots from x0 to x1 on the current line, in this look's style."""
        if x1 - x0 < self.look.size * 0.6:
            return
        if self.look.leader == "drawn":
            self.c.saveState()
            self.c.setDash(0.6, 1.8)
            self.c.setLineWidth(0.5)
            self.c.line(x0, self.y - 1.5, x1, self.y - 1.5)
            self.c.restoreState()
            return
        dot = "…" if self.look.leader == "ellipsis" else "."
        n = int((x1 - x0) / self.width(dot))
        if n > 0:
            self.write(x0, dot * n)

    def wrap(self, text: str, width: float, weight: str = "") -> list[str]:
        words, lines, line = text.split(), [], ""
        for word in words:
            trial = f"{line} {word}".strip()
            if line and self.width(trial, weight) > width:
                lines.append(line)
                line = word
            else:
                line = trial
        return lines + [line] if line else lines or [""]


def _draw(pen: _Pen, el: Element) -> None:
    look, c = pen.look, pen.c
    span = pen.right - pen.left
    if isinstance(el, Gap):
        pen.y -= pen.step * el.lines
        return
    if isinstance(el, Header):
        n = max(len(el.left), len(el.right))
        pen.need(pen.step * n)
        y0 = pen.y
        for col, lines, x_mid in ((0, el.left, pen.left + span * 0.22), (1, el.right, pen.left + span * 0.68)):
            pen.y = y0
            for i, line in enumerate(lines):
                weight = "-B" if (col == 1 or i == 0) else ""
                size = look.size - (0.5 if col == 1 and i == 0 else 1)
                pen.c.setFont(_font(look.font, weight), size)
                c.drawCentredString(x_mid, pen.y, line)
                pen.y -= pen.step
        pen.y = y0 - pen.step * n
        return
    if isinstance(el, Center):
        weight = "-B" if el.bold else "-I" if el.italic else ""
        size = look.size + el.grow
        for line in pen.wrap(el.text, span, weight):
            pen.need(pen.step)
            c.setFont(_font(look.font, weight), size)
            c.drawCentredString((pen.left + pen.right) / 2, pen.y, pen.fallback(line))
            pen.y -= pen.step * (1 + el.grow / look.size / 2)
        return
    if isinstance(el, Text):
        weight = "-B" if el.bold else "-I" if el.italic else ""
        for line in pen.wrap(el.text, span - el.indent, weight):
            pen.need(pen.step)
            pen.write(pen.left + el.indent, line, weight)
            pen.y -= pen.step
        return
    if isinstance(el, Fill):
        _fill(pen, el)
        return
    if isinstance(el, Below):
        pen.need(pen.step * 2)
        x = pen.write(pen.left, el.label)
        pen.y -= pen.step
        lines = pen.wrap(el.value, span - 10) if el.value else [""]
        for line in lines:
            pen.need(pen.step)
            x = pen.write(pen.left + 10, line) if line else pen.left
            if look.leader == "drawn":
                pen.leader(pen.left, pen.right)
            else:
                pen.leader(x + 2, pen.right)
            pen.y -= pen.step
        return
    if isinstance(el, Boxes):
        pen.need(pen.step * 1.3)
        x = pen.write(pen.left, el.label) + 8
        box = look.size * 1.25
        c.setLineWidth(0.6)
        for i in range(el.boxes):
            bx = x + i * box
            c.rect(bx, pen.y - look.size * 0.3, box, box, stroke=1, fill=0)
            if i < len(el.digits):
                c.setFont(_font(look.font), look.size)
                c.drawCentredString(bx + box / 2, pen.y, el.digits[i])
        pen.y -= pen.step * 1.3
        return
    if isinstance(el, Table):
        _table(pen, el)
        return
    if isinstance(el, Sign):
        n = max(len(col) for col in el.columns) + (1 if el.place_date else 0)
        pen.need(pen.step * (n + 3))
        if el.place_date:
            c.setFont(_font(look.font, "-I"), look.size)
            c.drawCentredString(pen.left + span * 0.72, pen.y, el.place_date)
            pen.y -= pen.step
        y0 = pen.y
        k = len(el.columns)
        lowest = y0
        for j, col in enumerate(el.columns):
            x_mid = pen.left + span * ((j + 0.5) / k if k > 1 else 0.72)
            width = span / k - 6 if k > 1 else span * 0.5
            pen.y = y0
            for i, line in enumerate(col):
                last = i == len(col) - 1
                if last:
                    pen.y -= pen.step * 2.2  # room for the signature
                weight = "-B" if i == 0 or last else "-I"
                size = look.size - (1 if weight == "-I" or k > 2 else 0)
                for part in _wrap_size(pen, line, width, weight, size):
                    c.setFont(_font(look.font, weight), size)
                    c.drawCentredString(x_mid, pen.y, pen.fallback(part))
                    pen.y -= pen.step
            lowest = min(lowest, pen.y)
        pen.y = lowest - pen.step
        return
    raise TypeError(el)


def _fill(pen: _Pen, el: Fill) -> None:
    span = pen.right - pen.left - el.indent
    shares = el.shares or tuple(1 / len(el.slots) for _ in el.slots)
    # Slots that do not fit their share go on lines of their own, as a resident would write them.
    fits = all(
        pen.width(f"{label} {value or ''}") + pen.look.size * 1.5 <= span * share for (label, value), share in zip(el.slots, shares)
    )
    if len(el.slots) > 1 and not fits:
        for slot in el.slots:
            _fill(pen, Fill((slot,), None, el.indent))
        return
    pen.need(pen.step)
    x = pen.left + el.indent
    for (label, value), share in zip(el.slots, shares):
        end = x + span * share
        x_label = pen.write(x, label)
        start = x_label + pen.width(" ")
        if len(el.slots) == 1 and value and pen.width(value) > end - start - 4:
            # a long value runs onto the next lines, from the margin
            first, *rest = pen.wrap(value, end - start - 4)
            consumed = len(first.split())
            remaining = " ".join(value.split()[consumed:])
            x_end = pen.write(start, first)
            if pen.look.leader == "drawn":
                pen.leader(x_label + 2, end)
            for line in pen.wrap(remaining, pen.right - pen.left - el.indent):
                pen.y -= pen.step
                pen.need(pen.step)
                x_end = pen.write(pen.left + el.indent, line)
                if pen.look.leader == "drawn":
                    pen.leader(pen.left + el.indent, end)
            if pen.look.leader != "drawn":
                pen.leader(x_end + 2, end)
        elif value:
            x_end = pen.write(start, value)
            pen.leader(x_label + 2 if pen.look.leader == "drawn" else x_end + 2, end - 4)
        else:
            pen.leader(x_label + 2, end - 4)
        x = end
    pen.y -= pen.step


def _table(pen: _Pen, el: Table) -> None:
    c, look = pen.c, pen.look
    span = pen.right - pen.left
    xs = [pen.left]
    for share in el.shares:
        xs.append(xs[-1] + span * share)
    pad = 3.0
    small = look.size - 1
    for r, row in enumerate((el.header, *el.rows)):
        cells = []
        for j, cell in enumerate(row):
            width = xs[j + 1] - xs[j] - 2 * pad
            weight = "-B" if r == 0 or (el.bold_first_column and j == 0) else ""
            lines = _wrap_size(pen, cell, width, weight, small)
            cells.append((lines, weight))
        height = max(len(lines) for lines, _ in cells) * small * 1.35 + 2 * pad
        pen.need(height + 2)
        top = pen.y + small
        c.setLineWidth(0.6)
        for j, (lines, weight) in enumerate(cells):
            c.rect(xs[j], top - height, xs[j + 1] - xs[j], height, stroke=1, fill=0)
            yy = top - pad - small
            for line in lines:
                c.setFont(_font(look.font, weight), small)
                if r == 0:
                    c.drawCentredString((xs[j] + xs[j + 1]) / 2, yy, pen.fallback(line))
                else:
                    c.drawString(xs[j] + pad, yy, pen.fallback(line))
                yy -= small * 1.35
        pen.y = top - height - small - 2
    pen.y -= pen.step * 0.3


def _wrap_size(pen: _Pen, text: str, width: float, weight: str, size: float) -> list[str]:
    words, lines, line = text.split(), [], ""
    for word in words:
        trial = f"{line} {word}".strip()
        if line and pdfmetrics.stringWidth(trial, _font(pen.look.font, weight), size) > width:
            lines.append(line)
            line = word
        else:
            line = trial
    return lines + [line] if line else lines or [""]


def pdf_bytes(pages: Sequence[Sequence[Element]], look: Look, title: str = "") -> bytes:
    """The pages as a PDF with a text layer; a page that overflows continues on the next sheet."""
    buffer = io.BytesIO()
    c = canvas.Canvas(buffer, pagesize=A4, pageCompression=1)
    c.setTitle(title)
    w, h = A4
    m = look.margin_mm * 72 / 25.4
    pen = _Pen(c, look, left=m * 1.2, right=w - m * 0.8, top=h - m, bottom=m)
    for page in pages:
        pen.y = pen.top
        for el in page:
            _draw(pen, el)
        c.showPage()
    c.save()
    return buffer.getvalue()


# ---- scans -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ScanLook:
    dpi: int = 300
    skew_deg: float = 0.0
    blur: float = 0.0  # Gaussian sigma in pixels at 300 dpi
    noise: float = 0.0  # std of grey noise
    specks: int = 0  # toner specks per page
    paper: int = 245  # grey level of the paper
    ink: int = 25  # grey level of the toner
    jpeg_quality: int | None = None  # a scanner that stores JPEG-compressed pages
    fmt: str = "tiff"  # tiff | pdf


def _spoil(page: np.ndarray, look: ScanLook, rng: np.random.Generator) -> np.ndarray:
    img = page.astype(np.float32) / 255.0
    img = look.ink + img * (look.paper - look.ink)  # toner never pure black, paper never pure white
    # uneven illumination: a gentle gradient across the sheet
    h, w = img.shape
    ramp = np.linspace(0, rng.uniform(-12, 12), w, dtype=np.float32)[None, :]
    img = img + ramp
    if look.blur > 0:
        sigma = look.blur * look.dpi / 300
        img = cv2.GaussianBlur(img, (0, 0), sigma)
    if look.skew_deg:
        m = cv2.getRotationMatrix2D((w / 2, h / 2), look.skew_deg, 1.0)
        img = cv2.warpAffine(img, m, (w, h), flags=cv2.INTER_LINEAR, borderValue=float(look.paper))
    if look.noise > 0:
        img = img + rng.normal(0, look.noise, img.shape).astype(np.float32)
    for _ in range(look.specks):
        y, x = int(rng.integers(0, h)), int(rng.integers(0, w))
        r = int(rng.integers(1, max(2, look.dpi // 100)))
        cv2.circle(img, (x, y), r, float(rng.integers(20, 120)), -1)
    out = np.clip(img, 0, 255).astype(np.uint8)
    if look.jpeg_quality:
        ok, enc = cv2.imencode(".jpg", out, [cv2.IMWRITE_JPEG_QUALITY, look.jpeg_quality])
        if ok:
            out = cv2.imdecode(enc, cv2.IMREAD_GRAYSCALE)
    return out


def scan_file(pdf: bytes, look: ScanLook, seed: int, path: Path) -> Path:
    """Rasterise the PDF, spoil each page, and write a multi-page TIFF or an image-only PDF; returns the path."""
    import pypdfium2

    rng = np.random.default_rng(seed)
    doc = pypdfium2.PdfDocument(pdf)
    images = []
    try:
        for i in range(len(doc)):
            grey = np.asarray(doc[i].render(scale=look.dpi / 72, grayscale=True).to_pil().convert("L"))
            images.append(Image.fromarray(_spoil(grey, look, rng)))
    finally:
        doc.close()
    first, rest = images[0], images[1:]
    if look.fmt == "pdf":
        path = path.with_suffix(".pdf")
        first.save(path, format="PDF", save_all=True, append_images=rest, resolution=float(look.dpi))
    else:
        path = path.with_suffix(".tif")
        # JPEG inside the TIFF, as office scanners store grey pages: LZW on a noisy page is 10–20 MB
        first.save(path, format="TIFF", save_all=True, append_images=rest, dpi=(look.dpi, look.dpi), compression="jpeg", quality=80)
    return path


def random_scan_look(rng: random.Random) -> ScanLook:
    return ScanLook(
        dpi=rng.choice((200, 240, 300, 300)),
        skew_deg=round(rng.uniform(-3.0, 3.0), 2),
        blur=round(rng.uniform(0.3, 1.1), 2),
        noise=round(rng.uniform(3, 12), 1),
        specks=rng.randint(0, 60),
        paper=rng.randint(228, 250),
        ink=rng.randint(15, 60),
        jpeg_quality=rng.choice((None, None, 70, 85)),
        fmt=rng.choice(("tiff", "tiff", "pdf")),
    )
