"""Prefect server objects hoso relies on, applied by `hoso up` (idempotent, by name).

The OCR concurrency limit: one per machine (``ocr-<host>``), as many slots as
the machine's OCR CPU budget, so that dossiers run by several workers on one
machine share its cores instead of oversubscribing them.

The rerun automation: a ``process-group`` run that ends Crashed (its worker
killed, its process dead) is scheduled again, the same run with the same
idempotency key, for any worker of the pool to take; the group then finishes its
dossiers (flows/group.py, which also bounds the attempts).

The zombie-run automation: a worker killed mid-run leaves its flow run "Running" forever unless something
notices: deployment runs send heartbeats (``PREFECT_FLOWS_HEARTBEAT_FREQUENCY`` in
prefect.yaml), and this automation marks a run Crashed when they stop — so the UI
tells the truth and the intake deployment's concurrency slot is freed. The
dossier itself is resumed by hoso's processing lease, not by this.

The silent-start automation closes that one's gap: it watches a run from its first
heartbeat, so a deployment run whose process was killed before its first heartbeat
got out (the first second of the run) would stay Running; this one marks Crashed a
deployment run that went Running and sent no heartbeat (nor a state that explains
the silence) within ``FIRST_HEARTBEAT_WITHIN``.

The stalled-start automation closes the last gap: a worker killed after it took a run
(Pending) and before the run's process started leaves it Pending for good — an intake
run so held keeps the deployment's one concurrency slot, and no intake would run
again. A deployment run that is not Running (nor over) ``START_WITHIN`` after it went
Pending is marked Crashed; a group is then run again like any crashed group.
"""

from __future__ import annotations

from datetime import timedelta

from prefect.automations import Automation
from prefect.client.schemas.objects import StateType
from prefect.events.actions import ChangeFlowRunState
from prefect.events.schemas.automations import EventTrigger, Posture
from prefect.events.schemas.events import ResourceSpecification

from domain.catalogue import Catalogue
from flows.group import GROUP_FLOW
from tasks.extract_text import ocr_limit_name

ZOMBIE_AUTOMATION = "hoso: lượt chạy mất tín hiệu → Crashed"
SILENT_START_AUTOMATION = "hoso: lượt chạy không gửi nhịp tim đầu tiên → Crashed"
STALLED_START_AUTOMATION = "hoso: lượt chạy kẹt ở Pending → Crashed"
RERUN_AUTOMATION = "hoso: nhóm hồ sơ Crashed → chạy lại"
HEARTBEAT_SECONDS = 30
# A deployment run sends its first heartbeat as it enters its flow, right after it is
# Running (Prefect's flow engine); this long without it, its process died on the way.
FIRST_HEARTBEAT_WITHIN = timedelta(seconds=2 * HEARTBEAT_SECONDS)
# Pending → Running is a process start: 3-10 s on a busy two-core machine; twelve times that
# and the worker that took the run is gone.
START_WITHIN = timedelta(seconds=120)


# What a live run sends, or a state after which silence is expected. A review run suspended
# for an official's answer sends no heartbeats for hours; it is waiting, not dead
# (flows/review.py). Resumed, it beats again.
ALIVE_OR_DONE = frozenset({
    "prefect.flow-run.heartbeat",
    "prefect.flow-run.Suspended",
    "prefect.flow-run.Paused",
    "prefect.flow-run.Completed",
    "prefect.flow-run.Failed",
    "prefect.flow-run.Cancelled",
    "prefect.flow-run.Crashed",
})


def zombie_runs(within: timedelta = timedelta(seconds=3 * HEARTBEAT_SECONDS)) -> Automation:
    return Automation(
        name=ZOMBIE_AUTOMATION,
        description="Đánh dấu Crashed các lượt chạy không còn gửi nhịp tim (worker bị tắt đột ngột).",
        trigger=EventTrigger(
            # From the first heartbeat on; a run killed before its first one got out is the
            # next automation's (silent_starts).
            after={"prefect.flow-run.heartbeat"},
            expect=set(ALIVE_OR_DONE),
            match=ResourceSpecification({"prefect.resource.id": ["prefect.flow-run.*"]}),
            for_each={"prefect.resource.id"},
            posture=Posture.Proactive,
            threshold=1,
            within=within,
        ),
        actions=[ChangeFlowRunState(state=StateType.CRASHED, message="Không nhận được nhịp tim: worker có thể đã bị tắt đột ngột.")],
    )


