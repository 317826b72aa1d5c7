"""Store the originals in the archive before anything else happens to them.

Nothing a user gave is deleted from the inbox until this copy exists and is
recorded; if the run dies after this, the next run finds the dossier and goes on.
"""

from __future__ import annotations

import hashlib

from prefect import task
from prefect.cache_policies import NO_CACHE

from ocr import sniff_media_type
from core.errors import InputError
from storage import repository
from storage.database import session_scope
from storage.layout import archive_prefix, original_key
from storage.objects import ObjectStore
from tasks.retry import IO_RETRIES
from tasks.values import InputFile


def media_type_or_unknown(data: bytes) -> str:
    try:
        return sniff_media_type(data)
    except InputError:
        return "application/octet-stream"


def archive_files(store: ObjectStore, db_url: str, dossier_id: str, owner: str, files: list[InputFile]) -> None:
    rows = []
    for position, f in enumerate(files, start=1):
        key = original_key(dossier_id, position, f.name)
        media_type = media_type_or_unknown(f.data)
        if store.stat("archive", key) is None:
            store.put("archive", key, f.data, media_type)
        rows.append({"name": f.name, "inbox_key": f.inbox_key, "inbox_version": f.inbox_version, "archive_key": key, "sha256": f.sha256, "size": f.size, "media_type": media_type})
    combined = hashlib.sha256("".join(f.sha256 for f in files).encode()).hexdigest() if len(files) > 1 else (files[0].sha256 if files else "")
    with session_scope(db_url) as session:
        repository.keep_claim(session, dossier_id, owner)  # a run that lost the dossier must not reopen it
        dossier = repository.get(session, dossier_id)
        assert dossier is not None
        repository.replace_files(session, dossier, rows)
        dossier.sha256 = combined
        dossier.archive_prefix = archive_prefix(dossier_id)
        repository.set_status(session, dossier, "processing", actor="process_dossier", reason="đã lưu bản gốc vào kho lưu trữ")


archive_originals_task = task(name="archive-originals", cache_policy=NO_CACHE, **IO_RETRIES)(archive_files)
