"""The certificate a plain-HTTP stack's Prefect clients trust (hoso/prefect_client.py): one, throwaway, and used."""

from __future__ import annotations

from pathlib import Path

import pytest

from hoso.prefect_client import client_tls_env, plain_http_trust_file


def test_a_plain_http_api_trusts_one_throwaway_ca_made_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import ssl

    monkeypatch.delenv("PREFECT_API_SSL_CERT_FILE", raising=False)
    env = client_tls_env("http://127.0.0.1:4200/api", tmp_path / "prefect")
    path = Path(env["PREFECT_API_SSL_CERT_FILE"])
    pem = path.read_text()
    assert pem.count("BEGIN CERTIFICATE") == 1 and "PRIVATE KEY" not in pem  # its key was never written
    context = ssl.create_default_context(cafile=str(path))
    assert [c["subject"] for c in context.get_ca_certs()] == [((("commonName", "hoso plain-HTTP Prefect API: trusts nothing"),),)]
    made = path.stat().st_mtime_ns
    assert client_tls_env("http://127.0.0.1:4200/api", tmp_path / "prefect") == env and path.stat().st_mtime_ns == made


def test_an_https_api_or_the_operators_own_file_is_left_to_prefect(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PREFECT_API_SSL_CERT_FILE", raising=False)
    assert client_tls_env("https://prefect.example.vn/api", tmp_path) == {}
    monkeypatch.setenv("PREFECT_API_SSL_CERT_FILE", "/etc/ssl/certs/ca-certificates.crt")
    assert client_tls_env("http://127.0.0.1:4200/api", tmp_path) == {}
    assert not (tmp_path / "plain-http-trust.pem").exists()


def test_prefect_clients_are_built_on_that_file(tmp_path: Path) -> None:
    """If a Prefect upgrade stopped reading PREFECT_API_SSL_CERT_FILE, every client would parse certifi again: this says so."""
    from prefect.client.orchestration import get_client
    from prefect.settings import PREFECT_API_SSL_CERT_FILE, PREFECT_API_URL, temporary_settings

    path = plain_http_trust_file(tmp_path)
    with temporary_settings({PREFECT_API_URL: "http://127.0.0.1:9/api", PREFECT_API_SSL_CERT_FILE: str(path)}):
        client = get_client(sync_client=True)
    context = client._client._transport._pool._ssl_context  # httpx's transport → httpcore's pool
    assert len(context.get_ca_certs()) == 1
