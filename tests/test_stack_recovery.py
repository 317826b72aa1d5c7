"""Each part of the stack killed mid-batch (SIGKILL) and started again: the pipeline settles
everything by itself, exactly once, with nobody resetting a counter or running `hoso run`.

One whole local stack (`hoso up`: weed mini, Prefect server, a process worker, prefect.yaml)
in its own HOSO_HOME on free ports, shared by the scenarios; each submits its own dossiers
under its own station: one small scan, so that an OCR slot is held for seconds when the
part is killed, and text-layer PDFs. After the restart only the intake deployment's own
schedule (every minute) runs; the test only watches.

Before hoso kept Prefect's leases on disk (hoso/stack.py, LEASE_STORAGE), the first
scenario stalled for good: the restarted server had forgotten the OCR slots' leases and
kept them taken (issue 16).
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import stack_auth_headers, stack_environment
from tests.test_cli_stack import HOSO, hoso
from tests.test_crash_recovery import _descendants

pytestmark = pytest.mark.slow
SETTLE_S = 600  # a bound on the wait, so that a stall fails instead of hanging the suite


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    home = tmp_path_factory.mktemp("recovery") / "home"
    env = stack_environment(home, HOSO_INTAKE_CONCURRENCY="2")
    hoso(env, "up", timeout=480)
    yield env
    subprocess.run([HOSO, "down"], env=env, capture_output=True, timeout=120)


def _api(env: dict[str, str]) -> str:
    return f"http://127.0.0.1:{env['HOSO_PREFECT_PORT']}/api"


def _ocr_slots_taken(env: dict[str, str]) -> int:
    import httpx

    from tasks.extract_text import ocr_limit_name

    try:
        found = httpx.get(f"{_api(env)}/v2/concurrency_limits/{ocr_limit_name()}", headers=stack_auth_headers(env), timeout=5)
    except httpx.HTTPError:
        return 0
    return int(found.json()["active_slots"]) if found.status_code == 200 else 0


def _submit(env: dict[str, str], tmp_path: Path, station: str, seed: int, texts: int = 3) -> int:
    from samples.corpus import generate_corpus

    scans = generate_corpus(tmp_path / "scan", count=1, seed=seed, scan_ratio=1.0, defect_ratio=0.0)
    pdfs = generate_corpus(tmp_path / "text", count=texts, seed=seed + 1, scan_ratio=0.0, defect_ratio=0.0)
    for case in [*scans, *pdfs]:
        hoso(env, "submit", str(case.files[0]), "--station", station)
    return len(scans) + len(pdfs)


def _start_batch_and_wait_for_an_ocr_slot(env: dict[str, str]) -> subprocess.Popen[str]:
    run = subprocess.Popen([HOSO, "run"], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    deadline = time.monotonic() + 240
    while _ocr_slots_taken(env) < 1:
        assert time.monotonic() < deadline, "no OCR slot was ever taken"
        assert run.poll() is None, run.communicate()[0]
        time.sleep(0.1)
    return run


def _wait_slots_free(env: dict[str, str]) -> None:
    """The OCR slots come free: those of runs that died are released when their leases run out."""
    deadline = time.monotonic() + SETTLE_S
    while _ocr_slots_taken(env):
        assert time.monotonic() < deadline, "OCR slots still taken"
        time.sleep(2)


def _kill(env: dict[str, str], part: str, with_children: bool = False) -> None:
    pid = int((Path(env["HOSO_HOME"]) / "run" / f"{part}.pid").read_text())
    for p in [*(_descendants(pid) if with_children else []), pid]:
        try:
            os.kill(p, signal.SIGKILL)
        except ProcessLookupError:
            pass


def _store(env: dict[str, str]) -> Any:
    from core.settings import Settings
    from storage.objects import ObjectStore

    return ObjectStore.from_settings(Settings(s3_endpoint=env["HOSO_S3_ENDPOINT"]))


def _records(env: dict[str, str], station: str) -> list[Any]:
    from storage import repository
    from storage.database import session_scope

    db = Path(env["HOSO_HOME"]) / "hoso.db"
    with session_scope(f"sqlite:///{db}") as s:
        rows = [d for d in repository.list_all(s) if d.station == station]
        return [(repository.as_json(d), sum(h.to_status in repository.TERMINAL for h in repository.history(s, d.id))) for d in rows]


def _wait_settled(env: dict[str, str], station: str, submitted: int, started: float) -> float:
    """Seconds from ``started`` (the restart) until every dossier of ``station`` is settled and the inbox is empty."""
    from storage import repository

    store = _store(env)
    while time.monotonic() - started < SETTLE_S:
        try:
            rows = _records(env, station)
            inbox = list(store.list("inbox", f"{station}/"))
        except Exception:  # noqa: BLE001 - a part still starting; ask again
            rows, inbox = [], ["?"]
        if len(rows) == submitted and all(r["status"] in repository.TERMINAL for r, _ in rows) and not inbox:
            return time.monotonic() - started
        time.sleep(2)
    pytest.fail(f"not settled after {SETTLE_S} s: {Counter(r['status'] for r, _ in _records(env, station))}")


def _check_exactly_once(env: dict[str, str], station: str, submitted: int, settle_s: float) -> dict[str, Any]:
    """Counts of the scenario (printed for the record) after checking that each dossier was settled once."""
    rows = _records(env, station)
    store = _store(env)
    ids = {r["id"] for r, _ in rows}
    archived = [o.key for o in store.list("archive", "dossiers/") if o.key.split("/")[1] in ids]
    originals = Counter(key.split("/")[1] for key in archived if "/original/" in key)
    quarantined = [o.key for o in store.list("quarantine") if o.key.split("/")[0] in ids]
    handed = {o.key.rsplit("/", 1)[-1].removesuffix(".json") for o in store.list("offices")} & ids
    counts = {
        "records": len(rows),
        "by_status": dict(Counter(r["status"] for r, _ in rows)),
        "settled_once": sum(n == 1 for _, n in rows),
        "inbox": len(list(store.list("inbox", f"{station}/"))),
        "archived_dossiers": len({key.split("/")[1] for key in archived}),
        "quarantine_objects": len(quarantined),
        "handed_off": len(handed),
        "duplicates": sum(1 for r, _ in rows if r["duplicate_of"]),
        "settle_s": round(settle_s, 1),
    }
    print(f"\n{station}: {counts}")
    assert len(rows) == submitted
    assert [n for _, n in rows] == [1] * submitted  # each settled exactly once
    assert set(originals.values()) == {1} and len(originals) == submitted  # one archived original per dossier
    assert handed == {r["id"] for r, _ in rows if r["status"] == "routed"}  # each routed one handed off once
    assert counts["duplicates"] == 0 and counts["inbox"] == 0
    return counts


def _unreachable_prefect(out: str, env: dict[str, str]) -> bool:
    return f"Không kết nối được máy chủ Prefect (http://127.0.0.1:{env['HOSO_PREFECT_PORT']})" in out and "Traceback" not in out


def test_prefect_server_killed_mid_batch(stack: dict[str, str], tmp_path: Path) -> None:
    submitted = _submit(stack, tmp_path, "tram-prefect", seed=31)
    run = _start_batch_and_wait_for_an_ocr_slot(stack)
    _kill(stack, "prefect-server")
    out, _ = run.communicate(timeout=300)
    # The run that was waiting on the server says which part is gone, in one sentence.
    assert run.returncode == 6, out
    assert _unreachable_prefect(out, stack), out
    again = subprocess.run([HOSO, "run"], env=stack, capture_output=True, text=True, timeout=120)
    assert again.returncode == 6 and _unreachable_prefect(again.stdout + again.stderr, stack), again.stdout + again.stderr

    restarted = time.monotonic()
    hoso(stack, "up", timeout=300)  # starts the server again; nothing else is done by hand
    _check_exactly_once(stack, "tram-prefect", submitted, _wait_settled(stack, "tram-prefect", submitted, restarted))
    _wait_slots_free(stack)  # the slots the killed server's runs held are free again


def test_s3_server_killed_mid_batch(stack: dict[str, str], tmp_path: Path) -> None:
    submitted = _submit(stack, tmp_path, "tram-s3", seed=41)
    run = _start_batch_and_wait_for_an_ocr_slot(stack)
    _kill(stack, "s3")
    time.sleep(5)
    restarted = time.monotonic()
    hoso(stack, "up", timeout=300)
    run.kill()
    run.wait()
    _check_exactly_once(stack, "tram-s3", submitted, _wait_settled(stack, "tram-s3", submitted, restarted))


def test_worker_killed_while_it_holds_ocr_slots(stack: dict[str, str], tmp_path: Path) -> None:
    submitted = _submit(stack, tmp_path, "tram-worker", seed=51)
    run = _start_batch_and_wait_for_an_ocr_slot(stack)
    _kill(stack, "worker", with_children=True)  # the worker and the flow run it started, slots and all
    run.kill()
    run.wait()
    assert _ocr_slots_taken(stack) >= 1  # held by a process that is gone
    restarted = time.monotonic()
    hoso(stack, "up", timeout=300)
    _check_exactly_once(stack, "tram-worker", submitted, _wait_settled(stack, "tram-worker", submitted, restarted))
    _wait_slots_free(stack)
