"""The S3 event receiver on real parts: MinIO's notification JSON posted over HTTP to the
receiver (uvicorn on a free port), the Prefect events it emits read back from the Prefect
test server, and the trigger declared in prefect.yaml, installed on that server, turning
them into `process-dossier` runs for the right source."""

from __future__ import annotations

import json
import threading
import time
import unicodedata
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import quote_plus

import httpx
import pytest
import yaml

from hoso.inbox_events import EVENT_NAME, BadNotification, inbox_signals, parse_notification, parse_seaweed_notification
from core.sealing import PREFIX, digest, unseal
from storage.layout import group_inbox, source_for_key
from storage.objects import StoredObject
from tests.conftest import _free_port

T = TypeVar("T")
PROJECT = Path(__file__).resolve().parent.parent
TOKEN = "hoso-webhook-" + uuid.uuid4().hex[:8]

# What MinIO posts for `mc cp "Giấy khai sinh Nguyễn Văn An 05-03-2024.pdf" ALIAS/hoso-inbox/quay-2/`:
# the key escaped as a URL query value ("+" for a space, "%2F" for "/").
MINIO_SAMPLE = r"""
{
  "EventName": "s3:ObjectCreated:Put",
  "Key": "hoso-inbox/quay-2/Giấy khai sinh Nguyễn Văn An 05-03-2024.pdf",
  "Records": [
    {
      "eventVersion": "2.0",
      "eventSource": "minio:s3",
      "awsRegion": "",
      "eventTime": "2025-07-14T02:31:08.512Z",
      "eventName": "s3:ObjectCreated:Put",
      "userIdentity": {"principalId": "quay-2"},
      "requestParameters": {"principalId": "quay-2", "region": "", "sourceIPAddress": "10.0.0.12"},
      "responseElements": {
        "x-amz-id-2": "dd9025bab4ad464b049177c95eb6ebf374d3b3fd1af9251148b658df7ac2e3e8",
        "x-amz-request-id": "1852B2A0C1D4A8F1",
        "x-minio-deployment-id": "3a4d1c62-6d0b-4e8a-9a0f-2b7c61f0e8d5",
        "x-minio-origin-endpoint": "http://10.0.0.5:9000"
      },
      "s3": {
        "s3SchemaVersion": "1.0",
        "configurationId": "Config",
        "bucket": {"name": "hoso-inbox", "ownerIdentity": {"principalId": "minioadmin"}, "arn": "arn:aws:s3:::hoso-inbox"},
        "object": {
          "key": "quay-2%2FGi%E1%BA%A5y+khai+sinh+Nguy%E1%BB%85n+V%C4%83n+An+05-03-2024.pdf",
          "size": 48213,
          "eTag": "5d41402abc4b2a76b9719d911017c592",
          "contentType": "application/pdf",
          "userMetadata": {"content-type": "application/pdf"},
          "sequencer": "1852B2A0C1E0B1A2"
        }
      },
      "source": {"host": "10.0.0.12", "port": "", "userAgent": "MinIO (linux; amd64) minio-go/v7.0.70"}
    }
  ]
}
"""
SAMPLE_KEY = unicodedata.normalize("NFC", "quay-2/Giấy khai sinh Nguyễn Văn An 05-03-2024.pdf")


# What weed mini's filer webhook ([notification.webhook], `hoso up`'s notification.toml) posted for
# `mc cp "tệp thử.pdf"` into the versioned inbox (weed 4.48): one filer event per request, the object's
# bytes under KEY.versions/v_<version id>, its S3 ETag base64-encoded in the entry's extended attributes.
SEAWEED_SAMPLE = r"""
{"event_type": "create",
 "key": "/buckets/hoso-inbox/quay-1/tệp thử.pdf.versions/v_67128a1bcc8eaa5e1cdc266d0eacc72c",
 "message": {"new_entry": {"name": "v_67128a1bcc8eaa5e1cdc266d0eacc72c",
   "chunks": [{"size": 14, "modified_ts_ns": 1796221535982655111, "e_tag": "Az4X3IQyBvxokboZ2hHEmw==",
               "fid": {"volume_id": 1, "file_key": 2, "cookie": 172093803}}],
   "attributes": {"file_size": 14, "mtime": 1796221535, "file_mode": 432, "crtime": 1796221535,
                  "md5": "Az4X3IQyBvxokboZ2hHEmw==", "inode": 6443008341730112226},
   "extended": {"Seaweed-X-Amz-ETag": "MDMzZTE3ZGM4NDMyMDZmYzY4OTFiYTE5ZGExMWM0OWI=", "Seaweed-X-Amz-Owner": "YWRtaW4=",
                "Seaweed-X-Amz-Version-Id": "NjcxMjhhMWJjYzhlYWE1ZTFjZGMyNjZkMGVhY2M3MmM="}},
  "delete_chunks": true,
  "new_parent_path": "/buckets/hoso-inbox/quay-1/tệp thử.pdf.versions", "signatures": [256773212]}}
"""
# The folder weed makes for those versions, and a station's folder: no object.
SEAWEED_FOLDER = r"""
{"event_type": "create", "key": "/buckets/hoso-inbox/quay-1/tệp thử.pdf.versions",
 "message": {"new_entry": {"name": "tệp thử.pdf.versions", "is_directory": true, "attributes": {"mtime": 1796221535}},
  "new_parent_path": "/buckets/hoso-inbox/quay-1", "signatures": [256773212]}}
"""


