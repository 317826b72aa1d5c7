"""The administrative units of Việt Nam since 1 July 2025, and old addresses read as new ones.

Why libraries and not a hand list: the country has 3 321 communes, wards and
special zones in 34 provinces (Hà Nội alone 126), and residents file to all
of them. ``vietnam-provinces`` ships the official list with its codes
(Nghị quyết of the Standing Committee of the National Assembly, 2025); it is
a plain data package with no network access. ``vietnamadminunits`` carries
the pre-reform → new mapping of every old ward ("phường Hạ Đình, quận Thanh
Xuân" is now part of phường Khương Đình); hoso reads its mapping tables
directly instead of calling ``convert_address``, because that function
geocodes over the network when an old ward was split and silently picks one
successor otherwise.

A unit is matched by its kind word and name ("phường Khương Đình", "xã Sóc
Sơn", "UBND P. Khương Đình") against the whole list, fuzzily, so that OCR
damage is tolerated; a match that is not clearly better than the next is not
taken: hoso never guesses a unit.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
import importlib.util
from pathlib import Path
from typing import Iterable, Sequence

from rapidfuzz import fuzz, process

from core.text import nfc
from domain.text import fold, fold_key, squash

UNIT_MIN_SCORE = 88.0  # below this a match is a guess
UNIT_MARGIN = 4.0  # the best unit must beat the next other unit by this much


@dataclass(frozen=True, slots=True)
class Province:
    code: str  # "01"
    name: str  # "Thành phố Hà Nội"
    short: str  # "Hà Nội"


@dataclass(frozen=True, slots=True)
class Unit:
    """A commune, ward or special zone of the official list."""

    code: str  # official 5-digit code, "00364"
    name: str  # "Khương Đình"
    kind: str  # "phường", "xã", "đặc khu"
    province: Province

    @property
    def slug(self) -> str:
        """"phuong-khuong-dinh": part of hoso's JSON output, unique within a province."""
        return fold_key(f"{self.kind} {self.name}").replace(" ", "-")

    @property
    def display_name(self) -> str:
        return f"{self.kind} {self.name}"

    @property
    def full_name(self) -> str:
        """"phường Khương Đình, thành phố Hà Nội"."""
        province = self.province.name
        return f"{self.display_name}, {province[:1].lower()}{province[1:]}"


@dataclass(frozen=True, slots=True)
class UnitMatch:
    """A unit named in free text, how sure the match is (0..100), and the phrase as written."""

    unit: Unit
    score: float
    text: str


@dataclass(frozen=True, slots=True)
class OldUnit:
    """A pre-reform commune/ward named in text, and the new units its area went to."""

    text: str  # the old unit as hoso read it: "phường Hạ Đình, quận Thanh Xuân, thành phố Hà Nội"
    successor: Unit | None  # the new unit that took over the old unit (its whole area, or its main part)
    others: tuple[Unit, ...] = ()  # new units that took the rest of a split old unit

    @property
    def split(self) -> bool:
        return bool(self.others)

    @property
    def ambiguous(self) -> bool:
        """No one successor: the old name fits several old units that went to different new ones."""
        return self.successor is None


# "phường X", "xã X", "P. X", "đặc khu X" up to a delimiter, in folded text.
_UNIT_PHRASE = re.compile(r"(?<![a-z0-9])([a-z]{1,6}(?: khu)?)\s*\.?\s+([^,;()\n\t]+)")
_PHRASE_END_WORD = re.compile(
    r"\s(?:-\s)?(?:thanh pho|tp|quan|huyen|tinh|thi xa|thi tran|ha noi|so nha|so|thon|ap|to|ngo|ngach|duong|pho)\b"
)
_KIND_OF = {"phuong": "phường", "p": "phường", "xa": "xã", "x": "xã", "dac khu": "đặc khu"}
_OLD_MARKERS = re.compile(r"(?<![a-z0-9])(quan|huyen|thi xa|thi tran|q|h)\s*\.?\s+\w")


def _kind_word(word: str) -> str | None:
    """The unit kind a word introduces, as OCR may spell it ("phuờng", "phueng")."""
    if word in _KIND_OF:
        return _KIND_OF[word]
    if len(word) == 6 and word[0] == "p" and sum(a != b for a, b in zip(word, "phuong")) == 1:
        return "phường"
    return None


