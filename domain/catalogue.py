"""The catalogue: procedures, offices, communes and problem texts, as data.

What hoso knows about Vietnamese procedures lives in YAML files so that a
change of law or of the commune map is a data change, reviewed like code. The
files are validated once at load, including their cross-references, so that a
mistake stops hoso at start with the file and entry named instead of
misrouting dossiers later.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, time
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Annotated, Any, Literal, Mapping, Union

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from domain.model import Problem, Severity
from core.text import nfc
from domain.text import fold, fold_key, squash
from domain.units import AdminUnits, OldUnit, Unit, official_units, unit_phrases
from core.errors import CatalogueError

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


class BusinessNameRule(_Model):
    kind: Literal["business_name"]
    field: FieldName
    prefix: str
    forbidden: list[str]
    code: Slug


Rule = Annotated[
    Union[MinAgeRule, RegisteredWithinRule, NotBeforeRule, BusinessNameRule], Field(discriminator="kind")
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


@dataclass(frozen=True, slots=True)
class Commune:
    """A commune or ward this deployment routes to: a unit of the official list and its slug."""

    slug: str
    unit: Unit
    aliases: tuple[str, ...] = ()

    @property
    def name(self) -> str:
        return self.unit.name

    @property
    def kind(self) -> str:
        return self.unit.kind

    @property
    def code(self) -> str:
        return self.unit.code

    @property
    def display_name(self) -> str:
        return self.unit.display_name


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


@dataclass(frozen=True, slots=True)
class CommuneMatch:
    """A commune found in free text, with how sure the match is (0..100)."""

    commune: Commune
    score: float
    text: str  # the phrase that matched, as written


@dataclass(frozen=True, slots=True)
class Place:
    """The unit a text names, as hoso read it.

    ``commune`` is set only when the unit is in this deployment's area;
    ``old`` when the text named a pre-reform unit that ``unit`` succeeded.
    """

    unit: Unit | None  # None only for an ambiguous old unit (see ``old.others`` for the candidates)
    commune: Commune | None
    text: str  # what was written, as matched ("phường Hạ Đình, quận Thanh Xuân, …")
    old: OldUnit | None = None


def parse_area(text: str, units: AdminUnits) -> ServedArea:
    """A served area from a setting: "01", "01,79", "00364,00382", "Hà Nội" or "Thành phố Hà Nội".

    Raises ValueError with a Vietnamese message for anything it cannot place.
    """
    provinces, communes = [], []
    for part in (p.strip() for p in text.split(",")):
        if not part:
            continue
        if re.fullmatch(r"\d{1,2}", part):
            code = f"{int(part):02d}"
            units.province(code)  # KeyError for a code the list does not have
            provinces.append(code)
        elif re.fullmatch(r"\d{5}", part):
            units.unit(part)
            communes.append(part)
        else:
            named = units.provinces_named(part)
            if len(named) != 1:
                raise ValueError(f"“{part}” không phải tên một tỉnh/thành phố trong danh mục 34 tỉnh, thành phố.")
            provinces.extend(named)
    if not provinces and not communes:
        raise ValueError("Địa bàn phục vụ trống: cần mã tỉnh/thành phố hoặc mã xã/phường.")
    return ServedArea(provinces=provinces, communes=communes)


class Catalogue:
    """Everything hoso knows about procedures, offices and communes.

    Built only by :func:`load_catalogue`, which has validated all of it.
    """

    def __init__(
        self,
        procedures: ProceduresFile,
        offices: OfficesFile,
        communes: CommunesFile,
        provinces: ProvincesFile,
        problems: ProblemsFile,
        names: NamesFile,
        source: Path | None,
        area: ServedArea | None = None,
    ) -> None:
        self.source = source
        self.versions = {
            "procedures": procedures.version,
            "offices": offices.version,
            "communes": communes.version,
            "provinces": provinces.version,
            "problems": problems.version,
            "names": names.version,
        }
        self.addressee_labels: tuple[str, ...] = tuple(procedures.addressee_labels)
        self.other_labels: tuple[str, ...] = tuple(procedures.other_labels)
        self.generic_fields: tuple[FieldSpec, ...] = tuple(procedures.generic_fields)
        self._procedures = {p.slug: p for p in procedures.procedures}
        self._attachments = {a.slug: a for a in procedures.attachments}
        self._offices = {o.slug: o for o in offices.offices}
        self.units: AdminUnits = official_units()
        self.area: ServedArea = area or communes.serves
        self._communes = _area_communes(self.units, self.area, communes.overrides)
        self._commune_by_code = {c.code: c for c in self._communes.values()}
        self._area_provinces = frozenset(self.area.provinces) | {
            self.units.unit(code).province.code for code in self.area.communes
        }
        first = sorted(self._area_provinces)[0]
        self.province: str = self.units.province(first).name  # the area's (first) province
        self.provinces: Mapping[str, str] = dict(provinces.provinces)
        self._problems = dict(problems.problems)
        self.confidence: ConfidencePolicy = problems.confidence
        self.family_names: frozenset[str] = frozenset(names.family_names)
        by_fold: dict[str, set[str]] = {}
        for family in names.family_names:
            by_fold.setdefault(fold_key(family), set()).add(family)
        self._family_by_fold = {k: next(iter(v)) for k, v in by_fold.items() if len(v) == 1}
        # Folded names and aliases of the area's communes, for bare names ("Hoàn Kiếm").
        self._commune_keys: dict[str, list[Commune]] = {}
        for commune in self._communes.values():
            for spelling in (commune.name, *commune.aliases):
                self._commune_keys.setdefault(fold_key(spelling), []).append(commune)

    @property
    def version(self) -> str:
        """One string naming the data version, for records and reprocessing."""
        return ";".join(f"{k}={v}" for k, v in self.versions.items())

    @property
    def procedures(self) -> tuple[Procedure, ...]:
        return tuple(self._procedures.values())

    @property
    def attachments(self) -> tuple[Attachment, ...]:
        return tuple(self._attachments.values())

    @property
    def offices(self) -> tuple[Office, ...]:
        return tuple(self._offices.values())

    @property
    def communes(self) -> tuple[Commune, ...]:
        return tuple(self._communes.values())

    def procedure(self, slug: str) -> Procedure:
        try:
            return self._procedures[slug]
        except KeyError:
            raise KeyError(f"unknown procedure {slug!r}") from None

    def attachment(self, slug: str) -> Attachment:
        try:
            return self._attachments[slug]
        except KeyError:
            raise KeyError(f"unknown attachment {slug!r}") from None

    def office(self, slug: str) -> Office:
        try:
            return self._offices[slug]
        except KeyError:
            raise KeyError(f"unknown office {slug!r}") from None

    def commune(self, slug: str) -> Commune:
        try:
            return self._communes[slug]
        except KeyError:
            raise KeyError(f"unknown commune {slug!r}") from None

    def office_name(self, office: str, commune: str) -> str:
        """The office as an official would write it: "Công an phường Hoàn Kiếm"."""
        o, c = self.office(office), self.commune(commune)
        name = o.name_in_ward if (c.kind == "phường" and o.name_in_ward) else o.name
        return f"{name} {c.display_name}"

    def find_commune(self, text: str) -> Commune | None:
        """The commune or ward of this deployment's area that ``text`` names, or None when not sure.

        Accepts "phường Hoàn Kiếm", "UBND xa Soc Son", an address, or a bare
        name. A name is only taken when introduced as phường/xã (or given on
        its own): "quận Hoàn Kiếm" is an abolished district, not the ward.
        Old addresses are not converted here (see :meth:`locate`).
        """
        match = self.match_commune(text)
        return match.commune if match else None

    def match_commune(self, text: str) -> CommuneMatch | None:
        """Like :meth:`find_commune`, with the score and the phrase matched."""
        clean = squash(nfc(text))
        if unit_phrases(clean):
            found = self.units.match(clean, within=self._area_provinces)
            commune = self.commune_of(found.unit) if found else None
            return CommuneMatch(commune, found.score, found.text) if commune and found else None
        if re.search(r"\b(quan|huyen|thi xa)\b", fold(clean)):
            return None
        same = self._commune_keys.get(fold_key(clean), [])
        return CommuneMatch(same[0], 100.0, clean) if len(same) == 1 else None

    def locate(self, text: str) -> Place | None:
        """The unit ``text`` names, anywhere in the country, old addresses converted; None when unsure.

        An old unit (named with its abolished district) is converted first,
        so that "phường Khương Trung, quận Thanh Xuân" is not read as some new
        unit of a similar name. A new unit is looked for in the area's
        provinces first, then in the whole list, so that OCR damage on a local
        name does not turn it into a look-alike far away.
        """
        clean = squash(nfc(text))
        old = self.units.convert_old(clean, within=self._area_provinces)
        if old is not None:
            unit = old.successor
            return Place(unit, self.commune_of(unit) if unit else None, old.text, old)
        found = self.units.match(clean, within=self._area_provinces) or self.units.match(clean)
        if found is not None:
            return Place(found.unit, self.commune_of(found.unit), found.text)
        bare = self.match_commune(clean)
        if bare is not None:
            return Place(bare.commune.unit, bare.commune, bare.text)
        return None

    def commune_of(self, unit: Unit) -> Commune | None:
        """The area's commune for a unit of the official list; None outside the area."""
        return self._commune_by_code.get(unit.code)

    def names_a_commune(self, text: str) -> bool:
        """True when the text names some phường or xã, known or not."""
        return bool(unit_phrases(text))

    def family_name(self, word: str) -> str | None:
        """The family name a word was meant to be, when only its diacritics are off.

        None when the word already is a family name, or folds to none or to
        several: then there is nothing certain to repair.
        """
        if word in self.family_names:
            return None
        return self._family_by_fold.get(fold_key(word))

    def field_label(self, procedure: str | None, name: str) -> str:
        """A field as a person reads it ("Họ, chữ đệm, tên người yêu cầu"), never its slug.

        The procedure's own form names it best; a field it does not have (an official's
        correction, a reading from another form) takes the generic title, then the first
        procedure's that has the field; only a name no form knows stays as it is.
        """
        specs = [*(self.procedure(procedure).fields if procedure else ()), *self.generic_fields]
        specs += [f for p in self.procedures for f in p.fields]
        for spec in specs:
            if spec.name == name:
                return _capitalise(spec.title)
        return name

    def problem(
        self,
        code: str,
        *,
        field: str | None = None,
        severity: Severity | None = None,
        **params: object,
    ) -> Problem:
        """A Problem with its Vietnamese message from problems.yaml.

        ``severity`` overrides the file's severity only to soften it (a reject
        resting on doubtful OCR becomes a review), never to harden it.
        """
        text = self._problems[code]
        values = {k: _display(v) for k, v in params.items()}
        if "field_title" in values:
            values.setdefault("field_title_cap", _capitalise(str(values["field_title"])))
        chosen = text.severity
        if severity is not None and _RANK[severity] < _RANK[chosen]:
            chosen = severity
        return Problem(code=code, message=nfc(text.message.format(**values)), severity=chosen, field=field)

    def problem_codes(self) -> tuple[str, ...]:
        return tuple(self._problems)

    def problem_text(self, code: str) -> ProblemText:
        """The severity and message template of a problem code."""
        return self._problems[code]


