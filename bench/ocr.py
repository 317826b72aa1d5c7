"""OCR benchmark: plain `tesseract` against the whole hoso pipeline, on the same noisy scan pages.

One run, one machine:
- plain: ``OMP_THREAD_LIMIT=1 tesseract PAGE.png - -l vie``, two at a time;
- hoso: submit → intake → records, the same pages as one multi-page TIFF per dossier;
- CER of both against the text the pages were rendered from (NFC, whitespace folded);
- a cached re-run of the pipeline (same files, same configuration, fresh records): its OCR stage
  (the extract-text task runs the Prefect server recorded), the intake run (the pipeline's own
  time, as the server recorded it) and the wall time with the worker process's start;
- the pipeline once per Prefect server database, each a fresh server of the benchmark's own: SQLite
  (the embedded default, started as `hoso up` starts it) and PostgreSQL, the production set-up;
- the text-layer PDF rate of the OCR library (pages/second, no Tesseract).
"""

from __future__ import annotations

import os
import random
import re
import subprocess
import time
import unicodedata
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pdfplumber
from rapidfuzz.distance import Levenshtein

from bench.harness import (
    PREFECT_DATABASES,
    PREFECT_LABELS,
    RunReport,
    isolated,
    machine,
    fresh_prefect_server,
    intake_seconds,
    review_cost,
    run_worker,
    submit_all,
    task_seconds,
    write_json,
)
from bench.subflows import DOSSIER_STEPS, child_runs
from core.settings import Settings
from samples.render import ScanLook, degrade, rasterise, write_scan

_SPACE = re.compile(r"\s+")


def normalise(text: str) -> str:
    return _SPACE.sub(" ", unicodedata.normalize("NFC", text)).strip()


def cer(pairs: list[tuple[str, str]]) -> float:
    """Character error rate: edit distance over the truth's length, summed over pages (NaN for no pages)."""
    if not pairs:
        return float("nan")
    errors = sum(Levenshtein.distance(normalise(got), normalise(truth)) for got, truth in pairs)
    return errors / max(1, sum(len(normalise(truth)) for _, truth in pairs))


@dataclass
class BenchDossier:
    tiff: Path  # the file submitted: a multi-page TIFF of the dense pages, an official corpus dossier's own scan
    pages: list[Path]
    truths: list[str] | None  # None: no page-level truth (the official forms' reading order is the layout's)
    heavy: bool


def heavy_look(rng: random.Random) -> ScanLook:
    """The worst scans a person still reads easily: strong blur and noise on grey paper."""
    return ScanLook(dpi=300, skew_degrees=rng.uniform(-2.5, 2.5), blur_sigma=rng.uniform(1.6, 2.0),
                    noise_sigma=rng.uniform(30, 40), speckle=0.002, paper=rng.randint(200, 225), ink=rng.randint(40, 70))


def build(out: Path, min_pages: int, seed: int) -> list[BenchDossier]:
    from samples.corpus import generate_corpus, random_look

    rng = random.Random(seed)
    noise = np.random.default_rng(seed)
    cases = generate_corpus(out / "source", count=min_pages + 8, seed=seed, scan_ratio=0.0, defect_ratio=0.0)
    dossiers: list[BenchDossier] = []
    pages_so_far = 0
    for i, case in enumerate(cases):
        if pages_so_far >= min_pages:
            break
        pdf = case.files[0].read_bytes()
        with pdfplumber.open(case.files[0]) as doc:
            truths = [page.extract_text() or "" for page in doc.pages]
        heavy = i % 4 == 3
        look = heavy_look(rng) if heavy else random_look(rng)
        images = [degrade(image, look, noise) for image in rasterise(pdf, look.dpi)]
        # The TIFF first: Pillow carries a PNG save's settings over to a later multi-page TIFF save of the same images.
        tiff = out / "tiff" / f"{case.name}.tif"
        tiff.parent.mkdir(parents=True, exist_ok=True)
        write_scan(images, tiff, "tiff", look)
        folder = out / "pages" / case.name
        folder.mkdir(parents=True, exist_ok=True)
        page_paths = []
        for n, image in enumerate(images, start=1):
            path = folder / f"trang-{n}.png"
            image.save(path, dpi=(look.dpi, look.dpi))
            page_paths.append(path)
        dossiers.append(BenchDossier(tiff, page_paths, truths, heavy))
        pages_so_far += len(images)
    return dossiers


