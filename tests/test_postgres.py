"""The production databases on PostgreSQL: hoso's metadata database and the Prefect server's."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import uuid
from datetime import date, timedelta
from pathlib import Path

import pytest

from storage import repository
from storage.database import migrate, session_scope

pytestmark = pytest.mark.slow


def test_migrations_and_concurrent_receipts_on_postgres(postgres) -> None:
    url = postgres.create_database("h" + uuid.uuid4().hex[:8])
    migrate(url)
    migrate(url)
    numbers: list[int] = []

    def take() -> None:
        for _ in range(20):
            with session_scope(url) as s:
                numbers.append(repository.next_receipt_sequence(s, "000.00.00.H30", date(2026, 11, 25)))

    threads = [threading.Thread(target=take) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(numbers) == list(range(1, 81))
    with session_scope(url) as s:
        d, _ = repository.register(s, source="q/a.pdf", identity="q/a.pdf@1", station="q", actor="test")
    wins = []

    def grab(owner: str) -> None:
        with session_scope(url) as s:
            wins.append(repository.claim(s, d.id, owner, timedelta(minutes=5)))

    grabbers = [threading.Thread(target=grab, args=(f"run-{i}",)) for i in range(8)]
    for t in grabbers:
        t.start()
    for t in grabbers:
        t.join()
    assert wins.count(True) == 1


def test_pipeline_end_to_end_on_postgres(prefect_server, postgres, hoso_settings, monkeypatch, tmp_path) -> None:
    from flows.intake import intake
    from core.settings import get_settings
    from hoso.submit import submit_path
    from samples.corpus import generate_demo

    monkeypatch.setenv("HOSO_DATABASE_URL", postgres.create_database("h" + uuid.uuid4().hex[:8]))
    get_settings.cache_clear()
    settings = get_settings()
    from storage.objects import ObjectStore

    store = ObjectStore.from_settings(settings)
    store.ensure_buckets()
    cases = generate_demo(tmp_path / "demo")
    sources = {submit_path(store, c.files[0], "quay-1"): c for c in cases}
    intake()
    if list(store.list("inbox")):
        # A child run that failed (the test Prefect server answered 503 once on a loaded machine) leaves its
        # file in the inbox for the next intake, as the schedule's next run a minute later would take it.
        intake()
    with session_scope(settings.database_url) as s:
        records = {d.source: repository.as_json(d) for d in repository.list_all(s)}
    assert set(records) == set(sources)
    for source, case in sources.items():
        assert records[source]["status"] == case.expected["status"]
        assert records[source]["fields"]["applicant_id"] == case.expected["applicant_id"]
    assert list(store.list("inbox")) == []


def test_prefect_server_runs_on_postgres(postgres, tmp_path: Path) -> None:
    """HOSO_PREFECT_DATABASE_URL puts the stack's Prefect server on PostgreSQL, and a flow run is recorded there."""
    from tests.conftest import _free_port

    from hoso import stack
    from core.settings import Settings

    db = postgres.create_database("prefect" + uuid.uuid4().hex[:6], driver="asyncpg")
    settings = Settings(home=tmp_path, prefect_port=_free_port(), prefect_database_url=db)
    env = {**{k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}, **stack.prefect_env(settings)}
    assert "PREFECT_API_DATABASE_CONNECTION_URL" not in env  # the clients never see the database's address
    stack.start(settings, stack.prefect_server(settings), timeout_s=120)
    try:
        code = (
            "from prefect import flow\n"
            "@flow(name='kiem-tra-postgres')\n"
            "def f():\n    return 'xong'\n"
            "assert f() == 'xong'\n"
            "from prefect.client.orchestration import get_client\n"
            "with get_client(sync_client=True) as c:\n"
            "    runs = c.read_flow_runs()\n"
            "    assert [r.state_name for r in runs] == ['Completed'], runs\n"
            "    print(c.api_url)\n"
        )
        done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=180)
        assert done.returncode == 0, done.stdout + done.stderr
    finally:
        stack.stop(settings, "prefect-server")
    import psycopg

    with psycopg.connect(db.replace("postgresql+asyncpg", "postgresql")) as conn:
        names = [r[0] for r in conn.execute("select name from flow")]
    assert "kiem-tra-postgres" in names  # the run really lives in PostgreSQL