def test_seaweedfs_filer_events_are_read_as_the_object_they_create() -> None:
    [record] = parse_seaweed_notification(json.loads(SEAWEED_SAMPLE))
    assert (record.bucket, record.key, record.etag, record.size) == ("hoso-inbox", "quay-1/tệp thử.pdf", "033e17dc843206fc6891ba19da11c49b", 14)
    assert record.event_name == "s3:ObjectCreated:Put" and record.event_time.startswith("2026-")
    [signal], _ = inbox_signals([record], "hoso-inbox")
    assert signal.source == "quay-1/tệp thử.pdf"
    # the same object announced by MinIO would be the same Prefect event
    minio = parse_notification(minio_notification("hoso-inbox", ("quay-1/tệp thử.pdf", record.etag, 14)))
    assert inbox_signals(minio, "hoso-inbox")[0][0].event_id == signal.event_id
    assert parse_seaweed_notification(json.loads(SEAWEED_FOLDER)) == []
    unversioned = json.loads(SEAWEED_SAMPLE)
    unversioned["key"] = "/buckets/hoso-inbox/quay-1/b.pdf"
    del unversioned["message"]["new_entry"]["extended"]
    assert [(r.key, r.etag) for r in parse_seaweed_notification(unversioned)] == [("quay-1/b.pdf", "033e17dc843206fc6891ba19da11c49b")]
    deleted = {**json.loads(SEAWEED_SAMPLE), "event_type": "delete"}
    assert parse_seaweed_notification(deleted) == []
    with pytest.raises(BadNotification):
        parse_seaweed_notification({"Records": []})


def minio_notification(bucket: str, *objects: tuple[str, str, int], event_name: str = "s3:ObjectCreated:Put") -> dict[str, Any]:
    """A notification shaped as MINIO_SAMPLE for ``(key, etag, size)`` objects, keys escaped as MinIO does."""
    sample = json.loads(MINIO_SAMPLE)
    template = sample["Records"][0]
    records = []
    for key, etag, size in objects:
        record = json.loads(json.dumps(template))
        record["eventName"] = event_name
        record["s3"]["bucket"].update(name=bucket, arn=f"arn:aws:s3:::{bucket}")
        record["s3"]["object"].update(key=quote_plus(key, safe=""), eTag=etag, size=size)
        records.append(record)
    return {"EventName": event_name, "Key": f"{bucket}/{objects[0][0]}", "Records": records}


def wait_for(what: str, probe: Callable[[], T | None], timeout_s: float = 90, step_s: float = 0.3) -> T:
    """Poll until ``probe`` returns something truthy (a bounded wait, not a timing claim)."""
    deadline = time.monotonic() + timeout_s
    while True:
        found = probe()
        if found:
            return found
        assert time.monotonic() < deadline, f"still waiting for {what} after {timeout_s:.0f} s"
        time.sleep(step_s)


# --- the key → dossier rule ------------------------------------------------------------


