"""An official settles a needs_review dossier from the Prefect UI's form (a waiting run resumed
with input), or does not, and the dossier waits for the nightly job."""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest

from hoso.submit import submit_path
from storage import repository
from storage.database import session_scope
from tests.review_cases import marriage_missing_bride_name, residence_without_attachment

pytestmark = pytest.mark.slow


def _paused_run(dossier_id: str, timeout_s: float = 60):  # type: ignore[no-untyped-def]
    from prefect.client.orchestration import get_client

    deadline = time.monotonic() + timeout_s
    with get_client(sync_client=True) as client:
        while time.monotonic() < deadline:
            for run in client.read_flow_runs():
                if run.parameters.get("dossier_id") == dossier_id and run.state and run.state.is_paused():
                    return run
            time.sleep(0.5)
    raise AssertionError(f"no paused review of {dossier_id}")


def answer(form_schema: dict[str, Any], **given: Any) -> dict[str, Any]:
    """What the Prefect UI sends: every field of the form, its default unless the official changed it."""
    return {**{k: p.get("default") for k, p in form_schema["properties"].items() if "default" in p}, **given}


def test_review_expires_then_an_official_corrects_and_routes(prefect_server, hoso_settings, store, tmp_path) -> None:
    from prefect.client.orchestration import get_client
    from prefect.flow_runs import resume_flow_run

    from flows.intake import intake
    from flows.review import review_dossier
    from samples.corpus import generate_demo
    from tasks.review import ROUTE

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

    # An official opens the paused run's form, first forgets the ward, then routes it to the right one.
    outcome: dict = {}
    runner = threading.Thread(target=lambda: outcome.update(review_dossier(dossier_id=dossier_id, timeout_s=300)))
    runner.start()
    paused = _paused_run(dossier_id)
    assert paused.name.startswith("xem xét · tam-tru · ")  # named like the dossier's own run
    keyset = paused.state.state_details.run_input_keyset
    with get_client(sync_client=True) as client:
        schema = __import__("json").loads(client.read_flow_run_input(paused.id, keyset["schema"]))
    resume_flow_run(paused.id, run_input=answer(schema, quyet_dinh=ROUTE, can_bo="Nguyễn Thị Lan", xa_phuong=""))
    again = _paused_run(dossier_id)  # not applied: waits again, the reason on top of the form
    keyset = again.state.state_details.run_input_keyset
    with get_client(sync_client=True) as client:
        on_top = __import__("json").loads(client.read_flow_run_input(again.id, keyset["schema"]))["properties"]["quyet_dinh"]["description"]
    assert on_top.startswith("**Quyết định trước chưa ghi được:**") and "Chuyển hồ sơ cần chọn xã/phường nhận." in on_top
    resume_flow_run(again.id, run_input=answer(schema, can_bo="Nguyễn Thị Lan", co_quan="Công an", xa_phuong="phường Hoàn Kiếm"))
    runner.join(timeout=120)
    assert outcome["status"] == "routed"
    with session_scope(hoso_settings.database_url) as s:
        dossier = repository.get(s, dossier_id)
        assert (dossier.status, dossier.office, dossier.commune) == ("routed", "cong-an", "phuong-hoan-kiem")
        assert dossier.due is not None
        last = repository.history(s, dossier_id)[-1]
        assert last.actor == "cán bộ Nguyễn Thị Lan" and "chuyển đến Công an phường Hoàn Kiếm" in last.reason
        assert [h.office for h in dossier.handoffs] == ["cong-an"]
    assert store.exists("offices", f"cong-an/phuong-hoan-kiem/{dossier_id}.json")


