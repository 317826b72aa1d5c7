"""Secret files: written readable by their owner only, and refused when anyone else could read them.

Why files and not environment variables: a process's environment is copied into
every child it starts (a Prefect worker's flow runs, their subprocesses), shows
in ``/proc/<pid>/environ`` and ends up in crash reports; a file with mode 0600
is read once by the process that needs it and stays where it is. hoso's parts
are given the path of their own file (``HOSO_CREDENTIALS_FILE``), never the
secrets themselves.
"""

from __future__ import annotations

import json
import os
import secrets as _random
import stat
from pathlib import Path
from typing import Any

from core.errors import ConfigError


def new_secret(nbytes: int = 30) -> str:
    """A fresh random secret (URL-safe text, 40 characters for the default 30 bytes)."""
    return _random.token_urlsafe(nbytes)


def private_dir(path: Path) -> Path:
    """Make ``path`` (and parents) and keep it 0700: a secret file inside is not even listed for others."""
    path.mkdir(parents=True, exist_ok=True)
    os.chmod(path, 0o700)
    return path


def write_secret_text(path: Path, text: str) -> Path:
    """Write ``text`` to ``path`` with mode 0600 from the first byte on (no window where it is world-readable)."""
    private_dir(path.parent)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        os.write(fd, text.encode("utf-8"))
    finally:
        os.close(fd)
    os.chmod(tmp, 0o600)  # O_CREAT's mode is filtered by the umask; never widened, but said once more
    os.replace(tmp, path)
    return path


def write_secret_json(path: Path, payload: Any) -> Path:
    return write_secret_text(path, json.dumps(payload, ensure_ascii=False, indent=2) + "\n")


def check_private(path: Path) -> None:
    """Refuse a secret file that its group or others can read or write (``chmod 600`` fixes it)."""
    try:
        mode = path.stat().st_mode
    except FileNotFoundError as exc:
        raise ConfigError(f"Không thấy tệp bí mật «{path}».") from exc
    if mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise ConfigError(
            f"Tệp bí mật «{path}» để người khác đọc được (quyền {stat.filemode(mode)}); "
            f"chỉ chủ sở hữu được đọc: `chmod 600 {path}`."
        )


def read_secret_json(path: Path) -> dict[str, Any]:
    """A secret JSON object, after checking that only its owner can read it."""
    check_private(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except ValueError as exc:
        raise ConfigError(f"Tệp bí mật «{path}» không phải JSON hợp lệ.") from exc
    if not isinstance(data, dict):
        raise ConfigError(f"Tệp bí mật «{path}» phải là một đối tượng JSON.")
    return data
