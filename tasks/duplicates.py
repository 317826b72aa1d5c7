"""The same content dropped twice, under any name, is recognised and linked, not processed again."""

from __future__ import annotations

from prefect import task
from prefect.cache_policies import NO_CACHE

from sqlalchemy.orm import Session

from domain.catalogue import Catalogue
from domain.deadlines import local_time
from domain.verdict import verdict
from storage import repository
from storage.models import Dossier
from storage.settling import NewAssessment, Settlement, settle_dossier
from tasks.retry import IO_RETRIES


def link_if_duplicate(db_url: str, catalogue: Catalogue, dossier_id: str, owner: str) -> str | None:
    """If another dossier is the original of this SHA-256, settle this one as its duplicate; returns the original's id.

    The original is whichever dossier of that content claimed it first, decided by the
    database in the settling transaction (repository.original_of_content): two stations
    sending the same bytes at once get one original and one ``ho-so-trung-lap``, in
    any interleaving of their runs.
    """

    def decide(session: Session, dossier: Dossier) -> Settlement | None:
        original = repository.original_of_content(session, dossier)
        if original is None:
            return None
        problem = catalogue.problem(
            "ho-so-trung-lap", original=original.receipt or original.id,
            received=local_time(repository.as_utc(original.received_at)).strftime("%d/%m/%Y"),
        )
        settled = verdict(original.procedure, [problem], repository.as_utc(dossier.received_at), catalogue)
        dossier.duplicate_of = original.id
        assessment = NewAssessment(problems=[problem.as_dict()], procedure=original.procedure, due=settled.due, pipeline_version=dossier.pipeline_version)
        return Settlement(settled.status, f"trùng với {original.id}", assessment)

    record = settle_dossier(db_url, dossier_id, owner, decide, actor="process_dossier")
    return record.duplicate_of if record else None


check_duplicate_task = task(name="check-duplicate", cache_policy=NO_CACHE, **IO_RETRIES)(link_if_duplicate)
