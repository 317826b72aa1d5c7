"""Nothing lost, nothing processed twice, nothing leaked — shown by breaking things on purpose.

Every test here runs the real pipeline (Prefect test server, weed mini, SQLite, Tesseract).
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from pathlib import Path

import pytest
from PIL import Image

from core.settings import get_settings
from hoso.submit import submit_path
from storage import repository
from storage.database import migrate, session_scope
from tests.ocr_pages import png_bomb_header, text_layer_pdf

pytestmark = pytest.mark.slow


def _records(url: str) -> dict[str, dict]:
    with session_scope(url) as s:
        return {d.source: repository.as_json(d) for d in repository.list_all(s)}


def _settled_transitions(url: str) -> Counter[str]:
    """How many times each dossier left 'processing' for a settled status."""
    with session_scope(url) as s:
        counts: Counter[str] = Counter()
        for d in repository.list_all(s):
            counts[d.id] = sum(1 for h in repository.history(s, d.id) if h.to_status in repository.TERMINAL)
        return counts


@pytest.fixture()
def text_cases(tmp_path: Path):  # type: ignore[no-untyped-def]
    from samples.corpus import generate_corpus

    return generate_corpus(tmp_path / "corpus", count=8, seed=11, scan_ratio=0.0, defect_ratio=0.0)


def test_same_content_under_another_name_is_linked_as_duplicate(prefect_server, hoso_settings, store, text_cases, tmp_path) -> None:
    from flows.intake import intake

    case = text_cases[0]
    first = submit_path(store, case.files[0], "quay-1")
    intake()
    copy = tmp_path / "ban-sao-nop-lai.pdf"
    copy.write_bytes(case.files[0].read_bytes())
    second = submit_path(store, copy, "quay-2")
    intake()
    records = _records(hoso_settings.database_url)
    assert records[first]["status"] == "routed"
    dup = records[second]
    assert dup["status"] == "rejected" and dup["duplicate_of"] == records[first]["id"]
    assert [p["code"] for p in dup["problems"]] == ["ho-so-trung-lap"]
    assert records[first]["receipt"] in dup["problems"][0]["message"]
    assert list(store.list("inbox")) == []
    with session_scope(hoso_settings.database_url) as s:  # the copy is archived too: nothing a user gave is lost
        assert repository.get(s, dup["id"]).files


def test_hostile_and_broken_input_is_quarantined_while_the_batch_goes_on(
    prefect_server, hoso_settings, store, text_cases, tmp_path, monkeypatch
) -> None:
    from flows.intake import intake

    monkeypatch.setenv("HOSO_OCR_MAX_PAGES", "4")
    monkeypatch.setenv("HOSO_OCR_PAGE_TIMEOUT_S", "2")
    monkeypatch.setenv("HOSO_MAX_FILE_BYTES", str(20 * 1024 * 1024))
    get_settings.cache_clear()
    real_pdf = text_cases[0].files[0].read_bytes()
    noise = Image.effect_noise((3500, 5000), 120).convert("L")  # Tesseract cannot finish this in 2 s
    noise_path = tmp_path / "nhieu.tiff"
    noise.save(noise_path, compression="raw")
    bad: dict[str, tuple[bytes, str]] = {
        "rong.pdf": (b"", "tep-rong"),
        "cat-cut.pdf": (real_pdf[: len(real_pdf) // 2], "tep-hong"),
        "mat-khau.pdf": (text_layer_pdf([("TỜ KHAI",)], encrypt_password="bi-mat"), "tep-ma-hoa"),
        "trang-web.pdf": (b"<!DOCTYPE html><html><body>Xin ch\xc3\xa0o</body></html>", "dinh-dang-khong-ho-tro"),
        "chuong-trinh.pdf": (b"\x7fELF\x02\x01\x01" + bytes(200), "dinh-dang-khong-ho-tro"),
        "bom.png": (png_bomb_header(50_000, 50_000), "vuot-gioi-han"),
        "qua-nhieu-trang.pdf": (text_layer_pdf([("Trang",)] * 6), "vuot-gioi-han"),
        "qua-lon.pdf": (b"%PDF-1.4\n" + bytes(21 * 1024 * 1024), "vuot-gioi-han"),
    }
    bad_sources = {}
    for name, (data, code) in bad.items():
        store.put("inbox", f"quay-2/{name}", data)
        bad_sources[f"quay-2/{name}"] = code
    timeout_source = submit_path(store, noise_path, "quay-2")
    # good dossiers under awkward keys: spaces, diacritics, '..' segments, a very long name
    awkward = ["quay-1/hồ sơ có dấu cách.pdf", "quay-1/..pdf", "quay-1/" + "tên-rất-dài-" * 14 + ".pdf", "quay-1/a..b..c.pdf"]
    good = {}
    for key, case in zip(awkward, text_cases[1:]):
        store.put("inbox", key, case.files[0].read_bytes())
        good[key] = case
    started = time.monotonic()
    intake()
    elapsed = time.monotonic() - started
    records = _records(hoso_settings.database_url)
    for source, code in bad_sources.items():
        record = records[source]
        assert record["status"] == "quarantined", (source, record)
        assert record["problems"][0]["code"] == code, (source, record["problems"])
        copies = [o.key for o in store.list("quarantine", record["id"] + "/")]
        assert any(k.endswith(".reason.json") for k in copies) and any(not k.endswith(".reason.json") for k in copies)
    slow = records[timeout_source]
    assert slow["status"] == "needs_review" and "trang-khong-doc-duoc" in [p["code"] for p in slow["problems"]]
    for key, case in good.items():
        assert records[key]["status"] == case.expected["status"] == "routed", (key, records[key]["problems"])
    assert list(store.list("inbox")) == []
    assert elapsed < 600  # bounded: a hung page would have stopped the batch here


def test_two_intakes_at_once_process_each_dossier_exactly_once(prefect_server, hoso_settings, store, tmp_path) -> None:
    from flows.intake import intake
    from samples.corpus import generate_corpus

    # Twenty are enough for both intakes to race for the same dossiers (three at a time each); fifty took three minutes.
    cases = generate_corpus(tmp_path / "many", count=20, seed=5, scan_ratio=0.0, defect_ratio=0.2)
    for case in cases:
        submit_path(store, case.files[0], "quay-1")
    results: list[dict] = []
    threads = [threading.Thread(target=lambda: results.append(intake(max_concurrency=3))) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    records = _records(hoso_settings.database_url)
    assert len(records) == len(cases)
    assert all(r["status"] in {"routed", "rejected", "needs_review"} for r in records.values())
    assert set(_settled_transitions(hoso_settings.database_url).values()) == {1}
    receipts = [r["receipt"] for r in records.values()]
    assert len(set(receipts)) == len(cases)
    assert list(store.list("inbox")) == []
    handoffs = list(store.list("offices"))
    assert len(handoffs) == sum(1 for r in records.values() if r["status"] == "routed")


def test_a_run_that_outlived_its_lease_does_not_settle_the_dossier_again(
    prefect_server, hoso_settings, store, tmp_path, monkeypatch
) -> None:
    """A slow run whose lease ran out, and another run took the dossier over meanwhile: the slow run stops
    before settling, and the dossier is settled and handed off once, by the next run.

    Without the check in the settling transaction (repository.keep_claim) both would
    settle it (seen on a real stack: a slow run, its lease over, finished after the run
    that had taken over).
    """
    from datetime import timedelta

    from flows.intake import intake
    from samples.corpus import generate_corpus

    monkeypatch.setenv("HOSO_CLAIM_LEASE_S", "0.001")  # every lease is over as soon as it is taken
    get_settings.cache_clear()
    url = hoso_settings.database_url
    migrate(url)  # before the run, so the records can be watched from its first moment
    case = generate_corpus(tmp_path / "lapsing", count=1, seed=8, scan_ratio=1.0, defect_ratio=0.0)[0]
    submit_path(store, case.files[0], "quay-1")
    slow: list[dict] = []
    run = threading.Thread(target=lambda: slow.append(intake(max_concurrency=1)))
    run.start()
    deadline, taken = time.monotonic() + 120, None
    while taken is None and time.monotonic() < deadline:  # archived, now in OCR (a scan: seconds)
        with session_scope(url) as s:
            taken = next((d.id for d in repository.list_all(s, ["processing"])), None)
        time.sleep(0.02)
    assert taken, "the dossier was never seen mid-way"
    with session_scope(url) as s:
        assert repository.claim(s, taken, "a-run-that-took-over", timedelta(seconds=0.001))
    run.join()
    assert [r["status"] for r in slow[0]["results"]] == ["claimed-elsewhere"]
    with session_scope(url) as s:
        assert repository.get(s, taken).status == "processing"  # not settled by the slow run
    assert list(store.list("inbox"))  # and still waiting for the next run

    intake()
    records = _records(url)
    assert [r["status"] for r in records.values()] == ["routed"]
    assert set(_settled_transitions(url).values()) == {1}
    assert len(list(store.list("offices"))) == 1
    assert list(store.list("inbox")) == []


def test_s3_outage_mid_batch_delays_but_loses_nothing(prefect_server, hoso_settings, store, s3_server, text_cases) -> None:
    from flows.intake import intake

    for case in text_cases:
        submit_path(store, case.files[0], "quay-1")
    outcome: dict = {}
    runner = threading.Thread(target=lambda: outcome.update(intake(max_concurrency=1)))
    runner.start()
    deadline = time.monotonic() + 120
    while not any(h for h in store.list("offices")) and time.monotonic() < deadline:
        time.sleep(0.2)
    s3_server.stop()  # the S3 server goes away mid-batch…
    time.sleep(30)
    s3_server.start()  # …and comes back 30 s later
    runner.join(timeout=600)
    assert not runner.is_alive()
    records = _records(hoso_settings.database_url)
    assert len(records) == len(text_cases)
    assert all(r["status"] == "routed" for r in records.values()), {k: r["status"] for k, r in records.items()}
    assert list(store.list("inbox")) == []
    for r in records.values():
        assert store.exists("archive", f"dossiers/{r['id']}/record.json")


def test_no_personal_data_in_logs_artifacts_or_run_names(prefect_server, hoso_settings, store, tmp_path) -> None:
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterStartTime, LogFilter, LogFilterFlowRunId

    from flows.intake import intake
    from samples.corpus import generate_demo

    cases = generate_demo(tmp_path / "demo")
    for case in cases[1:]:
        submit_path(store, case.files[0], "quay-1")
    # Stations often name a file after the applicant: that name must not surface either.
    named = tmp_path / "theo-ten" / f"{cases[0].expected['applicant_name']}{cases[0].files[0].suffix}"
    named.parent.mkdir()
    named.write_bytes(cases[0].files[0].read_bytes())
    submit_path(store, named, "quay-1")
    with get_client(sync_client=True) as client:
        before = {r.id for r in client.read_flow_runs()}
    intake()
    secrets = set()
    for case in cases:
        secrets.add(str(case.expected["applicant_id"]))
        secrets.add(str(case.expected["applicant_name"]))
    records = _records(hoso_settings.database_url)
    for r in records.values():
        for name, value in r["fields"].items():
            if name.endswith(("_id", "_name", "_dob")) and name != "business_name" and value:  # a shop's name is not personal
                secrets.add(str(value))
    assert len(secrets) > 10
    with get_client(sync_client=True) as client:
        runs = [r for r in client.read_flow_runs() if r.id not in before]
        assert runs
        run_ids = [r.id for r in runs]
        logs = client.read_logs(log_filter=LogFilter(flow_run_id=LogFilterFlowRunId(any_=run_ids)))
        artifacts = client.read_artifacts()
        task_runs = client.read_task_runs()
    haystack = "\n".join(
        [r.name for r in runs]
        + [str(r.parameters) for r in runs]
        + [log.message for log in logs]
        + [str(a.data) + str(a.description) for a in artifacts]
        + [t.name + str(t.task_inputs) for t in task_runs]
    )
    assert logs and artifacts
    leaked = [s for s in secrets if s in haystack]
    assert leaked == []
