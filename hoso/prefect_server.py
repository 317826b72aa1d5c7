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
Before it serves, this server counts each limit down to the slots its leases
hold (``release_slots_without_lease``), and while it serves it does the same every
minute for slots seen without a lease at two looks a minute apart (a worker killed
mid-OCR once left one so, the server running throughout). The leases themselves,
live or expired, are left to Prefect (renewed by their holders, or revoked when
they run out).

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


async def release_slots_without_lease(seen_before: dict[str, int] | None = None) -> tuple[dict[str, int], dict[str, int]]:
    """Give back the slots of every concurrency limit that no stored lease holds; returns (freed, seen), by limit name.

    ``seen_before`` None: the server is starting, before it serves and before its
    repossessor runs, so nothing is taken or given back meanwhile and every slot
    beyond its leases is freed. While it serves (``watch_slots_without_lease``) an
    acquisition is counted a moment before its lease is written, and a release
    counted down a moment before its lease is removed, so a slot is freed only when it
    was already seen without a lease at the previous look (``seen``, a minute
    before): at most as many as both looks saw. Slots are given back by a decrement,
    never set, so what runs meanwhile is not undone.

    A lease that has expired but is still listed holds its slots until the repossessor
    revokes it. Prefect's file storage lists leases from an index written after each
    lease's own file: a lease whose file made it and whose index entry did not still
    holds its slots while it is live (its holder renews and releases it by id); once
    expired the repossessor never sees it, so it is revoked here. Limits with slot
    decay (rate limits) are left alone: their slots are not leased, they decay. With
    Prefect's default in-memory lease storage nothing survives a restart, and every
    slot counted then is one no process can give back.
    """
    from collections import Counter
    from datetime import datetime, timezone

    from prefect.server.concurrency.lease_storage import get_concurrency_lease_storage
    from prefect.server.database import provide_database_interface
    from prefect.server.models import concurrency_limits_v2

    leases = get_concurrency_lease_storage()
    active: list[Any] = []
    while batch := await leases.read_active_lease_ids(limit=500, offset=len(active)):
        active.extend(batch)
    listed = {*active, *await leases.read_expired_lease_ids(limit=1_000_000)}
    folder = getattr(leases, "storage_path", None)
    on_file = set()
    for path in Path(folder).glob("*.json") if folder else ():
        try:
            on_file.add(UUID(path.stem))
        except ValueError:
            continue  # expirations.json, the index itself
    held: Counter[Any] = Counter()
    now = datetime.now(timezone.utc)
    for lease_id in listed | on_file:
        lease = await leases.read_lease(lease_id)
        if lease is None or lease.metadata is None:
            continue
        if lease_id not in listed and lease.expiration < now:
            await leases.revoke_lease(lease_id)  # expired and in no index: nobody would ever give its slots back
            continue
        for limit_id in lease.resource_ids:
            held[limit_id] += lease.metadata.slots
    db = provide_database_interface()
    freed: dict[str, int] = {}
    seen: dict[str, int] = {}
    async with db.session_context(begin_transaction=True) as session:
        try:
            limits = await concurrency_limits_v2.read_all_concurrency_limits(session=session, limit=10_000, offset=0)
        except DBAPIError:
            return freed, seen  # a new server: no tables yet, so no slot taken (its migrations run when it starts)
        for limit in limits:
            if limit.slot_decay_per_second or limit.active_slots <= held[limit.id]:
                continue
            seen[limit.name] = limit.active_slots - held[limit.id]
            give_back = seen[limit.name] if seen_before is None else min(seen[limit.name], seen_before.get(limit.name, 0))
            if give_back:
                await concurrency_limits_v2.bulk_decrement_active_slots(session=session, concurrency_limit_ids=[limit.id], slots=give_back)
                freed[limit.name] = give_back
    return freed, seen


SLOT_CHECK_EVERY_S = 60.0


async def watch_slots_without_lease(every: float = SLOT_CHECK_EVERY_S) -> None:
    """While the server serves: give back, every minute, slots no lease has held for a minute.

    A slot can be counted with no lease without the server dying: a lease write that
    failed after its slot was counted, or an index entry lost. Seen on a real stack
    after a worker was killed mid-OCR (issue 16): `ocr-<host>` stayed at 1 of 2 with no
    lease left, for good, with the server running throughout.
    """
    seen: dict[str, int] = {}
    while True:
        await asyncio.sleep(every)
        try:
            freed, seen = await release_slots_without_lease(seen)
        except Exception as exc:  # noqa: BLE001 - checked again at the next minute
            print(f"hoso: không kiểm tra được các suất đồng thời ({type(exc).__name__}: {exc})", flush=True)
            continue
        if freed:
            print(f"hoso: trả lại các suất đồng thời không lượt nào giữ suốt một phút: {freed}", flush=True)


def with_slot_watch(app: Any) -> Any:
    """The app with ``watch_slots_without_lease`` running beside Prefect's own services, for as long as they run."""
    inner = app.router.lifespan_context

    @asynccontextmanager
    async def lifespan(a: Any) -> AsyncGenerator[Any, None]:
        async with inner(a) as state:
            watch = asyncio.create_task(watch_slots_without_lease())
            try:
                yield state
            finally:
                watch.cancel()

    app.router.lifespan_context = lifespan
    return app


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
        try:
            freed, _ = asyncio.run(release_slots_without_lease())
        except Exception as exc:  # noqa: BLE001 - a repair must never keep the server from starting
            print(f"hoso: không kiểm tra được các suất đồng thời khi khởi động ({type(exc).__name__}: {exc})", flush=True)
            freed = {}
        if freed:
            print(f"hoso: trả lại các suất đồng thời không lượt nào giữ (máy chủ dừng đột ngột giữa chừng): {freed}", flush=True)
        uvicorn.run(
            app=with_slot_watch(create_app(final=True)),
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
