"""Real parts for every test: a `weed mini` S3 server on free loopback ports, a Prefect
test server, a SQLite file per test. Nothing here is a mock."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

os.environ.setdefault("OMP_THREAD_LIMIT", "1")


def _free_port() -> int:
    from hoso.stack import free_port

    return free_port()


def _is_free(port: int) -> bool:
    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


def _weed_ports() -> tuple[int, int]:
    """An S3 port and a base for four more, each with its gRPC twin (+10000) free too."""
    for _ in range(200):
        base = _free_port()
        if base + 4 > 55000:
            continue
        ports = [base, base + 1, base + 2, base + 3, base + 4]
        if all(_is_free(p) and _is_free(p + 10000) for p in ports):
            return base + 4, base
    raise RuntimeError("no free port range for weed mini")


class S3Server:
    def __init__(self, data_dir: Path) -> None:
        from core.settings import Settings
        from hoso.stack import weed_argv, weed_env, wait_for_port

        self.data_dir = data_dir
        self.s3_port, self.base_port = _weed_ports()
        self.endpoint = f"127.0.0.1:{self.s3_port}"
        self.access_key = "hoso-test"
        self.secret_key = "hoso-test-secret-" + uuid.uuid4().hex[:8]
        settings = Settings(s3_endpoint=self.endpoint, s3_access_key=self.access_key, s3_secret_key=self.secret_key)
        self._argv = weed_argv(data_dir, self.s3_port, self.base_port)
        self._env = {**os.environ, **weed_env(settings)}
        self._wait = wait_for_port
        self.proc: subprocess.Popen[bytes] | None = None
        self.start()

    def start(self) -> None:
        self.log = open(self.data_dir / "weed.log", "ab")
        self.proc = subprocess.Popen(self._argv, env=self._env, stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True)
        self._wait(self.s3_port, 60, self.proc, "weed mini")
        self._wait_ready()

    def _wait_ready(self) -> None:
        """The port opens before the filer behind it answers; wait until a bucket can be listed."""
        import time

        from storage.objects import ObjectStore

        store = ObjectStore(self.endpoint, self.access_key, self.secret_key)
        deadline = time.monotonic() + 60
        while True:
            try:
                store._client.list_buckets()
                return
            except Exception:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.3)

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()


@pytest.fixture(scope="session")
def s3_server() -> Iterator[S3Server]:
    data_dir = Path(tempfile.mkdtemp(prefix="hoso-weed-"))
    server = S3Server(data_dir)
    yield server
    server.stop()
    shutil.rmtree(data_dir, ignore_errors=True)


@pytest.fixture(scope="session")
def prefect_server() -> Iterator[None]:
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=120):
        yield


@contextmanager
def settings_for(tmp_dir: Path, s3_server: S3Server) -> Iterator[Any]:
    """Settings of one isolated hoso: its own buckets (by prefix) on the shared S3 server, its own SQLite file."""
    from core.settings import get_settings

    env = {
        "HOSO_HOME": str(tmp_dir / "home"),
        "HOSO_S3_ENDPOINT": s3_server.endpoint,
        "HOSO_S3_ACCESS_KEY": s3_server.access_key,
        "HOSO_S3_SECRET_KEY": s3_server.secret_key,
        "HOSO_BUCKET_PREFIX": "t" + uuid.uuid4().hex[:10],
        "HOSO_DATABASE_URL": f"sqlite:///{tmp_dir / 'hoso.db'}",
    }
    with pytest.MonkeyPatch.context() as mp:
        for key, value in env.items():
            mp.setenv(key, value)
        get_settings.cache_clear()
        try:
            yield get_settings()
        finally:
            get_settings.cache_clear()


@pytest.fixture()
def hoso_settings(tmp_path: Path, s3_server: S3Server) -> Iterator[Any]:
    with settings_for(tmp_path, s3_server) as settings:
        yield settings


@pytest.fixture(scope="module")
def module_settings(tmp_path_factory: pytest.TempPathFactory, s3_server: S3Server) -> Iterator[Any]:
    """The same, shared by a module whose tests look at one expensive run."""
    with settings_for(tmp_path_factory.mktemp("hoso"), s3_server) as settings:
        yield settings


def _store(settings: Any) -> Any:
    from storage.objects import ObjectStore

    s = ObjectStore.from_settings(settings)
    s.ensure_buckets()
    return s


@pytest.fixture()
def store(hoso_settings: Any) -> Any:
    return _store(hoso_settings)


@pytest.fixture(scope="module")
def module_store(module_settings: Any) -> Any:
    return _store(module_settings)


@pytest.fixture(scope="session")
def postgres() -> Iterator[Any]:
    from hoso.postgres import PostgresServer

    server = PostgresServer(_free_port())
    yield server
    server.stop()


def stack_environment(home: Path, **extra: str) -> dict[str, str]:
    """The environment of a whole local stack (`hoso up`) in ``home`` on free ports, beside any other."""
    s3_port, base = _weed_ports()
    return {
        **{k: v for k, v in os.environ.items() if not k.startswith(("HOSO_", "PREFECT_"))},
        "HOSO_HOME": str(home),
        "HOSO_PREFECT_PORT": str(_free_port()),
        "HOSO_S3_ENDPOINT": f"127.0.0.1:{s3_port}",
        "HOSO_WEED_BASE_PORT": str(base),
        "HOSO_EVENTS_PORT": str(_free_port()),
        "HOSO_PORTAL_PORT": str(_free_port()),
        **extra,
    }
