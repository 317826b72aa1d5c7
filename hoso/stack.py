"""The local stack behind `hoso up`: an S3 server, a Prefect server, a worker and the S3 event receiver, in the background.

Each part is a plain process with a pid file and a log under ``HOSO_HOME``;
ports come from the settings, so a second ``HOSO_HOME`` with other ports runs
a second stack beside the first. Production replaces the first three (MinIO,
Prefect server on PostgreSQL, workers on many machines) and runs the receiver
as it is; nothing else changes.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from core.errors import StackError
from core.settings import Settings
from hoso.prefect_client import client_tls_env

WORK_POOL = "process"
# The pool's two queues: the work (groups, triggered dossiers, reviews, the nightly job) and
# intake, which only `hoso up`'s worker takes: an intake run waits for its groups, so it gets a
# slot of its own there instead of one a group could use (prefect.yaml).
WORK_QUEUE = "default"
INTAKE_QUEUE = "intake"
PROJECT_DIR = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Service:
    name: str
    argv: list[str]
    port: int
    env: dict[str, str] = field(default_factory=dict)
    cwd: Path | None = None
    files: dict[str, str] = field(default_factory=dict)  # written into cwd before the start (configuration it reads from there)


def _bin(name: str) -> str:
    local = Path(sys.executable).parent / name
    found = str(local) if local.exists() else shutil.which(name)
    if not found:
        raise StackError(f"Không tìm thấy chương trình «{name}»; hãy chạy `make install`.")
    return found


# Enough for hoso's own buckets many times over; the test suite's shared server, where
# every test makes its own buckets, asks for more (tests/conftest.py).
WEED_MAX_VOLUMES = 200


def weed_argv(
    data_dir: Path, s3_port: int, base_port: int, identities: Path | None = None, max_volumes: int = WEED_MAX_VOLUMES,
) -> list[str]:
    """`weed mini` with every port pinned, so two stacks (or a test) never collide.

    ``identities`` is its S3 configuration (hoso/identities.py): each identity with its
    policy, enforced on every request. Only the file's path is on the command line.

    ``max_volumes`` is pinned too: left to itself, mini allows free disk ÷ volume size
    volumes (79 on a disk with 79 GB free), and every bucket is a collection that takes a
    volume of its own, so the 79th bucket's first put fails with InternalError. Volumes are
    not preallocated, so a high count costs nothing until it is used.
    """
    return [
        _bin("weed"), "mini", f"-dir={data_dir}", "-ip=127.0.0.1", "-ip.bind=127.0.0.1",
        f"-master.port={base_port}", f"-volume.port={base_port + 1}", f"-filer.port={base_port + 2}",
        f"-admin.port={base_port + 3}", f"-s3.port={s3_port}", "-webdav=false", "-admin.ui=false",
        "-s3.port.iceberg=0", "-s3.port.lance=0", f"-volume.max={max_volumes}",
        *([f"-s3.config={identities}"] if identities else []),
    ]


def weed_notification(settings: Settings) -> str:
    """weed's notification.toml: the filer posts each object created in the inbox bucket to the receiver.

    weed reads notification.toml from its working directory (among others); SeaweedFS's own
    webhook notifier (``weed scaffold -config=notification``) retries a delivery the receiver
    refused (503: Prefect unreachable) with backoff. Only creations, only under the inbox
    bucket: every other filer event (archive writes, deletions, weed's own files) stays in weed.
    Events lost anyway (weed restarted with a queue in memory) are found by the interval intake.
    """
    from storage.objects import ObjectStore

    inbox = ObjectStore.from_settings(settings).bucket("inbox")
    token = settings.events_token.get_secret_value() if settings.events_token else ""
    return "\n".join(
        [
            "# Written by `hoso up` (hoso/stack.py); changes are overwritten at the next start.",
            "[notification.webhook]",
            "enabled = true",
            f'endpoint = "http://127.0.0.1:{settings.receiver_port}/seaweedfs/events"',
            f"bearer_token = {json.dumps(token)}",
            "timeout_seconds = 10",
            "max_retries = 6",
            "backoff_seconds = 1",
            "max_backoff_seconds = 30",
            "workers = 2",
            "buffer_size = 10000",
            'event_types = ["create"]',
            f'path_prefixes = ["/buckets/{inbox}/"]',
            "",
        ]
    )


def prefect_env(settings: Settings) -> dict[str, str]:
    """Every Prefect process of hoso: this stack's server, no usage reports to Prefect from the server
    (``PREFECT_SERVER_ANALYTICS_ENABLED``) or from clients (``DO_NOT_TRACK``, what Prefect's SDK telemetry
    honours): a public administration's machines send nothing to a third party."""
    return {
        "PREFECT_HOME": str(settings.home / "prefect"),
        "PREFECT_API_URL": settings.prefect_api_url,
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "DO_NOT_TRACK": "1",
        "PREFECT_SERVER_API_HOST": "127.0.0.1",
        "PREFECT_SERVER_API_PORT": str(settings.prefect_port),
        "PREFECT_UI_API_URL": settings.prefect_api_url,
        **client_tls_env(settings.prefect_api_url, settings.home / "prefect"),
    }


# Where the server keeps its concurrency leases. Prefect's default keeps them in the
# server's memory while the slot counts live in its database: a server killed and
# started again forgets every lease, so the slots they held stay taken for good (the
# repossessor frees only leases it knows), and a live run's next renewal of its
# deployment lease gets "410 Gone" and Prefect stops that run. Seen on a real stack
# (issue 16): `ocr-<host>` at 2 of 2 with nobody holding it, every new dossier
# waiting in `acquire_concurrency_slots_with_lease`. Prefect's own file storage keeps
# each lease and its expiry under PREFECT_HOME/concurrency_leases, so after a
# restart the leases of live runs are renewed as before and those of runs that died
# expire and are freed by the repossessor (every 15 s). One file tree serves one
# server process, which is what `hoso up` runs, on SQLite or on PostgreSQL; several
# server replicas would share leases through prefect-redis instead.
LEASE_STORAGE = "prefect.server.concurrency.lease_storage.filesystem"


def prefect_server_env(settings: Settings) -> dict[str, str]:
    """The Prefect server's own environment: where it keeps its leases (on disk). Its database's login is no
    variable: the launcher reads it from its credentials file (prefect_server)."""
    return {**prefect_env(settings), "PREFECT_SERVER_CONCURRENCY_LEASE_STORAGE": LEASE_STORAGE}


def prefect_server(settings: Settings) -> Service:
    """`prefect server start`, through hoso's launcher: on SQLite it waits for the write lock instead of answering 503 (hoso/prefect_server.py).

    With HOSO_PREFECT_DATABASE_URL, the URL (and its password) goes into the server's own
    credentials file, written here (0600), whose path is all its command line carries.
    """
    argv = [sys.executable, "-m", "hoso.prefect_server", "--host", "127.0.0.1", "--port", str(settings.prefect_port)]
    if settings.prefect_database_url:
        from core.secrets import write_secret_json

        path = write_secret_json(settings.home / "secrets" / "prefect-server.json", {"database_url": settings.prefect_database_url.get_secret_value()})
        argv += ["--credentials", str(path)]
    return Service("prefect-server", argv, settings.prefect_port, prefect_server_env(settings))


def hoso_env(settings: Settings) -> dict[str, str]:
    """What a worker (and the flows it runs) must see to reach this stack: addresses and names, no secret
    (each part's secrets are in its own credentials file, hoso/identities.py)."""
    return {
        "HOSO_HOME": str(settings.home),
        "HOSO_S3_ENDPOINT": settings.s3_endpoint,
        "HOSO_S3_SECURE": str(settings.s3_secure).lower(),
        "HOSO_BUCKET_PREFIX": settings.bucket_prefix,
        "HOSO_PREFECT_PORT": str(settings.prefect_port),
        **({"HOSO_PREFECT_URL": settings.prefect_url} if settings.prefect_url else {}),
        "HOSO_GROUP_SIZE": str(settings.group_size),
        "HOSO_OCR_WORKERS": str(settings.ocr_workers),
        **({"HOSO_OCR_MACHINE": settings.ocr_machine} if settings.ocr_machine else {}),
        "HOSO_INTAKE_CONCURRENCY": str(settings.intake_concurrency),
        "HOSO_WEED_BASE_PORT": str(settings.weed_base_port),
        "HOSO_LINK_LIFETIME_H": str(settings.link_lifetime_h),
    }


def part_env(settings: Settings, part: str) -> dict[str, str]:
    """A part's environment: the stack's Prefect and hoso addresses, and the path of its own credentials file."""
    from hoso.identities import part_credentials_file

    return {**prefect_env(settings), **hoso_env(settings), "HOSO_CREDENTIALS_FILE": str(part_credentials_file(settings, part))}


# Never handed down from the operator's shell to a part: each part has its own file.
SECRET_VARIABLES = frozenset({
    "HOSO_S3_ACCESS_KEY", "HOSO_S3_SECRET_KEY", "HOSO_SEAL_SECRET", "HOSO_EVENTS_TOKEN", "HOSO_PREFECT_AUTH",
    "HOSO_DATABASE_URL", "HOSO_MIGRATIONS_DATABASE_URL", "HOSO_PREFECT_DATABASE_URL", "HOSO_CREDENTIALS_FILE",
    "PREFECT_API_AUTH_STRING", "PREFECT_SERVER_API_AUTH_STRING", "PREFECT_API_KEY", "PREFECT_API_DATABASE_CONNECTION_URL",
    "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY",
})


def inherited_env() -> dict[str, str]:
    """The operator's environment without any secret in it."""
    return {k: v for k, v in os.environ.items() if k not in SECRET_VARIABLES}


def prepare(settings: Settings) -> None:
    """Before any part starts: the stack's secrets made (once), each part's file, weed's identities, the Prefect profile."""
    from core.secrets import private_dir
    from hoso import identities

    # HOSO_HOME holds the SQLite records, the S3 data (every original) and the Prefect database: this
    # machine's other users may not even look inside (SQLite has no logins of its own).
    private_dir(settings.home)
    secrets = identities.ensure_stack_secrets(settings)
    identities.write_part_files(settings, secrets)
    identities.write_weed_config(settings, secrets)
    identities.write_prefect_profile(settings, secrets)


def embedded_s3(settings: Settings) -> bool:
    return settings.s3_endpoint.startswith(("127.0.0.1:", "localhost:"))


def s3_service(settings: Settings) -> Service:
    """`weed mini` in ``HOSO_HOME/s3``, its working directory, where it reads notification.toml (the inbox webhook)."""
    from hoso.identities import weed_config_file

    s3_dir = settings.home / "s3"
    argv = weed_argv(s3_dir, settings.s3_port, settings.weed_base_port, weed_config_file(settings))
    notify = {"notification.toml": weed_notification(settings)} if settings.weed_notify else {}
    return Service("s3", argv, settings.s3_port, cwd=s3_dir, files=notify)


# How often a worker asks the server for scheduled runs (Prefect's default is 10 s):
# a dossier dropped into an idle stack, or a group of a batch, waits at most this
# long for a worker; each poll is one light API call.
WORKER_POLL_S = 2


def worker(settings: Settings, name: str, credentials: Path | None = None, *, runs_intake: bool = False) -> Service:
    """A Prefect process worker on the `process` pool's work queue, running at most one flow run per core at once
    (``Settings.worker_slots``): at its limit it takes no more, and the other workers of the pool take the rest of
    a batch. The stack's own worker (``runs_intake``) also takes the `intake` queue, with one slot more for it.

    Its environment is what its flow runs see: the stack's Prefect and S3 addresses and the path of the
    worker's own credentials file (S3 key, seal secret, database URL, Prefect auth string): the stack's
    ``secrets/worker.json``, or ``credentials`` (a copy of it on another machine, `hoso worker`).
    """
    queues = [WORK_QUEUE, *([INTAKE_QUEUE] if runs_intake else [])]
    argv = [_bin("prefect"), "worker", "start", "--pool", WORK_POOL, "--type", "process", "--name", name,
            *(arg for q in queues for arg in ("--work-queue", q)), "--limit", str(settings.worker_slots(runs_intake))]
    env = {**part_env(settings, "worker"), "OMP_THREAD_LIMIT": "1", "PREFECT_WORKER_QUERY_SECONDS": str(WORKER_POLL_S)}
    if credentials is not None:
        env["HOSO_CREDENTIALS_FILE"] = str(credentials)
    return Service("worker", argv, 0, env, PROJECT_DIR)


def services(settings: Settings) -> list[Service]:
    from hoso.identities import part_credentials_file

    parts = []
    if embedded_s3(settings):
        parts.append(s3_service(settings))
    parts.append(prefect_server(settings))
    parts.append(worker(settings, f"hoso-{settings.prefect_port}", runs_intake=True))
    # Last: it only forwards to the Prefect server, whose deployments (and their
    # triggers) `hoso up` has applied by then.
    parts.append(
        Service(
            "events",
            [_bin("hoso"), "events", "serve", "--host", "127.0.0.1", "--port", str(settings.receiver_port)],
            settings.receiver_port,
            part_env(settings, "events"),
            PROJECT_DIR,
        )
    )
    # The residents' portal: it writes residents' folders into the inbox and reads the records, with
    # its own S3 key (storage/policies/portal.json); it is given no Prefect address (it never talks to the server).
    parts.append(
        Service(
            "portal",
            [_bin("hoso"), "portal", "serve", "--host", settings.portal_host, "--port", str(settings.portal_listen_port)],
            settings.portal_listen_port,
            {**hoso_env(settings), **portal_env(settings), "OMP_THREAD_LIMIT": "1",
             "HOSO_CREDENTIALS_FILE": str(part_credentials_file(settings, "portal"))},
            PROJECT_DIR,
        )
    )
    return parts


def portal_env(settings: Settings) -> dict[str, str]:
    """The portal's own settings, passed on from `hoso up`'s environment."""
    return {k: v for k, v in os.environ.items() if k.startswith(("HOSO_PORTAL_", "HOSO_SMTP_", "HOSO_NOTIFY_", "HOSO_UNIT_CODE", "HOSO_MAX_FILE_BYTES", "HOSO_EXTRA_DAYS_OFF", "HOSO_SERVICE_AREA", "HOSO_CATALOGUE_DIR"))}


def free_port() -> int:
    """A loopback port nobody listens on now (the OS picks it)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def port_open(port: int, host: str = "127.0.0.1") -> bool:
    with socket.socket() as s:
        s.settimeout(0.5)
        return s.connect_ex((host, port)) == 0


def _pid_file(settings: Settings, name: str) -> Path:
    return settings.home / "run" / f"{name}.pid"


def running_pid(settings: Settings, name: str) -> int | None:
    path = _pid_file(settings, name)
    try:
        pid = int(path.read_text().strip())
        os.kill(pid, 0)
    except (FileNotFoundError, ValueError, ProcessLookupError, PermissionError):
        return None
    return pid


# A new Prefect server runs all its migrations before it opens its port: on this project's
# 2-core machines, shared by several stacks (load average 9), that took over 90 s. A part
# that dies while starting is still reported at once (wait_for_port watches the process).
START_TIMEOUT_S = 240.0


def start(settings: Settings, service: Service, timeout_s: float = START_TIMEOUT_S) -> int:
    pid = running_pid(settings, service.name)
    if pid:
        return pid
    if service.port and port_open(service.port):
        raise StackError(f"Cổng {service.port} đã có chương trình khác dùng; đổi cổng bằng biến HOSO_* (xem README).")
    (settings.home / "run").mkdir(parents=True, exist_ok=True)
    (settings.home / "logs").mkdir(parents=True, exist_ok=True)
    if service.cwd is not None:
        service.cwd.mkdir(parents=True, exist_ok=True)
        stale = service.cwd / "notification.toml"
        if service.name == "s3" and not service.files and stale.exists():
            stale.unlink()  # HOSO_WEED_NOTIFY turned off since the last start
        for name, text in service.files.items():
            (service.cwd / name).write_text(text)
            (service.cwd / name).chmod(0o600)  # it may hold the webhook's token
    log = open(settings.home / "logs" / f"{service.name}.log", "ab")
    proc = subprocess.Popen(
        service.argv, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
        env={**inherited_env(), **service.env}, cwd=service.cwd, start_new_session=True,
    )
    _pid_file(settings, service.name).write_text(str(proc.pid))
    if service.port:
        wait_for_port(service.port, timeout_s, proc, service.name)
    return proc.pid


def wait_for_port(port: int, timeout_s: float, proc: subprocess.Popen[bytes] | None = None, name: str = "") -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if port_open(port):
            return
        if proc is not None and proc.poll() is not None:
            raise StackError(f"«{name}» dừng ngay khi khởi động (mã {proc.returncode}); xem nhật ký trong HOSO_HOME/logs.")
        time.sleep(0.2)
    raise StackError(f"«{name}» không mở cổng {port} sau {timeout_s:.0f} giây.")


def stop(settings: Settings, name: str, timeout_s: float = 20) -> bool:
    pid = running_pid(settings, name)
    if pid is None:
        _pid_file(settings, name).unlink(missing_ok=True)
        return False
    os.killpg(pid, signal.SIGTERM)
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            break
        time.sleep(0.2)
    else:
        os.killpg(pid, signal.SIGKILL)
    _pid_file(settings, name).unlink(missing_ok=True)
    return True


def ready_buckets(settings: Settings, timeout_s: float = 180) -> None:
    """Make the buckets with the operator's (administrator's) key, waiting for a freshly started S3 server:
    its port opens before the filer behind it answers. The worker's key cannot make buckets."""
    from storage.objects import ObjectStore

    store = ObjectStore.from_settings(settings)
    deadline = time.monotonic() + timeout_s
    while True:
        try:
            store.ensure_buckets()
            return
        except Exception as exc:
            if unreachable(exc, settings) is None and "InternalError" not in str(exc) and "ServiceUnavailable" not in str(exc):
                raise
            if time.monotonic() > deadline:
                raise
            time.sleep(0.3)


