"""`hoso bench scale`: the same batch with one worker and with two, each worker pinned to a core of its own.

Two one-core machines, emulated on one host: each worker runs under ``taskset -c N``
(its flow runs and their Tesseract children inherit the pinning), reads pages one at
a time (``HOSO_OCR_WORKERS=1``) and has an OCR limit of its own (``HOSO_OCR_MACHINE``),
as a machine of its own would. Each run gets a fresh Prefect server with prefect.yaml
deployed, its own buckets and database; the batch goes through the real path: `hoso
run`'s intake deployment run, which hands groups to the pool and waits for them.
Which worker processed a dossier is read from the server: the worker label of the
group run whose dossier run settled it.
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

from bench.harness import _client, fresh_prefect_server, isolated, machine, submit_all, write_json
from core.settings import Settings
from hoso import stack
from storage import repository
from storage.database import migrate, session_scope


@dataclass
class ScaleRun:
    workers: int
    dossiers: int
    seconds: float = 0.0
    by_worker: dict[str, int] = field(default_factory=dict)
    worker_cpu_s: float = 0.0
    statuses: dict[str, int] = field(default_factory=dict)

    @property
    def per_minute(self) -> float:
        return 60 * self.dossiers / self.seconds if self.seconds else 0.0


def _pause_interval_intake(settings: Settings) -> None:
    """Only the benchmark's own intake run takes the batch (prefect.yaml schedules one every minute)."""
    from prefect.states import Cancelled

    with _client(settings) as client:
        deployment = client.read_deployment_by_name("intake/intake")
        client.pause_deployment(deployment.id)
        from prefect.client.schemas.filters import DeploymentFilter, DeploymentFilterId

        runs = lambda: client.read_flow_runs(deployment_filter=DeploymentFilter(id=DeploymentFilterId(any_=[deployment.id])))  # noqa: E731
        for run in runs():
            if run.state and run.state.is_scheduled():  # never a Pending one: a worker may be starting it
                client.set_flow_run_state(run.id, Cancelled(message="bench scale"), force=True)
        while any(r.state and not r.state.is_final() and not r.state.is_scheduled() for r in runs()):
            time.sleep(1)


def _wait_online(settings: Settings, names: set[str], timeout_s: float = 180) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        with _client(settings) as client:
            online = {w.name for w in client.read_workers_for_work_pool(stack.WORK_POOL) if w.status.value == "ONLINE"}
        if names <= online:
            return
        time.sleep(1)
    raise RuntimeError(f"workers not online: {names - online}")


def _by_worker(settings: Settings) -> dict[str, int]:
    from prefect.client.schemas.filters import FlowFilter, FlowFilterName, FlowRunFilter, FlowRunFilterParentFlowRunId

    owner_worker: dict[str, str] = {}
    with _client(settings) as client:
        for group in client.read_flow_runs(flow_filter=FlowFilter(name=FlowFilterName(any_=["process-group"])), limit=200):
            children = client.read_flow_runs(flow_run_filter=FlowRunFilter(parent_flow_run_id=FlowRunFilterParentFlowRunId(any_=[group.id])), limit=200)
            owner_worker.update({str(c.id): group.labels.get("prefect.worker.name", "?") for c in children})
    counts: dict[str, int] = {}
    assert settings.database_url
    with session_scope(settings.database_url) as s:
        for d in repository.list_all(s):
            if d.status in repository.TERMINAL:
                who = owner_worker.get(str(d.claimed_by), "?")
                counts[who] = counts.get(who, 0) + 1
    return counts


def _worker_credentials(run: Settings) -> Path:
    """The benchmark workers' credentials file, as `hoso up` writes the stack's worker's (hoso/identities.py).

    The S3 key is the operator's: the benchmark's buckets are its own (a prefix of their own, made
    with that key), which the stack's worker identity's policy does not cover. The fresh Prefect
    server has no auth string; the database is the run's own file.
    """
    from core.secrets import write_secret_json

    return write_secret_json(
        run.home / "secrets" / "bench-worker.json",
        {"s3_access_key": run.s3_access_key, "s3_secret_key": run.s3_secret_key.get_secret_value(),
         "seal_secret": run.sealing_secret, "database_url": run.database_url},
    )


