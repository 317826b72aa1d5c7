"""Object store, bucket layout and the metadata database, against the real weed mini and SQLite."""

from __future__ import annotations

import urllib.request
from datetime import date
from pathlib import Path
from typing import Any
from urllib.error import HTTPError

import pytest
from sqlalchemy import inspect

from storage import repository
from storage.database import engine_for, migrate, session_scope
from storage.layout import InboxItem, group_inbox, original_key, safe_name
from storage.objects import StoredObject


def test_object_roundtrip_with_vietnamese_key(store) -> None:
    key = "quay-1/Hồ sơ khai sinh (bản 1).pdf"
    store.put("inbox", key, b"%PDF-1.4 test")
    assert store.get("inbox", key) == b"%PDF-1.4 test"
    assert [o.key for o in store.list("inbox", "quay-1/")] == [key]
    store.remove("inbox", key)
    assert not store.exists("inbox", key)


def test_the_inbox_is_versioned_and_a_delete_by_version_keeps_a_newer_version(store) -> None:
    """What clearing the inbox relies on (tasks/finalize.py), on the real `weed mini`: a put under a key that
    holds a version makes a new version; a delete naming the old version removes it and nothing else; a
    delete naming no version only hides the key under a delete marker. Also what it does not rely on:
    weed refuses a DELETE whose If-Match names an older ETag (MinIO would delete anyway, minio/minio#21677)."""
    from minio.error import S3Error

    key = "tram-a/quet-lai.pdf"
    first = store.put("inbox", key, b"%PDF-1.4 ban dau")
    second = store.put("inbox", key, b"%PDF-1.4 ban quet lai")
    assert first.version_id and second.version_id and first.version_id != second.version_id
    assert [(o.key, o.version_id, o.etag) for o in store.list("inbox", "tram-a/")] == [(key, second.version_id, second.etag)]
    with pytest.raises(S3Error) as refused:
        store._client._execute("DELETE", store.bucket("inbox"), key, headers={"If-Match": f'"{first.etag}"'})
    assert refused.value.code == "PreconditionFailed"
    store.remove("inbox", key, first.version_id)
    assert store.get("inbox", key) == b"%PDF-1.4 ban quet lai"

    def versions() -> list[tuple[str | None, bool]]:
        listed = store._client.list_objects(store.bucket("inbox"), prefix=key, include_version=True)
        return [(o.version_id, bool(o.is_delete_marker)) for o in listed]

    assert versions() == [(second.version_id, False)]
    store.remove("inbox", key)  # no version named: a delete marker on top, the bytes kept
    assert list(store.list("inbox", "tram-a/")) == []
    assert store.get("inbox", key, second.version_id) == b"%PDF-1.4 ban quet lai"
    for version_id, _ in versions():
        store.remove("inbox", key, version_id)
    assert versions() == []


def test_a_throwaway_prefix_is_dropped_whole_and_only_when_named(store) -> None:
    store.put("inbox", "quay-1/a.pdf", b"%PDF-1.4 a")
    store.put("archive", "dossiers/x/original/a.pdf", b"%PDF-1.4 a")
    with pytest.raises(ValueError):
        store.drop_all("hoso")  # another prefix: refused, nothing removed
    assert store.exists("inbox", "quay-1/a.pdf")
    prefix = store.bucket("inbox").rsplit("-", 1)[0]
    assert store.drop_all(prefix) == 2
    assert not store._client.bucket_exists(store.bucket("inbox")) and not store._client.bucket_exists(store.bucket("archive"))
    store.ensure_buckets()  # the fixture's other users get their buckets back


def test_buckets_are_private_and_presigned_links_work(store) -> None:
    store.put("archive", "dossiers/x/original/01-a.pdf", b"secret")
    host = store.endpoint
    with pytest.raises(HTTPError) as denied:
        urllib.request.urlopen(f"http://{host}/{store.bucket('archive')}/dossiers/x/original/01-a.pdf", timeout=10)
    assert denied.value.code in {401, 403}
    url = store.presigned_url("archive", "dossiers/x/original/01-a.pdf")
    assert urllib.request.urlopen(url, timeout=10).read() == b"secret"


def _obj(key: str, etag: str = "e") -> StoredObject:
    return StoredObject(key=key, size=1, etag=etag)


def test_inbox_grouping_files_folders_and_waiting() -> None:
    listing = [
        _obj("quay-1/a.pdf"),
        _obj("quay-1/ho-so-2/trang-1.png"),
        _obj("quay-1/ho-so-2/trang-2.png"),
        _obj("quay-1/ho-so-2/manifest.json"),
        _obj("quay-2/dang-tai/trang-1.png"),
        _obj("khong-tram.pdf"),
    ]
    manifests = {"quay-1/ho-so-2/manifest.json": b'{"files": ["trang-2.png", "trang-1.png"]}'}
    items, waiting = group_inbox(listing, manifests)
    by_source = {i.source: i for i in items}
    assert set(by_source) == {"quay-1/a.pdf", "quay-1/ho-so-2/"}
    assert [o.key for o in by_source["quay-1/ho-so-2/"].objects] == ["quay-1/ho-so-2/trang-2.png", "quay-1/ho-so-2/trang-1.png"]
    assert {w.source for w in waiting} == {"quay-2/dang-tai/", "khong-tram.pdf"}


def test_manifest_naming_missing_files_waits() -> None:
    listing = [_obj("q/h/manifest.json"), _obj("q/h/a.png")]
    items, waiting = group_inbox(listing, {"q/h/manifest.json": b'{"files": ["a.png", "b.png"]}'})
    assert items == [] and waiting[0].source == "q/h/"


