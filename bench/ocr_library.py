"""`hoso bench ocr --library-only`: the OCR library against plain Tesseract, page by page, in CPU-seconds.

No stack, no Prefect: bytes in, ``DocumentResult`` out, in this one process,
one page at a time, against ``OMP_THREAD_LIMIT=1 tesseract PAGE - -l vie``
(and ``vie+eng``) on the same pages.  CPU-seconds, not wall time: the
machine is shared, and what a page costs is the CPU it takes, so every figure
is ``resource.getrusage`` — the Tesseract children's user+system time for
plain Tesseract and for the library's own Tesseract runs, plus this process's
own user+system time for the library's Python (decoding, rendering,
preprocessing, parsing).

What each side is given is what it would get from outside: the library gets
the file as the scan station drops it (an image-only PDF, JPEG, PNG or TIFF
at 200-300 dpi, or a text-layer PDF), plain Tesseract the page's picture at
its own resolution as a PNG with the same pixels (decoded from the JPEG where
the file holds one), or, for a text-layer PDF, the page rendered at 300 dpi.

Page kinds: sparse one-page forms with short lines (``bench/sparse.py``), the
pages of the official-template corpus (``samples.official``: the forms with
their dotted leaders, digit boxes and tables, and their attachments), and the
dense declarations of the accuracy corpus, each clean (a good scanner) and
degraded (skew, blur, noise; every fourth dense page heavily degraded, as in
the pipeline benchmark), and text-layer PDFs of the sparse and dense ones.
"""

from __future__ import annotations

import io
import os
import random
import resource
import subprocess
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np
import pdfplumber
from PIL import Image
from reportlab.pdfgen import canvas

from bench.harness import machine, write_json
from bench.ocr import cer, heavy_look
from bench.sparse import form_picture, sparse_form, sparse_look
from ocr import OcrOptions, read_document
from samples.render import ScanLook, degrade, rasterise

KINDS = ("sparse-clean", "sparse-degraded", "official-clean", "official-degraded", "dense-clean", "dense-degraded",
         "text-layer")
_FORMATS = ("pdf", "jpeg", "png", "tiff")  # what scan stations send, PDF and JPEG most


@dataclass
class BenchPage:
    kind: str
    file: Path  # what the library reads
    picture: Path  # what plain Tesseract reads
    truth: str
    heavy: bool = False
    fmt: str = ""
    dpi: int = 300


@dataclass
class Measured:
    cpu: float = 0.0  # Tesseract children + (library only) this process's Python
    tesseract: float = 0.0
    python: float = 0.0
    texts: list[str] = field(default_factory=list)


def _children() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _own() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def clean_look(rng: random.Random) -> ScanLook:
    """A good desk scanner on a dense page: straight within a fraction of a degree, a little noise."""
    dpi = rng.choice((200, 240, 300))
    return ScanLook(dpi=dpi, skew_degrees=rng.uniform(-0.2, 0.2), blur_sigma=0.4 * dpi / 300,
                    noise_sigma=rng.uniform(2, 5), paper=rng.randint(232, 248), ink=rng.randint(20, 45), jpeg_quality=85)


def _save_scan(picture: Image.Image, stem: Path, fmt: str, dpi: int, quality: int) -> tuple[Path, Path]:
    """The scan file in ``fmt`` and a PNG with exactly the pixels the file holds (JPEG decoded)."""
    png = stem.with_suffix(".png")
    if fmt in ("jpeg", "pdf"):
        jpeg = io.BytesIO()
        picture.save(jpeg, "JPEG", quality=quality, dpi=(dpi, dpi))
        Image.open(io.BytesIO(jpeg.getvalue())).save(png, dpi=(dpi, dpi))
        if fmt == "jpeg":
            path = stem.with_suffix(".jpg")
            path.write_bytes(jpeg.getvalue())
        else:  # an image-only PDF with the JPEG inside as it is, the way scanners write them
            path = stem.with_suffix(".pdf")
            width, height = picture.width * 72 / dpi, picture.height * 72 / dpi
            pdf = canvas.Canvas(str(path), pagesize=(width, height))
            from reportlab.lib.utils import ImageReader

            pdf.drawImage(ImageReader(io.BytesIO(jpeg.getvalue())), 0, 0, width, height)
            pdf.showPage()
            pdf.save()
        return path, png
    picture.save(png, dpi=(dpi, dpi))
    if fmt == "png":
        return png, png
    path = stem.with_suffix(".tif")
    picture.save(path, "TIFF", dpi=(dpi, dpi), compression="tiff_deflate")
    return path, png


