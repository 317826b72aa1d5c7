"""Set aside what cannot be processed, with its reason, so a person can look at it."""

from __future__ import annotations

from datetime import datetime, timezone

from prefect import task
from prefect.cache_policies import NO_CACHE

from sqlalchemy.orm import Session

from core.errors import HosoError
from domain.catalogue import Catalogue
from domain.model import Problem
from domain.verdict import verdict
from storage import repository
from storage.layout import REASON_SUFFIX, quarantine_key
from storage.models import Dossier
from storage.objects import ObjectStore
from storage.settling import NewAssessment, ObjectWrite, Settlement, settle_dossier
from tasks.retry import IO_RETRIES
from tasks.values import InputFile


def quarantine_files(store: ObjectStore, db_url: str, catalogue: Catalogue, dossier_id: str, owner: str, files: list[InputFile], error: HosoError) -> None:
    reason = {**error.as_dict(), "dossier": dossier_id, "at": datetime.now(timezone.utc).isoformat()}
    objects = []
    for f in files:  # the copies first: nothing a user gave is lost, and none for a dossier another run has taken over
        key = quarantine_key(dossier_id, f.name)
        objects.append(ObjectWrite("quarantine", key, f.data))
        objects.append(ObjectWrite.json("quarantine", key + REASON_SUFFIX, {**reason, "file": f.name, "inbox_key": f.inbox_key, "sha256": f.sha256}))
    if not files:
        objects.append(ObjectWrite.json("quarantine", f"{dossier_id}/reason.json", reason))
    problem = Problem(error.code, error.message, "reject")

    def decide(session: Session, dossier: Dossier) -> Settlement:
        settled = verdict(None, [problem], repository.as_utc(dossier.received_at), catalogue, status="quarantined")
        repository.release_content(dossier)
        assessment = NewAssessment(problems=[problem.as_dict()], pipeline_version=dossier.pipeline_version, due=settled.due)
        return Settlement(settled.status, f"{error.code}: {error.message}", assessment)

    settle_dossier(db_url, dossier_id, owner, decide, actor="process_dossier", store=store, objects=objects)


quarantine_task = task(name="quarantine", cache_policy=NO_CACHE, **IO_RETRIES)(quarantine_files)
