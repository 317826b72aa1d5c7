"""`hoso office …`: an office's queue of routed dossiers, and closing one when it is settled.

The queue is the office's open hand-offs (``handoff.closed_at`` empty), earliest
due date first, so what is overdue or due today is on top. Applicant names are
shown as initials only: the queue is read at a shared desk and pasted into chats.
"""

from __future__ import annotations

import getpass
import json
import sys
from datetime import date
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.table import Table

from domain.deadlines import today_in_vietnam
from domain.vocabulary import days_left_text, status_label
from tasks.office_queue import queue_row

if TYPE_CHECKING:
    from domain.catalogue import Catalogue

app = typer.Typer(help="Hàng chờ hồ sơ của từng cơ quan: xem theo hạn giải quyết, đánh dấu đã giải quyết.", no_args_is_help=True)
console = Console(width=None if sys.stdout.isatty() else 150)
errors = Console(stderr=True, soft_wrap=True)  # a message is one line, whatever the terminal


def _fail(message: str) -> typer.Exit:
    errors.print(f"[red]{message}[/]")
    return typer.Exit(2)


def _catalogue() -> Catalogue:
    from domain.catalogue_loading import default_catalogue

    return default_catalogue()


def check_office(catalogue: Catalogue, office: str) -> str:
    """The office slug, or a usage error naming the offices the catalogue knows."""
    if office in {o.slug for o in catalogue.offices}:
        return office
    known = ", ".join(f"{o.slug} ({o.name})" for o in catalogue.offices)
    raise _fail(f"Không có cơ quan «{office}». Các cơ quan: {known}.")


def check_commune(catalogue: Catalogue, commune: str) -> str:
    """A commune slug, or a name such as "Hoàn Kiếm" / "phường Hoàn Kiếm" resolved to its slug."""
    if commune in {c.slug for c in catalogue.communes}:
        return commune
    found = catalogue.find_commune(commune)
    if found is not None:
        return found.slug
    known = ", ".join(c.slug for c in catalogue.communes)
    raise _fail(f"Không có xã/phường «{commune}». Các mã xã/phường: {known}.")


@app.command()
def queue(
    office: Annotated[str, typer.Argument(help="mã cơ quan, ví dụ cong-an")],
    commune: Annotated[str | None, typer.Option(help="chỉ xã/phường này (mã hoặc tên)")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="mỗi dòng một đối tượng JSON")] = False,
) -> None:
    """Liệt kê hồ sơ đang chờ của một cơ quan, hạn gần nhất trước (quá hạn ở trên, chưa có hạn ở cuối)."""
    from core.settings import get_settings
    from hoso.cli_common import ready_database
    from storage import repository
    from storage.database import session_scope

    catalogue = _catalogue()
    office = check_office(catalogue, office)
    commune_slug = check_commune(catalogue, commune) if commune else None
    today = today_in_vietnam()
    with session_scope(ready_database(get_settings())) as session:
        rows = [queue_row(catalogue, h, d, today) for h, d in repository.office_queue(session, office, commune_slug)]
    if as_json:
        for row in rows:
            sys.stdout.write(json.dumps(row, ensure_ascii=False) + "\n")
        return
    where = f" — {catalogue.commune(commune_slug).display_name}" if commune_slug else ""
    if not rows:
        console.print(f"{catalogue.office(office).name}{where}: không có hồ sơ nào đang chờ.")
        return
    overdue = sum(1 for r in rows if r["overdue"])
    table = Table("mã hồ sơ", "hồ sơ", "thủ tục", "xã/phường", "hạn", "thời hạn", "người nộp", title=f"{catalogue.office(office).name}{where}: {len(rows)} hồ sơ đang chờ, {overdue} quá hạn")
    for r in rows:
        due = date.fromisoformat(r["due"]).strftime("%d/%m/%Y") if r["due"] else "-"
        left = days_left_text(r["days_left"])
        table.add_row(
            r["receipt"] or "-", r["id"][:8], r["procedure_name"] or r["procedure"] or "-", r["commune_name"] or r["commune"] or "-",
            due, f"[red]{left}[/]" if r["overdue"] else left, r["applicant"] or "-",
        )
    console.print(table)


@app.command()
def done(
    dossier: Annotated[str, typer.Argument(help="mã hồ sơ hoặc phần đầu đủ phân biệt của nó")],
    by: Annotated[str | None, typer.Option(help="người giải quyết (mặc định: tên đăng nhập)")] = None,
) -> None:
    """Đánh dấu hồ sơ đã giải quyết: hồ sơ rời hàng chờ của cơ quan, lịch sử kết thúc bằng `done`."""
    from core.settings import get_settings
    from hoso.cli_common import ready_database
    from storage import repository
    from storage.database import session_scope

    catalogue = _catalogue()
    actor = by or _login_name()
    with session_scope(ready_database(get_settings())) as session:
        found = repository.get(session, dossier) or repository.find_by_prefix(session, dossier)
        if found is None:
            raise _fail(f"Không có hồ sơ «{dossier}» (hoặc mã rút gọn trùng nhiều hồ sơ).")
        closed = repository.settle(session, found, actor=actor)
        if not closed:
            status = status_label(found.status)
            raise _fail(f"Hồ sơ {found.id[:8]} không nằm trong hàng chờ của cơ quan nào (trạng thái: {status}).")
        label = found.receipt or found.id[:8]
        office = closed[0].office
    office_name = next((o.name for o in catalogue.offices if o.slug == office), office)
    console.print(f"[green]✓[/] Hồ sơ {label}: {status_label('done')}, đã rời hàng chờ của {office_name}.")


@app.command()
def returned(
    dossier: Annotated[str, typer.Argument(help="mã hồ sơ hoặc phần đầu đủ phân biệt của nó")],
    by: Annotated[str | None, typer.Option(help="người trả kết quả (mặc định: tên đăng nhập)")] = None,
) -> None:
    """Ghi nhận đã trả kết quả cho công dân (sau `done`): trang tra cứu của người dân hiện «Đã trả kết quả»."""
    from core.settings import get_settings
    from hoso.cli_common import ready_database
    from storage import repository
    from storage.database import session_scope

    with session_scope(ready_database(get_settings())) as session:
        found = repository.get(session, dossier) or repository.find_by_prefix(session, dossier)
        if found is None:
            raise _fail(f"Không có hồ sơ «{dossier}» (hoặc mã rút gọn trùng nhiều hồ sơ).")
        if not repository.hand_over(session, found, actor=by or _login_name()):
            raise _fail(f"Hồ sơ {found.id[:8]} chưa giải quyết xong (trạng thái: {status_label(found.status)}); chạy `hoso office done` trước.")
        label = found.receipt or found.id[:8]
    console.print(f"[green]✓[/] Hồ sơ {label}: {status_label('returned')}.")


def _login_name() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no passwd entry (some containers)
        return "cli"