def _cut_at_end(phrase: str) -> str:
    """A unit's name, up to the first word that ends it ("so 12", "quan ...", "ha noi").

    A word that ends a name may also be one of a name's own words ("Yên Sở",
    "Chương Dương", "Phố Hiến"): it is a cut only where the words up to it
    are no unit's name, new or old.
    """
    known = _known_names()
    for m in _PHRASE_END_WORD.finditer(phrase):
        if phrase[: m.end()].replace(" ", "") not in known:
            return phrase[: m.start()]
    return phrase


@cache
def _known_names() -> frozenset[str]:
    """Every unit's name, folded without spaces: the new list and the old wards and communes."""
    new = {fold_key(u.name).replace(" ", "") for u in official_units().units}
    old = {re.sub(r"^(phuong|xa|thitran)", "", key) for key in _old_units().ward_keys()}
    return frozenset(new | old)


def unit_phrases(text: str) -> list[tuple[str, str]]:
    """Each "phường X" / "xã X" named in ``text``: (kind, X as written)."""
    clean = squash(nfc(text))
    folded = fold(clean)
    found = []
    position = 0
    while (m := _UNIT_PHRASE.search(folded, position)) is not None:
        position = m.start(1) + 1  # the name may itself hold the next phrase
        kind = _kind_word(m.group(1))
        if kind is None:
            continue
        name = _cut_at_end(m.group(2))
        if kind == "xã" and name.startswith("hoi chu nghia"):
            continue  # "Cộng hòa xã hội chủ nghĩa", not a commune
        stripped = name.strip(" .-`'")
        if stripped:
            start = m.start(2) + (len(name) - len(name.lstrip(" .-`'")))
            found.append((kind, clean[start : start + len(stripped)]))
            if name == m.group(2) and (torn := _TORN_AT_COMMA.match(folded, m.end(2))):
                # OCR put a comma inside the name ("phường Đống, Đạ, TP. Hà Nội"): the name with its
                # last word, tried after the name as read.
                found.append((kind, f"{clean[start : start + len(stripped)]} {clean[torn.start(1) : torn.end(1)]}"))
    return found


# One short word alone between two commas after a unit's name, before the province or the end.
_TORN_AT_COMMA = re.compile(r",\s*([a-z]{1,7})\s*(?=,|\.|$|\s(?:tp|thanh pho|ha noi|tinh)\b)")