def run_once(base: Settings, files: list[Path], workers: int, cores: list[int]) -> ScaleRun:
    from prefect.deployments import run_deployment

    from hoso.cli_common import on_stack_prefect
    from hoso.orchestration import ensure_automations, ensure_ocr_limit

    result = ScaleRun(workers=workers, dossiers=len(files))
    with fresh_prefect_server(base, "sqlite") as server, isolated(server, f"scale{workers}") as run:
        assert run.database_url
        migrate(run.database_url)
        stack.deploy(run)
        with on_stack_prefect(run):
            ensure_automations()
            for n in range(workers):
                ensure_ocr_limit(1, f"bench-core-{cores[n]}")
        _pause_interval_intake(run)
        procs: list[subprocess.Popen[bytes]] = []
        names = {f"bench-core-{cores[n]}" for n in range(workers)}
        logs = run.home / "logs"
        logs.mkdir(parents=True, exist_ok=True)
        usage_before = os.times()
        credentials = _worker_credentials(run)
        try:
            for n in range(workers):
                # As `hoso up`'s worker (the first: it also takes the intake queue) and `hoso worker` (the
                # others) would set themselves on a one-core machine: one slot for work, one more for intake.
                runs_intake = n == 0
                one = run.model_copy(update={"ocr_workers": 1, "ocr_machine": f"bench-core-{cores[n]}", "worker_limit": 1 + runs_intake})
                service = stack.worker(one, f"bench-core-{cores[n]}", credentials, runs_intake=runs_intake)
                log = open(logs / f"worker-{n}.log", "ab")
                procs.append(subprocess.Popen(["taskset", "-c", str(cores[n]), *service.argv], env={**stack.inherited_env(), **service.env},
                                              cwd=service.cwd, stdout=log, stderr=subprocess.STDOUT, start_new_session=True))
            _wait_online(run, names)
            submit_all(run, files)
            started = time.monotonic()
            with on_stack_prefect(run):
                flow_run = run_deployment("intake/intake", timeout=None, poll_interval=1, as_subflow=False)
            result.seconds = time.monotonic() - started
            if not flow_run.state or not flow_run.state.is_completed():
                raise RuntimeError(f"intake ended {flow_run.state}")
            result.by_worker = _by_worker(run)
            with session_scope(run.database_url) as s:
                for d in repository.list_all(s):
                    result.statuses[d.status] = result.statuses.get(d.status, 0) + 1
        finally:
            for proc in procs:
                if proc.poll() is None:
                    os.killpg(proc.pid, signal.SIGTERM)
            for proc in procs:
                try:
                    proc.wait(60)
                except subprocess.TimeoutExpired:
                    os.killpg(proc.pid, signal.SIGKILL)
                    proc.wait()
            after = os.times()
            result.worker_cpu_s = (after.children_user - usage_before.children_user) + (after.children_system - usage_before.children_system)
    return result


def run_scale(settings: Settings, count: int, seed: int, out: Path) -> str:
    from samples.corpus import generate_corpus

    cases = generate_corpus(out / "corpus", count=count, seed=seed, scan_ratio=1.0, defect_ratio=0.2)
    files = [c.files[0] for c in cases]
    one = run_once(settings, files, 1, [0])
    two = run_once(settings, files, 2, [0, 1])
    write_json(out / "scale.json", {"machine": machine(), "one": one.__dict__, "two": two.__dict__})
    lines = [
        f"hoso bench scale --count {count} --seed {seed}: {count} scanned dossiers, groups of at most {settings.group_size}, "
        f"each worker pinned to its own core (taskset), one OCR slot each; {machine()}",
        "| | 1 worker | 2 workers |",
        "|---|---:|---:|",
        f"| wall time, submit → intake done (s) | {one.seconds:.1f} | {two.seconds:.1f} |",
        f"| dossiers/min | {one.per_minute:.1f} | {two.per_minute:.1f} |",
        f"| 2 workers ÷ 1 worker | | {two.per_minute / one.per_minute:.2f}× |",
        f"| dossiers per worker | {', '.join(f'{k}: {v}' for k, v in sorted(one.by_worker.items()))} | {', '.join(f'{k}: {v}' for k, v in sorted(two.by_worker.items()))} |",
        f"| workers' CPU s (with flow runs and Tesseract) | {one.worker_cpu_s:.1f} | {two.worker_cpu_s:.1f} |",
        f"| statuses | {one.statuses} | {two.statuses} |",
    ]
    return "\n".join(lines)
