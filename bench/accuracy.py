"""Accuracy benchmark: the labelled corpus through the real pipeline, scored against its labels."""

from __future__ import annotations

import io
import time
from pathlib import Path

from bench.harness import isolated, machine, run_worker, submit_all, write_json
from hoso.settings import Settings


def run_accuracy(settings: Settings, count: int, scan_ratio: float, seed: int, concurrency: int, out: Path) -> str:
    from samples.corpus import generate_corpus
    from samples.evaluate import print_report, score

    t0 = time.monotonic()
    cases = generate_corpus(out / "corpus", count=count, seed=seed, scan_ratio=scan_ratio)
    generated = time.monotonic() - t0
    with isolated(settings, "accuracy") as run:
        sources = submit_all(run, [c.files[0] for c in cases])
        report = run_worker(run, len(cases), concurrency)
    by_source = {r["source"]: r for r in report.records}
    results = [by_source[s] for s in sources]
    scores = score(results, cases)
    buffer = io.StringIO()
    print_report(scores, buffer)
    write_json(out / "accuracy.json", scores)
    header = [
        f"hoso bench accuracy --count {count} --scan-ratio {scan_ratio} --seed {seed}",
        f"machine: {machine()}",
        f"{len(cases)} dossiers generated in {generated:.0f} s, processed by the pipeline in {report.seconds:.0f} s",
        "",
    ]
    return "\n".join(header) + buffer.getvalue()
