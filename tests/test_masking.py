"""Personal data is masked before it reaches logs, run names and artifacts."""

from __future__ import annotations

from core.masking import mask_date, mask_field, mask_id, mask_name, mask_text


def test_id_keeps_only_its_ends() -> None:
    assert mask_id("001203012345") == "0012******45"


def test_name_becomes_initials() -> None:
    assert mask_name("Nguyễn Thị Thu Hà") == "N. T. T. H."


def test_date_keeps_only_the_year() -> None:
    assert mask_date("sinh ngày 05/03/1990") == "sinh ngày **/**/1990"


def test_free_text_masks_every_id_and_date() -> None:
    text = "CCCD 001203012345, cấp 12/08/2021; MST 0100233488"
    masked = mask_text(text)
    assert "001203012345" not in masked and "0100233488" not in masked and "12/08/2021" not in masked
    assert "0012******45" in masked


def test_fields_masked_by_what_they_hold() -> None:
    assert mask_field("applicant_id", "001203012345") == "0012******45"
    assert mask_field("applicant_name", "Trần Văn Bình") == "T. V. B."
    assert mask_field("applicant_dob", "05/03/1990") == "**/**/1990"
    assert mask_field("business_name", "Hộ kinh doanh Bình An") == "Hộ kinh doanh Bình An"


def test_address_keeps_only_the_commune() -> None:
    from core.masking import mask_address

    assert mask_address("số 55, ngõ 17, phố Ngọc Hà, phường Ngọc Hà, thành phố Hà Nội") == "***, phường Ngọc Hà, thành phố Hà Nội"


def test_source_keeps_station_and_file_type_only() -> None:
    from core.masking import mask_source

    assert mask_source("quay-1/Nguyễn Văn An khai sinh.pdf") == "quay-1/….pdf"
    assert mask_source("quay-1/ho-so-ket-hon/") == "quay-1/…/"


def test_amounts_are_not_mistaken_for_ids() -> None:
    from core.masking import mask_by_kind

    assert mask_by_kind("money", "300000000") == "300000000"
    assert mask_by_kind("personal_id", "001203012345") == "0012******45"


def test_free_text_loses_the_street_address_inside_it() -> None:
    from core.masking import mask_by_kind

    request = "Đăng ký thường trú vào chỗ ở hợp pháp tại số 103, ngõ 203, phố Hàng Bạc, phường Hoàn Kiếm, thành phố Hà Nội"
    masked = mask_by_kind("text", request)
    assert masked == "Đăng ký thường trú vào chỗ ở hợp pháp tại ***, phường Hoàn Kiếm, thành phố Hà Nội"
    assert mask_by_kind("text", "Kinh doanh ăn uống") == "Kinh doanh ăn uống"


def test_a_problem_message_masks_what_it_quotes() -> None:
    from core.masking import mask_message

    quoted = "Nơi nhận ghi trên hồ sơ (“Số 23 ngõ 224 Vũ Trọng Phụng, phường Khương Đình”) không khớp xã/phường nào"
    assert mask_message(quoted) == "Nơi nhận ghi trên hồ sơ (“***, phường Khương Đình”) không khớp xã/phường nào"
    doubtful = "Không đọc chắc chắn được họ tên (đọc được “Nguyễn Văn An”, độ tin cậy 40%)."
    assert "Nguyễn" not in mask_message(doubtful, "name") and "“N. V. A.”" in mask_message(doubtful, "name")
    title = "Tiêu đề tờ khai đọc được không rõ (“TỜ KHAI ĐĂNG KÝ KHAI SINH”, độ khớp 70%)."
    assert mask_message(title) == title
    assert "001203012345" not in mask_message("Số định danh “001203012345” không hợp lệ", "personal_id")
