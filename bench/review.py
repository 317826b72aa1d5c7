"""What a dossier waiting for an official costs: the benchmark's review requester.

Run as a child process with a bench run's environment (like ``bench.worker``):
it gives the run's Prefect server a ``review-dossier`` deployment (the stack's
``prefect.yaml`` has one; a bench server has none, so the pipeline's own review
requests found nothing to create) and asks for a review of every dossier the
run left ``needs_review``, with the same function the pipeline calls
(``tasks.review.request_review``). It prints, as JSON, how many it created and
the CPU this process spent on them, imports excluded; the parent measures the
Prefect server's CPU meanwhile. While a review waits, nothing of hoso runs:
the run is created ``Suspended`` and no worker starts it before the answer.
"""

from __future__ import annotations

import json
import os
import sys
import uuid


def _own_cpu_s() -> float:
    times = os.times()
    return times.user + times.system


def main() -> None:
    from prefect import flow
    from prefect.client.orchestration import get_client

    from flows.resources import resources
    from storage import repository
    from storage.database import session_scope
    from tasks.review import request_review

    res = resources()
    with session_scope(res.db_url) as session:
        waiting = [d.id for d in repository.list_all(session, ["needs_review"])]
    with get_client(sync_client=True) as client:
        flow_id = client.create_flow(flow(name="review-dossier")(lambda: None))
        client.create_deployment(flow_id=flow_id, name="review-dossier")
    day = f"bench-{uuid.uuid4().hex[:8]}"  # a fresh idempotency key: the pipeline's own requests found no deployment
    started = _own_cpu_s()
    created = sum(request_review(res.store, res.db_url, res.catalogue, d, res.settings.review_timeout_s, day=day,
                                 link_lifetime=res.link_lifetime) for d in waiting)
    print(json.dumps({"reviews": created, "client_cpu_s": _own_cpu_s() - started}))


if __name__ == "__main__":
    sys.exit(main())
