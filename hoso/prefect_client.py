"""What a Prefect client of a plain-HTTP stack is told to trust: one throwaway certificate, so creating a client is cheap.

Every Prefect client builds a verified TLS context when it is created, whatever
its API address: ``ssl.create_default_context(cafile=certifi.where())`` parses
certifi's ~150 roots, 33 ms of CPU on this machine, and Prefect 3.9 creates a
client for each subflow run, each concurrency-slot release and more, mostly on the
one event-loop thread every dossier thread of a worker shares (PrefectHQ/prefect
#19106 would let a client reuse a context; not released). Over ``http://`` no
certificate is ever checked, so hoso points ``PREFECT_API_SSL_CERT_FILE`` at a
self-signed certificate made once here, whose private key was never written
anywhere: a context trusting it costs under a millisecond, and it trusts nothing
a server could present. Set only for an ``http://`` API and only when the
operator has not named a certificate file: an ``https://`` API (production)
keeps Prefect's own verification, and if the address were switched to https
without this being removed, the handshake would fail, not go unverified.
"""

from __future__ import annotations

import datetime
import os
from pathlib import Path

TRUST_FILE = "plain-http-trust.pem"


def _throwaway_certificate() -> bytes:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())  # kept in memory only, and dropped
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "hoso plain-HTTP Prefect API: trusts nothing")])
    now = datetime.datetime.now(datetime.timezone.utc)
    certificate = (
        x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
        .serial_number(x509.random_serial_number()).not_valid_before(now).not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .sign(key, hashes.SHA256())
    )
    return certificate.public_bytes(serialization.Encoding.PEM)


def plain_http_trust_file(prefect_home: Path) -> Path:
    """The certificate file under PREFECT_HOME, made on first use (atomically: parts of a stack start together)."""
    path = prefect_home / TRUST_FILE
    if not path.exists():
        prefect_home.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(f".{TRUST_FILE}.{os.getpid()}")
        partial.write_bytes(_throwaway_certificate())
        partial.replace(path)
    return path


def client_tls_env(api_url: str, prefect_home: Path) -> dict[str, str]:
    """``PREFECT_API_SSL_CERT_FILE`` for a plain-HTTP API the operator set no certificate file for; else nothing."""
    if not api_url.startswith("http://") or os.environ.get("PREFECT_API_SSL_CERT_FILE"):
        return {}
    return {"PREFECT_API_SSL_CERT_FILE": str(plain_http_trust_file(prefect_home))}
