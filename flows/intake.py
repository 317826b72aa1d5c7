"""Intake: find what the scan stations dropped and have each dossier processed.

On a stack (the ``process-group`` deployment exists) the batch is cut into groups
(``group_sizes``: a multiple of the online workers' number, at most ``HOSO_GROUP_SIZE``
dossiers each) handed to the ``process`` work pool, so every worker on every machine
takes its share; this run waits for them on the `intake` queue's slot. Without that deployment (a bare
Prefect server, ``hoso run --here``) this run processes the dossiers itself.
"""

from __future__ import annotations

import hashlib
from typing import Any

from prefect import flow, get_run_logger
from prefect.artifacts import create_progress_artifact, create_table_artifact, update_progress_artifact
from prefect.runtime import flow_run

from core.sealing import seal
from domain.deadlines import now_in_vietnam
from flows.fanout import PoolRun, deployment_pool, online_workers, run_each, run_on_pool
from flows.group import GROUP_DEPLOYMENT
from flows.process_dossier import process_dossier
from flows.resources import resources
from storage.layout import InboxItem
from tasks.discover import discover_task
from tasks.lookup import outcomes_task
from tasks.publish import batch_rows, mark_empty_poll
from tasks.reconcile import reconcile_runs_task


def _run_name() -> str:
    return f"tiếp nhận {now_in_vietnam():%H:%M ngày %d/%m/%Y}"


def group_sizes(count: int, workers: int, largest: int) -> list[int]:
    """How a batch of ``count`` dossiers is cut for ``workers`` online workers: as few groups as groups of at most
    ``largest`` allow, their number a multiple of the workers' (each worker takes the same number of groups, one per
    slot), sizes differing by at most one. Few groups: each pays a process start; equal ones: no worker waits on
    another's last group."""
    if count <= 0:
        return []
    workers = max(1, workers)
    rounds = -(-count // (workers * largest))
    groups = min(count, workers * rounds)
    return [count // groups + (1 if n < count % groups else 0) for n in range(groups)]


def groups_of(items: list[InboxItem], sizes: list[int], secret: str, batch: str) -> list[PoolRun]:
    """The batch cut into groups of these sizes, in the inbox's order; each keyed by this intake run and its
    dossiers' identities, so a retried intake asks for the same runs and Prefect creates each once."""
    runs = []
    starts = [sum(sizes[:n]) for n in range(len(sizes))]
    chunks = [items[start : start + size] for start, size in zip(starts, sizes)]
    for n, chunk in enumerate(chunks, start=1):
        digest = hashlib.sha256("\n".join(i.identity for i in chunk).encode()).hexdigest()[:24]
        runs.append(
            PoolRun(
                name=f"nhóm {n}/{len(chunks)} · {len(chunk)} hồ sơ",
                parameters={"sources": [seal(i.source, secret) for i in chunk]},
                idempotency_key=f"intake-{batch}-{digest}",
                size=len(chunk),
            )
        )
    return runs


@flow(name="intake", flow_run_name=_run_name, log_prints=False)
def intake(max_concurrency: int | None = None, spread: bool = True) -> dict[str, Any]:
    """Every waiting dossier processed once: in groups on the work pool (``spread``, when the stack has the group
    deployment), else here, ``max_concurrency`` at a time."""
    logger = get_run_logger()
    res = resources()
    reconcile_runs_task(res.db_url)
    items, waiting = discover_task(res.store)
    logger.info("Hộp thư đến: %d hồ sơ chờ xử lý, %d đang tải lên.", len(items), len(waiting))
    if not items and not waiting:
        mark_empty_poll()
    progress = create_progress_artifact(progress=0.0, description=f"Tiến độ lô {len(items)} hồ sơ") if items else None

    def report(done: int, total: int) -> None:
        if progress is not None:
            update_progress_artifact(progress, progress=100.0 * done / total)

    secret = res.settings.sealing_secret
    pool = deployment_pool(GROUP_DEPLOYMENT) if items and spread else None
    if pool is not None:
        workers = online_workers(pool)
        groups = groups_of(items, group_sizes(len(items), workers, res.settings.group_size), secret, str(flow_run.id))
        logger.info("Giao %d nhóm cho %d worker đang trực của hàng đợi «%s».", len(groups), workers, pool)
        run_on_pool(GROUP_DEPLOYMENT, groups, report)
        # What became of each dossier is in the database (the server keeps no run's return value).
        results = outcomes_task(res.db_url, [i.identity for i in items])
    else:
        limit = max_concurrency or res.settings.intake_concurrency
        results = run_each(lambda item: process_dossier(source=seal(item.source, secret)), items, limit, report)
    if items or waiting:
        create_table_artifact(key="intake-batch", table=batch_rows(items, results, waiting), description="Lô hồ sơ của lần tiếp nhận này")
    counts: dict[str, int] = {}
    for r in results:
        counts[r.get("status", "")] = counts.get(r.get("status", ""), 0) + 1
    return {"processed": len(results), "waiting": len(waiting), "by_status": counts, "results": results}
