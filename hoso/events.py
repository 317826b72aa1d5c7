"""The S3 event receiver: a dossier starts moving seconds after a scan station drops it.

MinIO's webhook target posts each bucket notification to ``POST /minio/events``;
the embedded `weed mini`'s filer webhook (configured by `hoso up`, hoso/stack.py)
posts each filer event to ``POST /seaweedfs/events`` (hoso/inbox_events.py reads both).
Every new dossier in the inbox (a file under a station, or a folder's
``manifest.json``) becomes one Prefect event ``hoso.inbox.object-created`` on
the resource ``hoso.inbox.<keyed digest of the source>`` (the source itself sealed); the trigger of the ``process-dossier``
deployment in prefect.yaml turns that event into a run for that source. The
interval intake stays the safety net for anything an event missed.

FastAPI and uvicorn because they are already installed with Prefect (its own
server is built on them): the receiver adds no dependency.

The events are sent to the Prefect server inside the request, not handed to
the background worker behind ``prefect.events.emit_event``: that worker
answers at once and, when the server is unreachable, logs and drops the event
while MinIO would have been told 200. Sending first means an unreachable
Prefect gets MinIO a 503, and MinIO keeps the notification (in its
``queue_dir``) and delivers it again. A notification delivered twice is the
same Prefect event (a stable event id), which the server stores and acts on
once; ``process-dossier`` is idempotent besides.
"""

from __future__ import annotations

import hmac
import json
import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from fastapi import FastAPI, HTTPException, Request, Response

from hoso.inbox_events import BadNotification, ObjectCreated, inbox_signals, parse_notification, parse_seaweed_notification, prefect_event_fields
from core.masking import mask_source
from core.settings import Settings, get_settings

if TYPE_CHECKING:
    from prefect.events import Event

log = logging.getLogger("hoso.events")


def expected_authorization(token: str) -> str:
    """The Authorization header MinIO sends for ``auth_token``: ``Bearer <token>``, or the
    token itself when it already has a scheme (two words, e.g. ``Token abc``)."""
    return token if len(token.split()) == 2 else f"Bearer {token}"


def resolve_prefect_api_url(settings: Settings) -> str:
    """Prefect's own ``PREFECT_API_URL`` when set (production: the shared server), else this stack's."""
    from prefect.settings import PREFECT_API_URL

    return PREFECT_API_URL.value() or settings.prefect_api_url


async def send_events(api_url: str, events: list[Event]) -> None:
    """Send events over Prefect's events websocket and wait until the server has received them.

    ``checkpoint_every=1`` makes the client ping after each event and wait for
    the pong, which the server sends only once it has received what came
    before the ping. Raises when the server cannot be reached, so that the
    caller answers 503.
    """
    from prefect.events.clients import PrefectEventsClient

    async with PrefectEventsClient(api_url=api_url, reconnection_attempts=2, checkpoint_every=1) as client:
        for event in events:
            await client.emit(event)


def create_app(settings: Settings | None = None, *, prefect_api_url: str | None = None) -> FastAPI:
    """The receiver for one hoso: its inbox bucket, its token, its Prefect server."""
    from prefect.events import Event

    from storage.objects import ObjectStore

    settings = settings or get_settings()
    inbox_bucket = ObjectStore.from_settings(settings).bucket("inbox")
    token = settings.events_token.get_secret_value() if settings.events_token else ""
    api_url = prefect_api_url or resolve_prefect_api_url(settings)
    app = FastAPI(title="hoso — nhận sự kiện S3", docs_url=None, redoc_url=None, openapi_url=None)

    def check_token(request: Request) -> None:
        if not token:
            return
        given = request.headers.get("authorization", "")
        if not hmac.compare_digest(given.encode(), expected_authorization(token).encode()):
            raise HTTPException(401, "Thiếu hoặc sai mã xác thực (auth_token của webhook).", headers={"WWW-Authenticate": "Bearer"})

    @app.get("/health")
    def health() -> dict[str, str]:
        return {"status": "ok", "bucket": inbox_bucket}

    @app.head("/minio/events")
    def probe() -> Response:
        """MinIO checks that the target is up with a HEAD before it sends anything."""
        return Response(status_code=200)

    async def receive(request: Request, parse: Callable[[Any], list[ObjectCreated]]) -> dict[str, Any]:
        check_token(request)
        try:
            records = parse(json.loads(await request.body()))
        except ValueError as exc:  # BadNotification, or not JSON at all
            detail = str(exc) if isinstance(exc, BadNotification) else "nội dung không phải JSON"
            raise HTTPException(400, f"Không phải thông báo sự kiện S3: {detail}.") from exc
        signals, ignored = inbox_signals(records, inbox_bucket)
        for item in ignored:
            log.debug("Bỏ qua %s: %s", mask_source(item.key), item.reason)
        if signals:
            try:
                await send_events(api_url, [Event(**prefect_event_fields(s, settings.sealing_secret)) for s in signals])
            except Exception as exc:  # noqa: BLE001 - any failure means: not delivered, ask the sender to retry
                log.warning("Không gửi được %d sự kiện tới Prefect (%s: %s); máy chủ S3 sẽ gửi lại.", len(signals), type(exc).__name__, exc)
                raise HTTPException(503, "Không gửi được sự kiện tới Prefect; máy chủ S3 sẽ gửi lại sau.") from exc
        for signal in signals:
            log.info("Hồ sơ mới trong hộp thư đến: %s", mask_source(signal.source))
        return {"emitted": len(signals), "ignored": len(ignored)}

    @app.post("/minio/events")
    async def minio_events(request: Request) -> dict[str, Any]:
        return await receive(request, parse_notification)

    @app.post("/seaweedfs/events")
    async def seaweedfs_events(request: Request) -> dict[str, Any]:
        """The embedded `weed mini`'s filer webhook (``hoso up`` writes its notification.toml): one filer event
        per request; its retries (``max_retries``) take a 503 the same way as MinIO's."""
        return await receive(request, parse_seaweed_notification)

    return app
