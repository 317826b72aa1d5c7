"""Administrative units for the corpus, from the official lists (not a hand list).

- New units (since 1 July 2025): ``vietnam-provinces`` — all 126 wards and
  communes of Thành phố Hà Nội, and those of a few other provinces for dossiers
  addressed outside the deployment's area.
- Pre-reform units: ``vietnamadminunits``' own tables of old wards (with their
  old districts) and of how each went into the new units. An old ward that
  went whole into one new unit is written on valid dossiers, and its label is
  what ``convert_address`` gives; an old ward split between several new units
  has no single answer and is written only on dossiers labelled for review.
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path

HANOI = "Thành phố Hà Nội"
#: Other provinces whose units residents may address (the deployment serves Hà Nội only).
OTHER_PROVINCES = ("Thành phố Hồ Chí Minh", "Thành phố Đà Nẵng", "Thành phố Hải Phòng", "Tỉnh Bắc Ninh",
                   "Tỉnh Hưng Yên", "Tỉnh Ninh Bình", "Tỉnh Thanh Hóa", "Tỉnh Phú Thọ")


def fold(text: str) -> str:
    """ASCII fold: no diacritics, đ → d, lower case."""
    text = unicodedata.normalize("NFD", text.replace("Đ", "D").replace("đ", "d"))
    return "".join(ch for ch in text if not unicodedata.combining(ch)).lower()


def slug(text: str) -> str:
    """"Phường Khương Đình" → "phuong-khuong-dinh"."""
    return re.sub(r"[^a-z0-9]+", "-", fold(text)).strip("-")


@dataclass(frozen=True, slots=True)
class Unit:
    """A commune-level unit in force: kind "Phường"/"Xã"/"Đặc khu", its name and its province."""

    kind: str
    name: str
    province: str
    code: int

    @property
    def full(self) -> str:
        return f"{self.kind} {self.name}"

    @property
    def lower(self) -> str:
        """As written inside a sentence: "phường Khương Đình"."""
        return f"{self.kind.lower()} {self.name}"

    @property
    def slug(self) -> str:
        return slug(self.full)

    @property
    def is_ward(self) -> bool:
        return self.kind == "Phường"

    @property
    def province_lower(self) -> str:
        """"thành phố Hà Nội", "tỉnh Bắc Ninh"."""
        head, _, rest = self.province.partition(" ")
        if head == "Thành":
            return "thành phố " + rest.removeprefix("phố ")
        return head.lower() + " " + rest


@dataclass(frozen=True, slots=True)
class OldWard:
    """A pre-reform ward, commune or township with its district, and the new unit(s) it went into."""

    kind: str  # Phường | Xã | Thị trấn
    name: str
    district: str  # "Quận Thanh Xuân", "Huyện Sóc Sơn", "Thị xã Sơn Tây"
    successors: tuple[Unit, ...]

    @property
    def lower(self) -> str:
        return f"{self.kind.lower()} {self.name}"

    @property
    def district_lower(self) -> str:
        kind, name = _split_kind(self.district)
        return f"{kind.lower()} {name}"

    @property
    def address(self) -> str:
        """The old address as residents write it: "phường Hạ Đình, quận Thanh Xuân, thành phố Hà Nội"."""
        return f"{self.lower}, {self.district_lower}, thành phố Hà Nội"


_KINDS = ("Thị trấn", "Thị xã", "Thành phố", "Phường", "Quận", "Huyện", "Xã", "Đặc khu")


def _split_kind(full: str) -> tuple[str, str]:
    for kind in _KINDS:
        if full.startswith(kind + " "):
            return kind, full[len(kind) + 1:]
    raise ValueError(full)


@cache
def new_units() -> dict[str, tuple[Unit, ...]]:
    """Province name → its units in force, from vietnam-provinces."""
    from vietnam_provinces import Province, Ward

    # the library names provinces "Bắc Ninh" but cities "Thành phố Hà Nội": write both as the forms do
    provinces = {p.code: p.name if p.name.startswith("Thành phố") else f"Tỉnh {p.name}" for p in Province.iter_all()}
    out: dict[str, list[Unit]] = {}
    for w in Ward.iter_all():
        kind, name = _split_kind(w.name)
        out.setdefault(provinces[w.province_code], []).append(Unit(kind, name, provinces[w.province_code], int(w.code)))
    return {k: tuple(sorted(v, key=lambda u: u.code)) for k, v in out.items()}


def hanoi_units() -> tuple[Unit, ...]:
    return new_units()[HANOI]


def other_units() -> tuple[Unit, ...]:
    return tuple(u for p in OTHER_PROVINCES for u in new_units()[p])


def _vau_data() -> tuple[dict, dict]:
    import vietnamadminunits

    root = Path(vietnamadminunits.__file__).parent / "data"
    return (json.loads((root / "converter_2025.json").read_text(encoding="utf-8")),
            json.loads((root / "parser_legacy.json").read_text(encoding="utf-8")))


@cache
def old_hanoi_wards() -> tuple[OldWard, ...]:
    """Every pre-reform unit of Hà Nội, with the new units the library's tables say it went into."""
    converter, legacy = _vau_data()
    by_key = {slug(u.full).replace("-", ""): u for u in hanoi_units()}
    undivided = converter["DICT_PROVINCE_WARD_NO_DIVIDED"]["thanhphohanoi"]
    divided = converter["DICT_PROVINCE_WARD_DIVIDED"].get("thanhphohanoi", {})
    whole: dict[str, list[str]] = {}
    for new_key, olds in undivided.items():
        for old in olds:
            whole.setdefault(old, []).append(new_key)
    districts = legacy["DICT_PROVINCE_DISTRICT"]["thanhphohanoi"]
    out = []
    for district_key, wards in legacy["DICT_PROVINCE_DISTRICT_WARD_NO_ACCENTED"]["thanhphohanoi"].items():
        district = districts[district_key]["district"]
        for ward_key, info in wards.items():
            key = f"thanhphohanoi_{district_key}_{ward_key}"
            if key in divided:
                # the unit that took the old ward's main part first ("isDefaultNewWard")
                news = [d["newWardKey"] for d in sorted(divided[key], key=lambda d: not d["isDefaultNewWard"])]
            else:
                news = whole.get(key, [])
            successors = tuple(by_key[k] for k in dict.fromkeys(news) if k in by_key)
            if not successors or len(successors) != len(set(news)):
                continue
            kind, name = _split_kind(info["ward"])
            out.append(OldWard(kind, name, district, successors))
    return tuple(out)


