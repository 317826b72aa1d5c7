"""An official settles a needs_review dossier from the Prefect UI's form (a paused run resumed
with input), or does not, and the dossier waits for the nightly job."""

from __future__ import annotations

import threading
import time

import pytest

from hoso.submit import submit_path
from storage import repository
from storage.database import session_scope

pytestmark = pytest.mark.slow


def _paused_run(name: str, timeout_s: float = 60):  # type: ignore[no-untyped-def]
    from prefect.client.orchestration import get_client

    deadline = time.monotonic() + timeout_s
    with get_client(sync_client=True) as client:
        while time.monotonic() < deadline:
            for run in client.read_flow_runs():
                if run.name == name and run.state and run.state.is_paused():
                    return run
            time.sleep(0.5)
    raise AssertionError(f"no paused run named {name!r}")


def test_review_expires_then_an_official_corrects_and_routes(prefect_server, hoso_settings, store, tmp_path) -> None:
    from prefect.flow_runs import resume_flow_run

    from flows.intake import intake
    from flows.review import review_dossier
    from samples.corpus import generate_demo

    case = next(c for c in generate_demo(tmp_path / "demo") if c.expected["status"] == "needs_review")
    source = submit_path(store, case.files[0], "quay-1")
    intake()
    with session_scope(hoso_settings.database_url) as s:
        dossier = next(d for d in repository.list_all(s) if d.source == source)
        dossier_id, before = dossier.id, dossier.status
    assert before == "needs_review"

    # Nobody answers within the time allowed: the dossier stays for the nightly job.
    expired = review_dossier(dossier_id=dossier_id, timeout_s=2)
    assert expired["status"] == "needs_review"
    with session_scope(hoso_settings.database_url) as s:
        assert repository.get(s, dossier_id).status == "needs_review"

    # An official opens the paused run's form and routes it to the right ward.
    outcome: dict = {}
    runner = threading.Thread(target=lambda: outcome.update(review_dossier(dossier_id=dossier_id, timeout_s=300)))
    runner.start()
    paused = _paused_run(f"xem xét hồ sơ {dossier_id}")
    resume_flow_run(
        paused.id,
        run_input={
            "quyet_dinh": "chuyển xử lý",
            "can_bo": "Nguyễn Thị Lan",
            "thu_tuc": case.expected["procedure"],
            "co_quan": "cong-an",
            "xa_phuong": "phuong-hoan-kiem",
        },
    )
    runner.join(timeout=120)
    assert outcome["status"] == "routed"
    with session_scope(hoso_settings.database_url) as s:
        dossier = repository.get(s, dossier_id)
        assert (dossier.status, dossier.office, dossier.commune) == ("routed", "cong-an", "phuong-hoan-kiem")
        assert dossier.due is not None
        last = repository.history(s, dossier_id)[-1]
        assert last.actor == "cán bộ Nguyễn Thị Lan" and "xã/phường: - → phuong-hoan-kiem" in last.reason
        assert [h.office for h in dossier.handoffs] == ["cong-an"]
    assert store.exists("offices", f"cong-an/phuong-hoan-kiem/{dossier_id}.json")


def test_review_form_offers_the_catalogue_and_masks_what_it_shows(prefect_server, hoso_settings, store, tmp_path) -> None:
    from domain.catalogue_loading import default_catalogue
    from flows.intake import intake
    from samples.corpus import generate_demo
    from tasks.review import prepare_review

    case = next(c for c in generate_demo(tmp_path / "demo") if c.expected["status"] == "needs_review")
    source = submit_path(store, case.files[0], "quay-1")
    intake()
    with session_scope(hoso_settings.database_url) as s:
        dossier_id = next(d.id for d in repository.list_all(s) if d.source == source)
    form, description = prepare_review(store, hoso_settings.database_url, default_catalogue(), dossier_id)
    schema = form.model_json_schema()
    assert "khai-sinh" in str(schema["properties"]["thu_tuc"]) and "cong-an" in str(schema["properties"]["co_quan"])
    assert str(case.expected["applicant_id"]) not in description + str(schema)
    assert str(case.expected["applicant_name"]) not in description + str(schema)


def test_a_reviewed_dossier_is_due_after_the_wards_extra_days_off(hoso_settings, monkeypatch) -> None:
    """An official routes a dossier: its due date counts HOSO_EXTRA_DAYS_OFF as the store step does."""
    from datetime import date, datetime, timedelta, timezone

    from core.settings import get_settings
    from domain.deadlines import due_date
    from flows.pipeline import store_context
    from flows.resources import resources
    from tasks.review import apply_review

    monkeypatch.setenv("HOSO_EXTRA_DAYS_OFF", '["2026-03-03"]')  # the Tuesday after it was received
    get_settings.cache_clear()
    res = resources()
    received = datetime(2026, 3, 2, 2, 0, tzinfo=timezone.utc)  # Monday 09:00 in Việt Nam
    with session_scope(res.db_url) as s:
        dossier, _ = repository.register(s, source="quay-1/ket-hon.pdf", identity="quay-1/ket-hon.pdf@1", station="quay-1", actor="test")
        dossier.received_at = received
        repository.set_status(s, dossier, "needs_review", actor="test", reason="test")
        dossier_id = dossier.id
    with session_scope(res.db_url) as s:
        assert repository.claim(s, dossier_id, "review-run", timedelta(minutes=5), settled_too=True)

    decision = {"quyet_dinh": "chuyển xử lý", "can_bo": "Nguyễn Thị Lan", "thu_tuc": "ket-hon", "co_quan": "ubnd-van-phong", "xa_phuong": "phuong-hoan-kiem"}
    status = apply_review(res.store, res.db_url, res.catalogue, dossier_id, "review-run", decision, store_context(res).extra_days_off)

    assert status == "routed"
    with session_scope(res.db_url) as s:
        due = repository.get(s, dossier_id).due
    assert due == due_date("ket-hon", received, res.catalogue, [date(2026, 3, 3)]) == date(2026, 3, 10)
    assert due != due_date("ket-hon", received, res.catalogue)  # without the day off: Monday 9 March
