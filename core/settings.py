"""hoso's one settings object, read from the environment (``HOSO_*``).

It lives in the ground so that the flows (the entry points a worker runs) and
the edge (CLI, stack) read the same object; only they call :func:`get_settings`,
and they pass plain values down: ocr/, domain/ and tasks/ never read it
(a contract in pyproject.toml), nothing below the edge reads ``os.environ``.
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="HOSO_", env_file=None, extra="ignore")

    home: Path = Field(Path(".hoso"), description="all local state: S3 data, databases, logs, pid files")

    # Object storage (MinIO in production, `weed mini` embedded)
    s3_endpoint: str = Field("127.0.0.1:8333", description="host:port of the S3 API")
    s3_access_key: str = "hoso-local"
    s3_secret_key: SecretStr = SecretStr("hoso-local-secret")
    s3_secure: bool = False
    s3_region: str = "us-east-1"
    bucket_prefix: str = Field("hoso", pattern=r"^[a-z0-9][a-z0-9-]{1,40}$")

    # Metadata database; default is a SQLite file under home
    database_url: str | None = None

    # Embedded stack ports (a second HOSO_HOME with other ports runs beside the first)
    prefect_port: int = 4200
    prefect_url: str | None = Field(
        None,
        description="the Prefect API of an existing stack (http://host:4200/api); unset = the local server on prefect_port. "
        "A worker on another machine (`hoso worker`) needs only this, the S3 and the database settings",
    )
    prefect_database_url: SecretStr | None = Field(
        None,
        description="the embedded Prefect server's database (postgresql+asyncpg://…); unset = its own SQLite file. "
        "PostgreSQL is the production set-up: on SQLite the server answers part of the run writes with 503 "
        "'database is locked', and each costs the client a 2 s retry",
    )
    weed_base_port: int = Field(19330, description="weed mini master; volume, filer and admin take the next three ports")

    # S3 event receiver (`hoso events serve`): MinIO's webhook target posts bucket notifications here
    events_port: int | None = Field(None, ge=1, le=65535, description="port of the S3 event receiver; see receiver_port")
    events_token: SecretStr | None = Field(None, description="the webhook's auth_token; when set, a request without it is refused")
    weed_notify: bool = Field(
        True,
        description="`hoso up` has the embedded weed mini's filer post each new inbox object to the receiver "
        "(notification.toml, [notification.webhook]), so a dropped dossier starts at once instead of at the next poll",
    )

    # The residents' portal (`portal/`, started by `hoso up` as the part "portal")
    portal_port: int | None = Field(None, ge=1, le=65535, description="port of the residents' portal; see portal_listen_port")
    portal_host: str = Field("127.0.0.1", description="address the portal listens on (0.0.0.0 behind a reverse proxy)")
    portal_public_url: str | None = Field(None, description="the portal's address as residents reach it (QR codes, e-mails); default http://127.0.0.1:<port>")
    portal_lookup_attempts: int = Field(5, ge=1, description="failed lookups allowed per address and per dossier code in portal_lookup_window_s")
    portal_lookup_window_s: int = Field(900, ge=1)
    portal_notify_interval_s: float = Field(5.0, gt=0, description="how often the portal looks for status changes to tell residents")
    smtp_host: str | None = Field(None, description="SMTP server for residents' e-mail (receipts, status changes); unset: no e-mail")
    smtp_port: int = 25
    smtp_user: str | None = None
    smtp_password: SecretStr | None = None
    smtp_starttls: bool = False
    smtp_sender: str = "hoso@localhost"
    notify_webhook: str | None = Field(
        None, description="SMS/Zalo gateway: receipts and status changes for a phone number are POSTed here as JSON (README, Residents' portal)"
    )

    seal_secret: SecretStr | None = Field(
        None,
        description="seals dossier sources in Prefect parameters and events; defaults to the S3 secret key",
    )

    # Least privilege (README, Security): each part reads its own secrets from its own file
    credentials_file: Path | None = Field(
        None,
        description="a JSON file (mode 0600) with this part's secrets, e.g. {\"s3_access_key\": …, \"s3_secret_key\": …}; "
        "its values win over the variables. `hoso up` writes one per part, `hoso station add` one per station",
    )
    prefect_auth: SecretStr | None = Field(
        None, description="the Prefect server's auth string (PREFECT_API_AUTH_STRING); `hoso up` makes one for its server"
    )
    migrations_database_url: str | None = Field(
        None, description="the database login that may change the schema (PostgreSQL's migrations role); unset = database_url"
    )
    link_lifetime_h: float = Field(8.0, gt=0, le=168, description="how long a presigned link in an artifact stays valid")

    catalogue_dir: Path | None = Field(None, description="a catalogue folder to use instead of the packaged domain/data")
    service_area: str | None = Field(
        None, description="units this deployment serves: province codes or names, or 5-digit unit codes (default: communes.yaml)"
    )

    # Pipeline
    intake_concurrency: int = Field(4, ge=1, le=64, description="dossiers in flight at once in one run (an intake in this process, or a group)")
    group_size: int = Field(
        20, ge=1, le=200,
        description="at most this many dossiers per `process-group` run. Intake cuts a batch into a multiple of the "
        "online workers' number of groups, as few as this allows: a process start (Prefect and hoso imported, about "
        "5 CPU-seconds) is paid per group, and each worker takes its share",
    )
    worker_limit: int | None = Field(
        None, ge=1, le=64,
        description="flow runs one worker runs at once (`prefect worker start --limit`); unset: one per core the worker "
        "may use (a group's threads fill a core) and one more on the worker that also runs intake, which waits for "
        "its groups on a slot of its own",
    )
    intake_interval_s: int | None = Field(
        None, ge=10, le=86400,
        description="how often the safety-net intake polls the inbox; unset: every 10 minutes when the embedded S3 "
        "server notifies hoso of each new file (HOSO_WEED_NOTIFY), else every minute",
    )
    review_timeout_s: int = Field(8 * 3600, ge=1, description="how long a review waits in the UI before the nightly job takes over")
    claim_lease_s: float = Field(1800.0, gt=0, description="how long a run may hold a dossier before another may resume it")
    max_file_bytes: int = Field(50 * 1024 * 1024, ge=1)
    unit_code: str = Field("000.00.00.H30", description="receiving unit code for receipt numbers")
    extra_days_off: list[str] = Field(default_factory=list, description="ISO dates closed besides public holidays")

    # OCR
    ocr_languages: str = Field("vie", description="Tesseract languages; vie+eng measured no better on the corpora and 15-20 % dearer (README, Benchmarks)")
    ocr_dpi: int = Field(300, ge=100, le=600)
    ocr_page_timeout_s: float = Field(120.0, gt=0)
    ocr_max_pages: int = Field(50, ge=1)
    ocr_max_page_pixels: int = Field(60_000_000, ge=1_000_000)
    ocr_workers: int = Field(default_factory=lambda: os.cpu_count() or 1, ge=1, description="pages OCRed at once on this machine")
    ocr_searchable_pdf: bool = True
    ocr_machine: str | None = Field(
        None,
        description="the name of this machine's OCR concurrency limit, ocr-<name>; unset = the host name. Two workers on one "
        "host that stand for two machines (`hoso bench scale`) each get their own",
    )

    @field_validator("home")
    @classmethod
    def _absolute_home(cls, value: Path) -> Path:
        return value.expanduser().resolve()

    @model_validator(mode="after")
    def _credentials_then_default_database(self) -> "Settings":
        if self.credentials_file is not None:
            self._load_credentials(self.credentials_file)
        if not self.database_url:
            self.database_url = f"sqlite:///{self.home / 'hoso.db'}"
        return self

    def _load_credentials(self, path: Path) -> None:
        """Take this part's secrets from its file (checked 0600 first); a key it does not know is an error, not ignored."""
        from core.errors import ConfigError
        from core.secrets import read_secret_json

        data = read_secret_json(path)
        unknown = set(data) - set(CREDENTIAL_FIELDS)
        if unknown:
            raise ConfigError(f"Tệp bí mật «{path}» có khoá lạ: {', '.join(sorted(unknown))}.")
        for name, value in data.items():
            if value is None:
                continue
            setattr(self, name, SecretStr(str(value)) if name in SECRET_FIELDS else str(value))

    @property
    def intake_poll_s(self) -> int:
        """The safety-net intake's interval: the event path starts each new dossier, the poll only catches what it missed."""
        if self.intake_interval_s is not None:
            return self.intake_interval_s
        return 600 if self.weed_notify else 60

    def worker_slots(self, runs_intake: bool) -> int:
        """The worker's ``--limit``: HOSO_WORKER_LIMIT, else one slot per core this process may run on (``taskset``
        included), plus the intake's when the worker also takes the `intake` queue."""
        if self.worker_limit is not None:
            return self.worker_limit
        return len(os.sched_getaffinity(0)) + (1 if runs_intake else 0)

    @property
    def sealing_secret(self) -> str:
        """The secret behind sealed dossier sources (core/sealing.py): HOSO_SEAL_SECRET, else the S3 secret,
        which every worker and the event receiver already share."""
        return (self.seal_secret or self.s3_secret_key).get_secret_value()

    @property
    def prefect_api_url(self) -> str:
        return self.prefect_url or f"http://127.0.0.1:{self.prefect_port}/api"

    @property
    def receiver_port(self) -> int:
        """``HOSO_EVENTS_PORT``, else the Prefect port + 80 (4280 by default): a second
        stack moved to other ports then does not collide with the first one's receiver."""
        return self.events_port or self.prefect_port + 80

    @property
    def portal_listen_port(self) -> int:
        """``HOSO_PORTAL_PORT``, else the Prefect port + 90 (4290 by default), beside the event receiver's + 80."""
        return self.portal_port or self.prefect_port + 90

    @property
    def portal_url(self) -> str:
        return (self.portal_public_url or f"http://127.0.0.1:{self.portal_listen_port}").rstrip("/")

    @property
    def s3_port(self) -> int:
        return int(self.s3_endpoint.rsplit(":", 1)[1])


# What a credentials file may hold; the secret ones stay SecretStr (never printed by repr or logs).
SECRET_FIELDS = ("s3_secret_key", "seal_secret", "prefect_auth", "events_token")
CREDENTIAL_FIELDS = ("s3_access_key", *SECRET_FIELDS, "database_url", "migrations_database_url", "s3_endpoint", "bucket_prefix")


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings; tests call ``get_settings.cache_clear()`` after changing the env."""
    return Settings()
