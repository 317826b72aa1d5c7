"""An office's queue as people read it: one row per open dossier, days left, applicant as initials.

Shared by `hoso office queue` and the daily per-office table artifacts.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from domain.catalogue import Catalogue
    from storage.models import Dossier, Handoff


def queue_row(catalogue: Catalogue, handoff: Handoff, dossier: Dossier, today: date) -> dict[str, Any]:
    """One queue entry as `--json` prints it; ``days_left`` is in calendar days, negative when overdue."""
    from core.masking import mask_name
    from storage.records import record_of
    from storage.repository import as_utc

    def name_of(kind: str, slug: str | None) -> str | None:
        if not slug:
            return None
        try:
            return catalogue.procedure(slug).name if kind == "procedure" else catalogue.commune(slug).display_name
        except KeyError:
            return None

    applicant = record_of(dossier).value("applicant_name")
    days = (dossier.due - today).days if dossier.due else None
    return {
        "id": dossier.id,
        "receipt": dossier.receipt,
        "procedure": dossier.procedure,
        "procedure_name": name_of("procedure", dossier.procedure),
        "office": handoff.office,
        "commune": handoff.commune,
        "commune_name": name_of("commune", handoff.commune),
        "status": dossier.status,
        "due": dossier.due.isoformat() if dossier.due else None,
        "days_left": days,
        "overdue": days is not None and days < 0,
        "applicant": mask_name(str(applicant)) if applicant else None,
        "handed_off_at": as_utc(handoff.created_at).isoformat(),
        "object_key": handoff.object_key,
    }
