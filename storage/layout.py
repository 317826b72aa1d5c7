"""Where things live in the buckets, and how inbox objects group into dossiers.

Pure functions over keys: no client here, so the rules are easy to test and
the same for the intake, the reprocess job and the tests.

Inbox rules: ``STATION/FILE`` is one dossier of one file; a folder
``STATION/FOLDER/…`` is one dossier of several files once its
``manifest.json`` is there (the scan station writes it last, as the commit
mark). A folder without its manifest, or whose manifest names files that are
not there yet, is still being uploaded and waits.
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from core.masking import file_kind
from storage.objects import StoredObject

MANIFEST = "manifest.json"
REASON_SUFFIX = ".reason.json"
_UNSAFE = re.compile(r"[^\w.\-]+", re.UNICODE)


@dataclass(frozen=True, slots=True)
class InboxItem:
    """One dossier waiting in the inbox."""

    source: str  # the file key, or the folder prefix ending in "/"
    station: str
    objects: tuple[StoredObject, ...]  # data files in order; the manifest is not among them
    manifest_key: str | None = None
    manifest_version: str | None = None  # the manifest's version id as listed (the inbox is versioned)

    @property
    def identity(self) -> str:
        """Key plus content tags: a re-run finds the same dossier, a re-used name with new bytes does not."""
        tags = ",".join(f"{o.key}={o.etag}" for o in self.objects)
        digest = hashlib.sha256(tags.encode()).hexdigest()[:16]
        return f"{self.source}@{digest}"


@dataclass(frozen=True, slots=True)
class Waiting:
    source: str
    reason: str


def group_inbox(objects: Iterable[StoredObject], manifests: dict[str, bytes] | None = None) -> tuple[list[InboxItem], list[Waiting]]:
    """Group an inbox listing into dossiers; folders need their manifest (bytes given in ``manifests``)."""
    singles: list[InboxItem] = []
    folders: dict[str, list[StoredObject]] = defaultdict(list)
    waiting: list[Waiting] = []
    for obj in sorted(objects, key=lambda o: o.key):
        parts = obj.key.split("/")
        if len(parts) < 2 or not parts[0]:
            waiting.append(Waiting(obj.key, "tệp không nằm trong thư mục của trạm quét"))
            continue
        if obj.key.endswith(REASON_SUFFIX):
            continue
        if len(parts) == 2:
            singles.append(InboxItem(source=obj.key, station=parts[0], objects=(obj,)))
        else:
            folders[f"{parts[0]}/{parts[1]}/"].append(obj)
    items = list(singles)
    for prefix, members in sorted(folders.items()):
        manifest = next((o for o in members if o.key == prefix + MANIFEST), None)
        if manifest is None:
            waiting.append(Waiting(prefix, "chưa có manifest.json (đang tải lên)"))
            continue
        data_files = [o for o in members if o is not manifest]
        order = _manifest_order((manifests or {}).get(manifest.key), prefix)
        if order is not None:
            by_key = {o.key: o for o in data_files}
            missing = [k for k in order if k not in by_key]
            if missing:
                waiting.append(Waiting(prefix, f"manifest.json liệt kê {len(missing)} tệp chưa có"))
                continue
            data_files = [by_key[k] for k in order]
        items.append(InboxItem(source=prefix, station=prefix.split("/")[0], objects=tuple(data_files), manifest_key=manifest.key, manifest_version=manifest.version_id))
    return items, waiting


def _manifest_order(raw: bytes | None, prefix: str) -> list[str] | None:
    if raw is None:
        return None
    try:
        names = json.loads(raw).get("files")
    except (ValueError, AttributeError):
        return None
    if not isinstance(names, list):
        return None
    return [prefix + str(n) for n in names]


def safe_name(name: str, limit: int = 120) -> str:
    """A file name safe for any S3 server and file system: NFC, no path parts, bounded length."""
    base = unicodedata.normalize("NFC", name.replace("\\", "/").rsplit("/", 1)[-1])
    base = _UNSAFE.sub("_", base).strip("._") or "tep"
    if len(base.encode()) > limit:
        stem, dot, ext = base.rpartition(".")
        digest = hashlib.sha256(base.encode()).hexdigest()[:8]
        keep = (stem if dot else base).encode()[: limit - 20].decode("utf-8", "ignore")
        base = f"{keep}-{digest}" + (f".{ext[:10]}" if dot else "")
    return base


def archive_prefix(dossier_id: str) -> str:
    return f"dossiers/{dossier_id}/"


def original_key(dossier_id: str, position: int, name: str) -> str:
    """``dossiers/<id>/original/01.pdf``: by position and file type only. The uploaded file's name is
    often the applicant's, and an archive key ends up in links officials open and share; the name is
    kept in the database (``dossier_file.name``) for those allowed to see it."""
    kind = file_kind(safe_name(name))
    return f"{archive_prefix(dossier_id)}original/{position:02d}" + (f".{kind.lower()}" if kind else "")


def searchable_key(dossier_id: str, position: int) -> str:
    """The searchable PDF OCR made of the dossier's file at ``position``: by position, never by name."""
    return derived_key(dossier_id, f"searchable/{position:02d}.pdf")


def derived_key(dossier_id: str, name: str) -> str:
    return f"{archive_prefix(dossier_id)}{name}"


def quarantine_key(dossier_id: str, name: str) -> str:
    return f"{dossier_id}/{safe_name(name)}"


def handoff_key(office: str, commune: str | None, dossier_id: str) -> str:
    return f"{office}/{commune or 'chua-ro-xa-phuong'}/{dossier_id}.json"


def source_for_key(key: str) -> str | None:
    """The dossier source one inbox object stands for, from its key alone (all an S3 event carries).

    It runs :func:`group_inbox` on that one object, so the event path and the
    interval intake cannot drift apart: ``STATION/FILE`` is its own dossier; a
    folder's ``manifest.json`` stands for the folder (``STATION/FOLDER/``),
    because the scan station writes it last; any other file inside a folder
    gives None (its manifest's event is the one that counts); a key outside a
    station folder, a quarantine reason, and a folder marker (a key ending in
    "/", an empty object some consoles create) give None too.
    """
    if not key or key.endswith("/"):
        return None
    items, _ = group_inbox([StoredObject(key=key, size=0, etag="")])
    return items[0].source if items else None
