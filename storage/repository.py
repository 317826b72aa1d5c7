"""Reads and writes of dossier records: the only module that knows the table shapes.

Every status change goes through :func:`set_status`, which appends to the
history, so the history cannot be forgotten by a new code path.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date, datetime, timedelta, timezone
from typing import Any

from sqlalchemy import func, or_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload

from core.errors import ClaimLost
from storage.models import Dossier, DossierFile, Handoff, Page, Problem, ReceiptCounter, StateChange, utcnow
from storage.records import record_of

# "done": the office has settled the dossier (`hoso office done`); nothing runs it again.
# "awaiting_supplement": an official asked the resident for missing papers (storage/filings.py);
# nothing runs it until they arrive.
# "returned": the result was handed to the resident (`hoso office returned`), after "done".
TERMINAL = frozenset({"routed", "needs_review", "rejected", "quarantined", "duplicate", "done", "awaiting_supplement", "returned"})


def as_utc(value: datetime) -> datetime:
    """SQLite hands back naive datetimes; everything hoso stores is UTC."""
    return value if value.tzinfo else value.replace(tzinfo=timezone.utc)


def new_dossier_id() -> str:
    return uuid.uuid4().hex[:16]


def register(session: Session, *, source: str, identity: str, station: str, actor: str) -> tuple[Dossier, bool]:
    """The dossier for this inbox identity, created if new; safe under concurrent intakes."""
    existing = session.scalar(select(Dossier).where(Dossier.source_identity == identity))
    if existing is not None:
        return existing, False
    dossier = Dossier(id=new_dossier_id(), source=source, source_identity=identity, station=station, status="received", fields={})
    try:
        with session.begin_nested():
            session.add(dossier)
            session.flush()
    except IntegrityError:
        found = session.scalar(select(Dossier).where(Dossier.source_identity == identity))
        assert found is not None
        return found, False
    session.add(StateChange(dossier_id=dossier.id, from_status=None, to_status="received", actor=actor, reason=source))
    return dossier, True


def claim(session: Session, dossier_id: str, owner: str, lease: timedelta, *, settled_too: bool = False) -> bool:
    """Take the processing lease if nobody holds a live one; one UPDATE, so two workers cannot both win.

    A settled dossier is claimed only when asked (``settled_too``: the reprocess job).
    """
    now = utcnow()
    query = update(Dossier).where(Dossier.id == dossier_id)
    if not settled_too:
        query = query.where(Dossier.status.not_in(list(TERMINAL)))
    result = session.execute(
        query.where(or_(Dossier.claimed_until.is_(None), Dossier.claimed_until < now, Dossier.claimed_by == owner))
        .values(claimed_by=owner, claimed_until=now + lease)
        .execution_options(synchronize_session=False)
    )
    return bool(result.rowcount)


def keep_claim(session: Session, dossier_id: str, owner: str) -> None:
    """Raise ClaimLost unless ``owner`` still holds the dossier; call it in the transaction that settles it.

    A write, not a read: it locks the row (PostgreSQL) or the database (SQLite) until
    that transaction commits, so no other run can claim the dossier between this check
    and the settling write. Settling keeps the holder's name (set_status), so a run that
    lost the dossier to one that has already settled it is refused too.
    """
    result = session.execute(
        update(Dossier).where(Dossier.id == dossier_id, Dossier.claimed_by == owner)
        .values(claimed_by=owner).execution_options(synchronize_session=False)
    )
    if not result.rowcount:
        raise _claim_lost(dossier_id)


def expect_claim(session: Session, dossier_id: str, owner: str) -> None:
    """Raise ClaimLost early, before writing objects that keep_claim would refuse to settle; a read, not a guarantee."""
    if session.scalar(select(Dossier.claimed_by).where(Dossier.id == dossier_id)) != owner:
        raise _claim_lost(dossier_id)


def _claim_lost(dossier_id: str) -> ClaimLost:
    return ClaimLost("Một lượt chạy khác đã tiếp quản hồ sơ này; lượt này dừng lại mà không ghi kết quả.", detail=dossier_id)


def set_status(session: Session, dossier: Dossier, status: str, *, actor: str, reason: str = "") -> None:
    if status in TERMINAL:
        # Settled: the lease ends, so reprocess may claim the dossier at once. The holder's
        # name stays: a retry of the settling step by the same run still passes keep_claim,
        # and a run that lost the dossier is still refused.
        dossier.claimed_until = None
    if dossier.status == status and not reason:
        return
    session.add(StateChange(dossier_id=dossier.id, from_status=dossier.status, to_status=status, actor=actor, reason=reason))
    dossier.status = status
    dossier.updated_at = utcnow()


def note(session: Session, dossier: Dossier, *, actor: str, reason: str) -> None:
    """A history line that changes nothing (the status stays): something happened the station should be able to see."""
    session.add(StateChange(dossier_id=dossier.id, from_status=dossier.status, to_status=dossier.status, actor=actor, reason=reason))


def get(session: Session, dossier_id: str) -> Dossier | None:
    return session.scalar(
        select(Dossier)
        .where(Dossier.id == dossier_id)
        .options(selectinload(Dossier.files), selectinload(Dossier.pages), selectinload(Dossier.problems), selectinload(Dossier.handoffs))
    )


def by_identity(session: Session, identity: str) -> Dossier | None:
    return session.scalar(select(Dossier).where(Dossier.source_identity == identity))


def original_of_content(session: Session, dossier: Dossier) -> Dossier | None:
    """The original of this dossier's content when it is another dossier; None when this one is (or now becomes) it.

    The unique index on ``original_sha256`` decides, not a read before a write: a
    dossier becomes the original by writing its SHA-256 there, and of two that write
    the same value the second fails (PostgreSQL makes it wait for the first to commit;
    SQLite lets one writer in at a time), so the loser always sees the winner. Two
    checks that both found no original before either committed, the interleaving that
    once settled one file twice, can no longer both win.
    """
    if not dossier.sha256:
        return None
    if dossier.original_sha256 == dossier.sha256:
        return None
    holder = _content_holder(session, dossier)
    if holder is not None:
        return holder
    try:
        with session.begin_nested():
            dossier.original_sha256 = dossier.sha256
            session.flush()
    except IntegrityError:
        holder = _content_holder(session, dossier)
        assert holder is not None, "the unique index refused a value no row holds"
        return holder
    dossier.duplicate_of = None
    return None


def release_content(dossier: Dossier) -> None:
    """An unreadable dossier is no original: the same bytes sent again (under new limits, say) may be processed."""
    dossier.original_sha256 = None


def _content_holder(session: Session, dossier: Dossier) -> Dossier | None:
    return session.scalar(select(Dossier).where(Dossier.original_sha256 == dossier.sha256, Dossier.id != dossier.id))


def find_by_prefix(session: Session, prefix: str) -> Dossier | None:
    """A dossier by an unambiguous prefix of its id (what officials type)."""
    rows = session.scalars(select(Dossier).where(Dossier.id.startswith(prefix)).limit(2)).all()
    return rows[0] if len(rows) == 1 else None


def list_all(session: Session, statuses: Sequence[str] | None = None) -> list[Dossier]:
    query = select(Dossier).options(selectinload(Dossier.problems)).order_by(Dossier.received_at, Dossier.id)
    if statuses:
        query = query.where(Dossier.status.in_(list(statuses)))
    return list(session.scalars(query))


def count_settled_by(session: Session, owners: Sequence[str]) -> dict[str, int]:
    """How many dossiers the given runs settled, by status: settled dossiers keep their holder's name (set_status)."""
    counts: dict[str, int] = {}
    for start in range(0, len(owners), 500):
        rows = session.execute(
            select(Dossier.status, func.count())
            .where(Dossier.claimed_by.in_(list(owners[start : start + 500])), Dossier.status.in_(list(TERMINAL)))
            .group_by(Dossier.status)
        )
        for status, count in rows:
            counts[status] = counts.get(status, 0) + count
    return counts


