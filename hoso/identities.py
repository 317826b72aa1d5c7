"""The secrets of a local stack: who each part is, made once by `hoso up` and kept under ``HOSO_HOME/secrets``.

Every file here is mode 0600 in a 0700 folder (core/secrets.py) and each part is
handed only the path of its own file, never a secret on its command line or in
its environment:

* ``stack.json``: what the stack generated: the Prefect server's auth string, the
  seal secret the worker and the event receiver share, the worker's S3 key;
* ``worker.json``, ``events.json``: each part's credentials file (``HOSO_CREDENTIALS_FILE``);
* ``stations/<name>.json``: a scan station's credentials file, as
  `hoso station add` prints it for the station's machine;
* ``s3-identities.json``: the embedded `weed mini`'s identities and policies
  (storage/access.py), given to it with ``-s3.config``;
* ``HOSO_HOME/prefect/profiles.toml``: the Prefect profile of every Prefect
  process of the stack (server, worker, flow runs, `prefect deploy`), holding the
  server's auth string on both sides (``PREFECT_SERVER_API_AUTH_STRING``,
  ``PREFECT_API_AUTH_STRING``).

The operator's own S3 key (``HOSO_S3_ACCESS_KEY``/``HOSO_S3_SECRET_KEY``) is the
embedded server's administrator: `hoso up` makes the buckets with it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from core.errors import ConfigError
from core.secrets import new_secret, read_secret_json, write_secret_json, write_secret_text
from core.settings import Settings
from storage.access import S3Identity, seaweed_s3_config

WORKER_IDENTITY = "hoso-worker"
PORTAL_IDENTITY = "hoso-portal"


@dataclass(frozen=True)
class StackSecrets:
    prefect_auth: str
    seal_secret: str
    worker: S3Identity
    portal: S3Identity

    def __repr__(self) -> str:
        return f"StackSecrets(worker={self.worker!r}, portal={self.portal!r})"


def secrets_dir(settings: Settings) -> Path:
    return settings.home / "secrets"


def part_credentials_file(settings: Settings, part: str) -> Path:
    return secrets_dir(settings) / f"{part}.json"


def weed_config_file(settings: Settings) -> Path:
    return secrets_dir(settings) / "s3-identities.json"


def station_file(settings: Settings, name: str) -> Path:
    return secrets_dir(settings) / "stations" / f"{name}.json"


def prefect_profile_file(settings: Settings) -> Path:
    return settings.home / "prefect" / "profiles.toml"


def load_stack_secrets(settings: Settings) -> StackSecrets | None:
    """The stack's generated secrets, or None before the first `hoso up`."""
    path = secrets_dir(settings) / "stack.json"
    if not path.exists():
        return None
    data = read_secret_json(path)
    try:
        worker = S3Identity(WORKER_IDENTITY, data["worker_access_key"], data["worker_secret_key"], "worker")
        portal = S3Identity(PORTAL_IDENTITY, data["portal_access_key"], data["portal_secret_key"], "portal")
        return StackSecrets(prefect_auth=data["prefect_auth"], seal_secret=data["seal_secret"], worker=worker, portal=portal)
    except KeyError as exc:
        raise ConfigError(f"Tệp bí mật «{path}» thiếu khoá {exc}.") from exc


def ensure_stack_secrets(settings: Settings) -> StackSecrets:
    """The stack's secrets, generated on the first call and kept (a restart keeps every key)."""
    path = secrets_dir(settings) / "stack.json"
    kept = read_secret_json(path) if path.exists() else {}
    fresh = {
        "prefect_auth": new_secret(),
        "seal_secret": settings.seal_secret.get_secret_value() if settings.seal_secret else new_secret(),
        "worker_access_key": WORKER_IDENTITY,
        "worker_secret_key": new_secret(),
        "portal_access_key": PORTAL_IDENTITY,
        "portal_secret_key": new_secret(),
    }
    if set(fresh) - set(kept):  # first start, or a stack made before a part had its own key
        write_secret_json(path, {**fresh, **kept})
    made = load_stack_secrets(settings)
    assert made is not None
    return made


def station_identity(settings: Settings, name: str) -> S3Identity | None:
    path = station_file(settings, name)
    if not path.exists():
        return None
    data = read_secret_json(path)
    return S3Identity(name, data["s3_access_key"], data["s3_secret_key"], "station")


def stations(settings: Settings) -> list[S3Identity]:
    folder = secrets_dir(settings) / "stations"
    names = sorted(p.stem for p in folder.glob("*.json")) if folder.is_dir() else []
    return [s for s in (station_identity(settings, n) for n in names) if s is not None]


