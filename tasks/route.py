"""Which office of which commune/ward receives the dossier."""

from __future__ import annotations

from prefect import task
from prefect.cache_policies import NO_CACHE

from domain.catalogue import Catalogue
from domain.model import Classification, FieldValue, Routing
from domain.routing import route
from tasks.values import DossierText


def route_dossier(classification: Classification, fields: dict[str, FieldValue], text: DossierText, catalogue: Catalogue) -> Routing:
    return route(classification.procedure, fields, text.pages, catalogue)


route_task = task(name="route", cache_policy=NO_CACHE)(route_dossier)
