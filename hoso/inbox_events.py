"""S3 bucket notifications (MinIO's webhook format, SeaweedFS's filer webhook) read as "this dossier may be ready".

Pure functions over the notification JSON: no HTTP, no Prefect, so the rules
are tested on MinIO's own samples. The mapping from an object key to its
dossier is :func:`storage.layout.source_for_key`, the same rule the interval
intake groups the inbox by.

MinIO posts ``{"EventName": ..., "Key": "bucket/key", "Records": [...]}``,
one record per request; each record follows the S3 format: ``eventName``
(``s3:ObjectCreated:Put``), ``s3.bucket.name``, ``s3.object.key`` (escaped as
a URL query value: ``+`` for a space, ``%2F`` for "/"), ``s3.object.eTag``
and ``s3.object.size``.

SeaweedFS's filer (the embedded `weed mini`, ``[notification.webhook]``) posts one
filer event per request: ``{"event_type": "create", "key": "/buckets/BUCKET/KEY",
"message": {"new_entry": {...}, "new_parent_path": ...}}``, the key plain. In a
versioned bucket (hoso's inbox is one) an object's bytes are the entry
``KEY.versions/v_<version id>``; the ETag S3 gives is in the entry's extended
attribute ``Seaweed-X-Amz-ETag`` (base64 of its hex), else its MD5 (base64).
Directories (``KEY.versions`` itself, a station's folder) are not objects.
"""

from __future__ import annotations

import base64
import binascii
import uuid
from collections.abc import Mapping
from datetime import datetime, timezone
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote_plus

from core.masking import mask_source
from core.sealing import digest, seal
from storage.layout import source_for_key

EVENT_NAME = "hoso.inbox.object-created"
RESOURCE_PREFIX = "hoso.inbox."

# Only these bring new bytes; ObjectCreated:PutTagging/PutRetention/PutLegalHold
# change metadata of an object that is already there and would only re-run it.
CREATED = frozenset(
    {
        "s3:ObjectCreated:Put",
        "s3:ObjectCreated:Post",
        "s3:ObjectCreated:Copy",
        "s3:ObjectCreated:CompleteMultipartUpload",
    }
)

# Stable ids make a re-delivered notification the same Prefect event, which the
# Prefect server stores once and lets trigger an automation once.
_ID_NAMESPACE = uuid.UUID("6f0f7d6e-4c1b-5d7e-9a57-686f736f2e65")


class BadNotification(ValueError):
    """The body is not a bucket notification at all (as opposed to one hoso ignores)."""


@dataclass(frozen=True, slots=True)
class ObjectCreated:
    """One record of a notification, its key decoded."""

    event_name: str
    bucket: str
    key: str
    etag: str
    size: int
    event_time: str


@dataclass(frozen=True, slots=True)
class InboxSignal:
    """A dossier source that an object event says may be ready to process."""

    source: str
    station: str
    record: ObjectCreated

    @property
    def event_id(self) -> uuid.UUID:
        """Same object, same content → same id: MinIO's retries collapse into one Prefect event."""
        return uuid.uuid5(_ID_NAMESPACE, f"{self.record.bucket}/{self.record.key}@{self.record.etag}")

    def resource_id(self, secret: str) -> str:
        """Stable per source, so the trigger groups by object, and one-way: no name in the event feed."""
        return RESOURCE_PREFIX + digest(self.source, secret)


@dataclass(frozen=True, slots=True)
class Ignored:
    key: str
    reason: str


