"""Tesseract, run as a command, once per page, with every output wanted from that run.

Why the command and not ``pytesseract.image_to_*``: each of those runs
Tesseract again, pytesseract re-encodes the image as PNG, and it cannot give
Tesseract its own environment.  Here the page is written once as an
uncompressed TIFF (the fastest format measured for Tesseract to read), text,
word confidences and optionally a searchable PDF page come out of one run,
and ``OMP_THREAD_LIMIT=1`` stops Tesseract's OpenMP threads from fighting the
pages that run beside it.  pytesseract is still the source of the configured
binary path and its version.
"""

from __future__ import annotations

import os
import re
import subprocess
import tempfile
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pytesseract
from PIL import Image

from core.errors import ConfigError, EngineError
from ocr.page import PageImage
from core.text import nfc
from ocr.words import Word, words_from_tsv


class EngineTimeout(Exception):
    """The page used up its time budget; Tesseract was killed."""


@dataclass(frozen=True, slots=True)
class Recognition:
    text: str  # NFC
    confidences: tuple[float, ...]  # one per recognised word, 0..100
    pdf: bytes | None = None  # a one-page PDF: the image with the text under it
    words: tuple[Word, ...] = ()  # the same words with their boxes, from the same TSV

    @property
    def mean_confidence(self) -> float:
        return sum(self.confidences) / len(self.confidences) if self.confidences else 0.0


@dataclass(frozen=True, slots=True)
class Orientation:
    rotate: int  # degrees to turn the page clockwise so it reads upright: 0, 90, 180, 270
    confidence: float  # Tesseract's OSD orientation confidence (about 10 on a clear page)


def recognise(page: PageImage, languages: str, timeout_s: float, *, pdf: bool = False,
              psm: int | None = None) -> Recognition:
    """Text, word confidences and (if ``pdf``) a searchable PDF page from one Tesseract run.

    ``psm`` overrides Tesseract's page segmentation (default: automatic, 3).
    """
    outputs = ["txt", "tsv"] + (["pdf"] if pdf else [])
    segmentation = ["--psm", str(psm)] if psm is not None else []
    with tempfile.TemporaryDirectory(prefix="hoso-ocr-") as tmp:
        base = _run(page, Path(tmp), ["-l", languages, *segmentation, *outputs], timeout_s)
        text = base.with_suffix(".txt").read_text(encoding="utf-8")
        tsv = base.with_suffix(".tsv").read_text(encoding="utf-8")
        pdf_bytes = base.with_suffix(".pdf").read_bytes() if pdf else None
    return Recognition(text=nfc(text).strip(), confidences=_word_confidences(tsv), pdf=pdf_bytes,
                       words=words_from_tsv(tsv))


def detect_orientation(page: PageImage, timeout_s: float) -> Orientation:
    """Tesseract's orientation detection (OSD, ``--psm 0``); 0° when it finds too little text to tell."""
    with tempfile.TemporaryDirectory(prefix="hoso-osd-") as tmp:
        try:
            base = _run(page, Path(tmp), ["--psm", "0"], timeout_s)
            report = base.with_suffix(".osd").read_text(encoding="utf-8")
        except (EngineError, FileNotFoundError):
            return Orientation(rotate=0, confidence=0.0)
    rotate = re.search(r"^Rotate: (\d+)", report, re.MULTILINE)
    confidence = re.search(r"^Orientation confidence: ([\d.]+)", report, re.MULTILINE)
    if not rotate or not confidence:
        return Orientation(rotate=0, confidence=0.0)
    return Orientation(rotate=int(rotate.group(1)) % 360, confidence=float(confidence.group(1)))


@cache
def tesseract_version() -> str:
    """The engine's version, part of the OCR configuration version (a new engine reads differently)."""
    return str(pytesseract.get_tesseract_version())


def _run(page: PageImage, workdir: Path, args: list[str], timeout_s: float) -> Path:
    """Run Tesseract on ``page``; return the output base path."""
    if timeout_s <= 0:
        raise EngineTimeout
    image_path = workdir / "page.tif"
    Image.fromarray(page.pixels).save(image_path, format="TIFF", dpi=(page.dpi, page.dpi))
    base = workdir / "out"
    command = [pytesseract.pytesseract.tesseract_cmd, str(image_path), str(base), "--dpi", str(page.dpi), *args]
    try:
        done = subprocess.run(
            command,
            env={**os.environ, "OMP_THREAD_LIMIT": "1"},
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            timeout=timeout_s,
            check=False,
        )
    except subprocess.TimeoutExpired as exc:  # subprocess.run has already killed it
        raise EngineTimeout from exc
    except FileNotFoundError as exc:
        raise ConfigError("Không tìm thấy chương trình tesseract.", detail=str(exc)) from exc
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip()
        if "Failed loading language" in message or "Could not initialize tesseract" in message:
            raise ConfigError("Thiếu dữ liệu ngôn ngữ cho tesseract.", detail=message[-500:])
        raise EngineError(f"Tesseract lỗi khi đọc trang {page.number}.", detail=message[-500:])
    return base


def _word_confidences(tsv: str) -> tuple[float, ...]:
    """Confidences of the words (TSV level 5) that have text; -1 marks non-words and is skipped."""
    confidences = []
    for line in tsv.splitlines()[1:]:
        fields = line.split("\t")
        if len(fields) == 12 and fields[0] == "5" and fields[11].strip():
            confidence = float(fields[10])
            if confidence >= 0:
                confidences.append(confidence)
    return tuple(confidences)
