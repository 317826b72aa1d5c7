"""Place a routed dossier in its office's queue: a manifest in the offices area and a record."""

from __future__ import annotations

from prefect import task
from prefect.cache_policies import NO_CACHE

from domain.catalogue import Catalogue
from storage import repository
from storage.database import session_scope
from storage.layout import archive_prefix, handoff_key
from storage.objects import ObjectStore
from tasks.retry import IO_RETRIES
from tasks.values import Outcome


def hand_off(store: ObjectStore, db_url: str, catalogue: Catalogue, outcome: Outcome) -> str | None:
    """The hand-off object's key, or None when the dossier is not for an office yet."""
    if outcome.status != "routed" or not outcome.office:
        return None
    key = handoff_key(outcome.office, outcome.commune, outcome.dossier_id)
    procedure = catalogue.procedure(outcome.procedure) if outcome.procedure else None
    store.put_json(
        "offices",
        key,
        {
            "dossier": outcome.dossier_id,
            "receipt": outcome.receipt,
            "procedure": outcome.procedure,
            "procedure_name": procedure.name if procedure else None,
            "office": outcome.office,
            "commune": outcome.commune,
            "due": outcome.due.isoformat() if outcome.due else None,
            "archive": archive_prefix(outcome.dossier_id),
        },
    )
    with session_scope(db_url) as session:
        dossier = repository.get(session, outcome.dossier_id)
        assert dossier is not None
        repository.open_handoff(session, dossier, outcome.office, outcome.commune, key)
    return key


hand_off_task = task(name="hand-off", cache_policy=NO_CACHE, **IO_RETRIES)(hand_off)
