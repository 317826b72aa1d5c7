"""The official-wording corpus: labelled dossiers that hoso's own generator did not write.

``generate_official_corpus(out, count, seed)`` writes one file per dossier (a
text-layer PDF, or a scan: multi-page TIFF or image-only PDF) and returns the
cases with what a correct official would conclude. Labels:

- ``commune``: the slug of the unit in force the dossier is addressed to (the
  "Kính gửi" line; when that line names an old ward, the unit it became, from
  ``vietnamadminunits``). Hà Nội is the deployment's area: a dossier addressed
  to another province is ``needs_review`` with no office and no commune; so is
  one whose old ward was split between several new units.
- ``status``: ``rejected`` only for a planted defect that a rule must refuse;
  every other dossier is valid and must be ``routed``.

Everything is drawn from one ``random.Random`` per case, seeded from the corpus
seed and the case number, so a seed gives the same corpus byte for byte in
content (PDF timestamps aside).
"""

from __future__ import annotations

import json
import random
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

from domain.deadlines import today_in_vietnam
from samples.corpus import SampleCase
from samples.official import templates, units
from samples.official.people import street_address
from samples.official.render import FONTS, Look, pdf_bytes, random_scan_look, scan_file
from samples.official.templates import LAYOUTS, WITHOUT_APPLICANT_DOB, Filing
from samples.official.units import OldWard, Unit

OFFICES = {"khai-sinh": "ubnd-van-phong", "ket-hon": "ubnd-van-phong", "khai-tu": "ubnd-van-phong",
           "xac-nhan-hon-nhan": "ubnd-van-phong", "thuong-tru": "cong-an", "tam-tru": "cong-an",
           "ho-kinh-doanh": "phong-kinh-te", "giay-phep-xay-dung": "phong-kinh-te"}
PROCEDURES = tuple(OFFICES)

#: procedures that may be filed at any commune (Nghị định 120/2025: civil status)
FILED_ANYWHERE = frozenset({"khai-sinh", "ket-hon", "khai-tu", "xac-nhan-hon-nhan"})

#: defect → (status it must lead to, problem code it must raise)
DEFECTS: dict[str, tuple[str, str]] = {
    "thieu-giay-to": ("rejected", "thieu-giay-to-kem-theo"),
    "cccd-sai-nam-sinh": ("rejected", "so-dinh-danh-sai-nam-sinh"),
    "cmnd-9-so": ("rejected", "cmnd-het-hieu-luc"),
    "chua-du-tuoi-ket-hon": ("rejected", "chua-du-tuoi-ket-hon"),
    "ten-ho-kinh-doanh-sai": ("rejected", "ten-ho-kinh-doanh-sai"),
    "xa-phuong-ngoai-danh-muc": ("needs_review", "ngoai-dia-ban"),
    "dia-chi-cu-nhieu-don-vi": ("needs_review", "dia-chi-cu-nhieu-don-vi"),
    # late registration is for the official to weigh; the dossier is still routed
    "khai-sinh-qua-han": ("routed", "dang-ky-khai-sinh-qua-han"),
    "khai-tu-qua-han": ("routed", "dang-ky-khai-tu-qua-han"),
}
_COMMON = ("cccd-sai-nam-sinh", "cmnd-9-so", "xa-phuong-ngoai-danh-muc", "dia-chi-cu-nhieu-don-vi")
DEFECTS_BY_PROCEDURE: dict[str, tuple[str, ...]] = {
    "khai-sinh": ("thieu-giay-to", "khai-sinh-qua-han", *_COMMON),
    "ket-hon": ("chua-du-tuoi-ket-hon", *_COMMON),
    "khai-tu": ("thieu-giay-to", "khai-tu-qua-han", *_COMMON),
    "xac-nhan-hon-nhan": _COMMON,
    "thuong-tru": ("thieu-giay-to", *_COMMON),
    "tam-tru": ("thieu-giay-to", *_COMMON),
    "ho-kinh-doanh": ("ten-ho-kinh-doanh-sai", *_COMMON),
    "giay-phep-xay-dung": _COMMON,
}
DEFECT_RATE = 0.25
OLD_ADDRESS_RATE = 0.3  # of valid dossiers: a few units have no predecessor that went whole into them
HANOI_WRITTEN = ("thành phố Hà Nội", "TP. Hà Nội", "Hà Nội", "Thành phố Hà Nội", "TP Hà Nội")


