"""How long Prefect takes to start and finish one empty child flow run, per Prefect server database.

The reason the OCR and load figures differ so much between the embedded SQLite
Prefect server and PostgreSQL: it isolates Prefect's own cost from hoso's work.
Each child run (five tiny tasks) is measured from the parent's call to its return,
started one at a time through hoso's own fan-out (flows/fanout.py), as dossiers are.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from bench.harness import PREFECT_LABELS, fresh_prefect_server, machine, write_json
from hoso.settings import Settings
from hoso.stack import PROJECT_DIR, prefect_env

_CHILD = """
import json, sys, time
from prefect import flow, task
from flows.fanout import run_each

@task
def step(i: int) -> int:
    return i

@flow(name="bench-child")
def child(i: int) -> int:
    for k in range(5):
        step(k)
    return i

def timed(i: int) -> dict:
    started = time.monotonic()
    child(i)
    return {"seconds": time.monotonic() - started}

@flow(name="bench-parent")
def parent(n: int) -> list[float]:
    # One at a time, through hoso's own fan-out (no per-child heartbeat thread, as for dossiers).
    return [r["seconds"] for r in run_each(timed, list(range(n)), 1)]

print(json.dumps(parent(int(sys.argv[1]))))
"""


def child_run_seconds(server: Settings, count: int) -> list[float]:
    env = {**os.environ, **prefect_env(server), "PREFECT_LOGGING_LEVEL": "WARNING"}
    done = subprocess.run([sys.executable, "-c", _CHILD, str(count)], env=env, capture_output=True, text=True, check=True, cwd=PROJECT_DIR)
    return [float(t) for t in json.loads(done.stdout.strip().splitlines()[-1])]


def run_subflows_bench(settings: Settings, count: int, databases: tuple[str, ...], out: Path) -> str:
    lines = [
        f"hoso bench subflows --count {count} --prefect-db {','.join(databases)}",
        f"machine: {machine()}",
        "",
        "| Prefect server | child runs | median (s) | slowest (s) | over 1 s |",
        "|---|---:|---:|---:|---:|",
    ]
    results = {}
    for database in databases:
        with fresh_prefect_server(settings, database) as server:
            times = child_run_seconds(server, count)
        results[database] = times
        ordered = sorted(times)
        lines.append(f"| {PREFECT_LABELS[database]} | {len(times)} | {ordered[len(ordered) // 2]:.2f} | {ordered[-1]:.2f} | "
                     f"{sum(t > 1 for t in times)} |")
    write_json(out / "subflows.json", results)
    return "\n".join(lines)
