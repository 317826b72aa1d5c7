"""Run the real pipeline over a set of files in an isolated corner of the local stack,
and watch it from outside: wall time, dossiers settled over time, the worker's memory.

The "worker" is a child process running the `intake` flow against the stack's Prefect
server, with its own bucket prefix and SQLite file, so a benchmark never mixes with
the demo's data and its memory can be read from /proc.
"""

from __future__ import annotations

import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import SecretStr

from hoso import stack
from core.settings import Settings
from hoso.stack import hoso_env, prefect_env
from hoso.submit import submit_path
from storage import repository
from storage.database import migrate, session_scope
from storage.objects import ObjectStore


@dataclass
class RunReport:
    dossiers: int
    seconds: float
    tag: str = ""  # the name of this worker's intake runs on the Prefect server, to find its runs afterwards
    passes: int = 0  # intake runs it took (a failed dossier waits in the inbox for the next one)
    settled_per_pass: list[int] = field(default_factory=list)
    samples: list[tuple[float, int, float]] = field(default_factory=list)  # (t, settled, rss MiB)
    peak_rss_mib: float = 0.0
    worker_cpu_s: float = 0.0  # user + system, the worker processes (with their Tesseract children)
    server_cpu_s: float = 0.0  # user + system, the Prefect server process, while they ran (its database's own not counted)
    records: list[dict] = field(default_factory=list)

    @property
    def per_minute(self) -> float:
        return 60 * self.dossiers / self.seconds if self.seconds else 0.0


@contextmanager
def isolated(base: Settings, name: str) -> Iterator[Settings]:
    """The given servers, but buckets and a database of this run's own; the buckets are dropped after.

    Dropped because `weed mini` has a fixed number of volume slots and every
    bucket takes some: benchmarks that left theirs behind filled the stack's
    S3 server until every write failed.
    """
    prefix = f"b{name}-{uuid.uuid4().hex[:6]}"[:40]
    db = base.home / "bench" / f"{prefix}.db"
    db.parent.mkdir(parents=True, exist_ok=True)
    run = base.model_copy(update={"bucket_prefix": prefix, "database_url": f"sqlite:///{db}"})
    try:
        yield run
    finally:
        ObjectStore.from_settings(run).drop_all(prefix)


def submit_all(settings: Settings, paths: Sequence[Path], station: str = "bench") -> list[str]:
    store = ObjectStore.from_settings(settings)
    store.ensure_buckets()
    return [submit_path(store, p, station) for p in paths]


def _rss_mib(pid: int) -> tuple[float, float]:
    """Current and peak resident memory of a process, from /proc (MiB)."""
    values = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, rest = line.partition(":")
        if key in {"VmRSS", "VmHWM"}:
            values[key] = int(rest.split()[0]) / 1024
    return values.get("VmRSS", 0.0), values.get("VmHWM", 0.0)


