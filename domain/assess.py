"""The whole verdict on one dossier, for callers that want it in one call.

The pipeline runs the same steps as separate tasks (classify, extract,
validate, route, decide) so that each is retried and recorded on its own;
this module is the reference composition they must agree with.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Iterable, Sequence

from domain.catalogue import Catalogue
from domain.classify import classify
from domain.fields import extract_fields
from domain.model import Assessment, PageInput
from domain.routing import route
from domain.rules import validate
from domain.verdict import verdict


def assess(
    pages: Sequence[PageInput],
    catalogue: Catalogue,
    received_at: datetime,
    extra_days_off: Iterable[date] = (),
) -> Assessment:
    """Classify, read, check and route a dossier; give its status and due date (domain.verdict)."""
    classification = classify(pages, catalogue)
    procedure = classification.procedure
    fields = extract_fields(procedure, pages, catalogue)
    problems = list(classification.problems)
    problems += validate(procedure, fields, classification, pages, catalogue, received_at)
    routing = route(procedure, fields, pages, catalogue)
    problems += routing.problems
    settled = verdict(procedure, problems, received_at, catalogue, extra_days_off)
    return Assessment(
        classification=classification,
        fields=fields,
        routing=routing,
        problems=tuple(problems),
        status=settled.status,
        due=settled.due,
        extra={"catalogue_version": catalogue.version},
    )
