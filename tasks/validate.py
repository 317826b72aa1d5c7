"""Check a dossier against its procedure's rules: fields, identifiers, dates, attachments."""

from __future__ import annotations

from datetime import datetime

from prefect import task
from prefect.cache_policies import NO_CACHE

from domain.catalogue import Catalogue
from domain.model import Classification, FieldValue, Problem
from domain.rules import validate
from tasks.classify import page_inputs
from tasks.extract_text import FileText


def validate_dossier(
    classification: Classification, fields: dict[str, FieldValue], texts: list[FileText], catalogue: Catalogue, received_at: datetime
) -> list[Problem]:
    return list(validate(classification.procedure, fields, classification, page_inputs(texts), catalogue, received_at))


@task(name="validate", cache_policy=NO_CACHE)
def validate_task(
    classification: Classification, fields: dict[str, FieldValue], texts: list[FileText], catalogue: Catalogue, received_at: datetime
) -> list[Problem]:
    return validate_dossier(classification, fields, texts, catalogue, received_at)
