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
    # quay-9's key, made before the stack starts: `hoso up` loads it with the others
    added = subprocess.run([HOSO, "station", "add", "quay-9"], env=env, capture_output=True, text=True, timeout=120)
    assert added.returncode == 0, added.stdout + added.stderr
    up = subprocess.run([HOSO, "up"], env=env, capture_output=True, text=True, timeout=480)
    assert up.returncode == 0, up.stdout + up.stderr
    yield env
    subprocess.run([HOSO, "down"], env=env, capture_output=True, text=True, timeout=120)


def hoso(env: dict[str, str], *args: str, timeout: float = 300) -> str:
    done = subprocess.run([HOSO, *args], env=env, capture_output=True, text=True, timeout=timeout)
    assert done.returncode == 0, f"hoso {' '.join(args)} → {done.returncode}\n{done.stdout}\n{done.stderr}"
    return done.stdout


def quiet_interval_intake(env: dict[str, str]) -> None:
    """Turn the intake's interval schedule off, cancel what it queued, and let a running one finish."""
    import time

    from prefect.client.orchestration import SyncPrefectClient
    from prefect.states import Cancelled

    from tests.conftest import stack_secret

    with SyncPrefectClient(f"http://127.0.0.1:{env['HOSO_PREFECT_PORT']}/api", auth_string=stack_secret(env, "prefect_auth")) as client:
        deployment = client.read_deployment_by_name("intake/intake")
        for schedule in deployment.schedules:
            client.update_deployment_schedule(deployment.id, schedule.id, active=False)

        def busy() -> list[object]:
            from prefect.client.schemas.filters import DeploymentFilter, DeploymentFilterId

            runs = client.read_flow_runs(deployment_filter=DeploymentFilter(id=DeploymentFilterId(any_=[deployment.id])), limit=200)
            for run in runs:  # queued, not yet taken by the worker (one it took is left to finish)
                if run.state and run.state.type.value == "SCHEDULED":
                    client.set_flow_run_state(run.id, Cancelled(message="test: chỉ `hoso run`"), force=True)
            return [r for r in runs if r.state and not r.state.is_final() and r.state.type.value != "SCHEDULED"]

        deadline = time.monotonic() + 240
        while busy():
            assert time.monotonic() < deadline, "the interval intake did not finish"
            time.sleep(1)


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


def test_the_prefect_api_refuses_whoever_has_not_the_auth_string(stack_env) -> None:
    import httpx

    from tests.conftest import stack_auth_headers

    api = f"http://127.0.0.1:{stack_env['HOSO_PREFECT_PORT']}/api"
    assert httpx.post(f"{api}/flow_runs/filter", json={}, timeout=30).status_code == 401
    wrong = {"Authorization": "Basic " + "c2FpLW1hdC1raGF1"}  # base64 of a wrong string
    assert httpx.post(f"{api}/flow_runs/filter", json={}, headers=wrong, timeout=30).status_code == 401
    assert httpx.post(f"{api}/flow_runs/filter", json={}, headers=stack_auth_headers(stack_env), timeout=30).status_code == 200


def test_submit_then_run_on_the_worker(stack_env, tmp_path: Path) -> None:
    """The station puts with its own key (`hoso station add`), the worker settles with its own."""
    from samples.corpus import generate_demo

    credentials = json.loads(hoso(stack_env, "station", "add", "quay-9"))  # already there: printed again, the same key
    assert credentials["s3_access_key"] == "quay-9" and len(credentials["s3_secret_key"]) >= 32
    assert (Path(stack_env["HOSO_HOME"]) / "secrets" / "stations" / "quay-9.json").stat().st_mode & 0o077 == 0
    quiet_interval_intake(stack_env)  # so that the run below, not a scheduled one, finds them
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
    shown = json.loads(hoso(stack_env, "show", rows[0]["id"][:8], "--json", "--clear"))
    assert shown["id"] == rows[0]["id"]
    assert shown["pages"] and all({"text", "confidence"} <= p.keys() for p in shown["pages"])
    assert [h["to"] for h in shown["history"]][-1] == "routed"


def test_a_station_added_on_the_running_stack_submits_at_once(stack_env, tmp_path: Path) -> None:
    """`hoso station add` on a running stack restarts the embedded S3 server with the new identity."""
    credentials = json.loads(hoso(stack_env, "station", "add", "quay-8"))
    (tmp_path / "scan.pdf").write_bytes(b"%PDF-1.4\n")
    assert hoso(stack_env, "submit", str(tmp_path / "scan.pdf"), "--station", "quay-8").strip() == "→ quay-8/scan.pdf"
    from minio.error import S3Error

    from storage.objects import ObjectStore

    own = ObjectStore(stack_env["HOSO_S3_ENDPOINT"], credentials["s3_access_key"], credentials["s3_secret_key"])
    with pytest.raises(S3Error) as refused:
        own.get("inbox", "quay-8/scan.pdf")
    assert refused.value.code == "AccessDenied"  # a key the server now knows (not InvalidAccessKeyId), which may only put


def test_no_secret_in_status_pid_files_logs_or_command_lines(stack_env) -> None:
    """Every secret the stack holds, looked for where it must not be (issue 15, point 4)."""
    from core.secrets import read_secret_json

    home = Path(stack_env["HOSO_HOME"])
    assert home.stat().st_mode & 0o077 == 0  # records, originals and runs: the stack's user only
    secrets = {str(v) for f in (home / "secrets").rglob("*.json") if f.name != "s3-identities.json"
               for k, v in read_secret_json(f).items() if k.endswith(("secret", "secret_key", "auth", "token"))}
    assert len(secrets) >= 4  # prefect auth, seal secret, worker's and the station's S3 secrets
    status = hoso(stack_env, "status")
    seen = [status, *(p.read_text() for p in (home / "run").glob("*.pid")), *(p.read_text(errors="replace") for p in (home / "logs").glob("*.log"))]
    for pid_file in (home / "run").glob("*.pid"):
        cmdline = Path(f"/proc/{pid_file.read_text().strip()}/cmdline")
        environ = Path(f"/proc/{pid_file.read_text().strip()}/environ")
        seen += [cmdline.read_bytes().decode(errors="replace"), environ.read_bytes().decode(errors="replace")]
    for text in seen:
        assert not any(secret in text for secret in secrets)


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
