"""Routing a dossier to the office of the commune or ward that must handle it.

The office follows from the procedure (catalogue); the commune from what the
form says: first the addressee line ("Kính gửi: Ủy ban nhân dân phường
Hoàn Kiếm"), then the address the catalogue names for the procedure (the
building site, the residence, the business seat). An addressee that names a
commune hoso does not know stops there, even when the address would match:
the applicant chose where to file (Nghị định 120/2025 lets a person file at
any commune), and hoso does not overrule that by a guess. An addressee that
names no commune at all (an authority only, or OCR lost the name) leaves the
decision to the address.
"""

from __future__ import annotations

from typing import Mapping, Sequence

from domain.catalogue import Catalogue, CommuneMatch
from domain.labels import LabelSet, split_lines
from domain.model import FieldValue, PageInput, Routing

_ADDRESSEE = "addressee"


def _addressee(pages: Sequence[PageInput], catalogue: Catalogue) -> tuple[str, CommuneMatch | None] | None:
    """The first addressee line's text and the commune it names, if any."""
    labels = LabelSet((_ADDRESSEE, label) for label in catalogue.addressee_labels)
    for page in pages:
        lines = split_lines(page.text)
        for i, line in enumerate(lines):
            found = labels.match(line)
            if found is None:
                continue
            match = catalogue.match_commune(found.value) if found.value else None
            if match is None and i + 1 < len(lines):
                # The authority's name may wrap: "Kính gửi: Ủy ban nhân dân" / "phường X".
                joined = f"{found.value} {lines[i + 1]}".strip()
                match = catalogue.match_commune(joined)
                if match is not None or not found.value:
                    return joined, match
            return found.value, match
    return None


def route(
    procedure: str | None,
    fields: Mapping[str, FieldValue],
    pages: Sequence[PageInput],
    catalogue: Catalogue,
) -> Routing:
    """The office and commune that receive the dossier, or why there are none.

    An unknown commune gives office None with a review problem: a dossier
    sent to the wrong commune is worse than one an official routes by hand.
    """
    office = catalogue.procedure(procedure).office if procedure else None
    address = _address_commune(procedure, fields, catalogue)
    addressee = _addressee(pages, catalogue)
    if addressee is not None:
        text, match = addressee
        if match is not None:
            return Routing(office, match.commune.slug)
        if catalogue.names_a_commune(text):
            problem = catalogue.problem("xa-phuong-ngoai-danh-muc", text=text)
            return Routing(None, None, (problem,))
        # The addressee names no commune (or OCR lost it): the address decides.
    if address is not None:
        text, match = address
        if match is not None:
            return Routing(office, match.commune.slug)
        problem = catalogue.problem("xa-phuong-ngoai-danh-muc", text=text)
        return Routing(None, None, (problem,))
    return Routing(None, None, (catalogue.problem("khong-xac-dinh-noi-nhan"),))


def _address_commune(
    procedure: str | None, fields: Mapping[str, FieldValue], catalogue: Catalogue
) -> tuple[str, CommuneMatch | None] | None:
    """The first address the procedure routes by (the site, the residence...) and its commune."""
    for name in catalogue.procedure(procedure).address_fields if procedure else ():
        value = fields.get(name)
        if value is not None and value.value:
            return value.value, catalogue.match_commune(value.value)
    return None
