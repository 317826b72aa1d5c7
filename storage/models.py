"""The metadata database: typed SQLAlchemy 2.0 models of dossiers and what happened to them.

Object storage holds the bytes; these tables hold what an official searches by
and the history of every decision. Schema changes go through Alembic
(``storage/migrations``), never ``create_all`` in production.
"""

from __future__ import annotations

from datetime import date, datetime, timezone
from typing import Any

from sqlalchemy import JSON, Date, DateTime, Float, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


class Base(DeclarativeBase):
    type_annotation_map = {dict[str, Any]: JSON, list[Any]: JSON}


class Dossier(Base):
    __tablename__ = "dossier"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    # Identity of what arrived: the inbox key plus its ETag, so a re-used file
    # name with new content is a new dossier while a re-run is not.
    source: Mapped[str] = mapped_column(String(1024))
    source_identity: Mapped[str] = mapped_column(String(1100), unique=True)
    station: Mapped[str] = mapped_column(String(128), default="")
    sha256: Mapped[str] = mapped_column(String(64), index=True, default="")
    # Set on the one original of its content and NULL on every other dossier: the unique
    # index makes "one content, one original" the database's decision, whatever order two
    # runs with the same bytes take (tasks/duplicates.py).
    original_sha256: Mapped[str | None] = mapped_column(String(64), unique=True, index=True)
    status: Mapped[str] = mapped_column(String(32), index=True)
    procedure: Mapped[str | None] = mapped_column(String(64), index=True)
    office: Mapped[str | None] = mapped_column(String(64), index=True)
    commune: Mapped[str | None] = mapped_column(String(64), index=True)
    fields: Mapped[dict[str, Any]] = mapped_column(default=dict)
    receipt: Mapped[str | None] = mapped_column(String(64), unique=True)
    due: Mapped[date | None] = mapped_column(Date)
    pipeline_version: Mapped[int] = mapped_column(Integer, default=0)
    ocr_version: Mapped[str] = mapped_column(String(200), default="")
    received_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)
    archive_prefix: Mapped[str] = mapped_column(String(256), default="")
    duplicate_of: Mapped[str | None] = mapped_column(ForeignKey("dossier.id"))
    # A lease, not a queue: whoever holds it is processing the dossier now. A run
    # killed mid-way simply lets it expire, and the next intake or reprocess resumes.
    claimed_by: Mapped[str | None] = mapped_column(String(64))
    claimed_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    files: Mapped[list["DossierFile"]] = relationship(back_populates="dossier", cascade="all, delete-orphan", order_by="DossierFile.position")
    pages: Mapped[list["Page"]] = relationship(back_populates="dossier", cascade="all, delete-orphan", order_by="Page.position")
    problems: Mapped[list["Problem"]] = relationship(back_populates="dossier", cascade="all, delete-orphan", order_by="Problem.id")
    handoffs: Mapped[list["Handoff"]] = relationship(back_populates="dossier", cascade="all, delete-orphan", order_by="Handoff.id")
    history: Mapped[list["StateChange"]] = relationship(back_populates="dossier", order_by="StateChange.id")


