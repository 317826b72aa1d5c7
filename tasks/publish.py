"""Tell officials, in the Prefect UI, what hoso did with a dossier — with personal data masked.

The run is renamed for what it carries and tagged so the UI's filters work
(procedure, office, commune, station); a Markdown artifact shows the verdict.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from typing import Any

from prefect import task
from prefect.artifacts import create_markdown_artifact, create_table_artifact
from prefect.cache_policies import NO_CACHE
from prefect.client.orchestration import get_client
from prefect.runtime import flow_run

from domain.catalogue import Catalogue
from domain.deadlines import LOCAL_TZ, local_time, today_in_vietnam
from domain.vocabulary import days_left_text, status_label
from core.masking import kind_from_name, mask_by_kind, mask_message, mask_name, mask_source
from storage.layout import InboxItem, Waiting, derived_key, searchable_key
from storage import repository
from storage.records import DossierRecord, ProblemRecord, record_of
from storage.database import session_scope
from storage.objects import ObjectStore
from tasks.office_queue import queue_row
from tasks.retry import IO_RETRIES
from tasks.values import OpenSummary

# A presigned link opens the archived original to whoever holds it, for as long as it
# lasts: it lives an official's working day (HOSO_LINK_LIFETIME_H), not a week, and the
# artifact says until when. A new run (review, reprocess) makes a new one.
DEFAULT_LINK_LIFETIME = timedelta(hours=8)


@dataclass(frozen=True, slots=True)
class ArchiveLink:
    url: str
    expires_at: datetime  # aware

    def until_text(self) -> str:
        """``đến 17:30 ngày 02/12/2026 (giờ Việt Nam)``: when the link stops opening, as officials read a time."""
        local = self.expires_at.astimezone(LOCAL_TZ)
        return f"đến {local:%H:%M} ngày {local:%d/%m/%Y} (giờ Việt Nam)"


def field_kind(catalogue: Catalogue, procedure: str | None, name: str) -> str:
    """The catalogue's kind of a field, with addresses told apart (they are personal, unlike other text)."""
    guessed = kind_from_name(name)
    if procedure and guessed != "address":
        entry = catalogue.procedure(procedure)
        if name in entry.address_fields:
            return "address"
        try:
            return entry.field(name).kind
        except (KeyError, ValueError, LookupError):
            pass
    return guessed


def shown_value(catalogue: Catalogue, procedure: str | None, name: str, value: object) -> str:
    """A field's value as anyone but its owner sees it: masked by the kind the catalogue gives the field."""
    return mask_by_kind(field_kind(catalogue, procedure, name), str(value)) if value else ""


def shown_problem(catalogue: Catalogue, procedure: str | None, problem: ProblemRecord) -> str:
    """A problem's message with what it quotes masked, by its field's kind when it names one."""
    field = problem.field
    return mask_message(problem.message, field_kind(catalogue, procedure, field) if field else None)


