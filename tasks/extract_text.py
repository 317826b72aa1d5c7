"""Text of every page: the PDF's own text layer where it has one, Tesseract otherwise."""

from __future__ import annotations

from dataclasses import dataclass

from hoso.errors import InputError
from prefect import get_run_logger, task
from prefect.cache_policies import NO_CACHE

from ocr import read_document
from ocr.model import DocumentResult, OcrOptions
from tasks.fetch import InputFile, check_limits


@dataclass(frozen=True)
class FileText:
    name: str
    result: DocumentResult


def read_files(files: list[InputFile], options: OcrOptions, max_file_bytes: int) -> list[FileText]:
    """Raises an InputError (→ quarantine) for a file that is not a readable document."""
    check_limits(files, max_file_bytes)
    return [FileText(name=f.name, result=read_document(f.data, options, name=f.name)) for f in files]


@task(name="extract-text", cache_policy=NO_CACHE)
def extract_text(files: list[InputFile], options: OcrOptions, max_file_bytes: int) -> list[FileText] | InputError:
    """Bad input is an expected outcome, not a failure: it is returned for the flow to quarantine,
    so the run stays green and the failed-runs view shows only what really broke."""
    try:
        return read_files(files, options, max_file_bytes)
    except InputError as error:
        get_run_logger().warning("Tệp không xử lý được (%s): %s", error.code, error.message)
        return error