@cache
def converted(address: str) -> Unit | None:
    """The new unit ``vietnamadminunits.convert_address`` gives for an old address (no street: no geocoding)."""
    from vietnamadminunits import convert_address

    unit = convert_address(address)
    if not unit.ward or unit.province != HANOI:
        return None
    # by name: the two libraries number a few units differently (Xã Xuân Mai is 10045 in one, 10018 in the other)
    return next((u for u in hanoi_units() if u.slug == slug(unit.ward)), None)


@cache
def unique_old_wards() -> dict[Unit, tuple[OldWard, ...]]:
    """New Hà Nội unit → the old units that went whole into it (so an old address names it for certain)."""
    out: dict[Unit, list[OldWard]] = {}
    for old in old_hanoi_wards():
        if len(old.successors) == 1:
            out.setdefault(old.successors[0], []).append(old)
    return {k: tuple(v) for k, v in out.items()}


@cache
def split_old_wards() -> tuple[OldWard, ...]:
    return tuple(o for o in old_hanoi_wards() if len(o.successors) > 1)


def old_ward_for(unit: Unit, pick) -> OldWard | None:  # type: ignore[no-untyped-def]
    """An old unit that became ``unit`` whole, checked against convert_address; None if there is none."""
    candidates = list(unique_old_wards().get(unit, ()))
    while candidates:
        old = pick(candidates)
        if converted(old.address) == unit:
            return old
        candidates.remove(old)
    return None
