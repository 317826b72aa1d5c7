"""An official's request for missing papers, from the review form: once, all at once, with reasons.

Kept apart from ``tasks/review.py`` (the review form's own module): the review only
hands over when the official chose "yêu cầu bổ sung". The resident sees the request on
the portal's lookup page and sends only those papers; the dossier then goes back into
the pipeline with its code (portal/filing.py), and the days it waited are not counted
(:func:`days_off`, read by the store step).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import date

from sqlalchemy.orm import Session

from domain.deadlines import waiting_days
from storage import filings
from storage.models import Dossier
from storage.settling import Settlement

REQUEST = "yêu cầu bổ sung"
_SPLIT = re.compile(r"\s+[—–-]\s+|:\s+")


def parse_items(text: str) -> list[dict[str, str]]:
    """One paper a line, ``tên giấy tờ — lý do`` (or ``tên: lý do``)."""
    items = []
    for raw in text.splitlines():
        line = raw.strip().lstrip("-•*").strip()
        if not line:
            continue
        parts = _SPLIT.split(line, maxsplit=1)
        items.append({"name": parts[0].strip(), "reason": parts[1].strip() if len(parts) > 1 else ""})
    return items


def request_from_review(session: Session, dossier: Dossier, items: Sequence[Mapping[str, str]], ground: str, actor: str) -> Settlement:
    """The request the official made in the review form (papers checked by tasks/review.check_decision), and the
    dossier settled as waiting for it.

    Raises SupplementRefused (core/errors.py) for a second request without a new ground (the
    form refuses it first; this guards a request that raced another): the dossier keeps its status.
    """
    request = filings.request_supplement(session, dossier, [dict(i) for i in items], ground, actor=actor)
    return Settlement(filings.AWAITING_SUPPLEMENT, filings.request_reason(request))


def days_off(session: Session, dossier_id: str, extra_days_off: tuple[date, ...]) -> tuple[date, ...]:
    """The ward's days off and the days this dossier waited for the resident's papers."""
    waited = waiting_days(filings.waiting_periods(session, dossier_id))
    return tuple(sorted({*extra_days_off, *waited}))

