"""Value types of dossier understanding: what hoso concluded about a dossier.

Plain data, no I/O: the tasks feed page texts in and store what comes out.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Literal, Sequence

from domain.layout import WordBox

Status = Literal["routed", "needs_review", "rejected", "quarantined"]
Severity = Literal["reject", "review", "warning"]


@dataclass(frozen=True, slots=True)
class PageInput:
    """One page as the domain sees it: its text and how sure OCR was."""

    text: str
    confidence: float = 100.0
    words: Sequence[WordBox] = ()  # the page's words with boxes, when the reader gave them


@dataclass(frozen=True, slots=True)
class FieldValue:
    value: str
    confidence: float  # 0..1, how sure hoso is of this value
    page: int | None = None  # 1-based page of the dossier where it was read
    box: tuple[float, float, float, float] | None = None  # left, top, right, bottom on that page (pixels or points)


@dataclass(frozen=True, slots=True)
class Problem:
    code: str  # stable, e.g. "thieu-truong", "so-dinh-danh-sai"
    message: str  # Vietnamese, something an official can act on
    severity: Severity = "review"
    field: str | None = None

    def as_dict(self) -> dict[str, str]:
        out = {"code": self.code, "message": self.message, "severity": self.severity}
        if self.field:
            out["field"] = self.field
        return out


@dataclass(frozen=True, slots=True)
class Classification:
    procedure: str | None  # catalogue slug, None when not recognised
    confidence: float  # 0..1
    page_kinds: tuple[str, ...] = ()  # per page: "form" or an attachment slug, "unknown"
    problems: tuple[Problem, ...] = ()


@dataclass(frozen=True, slots=True)
class Routing:
    office: str | None  # office slug from the catalogue
    commune: str | None  # normalised commune slug
    problems: tuple[Problem, ...] = ()


@dataclass(frozen=True, slots=True)
class Assessment:
    """The whole verdict on one dossier."""

    classification: Classification
    fields: dict[str, FieldValue]
    routing: Routing
    problems: tuple[Problem, ...]
    status: Status
    due: date | None = None
    extra: dict[str, str] = field(default_factory=dict)