def restart_s3(settings: Settings) -> None:
    """Stop and start the embedded S3 server, e.g. to take in a new identity (it reads them only when it starts)."""
    stop(settings, "s3")
    start(settings, s3_service(settings))
    ready_buckets(settings)


def deploy(settings: Settings) -> None:
    """Apply prefect.yaml's deployments to this stack's server (idempotent)."""
    env = {**inherited_env(), **prefect_env(settings), **hoso_env(settings), "HOSO_PROJECT_DIR": str(PROJECT_DIR)}
    subprocess.run([_bin("prefect"), "work-pool", "create", WORK_POOL, "--type", "process", "--overwrite"], env=env, cwd=PROJECT_DIR, check=True, capture_output=True)
    done = subprocess.run([_bin("prefect"), "--no-prompt", "deploy", "--all"], env=env, cwd=PROJECT_DIR, capture_output=True, text=True)
    if done.returncode != 0:
        raise StackError("Không áp dụng được prefect.yaml", detail=(done.stdout + done.stderr)[-2000:])


# Credentials anyone can guess: hoso's own defaults and the usual ones of the servers it talks to.
DEFAULT_CREDENTIALS = frozenset({"", "hoso-local", "hoso-local-secret", "minioadmin", "admin", "password", "postgres", "hoso", "prefect", "secret"})
LOOPBACK = ("127.", "localhost", "::1", "[::1]")


