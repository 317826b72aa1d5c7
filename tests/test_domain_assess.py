"""The whole verdict on a dossier, composed from the separate steps."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from domain.assess import assess
from domain.catalogue_loading import default_catalogue
from domain.model import PageInput

RECEIVED = datetime(2026, 3, 10, 9, 30)
FORM = """CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
TỜ KHAI ĐĂNG KÝ KHAI SINH
Kính gửi: Ủy ban nhân dân {commune}, thành phố Hà Nội
Họ, chữ đệm, tên người yêu cầu: NGUYỄN VĂN AN
Ngày, tháng, năm sinh: 12/04/1990
Số định danh cá nhân: 001090012345
Quan hệ với người được khai sinh: Cha
Đề nghị cơ quan đăng ký khai sinh cho người dưới đây:
Họ, chữ đệm, tên: NGUYỄN MINH KHANG
Ngày, tháng, năm sinh: 01/03/2026
Giới tính: Nam
Nơi sinh: Bệnh viện Phụ sản Hà Nội
"""
CERTIFICATE = "BỆNH VIỆN PHỤ SẢN HÀ NỘI\nGIẤY CHỨNG SINH\nHọ và tên mẹ: TRẦN THỊ MAI"


@pytest.fixture(scope="module")
def catalogue():
    return default_catalogue()


def test_a_good_dossier_is_routed_with_a_due_date(catalogue) -> None:
    pages = [PageInput(FORM.format(commune="phường Hoàn Kiếm")), PageInput(CERTIFICATE)]
    result = assess(pages, catalogue, RECEIVED)
    assert result.status == "routed"
    assert result.classification.procedure == "khai-sinh"
    assert result.classification.page_kinds == ("form", "giay-chung-sinh")
    assert (result.routing.office, result.routing.commune) == ("ubnd-van-phong", "phuong-hoan-kiem")
    assert result.fields["applicant_id"].value == "001090012345"
    assert result.due == date(2026, 3, 10)
    assert result.problems == ()


def test_unknown_commune_needs_review(catalogue) -> None:
    pages = [PageInput(FORM.format(commune="phường Bến Thành")), PageInput(CERTIFICATE)]
    result = assess(pages, catalogue, RECEIVED)
    assert result.status == "needs_review"
    assert result.routing.office is None
    assert [p.code for p in result.problems] == ["xa-phuong-ngoai-danh-muc"]


def test_missing_attachment_is_rejected_without_due_date(catalogue) -> None:
    result = assess([PageInput(FORM.format(commune="phường Hoàn Kiếm"))], catalogue, RECEIVED)
    assert result.status == "rejected"
    assert result.due is None
    assert [p.code for p in result.problems] == ["thieu-giay-to-kem-theo"]


def test_unrecognised_dossier(catalogue) -> None:
    result = assess([PageInput("Họ và tên: Lê Thị Hoa\nSố CCCD: 001185000123")], catalogue, RECEIVED)
    assert result.status == "needs_review"
    assert result.classification.procedure is None
    assert result.fields["applicant_name"].value == "Lê Thị Hoa"
    assert result.due is None
