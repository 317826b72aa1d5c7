"""The per-dossier step sequence shared by ``process_dossier`` and ``reprocess``.

Orchestration only: each line is a task; what a task does lives in ``tasks/``.
"""

from __future__ import annotations

from datetime import datetime

from prefect.utilities.annotations import quote

from domain.model import Status
from core.errors import InputError
from flows.resources import PIPELINE_VERSION, Resources
from tasks.archive import archive_originals_task
from tasks.duplicates import check_duplicate_task
from tasks.extract_text import extract_text_task
from tasks.handoff import hand_off_task
from tasks.notify import notify_office_task
from tasks.quarantine import quarantine_task
from tasks.store import parse_days_off, store_task
from tasks.understand import understand_task
from tasks.values import DossierText, InputFile, StoreContext


def store_context(res: Resources) -> StoreContext:
    return StoreContext(
        unit_code=res.settings.unit_code,
        extra_days_off=parse_days_off(res.settings.extra_days_off),
        pipeline_version=PIPELINE_VERSION,
        ocr_version=res.ocr.version(),
    )


def assess_dossier(res: Resources, dossier_id: str, owner: str, files: list[InputFile], received_at: datetime) -> Status:
    """archive → text → understand → store → hand off; returns the status it settled in.

    Two ways end early: a duplicate of an earlier dossier is rejected and linked
    to it; bad input goes to the quarantine. Every settling step first checks that
    ``owner`` (this run) still holds the dossier, and raises ClaimLost if another
    run took it over (core.errors).
    """
    archive_originals_task(res.store, res.db_url, dossier_id, owner, files)
    if check_duplicate_task(res.db_url, res.catalogue, dossier_id, owner):
        return "rejected"
    texts = extract_text_task(res.store, files, res.ocr, res.settings.max_file_bytes, res.settings.ocr_workers, res.settings.ocr_machine)
    if isinstance(texts, InputError):
        quarantine_task(res.store, res.db_url, res.catalogue, dossier_id, owner, files, texts)
        return "quarantined"
    # Pages converted once, read by understand and store. Quoted: Prefect walks every task argument
    # twice looking for futures (Word by Word here, ~65 ms per task for a two-page form).
    text = quote(DossierText.of(texts))
    understood = quote(understand_task(text, res.catalogue, received_at, res.ocr.page_timeout_s))
    outcome = store_task(res.store, res.db_url, res.catalogue, store_context(res), dossier_id, owner, text, understood)
    hand_off_task(res.store, res.db_url, res.catalogue, outcome)
    # A notification that cannot be delivered is logged on its task run; the dossier is in the queue anyway.
    notify_office_task(res.catalogue, outcome, return_state=True)
    return outcome.status
