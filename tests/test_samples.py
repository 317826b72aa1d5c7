"""The sample generator: consistent people, readable dossiers, honest labels."""

from __future__ import annotations

import io
import json
import os
import random
import unicodedata
from datetime import datetime
from pathlib import Path

import numpy as np
import pdfplumber
import pytesseract
import pytest
from PIL import Image, ImageSequence

from domain.assess import assess
from domain.catalogue_loading import default_catalogue
from domain.classify import classify
from domain.model import PageInput
from core.text import VIETNAMESE_LETTERS
from domain.validators import personal_id
from samples.corpus import generate_corpus, generate_demo, load_cases
from samples.defects import DEFECTS, DEFECTS_BY_PROCEDURE, PROCEDURES
from samples.stories import make_dossier
from samples.people import People
from samples.render import ScanLook, pdf_bytes, rasterise, scan

NOW = datetime(2026, 3, 10, 9, 0)
EXPECTED_KEYS = {"procedure", "office", "commune", "status", "applicant_name", "applicant_id", "defects"}


@pytest.fixture(scope="module")
def catalogue():
    return default_catalogue()


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    out = tmp_path_factory.mktemp("demo")
    return out, generate_demo(out, seed=7, now=NOW)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    out = tmp_path_factory.mktemp("corpus")
    return out, generate_corpus(out, count=24, seed=11, scan_ratio=0.25, now=NOW)


def _pdf_pages(data: bytes) -> list[PageInput]:
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        return [PageInput(page.extract_text() or "", 100.0) for page in pdf.pages]


def _ocr(image: Image.Image) -> PageInput:
    data = pytesseract.image_to_data(image, lang="vie", output_type=pytesseract.Output.DICT)
    words = [(w, float(c)) for w, c in zip(data["text"], data["conf"]) if w.strip() and float(c) >= 0]
    lines: dict[tuple[int, int, int], list[str]] = {}
    for i, word in enumerate(data["text"]):
        if word.strip():
            lines.setdefault((data["block_num"][i], data["par_num"][i], data["line_num"][i]), []).append(word)
    text = "\n".join(" ".join(ws) for ws in lines.values())
    confidence = sum(c for _, c in words) / len(words) if words else 0.0
    return PageInput(unicodedata.normalize("NFC", text), confidence)


# -- people --------------------------------------------------------------------

def test_people_are_consistent(catalogue) -> None:
    people = People(random.Random(3), catalogue, NOW.date())
    for _ in range(300):
        person = people.person(min_age=0, max_age=100)
        parsed = personal_id(person.personal_id, catalogue.provinces, dob=person.dob, sex=person.sex, today=NOW.date())
        assert parsed.number == person.personal_id
        assert person.dob <= NOW.date()
        assert unicodedata.normalize("NFC", person.name) == person.name
        assert all(ch in VIETNAMESE_LETTERS for word in person.name.split() for ch in word)
        assert len(person.name.split()) >= 3
        assert catalogue.find_commune(person.address.text()) is not None


def test_people_are_reproducible(catalogue) -> None:
    first = People(random.Random(5), catalogue, NOW.date()).person()
    second = People(random.Random(5), catalogue, NOW.date()).person()
    assert first == second


# -- the demo set ----------------------------------------------------------------

def test_demo_set(demo) -> None:
    out, cases = demo
    assert 5 <= len(cases) <= 8
    statuses = [c.expected["status"] for c in cases]
    assert statuses.count("routed") > len(cases) / 2
    assert "rejected" in statuses and "needs_review" in statuses
    kinds = {c.expected["render"]["kind"] for c in cases}
    assert kinds == {"text", "scan"}
    for case in cases:
        assert EXPECTED_KEYS <= set(case.expected)
        assert all(f.is_file() and f.stat().st_size > 1000 for f in case.files)
        record = json.loads((case.files[0].parent / "expected.json").read_text(encoding="utf-8"))
        assert record["expected"]["procedure"] == case.expected["procedure"]
    assert [c.name for c in load_cases(out)] == [c.name for c in cases]


