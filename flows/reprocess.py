"""The nightly job: run again what failed, is unsure, or was judged by an older pipeline."""

from __future__ import annotations

from typing import Any

from prefect import flow, get_run_logger
from prefect.artifacts import create_markdown_artifact

from domain.deadlines import today_in_vietnam
from flows.fanout import run_each
from flows.pipeline import assess_dossier
from flows.process_dossier import owner, process_dossier
from core.errors import ClaimLost
from flows.resources import PIPELINE_VERSION, resources
from core.sealing import seal
from tasks.fetch import fetch_archived_task
from tasks.publish import nightly_report, publish_task
from tasks.lookup import open_summary_task, select_for_reprocess_task, dossier_state_task
from tasks.register import claim_task


@flow(name="reassess-dossier", flow_run_name="đánh giá lại {dossier_id}")
def reassess_dossier(dossier_id: str) -> dict[str, Any]:
    """Assess an archived dossier again from its stored originals."""
    res = resources()
    state = dossier_state_task(res.db_url, dossier_id)
    if state is None:
        return {"dossier": dossier_id, "status": "missing"}
    if not state.archived:
        # It died before its originals were archived: they are still in the inbox.
        return {**process_dossier(source=seal(state.source, res.settings.sealing_secret)), "before": state.status}
    holder = owner()
    if not claim_task(res.db_url, dossier_id, holder, res.settings.claim_lease_s, settled_too=True):
        return {"dossier": dossier_id, "before": state.status, "status": "claimed-elsewhere"}
    files = fetch_archived_task(res.store, res.db_url, dossier_id)
    try:
        status = assess_dossier(res, dossier_id, holder, files, state.received_at)
    except ClaimLost:
        return {"dossier": dossier_id, "before": state.status, "status": "claimed-elsewhere"}
    publish_task(res.store, res.db_url, res.catalogue, dossier_id, link_lifetime=res.link_lifetime)
    return {"dossier": dossier_id, "before": state.status, "status": status}


@flow(name="reprocess", log_prints=False)
def reprocess(max_concurrency: int | None = None) -> dict[str, Any]:
    logger = get_run_logger()
    res = resources()
    ids = select_for_reprocess_task(res.db_url, PIPELINE_VERSION)
    logger.info("Chạy lại %d hồ sơ.", len(ids))
    results = run_each(lambda dossier_id: reassess_dossier(dossier_id=dossier_id), ids, max_concurrency or res.settings.intake_concurrency)
    changed = sum(1 for r in results if r.get("before") != r.get("status"))
    summary = open_summary_task(res.db_url, today_in_vietnam())
    create_markdown_artifact(key="bao-cao-dem", markdown=nightly_report(results, changed, summary), description="Báo cáo chạy lại hằng đêm")
    return {"reprocessed": len(results), "changed": changed, "results": results}
