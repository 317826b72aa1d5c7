"""A resident's dossier from draft to inbox: the files kept while the resident fixes them, then
the inbox folder (station ``cong-dan``), the record with its receipt, and the lookup view.

Order of writes, as a scan station's: the data files first, then the record with its
receipt code and PIN hash (one transaction), and ``manifest.json`` last, the commit mark
the intake waits for. The record is registered under the very identity the intake will
compute for the folder, so the pipeline finds it (and its receipt) instead of making a second.
"""

from __future__ import annotations

import json
import secrets
import shutil
import time
from dataclasses import asdict, dataclass
from datetime import date, datetime, timezone
from pathlib import Path

from core.masking import mask_name
from domain.catalogue import Catalogue
from domain.deadlines import due_date, local_time, receipt_code, today_in_vietnam
from domain.vocabulary import resident_steps, statuses
from sqlalchemy.orm import Session

from storage import filings, repository
from storage.database import session_scope
from storage.layout import MANIFEST, InboxItem
from storage.models import Dossier, ResidentFiling
from storage.objects import ObjectStore, StoredObject

STATION = "cong-dan"
DRAFT_TTL_S = 24 * 3600
_EXT = {"application/pdf": "pdf", "image/png": "png", "image/jpeg": "jpg", "image/tiff": "tif"}


@dataclass(frozen=True)
class Applicant:
    """Who asks (người yêu cầu), who files (người nộp, when someone files for them), and where to write."""

    applicant_name: str
    filer_name: str = ""
    filer_role: str = ""
    email: str = ""
    phone: str = ""


@dataclass(frozen=True)
class Draft:
    token: str
    procedure: str
    commune: str
    applicant: Applicant
    files: dict[str, tuple[str, str]]  # slot -> (stored file name, media type)


class Drafts:
    """Uploads that passed the checks, kept on the portal's disk (never in S3) until the resident submits.

    A draft is a folder named by a random token; it is removed when the dossier is
    submitted, and after a day if it never is.
    """

    def __init__(self, root: Path) -> None:
        self.root = root
        root.mkdir(parents=True, exist_ok=True)

    def _dir(self, token: str) -> Path:
        if not token or not token.replace("-", "").replace("_", "").isalnum():
            raise KeyError(token)
        return self.root / token

    def create(self, procedure: str, commune: str, applicant: Applicant) -> Draft:
        self.sweep()
        token = secrets.token_urlsafe(18)
        self._dir(token).mkdir()
        draft = Draft(token, procedure, commune, applicant, {})
        self._save(draft)
        return draft

    def put(self, draft: Draft, slot: str, data: bytes, media_type: str) -> Draft:
        name = f"{slot}.{_EXT.get(media_type, 'bin')}"
        if slot in draft.files:  # a retaken photo replaces the earlier one
            (self._dir(draft.token) / draft.files[slot][0]).unlink(missing_ok=True)
        (self._dir(draft.token) / name).write_bytes(data)
        updated = Draft(draft.token, draft.procedure, draft.commune, draft.applicant, {**draft.files, slot: (name, media_type)})
        self._save(updated)
        return updated

    def data(self, draft: Draft, slot: str) -> bytes:
        return (self._dir(draft.token) / draft.files[slot][0]).read_bytes()

    def get(self, token: str) -> Draft | None:
        try:
            raw = json.loads((self._dir(token) / "draft.json").read_text(encoding="utf-8"))
        except (KeyError, FileNotFoundError, ValueError):
            return None
        return Draft(raw["token"], raw["procedure"], raw["commune"], Applicant(**raw["applicant"]), {k: tuple(v) for k, v in raw["files"].items()})  # type: ignore[misc]

    def drop(self, token: str) -> None:
        shutil.rmtree(self._dir(token), ignore_errors=True)

    def sweep(self) -> None:
        cutoff = time.time() - DRAFT_TTL_S
        for path in self.root.iterdir():
            if path.is_dir() and path.stat().st_mtime < cutoff:
                shutil.rmtree(path, ignore_errors=True)

    def _save(self, draft: Draft) -> None:
        (self._dir(draft.token) / "draft.json").write_text(json.dumps(asdict(draft), ensure_ascii=False), encoding="utf-8")


