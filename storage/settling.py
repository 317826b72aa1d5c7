"""The one lease-checked final write of a dossier: every path that settles one goes through it.

The order is what makes a settled dossier trustworthy, and it was written out
four times (store, quarantine, duplicate, review) before it lived here:

1. check the claim (a read: a run that lost the dossier writes no objects);
2. write the objects (derived files, quarantine copies): a run that dies after
   this leaves objects a re-run overwrites, never a record without them;
3. in one transaction: keep the claim (a write that locks the row until the
   commit, so no other run can take the dossier between check and write),
   let the caller decide on the dossier as it now is, replace the assessment,
   set the status (which appends to the history).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from storage import repository
from storage.records import DossierRecord, record_of
from storage.database import session_scope
from storage.models import Dossier
from storage.objects import Area, ObjectStore


@dataclass(frozen=True)
class ObjectWrite:
    """An object written before the record that points to it."""

    area: Area
    key: str
    data: bytes
    content_type: str = "application/octet-stream"

    @classmethod
    def json(cls, area: Area, key: str, payload: Any) -> ObjectWrite:
        """The same encoding as ObjectStore.put_json."""
        data = json.dumps(payload, ensure_ascii=False, indent=2, default=str).encode("utf-8")
        return cls(area, key, data, "application/json; charset=utf-8")


@dataclass(frozen=True)
class NewAssessment:
    """A fresh assessment that replaces the dossier's pages, problems, place and fields."""

    problems: Sequence[dict[str, Any]]
    pipeline_version: int
    pages: Sequence[dict[str, Any]] = ()
    procedure: str | None = None
    office: str | None = None
    commune: str | None = None
    fields: dict[str, Any] = field(default_factory=dict)
    due: date | None = None
    ocr_version: str = ""


@dataclass(frozen=True)
class Settlement:
    """How the dossier settles: its status, the history line, and the assessment (None: it stays, amended in place)."""

    status: str
    reason: str
    assessment: NewAssessment | None = None


Decide = Callable[[Session, Dossier], Settlement | None]


def settle_dossier(
    db_url: str,
    dossier_id: str,
    owner: str,
    decide: Decide,
    *,
    actor: str,
    store: ObjectStore | None = None,
    objects: Iterable[ObjectWrite] = (),
) -> DossierRecord | None:
    """Settle the dossier ``owner`` holds; returns its record, or None when ``decide`` found nothing to settle.

    ``decide`` runs inside the settling transaction, after the claim is kept, with the
    dossier as stored: it may read it (received_at, the receipt) and change what only its
    path changes (a receipt number, ``duplicate_of``, an official's corrections) before
    returning the settlement. Raises ClaimLost when another run holds the dossier.
    """
    objects = list(objects)
    if objects:
        assert store is not None, "objects to write need the store"
        with session_scope(db_url) as session:
            repository.expect_claim(session, dossier_id, owner)
        for o in objects:
            store.put(o.area, o.key, o.data, o.content_type)
    with session_scope(db_url) as session:
        repository.keep_claim(session, dossier_id, owner)
        dossier = repository.get(session, dossier_id)
        assert dossier is not None
        settlement = decide(session, dossier)
        if settlement is None:
            return None
        if settlement.assessment is not None:
            a = settlement.assessment
            repository.replace_assessment(
                session, dossier, pages=a.pages, problems=a.problems, procedure=a.procedure, office=a.office,
                commune=a.commune, fields=a.fields, due=a.due, pipeline_version=a.pipeline_version, ocr_version=a.ocr_version,
            )
        repository.set_status(session, dossier, settlement.status, actor=actor, reason=settlement.reason)
        session.flush()
        return record_of(dossier)
