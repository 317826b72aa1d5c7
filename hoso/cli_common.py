"""What every `hoso` command group needs from the local set-up: the object store and the
database made ready, and whether the local stack is up.

Public helpers of their own so that `cli_office.py` and `cli_bench.py` do not reach into
`cli.py`'s private names (and `cli.py` does not have to know who borrows them).
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from core.settings import Settings
    from storage.objects import ObjectStore


def ready_store(settings: Settings) -> ObjectStore:
    """The object store with its buckets made."""
    from storage.objects import ObjectStore

    store = ObjectStore.from_settings(settings)
    store.ensure_buckets()
    return store


def ready_database(settings: Settings) -> str:
    """The database URL, its schema migrated to the newest revision (with the migrations' own login, when there is one)."""
    from hoso.identities import migrations_url
    from storage.database import migrate

    assert settings.database_url
    migrate(migrations_url(settings))
    return settings.database_url


def stack_is_up(settings: Settings) -> bool:
    """True when the stack's worker and server both run; a worker left without its server is said as such (exit 6)
    rather than taken for a stack that is down, whose work this process would then do with a Prefect of its own."""
    from hoso import stack

    server = stack.port_open(settings.prefect_port)
    worker = stack.running_pid(settings, "worker") is not None
    if worker and not server:
        raise stack.unreachable_error("prefect-server", settings.prefect_api_url.removesuffix("/api"))
    return server and worker


def on_stack_prefect(settings: Settings) -> AbstractContextManager[Any]:
    """Prefect's client settings for this stack's server: its address and, when the stack has one, its auth string
    (the server `hoso up` starts refuses a request without it: 401)."""
    from prefect.settings import PREFECT_API_AUTH_STRING, PREFECT_API_URL, temporary_settings

    from hoso.identities import prefect_auth

    updates: dict[Any, Any] = {PREFECT_API_URL: settings.prefect_api_url}
    auth = prefect_auth(settings)
    if auth:
        updates[PREFECT_API_AUTH_STRING] = auth
    return temporary_settings(updates)
