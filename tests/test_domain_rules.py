"""Procedure rules: required fields and attachments, ages, windows, business names."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from domain.catalogue_loading import default_catalogue
from domain.model import Classification, FieldValue, PageInput, Problem
from domain.rules import validate
from domain.verdict import decide

RECEIVED = datetime(2026, 3, 10, 9, 30)
TODAY = RECEIVED.date()


@pytest.fixture(scope="module")
def catalogue():
    return default_catalogue()


def _fields(**values: str) -> dict[str, FieldValue]:
    return {k: FieldValue(v, 1.0) for k, v in values.items()}


def _dmy(d: date) -> str:
    return d.strftime("%d/%m/%Y")


def _check(catalogue, procedure, fields, kinds=("form",), confidence=100.0) -> list[Problem]:
    classification = Classification(procedure, 1.0, tuple(kinds))
    pages = [PageInput("", confidence) for _ in kinds]
    return validate(procedure, fields, classification, pages, catalogue, RECEIVED)


def _codes(problems: list[Problem]) -> list[str]:
    return [p.code for p in problems]


def _birth(**overrides: str) -> dict[str, FieldValue]:
    values = dict(
        applicant_name="Nguyễn Văn An", applicant_dob="12/04/1990", applicant_id="001090012345",
        child_name="Nguyễn Minh Khang", child_dob=_dmy(TODAY - timedelta(days=10)), child_sex="Nam",
        birth_place="Bệnh viện Phụ sản Hà Nội",
    )
    values.update(overrides)
    return _fields(**values)


def _marriage(bride_dob: date, groom_dob: date) -> dict[str, FieldValue]:
    bride_id = f"0013{bride_dob.year % 100:02d}240246" if bride_dob.year >= 2000 else f"0011{bride_dob.year % 100:02d}240246"
    groom_id = f"0402{groom_dob.year % 100:02d}442761" if groom_dob.year >= 2000 else f"0400{groom_dob.year % 100:02d}442761"
    return _fields(
        bride_name="Trần Thị Huyền", bride_dob=_dmy(bride_dob), bride_id=bride_id,
        groom_name="Lý Minh Nghĩa", groom_dob=_dmy(groom_dob), groom_id=groom_id,
        applicant_name="Trần Thị Huyền", applicant_id=bride_id,
    )


def test_a_complete_birth_registration_passes(catalogue) -> None:
    problems = _check(catalogue, "khai-sinh", _birth(), kinds=("form", "giay-chung-sinh"))
    assert problems == []
    assert decide(problems) == "routed"


def test_missing_birth_certificate(catalogue) -> None:
    problems = _check(catalogue, "khai-sinh", _birth())
    assert _codes(problems) == ["thieu-giay-to-kem-theo"]
    assert problems[0].severity == "reject"
    assert "Giấy chứng sinh" in problems[0].message


def test_missing_attachment_with_an_unreadable_page_is_a_question(catalogue) -> None:
    problems = _check(catalogue, "khai-sinh", _birth(), kinds=("form", "unknown"))
    assert _codes(problems) == ["thieu-giay-to-kem-theo"]
    assert problems[0].severity == "review"


def test_missing_required_field(catalogue) -> None:
    fields = _birth()
    del fields["birth_place"]
    problems = _check(catalogue, "khai-sinh", fields, kinds=("form", "giay-chung-sinh"))
    assert _codes(problems) == ["chua-doc-duoc-thong-tin"]
    assert problems[0].field == "birth_place" and "nơi sinh" in problems[0].message
    # Not finding a value is no evidence that it is missing: never rejected, even on a text layer.
    assert decide(problems) == "needs_review"


def test_missing_field_on_a_poor_scan_is_only_a_question(catalogue) -> None:
    fields = _birth()
    del fields["birth_place"]
    problems = _check(catalogue, "khai-sinh", fields, kinds=("form", "giay-chung-sinh"), confidence=62.0)
    assert decide(problems) == "needs_review"


def test_late_birth_registration_is_a_warning(catalogue) -> None:
    fields = _birth(child_dob=_dmy(TODAY - timedelta(days=61)))
    problems = _check(catalogue, "khai-sinh", fields, kinds=("form", "giay-chung-sinh"))
    assert _codes(problems) == ["dang-ky-khai-sinh-qua-han"]
    assert problems[0].severity == "warning"
    assert decide(problems) == "routed"
    on_time = _check(catalogue, "khai-sinh", _birth(child_dob=_dmy(TODAY - timedelta(days=60))),
                     kinds=("form", "giay-chung-sinh"))
    assert on_time == []


def test_late_death_registration_is_a_warning(catalogue) -> None:
    base = dict(applicant_name="Lê Văn Nam", applicant_id="001080123456", applicant_dob="01/01/1980",
                deceased_name="Lê Văn Tư", deceased_dob="02/02/1940", death_place="Bệnh viện Bạch Mai")
    late = _fields(**base, death_date=_dmy(TODAY - timedelta(days=16)))
    assert _codes(_check(catalogue, "khai-tu", late, kinds=("form", "giay-bao-tu"))) == ["dang-ky-khai-tu-qua-han"]
    in_time = _fields(**base, death_date=_dmy(TODAY - timedelta(days=15)))
    assert _check(catalogue, "khai-tu", in_time, kinds=("form", "giay-bao-tu")) == []


def test_death_before_birth(catalogue) -> None:
    fields = _fields(applicant_name="Lê Văn Nam", applicant_id="001080123456", deceased_name="Lê Văn Tư",
                     deceased_dob="02/02/2026", death_date="01/02/2026", death_place="Nhà riêng")
    assert "ngay-chet-truoc-ngay-sinh" in _codes(_check(catalogue, "khai-tu", fields, kinds=("form", "giay-bao-tu")))


@pytest.mark.parametrize(
    ("bride_age_days", "groom_age_days", "codes"),
    [
        (18 * 366, 20 * 366, []),
        (18 * 365 - 5, 25 * 365, ["chua-du-tuoi-ket-hon"]),
        (22 * 365, 20 * 365 - 3, ["chua-du-tuoi-ket-hon"]),
        (17 * 365, 19 * 365, ["chua-du-tuoi-ket-hon", "chua-du-tuoi-ket-hon"]),
    ],
)
def test_marriage_age(catalogue, bride_age_days: int, groom_age_days: int, codes: list[str]) -> None:
    fields = _marriage(TODAY - timedelta(days=bride_age_days), TODAY - timedelta(days=groom_age_days))
    problems = _check(catalogue, "ket-hon", fields)
    assert _codes(problems) == codes
    if codes:
        assert decide(problems) == "rejected"
        assert "chưa đủ" in problems[0].message


def test_marriage_age_boundary_is_the_birthday(catalogue) -> None:
    groom_20_today = date(TODAY.year - 20, TODAY.month, TODAY.day)
    assert _check(catalogue, "ket-hon", _marriage(date(2000, 1, 1), groom_20_today)) == []
    groom_20_tomorrow = groom_20_today + timedelta(days=1)
    assert _codes(_check(catalogue, "ket-hon", _marriage(date(2000, 1, 1), groom_20_tomorrow))) == [
        "chua-du-tuoi-ket-hon"
    ]


def _business(name: str) -> dict[str, FieldValue]:
    return _fields(business_name=name, business_address="số 5, phố Hàng Gai, phường Hoàn Kiếm",
                   business_line="Ăn uống", capital="200000000", applicant_name="Phạm Thu Hà",
                   applicant_id="001185000123", applicant_dob="01/02/1985", applicant_sex="Nữ")


@pytest.mark.parametrize("name", ["Hộ kinh doanh Phở Hà Thành", "HỘ KINH DOANH PHỞ HÀ THÀNH", "Ho kinh doanh Pho Ha Thanh"])
def test_good_business_names(catalogue, name: str) -> None:
    assert _check(catalogue, "ho-kinh-doanh", _business(name)) == []


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("Công ty TNHH Phở Hà Thành", "không bắt đầu"),
        ("Hộ kinh doanh Công ty Phở", "công ty"),
        ("HỘ KINH DOANH DOANH NGHIỆP PHỞ", "doanh nghiệp"),
        ("Hộ kinh doanh", "thiếu tên riêng"),
        ("Cửa hàng Phở Hà Thành", "không bắt đầu"),
    ],
)
def test_bad_business_names(catalogue, name: str, reason: str) -> None:
    problems = _check(catalogue, "ho-kinh-doanh", _business(name))
    assert _codes(problems) == ["ten-ho-kinh-doanh-sai"]
    assert reason in problems[0].message
    assert decide(problems) == "rejected"


def test_id_must_agree_with_dob_and_sex(catalogue) -> None:
    fields = _business("Hộ kinh doanh Phở")
    fields["applicant_dob"] = FieldValue("01/02/1986", 1.0)
    assert _codes(_check(catalogue, "ho-kinh-doanh", fields)) == ["so-dinh-danh-sai-nam-sinh"]
    fields = _business("Hộ kinh doanh Phở")
    fields["applicant_sex"] = FieldValue("Nam", 1.0)
    assert _codes(_check(catalogue, "ho-kinh-doanh", fields)) == ["so-dinh-danh-sai-gioi-tinh"]


def test_bride_id_must_encode_a_woman(catalogue) -> None:
    fields = _marriage(date(2000, 11, 4), date(1993, 12, 19))
    fields["bride_id"] = FieldValue("001200240246", 1.0)  # century digit 2: a man born in the 2000s
    problems = _check(catalogue, "ket-hon", fields)
    assert _codes(problems) == ["so-dinh-danh-sai-gioi-tinh"]
    assert problems[0].field == "bride_id"


def test_old_nine_digit_id(catalogue) -> None:
    problems = _check(catalogue, "khai-sinh", _birth(applicant_id="012345678"), kinds=("form", "giay-chung-sinh"))
    assert _codes(problems) == ["cmnd-het-hieu-luc"]
    assert "012345678" in problems[0].message


def test_invalid_tax_code(catalogue) -> None:
    fields = _business("Hộ kinh doanh Phở")
    fields["tax_code"] = FieldValue("0100233489", 1.0)
    assert _codes(_check(catalogue, "ho-kinh-doanh", fields)) == ["ma-so-thue-sai-so-kiem-tra"]


def test_future_date(catalogue) -> None:
    fields = _birth(child_dob=_dmy(TODAY + timedelta(days=1)))
    assert "ngay-trong-tuong-lai" in _codes(_check(catalogue, "khai-sinh", fields, kinds=("form", "giay-chung-sinh")))


def test_low_confidence_key_field_needs_review(catalogue) -> None:
    fields = _birth()
    fields["applicant_id"] = FieldValue("001090012345", 0.41)
    problems = _check(catalogue, "khai-sinh", fields, kinds=("form", "giay-chung-sinh"))
    assert _codes(problems) == ["thong-tin-khong-chac-chan"]
    assert decide(problems) == "needs_review"


def test_rule_broken_on_doubtful_ocr_is_a_question_not_a_rejection(catalogue) -> None:
    fields = _marriage(TODAY - timedelta(days=22 * 365), TODAY - timedelta(days=19 * 365))
    fields["groom_dob"] = FieldValue(fields["groom_dob"].value, 0.7)
    problems = _check(catalogue, "ket-hon", fields)
    assert _codes(problems) == ["chua-du-tuoi-ket-hon"]
    assert decide(problems) == "needs_review"


def test_no_procedure_no_checks(catalogue) -> None:
    assert validate(None, {}, Classification(None, 0.0), [], catalogue, RECEIVED) == []


def test_every_message_is_vietnamese_nfc_and_names_the_problem(catalogue) -> None:
    import unicodedata

    fields = _birth(applicant_id="099090012345", child_dob="31/02/2026", child_sex="?")
    del fields["birth_place"]
    problems = _check(catalogue, "khai-sinh", fields)
    assert len(problems) >= 4
    for problem in problems:
        assert unicodedata.normalize("NFC", problem.message) == problem.message
        assert "{" not in problem.message
        assert problem.severity in ("reject", "review", "warning")


def test_verdict_order() -> None:
    warn, review, reject = (Problem("a", "x", s) for s in ("warning", "review", "reject"))
    assert decide([]) == "routed"
    assert decide([warn]) == "routed"
    assert decide([warn, review]) == "needs_review"
    assert decide([review, reject, warn]) == "rejected"


def test_missing_attachment_on_a_scan_whose_pages_are_all_known_is_certain(catalogue) -> None:
    # OCR may drop a line, never a page: with every page recognised, the attachment is not there.
    problems = _check(catalogue, "khai-sinh", _birth(), kinds=("form",), confidence=88.0)
    assert _codes(problems) == ["thieu-giay-to-kem-theo"]
    assert problems[0].severity == "reject"


def test_a_blank_read_clearly_is_a_review_not_a_rejection(catalogue) -> None:
    fields = _birth()
    fields["birth_place"] = FieldValue("", 0.95)  # "Nơi sinh:" read, nothing after it
    problems = _check(catalogue, "khai-sinh", fields, kinds=("form", "giay-chung-sinh"), confidence=100.0)
    # The applicant completes it on the official's one request (Nghị định 61/2018 art. 19).
    assert _codes(problems) == ["thieu-thong-tin"] and problems[0].severity == "review"
    fields["birth_place"] = FieldValue("", 0.6)
    problems = _check(catalogue, "khai-sinh", fields, kinds=("form", "giay-chung-sinh"), confidence=60.0)
    assert problems[0].severity == "review"


def test_the_head_of_household_whose_two_numbers_read_differently_goes_to_review() -> None:
    """CT01: an applicant who is the head writes the number twice; two readings that differ are OCR's doubt."""
    from domain.assess import assess
    from domain.catalogue_loading import default_catalogue
    from datetime import datetime, timezone

    form = ("TỜ KHAI THAY ĐỔI THÔNG TIN CƯ TRÚ\nKính gửi: Công an phường Hoàn Kiếm\n"
            "1. Họ, chữ đệm và tên: NGUYỄN MỸ DUYÊN\n2. Ngày, tháng, năm sinh: 05/12/1995\n3. Giới tính: Nữ\n"
            "4. Số định danh cá nhân: 024195593594\n7. Họ, chữ đệm và tên chủ hộ: NGUYỄN MỸ DUYÊN\n"
            "8. Mối quan hệ với chủ hộ: Chủ hộ\n9. Số định danh cá nhân của chủ hộ: {head}\n"
            "10. Nội dung đề nghị: Đăng ký thường trú tại số 1 phố Hàng Bạc, phường Hoàn Kiếm\n")
    contract = "HỢP ĐỒNG THUÊ NHÀ Ở\nBên cho thuê: ..."
    when = datetime(2026, 3, 5, 3, tzinfo=timezone.utc)
    differ = assess([PageInput(form.format(head="024195599594")), PageInput(contract)], default_catalogue(), when)
    assert "so-dinh-danh-khong-khop" in [p.code for p in differ.problems] and differ.status == "needs_review"
    assert "024195" not in " ".join(p.message for p in differ.problems)
    agree = assess([PageInput(form.format(head="024195593594")), PageInput(contract)], default_catalogue(), when)
    assert "so-dinh-danh-khong-khop" not in [p.code for p in agree.problems]
