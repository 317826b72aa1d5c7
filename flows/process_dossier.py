"""One dossier from the inbox to its office: the flow an official opens in the Prefect UI."""

from __future__ import annotations

import os
from typing import Any

from prefect import flow, get_run_logger
from prefect.runtime import flow_run

from flows.pipeline import assess_dossier
from core.errors import ClaimLost
from core.masking import mask_source
from flows.resources import resources
from core.sealing import unseal
from tasks.fetch import fetch_task
from tasks.finalize import clear_inbox_task
from tasks.publish import publish_task
from tasks.review import request_review_task
from tasks.register import claim_task, receive_task


def _run_name() -> str:
    """Until the dossier is understood, its run is named by station and file type only (file names may be people's)."""
    return "hồ sơ " + mask_source(unseal(str(flow_run.parameters.get("source", "")), resources().settings.sealing_secret))


def owner() -> str:
    """Who holds a dossier's lease: this flow run (or this process, outside Prefect)."""
    return str(flow_run.id or f"pid-{os.getpid()}")


@flow(name="process-dossier", flow_run_name=_run_name, log_prints=False)
def process_dossier(source: str) -> dict[str, Any]:
    """receive → claim → fetch → archive → text → understand → store → hand off → clear inbox → publish.

    ``source`` is sealed (core/sealing.py) when intake or an S3 event starts the run,
    so the name in it never shows in the run's parameters; a plain source typed by an
    operator works too.
    """
    logger = get_run_logger()
    res = resources()
    received = receive_task(res.store, res.db_url, unseal(source, res.settings.sealing_secret))
    if received is None:
        logger.info("Không còn gì trong hộp thư đến cho nguồn này; bỏ qua.")
        return {"status": "gone"}
    item, registered = received
    if registered.finished:
        # A previous run stored everything but died before clearing the inbox.
        clear_inbox_task(res.store, res.db_url, registered.dossier_id, item)
        logger.info("Hồ sơ %s đã xử lý trước đó; chỉ dọn hộp thư đến.", registered.dossier_id)
        return {"dossier": registered.dossier_id, "status": registered.status}
    holder = owner()
    if not claim_task(res.db_url, registered.dossier_id, holder, res.settings.claim_lease_s):
        logger.info("Hồ sơ %s đang được một lượt chạy khác xử lý; bỏ qua.", registered.dossier_id)
        return {"dossier": registered.dossier_id, "status": "claimed-elsewhere"}
    files = fetch_task(res.store, item)
    try:
        status = assess_dossier(res, registered.dossier_id, holder, files, registered.received_at)
    except ClaimLost:
        logger.info("Hồ sơ %s: một lượt chạy khác đã tiếp quản sau khi lượt này quá hạn giữ; lượt này dừng lại.", registered.dossier_id)
        return {"dossier": registered.dossier_id, "status": "claimed-elsewhere"}
    clear_inbox_task(res.store, res.db_url, registered.dossier_id, item)
    publish_task(res.store, res.db_url, res.catalogue, registered.dossier_id, link_lifetime=res.link_lifetime)
    if status == "needs_review":
        request_review_task(res.store, res.db_url, res.catalogue, registered.dossier_id, res.settings.review_timeout_s,
                            link_lifetime=res.link_lifetime)
    logger.info("Hồ sơ %s: %s", registered.dossier_id, status)
    return {"dossier": registered.dossier_id, "status": status}
