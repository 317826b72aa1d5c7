"""A station replacing a file mid-run, re-sending one, and two stations sending the same bytes at once.

Real parts only (Prefect test server, weed mini, SQLite or PostgreSQL, Tesseract); the
interleavings are forced, not hoped for: the test replaces the object while the run is
seen in a step, or holds one run's first write on the database until the other has
settled, by a SQLAlchemy event on the real engine.
"""

from __future__ import annotations

import hashlib
import threading
import time
import uuid
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event

from core.settings import get_settings
from hoso.submit import submit_path
from storage import repository
from storage.database import engine_for, migrate, session_scope
from storage.objects import ObjectStore
from tasks.finalize import RESENT

pytestmark = pytest.mark.slow


def _counts(url: str, store: ObjectStore) -> dict[str, Any]:
    """What the closing note reports: records by status, objects per area, duplicates."""
    with session_scope(url) as s:
        rows = repository.list_all(s)
        by_status = Counter(d.status for d in rows)
        duplicates = sum(1 for d in rows if d.duplicate_of)
        originals = Counter(d.sha256 for d in rows if d.sha256 and not d.duplicate_of and d.status != "quarantined")
    return {
        "records": dict(by_status),
        "inbox": len(list(store.list("inbox"))),
        "archive_originals": sum(1 for o in store.list("archive") if "/original/" in o.key),
        "quarantine": len(list(store.list("quarantine"))),
        "duplicates": duplicates,
        "most_originals_of_one_content": max(originals.values(), default=0),
    }


def _versions(store: ObjectStore, key: str) -> list[tuple[str | None, bool]]:
    """Every version the inbox holds under ``key``: (version id, is a delete marker)."""
    client = store._client
    return [
        (o.version_id, bool(o.is_delete_marker))
        for o in client.list_objects(store.bucket("inbox"), prefix=key, recursive=True, include_version=True)
        if o.object_name == key
    ]


def test_a_key_replaced_while_its_dossier_runs_keeps_the_new_bytes(prefect_server, hoso_settings, store, tmp_path) -> None:
    """The station puts new bytes under the key while the first version is in OCR: the first version is
    archived and its record holds its SHA-256; the new bytes stay in the inbox and become their own dossier.

    Before the inbox was versioned, the run deleted the key at the end, and with it the new bytes
    (issue 16: the inbox ended empty and no object of the second file's size existed anywhere).
    """
    from flows.intake import intake
    from samples.corpus import generate_corpus

    url = hoso_settings.database_url
    migrate(url)
    first, second = generate_corpus(tmp_path / "c", count=2, seed=21, scan_ratio=1.0, defect_ratio=0.0)
    v1, v2 = first.files[0].read_bytes(), second.files[0].read_bytes()
    assert v1 != v2
    key = "tram-a/ho-so.pdf"
    v1_version = store.put("inbox", key, v1, "application/pdf")
    listed = next(o for o in store.list("inbox") if o.key == key)
    run = threading.Thread(target=lambda: intake(max_concurrency=1))
    run.start()
    deadline, seen = time.monotonic() + 180, None
    while seen is None and time.monotonic() < deadline:  # archived, now reading the scan (seconds of OCR)
        with session_scope(url) as s:
            seen = next((d.id for d in repository.list_all(s, ["processing"])), None)
        time.sleep(0.02)
    assert seen, "the dossier was never seen mid-way"
    store.put("inbox", key, v2, "application/pdf")  # the rescan, under the same name
    replaced_at = time.time()
    run.join()

    with session_scope(url) as s:
        d = repository.get(s, seen)
        assert d is not None
        settled_at = max(repository.as_utc(h.at).timestamp() for h in repository.history(s, seen) if h.to_status in repository.TERMINAL)
        assert settled_at > replaced_at  # the replacement happened while the run was in a step, before it settled
        assert d.status in repository.TERMINAL and d.sha256 == hashlib.sha256(v1).hexdigest()
        assert [f.inbox_version for f in d.files] == [listed.version_id]
        archived = d.files[0].archive_key
    assert store.get("archive", archived) == v1
    left = list(store.list("inbox"))
    assert [(o.key, o.size) for o in left] == [(key, len(v2))]  # the new bytes are still there…
    assert store.get("inbox", key) == v2
    assert _versions(store, key) == [(left[0].version_id, False)]  # …and only they: v1 deleted by its version id
    assert v1_version.etag != left[0].etag
    after_first = _counts(url, store)

    intake()  # the next intake makes the new bytes their own dossier
    with session_scope(url) as s:
        rows = repository.list_all(s)
        assert len(rows) == 2
        newer = next(d for d in rows if d.id != seen)
        assert newer.source == key and newer.sha256 == hashlib.sha256(v2).hexdigest()
        assert newer.status in repository.TERMINAL and newer.duplicate_of is None
        assert store.get("archive", repository.get(s, newer.id).files[0].archive_key) == v2
    assert list(store.list("inbox")) == [] and _versions(store, key) == []
    final = _counts(url, store)
    assert final["archive_originals"] == 2 and final["quarantine"] == 0 and final["duplicates"] == 0
    print("replaced mid-run:", {"after first run": after_first, "after next intake": final})


