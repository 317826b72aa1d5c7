"""Give each inbox item exactly one dossier record, however many intakes see it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from prefect import task
from prefect.cache_policies import NO_CACHE

from storage import repository
from storage.database import session_scope
from storage.layout import InboxItem
from tasks.retry import IO_RETRIES


@dataclass(frozen=True)
class Registered:
    dossier_id: str
    status: str
    received_at: datetime

    @property
    def finished(self) -> bool:
        return self.status in repository.TERMINAL


def register_item(db_url: str, item: InboxItem, actor: str = "intake") -> Registered:
    """The dossier record for this item, created if it is new."""
    with session_scope(db_url) as session:
        dossier, _ = repository.register(session, source=item.source, identity=item.identity, station=item.station, actor=actor)
        return Registered(dossier.id, dossier.status, dossier.received_at)


@task(name="register", cache_policy=NO_CACHE, **IO_RETRIES)
def register(db_url: str, item: InboxItem) -> Registered:
    return register_item(db_url, item)
