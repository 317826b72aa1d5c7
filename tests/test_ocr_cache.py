"""OCR results are reused by content and configuration, against the real object store."""

from __future__ import annotations

import dataclasses
import hashlib

from tasks.extract_text import read_file
from tests.ocr_pages import encode_image, render_page
from ocr.model import OcrOptions
from tasks.values import InputFile


def _scan() -> InputFile:
    page = render_page(("TỜ KHAI ĐĂNG KÝ KHAI SINH", "Họ, chữ đệm, tên: Nguyễn Văn An"))
    data = encode_image(page, "PNG")
    return InputFile(name="to-khai.png", inbox_key="quay-1/to-khai.png", data=data, sha256=hashlib.sha256(data).hexdigest())


def test_second_read_of_the_same_bytes_comes_from_the_cache(store) -> None:
    scan, options = _scan(), OcrOptions(dpi=300)
    first = read_file(store, scan, options, budget=1)
    second = read_file(store, scan, options, budget=1)
    assert not first.cached and second.cached
    assert second.result.pages == first.result.pages and "KHAI SINH" in first.result.pages[0].text
    assert [o.key for o in store.list("archive", "cache/ocr/")]


def test_changing_the_configuration_misses_the_cache(store) -> None:
    scan, options = _scan(), OcrOptions(dpi=300)
    read_file(store, scan, options, budget=1)
    changed = dataclasses.replace(options, clean=not options.clean)
    assert options.version() != changed.version()
    assert not read_file(store, scan, changed, budget=1).cached
    assert read_file(store, scan, changed, budget=1).cached
