"""A batch spreads over every worker of the pool, and a worker killed mid-batch leaves nothing undone.

One local stack (`hoso up`: weed mini, Prefect server, its worker) and a second worker
joined with `hoso worker`, as a second machine would join; groups of at most two
dossiers, each worker at its default limit (one flow run per core, and the stack's
worker one more for the intake it runs), so neither worker can take a whole batch.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from flows.intake import group_sizes
from tests.conftest import on_stack, stack_environment
from tests.test_cli_stack import HOSO, hoso
from tests.test_crash_recovery import _descendants

pytestmark = pytest.mark.slow

SECOND = "hoso-thu-hai"


@pytest.fixture(scope="module")
def two_workers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    home = tmp_path_factory.mktemp("spread") / "home"
    env = stack_environment(home, HOSO_GROUP_SIZE="2")
    second = None
    try:
        hoso(env, "up", timeout=420)
        log = open(home / "logs" / "second-worker.log", "ab")
        second = subprocess.Popen([HOSO, "worker", "--name", SECOND], env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        state = {"env": env, "home": home, "second": second, "first": f"hoso-{env['HOSO_PREFECT_PORT']}"}
        _wait_for_workers(env, {state["first"], SECOND})
        with _client(env) as client:
            pause_interval_intake(client)  # only this module's `hoso run`s take the batches
        yield state
    finally:
        if second is not None and second.poll() is None:
            os.killpg(second.pid, signal.SIGTERM)
            second.wait(30)
        subprocess.run([HOSO, "down"], env=env, capture_output=True, timeout=120)


def pause_interval_intake(client: Any) -> None:
    """Pause the minutely intake and let a run it already started finish (it finds an empty inbox).

    Scheduled runs are cancelled, never a Pending one: a worker may already be starting it,
    and Prefect lets a deployment run leave Cancelled for Running (a rerun) without its
    concurrency lease, which the run then finds revoked and stops half-way.
    """
    from prefect.client.schemas.filters import DeploymentFilter, DeploymentFilterId
    from prefect.states import Cancelled

    deployment = client.read_deployment_by_name("intake/intake")
    client.pause_deployment(deployment.id)
    runs = lambda: client.read_flow_runs(deployment_filter=DeploymentFilter(id=DeploymentFilterId(any_=[deployment.id])), limit=200)  # noqa: E731
    for run in runs():
        if run.state and run.state.is_scheduled():
            client.set_flow_run_state(run.id, Cancelled(message="test: chỉ `hoso run` tiếp nhận"), force=True)
    deadline = time.monotonic() + 180
    while any(r.state and not r.state.is_final() and not r.state.is_scheduled() for r in runs()):
        assert time.monotonic() < deadline, "the interval intake never went quiet"
        time.sleep(1)


@contextmanager
def _client(env: dict[str, str]) -> Iterator[Any]:
    """A Prefect client of the stack's server, with its auth string."""
    from prefect.client.orchestration import get_client

    with on_stack(env), get_client(sync_client=True) as client:
        yield client


def _wait_for_workers(env: dict[str, str], names: set[str]) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        with _client(env) as client:
            online = {w.name for w in client.read_workers_for_work_pool("process") if w.status.value == "ONLINE"}
        if names <= online:
            return
        time.sleep(1)
    raise AssertionError(f"workers online: {online}, wanted {names}")


def _groups(env: dict[str, str]) -> list[Any]:
    from prefect.client.schemas.filters import FlowFilter, FlowFilterName

    with _client(env) as client:
        return client.read_flow_runs(flow_filter=FlowFilter(name=FlowFilterName(any_=["process-group"])), limit=200)


def _worker_of_each_dossier(env: dict[str, str], db_url: str) -> dict[str, str]:
    """Dossier id → the worker whose group run settled it (its lease holder's parent run)."""
    from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterParentFlowRunId

    from storage import repository
    from storage.database import session_scope

    groups = _groups(env)
    run_worker: dict[str, str] = {}
    with _client(env) as client:
        for group in groups:
            children = client.read_flow_runs(
                flow_run_filter=FlowRunFilter(parent_flow_run_id=FlowRunFilterParentFlowRunId(any_=[group.id])), limit=200
            )
            run_worker.update({str(c.id): group.labels.get("prefect.worker.name", "?") for c in children})
    with session_scope(db_url) as s:
        return {d.id: run_worker.get(str(d.claimed_by), "?") for d in repository.list_all(s)}


def _settled_once(db_url: str) -> Counter[str]:
    from storage import repository
    from storage.database import session_scope

    with session_scope(db_url) as s:
        return Counter(d.id for d in repository.list_all(s) for h in repository.history(s, d.id) if h.to_status in repository.TERMINAL)


def _inbox_left(env: dict[str, str]) -> list[Any]:
    from core.settings import Settings
    from storage.objects import ObjectStore

    store = ObjectStore.from_settings(Settings(s3_endpoint=env["HOSO_S3_ENDPOINT"]))
    return list(store.list("inbox"))


