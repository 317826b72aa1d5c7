"""The same content dropped twice, under any name, is recognised and linked, not processed again."""

from __future__ import annotations

from prefect import task
from prefect.cache_policies import NO_CACHE

from domain.catalogue import Catalogue
from domain.deadlines import local_time
from storage import repository
from storage.database import session_scope
from tasks.retry import IO_RETRIES


def link_if_duplicate(db_url: str, catalogue: Catalogue, dossier_id: str, owner: str) -> str | None:
    """If another dossier is the original of this SHA-256, settle this one as its duplicate; returns the original's id.

    The original is whichever dossier of that content claimed it first, decided by the
    database in this one transaction (repository.original_of_content): two stations
    sending the same bytes at once get one original and one ``ho-so-trung-lap``, in
    any interleaving of their runs.
    """
    with session_scope(db_url) as session:
        dossier = repository.get(session, dossier_id)
        assert dossier is not None
        original = repository.original_of_content(session, dossier)
        if original is None:
            return None
        repository.keep_claim(session, dossier_id, owner)
        problem = catalogue.problem(
            "ho-so-trung-lap", original=original.receipt or original.id,
            received=local_time(repository.as_utc(original.received_at)).strftime("%d/%m/%Y"),
        )
        repository.replace_assessment(
            session, dossier, pages=[], problems=[problem.as_dict()], procedure=original.procedure, office=None,
            commune=None, fields={}, due=None, pipeline_version=dossier.pipeline_version, ocr_version="",
        )
        dossier.duplicate_of = original.id
        repository.set_status(session, dossier, "rejected", actor="process_dossier", reason=f"trùng với {original.id}")
        return original.id


duplicate_task = task(name="check-duplicate", cache_policy=NO_CACHE, **IO_RETRIES)(link_if_duplicate)
