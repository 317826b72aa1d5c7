"""Record the assessment: derived objects into the archive first, then one database commit."""

from __future__ import annotations

from datetime import date

from prefect import task
from prefect.cache_policies import NO_CACHE
from sqlalchemy.orm import Session

from domain.catalogue import Catalogue
from domain.deadlines import local_time, receipt_code
from domain.model import Classification, FieldValue
from domain.verdict import verdict
from storage import repository
from storage.layout import derived_key, searchable_key
from storage.models import Dossier
from storage.objects import ObjectStore
from storage.settling import NewAssessment, ObjectWrite, Settlement, settle_dossier
from tasks import supplement
from tasks.retry import IO_RETRIES
from tasks.values import DossierText, Outcome, StoreContext, Understanding


def page_rows(text: DossierText, classification: Classification) -> list[dict]:
    rows = []
    kinds = list(classification.page_kinds)
    for file_position, t in enumerate(text.files, start=1):
        for p in t.result.pages:
            kind = kinds[len(rows)] if len(rows) < len(kinds) else "unknown"
            rows.append(
                {"file_position": file_position, "number": p.number, "kind": kind, "source": p.source, "confidence": float(p.confidence), "text": p.text, "quality": dict(p.quality)}
            )
    return rows


def store_assessment(
    store: ObjectStore,
    db_url: str,
    catalogue: Catalogue,
    ctx: StoreContext,
    dossier_id: str,
    owner: str,
    text: DossierText,
    understood: Understanding,
) -> Outcome:
    classification, fields, routing = understood.classification, understood.fields, understood.routing
    all_problems = [*classification.problems, *understood.problems, *routing.problems]
    pages = page_rows(text, classification)
    full_text = "\n\f\n".join(p["text"] for p in pages)
    # Derived objects first (storage.settling): if we die after them, a re-run overwrites them.
    objects = [
        ObjectWrite.json("archive", derived_key(dossier_id, "pages.json"), pages),
        ObjectWrite("archive", derived_key(dossier_id, "text.txt"), full_text.encode("utf-8"), "text/plain; charset=utf-8"),
        *(
            ObjectWrite("archive", searchable_key(dossier_id, position), t.result.searchable_pdf, "application/pdf")
            for position, t in enumerate(text.files, start=1)
            if t.result.searchable_pdf
        ),
    ]

    def decide(session: Session, dossier: Dossier) -> Settlement:
        received_at = repository.as_utc(dossier.received_at)
        days_off = supplement.days_off(session, dossier.id, ctx.extra_days_off)  # the days waited for a supplement do not count
        settled = verdict(classification.procedure, all_problems, received_at, catalogue, days_off)
        if dossier.receipt is None:
            day = local_time(received_at).date()
            dossier.receipt = receipt_code(ctx.unit_code, day, repository.next_receipt_sequence(session, ctx.unit_code, day))
        assessment = NewAssessment(
            pages=pages, problems=[p.as_dict() for p in all_problems], procedure=classification.procedure,
            office=routing.office, commune=routing.commune, fields={k: _field_json(v) for k, v in fields.items()},
            due=settled.due, pipeline_version=ctx.pipeline_version, ocr_version=ctx.ocr_version,
        )
        return Settlement(settled.status, "; ".join(p.code for p in all_problems) or "không có vấn đề", assessment)

    record = settle_dossier(db_url, dossier_id, owner, decide, actor="process_dossier", store=store, objects=objects)
    assert record is not None
    # A snapshot of the record beside the originals, for whoever reads the archive alone.
    store.put_json("archive", derived_key(dossier_id, "record.json"), record.as_json())
    return Outcome.of(record, tuple(p.code for p in all_problems))


store_task = task(name="store", cache_policy=NO_CACHE, **IO_RETRIES)(store_assessment)


def parse_days_off(values: list[str]) -> tuple[date, ...]:
    return tuple(date.fromisoformat(v) for v in values)


def _field_json(value: FieldValue) -> dict[str, object]:
    """A field as records keep it: its value, how sure hoso is, and where on which page it was read."""
    out: dict[str, object] = {"value": value.value, "confidence": round(value.confidence, 3)}
    if value.page is not None:
        out["page"] = value.page
    if value.box is not None:
        out["box"] = list(value.box)
    return out
