"""Prefect's own cost of the dossier runs, without hoso's work: empty child flow runs of the same shape.

Each child run has as many no-op tasks as a dossier run has steps, and the children
are started through hoso's own fan-out (flows/fanout.py), as intake starts dossiers.
Measured: each child's time from the parent's call to its return, the whole batch
(the parent's span), and the CPU the client and the Prefect server used for it. This
is the floor under any pipeline that gives each dossier its own flow run: a cached
re-run, which does no OCR, cannot be cheaper than it.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from bench.harness import PREFECT_LABELS, cpu_used, fresh_prefect_server, machine, write_json
from core.settings import Settings
from hoso.stack import PROJECT_DIR, prefect_env

# The steps of one dossier run that ends routed (flows/process_dossier.py, flows/pipeline.py):
# receive, claim, fetch, archive, duplicate, extract-text, understand, store, hand-off,
# notify, clear-inbox, publish.
DOSSIER_STEPS = 12

_CHILD = """
import json, sys, time
from prefect import flow, task
from flows.fanout import run_each

count, steps, concurrency = (int(a) for a in sys.argv[1:4])

@task
def step(i: int) -> int:
    return i

@flow(name="bench-child")
def child(i: int) -> int:
    for k in range(steps):
        step(k)
    return i

def timed(i: int) -> dict:
    started = time.monotonic()
    child(i)
    return {"seconds": time.monotonic() - started}

@flow(name="bench-parent")
def parent() -> dict:
    started = time.monotonic()
    each = [r["seconds"] for r in run_each(timed, list(range(count)), concurrency)]
    return {"each": each, "batch": time.monotonic() - started}

print(json.dumps(parent()))
"""


def child_runs(server: Settings, count: int, steps: int, concurrency: int) -> dict:
    env = {**os.environ, **prefect_env(server), "PREFECT_LOGGING_LEVEL": "WARNING"}
    with cpu_used(server) as cpu:
        done = subprocess.run([sys.executable, "-c", _CHILD, str(count), str(steps), str(concurrency)],
                              env=env, capture_output=True, text=True, check=True, cwd=PROJECT_DIR)
    result = json.loads(done.stdout.strip().splitlines()[-1])
    return {**result, "client_cpu_s": cpu.client_s, "server_cpu_s": cpu.server_s}


def run_subflows_bench(settings: Settings, count: int, steps: int, concurrency: int, databases: tuple[str, ...], out: Path) -> str:
    lines = [
        f"hoso bench subflows --count {count} --steps {steps} --concurrency {concurrency} --prefect-db {','.join(databases)}",
        f"machine: {machine()}",
        "",
        f"| Prefect server | child runs ({steps} no-op tasks each, {concurrency} at a time) | median (s) | slowest (s) | over 1 s "
        "| whole batch (s) | CPU s: client process / Prefect server |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    results = {}
    for database in databases:
        with fresh_prefect_server(settings, database) as server:
            result = child_runs(server, count, steps, concurrency)
        results[database] = result
        ordered = sorted(result["each"])
        lines.append(f"| {PREFECT_LABELS[database]} | {len(ordered)} | {ordered[len(ordered) // 2]:.2f} | {ordered[-1]:.2f} | "
                     f"{sum(t > 1 for t in ordered)} | {result['batch']:.1f} | {result['client_cpu_s']:.1f} / {result['server_cpu_s']:.1f} |")
    write_json(out / "subflows.json", results)
    return "\n".join(lines)
