"""Reading fields off form text, clean and as Tesseract vie really returns it."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from domain.assess import assess
from domain.catalogue_loading import default_catalogue
from domain.fields import extract_fields, read_value
from domain.model import PageInput
from domain.text import fold

BIRTH = """CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
TỜ KHAI ĐĂNG KÝ KHAI SINH
Kính gửi: Ủy ban nhân dân phường Hoàn Kiếm, thành phố Hà Nội
Họ, chữ đệm, tên người yêu cầu: NGUYỄN VĂN AN
Ngày, tháng, năm sinh: 12/04/1990
Số định danh cá nhân: 001090012345
Nơi cư trú: số 12, phố Hàng Bạc, phường Hoàn Kiếm, thành phố Hà Nội
Quan hệ với người được khai sinh: Cha
Đề nghị cơ quan đăng ký khai sinh cho người dưới đây:
Họ, chữ đệm, tên: NGUYỄN MINH KHANG
Ngày, tháng, năm sinh: 05/03/2026
Ghi bằng chữ: Ngày năm, tháng ba, năm hai nghìn không trăm hai mươi sáu
Giới tính: Nam Dân tộc: Kinh Quốc tịch: Việt Nam
Nơi sinh: Bệnh viện Phụ sản Hà Nội
Họ, chữ đệm, tên người mẹ: TRẦN THỊ MAI
Năm sinh: 1992 Dân tộc: Kinh Quốc tịch: Việt Nam
Họ, chữ đệm, tên người cha: NGUYỄN VĂN AN
Hà Nội, ngày 10 tháng 3 năm 2026
"""
# The same form as Tesseract vie returned it from a noisy 200 dpi scan:
# stray marks, a label lost its colon, split words, m read as rn, O for 0.
BIRTH_OCR = """_ CỘNG 00A XÃ Hội CHỦ NGHĨA WẲŒ NAM.
Độc lập - - Tự do - Hạnh phúc :
_TỜ KHAI ĐĂNG KÝ KHAI SINH
Kính gửi Ủy ban nhân dân phường Hoàn Kiếm, thành phố Hà: Nội
- Họ, chữ đệm, tên người yêu cầu: NGUYỄN VẰN AN
Ngày, tháng, năm sinh: 12/O4/1990.
Số định danh. cá nhân: O01 090 012345
- Nơi cư trú: số 12, phố Hàng Bạc, phường Hoan Kiếm, thành phố Hà Nội
Quan hệ với người được khai sinh: Cha :
Đề nghị cơ quan đăng ký khai sinh cho người dưới dây.
Họ, chữ đệm, tên: NGUYỄN MINH KHA NG
Ngày, tháng, năm sinh 05/03/2026.
Ghi bằng chữ: Ngày 7 năm, nh Dv ba, năm hai nghìn không trăm hai
Giới tính: Nam Dân: tộc: Kinh Quốc tịch: Việt Nam
Nơi sinh: Bệnh viện Phụ sản Hà Nội
_._ Họ, chữ đệm, tên người rne: TRẦN THỊ MAI
- Họ, chữ đệm, tên người cha: NGUYỄN VĂN AN
"""
MARRIAGE = """TỜ KHAI ĐĂNG KÝ KẾT HÔN
Kính gửi: Ủy ban nhân dân phường Cầu Giấy, thành phố Hà Nội
THÔNG TIN BÊN NỮ
Họ, chữ đệm, tên: TRẦN THỊ HUYỀN
Ngày, tháng, năm sinh: 04/11/2000
Nơi cư trú: số 2, phố Xuân Thủy, phường Cầu Giấy, thành phố Hà Nội
Số định danh cá nhân: 001300240246
THÔNG TIN BÊN NAM
Họ, chữ đệm, tên: LÝ MINH NGHĨA
Ngày, tháng, năm sinh: 19/12/1993
Nơi cư trú: số 2, phố Hoàng Hoa Thám, phường Ngọc Hà, thành phố Hà Nội
Số định danh cá nhân: 040093442761
"""
CT01 = """Mẫu CT01 ban hành kèm theo Thông tư số 66/2023/TT-BCA
TỜ KHAI THAY ĐỔI THÔNG TIN CƯ TRÚ
Kính gửi: Công an phường Ngọc Hà, thành phố Hà Nội
1. Họ, chữ đệm và tên: HOÀNG THỊ QUỲNH
2. Ngày, tháng, năm sinh: 20/06/1978
3. Giới tính: Nữ
4. Số định danh cá nhân: 030178706116
5. Số điện thoại liên hệ: 0701589597
7. Họ, chữ đệm và tên chủ hộ: LÊ VĂN BÌNH
9. Số định danh cá nhân của chủ hộ: 001065123456
10. Nội dung đề nghị: Đăng ký tạm trú tại chỗ ở thuê
11. Địa chỉ chỗ ở đề nghị đăng ký: số 159, phố Đội Cấn, phường Ngọc Hà, thành phố Hà Nội
"""
BUSINESS = """GIẤY ĐỀ NGHỊ ĐĂNG KÝ HỘ KINH DOANH
Kính gửi: Phòng Kinh tế, Hạ tầng và Đô thị phường Hoàn Kiếm, thành phố Hà Nội
1. Tên hộ kinh doanh (ghi bằng chữ in hoa): HỘ KINH DOANH PHỞ HÀ THÀNH
2. Địa chỉ trụ sở hộ kinh doanh: số 5, phố Hàng Gai, phường Hoàn Kiếm, thành phố Hà Nội
3. Ngành, nghề kinh doanh: Dịch vụ ăn uống
4. Vốn kinh doanh: 200.000.000 đồng
5. Số lượng lao động: 3
6. Thông tin về chủ hộ kinh doanh:
Họ, chữ đệm và tên: PHẠM THU HÀ
Ngày, tháng, năm sinh: 01/02/1985
Giới tính: Nữ
Số định danh cá nhân: 001185000123
Mã số thuế: 001185000123
"""
PERMIT = """ĐƠN ĐỀ NGHỊ CẤP GIẤY PHÉP XÂY DỰNG
Kính gửi: Ủy ban nhân dân phường Hà Đông, thành phố Hà Nội
1. Thông tin về chủ đầu tư:
Tên chủ đầu tư: ĐỖ QUANG HUY
Ngày, tháng, năm sinh: 03/07/1975
Số định danh cá nhân: 001075765432
2. Thông tin công trình:
Địa điểm xây dựng: số 8, phố Quang Trung, phường Hà Đông, thành phố Hà Nội
Giấy chứng nhận quyền sử dụng đất số: CX 0l2345
Tổng diện tích sàn: 320 m2
Số tầng: 4
"""


@pytest.fixture(scope="module")
def catalogue():
    return default_catalogue()


def _values(procedure, text, catalogue, confidence=100.0):
    return {k: v.value for k, v in extract_fields(procedure, [PageInput(text, confidence)], catalogue).items()}


def test_birth_registration_fields(catalogue) -> None:
    assert _values("khai-sinh", BIRTH, catalogue) == {
        "applicant_name": "Nguyễn Văn An",
        "applicant_dob": "12/04/1990",
        "applicant_id": "001090012345",
        "applicant_address": "số 12, phố Hàng Bạc, phường Hoàn Kiếm, thành phố Hà Nội",
        "relationship": "Cha",
        "child_name": "Nguyễn Minh Khang",
        "child_dob": "05/03/2026",
        "child_sex": "Nam",
        "birth_place": "Bệnh viện Phụ sản Hà Nội",
        "mother_name": "Trần Thị Mai",
        "father_name": "Nguyễn Văn An",
    }


def test_text_layer_values_are_fully_trusted(catalogue) -> None:
    fields = extract_fields("khai-sinh", [PageInput(BIRTH, 100.0)], catalogue)
    assert fields["applicant_id"].confidence == 1.0


def test_birth_registration_from_tesseract_output(catalogue) -> None:
    fields = extract_fields("khai-sinh", [PageInput(BIRTH_OCR, 78.0)], catalogue)
    values = {k: v.value for k, v in fields.items()}
    assert values["applicant_id"] == "001090012345"
    assert values["applicant_dob"] == "12/04/1990"
    assert values["child_name"] == "Nguyễn Minh Khang"
    assert values["child_dob"] == "05/03/2026"
    assert values["child_sex"] == "Nam"
    assert values["mother_name"] == "Trần Thị Mai"
    # Repairs and OCR doubt lower the confidence below a text layer's.
    assert fields["applicant_id"].confidence < 0.78
    assert fields["child_name"].confidence < fields["birth_place"].confidence


def test_diacritics_stripped_form(catalogue) -> None:
    values = _values("khai-sinh", fold(BIRTH).upper(), catalogue)
    assert values["applicant_name"] == "Nguyen Van An"
    assert values["applicant_id"] == "001090012345"
    assert values["child_dob"] == "05/03/2026"


def test_sections_tell_bride_from_groom(catalogue) -> None:
    values = _values("ket-hon", MARRIAGE, catalogue)
    assert values["bride_name"] == "Trần Thị Huyền" and values["bride_id"] == "001300240246"
    assert values["groom_name"] == "Lý Minh Nghĩa" and values["groom_dob"] == "19/12/1993"
    assert values["applicant_name"] == values["bride_name"]
    assert values["applicant_id"] == values["bride_id"]


def test_numbered_ct01_and_longer_labels_win(catalogue) -> None:
    values = _values("tam-tru", CT01, catalogue)
    assert values["applicant_name"] == "Hoàng Thị Quỳnh"
    assert values["applicant_sex"] == "Nữ"
    assert values["applicant_id"] == "030178706116"
    assert values["head_name"] == "Lê Văn Bình"
    assert values["head_id"] == "001065123456"
    assert values["phone"] == "0701589597"
    assert values["request"].startswith("Đăng ký tạm trú")


def test_household_business_fields(catalogue) -> None:
    values = _values("ho-kinh-doanh", BUSINESS, catalogue)
    assert values["business_name"] == "HỘ KINH DOANH PHỞ HÀ THÀNH"
    assert values["capital"] == "200000000"
    assert values["employees"] == "3"
    assert values["applicant_name"] == "Phạm Thu Hà"
    assert values["tax_code"] == "001185000123"


def test_building_permit_fields(catalogue) -> None:
    values = _values("giay-phep-xay-dung", PERMIT, catalogue)
    assert values["applicant_name"] == "Đỗ Quang Huy"
    assert values["land_cert"] == "CX 012345"
    assert values["floor_area"] == "320"
    assert values["floors"] == "4"


def test_unknown_procedure_still_reads_the_applicant(catalogue) -> None:
    values = _values(None, "ĐƠN GÌ ĐÓ\nHọ và tên: Lê Thị Hoa\nSố CCCD: 0 0 1 1 8 5 0 0 0 1 2 3", catalogue)
    assert values == {"applicant_name": "Lê Thị Hoa", "applicant_id": "001185000123"}


def test_a_blank_is_told_from_a_missing_line(catalogue) -> None:
    blank = BIRTH.replace("Nơi sinh: Bệnh viện Phụ sản Hà Nội", "Nơi sinh: ..................")
    assert _values("khai-sinh", blank, catalogue)["birth_place"] == ""
    missing = BIRTH.replace("Nơi sinh: Bệnh viện Phụ sản Hà Nội\n", "")
    assert "birth_place" not in _values("khai-sinh", missing, catalogue)


def test_attachment_pages_are_not_read_as_the_form(catalogue) -> None:
    certificate = "GIẤY CHỨNG SINH\nHọ, chữ đệm, tên người yêu cầu: NGƯỜI KHÁC\nSố định danh cá nhân: 001999999999"
    fields = extract_fields("khai-sinh", [PageInput(certificate), PageInput(BIRTH)], catalogue)
    assert fields["applicant_name"].value == "Nguyễn Văn An"


@pytest.mark.parametrize(
    ("kind", "raw", "value"),
    [
        ("personal_id", "0 0 1 2 0 3 0 1 2 3 4 5", "001203012345"),
        ("personal_id", "O01203O12345", "001203012345"),
        ("personal_id", "CCCD số 001203012345 cấp ngày 01/01/2021", "001203012345"),
        ("date", "ngày 05 tháng 3 năm 2024", "05/03/2024"),
        ("date", "O5/O3/2O24", "05/03/2024"),
        ("sex", "Nừ", "Nữ"),
        ("name", "DƯƠ NG NGỌC HƯƠNG", "Dương Ngọc Hương"),
        ("money", "150.000.000 đồng", "150000000"),
        ("land_cert", "A8 l23456", "AB 123456"),
        ("area", "120,5 m2", "120.5"),
    ],
)
def test_read_value(kind: str, raw: str, value: str) -> None:
    reading = read_value(kind, raw)
    assert reading is not None and reading[0] == value


def test_name_with_ocr_garbage_is_less_sure() -> None:
    clean, noisy = read_value("name", "Nguyễn Văn An"), read_value("name", "Nguyễn Văn 4n")
    assert clean is not None and noisy is not None and noisy[1] < clean[1]


def test_marks_lost_on_one_line_come_back_from_another(catalogue) -> None:
    # Tesseract (vie+eng) read the capitals without marks on the applicant's line only.
    text = BIRTH.replace("NGUYỄN VĂN AN\nNgày, tháng, năm sinh: 12/04/1990",
                         "NGUYEN VAN AN\nNgày, tháng, năm sinh: 12/04/1990", 1)
    assert "Họ, chữ đệm, tên người yêu cầu: NGUYEN VAN AN" in text
    assert _values("khai-sinh", text, catalogue, confidence=90.0)["applicant_name"] == "Nguyễn Văn An"


def test_marks_follow_the_majority_of_occurrences(catalogue) -> None:
    # A mark OCR invented on one line is outvoted by the other two writings of the name.
    text = BIRTH.replace("người yêu cầu: NGUYỄN VĂN AN", "người yêu cầu: NGUYỄN VĂN ÁN") + "Nguyễn Văn An\n"
    assert _values("khai-sinh", text, catalogue, confidence=90.0)["applicant_name"] == "Nguyễn Văn An"


def test_a_tie_keeps_the_marks(catalogue) -> None:
    # Tesseract lost the marks of the signature in lower case; the capitals kept them.
    text = "TỜ KHAI ĐĂNG KÝ KHAI SINH\nHọ, chữ đệm, tên người yêu cầu: NGUYỄN THỊ HẠNH\nNguyễn Thi Hanh\n"
    assert _values("khai-sinh", text, catalogue, confidence=90.0)["applicant_name"] == "Nguyễn Thị Hạnh"


def test_two_capital_readings_without_marks_do_not_outvote_one_with_marks(catalogue) -> None:
    # The form and the ID card print the name in capitals and both lost the dot of "NGỌC"; the signature kept it.
    text = ("TỜ KHAI ĐĂNG KÝ KHAI SINH\nHọ, chữ đệm, tên người yêu cầu: NGUYỄN BẢO NGOC\n"
            "Họ và tên / Full name: NGUYỄN BẢO NGOC\nNguyễn Bảo Ngọc\n")
    assert _values("khai-sinh", text, catalogue, confidence=90.0)["applicant_name"] == "Nguyễn Bảo Ngọc"
    # Three readings in lower case without the mark still outvote one with it.
    text = ("TỜ KHAI ĐĂNG KÝ KHAI SINH\nHọ, chữ đệm, tên người yêu cầu: Nguyễn Bảo Ngoc\n"
            "Nguyễn Bảo Ngoc\nNguyễn Bảo Ngọc\nNguyễn Bảo Ngoc\n")
    assert _values("khai-sinh", text, catalogue, confidence=90.0)["applicant_name"] == "Nguyễn Bảo Ngoc"


def test_the_dot_of_a_small_i_read_as_a_mark_gives_way_to_the_capitals(catalogue) -> None:
    # Tesseract read the signature's "Chi" as "Chỉ"; the capitals, which have no dot to misread, say CHI.
    text = ("TỜ KHAI ĐĂNG KÝ KHAI SINH\nHọ, chữ đệm, tên người yêu cầu: NGUYỄN PHƯƠNG CHI\n"
            "NGUYỄN PHƯƠNG. CHI\nNguyễn Phương Chỉ\n")
    assert _values("khai-sinh", text, catalogue, confidence=90.0)["applicant_name"] == "Nguyễn Phương Chi"


def test_a_tie_between_different_marks_goes_to_lower_case(catalogue) -> None:
    # Both readings carry marks: the one not printed in capitals is trusted more.
    text = "TỜ KHAI ĐĂNG KÝ KHAI SINH\nHọ, chữ đệm, tên người yêu cầu: LÊ DIỆU QUẦN\nLê Diệu Quân\n"
    assert _values("khai-sinh", text, catalogue, confidence=90.0)["applicant_name"] == "Lê Diệu Quân"


@pytest.mark.parametrize(("printed", "read"), [("NGUYÊN THỊ MAI", "Nguyễn Thị Mai"), ("TRẤN VĂN BA", "Trần Văn Ba")])
def test_family_name_marks_are_repaired(catalogue, printed: str, read: str) -> None:
    text = f"TỜ KHAI ĐĂNG KÝ KHAI SINH\nHọ, chữ đệm, tên người yêu cầu: {printed}"
    assert _values("khai-sinh", text, catalogue, confidence=88.0)["applicant_name"] == read


def test_given_names_are_never_guessed(catalogue) -> None:
    text = "TỜ KHAI ĐĂNG KÝ KHAI SINH\nHọ, chữ đệm, tên người yêu cầu: NGUYỄN THỊ THỤ"
    assert _values("khai-sinh", text, catalogue, confidence=88.0)["applicant_name"] == "Nguyễn Thị Thụ"


def test_id_with_specks_read_as_an_extra_group(catalogue) -> None:
    text = BIRTH.replace("Số định danh cá nhân: 001090012345", "$6 định danh cá nhân: 001090012345 3")
    assert _values("khai-sinh", text, catalogue, confidence=90.0)["applicant_id"] == "001090012345"


def test_an_address_wrapped_at_the_margin_is_read_whole(catalogue) -> None:
    text = BUSINESS.replace(
        "2. Địa chỉ trụ sở hộ kinh doanh: số 5, phố Hàng Gai, phường Hoàn Kiếm, thành phố Hà Nội",
        "2. Địa chỉ trụ sở hộ kinh doanh: số 12, ngõ 60, phố Tôn Đức Thắng, phường Văn\nMiếu - Quốc Tử Giám, "
        "thành phố Hà Nội",
    )
    address = _values("ho-kinh-doanh", text, catalogue)["business_address"]
    assert address.endswith("phường Văn Miếu - Quốc Tử Giám, thành phố Hà Nội")


def test_a_short_line_after_a_short_value_is_not_a_continuation(catalogue) -> None:
    values = _values("khai-sinh", BIRTH + "Người yêu cầu\n", catalogue)
    assert values["birth_place"] == "Bệnh viện Phụ sản Hà Nội"


def test_the_forms_hint_in_brackets_is_not_the_value() -> None:
    text = ("ĐƠN ĐĂNG KÝ HỘ KINH DOANH\nKính gửi: Phòng Kinh tế phường Hà Đông\n"
            "Tôi là (ghi họ tên bằng chữ in hoa): TRẦN THU HÀ\nSố định danh cá nhân: 001190012345\n")
    fields = extract_fields("ho-kinh-doanh", [PageInput(text)], default_catalogue())
    assert fields["applicant_name"].value.casefold() == "trần thu hà"


def test_an_older_form_without_an_id_line_takes_the_id_beside_the_name_on_an_attachment() -> None:
    form = ("ĐƠN ĐỀ NGHỊ CẤP GIẤY PHÉP XÂY DỰNG\nKính gửi: UBND xã Sóc Sơn\n"
            "- Tên chủ đầu tư (tên chủ hộ): LÊ VĂN TÁM\n- Địa chỉ liên hệ: thôn Đông, xã Sóc Sơn, Hà Nội\n")
    land = ("GIẤY CHỨNG NHẬN\nQUYỀN SỬ DỤNG ĐẤT, QUYỀN SỞ HỮU NHÀ Ở VÀ TÀI SẢN KHÁC GẮN LIỀN VỚI ĐẤT\n"
            "Bà: NGUYỄN THỊ NĂM, sinh năm 1975, CCCD số: 001175000111\n"
            "Ông: LÊ VĂN TÁM, sinh năm 1970, CCCD số: 001070012345\n")
    fields = extract_fields("giay-phep-xay-dung", [PageInput(form), PageInput(land)], default_catalogue())
    assert fields["applicant_id"].value == "001070012345" and fields["applicant_id"].page == 2
    assert fields["applicant_id"].confidence < 1.0
    # Nobody of that name on the attachment: nothing is taken.
    other = land.replace("LÊ VĂN TÁM", "PHẠM VĂN BA")
    fields = extract_fields("giay-phep-xay-dung", [PageInput(form), PageInput(other)], default_catalogue())
    assert not fields.get("applicant_id") or not fields["applicant_id"].value


def test_an_attachment_id_whose_year_digits_disagree_with_the_birth_year_beside_it_is_doubtful() -> None:
    form = ("ĐƠN ĐỀ NGHỊ CẤP GIẤY PHÉP XÂY DỰNG\nKính gửi: UBND xã Sóc Sơn\n- Tên chủ đầu tư (tên chủ hộ): LÊ VĂN TÁM\n")
    land = "GIẤY CHỨNG NHẬN\nÔng: LÊ VĂN TÁM, sinh năm 1970, CCCD số: 001073012345\n"
    fields = extract_fields("giay-phep-xay-dung", [PageInput(form), PageInput(land)], default_catalogue())
    assert fields["applicant_id"].value == "001073012345" and fields["applicant_id"].confidence <= 0.5


CT01_SPECKED = ("TỜ KHAI THAY ĐỔI THÔNG TIN CƯ TRÚ\nKính gửi: Công an xã Kim Anh, Thành phố Hà Nội\n"
                "1. Họ, chữ đệm và tên: Nguyễn Mỹ Duyên\n2. Ngày, tháng, năm sinh: 06/12/1995\n"
                "4. Số định danh cá nhân: {id}\n8. Mối quan hệ với chủ hộ: Chủ hộ\n")
CONSENT = ("VĂN BẢN ĐỒNG Ý CHO ĐĂNG KÝ THƯỜNG TRÚ\nKính gửi: Công an xã Kim Anh, Thành phố Hà Nội\n"
           "Tôi là: Nguyễn Hữu Cường\nNgày sinh: 01/02/1976 Số định danh cá nhân: 031076412461\n"
           "Tôi đồng ý cho bà Nguyễn Mỹ Duyên, sinh ngày 06/12/1995, số định danh cá nhân\n"
           "{id}, được đăng ký thường trú tại chỗ ở hợp pháp nêu trên.\n")


def test_a_specked_id_row_gives_way_to_the_number_a_consent_letter_gives_beside_the_name() -> None:
    # The boxed row came out as specks: nine digits gathered around the label, an "old ID card" by accident.
    pages = [PageInput(CT01_SPECKED.format(id="a1 1393963 9 053931"), 94.0), PageInput(CONSENT.format(id="024195599594"), 96.0)]
    fields = extract_fields("thuong-tru", pages, default_catalogue())
    assert fields["applicant_id"].value == "024195599594" and fields["applicant_id"].page == 2
    # The owner's own number on the line above is never taken for the applicant's.
    assert fields["applicant_id"].value != "031076412461"
    # The line break inside the label: "…, số định danh" / "cá nhân 024195599594, được…".
    consent = CONSENT.replace("số định danh cá nhân\n{id}", "số định danh\ncá nhân {id}").format(id="024195599594")
    fields = extract_fields("thuong-tru", [pages[0], PageInput(consent, 96.0)], default_catalogue())
    assert fields["applicant_id"].value == "024195599594"


def test_an_id_read_as_printed_on_the_form_is_kept_over_an_attachment() -> None:
    pages = [PageInput(CT01_SPECKED.format(id="024195599594"), 94.0), PageInput(CONSENT.format(id="024195599549"), 96.0)]
    fields = extract_fields("thuong-tru", pages, default_catalogue())
    assert fields["applicant_id"].value == "024195599594" and fields["applicant_id"].page == 1


def test_an_attachment_number_that_does_not_fit_the_birth_date_is_only_a_doubt() -> None:
    # The form's row is broken; the consent letter's number encodes 1996 where the form says 1995: it is shown
    # to the official as doubtful, and the dossier goes to review, never turned away on an attachment's reading.
    pages = [PageInput(CT01_SPECKED.format(id="a1 1393963 9 053931"), 94.0), PageInput(CONSENT.format(id="024196599594"), 96.0)]
    fields = extract_fields("thuong-tru", pages, default_catalogue())
    assert fields["applicant_id"].value == "024196599594" and fields["applicant_id"].confidence <= 0.5
    assert assess(pages, default_catalogue(), datetime(2026, 12, 2, 9, tzinfo=timezone.utc)).status == "needs_review"
    # A well-formed number on the form that is merely less sure is not replaced by one that does not fit.
    pages = [PageInput(CT01_SPECKED.format(id="0241 9559 9594"), 80.0), PageInput(CONSENT.format(id="024196599594"), 96.0)]
    assert extract_fields("thuong-tru", pages, default_catalogue())["applicant_id"].value == "024195599594"


def test_the_head_of_households_number_read_as_a_fragment_is_the_applicants_written_again() -> None:
    text = CT01_SPECKED.format(id="024195599594") + "9. Số định danh cá nhân của chủ hộ: H31 168 1.\n"
    fields = extract_fields("thuong-tru", [PageInput(text, 91.0)], default_catalogue())
    assert fields["head_id"].value == "024195599594" and fields["head_id"].confidence < fields["applicant_id"].confidence
    # Two well-formed numbers that differ are left as read: the rule sends the dossier to an official.
    text = CT01_SPECKED.format(id="024195599594") + "9. Số định danh cá nhân của chủ hộ: 001088012345\n"
    fields = extract_fields("thuong-tru", [PageInput(text, 91.0)], default_catalogue())
    assert fields["head_id"].value == "001088012345"


def test_the_kind_of_legal_paper_is_not_its_number() -> None:
    # Thông tư 01/2021/TT-BKHĐT prints "Loại giấy tờ pháp lý của cá nhân" (tick boxes) above "Số giấy tờ pháp lý…".
    text = ("GIẤY ĐỀ NGHỊ ĐĂNG KÝ HỘ KINH DOANH\nKính gửi: Phòng Kinh tế xã Ô Diên\n"
            "Tôi là (ghi họ tên bằng chữ in hoa): PHAN MỸ DUNG\nSinh ngày: 22/06/2004\n"
            "Loại giấy tờ pháp lý của cá nhân: 1 Chứng minh nhân dân m Căn cước công dân\n"
            "Số giấy tờ pháp lý của cá nhân: 001304922063\n")
    fields = extract_fields("ho-kinh-doanh", [PageInput(text, 91.0)], default_catalogue())
    assert fields["applicant_id"].value == "001304922063"
