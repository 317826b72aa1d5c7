"""Value types that flow out of the OCR library.

Kept free of Prefect and storage: the caller hands in bytes and options and
gets plain data back, so the same code serves the pipeline, the benchmark
and the tests.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from ocr.engine import tesseract_version
from ocr.words import Word

PageSource = Literal["text-layer", "ocr", "ocr-timeout"]

# Bump when a change to this library's code changes what it reads from the same bytes.
PIPELINE_REVISION = 7  # 7: pages with type larger than Tesseract needs read at a lower resolution; 6: rules erased on the cropped page (crop before unline); 5: typed dotted leaders erased; 2: scanned PDF pages at their own resolution, deskew from 2°, OSD/readings notes; 3: pages carry their words with boxes; 4: form rules erased, deskew from 1°, wider crop margin


@dataclass(frozen=True, slots=True)
class OcrOptions:
    """Everything that changes OCR output; validated once at the edge (settings)."""

    languages: str = "vie"  # measured against vie+eng: same CER on the corpora, 15-20 % less Tesseract CPU (README)
    dpi: int = 300
    page_timeout_s: float = 60.0
    max_pages: int = 50
    max_page_pixels: int = 60_000_000
    min_text_layer_chars: int = 20
    orient: bool = True  # turn pages fed sideways or upside down (Tesseract OSD, only when a page reads badly)
    deskew: bool = True  # straighten pages scanned a few degrees off
    clean: bool = True  # flatten, denoise and binarise dirty scans
    searchable_pdf: bool = False  # also build the searchable PDF copy in the same Tesseract runs

    def version(self) -> str:
        """A stable string naming everything that shapes the output, for cache keys and reprocessing.

        Limits and the timeout are left out: they decide whether a result
        exists, not what it says.
        """
        return (
            f"rev={PIPELINE_REVISION};tesseract={tesseract_version()};lang={self.languages};dpi={self.dpi};"
            f"textlayer={self.min_text_layer_chars};orient={int(self.orient)};deskew={int(self.deskew)};"
            f"clean={int(self.clean)};pdf={int(self.searchable_pdf)}"
        )


@dataclass(frozen=True, slots=True)
class PageResult:
    """One page's text and how far to trust it.

    ``quality`` holds, for every page: ``words`` and ``non_vietnamese_letters``
    (letters such as ö ï ä å that Vietnamese does not have, i.e. OCR slips);
    for OCRed pages also ``low_conf_words`` (confidence under 60), ``noise``
    (estimated grey-level noise of the scan), ``cleaned`` (1 if the scan was
    flattened, denoised and binarised), ``deskew_angle`` (skew removed,
    degrees counter-clockwise) and ``rotated`` (degrees turned clockwise to
    make the page upright).
    """

    number: int  # 1-based within its file
    text: str  # Unicode NFC
    confidence: float  # mean word confidence 0..100 (100 for a trusted text layer)
    source: PageSource
    quality: dict[str, float] = field(default_factory=dict)
    words: tuple[Word, ...] = ()  # in reading order; empty when the source gave none


@dataclass(frozen=True, slots=True)
class DocumentResult:
    media_type: str  # application/pdf, image/png, image/jpeg, image/tiff
    pages: tuple[PageResult, ...]
    searchable_pdf: bytes | None = None  # the whole file with a text layer, when options asked for it

    @property
    def text(self) -> str:
        return "\n\f\n".join(p.text for p in self.pages)
