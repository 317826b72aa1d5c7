"""hoso's OCR library: bytes of a PDF or picture in, NFC text per page out.

No Prefect and no storage here; the pipeline's tasks call ``read_document``.
"""

from ocr.document import read_document
from ocr.engine import EngineError
from ocr.model import DocumentResult, OcrOptions, PageResult
from ocr.sniff import sniff_media_type

__all__ = ["DocumentResult", "EngineError", "OcrOptions", "PageResult", "read_document", "sniff_media_type"]
