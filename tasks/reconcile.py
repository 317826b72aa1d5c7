"""Repair what a crash leaves behind, in Prefect's view of the world and in hoso's leases.

A worker killed mid-batch leaves its intake run "Running" until the zombie
automation marks it Crashed (its heartbeats stopped); the per-dossier runs
inside it send no heartbeats of their own, so this step marks them Crashed
once their parent is over.

Then it ends the processing leases (tasks/register.py) held by runs that are
over. A run that died or failed mid-dossier — its worker killed, or the Prefect
server gone away under it — would otherwise keep its dossier for the whole
lease (``HOSO_CLAIM_LEASE_S``, 30 min), long enough for the slowest OCR; the
server knows the run is over, so the dossier is taken again at once, by the
intake run this step belongs to. Safe if Prefect is wrong and the run is alive
after all: settling checks the lease (``repository.keep_claim``), so of two runs
on one dossier one settles it.

A parent need not be over in the server's view for its children to be orphans.
When the server itself was killed, the intake run may never be marked anything:
its process lost the API, its heartbeats went with the events it could not send,
and its row says "Running" for good. Its deployment slot still comes free, when
its lease runs out (5 min); the next intake then holds that deployment's only
slot, and a run of the same deployment that the server still calls Running has
lost its slot by then: it is dead, or Prefect stops it at its next lease renewal
("410 Gone"). Its dossier runs are orphans as much as those of a Crashed parent
(``runs_that_lost_the_slot``), so they are not left to hold their dossiers for
``HOSO_CLAIM_LEASE_S`` (the 37-minute stall of issue 16). The stale parent itself
is left as it is: marked Crashed, Prefect would give back its slot a second time
(the lease being gone, it decrements the deployment's limit anyway), which is the
slot this run holds.

Prefect's own concurrency slots are not freed here: the server keeps their
leases on disk (hoso/stack.py, LEASE_STORAGE), so a slot whose holder died is
freed by Prefect when its lease runs out, even across a server restart.
"""

from __future__ import annotations

from uuid import UUID

from prefect import get_run_logger, task
from prefect.cache_policies import NO_CACHE
from prefect.client.orchestration import get_client
from prefect.client.schemas.filters import (
    DeploymentFilter,
    DeploymentFilterId,
    FlowFilter,
    FlowFilterName,
    FlowRunFilter,
    FlowRunFilterId,
    FlowRunFilterParentFlowRunId,
    FlowRunFilterState,
    FlowRunFilterStateType,
)
from prefect.client.schemas.objects import StateType
from prefect.states import Crashed

from storage import repository
from storage.database import session_scope
from tasks.retry import IO_RETRIES

CHILD_FLOWS = ["process-dossier", "reassess-dossier"]


def runs_that_lost_the_slot() -> set[UUID]:
    """The other Running runs of this run's deployment, when that deployment runs one at a time.

    This run is Running, so it holds the deployment's only slot: any other run the server
    calls Running lost it (its lease ran out). Empty outside a deployment run (`hoso run
    --here`, tests) and for deployments without a limit of one.
    """
    from prefect.runtime import deployment, flow_run

    if not deployment.id or not flow_run.id:
        return set()
    with get_client(sync_client=True) as client:
        limit = client.read_deployment(UUID(deployment.id)).global_concurrency_limit
        if limit is None or limit.limit != 1:
            return set()
        running = client.read_flow_runs(
            deployment_filter=DeploymentFilter(id=DeploymentFilterId(any_=[UUID(deployment.id)])),
            flow_run_filter=FlowRunFilter(state=FlowRunFilterState(type=FlowRunFilterStateType(any_=[StateType.RUNNING]))),
            limit=200,
        )
    return {r.id for r in running if str(r.id) != flow_run.id}