@pytest.mark.parametrize(
    ("key", "source"),
    [
        ("quay-1/scan.pdf", "quay-1/scan.pdf"),
        (SAMPLE_KEY, SAMPLE_KEY),
        ("quay-3/hồ sơ kết hôn/manifest.json", "quay-3/hồ sơ kết hôn/"),
        ("quay-3/hồ sơ kết hôn/trang 1.png", None),  # the manifest, written last, brings the event that counts
        ("quay-3/a/b/manifest.json", None),  # a manifest deeper than a dossier folder is just a file in it
        ("scan.pdf", None),  # not under a station
        ("/scan.pdf", None),
        ("quay-1/", None),  # a folder marker
        ("quay-1/scan.pdf.reason.json", None),
        ("", None),
    ],
)
def test_source_for_key(key: str, source: str | None) -> None:
    assert source_for_key(key) == source


def test_source_for_key_agrees_with_the_inbox_grouping() -> None:
    keys = ["quay-1/a.pdf", "quay-1/b c.pdf", "quay-2/ho-so/1.png", "quay-2/ho-so/2.png", "quay-2/ho-so/manifest.json", "loose.pdf"]
    items, _ = group_inbox([StoredObject(key=k, size=1, etag="e") for k in keys])
    by_event = {source_for_key(k) for k in keys} - {None}
    assert by_event == {item.source for item in items}


# --- MinIO's notification JSON -----------------------------------------------------------


def test_minio_sample_is_decoded_to_the_stored_key() -> None:
    [record] = parse_notification(json.loads(MINIO_SAMPLE))
    assert record.key == SAMPLE_KEY and unicodedata.is_normalized("NFC", record.key)
    assert (record.bucket, record.event_name, record.etag, record.size) == ("hoso-inbox", "s3:ObjectCreated:Put", "5d41402abc4b2a76b9719d911017c592", 48213)
    assert minio_notification("hoso-inbox", (SAMPLE_KEY, "5d41402abc4b2a76b9719d911017c592", 48213))["Records"][0]["s3"]["object"]["key"] == json.loads(MINIO_SAMPLE)["Records"][0]["s3"]["object"]["key"]


def test_signals_keep_new_dossiers_of_the_inbox_only() -> None:
    body = minio_notification("hoso-inbox", ("quay-1/a.pdf", "e1", 10), ("quay-3/hồ sơ/1.png", "e2", 10), ("quay-3/hồ sơ/manifest.json", "e3", 10), ("a.pdf", "e4", 1))
    body["Records"] += minio_notification("hoso-archive", ("quay-1/b.pdf", "e5", 10))["Records"]
    body["Records"] += minio_notification("hoso-inbox", ("quay-1/c.pdf", "e6", 10), event_name="s3:ObjectRemoved:Delete")["Records"]
    body["Records"] += minio_notification("hoso-inbox", ("quay-1/d.pdf", "e7", 10), event_name="s3:ObjectCreated:PutTagging")["Records"]
    signals, ignored = inbox_signals(parse_notification(body), "hoso-inbox")
    assert [s.source for s in signals] == ["quay-1/a.pdf", "quay-3/hồ sơ/"]
    assert {s.resource_id("k") for s in signals} == {f"hoso.inbox.{digest('quay-1/a.pdf', 'k')}", f"hoso.inbox.{digest('quay-3/hồ sơ/', 'k')}"}
    assert sorted(i.key for i in ignored) == ["a.pdf", "quay-1/b.pdf", "quay-1/c.pdf", "quay-1/d.pdf", "quay-3/hồ sơ/1.png"]
    assert all(i.reason for i in ignored)


def test_a_redelivered_notification_is_the_same_event_and_new_content_is_not() -> None:
    first = inbox_signals(parse_notification(minio_notification("b", ("q/a.pdf", "e1", 1))), "b")[0][0]
    again = inbox_signals(parse_notification(minio_notification("b", ("q/a.pdf", "e1", 1))), "b")[0][0]
    changed = inbox_signals(parse_notification(minio_notification("b", ("q/a.pdf", "e2", 1))), "b")[0][0]
    assert first.event_id == again.event_id != changed.event_id
    twice = minio_notification("b", ("q/a.pdf", "e1", 1))
    twice["Records"] *= 2
    assert len(inbox_signals(parse_notification(twice), "b")[0]) == 1


@pytest.mark.parametrize("body", [[], {"Records": "x"}, {"Records": [{"eventName": "s3:ObjectCreated:Put"}]}, {"Records": [{"eventName": "x", "s3": {"bucket": {"name": "b"}, "object": {"key": "k", "size": "many"}}}]}])
def test_what_is_not_a_notification_is_refused(body: Any) -> None:
    with pytest.raises(BadNotification):
        parse_notification(body)


