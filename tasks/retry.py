"""Which failures are worth a retry: transient I/O only, never bad input.

A corrupt PDF fails the same way every time; retrying it only delays the
quarantine. A refused S3 connection or a locked SQLite file usually clears.
"""

from __future__ import annotations

from typing import Any

import urllib3.exceptions
from minio.error import S3Error, ServerError
from prefect.tasks import exponential_backoff
from sqlalchemy.exc import OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout

from core.errors import InputError

_TRANSIENT_S3_CODES = frozenset({"SlowDown", "ServiceUnavailable", "InternalError", "RequestTimeout", "XMinioServerNotInitialized"})


def is_transient(exc: BaseException) -> bool:
    if isinstance(exc, InputError):
        return False
    if isinstance(exc, (urllib3.exceptions.HTTPError, ConnectionError, TimeoutError, ServerError, PoolTimeout)):
        return True
    if isinstance(exc, S3Error):
        return exc.code in _TRANSIENT_S3_CODES
    if isinstance(exc, OperationalError):
        text = str(exc).lower()
        return "locked" in text or "could not connect" in text or "connection" in text
    return False


def retry_transient(task: Any, task_run: Any, state: Any) -> bool:
    """Prefect ``retry_condition_fn``: retry only when the failure was transient."""
    try:
        state.result()
    except Exception as exc:  # noqa: BLE001 - we classify, not handle
        return is_transient(exc)
    return False


# Shared retry options for tasks that do I/O: exponential backoff with jitter,
# 2 s doubling to 64 s: about two minutes of outage are ridden out.
IO_RETRIES: dict[str, Any] = {
    "retries": 6,
    "retry_delay_seconds": exponential_backoff(backoff_factor=2),
    "retry_jitter_factor": 0.5,
    "retry_condition_fn": retry_transient,
}
