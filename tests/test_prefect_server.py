"""The embedded Prefect server's SQLite configuration (hoso/prefect_server.py), on real SQLite files.

The race it fixes, reproduced without the server: a transaction reads, another
writer commits, the first one writes. Prefect's own configuration fails that
write at once ("database is locked", what the API turns into a 503); hoso's
waits for the other writer and succeeds.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

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

    before = MODELS_DEPENDENCIES["database_config"]
    try:
        with temporary_settings({PREFECT_API_DATABASE_CONNECTION_URL: "postgresql+asyncpg://u:p@127.0.0.1:5/prefect"}):
            assert install_sqlite_configuration() is False
        assert MODELS_DEPENDENCIES["database_config"] is before
        with temporary_settings({PREFECT_API_DATABASE_CONNECTION_URL: f"sqlite+aiosqlite:///{tmp_path / 'p.db'}"}):
            assert install_sqlite_configuration() is True
        assert isinstance(MODELS_DEPENDENCIES["database_config"], ImmediateSqliteConfiguration)
    finally:
        MODELS_DEPENDENCIES["database_config"] = before