def test_demo_text_layer_cases_reach_their_expected_verdict(demo, catalogue) -> None:
    _, cases = demo
    for case in cases:
        if case.expected["render"]["kind"] != "text":
            continue
        result = assess(_pdf_pages(case.files[0].read_bytes()), catalogue, NOW)
        assert result.classification.procedure == case.expected["procedure"], case.name
        assert result.status == case.expected["status"], (case.name, result.problems)
        assert result.routing.office == case.expected["office"]
        assert result.routing.commune == case.expected["commune"]
        assert result.fields["applicant_name"].value == case.expected["applicant_name"]
        assert result.fields["applicant_id"].value == case.expected["applicant_id"]


# -- the corpus --------------------------------------------------------------------

def test_corpus_covers_every_procedure_and_both_renderings(corpus) -> None:
    out, cases = corpus
    assert len(cases) == 24
    assert {c.expected["procedure"] for c in cases} - {None} == set(PROCEDURES)
    assert {c.expected["render"]["kind"] for c in cases} == {"text", "scan"}
    assert any(c.expected["defects"] for c in cases) and any(not c.expected["defects"] for c in cases)
    assert len(load_cases(out)) == 24


def test_corpus_is_reproducible(tmp_path: Path) -> None:
    first = generate_corpus(tmp_path / "a", count=4, seed=3, scan_ratio=0.0, now=NOW)
    second = generate_corpus(tmp_path / "b", count=4, seed=3, scan_ratio=0.0, now=NOW)
    assert [c.expected for c in first] == [c.expected for c in second]


def test_text_layer_pdfs_classify_to_their_procedure(corpus, catalogue) -> None:
    _, cases = corpus
    text_cases = [c for c in cases if c.expected["render"]["kind"] == "text"]
    assert text_cases
    for case in text_cases:
        pages = _pdf_pages(case.files[0].read_bytes())
        assert pages[0].text.startswith(("CỘNG HÒA", "Mẫu CT01"))
        assert classify(pages, catalogue).procedure == case.expected["procedure"], case.name


def test_scans_are_image_only_at_scanner_resolution(corpus) -> None:
    _, cases = corpus
    scans = [c for c in cases if c.expected["render"]["kind"] == "scan"]
    assert scans
    for case in scans:
        render = case.expected["render"]
        assert 200 <= render["dpi"] <= 300 and render["skew"] != 0 and render["blur"] > 0
        path = case.files[0]
        if path.suffix == ".pdf":
            with pdfplumber.open(path) as pdf:
                assert all(not (page.extract_text() or "").strip() for page in pdf.pages)
        else:
            with Image.open(path) as image:
                assert image.info["dpi"][0] == pytest.approx(render["dpi"], abs=1)


def test_multi_page_tiff(tmp_path: Path) -> None:
    dossier = make_dossier("khai-sinh", seed=4, now=NOW)
    assert len(dossier.pages) == 2
    path = scan(pdf_bytes(dossier.pages), tmp_path / "d.tif", "tiff", ScanLook(dpi=200, skew_degrees=1.0),
                np.random.default_rng(0))
    with Image.open(path) as image:
        assert sum(1 for _ in ImageSequence.Iterator(image)) == 2


@pytest.mark.parametrize("procedure", PROCEDURES)
def test_every_defect_leads_to_its_expected_verdict(procedure: str, catalogue) -> None:
    for defect in (None, *DEFECTS_BY_PROCEDURE[procedure]):
        dossier = make_dossier(procedure, defect, seed=len(defect or "") + 1, now=NOW)
        result = assess(_pdf_pages(pdf_bytes(dossier.pages)), catalogue, NOW)
        expected = dossier.expected
        codes = [p.code for p in result.problems]
        assert result.status == expected["status"], (defect, result.problems)
        assert result.classification.procedure == expected["procedure"], defect
        assert (result.routing.office, result.routing.commune) == (expected["office"], expected["commune"]), defect
        assert set(expected["problem_codes"]) <= set(codes), (defect, codes)
        assert result.fields["applicant_id"].value == expected["applicant_id"]
        assert result.fields["applicant_name"].value == expected["applicant_name"]
        if defect is not None:
            assert DEFECTS[defect].problem in codes