def add_station(settings: Settings, name: str) -> tuple[Path, bool]:
    """The station's credentials file, made when missing; returns it and whether it is new.

    The access key is the station's name: MinIO's ``${aws:username}`` in the station
    policy is the user's access key, `weed mini`'s is the identity's name, and both
    must be the station's inbox folder.
    """
    path = station_file(settings, name)
    if path.exists():
        return path, False
    write_secret_json(
        path,
        {
            "s3_endpoint": settings.s3_endpoint,
            "bucket_prefix": settings.bucket_prefix,
            "s3_access_key": name,
            "s3_secret_key": new_secret(),
        },
    )
    return path, True


def write_part_files(settings: Settings, secrets: StackSecrets) -> None:
    """Each part's own credentials file, from the stack's secrets and the operator's settings."""
    write_secret_json(
        part_credentials_file(settings, "worker"),
        {
            "s3_access_key": secrets.worker.access_key,
            "s3_secret_key": secrets.worker.secret_key,
            "seal_secret": secrets.seal_secret,
            "prefect_auth": secrets.prefect_auth,
            "database_url": worker_database_url(settings),
        },
    )
    write_secret_json(
        part_credentials_file(settings, "portal"),
        {
            "s3_access_key": secrets.portal.access_key,
            "s3_secret_key": secrets.portal.secret_key,
            "database_url": worker_database_url(settings),  # the portal writes its filings and records
        },
    )
    write_secret_json(
        part_credentials_file(settings, "events"),
        {
            "seal_secret": secrets.seal_secret,
            "prefect_auth": secrets.prefect_auth,
            "events_token": settings.events_token.get_secret_value() if settings.events_token else None,
        },
    )


def write_weed_config(settings: Settings, secrets: StackSecrets) -> Path:
    """`weed mini`'s identities: the operator as administrator, the worker, every station added so far."""
    admin = S3Identity("hoso-admin", settings.s3_access_key, settings.s3_secret_key.get_secret_value(), None)
    config = seaweed_s3_config([admin, secrets.worker, secrets.portal, *stations(settings)], settings.bucket_prefix)
    return write_secret_json(weed_config_file(settings), config)


def write_prefect_profile(settings: Settings, secrets: StackSecrets) -> Path:
    """The stack's Prefect profile: the server requires the auth string, every client of it sends it."""
    value = json.dumps(secrets.prefect_auth)  # a TOML basic string is a JSON string for these characters
    text = (
        'active = "hoso"\n\n[profiles.hoso]\n'
        f"PREFECT_SERVER_API_AUTH_STRING = {value}\n"
        f"PREFECT_API_AUTH_STRING = {value}\n"
    )
    return write_secret_text(prefect_profile_file(settings), text)


def ensure_worker_profile(settings: Settings) -> Path | None:
    """A joined worker's Prefect profile: the auth string of its credentials file, sent by the worker and its flow runs.

    On the stack's own machine the stack's profile already holds it and is left as it is (the
    server reads its side from there); elsewhere a client-only profile is written (0600).
    """
    if not settings.prefect_auth:
        return None
    path = prefect_profile_file(settings)
    value = json.dumps(settings.prefect_auth.get_secret_value())
    if path.exists() and f"PREFECT_API_AUTH_STRING = {value}" in path.read_text():
        return path
    return write_secret_text(path, f'active = "hoso"\n\n[profiles.hoso]\nPREFECT_API_AUTH_STRING = {value}\n')


def prefect_auth(settings: Settings) -> str | None:
    """The auth string this process sends to the Prefect server: its own setting, else the local stack's."""
    if settings.prefect_auth:
        return settings.prefect_auth.get_secret_value()
    found = load_stack_secrets(settings)
    return found.prefect_auth if found else None


def database_logins_file(settings: Settings) -> Path:
    return secrets_dir(settings) / "database.json"


def database_logins(settings: Settings) -> dict[str, str] | None:
    """The PostgreSQL logins `hoso db roles` made (``migrate_url``, ``worker_url``, ``portal_url``), or None."""
    path = database_logins_file(settings)
    return {k: str(v) for k, v in read_secret_json(path).items()} if path.exists() else None


def migrations_url(settings: Settings) -> str:
    """The login the migrations run with: HOSO_MIGRATIONS_DATABASE_URL, else the migrations role `hoso db roles` made,
    else the database URL itself (SQLite, or PostgreSQL without roles)."""
    if settings.migrations_database_url:
        return settings.migrations_database_url
    logins = database_logins(settings)
    assert settings.database_url
    return logins["migrate_url"] if logins else settings.database_url


def worker_database_url(settings: Settings) -> str | None:
    """What the worker logs in with: the workers' role when `hoso db roles` made one, else the operator's URL."""
    logins = database_logins(settings)
    return logins["worker_url"] if logins else settings.database_url