@dataclass(frozen=True)
class Receipt:
    """What the resident gets at once (giấy tiếp nhận hồ sơ và hẹn trả kết quả)."""

    code: str
    procedure: str
    office: str
    commune: str
    received_at: datetime  # Vietnam time
    promised: date
    pin: str
    email: str
    phone: str


def _folder_files(store: ObjectStore, prefix: str, files: list[tuple[str, bytes, str]]) -> list[StoredObject]:
    return [store.put("inbox", prefix + name, data, media_type) for name, data, media_type in files]


def submit(
    store: ObjectStore, db_url: str, catalogue: Catalogue, drafts: Drafts, draft: Draft, order: list[str],
    *, unit_code: str, extra_days_off: tuple[date, ...], pin_hash: str, pin: str,
) -> Receipt:
    """The draft into the inbox as one dossier of station ``cong-dan``, with its receipt; the draft is removed."""
    procedure = catalogue.procedure(draft.procedure)
    prefix = f"{STATION}/{secrets.token_hex(8)}/"
    files = [(f"{n:02d}-{slot}.{draft.files[slot][0].rsplit('.', 1)[-1]}", drafts.data(draft, slot), draft.files[slot][1])
             for n, slot in enumerate((s for s in order if s in draft.files), start=1)]
    stored = _folder_files(store, prefix, files)
    item = InboxItem(source=prefix, station=STATION, objects=tuple(stored))
    received = datetime.now(timezone.utc)
    promised = due_date(procedure.slug, received, catalogue, extra_days_off)
    try:
        with session_scope(db_url) as session:
            dossier, _ = repository.register(session, source=prefix, identity=item.identity, station=STATION, actor="cổng dịch vụ công")
            day = local_time(received).date()
            dossier.receipt = receipt_code(unit_code, day, repository.next_receipt_sequence(session, unit_code, day))
            dossier.received_at = received
            a = draft.applicant
            filings.add_filing(session, ResidentFiling(
                dossier_id=dossier.id, receipt=dossier.receipt, procedure=procedure.slug, commune=draft.commune, pin_hash=pin_hash,
                applicant_name=a.applicant_name, filer_name=a.filer_name or None, filer_role=a.filer_role or None,
                email=a.email or None, phone=a.phone or None, promised=promised, notified_status="received",
            ))
            code = dossier.receipt
    except Exception:
        for obj in stored:  # no manifest was written: the intake never saw them
            store.remove("inbox", obj.key, obj.version_id)
        raise
    manifest = {"files": [f[0] for f in files], "station": STATION, "submitted_at": received.isoformat(),
                "procedure": procedure.slug, "commune": draft.commune, "receipt": code}
    store.put("inbox", prefix + MANIFEST, json.dumps(manifest, ensure_ascii=False).encode("utf-8"), "application/json")
    drafts.drop(draft.token)
    return Receipt(code, procedure.name, catalogue.office_name(procedure.office, draft.commune), catalogue.commune(draft.commune).display_name,
                   local_time(received), promised, pin, a.email, a.phone)


# --- The lookup page ---------------------------------------------------------------------


@dataclass(frozen=True)
class Step:
    name: str  # the national status's name
    at: datetime  # Vietnam time
    note: str = ""


@dataclass(frozen=True)
class Supplement:
    request_id: int
    items: tuple[tuple[str, str], ...]  # (paper, why)
    requested_at: datetime


@dataclass(frozen=True)
class Lookup:
    """What the PIN holder sees: masked name, the timeline in the national vocabulary, office, dates."""

    code: str
    procedure: str
    procedure_slug: str
    office: str
    applicant: str  # masked
    status: str  # national name of the current status
    steps: tuple[Step, ...]
    promised: date
    days_left: int
    overdue: bool
    supplement: Supplement | None