_RANK: dict[str, int] = {"warning": 0, "review": 1, "reject": 2}


def _area_communes(units: AdminUnits, area: ServedArea, overrides: list[CommuneOverride]) -> dict[str, Commune]:
    """The area's units as communes by slug.

    Slugs ("phuong-khuong-dinh") are unique within a province; an area that
    spans provinces with two units of one name gets the province code
    appended to both ("xa-tan-lap-01").
    """
    served = [u for u in units.units if u.province.code in area.provinces or u.code in area.communes]
    counts: dict[object, int] = {}
    for unit in served:
        for key in (unit.slug, (unit.slug, unit.province.code)):
            counts[key] = counts.get(key, 0) + 1
    aliases = {o.slug: tuple(o.aliases) for o in overrides}
    out: dict[str, Commune] = {}
    for unit in served:
        slug = unit.slug
        if counts[slug] > 1:  # then the province's code, or the unit's own where one province has two
            slug = f"{slug}-{unit.province.code}" if counts[(slug, unit.province.code)] == 1 else f"{slug}-{unit.code}"
        out[slug] = Commune(slug=slug, unit=unit, aliases=aliases.get(slug, ()))
    return out


def _capitalise(text: str) -> str:
    return text[:1].upper() + text[1:]


def _display(value: object) -> str:
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, float):
        return f"{value:.0f}"
    return str(value)


