"""The embedded Prefect server's SQLite configuration (hoso/prefect_server.py), on real SQLite files.

The race it fixes, reproduced without the server: a transaction reads, another
writer commits, the first one writes. Prefect's own configuration fails that
write at once ("database is locked", what the API turns into a 503); hoso's
waits for the other writer and succeeds.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from prefect.server.database.configurations import AioSqliteConfiguration
from prefect.settings import PREFECT_API_DATABASE_CONNECTION_URL, temporary_settings
from sqlalchemy.exc import OperationalError

from hoso.prefect_server import ImmediateSqliteConfiguration, install_sqlite_configuration


async def _read_then_write_while_another_commits(config: AioSqliteConfiguration) -> list[int]:
    engine = await config.engine()
    async with engine.begin() as conn:
        await conn.execute(sa.text("CREATE TABLE runs (n INTEGER)"))
    other_may_write = asyncio.Event()

    async def reader_then_writer() -> None:
        async with await config.session(engine) as session, config.begin_transaction(session):
            await session.execute(sa.text("SELECT count(*) FROM runs"))
            other_may_write.set()
            await asyncio.sleep(0.3)  # the other writer commits meanwhile (or waits, under IMMEDIATE)
            await session.execute(sa.text("INSERT INTO runs VALUES (1)"))

    async def writer() -> None:
        await other_may_write.wait()
        async with await config.session(engine) as session, config.begin_transaction(session):
            await session.execute(sa.text("INSERT INTO runs VALUES (2)"))

    try:
        await asyncio.gather(reader_then_writer(), writer())
        async with engine.connect() as conn:
            return sorted(r[0] for r in await conn.execute(sa.text("SELECT n FROM runs")))
    finally:
        await engine.dispose()


def test_prefect_default_fails_the_racing_write(tmp_path: Path) -> None:
    """The upstream behaviour this module exists for; if Prefect fixes it, this test says so."""
    config = AioSqliteConfiguration(connection_url=f"sqlite+aiosqlite:///{tmp_path / 'prefect.db'}")
    with pytest.raises(OperationalError, match="locked"):
        asyncio.run(_read_then_write_while_another_commits(config))


def test_immediate_configuration_serialises_the_writers(tmp_path: Path) -> None:
    config = ImmediateSqliteConfiguration(connection_url=f"sqlite+aiosqlite:///{tmp_path / 'prefect.db'}")
    assert asyncio.run(_read_then_write_while_another_commits(config)) == [1, 2]


def test_installed_for_sqlite_only(tmp_path: Path) -> None:
    from prefect.server.database.dependencies import MODELS_DEPENDENCIES

    before = dict(MODELS_DEPENDENCIES)
    try:
        with temporary_settings({PREFECT_API_DATABASE_CONNECTION_URL: "postgresql+asyncpg://u:p@127.0.0.1:5/prefect"}):
            assert install_sqlite_configuration() is False
        assert MODELS_DEPENDENCIES["database_config"] is before["database_config"]
        with temporary_settings({PREFECT_API_DATABASE_CONNECTION_URL: f"sqlite+aiosqlite:///{tmp_path / 'p.db'}"}):
            assert install_sqlite_configuration() is True
        assert isinstance(MODELS_DEPENDENCIES["database_config"], ImmediateSqliteConfiguration)
    finally:
        MODELS_DEPENDENCIES.update(before)


def _insert_events(components, tmp_path: Path, batches: list[list]) -> int:  # type: ignore[no-untyped-def]
    """Each batch as Prefect's SQLite event writer inserts it (events/storage/database.py); the rows stored."""
    from prefect.server.database import orm_models

    engine = sa.create_engine(f"sqlite:///{tmp_path / 'events.db'}")
    table = orm_models.Event.__table__
    try:
        table.create(engine)
        with engine.begin() as conn:
            for rows in batches:
                conn.execute(components.insert(orm_models.Event).values(rows))
        with engine.connect() as conn:
            return conn.scalar(sa.select(sa.func.count()).select_from(table))
    finally:
        engine.dispose()


def _event_row() -> dict:
    from datetime import datetime, timezone

    from uuid import uuid4

    from prefect.server.events.schemas.events import ReceivedEvent

    event = ReceivedEvent(occurred=datetime.now(timezone.utc), event="hoso.test", resource={"prefect.resource.id": "hoso.test.1"}, id=uuid4())
    return event.as_database_row()


def test_prefect_default_fails_a_batch_of_events_it_already_stored(tmp_path: Path) -> None:
    """After a restart the clients re-send events the server had stored: Prefect's writer leaves an empty
    insert, which SQLite refuses; the flush fails and, five tries later, its events are dropped."""
    from prefect.server.database.query_components import AioSqliteQueryComponents
    from sqlalchemy.exc import IntegrityError

    with pytest.raises(IntegrityError, match="events.occurred"):
        _insert_events(AioSqliteQueryComponents(), tmp_path, [[]])


def test_event_safe_components_skip_what_cannot_be_written(tmp_path: Path) -> None:
    from hoso.prefect_server import EventSafeSqliteQueryComponents

    row = _event_row()
    assert _insert_events(EventSafeSqliteQueryComponents(), tmp_path, [[], [row], [row]]) == 1


