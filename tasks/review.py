"""An official's review of a doubtful dossier: the form hoso shows, checking the decision, applying it.

The form is a Prefect ``RunInput``: the Prefect UI renders it on the waiting review run.
It speaks Vietnamese: every field has a Vietnamese title (the UI shows a field's
``title``, and adds "(Optional)" to any field the schema does not require, so every
field is required and carries its default), and the choices are the names the law
uses (the UI's drop-downs show enum values as they are, so the values are the
names; the slugs stay behind them, in :func:`check_decision`). What hoso read is
shown masked; the official types a field only to correct it (empty keeps it).

Prefect checks an answer against the form's JSON schema only (types, choices), in
English; what a decision must satisfy (a return needs its reason, an ID must be a
valid one, a dossier still lacking something is routed only when the official says
so) is checked here, in Vietnamese: an answer that fails is not applied, and the
review waits again with the reasons on top of the form (flows/review.py).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta, timezone
from typing import Any, Literal

import pydantic
from prefect import task
from prefect.cache_policies import NO_CACHE
from prefect.input import RunInput
from sqlalchemy.orm import Session

from core.masking import mask_by_kind
from domain.catalogue import Catalogue
from domain.deadlines import today_in_vietnam
from domain.validators import Invalid, parse_date, personal_id
from domain.verdict import verdict
from storage import filings, repository
from storage.database import session_scope
from storage.models import Dossier
from storage.records import DossierRecord, record_of
from storage.objects import ObjectStore
from storage.settling import Settlement, settle_dossier
from tasks.handoff import hand_off
from tasks import supplement
from tasks.publish import (
    DEFAULT_LINK_LIFETIME, ArchiveLink, artifact_link, field_kind, markdown_escape, page_links, run_name, run_tags, shown_problem,
    shown_value,
)
from tasks.retry import IO_RETRIES
from tasks.values import Outcome

ROUTE = "Chuyển đến cơ quan xử lý"
RETURN = "Trả lại cho công dân"
SUPPLEMENT = "Yêu cầu công dân bổ sung giấy tờ"  # tasks/supplement.py: the resident is asked once, the dossier waits
REVIEW_PREFIX = "xem xét · "  # a review run is named like its dossier's run, after this
PAUSE_KEY = "xem-xet"  # a review's n-th wait is "xem-xet-<n>" (flows/review.py)
# Problems that say a required field is missing or doubtful: the form offers to correct that field.
LACKING_FIELD_CODES = frozenset({"thieu-thong-tin", "chua-doc-duoc-thong-tin", "thong-tin-khong-chac-chan"})
ALWAYS_CORRECTABLE = ("applicant_name", "applicant_id")


@dataclass(frozen=True)
class ReviewCase:
    """What a review is about: the dossier as hoso left it, what it lacks, what the form lets the official correct."""

    dossier_id: str
    procedure: str | None
    office: str | None
    commune: str | None
    corrections: tuple[str, ...]  # field names offered for correction, in the form's order
    lacking_fields: tuple[str, ...]  # required fields hoso found missing or doubtful
    lacking_attachments: tuple[str, ...]  # required attachments not found, by the name the applicant is asked for
    description: str  # the masked summary above the form
    run_name: str
    tags: tuple[str, ...]
    supplement_grounds: tuple[str, ...] = ()  # the grounds of earlier requests for papers (a new request needs a new one)


@dataclass(frozen=True)
class Decision:
    """A checked decision, in slugs: what :func:`apply_review` records."""

    route: bool
    official: str
    reason: str
    procedure: str | None
    office: str | None
    commune: str | None
    corrections: tuple[tuple[str, str], ...] = ()
    confirmed_lacking: tuple[str, ...] = field(default=())  # what the official routed without, knowingly
    supplement: tuple[tuple[str, str], ...] = ()  # (paper, why) the resident is asked for: neither routed nor returned, it waits

    @property
    def asks_supplement(self) -> bool:
        return bool(self.supplement)


def _label(catalogue: Catalogue, procedure: str | None, name: str) -> str:
    return catalogue.field_label(procedure, name)


def review_case(
    store: ObjectStore, db_url: str, catalogue: Catalogue, dossier_id: str, link_lifetime: timedelta = DEFAULT_LINK_LIFETIME,
) -> ReviewCase | None:
    """The review of a needs_review dossier (None when it no longer needs one); page links last ``link_lifetime``."""
    with session_scope(db_url) as session:
        dossier = repository.get(session, dossier_id)
        if dossier is None or dossier.status != "needs_review":
            return None
        record = record_of(dossier, with_pages=True)
        grounds = tuple(r.ground for r in filings.requests(session, dossier_id))
    procedure = record.procedure
    entry = catalogue.procedure(procedure) if procedure else None
    lacking = [p.field for p in record.problems if p.code in LACKING_FIELD_CODES and p.field]
    if entry:
        lacking += [n for n in entry.required_fields if not record.value(n)]
    lacking_fields = tuple(dict.fromkeys(lacking))
    lacking_attachments = tuple(
        _attachment_of(p.message) for p in record.problems if p.code == "thieu-giay-to-kem-theo"
    )
    doubtful = [p.field for p in record.problems if p.field]
    own = {f.name for f in entry.fields} if entry else set(ALWAYS_CORRECTABLE)
    corrections = tuple(dict.fromkeys([*lacking_fields, *doubtful, *(n for n in ALWAYS_CORRECTABLE if n in own)]))
    description = review_markdown(store, catalogue, record, lacking_fields, lacking_attachments, link_lifetime)
    office = record.office or (entry.office if entry else None)
    return ReviewCase(
        dossier_id=dossier_id, procedure=procedure, office=office,
        commune=record.commune, corrections=corrections, lacking_fields=lacking_fields,
        lacking_attachments=lacking_attachments, description=description,
        run_name=f"{REVIEW_PREFIX}{run_name(record)}", tags=(*run_tags(replace(record, office=office)), "xem-xét"),
        supplement_grounds=grounds,
    )


def _attachment_of(message: str) -> str:
    """The attachment a "thieu-giay-to-kem-theo" message names (its template: "…: {attachment}. Đề nghị…")."""
    return message.split(":", 1)[-1].split(". Đề nghị", 1)[0].strip()


# Prefect's UI renders a field's description as Markdown after turning each single newline into a
# space, so a paragraph break there takes three newlines (two survive: a blank line).
PARAGRAPH = "\n\n\n"


def review_markdown(
    store: ObjectStore, catalogue: Catalogue, record: DossierRecord, lacking_fields: tuple[str, ...],
    lacking_attachments: tuple[str, ...], link_lifetime: timedelta = DEFAULT_LINK_LIFETIME,
) -> str:
    """The summary the official decides on: why in review, each doubtful field (masked, where read, how sure), the pages.

    It is the description of the form's first field, not the form's own description: the
    Prefect UI squeezes the latter to nothing once the form is taller than the dialog (seen
    at 1366×768 and at 1600×1200), while a field's description is part of the form and
    shows at the top of it. Short, without tables (the UI's newline handling breaks them);
    the full artifact (key ``ho-so-<id>``) is linked. The page links say until when they open.
    """
    procedure = record.procedure
    name = catalogue.procedure(procedure).name if procedure else "chưa nhận dạng được"
    parts = [f"**Hồ sơ {record.receipt or record.id[:8]}** · {name} · **Vì sao cần xem xét:**"]
    parts += [f"- {markdown_escape(shown_problem(catalogue, procedure, p))}" for p in record.problems if p.severity != "warning"]
    doubtful = [n for n in dict.fromkeys([*lacking_fields, *(p.field for p in record.problems)]) if n]
    for n in doubtful:
        read = record.fields.get(n)
        page, sure = (read.page, read.confidence) if read is not None else (None, None)
        value = shown_value(catalogue, procedure, n, record.value(n)) or "(trống)"
        parts.append(
            f"- *{_label(catalogue, procedure, n)}*: {markdown_escape(value)}"
            + (f" — tin cậy {sure:.0%}" if sure is not None else "") + (f", đọc ở trang {page}" if page else "")
        )
    if lacking_attachments:
        parts.append("**Còn thiếu giấy tờ:** " + "; ".join(lacking_attachments))
    until = ArchiveLink("", datetime.now(timezone.utc) + link_lifetime).until_text()
    links = page_links(store, record, link_lifetime)
    if links:
        parts.append("**Xem trang:** " + " · ".join(f"[trang {n}]({url})" for n, url in links) + f" (liên kết có hiệu lực {until})")
    artifact = artifact_link(record.id)
    parts.append(f"Toàn bộ thông tin (đã che): [bản tóm tắt hồ sơ]({artifact})." if artifact else
                 "Toàn bộ thông tin (đã che): bản tóm tắt hồ sơ trong mục *Artifacts* (khóa ho-so-…).")
    return PARAGRAPH.join(parts)


def _every_field_required(schema: dict[str, Any]) -> None:
    """Every field required, defaults kept: Prefect's UI labels any other field "(Optional)", in English."""
    schema["required"] = list(schema.get("properties", {}))


class ReviewForm(RunInput):
    """The base of every review form (:func:`review_form` adds its fields)."""

    model_config = pydantic.ConfigDict(json_schema_extra=_every_field_required)


def _choices(names: list[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(names))


def review_form(catalogue: Catalogue, case: ReviewCase, errors: tuple[str, ...] = ()) -> type[RunInput]:
    """The form for this case, with hoso's conclusions as defaults; ``errors``: why the previous answer was not applied."""
    procedures = _choices([p.name for p in catalogue.procedures])
    offices = _choices([o.name for o in catalogue.offices])
    communes = _choices(["", *(c.display_name for c in catalogue.communes)])
    procedure_name = catalogue.procedure(case.procedure).name if case.procedure else None
    office_name = catalogue.office(case.office).name if case.office else None
    commune_name = catalogue.commune(case.commune).display_name if case.commune else ""
    where = catalogue.office_name(case.office, case.commune) if case.office and case.commune else "chưa xác định"
    summary = case.description
    supplement_default = "; ".join(f"{a} — chưa có trong hồ sơ" for a in case.lacking_attachments)
    if errors:
        summary = PARAGRAPH.join(["**Quyết định trước chưa ghi được:**", *(f"- {markdown_escape(e)}" for e in errors), summary])
    fields: dict[str, Any] = {
        "quyet_dinh": (Literal[ROUTE, RETURN, SUPPLEMENT], pydantic.Field(ROUTE, title="Quyết định", description=summary)),
        "can_bo": (str, pydantic.Field(title="Cán bộ xem xét", description="Họ tên cán bộ")),
        "ly_do": (str, pydantic.Field("", title="Lý do trả lại", description="Bắt buộc khi trả lại: ghi rõ người nộp cần bổ sung hoặc sửa gì. Khi yêu cầu bổ sung: căn cứ của yêu cầu.")),
        "giay_to_bo_sung": (str, pydantic.Field(supplement_default, title="Giấy tờ cần bổ sung", description="Khi yêu cầu bổ sung (một lần, đủ mọi giấy tờ): «tên giấy tờ — lý do», các giấy tờ cách nhau bằng dấu chấm phẩy. Không cần khi chuyển hoặc trả lại.")),
        "thu_tuc": (Literal[procedures], pydantic.Field(procedure_name, title="Thủ tục") if procedure_name else pydantic.Field(title="Thủ tục")),  # type: ignore[valid-type]
        "co_quan": (Literal[offices], pydantic.Field(office_name, title="Cơ quan") if office_name else pydantic.Field(title="Cơ quan")),  # type: ignore[valid-type]
        "xa_phuong": (Literal[communes], pydantic.Field(commune_name, title="Xã/phường", description=f"Bắt buộc khi chuyển; không cần khi trả lại. Nơi nhận hiện tại: {where}.")),  # type: ignore[valid-type]
    }
    for name in case.corrections:
        label = _label(catalogue, case.procedure, name)
        fields[f"sua_{name}"] = (str, pydantic.Field("", title=f"Sửa {label[:1].lower()}{label[1:]}", description="Để trống: giữ nguyên điều hoso đọc được."))
    lacking = [*(_label(catalogue, case.procedure, n) for n in case.lacking_fields), *case.lacking_attachments]
    if lacking:
        fields["van_chuyen_khi_thieu"] = (bool, pydantic.Field(False, title="Vẫn chuyển dù còn thiếu", description="Còn thiếu: " + "; ".join(lacking) + ". Đánh dấu để xác nhận chuyển hồ sơ khi chưa bổ sung đủ."))

    form = pydantic.create_model("XemXetHoSo", __base__=ReviewForm, **fields)  # type: ignore[call-overload]
    return form  # type: ignore[no-any-return]


def check_decision(answer: dict[str, Any], case: ReviewCase, catalogue: Catalogue, today: date | None = None) -> Decision | tuple[str, ...]:
    """The official's answer as a Decision, or why it cannot be applied (Vietnamese, nothing personal in clear)."""
    errors: list[str] = []
    choice = answer.get("quyet_dinh", ROUTE)
    route, asks = choice == ROUTE, choice == SUPPLEMENT
    official = str(answer.get("can_bo") or "").strip()
    reason = str(answer.get("ly_do") or "").strip()
    if len(official) < 2:
        errors.append("Cần ghi họ tên cán bộ xem xét.")
    if choice == RETURN and len(reason) < 3:
        errors.append("Trả lại hồ sơ cần ghi lý do: người nộp cần bổ sung hoặc sửa gì.")
    papers: tuple[tuple[str, str], ...] = ()
    if asks:
        listed = str(answer.get("giay_to_bo_sung") or "").replace(";", "\n")
        papers = tuple((i["name"], i["reason"]) for i in supplement.parse_items(listed))
        if not papers:
            errors.append("Yêu cầu bổ sung cần nêu ít nhất một giấy tờ cần bổ sung, mỗi giấy tờ «tên giấy tờ — lý do».")
        if case.supplement_grounds and not filings.is_new_ground(reason, case.supplement_grounds):
            errors.append("Hồ sơ này đã được yêu cầu bổ sung một lần; chỉ yêu cầu lại khi có căn cứ mới (ghi căn cứ đó vào lý do).")
    by_name = {
        "thu_tuc": {p.name: p.slug for p in catalogue.procedures},
        "co_quan": {o.name: o.slug for o in catalogue.offices},
        "xa_phuong": {c.display_name: c.slug for c in catalogue.communes},
    }
    chosen = {key: by_name[key].get(str(answer.get(key) or "")) for key in by_name}
    if route and not chosen["xa_phuong"]:
        errors.append("Chuyển hồ sơ cần chọn xã/phường nhận.")
    if route and not chosen["thu_tuc"]:
        errors.append("Chuyển hồ sơ cần chọn thủ tục.")
    corrections: list[tuple[str, str]] = []
    for name in case.corrections:
        value = str(answer.get(f"sua_{name}") or "").strip()
        if not value:
            continue
        problem = _invalid_correction(catalogue, case.procedure, name, value, today or today_in_vietnam())
        if problem:
            errors.append(problem)
        else:
            corrections.append((name, value))
    corrected = {n for n, _ in corrections}
    still = [*(_label(catalogue, case.procedure, n) for n in case.lacking_fields if n not in corrected), *case.lacking_attachments]
    confirmed = bool(answer.get("van_chuyen_khi_thieu"))
    if route and still and not confirmed:
        errors.append(
            "Hồ sơ còn thiếu: " + "; ".join(still) + ". Hãy sửa thông tin còn thiếu, hoặc đánh dấu «Vẫn chuyển dù còn thiếu» để xác nhận chuyển."
        )
    if errors:
        return tuple(errors)
    return Decision(
        route=route, official=official, reason=reason, procedure=chosen["thu_tuc"] or case.procedure,
        office=chosen["co_quan"] or case.office, commune=chosen["xa_phuong"], corrections=tuple(corrections),
        confirmed_lacking=tuple(still) if route else (), supplement=papers,
    )


def _invalid_correction(catalogue: Catalogue, procedure: str | None, name: str, value: str, today: date) -> str | None:
    """Why a corrected value cannot stand (None: it can), naming the field, never quoting the value in clear."""
    kind = field_kind(catalogue, procedure, name)
    label = _label(catalogue, procedure, name)
    shown = mask_by_kind(kind, value)
    try:
        if kind == "personal_id":
            personal_id(value, catalogue.provinces, today=today)
        elif kind == "date":
            parse_date(value, today=today)
    except Invalid as exc:
        text = catalogue.problem_text(exc.code).message if exc.code in catalogue.problem_codes() else ""
        why = text.split(":", 1)[1].strip() if ":" in text and "{" not in text.split(":", 1)[1] else "không hợp lệ"
        return f"{label} sửa lại («{shown}») không hợp lệ: {why}"
    except ValueError:
        return f"{label} sửa lại («{shown}») không hợp lệ: ghi theo dạng ngày/tháng/năm, ví dụ 05/03/1990."
    return None


def decision_reason(decision: Decision, catalogue: Catalogue, before: Dossier) -> str:
    """The history line of a decision, as made: what was corrected (masked), where it went, why — nothing in clear."""
    parts = []
    if decision.route:
        where = catalogue.office_name(decision.office, decision.commune) if decision.office and decision.commune else "?"
        parts.append(f"chuyển đến {where}")
        if decision.procedure != before.procedure:
            old = catalogue.procedure(before.procedure).name if before.procedure else "chưa rõ"
            parts.append(f"thủ tục: {old} → {catalogue.procedure(decision.procedure).name if decision.procedure else '?'}")
    elif decision.asks_supplement:
        parts.append("yêu cầu bổ sung: " + "; ".join(f"{n} ({why})" if why else n for n, why in decision.supplement))
        if decision.reason:
            parts.append(f"căn cứ: {decision.reason}")
    else:
        parts.append(f"trả lại: {decision.reason}")
    for name, value in decision.corrections:
        parts.append(f"sửa {_label(catalogue, decision.procedure, name)[:1].lower()}{_label(catalogue, decision.procedure, name)[1:]}: "
                     f"{mask_by_kind(field_kind(catalogue, decision.procedure, name), value)}")
    if decision.confirmed_lacking:
        parts.append("cán bộ xác nhận chuyển dù còn thiếu: " + "; ".join(decision.confirmed_lacking))
    if decision.route and decision.reason:
        parts.append(f"ghi chú: {decision.reason}")
    return "; ".join(parts)


def apply_review(
    store: ObjectStore, db_url: str, catalogue: Catalogue, dossier_id: str, owner: str, decision: Decision,
    extra_days_off: tuple[date, ...] = (),
) -> str:
    """Record the official's decision in the dossier, its history and (if routed) the office's queue.

    The review run holds the dossier's lease (``owner``) like any run that settles it, and
    the due date comes from the same verdict as the pipeline's, the ward's days off included.
    """
    actor = f"cán bộ {decision.official}"

    def decide(session: Session, dossier: Dossier) -> Settlement:
        reason = decision_reason(decision, catalogue, dossier)
        fields = dict(dossier.fields or {})
        for name, value in decision.corrections:
            fields[name] = {"value": value, "confidence": 1.0, "corrected_by": actor}
        dossier.fields = fields
        received_at = repository.as_utc(dossier.received_at)
        if decision.asks_supplement:  # tasks/supplement.py: the resident is asked, the dossier waits
            items = [{"name": n, "reason": why} for n, why in decision.supplement]
            return Settlement(supplement.request_from_review(session, dossier, items, decision.reason, actor).status, reason)
        days_off = supplement.days_off(session, dossier.id, extra_days_off)  # the days waited for a supplement do not count
        if not decision.route:
            problem = catalogue.problem("can-bo-tra-lai", reason=decision.reason)
            repository.add_problem(dossier, problem.code, problem.message, problem.severity)
            settled = verdict(dossier.procedure, [problem], received_at, catalogue, days_off, status="rejected")
            dossier.due = settled.due
            return Settlement(settled.status, reason)
        dossier.procedure, dossier.office, dossier.commune = decision.procedure, decision.office, decision.commune
        settled = verdict(dossier.procedure, [], received_at, catalogue, days_off, status="routed")
        dossier.due = settled.due
        return Settlement(settled.status, reason)

    record = settle_dossier(db_url, dossier_id, owner, decide, actor=actor)
    assert record is not None
    if record.status != filings.AWAITING_SUPPLEMENT:  # a dossier waiting for the resident's papers goes to no office yet
        hand_off(store, db_url, catalogue, Outcome.of(record))
    return str(record.status)


def request_review(
    store: ObjectStore, db_url: str, catalogue: Catalogue, dossier_id: str, timeout_s: int, day: str | None = None,
    link_lifetime: timedelta = DEFAULT_LINK_LIFETIME,
) -> bool:
    """Leave a review-dossier run waiting for an official, without starting any process (once a day at most).

    The run is created by the API directly in the state a run that suspended itself would
    be in (``Suspended``, awaiting input under the pause key ``xem-xet-1``), with the form's
    schema and the summary saved as its run inputs: the Prefect UI shows it as a waiting
    run with a form, and a worker starts it only once the official has answered (Prefect
    reschedules a resumed ``Suspended`` run). Before, each review started a process on a
    worker only to suspend itself. Without that deployment (a bare test server, a CLI run
    without the stack) the dossier simply waits as needs_review for the nightly job.
    """
    from prefect.client.orchestration import get_client
    from prefect.exceptions import ObjectNotFound
    from prefect.input.run_input import keyset_from_paused_state
    from prefect.states import Suspended

    case = review_case(store, db_url, catalogue, dossier_id, link_lifetime)
    if case is None:
        return False
    state = Suspended(timeout_seconds=timeout_s, pause_key=f"{PAUSE_KEY}-1")
    keyset = keyset_from_paused_state(state)
    state.state_details.run_input_keyset = keyset
    with get_client(sync_client=True) as client:
        try:
            deployment = client.read_deployment_by_name("review-dossier/review-dossier")
        except ObjectNotFound:
            return False
        run = client.create_flow_run_from_deployment(
            deployment.id, parameters={"dossier_id": dossier_id}, state=state, name=case.run_name, tags=list(case.tags),
            idempotency_key=f"xem-xet-{dossier_id}-{day or today_in_vietnam().isoformat()}",
        )
        try:
            client.read_flow_run_input(run.id, keyset["schema"])
            return True  # the same request again (a retried task): the run and its form exist
        except Exception:  # noqa: BLE001 - Prefect answers 404 with an HTTP error
            pass
    review_form(catalogue, case).save(keyset, flow_run_id=run.id)
    return True


request_review_task = task(name="request-review", cache_policy=NO_CACHE, **IO_RETRIES)(request_review)
review_case_task = task(name="prepare-review", cache_policy=NO_CACHE, **IO_RETRIES)(review_case)
apply_review_task = task(name="apply-review", cache_policy=NO_CACHE, **IO_RETRIES)(apply_review)
