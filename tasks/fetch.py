"""Read a dossier's files from the inbox (or, when reprocessing, from the archive)."""

from __future__ import annotations

import hashlib

from prefect import task
from prefect.cache_policies import NO_CACHE

from core.errors import EmptyFile, TooLarge
from core.masking import file_kind
from storage import repository
from storage.database import session_scope
from storage.layout import InboxItem
from storage.objects import ObjectStore
from tasks.retry import IO_RETRIES
from tasks.values import InputFile


def read_inbox_files(store: ObjectStore, item: InboxItem) -> list[InputFile]:
    """Each file's bytes as they were listed: the version whose ETag made the dossier's identity.

    Read by version id, so a station that puts new bytes under the same key while this
    dossier waits or runs does not slip them into it: they stay in the inbox as their own version.
    """
    files = []
    for obj in item.objects:
        data = store.get("inbox", obj.key, obj.version_id)
        files.append(
            InputFile(name=obj.key.rsplit("/", 1)[-1], inbox_key=obj.key, data=data, sha256=hashlib.sha256(data).hexdigest(), inbox_version=obj.version_id)
        )
    return files


def read_archived_files(store: ObjectStore, db_url: str, dossier_id: str) -> list[InputFile]:
    with session_scope(db_url) as session:
        dossier = repository.get(session, dossier_id)
        refs = [(f.name, f.inbox_key, f.archive_key, f.inbox_version) for f in dossier.files] if dossier else []
    return [
        InputFile(name=name, inbox_key=inbox_key, data=(data := store.get("archive", key)), sha256=hashlib.sha256(data).hexdigest(), inbox_version=version)
        for name, inbox_key, key, version in refs
    ]


def check_limits(files: list[InputFile], max_file_bytes: int) -> None:
    """Refuse what no page stage should ever see: empty files and files over the size limit."""
    if not files:
        raise EmptyFile("Hồ sơ không có tệp nào.")
    # The message is shown in Prefect and artifacts, so it names the file by position and
    # type (its name may be a person's); the name goes in the detail, kept with the quarantined copy.
    for number, f in enumerate(files, start=1):
        which = f"Tệp thứ {number} ({file_kind(f.name) or 'không đuôi'})"
        if f.size == 0:
            raise EmptyFile(f"{which} rỗng (0 byte).", detail=f.name)
        if f.size > max_file_bytes:
            raise TooLarge(f"{which} lớn {f.size // 1_048_576} MB, vượt giới hạn {max_file_bytes // 1_048_576} MB.", detail=f.name)


fetch_task = task(name="fetch", cache_policy=NO_CACHE, **IO_RETRIES)(read_inbox_files)


fetch_archived_task = task(name="fetch-archived", cache_policy=NO_CACHE, **IO_RETRIES)(read_archived_files)
