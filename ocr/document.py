"""``read_document``: bytes in, per-page text out, whatever the file is.

Pages flow through a bounded pipeline: the calling thread decodes or
renders one page at a time (PDFium must stay on one thread) while up to
``workers`` pages are in Tesseract, so memory holds a few page images, not
the whole file, and a dossier of many pages uses the CPUs it was given.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import AbstractContextManager, nullcontext
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait

from core.errors import InputError
from ocr.images import image_pages
from ocr.model import DocumentResult, OcrOptions, PageResult
from ocr.page import PageImage
from ocr.pdf import PdfSource
from ocr.recognise import PageOutcome, ocr_page
from ocr.searchable import merge_pages
from ocr.sniff import PDF, sniff_media_type
from ocr.text import text_figures, text_layer_is_usable

TEXT_LAYER_CONFIDENCE = 100.0


def read_document(
    data: bytes,
    options: OcrOptions,
    *,
    name: str = "",
    workers: int = 1,
    slot: Callable[[], AbstractContextManager[object]] = nullcontext,
) -> DocumentResult:
    """Read every page of a PDF or picture file.

    Raises an ``InputError`` subclass for a file that can never be read
    (empty, not a document, corrupt, encrypted, over a limit); ``name`` is
    only used to say which file in that error's detail.  ``workers`` is the
    number of pages OCRed at once: the caller's CPU budget, not part of the
    output, so it is not an option. ``slot`` is the hook where a caller that
    shares the machine with others (the pipeline's concurrency limit) makes each
    page wait for a free core before Tesseract starts.
    """
    try:
        media_type = sniff_media_type(data)
        if media_type == PDF:
            with PdfSource(data, options) as pdf:
                outcomes = _run_pages(_pdf_pages(pdf, options), options, workers, slot)
                searchable = merge_pages(outcomes, pdf.document) if options.searchable_pdf else None
        else:
            outcomes = _run_pages(image_pages(data, media_type, options), options, workers, slot)
            searchable = merge_pages(outcomes, None) if options.searchable_pdf else None
    except InputError as exc:
        if name:
            exc.detail = f"{name}: {exc.detail}" if exc.detail else name
        raise
    return DocumentResult(
        media_type=media_type,
        pages=tuple(outcome.result for outcome in outcomes),
        searchable_pdf=searchable,
    )


def _pdf_pages(pdf: PdfSource, options: OcrOptions) -> Iterator[PageOutcome | PageImage]:
    """Trusted text layers as finished pages; everything else as pictures to OCR."""
    for index in range(pdf.page_count):
        text, words = pdf.text_layer_page(index)
        if text_layer_is_usable(text, options.min_text_layer_chars):
            yield PageOutcome(
                PageResult(
                    number=index + 1,
                    text=text,
                    confidence=TEXT_LAYER_CONFIDENCE,
                    source="text-layer",
                    quality=text_figures(text),
                    words=words,
                )
            )
        else:
            yield pdf.rasterise(index)


def _run_pages(
    pages: Iterable[PageOutcome | PageImage],
    options: OcrOptions,
    workers: int,
    slot: Callable[[], AbstractContextManager[object]],
) -> list[PageOutcome]:
    """OCR the page images in parallel, in page order, with at most ``workers + 1`` images in memory."""
    ordered: list[Future[PageOutcome] | PageOutcome] = []
    running: set[Future[PageOutcome]] = set()
    pool = ThreadPoolExecutor(max_workers=max(1, workers), thread_name_prefix="ocr-page")
    try:
        for page in pages:
            if isinstance(page, PageOutcome):
                ordered.append(page)
                continue
            while len(running) >= max(1, workers):
                _, running = wait(running, return_when=FIRST_COMPLETED)
            future = pool.submit(_in_slot, slot, page, options)
            running.add(future)
            ordered.append(future)
        return [item.result() if isinstance(item, Future) else item for item in ordered]
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _in_slot(slot: Callable[[], AbstractContextManager[object]], page: PageImage, options: OcrOptions) -> PageOutcome:
    with slot():
        return ocr_page(page, options)
