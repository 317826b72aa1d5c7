"""A group: a few dossiers of one intake, run by whichever worker of the `process` pool takes it.

Why groups: one deployment run per dossier would pay a Python process start
(Prefect and hoso imported, a few CPU-seconds) per dossier; one run per batch
never leaves the worker that took it. A group of ``HOSO_GROUP_SIZE`` dossiers
pays the start once and lets every worker of the pool take part of a batch,
bounded by Prefect's own limits (each worker's ``--limit``, the per-host OCR
limit). Inside, each dossier stays one ``process-dossier`` run with its artifact,
as in the interval intake of one process.

A worker killed mid-group: its heartbeats stop, the zombie automation marks the
group Crashed and the rerun automation (hoso/orchestration.py) schedules the same
run again, for any worker; the new attempt first ends what the dead one left
(tasks/reconcile.py), then runs its dossiers: those settled before the crash
are only cleared from the inbox, the rest are processed — each settled once,
since settling checks the processing lease (storage/settling.py).
"""

from __future__ import annotations

from typing import Any

from prefect import flow, get_run_logger
from prefect.runtime import flow_run
from prefect.states import Failed, State

from flows.fanout import run_each
from flows.process_dossier import process_dossier
from flows.resources import resources
from tasks.reconcile import reconcile_group_task

GROUP_FLOW = "process-group"
GROUP_DEPLOYMENT = f"{GROUP_FLOW}/{GROUP_FLOW}"
# A group whose process dies this many times (a page that kills Tesseract's host,
# memory) is left Failed: its dossiers stay in the inbox for the next intake, in
# other groups, instead of taking workers down in a loop.
MAX_ATTEMPTS = 3


@flow(name=GROUP_FLOW, log_prints=False)
def process_group(sources: list[str], max_concurrency: int | None = None) -> dict[str, Any] | State:
    """One ``process-dossier`` run per (sealed) source, ``HOSO_INTAKE_CONCURRENCY`` at a time."""
    res = resources()
    attempt = flow_run.run_count
    if attempt > 1:
        reconcile_group_task(flow_run.id, res.db_url)
    if attempt > MAX_ATTEMPTS:
        get_run_logger().warning("Nhóm đã dừng đột ngột %d lần; các hồ sơ còn lại chờ lần tiếp nhận sau.", attempt - 1)
        return Failed(message=f"Dừng đột ngột {attempt - 1} lần; hồ sơ còn lại chờ lần tiếp nhận sau.")
    results = run_each(lambda source: process_dossier(source=source), sources, max_concurrency or res.settings.intake_concurrency)
    return {"attempt": attempt, "results": results}