def build(out: Path, per_kind: int, seed: int) -> list[BenchPage]:
    """``per_kind`` pages of each kind, the same for the same seed."""
    from samples.corpus import generate_corpus, random_look
    from samples.official.corpus import generate_official_corpus

    rng = random.Random(seed)
    noise = np.random.default_rng(seed)
    pages: list[BenchPage] = []
    folder = out / "pages"
    folder.mkdir(parents=True, exist_ok=True)

    def scanned(kind: str, i: int, clean: Image.Image, look: ScanLook, truth: str, heavy: bool = False) -> None:
        fmt = _FORMATS[i % len(_FORMATS)]
        picture = degrade(clean, look, noise)
        file, png = _save_scan(picture, folder / f"{kind}-{i:02d}", fmt, look.dpi, look.jpeg_quality)
        pages.append(BenchPage(kind, file, png, truth, heavy, fmt, look.dpi))

    text_layers: list[tuple[bytes, str]] = []
    for i in range(per_kind * 2):
        form = sparse_form(rng)
        degraded = i % 2 == 1
        look = sparse_look(rng, degraded)
        truth = "\n".join(form.lines)
        scanned("sparse-degraded" if degraded else "sparse-clean", i // 2, form_picture(form, look.dpi), look, truth)
        if i < per_kind:
            text_layers.append((form.pdf, truth))
    official: list[tuple[bytes, int, str]] = []
    for case in generate_official_corpus(out / "official", count=per_kind, seed=seed, scan_ratio=0.0):
        data = case.files[0].read_bytes()
        with pdfplumber.open(case.files[0]) as doc:
            official += [(data, n, page.extract_text() or "") for n, page in enumerate(doc.pages)]
    official = rng.sample(official, min(len(official), per_kind * 2))
    for i, (data, n, truth) in enumerate(official):
        degraded = i % 2 == 1
        look = random_look(rng) if degraded else clean_look(rng)
        scanned("official-degraded" if degraded else "official-clean", i // 2, rasterise(data, look.dpi)[n], look, truth)
    cases = generate_corpus(out / "source", count=per_kind * 2 + 8, seed=seed, scan_ratio=0.0, defect_ratio=0.0)
    dense: list[tuple[bytes, int, str]] = []
    for case in cases:
        data = case.files[0].read_bytes()
        with pdfplumber.open(case.files[0]) as doc:
            dense += [(data, n, page.extract_text() or "") for n, page in enumerate(doc.pages)]
    for i in range(per_kind * 2):
        data, n, truth = dense[i]
        degraded = i % 2 == 1
        j = i // 2
        heavy = degraded and j % 4 == 3
        look = (heavy_look(rng) if heavy else random_look(rng)) if degraded else clean_look(rng)
        scanned("dense-degraded" if degraded else "dense-clean", j, rasterise(data, look.dpi)[n], look, truth, heavy)
    for i in range(per_kind):  # text-layer pages: half sparse forms, half dense declarations (their one page)
        data, truth = text_layers[i] if i % 2 == 0 else _one_page(dense[-1 - i][0], dense[-1 - i][1], dense[-1 - i][2])
        file = folder / f"text-layer-{i:02d}.pdf"
        file.write_bytes(data)
        png = folder / f"text-layer-{i:02d}.png"
        rasterise(data, 300)[0].save(png, dpi=(300, 300))
        pages.append(BenchPage("text-layer", file, png, truth, False, "pdf", 300))
    return pages


def _one_page(data: bytes, index: int, truth: str) -> tuple[bytes, str]:
    import pypdfium2 as pdfium

    source = pdfium.PdfDocument(data)
    single = pdfium.PdfDocument.new()
    single.import_pages(source, [index])
    buffer = io.BytesIO()
    single.save(buffer)
    return buffer.getvalue(), truth


def plain_page(page: BenchPage, languages: str) -> tuple[float, str]:
    """CPU-seconds of ``OMP_THREAD_LIMIT=1 tesseract PAGE - -l LANGUAGES`` and its text."""
    env = {**os.environ, "OMP_THREAD_LIMIT": "1"}
    before = _children()
    done = subprocess.run(["tesseract", str(page.picture), "-", "-l", languages], env=env, capture_output=True, check=True)
    return _children() - before, done.stdout.decode("utf-8")


def library_page(page: BenchPage, options: OcrOptions) -> tuple[float, float, object]:
    """(Tesseract children's CPU-s, this process's CPU-s, DocumentResult) of ``read_document`` on the page's file."""
    data = page.file.read_bytes()
    children, own = _children(), _own()
    result = read_document(data, options)
    return _children() - children, _own() - own, result


def run_library_bench(out: Path, per_kind: int, options: OcrOptions, seed: int = 13) -> str:
    """The table: per page kind, CPU-seconds per page of the library and of plain Tesseract, and CER."""
    pages = build(out, per_kind, seed)
    other = "vie" if options.languages != "vie" else "vie+eng"
    read_document(pages[0].file.read_bytes(), options)  # warm-up: imports, Tesseract's version, first-use set-up
    stages: dict[str, dict[str, int]] = {k: {"cleaned": 0, "deskewed": 0, "osd": 0, "second": 0, "ocr": 0} for k in KINDS}

    def count(page: BenchPage, result: object) -> None:
        for p in result.pages:  # type: ignore[attr-defined]
            q = p.quality
            s = stages[page.kind]
            s["ocr"] += p.source != "text-layer"
            s["cleaned"] += bool(q.get("cleaned"))
            s["deskewed"] += bool(q.get("deskew_angle"))
            s["osd"] += bool(q.get("osd"))
            s["second"] += q.get("readings", 1) > 1

    by_kind = {kind: [p for p in pages if p.kind == kind] for kind in KINDS}
    mine, alt = f"library {options.languages}", f"library {other}"
    no_pdf = "library without the searchable PDF"
    variants = ("plain vie", mine, "plain vie+eng", alt) + ((no_pdf,) if options.searchable_pdf else ())
    figures: dict[str, dict[str, Measured]] = {kind: {name: Measured() for name in variants} for kind in KINDS}
    # Page by page, every variant in turn: the load of the shared machine then weighs on all alike.
    for page in pages:
        for name in variants:
            if name == no_pdf and page.kind not in ("sparse-clean", "official-clean", "dense-clean"):
                continue  # the extra outputs' cost, measured where they weigh most: clean pages
            if name.startswith("plain"):
                tesseract, text = plain_page(page, name.split()[1])
                python = 0.0
            else:
                chosen = {mine: options, alt: _with_languages(options, other)}.get(name) or replace(options, searchable_pdf=False)
                tesseract, python, result = library_page(page, chosen)
                text = result.text  # type: ignore[attr-defined]
                if name == mine:
                    count(page, result)
            m = figures[page.kind][name]
            m.tesseract += tesseract
            m.python += python
            m.cpu += tesseract + python
            m.texts.append(text)

    def per_page(kind: str, name: str) -> float:
        return figures[kind][name].cpu / len(by_kind[kind])

    def error(kind: str, name: str, heavy: bool | None = None) -> float:
        group = by_kind[kind]
        pairs = [(t, p.truth) for t, p in zip(figures[kind][name].texts, group) if heavy is None or p.heavy == heavy]
        return cer(pairs)

    head = ("| page kind | pages | library CPU s/page (Tesseract + Python) | plain `-l vie` CPU s/page | library ÷ plain vie "
            f"| plain `-l vie+eng` | library `{other}` | CER library | CER plain vie | CER library `{other}` "
            "| cleaned / deskewed / OSD / second reading |")
    lines = [
        f"hoso bench ocr --library-only --per-kind {per_kind} --languages {options.languages}"
        f"{'' if options.searchable_pdf else ' --no-searchable-pdf'}",
        f"machine: {machine()}; {_tesseract_version()}; options: {options.version()}",
        "",
        head,
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    total: dict[str, float] = {}
    for kind in KINDS:
        f = figures[kind][mine]
        s = stages[kind]
        n = len(by_kind[kind])
        for name in figures[kind]:
            total[name] = total.get(name, 0.0) + figures[kind][name].cpu
        lines.append(
            f"| {kind} | {n} | {per_page(kind, mine):.3f} ({f.tesseract / n:.3f} + {f.python / n:.3f}) "
            f"| {per_page(kind, 'plain vie'):.3f} | {per_page(kind, mine) / per_page(kind, 'plain vie'):.2f}× "
            f"| {per_page(kind, 'plain vie+eng'):.3f} | {per_page(kind, alt):.3f} "
            f"| {_pct(error(kind, mine))} | {_pct(error(kind, 'plain vie'))} | {_pct(error(kind, alt))} "
            f"| {s['cleaned']} / {s['deskewed']} / {s['osd']} / {s['second']} of {s['ocr']} OCRed |"
        )
    n = len(pages)
    lines.append(
        f"| all | {n} | {total[mine] / n:.3f} | {total['plain vie'] / n:.3f} | {total[mine] / total['plain vie']:.2f}× "
        f"| {total['plain vie+eng'] / n:.3f} | {total[alt] / n:.3f} | | | | |"
    )
    if options.searchable_pdf:
        clean = [k for k in ("sparse-clean", "official-clean", "dense-clean")]
        with_pdf = sum(figures[k][mine].cpu for k in clean)
        without = sum(figures[k][no_pdf].cpu for k in clean)
        lines += ["", f"extra outputs (TSV for the confidences and the searchable PDF page, from the same Tesseract run), on the "
                      f"clean pages: {with_pdf / sum(len(by_kind[k]) for k in clean):.3f} CPU-s/page with the searchable PDF, "
                      f"{without / sum(len(by_kind[k]) for k in clean):.3f} without ({with_pdf / without - 1:+.1%})"]
    heavy = [p for p in by_kind["dense-degraded"] if p.heavy]
    if heavy:
        lines += ["", f"heavily degraded dense pages ({len(heavy)}): CER library {_pct(error('dense-degraded', mine, True))}, "
                      f"plain vie {_pct(error('dense-degraded', 'plain vie', True))}; ordinary degraded: library "
                      f"{_pct(error('dense-degraded', mine, False))}, plain vie {_pct(error('dense-degraded', 'plain vie', False))}"]
    write_json(out / "ocr-library.json", {
        "options": options.version(),
        "kinds": {kind: {name: {"cpu_s": m.cpu, "tesseract_s": m.tesseract, "python_s": m.python, "pages": len(by_kind[kind]),
                                "cer": error(kind, name)} for name, m in figures[kind].items()} | {"stages": stages[kind]}
                  for kind in KINDS},
        "pages": [{"kind": p.kind, "file": p.file.name, "format": p.fmt, "dpi": p.dpi, "heavy": p.heavy} for p in pages],
    })
    return "\n".join(lines)


def _with_languages(options: OcrOptions, languages: str) -> OcrOptions:
    return replace(options, languages=languages)


def _pct(x: float) -> str:
    return "—" if x != x else f"{x:.1%}"


def _tesseract_version() -> str:
    return subprocess.run(["tesseract", "--version"], capture_output=True, text=True).stdout.split("\n")[0]
