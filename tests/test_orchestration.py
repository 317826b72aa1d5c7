"""The Prefect objects `hoso up` applies (hoso/orchestration.py), on the Prefect test server."""

from __future__ import annotations

import time
from typing import Any

from prefect.automations import Automation

from hoso.orchestration import (
    RERUN_AUTOMATION,
    SILENT_START_AUTOMATION,
    STALLED_START_AUTOMATION,
    ZOMBIE_AUTOMATION,
    ensure_automations,
    silent_starts,
    stalled_starts,
    zombie_runs,
)


def test_zombie_automation_spares_suspended_reviews_and_reaches_stacks_set_up_before(prefect_server) -> None:
    """A review run suspended for an official sends no heartbeats; the automation must not call it dead.

    Seen on a real stack: the review run was marked Crashed 90 s after it was suspended,
    so the official's form was gone. A stack set up before the fix gets it on `hoso up`.
    """
    older = zombie_runs()
    older.trigger.expect = older.trigger.expect - {"prefect.flow-run.Suspended", "prefect.flow-run.Paused"}
    older.create()
    try:
        assert ensure_automations() == [ZOMBIE_AUTOMATION, SILENT_START_AUTOMATION, STALLED_START_AUTOMATION, RERUN_AUTOMATION]  # the older one brought up to date, the new ones made
        applied = Automation.read(name=ZOMBIE_AUTOMATION)
        assert {"prefect.flow-run.Suspended", "prefect.flow-run.Paused"} <= set(applied.trigger.expect)
        assert ensure_automations() == []  # nothing to change the second time
    finally:
        for name in (ZOMBIE_AUTOMATION, SILENT_START_AUTOMATION, STALLED_START_AUTOMATION, RERUN_AUTOMATION):
            Automation.read(name=name).delete()


def test_dossier_runs_of_an_intake_that_lost_its_slot_are_ended_and_their_dossiers_freed(prefect_server, tmp_path, monkeypatch) -> None:
    """What a killed Prefect server leaves: the old intake run still "Running" for good, its slot come free when
    its lease ran out, and one of its dossier runs "Running" with a dossier claimed for 30 minutes. The next
    intake (Running, so holding the deployment's only slot) ends that dossier run and frees the dossier;
    without the lost-slot rule nothing would, since the old parent never became final."""
    import uuid
    from datetime import timedelta

    from prefect import flow, task
    from prefect.client.orchestration import get_client
    from prefect.states import Pending, Running

    from storage import repository
    from storage.database import migrate, session_scope
    from tasks.reconcile import crash_orphaned_child_runs, free_claims_of_ended_runs, runs_that_lost_the_slot

    url = f"sqlite:///{tmp_path / 'hoso.db'}"
    migrate(url)
    with get_client(sync_client=True) as client:
        flow_id = client.create_flow_from_name("intake")
        deployment_id = client.create_deployment(flow_id=flow_id, name=f"intake-{uuid.uuid4().hex[:6]}", concurrency_limit=1)
        stale = client.create_flow_run_from_deployment(deployment_id)
        client.set_flow_run_state(stale.id, Running(), force=True)  # Running, and no slot: its lease ran out
        parent_task = client.create_task_run(task(name="process-dossier")(lambda: None), flow_run_id=stale.id, dynamic_key="0")
        child = client.create_flow_run(flow(name="process-dossier")(lambda: None), parent_task_run_id=parent_task.id)
        client.set_flow_run_state(child.id, Running(), force=True)
        current = client.create_flow_run_from_deployment(deployment_id)
        client.set_flow_run_state(current.id, Pending())
        assert client.set_flow_run_state(current.id, Running()).status.value == "ACCEPT"  # the slot is this run's
    with session_scope(url) as s:
        dossier, _ = repository.register(s, source="tram-a/x.pdf", identity="tram-a/x.pdf@1", station="tram-a", actor="test")
    with session_scope(url) as s:
        assert repository.claim(s, dossier.id, str(child.id), timedelta(minutes=30))

    monkeypatch.setenv("PREFECT__FLOW_RUN_ID", str(current.id))  # reconcile as a task of the current intake sees it
    assert crash_orphaned_child_runs() == 0  # the old parent is not final: the plain rule leaves its child alone
    assert free_claims_of_ended_runs(url) == 0
    assert runs_that_lost_the_slot() == {stale.id}
    assert crash_orphaned_child_runs(runs_that_lost_the_slot()) == 1
    assert free_claims_of_ended_runs(url) == 1  # the dossier may be taken again at once
    with get_client(sync_client=True) as client:
        assert client.read_flow_run(child.id).state_name == "Crashed"
        assert client.read_flow_run(stale.id).state_name == "Running"  # left alone: crashing it would free this run's slot
        assert client.read_flow_run(current.id).state_name == "Running"
    with session_scope(url) as s:
        assert repository.claim(s, dossier.id, "next-run", timedelta(minutes=30))


