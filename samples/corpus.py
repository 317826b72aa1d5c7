"""Labelled sample dossiers: the demo set and the benchmark corpus.

Each case is one dossier (usually one multi-page PDF: the form, then its
attachments) with the verdict a correct hoso must reach. Defects are planted
on purpose (an underage groom, a business named "Công ty ...", a commune not
in the catalogue...) and the expectation says what each one must cause.
Expected statuses are the truth about the dossier: on a poor scan hoso may
soften a rejection to a review, which still counts as "not routed".
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Callable, Sequence

import numpy as np

from domain.catalogue import Catalogue, Commune, default_catalogue
from domain.model import Status
from samples import forms
from samples.forms import Page
from samples.people import People, Person
from samples.render import ScanFormat, ScanLook, pdf_bytes, scan

PROCEDURES = (
    "khai-sinh", "ket-hon", "khai-tu", "xac-nhan-hon-nhan", "thuong-tru", "tam-tru", "ho-kinh-doanh",
    "giay-phep-xay-dung",
)


@dataclass(frozen=True, slots=True)
class Defect:
    """A planted defect: the status it must lead to and the problem it must raise."""

    status: Status
    problem: str


DEFECTS: dict[str, Defect] = {
    "thieu-giay-to": Defect("rejected", "thieu-giay-to-kem-theo"),
    "thieu-thong-tin": Defect("needs_review", "thieu-thong-tin"),  # completed on request, never turned away
    "cccd-sai-nam-sinh": Defect("rejected", "so-dinh-danh-sai-nam-sinh"),
    "cmnd-9-so": Defect("rejected", "cmnd-het-hieu-luc"),
    "chua-du-tuoi-ket-hon": Defect("rejected", "chua-du-tuoi-ket-hon"),
    "ten-ho-kinh-doanh-sai": Defect("rejected", "ten-ho-kinh-doanh-sai"),
    "xa-phuong-ngoai-danh-muc": Defect("needs_review", "ngoai-dia-ban"),  # a real unit outside the area
    "ct01-khong-ro": Defect("needs_review", "ct01-khong-ro-noi-dung"),
    # Late registration is for an official to weigh; it does not stop routing.
    "khai-sinh-qua-han": Defect("routed", "dang-ky-khai-sinh-qua-han"),
    "khai-tu-qua-han": Defect("routed", "dang-ky-khai-tu-qua-han"),
}
_COMMON = ("cccd-sai-nam-sinh", "cmnd-9-so", "xa-phuong-ngoai-danh-muc")
DEFECTS_BY_PROCEDURE: dict[str, tuple[str, ...]] = {
    "khai-sinh": ("thieu-giay-to", "thieu-thong-tin", "khai-sinh-qua-han", *_COMMON),
    "ket-hon": ("chua-du-tuoi-ket-hon", *_COMMON),
    "khai-tu": ("thieu-giay-to", "khai-tu-qua-han", *_COMMON),
    "xac-nhan-hon-nhan": _COMMON,
    "thuong-tru": ("thieu-giay-to", "ct01-khong-ro", *_COMMON),
    "tam-tru": ("thieu-giay-to", "ct01-khong-ro", *_COMMON),
    "ho-kinh-doanh": ("ten-ho-kinh-doanh-sai", *_COMMON),
    "giay-phep-xay-dung": _COMMON,
}
# Real wards outside the catalogue (not Hà Nội): a dossier addressed there
# must wait for an official, never be sent to a look-alike.
FOREIGN_COMMUNES = (
    "phường Bến Thành, Thành phố Hồ Chí Minh",
    "phường Sài Gòn, Thành phố Hồ Chí Minh",
    "phường Hải Châu, thành phố Đà Nẵng",
    "phường Ninh Kiều, thành phố Cần Thơ",
    "phường Hạc Thành, tỉnh Thanh Hóa",
)
HOSPITALS = ("Bệnh viện Phụ sản Hà Nội", "Bệnh viện Phụ sản Trung ương", "Bệnh viện Bạch Mai",
             "Bệnh viện Đa khoa Xanh Pôn", "Bệnh viện Đa khoa Đức Giang")
BUSINESSES = (("Phở Hà Thành", "Dịch vụ ăn uống"), ("Tạp hóa Minh Anh", "Bán lẻ hàng tạp hóa"),
              ("Cà phê Góc Phố", "Dịch vụ phục vụ đồ uống"), ("Sửa xe Tuấn Hưng", "Sửa chữa mô tô, xe máy"),
              ("May đo Hồng Nhung", "May trang phục"), ("Bún chả Hàng Mành", "Dịch vụ ăn uống"))
_PHONE_PREFIXES = ("090", "091", "093", "094", "096", "097", "098", "086", "088", "070", "077", "081")


@dataclass(slots=True)
class SampleCase:
    """One labelled dossier on disk.

    ``expected`` holds: procedure, office, commune, status, applicant_name,
    applicant_id, defects (and problem_codes, render for the curious).
    """

    name: str
    files: list[Path]
    expected: dict[str, object] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Dossier:
    """A case before rendering: its pages and what hoso must conclude."""

    procedure: str
    pages: tuple[Page, ...]
    expected: dict[str, object]


class _Story:
    """Writes one dossier of a procedure, with at most one planted defect."""

    def __init__(self, rng: random.Random, catalogue: Catalogue, now: datetime) -> None:
        self.rng = rng
        self.catalogue = catalogue
        self.now = now
        self.today = now.date()
        self.people = People(rng, catalogue, self.today)

    # -- shared pieces --------------------------------------------------------
    def signed(self) -> date:
        return self.today - timedelta(days=self.rng.randint(0, 3))

    def phone(self) -> str:
        return self.rng.choice(_PHONE_PREFIXES) + f"{self.rng.randrange(10**7):07d}"

    def addressee(self, authority: str, commune: Commune, defect: str | None) -> str:
        """The "Kính gửi" line: the commune's People's Committee, police or economic office."""
        if defect == "xa-phuong-ngoai-danh-muc":
            place = self.rng.choice(FOREIGN_COMMUNES)
        else:
            province = self.catalogue.province
            place = f"{commune.display_name}, {province[:1].lower()}{province[1:]}"
        if authority == "cong-an":
            return f"Công an {place}"
        if authority == "phong-kinh-te":
            office = self.catalogue.office(authority)
            title = office.name_in_ward if commune.kind == "phường" and office.name_in_ward else office.name
            return f"{title} {place}"
        return f"Ủy ban nhân dân {place}"

    def flaw(self, person: Person, defect: str | None) -> Person:
        """Plant an identity defect on the applicant."""
        if defect == "cccd-sai-nam-sinh":
            # A plausible ID of someone born a few years earlier: same province, sex, serial.
            wrong = person.dob.year - self.rng.randint(1, 4)
            digit = 2 * ((wrong - 1900) // 100) + (0 if person.sex == "Nam" else 1)
            number = f"{person.personal_id[:3]}{digit}{wrong % 100:02d}{person.personal_id[6:]}"
            return replace(person, personal_id=number)
        if defect == "cmnd-9-so":
            return replace(person, personal_id=f"0{self.rng.randrange(10**8):08d}")
        return person

    def expected(self, procedure: str, commune: Commune, defect: str | None, applicant: Person) -> dict[str, object]:
        entry = self.catalogue.procedure(procedure)
        status: Status = DEFECTS[defect].status if defect else "routed"
        routed_nowhere = defect == "xa-phuong-ngoai-danh-muc"
        return {
            "procedure": None if defect == "ct01-khong-ro" else procedure,
            "office": None if routed_nowhere or defect == "ct01-khong-ro" else entry.office,
            "commune": None if routed_nowhere else commune.slug,
            "status": status,
            "applicant_name": applicant.name,
            "applicant_id": applicant.personal_id,
            "defects": [defect] if defect else [],
            "problem_codes": [DEFECTS[defect].problem] if defect else [],
        }

    # -- one builder per procedure ------------------------------------------
    def khai_sinh(self, commune: Commune, defect: str | None) -> Dossier:
        rng, people = self.rng, self.people
        father = people.person("Nam", min_age=22, max_age=45, commune=commune)
        mother = replace(people.person("Nữ", min_age=20, max_age=40), address=father.address)
        days = rng.randint(70, 400) if defect == "khai-sinh-qua-han" else rng.randint(2, 30)
        born = datetime.combine(self.today - timedelta(days=days), time(rng.randint(0, 23), rng.randint(0, 59)))
        child = people.newborn(father, born.date())
        applicant, relationship = (father, "Cha") if rng.random() < 0.6 else (mother, "Mẹ")
        applicant = self.flaw(applicant, defect)
        hospital = rng.choice(HOSPITALS)
        blank = frozenset({"birth_place"}) if defect == "thieu-thong-tin" else frozenset()
        pages = [forms.birth_registration(
            self.addressee("ubnd", commune, defect), applicant, relationship, child, mother, father,
            hospital, self.signed(), caps=rng.random() < 0.7, blank=blank,
        )]
        if defect != "thieu-giay-to":
            pages.append(forms.birth_certificate(mother, child, born, hospital, rng.randint(100, 9999)))
        return Dossier("khai-sinh", tuple(pages), self.expected("khai-sinh", commune, defect, applicant))

    def ket_hon(self, commune: Commune, defect: str | None) -> Dossier:
        rng, people = self.rng, self.people
        bride = people.person("Nữ", min_age=20, max_age=38, commune=commune)
        groom = people.person("Nam", min_age=22, max_age=42)
        if defect == "chua-du-tuoi-ket-hon":
            # At least a month short of the legal age, so the case stays underage for a while.
            if rng.random() < 0.5:
                dob = self.today - timedelta(days=19 * 365 + rng.randint(10, 300))
                groom = people.person("Nam", dob=dob)
            else:
                dob = self.today - timedelta(days=17 * 365 + rng.randint(10, 300))
                bride = people.person("Nữ", dob=dob, commune=commune)
        bride = self.flaw(bride, defect)
        page = forms.marriage_registration(
            self.addressee("ubnd", commune, defect), bride, groom, self.signed(), caps=rng.random() < 0.7
        )
        return Dossier("ket-hon", (page,), self.expected("ket-hon", commune, defect, bride))

    def khai_tu(self, commune: Commune, defect: str | None) -> Dossier:
        rng, people = self.rng, self.people
        deceased = people.person(min_age=60, max_age=95, commune=commune)
        applicant = replace(people.person(min_age=30, max_age=60, family=deceased.name.split(" ")[0]),
                            address=deceased.address)
        applicant = self.flaw(applicant, defect)
        days = rng.randint(20, 200) if defect == "khai-tu-qua-han" else rng.randint(1, 10)
        died = datetime.combine(self.today - timedelta(days=days), time(rng.randint(0, 23), rng.randint(0, 59)))
        place = rng.choice(HOSPITALS[2:] + ("Tại nhà riêng",))
        cause = rng.choice(("Bệnh già", "Suy tim", "Tai biến mạch máu não", "Ung thư phổi"))
        number = f"{rng.randint(10, 999)}/GBT"
        relationship = rng.choice(("Con", "Vợ", "Chồng", "Cháu"))
        pages = [forms.death_registration(
            self.addressee("ubnd", commune, defect), applicant, relationship, deceased, died,
            place, cause, number, self.signed(), caps=rng.random() < 0.7,
        )]
        if defect != "thieu-giay-to":
            pages.append(forms.death_notice(deceased, died, place if place != "Tại nhà riêng" else
                                            f"Trạm Y tế {commune.display_name}", cause, number))
        return Dossier("khai-tu", tuple(pages), self.expected("khai-tu", commune, defect, applicant))

    def xac_nhan_hon_nhan(self, commune: Commune, defect: str | None) -> Dossier:
        rng = self.rng
        applicant = self.flaw(self.people.person(min_age=20, max_age=50, commune=commune), defect)
        status = rng.choice(("Chưa đăng ký kết hôn với ai", "Đã ly hôn, hiện chưa đăng ký kết hôn với ai"))
        purpose = rng.choice(("Để đăng ký kết hôn", "Để bổ sung hồ sơ vay vốn ngân hàng",
                              "Để làm thủ tục mua bán nhà đất"))
        page = forms.marital_status_request(
            self.addressee("ubnd", commune, defect), applicant, status, purpose, self.signed(),
            caps=rng.random() < 0.7,
        )
        return Dossier("xac-nhan-hon-nhan", (page,), self.expected("xac-nhan-hon-nhan", commune, defect, applicant))

    def _residence(self, procedure: str, commune: Commune, defect: str | None) -> Dossier:
        rng, people = self.rng, self.people
        applicant = self.flaw(people.person(min_age=18, max_age=65), defect)
        owner = people.person(min_age=35, max_age=75, commune=commune)
        residence = owner.address.text()
        if procedure == "thuong-tru":
            request = f"Đăng ký thường trú vào chỗ ở hợp pháp tại {residence}"
            head, relation = owner, rng.choice(("Con", "Cháu", "Em", "Người ở nhờ"))
        else:
            request = f"Đăng ký tạm trú tại chỗ ở thuê, thời hạn tạm trú đến {forms.dmy(self.today + timedelta(days=365))}"
            head, relation = None, "Chủ hộ"
        if defect == "ct01-khong-ro":
            request = "Đề nghị giải quyết theo quy định"
        page = forms.residence_declaration(
            self.addressee("cong-an", commune, defect), applicant, self.phone(), head, relation, request,
            residence, self.signed(),
        )
        pages = [page]
        if defect != "thieu-giay-to":
            if procedure == "tam-tru" or rng.random() < 0.4:
                start = self.today - timedelta(days=rng.randint(5, 40))
                pages.append(forms.rental_contract(owner, applicant, residence, rng.choice((3, 4, 5, 6)) * 10**6,
                                                   12, start, start))
            else:
                pages.append(forms.residence_consent(owner, applicant, residence, self.signed()))
        return Dossier(procedure, tuple(pages), self.expected(procedure, commune, defect, applicant))

    def thuong_tru(self, commune: Commune, defect: str | None) -> Dossier:
        return self._residence("thuong-tru", commune, defect)

    def tam_tru(self, commune: Commune, defect: str | None) -> Dossier:
        return self._residence("tam-tru", commune, defect)

    def ho_kinh_doanh(self, commune: Commune, defect: str | None) -> Dossier:
        rng = self.rng
        owner = self.flaw(self.people.person(min_age=22, max_age=60, commune=commune), defect)
        trade, line = rng.choice(BUSINESSES)
        name = f"Hộ kinh doanh {trade}"
        if defect == "ten-ho-kinh-doanh-sai":
            name = rng.choice((f"Công ty TNHH {trade}", f"Hộ kinh doanh Công ty {trade}",
                               f"Doanh nghiệp tư nhân {trade}", f"Hộ kinh doanh doanh nghiệp {trade}"))
        address = self.people.address(commune).text()
        page = forms.household_business_request(
            self.addressee("phong-kinh-te", commune, defect), owner, name, address, line,
            rng.choice((50, 100, 150, 200, 300, 500)) * 10**6, rng.randint(1, 8), self.phone(), self.signed(),
        )
        return Dossier("ho-kinh-doanh", (page,), self.expected("ho-kinh-doanh", commune, defect, owner))

    def giay_phep_xay_dung(self, commune: Commune, defect: str | None) -> Dossier:
        rng = self.rng
        owner = self.flaw(self.people.person(min_age=28, max_age=70, commune=commune), defect)
        letters = rng.choice(("AB", "BD", "CX", "CS", "DA", "BT"))
        page = forms.building_permit_request(
            self.addressee("ubnd", commune, defect), owner, self.phone(), owner.address.text(),
            str(rng.randint(10, 999)), str(rng.randint(1, 80)), f"{letters} {rng.randrange(10**6):06d}",
            rng.randint(40, 120), rng.randint(2, 5), self.signed(),
        )
        return Dossier("giay-phep-xay-dung", (page,), self.expected("giay-phep-xay-dung", commune, defect, owner))

    def dossier(self, procedure: str, defect: str | None = None, commune: Commune | None = None) -> Dossier:
        if defect is not None and defect not in DEFECTS_BY_PROCEDURE[procedure]:
            raise ValueError(f"defect {defect!r} does not apply to {procedure}")
        builder: Callable[[Commune, str | None], Dossier] = getattr(self, procedure.replace("-", "_"))
        return builder(commune or self.people.commune(), defect)


def make_dossier(
    procedure: str,
    defect: str | None = None,
    *,
    seed: int = 0,
    now: datetime | None = None,
    catalogue: Catalogue | None = None,
) -> Dossier:
    """One dossier of ``procedure`` with an optional planted defect, not rendered."""
    return _Story(random.Random(seed), catalogue or default_catalogue(), now or datetime.now()).dossier(
        procedure, defect
    )


@dataclass(frozen=True, slots=True)
class Rendering:
    """How a case is put on disk: a text-layer PDF, or a scan in some format."""

    kind: str  # "text" or "scan"
    fmt: ScanFormat = "pdf"
    look: ScanLook = ScanLook()

    def describe(self) -> dict[str, object]:
        if self.kind == "text":
            return {"kind": "text", "format": "pdf"}
        look = self.look
        return {"kind": "scan", "format": self.fmt, "dpi": look.dpi, "skew": round(look.skew_degrees, 2),
                "blur": round(look.blur_sigma, 2), "noise": round(look.noise_sigma, 1), "speckle": look.speckle,
                "jpeg_quality": look.jpeg_quality}


def random_look(rng: random.Random, dpi: int | None = None) -> ScanLook:
    """A plausible desk-scanner result: 200-300 dpi, skewed, blurred, noisy."""
    dpi = dpi or rng.choice((200, 240, 300))
    return ScanLook(
        dpi=dpi,
        skew_degrees=rng.choice((-1, 1)) * rng.uniform(0.3, 3.0),
        blur_sigma=rng.uniform(0.4, 1.4) * dpi / 300,
        noise_sigma=rng.uniform(8, 24),
        speckle=rng.choice((0.0, 0.0005, 0.001, 0.002)),
        paper=rng.randint(212, 245),
        ink=rng.randint(20, 75),
        jpeg_quality=rng.randint(40, 85),
    )


def demo_look(rng: random.Random, dpi: int) -> ScanLook:
    """A routine office scan: slightly skewed, a little noise, no dust."""
    return ScanLook(
        dpi=dpi,
        skew_degrees=rng.choice((-1, 1)) * rng.uniform(0.5, 1.5),
        blur_sigma=0.5 * dpi / 300,
        noise_sigma=8.0,
        paper=236,
        ink=35,
        jpeg_quality=80,
    )


def write_case(out_dir: Path, name: str, dossier: Dossier, rendering: Rendering, seed: int) -> SampleCase:
    """Render a dossier into ``out_dir/name/`` with its expected.json beside it."""
    case_dir = out_dir / name
    case_dir.mkdir(parents=True, exist_ok=True)
    pdf = pdf_bytes(dossier.pages, title=name)
    if rendering.kind == "text":
        path = case_dir / f"{name}.pdf"
        path.write_bytes(pdf)
    else:
        suffix = {"pdf": "pdf", "png": "png", "jpeg": "jpg", "tiff": "tif"}[rendering.fmt]
        path = scan(pdf, case_dir / f"{name}.{suffix}", rendering.fmt, rendering.look, np.random.default_rng(seed))
    expected = {**dossier.expected, "render": rendering.describe()}
    case = SampleCase(name, [path], expected)
    record = {"name": name, "files": [p.name for p in case.files], "expected": expected}
    (case_dir / "expected.json").write_text(json.dumps(record, ensure_ascii=False, indent=2), encoding="utf-8")
    return case


def _write_index(out_dir: Path, cases: Sequence[SampleCase]) -> None:
    index = [{"name": c.name, "files": [str(p.relative_to(out_dir)) for p in c.files], "expected": c.expected}
             for c in cases]
    (out_dir / "cases.json").write_text(json.dumps(index, ensure_ascii=False, indent=2), encoding="utf-8")


def load_cases(out_dir: Path) -> list[SampleCase]:
    """Read back the cases a generator wrote into ``out_dir``."""
    index = json.loads((out_dir / "cases.json").read_text(encoding="utf-8"))
    return [SampleCase(e["name"], [out_dir / f for f in e["files"]], e["expected"]) for e in index]


def generate_demo(
    out_dir: Path, seed: int = 7, now: datetime | None = None, catalogue: Catalogue | None = None
) -> list[SampleCase]:
    """A handful of dossiers for ``hoso demo``: mostly routed, one rejected, one for review."""
    catalogue = catalogue or default_catalogue()
    now = now or datetime.now()
    rng = random.Random(seed)
    story = _Story(rng, catalogue, now)
    # The flagged dossiers are text-layer PDFs, so that the demo shows each
    # verdict for sure; the scans are routine ones from a decent scanner.
    plan: list[tuple[str, str | None, Rendering]] = [
        ("khai-sinh", None, Rendering("text")),
        ("thuong-tru", None, Rendering("scan", "pdf", demo_look(rng, 200))),
        ("ket-hon", "chua-du-tuoi-ket-hon", Rendering("text")),
        ("ho-kinh-doanh", "ten-ho-kinh-doanh-sai", Rendering("text")),
        ("tam-tru", "xa-phuong-ngoai-danh-muc", Rendering("text")),
        ("xac-nhan-hon-nhan", None, Rendering("scan", "jpeg", demo_look(rng, 300))),
        ("giay-phep-xay-dung", None, Rendering("scan", "png", demo_look(rng, 240))),
    ]
    out_dir.mkdir(parents=True, exist_ok=True)
    cases = []
    for i, (procedure, defect, rendering) in enumerate(plan, start=1):
        name = f"demo-{i:02d}-{procedure}" + (f"-{defect}" if defect else "")
        cases.append(write_case(out_dir, name, story.dossier(procedure, defect), rendering, seed * 1000 + i))
    _write_index(out_dir, cases)
    return cases


def generate_corpus(
    out_dir: Path,
    count: int = 80,
    seed: int = 2025,
    scan_ratio: float = 0.5,
    defect_ratio: float = 0.35,
    now: datetime | None = None,
    catalogue: Catalogue | None = None,
) -> list[SampleCase]:
    """A labelled benchmark corpus over all eight procedures.

    Procedures take turns so that every one is covered; a share of the
    dossiers carries one defect; a share is rendered as noisy scans in PDF,
    TIFF, PNG or JPEG (images only for one-page dossiers).
    """
    catalogue = catalogue or default_catalogue()
    now = now or datetime.now()
    rng = random.Random(seed)
    story = _Story(rng, catalogue, now)
    out_dir.mkdir(parents=True, exist_ok=True)
    cases = []
    for i in range(count):
        procedure = PROCEDURES[i % len(PROCEDURES)]
        defect = rng.choice(DEFECTS_BY_PROCEDURE[procedure]) if rng.random() < defect_ratio else None
        dossier = story.dossier(procedure, defect)
        if rng.random() < scan_ratio:
            formats: tuple[ScanFormat, ...] = ("pdf", "tiff") if len(dossier.pages) > 1 else ("pdf", "png", "jpeg", "tiff")
            rendering = Rendering("scan", rng.choice(formats), random_look(rng))
        else:
            rendering = Rendering("text")
        name = f"{i + 1:03d}-{procedure}" + (f"-{defect}" if defect else "")
        cases.append(write_case(out_dir, name, dossier, rendering, seed * 100_000 + i))
    _write_index(out_dir, cases)
    return cases
