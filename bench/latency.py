"""`hoso bench latency`: how long a single one-page dossier dropped into the inbox of an idle stack takes to settle.

The path measured is the embedded default's: `weed mini`'s filer webhook (notification.toml,
written by `hoso up`) → the S3 event receiver → the Prefect event → the trigger of the
`process-dossier` deployment → a worker poll (every 2 s) → a process start → the pipeline.
The clock starts before the file is put into the inbox and stops when the dossier's record
is in a settled status; which run settled it is read back from the server (the trigger's
`process-dossier` run, or an interval intake that was quicker).
"""

from __future__ import annotations

import statistics
import time
from pathlib import Path

from bench.harness import _client, write_json
from core.settings import Settings
from hoso.submit import submit_path
from storage import repository
from storage.database import session_scope
from storage.objects import ObjectStore


def _settled(db_url: str, source: str) -> tuple[str, str] | None:
    with session_scope(db_url) as s:
        d = next((d for d in repository.list_all(s) if d.source == source), None)
        return (d.status, str(d.claimed_by)) if d and d.status in repository.TERMINAL else None


def run_latency(settings: Settings, repeat: int, out: Path, timeout_s: float = 180) -> str:
    from samples.corpus import generate_demo

    assert settings.database_url
    run = int(time.time()) % 100_000  # new stations and new bytes each run: nothing found settled, cached or duplicate
    cases = [c for c in generate_demo(out / f"samples-{run}", seed=run) if c.expected["status"] == "routed" and c.files[0].suffix.lower() in {".pdf", ".png", ".jpg", ".tif", ".tiff"}]
    store = ObjectStore.from_settings(settings)
    rows = []
    for n in range(repeat):
        case = cases[n % len(cases)]
        time.sleep(10)  # idle: no run of the previous drop still finishing
        started = time.monotonic()
        source = submit_path(store, case.files[0], f"do-tre-{run}-{n}")
        found = None
        while found is None and time.monotonic() - started < timeout_s:
            found = _settled(settings.database_url, source)
            time.sleep(0.2)
        seconds = time.monotonic() - started
        how = "?"
        if found:
            with _client(settings) as client:
                try:
                    settler = client.read_flow_run(found[1])
                    how = "trigger" if settler.created_by and settler.created_by.type == "AUTOMATION" else ("intake" if settler.parent_task_run_id else settler.name)
                except Exception:  # noqa: BLE001 - only the label of the row
                    how = "?"
        rows.append({"dossier": n + 1, "file": case.files[0].suffix, "seconds": round(seconds, 1), "status": found[0] if found else "timeout", "by": how})
    write_json(out / "latency.json", rows)
    lines = [f"hoso bench latency --repeat {repeat}: one one-page dossier dropped into the idle stack's inbox, drop → settled",
             "| # | file | drop → settled (s) | status | settled by |", "|---:|---|---:|---|---|"]
    lines += [f"| {r['dossier']} | {r['file']} | {r['seconds']} | {r['status']} | {r['by']} |" for r in rows]
    done = [r["seconds"] for r in rows if r["status"] != "timeout"]
    if done:
        lines.append(f"median {statistics.median(done):.1f} s, max {max(done):.1f} s (target ≤ 10 s)")
    return "\n".join(lines)