def trigger_spec() -> dict[str, Any]:
    config = yaml.safe_load((PROJECT / "prefect.yaml").read_text())
    [deployment] = [d for d in config["deployments"] if d["name"] == "process-dossier"]
    [spec] = deployment["triggers"]
    return spec


def test_the_trigger_in_prefect_yaml_is_valid_for_prefect() -> None:
    from pydantic import TypeAdapter
    from prefect.events.schemas.deployment_triggers import DeploymentEventTrigger, DeploymentTriggerTypes

    trigger = TypeAdapter(DeploymentTriggerTypes).validate_python(trigger_spec())
    assert isinstance(trigger, DeploymentEventTrigger)
    assert trigger.expect == {EVENT_NAME} and trigger.threshold == 1
    assert trigger.parameters == {"source": "{{ event.resource['hoso.source'] }}"}


# --- the receiver over HTTP, on the Prefect test server --------------------------------


class Receiver:
    def __init__(self, app: Any) -> None:
        import uvicorn

        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning"))
        self.thread = threading.Thread(target=self.server.run, name="hoso-events-test", daemon=True)
        self.thread.start()
        wait_for("the receiver to start", lambda: self.server.started, timeout_s=30, step_s=0.05)

    def post(self, body: Any, token: str | None = TOKEN, path: str = "/minio/events") -> httpx.Response:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        return httpx.post(f"{self.url}{path}", json=body, headers=headers, timeout=60)

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(30)


@pytest.fixture(scope="module")
def prefect_api(prefect_server) -> Iterator[Any]:  # type: ignore[no-untyped-def]
    from prefect.client.orchestration import get_client

    with get_client(sync_client=True) as client:
        yield client


@pytest.fixture(scope="module")
def dossier_deployment(prefect_api) -> Iterator[Any]:  # type: ignore[no-untyped-def]
    """prefect.yaml's process-dossier deployment and its trigger, on the test server (no worker: runs stay scheduled)."""
    from pydantic import TypeAdapter
    from prefect.events.schemas.deployment_triggers import DeploymentTriggerTypes

    flow_id = prefect_api.create_flow_from_name("process-dossier")
    deployment_id = prefect_api.create_deployment(
        flow_id=flow_id,
        name="process-dossier-" + uuid.uuid4().hex[:6],
        # process_dossier(source: str), as `prefect deploy` describes it; the flow itself
        # runs in tests/test_events_stack.py
        parameter_openapi_schema={"type": "object", "title": "Parameters", "properties": {"source": {"type": "string", "title": "source", "position": 0}}, "required": ["source"]},
        enforce_parameter_schema=True,
    )
    trigger = TypeAdapter(DeploymentTriggerTypes).validate_python(trigger_spec())
    trigger.set_deployment_id(deployment_id)
    automation_id = prefect_api.create_automation(trigger.as_automation())
    yield deployment_id
    prefect_api.delete_automation(automation_id)
    prefect_api.delete_deployment(deployment_id)


@pytest.fixture(scope="module")
def receiver(prefect_server, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Receiver, Any]]:  # type: ignore[no-untyped-def]
    from hoso.events import create_app
    from core.settings import Settings

    settings = Settings(home=tmp_path_factory.mktemp("events"), bucket_prefix="ev" + uuid.uuid4().hex[:8], events_token=TOKEN)
    server = Receiver(create_app(settings))
    yield server, settings
    server.stop()


def read_events(prefect_api: Any, resource_id: str) -> list[dict[str, Any]]:
    response = prefect_api.request("POST", "/events/filter", json={"filter": {"event": {"name": [EVENT_NAME]}, "resource": {"id": [resource_id]}}, "limit": 50})
    response.raise_for_status()
    return list(response.json()["events"])


def runs_for(prefect_api: Any, deployment_id: Any, source: str, secret: str) -> list[Any]:
    from prefect.client.schemas.filters import DeploymentFilter, DeploymentFilterId

    from core.errors import ConfigError

    def opened(run: Any) -> str | None:
        try:
            return unseal(run.parameters.get("source", ""), secret)
        except ConfigError:  # sealed by another test's stack
            return None

    runs = prefect_api.read_flow_runs(deployment_filter=DeploymentFilter(id=DeploymentFilterId(any_=[deployment_id])), limit=200)
    return [r for r in runs if opened(r) == source]