def _loopback(host: str) -> bool:
    return host.startswith(LOOPBACK)


def exposure_warnings(settings: Settings) -> list[str]:
    """What `hoso status` flags: a default or missing credential on a part not bound to 127.0.0.1.

    On loopback only this machine's users reach a part, and the defaults keep the
    local stack a two-command affair; anywhere else they are a door left open.
    """
    from sqlalchemy.engine import make_url

    from hoso.identities import prefect_auth

    found: list[str] = []
    s3_host = settings.s3_endpoint.rsplit(":", 1)[0]
    if not _loopback(s3_host) and (settings.s3_access_key in DEFAULT_CREDENTIALS or settings.s3_secret_key.get_secret_value() in DEFAULT_CREDENTIALS):
        found.append(f"Máy chủ S3 {settings.s3_endpoint} không ở 127.0.0.1 mà dùng khoá mặc định: đặt khoá riêng (HOSO_CREDENTIALS_FILE).")
    from prefect.settings import PREFECT_API_URL

    api = PREFECT_API_URL.value() or settings.prefect_api_url
    api_host = api.split("//", 1)[-1].split("/", 1)[0].rsplit(":", 1)[0]
    if not _loopback(api_host) and not prefect_auth(settings):
        found.append(f"Máy chủ Prefect {api} không ở 127.0.0.1 mà không có chuỗi xác thực (PREFECT_API_AUTH_STRING).")
    for label, url in (("Cơ sở dữ liệu hồ sơ", settings.database_url), ("Cơ sở dữ liệu của Prefect", settings.prefect_database_url.get_secret_value() if settings.prefect_database_url else None)):
        if not url or url.startswith("sqlite"):
            continue
        parsed = make_url(url)
        if not _loopback(parsed.host or "127.") and (parsed.password or "") in DEFAULT_CREDENTIALS | {parsed.username or ""}:
            found.append(f"{label} ở {parsed.host} không ở 127.0.0.1 mà mật khẩu để trống hoặc mặc định: đặt mật khẩu riêng cho từng vai trò.")
    host = events_host(settings)
    if host and not _loopback(host) and not settings.events_token:
        found.append(f"Bộ nhận sự kiện S3 lắng nghe ở {host} mà không có HOSO_EVENTS_TOKEN: ai cũng gửi được sự kiện.")
    return found