def needing_reprocess(session: Session, pipeline_version: int) -> list[str]:
    """Dossiers the nightly job should run again: unsure, stuck mid-way, or assessed by older code."""
    stuck = Dossier.status.in_(["received", "processing"])
    unsure = Dossier.status == "needs_review"
    stale = (Dossier.pipeline_version < pipeline_version) & Dossier.status.in_(["routed", "rejected"])
    return list(session.scalars(select(Dossier.id).where(stuck | unsure | stale).order_by(Dossier.received_at)))


def replace_files(session: Session, dossier: Dossier, files: Sequence[dict[str, Any]]) -> None:
    dossier.files.clear()
    session.flush()
    for position, f in enumerate(files, start=1):
        dossier.files.append(DossierFile(position=position, **f))


def replace_assessment(
    session: Session,
    dossier: Dossier,
    *,
    pages: Sequence[dict[str, Any]],
    problems: Sequence[dict[str, Any]],
    procedure: str | None,
    office: str | None,
    commune: str | None,
    fields: dict[str, Any],
    due: date | None,
    pipeline_version: int,
    ocr_version: str,
) -> None:
    """Swap in a fresh assessment (a reprocess replaces, never appends, pages and problems)."""
    dossier.pages.clear()
    dossier.problems.clear()
    session.flush()
    for position, p in enumerate(pages, start=1):
        dossier.pages.append(Page(position=position, **p))
    for p in problems:
        dossier.problems.append(Problem(code=p["code"], message=p["message"], severity=p.get("severity", "review"), field=p.get("field")))
    dossier.procedure, dossier.office, dossier.commune = procedure, office, commune
    dossier.fields = dict(fields)
    dossier.due = due
    dossier.pipeline_version = pipeline_version
    dossier.ocr_version = ocr_version


def add_problem(dossier: Dossier, code: str, message: str, severity: str, field: str | None = None) -> None:
    dossier.problems.append(Problem(code=code, message=message, severity=severity, field=field))