def test_identity_changes_with_content_not_with_listing_order() -> None:
    a = InboxItem("q/a.pdf", "q", (_obj("q/a.pdf", "111"),))
    same = InboxItem("q/a.pdf", "q", (_obj("q/a.pdf", "111"),))
    other = InboxItem("q/a.pdf", "q", (_obj("q/a.pdf", "222"),))
    assert a.identity == same.identity != other.identity


@pytest.mark.parametrize(
    "name",
    ["../../etc/passwd", "a b c.pdf", "Hồ sơ đăng ký.pdf", "x" * 400 + ".pdf", "..", "con\\trỏ\\tệp.pdf"],
)
def test_safe_names_stay_inside_their_folder(name: str) -> None:
    safe = safe_name(name)
    key = original_key("abc", 1, name)
    assert "/" not in safe and ".." not in safe and safe
    assert len(safe.encode()) <= 120
    assert key.startswith("dossiers/abc/original/01") and safe.rsplit(".", 1)[0] not in key  # by position, never by name


def test_migrations_create_schema_and_are_idempotent(tmp_path) -> None:
    url = f"sqlite:///{tmp_path / 'm.db'}"
    migrate(url)
    migrate(url)
    tables = set(inspect(engine_for(url)).get_table_names())
    assert {"dossier", "dossier_file", "page", "problem", "handoff", "state_change", "receipt_counter", "alembic_version"} <= tables


def test_register_is_idempotent_and_history_is_recorded(tmp_path) -> None:
    url = f"sqlite:///{tmp_path / 'r.db'}"
    migrate(url)
    with session_scope(url) as s:
        d1, created1 = repository.register(s, source="q/a.pdf", identity="q/a.pdf@1", station="q", actor="test")
    with session_scope(url) as s:
        d2, created2 = repository.register(s, source="q/a.pdf", identity="q/a.pdf@1", station="q", actor="test")
        repository.set_status(s, repository.get(s, d2.id), "routed", actor="test", reason="ok")
    assert created1 and not created2 and d1.id == d2.id
    with session_scope(url) as s:
        steps = [(h.from_status, h.to_status) for h in repository.history(s, d1.id)]
    assert steps == [(None, "received"), ("received", "routed")]


def test_receipt_sequence_counts_per_unit_and_day(tmp_path) -> None:
    url = f"sqlite:///{tmp_path / 'c.db'}"
    migrate(url)
    day = date(2026, 11, 25)
    with session_scope(url) as s:
        seq = [repository.next_receipt_sequence(s, "000.00.00.H30", day) for _ in range(3)]
        other_day = repository.next_receipt_sequence(s, "000.00.00.H30", date(2026, 11, 26))
    assert seq == [1, 2, 3] and other_day == 1


def _one_dossier(tmp_path: Path) -> tuple[str, Any]:
    """A fresh records database holding one received dossier."""
    url = f"sqlite:///{tmp_path / 'one.db'}"
    migrate(url)
    with session_scope(url) as s:
        d, _ = repository.register(s, source="q/a.pdf", identity="q/a.pdf@1", station="q", actor="test")
    return url, d


def test_only_one_run_holds_a_dossier_until_its_lease_expires(tmp_path) -> None:
    from datetime import timedelta

    url, d = _one_dossier(tmp_path)
    with session_scope(url) as s:
        assert repository.claim(s, d.id, "run-a", timedelta(minutes=5))
    with session_scope(url) as s:
        assert not repository.claim(s, d.id, "run-b", timedelta(minutes=5))
        assert repository.claim(s, d.id, "run-a", timedelta(minutes=5))  # the holder may renew
    with session_scope(url) as s:
        assert repository.claim(s, d.id, "run-a", timedelta(seconds=-1))  # lease already over
    with session_scope(url) as s:
        assert repository.claim(s, d.id, "run-b", timedelta(minutes=5))  # a killed run's lease lapses
        repository.set_status(s, repository.get(s, d.id), "routed", actor="test", reason="xong")
    with session_scope(url) as s:
        assert not repository.claim(s, d.id, "run-c", timedelta(minutes=5))  # settled
        assert repository.claim(s, d.id, "run-c", timedelta(minutes=5), settled_too=True)


def test_only_the_holder_may_settle_even_after_its_lease_ran_out(tmp_path) -> None:
    from datetime import timedelta

    from core.errors import ClaimLost

    url, d = _one_dossier(tmp_path)
    with session_scope(url) as s:
        assert repository.claim(s, d.id, "slow-run", timedelta(seconds=-1))  # its lease is over at once
    with session_scope(url) as s:
        repository.keep_claim(s, d.id, "slow-run")  # nobody took over: it may still settle
    with session_scope(url) as s:
        assert repository.claim(s, d.id, "new-run", timedelta(minutes=5))
    with pytest.raises(ClaimLost) as lost, session_scope(url) as s:
        repository.keep_claim(s, d.id, "slow-run")
    assert lost.value.code == "luot-khac-da-tiep-quan"
    with pytest.raises(ClaimLost), session_scope(url) as s:
        repository.expect_claim(s, d.id, "slow-run")  # the early check agrees
    with session_scope(url) as s:
        repository.keep_claim(s, d.id, "new-run")
        repository.set_status(s, repository.get(s, d.id), "routed", actor="test", reason="xong")
    with session_scope(url) as s:  # the settling step retried by its own run (say, after an S3 hiccup) still may
        repository.keep_claim(s, d.id, "new-run")
        assert repository.claim(s, d.id, "nightly", timedelta(minutes=5), settled_too=True)  # the lease ended with it
    with pytest.raises(ClaimLost), session_scope(url) as s:
        repository.keep_claim(s, d.id, "slow-run")