def _children_cpu_s() -> float:
    """CPU seconds (user + system) of this process's children that have ended and been waited for."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _process_cpu_s(pid: int | None) -> float:
    """CPU seconds a running process (and the children it waited for) has used, from /proc; 0 without one."""
    if pid is None:
        return 0.0
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except FileNotFoundError:
        return 0.0
    return sum(int(v) for v in fields[11:15]) / os.sysconf("SC_CLK_TCK")


@dataclass
class CpuUsed:
    client_s: float = 0.0  # this process's children that ended meanwhile (a worker, with its Tesseract runs)
    server_s: float = 0.0  # the Prefect server process the settings name (its database's own not counted)


@contextmanager
def cpu_used(settings: Settings) -> Iterator[CpuUsed]:
    """CPU seconds spent meanwhile by the client processes this one waited for and by the Prefect server; filled on exit."""
    server_pid = stack.running_pid(settings, "prefect-server")
    server_before, client_before = _process_cpu_s(server_pid), _children_cpu_s()
    used = CpuUsed()
    try:
        yield used
    finally:
        used.client_s = _children_cpu_s() - client_before
        used.server_s = _process_cpu_s(server_pid) - server_before


def _settled(db_url: str) -> int:
    with session_scope(db_url) as s:
        return sum(1 for d in repository.list_all(s) if d.status in repository.TERMINAL)


def worker_credentials(settings: Settings, tag: str) -> Path:
    """The bench worker's secrets in a file of its own (0600), as each part of a stack gets them.

    The environment handed to a part carries no secret (hoso.stack.hoso_env): without this
    file the worker would read and write the stack's own database, not the run's.
    """
    from core.secrets import write_secret_json
    from core.settings import SECRET_FIELDS

    values = {name: getattr(settings, name) for name in ("s3_access_key", *SECRET_FIELDS, "database_url", "bucket_prefix")}
    payload = {k: (v.get_secret_value() if hasattr(v, "get_secret_value") else v) for k, v in values.items() if v is not None}
    return write_secret_json(settings.home / "bench" / f"{tag}.credentials.json", payload)


def worker_env(settings: Settings, tag: str) -> dict[str, str]:
    """The environment of a bench child process doing a worker's job on ``settings``' servers (its secrets in a file)."""
    return {**os.environ, **prefect_env(settings), **hoso_env(settings), "OMP_THREAD_LIMIT": "1",
            "PREFECT_LOGGING_LEVEL": "WARNING", "HOSO_BENCH_TAG": tag,
            "HOSO_CREDENTIALS_FILE": str(worker_credentials(settings, tag))}


def review_cost(settings: Settings) -> tuple[int, float, float]:
    """(reviews created, CPU-s of the requests in the client, of the Prefect server meanwhile): see bench/review.py."""
    tag = f"bench-review-{uuid.uuid4().hex[:8]}"
    env = worker_env(settings, tag)
    try:
        with cpu_used(settings) as cpu:
            done = subprocess.run([sys.executable, "-m", "bench.review"], env=env, capture_output=True, text=True, check=True)
    finally:
        Path(env["HOSO_CREDENTIALS_FILE"]).unlink(missing_ok=True)
    result = json.loads(done.stdout.strip().splitlines()[-1])
    return int(result["reviews"]), float(result["client_cpu_s"]), cpu.server_s


def run_worker(settings: Settings, expected: int, concurrency: int, sample_every_s: float = 1.0, max_passes: int = 3) -> RunReport:
    """Run `intake` in a child process until it ends; sample progress and memory meanwhile.

    A dossier whose run failed stays in the inbox; as the scheduled intake would a
    minute later, another pass (at most ``max_passes`` in all) takes what is left.
    The report's time covers every pass.
    """
    assert settings.database_url
    migrate(settings.database_url)
    tag = f"bench-{uuid.uuid4().hex[:8]}"
    env = {**worker_env(settings, tag), "HOSO_INTAKE_CONCURRENCY": str(concurrency)}
    started = time.monotonic()
    report = RunReport(dossiers=expected, seconds=0.0, tag=tag)
    with cpu_used(settings) as cpu:
        while report.passes < max_passes and (report.passes == 0 or _settled(settings.database_url) < expected):
            report.passes += 1
            child = subprocess.Popen([sys.executable, "-m", "bench.worker"], env=env)
            while child.poll() is None:
                try:
                    rss, peak = _rss_mib(child.pid)
                except FileNotFoundError:
                    break
                report.peak_rss_mib = max(report.peak_rss_mib, peak)
                report.samples.append((time.monotonic() - started, _settled(settings.database_url), rss))
                time.sleep(sample_every_s)
            if child.wait() != 0:
                raise RuntimeError(f"bench worker exited {child.returncode}")
            report.settled_per_pass.append(_settled(settings.database_url))
    Path(env["HOSO_CREDENTIALS_FILE"]).unlink(missing_ok=True)
    report.seconds = time.monotonic() - started
    report.worker_cpu_s, report.server_cpu_s = cpu.client_s, cpu.server_s
    with session_scope(settings.database_url) as s:
        report.records = [repository.as_json(repository.get(s, d.id), with_pages=True) for d in repository.list_all(s)]  # type: ignore[arg-type]
    return report


@contextmanager
def _client(settings: Settings) -> Iterator[Any]:
    """A synchronous Prefect client for the server these settings name."""
    from prefect.client.orchestration import get_client

    from hoso.cli_common import on_stack_prefect

    with on_stack_prefect(settings), get_client(sync_client=True) as client:
        yield client


def _read_all(read: Callable[..., list[Any]], **filters: Any) -> list[Any]:
    runs: list = []
    while page := read(**filters, limit=200, offset=len(runs)):
        runs += page
    return runs


def _intake_runs(client: Any, tag: str) -> list[Any]:
    """The benchmark worker's intake runs: bench/worker.py names them after its tag."""
    from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterName

    return _read_all(client.read_flow_runs, flow_run_filter=FlowRunFilter(name=FlowRunFilterName(any_=[tag])))


