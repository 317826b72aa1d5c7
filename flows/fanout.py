"""Run one child flow per item, a bounded number at a time, inside the parent's run.

Threads, not processes: each child flow spends its time waiting on Tesseract
subprocesses, S3 and the database, and the children stay visible as subflow
runs of the parent in the Prefect UI. Past one machine, hoso scales by more
workers on the same work pool, each running its own intake or dossier runs.
"""

from __future__ import annotations

import contextvars
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from typing import Any, TypeVar

from prefect import get_run_logger
from prefect.settings import PREFECT_FLOWS_HEARTBEAT_FREQUENCY, temporary_settings

from core.masking import mask_text

T = TypeVar("T")


def run_each(
    child: Callable[[T], dict[str, Any]],
    items: Sequence[T],
    max_concurrency: int,
    on_progress: Callable[[int, int], None] | None = None,
) -> list[dict[str, Any]]:
    """Results in item order; a child that raised yields ``{"status": "failed", "error": ...}``.

    ``on_progress(done, total)`` is called from this thread as children finish.
    """

    def one(item: T) -> dict[str, Any]:
        try:
            return child(item)
        except Exception as exc:  # noqa: BLE001 - one bad dossier never stops the batch
            # Said out loud: the item stays where it was (the inbox), and the next run takes it again.
            get_run_logger().warning(
                "Một lượt con lỗi (%s: %s); mục này giữ nguyên để lần chạy sau xử lý lại.", type(exc).__name__, mask_text(str(exc))[:300]
            )
            return {"status": "failed", "error": type(exc).__name__}

    # No heartbeat thread per child: joining it costs up to a second per dossier. The
    # parent's heartbeats cover a crash; intake's reconcile step marks the children of a
    # crashed parent Crashed too (tasks/reconcile.py). Set once for all the children, whose
    # contexts are copies of this one: Prefect rebuilds its whole settings object on each
    # `temporary_settings`, which per child cost more than a cached dossier's own work.
    with (
        temporary_settings({PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None}),
        ThreadPoolExecutor(max_workers=max(1, max_concurrency), thread_name_prefix="hoso-dossier") as pool,
    ):
        futures = [pool.submit(contextvars.copy_context().run, one, item) for item in items]
        if on_progress:
            for done, _ in enumerate(as_completed(futures), start=1):
                on_progress(done, len(futures))
        return [f.result() for f in futures]