def events_host(settings: Settings) -> str | None:
    """Where the running receiver listens, from its command line (None when it does not run)."""
    pid = running_pid(settings, "events")
    if pid is None:
        return None
    try:
        argv = Path(f"/proc/{pid}/cmdline").read_bytes().decode().split("\0")
    except OSError:
        return None
    return argv[argv.index("--host") + 1] if "--host" in argv[:-1] else "127.0.0.1"


PART_NAMES = {
    "s3": "máy chủ S3",
    "prefect-server": "máy chủ Prefect",
    "events": "bộ nhận sự kiện S3",
    "portal": "cổng dịch vụ công cho người dân",
    "database": "cơ sở dữ liệu hồ sơ",
}


def unreachable_error(part: str, where: str) -> StackError:
    """The one sentence for a part of the stack that does not answer: which part, where, what to do."""
    return StackError(
        f"Không kết nối được {PART_NAMES.get(part, 'máy chủ ' + part)} ({where}). "
        "Chạy `hoso status` để xem phần nào đã dừng, rồi `hoso up` để khởi động lại."
    )


def unreachable(exc: BaseException, settings: Settings) -> StackError | None:
    """Which part of the stack a connection failure came from, as a StackError; None when it is no such failure.

    Looked for along the exception's causes, since the failure hoso sees is often a
    library's wrapper around it (Prefect's client around httpx, minio around urllib3,
    SQLAlchemy around the driver).
    """
    import httpx
    import urllib3.exceptions
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import InterfaceError, OperationalError

    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, httpx.TransportError):
            try:
                url = current.request.url
            except RuntimeError:  # an error raised without its request
                url = None
            if url is not None and url.port == settings.prefect_port:
                return unreachable_error("prefect-server", f"http://{url.host}:{url.port}")
            if url is not None and url.port == settings.receiver_port:
                return unreachable_error("events", f"http://{url.host}:{url.port}")
            return unreachable_error(str(url.host if url else "?"), str(url or "?"))
        if isinstance(current, (urllib3.exceptions.MaxRetryError, urllib3.exceptions.NewConnectionError, urllib3.exceptions.ProtocolError)):
            return unreachable_error("s3", settings.s3_endpoint)
        if isinstance(current, (OperationalError, InterfaceError)):
            text = str(current).lower()
            if "connect" in text or "unable to open" in text or "connection" in text:
                where = make_url(settings.database_url).render_as_string(hide_password=True) if settings.database_url else "?"
                return unreachable_error("database", where)
        current = current.__cause__ or current.__context__
    return None