def inbox(settings: Any) -> str:
    return f"{settings.bucket_prefix}-inbox"


def test_health_and_minio_probe(receiver) -> None:  # type: ignore[no-untyped-def]
    server, settings = receiver
    health = httpx.get(f"{server.url}/health")
    assert health.status_code == 200 and health.json() == {"status": "ok", "bucket": inbox(settings)}
    assert httpx.head(f"{server.url}/minio/events").status_code == 200  # MinIO's liveness check of its target


def test_a_missing_or_wrong_token_is_refused(receiver) -> None:  # type: ignore[no-untyped-def]
    server, settings = receiver
    body = minio_notification(inbox(settings), ("quay-1/tu-choi.pdf", "e1", 1))
    for token in (None, "wrong-token"):
        refused = server.post(body, token=token)
        assert refused.status_code == 401, refused.text
        assert refused.json()["detail"] == unicodedata.normalize("NFC", refused.json()["detail"])
        assert "xác thực" in refused.json()["detail"]


def test_a_new_file_becomes_a_prefect_event_and_the_trigger_runs_its_dossier(receiver, prefect_api, dossier_deployment) -> None:  # type: ignore[no-untyped-def]
    server, settings = receiver
    body = json.loads(MINIO_SAMPLE.replace("hoso-inbox", inbox(settings)))
    accepted = server.post(body)
    assert accepted.status_code == 200, accepted.text
    assert accepted.json() == {"emitted": 1, "ignored": 0}

    secret = settings.sealing_secret
    [event] = wait_for("the event on the Prefect server", lambda: read_events(prefect_api, f"hoso.inbox.{digest(SAMPLE_KEY, secret)}"))
    assert event["event"] == "hoso.inbox.object-created"
    assert unseal(event["resource"]["hoso.source"], secret) == SAMPLE_KEY and event["resource"]["hoso.station"] == "quay-2"
    assert event["payload"]["etag"] == "5d41402abc4b2a76b9719d911017c592"
    file_name = SAMPLE_KEY.rsplit("/", 1)[-1]
    assert file_name not in json.dumps(event, ensure_ascii=False)  # the file name is sealed, never in clear

    [run] = wait_for("the triggered run", lambda: runs_for(prefect_api, dossier_deployment, SAMPLE_KEY, secret))
    assert run.parameters["source"].startswith(PREFIX) and file_name not in json.dumps(run.parameters, ensure_ascii=False)


def test_a_seaweedfs_filer_event_runs_its_dossier_too(receiver, prefect_api, dossier_deployment) -> None:  # type: ignore[no-untyped-def]
    server, settings = receiver
    body = json.loads(SEAWEED_SAMPLE.replace("hoso-inbox", inbox(settings)).replace("tệp thử", "weed-" + uuid.uuid4().hex[:6]))
    key = body["key"].split("/", 3)[3].split(".versions/")[0]
    assert server.post(body, token=None, path="/seaweedfs/events").status_code == 401
    accepted = server.post(body, path="/seaweedfs/events")
    assert accepted.status_code == 200 and accepted.json() == {"emitted": 1, "ignored": 0}, accepted.text
    folder = json.loads(SEAWEED_FOLDER.replace("hoso-inbox", inbox(settings)))
    assert server.post(folder, path="/seaweedfs/events").json() == {"emitted": 0, "ignored": 0}
    wait_for("the trigger's run for the weed event", lambda: runs_for(prefect_api, dossier_deployment, key, settings.sealing_secret))


def test_a_folder_is_announced_by_its_manifest_only(receiver, prefect_api, dossier_deployment) -> None:  # type: ignore[no-untyped-def]
    server, settings = receiver
    folder = "quay-3/hồ sơ kết hôn " + uuid.uuid4().hex[:4] + "/"
    body = minio_notification(inbox(settings), (folder + "trang 1.png", "p1", 900), (folder + "trang 2.png", "p2", 900), (folder + "manifest.json", "m1", 80))
    accepted = server.post(body)
    assert accepted.status_code == 200 and accepted.json() == {"emitted": 1, "ignored": 2}, accepted.text
    [event] = wait_for("the folder's event", lambda: read_events(prefect_api, f"hoso.inbox.{digest(folder, settings.sealing_secret)}"))
    assert unseal(event["resource"]["hoso.source"], settings.sealing_secret) == folder
    [run] = wait_for("the folder's run", lambda: runs_for(prefect_api, dossier_deployment, folder, settings.sealing_secret))
    assert unseal(run.parameters["source"], settings.sealing_secret) == folder


