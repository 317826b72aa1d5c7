"""Legal due dates and receipt codes.

Time limits run in working days from receipt of a complete dossier; weekends
and public holidays do not count, and Tết moves with the lunar calendar, so
the holidays come from the maintained ``holidays`` package rather than a list
kept here. Extra days off (a province's decision, a compensated Saturday)
are passed in by configuration.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from functools import lru_cache
from typing import Iterable
from zoneinfo import ZoneInfo

import holidays

from domain.catalogue import Catalogue

#: Offices work on Vietnam time; a received_at with a time zone is read in it.
LOCAL_TZ = ZoneInfo("Asia/Ho_Chi_Minh")


@lru_cache(maxsize=64)
def _public_holidays(year: int) -> frozenset[date]:
    return frozenset(holidays.country_holidays("VN", years=year))


class WorkingCalendar:
    """Working days at a Vietnamese public office: Monday to Friday, not a holiday."""

    def __init__(self, extra_days_off: Iterable[date] = ()) -> None:
        self.extra_days_off = frozenset(extra_days_off)

    def is_working_day(self, day: date) -> bool:
        return day.weekday() < 5 and day not in _public_holidays(day.year) and day not in self.extra_days_off

    def next_working_day(self, day: date) -> date:
        """The first working day strictly after ``day``."""
        day += timedelta(days=1)
        while not self.is_working_day(day):
            day += timedelta(days=1)
        return day

    def add_working_days(self, day: date, count: int) -> date:
        for _ in range(count):
            day = self.next_working_day(day)
        return day

    def on_or_after(self, day: date) -> date:
        return day if self.is_working_day(day) else self.next_working_day(day)


def local_time(moment: datetime) -> datetime:
    """``moment`` on Vietnam time; a naive datetime is taken as already local."""
    return moment.astimezone(LOCAL_TZ).replace(tzinfo=None) if moment.tzinfo else moment


def now_in_vietnam() -> datetime:
    """The wall-clock time at the offices (naive, Vietnam time), whatever the machine's time zone."""
    return local_time(datetime.now(timezone.utc))


def today_in_vietnam() -> date:
    """The offices' date: what "today", "due today" and "overdue" are counted from."""
    return now_in_vietnam().date()


def due_date(
    procedure: str,
    received_at: datetime,
    catalogue: Catalogue,
    extra_days_off: Iterable[date] = (),
) -> date:
    """The day by which the office must return the result.

    A dossier received on a day off, or after the same-day cutoff (15:00 for
    birth and death registration), counts as received the next working day.
    Working-day limits count from the day after receipt. A calendar-day limit
    ending on a day off ends on the next working day (Bộ luật Dân sự 2015,
    Điều 148).
    """
    limit = catalogue.procedure(procedure).time_limit
    calendar = WorkingCalendar(extra_days_off)
    local = local_time(received_at)
    start = local.date()
    if not calendar.is_working_day(start) or (limit.cutoff is not None and local.time() >= limit.cutoff):
        start = calendar.next_working_day(start)
    if limit.kind == "same_day":
        return start
    if limit.kind == "working_days":
        return calendar.add_working_days(start, limit.days)
    return calendar.on_or_after(start + timedelta(days=limit.days))


def waiting_days(periods: Iterable[tuple[datetime, datetime | None]], today: date | None = None) -> tuple[date, ...]:
    """The days a dossier waited for the resident's missing papers, which its time limit does not count.

    Each period runs from the day of the request (Vietnam time) up to the day before the
    papers arrived; one still open runs up to ``today``. Passed to :func:`due_date` as extra
    days off, they move the promised date by exactly the working days spent waiting.
    """
    days: set[date] = set()
    for asked, answered in periods:
        first = local_time(asked).date()
        end = local_time(answered).date() if answered else (today or today_in_vietnam()) + timedelta(days=1)
        while first < end:
            days.add(first)
            first += timedelta(days=1)
    return tuple(sorted(days))


def receipt_code(unit_code: str, received: date, sequence: int) -> str:
    """The national dossier code ``UNIT-YYMMDD-NNNN`` (Thông tư 01/2018/TT-VPCP, Điều 19).

    ``sequence`` is the dossier's number among those the unit received that
    day, from 1.
    """
    if not 1 <= sequence <= 9999:
        raise ValueError(f"sequence must be 1..9999, got {sequence}")
    if not unit_code or "-" in unit_code or " " in unit_code:
        raise ValueError(f"not a receiving unit code: {unit_code!r}")
    return f"{unit_code}-{received:%y%m%d}-{sequence:04d}"
