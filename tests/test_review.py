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
    from domain.catalogue import default_catalogue
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
