"""Labelled sample dossiers on disk: the demo set and the benchmark corpus, rendered and indexed.

The defects planted are samples/defects.py's table; the dossiers' contents are
samples/stories.py's; this module renders them (a text-layer PDF, or a scan,
samples/render.py) and writes each with its expected verdict.

Each case is one dossier (usually one multi-page PDF: the form, then its
attachments) with the verdict a correct hoso must reach. Defects are planted
on purpose (an underage groom, a business named "Công ty ...", a commune not
in the catalogue...) and the expectation says what each one must cause.
Expected statuses are the truth about the dossier: on a poor scan hoso may
soften a rejection to a review, which still counts as "not routed".
"""

from __future__ import annotations

import json
import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import numpy as np

from domain.catalogue import Catalogue
from domain.catalogue_loading import default_catalogue
from domain.deadlines import now_in_vietnam
from samples.defects import DEFECTS_BY_PROCEDURE, PROCEDURES
from samples.render import ScanFormat, ScanLook, pdf_bytes, scan
from samples.stories import Dossier, Story

@dataclass(slots=True)
class SampleCase:
    """One labelled dossier on disk.

    ``expected`` holds: procedure, office, commune, status, applicant_name,
    applicant_id, defects (and problem_codes, render for the curious).
    """

    name: str
    files: list[Path]
    expected: dict[str, object] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Rendering:
    """How a case is put on disk: a text-layer PDF, or a scan in some format."""

    kind: str  # "text" or "scan"
    fmt: ScanFormat = "pdf"
    look: ScanLook = ScanLook()

    def describe(self) -> dict[str, object]:
        if self.kind == "text":
            return {"kind": "text", "format": "pdf"}
        look = self.look
        return {"kind": "scan", "format": self.fmt, "dpi": look.dpi, "skew": round(look.skew_degrees, 2),
                "blur": round(look.blur_sigma, 2), "noise": round(look.noise_sigma, 1), "speckle": look.speckle,
                "jpeg_quality": look.jpeg_quality}


def random_look(rng: random.Random, dpi: int | None = None) -> ScanLook:
    """A plausible desk-scanner result: 200-300 dpi, skewed, blurred, noisy."""
    dpi = dpi or rng.choice((200, 240, 300))
    return ScanLook(
        dpi=dpi,
        skew_degrees=rng.choice((-1, 1)) * rng.uniform(0.3, 3.0),
        blur_sigma=rng.uniform(0.4, 1.4) * dpi / 300,
        noise_sigma=rng.uniform(8, 24),
        speckle=rng.choice((0.0, 0.0005, 0.001, 0.002)),
        paper=rng.randint(212, 245),
        ink=rng.randint(20, 75),
        jpeg_quality=rng.randint(40, 85),
    )


def demo_look(rng: random.Random, dpi: int) -> ScanLook:
    """A routine office scan: slightly skewed, a little noise, no dust."""
    return ScanLook(
        dpi=dpi,
        skew_degrees=rng.choice((-1, 1)) * rng.uniform(0.5, 1.5),
        blur_sigma=0.5 * dpi / 300,
        noise_sigma=8.0,
        paper=236,
        ink=35,
        jpeg_quality=80,
    )


def write_case(out_dir: Path, name: str, dossier: Dossier, rendering: Rendering, seed: int) -> SampleCase:
    """Render a dossier into ``out_dir/name/`` with its expected.json beside it."""
    case_dir = out_dir / name
    case_dir.mkdir(parents=True, exist_ok=True)
    pdf = pdf_bytes(dossier.pages, title=name)
    if rendering.kind == "text":
        path = case_dir / f"{name}.pdf"
        path.write_bytes(pdf)
    else:
        suffix = {"pdf": "pdf", "png": "png", "jpeg": "jpg", "tiff": "tif"}[rendering.fmt]
        path = scan(pdf, case_dir / f"{name}.{suffix}", rendering.fmt, rendering.look, np.random.default_rng(seed))
    expected = {**dossier.expected, "render": rendering.describe()}
    case = SampleCase(name, [path], expected)
    record = {"name": name, "files": [p.name for p in case.files], "expected": expected}
    (case_dir / "expected.json").write_text(json.dumps(record, ensure_ascii=False, indent=2), encoding="utf-8")
    return case


