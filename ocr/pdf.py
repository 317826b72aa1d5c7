"""PDF files: open safely, read each page's text layer, rasterise the pages that need OCR.

PDFium (pypdfium2) opens, checks and renders; pdfplumber reads the text
layer, as the foundation issue asks.  PDFium silently repairs truncated
files, which would let an upload cut short in transit pass as a shorter
document, so a file without an end-of-file marker in its tail is refused.
PDFium is not thread-safe, not even across documents: every call into it
holds the process-wide ``PDFIUM`` lock (a load run of 1 000 dossiers on four
threads corrupted PDFium's state without it, and every later file then
failed to open).
"""

from __future__ import annotations

import io
import threading

import numpy as np
import pdfplumber
from PIL import Image
from pdfminer.layout import LTChar, LTComponent, LTContainer
from pdfplumber.utils import chars_to_textmap
from pdfplumber.utils.text import WordExtractor
import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from core.errors import CorruptFile, EncryptedFile
from ocr.model import OcrOptions
from ocr.page import PageImage, check_page_count, check_page_size
from core.text import nfc
from ocr.words import Word, words_from_plumber

PDFIUM = threading.RLock()
_POINTS_PER_INCH = 72
# Acrobat looks for %%EOF in the last 1024 bytes; trailing junk after it is common and harmless.
_EOF_WINDOW = 1024
# A picture over this share of the page makes it a scan, read at the picture's resolution...
_SCAN_COVERS = 0.8
# ...unless that is too low for Tesseract to tell diacritics apart: such a page is upsampled as before.
_MIN_SCAN_DPI = 150
# Image dictionary keys that make the page's pixels differ from the JPEG's.
_CHANGES_PIXELS = frozenset({"Decode", "SMask", "Mask", "ImageMask", "SMaskInData"})


class PdfSource:
    """One open PDF; a context manager so PDFium and pdfplumber handles are always released."""

    def __init__(self, data: bytes, options: OcrOptions) -> None:
        if b"%%EOF" not in data[-_EOF_WINDOW:]:
            raise CorruptFile("Tệp PDF bị cắt cụt hoặc không đầy đủ.", detail="no %%EOF marker in the tail")
        self._options = options
        with PDFIUM:
            self.document = _open(data)
            try:
                self.page_count = len(self.document)
                check_page_count(self.page_count, options.max_pages)
                # Filled-in form fields are widgets, not page content: render them too.
                self.document.init_forms()
            except BaseException:
                self.document.close()
                raise
        try:
            self._plumber: pdfplumber.PDF | None = pdfplumber.open(io.BytesIO(data))
        except Exception:  # noqa: BLE001 - pdfminer cannot parse what PDFium could: OCR every page
            self._plumber = None

    def __enter__(self) -> PdfSource:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        if self._plumber is not None:
            self._plumber.close()
        with PDFIUM:
            self.document.close()

    def text_layer(self, index: int) -> str:
        """The page's embedded text, or "" when pdfplumber cannot parse what PDFium could."""
        return self.text_layer_page(index)[0]

    def text_layer_page(self, index: int) -> tuple[str, tuple[Word, ...]]:
        """The page's embedded text and its words with boxes; ("", ()) when pdfplumber cannot parse it."""
        if self._plumber is None:
            return "", ()
        try:
            page = self._plumber.pages[index]
            text, words = page_text_and_words(page)
            page.close()
        except Exception:  # noqa: BLE001 - pdfminer raises many types; OCR of the picture is the fallback
            return "", ()
        return nfc(text), words

    def rasterise(self, index: int) -> PageImage:
        """Render one page in grey, refusing oversize pages first.

        A scanned page (one picture covering it) is rendered at the picture's
        own resolution when that is below the configured one: rendering a
        200-dpi scan at 300 dpi invents no detail, and Tesseract then reads
        2.25 times the pixels (measured: a fifth more of its CPU on a sparse
        form, and as much again of Python's to render and preprocess them).
        """
        with PDFIUM:
            scan = self._scan(index)
            if scan is not None and scan[0] <= self._options.dpi:
                dpi, jpeg = scan
                if jpeg is not None:
                    picture = self._jpeg_page(index, dpi, jpeg)
                    if picture is not None:
                        return picture
                return self._render(index, dpi)
            return self._render(index, self._options.dpi)

    def _scan(self, index: int) -> tuple[int, bytes | None] | None:
        """(dpi, JPEG) of the picture that covers the page, if one does (a scan); None otherwise.

        The JPEG is given only when the page is that one picture and nothing else
        (no other object, no annotation), upright and unmirrored: then its
        pixels are the page, and decoding them is several times cheaper than
        rendering the page (measured: 0.15 CPU-s to render a 300-dpi A4 page,
        0.03 to decode its JPEG).
        """
        width_pt, height_pt = self.document.get_page_size(index)
        try:
            page = self.document[index]
            try:
                objects = list(page.get_objects(max_depth=2))
                for obj in objects:
                    if obj.type != pdfium_c.FPDF_PAGEOBJ_IMAGE:
                        continue
                    left, bottom, right, top = obj.get_bounds()
                    if (right - left) * (top - bottom) < _SCAN_COVERS * width_pt * height_pt:
                        continue
                    px_width, px_height = obj.get_px_size()
                    long_px, long_pt = max(px_width, px_height), max(right - left, top - bottom)
                    dpi = round(long_px * _POINTS_PER_INCH / long_pt)
                    if dpi < _MIN_SCAN_DPI:
                        return None
                    a, b, c, d, _, _ = obj.get_matrix().get()
                    meta = obj.get_metadata()
                    alone = (
                        len(objects) == 1 and pdfium_c.FPDFPage_GetAnnotCount(page) == 0
                        and b == 0 and c == 0 and a > 0 and d > 0
                        and obj.get_filters(skip_simple=True) == ["DCTDecode"]
                        and meta.colorspace in (pdfium_c.FPDF_COLORSPACE_DEVICEGRAY, pdfium_c.FPDF_COLORSPACE_DEVICERGB)
                    )
                    return dpi, bytes(obj.get_data(decode_simple=True)) if alone else None
            finally:
                page.close()
        except pdfium.PdfiumError:
            return None
        return None

    def _jpeg_page(self, index: int, dpi: int, jpeg: bytes) -> PageImage | None:
        """The scan's own pixels, when its image dictionary (read by pdfplumber, cheaply) says nothing
        changes them on the page: no /Decode inversion, no mask; None, to render instead, otherwise."""
        if self._plumber is None:
            return None
        try:
            images = self._plumber.pages[index].images
            if len(images) != 1 or _CHANGES_PIXELS & set(images[0]["stream"].attrs):
                return None
            picture = Image.open(io.BytesIO(jpeg), formats=["JPEG"])
            check_page_size(index + 1, picture.width, picture.height, self._options.max_page_pixels)
            pixels = np.asarray(picture.convert("L"))
        except (OSError, SyntaxError, ValueError, KeyError, IndexError):
            return None
        return PageImage(number=index + 1, pixels=np.ascontiguousarray(pixels), dpi=dpi)

    def _render(self, index: int, dpi: int) -> PageImage:
        width_pt, height_pt = self.document.get_page_size(index)
        scale = dpi / _POINTS_PER_INCH
        check_page_size(index + 1, width_pt * scale, height_pt * scale, self._options.max_page_pixels)
        try:
            page = self.document[index]
            bitmap = page.render(scale=scale, grayscale=True, may_draw_forms=True)
            pixels = np.array(bitmap.to_numpy(), dtype=np.uint8, copy=True)
            page.close()
        except pdfium.PdfiumError as exc:
            raise CorruptFile(f"Không hiển thị được trang {index + 1} của tệp PDF.", detail=str(exc)) from exc
        return PageImage(number=index + 1, pixels=pixels, dpi=dpi)


