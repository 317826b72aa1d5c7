"""Routing to the commune's office; never a guess."""

from __future__ import annotations

import pytest

from domain.catalogue_loading import default_catalogue
from domain.model import FieldValue, PageInput
from domain.routing import route
from domain.verdict import decide


@pytest.fixture(scope="module")
def catalogue():
    return default_catalogue()


def _route(catalogue, procedure, text, **fields):
    values = {k: FieldValue(v, 1.0) for k, v in fields.items()}
    return route(procedure, values, [PageInput(text)], catalogue)


@pytest.mark.parametrize(
    ("procedure", "addressee", "office", "commune"),
    [
        ("khai-sinh", "Ủy ban nhân dân phường Hoàn Kiếm, thành phố Hà Nội", "ubnd-van-phong", "phuong-hoan-kiem"),
        ("tam-tru", "Công an phường Cầu Giấy", "cong-an", "phuong-cau-giay"),
        ("ho-kinh-doanh", "Phòng Kinh tế, Hạ tầng và Đô thị phường Hà Đông", "phong-kinh-te", "phuong-ha-dong"),
        ("giay-phep-xay-dung", "UBND xã Sóc Sơn", "phong-kinh-te", "xa-soc-son"),
        ("ket-hon", "Uy ban nhan dan phuong Van Mieu - Quoc Tu Giam", "ubnd-van-phong", "phuong-van-mieu-quoc-tu-giam"),
    ],
)
def test_addressee_line_decides(catalogue, procedure, addressee, office, commune) -> None:
    routing = _route(catalogue, procedure, f"TIÊU ĐỀ\nKính gửi: {addressee}\nHọ tên: A")
    assert (routing.office, routing.commune, routing.problems) == (office, commune, ())


def test_addressee_wrapped_onto_the_next_line(catalogue) -> None:
    routing = _route(catalogue, "khai-tu", "Kính gửi: Ủy ban nhân dân\nphường Long Biên\nHọ tên: A")
    assert routing.commune == "phuong-long-bien"


def test_ocr_damaged_addressee(catalogue) -> None:
    routing = _route(catalogue, "khai-sinh", "Kinh gui Uy ban nhân dân phưòng Cẩu Giây, thành phố Hà: Nội")
    assert routing.commune == "phuong-cau-giay"


def test_a_real_unit_outside_the_area_needs_review(catalogue) -> None:
    routing = _route(
        catalogue, "tam-tru", "Kính gửi: Công an phường Bến Thành, Thành phố Hồ Chí Minh",
        residence_address="số 1, phố Hàng Bạc, phường Hoàn Kiếm, thành phố Hà Nội",
    )
    assert routing.office is None and routing.commune is None
    assert [p.code for p in routing.problems] == ["ngoai-dia-ban"]
    assert "phường Bến Thành, thành phố Hồ Chí Minh" in routing.problems[0].message
    assert decide(routing.problems) == "needs_review"


def test_a_unit_no_list_has_needs_review_without_the_street(catalogue) -> None:
    routing = _route(catalogue, "giay-phep-xay-dung", "ĐƠN",
                     site_address="số 8, phố Lê Lợi, phường Atlantis, Hà Nội")
    assert routing.office is None and [p.code for p in routing.problems] == ["xa-phuong-ngoai-danh-muc"]
    assert "Atlantis" in routing.problems[0].message and "Lê Lợi" not in routing.problems[0].message


def test_any_unit_of_ha_noi_is_routed(catalogue) -> None:
    routing = _route(catalogue, "khai-sinh", "Kính gửi: Ủy ban nhân dân phường Khương Đình")
    assert (routing.office, routing.commune, routing.problems) == ("ubnd-van-phong", "phuong-khuong-dinh", ())
    routing = _route(catalogue, "thuong-tru", "Kính gửi: Công an xã Bất Bạt, thành phố Hà Nội")
    assert (routing.office, routing.commune) == ("cong-an", "xa-bat-bat")


def test_old_address_goes_to_the_successor_and_says_so(catalogue) -> None:
    routing = _route(catalogue, "khai-sinh", "Kính gửi: Ủy ban nhân dân phường Hạ Đình, quận Thanh Xuân")
    assert (routing.office, routing.commune) == ("ubnd-van-phong", "phuong-khuong-dinh")
    assert [p.code for p in routing.problems] == ["dia-chi-cu-da-chuyen-doi"]
    assert "Hạ Đình" in routing.problems[0].message and "Khương Đình" in routing.problems[0].message
    assert decide(routing.problems) == "routed"
    # The district on the next line, as a pre-printed form wraps it.
    routing = _route(catalogue, "khai-tu", "Kính gửi: Ủy ban nhân dân xã Minh Trí,\nhuyện Sóc Sơn, Hà Nội")
    assert routing.commune == "xa-kim-anh"


def test_an_old_name_that_fits_several_new_units_goes_to_review_with_them(catalogue) -> None:
    routing = _route(catalogue, "khai-sinh", "Kính gửi: Ủy ban nhân dân xã Phú Cường")
    assert routing.office is None and [p.code for p in routing.problems] == ["dia-chi-cu-nhieu-don-vi"]
    assert decide(routing.problems) == "needs_review"
    assert routing.problems[0].message.count("thành phố Hà Nội") >= 2  # the candidates, named


