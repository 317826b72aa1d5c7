"""Repair what a crash leaves behind in Prefect's view of the world.

A worker killed mid-batch leaves its intake run "Running" until the zombie
automation marks it Crashed (its heartbeats stopped); the per-dossier runs
inside it send no heartbeats of their own, so this step marks them Crashed
once their parent is over. The dossiers themselves are resumed by hoso's
processing lease, not by this.
"""

from __future__ import annotations

from prefect import get_run_logger, task
from prefect.cache_policies import NO_CACHE
from prefect.client.orchestration import get_client
from prefect.client.schemas.filters import FlowFilter, FlowFilterName, FlowRunFilter, FlowRunFilterState, FlowRunFilterStateType
from prefect.client.schemas.objects import StateType
from prefect.states import Crashed


CHILD_FLOWS = ["process-dossier", "reassess-dossier"]


def crash_orphaned_child_runs() -> int:
    """Mark Crashed the running dossier runs whose parent run has ended; returns how many."""
    fixed = 0
    with get_client(sync_client=True) as client:
        running = client.read_flow_runs(
            flow_filter=FlowFilter(name=FlowFilterName(any_=CHILD_FLOWS)),
            flow_run_filter=FlowRunFilter(state=FlowRunFilterState(type=FlowRunFilterStateType(any_=[StateType.RUNNING]))),
            limit=200,
        )
        for run in running:
            if run.parent_task_run_id is None:
                continue
            parent_task = client.read_task_run(run.parent_task_run_id)
            if parent_task.flow_run_id is None:
                continue
            parent = client.read_flow_run(parent_task.flow_run_id)
            if parent.state is not None and parent.state.is_final():
                client.set_flow_run_state(run.id, Crashed(message=f"Lượt cha «{parent.name}» đã kết thúc ({parent.state.name})."), force=True)
                fixed += 1
    return fixed


@task(name="reconcile-runs", cache_policy=NO_CACHE)
def reconcile_runs() -> int:
    """Tidying the UI must never hold up the intake: a failure here is logged and left for next time."""
    logger = get_run_logger()
    try:
        fixed = crash_orphaned_child_runs()
    except Exception as exc:  # noqa: BLE001
        logger.warning("Không dọn được các lượt chạy mồ côi (%s); sẽ thử lại lần sau.", type(exc).__name__)
        return 0
    if fixed:
        logger.info("Đã đánh dấu Crashed %d lượt xử lý hồ sơ của lượt cha đã dừng.", fixed)
    return fixed
