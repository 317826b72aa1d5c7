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
from rapidfuzz import fuzz

from domain.model import Problem, Severity
from domain.text import fold, fold_key, nfc, squash
from hoso.errors import CatalogueError

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


class Commune(_Model):
    slug: Slug
    name: str
    kind: Literal["phường", "xã"]
    unit_code: str = Field(pattern=r"^[0-9A-Z]+(?:\.[0-9A-Z]+)*$")
    unit_code_verified: bool = False
    aliases: list[str] = []

    @property
    def display_name(self) -> str:
        return f"{self.kind} {self.name}"


class CommunesFile(_Model):
    version: int
    province: str
    communes: list[Commune] = Field(min_length=1)


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


# "phường X", "xã X", "P. X" up to a delimiter; the folded text is searched.
_KIND_WORD = re.compile(r"(?<![a-z0-9])([a-z]{1,6})\s*\.?\s+([^,;()\n]+)")
_PHRASE_END = re.compile(r"\s(?:-\s)?(?:thanh pho|tp|quan|huyen|tinh|thi xa|ha noi)\b.*$")
_KIND_WORDS = {"phuong": "phường", "p": "phường", "xa": "xã", "x": "xã"}
_COMMUNE_MIN_SCORE = 88.0  # below this a match is a guess
_COMMUNE_MARGIN = 6.0  # the best commune must beat the next one by this much


def _kind_of(word: str) -> str | None:
    """"phường"/"xã" for the word that introduces a commune, as OCR may spell it.

    One wrong letter in "phường" ("phueng") is still the word; other words
    one edit away ("phong" of Phòng Kinh tế, "phung", "huong") are not.
    """
    if word in _KIND_WORDS:
        return _KIND_WORDS[word]
    if len(word) == 6 and word[0] == "p" and sum(a != b for a, b in zip(word, "phuong")) == 1:
        return "phường"
    return None


def commune_phrases(clean: str) -> list[tuple[str, int, int]]:
    """Each "phường X"/"xã X" in NFC, space-folded text: the kind and where X is."""
    folded = fold(clean)
    phrases = []
    position = 0
    while (m := _KIND_WORD.search(folded, position)) is not None:
        position = m.start(1) + 1  # the name may itself hold the next phrase
        kind = _kind_of(m.group(1))
        if kind is None:
            continue
        name = _PHRASE_END.sub("", m.group(2))
        if kind == "xã" and name.startswith("hoi chu nghia"):
            continue  # "Cộng hòa xã hội chủ nghĩa", not a commune
        stripped = name.strip(" .-`'")
        start = m.start(2) + (len(name) - len(name.lstrip(" .-`'")))
        if stripped:
            phrases.append((kind, start, start + len(stripped)))
    return phrases


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
        self._communes = {c.slug: c for c in communes.communes}
        self.province: str = communes.province
        self.provinces: Mapping[str, str] = dict(provinces.provinces)
        self._problems = dict(problems.problems)
        self.confidence: ConfidencePolicy = problems.confidence
        self.family_names: frozenset[str] = frozenset(names.family_names)
        by_fold: dict[str, set[str]] = {}
        for family in names.family_names:
            by_fold.setdefault(fold_key(family), set()).add(family)
        self._family_by_fold = {k: next(iter(v)) for k, v in by_fold.items() if len(v) == 1}
        # Folded names and aliases of every commune, for fuzzy lookup.
        self._commune_keys: dict[str, Commune] = {}
        for commune in communes.communes:
            for spelling in (commune.name, *commune.aliases):
                self._commune_keys[fold_key(spelling)] = commune

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
        """The commune or ward that ``text`` names, or None when not sure.

        Accepts "phường Hoàn Kiếm", "UBND xa Soc Son", an address, or a bare
        name. A name is only taken when introduced as phường/xã (or given on
        its own): "quận Hoàn Kiếm" is an abolished district, not the ward.
        """
        match = self.match_commune(text)
        return match.commune if match else None

    def match_commune(self, text: str) -> CommuneMatch | None:
        """Like :meth:`find_commune`, with the score and the phrase matched."""
        clean = squash(nfc(text))
        phrases = commune_phrases(clean)
        if not phrases and not re.search(r"\b(quan|huyen|thi xa)\b", fold(clean)):
            phrases = [(None, 0, len(clean))]  # a bare name: "Hoàn Kiếm"
        for kind, start, end in phrases:
            found = self._best_commune(fold(clean[start:end]), kind)
            if found:
                commune, score = found
                return CommuneMatch(commune, score, clean[start:end])
        return None

    def names_a_commune(self, text: str) -> bool:
        """True when the text names some phường or xã, known or not."""
        return bool(commune_phrases(squash(nfc(text))))

    def _best_commune(self, phrase: str, kind: str | None) -> tuple[Commune, float] | None:
        key = fold_key(phrase)
        if not key:
            return None
        words = key.split(" ")
        best: dict[str, float] = {}
        for name_key, commune in self._commune_keys.items():
            if kind and commune.kind != kind:
                continue
            n = len(name_key.split(" "))
            # The phrase may run on past the name when OCR lost a comma.
            candidates = {key, " ".join(words[:n]), " ".join(words[: n + 1])}
            score = max(
                max(fuzz.ratio(c, name_key), fuzz.ratio(c.replace(" ", ""), name_key.replace(" ", "")))
                for c in candidates
            )
            if score > best.get(commune.slug, 0.0):
                best[commune.slug] = score
        ranked = sorted(best.items(), key=lambda kv: kv[1], reverse=True)
        if not ranked or ranked[0][1] < _COMMUNE_MIN_SCORE:
            return None
        if len(ranked) > 1 and ranked[0][1] - ranked[1][1] < _COMMUNE_MARGIN:
            return None
        return self._communes[ranked[0][0]], ranked[0][1]

    def family_name(self, word: str) -> str | None:
        """The family name a word was meant to be, when only its diacritics are off.

        None when the word already is a family name, or folds to none or to
        several: then there is nothing certain to repair.
        """
        if word in self.family_names:
            return None
        return self._family_by_fold.get(fold_key(word))

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
        ("communes.yaml", [c.slug for c in communes.communes]),
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
    spellings: dict[str, str] = {}
    for c in communes.communes:
        for spelling in (c.name, *c.aliases):
            key = fold_key(spelling)
            other = spellings.setdefault(key, c.slug)
            if other != c.slug:
                fail("communes.yaml", c.slug, f"tên hoặc bí danh “{spelling}” trùng với '{other}'")


def load_catalogue(directory: Path | None = None) -> Catalogue:
    """Load and validate the catalogue from ``directory`` (default: packaged data).

    Raises CatalogueError naming the file and the entry at the first mistake.
    """
    if directory is None:
        with resources.as_file(resources.files("domain") / "data") as packaged:
            return _load(Path(packaged))
    return _load(Path(directory))


def _load(directory: Path) -> Catalogue:
    procedures = _parse(ProceduresFile, directory / "procedures.yaml")
    offices = _parse(OfficesFile, directory / "offices.yaml")
    communes = _parse(CommunesFile, directory / "communes.yaml")
    provinces = _parse(ProvincesFile, directory / "provinces.yaml")
    problems = _parse(ProblemsFile, directory / "problems.yaml")
    names = _parse(NamesFile, directory / "names.yaml")
    _cross_check(directory, procedures, offices, communes, problems)
    return Catalogue(procedures, offices, communes, provinces, problems, names, directory)


@cache
def default_catalogue() -> Catalogue:
    """The packaged catalogue, loaded once per process."""
    return load_catalogue()