def build_official(out: Path, count: int, seed: int) -> list[BenchDossier]:
    """The forms residents file: the official-template corpus (samples/official), every dossier a scan as a
    station sends it (JPEG, PNG or image-only PDF, 200-300 dpi, some with a field left empty or an attachment
    missing, which end in review); plain Tesseract gets each page as a PNG of the same pixels."""
    from PIL import Image

    from samples.official.corpus import generate_official_corpus

    dossiers = []
    for case in generate_official_corpus(out / "official", count=count, seed=seed, scan_ratio=1.0):
        scan = case.files[0]
        folder = out / "pages" / case.name
        folder.mkdir(parents=True, exist_ok=True)
        if scan.suffix.lower() == ".pdf":
            from ocr.model import OcrOptions
            from ocr.pdf import PdfSource  # the library's own decoding: the scan's picture at its own resolution

            with PdfSource(scan.read_bytes(), OcrOptions()) as source:
                images = [Image.fromarray(source.rasterise(i).pixels) for i in range(source.page_count)]
        else:
            images = [Image.open(scan)]
        paths = []
        for n, image in enumerate(images, start=1):
            path = folder / f"trang-{n}.png"
            image.save(path)
            paths.append(path)
        dossiers.append(BenchDossier(scan, paths, None, False))
    return dossiers


def plain_tesseract(pages: list[Path], parallel: int = 2) -> tuple[float, list[str]]:
    env = {**os.environ, "OMP_THREAD_LIMIT": "1"}

    def one(path: Path) -> str:
        done = subprocess.run(["tesseract", str(path), "-", "-l", "vie"], env=env, capture_output=True, check=True)
        return done.stdout.decode("utf-8")

    started = time.monotonic()
    with ThreadPoolExecutor(parallel) as pool:
        texts = list(pool.map(one, pages))
    return time.monotonic() - started, texts


def _text_layer_pages(path: Path) -> int:
    from ocr import read_document
    from ocr.model import OcrOptions

    return len(read_document(path.read_bytes(), OcrOptions()).pages)


def text_layer_rate(pdfs: list[Path], processes: int = 1, rounds: int = 3) -> float:
    """Pages per second of the OCR library on text-layer PDFs (pdfplumber, no Tesseract), in ``processes``
    processes: one is a single worker's rate, the core count is the machine's, as plain Tesseract gets two."""
    from concurrent.futures import ProcessPoolExecutor

    work = pdfs * rounds
    with ProcessPoolExecutor(processes) as pool:
        list(pool.map(_text_layer_pages, pdfs[:processes]))  # warm-up: imports and first-use set-up are not the steady rate
        started = time.monotonic()
        pages = sum(pool.map(_text_layer_pages, work, chunksize=4))
        return pages / (time.monotonic() - started)


@dataclass
class PipelineFigures:
    """One Prefect server's run of the pipeline over the bench pages: a first run and a cached re-run."""

    label: str
    first: RunReport
    second: RunReport
    texts: list[str]
    ocr_first: tuple[float, int]  # extract-text task time summed over the dossiers, and the runs it covers
    ocr_second: tuple[float, int]
    intake_first: float  # the intake run's own span on the server: the pipeline without the worker's start
    intake_second: float
    reviews: tuple[int, float, float]  # after the first run: reviews created, client CPU-s, Prefect server CPU-s
    floor: dict  # bench.subflows.child_runs for as many dossier runs: the bare Prefect cost under a cached re-run


