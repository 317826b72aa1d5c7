"""Checking a dossier against the rules of its procedure.

Which fields are required, which rules apply and which attachments must be
there are catalogue data; this module holds what each kind of check means.
A check that fails on text OCR was unsure of is reported for review, not as
a rejection: the applicant must not be turned away because a scan was poor.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Callable, Mapping, Sequence

from domain.catalogue import Catalogue
from domain.catalogue_schema import (
    BusinessNameRule, FieldSpec, MinAgeRule, NotBeforeRule, Procedure, RegisteredWithinRule, Rule, SameValueRule,
)
from domain.deadlines import local_time
from domain.model import Classification, FieldValue, PageInput, Problem, Severity
from domain.text import fold_key
from domain import validators as v



class _Check:
    """What one validation run needs at hand, to keep the checks short."""

    def __init__(self, procedure: Procedure, fields: Mapping[str, FieldValue], catalogue: Catalogue,
                 today: date) -> None:
        self.procedure = procedure
        self.fields = fields
        self.catalogue = catalogue
        self.today = today
        self.trusted = catalogue.confidence.trusted

    def softened(self, *confidences: float) -> Severity | None:
        """"review" when any of the readings behind a problem is doubtful."""
        return "review" if any(c < self.trusted for c in confidences) else None

    def problem(self, code: str, spec: FieldSpec | None, *confidences: float, **params: object) -> Problem:
        if spec is not None:
            params.setdefault("field_title", spec.title)
        return self.catalogue.problem(
            code, field=spec.name if spec else None, severity=self.softened(*confidences), **params
        )

    def date_of(self, name: str | None) -> date | None:
        """A date field parsed, or None when absent or unreadable (reported elsewhere)."""
        value = self.fields.get(name) if name else None
        if value is None or not value.value:
            return None
        try:
            return v.parse_date(value.value)
        except v.Invalid:
            return None

    def sex_of(self, name: str | None) -> v.Sex | None:
        value = self.fields.get(name) if name else None
        if value is None or not value.value:
            return None
        try:
            return v.parse_sex(value.value)
        except v.Invalid:
            return None


def _check_value(check: _Check, spec: FieldSpec, value: FieldValue) -> Problem | None:
    """Validate one field by its kind; the problem, if any."""
    provinces = check.catalogue.provinces
    confidences = [value.confidence]
    try:
        if spec.kind == "personal_id":
            dob = check.date_of(spec.dob_field)
            sex = spec.sex or check.sex_of(spec.sex_field)
            for ref in (spec.dob_field, spec.sex_field):
                if ref and ref in check.fields:
                    confidences.append(check.fields[ref].confidence)
            v.personal_id(value.value, provinces, dob=dob, sex=sex, today=check.today)
        elif spec.kind == "date":
            v.parse_date(value.value, today=check.today)
        elif spec.kind == "sex":
            v.parse_sex(value.value)
        elif spec.kind == "tax_code":
            v.tax_code(value.value, provinces)
        elif spec.kind == "land_cert":
            v.land_certificate(value.value)
        elif spec.kind == "phone":
            v.phone(value.value)
        elif spec.kind in ("money", "count"):
            v.amount(value.value)
        elif spec.kind == "area":
            v.area(value.value)
    except v.Invalid as bad:
        params = {"value": value.value, **bad.params}
        return check.problem(bad.code, spec, *confidences, **params)
    return None


def _min_age(check: _Check, rule: MinAgeRule) -> Problem | None:
    born = check.date_of(rule.field)
    if born is None or v.age_on(born, check.today) >= rule.years:
        return None
    spec = check.procedure.field(rule.field)
    return check.problem(
        rule.code, spec, check.fields[rule.field].confidence,
        person=rule.person, dob=born, today=check.today, years=rule.years,
    )


def _registered_within(check: _Check, rule: RegisteredWithinRule) -> Problem | None:
    event = check.date_of(rule.field)
    if event is None or event > check.today:
        return None
    elapsed = (check.today - event).days
    if elapsed <= rule.days:
        return None
    spec = check.procedure.field(rule.field)
    return check.problem(rule.code, spec, 1.0, elapsed=elapsed, event=event, days=rule.days)


def _not_before(check: _Check, rule: NotBeforeRule) -> Problem | None:
    later, earlier = check.date_of(rule.field), check.date_of(rule.other)
    if later is None or earlier is None or later >= earlier:
        return None
    spec = check.procedure.field(rule.field)
    confidences = (check.fields[rule.field].confidence, check.fields[rule.other].confidence)
    return check.problem(rule.code, spec, *confidences, value=later, other=earlier)


def _same_value(check: _Check, rule: SameValueRule) -> Problem | None:
    """One person's number written twice (the applicant who is the head of household) read two ways.

    Never a rejection: the paper may be right and one reading wrong, so an
    official compares. Only where both were read and the third field says so.
    """
    when, one, two = (check.fields.get(n) for n in (rule.when, rule.field, rule.other))
    if when is None or one is None or two is None or not one.value or not two.value:
        return None
    if fold_key(when.value) not in {fold_key(x) for x in rule.is_} or one.value == two.value:
        return None
    spec, other, cond = (check.procedure.field(n) for n in (rule.field, rule.other, rule.when))
    return check.catalogue.problem(
        rule.code, field=spec.name, severity="review", field_title=spec.title,
        other_title=other.title, when_title=cond.title, when=when.value,
    )


def _business_name(check: _Check, rule: BusinessNameRule) -> Problem | None:
    """Nghị định 168/2025: "Hộ kinh doanh" + a distinct name, never "công ty"/"doanh nghiệp"."""
    value = check.fields.get(rule.field)
    if value is None or not value.value:
        return None
    key, prefix = fold_key(value.value), fold_key(rule.prefix)
    reason = None
    if not key.startswith(prefix):
        reason = f"không bắt đầu bằng “{rule.prefix}”"
    else:
        for word in rule.forbidden:
            if f" {fold_key(word)} " in f" {key} ":
                reason = f"có chứa “{word}”"
                break
        else:
            if not key[len(prefix):].strip():
                reason = f"chỉ có “{rule.prefix}” mà thiếu tên riêng"
    if reason is None:
        return None
    spec = check.procedure.field(rule.field)
    return check.problem(rule.code, spec, value.confidence, value=value.value, reason=reason)


_RULES: dict[type, Callable[[_Check, Rule], Problem | None]] = {
    MinAgeRule: _min_age,
    RegisteredWithinRule: _registered_within,
    NotBeforeRule: _not_before,
    SameValueRule: _same_value,
    BusinessNameRule: _business_name,
}


def validate(
    procedure: str | None,
    fields: Mapping[str, FieldValue],
    classification: Classification,
    pages: Sequence[PageInput],
    catalogue: Catalogue,
    received_at: datetime,
) -> list[Problem]:
    """Every problem with the content of the dossier, under its procedure's rules.

    Without a procedure nothing can be checked; the classification has
    already said so.
    """
    if procedure is None:
        return []
    entry = catalogue.procedure(procedure)
    check = _Check(entry, fields, catalogue, local_time(received_at).date())
    kinds = classification.page_kinds or ("unknown",) * len(pages)
    # A field not found, or found blank, is never a reason to turn the
    # applicant away: another layout or a poor scan hides values from hoso,
    # and even a real blank is completed on the official's one request
    # (problems.yaml). A missing attachment is certain when every page was
    # recognised: OCR does not lose pages, but an unreadable one may be it.
    page_absence = 0.0 if "unknown" in kinds else 1.0
    problems: list[Problem] = []

    for name in entry.required_fields:
        value = fields.get(name)
        if value is None:
            problems.append(check.problem("chua-doc-duoc-thong-tin", entry.field(name)))
        elif not value.value:
            problems.append(check.problem("thieu-thong-tin", entry.field(name)))
    for name in entry.key_fields:
        value = fields.get(name)
        if value is not None and value.value and value.confidence < catalogue.confidence.key_field_min:
            spec = entry.field(name)
            problems.append(
                catalogue.problem(
                    "thong-tin-khong-chac-chan", field=name, field_title=spec.title,
                    value=value.value, confidence=round(value.confidence * 100),
                )
            )
    for spec in entry.fields:
        value = fields.get(spec.name)
        if spec.same_as is None and value is not None and value.value:
            problem = _check_value(check, spec, value)
            if problem is not None:
                problems.append(problem)
    for rule in entry.rules:
        problem = _RULES[type(rule)](check, rule)
        if problem is not None:
            problems.append(problem)

    present = set(kinds)
    for requirement in entry.attachments:
        if present.isdisjoint(requirement.any_of):
            problems.append(
                check.problem("thieu-giay-to-kem-theo", None, page_absence, attachment=requirement.name)
            )
    return problems
