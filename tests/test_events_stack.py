"""Event-driven intake end to end on a whole local stack (`hoso up` in its own HOSO_HOME on
free ports: weed mini, Prefect server, worker, S3 event receiver): a dossier submitted to
the inbox and announced — by weed's own filer webhook, which `hoso up` configures, or by
MinIO's notification JSON — is processed by the process-dossier run that prefect.yaml's
trigger starts, with the interval intake paused and `hoso run` never called."""

from __future__ import annotations

import json
import subprocess
import uuid
from collections.abc import Iterator
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import httpx
import pytest

from core.sealing import unseal
from tests.conftest import stack_environment, stack_secret
from tests.test_cli_stack import HOSO, hoso
from tests.test_events import minio_notification, wait_for

pytestmark = pytest.mark.slow
TOKEN = "hoso-stack-" + uuid.uuid4().hex[:8]


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    home = tmp_path_factory.mktemp("events-stack")
    env = stack_environment(home, HOSO_EVENTS_TOKEN=TOKEN, HOSO_WEED_NOTIFY="true")
    up = subprocess.run([HOSO, "up"], env=env, capture_output=True, text=True, timeout=480)
    assert up.returncode == 0, up.stdout + up.stderr
    yield env
    subprocess.run([HOSO, "down"], env=env, capture_output=True, text=True, timeout=120)


@pytest.fixture(scope="module")
def prefect_api(stack: dict[str, str]) -> Iterator[Any]:
    from prefect.client.orchestration import SyncPrefectClient

    with SyncPrefectClient(f"http://127.0.0.1:{stack['HOSO_PREFECT_PORT']}/api", auth_string=stack_secret(stack, "prefect_auth")) as client:
        yield client


def deployment_runs(client: Any, name: str) -> list[Any]:
    from prefect.client.schemas.filters import DeploymentFilter, DeploymentFilterId

    deployment = client.read_deployment_by_name(name)
    return list(client.read_flow_runs(deployment_filter=DeploymentFilter(id=DeploymentFilterId(any_=[deployment.id])), limit=200))


def pause_interval_intake(client: Any) -> datetime:
    """Pause the intake deployment, cancel what it had queued, let a running one finish; returns when all was quiet."""
    from prefect.states import Cancelled

    client.pause_deployment(client.read_deployment_by_name("intake/intake").id)
    for run in deployment_runs(client, "intake/intake"):
        if run.state and run.state.type.value in {"SCHEDULED", "PENDING"}:
            client.set_flow_run_state(run.id, Cancelled(message="test: chỉ trigger được chạy"), force=True)

    def quiet() -> bool:
        return not [r for r in deployment_runs(client, "intake/intake") if r.state and not r.state.is_final()]

    wait_for("the interval intake to be quiet", quiet, timeout_s=180, step_s=1)
    return datetime.now(timezone.utc)


def test_status_shows_the_receiver(stack: dict[str, str]) -> None:
    out = hoso(stack, "status")
    line = next(l for l in out.splitlines() if "events" in l)
    assert "chạy" in line and stack["HOSO_EVENTS_PORT"] in line, out
    assert httpx.get(f"http://127.0.0.1:{stack['HOSO_EVENTS_PORT']}/health").json()["status"] == "ok"


def test_an_s3_event_gets_the_dossier_processed_by_the_trigger(stack: dict[str, str], prefect_api: Any, tmp_path: Path) -> None:
    from samples.corpus import generate_demo
    from storage.objects import ObjectStore

    quiet_since = pause_interval_intake(prefect_api)

    case = next(c for c in generate_demo(tmp_path / "samples") if c.expected["status"] == "routed")
    key = f"quay-5/{case.files[0].name}"
    assert hoso(stack, "submit", str(case.files[0]), "--station", "quay-5").strip() == f"→ {key}"
    store = ObjectStore(stack["HOSO_S3_ENDPOINT"], "hoso-local", "hoso-local-secret")
    stored = store.stat("inbox", key)
    assert stored is not None

    receiver = f"http://127.0.0.1:{stack['HOSO_EVENTS_PORT']}/minio/events"
    body = minio_notification(store.bucket("inbox"), (key, stored.etag, stored.size))
    assert httpx.post(receiver, json=body, headers={"Authorization": "Bearer wrong"}).status_code == 401
    accepted = httpx.post(receiver, json=body, headers={"Authorization": f"Bearer {TOKEN}"}, timeout=60)
    assert accepted.status_code == 200 and accepted.json() == {"emitted": 1, "ignored": 0}, accepted.text

    def settled() -> dict[str, Any] | None:
        rows = [json.loads(line) for line in hoso(stack, "list", "--json").splitlines()]
        row = next((r for r in rows if r["source"] == key), None)
        assert row is None or row["status"] in {"received", "processing", "routed"}, row
        return row if row and row["status"] == "routed" else None

    row = wait_for("the dossier to be routed", settled, timeout_s=240, step_s=2)
    assert row["procedure"] == case.expected["procedure"] and row["office"] == case.expected["office"]
    assert not store.exists("inbox", key)

    # What did it: a process-dossier run the trigger created for this source, and no intake since.
    # (The stack's sealing secret is the one `hoso up` made, shared by the worker and the receiver.)
    runs = [r for r in deployment_runs(prefect_api, "process-dossier/process-dossier")
            if unseal(r.parameters.get("source", ""), stack_secret(stack, "seal_secret")) == key]
    assert all(key.rsplit("/", 1)[-1] not in json.dumps(r.parameters, ensure_ascii=False) for r in runs)
    assert runs and all(r.created_by and r.created_by.type == "AUTOMATION" for r in runs), runs
    assert {r.created_by.display_value for r in runs} == {"hoso-inbox-object-created"}
    started_since = [r for r in deployment_runs(prefect_api, "intake/intake") if r.start_time and r.start_time >= quiet_since]
    assert started_since == []


def test_a_dropped_file_is_announced_by_weed_itself(stack: dict[str, str], prefect_api: Any, tmp_path: Path) -> None:
    """Nothing posted by hand: weed's filer webhook (notification.toml written by `hoso up`) tells the receiver."""
    from samples.corpus import generate_demo

    pause_interval_intake(prefect_api)
    assert TOKEN in (Path(stack["HOSO_HOME"]) / "s3" / "notification.toml").read_text()
    case = next(c for c in generate_demo(tmp_path / "samples") if c.expected["status"] == "routed")
    key = hoso(stack, "submit", str(case.files[0]), "--station", "quay-6").strip().removeprefix("→ ")

    def settled() -> dict[str, Any] | None:
        rows = [json.loads(line) for line in hoso(stack, "list", "--json").splitlines()]
        return next((r for r in rows if r["source"] == key and r["status"] == "routed"), None)

    wait_for("the dossier to be routed", settled, timeout_s=240, step_s=1)
    runs = [r for r in deployment_runs(prefect_api, "process-dossier/process-dossier")
            if unseal(r.parameters.get("source", ""), stack_secret(stack, "seal_secret")) == key]
    assert len(runs) == 1 and runs[0].created_by and runs[0].created_by.display_value == "hoso-inbox-object-created"


def test_down_stops_the_receiver_too(stack: dict[str, str]) -> None:
    hoso(stack, "down")
    out = hoso(stack, "status")
    assert "chạy" not in out.replace("dừng", "")
