"""An official's review of a doubtful dossier: the form hoso shows, and applying the decision.

The form is a Prefect ``RunInput``: the Prefect UI renders it on the paused run.
It shows what hoso read with personal data masked; the official picks the
procedure and office from the catalogue's own lists and types a key field only
to correct it (empty keeps what hoso read).
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any, Literal

import pydantic
from prefect import task
from prefect.cache_policies import NO_CACHE
from prefect.input import RunInput
from sqlalchemy.orm import Session

from domain.catalogue import Catalogue
from domain.deadlines import today_in_vietnam
from domain.verdict import verdict
from storage import repository
from storage.database import session_scope
from storage.models import Dossier
from storage.objects import ObjectStore
from storage.settling import Settlement, settle_dossier
from tasks.handoff import hand_off
from tasks.publish import DEFAULT_LINK_LIFETIME, archive_link, dossier_markdown
from tasks.retry import IO_RETRIES
from tasks.values import Outcome

Decision = Literal["chuyển xử lý", "trả lại"]


class ReviewDecision(RunInput):
    """What the official decided; the catalogue-dependent choices are added by :func:`review_form`."""

    quyet_dinh: Decision = pydantic.Field(description="Chuyển hồ sơ đến cơ quan xử lý, hay trả lại cho công dân")
    can_bo: str = pydantic.Field(min_length=2, description="Họ tên cán bộ xem xét")
    ly_do: str = pydantic.Field("", description="Lý do (bắt buộc khi trả lại)")
    applicant_name: str = pydantic.Field("", description="Sửa họ tên người yêu cầu (để trống: giữ nguyên)")
    applicant_id: str = pydantic.Field("", description="Sửa số định danh cá nhân (để trống: giữ nguyên)")


def review_form(catalogue: Catalogue) -> type[ReviewDecision]:
    """The form with the catalogue's procedures, offices and communes as drop-down choices."""
    procedures = tuple(p.slug for p in catalogue.procedures)
    offices = tuple(o.slug for o in catalogue.offices)
    communes = tuple(c.slug for c in catalogue.communes)
    return pydantic.create_model(  # type: ignore[call-overload,no-any-return]
        "ReviewDecision",
        __base__=ReviewDecision,
        thu_tuc=(Literal[procedures], pydantic.Field(description="Thủ tục")),  # type: ignore[valid-type]
        co_quan=(Literal[offices], pydantic.Field(description="Cơ quan xử lý")),  # type: ignore[valid-type]
        xa_phuong=(Literal[communes], pydantic.Field(description="Xã/phường")),  # type: ignore[valid-type]
    )


def prepare_review(
    store: ObjectStore, db_url: str, catalogue: Catalogue, dossier_id: str, link_lifetime: timedelta = DEFAULT_LINK_LIFETIME,
) -> tuple[type[ReviewDecision], str] | None:
    """The form, filled with what hoso concluded, and the masked description shown above it."""
    with session_scope(db_url) as session:
        dossier = repository.get(session, dossier_id)
        if dossier is None or dossier.status != "needs_review":
            return None
        record = repository.as_json(dossier, with_pages=True)
    description = dossier_markdown(record, record.get("field_confidence", {}), catalogue, archive_link(store, record, link_lifetime), today_in_vietnam())
    defaults: dict[str, Any] = {}
    procedure = record["procedure"]
    if procedure:
        defaults["thu_tuc"] = procedure
        defaults["co_quan"] = record["office"] or catalogue.procedure(procedure).office
    if record["commune"]:
        defaults["xa_phuong"] = record["commune"]
    return review_form(catalogue).with_initial_data(description=description, **defaults), description


def apply_review(
    store: ObjectStore, db_url: str, catalogue: Catalogue, dossier_id: str, owner: str, decision: dict[str, Any],
    extra_days_off: tuple[date, ...] = (),
) -> str:
    """Record the official's decision in the dossier, its history and (if routed) the office's queue.

    The review run holds the dossier's lease (``owner``) like any run that settles it, and
    the due date comes from the same verdict as the pipeline's, the ward's days off included.
    """
    actor = f"cán bộ {decision['can_bo']}"

    def decide(session: Session, dossier: Dossier) -> Settlement:
        fields = dict(dossier.fields or {})
        for name in ("applicant_name", "applicant_id"):
            if decision.get(name):
                fields[name] = {"value": decision[name].strip(), "confidence": 1.0, "corrected_by": actor}
        dossier.fields = fields
        received_at = repository.as_utc(dossier.received_at)
        if decision["quyet_dinh"] == "trả lại":
            problem = catalogue.problem("can-bo-tra-lai", reason=decision.get("ly_do") or "không ghi lý do")
            repository.add_problem(dossier, problem.code, problem.message, problem.severity)
            settled = verdict(dossier.procedure, [problem], received_at, catalogue, extra_days_off, status="rejected")
            dossier.due = settled.due
            return Settlement(settled.status, decision.get("ly_do", ""))
        changed = [
            f"{label}: {old or '-'} → {new}"
            for label, old, new in (
                ("thủ tục", dossier.procedure, decision["thu_tuc"]),
                ("cơ quan", dossier.office, decision["co_quan"]),
                ("xã/phường", dossier.commune, decision["xa_phuong"]),
            )
            if old != new
        ]
        dossier.procedure, dossier.office, dossier.commune = decision["thu_tuc"], decision["co_quan"], decision["xa_phuong"]
        settled = verdict(dossier.procedure, [], received_at, catalogue, extra_days_off, status="routed")
        dossier.due = settled.due
        return Settlement(settled.status, "; ".join(changed) or "xác nhận kết quả của hoso")

    record = settle_dossier(db_url, dossier_id, owner, decide, actor=actor)
    assert record is not None
    hand_off(store, db_url, catalogue, Outcome.of(record))
    return record["status"]


def request_review(dossier_id: str, day: str | None = None) -> bool:
    """Start the review-dossier deployment for this dossier, once a day at most (``day``: today in Việt Nam).

    Without that deployment (a bare test server, a CLI run without the stack)
    the dossier simply waits as needs_review for the nightly job.
    """
    from prefect.deployments import run_deployment
    from prefect.exceptions import ObjectNotFound

    try:
        run_deployment(
            "review-dossier/review-dossier", parameters={"dossier_id": dossier_id}, timeout=0,
            as_subflow=False, idempotency_key=f"xem-xet-{dossier_id}-{day or today_in_vietnam().isoformat()}",
        )
    except ObjectNotFound:
        return False
    return True


request_review_task = task(name="request-review", cache_policy=NO_CACHE, **IO_RETRIES)(request_review)
prepare_review_task = task(name="prepare-review", cache_policy=NO_CACHE, **IO_RETRIES)(prepare_review)


apply_review_task = task(name="apply-review", cache_policy=NO_CACHE, **IO_RETRIES)(apply_review)

