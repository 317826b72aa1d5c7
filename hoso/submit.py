"""Put files into the inbox the way a scan station does."""

from __future__ import annotations

import json
import re
import unicodedata
from datetime import datetime, timezone
from pathlib import Path

from storage.layout import MANIFEST
from storage.objects import ObjectStore

_STATION = re.compile(r"^[a-z0-9][a-z0-9._-]{0,62}$")
DOCUMENT_SUFFIXES = {".pdf", ".png", ".jpg", ".jpeg", ".tif", ".tiff"}


def check_station(name: str) -> str:
    if not _STATION.match(name):
        raise ValueError(f"Tên trạm quét «{name}» không hợp lệ: chỉ chữ thường không dấu, số, '.', '_' và '-'.")
    return name


def _free_key(store: ObjectStore, key: str, *, folder: bool = False) -> str:
    """Never overwrite something still waiting: a second `scan.pdf` becomes `scan-2.pdf`.

    Asked by listing the station's own folder, the one read a station's key allows
    (it may not read objects back, storage/policies/station.json)."""
    stem, dot, ext = key.rpartition(".")
    if folder or not dot or "/" in ext:
        stem, dot, ext = key, "", ""

    def taken(candidate: str) -> bool:
        if folder:
            return any(store.keys("inbox", candidate + "/"))
        return candidate in store.keys("inbox", candidate)

    candidate, n = key, 1
    while taken(candidate):
        n += 1
        candidate = f"{stem}-{n}{dot}{ext}"
    return candidate


def submit_path(store: ObjectStore, path: Path, station: str) -> str:
    """Upload one dossier; returns its inbox source (a key, or a folder prefix ending in '/').

    A file is a dossier of one file. A directory is one dossier of its files,
    uploaded first, with ``manifest.json`` written last so intake never sees
    half a dossier.
    """
    check_station(station)
    name = unicodedata.normalize("NFC", path.name)
    if path.is_file():
        key = _free_key(store, f"{station}/{name}")
        store.put("inbox", key, path.read_bytes())
        return key
    if not path.is_dir():
        raise FileNotFoundError(f"Không thấy «{path}».")
    files = sorted(p for p in path.iterdir() if p.is_file() and p.name != MANIFEST and not p.name.startswith("."))
    if not files:
        raise ValueError(f"Thư mục «{path}» không có tệp nào.")
    prefix = _free_key(store, f"{station}/{name}", folder=True) + "/"
    names = [unicodedata.normalize("NFC", p.name) for p in files]
    for p, n in zip(files, names):
        store.put("inbox", prefix + n, p.read_bytes())
    manifest = {"files": names, "station": station, "submitted_at": datetime.now(timezone.utc).isoformat()}
    store.put("inbox", prefix + MANIFEST, json.dumps(manifest, ensure_ascii=False).encode("utf-8"), "application/json")
    return prefix
