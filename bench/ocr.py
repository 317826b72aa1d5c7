"""OCR benchmark: plain `tesseract` against the whole hoso pipeline, on the same noisy scan pages.

One run, one machine:
- plain: ``OMP_THREAD_LIMIT=1 tesseract PAGE.png - -l vie``, two at a time;
- hoso: submit → intake → records, the same pages as one multi-page TIFF per dossier;
- CER of both against the text the pages were rendered from (NFC, whitespace folded);
- a cached re-run of the pipeline (same files, same configuration, fresh records);
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

from bench.harness import isolated_settings, machine, run_worker, submit_all, write_json
from hoso.settings import Settings
from samples.render import ScanLook, degrade, rasterise, write_scan

_SPACE = re.compile(r"\s+")


def normalise(text: str) -> str:
    return _SPACE.sub(" ", unicodedata.normalize("NFC", text)).strip()


def cer(pairs: list[tuple[str, str]]) -> float:
    """Character error rate: edit distance over the truth's length, summed over pages."""
    errors = sum(Levenshtein.distance(normalise(got), normalise(truth)) for got, truth in pairs)
    return errors / max(1, sum(len(normalise(truth)) for _, truth in pairs))


@dataclass
class BenchDossier:
    tiff: Path
    pages: list[Path]
    truths: list[str]
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


def plain_tesseract(pages: list[Path], parallel: int = 2) -> tuple[float, list[str]]:
    env = {**os.environ, "OMP_THREAD_LIMIT": "1"}

    def one(path: Path) -> str:
        done = subprocess.run(["tesseract", str(path), "-", "-l", "vie"], env=env, capture_output=True, check=True)
        return done.stdout.decode("utf-8")

    started = time.monotonic()
    with ThreadPoolExecutor(parallel) as pool:
        texts = list(pool.map(one, pages))
    return time.monotonic() - started, texts


def text_layer_rate(pdfs: list[Path]) -> float:
    from ocr import read_document
    from ocr.model import OcrOptions

    options = OcrOptions()
    started, pages = time.monotonic(), 0
    for path in pdfs:
        pages += len(read_document(path.read_bytes(), options).pages)
    return pages / (time.monotonic() - started)


def run_ocr_bench(settings: Settings, min_pages: int, concurrency: int, out: Path, seed: int = 4) -> str:
    dossiers = build(out, min_pages, seed)
    pages = [p for d in dossiers for p in d.pages]
    truths = [t for d in dossiers for t in d.truths]
    heavy = [d.heavy for d in dossiers for _ in d.pages]

    plain_s, plain_texts = plain_tesseract(pages)

    run = isolated_settings(settings, "ocr")
    submit_all(run, [d.tiff for d in dossiers])
    first = run_worker(run, len(dossiers), concurrency)
    by_source = {r["source"].rsplit("/", 1)[-1]: r for r in first.records}
    hoso_texts = []
    for d in dossiers:
        record = by_source[d.tiff.name]
        hoso_texts += [p["text"] for p in record["pages"]]

    # The same files again, same configuration, fresh records: every page comes from the cache.
    again = run.model_copy(update={"database_url": run.database_url.replace(".db", "-lan-2.db")})  # type: ignore[union-attr]
    submit_all(again, [d.tiff for d in dossiers])
    second = run_worker(again, len(dossiers), concurrency)

    def split(texts: list[str], want_heavy: bool | None) -> list[tuple[str, str]]:
        return [(t, truth) for t, truth, h in zip(texts, truths, heavy) if want_heavy is None or h == want_heavy]

    n = len(pages)
    plain_ppm, hoso_ppm = 60 * n / plain_s, 60 * n / first.seconds
    rate = text_layer_rate([d.tiff.parent.parent / "source" / d.tiff.stem / f"{d.tiff.stem}.pdf" for d in dossiers])
    rows = [
        ("pages", f"{n} ({sum(heavy)} heavily degraded) in {len(dossiers)} dossiers", ""),
        ("throughput (pages/min)", f"{plain_ppm:.1f}", f"{hoso_ppm:.1f}"),
        ("hoso ÷ plain", "", f"{hoso_ppm / plain_ppm:.2f}×"),
        ("CER, all pages", f"{cer(split(plain_texts, None)):.1%}", f"{cer(split(hoso_texts, None)):.1%}"),
        ("CER, ordinary scans", f"{cer(split(plain_texts, False)):.1%}", f"{cer(split(hoso_texts, False)):.1%}"),
        ("CER, heavily degraded", f"{cer(split(plain_texts, True)):.1%}", f"{cer(split(hoso_texts, True)):.1%}"),
        ("cached re-run ÷ first run", "", f"{second.seconds / first.seconds:.1%} ({second.seconds:.1f} s vs {first.seconds:.1f} s)"),
        ("text-layer PDF rate", "", f"{rate:.0f} pages/s"),
        ("worker peak RSS", "", f"{first.peak_rss_mib:.0f} MiB"),
    ]
    lines = [
        f"hoso bench ocr --pages {min_pages} --concurrency {concurrency}",
        f"machine: {machine()}; tesseract {_tesseract_version()}",
        "",
        "| | plain tesseract (2 at a time) | hoso pipeline |",
        "|---|---:|---:|",
        *[f"| {a} | {b} | {c} |" for a, b, c in rows],
    ]
    write_json(out / "ocr.json", {"rows": rows, "plain_seconds": plain_s, "hoso_seconds": first.seconds, "cached_seconds": second.seconds})
    return "\n".join(lines)


def _tesseract_version() -> str:
    return subprocess.run(["tesseract", "--version"], capture_output=True, text=True).stdout.split("\n")[0].split()[-1]
