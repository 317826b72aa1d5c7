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
import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from hoso.errors import CorruptFile, EncryptedFile
from ocr.model import OcrOptions
from ocr.page import PageImage, check_page_count, check_page_size
from ocr.text import nfc

PDFIUM = threading.RLock()
_POINTS_PER_INCH = 72
# Acrobat looks for %%EOF in the last 1024 bytes; trailing junk after it is common and harmless.
_EOF_WINDOW = 1024


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
        if self._plumber is None:
            return ""
        try:
            page = self._plumber.pages[index]
            text = page.extract_text() or ""
            page.close()
        except Exception:  # noqa: BLE001 - pdfminer raises many types; OCR of the picture is the fallback
            return ""
        return nfc(text)

    def rasterise(self, index: int) -> PageImage:
        """Render one page in grey at the configured resolution, refusing oversize pages first."""
        dpi = self._options.dpi
        with PDFIUM:
            return self._render(index, dpi)

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


def _open(data: bytes) -> pdfium.PdfDocument:
    try:
        return pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        if exc.err_code in (pdfium_c.FPDF_ERR_PASSWORD, pdfium_c.FPDF_ERR_SECURITY):
            raise EncryptedFile("Tệp PDF được bảo vệ bằng mật khẩu, không đọc được.", detail=str(exc)) from exc
        raise CorruptFile("Tệp PDF bị hỏng, không đọc được.", detail=str(exc)) from exc