def _nfc_tree(node: Any) -> Any:
    # Data files are typed on many editors; all text is compared as NFC.
    if isinstance(node, str):
        return nfc(node)
    if isinstance(node, list):
        return [_nfc_tree(v) for v in node]
    if isinstance(node, dict):
        return {_nfc_tree(k): _nfc_tree(v) for k, v in node.items()}
    return node


class _UniqueKeyLoader(yaml.SafeLoader):
    """A safe loader that refuses a key given twice in one mapping.

    PyYAML keeps the last of two equal keys without a word; in a catalogue
    that silently replaces an entry, so it is an error here.
    """

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[Any] = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            if key in seen:
                raise yaml.constructor.ConstructorError(
                    None, None, f"mục '{key}' khai báo hai lần", key_node.start_mark
                )
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


def _read_yaml(path: Path) -> Any:
    try:
        with path.open(encoding="utf-8") as fh:
            return _nfc_tree(yaml.load(fh, Loader=_UniqueKeyLoader))
    except FileNotFoundError:
        raise CatalogueError(f"Thiếu tệp danh mục {path}.", detail=str(path)) from None
    except yaml.YAMLError as exc:
        raise CatalogueError(f"Tệp danh mục {path} không đọc được: {exc}", detail=str(exc)) from exc


def _entry_name(data: Any, loc: tuple[int | str, ...]) -> str:
    """Name the entry an error is in: its slug when it has one, else its path."""
    node = data
    label = ""
    for i, part in enumerate(loc):
        try:
            node = node[part]
        except (KeyError, IndexError, TypeError):
            break
        if isinstance(node, dict) and isinstance(node.get("slug") or node.get("name"), str):
            label = f"{node.get('slug') or node.get('name')}"
            where = ".".join(str(p) for p in loc[: i + 1])
            label = f"'{label}' ({where})"
    return label or ".".join(str(p) for p in loc) or "(gốc tệp)"


