"""An official settles a doubtful dossier from the Prefect UI."""

from __future__ import annotations

from typing import Any

from prefect import flow, get_run_logger
from prefect.exceptions import FlowPauseTimeout
from prefect.flow_runs import pause_flow_run, suspend_flow_run
from prefect.runtime import deployment

from core.errors import ClaimLost
from flows.pipeline import store_context
from flows.process_dossier import owner
from flows.resources import resources
from tasks.publish import publish_task
from tasks.register import claim_task
from tasks.review import apply_review_task, prepare_review_task


@flow(name="review-dossier", flow_run_name="xem xét hồ sơ {dossier_id}")
def review_dossier(dossier_id: str, timeout_s: int | None = None) -> dict[str, Any]:
    """Wait for an official's decision on a needs_review dossier, then apply it.

    On a worker the run is suspended, not paused, so no worker is held while
    the official takes their time; unanswered, the dossier stays needs_review
    and the nightly job looks at it again.
    """
    logger = get_run_logger()
    res = resources()
    prepared = prepare_review_task(res.store, res.db_url, res.catalogue, dossier_id, link_lifetime=res.link_lifetime)
    if prepared is None:
        return {"dossier": dossier_id, "status": "not-needed"}
    form, _ = prepared
    wait = suspend_flow_run if deployment.id else pause_flow_run
    try:
        decision = wait(wait_for_input=form, timeout=timeout_s or res.settings.review_timeout_s, key="xem-xet")
    except FlowPauseTimeout:
        logger.info("Hết thời gian chờ cán bộ; hồ sơ giữ trạng thái cần xem xét cho việc chạy lại ban đêm.")
        return {"dossier": dossier_id, "status": "needs_review"}
    holder = owner()
    if not claim_task(res.db_url, dossier_id, holder, res.settings.claim_lease_s, settled_too=True):
        logger.info("Hồ sơ %s đang được một lượt chạy khác xử lý; quyết định của cán bộ chưa được ghi.", dossier_id)
        return {"dossier": dossier_id, "status": "claimed-elsewhere"}
    days_off = store_context(res).extra_days_off  # the very days off the store step counted
    try:
        status = apply_review_task(res.store, res.db_url, res.catalogue, dossier_id, holder, decision.model_dump(), days_off)
    except ClaimLost:
        return {"dossier": dossier_id, "status": "claimed-elsewhere"}
    publish_task(res.store, res.db_url, res.catalogue, dossier_id, link_lifetime=res.link_lifetime)
    return {"dossier": dossier_id, "status": status}
