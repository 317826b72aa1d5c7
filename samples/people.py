"""Synthetic Vietnamese people for sample dossiers.

Names follow the usual shape (family name, middle name by sex, given name,
all with correct diacritics), IDs are built the way the real ones are
(province of birth, century/sex digit, birth year) so that a valid sample
passes hoso's cross-checks, and addresses sit in the catalogue's communes.
Everything comes from one seeded ``random.Random`` so that a corpus is
reproducible.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Literal, Sequence

from domain.catalogue import Catalogue
from domain.communes import Commune

Sex = Literal["Nam", "Nữ"]

# Family names with rough weights from their frequency in Vietnam.
FAMILY_NAMES: tuple[tuple[str, int], ...] = (
    ("Nguyễn", 38), ("Trần", 11), ("Lê", 9), ("Phạm", 7), ("Hoàng", 5), ("Huỳnh", 3), ("Phan", 4),
    ("Vũ", 4), ("Võ", 2), ("Đặng", 2), ("Bùi", 2), ("Đỗ", 2), ("Hồ", 1), ("Ngô", 1), ("Dương", 1),
    ("Lý", 1), ("Đinh", 1), ("Trịnh", 1), ("Đoàn", 1), ("Lương", 1),
)
MIDDLE_NAMES: dict[str, tuple[str, ...]] = {
    "Nam": ("Văn", "Hữu", "Đức", "Minh", "Quang", "Thành", "Xuân", "Công", "Tuấn", "Gia", "Bảo", "Đình"),
    "Nữ": ("Thị", "Ngọc", "Thu", "Thanh", "Minh", "Phương", "Thị", "Hồng", "Bích", "Khánh", "Diệu", "Thùy"),
}
GIVEN_NAMES: dict[str, tuple[str, ...]] = {
    "Nam": ("An", "Bình", "Cường", "Dũng", "Hùng", "Khang", "Long", "Nam", "Phúc", "Quân", "Sơn", "Tuấn",
            "Việt", "Hiếu", "Đạt", "Khoa", "Huy", "Trung", "Thắng", "Lâm", "Nghĩa", "Đức", "Hải", "Tùng"),
    "Nữ": ("Anh", "Chi", "Dung", "Hà", "Hương", "Lan", "Linh", "Mai", "Ngọc", "Nhung", "Phương", "Thảo",
           "Trang", "Yến", "Hằng", "Huyền", "Loan", "Vy", "Quỳnh", "Giang", "Hạnh", "Thủy", "Oanh", "Trâm"),
}

# Streets and villages per commune, so an address looks like it belongs.
STREETS: dict[str, tuple[str, ...]] = {
    "phuong-hoan-kiem": ("phố Hàng Bạc", "phố Hàng Gai", "phố Đinh Tiên Hoàng", "phố Lý Thái Tổ"),
    "phuong-cua-nam": ("phố Tràng Thi", "phố Quán Sứ", "phố Lý Thường Kiệt", "phố Hàng Bông"),
    "phuong-ba-dinh": ("phố Phan Đình Phùng", "phố Quán Thánh", "phố Hòe Nhai", "phố Châu Long"),
    "phuong-ngoc-ha": ("phố Đội Cấn", "phố Ngọc Hà", "phố Hoàng Hoa Thám", "phố Liễu Giai"),
    "phuong-giang-vo": ("phố Giảng Võ", "phố Cát Linh", "phố Kim Mã", "phố Vạn Bảo"),
    "phuong-hai-ba-trung": ("phố Bà Triệu", "phố Lò Đúc", "phố Thái Phiên", "phố Tuệ Tĩnh"),
    "phuong-dong-da": ("phố Tây Sơn", "phố Chùa Bộc", "phố Thái Hà", "phố Đặng Tiến Đông"),
    "phuong-van-mieu-quoc-tu-giam": ("phố Quốc Tử Giám", "phố Văn Miếu", "phố Nguyễn Thái Học", "phố Tôn Đức Thắng"),
    "phuong-cau-giay": ("đường Xuân Thủy", "đường Cầu Giấy", "phố Trần Thái Tông", "phố Dịch Vọng Hậu"),
    "phuong-tay-ho": ("đường Âu Cơ", "phố Tô Ngọc Vân", "đường Lạc Long Quân", "phố Quảng An"),
    "phuong-long-bien": ("đường Nguyễn Văn Cừ", "phố Ngọc Lâm", "phố Bồ Đề", "phố Nguyễn Sơn"),
    "phuong-hoang-mai": ("đường Tam Trinh", "phố Hoàng Mai", "đường Lĩnh Nam", "phố Mai Động"),
    "phuong-thanh-xuan": ("đường Nguyễn Trãi", "phố Khương Trung", "đường Lê Văn Lương", "phố Vũ Trọng Phụng"),
    "phuong-ha-dong": ("phố Quang Trung", "phố Tô Hiệu", "đường Lê Trọng Tấn", "phố Bà Triệu"),
    "xa-soc-son": ("thôn Đông Xuân", "thôn Phù Mã", "thôn Thắng Trí"),
    "xa-dong-anh": ("thôn Cổ Loa", "thôn Đông Trù", "thôn Lỗ Khê"),
    "xa-bat-trang": ("thôn Giang Cao", "thôn Bát Tràng", "thôn Kim Lan"),
}
# Province of birth registration: most applicants in Hà Nội were born there.
BIRTH_PROVINCES: tuple[tuple[str, int], ...] = (
    ("001", 60), ("036", 5), ("034", 5), ("030", 4), ("038", 4), ("040", 4), ("033", 3), ("035", 3),
    ("027", 3), ("026", 3), ("025", 2), ("079", 2), ("031", 2),
)


@dataclass(frozen=True, slots=True)
class Address:
    house: str  # "số 12, ngõ 45" or "" in a village
    street: str  # "phố Hàng Bạc", "thôn Giang Cao"
    commune: str  # the commune as printed: "phường Hoàn Kiếm"
    province: str = "thành phố Hà Nội"

    def text(self) -> str:
        parts = [p for p in (self.house, self.street, self.commune, self.province) if p]
        return ", ".join(parts)


@dataclass(frozen=True, slots=True)
class Person:
    name: str  # "Nguyễn Văn An", NFC
    sex: Sex
    dob: date
    personal_id: str  # 12 digits consistent with dob and sex
    address: Address

    @property
    def name_caps(self) -> str:
        return self.name.upper()


def personal_id_for(rng: random.Random, dob: date, sex: Sex, province: str) -> str:
    """A 12-digit ID as issued: province, century/sex digit, year, serial."""
    century = (dob.year - 1900) // 100
    digit = 2 * century + (0 if sex == "Nam" else 1)
    if not 0 <= digit <= 9:
        raise ValueError(f"no ID century digit for year {dob.year}")
    return f"{province}{digit}{dob.year % 100:02d}{rng.randrange(10**6):06d}"


class People:
    """A seeded source of people and addresses in the catalogue's communes."""

    def __init__(self, rng: random.Random, catalogue: Catalogue, today: date) -> None:
        self.rng = rng
        self.catalogue = catalogue
        self.today = today
        self.communes: Sequence[Commune] = tuple(c for c in catalogue.communes if c.slug in STREETS)

    def name(self, sex: Sex, family: str | None = None) -> str:
        rng = self.rng
        if family is None:
            names, weights = zip(*FAMILY_NAMES)
            family = rng.choices(names, weights)[0]
        middle = rng.choice(MIDDLE_NAMES[sex])
        given = rng.choice(GIVEN_NAMES[sex])
        if rng.random() < 0.25:  # some people carry two middle names
            extra = rng.choice(MIDDLE_NAMES[sex])
            if extra != middle:
                middle = f"{middle} {extra}"
        return f"{family} {middle} {given}"

    def commune(self) -> Commune:
        return self.rng.choice(self.communes)

    def address(self, commune: Commune | None = None) -> Address:
        commune = commune or self.commune()
        street = self.rng.choice(STREETS[commune.slug])
        if street.startswith("thôn"):
            house = ""
        elif self.rng.random() < 0.5:
            house = f"số {self.rng.randint(1, 120)}, ngõ {self.rng.randint(2, 250)}"
        else:
            house = f"số {self.rng.randint(1, 200)}"
        return Address(house, street, commune.display_name)

    def birth_date(self, min_age: int, max_age: int) -> date:
        oldest = _years_before(self.today, max_age + 1) + timedelta(days=1)
        youngest = _years_before(self.today, min_age)
        return oldest + timedelta(days=self.rng.randrange((youngest - oldest).days + 1))

    def person(
        self,
        sex: Sex | None = None,
        *,
        min_age: int = 20,
        max_age: int = 75,
        family: str | None = None,
        commune: Commune | None = None,
        dob: date | None = None,
    ) -> Person:
        sex = sex or self.rng.choice(("Nam", "Nữ"))
        dob = dob or self.birth_date(min_age, max_age)
        provinces, weights = zip(*BIRTH_PROVINCES)
        province = self.rng.choices(provinces, weights)[0]
        return Person(
            name=self.name(sex, family),
            sex=sex,
            dob=dob,
            personal_id=personal_id_for(self.rng, dob, sex, province),
            address=self.address(commune),
        )

    def newborn(self, father: Person, born: date) -> Person:
        """A child named after the father's family, living with the parents."""
        sex: Sex = self.rng.choice(("Nam", "Nữ"))
        child = self.person(sex, family=father.name.split(" ")[0], dob=born)
        return replace(child, address=father.address)


def _years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)
