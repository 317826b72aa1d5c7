"""The communes and wards a deployment serves, and finding them in what people write.

They are units of the official list of administrative units after the 2025
reorganisation (domain.units reads it), given slugs and aliases by communes.yaml:
so they live beside that list, and the catalogue's commune queries are answered here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from core.text import nfc
from domain.catalogue_schema import CommuneOverride, ServedArea
from domain.text import fold, fold_key, squash
from domain.units import AdminUnits, OldUnit, Unit, unit_phrases


@dataclass(frozen=True, slots=True)
class Commune:
    """A commune or ward this deployment routes to: a unit of the official list and its slug."""

    slug: str
    unit: Unit
    aliases: tuple[str, ...] = ()

    @property
    def name(self) -> str:
        return self.unit.name

    @property
    def kind(self) -> str:
        return self.unit.kind

    @property
    def code(self) -> str:
        return self.unit.code

    @property
    def display_name(self) -> str:
        return self.unit.display_name


@dataclass(frozen=True, slots=True)
class CommuneMatch:
    """A commune found in free text, with how sure the match is (0..100)."""

    commune: Commune
    score: float
    text: str  # the phrase that matched, as written


@dataclass(frozen=True, slots=True)
class Place:
    """The unit a text names, as hoso read it.

    ``commune`` is set only when the unit is in this deployment's area;
    ``old`` when the text named a pre-reform unit that ``unit`` succeeded.
    """

    unit: Unit | None  # None only for an ambiguous old unit (see ``old.others`` for the candidates)
    commune: Commune | None
    text: str  # what was written, as matched ("phường Hạ Đình, quận Thanh Xuân, …")
    old: OldUnit | None = None


def parse_area(text: str, units: AdminUnits) -> ServedArea:
    """A served area from a setting: "01", "01,79", "00364,00382", "Hà Nội" or "Thành phố Hà Nội".

    Raises ValueError with a Vietnamese message for anything it cannot place.
    """
    provinces, communes = [], []
    for part in (p.strip() for p in text.split(",")):
        if not part:
            continue
        if re.fullmatch(r"\d{1,2}", part):
            code = f"{int(part):02d}"
            units.province(code)  # KeyError for a code the list does not have
            provinces.append(code)
        elif re.fullmatch(r"\d{5}", part):
            units.unit(part)
            communes.append(part)
        else:
            named = units.provinces_named(part)
            if len(named) != 1:
                raise ValueError(f"“{part}” không phải tên một tỉnh/thành phố trong danh mục 34 tỉnh, thành phố.")
            provinces.extend(named)
    if not provinces and not communes:
        raise ValueError("Địa bàn phục vụ trống: cần mã tỉnh/thành phố hoặc mã xã/phường.")
    return ServedArea(provinces=provinces, communes=communes)


def area_communes(units: AdminUnits, area: ServedArea, overrides: list[CommuneOverride]) -> dict[str, Commune]:
    """The area's units as communes by slug.

    Slugs ("phuong-khuong-dinh") are unique within a province; an area that
    spans provinces with two units of one name gets the province code
    appended to both ("xa-tan-lap-01").
    """
    served = [u for u in units.units if u.province.code in area.provinces or u.code in area.communes]
    counts: dict[object, int] = {}
    for unit in served:
        for key in (unit.slug, (unit.slug, unit.province.code)):
            counts[key] = counts.get(key, 0) + 1
    aliases = {o.slug: tuple(o.aliases) for o in overrides}
    out: dict[str, Commune] = {}
    for unit in served:
        slug = unit.slug
        if counts[slug] > 1:  # then the province's code, or the unit's own where one province has two
            slug = f"{slug}-{unit.province.code}" if counts[(slug, unit.province.code)] == 1 else f"{slug}-{unit.code}"
        out[slug] = Commune(slug=slug, unit=unit, aliases=aliases.get(slug, ()))
    return out


class ServedCommunes:
    """The area's communes by slug, and finding one (or any unit) in what a form says."""

    def __init__(self, units: AdminUnits, area: ServedArea, overrides: list[CommuneOverride]) -> None:
        self.units = units
        self.by_slug: dict[str, Commune] = area_communes(units, area, overrides)
        self._by_code = {c.code: c for c in self.by_slug.values()}
        self.provinces: frozenset[str] = frozenset(area.provinces) | {units.unit(code).province.code for code in area.communes}
        # Folded names and aliases of the area's communes, for bare names ("Hoàn Kiếm").
        self._keys: dict[str, list[Commune]] = {}
        for commune in self.by_slug.values():
            for spelling in (commune.name, *commune.aliases):
                self._keys.setdefault(fold_key(spelling), []).append(commune)

    def find(self, text: str) -> Commune | None:
        """The commune or ward of this deployment's area that ``text`` names, or None when not sure.

        Accepts "phường Hoàn Kiếm", "UBND xa Soc Son", an address, or a bare
        name. A name is only taken when introduced as phường/xã (or given on
        its own): "quận Hoàn Kiếm" is an abolished district, not the ward.
        Old addresses are not converted here (see :meth:`locate`).
        """
        match = self.match(text)
        return match.commune if match else None

    def match(self, text: str) -> CommuneMatch | None:
        """Like :meth:`find`, with the score and the phrase matched."""
        clean = squash(nfc(text))
        if unit_phrases(clean):
            found = self.units.match(clean, within=self.provinces)
            commune = self.commune_of(found.unit) if found else None
            return CommuneMatch(commune, found.score, found.text) if commune and found else None
        if re.search(r"\b(quan|huyen|thi xa)\b", fold(clean)):
            return None
        same = self._keys.get(fold_key(clean), [])
        return CommuneMatch(same[0], 100.0, clean) if len(same) == 1 else None

    def locate(self, text: str) -> Place | None:
        """The unit ``text`` names, anywhere in the country, old addresses converted; None when unsure.

        An old unit (named with its abolished district) is converted first,
        so that "phường Khương Trung, quận Thanh Xuân" is not read as some new
        unit of a similar name. A new unit is looked for in the area's
        provinces first, then in the whole list, so that OCR damage on a local
        name does not turn it into a look-alike far away.
        """
        clean = squash(nfc(text))
        old = self.units.convert_old(clean, within=self.provinces)
        if old is not None:
            unit = old.successor
            return Place(unit, self.commune_of(unit) if unit else None, old.text, old)
        found = self.units.match(clean, within=self.provinces) or self.units.match(clean)
        if found is not None:
            return Place(found.unit, self.commune_of(found.unit), found.text)
        bare = self.match(clean)
        if bare is not None:
            return Place(bare.commune.unit, bare.commune, bare.text)
        return None

    def commune_of(self, unit: Unit) -> Commune | None:
        """The area's commune for a unit of the official list; None outside the area."""
        return self._by_code.get(unit.code)
