"""The status of a dossier, from the problems found in it."""

from __future__ import annotations

from typing import Iterable

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
