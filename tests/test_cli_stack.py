"""`hoso up / submit / run / list / show / status / down` as a user runs them: a whole local
stack (weed mini, Prefect server, a process worker with prefect.yaml's deployments) in its
own HOSO_HOME on free ports, beside anything else running."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import stack_environment

pytestmark = pytest.mark.slow
HOSO = str(Path(sys.executable).parent / "hoso")


@pytest.fixture(scope="module")
def stack_env(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    env = stack_environment(tmp_path_factory.mktemp("stack"))
    up = subprocess.run([HOSO, "up"], env=env, capture_output=True, text=True, timeout=240)
    assert up.returncode == 0, up.stdout + up.stderr
    yield env
    subprocess.run([HOSO, "down"], env=env, capture_output=True, text=True, timeout=120)


def hoso(env: dict[str, str], *args: str, timeout: float = 300) -> str:
    done = subprocess.run([HOSO, *args], env=env, capture_output=True, text=True, timeout=timeout)
    assert done.returncode == 0, f"hoso {' '.join(args)} → {done.returncode}\n{done.stdout}\n{done.stderr}"
    return done.stdout


def test_status_shows_every_part_running(stack_env) -> None:
    out = hoso(stack_env, "status")
    for part in ("s3", "prefect-server", "worker", "portal"):
        line = next(l for l in out.splitlines() if part in l)
        assert "chạy" in line, out
    assert f"http://127.0.0.1:{stack_env['HOSO_PREFECT_PORT']}" in out
    portal = f"http://127.0.0.1:{stack_env['HOSO_PORTAL_PORT']}"
    assert f"Cổng dịch vụ công cho người dân: {portal}" in out
    import httpx

    page = httpx.get(portal + "/", timeout=30)  # the residents' portal answers, in Vietnamese, with its procedures
    assert page.status_code == 200 and "Đăng ký khai sinh" in page.text and 'lang="vi"' in page.text


def test_submit_then_run_on_the_worker(stack_env, tmp_path: Path) -> None:
    from samples.corpus import generate_demo

    cases = [c for c in generate_demo(tmp_path / "samples") if c.expected["status"] == "routed"][:2]
    for case in cases:
        hoso(stack_env, "submit", str(case.files[0]), "--station", "quay-9")
    out = hoso(stack_env, "run")
    assert "Đã xử lý 2 hồ sơ" in out, out
    rows = [json.loads(line) for line in hoso(stack_env, "list", "--json").splitlines()]
    assert len(rows) == 2
    for row in rows:
        assert {"id", "source", "procedure", "office", "commune", "status", "fields", "problems"} <= row.keys()
        assert row["status"] == "routed" and row["source"].startswith("quay-9/")
        assert {"applicant_name", "applicant_id"} <= row["fields"].keys()
    expected_ids = sorted(c.expected["applicant_id"] for c in cases)
    assert sorted(r["fields"]["applicant_id"] for r in rows) == expected_ids
    shown = json.loads(hoso(stack_env, "show", rows[0]["id"][:8], "--json"))
    assert shown["id"] == rows[0]["id"]
    assert shown["pages"] and all({"text", "confidence"} <= p.keys() for p in shown["pages"])
    assert [h["to"] for h in shown["history"]][-1] == "routed"


def test_down_stops_everything(stack_env) -> None:
    hoso(stack_env, "down")
    out = hoso(stack_env, "status")
    assert "chạy" not in out.replace("dừng", "")


@pytest.mark.parametrize("part", ["s3", "database"])
def test_a_part_that_does_not_answer_is_named_with_exit_code_6(part: str, tmp_path: Path) -> None:
    """No stack at all here: the S3 endpoint or the PostgreSQL server is a loopback port nobody listens on."""
    from hoso.stack import free_port

    port = free_port()
    env = stack_environment(tmp_path / "home")
    if part == "s3":
        env["HOSO_S3_ENDPOINT"] = f"127.0.0.1:{port}"
        (tmp_path / "scan.pdf").write_bytes(b"%PDF-1.4\n")
        args, expected = ["submit", str(tmp_path / "scan.pdf")], f"Không kết nối được máy chủ S3 (127.0.0.1:{port})"
    else:
        env["HOSO_DATABASE_URL"] = f"postgresql+psycopg://hoso:mat-khau@127.0.0.1:{port}/hoso"
        args, expected = ["list"], f"Không kết nối được cơ sở dữ liệu hồ sơ (postgresql+psycopg://hoso:***@127.0.0.1:{port}/hoso)"
    done = subprocess.run([HOSO, *args], env=env, capture_output=True, text=True, timeout=120)
    out = " ".join((done.stdout + done.stderr).split())  # rich wraps long lines
    assert done.returncode == 6, out
    assert expected in out and "Traceback" not in out and "mat-khau" not in out
