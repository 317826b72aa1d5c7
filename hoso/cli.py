"""`hoso`: the command line of scan stations, officials and operators.

Exit codes mean one thing each: 0 done, 1 unexpected failure, 2 usage,
3 configuration, 4 bad input, 5 storage, 6 the local stack.
"""

from __future__ import annotations

import json
import sys
from contextlib import nullcontext
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from pydantic import SecretStr
from rich.console import Console
from rich.table import Table

from core.errors import HosoError, StackError
from core.settings import Settings, get_settings
from domain.vocabulary import status_label
from hoso.cli_common import on_stack_prefect, ready_database, ready_store, stack_is_up

if TYPE_CHECKING:
    from storage.records import DossierRecord

app = typer.Typer(help="hoso — tiếp nhận, số hoá và chuyển hồ sơ thủ tục hành chính.", no_args_is_help=True, pretty_exceptions_enable=False)
console = Console(width=None if sys.stdout.isatty() else 150)


@app.command()
def up() -> None:
    """Khởi động hệ thống cục bộ chạy nền (máy chủ S3, máy chủ Prefect, worker, bộ nhận sự kiện) và áp dụng prefect.yaml."""
    from hoso import stack

    settings = get_settings()
    stack.prepare(settings)
    for service in stack.services(settings):
        # The Prefect server migrates its database and loads its services before it listens: on a
        # loaded machine that has taken over 90 s.
        pid = stack.start(settings, service, timeout_s=240 if service.name == "prefect-server" else 90)
        console.print(f"[green]✓[/] {service.name} (pid {pid})")
        if service.name == "s3":
            stack.ready_buckets(settings)
        if service.name == "prefect-server":
            stack.deploy(settings)
            console.print("[green]✓[/] deployments từ prefect.yaml")
            _apply_automations(settings)
    ready_store(settings)
    ready_database(settings)
    console.print(f"Giao diện Prefect: http://127.0.0.1:{settings.prefect_port}")
    console.print(f"Cổng dịch vụ công cho người dân: {settings.portal_url}")


def _apply_automations(settings: Settings) -> None:
    from domain.catalogue_loading import default_catalogue
    from hoso.orchestration import ensure_automations, ensure_intake_interval, ensure_ocr_limit, ensure_saved_searches
    from tasks.extract_text import ocr_limit_name

    with on_stack_prefect(settings):
        for name in ensure_automations():
            console.print(f"[green]✓[/] automation «{name}»")
        if ensure_intake_interval(settings.intake_poll_s):
            console.print(f"[green]✓[/] tiếp nhận dự phòng: mỗi {settings.intake_poll_s} giây")
        queues = ensure_saved_searches(default_catalogue())
        console.print(f"[green]✓[/] {len(queues)} bộ lọc đã lưu trong giao diện Prefect ({queues[0]}, …)" if queues else "")
        if ensure_ocr_limit(settings.ocr_workers, settings.ocr_machine):
            console.print(f"[green]✓[/] giới hạn đồng thời «{ocr_limit_name(settings.ocr_machine)}»: {settings.ocr_workers} trang OCR cùng lúc")


@app.command()
def down() -> None:
    """Dừng hệ thống cục bộ (dữ liệu vẫn giữ trong HOSO_HOME)."""
    from hoso import stack

    settings = get_settings()
    for service in reversed(stack.services(settings)):
        stopped = stack.stop(settings, service.name)
        console.print(f"{'■' if stopped else '·'} {service.name}{' đã dừng' if stopped else ' không chạy'}")


