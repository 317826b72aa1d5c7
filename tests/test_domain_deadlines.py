"""Due dates in working days over weekends and Tết, and receipt codes."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta, timezone

import holidays
import pytest

from domain.catalogue_loading import default_catalogue
from domain.deadlines import WorkingCalendar, due_date, receipt_code


@pytest.fixture(scope="module")
def catalogue():
    return default_catalogue()


def _tet(year: int) -> list[date]:
    """The Tết days off in ``year`` as the holidays library computes them."""
    vn = holidays.country_holidays("VN", years=year)
    return sorted(d for d, name in vn.items() if "Lunar New Year" in name)


def _working_days_between(start: date, end: date, calendar: WorkingCalendar) -> int:
    """Working days in (start, end], counted by the library's calendar."""
    vn = holidays.country_holidays("VN", years=range(start.year, end.year + 1))
    days = (start + timedelta(days=n) for n in range(1, (end - start).days + 1))
    return sum(1 for d in days if d.weekday() < 5 and d not in vn and d not in calendar.extra_days_off)


def test_same_day_before_cutoff(catalogue) -> None:
    assert due_date("khai-sinh", datetime(2026, 3, 10, 14, 59), catalogue) == date(2026, 3, 10)


def test_same_day_after_cutoff_is_next_working_day(catalogue) -> None:
    assert due_date("khai-sinh", datetime(2026, 3, 10, 15, 0), catalogue) == date(2026, 3, 11)
    assert due_date("khai-tu", datetime(2026, 3, 10, 16, 30), catalogue) == date(2026, 3, 11)


def test_same_day_after_cutoff_on_friday_crosses_the_weekend(catalogue) -> None:
    friday = datetime(2026, 3, 13, 15, 30)
    assert friday.weekday() == 4
    assert due_date("khai-sinh", friday, catalogue) == date(2026, 3, 16)


def test_received_on_a_weekend_counts_from_monday(catalogue) -> None:
    saturday = datetime(2026, 3, 14, 10, 0)
    assert due_date("khai-sinh", saturday, catalogue) == date(2026, 3, 16)
    assert due_date("tam-tru", saturday, catalogue) == date(2026, 3, 19)  # Monday + 3 working days


def test_working_days_skip_the_weekend(catalogue) -> None:
    thursday = datetime(2026, 3, 12, 9, 0)
    assert due_date("xac-nhan-hon-nhan", thursday, catalogue) == date(2026, 3, 17)
    assert due_date("ket-hon", thursday, catalogue) == date(2026, 3, 19)
    assert due_date("thuong-tru", thursday, catalogue) == date(2026, 3, 23)


@pytest.mark.parametrize("procedure", ["ket-hon", "thuong-tru", "ho-kinh-doanh"])
def test_working_days_skip_tet_2027(catalogue, procedure: str) -> None:
    tet = _tet(2027)
    assert tet, "the holidays library knows Tết 2027"
    calendar = WorkingCalendar()
    # Received on the last working day before the Tết break.
    received = tet[0] - timedelta(days=1)
    while not calendar.is_working_day(received):
        received -= timedelta(days=1)
    due = due_date(procedure, datetime.combine(received, datetime.min.time()).replace(hour=9), catalogue)
    days = catalogue.procedure(procedure).time_limit.days
    assert due > tet[-1]
    assert _working_days_between(received, due, calendar) == days
    assert calendar.is_working_day(due)
    assert all(not calendar.is_working_day(d) for d in tet)


def test_same_day_rule_over_tet_2027(catalogue) -> None:
    tet = _tet(2027)
    received = datetime.combine(tet[1], datetime.min.time()).replace(hour=10)
    due = due_date("khai-sinh", received, catalogue)
    assert due > tet[-1] and WorkingCalendar().is_working_day(due)


def test_calendar_days_end_on_a_working_day(catalogue) -> None:
    # 15 days after Thursday 12/03/2026 is Friday 27/03/2026.
    assert due_date("giay-phep-xay-dung", datetime(2026, 3, 12, 9, 0), catalogue) == date(2026, 3, 27)
    # 15 days after Friday 13/03 is Saturday 28/03: the limit ends on Monday 30/03.
    assert due_date("giay-phep-xay-dung", datetime(2026, 3, 13, 9, 0), catalogue) == date(2026, 3, 30)


def test_extra_days_off(catalogue) -> None:
    thursday = datetime(2026, 3, 12, 9, 0)
    assert due_date("xac-nhan-hon-nhan", thursday, catalogue, extra_days_off=[date(2026, 3, 16)]) == date(2026, 3, 18)


def test_received_at_in_utc_is_read_on_vietnam_time(catalogue) -> None:
    # 08:30 UTC is 15:30 in Hà Nội: after the cutoff.
    received = datetime(2026, 3, 10, 8, 30, tzinfo=timezone.utc)
    assert due_date("khai-sinh", received, catalogue) == date(2026, 3, 11)
    assert due_date("khai-sinh", received.replace(hour=7), catalogue) == date(2026, 3, 10)


def test_receipt_code_format(catalogue) -> None:
    unit = "000.01.01.H26"
    code = receipt_code(unit, date(2026, 3, 5), 7)
    assert code == f"{unit}-260305-0007"
    assert re.fullmatch(r"[0-9A-Z.]+-\d{6}-\d{4}", code)


@pytest.mark.parametrize(("unit", "sequence"), [("000.01.01.H26", 0), ("000.01.01.H26", 10000), ("", 1), ("A-B", 1)])
def test_receipt_code_rejects_bad_input(unit: str, sequence: int) -> None:
    with pytest.raises(ValueError):
        receipt_code(unit, date(2026, 3, 5), sequence)
