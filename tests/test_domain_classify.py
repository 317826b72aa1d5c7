"""Recognising each procedure from its form's text, clean, folded and OCR-damaged."""

from __future__ import annotations

import pytest

from domain.catalogue_loading import default_catalogue
from domain.classify import classify, page_title
from domain.model import PageInput
from domain.text import fold

HEADING = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\n"
FORMS = {
    "khai-sinh": "TỜ KHAI ĐĂNG KÝ KHAI SINH\nKính gửi: Ủy ban nhân dân phường Hoàn Kiếm",
    "ket-hon": "TỜ KHAI ĐĂNG KÝ KẾT HÔN\nKính gửi: Ủy ban nhân dân phường Cầu Giấy",
    "khai-tu": "TỜ KHAI ĐĂNG KÝ KHAI TỬ\nKính gửi: Ủy ban nhân dân xã Sóc Sơn",
    "xac-nhan-hon-nhan": "TỜ KHAI CẤP GIẤY XÁC NHẬN TÌNH TRẠNG HÔN NHÂN\nKính gửi: Ủy ban nhân dân phường Ba Đình",
    "thuong-tru": "Mẫu CT01\nTỜ KHAI THAY ĐỔI THÔNG TIN CƯ TRÚ\nKính gửi: Công an phường Tây Hồ\n"
                  "10. Nội dung đề nghị: Đăng ký thường trú vào chỗ ở hợp pháp",
    "tam-tru": "Mẫu CT01\nTỜ KHAI THAY ĐỔI THÔNG TIN CƯ TRÚ\nKính gửi: Công an phường Tây Hồ\n"
               "10. Nội dung đề nghị: Đăng ký tạm trú tại chỗ ở thuê",
    "ho-kinh-doanh": "GIẤY ĐỀ NGHỊ ĐĂNG KÝ HỘ KINH DOANH\nKính gửi: Phòng Kinh tế, Hạ tầng và Đô thị phường Láng",
    "giay-phep-xay-dung": "ĐƠN ĐỀ NGHỊ CẤP GIẤY PHÉP XÂY DỰNG\n(Sử dụng cho công trình: nhà ở riêng lẻ)",
}
# What Tesseract vie really does to titles: l for I, lost or swapped marks,
# merged words, foreign letters, a noise line above the title.
DAMAGED = {
    "khai-sinh": "TỜ KHAl ĐĂNG KÝ KHAl SlNH",
    "ket-hon": "TỜKHAI ĐẢNG KỶ KÊT HÔN",
    "khai-tu": "TO KHAI DANG KY KHAI TỪ",
    "xac-nhan-hon-nhan": "TỜ KHAI CÁP GIÂY XÁC NHẬN TÌNH TRANG HÔN NHÂN",
    "thuong-tru": "TỜ KHAI THAY ĐÓI THÔNG TIN CU TRÚ\nNội dung đề nghị: Đăng ky thuờng tru",
    "tam-tru": "TỜ KHAI THAY ĐỐl THÔNG TIN CƯ TRỦ\nNoi dung de nghi: dang ky tạm trù",
    "ho-kinh-doanh": "~ ._\nGIÁY ĐÈ NGHỊ ĐĂNG KÝ HỘ KlNH DOANH",
    "giay-phep-xay-dung": "ĐƠN ĐÈ NGHỊ CÁP GIÁY PHÉP XÂY DỤNG",
}


@pytest.fixture(scope="module")
def catalogue():
    return default_catalogue()


@pytest.mark.parametrize("procedure", sorted(FORMS))
def test_each_procedure_from_its_title(catalogue, procedure: str) -> None:
    result = classify([PageInput(HEADING + FORMS[procedure])], catalogue)
    assert result.procedure == procedure
    assert result.confidence >= 0.85
    assert result.page_kinds == ("form",)
    assert result.problems == ()


@pytest.mark.parametrize("procedure", sorted(FORMS))
def test_without_diacritics(catalogue, procedure: str) -> None:
    result = classify([PageInput(fold(HEADING + FORMS[procedure]).upper())], catalogue)
    assert result.procedure == procedure


