"""The status of a dossier and the day its office must settle it by: one decision, one place.

Every path that settles a dossier (the pipeline's store step, the quarantine,
a duplicate, an official's review, the nightly reprocess through the pipeline)
asks :func:`verdict`; a path that computed the due date itself once forgot the
ward's extra days off.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Iterable

from domain.catalogue import Catalogue
from domain.deadlines import due_date
from domain.model import Problem, Status


def decide(problems: Iterable[Problem]) -> Status:
    """Rejected when a rule is broken, needs review when hoso is unsure, else routed.

    A reject outranks a review: the dossier goes back to the applicant either
    way, and the official reads every problem on it.
    """
    severities = {p.severity for p in problems}
    if "reject" in severities:
        return "rejected"
    if "review" in severities:
        return "needs_review"
    return "routed"


@dataclass(frozen=True)
class Verdict:
    status: Status
    due: date | None


def verdict(
    procedure: str | None,
    problems: Iterable[Problem],
    received_at: datetime,
    catalogue: Catalogue,
    extra_days_off: Iterable[date] = (),
    *,
    status: Status | None = None,
) -> Verdict:
    """The status (from the problems, unless ``status`` says what an official or the input decided) and the due date.

    A due date is set whenever the procedure is known and the dossier is not
    rejected or quarantined: a dossier waiting for review is still running against its limit.
    """
    settled = status or decide(problems)
    due = None
    if procedure is not None and settled not in ("rejected", "quarantined"):
        due = due_date(procedure, received_at, catalogue, extra_days_off)
    return Verdict(settled, due)
