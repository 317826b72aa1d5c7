"""Load run: ≥1 000 small dossiers through the real pipeline; throughput and the worker's memory.

Memory must stay flat as the count grows: the table shows the worker's resident
memory each time another quarter of the batch is settled.
"""

from __future__ import annotations

import time
from pathlib import Path

from bench.harness import PREFECT_LABELS, isolated, machine, fresh_prefect_server, run_worker, submit_all, write_json
from core.settings import Settings
from storage.objects import ObjectStore


def run_load(settings: Settings, count: int, concurrency: int, out: Path, prefect_db: str = "sqlite") -> str:
    from samples.corpus import generate_corpus

    t0 = time.monotonic()
    cases = generate_corpus(out / "corpus", count=count, seed=1000, scan_ratio=0.0, defect_ratio=0.2)
    generated = time.monotonic() - t0
    with fresh_prefect_server(settings, prefect_db) as server, isolated(server, "load") as run:
        submit_all(run, [c.files[0] for c in cases])
        report = run_worker(run, len(cases), concurrency)
        store = ObjectStore.from_settings(run)
        left = {area: sum(1 for _ in store.list(area)) for area in ("inbox", "quarantine")}
    statuses: dict[str, int] = {}
    for r in report.records:
        statuses[r["status"]] = statuses.get(r["status"], 0) + 1
    lines = [
        f"hoso bench load --count {count} --concurrency {concurrency} --prefect-db {prefect_db}",
        f"machine: {machine()}; {PREFECT_LABELS[prefect_db]}",
        f"{len(cases)} text-layer dossiers generated in {generated:.0f} s; processed in {report.seconds:.0f} s "
        f"= {report.per_minute:.0f} dossiers/minute; statuses {statuses}",
        f"every object in one terminal place: {len(report.records)} dossier records for {len(cases)} objects, "
        f"{report.settled_per_pass[-1]} settled; {left['inbox']} objects left in the inbox, "
        f"{left['quarantine']} in the quarantine (original + reason per quarantined file)",
        f"intake runs: {report.passes} (settled after each: {', '.join(map(str, report.settled_per_pass))})",
        f"worker peak RSS: {report.peak_rss_mib:.0f} MiB",
        "",
        "| settled | worker RSS (MiB) | elapsed (s) |",
        "|---:|---:|---:|",
    ]
    marks = [count * q // 4 for q in (1, 2, 3, 4)]
    for mark in marks:
        sample = next(((t, n, rss) for t, n, rss in report.samples if n >= mark), report.samples[-1] if report.samples else None)
        if sample:
            lines.append(f"| {sample[1]} | {sample[2]:.0f} | {sample[0]:.0f} |")
    text = "\n".join(lines)
    write_json(out / "load.json", {"count": count, "seconds": report.seconds, "per_minute": report.per_minute,
                                   "peak_rss_mib": report.peak_rss_mib, "prefect_db": prefect_db,
                                   "passes": report.passes, "settled_per_pass": report.settled_per_pass, "samples": report.samples, "statuses": statuses, "left": left})
    return text
