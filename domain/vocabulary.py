"""The words people read for a dossier's state: one table of statuses, one days-left wording.

Officials read hoso in the CLI, the Prefect UI's artifacts and tables, and the
history; residents will read it on their own pages. Each of those once had a
table of its own (``từ chối`` in one, ``trả lại (không hợp lệ)`` in another):
now every one of them reads ``domain/data/vocabulary.yaml`` through here. The
names of fields are the catalogue's (:meth:`domain.catalogue.Catalogue.field_label`).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import resources

import yaml


@dataclass(frozen=True)
class StatusName:
    code: int  # the national status code (one-stop portals' vocabulary)
    national: str  # its name, as a resident-facing page shows it
    label: str  # hoso's wording for officials: what hoso did with the dossier


@cache
def _vocabulary() -> dict[str, dict]:
    text = resources.files("domain").joinpath("data", "vocabulary.yaml").read_text(encoding="utf-8")
    return yaml.safe_load(text)


@cache
def statuses() -> dict[str, StatusName]:
    return {status: StatusName(**entry) for status, entry in _vocabulary()["statuses"].items()}


def status_label(status: str) -> str:
    """hoso's Vietnamese for a status, or for what a run ended in (``claimed-elsewhere``…); unknown words pass through."""
    known = statuses().get(status)
    if known is not None:
        return known.label
    return _vocabulary()["run_results"].get(status, status)


def resident_steps(status: str) -> tuple[str, ...]:
    """The national steps a resident's timeline shows for a status reached (``routed`` → accepted, then in progress)."""
    steps = _vocabulary().get("resident_steps", {}).get(status)
    if steps:
        return tuple(steps)
    known = statuses().get(status)
    return (known.national,) if known else ()


def days_left_text(days: int | None) -> str:
    """Calendar days to the due date as a sentence part: ``còn 5 ngày``, ``đến hạn hôm nay``, ``quá hạn 2 ngày``."""
    if days is None:
        return "-"
    if days > 0:
        return f"còn {days} ngày"
    if days == 0:
        return "đến hạn hôm nay"
    return f"quá hạn {-days} ngày"