def _parse(model: type[_Model], path: Path) -> Any:
    data = _read_yaml(path)
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        entry = _entry_name(data, tuple(first["loc"]))
        where = ".".join(str(p) for p in first["loc"]) or "(gốc tệp)"
        raise CatalogueError(
            f"Tệp danh mục {path}: mục {entry} sai ở '{where}': {first['msg']}.",
            detail=str(exc),
        ) from exc


def _cross_check(path: Path, procedures: ProceduresFile, offices: OfficesFile, communes: CommunesFile,
                 problems: ProblemsFile) -> None:
    def fail(file: str, entry: str, what: str) -> None:
        raise CatalogueError(f"Tệp danh mục {path / file}: mục '{entry}' sai: {what}.")

    office_slugs = {o.slug for o in offices.offices}
    attachment_slugs = {a.slug for a in procedures.attachments}
    problem_codes = set(problems.problems)
    for file, slugs in (
        ("procedures.yaml", [p.slug for p in procedures.procedures] + sorted(attachment_slugs)),
        ("offices.yaml", [o.slug for o in offices.offices]),
        ("communes.yaml", [c.slug for c in communes.overrides]),
    ):
        seen: set[str] = set()
        for slug in slugs:
            if slug in seen:
                fail(file, slug, "mã (slug) trùng")
            seen.add(slug)
    for p in procedures.procedures:
        if p.office not in office_slugs:
            fail("procedures.yaml", p.slug, f"cơ quan '{p.office}' không có trong offices.yaml")
        for req in p.attachments:
            for slug in req.any_of:
                if slug not in attachment_slugs:
                    fail("procedures.yaml", p.slug, f"giấy tờ kèm theo '{slug}' không được khai báo")
        for rule in p.rules:
            if rule.code not in problem_codes:
                fail("procedures.yaml", p.slug, f"quy tắc dùng mã lỗi '{rule.code}' không có trong problems.yaml")
    # Two procedures may share a form title only when content markers tell them apart.
    by_title: dict[str, list[Procedure]] = {}
    for p in procedures.procedures:
        by_title.setdefault(fold_key(p.title), []).append(p)
    for same in by_title.values():
        if len(same) > 1 and not all(p.content_markers for p in same):
            fail("procedures.yaml", same[1].slug, f"cùng tiêu đề với '{same[0].slug}' mà không có 'content_markers'")
    units = official_units()
    for code in communes.serves.provinces:
        if code not in {p.code for p in units.provinces}:
            fail("communes.yaml", code, "không có tỉnh/thành phố mang mã này trong danh mục 34 tỉnh, thành phố")
    for code in communes.serves.communes:
        if code not in {u.code for u in units.units}:
            fail("communes.yaml", code, "không có xã/phường mang mã này trong danh mục đơn vị hành chính")
    served = _area_communes(units, communes.serves, [])
    spellings = {fold_key(c.name): c.slug for c in served.values()}
    for c in communes.overrides:
        if c.slug not in served:
            fail("communes.yaml", c.slug, "không phải xã/phường thuộc địa bàn phục vụ ('serves')")
        for spelling in c.aliases:
            other = spellings.setdefault(fold_key(spelling), c.slug)
            if other != c.slug:
                fail("communes.yaml", c.slug, f"bí danh “{spelling}” trùng với '{other}'")


