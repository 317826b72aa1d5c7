"""Read-only questions the flows ask the database: what a dossier is, what needs another run."""

from __future__ import annotations

from datetime import date

from prefect import task
from prefect.cache_policies import NO_CACHE

from storage import repository
from storage.database import session_scope
from tasks.retry import IO_RETRIES
from tasks.values import DossierState, OpenSummary


def dossier_state(db_url: str, dossier_id: str) -> DossierState | None:
    with session_scope(db_url) as session:
        d = repository.get(session, dossier_id)
        return DossierState(d.id, d.status, d.source, repository.as_utc(d.received_at), bool(d.files)) if d else None


def outcomes(db_url: str, identities: list[str]) -> list[dict[str, str]]:
    """Each inbox item's dossier and status, in the order given; an item no run registered is ``failed`` (still in the inbox)."""
    with session_scope(db_url) as session:
        found = [repository.by_identity(session, identity) for identity in identities]
        return [{"dossier": d.id, "status": d.status} if d else {"status": "failed"} for d in found]


def dossiers_to_reprocess(db_url: str, pipeline_version: int) -> list[str]:
    with session_scope(db_url) as session:
        return repository.needing_reprocess(session, pipeline_version)


def open_summary(db_url: str, today: date) -> OpenSummary:
    with session_scope(db_url) as session:
        rows = repository.open_dossiers(session)
        overdue = [d for d in rows if d.due and d.due < today]
        oldest = min(overdue, key=lambda d: d.due) if overdue else None  # type: ignore[arg-type,return-value]
        return OpenSummary(
            needs_review=sum(1 for d in rows if d.status == "needs_review"),
            routed_open=sum(1 for d in rows if d.status == "routed"),
            overdue=len(overdue),
            oldest_overdue=(oldest.receipt or oldest.id, oldest.due) if oldest and oldest.due else None,
        )


open_summary_task = task(name="open-summary", cache_policy=NO_CACHE, **IO_RETRIES)(open_summary)


dossier_state_task = task(name="dossier-state", cache_policy=NO_CACHE, **IO_RETRIES)(dossier_state)


select_for_reprocess_task = task(name="select-for-reprocess", cache_policy=NO_CACHE, **IO_RETRIES)(dossiers_to_reprocess)


outcomes_task = task(name="batch-outcomes", cache_policy=NO_CACHE, **IO_RETRIES)(outcomes)