class DossierFile(Base):
    __tablename__ = "dossier_file"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    dossier_id: Mapped[str] = mapped_column(ForeignKey("dossier.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(1024))
    inbox_key: Mapped[str] = mapped_column(String(1024))
    # The inbox version archived (S3 version id): clearing the inbox deletes this version and no other.
    inbox_version: Mapped[str | None] = mapped_column(String(1024))
    archive_key: Mapped[str] = mapped_column(String(1024))
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(Integer)
    media_type: Mapped[str] = mapped_column(String(64), default="")

    dossier: Mapped[Dossier] = relationship(back_populates="files")


class Page(Base):
    __tablename__ = "page"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    dossier_id: Mapped[str] = mapped_column(ForeignKey("dossier.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)  # 1-based across the whole dossier
    file_position: Mapped[int] = mapped_column(Integer)
    number: Mapped[int] = mapped_column(Integer)  # 1-based within its file
    kind: Mapped[str] = mapped_column(String(64), default="unknown")
    source: Mapped[str] = mapped_column(String(32))
    confidence: Mapped[float] = mapped_column(Float)
    text: Mapped[str] = mapped_column(Text)
    quality: Mapped[dict[str, Any]] = mapped_column(default=dict)

    dossier: Mapped[Dossier] = relationship(back_populates="pages")


class Problem(Base):
    __tablename__ = "problem"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    dossier_id: Mapped[str] = mapped_column(ForeignKey("dossier.id"), index=True)
    code: Mapped[str] = mapped_column(String(64))
    message: Mapped[str] = mapped_column(Text)
    severity: Mapped[str] = mapped_column(String(16))
    field: Mapped[str | None] = mapped_column(String(64))

    dossier: Mapped[Dossier] = relationship(back_populates="problems")


class Handoff(Base):
    """A routed dossier placed in an office's queue."""

    __tablename__ = "handoff"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    dossier_id: Mapped[str] = mapped_column(ForeignKey("dossier.id"), index=True)
    office: Mapped[str] = mapped_column(String(64), index=True)
    commune: Mapped[str | None] = mapped_column(String(64), index=True)
    object_key: Mapped[str] = mapped_column(String(1024))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    dossier: Mapped[Dossier] = relationship(back_populates="handoffs")


class StateChange(Base):
    """Append-only history: every status change of a dossier, who made it and why."""

    __tablename__ = "state_change"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    dossier_id: Mapped[str] = mapped_column(ForeignKey("dossier.id"), index=True)
    from_status: Mapped[str | None] = mapped_column(String(32))
    to_status: Mapped[str] = mapped_column(String(32))
    actor: Mapped[str] = mapped_column(String(128))
    reason: Mapped[str] = mapped_column(Text, default="")
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    dossier: Mapped[Dossier] = relationship(back_populates="history")


class ReceiptCounter(Base):
    """Daily sequence for receipt codes (UNIT-YYMMDD-NNNN), one row per unit and day."""

    __tablename__ = "receipt_counter"
    __table_args__ = (UniqueConstraint("unit_code", "day"),)

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    unit_code: Mapped[str] = mapped_column(String(64))
    day: Mapped[date] = mapped_column(Date)
    last: Mapped[int] = mapped_column(Integer, default=0)


class ResidentFiling(Base):
    """A dossier a resident filed on the portal: how they follow it, and who filed it for whom.

    The applicant (người yêu cầu) and the person filing (người nộp: the resident, or a
    residential-group officer helping them) are kept apart. Only a hash of the lookup
    PIN is kept; the contact is where the receipt and each status change are sent.
    """

    __tablename__ = "resident_filing"

    dossier_id: Mapped[str] = mapped_column(ForeignKey("dossier.id"), primary_key=True)
    receipt: Mapped[str] = mapped_column(String(64), unique=True)
    procedure: Mapped[str] = mapped_column(String(64))
    commune: Mapped[str] = mapped_column(String(64))
    pin_hash: Mapped[str] = mapped_column(String(256))
    applicant_name: Mapped[str] = mapped_column(String(256))
    filer_name: Mapped[str | None] = mapped_column(String(256))
    filer_role: Mapped[str | None] = mapped_column(String(128))
    email: Mapped[str | None] = mapped_column(String(320))
    phone: Mapped[str | None] = mapped_column(String(32))
    promised: Mapped[date] = mapped_column(Date)
    notified_status: Mapped[str] = mapped_column(String(32), default="received")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class SupplementRequest(Base):
    """An official's one request for missing papers (Nghị định 61/2018, Điều 19: all at once, with reasons).

    ``items`` is a list of ``{"name", "reason"}``; the days from ``requested_at`` to
    ``answered_at`` are not counted towards the promised date.
    """

    __tablename__ = "supplement_request"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    dossier_id: Mapped[str] = mapped_column(ForeignKey("dossier.id"), index=True)
    items: Mapped[list[Any]] = mapped_column(default=list)
    ground: Mapped[str] = mapped_column(Text, default="")
    requested_by: Mapped[str] = mapped_column(String(128))
    requested_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    answered_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
