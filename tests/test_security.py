"""Least privilege, tried from the outside on the real servers: what each part's key or login is refused.

S3: the session's `weed mini` enforces hoso's policies (storage/policies/*.json, the
documents MinIO takes) for the fixture's station and worker identities. The Prefect
server `hoso up` starts, the PostgreSQL roles and the secret files are in the tests
further down.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest
from minio.error import S3Error

from storage.objects import ObjectStore


def _refused(call: Any) -> str:
    with pytest.raises(S3Error) as caught:
        result = call()
        if hasattr(result, "__next__"):
            list(result)  # a listing is refused when it is read
    return caught.value.code


@pytest.fixture()
def areas(s3_server, hoso_settings, store) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    """An archived original, a file in quay-2's inbox folder, and the two stations' and the worker's stores."""
    store.put("archive", "dossiers/d1/original/01-cccd.pdf", b"%PDF-1.7 archived")
    waiting = store.put("inbox", "quay-2/giay-khai-sinh.pdf", b"%PDF-1.7 waiting")
    return {
        "admin": store,
        "quay1": s3_server.store_as(hoso_settings, s3_server.stations["quay-1"]),
        "worker": s3_server.store_as(hoso_settings, s3_server.worker),
        "waiting": waiting,
    }


def test_a_station_puts_into_its_own_folder_and_can_do_nothing_else(areas) -> None:  # type: ignore[no-untyped-def]
    station: ObjectStore = areas["quay1"]
    admin: ObjectStore = areas["admin"]
    own = station.put("inbox", "quay-1/scan.pdf", b"%PDF-1.7 new")
    assert admin.get("inbox", "quay-1/scan.pdf", own.version_id) == b"%PDF-1.7 new"
    assert list(station.keys("inbox", "quay-1/")) == ["quay-1/scan.pdf"]  # its own folder, to pick a free name

    assert _refused(lambda: station.get("archive", "dossiers/d1/original/01-cccd.pdf")) == "AccessDenied"
    assert _refused(lambda: station.keys("archive", "dossiers/")) == "AccessDenied"
    assert _refused(lambda: station.keys("inbox", "quay-2/")) == "AccessDenied"
    assert _refused(lambda: station.keys("inbox", "")) == "AccessDenied"
    assert _refused(lambda: station.get("inbox", "quay-2/giay-khai-sinh.pdf")) == "AccessDenied"
    assert _refused(lambda: station.get("inbox", "quay-1/scan.pdf")) == "AccessDenied"  # not even its own, once sent
    assert _refused(lambda: station.put("inbox", "quay-2/gia-mao.pdf", b"x")) == "AccessDenied"
    assert _refused(lambda: station.put("archive", "dossiers/d1/record.json", b"{}")) == "AccessDenied"
    waiting = areas["waiting"]
    assert _refused(lambda: station.remove("inbox", "quay-2/giay-khai-sinh.pdf", waiting.version_id)) == "AccessDenied"
    assert _refused(lambda: station.remove("inbox", "quay-1/scan.pdf", own.version_id)) == "AccessDenied"
    assert _refused(lambda: station.remove("inbox", "quay-1/scan.pdf")) == "AccessDenied"  # no delete marker either
    # everything is still where it was
    assert admin.get("inbox", "quay-2/giay-khai-sinh.pdf") == b"%PDF-1.7 waiting"
    assert admin.get("inbox", "quay-1/scan.pdf") == b"%PDF-1.7 new"
    assert admin.get("archive", "dossiers/d1/original/01-cccd.pdf") == b"%PDF-1.7 archived"


