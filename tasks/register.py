"""Give each inbox item exactly one dossier record, however many intakes see it."""

from __future__ import annotations

from datetime import timedelta

from prefect import task
from prefect.cache_policies import NO_CACHE

from storage import repository
from storage.database import session_scope
from storage.layout import InboxItem
from storage.objects import ObjectStore
from tasks.discover import find_item
from tasks.retry import IO_RETRIES
from tasks.values import Registered


def register_item(db_url: str, item: InboxItem, actor: str = "intake") -> Registered:
    """The dossier record for this item, created if it is new."""
    with session_scope(db_url) as session:
        dossier, _ = repository.register(session, source=item.source, identity=item.identity, station=item.station, actor=actor)
        return Registered(dossier.id, dossier.status, repository.as_utc(dossier.received_at))


def receive(store: ObjectStore, db_url: str, source: str) -> tuple[InboxItem, Registered] | None:
    """The inbox item for one source and its dossier record (made if new); None when the item is gone.

    One task for the two: both are safe to run again as they are (a read, and a
    register that finds the record it made), so they share a retry, and a dossier
    run pays for one task run instead of two.
    """
    item = find_item(store, source)
    return None if item is None else (item, register_item(db_url, item))


def claim_dossier(db_url: str, dossier_id: str, owner: str, lease_s: float, settled_too: bool = False) -> bool:
    """True when this run may process the dossier; False when another live run holds it."""
    with session_scope(db_url) as session:
        return repository.claim(session, dossier_id, owner, timedelta(seconds=lease_s), settled_too=settled_too)


receive_task = task(name="receive", cache_policy=NO_CACHE, **IO_RETRIES)(receive)


claim_task = task(name="claim", cache_policy=NO_CACHE, **IO_RETRIES)(claim_dossier)
