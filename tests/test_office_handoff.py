"""Hand-off beyond the bucket: the office's webhook is called, and each office gets its daily list."""

from __future__ import annotations

import json
import shutil
import threading
from datetime import date, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import yaml

from core.settings import get_settings
from hoso.submit import submit_path
from storage import repository
from storage.database import session_scope

pytestmark = pytest.mark.slow


class _Receiver(BaseHTTPRequestHandler):
    received: list[dict] = []
    failures_left = 1  # the first call fails: the task must retry

    def do_POST(self) -> None:  # noqa: N802
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        if _Receiver.failures_left > 0:
            _Receiver.failures_left -= 1
            self.send_response(503)
        else:
            _Receiver.received.append(body)
            self.send_response(204)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


def test_webhook_and_daily_office_tables(prefect_server, hoso_settings, store, tmp_path: Path, monkeypatch) -> None:
    from prefect.client.orchestration import get_client

    from domain import catalogue as catalogue_module
    from flows.intake import intake
    from flows.office_report import office_report
    from samples.corpus import generate_demo

    server = ThreadingHTTPServer(("127.0.0.1", 0), _Receiver)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    data = tmp_path / "catalogue"
    shutil.copytree(Path(catalogue_module.__file__).parent / "data", data)
    offices = yaml.safe_load((data / "offices.yaml").read_text(encoding="utf-8"))
    for office in offices["offices"]:
        if office["slug"] == "ubnd-van-phong":
            office["webhook"] = f"http://127.0.0.1:{server.server_port}/hoso"
    (data / "offices.yaml").write_text(yaml.safe_dump(offices, allow_unicode=True), encoding="utf-8")
    monkeypatch.setenv("HOSO_CATALOGUE_DIR", str(data))
    get_settings.cache_clear()

    cases = generate_demo(tmp_path / "demo")
    for case in cases:
        submit_path(store, case.files[0], "quay-1")
    intake()
    server.shutdown()
    with session_scope(hoso_settings.database_url) as s:
        dossiers = repository.list_all(s)
        routed_here = {d.id for d in dossiers if d.status == "routed" and d.office == "ubnd-van-phong"}
        overdue = next(d for d in dossiers if d.status == "routed")
        overdue.due = date.today() - timedelta(days=3)  # one dossier runs late
        overdue_receipt = overdue.receipt
    assert routed_here and {b["dossier"] for b in _Receiver.received} == routed_here
    posted = json.dumps(_Receiver.received, ensure_ascii=False)
    for case in cases:
        assert str(case.expected["applicant_id"]) not in posted and str(case.expected["applicant_name"]) not in posted

    assert office_report() >= 1
    with get_client(sync_client=True) as client:
        tables = {a.key: a for a in client.read_artifacts() if a.key and a.key.startswith("hang-doi-")}
    assert tables
    late = next(t for t in tables.values() if overdue_receipt in str(t.data))
    rows = json.loads(late.data) if isinstance(late.data, str) else late.data
    assert rows[0]["mã hồ sơ"] == overdue_receipt and rows[0]["còn lại"].startswith("quá hạn")
