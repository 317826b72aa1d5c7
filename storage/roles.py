"""PostgreSQL roles for hoso's parts: migrations, workers and the portal each log in as their own role.

Why three: a worker's login is on every worker machine and in every flow run; if it
could drop or alter a table, any of them could destroy the records. So the tables
belong to the migrations role, which only `hoso db roles` and the migrations use;
workers get rows (select, insert, update, delete) and nothing of the schema; the
portal, which answers a resident's lookup by receipt number, reads only the columns
that lookup shows (no names, ID numbers, page text or history). The statements are
data (``roles.sql``); SQLite stays the single-user default and has no roles.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import URL, make_url

from storage.database import migrate

ROLES_SQL = Path(__file__).parent / "roles.sql"
# What the portal's lookup shows, and so all its role may read (roles.sql, part after_migrations).
PORTAL_COLUMNS = ("receipt", "status", "procedure", "office", "commune", "due", "received_at", "updated_at")


@dataclass(frozen=True)
class DatabaseRole:
    name: str
    password: str

    def __repr__(self) -> str:
        return f"DatabaseRole(name={self.name!r})"


@dataclass(frozen=True)
class DatabaseRoles:
    migrate: DatabaseRole
    worker: DatabaseRole
    portal: DatabaseRole


def _parts() -> dict[str, list[str]]:
    """roles.sql's statements by part (``-- part: NAME`` lines), comments dropped."""
    parts: dict[str, list[str]] = {}
    current: list[str] = []
    for line in ROLES_SQL.read_text(encoding="utf-8").splitlines():
        if line.startswith("-- part:"):
            current = parts.setdefault(line.split(":", 1)[1].strip(), [])
        elif line.strip() and not line.startswith("--"):
            current.append(line.strip())
    return parts


def login_url(admin_url: str, role: DatabaseRole) -> str:
    """The SQLAlchemy URL of ``role`` on the administrator's server and database."""
    url: URL = make_url(admin_url).set(username=role.name, password=role.password)
    return url.render_as_string(hide_password=False)


def ensure_roles(admin_url: str, roles: DatabaseRoles) -> None:
    """Create (or update the passwords of) the three roles, grant them their part, run the migrations as the
    migrations role, then grant what exists after them. Run as a PostgreSQL administrator; repeatable."""
    import psycopg
    from psycopg import sql

    url = make_url(admin_url)
    dsn = url.set(drivername="postgresql").render_as_string(hide_password=False)
    names = {
        "database": sql.Identifier(url.database or "postgres"),
        "migrate": sql.Identifier(roles.migrate.name),
        "worker": sql.Identifier(roles.worker.name),
        "portal": sql.Identifier(roles.portal.name),
    }
    parts = _parts()
    with psycopg.connect(dsn, autocommit=True) as conn:
        for role in (roles.migrate, roles.worker, roles.portal):
            exists = conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (role.name,)).fetchone()
            verb = "ALTER" if exists else "CREATE"
            conn.execute(sql.SQL(verb + " ROLE {} LOGIN PASSWORD {}").format(sql.Identifier(role.name), sql.Literal(role.password)))
        for statement in parts["roles"]:
            conn.execute(sql.SQL(statement).format(**names))
    migrate(login_url(admin_url, roles.migrate))
    with psycopg.connect(dsn, autocommit=True) as conn:
        for statement in parts["after_migrations"]:
            conn.execute(sql.SQL(statement).format(**names))