def silent_starts(within: timedelta = FIRST_HEARTBEAT_WITHIN) -> Automation:
    """A deployment run that went Running and then sent no heartbeat: killed before its first one got out.

    The zombie automation watches a run from its first heartbeat, so without this a worker
    killed in the first second of a run leaves it Running for good. Same proactive
    expect/after pattern, started by the Running state: nothing of the ``expect`` list
    within ``within`` → Crashed (and a group is then run again, rerun_crashed_groups).
    Only deployment runs (a related deployment): they are the ones that send heartbeats
    (prefect.yaml); a subflow inside a run (a group's dossiers) sends none and is ended
    by its parent's next attempt (tasks/reconcile.py).
    """
    return _crash_deployment_runs_silent_after(
        SILENT_START_AUTOMATION,
        "Đánh dấu Crashed các lượt chạy đã bắt đầu mà không gửi nhịp tim nào (worker bị tắt ngay khi chạy).",
        "prefect.flow-run.Running", ALIVE_OR_DONE, within,
        "Không có nhịp tim nào sau khi bắt đầu: worker có thể đã bị tắt đột ngột.",
    )


def _crash_deployment_runs_silent_after(name: str, description: str, after: str, expect: frozenset[str], within: timedelta,
                                        message: str) -> Automation:
    """Proactive: a deployment run that sent ``after`` and then none of ``expect`` within ``within`` → Crashed."""
    return Automation(
        name=name,
        description=description,
        trigger=EventTrigger(
            after={after},
            expect=set(expect),
            match=ResourceSpecification({"prefect.resource.id": ["prefect.flow-run.*"]}),
            match_related=ResourceSpecification({"prefect.resource.role": "deployment"}),
            for_each={"prefect.resource.id"},
            posture=Posture.Proactive,
            threshold=1,
            within=within,
        ),
        actions=[ChangeFlowRunState(state=StateType.CRASHED, message=message)],
    )


# What ends a run's Pending: its process started, or it is over, or it went back to wait.
STARTED_OR_DONE = frozenset({"prefect.flow-run.Running", "prefect.flow-run.Scheduled", "prefect.flow-run.AwaitingRetry",
                             *(name for name in ALIVE_OR_DONE if name != "prefect.flow-run.heartbeat")})


def stalled_starts(within: timedelta = START_WITHIN) -> Automation:
    """A deployment run taken by a worker (Pending) whose process never started: the worker died in between."""
    return _crash_deployment_runs_silent_after(
        STALLED_START_AUTOMATION,
        "Đánh dấu Crashed các lượt chạy worker đã nhận nhưng không bắt đầu (worker bị tắt trước khi khởi chạy).",
        "prefect.flow-run.Pending", STARTED_OR_DONE, within,
        "Worker đã nhận lượt chạy nhưng không khởi chạy được: có thể đã bị tắt đột ngột.",
    )


def rerun_crashed_groups() -> Automation:
    return Automation(
        name=RERUN_AUTOMATION,
        description="Lên lịch chạy lại một nhóm hồ sơ mà worker của nó đã dừng đột ngột, cho worker khác nhận.",
        trigger=EventTrigger(
            expect={"prefect.flow-run.Crashed"},
            match=ResourceSpecification({"prefect.resource.id": ["prefect.flow-run.*"]}),
            match_related=ResourceSpecification({"prefect.resource.role": "flow", "prefect.resource.name": GROUP_FLOW}),
            for_each={"prefect.resource.id"},
            posture=Posture.Reactive,
            threshold=1,
            within=timedelta(0),
        ),
        actions=[ChangeFlowRunState(state=StateType.SCHEDULED, name="AwaitingRetry", message="Worker dừng đột ngột; nhóm được lên lịch chạy lại.")],
    )


def ensure_ocr_limit(slots: int, machine: str | None = None) -> bool:
    """Create (or resize) this machine's OCR concurrency limit; True when it changed."""
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.actions import GlobalConcurrencyLimitCreate, GlobalConcurrencyLimitUpdate
    from prefect.exceptions import ObjectNotFound

    name = ocr_limit_name(machine)
    with get_client(sync_client=True) as client:
        try:
            current = client.read_global_concurrency_limit_by_name(name)
        except ObjectNotFound:
            client.create_global_concurrency_limit(GlobalConcurrencyLimitCreate(name=name, limit=slots))
            return True
        if current.limit != slots:
            client.update_global_concurrency_limit(name, GlobalConcurrencyLimitUpdate(limit=slots))
            return True
    return False


