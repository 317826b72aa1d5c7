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


# The tests' buckets: one prefix per test, all starting with "t" (settings_for), which the
# policies of the fixture's identities are rendered for.
TEST_BUCKETS = "t*"
# Each test makes four or five buckets of its own on the session's weed mini, each a
# collection with a volume of its own: about 600 in a full run (see hoso.stack.weed_argv).
SESSION_MAX_VOLUMES = 3000


class S3Server:
    """`weed mini` with hoso's identities (storage/access.py), enforced on every request:
    ``access_key``/``secret_key`` are the administrator (what tests use unless they say
    otherwise: it makes their buckets), ``worker`` and ``stations`` the pipeline's."""

    def __init__(self, data_dir: Path) -> None:
        from core.secrets import write_secret_json
        from hoso.stack import inherited_env, weed_argv, wait_for_port
        from storage.access import S3Identity, seaweed_s3_config

        self.data_dir = data_dir
        self.s3_port, self.base_port = _weed_ports()
        self.endpoint = f"127.0.0.1:{self.s3_port}"
        self.access_key = "hoso-test"
        self.secret_key = "hoso-test-secret-" + uuid.uuid4().hex[:8]
        admin = S3Identity("hoso-admin", self.access_key, self.secret_key, None)
        self.worker = S3Identity("hoso-worker", "hoso-worker", "worker-" + uuid.uuid4().hex, "worker")
        self.stations = {n: S3Identity(n, n, f"{n}-" + uuid.uuid4().hex, "station") for n in ("quay-1", "quay-2", "quay-3")}
        self.portal = S3Identity("hoso-portal", "hoso-portal", "portal-" + uuid.uuid4().hex, "portal")
        identities = write_secret_json(data_dir / "s3-identities.json", seaweed_s3_config(
            [admin, self.worker, self.portal, *self.stations.values()], TEST_BUCKETS))
        self._argv = weed_argv(data_dir, self.s3_port, self.base_port, identities, max_volumes=SESSION_MAX_VOLUMES)
        self._env = inherited_env()
        self._wait = wait_for_port
        self.proc: subprocess.Popen[bytes] | None = None
        self.start()

    def start(self) -> None:
        self.log = open(self.data_dir / "weed.log", "ab")
        self.proc = subprocess.Popen(self._argv, env=self._env, stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True)
        self._wait(self.s3_port, 60, self.proc, "weed mini")
        self._wait_ready()

    def _wait_ready(self) -> None:
        """The port opens before the filer behind it answers, and the filer lists buckets before the
        volume server is back with the master (after a restart, puts then fail with InternalError):
        wait until an object can be written and read back."""
        import io
        import time

        from storage.objects import ObjectStore

        store = ObjectStore(self.endpoint, self.access_key, self.secret_key)
        client, bucket = store._client, "ready-probe"
        deadline = time.monotonic() + 90
        while True:
            try:
                client.list_buckets()
                if not client.bucket_exists(bucket):
                    client.make_bucket(bucket)
                client.put_object(bucket, "probe", io.BytesIO(b"ok"), 2)
                response = client.get_object(bucket, "probe")
                try:
                    assert response.read() == b"ok"
                finally:
                    response.close()
                    response.release_conn()
                return
            except Exception:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.5)

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()


    def store_as(self, settings: Any, identity: Any) -> Any:
        """The object store of ``settings`` signed with ``identity``'s key instead (no bucket made)."""
        from storage.objects import ObjectStore

        return ObjectStore(self.endpoint, identity.access_key, identity.secret_key, bucket_prefix=settings.bucket_prefix)


@contextmanager
def acting_as(identity: Any) -> Iterator[Any]:
    """The process's settings (the flows') with ``identity``'s S3 key, for the duration."""
    from core.settings import get_settings

    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("HOSO_S3_ACCESS_KEY", identity.access_key)
        mp.setenv("HOSO_S3_SECRET_KEY", identity.secret_key)
        get_settings.cache_clear()
        try:
            yield get_settings()
        finally:
            get_settings.cache_clear()


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
        # Batches are the interval intake's (`hoso run`): weed's filer does not announce each file
        # to the receiver unless a test asks for it (tests/test_events_stack.py does).
        "HOSO_WEED_NOTIFY": "false",
        **extra,
    }


def stack_secret(env: dict[str, str], name: str) -> str:
    """One of the secrets `hoso up` made for the stack in ``env`` (HOSO_HOME/secrets/stack.json): ``prefect_auth``, ``seal_secret``…"""
    from core.secrets import read_secret_json

    return str(read_secret_json(Path(env["HOSO_HOME"]) / "secrets" / "stack.json")[name])


def stack_auth_headers(env: dict[str, str]) -> dict[str, str]:
    """The Authorization header the stack's Prefect server requires (Basic, of its auth string, as Prefect's client sends it)."""
    import base64

    return {"Authorization": "Basic " + base64.b64encode(stack_secret(env, "prefect_auth").encode()).decode()}


@contextmanager
def on_stack(env: dict[str, str]) -> Iterator[None]:
    """Prefect's client settings for the stack in ``env``: its address and its auth string."""
    from prefect.settings import PREFECT_API_AUTH_STRING, PREFECT_API_URL, temporary_settings

    with temporary_settings({PREFECT_API_URL: f"http://127.0.0.1:{env['HOSO_PREFECT_PORT']}/api", PREFECT_API_AUTH_STRING: stack_secret(env, "prefect_auth")}):
        yield
