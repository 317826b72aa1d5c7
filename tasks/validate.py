"""Check a dossier against its procedure's rules, and its pages against what OCR managed."""

from __future__ import annotations

from datetime import datetime

from prefect import task
from prefect.cache_policies import NO_CACHE

from domain.catalogue import Catalogue
from domain.model import Classification, FieldValue, Problem
from domain.rules import validate
from tasks.values import DossierText


def unread_pages(text: DossierText, catalogue: Catalogue, timeout_s: float) -> list[Problem]:
    """A page Tesseract could not finish in time is kept without text; an official must look at it."""
    return [
        catalogue.problem("trang-khong-doc-duoc", page=p.number, file=t.name, seconds=f"{timeout_s:.0f}")
        for t in text.files
        for p in t.result.pages
        if p.source == "ocr-timeout"
    ]


def validate_dossier(
    classification: Classification,
    fields: dict[str, FieldValue],
    text: DossierText,
    catalogue: Catalogue,
    received_at: datetime,
    page_timeout_s: float,
) -> list[Problem]:
    rules = validate(classification.procedure, fields, classification, text.pages, catalogue, received_at)
    return [*unread_pages(text, catalogue, page_timeout_s), *rules]


validate_task = task(name="validate", cache_policy=NO_CACHE)(validate_dossier)
