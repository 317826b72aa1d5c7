"""Prefect server objects hoso relies on, applied by `hoso up` (idempotent, by name).

The OCR concurrency limit: one per machine (``ocr-<host>``), as many slots as
the machine's OCR CPU budget, so that dossiers run by several workers on one
machine share its cores instead of oversubscribing them.

The zombie-run automation: a worker killed mid-run leaves its flow run "Running" forever unless something
notices: deployment runs send heartbeats (``PREFECT_FLOWS_HEARTBEAT_FREQUENCY`` in
prefect.yaml), and this automation marks a run Crashed when they stop — so the UI
tells the truth and the intake deployment's concurrency slot is freed. The
dossier itself is resumed by hoso's processing lease, not by this.
"""

from __future__ import annotations

from datetime import timedelta

from prefect.automations import Automation
from prefect.client.schemas.objects import StateType
from prefect.events.actions import ChangeFlowRunState
from prefect.events.schemas.automations import EventTrigger, Posture
from prefect.events.schemas.events import ResourceSpecification

from domain.catalogue import Catalogue
from tasks.extract_text import ocr_limit_name

ZOMBIE_AUTOMATION = "hoso: lượt chạy mất tín hiệu → Crashed"
HEARTBEAT_SECONDS = 30


def zombie_runs(within: timedelta = timedelta(seconds=3 * HEARTBEAT_SECONDS)) -> Automation:
    return Automation(
        name=ZOMBIE_AUTOMATION,
        description="Đánh dấu Crashed các lượt chạy không còn gửi nhịp tim (worker bị tắt đột ngột).",
        trigger=EventTrigger(
            after={"prefect.flow-run.heartbeat"},
            expect={
                "prefect.flow-run.heartbeat",
                # A review run suspended for an official's answer sends no heartbeats
                # for hours; it is waiting, not dead (flows/review.py). Resumed, it beats again.
                "prefect.flow-run.Suspended",
                "prefect.flow-run.Paused",
                "prefect.flow-run.Completed",
                "prefect.flow-run.Failed",
                "prefect.flow-run.Cancelled",
                "prefect.flow-run.Crashed",
            },
            match=ResourceSpecification({"prefect.resource.id": ["prefect.flow-run.*"]}),
            for_each={"prefect.resource.id"},
            posture=Posture.Proactive,
            threshold=1,
            within=within,
        ),
        actions=[ChangeFlowRunState(state=StateType.CRASHED, message="Không nhận được nhịp tim: worker có thể đã bị tắt đột ngột.")],
    )


def ensure_ocr_limit(slots: int) -> bool:
    """Create (or resize) this machine's OCR concurrency limit; True when it changed."""
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.actions import GlobalConcurrencyLimitCreate, GlobalConcurrencyLimitUpdate
    from prefect.exceptions import ObjectNotFound

    name = ocr_limit_name()
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
    for wanted in (zombie_runs(),):
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
