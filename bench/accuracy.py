"""Accuracy benchmark: labelled corpora through the real pipeline, scored against their labels.

Two corpora: ``own`` (samples.corpus, the generator hoso's field extractor was
written against) and ``official`` (samples.official, written from the official
templates' wording and layouts without reading hoso's extractor). Each runs in
an isolated corner of the stack; the report gives each corpus's table, then
both side by side.
"""

from __future__ import annotations

import io
import time
from pathlib import Path
from typing import Any, Callable, Sequence

from bench.harness import isolated, machine, run_worker, submit_all, write_json
from core.settings import Settings

CORPORA = ("own", "official")


def _generator(corpus: str) -> Callable[..., list]:
    if corpus == "own":
        from samples.corpus import generate_corpus

        return generate_corpus
    if corpus == "official":
        from samples.official import generate_official_corpus

        return generate_official_corpus
    raise ValueError(f"unknown corpus {corpus!r}; one of {CORPORA}")


def run_accuracy(settings: Settings, count: int, scan_ratio: float, seed: int, concurrency: int, out: Path,
                 corpora: Sequence[str] = CORPORA) -> str:
    from samples.evaluate import comparison_table, print_report, score

    lines = [f"hoso bench accuracy --corpus {','.join(corpora)} --count {count} --scan-ratio {scan_ratio} --seed {seed}",
             f"machine: {machine()}", ""]
    by_corpus: dict[str, Any] = {}
    for corpus in corpora:
        t0 = time.monotonic()
        cases = _generator(corpus)(out / corpus / "corpus", count=count, seed=seed, scan_ratio=scan_ratio)
        generated = time.monotonic() - t0
        with isolated(settings, f"accuracy-{corpus}") as run:
            sources = submit_all(run, [c.files[0] for c in cases])
            report = run_worker(run, len(cases), concurrency)
        by_source = {r["source"]: r for r in report.records}
        results = [by_source[s] for s in sources]
        scores = score(results, cases)
        by_corpus[corpus] = scores
        write_json(out / corpus / "accuracy.json", scores)
        buffer = io.StringIO()
        print_report(scores, buffer)
        lines += [f"## corpus {corpus}: {len(cases)} dossiers generated in {generated:.0f} s, "
                  f"processed by the pipeline in {report.seconds:.0f} s (worker CPU {report.worker_cpu_s:.0f} s)", "",
                  buffer.getvalue(), ""]
    if len(by_corpus) > 1:
        lines += ["## side by side", "", comparison_table(by_corpus), ""]
    write_json(out / "accuracy.json", by_corpus)
    return "\n".join(lines)