def pipeline_figures(run: Settings, label: str, dossiers: list[BenchDossier], concurrency: int) -> PipelineFigures:
    submit_all(run, [d.tiff for d in dossiers])
    first = run_worker(run, len(dossiers), concurrency)
    by_source = {r["source"].rsplit("/", 1)[-1]: r for r in first.records}
    texts = [p["text"] for d in dossiers for p in by_source[d.tiff.name]["pages"]]
    reviews = review_cost(run)
    # The same files again, same configuration, fresh records: every page comes from the cache.
    again = run.model_copy(update={"database_url": run.database_url.replace(".db", "-lan-2.db")})  # type: ignore[union-attr]
    submit_all(again, [d.tiff for d in dossiers])
    second = run_worker(again, len(dossiers), concurrency)
    n = len(dossiers)
    floor = child_runs(run, n, DOSSIER_STEPS, concurrency)
    return PipelineFigures(label, first, second, texts,
                           task_seconds(run, first.tag, "extract-text", n), task_seconds(run, second.tag, "extract-text", n),
                           intake_seconds(run, first.tag), intake_seconds(run, second.tag), reviews, floor)


def run_ocr_bench(settings: Settings, min_pages: int, concurrency: int, out: Path, prefect_dbs: tuple[str, ...] = PREFECT_DATABASES,
                  seed: int = 4, corpus: str = "dense") -> str:
    dossiers = build(out, min_pages, seed) if corpus == "dense" else build_official(out, min_pages, seed)
    pages = [p for d in dossiers for p in d.pages]
    truths = [t for d in dossiers for t in (d.truths or [""] * len(d.pages))]
    with_truth = all(d.truths is not None for d in dossiers)
    heavy = [d.heavy for d in dossiers for _ in d.pages]

    before = os.times()
    plain_s, plain_texts = plain_tesseract(pages)
    after = os.times()
    plain_cpu = (after.children_user - before.children_user) + (after.children_system - before.children_system)
    runs: list[PipelineFigures] = []
    for database in prefect_dbs:
        with fresh_prefect_server(settings, database) as server:
            with isolated(server, "ocr") as run:
                runs.append(pipeline_figures(run, PREFECT_LABELS[database], dossiers, concurrency))

    def split(texts: list[str], want_heavy: bool | None) -> list[tuple[str, str]]:
        if not with_truth:
            return []
        return [(t, truth) for t, truth, h in zip(texts, truths, heavy) if want_heavy is None or h == want_heavy]

    n = len(pages)
    plain_ppm = 60 * n / plain_s
    cores = os.cpu_count() or 1
    if corpus == "dense":
        text_pdfs = [d.tiff.parent.parent / "source" / d.tiff.stem / f"{d.tiff.stem}.pdf" for d in dossiers]
        rate_one, rate_all = text_layer_rate(text_pdfs, 1), text_layer_rate(text_pdfs, cores)
    else:
        rate_one = rate_all = float("nan")

    def pct(x: float) -> str:
        return "—" if x != x else f"{x:.1%}"  # NaN: no such pages in this set

    def row(name: str, plain: str, each) -> tuple[str, ...]:  # type: ignore[no-untyped-def]
        return (name, plain, *[each(r) for r in runs])

    rows = [
        row("pages", f"{n} ({sum(heavy)} heavily degraded) in {len(dossiers)} dossiers", lambda r: ""),
        row("dossiers by status", "", lambda r: _statuses(r.first)),
        row("plain Tesseract CPU s per page (2 at a time)", f"{plain_cpu / n:.2f}", lambda r: ""),
        row("worker + Prefect server CPU s per page, first run", "",
            lambda r: f"{(r.first.worker_cpu_s + r.first.server_cpu_s) / n:.2f} ({r.first.worker_cpu_s / n:.2f} + {r.first.server_cpu_s / n:.2f})"),
        row("wall time (s)", f"{plain_s:.1f}", lambda r: f"{r.first.seconds:.1f}"),
        row("throughput (pages/min)", f"{plain_ppm:.1f}", lambda r: f"{60 * n / r.first.seconds:.1f}"),
        row("hoso ÷ plain", "", lambda r: f"{60 * n / r.first.seconds / plain_ppm:.2f}×"),
        row("CER, all pages", pct(cer(split(plain_texts, None))), lambda r: pct(cer(split(r.texts, None)))),
        row("CER, ordinary scans", pct(cer(split(plain_texts, False))), lambda r: pct(cer(split(r.texts, False)))),
        row("CER, heavily degraded", pct(cer(split(plain_texts, True))), lambda r: pct(cer(split(r.texts, True)))),
        row("cached re-run, OCR stage ÷ first (extract-text task time summed over dossiers)", "", lambda r: _stage(r, len(dossiers))),
        row("cached re-run, intake run ÷ first (the pipeline's time on the server)", "",
            lambda r: _ratio(r.intake_second, r.intake_first)),
        row(f"cached re-run, intake run ÷ the bare Prefect floor ({len(dossiers)} empty runs of {DOSSIER_STEPS} no-op tasks, "
            "`hoso bench subflows`, same server)", "", lambda r: _ratio(r.intake_second, r.floor["batch"])),
        row("cached re-run, worker + server CPU ÷ the floor's", "",
            lambda r: _ratio(r.second.worker_cpu_s + r.second.server_cpu_s, r.floor["client_cpu_s"] + r.floor["server_cpu_s"])),
        row("reviews waiting for an official: CPU s per review request (client + Prefect server); none while it waits", "",
            _review),
        row("cached re-run, wall time with the worker process's start ÷ first", "",
            lambda r: _ratio(r.second.seconds, r.first.seconds)),
        row("CPU s, first run: worker (with Tesseract) / Prefect server", "",
            lambda r: f"{r.first.worker_cpu_s:.1f} / {r.first.server_cpu_s:.1f}"),
        row("CPU s, cached re-run: worker / Prefect server", "",
            lambda r: f"{r.second.worker_cpu_s:.1f} / {r.second.server_cpu_s:.1f}"),
        *([row("text-layer PDF rate, 1 process", "", lambda r: f"{rate_one:.0f} pages/s"),
           row(f"text-layer PDF rate, {cores} processes (the machine)", "", lambda r: f"{rate_all:.0f} pages/s")] if corpus == "dense" else []),
        row("worker peak RSS", "", lambda r: f"{r.first.peak_rss_mib:.0f} MiB"),
    ]
    lines = [
        f"hoso bench ocr --corpus {corpus} --pages {min_pages} --concurrency {concurrency} --prefect-db {','.join(prefect_dbs)}",
        f"machine: {machine()}; tesseract {_tesseract_version()}",
        "",
        "| | plain tesseract (2 at a time) | " + " | ".join(f"hoso, {r.label}" for r in runs) + " |",
        "|---|---:|" + "---:|" * len(runs),
        *["| " + " | ".join(r) + " |" for r in rows],
    ]
    write_json(out / "ocr.json", {"rows": rows, "plain_seconds": plain_s,
                                  "pipelines": [{"label": r.label, "seconds": r.first.seconds, "cached_seconds": r.second.seconds,
                                                 "intake_seconds": r.intake_first, "cached_intake_seconds": r.intake_second,
                                                 "ocr_seconds": r.ocr_first[0], "cached_ocr_seconds": r.ocr_second[0],
                                                 "reviews": r.reviews, "floor": r.floor} for r in runs]})
    return "\n".join(lines)


def _statuses(report: RunReport) -> str:
    counts: dict[str, int] = {}
    for record in report.records:
        counts[record["status"]] = counts.get(record["status"], 0) + 1
    return ", ".join(f"{k} {v}" for k, v in sorted(counts.items()))


def _review(r: PipelineFigures) -> str:
    count, client, server = r.reviews
    if not count:
        return "— (no dossier ended needs_review)"
    return f"{(client + server) / count:.3f} ({client / count:.3f} + {server / count:.3f}), {count} reviews"


def _ratio(second: float, first: float) -> str:
    return f"{second / first:.1%} ({second:.1f} s vs {first:.1f} s)" if first else "—"


def _stage(r: PipelineFigures, dossiers: int) -> str:
    (first, n1), (second, n2) = r.ocr_first, r.ocr_second
    if not first or n1 < dossiers or n2 < dossiers:
        return f"— (the server recorded {n1} and {n2} of {dossiers} extract-text runs)"
    return f"{second / first:.1%} ({second:.2f} s vs {first:.1f} s)"


def _tesseract_version() -> str:
    return subprocess.run(["tesseract", "--version"], capture_output=True, text=True).stdout.split("\n")[0].split()[-1]