@app.command()
def status() -> None:
    """Trạng thái từng phần của hệ thống cục bộ và địa chỉ giao diện Prefect."""
    from hoso import stack

    settings = get_settings()
    table = Table("phần", "pid", "cổng", "trạng thái")
    for service in stack.services(settings):
        pid = stack.running_pid(settings, service.name)
        listening = stack.port_open(service.port) if service.port else bool(pid)
        table.add_row(service.name, str(pid or "-"), str(service.port or "-"), "[green]chạy[/]" if pid and listening else "[red]dừng[/]")
    console.print(table)
    console.print(f"HOSO_HOME: {settings.home}")
    console.print(f"Giao diện Prefect: http://127.0.0.1:{settings.prefect_port} (đăng nhập bằng chuỗi xác thực trong HOSO_HOME/secrets/stack.json)")
    for warning in stack.exposure_warnings(settings):
        console.print(f"[red]⚠ {warning}[/]")
    console.print(f"Cổng dịch vụ công cho người dân: {settings.portal_url}")


@app.command()
def submit(
    paths: Annotated[list[Path], typer.Argument(help="tệp (mỗi tệp một hồ sơ) hoặc thư mục (một hồ sơ nhiều tệp)")],
    station: Annotated[str, typer.Option(help="tên trạm quét (thư mục trong hộp thư đến)")] = "quay-1",
) -> None:
    """Đưa hồ sơ vào hộp thư đến, như một trạm quét."""
    from hoso.submit import submit_path

    store = station_store(get_settings(), station)
    for path in paths:
        console.print(f"→ {submit_path(store, path, station)}")


def station_store(settings: Settings, station: str) -> Any:
    """The inbox as the station sees it: with the station's own key when this machine holds one
    (``HOSO_CREDENTIALS_FILE`` on a station's machine, or `hoso station add` on the local stack),
    else with the operator's key (the buckets made first)."""
    from hoso.identities import station_identity
    from storage.objects import ObjectStore

    if settings.credentials_file is not None:
        return ObjectStore.from_settings(settings)
    identity = station_identity(settings, station)
    if identity is None:
        return ready_store(settings)
    return ObjectStore.from_settings(settings.model_copy(update={"s3_access_key": identity.access_key, "s3_secret_key": SecretStr(identity.secret_key)}))


def run_intake(settings: Settings, *, here: bool = False) -> dict[str, int]:
    """Process the inbox now and wait: on the stack's workers when it is up, else in this process.

    On the stack the intake run hands its batch to the work pool in groups and waits for
    them (flows/intake.py); ``here`` runs the intake and its dossiers in this process.
    Returns how many dossiers this run settled, by status: those whose lease holder is
    one of this intake run's own ``process-dossier`` runs, its grandchildren through the
    groups (a dossier keeps its holder's name when settled), read back from the database,
    since a flow run's return value is not kept by the server. Dossiers another run
    settled meanwhile are not counted.
    """
    stack_up = stack_is_up(settings)
    if here or not stack_up:
        from flows.intake import intake

        with on_stack_prefect(settings) if stack_up else nullcontext():
            outcome = intake(spread=False, return_state=True)
            if not outcome.is_completed():
                outcome.result()  # raises what the run raised
            return _settled_by_descendants(settings, outcome.state_details.flow_run_id)
    else:
        from prefect.deployments import run_deployment

        with on_stack_prefect(settings):
            flow_run = run_deployment("intake/intake", timeout=None, poll_interval=1, as_subflow=False)
        if not flow_run.state or not flow_run.state.is_completed():
            state = flow_run.state.name if flow_run.state else "?"
            raise StackError(f"Lượt tiếp nhận «{flow_run.name}» kết thúc ở trạng thái {state}; xem giao diện Prefect.")
        with on_stack_prefect(settings):
            return _settled_by_descendants(settings, flow_run.id)