def intake_seconds(settings: Settings, tag: str) -> float:
    """How long the benchmark worker's `intake` run took, as the Prefect server recorded it:
    the pipeline's own time, without the worker process's start (importing Prefect and hoso)."""
    with _client(settings) as client:
        runs = _intake_runs(client, tag)
    spans = [(r.end_time - r.start_time).total_seconds() for r in runs if r.start_time and r.end_time]
    return sum(spans)


def task_seconds(settings: Settings, tag: str, task_name: str, expected: int, wait_s: float = 60) -> tuple[float, int]:
    """Wall time summed over one task's finished runs in a benchmark worker's dossier runs, and how many there were.

    The worker's intake runs are named ``tag``; its dossier runs are their children. The
    server records task runs from the client's events, a little after the worker has
    exited: wait until ``expected`` runs are finished (or ``wait_s``).
    """
    from prefect.client.schemas.filters import (
        FlowRunFilter,
        FlowRunFilterParentFlowRunId,
        TaskRunFilter,
        TaskRunFilterFlowRunId,
        TaskRunFilterName,
    )

    deadline = time.monotonic() + wait_s
    with _client(settings) as client:
        intakes = _intake_runs(client, tag)
        children = _read_all(client.read_flow_runs,
                             flow_run_filter=FlowRunFilter(parent_flow_run_id=FlowRunFilterParentFlowRunId(any_=[r.id for r in intakes])))
        wanted = TaskRunFilter(flow_run_id=TaskRunFilterFlowRunId(any_=[r.id for r in children]), name=TaskRunFilterName(like_=task_name))
        while True:
            runs = _read_all(client.read_task_runs, task_run_filter=wanted)
            finished = [r for r in runs if r.start_time and r.end_time]
            if len(finished) >= expected or time.monotonic() > deadline:
                return sum((r.end_time - r.start_time).total_seconds() for r in finished), len(finished)
            time.sleep(1)


@contextmanager
def fresh_prefect_server(settings: Settings, database: str) -> Iterator[Settings]:
    """A Prefect server of the benchmark's own, beside the stack's, on a fresh database: its own SQLite
    file, or a throwaway PostgreSQL (the production set-up). Both start empty, so neither carries the
    stack's history or its scheduled runs into the measurement.

    Yields the settings that point at it (own home and port); the S3 server stays the stack's.
    """
    from hoso.orchestration import ensure_ocr_limit
    from hoso.cli_common import on_stack_prefect
    from hoso.postgres import PostgresServer

    if database not in PREFECT_DATABASES:
        raise ValueError(f"unknown Prefect database {database!r}; one of {PREFECT_DATABASES}")
    home = Path(tempfile.mkdtemp(prefix=f"hoso-bench-{database}-"))
    run = settings.model_copy(update={"home": home, "prefect_port": stack.free_port()})
    postgres: PostgresServer | None = None
    try:
        if database == "postgres":
            postgres = PostgresServer(stack.free_port())
            url = postgres.create_database("prefect", driver="asyncpg")
            run = run.model_copy(update={"prefect_database_url": SecretStr(url)})
        try:
            stack.start(run, stack.prefect_server(run), timeout_s=180)
            with on_stack_prefect(run):
                ensure_ocr_limit(run.ocr_workers)  # as `hoso up` does for the stack's server
        except BaseException:
            log = home / "logs" / "prefect-server.log"
            if log.exists():  # the server's own words, before its home goes
                print(log.read_text(errors="replace")[-3000:], file=sys.stderr)
            raise
        yield run
    finally:
        stack.stop(run, "prefect-server")
        if postgres is not None:
            postgres.stop()
        shutil.rmtree(home, ignore_errors=True)


PREFECT_DATABASES = ("sqlite", "postgres")
PREFECT_LABELS = {"sqlite": "Prefect on SQLite (embedded default)", "postgres": "Prefect on PostgreSQL"}


def machine() -> str:
    cpu = next((l.split(":", 1)[1].strip() for l in Path("/proc/cpuinfo").read_text().splitlines() if l.startswith("model name")), "?")
    mem = int(next(l for l in Path("/proc/meminfo").read_text().splitlines() if l.startswith("MemTotal")).split()[1]) / 1024 / 1024
    return f"{os.cpu_count()} cores ({cpu}), {mem:.0f} GiB"


def write_json(path: Path, payload: object) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(payload, ensure_ascii=False, indent=2, default=str), encoding="utf-8")
