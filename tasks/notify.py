"""Tell an office's own system that a dossier is waiting in its queue (a webhook per office).

What is sent identifies the dossier, never the citizen: an office that needs the
content opens the dossier in hoso.
"""

from __future__ import annotations

from typing import Any

import httpx
from prefect import task
from prefect.cache_policies import NO_CACHE
from prefect.tasks import exponential_backoff

from domain.catalogue import Catalogue
from tasks.values import Outcome


class WebhookFailed(Exception):
    """The office's endpoint answered with a server error: worth another try."""


def notification(outcome: Outcome) -> dict[str, Any]:
    return {
        "event": "hoso.dossier.routed",
        "dossier": outcome.dossier_id,
        "receipt": outcome.receipt,
        "procedure": outcome.procedure,
        "office": outcome.office,
        "commune": outcome.commune,
        "due": outcome.due.isoformat() if outcome.due else None,
    }


def notify_office(catalogue: Catalogue, outcome: Outcome, timeout_s: float = 10.0) -> bool:
    """POST the notification to the office's webhook; False when the office has none."""
    if outcome.status != "routed" or not outcome.office:
        return False
    url = catalogue.office(outcome.office).webhook
    if not url:
        return False
    response = httpx.post(url, json=notification(outcome), timeout=timeout_s)
    if response.status_code >= 500:
        raise WebhookFailed(f"{response.status_code} từ {url}")
    response.raise_for_status()
    return True


def _transient(task: Any, task_run: Any, state: Any) -> bool:
    try:
        state.result()
    except (WebhookFailed, httpx.TransportError):
        return True
    except Exception:  # noqa: BLE001 - a 4xx is the office refusing: no retry
        return False
    return False


notify_office_task = task(
    name="notify-office", cache_policy=NO_CACHE, retries=5, retry_delay_seconds=exponential_backoff(backoff_factor=2),
    retry_jitter_factor=0.5, retry_condition_fn=_transient,
)(notify_office)
