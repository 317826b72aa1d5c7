"""Which procedure a dossier is, what kind each page is, and its key fields."""

from __future__ import annotations

from prefect import task
from prefect.cache_policies import NO_CACHE

from domain.catalogue import Catalogue
from domain.classify import classify
from domain.fields import extract_fields
from domain.model import Classification, FieldValue, PageInput
from tasks.extract_text import FileText


def page_inputs(texts: list[FileText]) -> list[PageInput]:
    """All pages of all files, in dossier order, as the domain sees them."""
    return [PageInput(text=p.text, confidence=p.confidence, words=p.words) for t in texts for p in t.result.pages]


def classify_dossier(texts: list[FileText], catalogue: Catalogue) -> tuple[Classification, dict[str, FieldValue]]:
    pages = page_inputs(texts)
    classification = classify(pages, catalogue)
    return classification, extract_fields(classification.procedure, pages, catalogue)


classify_task = task(name="classify", cache_policy=NO_CACHE)(classify_dossier)