def _addressee(rng: random.Random, procedure: str, unit: Unit | None, old: OldWard | None, with_province: bool) -> str:
    """The "Kính gửi" line: the office of the unit, as residents write it."""
    office = OFFICES[procedure]
    target_is_ward = (unit.is_ward if unit else old.kind == "Phường") if (unit or old) else True
    if office == "ubnd-van-phong":
        head = rng.choice(("Ủy ban nhân dân", "Ủy ban nhân dân", "UBND"))
    elif office == "cong-an":
        head = "Công an"
    elif procedure == "giay-phep-xay-dung" and rng.random() < 0.4:
        head = "Ủy ban nhân dân"  # the permit is signed by the People's Committee; residents often address it
    else:
        head = "Phòng Kinh tế, Hạ tầng và Đô thị" if target_is_ward else "Phòng Kinh tế"
    if old is not None:
        text = f"{head} {old.lower}, {old.district_lower}"
        return text + (f", {rng.choice(HANOI_WRITTEN)}" if with_province else "")
    assert unit is not None
    text = f"{head} {unit.lower}"
    if unit.province != units.HANOI:
        return f"{text}, {unit.province_lower}"
    return text + (f", {rng.choice(HANOI_WRITTEN)}" if with_province else "")


def _address(rng: random.Random, unit: Unit | None, old: OldWard | None) -> str:
    street = street_address(rng, unit if unit is not None else Unit(old.kind if old.kind != "Thị trấn" else "Phường",  # type: ignore[union-attr]
                                                                   old.name, units.HANOI, 0))  # type: ignore[union-attr]
    if old is not None:
        return f"{street}, {old.lower}, {old.district_lower}, {rng.choice(HANOI_WRITTEN)}"
    assert unit is not None
    province = rng.choice(HANOI_WRITTEN) if unit.province == units.HANOI else unit.province_lower
    return f"{street}, {unit.lower}, {province}"


def _case(i: int, seed: int, procedure: str, layout: str, defect: str | None, scan: bool, today: date,
          out: Path) -> SampleCase:
    rng = random.Random(f"official-{seed}-{i}")
    office: str | None = OFFICES[procedure]
    old: OldWard | None = None
    old_where = None
    other_address: str | None = None
    hanoi = units.hanoi_units()
    if defect == "xa-phuong-ngoai-danh-muc":
        unit = rng.choice(units.other_units())
        addressee = _addressee(rng, procedure, unit, None, True)
        address = _address(rng, unit, None)
        premises = _address(rng, unit, None)
        label_unit = None
    elif defect == "dia-chi-cu-nhieu-don-vi":
        old = rng.choice(units.split_old_wards())
        unit = None
        old_where = "both"
        addressee = _addressee(rng, procedure, None, old, rng.random() < 0.6)
        address = _address(rng, None, old)
        premises = _address(rng, None, old)
        label_unit = None
    else:
        use_old = rng.random() < OLD_ADDRESS_RATE
        if use_old:
            unit = rng.choice([u for u in hanoi if u in units.unique_old_wards()])
            old = units.old_ward_for(unit, rng.choice)
        else:
            unit = rng.choice(hanoi)
        label_unit = unit
        if old is not None:
            if OFFICES[procedure] == "phong-kinh-te":
                old_where = "resident"  # the pre-reform Phòng Tài chính – Kế hoạch was a district's: the old ward is in the addresses
            else:
                old_where = rng.choice(("addressee", "resident", "both"))
        addressee = _addressee(rng, procedure, unit, old if old_where in ("addressee", "both") else None, rng.random() < 0.5)
        address = _address(rng, unit, old if old_where in ("resident", "both") else None)
        premises = address
        if OFFICES[procedure] != "cong-an" and old is None and rng.random() < 0.25:
            # civil status may be filed at any commune (Nghị định 120/2025); a business owner or a builder may live elsewhere
            elsewhere = rng.choice(hanoi)
            other_address = _address(rng, elsewhere, None)
            if OFFICES[procedure] == "phong-kinh-te":
                address = other_address
            else:
                address = other_address if procedure != "ket-hon" else address
    status, problem = DEFECTS[defect] if defect else ("routed", None)
    if defect == "dia-chi-cu-nhieu-don-vi" and procedure in FILED_ANYWHERE and old is not None:
        # Civil status may be registered at any commune (Nghị định 120/2025): a split old ward's
        # dossier goes to the unit that took its main part; a person chooses only where the place binds.
        label_unit = old.successors[0]
        status, problem = "routed", "dia-chi-cu-da-chuyen-doi"
    elif defect in ("xa-phuong-ngoai-danh-muc", "dia-chi-cu-nhieu-don-vi"):
        office = None
    place_unit = unit or (old.successors[0] if old else None)
    if old is not None and old_where in ("addressee", "both"):
        place = rng.choice(("Hà Nội", old.name))
    elif place_unit is not None and place_unit.province != units.HANOI:
        place = place_unit.province.split(" ", 2)[-1] if place_unit.province.startswith("Thành phố") else place_unit.province.removeprefix("Tỉnh ")
    else:
        place = rng.choice(("Hà Nội", place_unit.name if place_unit else "Hà Nội", place_unit.full if place_unit else "Hà Nội"))
    filed = today - timedelta(days=rng.choice((0, 0, 0, 1)))
    filing = Filing(rng=rng, today=today, filed=filed, addressee=addressee, unit=label_unit or place_unit, address=address,
                    place=place, defect=defect, upper=rng.random() < 0.25, marks=rng.random() < 0.3)
    filing.notes["premises"] = premises
    filing.notes["province"] = (place_unit.province if place_unit else units.HANOI)
    if other_address:
        filing.notes["other_address"] = other_address
    pages = templates.BUILDERS[procedure](filing, layout)
    applicant = filing.applicant
    assert applicant is not None
    look = Look(font=rng.choice(tuple(FONTS)), size=rng.choice((11.0, 11.5, 12.0, 12.5, 13.0, 13.5)),
                leader=rng.choice(("ellipsis", "dots", "drawn")), margin_mm=rng.choice((15.0, 18.0, 20.0)),
                line_gap=rng.choice((1.35, 1.45, 1.6)))
    if look.font == "FreeMono":
        look = replace(look, size=min(look.size, 11.0))  # typewriter faces are wide: a resident would shrink them
    pdf = pdf_bytes(pages, look, title=f"{procedure}")
    name = f"official-{i:03d}-{procedure}"
    render: dict[str, object] = {"kind": "scan" if scan else "text", "layout": layout, "font": look.font,
                                 "size": look.size, "leader": look.leader, "address": "old" if old is not None else "new",
                                 "upper": filing.upper, "pages": None}
    if old is not None:
        render["old_where"] = old_where
        render["old_address"] = old.address
        if defect == "dia-chi-cu-nhieu-don-vi":
            render["candidates"] = [u.slug for u in old.successors]
    if defect == "xa-phuong-ngoai-danh-muc" and unit is not None:
        render["province"] = unit.province
    if scan:
        slook = random_scan_look(rng)
        path = scan_file(pdf, slook, rng.randrange(2**32), out / name)
        render.update({"format": slook.fmt, "dpi": slook.dpi, "skew": slook.skew_deg, "blur": slook.blur, "noise": slook.noise})
    else:
        path = out / f"{name}.pdf"
        path.write_bytes(pdf)
    import pypdfium2

    doc = pypdfium2.PdfDocument(pdf)
    render["pages"] = len(doc)
    doc.close()
    expected: dict[str, object] = {
        "procedure": procedure,
        "office": office,
        "commune": label_unit.slug if label_unit is not None else None,
        "status": status,
        "applicant_name": applicant.name,
        "applicant_id": applicant.pid,
        "defects": [defect] if defect else [],
        "problem_codes": [problem] if problem else [],
        "render": render,
    }
    return SampleCase(name=name, files=[path], expected=expected)