SAVED_SEARCH_WINDOW_S = 30 * 86400  # what an office's queue shows: the runs of the last 30 days
PER_COMMUNE_UP_TO = 12  # served communes up to which each office of each commune gets its own queue


def office_queues(catalogue: Catalogue) -> list[tuple[str, str]]:
    """The saved searches an office's officials open, as (name, run tag): «Hàng chờ <office>».

    Per office of each served commune ("Hàng chờ Công an phường Hoàn Kiếm", tag
    ``nơi-nhận:cong-an@phuong-hoan-kiem``) while the area is a handful of communes; for a
    whole province (hundreds of units) one per kind of office ("Hàng chờ Công an", tag
    ``cơ-quan:cong-an``), or the UI's list of saved searches would hold hundreds.
    The runs carry both tags (tasks/publish.run_tags).
    """
    communes = catalogue.communes
    every_review = ("Hàng chờ xem xét (mọi cơ quan)", "xem-xét")
    if len(communes) <= PER_COMMUNE_UP_TO:
        queues = [(f"Hàng chờ {catalogue.office_name(o.slug, c.slug)}", f"nơi-nhận:{o.slug}@{c.slug}") for c in communes for o in catalogue.offices]
    else:
        queues = [(f"Hàng chờ {o.name}", f"cơ-quan:{o.slug}") for o in catalogue.offices]
    return [*queues, every_review]


def ensure_saved_searches(catalogue: Catalogue) -> list[str]:
    """Create (or bring up to date, by name: Prefect upserts) each office's saved search of the runs list.

    The filter is the one Prefect's UI saves itself (objects ``flowRun``: a tag, a date
    span): it shows the office's waiting reviews (Suspended) beside its dossiers' runs.
    """
    from prefect.client.orchestration import get_client

    names = []
    with get_client(sync_client=True) as client:
        for name, tag in office_queues(catalogue):
            filters = [
                {"object": "flowRun", "property": "tag", "type": "", "operation": "", "value": [tag]},
                {"object": "flowRun", "property": "range", "type": "", "operation": "", "value": {"type": "span", "seconds": -SAVED_SEARCH_WINDOW_S}},
            ]
            client.request("PUT", "/saved_searches/", json={"name": name, "filters": filters}).raise_for_status()
            names.append(name)
    return names


def ensure_intake_interval(seconds: int) -> bool:
    """Set the safety-net intake's poll interval (``HOSO_INTAKE_INTERVAL_S``); True when it changed.

    prefect.yaml carries the default; this brings the stack to the setting after each
    `hoso up`, so a deployment whose S3 server notifies (the event path starts each
    dossier at once) polls rarely and its runs list is not buried under empty polls.
    """
    from datetime import timedelta

    from prefect.client.orchestration import get_client
    from prefect.client.schemas.schedules import IntervalSchedule
    from prefect.exceptions import ObjectNotFound

    with get_client(sync_client=True) as client:
        try:
            intake = client.read_deployment_by_name("intake/intake")
        except ObjectNotFound:
            return False
        changed = False
        for entry in client.read_deployment_schedules(intake.id):
            current = entry.schedule
            if isinstance(current, IntervalSchedule) and current.interval != timedelta(seconds=seconds):
                wanted = IntervalSchedule(interval=timedelta(seconds=seconds), anchor_date=current.anchor_date, timezone=current.timezone)
                client.update_deployment_schedule(intake.id, entry.id, schedule=wanted)
                changed = True
    return changed


def ensure_automations() -> list[str]:
    """Create what is missing and bring what changed up to date; returns the names created or updated.

    Updated, not only created: a stack set up by an older hoso keeps running its
    automation, and a fix to it must reach that stack on the next `hoso up`.
    """
    changed = []
    for wanted in (zombie_runs(), silent_starts(), stalled_starts(), rerun_crashed_groups()):
        try:
            found = Automation.read(name=wanted.name)
        except ValueError:
            wanted.create()
            changed.append(wanted.name)
            continue
        if _definition(found) != _definition(wanted):
            wanted.id = found.id
            wanted.update()
            changed.append(wanted.name)
    return changed


def _definition(automation: Automation) -> dict[str, object]:
    """What an automation does, without the ids the server gives it and its parts (sets stay sets: the server
    returns the trigger's event names in an order of its own)."""
    return automation.model_dump(include={"description", "enabled", "actions", "trigger"}, exclude={"trigger": {"id"}})