def test_the_form_speaks_vietnamese_and_masks_what_it_shows(hoso_settings, store) -> None:
    from prefect._internal.pydantic.v2_schema import create_v2_schema

    from domain.catalogue_loading import default_catalogue
    from tasks.review import review_case, review_form

    catalogue = default_catalogue()
    waiting = residence_without_attachment(hoso_settings.database_url, catalogue)
    case = review_case(store, hoso_settings.database_url, catalogue, waiting.dossier_id)
    form = review_form(catalogue, case)
    schema = create_v2_schema(form.__name__, model_base=form)  # what Prefect saves and its UI renders
    titles = {k: p["title"] for k, p in schema["properties"].items()}
    assert titles["quyet_dinh"] == "Quyết định" and titles["can_bo"] == "Cán bộ xem xét" and titles["ly_do"] == "Lý do trả lại"
    assert titles["sua_applicant_id"] == "Sửa số định danh cá nhân của người đề nghị" and titles["xa_phuong"] == "Xã/phường"
    assert schema["required"] == list(schema["properties"])  # nothing labelled "(Optional)"
    assert "Công an" in schema["properties"]["co_quan"]["enum"] and "cong-an" not in str(schema)
    assert "phường Hoàn Kiếm" in schema["properties"]["xa_phuong"]["enum"]
    assert "Đăng ký tạm trú" in schema["properties"]["thu_tuc"]["enum"]
    assert schema["properties"]["quyet_dinh"]["enum"] == ["Chuyển đến cơ quan xử lý", "Trả lại cho công dân", "Yêu cầu công dân bổ sung giấy tờ"]
    papers = schema["properties"]["giay_to_bo_sung"]
    assert papers["title"] == "Giấy tờ cần bổ sung" and papers["default"].startswith("giấy tờ chứng minh chỗ ở hợp pháp")
    shown = str(schema)  # the summary is the first field's description
    assert schema["properties"]["quyet_dinh"]["description"].startswith("**Hồ sơ 000.00.00.H30-261201-0102** · Đăng ký tạm trú")
    assert "Còn thiếu giấy tờ:" in shown and "trang 1" in shown and "41%" in shown
    for secret in waiting.secrets:
        assert secret not in shown, secret


def test_the_decision_is_checked_in_vietnamese(hoso_settings, store) -> None:
    from domain.catalogue_loading import default_catalogue
    from tasks.review import RETURN, ROUTE, SUPPLEMENT, Decision, check_decision, review_case, review_form

    catalogue = default_catalogue()
    marriage = review_case(store, hoso_settings.database_url, catalogue, marriage_missing_bride_name(hoso_settings.database_url, catalogue).dossier_id)
    residence_case = residence_without_attachment(hoso_settings.database_url, catalogue)
    residence = review_case(store, hoso_settings.database_url, catalogue, residence_case.dossier_id)
    assert marriage.lacking_fields == ("bride_name",) and "bride_name" in marriage.corrections
    base = {"can_bo": "Nguyễn Thị Lan", "thu_tuc": "Đăng ký kết hôn", "co_quan": "Văn phòng HĐND và UBND", "xa_phuong": "phường Hoàn Kiếm"}

    # A return needs its reason, and no ward.
    assert check_decision({**base, "quyet_dinh": RETURN, "ly_do": ""}, marriage, catalogue) == (
        "Trả lại hồ sơ cần ghi lý do: người nộp cần bổ sung hoặc sửa gì.",
    )
    returned = check_decision({**base, "quyet_dinh": RETURN, "ly_do": "Thiếu họ tên bên nữ", "xa_phuong": ""}, marriage, catalogue)
    assert isinstance(returned, Decision) and not returned.route and returned.reason == "Thiếu họ tên bên nữ"

    # Routing a dossier that still lacks a required field: correct it, or confirm.
    refused = check_decision({**base, "quyet_dinh": ROUTE}, marriage, catalogue)
    assert isinstance(refused, tuple) and "Hồ sơ còn thiếu: Họ, chữ đệm, tên bên nữ." in refused[0]
    corrected = check_decision({**base, "quyet_dinh": ROUTE, "sua_bride_name": "Trần Thị Mai"}, marriage, catalogue)
    assert isinstance(corrected, Decision) and corrected.corrections == (("bride_name", "Trần Thị Mai"),) and corrected.commune == "phuong-hoan-kiem"
    confirmed = check_decision({**base, "quyet_dinh": ROUTE, "van_chuyen_khi_thieu": True}, marriage, catalogue)
    assert isinstance(confirmed, Decision) and confirmed.confirmed_lacking == ("Họ, chữ đệm, tên bên nữ",)

    # An invalid ID is refused, without quoting it in clear; a missing attachment needs confirming.
    bad_id = check_decision({**base, "quyet_dinh": ROUTE, "thu_tuc": "Đăng ký tạm trú", "co_quan": "Công an", "sua_applicant_id": "0012030123"}, residence, catalogue)
    assert isinstance(bad_id, tuple) and any("không hợp lệ: số định danh cá nhân phải gồm đúng 12 chữ số" in e for e in bad_id)
    assert "0012030123" not in str(bad_id)
    assert any("giấy tờ chứng minh chỗ ở hợp pháp" in e and "Vẫn chuyển dù còn thiếu" in e for e in bad_id)

    # A request for papers names at least one, needs no ward, and keeps the office: the dossier waits for the resident.
    assert check_decision({**base, "quyet_dinh": SUPPLEMENT, "giay_to_bo_sung": " ; ", "xa_phuong": ""}, residence, catalogue) == (
        "Yêu cầu bổ sung cần nêu ít nhất một giấy tờ cần bổ sung, mỗi giấy tờ «tên giấy tờ — lý do».",
    )
    papers = review_form(catalogue, residence).model_fields["giay_to_bo_sung"].default  # what the form offers
    asked = check_decision({**base, "quyet_dinh": SUPPLEMENT, "ly_do": "Thiếu giấy tờ", "giay_to_bo_sung": papers + "; Sổ hộ khẩu",
                            "xa_phuong": ""}, residence, catalogue)
    assert isinstance(asked, Decision) and asked.asks_supplement and not asked.route and asked.commune is None
    assert asked.supplement == (
        ("giấy tờ chứng minh chỗ ở hợp pháp (hợp đồng thuê nhà hoặc văn bản đồng ý cho đăng ký cư trú)", "chưa có trong hồ sơ"),
        ("Sổ hộ khẩu", ""),
    )