def _settled_by_descendants(settings: Settings, run_id: Any) -> dict[str, int]:
    """Count the dossiers settled by the intake run's descendants (its dossier runs, or its groups' dossier runs).

    A child is found by its parent task run, which lives in its parent run. A subflow's
    flow run row is written by the API at once, its parent task run only when the server
    has taken in its events (Prefect 3 records task runs from events), so this waits a
    bounded while for every parent to be known instead of trusting an early answer.
    """
    import time

    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import (
        FlowRunFilter, FlowRunFilterParentTaskRunId, FlowRunFilterStartTime, TaskRunFilter, TaskRunFilterId,
    )

    from storage import repository
    from storage.database import session_scope

    with get_client(sync_client=True) as client:
        intake_run = client.read_flow_run(run_id)
        since = FlowRunFilterStartTime(after_=intake_run.start_time) if intake_run.start_time else None
        candidates: dict[str, str] = {}  # subflow run id -> its parent task run id
        subflows = FlowRunFilter(parent_task_run_id=FlowRunFilterParentTaskRunId(is_null_=False), start_time=since)
        while page := client.read_flow_runs(flow_run_filter=subflows, limit=200, offset=len(candidates)):
            candidates.update({str(r.id): str(r.parent_task_run_id) for r in page})
        parents: dict[str, str] = {}  # parent task run id -> the flow run it belongs to
        wanted = sorted(set(candidates.values()))
        deadline = time.monotonic() + 30
        while True:
            for start in range(0, len(wanted), 200):
                ids = [i for i in wanted[start : start + 200] if i not in parents]
                if ids:
                    found = client.read_task_runs(task_run_filter=TaskRunFilter(id=TaskRunFilterId(any_=ids)), limit=200)
                    parents.update({str(t.id): str(t.flow_run_id) for t in found})
            if len(parents) == len(wanted) or time.monotonic() > deadline:
                break
            time.sleep(0.5)
    below: dict[str, list[str]] = {}  # flow run id -> its subflow runs
    for child, parent_task in candidates.items():
        if parent_task in parents:
            below.setdefault(parents[parent_task], []).append(child)
    descendants, todo = [], [str(run_id)]
    while todo:
        for child in below.get(todo.pop(), []):
            descendants.append(child)
            todo.append(child)
    with session_scope(ready_database(settings)) as session:
        return repository.count_settled_by(session, descendants)


@app.command()
def run(here: Annotated[bool, typer.Option(help="chạy trong tiến trình này thay vì trên worker của hệ thống")] = False) -> None:
    """Xử lý ngay mọi hồ sơ đang chờ trong hộp thư đến và chờ đến khi xong."""
    counts = run_intake(get_settings(), here=here)
    console.print(f"Đã xử lý {sum(counts.values())} hồ sơ.")
    for status_name, count in sorted(counts.items()):
        console.print(f"  {status_label(status_name)}: {count}")


@app.command()
def worker(
    name: Annotated[str | None, typer.Option(help="tên worker trong Prefect (mặc định hoso-<tên máy>; hai worker trên một máy cần hai tên)")] = None,
    intake: Annotated[bool, typer.Option("--intake", help="nhận cả hàng đợi «intake» (lượt tiếp nhận chờ các nhóm của nó); một máy trong hệ thống làm việc này, khi không chạy `hoso up`")] = False,
) -> None:
    """Chỉ khởi động một worker nối vào hệ thống đã có (HOSO_PREFECT_URL, HOSO_S3_ENDPOINT, HOSO_CREDENTIALS_FILE), chạy đến khi bị dừng.

    Its secrets come as every part's do (hoso/identities.py): from its credentials file, a copy of
    the stack's ``HOSO_HOME/secrets/worker.json`` on another machine (``HOSO_CREDENTIALS_FILE``),
    or that file itself on the stack's own machine. Only the file's path reaches the worker's
    environment; the Prefect auth string goes into this machine's Prefect profile (0600).
    """
    import os
    import socket

    from hoso import stack
    from hoso.identities import ensure_worker_profile, part_credentials_file
    from hoso.orchestration import ensure_ocr_limit

    settings = get_settings()
    credentials = settings.credentials_file or part_credentials_file(settings, "worker")
    if not credentials.exists():
        raise StackError(
            f"Worker cần tệp bí mật của worker: đặt HOSO_CREDENTIALS_FILE là bản sao của HOSO_HOME/secrets/worker.json "
            f"trên máy chạy `hoso up` (không thấy «{credentials}»)."
        )
    if settings.credentials_file is None:
        settings = Settings(credentials_file=credentials)
    check_worker_parts(settings)  # S3 and the database answer with the worker's own logins, or one sentence says which does not
    ensure_worker_profile(settings)
    with on_stack_prefect(settings):
        ensure_ocr_limit(settings.ocr_workers, settings.ocr_machine)  # this machine's own OCR limit, `ocr-<host>`
    service = stack.worker(settings, name or f"hoso-{socket.gethostname()}", credentials, runs_intake=intake)
    queues = "«default» và «intake»" if intake else "«default»"
    console.print(
        f"Worker «{service.argv[service.argv.index('--name') + 1]}» → {settings.prefect_api_url}, nhóm worker «{stack.WORK_POOL}», "
        f"hàng đợi {queues}, tối đa {service.argv[service.argv.index('--limit') + 1]} lượt chạy cùng lúc"
    )
    sys.stdout.flush()
    os.chdir(service.cwd or ".")
    # The worker is this process: a signal to it stops the worker. No secret of the operator's shell is handed down.
    os.execve(service.argv[0], service.argv, {**stack.inherited_env(), **service.env})