def _submit(env: dict[str, str], out: Path, count: int, seed: int, scan_ratio: float) -> int:
    from samples.corpus import generate_corpus

    cases = generate_corpus(out, count=count, seed=seed, scan_ratio=scan_ratio, defect_ratio=0.0)
    for case in cases:
        hoso(env, "submit", str(case.files[0]), "--station", "quay-1")
    return len(cases)


def test_two_workers_share_one_batch_each_dossier_once(two_workers: dict[str, Any], tmp_path: Path) -> None:
    env, home = two_workers["env"], two_workers["home"]
    db_url = f"sqlite:///{home / 'hoso.db'}"
    count = _submit(env, tmp_path / "batch", count=6, seed=13, scan_ratio=0.0)

    out = hoso(env, "run", timeout=600)
    assert f"Đã xử lý {count} hồ sơ" in out, out

    rows = [json.loads(line) for line in hoso(env, "list", "--json").splitlines()]
    assert len(rows) == count and all(r["status"] in {"routed", "needs_review", "rejected"} for r in rows)
    settled = _settled_once(db_url)
    assert len(settled) == count and set(settled.values()) == {1}
    assert _inbox_left(env) == []
    groups = _groups(env)
    assert len(groups) == len(group_sizes(count, 2, 2)) == 4 and all(g.state_name == "Completed" for g in groups)
    assert {g.labels.get("prefect.worker.name") for g in groups} == {two_workers["first"], SECOND}  # two groups each
    by_worker = Counter(_worker_of_each_dossier(env, db_url).values())
    assert set(by_worker) == {two_workers["first"], SECOND}, by_worker  # each worker processed some of the batch


def test_a_worker_killed_mid_batch_the_other_finishes_it(two_workers: dict[str, Any], tmp_path: Path) -> None:
    env, home = two_workers["env"], two_workers["home"]
    db_url = f"sqlite:///{home / 'hoso.db'}"
    before = {g.id for g in _groups(env)}
    count = _submit(env, tmp_path / "scans", count=6, seed=31, scan_ratio=1.0) + len(_settled_once(db_url))
    run = subprocess.Popen([HOSO, "run"], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)

    # The worker to kill: one that runs a group of this batch and not the intake run (`hoso run` waits on that).
    from prefect.client.schemas.filters import FlowFilter, FlowFilterName

    pids = {two_workers["first"]: int((home / "run" / "worker.pid").read_text()), SECOND: two_workers["second"].pid}
    cores = len(os.sched_getaffinity(0))
    limits = {two_workers["first"]: cores + 1, SECOND: cores}  # Settings.worker_slots
    victim = None
    deadline = time.monotonic() + 420
    while victim is None and time.monotonic() < deadline:
        with _client(env) as client:
            intakes = client.read_flow_runs(flow_filter=FlowFilter(name=FlowFilterName(any_=["intake"])), limit=50)
        intake_workers = {r.labels.get("prefect.worker.name") for r in intakes if r.state_name == "Running"}
        batch = [g for g in _groups(env) if g.id not in before]
        all_taken = len(batch) == len(group_sizes(6, 2, 2)) and not any(g.state_type.value == "SCHEDULED" for g in batch)
        for name in sorted(set(pids) - intake_workers) if intake_workers else []:
            mine = [g for g in batch if g.labels.get("prefect.worker.name") == name]
            running = [g for g in mine if g.state_name == "Running"]
            starting = [g for g in mine if g.state_type.value == "PENDING"]
            # Killed with a group Running and none being started (a run killed while Pending, before its
            # process exists, is nobody's to notice), at a moment it can take no new one: every group of
            # the batch taken, or the victim at its limit. A group killed before its first heartbeat is
            # the silent-start automation's, after it the zombie one's (hoso/orchestration.py).
            if running and not starting and (all_taken or len(running) >= limits[name]):
                victim = name
                break
        time.sleep(0.5)
    assert victim, "no group was ever seen running on a worker without the intake"
    for pid in [*_descendants(pids[victim]), pids[victim]]:
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass

    out, _ = run.communicate(timeout=900)  # the intake waits for the killed groups to be run again
    assert run.returncode == 0, out
    rows = [json.loads(line) for line in hoso(env, "list", "--json").splitlines()]
    assert len(rows) == count and all(r["status"] in {"routed", "needs_review", "rejected"} for r in rows), [r["status"] for r in rows]
    settled = _settled_once(db_url)
    assert len(settled) == count and set(settled.values()) == {1}  # exactly once, the killed worker's dossiers too
    assert _inbox_left(env) == []
    groups = [g for g in _groups(env) if g.id not in before]
    assert all(g.state_name == "Completed" for g in groups), [(g.name, g.state_name) for g in groups]
    rerun = [g for g in groups if g.run_count > 1]
    assert rerun and all(g.labels.get("prefect.worker.name") != victim for g in rerun)  # taken again by the other worker