@pytest.mark.parametrize("procedure", sorted(DAMAGED))
def test_ocr_damaged_titles(catalogue, procedure: str) -> None:
    result = classify([PageInput(HEADING + DAMAGED[procedure], confidence=71.0)], catalogue)
    assert result.procedure == procedure


def test_ct01_without_content_is_not_guessed(catalogue) -> None:
    text = HEADING + "TỜ KHAI THAY ĐỔI THÔNG TIN CƯ TRÚ\nNội dung đề nghị: giải quyết theo quy định"
    result = classify([PageInput(text)], catalogue)
    assert result.procedure is None
    assert [p.code for p in result.problems] == ["ct01-khong-ro-noi-dung"]
    assert result.problems[0].severity == "review"


def test_ct01_naming_both_contents_is_not_guessed(catalogue) -> None:
    text = HEADING + "TỜ KHAI THAY ĐỔI THÔNG TIN CƯ TRÚ\nĐăng ký thường trú hoặc đăng ký tạm trú"
    assert classify([PageInput(text)], catalogue).procedure is None


def test_unknown_document(catalogue) -> None:
    result = classify([PageInput(HEADING + "ĐƠN XIN NGHỈ PHÉP\nKính gửi: Ban Giám đốc")], catalogue)
    assert result.procedure is None and result.confidence == 0.0
    assert [p.code for p in result.problems] == ["khong-nhan-dang-thu-tuc"]


def test_empty_dossier(catalogue) -> None:
    result = classify([], catalogue)
    assert result.procedure is None
    assert result.problems[0].code == "khong-nhan-dang-thu-tuc"


def test_two_procedures_in_one_dossier(catalogue) -> None:
    pages = [PageInput(HEADING + FORMS["khai-sinh"]), PageInput(HEADING + FORMS["ket-hon"])]
    result = classify(pages, catalogue)
    assert result.procedure is None
    assert [p.code for p in result.problems] == ["nhieu-thu-tuc"]


def test_pages_of_a_dossier_are_told_apart(catalogue) -> None:
    pages = [
        PageInput(HEADING + FORMS["khai-sinh"]),
        PageInput("BỆNH VIỆN PHỤ SẢN HÀ NỘI\nSố: 12/GCS\n" + HEADING + "GIẤY CHỨNG SINH\nHọ và tên mẹ: TRẦN THỊ MAI"),
        PageInput("một trang viết tay không đọc được"),
    ]
    result = classify(pages, catalogue)
    assert result.procedure == "khai-sinh"
    assert result.page_kinds == ("form", "giay-chung-sinh", "unknown")
    assert [p.code for p in result.problems] == ["trang-khong-nhan-dang"]
    assert result.problems[0].severity == "warning"


def test_attachment_titles(catalogue) -> None:
    assert page_title(HEADING + "GIẤY BÁO TỬ", catalogue).kind == "giay-bao-tu"
    assert page_title(HEADING + "HỢP ĐỒNG THUÊ NHÀ", catalogue).kind == "hop-dong-thue-nha"
    assert page_title(HEADING + "HỢP ĐỒNG THUÊ NHÀ Ở", catalogue).kind == "hop-dong-thue-nha"
    assert page_title(HEADING + "VĂN BẢN ĐỒNG Ý CHO ĐĂNG KÝ CƯ TRÚ", catalogue).kind == "van-ban-dong-y-cu-tru"


def test_title_quoted_in_the_body_does_not_change_the_page(catalogue) -> None:
    text = HEADING + FORMS["khai-sinh"] + "\nGiấy tờ kèm theo:\nGIẤY CHỨNG SINH"
    assert page_title(text, catalogue).kind == "form"


def test_ct01_content_read_badly_still_decides(catalogue) -> None:
    # "tạm" lost in the request; the duration of the stay still says tạm trú.
    text = HEADING + ("TO KHAI THAY ĐỔI THÔNG TIN cu TRU\n10. Nội dung đề nghị: Đăng ký cade tra tại chỗ ở thuê, "
                      "thời hạnt tạm trú đến 25/11/2027")
    assert classify([PageInput(text, 82.0)], catalogue).procedure == "tam-tru"
