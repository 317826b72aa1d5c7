"""Child runs of a parent run: in the parent's process (``run_each``), or on the work pool (``run_on_pool``).

Threads, not processes, inside one run: each child flow spends its time waiting
on Tesseract subprocesses, S3 and the database, and the children stay visible as
subflow runs of the parent in the Prefect UI. Across processes and machines the
parent hands deployment runs to the work pool and waits for them; which worker
takes which is Prefect's business (each worker's ``--limit``), not hoso's.
"""

from __future__ import annotations

import contextvars
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from typing import Any, TypeVar
from uuid import UUID

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


@dataclass(frozen=True)
class PoolRun:
    """One deployment run to hand to the work pool."""

    name: str
    parameters: dict[str, Any]
    idempotency_key: str  # the same run asked for twice (a retried parent) is one run
    size: int  # how many items it carries, for the parent's progress


def deployment_pool(name: str) -> str | None:
    """The work pool of this deployment on the server, or None when the server has no such deployment.

    Without it (a bare Prefect server, the test harness) the parent does the work itself.
    """
    from prefect.client.orchestration import get_client
    from prefect.exceptions import ObjectNotFound

    with get_client(sync_client=True) as client:
        try:
            return client.read_deployment_by_name(name).work_pool_name or None
        except ObjectNotFound:
            return None


def online_workers(pool: str) -> int:
    """How many workers of the pool the server last heard from (Prefect marks a silent one offline)."""
    from prefect.client.orchestration import get_client

    with get_client(sync_client=True) as client:
        return sum(1 for w in client.read_workers_for_work_pool(pool) if w.status is not None and w.status.value == "ONLINE")


def run_on_pool(
    deployment: str,
    runs: Sequence[PoolRun],
    on_progress: Callable[[int, int], None] | None = None,
    *,
    rerun_grace_s: float = 60.0,
    poll_s: float = 2.0,
) -> list[str]:
    """Create the runs (linked to the calling run as its subflows), wait until each is over; their final state names.

    A run that ends Crashed is not over yet: the rerun automation (hoso/orchestration.py)
    schedules it again, and this waits for that attempt. Only a run still Crashed after
    ``rerun_grace_s`` (no automation on this server) counts as over.
    """
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterId
    from prefect.deployments import run_deployment
    from prefect.states import Completed, Failed

    created = [
        run_deployment(deployment, parameters=r.parameters, flow_run_name=r.name, idempotency_key=r.idempotency_key, timeout=0, as_subflow=True)
        for r in runs
    ]
    size = {c.id: r.size for c, r in zip(created, runs)}
    parent_task = {c.id: c.parent_task_run_id for c in created}
    final: dict[UUID, str] = {}
    total, done = sum(size.values()), 0
    with get_client(sync_client=True) as client:
        while len(final) < len(created):
            time.sleep(poll_s)
            waiting = [c.id for c in created if c.id not in final]
            for run in client.read_flow_runs(flow_run_filter=FlowRunFilter(id=FlowRunFilterId(any_=waiting)), limit=len(waiting)):
                state = run.state
                if state is None or not state.is_final():
                    continue
                if state.is_crashed() and (time.time() - state.timestamp.timestamp()) < rerun_grace_s:
                    continue  # about to be scheduled again
                final[run.id] = state.name or state.type.value
                if (task_run_id := parent_task.get(run.id)) is not None:
                    # The parent's placeholder task for the child (run_deployment makes it Pending) ends with it.
                    client.set_task_run_state(task_run_id, Completed() if state.is_completed() else Failed(message=state.message), force=True)
                done += size[run.id]
                if on_progress:
                    on_progress(done, total)
    return [final[c.id] for c in created]
