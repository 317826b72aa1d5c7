"""Take a finished dossier out of the inbox, last of all and only when its copy is safe.

Nothing a station gave is deleted unless exactly those bytes are stored. The inbox
bucket is versioned (storage/objects.py), and each object is removed by the version id
that was listed, read and archived, never by its key alone: a station that puts new
bytes under the same key while the dossier runs (a rescan of a bad page) made a newer
version, which this delete does not touch. It stays in the inbox and, its ETag being
new, becomes its own dossier at the next intake (dossiers are unique by key and ETag).

Why versioning and not a conditional delete (``DeleteObject`` with ``If-Match``): the
embedded `weed mini` (SeaweedFS 4.48) honours both, but MinIO accepts ``If-Match`` on a
delete and ignores it, deleting whatever the key holds now (minio/minio#21677), the
very loss this step must prevent. A delete by version id is plain S3 that MinIO
documents ("Object Deletion": a DELETE that names a version removes that version only;
one without a version id only puts a delete marker on top).
"""

from __future__ import annotations

import hashlib

from prefect import task
from prefect.cache_policies import NO_CACHE

from core.errors import StorageError
from core.masking import mask_source
from storage import repository
from storage.database import session_scope
from storage.layout import InboxItem, quarantine_key
from storage.objects import ObjectStore, StoredObject
from tasks.retry import IO_RETRIES

RESENT = "trạm quét gửi lại đúng tệp «{name}» (cùng nội dung, phiên bản {version}) sau khi hồ sơ đã xử lý; bản gửi lại không xử lý lần nữa"


def clear_inbox(store: ObjectStore, db_url: str, dossier_id: str, item: InboxItem, actor: str = "process_dossier") -> int:
    """Remove the item's inbox versions that are stored: each one archived (or quarantined) byte for byte.

    A listed version is removed when it is the version that was archived, or, for a
    version archived before the inbox had versions or sent again with the same ETag
    after processing, when its bytes read now have the archived SHA-256. The second
    case is a re-send: it is removed (its bytes are stored) and leaves a line in the
    dossier's history, so the station sees it was received and not processed again.
    """
    with session_scope(db_url) as session:
        dossier = repository.get(session, dossier_id)
        assert dossier is not None
        if dossier.status not in repository.TERMINAL:
            raise StorageError(f"Hồ sơ {dossier_id} chưa xử lý xong (trạng thái {dossier.status}); không xoá khỏi hộp thư đến.")
        archived = {f.inbox_key: (f.archive_key, f.inbox_version, f.sha256) for f in dossier.files}
        quarantined = dossier.status == "quarantined"
    resent: list[StoredObject] = []
    for obj in item.objects:
        if obj.key not in archived:
            raise StorageError(f"Không thấy bản lưu của «{mask_source(obj.key)}»; giữ nguyên trong hộp thư đến.", detail=obj.key)
        archive_key, version, sha256 = archived[obj.key]
        if quarantined:
            copy = store.stat("quarantine", quarantine_key(dossier_id, obj.key.rsplit("/", 1)[-1]))
        else:
            copy = store.stat("archive", archive_key)
        if copy is None:
            raise StorageError(f"Không thấy bản lưu của «{mask_source(obj.key)}»; giữ nguyên trong hộp thư đến.", detail=obj.key)
        if obj.version_id is None:
            raise StorageError(
                f"Hộp thư đến không cho biết phiên bản của «{mask_source(obj.key)}» (bucket chưa bật versioning); giữ nguyên.", detail=obj.key
            )
        if obj.version_id != version:
            if hashlib.sha256(store.get("inbox", obj.key, obj.version_id)).hexdigest() != sha256:
                raise StorageError(f"«{mask_source(obj.key)}» trong hộp thư đến khác bản đã lưu; giữ nguyên.", detail=obj.key)
            if version is not None:
                resent.append(obj)
    if resent:
        _note_resent(db_url, dossier_id, resent, actor)
    removed = 0
    for obj in item.objects:
        store.remove("inbox", obj.key, obj.version_id)
        removed += 1
    if item.manifest_key:
        if item.manifest_version is None:
            raise StorageError("Hộp thư đến không cho biết phiên bản của manifest.json; giữ nguyên.", detail=item.manifest_key)
        store.remove("inbox", item.manifest_key, item.manifest_version)
    return removed


def _note_resent(db_url: str, dossier_id: str, resent: list[StoredObject], actor: str) -> None:
    """One history line per re-sent version, written before the delete and once only (a retried step finds it)."""
    with session_scope(db_url) as session:
        dossier = repository.get(session, dossier_id)
        assert dossier is not None
        seen = {h.reason for h in repository.history(session, dossier_id)}
        for obj in resent:
            reason = RESENT.format(name=mask_source(obj.key), version=obj.version_id)
            if reason not in seen:
                repository.note(session, dossier, actor=actor, reason=reason)


clear_inbox_task = task(name="clear-inbox", cache_policy=NO_CACHE, **IO_RETRIES)(clear_inbox)