def load_catalogue(directory: Path | None = None, area: str | None = None) -> Catalogue:
    """Load and validate the catalogue from ``directory`` (default: packaged data).

    ``area`` replaces the served area of communes.yaml (see :func:`parse_area`).
    Raises CatalogueError naming the file and the entry at the first mistake.
    """
    if directory is None:
        with resources.as_file(resources.files("domain") / "data") as packaged:
            return _load(Path(packaged), area)
    return _load(Path(directory), area)


def _load(directory: Path, area: str | None = None) -> Catalogue:
    procedures = _parse(ProceduresFile, directory / "procedures.yaml")
    offices = _parse(OfficesFile, directory / "offices.yaml")
    communes = _parse(CommunesFile, directory / "communes.yaml")
    provinces = _parse(ProvincesFile, directory / "provinces.yaml")
    problems = _parse(ProblemsFile, directory / "problems.yaml")
    names = _parse(NamesFile, directory / "names.yaml")
    _cross_check(directory, procedures, offices, communes, problems)
    served = None
    if area:
        try:
            served = parse_area(area, official_units())
        except (KeyError, ValueError) as exc:
            message = exc.args[0] if isinstance(exc, ValueError) else f"mã “{exc.args[0]}” không có trong danh mục"
            raise CatalogueError(f"Địa bàn phục vụ (HOSO_SERVICE_AREA) sai: {message}", detail=area) from exc
    return Catalogue(procedures, offices, communes, provinces, problems, names, directory, served)


@cache
def default_catalogue() -> Catalogue:
    """The packaged catalogue, loaded once per process."""
    return load_catalogue()
