"""PDFium is not thread-safe: the pipeline reads several dossiers at once, so the OCR library
must serialise every PDFium call. Without that lock this test broke PDFium after ~70
documents (every later PDF failed to open), as the 1 000-dossier load run first showed."""

from __future__ import annotations

import threading

from ocr import read_document
from ocr.model import OcrOptions
from tests.ocr_pages import text_layer_pdf

ROUNDS = 15


def test_many_threads_reading_pdfs_at_once_all_succeed() -> None:
    documents = [
        text_layer_pdf([(f"TỜ KHAI ĐĂNG KÝ KHAI SINH số {n}", "Họ, chữ đệm, tên: Nguyễn Văn An")] * (1 + n % 3)) for n in range(20)
    ]
    options = OcrOptions(searchable_pdf=True)  # merging pages is PDFium work too
    failures: list[str] = []
    read = [0]

    def work(offset: int) -> None:
        for _ in range(ROUNDS):
            for data in documents[offset::4]:
                try:
                    result = read_document(data, options)
                    assert result.searchable_pdf and "KHAI SINH" in result.pages[0].text
                    read[0] += 1
                except Exception as exc:  # noqa: BLE001 - every failure is the finding
                    failures.append(type(exc).__name__)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert failures == [] and read[0] == ROUNDS * len(documents)
