"""The sample dossiers' stories: one small function per procedure, each writing the pages of one
dossier of it (with at most one planted defect) and what hoso must conclude.

A story draws people, places and dates from one random source, so a seed gives
the same dossier every time; ``STORIES`` names them by procedure slug.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta

from domain.catalogue import Catalogue
from domain.catalogue_loading import default_catalogue
from domain.communes import Commune
from domain.deadlines import now_in_vietnam
from domain.model import Status
from samples import forms
from samples.defects import DEFECTS, DEFECTS_BY_PROCEDURE, FOREIGN_COMMUNES
from samples.forms import Page
from samples.people import People, Person

HOSPITALS = ("Bệnh viện Phụ sản Hà Nội", "Bệnh viện Phụ sản Trung ương", "Bệnh viện Bạch Mai",
             "Bệnh viện Đa khoa Xanh Pôn", "Bệnh viện Đa khoa Đức Giang")
BUSINESSES = (("Phở Hà Thành", "Dịch vụ ăn uống"), ("Tạp hóa Minh Anh", "Bán lẻ hàng tạp hóa"),
              ("Cà phê Góc Phố", "Dịch vụ phục vụ đồ uống"), ("Sửa xe Tuấn Hưng", "Sửa chữa mô tô, xe máy"),
              ("May đo Hồng Nhung", "May trang phục"), ("Bún chả Hàng Mành", "Dịch vụ ăn uống"))
_PHONE_PREFIXES = ("090", "091", "093", "094", "096", "097", "098", "086", "088", "070", "077", "081")


@dataclass(frozen=True, slots=True)
class Dossier:
    """A case before rendering: its pages and what hoso must conclude."""

    procedure: str
    pages: tuple[Page, ...]
    expected: dict[str, object]


class Story:
    """What every story shares: the random source, the catalogue, the day, the people; and the pieces
    every form has (a signature date, a phone, the addressee, an identity defect, the expectation)."""

    def __init__(self, rng: random.Random, catalogue: Catalogue, now: datetime) -> None:
        self.rng = rng
        self.catalogue = catalogue
        self.now = now
        self.today = now.date()
        self.people = People(rng, catalogue, self.today)

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

    def dossier(self, procedure: str, defect: str | None = None, commune: Commune | None = None) -> Dossier:
        if defect is not None and defect not in DEFECTS_BY_PROCEDURE[procedure]:
            raise ValueError(f"defect {defect!r} does not apply to {procedure}")
        return STORIES[procedure](self, commune or self.people.commune(), defect)


def khai_sinh(story: Story, commune: Commune, defect: str | None) -> Dossier:
    rng, people = story.rng, story.people
    father = people.person("Nam", min_age=22, max_age=45, commune=commune)
    mother = replace(people.person("Nữ", min_age=20, max_age=40), address=father.address)
    days = rng.randint(70, 400) if defect == "khai-sinh-qua-han" else rng.randint(2, 30)
    born = datetime.combine(story.today - timedelta(days=days), time(rng.randint(0, 23), rng.randint(0, 59)))
    child = people.newborn(father, born.date())
    applicant, relationship = (father, "Cha") if rng.random() < 0.6 else (mother, "Mẹ")
    applicant = story.flaw(applicant, defect)
    hospital = rng.choice(HOSPITALS)
    blank = frozenset({"birth_place"}) if defect == "thieu-thong-tin" else frozenset()
    pages = [forms.birth_registration(
        story.addressee("ubnd", commune, defect), applicant, relationship, child, mother, father,
        hospital, story.signed(), caps=rng.random() < 0.7, blank=blank,
    )]
    if defect != "thieu-giay-to":
        pages.append(forms.birth_certificate(mother, child, born, hospital, rng.randint(100, 9999)))
    return Dossier("khai-sinh", tuple(pages), story.expected("khai-sinh", commune, defect, applicant))


def ket_hon(story: Story, commune: Commune, defect: str | None) -> Dossier:
    rng, people = story.rng, story.people
    bride = people.person("Nữ", min_age=20, max_age=38, commune=commune)
    groom = people.person("Nam", min_age=22, max_age=42)
    if defect == "chua-du-tuoi-ket-hon":
        # At least a month short of the legal age, so the case stays underage for a while.
        if rng.random() < 0.5:
            dob = story.today - timedelta(days=19 * 365 + rng.randint(10, 300))
            groom = people.person("Nam", dob=dob)
        else:
            dob = story.today - timedelta(days=17 * 365 + rng.randint(10, 300))
            bride = people.person("Nữ", dob=dob, commune=commune)
    bride = story.flaw(bride, defect)
    page = forms.marriage_registration(
        story.addressee("ubnd", commune, defect), bride, groom, story.signed(), caps=rng.random() < 0.7
    )
    return Dossier("ket-hon", (page,), story.expected("ket-hon", commune, defect, bride))


def khai_tu(story: Story, commune: Commune, defect: str | None) -> Dossier:
    rng, people = story.rng, story.people
    deceased = people.person(min_age=60, max_age=95, commune=commune)
    applicant = replace(people.person(min_age=30, max_age=60, family=deceased.name.split(" ")[0]),
                        address=deceased.address)
    applicant = story.flaw(applicant, defect)
    days = rng.randint(20, 200) if defect == "khai-tu-qua-han" else rng.randint(1, 10)
    died = datetime.combine(story.today - timedelta(days=days), time(rng.randint(0, 23), rng.randint(0, 59)))
    place = rng.choice(HOSPITALS[2:] + ("Tại nhà riêng",))
    cause = rng.choice(("Bệnh già", "Suy tim", "Tai biến mạch máu não", "Ung thư phổi"))
    number = f"{rng.randint(10, 999)}/GBT"
    relationship = rng.choice(("Con", "Vợ", "Chồng", "Cháu"))
    pages = [forms.death_registration(
        story.addressee("ubnd", commune, defect), applicant, relationship, deceased, died,
        place, cause, number, story.signed(), caps=rng.random() < 0.7,
    )]
    if defect != "thieu-giay-to":
        pages.append(forms.death_notice(deceased, died, place if place != "Tại nhà riêng" else
                                        f"Trạm Y tế {commune.display_name}", cause, number))
    return Dossier("khai-tu", tuple(pages), story.expected("khai-tu", commune, defect, applicant))


def xac_nhan_hon_nhan(story: Story, commune: Commune, defect: str | None) -> Dossier:
    rng = story.rng
    applicant = story.flaw(story.people.person(min_age=20, max_age=50, commune=commune), defect)
    status = rng.choice(("Chưa đăng ký kết hôn với ai", "Đã ly hôn, hiện chưa đăng ký kết hôn với ai"))
    purpose = rng.choice(("Để đăng ký kết hôn", "Để bổ sung hồ sơ vay vốn ngân hàng",
                          "Để làm thủ tục mua bán nhà đất"))
    page = forms.marital_status_request(
        story.addressee("ubnd", commune, defect), applicant, status, purpose, story.signed(),
        caps=rng.random() < 0.7,
    )
    return Dossier("xac-nhan-hon-nhan", (page,), story.expected("xac-nhan-hon-nhan", commune, defect, applicant))


def _residence(story: Story, procedure: str, commune: Commune, defect: str | None) -> Dossier:
    rng, people = story.rng, story.people
    applicant = story.flaw(people.person(min_age=18, max_age=65), defect)
    owner = people.person(min_age=35, max_age=75, commune=commune)
    residence = owner.address.text()
    if procedure == "thuong-tru":
        request = f"Đăng ký thường trú vào chỗ ở hợp pháp tại {residence}"
        head, relation = owner, rng.choice(("Con", "Cháu", "Em", "Người ở nhờ"))
    else:
        request = f"Đăng ký tạm trú tại chỗ ở thuê, thời hạn tạm trú đến {forms.dmy(story.today + timedelta(days=365))}"
        head, relation = None, "Chủ hộ"
    if defect == "ct01-khong-ro":
        request = "Đề nghị giải quyết theo quy định"
    page = forms.residence_declaration(
        story.addressee("cong-an", commune, defect), applicant, story.phone(), head, relation, request,
        residence, story.signed(),
    )
    pages = [page]
    if defect != "thieu-giay-to":
        if procedure == "tam-tru" or rng.random() < 0.4:
            start = story.today - timedelta(days=rng.randint(5, 40))
            pages.append(forms.rental_contract(owner, applicant, residence, rng.choice((3, 4, 5, 6)) * 10**6,
                                               12, start, start))
        else:
            pages.append(forms.residence_consent(owner, applicant, residence, story.signed()))
    return Dossier(procedure, tuple(pages), story.expected(procedure, commune, defect, applicant))


def thuong_tru(story: Story, commune: Commune, defect: str | None) -> Dossier:
    return _residence(story, "thuong-tru", commune, defect)


def tam_tru(story: Story, commune: Commune, defect: str | None) -> Dossier:
    return _residence(story, "tam-tru", commune, defect)


def ho_kinh_doanh(story: Story, commune: Commune, defect: str | None) -> Dossier:
    rng = story.rng
    owner = story.flaw(story.people.person(min_age=22, max_age=60, commune=commune), defect)
    trade, line = rng.choice(BUSINESSES)
    name = f"Hộ kinh doanh {trade}"
    if defect == "ten-ho-kinh-doanh-sai":
        name = rng.choice((f"Công ty TNHH {trade}", f"Hộ kinh doanh Công ty {trade}",
                           f"Doanh nghiệp tư nhân {trade}", f"Hộ kinh doanh doanh nghiệp {trade}"))
    address = story.people.address(commune).text()
    page = forms.household_business_request(
        story.addressee("phong-kinh-te", commune, defect), owner, name, address, line,
        rng.choice((50, 100, 150, 200, 300, 500)) * 10**6, rng.randint(1, 8), story.phone(), story.signed(),
    )
    return Dossier("ho-kinh-doanh", (page,), story.expected("ho-kinh-doanh", commune, defect, owner))


def giay_phep_xay_dung(story: Story, commune: Commune, defect: str | None) -> Dossier:
    rng = story.rng
    owner = story.flaw(story.people.person(min_age=28, max_age=70, commune=commune), defect)
    letters = rng.choice(("AB", "BD", "CX", "CS", "DA", "BT"))
    page = forms.building_permit_request(
        story.addressee("ubnd", commune, defect), owner, story.phone(), owner.address.text(),
        str(rng.randint(10, 999)), str(rng.randint(1, 80)), f"{letters} {rng.randrange(10**6):06d}",
        rng.randint(40, 120), rng.randint(2, 5), story.signed(),
    )
    return Dossier("giay-phep-xay-dung", (page,), story.expected("giay-phep-xay-dung", commune, defect, owner))


STORIES: dict[str, Callable[[Story, Commune, str | None], Dossier]] = {
    "khai-sinh": khai_sinh,
    "ket-hon": ket_hon,
    "khai-tu": khai_tu,
    "xac-nhan-hon-nhan": xac_nhan_hon_nhan,
    "thuong-tru": thuong_tru,
    "tam-tru": tam_tru,
    "ho-kinh-doanh": ho_kinh_doanh,
    "giay-phep-xay-dung": giay_phep_xay_dung,
}


def make_dossier(
    procedure: str,
    defect: str | None = None,
    *,
    seed: int = 0,
    now: datetime | None = None,
    catalogue: Catalogue | None = None,
) -> Dossier:
    """One dossier of ``procedure`` with an optional planted defect, not rendered."""
    return Story(random.Random(seed), catalogue or default_catalogue(), now or now_in_vietnam()).dossier(
        procedure, defect
    )
