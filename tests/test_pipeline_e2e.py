"""The whole path on real parts: sample dossiers into the inbox, `intake` on a Prefect
test server, then the records, the archive, the hand-off area, the quarantine and an
empty inbox are checked."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from hoso.submit import submit_path
from storage import repository
from storage.database import session_scope

pytestmark = pytest.mark.slow

TRUNCATED_PDF = b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n2 0 obj\n<< /Type /Pages /Kids [3 0 R] /Co"


@pytest.fixture(scope="module")
def as_worker(module_store, s3_server):  # type: ignore[no-untyped-def]
    """The module's flows run with the worker's S3 key (storage/policies/worker.json), as on a stack;
    the buckets were made by the administrator (module_store), and the tests read back with it."""
    from tests.conftest import acting_as

    with acting_as(s3_server.worker) as settings:
        yield settings


@pytest.fixture(scope="module")
def processed(prefect_server, module_settings, module_store, as_worker, s3_server, tmp_path_factory):  # type: ignore[no-untyped-def]
    from flows.intake import intake
    from samples.corpus import generate_demo

    def station(name: str):  # type: ignore[no-untyped-def]
        return s3_server.store_as(module_settings, s3_server.stations[name])  # each puts with its own key

    tmp_path = tmp_path_factory.mktemp("e2e")
    cases = generate_demo(tmp_path / "samples")
    sources = {}
    for case in cases:
        assert len(case.files) == 1
        sources[submit_path(station("quay-1"), case.files[0], "quay-1")] = case
    bad_dir = tmp_path / "bad"
    bad_dir.mkdir()
    bad = {"rong.pdf": b"", "trang-web.pdf": b"<!DOCTYPE html><html><body>Xin chao</body></html>", "cut.pdf": TRUNCATED_PDF}
    bad_sources = {}
    for name, data in bad.items():
        (bad_dir / name).write_bytes(data)
        bad_sources[submit_path(station("quay-2"), bad_dir / name, "quay-2")] = name
    folder = _as_page_images(next(c for c in cases if c.expected["procedure"] == "khai-sinh"), tmp_path / "folder")
    folder_source = submit_path(station("quay-3"), folder, "quay-3")
    summary = intake()
    return cases, sources, bad_sources, summary, folder_source


def _as_page_images(case, out: Path) -> Path:  # type: ignore[no-untyped-def]
    """The case's PDF as one PNG per page in a folder: a dossier of several files."""
    import pypdfium2

    folder = out / "ho-so-khai-sinh-nhieu-trang"
    folder.mkdir(parents=True)
    pdf = pypdfium2.PdfDocument(case.files[0].read_bytes())
    for i in range(len(pdf)):
        pdf[i].render(scale=200 / 72).to_pil().convert("L").save(folder / f"trang-{i + 1}.png")
    assert len(pdf) >= 2
    return folder


def _dossiers(url: str) -> dict[str, dict]:
    with session_scope(url) as s:
        return {d.source: repository.as_json(repository.get(s, d.id), with_pages=True) for d in repository.list_all(s)}


def test_every_dossier_reaches_its_expected_place(processed, module_settings, module_store) -> None:
    cases, sources, bad_sources, summary, _ = processed
    assert summary["processed"] == len(cases) + len(bad_sources) + 1
    store = module_store
    assert list(store.list("inbox")) == []  # nothing left behind

    records = _dossiers(module_settings.database_url)
    statuses = set()
    for source, case in sources.items():
        record = records[source]
        expected = case.expected
        statuses.add(record["status"])
        assert record["status"] == expected["status"], (case.name, record["problems"])
        assert record["procedure"] == expected["procedure"], case.name
        if expected["status"] == "routed":
            assert record["office"] == expected["office"] and record["commune"] == expected["commune"], case.name
            assert record["receipt"] and record["due"]
        assert record["fields"]["applicant_id"] == expected["applicant_id"], case.name
        assert record["pages"] and all(p["text"] for p in record["pages"])
        # archive: the original and what was derived from it
        archived = {o.key for o in store.list("archive", f"dossiers/{record['id']}/")}
        assert any("/original/" in k for k in archived)
        assert {f"dossiers/{record['id']}/record.json", f"dossiers/{record['id']}/pages.json"} <= archived
    assert {"routed", "rejected", "needs_review"} <= statuses

    for source, name in bad_sources.items():
        record = records[source]
        assert record["status"] == "quarantined", name
        assert record["problems"] and record["problems"][0]["code"]
        reasons = [o.key for o in store.list("quarantine", record["id"] + "/") if o.key.endswith(".reason.json")]
        assert len(reasons) == 1
        reason = json.loads(store.get("quarantine", reasons[0]))
        assert reason["code"] == record["problems"][0]["code"] and reason["message"]


def test_routed_dossiers_are_handed_off_to_their_office(processed, module_settings, module_store) -> None:
    _, sources, _, _, _ = processed
    records = _dossiers(module_settings.database_url)
    routed = [r for s, r in records.items() if s in sources and r["status"] == "routed"]
    assert routed
    for record in routed:
        key = f"{record['office']}/{record['commune']}/{record['id']}.json"
        manifest = json.loads(module_store.get("offices", key))
        assert manifest["receipt"] == record["receipt"] and manifest["procedure"] == record["procedure"]
        assert record["handoffs"][0]["object_key"] == key
    not_routed = [r for s, r in records.items() if r["status"] != "routed"]
    for record in not_routed:
        assert not record["handoffs"]


def test_a_folder_with_its_manifest_is_one_dossier_of_several_files(processed, module_settings) -> None:
    cases, _, _, _, folder_source = processed
    case = next(c for c in cases if c.expected["procedure"] == "khai-sinh")
    record = _dossiers(module_settings.database_url)[folder_source]
    assert folder_source.endswith("/") and len(record["files"]) >= 2
    assert [p["file"] for p in record["pages"]] == list(range(1, len(record["files"]) + 1))
    assert record["procedure"] == "khai-sinh" and record["status"] == "routed", record["problems"]
    assert record["fields"]["applicant_id"] == case.expected["applicant_id"]


def test_a_second_intake_finds_nothing_and_creates_nothing(processed, module_settings) -> None:
    from flows.intake import intake

    before = _dossiers(module_settings.database_url)
    again = intake()
    assert again["processed"] == 0
    assert _dossiers(module_settings.database_url).keys() == before.keys()


def test_history_records_each_step(processed, module_settings) -> None:
    with session_scope(module_settings.database_url) as s:
        for d in repository.list_all(s):
            steps = [h.to_status for h in repository.history(s, d.id)]
            assert steps[0] == "received" and steps[-1] == d.status


def test_reprocess_reassesses_dossiers_needing_review(processed, module_settings) -> None:
    from flows.reprocess import reprocess

    before = {d["id"]: d for d in _dossiers(module_settings.database_url).values()}
    review = [i for i, d in before.items() if d["status"] == "needs_review"]
    result = reprocess()
    assert result["reprocessed"] == len(review)
    after = {d["id"]: d for d in _dossiers(module_settings.database_url).values()}
    for dossier_id in review:
        assert after[dossier_id]["status"] == "needs_review"  # same bytes, same verdict
        assert after[dossier_id]["receipt"] == before[dossier_id]["receipt"]  # a receipt is never re-issued
