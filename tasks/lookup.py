"""Read-only questions the flows ask the database: what a dossier is, what needs another run."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from prefect import task
from prefect.cache_policies import NO_CACHE

from storage import repository
from storage.database import session_scope
from tasks.retry import IO_RETRIES


@dataclass(frozen=True)
class DossierState:
    dossier_id: str
    status: str
    source: str
    received_at: datetime
    archived: bool  # its originals are in the archive


def dossier_state(db_url: str, dossier_id: str) -> DossierState | None:
    with session_scope(db_url) as session:
        d = repository.get(session, dossier_id)
        return DossierState(d.id, d.status, d.source, repository.as_utc(d.received_at), bool(d.files)) if d else None


def dossiers_to_reprocess(db_url: str, pipeline_version: int) -> list[str]:
    with session_scope(db_url) as session:
        return repository.needing_reprocess(session, pipeline_version)


@task(name="dossier-state", cache_policy=NO_CACHE, **IO_RETRIES)
def state_task(db_url: str, dossier_id: str) -> DossierState | None:
    return dossier_state(db_url, dossier_id)


@task(name="select-for-reprocess", cache_policy=NO_CACHE, **IO_RETRIES)
def select_task(db_url: str, pipeline_version: int) -> list[str]:
    return dossiers_to_reprocess(db_url, pipeline_version)
