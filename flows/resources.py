"""What a flow run needs to touch the world, built once from the settings at the edge."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import timedelta

from domain.catalogue import Catalogue
from domain.catalogue_loading import default_catalogue, load_catalogue
from core.settings import Settings, get_settings
from ocr.model import OcrOptions
from storage.database import migrate
from storage.objects import ObjectStore

# Bump when a change to understanding (domain rules, extraction) should make the
# nightly job re-assess dossiers it already settled.
PIPELINE_VERSION = 1


@dataclass(frozen=True)
class Resources:
    settings: Settings
    store: ObjectStore
    db_url: str
    ocr: OcrOptions
    catalogue: Catalogue
    link_lifetime: timedelta  # of the presigned archive links in artifacts


_BUILT: dict[str, Resources] = {}
_BUILDING = threading.Lock()  # two flows starting at once must not both run the migrations


def _build(settings: Settings) -> Resources:
    key = settings.model_dump_json()
    with _BUILDING:
        if key not in _BUILT:
            _BUILT[key] = _connect(settings)
        return _BUILT[key]


def _connect(settings: Settings) -> Resources:
    assert settings.database_url
    migrate(settings.database_url)
    store = ObjectStore.from_settings(settings)
    store.ensure_buckets()
    if settings.catalogue_dir or settings.service_area:
        catalogue = load_catalogue(settings.catalogue_dir, area=settings.service_area)
    else:
        catalogue = default_catalogue()
    return Resources(settings=settings, store=store, db_url=settings.database_url, ocr=ocr_options(settings), catalogue=catalogue,
                     link_lifetime=timedelta(hours=settings.link_lifetime_h))


def ocr_options(settings: Settings) -> OcrOptions:
    """The OCR library's options from the settings (the library itself never reads them)."""
    return OcrOptions(
        languages=settings.ocr_languages,
        dpi=settings.ocr_dpi,
        page_timeout_s=settings.ocr_page_timeout_s,
        max_pages=settings.ocr_max_pages,
        max_page_pixels=settings.ocr_max_page_pixels,
        searchable_pdf=settings.ocr_searchable_pdf,
    )


def resources() -> Resources:
    """The process's resources; migrations and buckets are ensured on first use."""
    return _build(get_settings())
