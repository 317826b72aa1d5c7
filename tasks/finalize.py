"""Take a finished dossier out of the inbox, last of all and only when its copy is safe."""

from __future__ import annotations

from prefect import task
from prefect.cache_policies import NO_CACHE

from hoso.errors import StorageError
from hoso.masking import mask_source
from storage import repository
from storage.database import session_scope
from storage.layout import InboxItem, quarantine_key
from storage.objects import ObjectStore
from tasks.retry import IO_RETRIES


def clear_inbox(store: ObjectStore, db_url: str, dossier_id: str, item: InboxItem) -> int:
    """Remove the item's inbox objects after checking each one is archived or quarantined."""
    with session_scope(db_url) as session:
        dossier = repository.get(session, dossier_id)
        assert dossier is not None
        if dossier.status not in repository.TERMINAL:
            raise StorageError(f"Hồ sơ {dossier_id} chưa xử lý xong (trạng thái {dossier.status}); không xoá khỏi hộp thư đến.")
        archived = {f.inbox_key: f.archive_key for f in dossier.files}
        quarantined = dossier.status == "quarantined"
    for obj in item.objects:
        if quarantined:
            copy = store.stat("quarantine", quarantine_key(dossier_id, obj.key.rsplit("/", 1)[-1]))
        else:
            copy = store.stat("archive", archived[obj.key]) if obj.key in archived else None
        if copy is None:
            raise StorageError(f"Không thấy bản lưu của «{mask_source(obj.key)}»; giữ nguyên trong hộp thư đến.", detail=obj.key)
    removed = 0
    for obj in item.objects:
        store.remove("inbox", obj.key)
        removed += 1
    if item.manifest_key:
        store.remove("inbox", item.manifest_key)
    return removed


finalize = task(name="clear-inbox", cache_policy=NO_CACHE, **IO_RETRIES)(clear_inbox)