class AdminUnits:
    """The official list: every province and unit, looked up by name, code or slug."""

    def __init__(self, provinces: Sequence[Province], units: Sequence[Unit]) -> None:
        self.provinces = tuple(provinces)
        self.units = tuple(units)
        self._by_code = {u.code: u for u in units}
        self._province_by_code = {p.code: p for p in provinces}
        # One key per unit, its name alone ("khuong dinh"): with the kind word
        # in the key, "phường Hạ Đình" (an old ward) would read 93 % like
        # "phường Ba Đình"; on the name alone it is 86 %, under the bar.
        self._keys = [fold_key(u.name) for u in units]
        self._province_keys = {p.code: {fold_key(p.name), fold_key(p.short)} for p in provinces}

    def unit(self, code: str) -> Unit:
        return self._by_code[code]

    def province(self, code: str) -> Province:
        return self._province_by_code[code]

    def provinces_named(self, text: str) -> set[str]:
        """Codes of the provinces ``text`` names ("Hà Nội", "TP. Hồ Chí Minh", "tỉnh Thanh Hóa")."""
        key = f" {fold_key(text)} "
        key = key.replace(" tp ", " thanh pho ")
        return {code for code, names in self._province_keys.items() if any(f" {n} " in key for n in names)}

    def match(self, text: str, within: Iterable[str] = ()) -> UnitMatch | None:
        """The unit ``text`` names ("Ủy ban nhân dân phường Khương Đình, Hà Nội"), or None when unsure.

        ``within`` narrows the candidates to provinces (codes): the province
        the text itself names is used when it names one.
        """
        provinces = set(within) or self.provinces_named(text)
        for kind, name in unit_phrases(text):
            found = self._best(kind, name, provinces)
            if found is not None:
                unit, score = found
                return UnitMatch(unit, score, f"{kind} {name}")
        return None

    def _best(self, kind: str, name: str, provinces: set[str]) -> tuple[Unit, float] | None:
        words = fold_key(name).split(" ")
        if not words or not words[0]:
            return None
        best: dict[str, float] = {}
        for n in range(1, min(len(words), 6) + 1):
            query = " ".join(words[:n])
            for _, score, index in process.extract(query, self._keys, scorer=fuzz.ratio, limit=8,
                                                   score_cutoff=UNIT_MIN_SCORE - UNIT_MARGIN):
                unit = self.units[index]
                if unit.kind != kind or (provinces and unit.province.code not in provinces):
                    continue
                if score > best.get(unit.code, 0.0):
                    best[unit.code] = score
        ranked = sorted(best.items(), key=lambda kv: kv[1], reverse=True)
        if not ranked or ranked[0][1] < UNIT_MIN_SCORE:
            return None
        top = self._by_code[ranked[0][0]]
        for code, score in ranked[1:]:
            other = self._by_code[code]
            # Same name in two provinces ("xã Tân Lập"): not one unit, unless a province was named.
            if ranked[0][1] - score < UNIT_MARGIN and (other.name != top.name or not provinces):
                return None
        return top, ranked[0][1]

    def convert_old(self, text: str, within: Iterable[str] = ()) -> OldUnit | None:
        """The pre-reform commune/ward that ``text`` names, as the new unit(s); None if it names none.

        With its old district ("phường Hạ Đình, quận Thanh Xuân") the old unit
        is found by ``vietnamadminunits``' parser. Without one ("UBND phường
        Hạ Đình", as pre-printed forms still say) only an exact old name
        that is no new unit's name and that one old unit of the provinces
        ``within`` bears is taken: a guess would route to a stranger.
        """
        clean = squash(nfc(text))
        provinces = set(within) or self.provinces_named(clean)
        if _OLD_MARKERS.search(fold(clean)):
            converted = _old_units().convert(clean, self)
            named = self.provinces_named(clean)
            if (converted is None or _outside(converted, provinces)) and not named:
                # Without its province the parser guesses one ("phường Tương Mai, quận Hoàng Mai" read as
                # huyện Quan Hóa, Thanh Hóa): the served provinces are what a form handed in here means.
                for code in sorted(provinces):
                    again = _old_units().convert(f"{clean}, {self.province(code).name}", self)
                    if again is not None:
                        converted = again
                        break
            if converted is not None:
                return converted  # else "quận" may be a name's word ("phường Quan Hoa"): try the name
        for kind, name in unit_phrases(clean):
            key = fold_key(name)
            if any(u.kind == kind and fold_key(u.name) == key and u.province.code in provinces for u in self.units):
                return None  # a name the new list has there: not an old one
            found = _old_units().by_name(kind, name, [self.province(c) for c in provinces], self)
            if found is not None:
                return found
        return None


def _outside(old: OldUnit, provinces: set[str]) -> bool:
    """Whether an old unit's successors all lie outside these provinces (codes)."""
    units = [u for u in (old.successor, *old.others) if u is not None]
    return bool(provinces) and bool(units) and all(u.province.code not in provinces for u in units)


def _load_units() -> AdminUnits:
    from vietnam_provinces import Province as VpProvince, Ward as VpWard

    provinces = {}
    for p in VpProvince.iter_all():
        short = re.sub(r"^(Thành phố|Tỉnh)\s+", "", nfc(p.name))
        name = nfc(p.name) if short != nfc(p.name) else f"Tỉnh {short}"  # the list leaves "Tỉnh" out
        provinces[int(p.code)] = Province(code=f"{int(p.code):02d}", name=name, short=short)
    units = []
    for w in VpWard.iter_all():
        kind = nfc(w.division_type.value)
        full = nfc(w.name)
        name = full[len(kind) :].strip() if fold(full).startswith(fold(kind)) else full
        units.append(Unit(code=f"{int(w.code):05d}", name=name, kind=kind, province=provinces[int(w.province_code)]))
    return AdminUnits(sorted(provinces.values(), key=lambda p: p.code), units)


@cache
def official_units() -> AdminUnits:
    """The official list, loaded once per process (a few milliseconds: plain data)."""
    return _load_units()