def test_identical_bytes_sent_again_after_processing_leave_a_history_line(prefect_server, hoso_settings, store, tmp_path) -> None:
    """The same key and ETag dropped again after the dossier was settled: not processed twice, not dropped
    silently either; the dossier's history says it was received again, once per re-sent version."""
    from flows.intake import intake
    from samples.corpus import generate_corpus

    url = hoso_settings.database_url
    case = generate_corpus(tmp_path / "c", count=1, seed=3, scan_ratio=0.0, defect_ratio=0.0)[0]
    data = case.files[0].read_bytes()
    key = "tram-a/to-khai.pdf"
    store.put("inbox", key, data, "application/pdf")
    intake()
    assert list(store.list("inbox")) == []
    resent = store.put("inbox", key, data, "application/pdf")
    intake()
    intake()  # a third pass finds nothing more to say
    with session_scope(url) as s:
        rows = repository.list_all(s)
        assert len(rows) == 1 and rows[0].status == "routed"
        lines = [h for h in repository.history(s, rows[0].id) if h.reason.startswith("trạm quét gửi lại")]
    assert len(lines) == 1
    assert lines[0].from_status == lines[0].to_status == "routed"
    assert resent.version_id and f"phiên bản {resent.version_id}" in lines[0].reason
    assert list(store.list("inbox")) == [] and _versions(store, key) == []
    counts = _counts(url, store)
    assert counts["records"] == {"routed": 1} and counts["archive_originals"] == 1
    print("identical re-send:", counts, "history line:", lines[0].reason)


def _hold_first_write(url: str, dossier_id: str, until_settled: str) -> tuple[threading.Event, list[str], Any]:
    """Hold ``dossier_id``'s first settling write (its archive step's keep_claim) until ``until_settled`` is settled.

    The hook runs before the statement reaches the database, so the held run has taken
    no lock yet (SQLite would otherwise keep the other run out).
    """
    held = threading.Event()
    problems: list[str] = []

    def before(conn, cursor, statement, params, context, executemany) -> None:  # type: ignore[no-untyped-def]
        text = " ".join(statement.split()).upper()
        if held.is_set() or not text.startswith("UPDATE DOSSIER SET "):
            return
        head = text.split(" WHERE ")[0]
        values = list(params.values() if isinstance(params, dict) else params)
        if "CLAIMED_BY" not in head or "CLAIMED_UNTIL" in head or dossier_id not in values:
            return  # not keep_claim (repository.keep_claim), or another dossier's
        held.set()
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline:
            with session_scope(url) as s:
                other = repository.get(s, until_settled)
                if other is not None and other.status in repository.TERMINAL:
                    return
            time.sleep(0.05)
        problems.append("the other run never settled")

    event.listen(engine_for(url), "before_cursor_execute", before)
    return held, problems, before


@pytest.mark.parametrize("database", ["sqlite", "postgresql"])
def test_the_same_bytes_from_two_stations_at_once_make_one_original(
    prefect_server, hoso_settings, postgres, monkeypatch, tmp_path, database
) -> None:
    """Two stations, the same file, one intake running both at once; the interleaving that once settled
    a file twice is forced: the later-received copy archives, checks and settles while the
    earlier-received one waits before its archive step's first write, then goes on.

    The old check (an earlier dossier with the same SHA-256?) answered no to both: the later copy
    found the earlier one not yet archived, the earlier copy found nothing earlier than itself.
    """
    from flows.intake import intake
    from samples.corpus import generate_corpus
    from storage.layout import InboxItem
    from tasks.register import register_item

    if database == "postgresql":
        monkeypatch.setenv("HOSO_DATABASE_URL", postgres.create_database("h" + uuid.uuid4().hex[:8]))
        get_settings.cache_clear()
    settings = get_settings()
    url = settings.database_url
    migrate(url)
    store = ObjectStore.from_settings(settings)
    store.ensure_buckets()
    case = generate_corpus(tmp_path / "c", count=1, seed=4, scan_ratio=0.0, defect_ratio=0.0)[0]
    data = case.files[0].read_bytes()
    earlier_key, later_key = "tram-b/giay-to.pdf", "tram-a/giay-to.pdf"
    store.put("inbox", earlier_key, data, "application/pdf")
    store.put("inbox", later_key, data, "application/pdf")
    listed = {o.key: o for o in store.list("inbox")}
    earlier = register_item(url, InboxItem(source=earlier_key, station="tram-b", objects=(listed[earlier_key],)))
    later = register_item(url, InboxItem(source=later_key, station="tram-a", objects=(listed[later_key],)))
    assert earlier.received_at < later.received_at
    held, problems, hook = _hold_first_write(url, earlier.dossier_id, until_settled=later.dossier_id)
    try:
        outcome = intake(max_concurrency=2)
    finally:
        event.remove(engine_for(url), "before_cursor_execute", hook)
    assert held.is_set() and problems == []  # the interleaving happened as forced
    assert sorted(r["status"] for r in outcome["results"]) == ["rejected", "routed"]
    with session_scope(url) as s:
        first, second = repository.get(s, later.dossier_id), repository.get(s, earlier.dossier_id)
        assert first is not None and second is not None
        assert first.status == "routed" and first.duplicate_of is None and first.original_sha256 == first.sha256
        assert second.status == "rejected" and second.duplicate_of == first.id and second.original_sha256 is None
        assert [p.code for p in second.problems] == ["ho-so-trung-lap"]
        assert second.files  # the copy is archived too
    counts = _counts(url, store)
    assert counts["most_originals_of_one_content"] == 1 and counts["duplicates"] == 1
    assert counts["inbox"] == 0 and counts["archive_originals"] == 2 and len(list(store.list("offices"))) == 1
    print(f"two stations at once ({database}):", counts)