def settled_by_official(history: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The official's decision that settled the dossier, when one did (the last history line by a ``cán bộ``)."""
    for line in reversed(history):
        if str(line.get("actor", "")).startswith("cán bộ "):
            return line
    return None


def history_rows(session: Any, dossier_id: str) -> list[dict[str, Any]]:
    """The dossier's history as plain rows (``hoso show`` prints the same)."""
    return [
        {"from": h.from_status, "to": h.to_status, "actor": h.actor, "reason": h.reason, "at": repository.as_utc(h.at)}
        for h in repository.history(session, dossier_id)
    ]


def markdown_escape(text: str) -> str:
    """Text safe inside Markdown: masks are made of asterisks, which Markdown reads as emphasis."""
    return text.replace("\\", "\\\\").replace("*", "\\*").replace("|", "\\|")


def run_name(record: DossierRecord) -> str:
    """``khai-sinh · 000.00.00.H30-261125-0001 · N. V. A.``: what the run carries, no personal data."""
    applicant = record.value("applicant_name")
    parts = [record.procedure or "chưa rõ thủ tục", record.receipt or record.id[:8], mask_name(applicant) if applicant else ""]
    return " · ".join(p for p in parts if p)


_DOSSIER_TAGS = ("trạng-thái:", "thủ-tục:", "cơ-quan:", "xã-phường:", "nơi-nhận:")


def run_tags(record: DossierRecord) -> list[str]:
    """Tags for the UI's filters: status, station, procedure, office, commune, and the office's queue."""
    tags = ["hoso", f"trạng-thái:{record.status}", f"trạm:{record.station}"]
    for value, label in ((record.procedure, "thủ-tục"), (record.office, "cơ-quan"), (record.commune, "xã-phường")):
        if value:
            tags.append(f"{label}:{value}")
    if record.office and record.commune:
        tags.append(f"nơi-nhận:{record.office}@{record.commune}")  # one office's queue (hoso/orchestration.office_queues)
    return tags


def dossier_markdown(
    record: DossierRecord, catalogue: Catalogue, link: ArchiveLink | None, today: date,
    *, history: list[dict[str, Any]] | None = None, page_links: list[tuple[int, str]] | None = None,
) -> str:
    """The artifact an official reads: verdict, where it went, what is wrong, when it is due, who settled it.

    Everything personal in it passes one masking pass (fields by their kind, problem messages by
    what they quote); links go to the archive by dossier id and position, never by the uploaded
    file's name, and last as long as ``link`` says (the page links were made with it).
    """
    procedure = catalogue.procedure(record.procedure).name if record.procedure else "chưa nhận dạng được"
    office = (
        catalogue.office_name(record.office, record.commune) if record.office and record.commune else "chưa xác định"
    )
    lines = [
        f"# Hồ sơ {record.receipt or record.id}",
        "",
        f"- **Thủ tục:** {procedure}",
        f"- **Nơi nhận:** {office}",
        f"- **Trạng thái:** {status_label(record.status)}",
    ]
    if record.due:
        lines.append(f"- **Hạn giải quyết:** {record.due:%d/%m/%Y} ({days_left_text((record.due - today).days)})")
    if record.duplicate_of:
        lines.append(f"- **Trùng với hồ sơ:** {record.duplicate_of}")
    decided = settled_by_official(history or [])
    if decided:
        at = decided["at"]
        when = f"{local_time(at):%H:%M ngày %d/%m/%Y}" if isinstance(at, datetime) else str(at)
        lines.append(f"- **Đã xem xét:** {markdown_escape(decided['actor'])}, lúc {when} — {markdown_escape(decided['reason'])}")
    if link:
        lines.append(f"- **Bản lưu trữ (tìm kiếm được):** [mở tệp PDF]({link.url}) — liên kết có hiệu lực {link.until_text()}")
    if page_links:
        lines.append("- **Trang:** " + " · ".join(f"[trang {n}]({url})" for n, url in page_links)
                     + (f" — cùng hiệu lực {link.until_text()}" if link else ""))
    if record.problems:
        heading = "Vấn đề hoso đã nêu (cán bộ đã xem xét)" if decided else "Vấn đề"
        lines += ["", f"## {heading}", ""]
        lines += [f"- {markdown_escape(shown_problem(catalogue, record.procedure, p))}" for p in record.problems]
    if record.fields:
        lines += ["", "## Thông tin đọc được", "", "| thông tin | giá trị (đã che) | độ tin cậy | đọc ở |",
                  "|---|---|---:|---|"]
        for name, value in record.fields.items():
            shown = shown_value(catalogue, record.procedure, name, value.value)
            lines.append(f"| {catalogue.field_label(record.procedure, name)} | {markdown_escape(shown)} | "
                         f"{value.confidence or 0:.0%} | {f'trang {value.page}' if value.page else ''} |")
    return "\n".join(lines)


def _file_keys(store: ObjectStore, record: DossierRecord) -> dict[int, str]:
    """Each file's archive key by position: its searchable PDF when OCR made one, else its original."""
    searchable = {o.key for o in store.list("archive", derived_key(record.id, "searchable/"))}
    keys = {}
    for position, f in enumerate(record.files, start=1):
        made = searchable_key(record.id, position)
        keys[position] = made if made in searchable else f.archive_key
    if not keys and searchable:
        keys[1] = sorted(searchable)[0]
    return keys


def archive_link(store: ObjectStore, record: DossierRecord, lifetime: timedelta = DEFAULT_LINK_LIFETIME) -> ArchiveLink | None:
    """The first file's searchable PDF when OCR made one, else its original; valid for ``lifetime`` from now."""
    keys = _file_keys(store, record)
    if not keys:
        return None
    expires_at = datetime.now(timezone.utc) + lifetime
    return ArchiveLink(store.presigned_url("archive", keys[min(keys)], lifetime), expires_at)


def page_links(store: ObjectStore, record: DossierRecord, lifetime: timedelta = DEFAULT_LINK_LIFETIME) -> list[tuple[int, str]]:
    """One short-lived link per page of the dossier (its file's PDF opened at that page), numbered as fields' "đọc ở"."""
    keys = _file_keys(store, record)
    urls = {position: store.presigned_url("archive", key, lifetime) for position, key in keys.items()}
    links = []
    for n, page in enumerate(record.pages, start=1):
        url = urls.get(page.file)
        if url:
            pdf = url.endswith(".pdf") or ".pdf?" in url
            links.append((n, f"{url}#page={page.number}" if pdf else url))
    return links


def publish(
    store: ObjectStore, db_url: str, catalogue: Catalogue, dossier_id: str, today: date | None = None,
    link_lifetime: timedelta = DEFAULT_LINK_LIFETIME, name_prefix: str = "",
) -> str:
    """Name and tag the run for the dossier it carries and leave its artifact; ``today``: in Việt Nam, unless given.

    Run again after an official's decision (flows/review.py), it leaves a new version of the
    same artifact (key ``ho-so-<id>``) saying who settled the dossier and when, with new links.
    """
    today = today or today_in_vietnam()
    with session_scope(db_url) as session:
        dossier = repository.get(session, dossier_id)
        assert dossier is not None
        record = record_of(dossier, with_pages=True)
        history = history_rows(session, dossier_id)
    name = name_prefix + run_name(record)
    if flow_run.id:
        with get_client(sync_client=True) as client:
            kept = [t for t in flow_run.tags if not t.startswith(_DOSSIER_TAGS)]  # a re-publish replaces, never piles up
            client.update_flow_run(flow_run.id, name=name, tags=list(dict.fromkeys([*kept, *run_tags(record)])))
    markdown = dossier_markdown(
        record, catalogue, archive_link(store, record, link_lifetime), today,
        history=history, page_links=page_links(store, record, link_lifetime),
    )
    create_markdown_artifact(markdown=markdown, key=f"ho-so-{dossier_id}", description=name)
    return name


publish_task = task(name="publish", cache_policy=NO_CACHE, **IO_RETRIES)(publish)


EMPTY_POLL_TAG = "tiếp-nhận-rỗng"


def mark_empty_poll() -> None:
    """An intake that found nothing says so in its name and a tag of its own, so the runs list can leave it out.

    Officials look for dossiers; the office saved searches (hoso/orchestration.py) filter by
    office tags, which an empty poll never carries.
    """
    if flow_run.id:
        with get_client(sync_client=True) as client:
            client.update_flow_run(flow_run.id, name="tiếp nhận · không có hồ sơ mới", tags=list(dict.fromkeys([*flow_run.tags, EMPTY_POLL_TAG])))


def nightly_report(results: list[dict[str, Any]], changed: int, summary: OpenSummary) -> str:
    oldest = summary.oldest_overdue
    lines = [
        "# Báo cáo chạy lại hằng đêm",
        "",
        f"- Đã chạy lại: **{len(results)}** hồ sơ, **{changed}** đổi kết quả",
        f"- Còn mở: **{summary.needs_review}** cần xem xét, **{summary.routed_open}** đang ở cơ quan xử lý",
        f"- Quá hạn: **{summary.overdue}**" + (f"; lâu nhất: {oldest[0]}, hạn {oldest[1]:%d/%m/%Y}" if oldest else ""),
    ]
    if results:
        lines += ["", "| hồ sơ | trước | sau |", "|---|---|---|"]
        lines += [f"| {r.get('dossier', '')} | {r.get('before', '')} | {r.get('status', '')} |" for r in results]
    return "\n".join(lines)


def batch_rows(items: list[InboxItem], results: list[dict[str, Any]], waiting: list[Waiting]) -> list[dict[str, str]]:
    """The intake's table: where each dossier came from (station, file type), what became of it."""
    rows = [
        {"nguồn": mask_source(i.source), "hồ sơ": r.get("dossier", ""), "trạng thái": status_label(r.get("status", ""))}
        for i, r in zip(items, results)
    ]
    rows += [{"nguồn": mask_source(w.source), "hồ sơ": "", "trạng thái": f"chờ: {w.reason}"} for w in waiting]
    return rows


def run_link(run_id: str | None) -> str:
    """The dossier's last run in the Prefect UI (its lease holder: the run that settled it), "" when unknown."""
    from prefect.settings import PREFECT_UI_URL

    base = PREFECT_UI_URL.value()
    if not run_id or not base or run_id.startswith("pid-"):
        return ""
    return f"{base.rstrip('/')}/runs/flow-run/{run_id}"


def artifact_link(dossier_id: str) -> str:
    """The dossier's artifact (key ``ho-so-<id>``, its latest version) in the Prefect UI, "" when the UI's address is unknown."""
    from prefect.settings import PREFECT_UI_URL

    base = PREFECT_UI_URL.value()
    return f"{base.rstrip('/')}/artifacts/key/ho-so-{dossier_id}" if base else ""


def office_tables(db_url: str, catalogue: Catalogue, today: date) -> dict[str, list[dict[str, str]]]:
    """Each office's open dossiers (per commune), earliest due first — so the overdue ones lead."""
    tables: dict[str, list[dict[str, str]]] = {}
    with session_scope(db_url) as session:
        for office in catalogue.offices:
            for handoff, dossier in repository.office_queue(session, office.slug):
                row = queue_row(catalogue, handoff, dossier, today)
                key = f"hang-doi-{office.slug}-{handoff.commune or 'chua-ro'}"
                tables.setdefault(key, []).append(
                    {
                        "mã hồ sơ": row["receipt"] or row["id"],
                        "thủ tục": row["procedure_name"] or row["procedure"] or "",
                        "hạn giải quyết": f"{dossier.due:%d/%m/%Y}" if dossier.due else "-",
                        "còn lại": days_left_text(row["days_left"]),
                        "người nộp": row["applicant"] or "",
                        "lượt chạy": run_link(dossier.claimed_by),
                    }
                )
    return tables


def publish_office_tables(db_url: str, catalogue: Catalogue, today: date) -> int:
    tables = office_tables(db_url, catalogue, today)
    for key, rows in tables.items():
        create_table_artifact(key=key, table=rows, description=f"Hồ sơ đang chờ giải quyết, ngày {today:%d/%m/%Y} — quá hạn ở trên cùng")
    return len(tables)


office_tables_task = task(name="office-tables", cache_policy=NO_CACHE, **IO_RETRIES)(publish_office_tables)
