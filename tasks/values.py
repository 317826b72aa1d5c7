"""The values that pass between a dossier's tasks, in one place: typed, frozen, no ``dict[str, Any]``.

A flow hands each task's result to the next (fetch → extract text → understand →
store → hand off → notify); Prefect records them, retries
re-use them. Keeping them here says at a glance what travels, and lets a task
module depend on the values without depending on the task that made them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from domain.model import Classification, FieldValue, PageInput, Problem, Routing, Status
from ocr.model import DocumentResult
from storage.records import DossierRecord
from storage.repository import TERMINAL


@dataclass(frozen=True)
class InputFile:
    """One file of a dossier, as read from the inbox (or the archive)."""

    name: str  # the name the station gave it
    inbox_key: str
    data: bytes
    sha256: str
    inbox_version: str | None = None  # the inbox version these bytes are (None: not known, e.g. archived before versioning)

    @property
    def size(self) -> int:
        return len(self.data)


@dataclass(frozen=True)
class FileText:
    """One file's text, page by page, as the OCR library read it (or its cache gave it back)."""

    name: str
    result: DocumentResult
    cached: bool = False


@dataclass(frozen=True)
class DossierText:
    """The dossier's files' texts and, made once, its pages in dossier order as the domain reads them.

    Understanding and storing both read the pages; converting them once here keeps
    the two on the very same input.
    """

    files: tuple[FileText, ...]
    pages: tuple[PageInput, ...]

    @classmethod
    def of(cls, files: list[FileText]) -> DossierText:
        pages = tuple(PageInput(text=p.text, confidence=p.confidence, words=p.words) for t in files for p in t.result.pages)
        return cls(tuple(files), pages)


@dataclass(frozen=True)
class Understanding:
    """What the understand step made of a dossier's text (tasks/understand.py), for the store step to settle."""

    classification: Classification
    fields: dict[str, FieldValue]
    problems: tuple[Problem, ...]  # the rules' and the unread pages'; classification and routing carry their own
    routing: Routing


@dataclass(frozen=True)
class Registered:
    """The dossier record an inbox item stands for, as the register step found or made it."""

    dossier_id: str
    status: str
    received_at: datetime

    @property
    def finished(self) -> bool:
        return self.status in TERMINAL


@dataclass(frozen=True)
class DossierState:
    """What the nightly job needs to know of a dossier before running it again."""

    dossier_id: str
    status: str
    source: str
    received_at: datetime
    archived: bool  # its originals are in the archive


@dataclass(frozen=True)
class StoreContext:
    """Settings the settling steps need, passed as one value so the task signatures stay small."""

    unit_code: str
    extra_days_off: tuple[date, ...]
    pipeline_version: int
    ocr_version: str


@dataclass(frozen=True)
class Outcome:
    """What the flow needs to know after settling: enough to hand off and to report."""

    dossier_id: str
    status: Status
    procedure: str | None
    office: str | None
    commune: str | None
    receipt: str | None
    due: date | None
    problem_codes: tuple[str, ...]

    @classmethod
    def of(cls, record: DossierRecord, problem_codes: tuple[str, ...] = ()) -> Outcome:
        """The outcome of a settled dossier, from its record (storage.settling returns it)."""
        return cls(record.id, record.status, record.procedure, record.office, record.commune, record.receipt, record.due,  # type: ignore[arg-type]
                   problem_codes)


@dataclass(frozen=True)
class OpenSummary:
    """What is still open, for the nightly report."""

    needs_review: int
    routed_open: int
    overdue: int
    oldest_overdue: tuple[str, date] | None  # (receipt, due)