def test_history_records_the_decision_as_made_and_the_artifact_says_who(hoso_settings, store) -> None:
    from datetime import timedelta

    from domain.catalogue_loading import default_catalogue
    from storage.records import record_of
    from tasks.publish import dossier_markdown, history_rows
    from tasks.review import ROUTE, apply_review, check_decision, review_case

    catalogue = default_catalogue()
    waiting = marriage_missing_bride_name(hoso_settings.database_url, catalogue)
    case = review_case(store, hoso_settings.database_url, catalogue, waiting.dossier_id)
    decision = check_decision(
        {"quyet_dinh": ROUTE, "can_bo": "Nguyễn Thị Lan", "thu_tuc": "Đăng ký kết hôn", "co_quan": "Văn phòng HĐND và UBND",
         "xa_phuong": "phường Cửa Nam", "sua_bride_name": "Trần Thị Mai", "ly_do": "đã đối chiếu bản giấy"}, case, catalogue,
    )
    with session_scope(hoso_settings.database_url) as s:
        assert repository.claim(s, waiting.dossier_id, "review-run", timedelta(minutes=5), settled_too=True)
    assert apply_review(store, hoso_settings.database_url, catalogue, waiting.dossier_id, "review-run", decision) == "routed"
    with session_scope(hoso_settings.database_url) as s:
        dossier = repository.get(s, waiting.dossier_id)
        assert dossier.fields["bride_name"]["value"] == "Trần Thị Mai" and dossier.commune == "phuong-cua-nam"
        last = repository.history(s, waiting.dossier_id)[-1]
        record = record_of(dossier, with_pages=True)
        history = history_rows(s, waiting.dossier_id)
    assert last.actor == "cán bộ Nguyễn Thị Lan"
    assert last.reason == (
        "chuyển đến Văn phòng HĐND và UBND phường Cửa Nam; sửa họ, chữ đệm, tên bên nữ: T. T. M.; ghi chú: đã đối chiếu bản giấy"
    )
    markdown = dossier_markdown(record, catalogue, None, __import__("datetime").date.today(), history=history)
    assert "**Đã xem xét:** cán bộ Nguyễn Thị Lan, lúc " in markdown and "Vấn đề hoso đã nêu (cán bộ đã xem xét)" in markdown
    assert "Trần Thị Mai" not in markdown