def page_text(page: pdfplumber.page.Page) -> str:
    """The page's text exactly as ``page.extract_text()`` gives it (see :func:`page_text_and_words`)."""
    return page_text_and_words(page)[0]


def page_text_and_words(page: pdfplumber.page.Page) -> tuple[str, tuple[Word, ...]]:
    """The page's text exactly as ``page.extract_text()`` gives it, in about half the time.

    pdfplumber's own layout and text assembly (``chars_to_textmap``), fed only the
    character fields that assembly reads: ``Page.chars`` first converts every
    object's colours, paths and matrices into dicts, which is half the cost of a
    text-layer page and of no use here. tests/test_ocr_read.py holds it to the
    same output as ``extract_text``.
    """
    height, (media_x0, media_top) = page.height, page.mediabox[:2]
    chars: list[dict[str, object]] = []

    def walk(objects: list[LTComponent]) -> None:
        for obj in objects:
            if isinstance(obj, LTChar):
                top = height - obj.y1 + media_top
                chars.append({
                    "object_type": "char", "text": obj.get_text(), "upright": obj.upright,
                    "x0": obj.x0 + media_x0, "x1": obj.x1 + media_x0, "top": top, "bottom": height - obj.y0 + media_top,
                    "doctop": page.initial_doctop + top, "width": obj.width, "height": obj.height,
                    "fontname": obj.fontname, "size": obj.size,
                })
            elif isinstance(obj, LTContainer):
                walk(obj._objs)

    walk(page.layout._objs)
    text = chars_to_textmap(chars, layout_bbox=page.bbox, layout_width=page.width, layout_height=page.height).as_string
    # The words from the same characters (pdfplumber's own word grouping), for the layout reader.
    words = words_from_plumber(word for word, _ in WordExtractor().iter_extract_tuples(chars))
    return text, words


def _open(data: bytes) -> pdfium.PdfDocument:
    try:
        return pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        if exc.err_code in (pdfium_c.FPDF_ERR_PASSWORD, pdfium_c.FPDF_ERR_SECURITY):
            raise EncryptedFile("Tệp PDF được bảo vệ bằng mật khẩu, không đọc được.", detail=str(exc)) from exc
        raise CorruptFile("Tệp PDF bị hỏng, không đọc được.", detail=str(exc)) from exc