def crash_orphaned_child_runs(lost_parents: frozenset[UUID] | set[UUID] = frozenset()) -> int:
    """Mark Crashed the running dossier runs whose parent run has ended or lost its slot; returns how many."""
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
            elif parent.id in lost_parents:
                message = f"Lượt cha «{parent.name}» đã mất suất chạy của deployment (máy chủ Prefect không còn nghe tin từ nó)."
                client.set_flow_run_state(run.id, Crashed(message=message), force=True)
                fixed += 1
    return fixed


def crash_children_of_earlier_attempt(group_run_id: UUID) -> int:
    """Mark Crashed the dossier runs still Running under this group run; returns how many.

    Called by a group run that starts again after a crash (Prefect rescheduled it,
    hoso/orchestration.py): it has started no child of its own yet, so every child
    still Running belongs to the attempt whose process died. Their leases are then
    ended by ``free_claims_of_ended_runs`` and this attempt takes their dossiers.
    """
    fixed = 0
    with get_client(sync_client=True) as client:
        running = client.read_flow_runs(
            flow_run_filter=FlowRunFilter(
                parent_flow_run_id=FlowRunFilterParentFlowRunId(any_=[group_run_id]),
                state=FlowRunFilterState(type=FlowRunFilterStateType(any_=[StateType.RUNNING, StateType.PENDING])),
            ),
            limit=200,
        )
        for run in running:
            client.set_flow_run_state(run.id, Crashed(message="Tiến trình của lần chạy trước của nhóm đã dừng đột ngột."), force=True)
            fixed += 1
    return fixed


def reconcile_group(group_run_id: UUID, db_url: str) -> int:
    """A group run's tidying before it starts again: its earlier attempt's runs Crashed, their dossiers freed."""
    fixed = crash_children_of_earlier_attempt(group_run_id)
    freed = free_claims_of_ended_runs(db_url)
    get_run_logger().info("Chạy lại nhóm: %d lượt của lần trước đánh dấu Crashed, %d hồ sơ được trả để xử lý tiếp.", fixed, freed)
    return fixed + freed


def _run_id(owner: str) -> UUID | None:
    try:
        return UUID(owner)
    except ValueError:
        return None  # `pid-…`: a run outside Prefect, left to its lease


def free_claims_of_ended_runs(db_url: str) -> int:
    """End the processing leases held by flow runs that the server says are over; returns how many dossiers it freed."""
    with session_scope(db_url) as session:
        holders = {run_id: owner for owner in repository.live_claim_holders(session) if (run_id := _run_id(owner))}
    if not holders:
        return 0
    with get_client(sync_client=True) as client:
        runs = client.read_flow_runs(flow_run_filter=FlowRunFilter(id=FlowRunFilterId(any_=list(holders))), limit=len(holders))
    ended = [holders[r.id] for r in runs if r.state is not None and r.state.is_final()]
    with session_scope(db_url) as session:
        return repository.end_claims(session, ended)


def reconcile_runs(db_url: str) -> int:
    """Tidying must never hold up the intake: a failure here is logged and left for next time."""
    logger = get_run_logger()
    try:
        fixed = crash_orphaned_child_runs(runs_that_lost_the_slot())
        freed = free_claims_of_ended_runs(db_url)
    except Exception as exc:  # noqa: BLE001
        logger.warning("Không dọn được các lượt chạy đã dừng (%s); sẽ thử lại lần sau.", type(exc).__name__)
        return 0
    if fixed:
        logger.info("Đã đánh dấu Crashed %d lượt xử lý hồ sơ của lượt cha đã dừng.", fixed)
    if freed:
        logger.info("Đã trả %d hồ sơ do các lượt chạy đã dừng giữ, để xử lý lại ngay.", freed)
    return fixed + freed


reconcile_runs_task = task(name="reconcile-runs", cache_policy=NO_CACHE)(reconcile_runs)


reconcile_group_task = task(name="reconcile-group", cache_policy=NO_CACHE, **IO_RETRIES)(reconcile_group)