def test_dates_in_samples_are_in_the_past(catalogue) -> None:
    for procedure in PROCEDURES:
        text = "\n".join(page.text() for page in make_dossier(procedure, seed=9, now=NOW).pages)
        assert f"năm {NOW.year + 1}" not in text
        assert unicodedata.normalize("NFC", text) == text


def test_one_scan_ocred_with_tesseract_classifies(tmp_path: Path, catalogue) -> None:
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")
    dossier = make_dossier("thuong-tru", seed=21, now=NOW)
    look = ScanLook(dpi=240, skew_degrees=1.4, blur_sigma=0.8, noise_sigma=14, speckle=0.001, paper=228, ink=45,
                    jpeg_quality=60)
    path = scan(pdf_bytes(dossier.pages), tmp_path / "scan.pdf", "pdf", look, np.random.default_rng(2))
    images = rasterise(path.read_bytes(), 300)
    pages = [_ocr(image) for image in images]
    assert all(p.confidence < 100 for p in pages)
    result = assess(pages, catalogue, NOW)
    assert result.classification.procedure == "thuong-tru"
    assert result.classification.page_kinds[0] == "form"
    assert result.routing.commune == dossier.expected["commune"]
    assert result.fields["applicant_id"].value == dossier.expected["applicant_id"]


# -- scoring and the command line ---------------------------------------------------

def _record(case, **changes) -> dict:
    """A pipeline record (shape of ``hoso show --json``) that gets the case right."""
    e = case.expected
    record = {
        "procedure": e["procedure"], "office": e["office"], "commune": e["commune"], "status": e["status"],
        "fields": {"applicant_id": e["applicant_id"], "applicant_name": e["applicant_name"].upper()},
        "problems": [],
    }
    record.update(changes)
    return record


def test_score_counts_each_metric(demo) -> None:
    from samples.evaluate import markdown_table, score

    _, cases = demo
    results = [_record(c) for c in cases]
    perfect = score(results, cases)
    assert all(perfect["all"][m] == 1.0 for m in ("procedure", "routing", "verdict", "applicant_id", "applicant_name"))
    assert perfect["misses"] == []

    routed = next(i for i, c in enumerate(cases) if c.expected["status"] == "routed")
    rejected = next(i for i, c in enumerate(cases) if c.expected["status"] == "rejected")
    results[routed] = _record(cases[routed], status="needs_review", commune="xa-soc-son")
    results[rejected] = _record(cases[rejected], status="needs_review")  # still "not routed"
    scores = score(results, cases)
    n = len(cases)
    assert scores["all"]["verdict"] == pytest.approx((n - 1) / n)
    assert scores["all"]["status"] == pytest.approx((n - 2) / n)
    assert scores["all"]["routing"] == pytest.approx((n - 1) / n)
    assert {m["metric"] for m in scores["misses"]} == {"verdict", "status", "routing"}
    table = markdown_table(scores)
    assert table.splitlines()[0].startswith("| Metric | All (n=")
    assert "Noisy scans" in table and "≥ 98%" in table
    with pytest.raises(ValueError):
        score(results[:-1], cases)


def test_module_entry_point(tmp_path: Path) -> None:
    from samples.__main__ import main

    assert main([str(tmp_path / "out"), "--count", "3", "--seed", "1", "--scan-ratio", "0"]) == 0
    assert len(load_cases(tmp_path / "out")) == 3
