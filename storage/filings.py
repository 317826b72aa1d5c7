"""Records of dossiers filed by residents on the portal, and of requests for missing papers.

Beside ``repository`` (which knows the dossier tables) because these rows belong to
the resident's side of a dossier: the lookup PIN's hash, the contact, the applicant
apart from the person filing, and the one request for a supplement. Every status
change still goes through :func:`repository.set_status`, so the history stays whole.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.errors import SupplementRefused
from storage import repository
from storage.models import Dossier, ResidentFiling, StateChange, SupplementRequest, utcnow

AWAITING_SUPPLEMENT = "awaiting_supplement"


def add_filing(session: Session, filing: ResidentFiling) -> ResidentFiling:
    session.add(filing)
    session.flush()
    return filing


def by_receipt(session: Session, receipt: str) -> tuple[ResidentFiling, Dossier] | None:
    """The filing and its dossier for a receipt code, or None (the caller answers the same either way)."""
    row = session.execute(
        select(ResidentFiling, Dossier).join(Dossier, Dossier.id == ResidentFiling.dossier_id).where(ResidentFiling.receipt == receipt)
    ).first()
    return (row[0], row[1]) if row else None


def of_dossier(session: Session, dossier_id: str) -> ResidentFiling | None:
    return session.get(ResidentFiling, dossier_id)


def history(session: Session, dossier_id: str) -> list[StateChange]:
    return repository.history(session, dossier_id)


def to_notify(session: Session) -> list[tuple[ResidentFiling, Dossier]]:
    """Filings whose dossier's status changed since the resident was last told."""
    rows = session.execute(
        select(ResidentFiling, Dossier).join(Dossier, Dossier.id == ResidentFiling.dossier_id).where(ResidentFiling.notified_status != Dossier.status)
    )
    return [(f, d) for f, d in rows]


# --- Requests for missing papers ------------------------------------------------------


def requests(session: Session, dossier_id: str) -> list[SupplementRequest]:
    return list(session.scalars(select(SupplementRequest).where(SupplementRequest.dossier_id == dossier_id).order_by(SupplementRequest.id)))


def open_request(session: Session, dossier_id: str) -> SupplementRequest | None:
    return next((r for r in requests(session, dossier_id) if r.answered_at is None), None)


def _ground_key(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).casefold().split())


def is_new_ground(ground: str, earlier: Sequence[str]) -> bool:
    """A ground another request may stand on: not empty and none of the ``earlier`` requests' grounds."""
    key = _ground_key(ground)
    return bool(key) and key not in {_ground_key(g) for g in earlier}


def request_supplement(
    session: Session, dossier: Dossier, items: Sequence[dict[str, str]], ground: str, *, actor: str
) -> SupplementRequest:
    """Ask the resident for these papers, all at once; the caller settles the dossier as ``awaiting_supplement``
    (storage.settling, in this same transaction) with :func:`request_reason` as the history line.

    A second request for the same dossier is refused (SupplementRefused) unless its
    ground is new: not empty and not one an earlier request already gave.
    """
    if not items:
        raise SupplementRefused("Yêu cầu bổ sung phải nêu ít nhất một giấy tờ cần bổ sung và lý do.", code="bo-sung-khong-neu-giay-to")
    earlier = requests(session, dossier.id)
    if earlier:
        if not is_new_ground(ground, [r.ground for r in earlier]):
            raise SupplementRefused(
                "Hồ sơ này đã được yêu cầu bổ sung một lần; chỉ yêu cầu lại khi có căn cứ mới (ghi căn cứ đó vào lý do).",
                detail=dossier.id,
            )
    request = SupplementRequest(dossier_id=dossier.id, items=[dict(i) for i in items], ground=ground.strip(), requested_by=actor)
    session.add(request)
    session.flush()
    return request


def request_reason(request: SupplementRequest) -> str:
    return "yêu cầu bổ sung: " + "; ".join(f"{i['name']} ({i['reason']})" if i.get("reason") else i["name"] for i in request.items)


def resume_with_supplement(session: Session, dossier: Dossier, request: SupplementRequest, *, source: str, identity: str, actor: str) -> None:
    """The resident sent the papers: the dossier, with its code, goes back into the pipeline from the new inbox folder.

    The inbox folder holds the dossier's earlier files and the new ones, so the
    pipeline reads the whole dossier again; its record is found by the folder's
    identity, keeps its receipt, and the waiting days are left out of its due date
    (:func:`waiting_periods`).
    """
    request.answered_at = utcnow()
    dossier.source, dossier.source_identity = source, identity
    dossier.claimed_until = None  # nobody works on a dossier that waited for the resident (a refused second request's run kept it)
    repository.set_status(session, dossier, "received", actor=actor, reason="công dân đã bổ sung giấy tờ")


def waiting_periods(session: Session, dossier_id: str) -> list[tuple[datetime, datetime | None]]:
    """When the dossier waited for the resident: (asked, answered or None while it still waits), in UTC."""
    return [
        (repository.as_utc(r.requested_at), repository.as_utc(r.answered_at) if r.answered_at else None)
        for r in requests(session, dossier_id)
    ]
