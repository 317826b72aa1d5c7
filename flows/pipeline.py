"""The per-dossier step sequence shared by ``process_dossier`` and ``reprocess``.

Orchestration only: each line is a task; what a task does lives in ``tasks/``.
"""

from __future__ import annotations

from datetime import datetime

from hoso.errors import InputError
from hoso.resources import PIPELINE_VERSION, Resources
from tasks.archive import archive_originals
from tasks.classify import classify_task
from tasks.extract_text import extract_text
from tasks.fetch import InputFile
from tasks.handoff import handoff_task
from tasks.quarantine import quarantine_task
from tasks.route import route_task
from tasks.store import Outcome, StoreContext, parse_days_off, store_task
from tasks.validate import validate_task


def store_context(res: Resources) -> StoreContext:
    return StoreContext(
        unit_code=res.settings.unit_code,
        extra_days_off=parse_days_off(res.settings.extra_days_off),
        pipeline_version=PIPELINE_VERSION,
        ocr_version=res.ocr.version(),
    )


def assess_dossier(res: Resources, dossier_id: str, files: list[InputFile], received_at: datetime) -> Outcome | None:
    """text → classify → validate → route → store → hand off; bad input → quarantine (returns None)."""
    archive_originals(res.store, res.db_url, dossier_id, files)
    try:
        texts = extract_text(files, res.ocr, res.settings.max_file_bytes)
    except InputError as error:
        quarantine_task(res.store, res.db_url, dossier_id, files, error)
        return None
    classification, fields = classify_task(texts, res.catalogue)
    problems = validate_task(classification, fields, texts, res.catalogue, received_at)
    routing = route_task(classification, fields, texts, res.catalogue)
    outcome = store_task(res.store, res.db_url, res.catalogue, store_context(res), dossier_id, texts, classification, fields, problems, routing)
    handoff_task(res.store, res.db_url, res.catalogue, outcome)
    return outcome
