"""The Prefect objects `hoso up` applies (hoso/orchestration.py), on the Prefect test server."""

from __future__ import annotations

from prefect.automations import Automation

from hoso.orchestration import ZOMBIE_AUTOMATION, ensure_automations, zombie_runs


def test_zombie_automation_spares_suspended_reviews_and_reaches_stacks_set_up_before(prefect_server) -> None:
    """A review run suspended for an official sends no heartbeats; the automation must not call it dead.

    Seen on a real stack: the review run was marked Crashed 90 s after it was suspended,
    so the official's form was gone. A stack set up before the fix gets it on `hoso up`.
    """
    older = zombie_runs()
    older.trigger.expect = older.trigger.expect - {"prefect.flow-run.Suspended", "prefect.flow-run.Paused"}
    older.create()
    try:
        assert ensure_automations() == [ZOMBIE_AUTOMATION]
        applied = Automation.read(name=ZOMBIE_AUTOMATION)
        assert {"prefect.flow-run.Suspended", "prefect.flow-run.Paused"} <= set(applied.trigger.expect)
        assert ensure_automations() == []  # nothing to change the second time
    finally:
        Automation.read(name=ZOMBIE_AUTOMATION).delete()
