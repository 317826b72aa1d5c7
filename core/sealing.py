"""Dossier sources as Prefect may show them: sealed.

A source is a station folder and a file name (``quay-2/Nguyễn Văn An.pdf``),
and scan stations often name files after the applicant. Prefect stores a
flow run's parameters and an event's resource in clear and shows them to
anyone with the UI, so the source travels sealed (Fernet: AES with an HMAC,
from the maintained ``cryptography`` package) and only hoso's own processes,
which hold the secret, read it back. Run names and artifacts show the masked
form (``core.masking.mask_source``); the event's resource id is a digest,
keyed and the same for the same source, so Prefect's trigger still groups by
object. The secret defaults to the S3 secret key: rotating that key without
setting HOSO_SEAL_SECRET to the old one leaves queued runs and redelivered
events that were sealed before unreadable (they fail with `cau-hinh-sai`, and
the interval intake picks their dossiers up again).
"""

from __future__ import annotations

import base64
import hashlib
import hmac

from cryptography.fernet import Fernet, InvalidToken

from core.errors import ConfigError

PREFIX = "niem-phong:"  # "sealed": a parameter that starts with it is a sealed source


def _fernet(secret: str) -> Fernet:
    """One key per deployment, derived from a secret every hoso process already has."""
    key = hashlib.sha256(b"hoso/source-seal/v1\0" + secret.encode("utf-8")).digest()
    return Fernet(base64.urlsafe_b64encode(key))


def seal(source: str, secret: str) -> str:
    return PREFIX + _fernet(secret).encrypt(source.encode("utf-8")).decode("ascii")


def unseal(value: str, secret: str) -> str:
    """The source behind a sealed value; a plain source (typed by an operator) passes through."""
    if not value.startswith(PREFIX):
        return value
    try:
        return _fernet(secret).decrypt(value[len(PREFIX):].encode("ascii")).decode("utf-8")
    except (InvalidToken, UnicodeError) as exc:
        raise ConfigError(
            "Không mở được tham chiếu hồ sơ: khoá niêm phong khác với khoá của nơi tạo ra nó (HOSO_SEAL_SECRET).",
            detail=type(exc).__name__,
        ) from exc


def digest(source: str, secret: str) -> str:
    """A short, stable, one-way name for a source (event resource ids).

    Keyed (HMAC): a plain hash of ``quay-2/<name>.pdf`` could be confirmed by hashing likely names.
    """
    return hmac.new(secret.encode("utf-8"), b"hoso/source-digest/v1\0" + source.encode("utf-8"), hashlib.sha256).hexdigest()[:24]