def check_worker_parts(settings: Settings) -> None:
    """The object store and the database, as the worker reaches them: one read each, no bucket made, no migration."""
    from sqlalchemy import text

    from storage.database import engine_for
    from storage.objects import ObjectStore

    try:
        ObjectStore.from_settings(settings).stat("archive", "hoso-worker-check")
    except Exception as exc:  # noqa: BLE001 - any failure is told as one sentence
        raise StackError(f"Worker không đọc được kho S3 {settings.s3_endpoint} bằng khoá của nó: {exc}") from exc
    assert settings.database_url
    try:
        with engine_for(settings.database_url).connect() as connection:
            connection.execute(text("SELECT 1"))
    except Exception as exc:  # noqa: BLE001
        raise StackError(f"Worker không kết nối được cơ sở dữ liệu: {type(exc).__name__}") from exc


@app.command(name="reprocess")
def reprocess_command() -> None:
    """Chạy ngay việc xử lý lại hằng đêm, trong tiến trình này."""
    from flows.reprocess import reprocess

    result = reprocess()
    console.print(f"Chạy lại {result['reprocessed']} hồ sơ, {result['changed']} đổi kết quả.")


@app.command(name="list")
def list_command(
    as_json: Annotated[bool, typer.Option("--json", help="mỗi dòng một đối tượng JSON")] = False,
    status_filter: Annotated[list[str] | None, typer.Option("--status", help="chỉ các trạng thái này")] = None,
) -> None:
    """Liệt kê hồ sơ."""
    from storage import repository
    from storage.database import session_scope

    from storage.records import record_of

    with session_scope(ready_database(get_settings())) as session:
        records = [record_of(d) for d in repository.list_all(session, status_filter)]
    if as_json:
        for record in records:
            sys.stdout.write(json.dumps(record.as_json(), ensure_ascii=False) + "\n")
        return
    console.print(summary_table(records))