class _OldUnits:
    """``vietnamadminunits``' mapping of old wards to new ones, read once."""

    def __init__(self) -> None:
        data = json.loads(_converter_data().read_text(encoding="utf-8"))
        self._new_province = {old: new for new, olds in data["DICT_PROVINCE"].items() for old in olds}
        self._whole: dict[str, tuple[str, str]] = {}  # old key -> (new province key, new ward key)
        for province, wards in data["DICT_PROVINCE_WARD_NO_DIVIDED"].items():
            for new_ward, olds in wards.items():
                for old in olds:
                    self._whole[old] = (province, new_ward)
        self._split: dict[str, tuple[str, list[tuple[str, bool]]]] = {}
        for province, olds in data["DICT_PROVINCE_WARD_DIVIDED"].items():
            for old, news in olds.items():
                self._split[old] = (province, [(n["newWardKey"], bool(n["isDefaultNewWard"])) for n in news])

        # "phuonghadinh" -> old keys "thanhphohanoi_quanthanhxuan_phuonghadinh", ...
        self._by_ward: dict[str, list[str]] = {}
        for old in [*self._whole, *self._split]:
            self._by_ward.setdefault(old.rsplit("_", 1)[-1], []).append(old)

    def ward_keys(self) -> list[str]:
        """The old units' own keys ("phuonghadinh"), one per name."""
        return list(self._by_ward)

    def by_name(self, kind: str, name: str, provinces: Sequence[Province], units: AdminUnits) -> OldUnit | None:
        """The old unit of this exact name in these (new) provinces, when there is exactly one."""
        ward = fold_key(f"{kind} {name}").replace(" ", "")
        wanted = {fold_key(p.name).replace(" ", "") for p in provinces}
        keys = [k for k in self._by_ward.get(ward, []) if self._new_province.get(k.split("_", 1)[0]) in wanted]
        written = f"{kind} {name}"
        found = [o for o in (self._successors(k, written, units) for k in keys) if o is not None]
        if not found:
            return None
        mains = {o.successor for o in found}
        if len(mains) == 1:
            return found[0]
        # "xã Tân Lập" of two old districts that went to different new units: a person chooses.
        candidates = tuple(dict.fromkeys(u for o in found for u in (o.successor, *o.others) if u is not None))
        return OldUnit(written, None, candidates)

    def convert(self, text: str, units: AdminUnits) -> OldUnit | None:
        from vietnamadminunits import ParseMode, parse_address

        try:
            old = parse_address(text, mode=ParseMode.LEGACY, keep_street=False, level=3)
        except Exception:  # the parser raises plain exceptions for text it cannot place
            return None
        if not (old.province_key and old.district_key and old.ward_key):
            return None
        key = f"{old.province_key}_{old.district_key}_{old.ward_key}"
        written = ", ".join(x for x in (old.ward, old.district, old.province) if x)
        return self._successors(key, written, units)

    def _successors(self, key: str, written: str, units: AdminUnits) -> OldUnit | None:
        if key in self._whole:
            province, ward = self._whole[key]
            successor = _by_key(units, province, ward)
            return OldUnit(written, successor) if successor else None
        if key in self._split:
            province, news = self._split[key]
            found = [(_by_key(units, province, ward), main) for ward, main in news]
            main = [u for u, is_main in found if u is not None and is_main]
            rest = tuple(u for u, is_main in found if u is not None and not is_main)
            return OldUnit(written, main[0], rest) if main else None
        return None


def _by_key(units: AdminUnits, province_key: str, ward_key: str) -> Unit | None:
    """The unit that ``vietnamadminunits`` names by its keys ("thanhphohanoi", "phuongkhuongdinh")."""
    index = _unit_keys(units)
    return index.get((province_key, ward_key))


@cache
def _unit_keys(units: AdminUnits) -> dict[tuple[str, str], Unit]:
    out = {}
    for u in units.units:
        out[(fold_key(u.province.name).replace(" ", ""), fold_key(f"{u.kind} {u.name}").replace(" ", ""))] = u
    return out


def _converter_data() -> Path:
    """``vietnamadminunits``' old-to-new table, found without importing the package.

    Importing it loads its address parser (geopy, 3.6 MB of JSON): 0.7 CPU-s that
    every flow-run process paid at its first address, though only an address
    naming an old district needs the parser (``_OldUnits.convert``).
    """
    spec = importlib.util.find_spec("vietnamadminunits")
    if spec is None or spec.origin is None:
        raise ModuleNotFoundError("vietnamadminunits")
    return Path(spec.origin).parent / "data" / "converter_2025.json"


@cache
def _old_units() -> _OldUnits:
    return _OldUnits()
