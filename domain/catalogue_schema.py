"""The catalogue's schema: what each YAML file in ``domain/data/`` may say, checked field by field.

pydantic models, frozen: a catalogue that loaded is a catalogue that is right in
shape (the cross-references between files are checked by domain.catalogue_loading).
"""

from __future__ import annotations

from datetime import time
from typing import Annotated, Literal, Union

from pydantic import BaseModel, ConfigDict, Field, model_validator

Slug = Annotated[str, Field(pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$")]
FieldName = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$")]
FieldKind = Literal[
    "name", "personal_id", "date", "sex", "text", "money", "count", "tax_code", "land_cert", "phone", "area"
]
Sex = Literal["Nam", "Nữ"]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class FieldSpec(_Model):
    name: FieldName
    title: str  # how a message names the field, lower case: "ngày sinh của bên nữ"
    kind: FieldKind
    labels: list[str] = []
    section: str | None = None
    same_as: FieldName | None = None
    dob_field: FieldName | None = None  # personal_id: the date of birth it must agree with
    sex_field: FieldName | None = None  # personal_id: the sex field it must agree with
    sex: Sex | None = None  # personal_id: the sex the form implies (bên nữ / bên nam)

    @model_validator(mode="after")
    def _labels_or_copy(self) -> FieldSpec:
        if bool(self.labels) == bool(self.same_as):
            raise ValueError("cần đúng một trong hai: 'labels' (nhãn in trên tờ khai) hoặc 'same_as'")
        return self


class Section(_Model):
    name: FieldName
    markers: list[str] = Field(min_length=1)


class TimeLimit(_Model):
    kind: Literal["same_day", "working_days", "calendar_days"]
    days: int = Field(default=0, ge=0, le=365)
    cutoff: time | None = None

    @model_validator(mode="after")
    def _consistent(self) -> TimeLimit:
        if self.kind == "same_day" and self.days:
            raise ValueError("thời hạn 'same_day' không có số ngày")
        if self.kind != "same_day" and not self.days:
            raise ValueError(f"thời hạn '{self.kind}' cần số ngày 'days'")
        return self


class AttachmentRequirement(_Model):
    any_of: list[Slug] = Field(min_length=1)
    name: str  # what the message asks the applicant for


class MinAgeRule(_Model):
    kind: Literal["min_age"]
    field: FieldName
    years: int = Field(gt=0)
    person: str
    code: Slug


class RegisteredWithinRule(_Model):
    kind: Literal["registered_within"]
    field: FieldName
    days: int = Field(gt=0)
    code: Slug


class NotBeforeRule(_Model):
    kind: Literal["not_before"]
    field: FieldName
    other: FieldName
    code: Slug


class SameValueRule(_Model):
    """Two fields that must read the same where a third says they are one person's."""

    kind: Literal["same_value"]
    field: FieldName
    other: FieldName
    when: FieldName
    is_: list[str] = Field(alias="is")
    code: Slug


class BusinessNameRule(_Model):
    kind: Literal["business_name"]
    field: FieldName
    prefix: str
    forbidden: list[str]
    code: Slug


Rule = Annotated[
    Union[MinAgeRule, RegisteredWithinRule, NotBeforeRule, SameValueRule, BusinessNameRule], Field(discriminator="kind")
]


class Procedure(_Model):
    slug: Slug
    name: str
    title: str
    form_code: str | None = None
    content_markers: list[str] = []
    office: Slug
    # Civil status may be registered at any commune (Nghị định 120/2025): a dossier
    # addressed to a split old ward can go to its main successor. Residence,
    # business and building are bound to a place: a split needs a person.
    filed_anywhere: bool = False
    time_limit: TimeLimit
    sections: list[Section] = []
    fields: list[FieldSpec] = Field(min_length=1)
    required_fields: list[FieldName] = []
    key_fields: list[FieldName] = []
    address_fields: list[FieldName] = []
    attachments: list[AttachmentRequirement] = []
    rules: list[Rule] = []

    def field(self, name: str) -> FieldSpec:
        for spec in self.fields:
            if spec.name == name:
                return spec
        raise KeyError(name)

    @model_validator(mode="after")
    def _references(self) -> Procedure:
        names = [f.name for f in self.fields]
        duplicates = sorted({n for n in names if names.count(n) > 1})
        if duplicates:
            raise ValueError(f"trường khai báo hai lần: {', '.join(duplicates)}")
        known = set(names)
        sections = {s.name for s in self.sections}
        for spec in self.fields:
            if spec.section and spec.section not in sections:
                raise ValueError(f"trường '{spec.name}': mục '{spec.section}' không được khai báo trong 'sections'")
            for ref in (spec.same_as, spec.dob_field, spec.sex_field):
                if ref and ref not in known:
                    raise ValueError(f"trường '{spec.name}' tham chiếu trường không có: '{ref}'")
        for group in ("required_fields", "key_fields", "address_fields"):
            missing = [n for n in getattr(self, group) if n not in known]
            if missing:
                raise ValueError(f"'{group}' nêu trường không có: {', '.join(missing)}")
        for rule in self.rules:
            for ref in (rule.field, getattr(rule, "other", None)):
                if ref and ref not in known:
                    raise ValueError(f"quy tắc '{rule.kind}' nêu trường không có: '{ref}'")
        if "applicant_name" not in known or "applicant_id" not in known:
            raise ValueError("mỗi thủ tục cần trường 'applicant_name' và 'applicant_id'")
        return self


class Attachment(_Model):
    slug: Slug
    title: str
    name: str
    aliases: list[str] = []


class ProceduresFile(_Model):
    version: int
    addressee_labels: list[str] = Field(min_length=1)
    other_labels: list[str] = []
    attachments: list[Attachment]
    generic_fields: list[FieldSpec]
    procedures: list[Procedure] = Field(min_length=1)


class Office(_Model):
    slug: Slug
    name: str
    name_in_ward: str | None = None
    handles: str = ""
    # Called (POST, JSON, no personal data) when a dossier is placed in this office's queue.
    webhook: str | None = Field(None, pattern=r"^https?://")


class OfficesFile(_Model):
    version: int
    offices: list[Office] = Field(min_length=1)


class CommuneOverride(_Model):
    slug: Slug
    aliases: list[str] = []


class ServedArea(_Model):
    provinces: list[Annotated[str, Field(pattern=r"^\d{2}$")]] = []
    communes: list[Annotated[str, Field(pattern=r"^\d{5}$")]] = []


class CommunesFile(_Model):
    version: int
    serves: ServedArea
    overrides: list[CommuneOverride] = []


class ProvincesFile(_Model):
    version: int
    provinces: dict[Annotated[str, Field(pattern=r"^\d{3}$")], str]


class NamesFile(_Model):
    version: int
    family_names: list[str] = Field(min_length=1)


class ProblemText(_Model):
    severity: Literal["reject", "review", "warning"]
    message: str


class ConfidencePolicy(_Model):
    key_field_min: float = Field(ge=0, le=1)
    trusted: float = Field(ge=0, le=1)


class ProblemsFile(_Model):
    version: int
    confidence: ConfidencePolicy
    problems: dict[Slug, ProblemText]
