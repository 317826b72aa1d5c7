"""Intake: find what the scan stations dropped and process each dossier."""

from __future__ import annotations

from typing import Any

from prefect import flow, get_run_logger
from prefect.artifacts import create_progress_artifact, create_table_artifact, update_progress_artifact

from domain.deadlines import now_in_vietnam
from flows.fanout import run_each
from flows.process_dossier import process_dossier
from flows.resources import resources
from core.sealing import seal
from tasks.discover import discover_task
from tasks.reconcile import reconcile_runs_task
from tasks.publish import batch_rows, mark_empty_poll


def _run_name() -> str:
    return f"tiếp nhận {now_in_vietnam():%H:%M ngày %d/%m/%Y}"


@flow(name="intake", flow_run_name=_run_name, log_prints=False)
def intake(max_concurrency: int | None = None) -> dict[str, Any]:
    """One ``process-dossier`` run per waiting dossier, at most ``max_concurrency`` at a time."""
    logger = get_run_logger()
    res = resources()
    reconcile_runs_task(res.db_url)
    items, waiting = discover_task(res.store)
    logger.info("Hộp thư đến: %d hồ sơ chờ xử lý, %d đang tải lên.", len(items), len(waiting))
    if not items and not waiting:
        mark_empty_poll()
    limit = max_concurrency or res.settings.intake_concurrency
    progress = create_progress_artifact(progress=0.0, description=f"Tiến độ lô {len(items)} hồ sơ") if items else None

    def report(done: int, total: int) -> None:
        if progress is not None:
            update_progress_artifact(progress, progress=100.0 * done / total)

    secret = res.settings.sealing_secret
    results = run_each(lambda item: process_dossier(source=seal(item.source, secret)), items, limit, report)
    if items or waiting:
        create_table_artifact(key="intake-batch", table=batch_rows(items, results, waiting), description="Lô hồ sơ của lần tiếp nhận này")
    counts: dict[str, int] = {}
    for r in results:
        counts[r.get("status", "")] = counts.get(r.get("status", ""), 0) + 1
    return {"processed": len(results), "waiting": len(waiting), "by_status": counts, "results": results}
