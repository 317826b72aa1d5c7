"""What officials see in the Prefect UI: run names, tags and artifacts, in Vietnamese, masked."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path

import pytest

from core.masking import mask_id, mask_text
from tasks.publish import markdown_escape
from hoso.submit import submit_path
from storage import repository
from storage.database import session_scope

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def ui(prefect_server, module_settings, module_store, tmp_path_factory):  # type: ignore[no-untyped-def]
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import (
        ArtifactFilter,
        ArtifactFilterFlowRunId,
        FlowRunFilter,
        FlowRunFilterStartTime,
    )

    from flows.intake import intake
    from flows.reprocess import reprocess
    from samples.corpus import generate_demo

    cases = generate_demo(tmp_path_factory.mktemp("ui") / "demo")
    for case in cases:
        submit_path(module_store, case.files[0], "quay-1")
    started = datetime.now(timezone.utc)
    intake()
    reprocess()
    with session_scope(module_settings.database_url) as s:
        records = {d.id: repository.as_json(d) for d in repository.list_all(s)}
    with get_client(sync_client=True) as client:
        # The Prefect server is shared by the whole session: other modules leave runs and publish artifacts under
        # the same keys (an intake-batch of their own), so only the runs this module started count.
        runs = client.read_flow_runs(
            flow_run_filter=FlowRunFilter(start_time=FlowRunFilterStartTime(after_=started)), limit=200
        )
        mine = client.read_artifacts(
            artifact_filter=ArtifactFilter(flow_run_id=ArtifactFilterFlowRunId(any_=[r.id for r in runs])), limit=200
        )
        artifacts = {a.key: a for a in sorted(mine, key=lambda a: a.created) if a.key}  # the latest version last
    return cases, records, runs, artifacts


def test_each_dossier_run_is_named_and_tagged_for_what_it_carries(ui) -> None:
    from tasks.review import REVIEW_PREFIX

    cases, records, runs, _ = ui
    dossier_runs = [r for r in runs if any(t.startswith("thủ-tục:") for t in r.tags)]
    assert len(dossier_runs) >= len(cases)
    receipts = {r["receipt"]: r for r in records.values()}
    for run in dossier_runs:
        # A dossier's review run is named and tagged like it, after the review's own prefix (tasks/review.py).
        procedure, receipt = run.name.removeprefix(REVIEW_PREFIX).split(" · ")[:2]
        record = receipts[receipt]
        assert procedure == record["procedure"]
        assert f"thủ-tục:{record['procedure']}" in run.tags and f"trạm:{record['station']}" in run.tags
        if record["office"]:
            assert f"cơ-quan:{record['office']}" in run.tags


def test_dossier_artifact_says_what_was_decided_in_vietnamese(ui) -> None:
    cases, records, _, artifacts = ui
    for dossier_id, record in records.items():
        artifact = artifacts[f"ho-so-{dossier_id}"]
        text = str(artifact.data)
        assert f"# Hồ sơ {record['receipt']}" in text
        assert "Trạng thái" in text and "Thủ tục" in text
        for problem in record["problems"]:
            assert markdown_escape(mask_text(problem["message"])) in text  # messages too lose IDs and birth dates
        if record["due"]:
            y, m, d = record["due"].split("-")
            assert f"{d}/{m}/{y}" in text  # dates as Vietnamese write them
        applicant_id = record["fields"].get("applicant_id")
        if applicant_id:
            assert applicant_id not in text and markdown_escape(mask_id(applicant_id)) in text
        if record["status"] == "routed":
            assert "X-Amz-Signature=" in text  # a time-limited link to the archive copy


def test_intake_and_nightly_reports_exist(ui) -> None:
    _, records, _, artifacts = ui
    batch = artifacts["intake-batch"].data
    batch = json.loads(batch) if isinstance(batch, str) else batch
    assert len(batch) >= len(records)
    shown = json.dumps(batch, ensure_ascii=False)
    assert "đã chuyển cơ quan xử lý" in shown and ".pdf" in shown
    assert not any(case.files[0].name in shown for case in ui[0])  # file names may be people's names
    nightly = str(artifacts["bao-cao-dem"].data)
    needs_review = sum(1 for r in records.values() if r["status"] == "needs_review")
    assert f"Còn mở: **{needs_review}** cần xem xét" in nightly
    assert "Đã chạy lại" in nightly