def _deployment(client: Any, flow_name: str) -> Any:
    """A deployment of its own for one test: runs of it are related to a deployment, as the automations ask."""
    import uuid

    return client.create_deployment(flow_id=client.create_flow_from_name(flow_name), name=f"{flow_name}-{uuid.uuid4().hex[:6]}")


def _started(client: Any, deployment_id: Any) -> Any:
    """A run of the deployment taken and started as a worker would: Pending, then Running."""
    from prefect.states import Pending, Running

    run = client.create_flow_run_from_deployment(deployment_id)
    client.set_flow_run_state(run.id, Pending())
    assert client.set_flow_run_state(run.id, Running()).status.value == "ACCEPT"
    return run


def test_a_deployment_run_killed_before_its_first_heartbeat_is_crashed_and_a_beating_one_is_not(prefect_server) -> None:
    """The gap of the zombie automation (it watches a run from its first heartbeat): a worker killed in the
    first second of a run. Both runs here go Running as a worker would start them; the first one's process
    sends its first heartbeat (as Prefect's flow engine does on entering the flow), the second one's never does."""
    from datetime import timedelta

    from prefect.client.orchestration import get_client
    from prefect.events import emit_event
    from prefect.events.worker import EventsWorker

    automation = silent_starts(within=timedelta(seconds=10))  # the shortest window Prefect takes
    automation.name = f"{SILENT_START_AUTOMATION} (test)"
    automation.create()
    try:
        with get_client(sync_client=True) as client:
            deployment_id = _deployment(client, "silent-start")
            beating = _started(client, deployment_id)
            emit_event(
                "prefect.flow-run.heartbeat",
                resource={"prefect.resource.id": f"prefect.flow-run.{beating.id}"},
                related=[{"prefect.resource.id": f"prefect.deployment.{deployment_id}", "prefect.resource.role": "deployment"}],
            )
            EventsWorker.drain_all()
            silent = _started(client, deployment_id)  # its window opens after the beating run's, so it closes after it too

            deadline = time.monotonic() + 180
            while client.read_flow_run(silent.id).state_name != "Crashed":
                assert time.monotonic() < deadline, "the run that never beat was never marked Crashed"
                time.sleep(1)
            assert client.read_flow_run(beating.id).state_name == "Running"  # its window closed first, with its heartbeat in it
    finally:
        Automation.read(name=automation.name).delete()


def test_a_deployment_run_left_pending_by_a_dead_worker_is_crashed_and_a_started_one_is_not(prefect_server) -> None:
    """A worker killed between taking a run (Pending) and starting its process: nothing else would ever end it."""
    from datetime import timedelta

    from prefect.client.orchestration import get_client
    from prefect.states import Pending

    automation = stalled_starts(within=timedelta(seconds=10))
    automation.name = f"{STALLED_START_AUTOMATION} (test)"
    automation.create()
    try:
        with get_client(sync_client=True) as client:
            deployment_id = _deployment(client, "stalled-start")
            started = _started(client, deployment_id)
            stalled = client.create_flow_run_from_deployment(deployment_id)
            client.set_flow_run_state(stalled.id, Pending())

            deadline = time.monotonic() + 180
            while client.read_flow_run(stalled.id).state_name != "Crashed":
                assert time.monotonic() < deadline, "the run left Pending was never marked Crashed"
                time.sleep(1)
            assert client.read_flow_run(started.id).state_name == "Running"
    finally:
        Automation.read(name=automation.name).delete()
