"""Every morning, each office's list of open dossiers, overdue first, as a table in the Prefect UI."""

from __future__ import annotations

from prefect import flow

from domain.deadlines import today_in_vietnam
from flows.resources import resources
from tasks.publish import office_tables_task


@flow(name="office-report", flow_run_name="hàng chờ các cơ quan")
def office_report() -> int:
    res = resources()
    return office_tables_task(res.db_url, res.catalogue, today_in_vietnam())
