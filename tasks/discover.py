"""Intake's first step: what is waiting in the inbox, grouped into dossiers."""

from __future__ import annotations

from prefect import task
from prefect.cache_policies import NO_CACHE

from storage.layout import MANIFEST, InboxItem, Waiting, group_inbox
from storage.objects import ObjectStore
from tasks.retry import IO_RETRIES


def find_waiting_dossiers(store: ObjectStore) -> tuple[list[InboxItem], list[Waiting]]:
    objects = list(store.list("inbox"))
    manifests = {o.key: store.get("inbox", o.key, o.version_id) for o in objects if o.key.endswith("/" + MANIFEST)}
    return group_inbox(objects, manifests)


def find_item(store: ObjectStore, source: str) -> InboxItem | None:
    """The inbox item for one source key (a file, or a folder ending in '/'), if still there."""
    objects = [o for o in store.list("inbox", source) if o.key == source or source.endswith("/")]
    manifests = {o.key: store.get("inbox", o.key, o.version_id) for o in objects if o.key.endswith("/" + MANIFEST)}
    items, _ = group_inbox(objects, manifests)
    return next((i for i in items if i.source == source), None)


discover_task = task(name="discover", cache_policy=NO_CACHE, **IO_RETRIES)(find_waiting_dossiers)