@app.command()
def show(
    dossier: str,
    as_json: Annotated[bool, typer.Option("--json", help="JSON cho máy đọc (vẫn che thông tin cá nhân)")] = False,
    clear: Annotated[bool, typer.Option("--clear", help="hiện giá trị rõ; việc xem được ghi vào lịch sử hồ sơ")] = False,
) -> None:
    """Xem một hồ sơ (mã hồ sơ hoặc phần đầu duy nhất của mã): tóm tắt tiếng Việt, thông tin cá nhân đã che.

    Masked by default, in both faces: the terminal is read at a shared desk and its output
    pasted into chats. ``--clear`` shows values as stored, and leaves a line in the dossier's
    history (who, when) and in the log, so that looking is accountable.
    """
    import getpass
    import logging

    from domain.catalogue_loading import default_catalogue
    from storage import repository
    from storage.database import session_scope
    from tasks.publish import history_rows

    with session_scope(ready_database(get_settings())) as session:
        found = repository.get(session, dossier) or repository.find_by_prefix(session, dossier)
        if found is None:
            console.print(f"[red]Không có hồ sơ «{dossier}».[/]")
            raise typer.Exit(2)
        if clear:
            who = getpass.getuser()
            repository.note(session, found, actor=f"người dùng máy {who}", reason="xem giá trị rõ bằng `hoso show --clear`")
            logging.getLogger("hoso.access").warning("%s xem giá trị rõ của hồ sơ %s (hoso show --clear)", who, found.id)
            session.flush()
        row = repository.as_json(repository.get(session, found.id), with_pages=True)  # type: ignore[arg-type]
        history = history_rows(session, found.id)
    row["history"] = [{**h, "at": h["at"].isoformat()} for h in history]
    catalogue = default_catalogue()
    if not clear:
        row = masked_record(row, catalogue)
    if as_json:
        sys.stdout.write(json.dumps(row, ensure_ascii=False, indent=2) + "\n")
        return
    console.print(dossier_summary(row, catalogue, history, masked=not clear))


def masked_record(row: dict[str, Any], catalogue: Any) -> dict[str, Any]:
    """The record with every personal value masked: fields by kind, messages by what they quote, no file names or page text."""
    from core.masking import mask_free_text, mask_source
    from storage.records import ProblemRecord
    from tasks.publish import shown_problem, shown_value

    procedure = row["procedure"]
    out = dict(row)
    out["source"] = mask_source(row["source"])
    out["fields"] = {k: shown_value(catalogue, procedure, k, v) for k, v in row["fields"].items()}
    out["problems"] = [{**p, "message": shown_problem(catalogue, procedure, ProblemRecord(**p))} for p in row["problems"]]
    if "files" in row:
        out["files"] = [{**f, "name": f"tệp {i}", "archive_key": f["archive_key"]} for i, f in enumerate(row["files"], start=1)]
    if "pages" in row:
        out["pages"] = [{**p, "text": None, "text_chars": len(p["text"] or "")} for p in row["pages"]]
    if "history" in row:
        source = row["source"]  # the intake's first line names it: the file name may be a person's
        out["history"] = [{**h, "reason": mask_free_text((h["reason"] or "").replace(source, mask_source(source)))} for h in row["history"]]
    return out


def dossier_summary(row: dict[str, Any], catalogue: Any, history: list[dict[str, Any]], *, masked: bool) -> Table:
    """`hoso show` for people: what the dossier is, where it went, what is wrong, what was read, what happened."""
    from domain.deadlines import local_time

    procedure = row["procedure"]
    table = Table(show_header=False, box=None, pad_edge=False)
    table.add_column(style="bold")
    table.add_column()
    table.add_row("Hồ sơ", f"{row['receipt'] or '-'} (mã {row['id']})")
    table.add_row("Thủ tục", catalogue.procedure(procedure).name if procedure else "chưa nhận dạng được")
    where = catalogue.office_name(row["office"], row["commune"]) if row["office"] and row["commune"] else "chưa xác định"
    table.add_row("Nơi nhận", where)
    table.add_row("Trạng thái", status_label(row["status"]))
    table.add_row("Hạn giải quyết", row["due"] or "-")
    table.add_row("Nguồn", row["source"])
    for i, p in enumerate(row["problems"]):
        table.add_row("Vấn đề" if i == 0 else "", p["message"])
    confidence = row.get("field_confidence", {})
    for i, (name, value) in enumerate(row["fields"].items()):
        sure = confidence.get(name)
        table.add_row("Thông tin" if i == 0 else "", f"{catalogue.field_label(procedure, name)}: {value or '(trống)'}" + (f" ({sure:.0%})" if sure is not None else ""))
    for i, h in enumerate(row.get("history", [])):
        at = history[i]["at"] if i < len(history) else None
        when = f"{local_time(at):%d/%m/%Y %H:%M}" if at else ""
        table.add_row("Lịch sử" if i == 0 else "", f"{when} {status_label(h['from'] or '') if h['from'] else '-'} → {status_label(h['to'])} · {h['actor']}" + (f" · {h['reason']}" if h["reason"] else ""))
    table.add_row("", "[dim]thông tin cá nhân đã che; `--clear` để xem giá trị rõ (được ghi lại)[/]" if masked else "[yellow]giá trị rõ — việc xem đã được ghi vào lịch sử hồ sơ[/]")
    return table