def test_old_district_is_not_a_target(catalogue) -> None:
    routing = _route(catalogue, "khai-sinh", "Kính gửi: Ủy ban nhân dân quận Hoàn Kiếm")
    assert routing.office is None and routing.commune is None
    assert decide(routing.problems) == "needs_review"


def test_address_when_there_is_no_addressee(catalogue) -> None:
    routing = _route(catalogue, "ho-kinh-doanh", "GIẤY ĐỀ NGHỊ",
                     business_address="số 5, phố Hàng Gai, phường Hoàn Kiếm, thành phố Hà Nội")
    assert (routing.office, routing.commune) == ("phong-kinh-te", "phuong-hoan-kiem")


def test_nothing_to_route_by(catalogue) -> None:
    routing = _route(catalogue, "khai-sinh", "TỜ KHAI ĐĂNG KÝ KHAI SINH")
    assert routing.office is None and routing.commune is None
    assert [p.code for p in routing.problems] == ["khong-xac-dinh-noi-nhan"]


def test_unknown_procedure_keeps_the_commune_but_no_office(catalogue) -> None:
    routing = _route(catalogue, None, "Kính gửi: Công an phường Tây Hồ")
    assert (routing.office, routing.commune, routing.problems) == (None, "phuong-tay-ho", ())


def test_addressee_without_a_commune_leaves_it_to_the_address(catalogue) -> None:
    # OCR lost the end of the line: the authority is there, the ward is not.
    routing = _route(catalogue, "ho-kinh-doanh", "Kính gửi: Phòng I Kinh tế, Hạ tầng và Đô thị\nTôi",
                     business_address="số 4, phố Vũ Trọng Phụng, phường Thanh Xuân, thành phố Hà Nội")
    assert (routing.office, routing.commune) == ("phong-kinh-te", "phuong-thanh-xuan")


def test_unknown_commune_in_the_address_needs_review(catalogue) -> None:
    routing = _route(catalogue, "giay-phep-xay-dung", "ĐƠN",
                     site_address="số 8, phố Lê Lợi, phường Bến Thành, Thành phố Hồ Chí Minh")
    assert routing.office is None and [p.code for p in routing.problems] == ["ngoai-dia-ban"]


def test_stray_punctuation_inside_the_commune_name(catalogue) -> None:
    routing = _route(catalogue, "tam-tru", "Kính gửi: Công an phường Long: Biên, thành phố Hà Nội")
    assert routing.commune == "phuong-long-bien"


def test_a_split_old_ward_needs_a_person_where_the_place_binds(catalogue) -> None:
    # Hạ Đình went mostly to Khương Đình, partly to Thanh Liệt: residence is the commune police's, by place.
    routing = _route(catalogue, "tam-tru", "Kính gửi: Công an phường Hạ Đình, quận Thanh Xuân")
    assert routing.office is None and [p.code for p in routing.problems] == ["dia-chi-cu-nhieu-don-vi"]
    assert "Khương Đình" in routing.problems[0].message and "Thanh Liệt" in routing.problems[0].message
    # The residence written on the form names one of the successors: that decides.
    routing = _route(catalogue, "tam-tru", "Kính gửi: Công an phường Hạ Đình, quận Thanh Xuân",
                     residence_address="số 3 ngõ 5, phường Thanh Liệt, Hà Nội")
    assert (routing.office, routing.commune) == ("cong-an", "phuong-thanh-liet")


@pytest.mark.parametrize(
    ("addressee", "commune"),
    [
        ("Ủy ban nhân dân phường Yên Sở.", "phuong-yen-so"),  # "Sở" also begins "số 12": not a cut here
        ("Ủy ban nhân dân phường Dương Nội, thành phố Hà Nội", "phuong-duong-noi"),
        ("Ủy ban nhân dân phường Dương Nội thành phố Hà Nội", "phuong-duong-noi"),
        ("Ủy ban nhân dân phường Yên Sở số 12 ngõ 5", "phuong-yen-so"),
    ],
)
def test_a_name_holding_a_word_that_ends_addresses(catalogue, addressee, commune) -> None:
    """92 units' names hold a word that also ends a name in an address ("số", "đường", "phố", "quận")."""
    routing = _route(catalogue, "khai-sinh", f"TỜ KHAI\nKính gửi: {addressee}\nHọ tên: A")
    assert (routing.office, routing.commune, routing.problems) == ("ubnd-van-phong", commune, ())


def test_an_old_ward_whose_name_ends_with_such_a_word_is_converted(catalogue) -> None:
    routing = _route(catalogue, "khai-sinh", "TỜ KHAI\nKính gửi: Ủy ban nhân dân phường Chương Dương, thành phố Hà Nội")
    assert (routing.office, routing.commune) == ("ubnd-van-phong", "phuong-hong-ha")
    assert [p.code for p in routing.problems] == ["dia-chi-cu-da-chuyen-doi"]