def test_event_components_installed_with_the_configuration(tmp_path: Path) -> None:
    from prefect.server.database.dependencies import MODELS_DEPENDENCIES

    from hoso.prefect_server import EventSafeSqliteQueryComponents

    before = dict(MODELS_DEPENDENCIES)
    try:
        with temporary_settings({PREFECT_API_DATABASE_CONNECTION_URL: f"sqlite+aiosqlite:///{tmp_path / 'p.db'}"}):
            assert install_sqlite_configuration() is True
        assert isinstance(MODELS_DEPENDENCIES["query_components"], EventSafeSqliteQueryComponents)
    finally:
        MODELS_DEPENDENCIES.update(before)


def test_slots_no_lease_holds_are_given_back_before_the_server_serves(tmp_path: Path) -> None:
    """The state a server killed mid-acquire leaves (a slot counted in the database, its lease never
    written) is repaired on the next start; slots held by leases, live or expired, are left to Prefect,
    and a rate limit (slots that decay) is left alone."""
    from datetime import timedelta

    from prefect.server.concurrency.lease_storage import ConcurrencyLimitLeaseMetadata, get_concurrency_lease_storage
    from prefect.server.database import provide_database_interface
    from prefect.server.database.dependencies import MODELS_DEPENDENCIES
    from prefect.settings import PREFECT_HOME, PREFECT_SERVER_CONCURRENCY_LEASE_STORAGE

    from hoso.prefect_server import release_slots_without_lease
    from hoso.stack import LEASE_STORAGE

    async def scenario() -> dict[str, Any]:
        db = provide_database_interface()
        fresh = await release_slots_without_lease()  # a new server's database has no tables yet
        await db.create_db()
        leases = get_concurrency_lease_storage()
        async with db.session_context(begin_transaction=True) as session:
            ocr = db.ConcurrencyLimitV2(name="ocr-may", limit=3, active_slots=3)  # 1 live lease, 1 expired, 1 leaked
            intake = db.ConcurrencyLimitV2(name="deployment:intake", limit=2, active_slots=2)  # two live leases, one not in the index
            rate = db.ConcurrencyLimitV2(name="rate", limit=5, active_slots=2, slot_decay_per_second=0.5)
            session.add_all([ocr, intake, rate])
        one = ConcurrencyLimitLeaseMetadata(slots=1)
        await leases.create_lease([ocr.id], timedelta(minutes=5), one)
        await leases.create_lease([ocr.id], timedelta(seconds=-1), one)
        await leases.create_lease([intake.id], timedelta(minutes=5), one)
        unindexed = await leases.create_lease([intake.id], timedelta(minutes=5), one)  # killed before its index entry
        await leases._remove_from_expiration_index(unindexed.id)
        lost = await leases.create_lease([rate.id], timedelta(seconds=-1), one)  # expired and in no index
        await leases._remove_from_expiration_index(lost.id)
        at_start = await release_slots_without_lease()
        again = await release_slots_without_lease()  # a second start finds nothing more

        async def slots() -> dict[str, int]:
            async with db.session_context() as session:
                return dict((await session.execute(sa.select(db.ConcurrencyLimitV2.name, db.ConcurrencyLimitV2.active_slots))).all())  # type: ignore[arg-type]

        after_start = await slots()
        # While serving: a slot leaked now is given back only when the next look still finds it so.
        async with db.session_context(begin_transaction=True) as session:
            (await session.get(db.ConcurrencyLimitV2, ocr.id)).active_slots += 1
        first_look = await release_slots_without_lease({})
        second_look = await release_slots_without_lease(first_look[1])
        return {
            "fresh": fresh, "at_start": at_start, "again": again, "after_start": after_start, "lost_file": (await leases.read_lease(lost.id)),
            "first_look": first_look, "second_look": second_look, "after_watch": await slots(),
        }

    before = dict(MODELS_DEPENDENCIES)
    settings = {
        PREFECT_HOME: str(tmp_path / "prefect"),
        PREFECT_API_DATABASE_CONNECTION_URL: f"sqlite+aiosqlite:///{tmp_path / 'prefect.db'}",
        PREFECT_SERVER_CONCURRENCY_LEASE_STORAGE: LEASE_STORAGE,
    }
    try:
        with temporary_settings(settings):
            install_sqlite_configuration()
            outcome = asyncio.run(scenario())
    finally:
        MODELS_DEPENDENCIES.clear()
        MODELS_DEPENDENCIES.update(before)
    assert outcome["fresh"] == ({}, {}) and outcome["again"] == ({}, {})
    assert outcome["at_start"] == ({"ocr-may": 1}, {"ocr-may": 1})
    assert outcome["after_start"] == {"ocr-may": 2, "deployment:intake": 2, "rate": 2}
    assert outcome["lost_file"] is None
    assert outcome["first_look"] == ({}, {"ocr-may": 1})  # seen, not yet given back
    assert outcome["second_look"] == ({"ocr-may": 1}, {"ocr-may": 1})
    assert outcome["after_watch"] == outcome["after_start"]