def next_receipt_sequence(session: Session, unit_code: str, day: date) -> int:
    """The next number of the day for this unit.

    One atomic ``UPDATE … RETURNING``: a read-then-write would hand two
    concurrent workers the same number (SQLite ignores ``FOR UPDATE``).
    """
    dialect = session.get_bind().dialect.name
    insert = {"sqlite": sqlite_insert, "postgresql": pg_insert}[dialect]
    session.execute(insert(ReceiptCounter).values(unit_code=unit_code, day=day, last=0).on_conflict_do_nothing())
    return int(
        session.execute(
            update(ReceiptCounter)
            .where(ReceiptCounter.unit_code == unit_code, ReceiptCounter.day == day)
            .values(last=ReceiptCounter.last + 1)
            .returning(ReceiptCounter.last)
        ).scalar_one()
    )


def open_handoff(session: Session, dossier: Dossier, office: str, commune: str | None, object_key: str) -> Handoff:
    for h in dossier.handoffs:
        if h.closed_at is None and h.office == office and h.commune == commune:
            h.object_key = object_key
            return h
    for h in dossier.handoffs:  # re-routed: the old office's item is closed
        if h.closed_at is None:
            h.closed_at = utcnow()
    handoff = Handoff(office=office, commune=commune, object_key=object_key)
    dossier.handoffs.append(handoff)
    return handoff


def history(session: Session, dossier_id: str) -> list[StateChange]:
    return list(session.scalars(select(StateChange).where(StateChange.dossier_id == dossier_id).order_by(StateChange.id)))


def as_json(dossier: Dossier, *, with_pages: bool = False) -> dict[str, Any]:
    """The JSON face of a dossier, as `hoso list/show --json` print it (storage.records)."""
    return record_of(dossier, with_pages=with_pages).as_json()


# --- Office queues: what each office has to settle, and settling it -----------------


def office_queue(session: Session, office: str, commune: str | None = None) -> list[tuple[Handoff, Dossier]]:
    """An office's open hand-offs with their dossiers, earliest due first, undated last.

    Ordered by ``due IS NULL`` first rather than ``NULLS LAST``, which not every
    database spells the same way.
    """
    query = (
        select(Handoff, Dossier)
        .join(Dossier, Handoff.dossier_id == Dossier.id)
        .where(Handoff.office == office, Handoff.closed_at.is_(None))
        .order_by(Dossier.due.is_(None), Dossier.due, Dossier.received_at, Dossier.id)
    )
    if commune is not None:
        query = query.where(Handoff.commune == commune)
    return [(handoff, dossier) for handoff, dossier in session.execute(query)]


def open_handoffs(session: Session, dossier_id: str) -> list[Handoff]:
    return list(session.scalars(select(Handoff).where(Handoff.dossier_id == dossier_id, Handoff.closed_at.is_(None)).order_by(Handoff.id)))


def settle(session: Session, dossier: Dossier, *, actor: str, reason: str = "") -> list[Handoff]:
    """Close the dossier's open hand-off(s) and record it ``done``; returns what was closed (empty: nothing open)."""
    handoffs = open_handoffs(session, dossier.id)
    if not handoffs:
        return []
    now = utcnow()
    for handoff in handoffs:
        handoff.closed_at = now
    set_status(session, dossier, "done", actor=actor, reason=reason or f"{handoffs[0].office}: đã giải quyết")
    return handoffs


def hand_over(session: Session, dossier: Dossier, *, actor: str) -> bool:
    """Record that the settled dossier's result was handed to the resident (``returned``); False unless it is ``done``."""
    if dossier.status != "done":
        return False
    set_status(session, dossier, "returned", actor=actor, reason="đã trả kết quả cho công dân")
    return True


# --- What is still open, for the nightly report and the offices' daily lists ------------


def open_dossiers(session: Session) -> list[Dossier]:
    """Dossiers someone still has to act on: awaiting review, or routed and not yet settled by the office."""
    return list(
        session.scalars(
            select(Dossier).where(Dossier.status.in_(["needs_review", "routed"])).order_by(Dossier.due.is_(None), Dossier.due, Dossier.received_at)
        )
    )


# --- Leases whose holders are gone, for the reconcile step ------------------------------


def live_claim_holders(session: Session) -> list[str]:
    """Who holds a processing lease that has not run out yet (flow run ids, or ``pid-…`` outside Prefect)."""
    query = select(Dossier.claimed_by).where(Dossier.claimed_until.is_not(None), Dossier.claimed_until > utcnow()).distinct()
    return [owner for owner in session.scalars(query) if owner]


def end_claims(session: Session, owners: Sequence[str]) -> int:
    """End the leases these holders still have (their runs are over); returns how many dossiers it freed.

    The holder's name stays, as when a dossier is settled: were the run alive after
    all, its settling step still passes keep_claim unless another run has claimed the
    dossier since, and then it is refused.
    """
    if not owners:
        return 0
    result = session.execute(
        update(Dossier).where(Dossier.claimed_by.in_(list(owners)), Dossier.claimed_until.is_not(None))
        .values(claimed_until=None).execution_options(synchronize_session=False)
    )
    return int(result.rowcount or 0)