def test_other_buckets_and_other_events_are_ignored(receiver) -> None:  # type: ignore[no-untyped-def]
    server, settings = receiver
    body = minio_notification(f"{settings.bucket_prefix}-archive", ("quay-1/a.pdf", "e1", 1))
    body["Records"] += minio_notification(inbox(settings), ("quay-1/a.pdf", "e1", 1), event_name="s3:ObjectRemoved:Delete")["Records"]
    accepted = server.post(body)
    assert accepted.status_code == 200 and accepted.json() == {"emitted": 0, "ignored": 2}


def test_a_redelivered_notification_runs_the_dossier_once(receiver, prefect_api, dossier_deployment) -> None:  # type: ignore[no-untyped-def]
    server, settings = receiver
    source = f"quay-4/gui-lai-{uuid.uuid4().hex[:6]}.pdf"
    marker = f"quay-4/sau-do-{uuid.uuid4().hex[:6]}.pdf"
    body = minio_notification(inbox(settings), (source, "same-etag", 10))
    assert server.post(body).status_code == 200
    assert server.post(body).status_code == 200  # MinIO retries when it misses our answer
    assert server.post(minio_notification(inbox(settings), (marker, "m", 10))).status_code == 200
    # The server handles events in the order they came; once the later one has its run,
    # the repeated one has been seen too.
    wait_for("the later event's run", lambda: runs_for(prefect_api, dossier_deployment, marker, settings.sealing_secret))
    assert len(runs_for(prefect_api, dossier_deployment, source, settings.sealing_secret)) == 1
    stored = wait_for("the event in the event store", lambda: read_events(prefect_api, f"hoso.inbox.{digest(source, settings.sealing_secret)}"))
    assert len(stored) == 1


def test_a_body_that_is_not_a_notification_is_a_bad_request(receiver) -> None:  # type: ignore[no-untyped-def]
    server, _ = receiver
    for body in ({"hello": "world"}, [1, 2]):
        refused = server.post(body)
        assert refused.status_code == 400 and "Không phải thông báo sự kiện S3" in refused.json()["detail"]
    not_json = httpx.post(f"{server.url}/minio/events", content=b"{not json", headers={"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/json"})
    assert not_json.status_code == 400


def test_an_unreachable_prefect_server_makes_minio_retry(tmp_path: Path) -> None:
    """503, not 200: MinIO keeps the notification in its queue and sends it again."""
    from hoso.events import create_app
    from core.settings import Settings

    settings = Settings(home=tmp_path, bucket_prefix="ev" + uuid.uuid4().hex[:8])
    closed = _free_port()  # nothing listens there
    server = Receiver(create_app(settings, prefect_api_url=f"http://127.0.0.1:{closed}/api"))
    try:
        response = server.post(minio_notification(f"{settings.bucket_prefix}-inbox", ("quay-1/a.pdf", "e", 1)), token=None)
    finally:
        server.stop()
    assert response.status_code == 503, response.text
    assert "Prefect" in response.json()["detail"]


def test_without_a_token_setting_any_request_is_taken(tmp_path: Path) -> None:
    from hoso.events import create_app, expected_authorization
    from core.settings import Settings

    settings = Settings(home=tmp_path, bucket_prefix="ev" + uuid.uuid4().hex[:8])
    server = Receiver(create_app(settings, prefect_api_url="http://127.0.0.1:9/api"))
    try:
        taken = server.post(minio_notification("elsewhere", ("q/a.pdf", "e", 1)), token=None)
    finally:
        server.stop()
    assert taken.status_code == 200 and taken.json() == {"emitted": 0, "ignored": 1}
    # MinIO sends a one-word auth_token as "Bearer <token>" and a two-word one as it is.
    assert expected_authorization("abc") == "Bearer abc" and expected_authorization("Token abc") == "Token abc"


def test_the_safety_net_poll_is_rare_when_the_embedded_s3_server_notifies() -> None:
    from core.settings import Settings

    assert Settings(weed_notify=True).intake_poll_s == 600  # each new file starts its dossier through the receiver
    assert Settings(weed_notify=False).intake_poll_s == 60  # nothing announces files: the poll is the intake
    assert Settings(weed_notify=True, intake_interval_s=120).intake_poll_s == 120  # the operator's choice stands
