"""Validators for Vietnamese identifiers, dates and names.

Each parser turns OCR text into a clean value or raises :class:`Invalid` with
the problem code and the facts a message needs; wording lives in
problems.yaml. Parsers read look-alike letters as digits first (``O01203O1…``)
because that is what Tesseract gives for a clean number.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Literal, Mapping

from core.text import nfc
from domain.text import fold, read_number, repair_digits, squash

Sex = Literal["Nam", "Nữ"]


class Invalid(ValueError):
    """A value that breaks a rule; ``code`` names it in problems.yaml."""

    def __init__(self, code: str, **params: object) -> None:
        super().__init__(code)
        self.code = code
        self.params = params


@dataclass(frozen=True, slots=True)
class PersonalId:
    """A 12-digit số định danh cá nhân and what its digits encode."""

    number: str
    province: str
    birth_year: int  # the ID fixes the century and the last two digits
    sex: Sex


def digits_of(value: str) -> str:
    """The digits of an OCR'd number, look-alike letters read as digits."""
    return read_number(value)[0]


def personal_id(
    value: str,
    provinces: Mapping[str, str],
    *,
    dob: date | None = None,
    sex: Sex | None = None,
    today: date | None = None,
) -> PersonalId:
    """Parse a personal ID and check it against the stated DOB and sex.

    Structure (Nghị định 137/2015, Thông tư 07/2016/TT-BCA): 3-digit province
    code, a digit giving century and sex (0/1 = 1900s male/female, 2/3 =
    2000s, 4/5 = 2100s, ...), 2 digits of the birth year, 6 serial digits. No
    check digit, so a misread digit is only caught by these cross-checks.
    """
    number = digits_of(value)
    if len(number) == 9:
        raise Invalid("cmnd-het-hieu-luc", value=number)
    if len(number) != 12:
        raise Invalid("so-dinh-danh-sai-dinh-dang", value=value.strip())
    province = number[:3]
    if province not in provinces:
        raise Invalid("so-dinh-danh-sai-ma-tinh", value=number, province=province)
    code = int(number[3])
    century = 1900 + 100 * (code // 2) if code < 8 else 2300 + 100 * ((code - 8) // 2)
    year = century + int(number[4:6])
    id_sex: Sex = "Nam" if code % 2 == 0 else "Nữ"
    if today is not None and year > today.year:
        raise Invalid("so-dinh-danh-nam-sinh-tuong-lai", value=number, id_year=year)
    if dob is not None and dob.year != year:
        raise Invalid("so-dinh-danh-sai-nam-sinh", value=number, id_year=year, dob=dob)
    if sex is not None and sex != id_sex:
        raise Invalid("so-dinh-danh-sai-gioi-tinh", value=number, id_sex=id_sex, sex=sex)
    return PersonalId(number=number, province=province, birth_year=year, sex=id_sex)


_TAX_WEIGHTS = (31, 29, 23, 19, 17, 13, 7, 5, 3)


def tax_code_check_digit(first_nine: str) -> int | None:
    """The check digit of a 10-digit tax code, None when no digit can be right."""
    total = sum(w * int(d) for w, d in zip(_TAX_WEIGHTS, first_nine))
    remainder = total % 11
    return None if remainder == 0 else 10 - remainder


def tax_code(value: str, provinces: Mapping[str, str]) -> str:
    """Parse a mã số thuế: 10 digits, XXXXXXXXXX-NNN, or a 12-digit personal ID.

    From 1 July 2025 an individual's personal ID serves as their tax code
    (Luật Quản lý thuế 2019 as amended, Thông tư 86/2024/TT-BTC).
    """
    repaired, _ = repair_digits(squash(nfc(value)))
    compact = re.sub(r"\s", "", repaired)
    m = re.fullmatch(r"(\d{10})(?:-?(\d{3}))?", compact)
    if m is None:
        if re.fullmatch(r"\d{12}", compact):
            return personal_id(compact, provinces).number
        raise Invalid("ma-so-thue-sai-dinh-dang", value=value.strip())
    main, branch = m.group(1), m.group(2)
    if tax_code_check_digit(main[:9]) != int(main[9]):
        raise Invalid("ma-so-thue-sai-so-kiem-tra", value=compact)
    if branch is not None:
        if branch == "000":
            raise Invalid("ma-so-thue-sai-dinh-dang", value=compact)
        return f"{main}-{branch}"
    return main


_NUMERIC_DATE = re.compile(r"(?<!\d)(\d{1,2})\s*[/.\-]\s*(\d{1,2})\s*[/.\-]\s*(\d{4})(?!\d)")
# "ngày 05 tháng 3 năm 2024", folded; OCR may mangle the words, keep them loose.
_WORDED_DATE = re.compile(
    r"ng\w{1,3}\s*(\d{1,2})\s*[,.]?\s*th\w{2,4}\s*(\d{1,2})\s*[,.]?\s*n\w{1,3}\s*(\d{4})(?!\d)"
)
_COMPACT_DATE = re.compile(r"(?<!\d)(\d{2})(\d{2})(\d{4})(?!\d)")
_SLASH_READ_AS_DIGIT = (
    re.compile(r"(?<!\d)(\d{2})\s*/\s*(\d{2})[17](\d{4})(?!\d)"),
    re.compile(r"(?<!\d)(\d{2})[17](\d{2})\s*/\s*(\d{4})(?!\d)"),
)


def find_date(text: str) -> tuple[int, int, int] | None:
    """The first date written in ``text`` as (day, month, year), unchecked."""
    repaired, _ = repair_digits(squash(nfc(text)))
    folded = fold(repaired)
    found = [m for m in (_WORDED_DATE.search(folded), _NUMERIC_DATE.search(folded)) if m]
    if not found:
        m = _COMPACT_DATE.search(folded)  # ddmmyyyy, as in the CCCD QR payload
        found = [m] if m else []
    if not found:
        # One slash read as a digit ("27/0672003", "2770/2003"): the only reading that is a date.
        for pattern in _SLASH_READ_AS_DIGIT:
            m = pattern.search(folded)
            if m and 1 <= int(m.group(1)) <= 31 and 1 <= int(m.group(2)) <= 12:
                found = [m]
                break
    if not found:
        return None
    first = min(found, key=lambda m: m.start())
    return int(first.group(1)), int(first.group(2)), int(first.group(3))


def parse_date(value: str, *, today: date | None = None) -> date:
    """Parse ``dd/mm/yyyy`` or ``ngày 05 tháng 3 năm 2024`` into a real date.

    Raises Invalid when no date is written, the date does not exist, or it is
    after ``today``.
    """
    parts = find_date(value)
    if parts is None:
        raise Invalid("ngay-khong-hop-le", value=value.strip())
    day, month, year = parts
    try:
        parsed = date(year, month, day)
    except ValueError:
        raise Invalid("ngay-khong-hop-le", value=value.strip()) from None
    if parsed.year < 1880:
        raise Invalid("ngay-khong-hop-le", value=value.strip())
    if today is not None and parsed > today:
        raise Invalid("ngay-trong-tuong-lai", value=parsed, today=today)
    return parsed


def parse_sex(value: str) -> Sex:
    """Read "Nam"/"Nữ" as OCR gives it ("Nừ", "NU", "nam.")."""
    words = re.findall(r"[a-z]+", fold(nfc(value)))
    if words and words[0] == "nam":
        return "Nam"
    if words and words[0] == "nu":
        return "Nữ"
    raise Invalid("gioi-tinh-khong-hop-le", value=value.strip())


def age_on(born: date, on: date) -> int:
    """Completed years of age on a given day."""
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


_LETTER_LOOKALIKES = str.maketrans("0815", "OBIS")


def land_certificate(value: str) -> str:
    """A land-use certificate serial: 2 letters and 6 digits ("AB 123456").

    Letters are read as letters and digits as digits, so "A8 l23456" becomes
    "AB 123456" only when the shape leaves no doubt.
    """
    compact = re.sub(r"[\s.\-]", "", squash(nfc(value)))
    m = re.match(r"([A-Za-z0-9]{2})([0-9A-Za-z|]{6})(?![0-9])", compact)
    if m is None:
        raise Invalid("so-giay-chung-nhan-sai", value=value.strip())
    letters = m.group(1).upper().translate(_LETTER_LOOKALIKES)
    digits, _ = repair_digits(m.group(2))
    if not (letters.isalpha() and letters.isascii() and digits.isdigit()):
        raise Invalid("so-giay-chung-nhan-sai", value=value.strip())
    return f"{letters} {digits}"


def amount(value: str) -> int:
    """A whole number written with Vietnamese thousands dots: "200.000.000 đồng"."""
    repaired, _ = repair_digits(squash(nfc(value)))
    m = re.search(r"\d{1,3}(?:[.,\s]\d{3})+|\d+", repaired)
    if m is None:
        raise Invalid("so-khong-hop-le", value=value.strip())
    return int(re.sub(r"\D", "", m.group()))


def area(value: str) -> float:
    """An area in m², with a decimal comma: "120,5 m2"."""
    repaired, _ = repair_digits(squash(nfc(value)))
    m = re.search(r"\d+(?:[.,]\d+)?", repaired)
    if m is None:
        raise Invalid("so-khong-hop-le", value=value.strip())
    return float(m.group().replace(",", "."))


def phone(value: str) -> str:
    """A Vietnamese phone number: 10 digits starting with 0 (or +84)."""
    number = digits_of(value.replace("+84", "0"))
    if not re.fullmatch(r"0\d{9}", number):
        raise Invalid("so-dien-thoai-sai", value=value.strip())
    return number
