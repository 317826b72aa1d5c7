"""Give each inbox item exactly one dossier record, however many intakes see it."""

from __future__ import annotations

from datetime import timedelta

from prefect import task
from prefect.cache_policies import NO_CACHE

from storage import repository
from storage.database import session_scope
from storage.layout import InboxItem
from tasks.retry import IO_RETRIES
from tasks.values import Registered


def register_item(db_url: str, item: InboxItem, actor: str = "intake") -> Registered:
    """The dossier record for this item, created if it is new."""
    with session_scope(db_url) as session:
        dossier, _ = repository.register(session, source=item.source, identity=item.identity, station=item.station, actor=actor)
        return Registered(dossier.id, dossier.status, repository.as_utc(dossier.received_at))


def claim_dossier(db_url: str, dossier_id: str, owner: str, lease_s: float, settled_too: bool = False) -> bool:
    """True when this run may process the dossier; False when another live run holds it."""
    with session_scope(db_url) as session:
        return repository.claim(session, dossier_id, owner, timedelta(seconds=lease_s), settled_too=settled_too)


register_task = task(name="register", cache_policy=NO_CACHE, **IO_RETRIES)(register_item)


claim_task = task(name="claim", cache_policy=NO_CACHE, **IO_RETRIES)(claim_dossier)
