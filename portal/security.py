"""What keeps the portal safe at the edge: lookup PINs, CSRF tokens, signed access, attempt limits.

Hand-written on the standard library (hashlib.scrypt, hmac, secrets) because each is a
few lines there, and the libraries that package them (itsdangerous, starlette-csrf,
slowapi) would be new dependencies for that: Prefect ships none of them.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import threading
import time
from collections import deque

PIN_DIGITS = 6
_SCRYPT = {"n": 2**14, "r": 8, "p": 1}


def new_pin() -> str:
    return "".join(secrets.choice("0123456789") for _ in range(PIN_DIGITS))


def hash_pin(pin: str, pepper: bytes) -> str:
    """scrypt of the PIN with a salt of its own and the server's pepper: a copy of the database alone
    does not give the PINs away by trying the million six-digit values."""
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(pin.encode() + pepper, salt=salt, dklen=32, **_SCRYPT)
    return f"scrypt${salt.hex()}${digest.hex()}"


def check_pin(pin: str, stored: str | None, pepper: bytes) -> bool:
    """True when ``pin`` is the one behind ``stored``; with no stored hash (an unknown code) the same
    work is done, so that the answer's time does not tell an unknown code from a wrong PIN."""
    scheme, salt_hex, digest_hex = (stored or "scrypt$" + "00" * 16 + "$" + "00" * 32).split("$")
    digest = hashlib.scrypt(pin.encode() + pepper, salt=bytes.fromhex(salt_hex), dklen=32, **_SCRYPT)
    return stored is not None and scheme == "scrypt" and hmac.compare_digest(digest.hex(), digest_hex)


class Signer:
    """HMAC-signed short values: CSRF tokens tied to the browser's cookie, and access to one dossier after its PIN."""

    def __init__(self, secret: bytes) -> None:
        self._key = hashlib.sha256(b"hoso-portal:" + secret).digest()

    @property
    def pepper(self) -> bytes:
        return hmac.new(self._key, b"pin-pepper", hashlib.sha256).digest()

    def sign(self, value: str, expires_at: float) -> str:
        body = f"{value}|{int(expires_at)}"
        mac = hmac.new(self._key, body.encode(), hashlib.sha256).hexdigest()[:32]
        return f"{body}|{mac}"

    def verify(self, token: str, value: str) -> bool:
        try:
            signed_value, expires, mac = token.rsplit("|", 2)
        except ValueError:
            return False
        expected = hmac.new(self._key, f"{signed_value}|{expires}".encode(), hashlib.sha256).hexdigest()[:32]
        return hmac.compare_digest(mac, expected) and signed_value == value and expires.isdigit() and int(expires) >= time.time()

    def csrf_token(self, browser: str) -> str:
        """The form token for this browser (its random cookie): a page of another site cannot read the cookie to forge it."""
        return hmac.new(self._key, b"csrf:" + browser.encode(), hashlib.sha256).hexdigest()

    def csrf_ok(self, browser: str | None, token: str | None) -> bool:
        return bool(browser and token) and hmac.compare_digest(self.csrf_token(browser or ""), token or "")


def new_browser_id() -> str:
    return secrets.token_urlsafe(24)


class AttemptLimiter:
    """At most ``limit`` failed attempts per key within ``window_s`` seconds (keys: the address, the dossier code).

    In the portal process's memory: one portal process serves a ward; several behind a
    balancer would each count their own share, which still bounds guessing.
    """

    def __init__(self, limit: int, window_s: float) -> None:
        self.limit, self.window_s = limit, window_s
        self._failures: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def _recent(self, key: str, now: float) -> deque[float]:
        q = self._failures.setdefault(key, deque())
        while q and q[0] <= now - self.window_s:
            q.popleft()
        return q

    def blocked(self, *keys: str) -> bool:
        now = time.monotonic()
        with self._lock:
            return any(len(self._recent(k, now)) >= self.limit for k in keys)

    def fail(self, *keys: str) -> None:
        now = time.monotonic()
        with self._lock:
            for k in keys:
                self._recent(k, now).append(now)
