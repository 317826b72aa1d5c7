"""A throwaway PostgreSQL server from Debian's packages, on a loopback port.

The tests run the metadata database and the Prefect server against it, and
`hoso bench ocr` runs the Prefect server on it to measure the production
set-up beside the embedded SQLite one. initdb refuses to run as root, so as
root the cluster belongs to the `postgres` system user that the Debian package
creates.
"""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

from core.errors import StackError


def _bin(name: str) -> str:
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    if not found:
        raise StackError("Chưa cài PostgreSQL: `make install` cài gói postgresql của Debian.")
    return found[-1]


class PostgresServer:
    def __init__(self, port: int) -> None:
        self.port = port
        self.root = Path(tempfile.mkdtemp(prefix="hoso-pg-"))
        self.data = self.root / "data"
        self._as = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        if self._as:
            shutil.chown(self.root, "postgres", "postgres")
        try:
            self._run(_bin("initdb"), "-D", str(self.data), "-U", "hoso", "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8")
            self._run(
                _bin("pg_ctl"), "-D", str(self.data), "-l", str(self.root / "log"), "-w", "-t", "60",
                "-o", f"-p {port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200", "start",
            )
        except BaseException:
            self.stop()  # a server that came up after a timeout, and the directory, go too
            raise
        self.admin_url = f"postgresql+psycopg://hoso@127.0.0.1:{port}/postgres"

    def _run(self, *argv: str) -> None:
        subprocess.run([*self._as, *argv], check=True, capture_output=True, timeout=120)

    def create_database(self, name: str, driver: str = "psycopg") -> str:
        """A fresh database; returns its SQLAlchemy URL with ``driver`` (psycopg 3 for hoso, asyncpg for Prefect's server)."""
        import psycopg

        for attempt in range(50):
            try:
                with psycopg.connect(f"postgresql://hoso@127.0.0.1:{self.port}/postgres", autocommit=True) as conn:
                    conn.execute(f'CREATE DATABASE "{name}"')
                break
            except psycopg.OperationalError as exc:
                if attempt == 49:
                    raise StackError(f"PostgreSQL tạm trên cổng {self.port} không nhận kết nối.", detail=str(exc)) from exc
                time.sleep(0.2)
        return f"postgresql+{driver}://hoso@127.0.0.1:{self.port}/{name}"

    def stop(self) -> None:
        subprocess.run([*self._as, _bin("pg_ctl"), "-D", str(self.data), "-m", "fast", "stop"], capture_output=True, timeout=60)
        shutil.rmtree(self.root, ignore_errors=True)
