"""Set aside what cannot be processed, with its reason, so a person can look at it."""

from __future__ import annotations

from datetime import datetime, timezone

from prefect import task
from prefect.cache_policies import NO_CACHE

from core.errors import HosoError
from storage import repository
from storage.database import session_scope
from storage.layout import REASON_SUFFIX, quarantine_key
from storage.objects import ObjectStore
from tasks.fetch import InputFile
from tasks.retry import IO_RETRIES


def quarantine_files(store: ObjectStore, db_url: str, dossier_id: str, owner: str, files: list[InputFile], error: HosoError) -> None:
    with session_scope(db_url) as session:  # no copies for a dossier another run has taken over
        repository.expect_claim(session, dossier_id, owner)
    reason = {**error.as_dict(), "dossier": dossier_id, "at": datetime.now(timezone.utc).isoformat()}
    for f in files:
        key = quarantine_key(dossier_id, f.name)
        store.put("quarantine", key, f.data)
        store.put_json("quarantine", key + REASON_SUFFIX, {**reason, "file": f.name, "inbox_key": f.inbox_key, "sha256": f.sha256})
    if not files:
        store.put_json("quarantine", f"{dossier_id}/reason.json", reason)
    with session_scope(db_url) as session:
        repository.keep_claim(session, dossier_id, owner)
        dossier = repository.get(session, dossier_id)
        assert dossier is not None
        repository.replace_assessment(
            session, dossier, pages=[], problems=[{"code": error.code, "message": error.message, "severity": "reject"}],
            procedure=None, office=None, commune=None, fields={}, due=None, pipeline_version=dossier.pipeline_version, ocr_version="",
        )
        repository.release_content(dossier)
        repository.set_status(session, dossier, "quarantined", actor="process_dossier", reason=f"{error.code}: {error.message}")


@task(name="quarantine", cache_policy=NO_CACHE, **IO_RETRIES)
def quarantine_task(store: ObjectStore, db_url: str, dossier_id: str, owner: str, files: list[InputFile], error: HosoError) -> None:
    quarantine_files(store, db_url, dossier_id, owner, files, error)
