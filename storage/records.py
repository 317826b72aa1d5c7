"""The dossier as the rest of hoso reads it: one typed, frozen record built once from the rows.

The settling path returns it, the artifact, the run's name and tags, the review
form and the office queue render it, and ``hoso list/show --json`` print its
``as_json()``. Before it, each of them indexed a ``dict[str, Any]`` by string
keys, and a renamed key failed only where it was read.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from typing import Any, Mapping

from storage.models import Dossier


@dataclass(frozen=True, slots=True)
class FieldRecord:
    value: str
    confidence: float | None = None  # 0..1; None for a value an official typed in
    page: int | None = None  # 1-based page of the dossier where it was read
    box: tuple[float, ...] | None = None  # left, top, right, bottom on that page


@dataclass(frozen=True, slots=True)
class ProblemRecord:
    code: str
    message: str
    severity: str
    field: str | None = None

    def as_json(self) -> dict[str, str]:
        return {"code": self.code, "message": self.message, "severity": self.severity, **({"field": self.field} if self.field else {})}


@dataclass(frozen=True, slots=True)
class FileRecord:
    name: str
    archive_key: str
    sha256: str
    size: int
    media_type: str


@dataclass(frozen=True, slots=True)
class PageRecord:
    file: int  # position of its file in the dossier, 1-based
    number: int
    kind: str | None
    source: str
    confidence: float
    text: str
    quality: Mapping[str, Any]


@dataclass(frozen=True, slots=True)
class HandoffRecord:
    office: str
    commune: str
    object_key: str
    closed_at: datetime | None


@dataclass(frozen=True, slots=True)
class DossierRecord:
    id: str
    source: str
    station: str
    procedure: str | None
    office: str | None
    commune: str | None
    status: str
    receipt: str | None
    due: date | None
    received_at: datetime | None  # aware, UTC
    sha256: str
    duplicate_of: str | None
    fields: Mapping[str, FieldRecord] = field(default_factory=dict)
    problems: tuple[ProblemRecord, ...] = ()
    # Only in a full record (``record_of(..., with_pages=True)``):
    files: tuple[FileRecord, ...] = ()
    pages: tuple[PageRecord, ...] = ()
    handoffs: tuple[HandoffRecord, ...] = ()
    with_pages: bool = False

    def value(self, name: str) -> str:
        """A field's value, "" when it was not read."""
        found = self.fields.get(name)
        return found.value if found is not None and found.value else ""

    def with_office(self, office: str | None) -> DossierRecord:
        from dataclasses import replace

        return replace(self, office=office)

    def as_json(self) -> dict[str, Any]:
        """The JSON face of the dossier, as `hoso list/show --json` print it."""
        out: dict[str, Any] = {
            "id": self.id,
            "source": self.source,
            "station": self.station,
            "procedure": self.procedure,
            "office": self.office,
            "commune": self.commune,
            "status": self.status,
            "fields": {k: v.value for k, v in self.fields.items()},
            "problems": [p.as_json() for p in self.problems],
            "receipt": self.receipt,
            "due": self.due.isoformat() if self.due else None,
            "received_at": _iso(self.received_at),
            "sha256": self.sha256,
            "duplicate_of": self.duplicate_of,
        }
        if not self.with_pages:
            return out
        out["field_confidence"] = {k: v.confidence for k, v in self.fields.items() if v.confidence is not None}
        # Where each field was read: the dossier's page (1-based) and the box on it, when known.
        out["field_location"] = {
            k: {"page": v.page, "box": list(v.box) if v.box is not None else None} for k, v in self.fields.items() if v.page is not None
        }
        out["files"] = [
            {"name": f.name, "archive_key": f.archive_key, "sha256": f.sha256, "size": f.size, "media_type": f.media_type}
            for f in self.files
        ]
        out["pages"] = [
            {"file": p.file, "number": p.number, "kind": p.kind, "source": p.source, "confidence": p.confidence, "text": p.text,
             "quality": dict(p.quality)}
            for p in self.pages
        ]
        out["handoffs"] = [
            {"office": h.office, "commune": h.commune, "object_key": h.object_key, "closed_at": _iso(h.closed_at)} for h in self.handoffs
        ]
        return out


def record_of(dossier: Dossier, *, with_pages: bool = False) -> DossierRecord:
    """The record of a dossier's rows; ``with_pages``: also its files, pages and hand-offs."""
    return DossierRecord(
        id=dossier.id,
        source=dossier.source,
        station=dossier.station,
        procedure=dossier.procedure,
        office=dossier.office,
        commune=dossier.commune,
        status=dossier.status,
        receipt=dossier.receipt,
        due=dossier.due,
        received_at=_aware(dossier.received_at),
        sha256=dossier.sha256,
        duplicate_of=dossier.duplicate_of,
        fields={k: _field(v) for k, v in (dossier.fields or {}).items()},
        problems=tuple(ProblemRecord(p.code, p.message, p.severity, p.field) for p in dossier.problems),
        files=tuple(FileRecord(f.name, f.archive_key, f.sha256, f.size, f.media_type) for f in dossier.files) if with_pages else (),
        pages=tuple(
            PageRecord(p.file_position, p.number, p.kind, p.source, round(p.confidence, 1), p.text, dict(p.quality or {}))
            for p in dossier.pages
        ) if with_pages else (),
        handoffs=tuple(HandoffRecord(h.office, h.commune, h.object_key, _aware(h.closed_at)) for h in dossier.handoffs)
        if with_pages else (),
        with_pages=with_pages,
    )


def _field(stored: object) -> FieldRecord:
    """A stored field: ``{"value", "confidence", "page", "box"}`` as hoso read it, or a bare value an official typed."""
    if isinstance(stored, dict):
        box = stored.get("box")
        return FieldRecord(
            "" if stored.get("value") is None else str(stored.get("value")), stored.get("confidence"), stored.get("page"),
            tuple(box) if box is not None else None,
        )
    return FieldRecord("" if stored is None else str(stored))


def _aware(value: datetime | None) -> datetime | None:
    """SQLite gives naive datetimes back; hoso stores UTC."""
    if value is None:
        return None
    return value if value.tzinfo is not None else value.replace(tzinfo=timezone.utc)


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None
