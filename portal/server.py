"""The portal process: its resources from the settings (the edge reads them), served by uvicorn.

`hoso up` starts it as the part ``portal`` (``hoso portal serve``); tests start the same
app in a thread with :func:`build`.
"""

from __future__ import annotations

import threading
from datetime import date

from core.settings import Settings
from domain.catalogue_loading import default_catalogue, load_catalogue
from ocr.model import OcrOptions
from portal.app import Portal, create_app
from portal.filing import Drafts
from portal.notify import Channels
from portal.security import AttemptLimiter, Signer
from storage.database import migrate
from storage.objects import ObjectStore


def build(settings: Settings) -> Portal:
    assert settings.database_url
    migrate(settings.database_url)
    store = ObjectStore.from_settings(settings)  # its own key: residents' folders only; `hoso up` made the buckets
    catalogue = (
        load_catalogue(settings.catalogue_dir, area=settings.service_area)
        if settings.catalogue_dir or settings.service_area
        else default_catalogue()
    )
    ocr = OcrOptions(
        languages=settings.ocr_languages, dpi=settings.ocr_dpi, page_timeout_s=min(settings.ocr_page_timeout_s, 30.0),
        max_pages=settings.ocr_max_pages, max_page_pixels=settings.ocr_max_page_pixels, searchable_pdf=False,
    )
    channels = Channels(
        smtp_host=settings.smtp_host, smtp_port=settings.smtp_port, smtp_user=settings.smtp_user,
        smtp_password=settings.smtp_password.get_secret_value() if settings.smtp_password else None,
        smtp_starttls=settings.smtp_starttls, sender=settings.smtp_sender, webhook=settings.notify_webhook,
        portal_url=settings.portal_url,
    )
    return Portal(
        store=store, db_url=settings.database_url, catalogue=catalogue, ocr=ocr, unit_code=settings.unit_code,
        extra_days_off=tuple(date.fromisoformat(d) for d in settings.extra_days_off), max_file_bytes=settings.max_file_bytes,
        signer=Signer(settings.sealing_secret.encode()),
        limiter=AttemptLimiter(settings.portal_lookup_attempts, settings.portal_lookup_window_s),
        drafts=Drafts(settings.home / "portal" / "drafts"), channels=channels, url=settings.portal_url,
        ocr_slots=threading.BoundedSemaphore(max(1, min(2, settings.ocr_workers))),
        notify_interval_s=settings.portal_notify_interval_s,
    )


def serve(settings: Settings, host: str | None = None, port: int | None = None) -> None:
    import uvicorn

    uvicorn.run(create_app(build(settings)), host=host or settings.portal_host, port=port or settings.portal_listen_port,
                log_level="warning", server_header=False, proxy_headers=False)
