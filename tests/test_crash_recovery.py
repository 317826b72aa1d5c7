"""A worker killed with SIGKILL in the middle of a dossier: the next run finishes it, once.

The whole local stack runs here (weed mini, Prefect server, a process worker applying
prefect.yaml), in its own HOSO_HOME on free ports, with a short processing lease.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from collections import Counter
from pathlib import Path

import pytest

from tests.test_cli_stack import HOSO, hoso
from tests.conftest import on_stack, stack_environment

pytestmark = pytest.mark.slow


def _descendants(pid: int) -> list[int]:
    out = subprocess.run(["ps", "-e", "-o", "pid=,ppid="], capture_output=True, text=True).stdout
    children: dict[int, list[int]] = {}
    for line in out.splitlines():
        p, pp = (int(x) for x in line.split())
        children.setdefault(pp, []).append(p)
    found, todo = [], [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def _killed_runs_crash(env: dict[str, str], timeout_s: float) -> bool:
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterDeploymentId
    with on_stack(env):
        with get_client(sync_client=True) as client:
            intake = client.read_deployment_by_name("intake/intake")
            deadline = time.monotonic() + timeout_s
            while time.monotonic() < deadline:
                runs = client.read_flow_runs(flow_run_filter=FlowRunFilter(deployment_id=FlowRunFilterDeploymentId(any_=[intake.id])))
                states = [r.state_name for r in runs if r.state_name not in {"Scheduled", "Late", "Pending"}]
                if "Crashed" in states and "Running" not in states:
                    return True
                time.sleep(3)
    return False


def _groups_over(env: dict[str, str], timeout_s: float) -> bool:
    """Until every ``process-group`` run is over: a killed one is Crashed, scheduled again by the rerun automation
    (hoso/orchestration.py) and finished by the worker `hoso up` brought back; that attempt ends the dossier runs
    the dead one left Running (tasks/reconcile.py)."""
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import FlowFilter, FlowFilterName

    with on_stack(env):
        with get_client(sync_client=True) as client:
            deadline = time.monotonic() + timeout_s
            while time.monotonic() < deadline:
                groups = client.read_flow_runs(flow_filter=FlowFilter(name=FlowFilterName(any_=["process-group"])), limit=200)
                if all(g.state and g.state.is_final() and not g.state.is_crashed() for g in groups):
                    return True
                time.sleep(3)
    return False


def _running_dossier_runs(env: dict[str, str]) -> list[str]:
    from prefect.client.orchestration import get_client
    with on_stack(env):
        with get_client(sync_client=True) as client:
            return [r.name for r in client.read_flow_runs(limit=200) if r.state_name == "Running" and r.parent_task_run_id]


def test_sigkill_mid_dossier_then_the_next_run_finishes_each_exactly_once(tmp_path: Path) -> None:
    from samples.corpus import generate_corpus
    from storage import repository
    from storage.database import session_scope

    home = tmp_path / "home"
    env = stack_environment(home, HOSO_CLAIM_LEASE_S="5")
    db_url = f"sqlite:///{home / 'hoso.db'}"
    hoso(env, "up", timeout=480)
    try:
        cases = generate_corpus(tmp_path / "scans", count=6, seed=3, scan_ratio=1.0, defect_ratio=0.0)
        for case in cases:
            hoso(env, "submit", str(case.files[0]), "--station", "quay-1")
        run = subprocess.Popen([HOSO, "run"], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        worker_pid = int((home / "run" / "worker.pid").read_text())
        deadline = time.monotonic() + 180
        in_flight = None
        while time.monotonic() < deadline and in_flight is None:
            if (home / "hoso.db").exists():
                with session_scope(db_url) as s:
                    in_flight = next((d.id for d in repository.list_all(s, ["processing"])), None)
            time.sleep(0.1)
        assert in_flight, "no dossier was ever seen mid-way"
        for pid in [*_descendants(worker_pid), worker_pid]:  # the worker and the flow run it started
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        run.kill()
        run.wait()
        with session_scope(db_url) as s:
            assert repository.get(s, in_flight).status == "processing"  # left mid-way, as a crash leaves it

        hoso(env, "up", timeout=480)  # brings the worker back; the rest kept running
        time.sleep(6)  # the killed run's lease lapses
        hoso(env, "run", "--here", timeout=600)
        rows = [json.loads(line) for line in hoso(env, "list", "--json").splitlines()]
        assert len(rows) == len(cases)
        assert all(r["status"] in {"routed", "needs_review", "rejected"} for r in rows), [r["status"] for r in rows]
        with session_scope(db_url) as s:
            settled = Counter(
                d.id for d in repository.list_all(s) for h in repository.history(s, d.id) if h.to_status in repository.TERMINAL
            )
        assert set(settled.values()) == {1} and len(settled) == len(cases)

        from core.settings import Settings
        from storage.objects import ObjectStore

        store = ObjectStore.from_settings(Settings(s3_endpoint=env["HOSO_S3_ENDPOINT"]))
        assert list(store.list("inbox")) == []
        ids = {r["id"] for r in rows}
        archived_ids = {o.key.split("/")[1] for o in store.list("archive", "dossiers/")}
        assert archived_ids == ids  # no orphan objects
        originals = Counter(o.key.split("/")[1] for o in store.list("archive", "dossiers/") if "/original/" in o.key)
        assert set(originals.values()) == {1}
        handed = {o.key.rsplit("/", 1)[-1].removesuffix(".json") for o in store.list("offices")}
        assert handed == {r["id"] for r in rows if r["status"] == "routed"}

        # The UI tells the truth too: the killed runs stop sending heartbeats and the
        # automation `hoso up` applied marks them Crashed instead of "Running" forever.
        assert _killed_runs_crash(env, timeout_s=240)
        # …the killed groups are run again and end what they left "Running"; the next intake ends the rest.
        assert _groups_over(env, timeout_s=420)
        hoso(env, "run", "--here", timeout=300)
        assert _running_dossier_runs(env) == []
    finally:
        subprocess.run([HOSO, "down"], env=env, capture_output=True, timeout=120)
