"""Routing a dossier to the office of the commune or ward that must handle it.

The office follows from the procedure (catalogue); the commune from what the
form says: first the addressee line ("Kính gửi: Ủy ban nhân dân phường
Khương Đình"), then the address the catalogue names for the procedure (the
building site, the residence, the business seat). Every unit of the official
list is known (domain/units.py), so a named unit is one of three things:
in this deployment's area (routed), a real unit elsewhere (an official
forwards it: "ngoai-dia-ban"), or nothing hoso can place ("xa-phuong-ngoai-
danh-muc"). Pre-reform names ("phường Hạ Đình, quận Thanh Xuân") are read as
the unit that succeeded them and the dossier says so; a name that fits
several old units going to different new ones waits for a person, with the
candidates named.

An addressee that names a unit stops there, even when the address would
match elsewhere: the applicant chose where to file (Nghị định 120/2025 lets
a person file civil-status matters at any commune), and hoso does not
overrule that by a guess. An addressee that names no unit at all (an
authority only, or OCR lost the name) leaves the decision to the address.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Mapping, Sequence

from domain.catalogue import Catalogue
from domain.communes import Place
from domain.labels import LabelSet, split_lines
from domain.layout import top_down_text
from domain.model import FieldValue, PageInput, Problem, Routing
from domain.units import unit_phrases

_ADDRESSEE = "addressee"


def _addressee(pages: Sequence[PageInput], catalogue: Catalogue) -> tuple[str, Place | None] | None:
    """The first addressee line's text and the unit it names, if any."""
    labels = LabelSet((_ADDRESSEE, label) for label in catalogue.addressee_labels)
    # The line as it stands on the page first: Tesseract may cut it into two blocks where a table's
    # columns begin under it ("Kính gửi: Ủy ban nhân dân xã Hồn" … "g Vân, TP. Hà Nội").
    for page in pages:
        readings = [top_down_text(page.text, page.words)] if page.words else []
        first = None
        for text in [*readings, page.text]:
            found = _addressee_in(split_lines(text), labels, catalogue)
            if found is not None and found[1] is not None:
                return found
            first = first or found
        if first is not None:  # the first page with an addressee line decides
            return first
    return None


def _addressee_in(lines: Sequence[str], labels: LabelSet, catalogue: Catalogue) -> tuple[str, Place | None] | None:
    """The first addressee line among ``lines``, with the unit it names."""
    for i, line in enumerate(lines):
        found = labels.match(line)
        if found is None:
            continue
        place = catalogue.locate(found.value) if found.value else None
        if i + 1 < len(lines) and (place is None or place.old is not None):
            # The authority's name may wrap: "Kính gửi: Ủy ban nhân dân" / "phường X" /
            # "quận Y" (an old address needs its district, which may be on the next line).
            joined = f"{found.value} {lines[i + 1]}".strip()
            longer = catalogue.locate(joined)
            if longer is not None and (place is None or longer.text != place.text):
                return joined, longer
            if place is None and not found.value:
                return joined, None
        return found.value, place
    return None


def _decide(office: str | None, text: str, place: Place | None, catalogue: Catalogue,
            anywhere: bool = True, others: Sequence[Place | None] = ()) -> Routing:
    """Routing from one located text: the area's commune, or why not.

    An old unit split between several new ones goes to its main successor
    only for a procedure that may be filed anywhere, or when another address
    on the form names one of the successors; otherwise a person chooses.
    """
    if place is None:
        return Routing(None, None, (catalogue.problem("xa-phuong-ngoai-danh-muc", text=_unit_words(text)),))
    notes: list[Problem] = []
    old = place.old
    if old is not None and old.split and not anywhere and place.unit is not None:
        candidates = (place.unit, *old.others)
        named = [p.unit for p in others if p is not None and p.old is None and p.unit in candidates]
        if named:
            chosen = named[0]
            place = Place(chosen, catalogue.commune_of(chosen), place.text, replace(old, successor=chosen, others=tuple(
                u for u in candidates if u != chosen)))
            old = place.old
        else:
            old = replace(old, successor=None, others=candidates)
    if old is not None and old.ambiguous:
        names = "; ".join(u.full_name for u in old.others)
        return Routing(None, None, (catalogue.problem("dia-chi-cu-nhieu-don-vi", old=old.text, candidates=names),))
    if old is not None and place.unit is not None:
        rest = ""
        if old.others:
            rest = " Một phần địa bàn cũ nay thuộc " + ", ".join(u.display_name for u in old.others) + "."
        notes.append(catalogue.problem("dia-chi-cu-da-chuyen-doi", old=old.text, new=place.unit.full_name, rest=rest))
    if place.commune is None:
        assert place.unit is not None
        notes.append(catalogue.problem("ngoai-dia-ban", unit=place.unit.full_name))
        return Routing(None, None, tuple(notes))
    return Routing(office, place.commune.slug, tuple(notes))


def route(
    procedure: str | None,
    fields: Mapping[str, FieldValue],
    pages: Sequence[PageInput],
    catalogue: Catalogue,
) -> Routing:
    """The office and commune that receive the dossier, or why there are none.

    A unit outside the area or unknown gives office None with a review
    problem: a dossier sent to the wrong commune is worse than one an
    official routes by hand.
    """
    entry = catalogue.procedure(procedure) if procedure else None
    office = entry.office if entry else None
    anywhere = entry.filed_anywhere if entry else True
    addresses = _address_places(procedure, fields, catalogue)
    addressee = _addressee(pages, catalogue)
    if addressee is not None:
        text, place = addressee
        if place is not None or catalogue.names_a_commune(text):
            return _decide(office, text, place, catalogue, anywhere, [p for _, p in addresses])
        # The addressee names no commune (or OCR lost it): the address decides.
    if addresses:
        text, place = addresses[0]
        return _decide(office, text, place, catalogue, anywhere, [p for _, p in addresses[1:]])
    return Routing(None, None, (catalogue.problem("khong-xac-dinh-noi-nhan"),))


def _address_places(
    procedure: str | None, fields: Mapping[str, FieldValue], catalogue: Catalogue
) -> list[tuple[str, Place | None]]:
    """The addresses the procedure routes by (the site, the residence...), in order, with their units."""
    out = []
    for name in catalogue.procedure(procedure).address_fields if procedure else ():
        value = fields.get(name)
        if value is not None and value.value:
            out.append((value.value, catalogue.locate(value.value)))
    return out


def _unit_words(text: str) -> str:
    """Only the part of a text that names a unit: an address's house number and street stay out of messages.

    Problem messages are shown to officials in the Prefect UI and stored in
    the records; the street address is personal data (issue 18), the unit is not.
    """
    phrases = unit_phrases(text)
    if phrases:
        return ", ".join(f"{kind} {name}" for kind, name in phrases)
    return text if len(text) <= 60 and not any(ch.isdigit() for ch in text) else "…"
