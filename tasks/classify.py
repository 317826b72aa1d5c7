"""Which procedure a dossier is, what kind each page is, and its key fields."""

from __future__ import annotations

from prefect import task
from prefect.cache_policies import NO_CACHE

from domain.catalogue import Catalogue
from domain.classify import classify
from domain.fields import extract_fields
from domain.model import Classification, FieldValue
from tasks.values import DossierText


def classify_dossier(text: DossierText, catalogue: Catalogue) -> tuple[Classification, dict[str, FieldValue]]:
    classification = classify(text.pages, catalogue)
    return classification, extract_fields(classification.procedure, text.pages, catalogue)


classify_task = task(name="classify", cache_policy=NO_CACHE)(classify_dossier)