def lookup(db_url: str, catalogue: Catalogue, receipt: str) -> Lookup | None:
    with session_scope(db_url) as session:
        found = filings.by_receipt(session, receipt)
        if found is None:
            return None
        filing, dossier = found
        return _view(session, catalogue, filing, dossier)


def _view(session: Session, catalogue: Catalogue, filing: ResidentFiling, dossier: Dossier) -> Lookup:
    steps: list[Step] = []
    for change in filings.history(session, dossier.id):
        at = local_time(repository.as_utc(change.at))
        for name in resident_steps(change.to_status):
            if not steps or steps[-1].name != name:
                note = ""
                if change.to_status == "awaiting_supplement":
                    note = change.reason
                steps.append(Step(name, at, note))
    procedure = catalogue.procedure(dossier.procedure or filing.procedure)
    office = catalogue.office_name(dossier.office or procedure.office, dossier.commune or filing.commune)
    promised = dossier.due or filing.promised
    waiting = filings.open_request(session, dossier.id)
    today = today_in_vietnam()
    days_left = (promised - today).days
    settled = dossier.status in {"done", "returned", "rejected", "quarantined", "duplicate"}
    supplement = None
    if waiting is not None:
        supplement = Supplement(waiting.id, tuple((i["name"], i.get("reason", "")) for i in waiting.items), local_time(repository.as_utc(waiting.requested_at)))
    current = statuses().get(dossier.status)
    return Lookup(
        code=filing.receipt, procedure=procedure.name, procedure_slug=procedure.slug, office=office, applicant=mask_name(filing.applicant_name),
        status=current.national if current else dossier.status, steps=tuple(steps), promised=promised,
        days_left=days_left, overdue=days_left < 0 and not settled and waiting is None, supplement=supplement,
    )


def resume(
    store: ObjectStore, db_url: str, receipt: str, uploads: list[tuple[str, bytes, str]],
) -> bool:
    """The resident's missing papers: a new inbox folder with the dossier's archived files and these, the dossier back in the pipeline.

    Returns False when there is no open request (already answered, or none).
    """
    with session_scope(db_url) as session:
        found = filings.by_receipt(session, receipt)
        if found is None:
            return False
        _, dossier = found
        request = filings.open_request(session, dossier.id)
        if request is None or dossier.status != filings.AWAITING_SUPPLEMENT:
            return False
        dossier = repository.get(session, dossier.id)
        assert dossier is not None
        earlier = [(f.archive_key.rsplit("/", 1)[-1], f.archive_key, f.media_type) for f in dossier.files]
        dossier_id = dossier.id
    prefix = f"{STATION}/{secrets.token_hex(8)}/"
    files = [(name, store.get("archive", key), media) for name, key, media in earlier]
    start = len(files) + 1
    files += [(f"{start + i:02d}-bo-sung-{slot}.{_EXT.get(media, 'bin')}", data, media) for i, (slot, data, media) in enumerate(uploads)]
    stored = _folder_files(store, prefix, files)
    item = InboxItem(source=prefix, station=STATION, objects=tuple(stored))
    with session_scope(db_url) as session:
        dossier = repository.get(session, dossier_id)
        request = filings.open_request(session, dossier_id)
        if dossier is None or request is None:
            return False
        filings.resume_with_supplement(session, dossier, request, source=prefix, identity=item.identity, actor="công dân (cổng dịch vụ công)")
    manifest = {"files": [f[0] for f in files], "station": STATION, "submitted_at": datetime.now(timezone.utc).isoformat(), "supplement_of": receipt}
    store.put("inbox", prefix + MANIFEST, json.dumps(manifest, ensure_ascii=False).encode("utf-8"), "application/json")
    return True

def pin_hash_of(db_url: str, receipt: str) -> str | None:
    with session_scope(db_url) as session:
        found = filings.by_receipt(session, receipt)
        return found[0].pin_hash if found else None