def test_two_duplicate_checks_that_both_found_no_original_still_make_one_on_postgres(postgres) -> None:
    """The narrowest interleaving, forced in one transaction each: both checks read "no original yet"
    before either writes or commits (PostgreSQL lets both transactions be open at once; SQLite
    lets the second in only after the first commits). The unique index decides: one original,
    one duplicate, every round."""
    from datetime import timedelta

    from domain.catalogue_loading import default_catalogue
    from tasks.duplicates import link_if_duplicate

    url = postgres.create_database("h" + uuid.uuid4().hex[:8])
    migrate(url)
    catalogue = default_catalogue()
    for round_ in range(5):
        sha = hashlib.sha256(f"noi-dung-{round_}".encode()).hexdigest()
        ids = []
        for station in ("tram-a", "tram-b"):
            with session_scope(url) as s:
                d, _ = repository.register(s, source=f"{station}/{round_}.pdf", identity=f"{station}/{round_}.pdf@{sha[:8]}", station=station, actor="test")
                d.sha256 = sha
                ids.append(d.id)
            with session_scope(url) as s:
                assert repository.claim(s, d.id, f"run-{station}", timedelta(minutes=5))
        both_read = threading.Barrier(2, timeout=60)
        passed: set[int] = set()

        def after(conn, cursor, statement, params, context, executemany) -> None:  # type: ignore[no-untyped-def]
            me = threading.get_ident()
            if me in passed or not statement.lstrip().upper().startswith("SELECT") or "original_sha256 =" not in statement:
                return
            passed.add(me)
            both_read.wait()  # each check has looked for an original and found none; neither has written

        event.listen(engine_for(url), "after_cursor_execute", after)
        originals: dict[str, str | None] = {}
        errors: list[BaseException] = []

        def check(dossier_id: str, owner: str) -> None:
            try:
                originals[dossier_id] = link_if_duplicate(url, catalogue, dossier_id, owner)
            except BaseException as exc:  # noqa: BLE001 - reported below
                errors.append(exc)

        threads = [threading.Thread(target=check, args=(i, f"run-{st}")) for i, st in zip(ids, ("tram-a", "tram-b"))]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        event.remove(engine_for(url), "after_cursor_execute", after)
        assert errors == [] and len(passed) == 2
        winner = next(i for i, o in originals.items() if o is None)
        loser = next(i for i in ids if i != winner)
        assert originals[loser] == winner
        with session_scope(url) as s:
            w, lo = repository.get(s, winner), repository.get(s, loser)
            assert w.original_sha256 == sha and w.duplicate_of is None
            assert lo.original_sha256 is None and lo.duplicate_of == winner and lo.status == "rejected"
            assert [p.code for p in lo.problems] == ["ho-so-trung-lap"]


def test_hoso_run_counts_what_its_own_run_settled(prefect_server, hoso_settings, store, tmp_path) -> None:
    """`hoso run` counts the dossiers its intake's own runs settled, not another run's settled meanwhile:
    a second dossier, dropped after the intake listed the inbox, is settled by a run of its own
    while the intake is still reading its scan."""
    from flows.process_dossier import process_dossier
    from hoso.cli import run_intake
    from samples.corpus import generate_corpus

    url = hoso_settings.database_url
    migrate(url)
    scan = generate_corpus(tmp_path / "s", count=1, seed=32, scan_ratio=1.0, defect_ratio=0.0)[0]
    text = generate_corpus(tmp_path / "t", count=1, seed=31, scan_ratio=0.0, defect_ratio=0.0)[0]
    submit_path(store, scan.files[0], "quay-1")
    counts: dict[str, int] = {}
    run = threading.Thread(target=lambda: counts.update(run_intake(hoso_settings, here=True)))
    run.start()
    deadline, seen = time.monotonic() + 180, None
    while seen is None and time.monotonic() < deadline:  # the intake's run is in OCR
        with session_scope(url) as s:
            seen = next((d.id for d in repository.list_all(s, ["processing"])), None)
        time.sleep(0.02)
    assert seen, "the intake's dossier was never seen mid-way"
    other = submit_path(store, text.files[0], "quay-2")
    assert process_dossier(source=other)["status"] in repository.TERMINAL  # settled by a run that is not the intake's
    run.join()
    with session_scope(url) as s:
        settled = {d.id: d.status for d in repository.list_all(s) if d.status in repository.TERMINAL}
    assert len(settled) == 2
    assert counts == {settled[seen]: 1}
