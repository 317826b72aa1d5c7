"""The embedded Prefect server, as `prefect server start` runs it, with one change for SQLite.

Why this exists: on SQLite, Prefect opens its write transactions DEFERRED. A
transaction that reads first and writes second fails at once with "database is
locked" (SQLITE_BUSY_SNAPSHOT; the busy timeout does not apply) whenever another
writer, such as the server's own event persister, committed in between. The API
answers 503, and the client sleeps two seconds before it retries
(PrefectHQ/prefect#18934, open upstream). Each dossier's flow run hit this several
times, so the embedded default ran at about half the speed of a Prefect server on
PostgreSQL.

Here every write transaction begins IMMEDIATE, the mode Prefect already uses for
its ``with_for_update`` transactions: a writer takes the lock before it reads and
waits its turn under SQLite's busy timeout instead of failing. Reads outside a
transaction are unchanged. PostgreSQL is left exactly as Prefect configures it.

A second change, for the event store: after a restart, clients send again the
events the old server had not confirmed, some of which it had already stored.
Prefect's SQLite writer drops those from a batch and inserts the rest; when
nothing is left it runs an INSERT with no rows, which SQLite turns into one row of
defaults and refuses ("NOT NULL constraint failed: events.occurred"). The whole
flush fails, is retried with the new events piled on, and after five tries is
dropped (seen after a restart: 22 such errors, 548 events lost from the event feed).
The PostgreSQL writer is not affected (ON CONFLICT DO NOTHING). Here the events
insert is ``INSERT OR IGNORE`` on SQLite: the empty insert writes nothing, and an
event already stored is skipped, as PostgreSQL's writer does.

The hooks are Prefect's own dependency slots for the database configuration and
the query components (``MODELS_DEPENDENCIES``, which its test suite uses the same
way), so nothing of Prefect's is patched in place.
"""

from __future__ import annotations

import argparse
from collections.abc import AsyncGenerator
from contextlib import asynccontextmanager

from typing import Any

from prefect.server.database.configurations import AioSqliteConfiguration
from prefect.server.database.query_components import AioSqliteQueryComponents
from sqlalchemy.dialects import sqlite
from sqlalchemy.ext.asyncio import AsyncSession, AsyncSessionTransaction


class ImmediateSqliteConfiguration(AioSqliteConfiguration):
    """Prefect's SQLite configuration with every write transaction begun IMMEDIATE."""

    @asynccontextmanager
    async def begin_transaction(
        self, session: AsyncSession, with_for_update: bool = False
    ) -> AsyncGenerator[AsyncSessionTransaction, None]:
        async with super().begin_transaction(session, with_for_update=True) as transaction:
            yield transaction


class EventSafeSqliteQueryComponents(AioSqliteQueryComponents):
    """Prefect's SQLite query components with the events insert skipping rows it cannot write (see above)."""

    def insert(self, obj: Any) -> sqlite.Insert:
        statement = super().insert(obj)
        if getattr(obj, "__tablename__", None) == "events":
            return statement.prefix_with("OR IGNORE")
        return statement


def install_sqlite_configuration() -> bool:
    """Put the IMMEDIATE configuration and the event-safe query components in Prefect's slots when the server's database is SQLite.

    Returns whether it did (False on PostgreSQL).
    """
    from prefect.server.database.dependencies import MODELS_DEPENDENCIES
    from prefect.server.utilities.database import get_dialect
    from prefect.settings import PREFECT_API_DATABASE_CONNECTION_URL

    url = PREFECT_API_DATABASE_CONNECTION_URL.value()
    if get_dialect(url).name != "sqlite":
        return False
    MODELS_DEPENDENCIES["database_config"] = ImmediateSqliteConfiguration(connection_url=url)
    MODELS_DEPENDENCIES["query_components"] = EventSafeSqliteQueryComponents()
    return True


def main(argv: list[str] | None = None) -> None:
    """`python -m hoso.prefect_server --host H --port P`: the API, the UI and the services in one process."""
    import uvicorn
    from prefect.server.api.server import create_app
    from prefect.settings import PREFECT_SERVER_API_KEEPALIVE_TIMEOUT, PREFECT_SERVER_LOGGING_LEVEL

    parser = argparse.ArgumentParser(prog="python -m hoso.prefect_server", description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--credentials", help="a JSON file (0600) with the server's database_url: its password never on a command line")
    args = parser.parse_args(argv)
    with _database_login(args.credentials):
        install_sqlite_configuration()
        uvicorn.run(
            app=create_app(final=True),
            host=args.host,
            port=args.port,
            timeout_keep_alive=PREFECT_SERVER_API_KEEPALIVE_TIMEOUT.value(),
            log_level=PREFECT_SERVER_LOGGING_LEVEL.value().lower(),
        )


def _database_login(path: str | None) -> Any:
    """Prefect's settings with the database URL from the credentials file, for the server's whole life
    (the event loop, and every service task it starts, runs inside this context)."""
    from contextlib import nullcontext
    from pathlib import Path

    from prefect.settings import PREFECT_API_DATABASE_CONNECTION_URL, temporary_settings

    from core.secrets import read_secret_json

    if not path:
        return nullcontext()
    return temporary_settings({PREFECT_API_DATABASE_CONNECTION_URL: read_secret_json(Path(path))["database_url"]})


if __name__ == "__main__":
    main()
