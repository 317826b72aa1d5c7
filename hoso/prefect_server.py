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

A third, for concurrency slots after a crash: Prefect counts a slot in its database
and then, outside that transaction, writes the lease that will give it back
(``/v2/concurrency_limits/increment-with-lease``). A server killed between the
two keeps a slot counted that no lease holds; the repossessor frees only slots of
leases it finds, so that slot stays taken for good and, on a limit of two OCR
pages, halves a machine's OCR until a person resets the counter (issue 16).
Before it serves, this server sets each limit's count down to the slots its
leases hold (``release_slots_without_lease``); the leases themselves, live or
expired, are left to Prefect (renewed by their holders, or revoked when they run
out).

The hooks are Prefect's own dependency slots for the database configuration and
the query components (``MODELS_DEPENDENCIES``, which its test suite uses the same
way), so nothing of Prefect's is patched in place.
"""

from __future__ import annotations

import argparse
import asyncio
from collections.abc import AsyncGenerator
from contextlib import asynccontextmanager

from pathlib import Path
from typing import Any
from uuid import UUID

from prefect.server.database.configurations import AioSqliteConfiguration
from prefect.server.database.query_components import AioSqliteQueryComponents
from sqlalchemy.dialects import sqlite
from sqlalchemy.exc import DBAPIError
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


async def release_slots_without_lease() -> dict[str, int]:
    """Count down every concurrency limit to the slots its stored leases hold; returns the slots freed, by limit name.

    Run before the server serves and before its repossessor starts, so that no slot
    is taken or given back meanwhile. A lease that has expired but is still stored
    counts as holding its slots: the repossessor gives them back itself. Limits with
    slot decay (rate limits) are left alone: their slots are not leased, they decay.
    With Prefect's default in-memory lease storage nothing survives a restart, and
    every slot counted then is one no process can give back.
    """
    from collections import Counter

    from prefect.server.concurrency.lease_storage import get_concurrency_lease_storage
    from prefect.server.database import provide_database_interface
    from prefect.server.models import concurrency_limits_v2

    leases = get_concurrency_lease_storage()
    active: list[Any] = []
    while batch := await leases.read_active_lease_ids(limit=500, offset=len(active)):
        active.extend(batch)
    lease_ids = {*active, *await leases.read_expired_lease_ids(limit=1_000_000)}
    # Prefect's file storage lists leases from an index written after each lease's own file: a
    # lease whose file made it and whose index entry did not still holds its slots (its holder
    # renews and releases it by id), so its file counts too.
    folder = getattr(leases, "storage_path", None)
    for path in Path(folder).glob("*.json") if folder else ():
        try:
            lease_ids.add(UUID(path.stem))
        except ValueError:
            continue  # expirations.json, the index itself
    held: Counter[Any] = Counter()
    for lease_id in lease_ids:
        lease = await leases.read_lease(lease_id)
        if lease is not None and lease.metadata is not None:
            for limit_id in lease.resource_ids:
                held[limit_id] += lease.metadata.slots
    db = provide_database_interface()
    freed: dict[str, int] = {}
    async with db.session_context(begin_transaction=True) as session:
        try:
            limits = await concurrency_limits_v2.read_all_concurrency_limits(session=session, limit=10_000, offset=0)
        except DBAPIError:
            return freed  # a new server: no tables yet, so no slot taken (its migrations run when it starts)
        for limit in limits:
            if limit.slot_decay_per_second or limit.active_slots <= held[limit.id]:
                continue
            freed[limit.name] = limit.active_slots - held[limit.id]
            limit.active_slots = held[limit.id]
    return freed


def main(argv: list[str] | None = None) -> None:
    """`python -m hoso.prefect_server --host H --port P`: the API, the UI and the services in one process."""
    import uvicorn
    from prefect.server.api.server import create_app
    from prefect.settings import PREFECT_SERVER_API_KEEPALIVE_TIMEOUT, PREFECT_SERVER_LOGGING_LEVEL

    parser = argparse.ArgumentParser(prog="python -m hoso.prefect_server", description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args(argv)
    install_sqlite_configuration()
    try:
        freed = asyncio.run(release_slots_without_lease())
    except Exception as exc:  # noqa: BLE001 - a repair must never keep the server from starting
        print(f"hoso: không kiểm tra được các suất đồng thời khi khởi động ({type(exc).__name__}: {exc})", flush=True)
        freed = {}
    if freed:
        print(f"hoso: trả lại các suất đồng thời không lượt nào giữ (máy chủ dừng đột ngột giữa chừng): {freed}", flush=True)
    uvicorn.run(
        app=create_app(final=True),
        host=args.host,
        port=args.port,
        timeout_keep_alive=PREFECT_SERVER_API_KEEPALIVE_TIMEOUT.value(),
        log_level=PREFECT_SERVER_LOGGING_LEVEL.value().lower(),
    )


if __name__ == "__main__":
    main()
