"""Text of every page: the PDF's own text layer where it has one, Tesseract otherwise.

Results are cached by content (tasks/ocr_cache.py). OCR shares the machine:
each page waits for one of this process's ``ocr_workers`` cores (the hook
``read_document`` offers), and each file holds a slot of the machine-wide
Prefect concurrency limit ``ocr-<host>`` that `hoso up` creates, so several
workers on one machine do not oversubscribe it either.
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext

from prefect import get_run_logger, task
from prefect.cache_policies import NO_CACHE
from prefect.concurrency.sync import concurrency

from core.errors import InputError
from ocr import read_document
from ocr.model import OcrOptions
from storage.objects import ObjectStore
from tasks import ocr_cache
from tasks.fetch import check_limits
from tasks.retry import IO_RETRIES
from tasks.values import FileText, InputFile


_CORES: dict[int, threading.BoundedSemaphore] = {}
_CORES_LOCK = threading.Lock()


def cores(budget: int) -> threading.BoundedSemaphore:
    """This process's OCR cores: one semaphore shared by every dossier thread."""
    with _CORES_LOCK:
        return _CORES.setdefault(budget, threading.BoundedSemaphore(budget))


Slot = Callable[[], AbstractContextManager[object]]


# How long the server keeps a slot for a holder that stopped renewing it. The holder
# renews it every three quarters of this while it works, so a long OCR keeps its slot;
# a worker killed mid-file frees it a minute later instead of Prefect's default five.
# A live holder whose renewals all failed (the server was away longer than this) goes
# on reading without its slot: the machine runs one file too many for a while, which
# beats a stalled pipeline.
SLOT_LEASE_S = 60.0


def ocr_limit_name(machine: str | None = None) -> str:
    """This machine's Prefect concurrency limit on pages OCRed at once (`hoso up` and `hoso worker` create it);
    ``machine`` (HOSO_OCR_MACHINE) names it instead of the host."""
    return f"ocr-{machine or socket.gethostname()}".lower()[:100]


def machine_slot(machine: str | None = None) -> Slot:
    """One slot of this machine's Prefect concurrency limit (a no-op where `hoso up` did not create it)."""
    return lambda: concurrency(ocr_limit_name(machine), occupy=1, strict=False, lease_duration=SLOT_LEASE_S)


def read_file(store: ObjectStore, f: InputFile, options: OcrOptions, budget: int, machine: Slot = nullcontext) -> FileText:
    key = ocr_cache.cache_key(f.sha256, options)
    cached = ocr_cache.load(store, key)
    if cached is not None:
        return FileText(name=f.name, result=cached, cached=True)
    with machine():
        result = read_document(f.data, options, name=f.name, workers=budget, slot=lambda: cores(budget))
    if all(page.source != "ocr-timeout" for page in result.pages):  # a page out of time may read next time
        ocr_cache.save(store, key, result)
    return FileText(name=f.name, result=result)


def read_files(
    store: ObjectStore, files: list[InputFile], options: OcrOptions, max_file_bytes: int, budget: int, machine: Slot = nullcontext
) -> list[FileText]:
    """Raises an InputError (→ quarantine) for a file that is not a readable document."""
    check_limits(files, max_file_bytes)
    return [read_file(store, f, options, budget, machine) for f in files]


def extract_text(
    store: ObjectStore, files: list[InputFile], options: OcrOptions, max_file_bytes: int, budget: int, machine: str | None = None
) -> list[FileText] | InputError:
    """Bad input is an expected outcome, not a failure: it is returned for the flow to quarantine,
    so the run stays green and the failed-runs view shows only what really broke."""
    try:
        return read_files(store, files, options, max_file_bytes, budget, machine_slot(machine))
    except InputError as error:
        get_run_logger().warning("Tệp không xử lý được (%s): %s", error.code, error.message)
        return error


extract_text_task = task(name="extract-text", cache_policy=NO_CACHE, **IO_RETRIES)(extract_text)
