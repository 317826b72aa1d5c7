"""Understand a dossier's text: which procedure, its fields, what is wrong with it, and where it goes.

One task, not three: classifying, checking and routing are pure functions of the
text and the catalogue (domain/), with nothing to retry and nothing worth a record
between them. Every task run costs the Prefect server and the worker tens of
milliseconds of CPU (its state events, its row, its log line), about as much as
these steps' own work on a one-page form; the verdict an official reads is in the
dossier's artifact either way. domain/assess.py is the same composition in one call.
"""

from __future__ import annotations

from datetime import datetime

from prefect import task
from prefect.cache_policies import NO_CACHE

from domain.catalogue import Catalogue
from domain.classify import classify
from domain.fields import extract_fields
from domain.model import Problem
from domain.routing import route
from domain.rules import validate
from tasks.values import DossierText, Understanding


def unread_pages(text: DossierText, catalogue: Catalogue, timeout_s: float) -> list[Problem]:
    """A page Tesseract could not finish in time is kept without text; an official must look at it."""
    return [
        catalogue.problem("trang-khong-doc-duoc", page=p.number, file=t.name, seconds=f"{timeout_s:.0f}")
        for t in text.files
        for p in t.result.pages
        if p.source == "ocr-timeout"
    ]


def understand_dossier(text: DossierText, catalogue: Catalogue, received_at: datetime, page_timeout_s: float) -> Understanding:
    """Classify the pages, read the procedure's fields, check them against its rules, route it."""
    classification = classify(text.pages, catalogue)
    fields = extract_fields(classification.procedure, text.pages, catalogue)
    rules = validate(classification.procedure, fields, classification, text.pages, catalogue, received_at)
    routing = route(classification.procedure, fields, text.pages, catalogue)
    return Understanding(classification, fields, (*unread_pages(text, catalogue, page_timeout_s), *rules), routing)


understand_task = task(name="understand", cache_policy=NO_CACHE)(understand_dossier)