def plan(count: int, seed: int, scan_ratio: float) -> list[tuple[str, str, str | None, bool]]:
    """(procedure, layout, defect, scan) for each case: procedures in turn, each cycling through its layouts."""
    rng = random.Random(f"official-plan-{seed}")
    order = list(PROCEDURES)
    rng.shuffle(order)
    seen: dict[str, int] = {}
    n_defects = round(count * DEFECT_RATE)
    defective = set(rng.sample(range(count), n_defects)) if count else set()
    n_scans = round(count * scan_ratio)
    scans = set(rng.sample(range(count), n_scans)) if count else set()
    out = []
    for i in range(count):
        procedure = order[i % len(order)]
        k = seen.get(procedure, 0)
        seen[procedure] = k + 1
        layouts = LAYOUTS[procedure]
        layout = layouts[k % len(layouts)]
        defect = rng.choice(DEFECTS_BY_PROCEDURE[procedure]) if i in defective else None
        if defect == "cccd-sai-nam-sinh" and layout in WITHOUT_APPLICANT_DOB:
            layout = layouts[0]  # the year must be on the form to disagree with it
        out.append((procedure, layout, defect, i in scans))
    return out


def generate_official_corpus(out: Path, count: int, seed: int, scan_ratio: float = 0.5,
                             today: date | None = None) -> list[SampleCase]:
    """Write ``count`` labelled dossiers under ``out`` (and labels.json beside them); deterministic for a seed."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    today = today or today_in_vietnam()
    cases = [_case(i, seed, *spec, today=today, out=out) for i, spec in enumerate(plan(count, seed, scan_ratio))]
    labels = {c.name: {"file": c.files[0].name, **c.expected} for c in cases}
    (out / "labels.json").write_text(json.dumps({"seed": seed, "today": today.isoformat(), "cases": labels},
                                                ensure_ascii=False, indent=2), encoding="utf-8")
    return cases
