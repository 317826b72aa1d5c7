"""The catalogue: procedures, offices, communes and problem texts, as data — and the questions asked of it.

What hoso knows about Vietnamese procedures lives in YAML files so that a
change of law or of the commune map is a data change, reviewed like code. The
files' shape is domain.catalogue_schema; reading and cross-checking them,
domain.catalogue_loading (load_catalogue, default_catalogue); the communes
served and their matching in free text, domain.communes. This module is the
:class:`Catalogue` every room asks.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Mapping

from core.text import nfc
from domain.catalogue_schema import (
    Attachment,
    CommunesFile,
    ConfidencePolicy,
    FieldSpec,
    NamesFile,
    Office,
    OfficesFile,
    Procedure,
    ProblemsFile,
    ProblemText,
    ProceduresFile,
    ProvincesFile,
    ServedArea,
)
from domain.communes import Commune, CommuneMatch, Place, ServedCommunes
from domain.model import Problem, Severity
from domain.text import fold_key
from domain.units import AdminUnits, Unit, official_units, unit_phrases


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
        self.served = ServedCommunes(self.units, self.area, communes.overrides)
        self._communes = self.served.by_slug
        first = sorted(self.served.provinces)[0]
        self.province: str = self.units.province(first).name  # the area's (first) province
        self.provinces: Mapping[str, str] = dict(provinces.provinces)
        self._problems = dict(problems.problems)
        self.confidence: ConfidencePolicy = problems.confidence
        self.family_names: frozenset[str] = frozenset(names.family_names)
        by_fold: dict[str, set[str]] = {}
        for family in names.family_names:
            by_fold.setdefault(fold_key(family), set()).add(family)
        self._family_by_fold = {k: next(iter(v)) for k, v in by_fold.items() if len(v) == 1}

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
        """The commune or ward of this deployment's area that ``text`` names, or None when not sure (domain.communes)."""
        return self.served.find(text)

    def match_commune(self, text: str) -> CommuneMatch | None:
        """Like :meth:`find_commune`, with the score and the phrase matched."""
        return self.served.match(text)

    def locate(self, text: str) -> Place | None:
        """The unit ``text`` names, anywhere in the country, old addresses converted; None when unsure."""
        return self.served.locate(text)

    def commune_of(self, unit: Unit) -> Commune | None:
        """The area's commune for a unit of the official list; None outside the area."""
        return self.served.commune_of(unit)

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


def _capitalise(text: str) -> str:
    return text[:1].upper() + text[1:]


def _display(value: object) -> str:
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, float):
        return f"{value:.0f}"
    return str(value)