def parse_notification(body: Any) -> list[ObjectCreated]:
    """The records of a notification body (already JSON-decoded); raises :class:`BadNotification`."""
    if not isinstance(body, Mapping) or not isinstance(body.get("Records"), list):
        raise BadNotification("thiếu danh sách 'Records'")
    records = []
    for n, raw in enumerate(body["Records"]):
        try:
            s3 = raw["s3"]
            obj = s3["object"]
            records.append(
                ObjectCreated(
                    event_name=str(raw["eventName"]),
                    bucket=str(s3["bucket"]["name"]),
                    key=unquote_plus(str(obj["key"])),
                    etag=str(obj.get("eTag") or "").strip('"'),
                    size=int(obj.get("size") or 0),
                    event_time=str(raw.get("eventTime") or ""),
                )
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise BadNotification(f"bản ghi {n} thiếu trường {exc}") from exc
    return records


SEAWEED_BUCKETS = "/buckets/"
SEAWEED_VERSIONS = ".versions/v_"


def parse_seaweed_notification(body: Any) -> list[ObjectCreated]:
    """The object a SeaweedFS filer event creates, as a one-record list (empty for anything else); raises
    :class:`BadNotification` for a body that is no filer event."""
    if not isinstance(body, Mapping) or not isinstance(body.get("key"), str) or not isinstance(body.get("message"), Mapping):
        raise BadNotification("thiếu 'key' hoặc 'message' của sự kiện filer")
    entry = body["message"].get("new_entry")
    path = body["key"]
    if body.get("event_type") != "create" or not isinstance(entry, Mapping) or entry.get("is_directory") or not path.startswith(SEAWEED_BUCKETS):
        return []  # a deletion, a rename, a folder, a file outside the buckets: no new object
    bucket, _, key = path.removeprefix(SEAWEED_BUCKETS).partition("/")
    if SEAWEED_VERSIONS in key:
        key = key.split(SEAWEED_VERSIONS, 1)[0]
    try:
        attributes = entry.get("attributes") or {}
        extended = entry.get("extended") or {}
        if etag_b64 := extended.get("Seaweed-X-Amz-ETag"):
            etag = base64.b64decode(etag_b64).decode()
        else:
            etag = base64.b64decode(attributes.get("md5") or "").hex()
        mtime = int(attributes.get("mtime") or 0)
        size = int(attributes.get("file_size") or 0)
    except (binascii.Error, UnicodeDecodeError, TypeError, ValueError) as exc:
        raise BadNotification(f"thuộc tính của tệp không đọc được ({exc})") from exc
    when = datetime.fromtimestamp(mtime, timezone.utc).isoformat().replace("+00:00", "Z") if mtime else ""
    return [ObjectCreated(event_name="s3:ObjectCreated:Put", bucket=bucket, key=key, etag=etag.strip('"'), size=size, event_time=when)]


def inbox_signals(records: list[ObjectCreated], inbox_bucket: str) -> tuple[list[InboxSignal], list[Ignored]]:
    """Which dossier sources the records point at, each once; and what was ignored, and why."""
    signals: dict[uuid.UUID, InboxSignal] = {}
    ignored: list[Ignored] = []
    for record in records:
        if record.bucket != inbox_bucket:
            ignored.append(Ignored(record.key, "không phải hộp thư đến"))
            continue
        if record.event_name not in CREATED:
            ignored.append(Ignored(record.key, f"sự kiện {record.event_name} không tạo nội dung mới"))
            continue
        source = source_for_key(record.key)
        if source is None:
            reason = "tệp trong thư mục: chờ manifest.json" if record.key.count("/") >= 2 else "không thuộc thư mục của trạm quét"
            ignored.append(Ignored(record.key, reason))
            continue
        signal = InboxSignal(source=source, station=source.split("/", 1)[0], record=record)
        signals.setdefault(signal.event_id, signal)
    return list(signals.values()), ignored


def prefect_event_fields(signal: InboxSignal, secret: str) -> dict[str, Any]:
    """The arguments of the Prefect event for one signal (``event``, ``resource``, ``payload``, ``id``).

    ``hoso.source`` is what the process-dossier deployment's trigger passes as
    its ``source`` parameter, sealed with ``secret`` (core/sealing.py): events
    and run parameters are shown in the Prefect UI, and file names may be
    people's. The payload carries no key for the same reason.
    """
    return {
        "event": EVENT_NAME,
        "resource": {
            "prefect.resource.id": signal.resource_id(secret),
            "prefect.resource.name": mask_source(signal.source),
            "hoso.source": seal(signal.source, secret),
            "hoso.station": signal.station,
            "hoso.bucket": signal.record.bucket,
        },
        "payload": {
            "s3_event": signal.record.event_name,
            "etag": signal.record.etag,
            "size": signal.record.size,
            "event_time": signal.record.event_time,
        },
        "id": signal.event_id,
    }
