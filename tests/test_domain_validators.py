"""Validators on good, bad and OCR-damaged values."""

from __future__ import annotations

from datetime import date

import pytest

from domain.catalogue_loading import default_catalogue
from domain.validators import (
    Invalid,
    age_on,
    amount,
    land_certificate,
    parse_date,
    parse_sex,
    personal_id,
    phone,
    tax_code,
    tax_code_check_digit,
)

PROVINCES = default_catalogue().provinces
TODAY = date(2026, 3, 10)


def _code(call) -> str:
    with pytest.raises(Invalid) as caught:
        call()
    return caught.value.code


# -- personal ID -------------------------------------------------------------

def test_personal_id_structure_is_decoded() -> None:
    pid = personal_id("001203012345", PROVINCES, dob=date(2003, 5, 1), sex="Nam", today=TODAY)
    assert (pid.province, pid.birth_year, pid.sex) == ("001", 2003, "Nam")
    woman = personal_id("079190123456", PROVINCES, dob=date(1990, 1, 2), sex="Nữ")
    assert (woman.birth_year, woman.sex) == (1990, "Nữ")


@pytest.mark.parametrize(
    "ocr",
    ["O01203O12345", "0 0 1 2 0 3 0 1 2 3 4 5", "001 203 012345", "0Ol2O3Ol2345", "001.203.012.345"],
)
def test_personal_id_reads_through_ocr_damage(ocr: str) -> None:
    assert personal_id(ocr, PROVINCES, dob=date(2003, 7, 9)).number == "001203012345"


@pytest.mark.parametrize(
    ("value", "kwargs", "code"),
    [
        ("012345678", {}, "cmnd-het-hieu-luc"),
        ("0123 456 78", {}, "cmnd-het-hieu-luc"),
        ("00120301234", {}, "so-dinh-danh-sai-dinh-dang"),
        ("0012030123456", {}, "so-dinh-danh-sai-dinh-dang"),
        ("", {}, "so-dinh-danh-sai-dinh-dang"),
        ("099203012345", {}, "so-dinh-danh-sai-ma-tinh"),
        ("000203012345", {}, "so-dinh-danh-sai-ma-tinh"),
        ("003203012345", {}, "so-dinh-danh-sai-ma-tinh"),  # 003 was never assigned
        ("001203012345", {"dob": date(2004, 1, 1)}, "so-dinh-danh-sai-nam-sinh"),
        ("001103012345", {"dob": date(2003, 1, 1)}, "so-dinh-danh-sai-nam-sinh"),  # 1903, not 2003
        ("001203012345", {"sex": "Nữ"}, "so-dinh-danh-sai-gioi-tinh"),
        ("001330012345", {"today": TODAY}, "so-dinh-danh-nam-sinh-tuong-lai"),  # born 2030
    ],
)
def test_personal_id_rejects(value: str, kwargs: dict, code: str) -> None:
    assert _code(lambda: personal_id(value, PROVINCES, **kwargs)) == code


def test_personal_id_mismatch_reports_the_facts() -> None:
    with pytest.raises(Invalid) as caught:
        personal_id("001203012345", PROVINCES, dob=date(2005, 1, 1))
    assert caught.value.params["id_year"] == 2003


# -- tax code ----------------------------------------------------------------

def test_tax_code_check_digit_matches_a_known_code() -> None:
    assert tax_code_check_digit("010023348") == 8
    assert tax_code("0100233488", PROVINCES) == "0100233488"


@pytest.mark.parametrize("value", ["0100233488-001", "0100233488 - 001", "01002334880O1", "O1OO233488"])
def test_tax_code_variants(value: str) -> None:
    assert tax_code(value, PROVINCES).startswith("0100233488")


def test_personal_id_serves_as_tax_code() -> None:
    assert tax_code("001203012345", PROVINCES) == "001203012345"


