"""An official settles a doubtful dossier from the Prefect UI."""

from __future__ import annotations

from typing import Any

from prefect import flow, get_run_logger
from prefect.exceptions import FlowPauseTimeout
from prefect.flow_runs import pause_flow_run, suspend_flow_run
from prefect.input.actions import read_flow_run_input
from prefect.input.run_input import keyset_from_base_key
from prefect.runtime import deployment, flow_run

from core.errors import ClaimLost
from flows.pipeline import store_context
from flows.process_dossier import owner
from flows.resources import resources
from tasks.publish import publish_task, run_name
from tasks.register import claim_task
from tasks.review import PAUSE_KEY, REVIEW_PREFIX, Decision, apply_review_task, check_decision, review_case_task, review_form

MAX_ANSWERS = 10  # an official who keeps sending answers that cannot be applied is stopped here; the nightly job takes over


def _answer(key: str) -> dict[str, Any] | None:
    """The official's answer to the wait named ``key``, if it was given (suspended by hoso's request or by this flow, or paused)."""
    if not flow_run.id:
        return None
    for state_name in ("suspended", "paused"):
        value = read_flow_run_input(keyset_from_base_key(f"{state_name}-{key}")["response"], flow_run_id=flow_run.id)
        if value:
            return dict(value)
    return None


def _run_name() -> str:
    """Named like the dossier's own run (procedure · receipt · initials), so the runs list shows what waits."""
    from storage import repository
    from storage.database import session_scope
    from storage.records import record_of

    dossier_id = str(flow_run.parameters.get("dossier_id", ""))
    with session_scope(resources().db_url) as session:
        dossier = repository.get(session, dossier_id)
        return REVIEW_PREFIX + (run_name(record_of(dossier)) if dossier else dossier_id[:8])


@flow(name="review-dossier", flow_run_name=_run_name)
def review_dossier(dossier_id: str, timeout_s: int | None = None) -> dict[str, Any]:
    """Apply an official's decision on a needs_review dossier; wait for one first when none is given yet.

    On the stack a review run is created already waiting (tasks/review.request_review),
    so a worker starts this flow only once the official has answered: the n-th wait's
    answer is read back, checked, and applied. An answer that cannot be applied (a return
    without its reason, an invalid ID…) makes the run wait again, suspended — no process
    is held — with the reasons in Vietnamese on top of the form. Outside a deployment (a
    test, a CLI run) the run pauses in its process instead. Unanswered, the dossier stays
    needs_review and the nightly job looks at it again.
    """
    logger = get_run_logger()
    res = resources()
    case = review_case_task(res.store, res.db_url, res.catalogue, dossier_id, link_lifetime=res.link_lifetime)
    if case is None:
        return {"dossier": dossier_id, "status": "not-needed"}
    wait = suspend_flow_run if deployment.id else pause_flow_run
    errors: tuple[str, ...] = ()
    decision: Decision | None = None
    for attempt in range(1, MAX_ANSWERS + 1):
        key = f"{PAUSE_KEY}-{attempt}"
        answer = _answer(key)
        if answer is None:
            form = review_form(res.catalogue, case, errors)
            try:
                answer = wait(wait_for_input=form, timeout=timeout_s or res.settings.review_timeout_s, key=key).model_dump()
            except FlowPauseTimeout:
                logger.info("Hết thời gian chờ cán bộ; hồ sơ giữ trạng thái cần xem xét cho việc chạy lại ban đêm.")
                return {"dossier": dossier_id, "status": "needs_review"}
        checked = check_decision(answer, case, res.catalogue)
        if isinstance(checked, Decision):
            decision = checked
            break
        errors = checked
        logger.info("Quyết định lần %d chưa ghi được: %s", attempt, " ".join(errors))
    if decision is None:
        return {"dossier": dossier_id, "status": "needs_review"}
    holder = owner()
    if not claim_task(res.db_url, dossier_id, holder, res.settings.claim_lease_s, settled_too=True):
        logger.info("Hồ sơ %s đang được một lượt chạy khác xử lý; quyết định của cán bộ chưa được ghi.", dossier_id)
        return {"dossier": dossier_id, "status": "claimed-elsewhere"}
    days_off = store_context(res).extra_days_off  # the very days off the store step counted
    try:
        status = apply_review_task(res.store, res.db_url, res.catalogue, dossier_id, holder, decision, days_off)
    except ClaimLost:
        return {"dossier": dossier_id, "status": "claimed-elsewhere"}
    _forget_answers(attempt)
    publish_task(res.store, res.db_url, res.catalogue, dossier_id, link_lifetime=res.link_lifetime, name_prefix=REVIEW_PREFIX)
    return {"dossier": dossier_id, "status": status}


def _forget_answers(attempts: int) -> None:
    """Drop the official's answers from Prefect once applied: a corrected name or ID typed in the form is
    personal data in clear, and the dossier's history keeps the decision (masked)."""
    from prefect.input.actions import delete_flow_run_input

    if not flow_run.id:
        return
    for attempt in range(1, attempts + 1):
        for state_name in ("suspended", "paused"):
            key = keyset_from_base_key(f"{state_name}-{PAUSE_KEY}-{attempt}")["response"]
            if read_flow_run_input(key, flow_run_id=flow_run.id) is not None:
                delete_flow_run_input(key, flow_run_id=flow_run.id)
