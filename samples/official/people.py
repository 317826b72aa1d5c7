"""Residents of the corpus: names, dates, personal ID numbers, ID papers, street addresses.

Written for this corpus alone. Surnames follow their rough frequency in Việt
Nam; personal IDs are built as the Căn cước rules say (3-digit code of the
province of birth — the 63 pre-2025 provinces' codes —, a century/sex digit,
the last two digits of the birth year, six digits).
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta

from samples.official.units import Unit

SURNAMES = (("Nguyễn", 31), ("Trần", 11), ("Lê", 9), ("Phạm", 7), ("Hoàng", 5), ("Huỳnh", 2), ("Phan", 4),
            ("Vũ", 4), ("Võ", 2), ("Đặng", 2), ("Bùi", 2), ("Đỗ", 2), ("Hồ", 1), ("Ngô", 1), ("Dương", 1),
            ("Lý", 1), ("Đinh", 1), ("Trịnh", 1), ("Đào", 1), ("Lương", 1), ("Mai", 1), ("Tạ", 1), ("Khuất", 1),
            ("Nghiêm", 1), ("Chu", 1), ("Kiều", 1), ("Lại", 1), ("Quách", 1), ("Thân", 1), ("Ứng", 1))
MIDDLE_M = ("Văn", "Đức", "Minh", "Quang", "Hữu", "Công", "Thành", "Xuân", "Đình", "Tiến", "Ngọc", "Duy", "Gia", "Mạnh", "Trọng")
MIDDLE_F = ("Thị", "Thị", "Ngọc", "Thu", "Thanh", "Minh", "Phương", "Bảo", "Khánh", "Hồng", "Thùy", "Diệu", "Quỳnh", "Mỹ")
GIVEN_M = ("An", "Bình", "Cường", "Dũng", "Đạt", "Hải", "Hiếu", "Hùng", "Huy", "Khải", "Khoa", "Lâm", "Long", "Nam",
           "Nghĩa", "Phong", "Phúc", "Quân", "Sơn", "Thắng", "Thịnh", "Toàn", "Trung", "Tuấn", "Tùng", "Việt", "Vinh",
           "Đông", "Kiên", "Lộc", "Thái", "Hưng", "Quyết", "Chiến", "Duẩn", "Khánh")
GIVEN_F = ("Anh", "Chi", "Dung", "Giang", "Hà", "Hằng", "Hạnh", "Hoa", "Hương", "Huyền", "Lan", "Liên", "Linh", "Loan",
           "Mai", "My", "Nga", "Ngân", "Nhung", "Oanh", "Phượng", "Quyên", "Thảo", "Thủy", "Trang", "Uyên", "Vân",
           "Yến", "Ánh", "Duyên", "Hiền", "Ngọc", "Tuyết", "Xuân", "Thư", "Diệp")
#: Pre-2025 province codes of the personal ID (Thông tư 07/2016/TT-BCA), weighted towards the north.
BIRTH_PROVINCES = (("001", "Hà Nội", 40), ("031", "Hải Phòng", 3), ("079", "Hồ Chí Minh", 3), ("036", "Nam Định", 5),
                   ("034", "Thái Bình", 5), ("038", "Thanh Hóa", 5), ("040", "Nghệ An", 4), ("042", "Hà Tĩnh", 2),
                   ("033", "Hưng Yên", 3), ("030", "Hải Dương", 3), ("027", "Bắc Ninh", 3), ("022", "Quảng Ninh", 2),
                   ("035", "Hà Nam", 2), ("037", "Ninh Bình", 2), ("026", "Vĩnh Phúc", 2), ("025", "Phú Thọ", 3),
                   ("019", "Thái Nguyên", 2), ("024", "Bắc Giang", 2), ("048", "Đà Nẵng", 1), ("046", "Thừa Thiên Huế", 1),
                   ("017", "Hòa Bình", 1), ("008", "Tuyên Quang", 1))
STREETS = ("Nguyễn Trãi", "Trường Chinh", "Giải Phóng", "Láng", "Kim Mã", "Đội Cấn", "Hoàng Quốc Việt", "Xuân Thủy",
           "Cầu Giấy", "Lạc Long Quân", "Âu Cơ", "Nguyễn Văn Cừ", "Ngọc Lâm", "Lĩnh Nam", "Tam Trinh", "Minh Khai",
           "Bạch Mai", "Đại La", "Tây Sơn", "Chùa Bộc", "Thái Hà", "Khương Trung", "Vũ Tông Phan", "Quang Trung",
           "Tô Hiệu", "Phùng Hưng", "Ngô Quyền", "Nguyễn Khang", "Trần Cung", "Phạm Văn Đồng", "Hồ Tùng Mậu",
           "Mỹ Đình", "Tố Hữu", "Lê Trọng Tấn", "Nguyễn Xiển", "Kim Giang", "Định Công", "Tân Mai", "Nguyễn Đức Cảnh")
VILLAGE_WORDS = ("Đông", "Đoài", "Thượng", "Hạ", "Trung", "Nam", "Bắc", "Tiền", "Hậu", "Phú", "An", "Lạc", "Yên", "Cựu")
ISSUERS_CCCD = ("Cục Cảnh sát quản lý hành chính về trật tự xã hội", "Cục Cảnh sát QLHC về TTXH")
ISSUER_CANCUOC = "Bộ Công an"


@dataclass(frozen=True)
class Person:
    surname: str
    middle: str
    given: str
    male: bool
    born: date
    birth_code: str  # province-of-birth code of the ID
    birth_province: str
    pid: str  # the personal ID as written on the form (12 digits; 9 for an old CMND)
    ethnicity: str = "Kinh"

    @property
    def name(self) -> str:
        return " ".join(p for p in (self.surname, self.middle, self.given) if p)

    @property
    def sex(self) -> str:
        return "Nam" if self.male else "Nữ"


def _weighted(rng: random.Random, table):  # type: ignore[no-untyped-def]
    return rng.choices(table, weights=[row[-1] for row in table])[0]


def personal_id(rng: random.Random, code: str, male: bool, year: int) -> str:
    century = (year - 1900) // 100
    return f"{code}{century * 2 + (0 if male else 1)}{year % 100:02d}{rng.randint(0, 999_999):06d}"


def person(rng: random.Random, today: date, male: bool | None = None, age: tuple[int, int] = (20, 70),
           surname: str | None = None) -> Person:
    male = rng.random() < 0.5 if male is None else male
    sur = surname or _weighted(rng, SURNAMES)[0]
    middle = rng.choice(MIDDLE_M if male else MIDDLE_F)
    if rng.random() < 0.12:  # a double middle name
        middle = f"{middle} {rng.choice(MIDDLE_M if male else MIDDLE_F)}"
        middle = middle if len(set(middle.split())) == 2 else middle.split()[0]
    given = rng.choice(GIVEN_M if male else GIVEN_F)
    years = rng.uniform(*age)
    born = today - timedelta(days=int(years * 365.25) + rng.randint(0, 200))
    code, province, _ = _weighted(rng, BIRTH_PROVINCES)
    return Person(sur, middle, given, male, born, code, province, personal_id(rng, code, male, born.year),
                  ethnicity="Kinh" if rng.random() < 0.93 else rng.choice(("Tày", "Mường", "Thái", "Nùng", "Dao")))


def old_cmnd(rng: random.Random) -> str:
    """A 9-digit Chứng minh nhân dân number (Hà Nội's began 00, 01)."""
    return f"0{rng.randint(10_000_000, 19_999_999)}"


def id_paper(rng: random.Random, p: Person, today: date) -> str:
    """"Giấy tờ tùy thân" as the 04/2024 footnote asks it to be written."""
    if len(p.pid) == 9:
        issued = date(rng.randint(2008, 2014), rng.randint(1, 12), rng.randint(1, 28))
        return f"Chứng minh nhân dân số {p.pid} do Công an thành phố Hà Nội cấp ngày {dmy(issued)}"
    if rng.random() < 0.5:
        issued = date(rng.randint(2021, 2024), rng.randint(1, 12), rng.randint(1, 28))
        return f"Căn cước công dân số {p.pid} do {rng.choice(ISSUERS_CCCD)} cấp ngày {dmy(issued)}"
    issued = date(2024, 7, 1) + timedelta(days=rng.randint(0, max(1, (today - date(2024, 7, 2)).days)))
    return f"Thẻ căn cước số {p.pid} do {ISSUER_CANCUOC} cấp ngày {dmy(issued)}"


def dmy(d: date) -> str:
    return f"{d.day:02d}/{d.month:02d}/{d.year}"


def words_date(d: date, pad_month: bool | None = None) -> str:
    """"ngày 05 tháng 3 năm 2026": days zero-padded, months 1–2 padded as officials write them."""
    month = f"{d.month:02d}" if (d.month <= 2 if pad_month is None else pad_month) else str(d.month)
    return f"ngày {d.day:02d} tháng {month} năm {d.year}"


_UNITS = ("không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín")


def _two(n: int, lead: bool) -> str:
    tens, ones = divmod(n, 10)
    if tens == 0:
        return ("lẻ " if lead and ones else "") + (_UNITS[ones] if ones else "")
    head = "mười" if tens == 1 else f"{_UNITS[tens]} mươi"
    if ones == 0:
        return head
    tail = "mốt" if ones == 1 and tens > 1 else "lăm" if ones == 5 else "tư" if ones == 4 and tens > 1 else _UNITS[ones]
    return f"{head} {tail}"


def number_words(n: int) -> str:
    if n < 100:
        return _two(n, False)
    thousands, rest = divmod(n, 1000)
    parts = []
    if thousands:
        parts.append(f"{number_words(thousands)} nghìn")
    hundreds, low = divmod(rest, 100)
    if hundreds or (thousands and low):
        parts.append(f"{_UNITS[hundreds]} trăm")
    if low:
        parts.append(_two(low, bool(hundreds or thousands)))
    return " ".join(parts)


def date_in_words(d: date) -> str:
    """The date of birth in words, as the birth form asks: "Ngày mười lăm tháng ba năm hai nghìn không trăm hai mươi sáu"."""
    month = "tư" if d.month == 4 else number_words(d.month)
    return f"Ngày {number_words(d.day)} tháng {month} năm {number_words(d.year)}".replace("nghìn lẻ", "nghìn không trăm lẻ")


def street_address(rng: random.Random, unit: Unit) -> str:
    """A house address inside a unit (without the unit): a numbered house in a ward, a hamlet in a commune."""
    if unit.is_ward:
        n = rng.randint(1, 250)
        street = rng.choice(STREETS)
        form = rng.random()
        if form < 0.35:
            return f"Số {n}, ngõ {rng.randint(2, 400)} {street}"
        if form < 0.6:
            return f"Số {n} ngách {rng.randint(1, 90)}/{rng.randint(2, 60)} phố {street}"
        if form < 0.8:
            return f"Phòng {rng.randint(1, 30)}{rng.randint(1, 20):02d}, tòa {rng.choice('ABCDE')}{rng.randint(1, 3)}, số {n} đường {street}"
        return f"Số {n} đường {street}"
    hamlet = rng.choice(("thôn", "thôn", "xóm", "thôn"))
    word = rng.choice(VILLAGE_WORDS)
    return f"{hamlet} {unit.name.split()[-1]} {word}" if rng.random() < 0.5 else f"{hamlet} {word} {rng.choice(VILLAGE_WORDS)}"


def phone(rng: random.Random) -> str:
    return rng.choice(("090", "091", "094", "096", "097", "098", "086", "088", "083", "035", "039")) + f"{rng.randint(0, 9_999_999):07d}"