def _write_index(out_dir: Path, cases: Sequence[SampleCase]) -> None:
    index = [{"name": c.name, "files": [str(p.relative_to(out_dir)) for p in c.files], "expected": c.expected}
             for c in cases]
    (out_dir / "cases.json").write_text(json.dumps(index, ensure_ascii=False, indent=2), encoding="utf-8")


def load_cases(out_dir: Path) -> list[SampleCase]:
    """Read back the cases a generator wrote into ``out_dir``."""
    index = json.loads((out_dir / "cases.json").read_text(encoding="utf-8"))
    return [SampleCase(e["name"], [out_dir / f for f in e["files"]], e["expected"]) for e in index]


def generate_demo(
    out_dir: Path, seed: int = 7, now: datetime | None = None, catalogue: Catalogue | None = None
) -> list[SampleCase]:
    """A handful of dossiers for ``hoso demo``: mostly routed, one rejected, one for review."""
    catalogue = catalogue or default_catalogue()
    now = now or now_in_vietnam()
    rng = random.Random(seed)
    story = Story(rng, catalogue, now)
    # The flagged dossiers are text-layer PDFs, so that the demo shows each
    # verdict for sure; the scans are routine ones from a decent scanner.
    plan: list[tuple[str, str | None, Rendering]] = [
        ("khai-sinh", None, Rendering("text")),
        ("thuong-tru", None, Rendering("scan", "pdf", demo_look(rng, 200))),
        ("ket-hon", "chua-du-tuoi-ket-hon", Rendering("text")),
        ("ho-kinh-doanh", "ten-ho-kinh-doanh-sai", Rendering("text")),
        ("tam-tru", "xa-phuong-ngoai-danh-muc", Rendering("text")),
        ("xac-nhan-hon-nhan", None, Rendering("scan", "jpeg", demo_look(rng, 300))),
        ("giay-phep-xay-dung", None, Rendering("scan", "png", demo_look(rng, 240))),
    ]
    out_dir.mkdir(parents=True, exist_ok=True)
    cases = []
    for i, (procedure, defect, rendering) in enumerate(plan, start=1):
        name = f"demo-{i:02d}-{procedure}" + (f"-{defect}" if defect else "")
        cases.append(write_case(out_dir, name, story.dossier(procedure, defect), rendering, seed * 1000 + i))
    _write_index(out_dir, cases)
    return cases


def generate_corpus(
    out_dir: Path,
    count: int = 80,
    seed: int = 2025,
    scan_ratio: float = 0.5,
    defect_ratio: float = 0.35,
    now: datetime | None = None,
    catalogue: Catalogue | None = None,
) -> list[SampleCase]:
    """A labelled benchmark corpus over all eight procedures.

    Procedures take turns so that every one is covered; a share of the
    dossiers carries one defect; a share is rendered as noisy scans in PDF,
    TIFF, PNG or JPEG (images only for one-page dossiers).
    """
    catalogue = catalogue or default_catalogue()
    now = now or now_in_vietnam()
    rng = random.Random(seed)
    story = Story(rng, catalogue, now)
    out_dir.mkdir(parents=True, exist_ok=True)
    cases = []
    for i in range(count):
        procedure = PROCEDURES[i % len(PROCEDURES)]
        defect = rng.choice(DEFECTS_BY_PROCEDURE[procedure]) if rng.random() < defect_ratio else None
        dossier = story.dossier(procedure, defect)
        if rng.random() < scan_ratio:
            formats: tuple[ScanFormat, ...] = ("pdf", "tiff") if len(dossier.pages) > 1 else ("pdf", "png", "jpeg", "tiff")
            rendering = Rendering("scan", rng.choice(formats), random_look(rng))
        else:
            rendering = Rendering("text")
        name = f"{i + 1:03d}-{procedure}" + (f"-{defect}" if defect else "")
        cases.append(write_case(out_dir, name, dossier, rendering, seed * 100_000 + i))
    _write_index(out_dir, cases)
    return cases