def test_a_waiting_review_holds_no_process_until_the_official_answers(prefect_server, hoso_settings, store) -> None:
    """The review run is created already Suspended, its form saved: no worker, no process, until resumed."""
    import json

    from prefect.client.orchestration import get_client
    from prefect.flow_engine import run_flow
    from prefect.flow_runs import resume_flow_run

    from domain.catalogue_loading import default_catalogue
    from flows.review import review_dossier
    from tasks.review import RETURN, request_review

    catalogue = default_catalogue()
    waiting = residence_without_attachment(hoso_settings.database_url, catalogue, seed=5)
    review_dossier.to_deployment(name="review-dossier").apply()
    assert request_review(store, hoso_settings.database_url, catalogue, waiting.dossier_id, timeout_s=3600, day="2026-12-02")
    assert request_review(store, hoso_settings.database_url, catalogue, waiting.dossier_id, timeout_s=3600, day="2026-12-02")  # once a day
    with get_client(sync_client=True) as client:
        runs = [r for r in client.read_flow_runs() if r.parameters.get("dossier_id") == waiting.dossier_id]
        assert len(runs) == 1
        run = runs[0]
        assert run.state.name == "Suspended" and run.state.state_details.pause_reschedule
        assert [s.name for s in client.read_flow_run_states(run.id)] == ["Suspended"]  # never ran, never scheduled
        assert run.name.startswith("xem xét · tam-tru · 000.00.00.H30-261201-0102 · ")  # procedure · receipt · initials
        assert {"xem-xét", "cơ-quan:cong-an", "thủ-tục:tam-tru", "trạng-thái:needs_review"} <= set(run.tags)
        keyset = run.state.state_details.run_input_keyset
        schema = json.loads(client.read_flow_run_input(run.id, keyset["schema"]))
        assert schema["properties"]["quyet_dinh"]["title"] == "Quyết định"
    resume_flow_run(run.id, run_input={**{k: p.get("default") for k, p in schema["properties"].items()},
                                      "quyet_dinh": RETURN, "can_bo": "Lê Văn Hùng", "ly_do": "Thiếu hợp đồng thuê nhà", "xa_phuong": ""})
    with get_client(sync_client=True) as client:
        resumed = client.read_flow_run(run.id)
        assert resumed.state.is_scheduled()  # a worker would start it now; here this process plays the worker
    result = run_flow(review_dossier, flow_run=resumed, parameters={"dossier_id": waiting.dossier_id})
    assert result == {"dossier": waiting.dossier_id, "status": "rejected"}
    with session_scope(hoso_settings.database_url) as s:
        dossier = repository.get(s, waiting.dossier_id)
        assert dossier.status == "rejected" and dossier.commune is None
        assert repository.history(s, waiting.dossier_id)[-1].reason == "trả lại: Thiếu hợp đồng thuê nhà"


def test_a_reviewed_dossier_is_due_after_the_wards_extra_days_off(hoso_settings, monkeypatch) -> None:
    """An official routes a dossier: its due date counts HOSO_EXTRA_DAYS_OFF as the store step does."""
    from datetime import date, datetime, timedelta, timezone

    from core.settings import get_settings
    from domain.deadlines import due_date
    from flows.pipeline import store_context
    from flows.resources import resources
    from tasks.review import Decision, apply_review

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

    decision = Decision(route=True, official="Nguyễn Thị Lan", reason="", procedure="ket-hon", office="ubnd-van-phong", commune="phuong-hoan-kiem")
    status = apply_review(res.store, res.db_url, res.catalogue, dossier_id, "review-run", decision, store_context(res).extra_days_off)

    assert status == "routed"
    with session_scope(res.db_url) as s:
        due = repository.get(s, dossier_id).due
    assert due == due_date("ket-hon", received, res.catalogue, [date(2026, 3, 3)]) == date(2026, 3, 10)
    assert due != due_date("ket-hon", received, res.catalogue)  # without the day off: Monday 9 March
