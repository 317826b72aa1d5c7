"""`hoso office queue / done` on dossiers the real pipeline routed: sample dossiers into the
inbox, `intake` on the Prefect test server, then the offices' queues read and settled
through the CLI."""

from __future__ import annotations

import json
import unicodedata
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from hoso.cli import app
from hoso.submit import submit_path
from storage import repository
from storage.database import session_scope

pytestmark = pytest.mark.slow
OFFICE = "ubnd-van-phong"


def hoso(*args: str, code: int = 0) -> Any:
    result = CliRunner().invoke(app, list(args))
    assert result.exit_code == code, f"hoso {' '.join(args)} → {result.exit_code}\n{result.output}\n{result.exception!r}"
    return result


def queue_json(*args: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in hoso("office", "queue", *args, "--json").stdout.splitlines()]


@pytest.fixture(scope="module")
def routed(prefect_server, module_settings, module_store, tmp_path_factory):  # type: ignore[no-untyped-def]
    """Three birth registrations (one office, three wards) and a rejected marriage, processed by `intake`.

    Their due dates are then set apart (overdue, none, in five days) so that the
    order of the queue is what is being checked, not the order of arrival.
    """
    from flows.intake import intake
    from domain.deadlines import today_in_vietnam
    from samples.corpus import generate_demo

    out = tmp_path_factory.mktemp("office")
    cases = {seed: generate_demo(out / str(seed), seed=seed) for seed in (7, 8, 9)}
    births = [next(c for c in cases[seed] if c.expected["procedure"] == "khai-sinh") for seed in (7, 8, 9)]
    rejected = next(c for c in cases[7] if c.expected["status"] == "rejected" and c.expected["office"] == OFFICE)
    sources = [submit_path(module_store, case.files[0], f"quay-{seed}") for seed, case in zip((7, 8, 9), births)]
    rejected_source = submit_path(module_store, rejected.files[0], "quay-7")
    intake()

    today = today_in_vietnam()
    with session_scope(module_settings.database_url) as session:
        by_source = {d.source: d for d in repository.list_all(session)}
        ids = []
        for source, case, due in zip(sources, births, (today - timedelta(days=2), None, today + timedelta(days=5))):
            dossier = by_source[source]
            assert dossier.status == "routed" and dossier.office == OFFICE, (case.name, dossier.status, [p.code for p in dossier.problems])
            dossier.due = due
            ids.append(dossier.id)
        rejected_id = by_source[rejected_source].id
        assert by_source[rejected_source].status == "rejected"
    return {"ids": ids, "births": births, "rejected": rejected_id}


def test_the_queue_lists_open_dossiers_by_due_date(routed) -> None:  # type: ignore[no-untyped-def]
    overdue, undated, later = routed["ids"]
    rows = queue_json(OFFICE)
    assert [r["id"] for r in rows] == [overdue, later, undated]  # overdue first, no due date last
    assert routed["rejected"] not in {r["id"] for r in rows}
    assert [r["days_left"] for r in rows] == [-2, 5, None]
    assert [r["overdue"] for r in rows] == [True, False, False]
    for row, case in zip(rows, [routed["births"][0], routed["births"][2], routed["births"][1]]):
        assert row["office"] == OFFICE and row["procedure"] == "khai-sinh" and row["status"] == "routed"
        assert row["receipt"] and row["commune"] == case.expected["commune"] and row["commune_name"]
        assert row["object_key"] == f"{OFFICE}/{row['commune']}/{row['id']}.json"
        name = unicodedata.normalize("NFC", case.expected["applicant_name"])
        assert row["applicant"] == " ".join(w[0] + "." for w in name.split())  # initials only


def test_the_table_names_the_office_and_hides_applicants(routed) -> None:  # type: ignore[no-untyped-def]
    out = hoso("office", "queue", OFFICE).stdout
    assert "Văn phòng HĐND và UBND" in out and "3 hồ sơ đang chờ, 1 quá hạn" in out
    assert "quá hạn 2 ngày" in out and "còn 5 ngày" in out
    for case in routed["births"]:
        assert unicodedata.normalize("NFC", case.expected["applicant_name"]) not in out
        assert case.expected["applicant_id"] not in out


def test_the_queue_of_one_ward(routed) -> None:  # type: ignore[no-untyped-def]
    case = routed["births"][1]
    commune = case.expected["commune"]
    rows = queue_json(OFFICE, "--commune", commune)
    assert routed["ids"][1] in {r["id"] for r in rows}
    assert {r["commune"] for r in rows} == {commune}
    from domain.catalogue_loading import default_catalogue

    by_name = queue_json(OFFICE, "--commune", default_catalogue().commune(commune).display_name)
    assert by_name == rows


def test_an_office_with_nothing_open(routed) -> None:  # type: ignore[no-untyped-def]
    assert queue_json("cong-an") == []
    assert "không có hồ sơ nào đang chờ" in hoso("office", "queue", "cong-an").stdout


def test_an_unknown_office_or_ward_is_named_with_the_known_ones(routed) -> None:  # type: ignore[no-untyped-def]
    result = hoso("office", "queue", "uy-ban", code=2)
    message = " ".join(result.stderr.split())
    assert "Không có cơ quan «uy-ban»" in message
    assert all(slug in message for slug in ("ubnd-van-phong", "cong-an", "phong-kinh-te"))
    assert message == unicodedata.normalize("NFC", message)
    result = hoso("office", "queue", OFFICE, "--commune", "phuong-khong-co", code=2)
    assert "Không có xã/phường «phuong-khong-co»" in " ".join(result.stderr.split())


def test_done_closes_the_handoff_and_ends_the_history(routed, module_settings) -> None:  # type: ignore[no-untyped-def]
    overdue, undated, later = routed["ids"]
    out = hoso("office", "done", overdue[:8], "--by", "Trần Thị Bình").stdout
    assert "đã giải quyết" in out
    assert [r["id"] for r in queue_json(OFFICE)] == [later, undated]
    with session_scope(module_settings.database_url) as session:
        dossier = repository.get(session, overdue)
        assert dossier is not None and dossier.status == "done"
        assert all(h.closed_at is not None for h in dossier.handoffs)
        last = repository.history(session, overdue)[-1]
        assert (last.from_status, last.to_status, last.actor) == ("routed", "done", "Trần Thị Bình")
    listed = {json.loads(line)["id"]: json.loads(line) for line in hoso("list", "--json").stdout.splitlines()}
    assert listed[overdue]["status"] == "done"
    shown = json.loads(hoso("show", overdue, "--json").stdout)
    assert shown["history"][-1]["to"] == "done"

    again = hoso("office", "done", overdue, code=2)
    assert "không nằm trong hàng chờ" in " ".join(again.stderr.split())
    assert "đã giải quyết" in again.stderr
    hoso("office", "done", "khong-co-ho-so-nay", code=2)


def test_a_settled_dossier_is_not_taken_again(routed, module_settings) -> None:  # type: ignore[no-untyped-def]
    """`done` is terminal: no intake or nightly run claims it back."""
    from datetime import timedelta as td

    from flows.resources import PIPELINE_VERSION

    overdue = routed["ids"][0]
    with session_scope(module_settings.database_url) as session:
        assert overdue not in repository.needing_reprocess(session, PIPELINE_VERSION)
        assert not repository.claim(session, overdue, "someone", td(minutes=5))