def test_tax_code_sum_divisible_by_eleven_is_never_valid() -> None:
    # Find a 9-digit body whose weighted sum is 0 mod 11: no check digit fits.
    body = next(f"{n:09d}" for n in range(1, 10**6) if tax_code_check_digit(f"{n:09d}") is None)
    for last in range(10):
        assert _code(lambda: tax_code(body + str(last), PROVINCES)) == "ma-so-thue-sai-so-kiem-tra"


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("0100233489", "ma-so-thue-sai-so-kiem-tra"),
        ("0100233488-000", "ma-so-thue-sai-dinh-dang"),
        ("12345", "ma-so-thue-sai-dinh-dang"),
        ("099203012345", "so-dinh-danh-sai-ma-tinh"),
    ],
)
def test_tax_code_rejects(value: str, code: str) -> None:
    assert _code(lambda: tax_code(value, PROVINCES)) == code


# -- dates -------------------------------------------------------------------

@pytest.mark.parametrize(
    "value",
    [
        "05/03/2024", "5/3/2024", "05-03-2024", "05.03.2024", "ngày 05 tháng 3 năm 2024",
        "Hà Nội, ngày 05 tháng 03 năm 2024", "ngay 05 thang 3 nam 2024", "O5/O3/2O24", "ngày O5 tháng 3 năm 2O24",
        "10 giờ 30 phút, ngày 05 tháng 3 năm 2024", "05032024", "ngảy 05 thảng 3 nãm 2024",
    ],
)
def test_dates_in_every_written_form(value: str) -> None:
    assert parse_date(value, today=TODAY) == date(2024, 3, 5)


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("31/02/2024", "ngay-khong-hop-le"),
        ("29/02/2023", "ngay-khong-hop-le"),
        ("ngày 32 tháng 1 năm 2024", "ngay-khong-hop-le"),
        ("chưa rõ", "ngay-khong-hop-le"),
        ("11/03/2026", "ngay-trong-tuong-lai"),
        ("ngày 01 tháng 01 năm 2030", "ngay-trong-tuong-lai"),
    ],
)
def test_dates_rejected(value: str, code: str) -> None:
    assert _code(lambda: parse_date(value, today=TODAY)) == code


def test_leap_day_is_real() -> None:
    assert parse_date("29/02/2024", today=TODAY) == date(2024, 2, 29)


def test_age_counts_completed_years() -> None:
    assert age_on(date(2006, 3, 11), TODAY) == 19
    assert age_on(date(2006, 3, 10), TODAY) == 20


# -- other values ------------------------------------------------------------

@pytest.mark.parametrize(("value", "sex"), [("Nam", "Nam"), ("nam.", "Nam"), ("Nữ", "Nữ"), ("Nừ", "Nữ"), ("NU", "Nữ")])
def test_sex(value: str, sex: str) -> None:
    assert parse_sex(value) == sex


def test_sex_rejects_other_words() -> None:
    assert _code(lambda: parse_sex("Không rõ")) == "gioi-tinh-khong-hop-le"


@pytest.mark.parametrize("value", ["AB 123456", "AB123456", "A8 l23456", "ab 123456"])
def test_land_certificate(value: str) -> None:
    assert land_certificate(value) == "AB 123456"


@pytest.mark.parametrize("value", ["AB 12345", "123456", "Không có"])
def test_land_certificate_rejects(value: str) -> None:
    assert _code(lambda: land_certificate(value)) == "so-giay-chung-nhan-sai"


def test_amount_and_phone() -> None:
    assert amount("200.000.000 đồng") == 200_000_000
    assert amount("2O0.000.0O0 đồng") == 200_000_000
    assert phone("0912 345 678") == "0912345678"
    assert phone("+84 912 345 678") == "0912345678"
    assert _code(lambda: phone("12345")) == "so-dien-thoai-sai"


def test_a_slash_read_as_a_digit_still_gives_the_date() -> None:
    from domain.validators import find_date

    assert find_date("27/0672003") == (27, 6, 2003)
    assert find_date("27/1372003") is None  # no month 13: not a date