def summary_table(records: list[DossierRecord]) -> Table:
    """The dossiers for people: problems by their (masked) messages, the source by station and file type only."""
    from core.masking import mask_name, mask_source
    from domain.catalogue_loading import default_catalogue
    from tasks.publish import shown_problem

    catalogue = default_catalogue()
    table = Table("hồ sơ", "nguồn", "thủ tục", "cơ quan", "xã/phường", "trạng thái", "người nộp", "vấn đề")
    for r in records:
        name = r.value("applicant_name")
        table.add_row(
            r.id[:8], mask_source(r.source), r.procedure or "-", r.office or "-", r.commune or "-",
            status_label(r.status), mask_name(name) if name else "-",
            "\n".join(shown_problem(catalogue, r.procedure, p) for p in r.problems) or "-",
        )
    return table


@app.command()
def demo(
    out: Annotated[Path | None, typer.Option(help="nơi ghi hồ sơ mẫu")] = None,
) -> None:
    """Tạo hồ sơ mẫu, khởi động hệ thống, nộp và xử lý chúng, rồi in bảng tóm tắt."""
    from samples.corpus import generate_demo
    from storage.records import record_of
    from hoso.submit import submit_path
    from storage import repository
    from storage.database import session_scope

    settings = get_settings()
    from hoso.cli_station import ensure_station

    up()
    ensure_station(settings, "quay-1")  # the demo's scan station, with its own key
    out_dir = out or settings.home / "samples" / "demo"
    cases = generate_demo(out_dir)
    store = station_store(settings, "quay-1")
    sources = []
    for case in cases:
        for f in case.files:
            sources.append(submit_path(store, f, "quay-1"))
    console.print(f"Đã nộp {len(sources)} hồ sơ mẫu vào hộp thư đến.")
    run_intake(settings)
    with session_scope(ready_database(settings)) as session:
        records = [record_of(d) for d in repository.list_all(session) if d.source in sources]
    console.print(summary_table(records))
    console.print(f"Xem các lượt chạy trong giao diện Prefect: http://127.0.0.1:{settings.prefect_port}/runs")
    console.print(f"Người dân nộp và tra cứu hồ sơ tại cổng dịch vụ công: {settings.portal_url}")


app.add_typer(__import__("hoso.cli_events", fromlist=["app"]).app, name="events")
app.add_typer(__import__("hoso.cli_office", fromlist=["app"]).app, name="office")
app.add_typer(__import__("hoso.cli_station", fromlist=["app"]).app, name="station")
app.add_typer(__import__("hoso.cli_db", fromlist=["app"]).app, name="db")
app.add_typer(__import__("hoso.cli_portal", fromlist=["app"]).app, name="portal")


from hoso.cli_bench import bench_app  # noqa: E402

app.add_typer(bench_app, name="bench")


def _report(exc: HosoError) -> None:
    console.print(f"[red]{exc.code}: {exc.message}[/]")
    if exc.detail:
        console.print(exc.detail)


def main() -> None:
    """Every failure a user can act on ends in one Vietnamese sentence and its exit code, never a traceback:
    a part of the stack that does not answer (a connection refused deep inside Prefect's client, minio or
    SQLAlchemy) is named, with exit code 6."""
    try:
        app()
    except HosoError as exc:
        _report(exc)
        raise SystemExit(exc.exit_code) from exc
    except Exception as exc:
        from hoso.stack import unreachable

        error = unreachable(exc, get_settings())
        if error is None:
            raise
        _report(error)
        raise SystemExit(error.exit_code) from exc


if __name__ == "__main__":
    main()