def test_the_worker_does_its_job_and_cannot_change_what_guards_the_buckets(areas) -> None:  # type: ignore[no-untyped-def]
    worker: ObjectStore = areas["worker"]
    admin: ObjectStore = areas["admin"]
    waiting = areas["waiting"]
    worker.ensure_buckets()  # buckets there, versioning on: only looked at
    assert worker.get("inbox", "quay-2/giay-khai-sinh.pdf", waiting.version_id) == b"%PDF-1.7 waiting"
    worker.put("archive", "dossiers/d2/original/01-a.pdf", b"%PDF-1.7 a")
    worker.put_json("quarantine", "d3/x.pdf.reason.json", {"code": "tep-rong"})
    worker.put_json("offices", "cong-an/phuong-ngoc-ha/d2.json", {"id": "d2"})
    worker.remove("inbox", "quay-2/giay-khai-sinh.pdf", waiting.version_id)
    assert not admin.exists("inbox", "quay-2/giay-khai-sinh.pdf")

    client = worker._client
    public = json.dumps({
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Principal": "*", "Action": ["s3:GetObject"], "Resource": [f"arn:aws:s3:::{worker.bucket('archive')}/*"]}],
    })
    assert _refused(lambda: client.set_bucket_policy(worker.bucket("archive"), public)) == "AccessDenied"
    assert _refused(lambda: client.delete_bucket_policy(worker.bucket("archive"))) == "AccessDenied"
    assert _refused(lambda: client.make_bucket(worker.bucket("archive") + "-copy")) == "AccessDenied"
    assert _refused(lambda: worker.remove("archive", "dossiers/d1/original/01-cccd.pdf")) == "AccessDenied"
    assert _refused(lambda: worker.put("inbox", "quay-1/gia-mao.pdf", b"x")) == "AccessDenied"
    assert _refused(lambda: client.remove_bucket(worker.bucket("quarantine"))) == "AccessDenied"
    assert admin.get("archive", "dossiers/d1/original/01-cccd.pdf") == b"%PDF-1.7 archived"
    # the archive link an official gets is signed with the worker's key, and works
    import urllib3

    url = worker.presigned_url("archive", "dossiers/d2/original/01-a.pdf")
    assert urllib3.PoolManager().request("GET", url).data == b"%PDF-1.7 a"


def test_a_secret_file_others_can_read_is_refused(tmp_path: Path) -> None:
    from core.errors import ConfigError
    from core.secrets import write_secret_json
    from core.settings import Settings

    path = write_secret_json(tmp_path / "quay-1.json", {"s3_access_key": "quay-1", "s3_secret_key": "bi-mat-cua-tram"})
    assert os.stat(path).st_mode & 0o777 == 0o600
    settings = Settings(credentials_file=path, s3_access_key="hoso-local")
    assert (settings.s3_access_key, settings.s3_secret_key.get_secret_value()) == ("quay-1", "bi-mat-cua-tram")
    assert "bi-mat-cua-tram" not in repr(settings)
    os.chmod(path, 0o644)
    with pytest.raises(ConfigError, match="chmod 600"):
        Settings(credentials_file=path)
    os.chmod(path, 0o600)
    path.write_text(json.dumps({"s3_secret": "typo"}))
    with pytest.raises(ConfigError, match="s3_secret"):
        Settings(credentials_file=path)


def test_the_repository_policies_are_the_ones_the_server_enforces() -> None:
    """The JSON in storage/policies is what `mc admin policy create` takes, and what weed mini's config carries."""
    from storage.access import S3Identity, policy_document, seaweed_s3_config

    station = policy_document("station")
    assert station["Statement"][0]["Resource"] == ["arn:aws:s3:::hoso-inbox/${aws:username}/*"]
    worker = policy_document("worker", "ward7")
    actions = {a for s in worker["Statement"] for a in s["Action"]}
    assert "s3:PutBucketPolicy" not in actions and "s3:CreateBucket" not in actions and "s3:DeleteBucket" not in actions
    assert all(r.startswith("arn:aws:s3:::ward7-") for s in worker["Statement"] for r in s["Resource"])
    config = seaweed_s3_config([S3Identity("quay-1", "quay-1", "s", "station")], "ward7")
    assert json.loads(config["policies"][0]["content"]) == policy_document("station", "ward7")
    assert config["identities"][0]["policyNames"] == ["hoso-station"] and "actions" not in config["identities"][0]
    assert "'s'" not in repr(S3Identity("quay-1", "quay-1", "s", "station"))


def test_an_archive_link_lasts_hours_and_the_artifact_says_until_when(store) -> None:  # type: ignore[no-untyped-def]
    from datetime import datetime, timedelta, timezone
    from urllib.parse import parse_qs, urlparse

    import urllib3

    from domain.catalogue_loading import default_catalogue
    from tasks.publish import ArchiveLink, archive_link, dossier_markdown

    store.put("archive", "dossiers/d9/original/01-scan.pdf", b"%PDF-1.7 d9")
    from storage.records import DossierRecord, FileRecord

    record = DossierRecord(
        id="d9", source="quay-1/scan.pdf", station="quay-1", procedure=None, office=None, commune=None, status="needs_review",
        receipt=None, due=None, received_at=None, sha256="0" * 64, duplicate_of=None,
        files=(FileRecord("scan.pdf", "dossiers/d9/original/01-scan.pdf", "0" * 64, 11, "application/pdf"),), with_pages=True,
    )
    before = datetime.now(timezone.utc)
    link = archive_link(store, record)  # the default: 8 hours
    assert link is not None
    assert parse_qs(urlparse(link.url).query)["X-Amz-Expires"] == [str(8 * 3600)]
    assert timedelta(hours=8) <= link.expires_at - before < timedelta(hours=8, minutes=1)
    assert urllib3.PoolManager().request("GET", link.url).data == b"%PDF-1.7 d9"
    short = archive_link(store, record, timedelta(hours=2))
    assert short is not None and parse_qs(urlparse(short.url).query)["X-Amz-Expires"] == ["7200"]

    fixed = ArchiveLink("https://s3.example/x", datetime(2026, 12, 2, 9, 30, tzinfo=timezone.utc))
    markdown = dossier_markdown(record, default_catalogue(), fixed, before.date())
    assert "liên kết có hiệu lực đến 16:30 ngày 02/12/2026 (giờ Việt Nam)" in markdown  # UTC+7


def test_status_flags_default_credentials_only_off_loopback(tmp_path: Path) -> None:
    from core.settings import Settings
    from hoso.stack import exposure_warnings

    local = Settings(home=tmp_path, s3_endpoint="127.0.0.1:8333", database_url="postgresql+psycopg://hoso@127.0.0.1:5432/hoso")
    assert exposure_warnings(local) == []
    exposed = Settings(home=tmp_path, s3_endpoint="10.20.0.5:9000", database_url="postgresql+psycopg://hoso:hoso@10.20.0.6/hoso")
    warnings = exposure_warnings(exposed)
    assert len(warnings) == 2 and "10.20.0.5:9000" in warnings[0] and "10.20.0.6" in warnings[1]
    assert not any("hoso-local-secret" in w for w in warnings)
    own = Settings(home=tmp_path, s3_endpoint="10.20.0.5:9000", s3_access_key="phuong-7", s3_secret_key="Zq8…riêng",
                   database_url="postgresql+psycopg://hoso_worker:k3y-d41-d4c@10.20.0.6/hoso")
    assert exposure_warnings(own) == []


def test_database_roles_workers_keep_rows_not_tables_and_the_portal_reads_a_lookup(postgres, tmp_path: Path) -> None:
    """PostgreSQL (`hoso db roles`, storage/roles.sql): the worker's role writes records but cannot drop or
    alter a table, the migrations have their own role, the portal's role reads only the lookup's columns."""
    import subprocess
    import sys
    import uuid

    import psycopg
    from psycopg import errors

    from core.secrets import read_secret_json
    from storage import repository
    from storage.database import migrate, session_scope

    tag = uuid.uuid4().hex[:6]
    admin = postgres.create_database("r" + tag)
    env = {**{k: v for k, v in os.environ.items() if not k.startswith("HOSO_")}, "HOSO_HOME": str(tmp_path), "HOSO_DATABASE_URL": admin}
    hoso = str(Path(sys.executable).parent / "hoso")
    for _ in range(2):  # repeatable; the second run keeps the passwords
        done = subprocess.run([hoso, "db", "roles", "--prefix", f"h{tag}"], env=env, capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, done.stdout + done.stderr
    logins = read_secret_json(tmp_path / "secrets" / "database.json")
    assert all(str(v).split(":")[2].split("@")[0] not in done.stdout for v in logins.values())  # no password printed
    worker_url, portal_url, migrate_url = logins["worker_url"], logins["portal_url"], logins["migrate_url"]
    migrate(worker_url)  # at head: a no-op the worker may do (resources() runs it)
    with session_scope(worker_url) as s:
        d, _ = repository.register(s, source="quay-1/a.pdf", identity="quay-1/a.pdf@1", station="quay-1", actor="test")
        d.receipt, d.status, d.fields = "000.00.00.H30-261202-0001", "routed", {"applicant_name": "Nguyễn Văn An"}

    def as_role(url: str, statement: str) -> Any:
        with psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://"), autocommit=True) as conn:
            cursor = conn.execute(statement)
            return cursor.fetchall() if cursor.description else None

    for statement in ("DROP TABLE page", "ALTER TABLE dossier ADD COLUMN x int", "TRUNCATE dossier_file", "CREATE TABLE evil (x int)", "DROP TABLE alembic_version"):
        with pytest.raises(errors.InsufficientPrivilege):
            as_role(worker_url, statement)
    assert as_role(worker_url, "SELECT count(*) FROM page") == [(0,)]  # still there
    lookup = "SELECT status, procedure, due FROM dossier WHERE receipt = '000.00.00.H30-261202-0001'"
    assert as_role(portal_url, lookup) == [("routed", None, None)]
    for statement in ("SELECT fields FROM dossier", "SELECT * FROM dossier", "SELECT text FROM page", "SELECT * FROM state_change",
                      "UPDATE dossier SET status = 'done'", "DELETE FROM dossier"):
        with pytest.raises(errors.InsufficientPrivilege):
            as_role(portal_url, statement)
    with pytest.raises(errors.InsufficientPrivilege):
        as_role(migrate_url, "SELECT 1 FROM pg_authid")  # the migrations role is no administrator
    as_role(migrate_url, "ALTER TABLE dossier ADD COLUMN migrated_by_its_own_role int")  # but it owns the schema


def test_the_portal_files_residents_folders_and_reads_the_archive_only(s3_server, hoso_settings, areas) -> None:  # type: ignore[no-untyped-def]
    """The portal's own key (storage/policies/portal.json): residents' folders in, archived papers of a supplement out."""
    portal: ObjectStore = s3_server.store_as(hoso_settings, s3_server.portal)
    admin: ObjectStore = areas["admin"]
    filed = portal.put("inbox", "cong-dan/abc/01-to-khai.pdf", b"%PDF-1.7 resident")
    assert admin.get("inbox", "cong-dan/abc/01-to-khai.pdf", filed.version_id) == b"%PDF-1.7 resident"
    assert portal.get("archive", "dossiers/d1/original/01-cccd.pdf") == b"%PDF-1.7 archived"
    portal.remove("inbox", "cong-dan/abc/01-to-khai.pdf", filed.version_id)  # a filing that failed half-way

    assert _refused(lambda: portal.put("inbox", "quay-2/gia-mao.pdf", b"x")) == "AccessDenied"
    assert _refused(lambda: portal.get("inbox", "quay-2/giay-khai-sinh.pdf")) == "AccessDenied"
    assert _refused(lambda: portal.keys("inbox", "")) == "AccessDenied"
    assert _refused(lambda: portal.put("archive", "dossiers/d1/record.json", b"{}")) == "AccessDenied"
    assert _refused(lambda: portal.remove("inbox", "quay-2/giay-khai-sinh.pdf", areas["waiting"].version_id)) == "AccessDenied"
    assert admin.get("inbox", "quay-2/giay-khai-sinh.pdf") == b"%PDF-1.7 waiting"
