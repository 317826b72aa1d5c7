"""Text normalisation shared by every matcher."""

from __future__ import annotations

import unicodedata

import pytest

from core.text import VIETNAMESE_LETTERS, nfc
from domain.text import caps_letters, digit_runs, fold, fold_key, read_number, repair_digits


def test_vietnamese_alphabet_has_the_134_accented_letters() -> None:
    accented = {ch for ch in VIETNAMESE_LETTERS if not ch.isascii()}
    assert len(accented) == 134
    assert {"ư", "Ữ", "đ", "Đ", "ặ", "ỹ"} <= VIETNAMESE_LETTERS


def test_fold_keeps_one_character_per_character() -> None:
    text = "Họ, chữ đệm, tên người yêu cầu: NGUYỄN VĂN ĐỨC"
    assert fold(text) == "ho, chu dem, ten nguoi yeu cau: nguyen van duc"
    assert len(fold(text)) == len(text)


def test_nfc_composes_and_drops_stray_marks() -> None:
    decomposed = unicodedata.normalize("NFD", "Nguyễn")
    assert nfc(decomposed) == "Nguyễn"
    assert nfc("A\u0301\u0301") == "Á"


def test_fold_key_ignores_punctuation_and_spacing() -> None:
    assert fold_key("  TỜ  KHAI-ĐĂNG KÝ\tKHAI SINH ") == "to khai dang ky khai sinh"


@pytest.mark.parametrize(
    ("text", "digits"),
    [
        ("0 0 1 2 0 3 0 1 2 3 4 5", "001203012345"),
        ("O01203O12345", "001203012345"),
        ("0 0 l 2 0 3 0 I 2 3 4 S", "001203012345"),
        ("Số: 001 203 012345", "001203012345"),
        ("0O1|2O3", "0011203"),
    ],
)
def test_read_number(text: str, digits: str) -> None:
    assert read_number(text)[0] == digits


def test_repairs_are_counted_and_words_are_left_alone() -> None:
    assert repair_digits("O5/O3/2O24") == ("05/03/2024", 3)
    assert repair_digits("Số BÌNH SƠN") == ("Số BÌNH SƠN", 0)
    assert digit_runs("số 12, ngõ 45") == ["12", "45"]


def test_caps_letters() -> None:
    assert caps_letters("TỜ KHAl ĐĂNG KÝ KHAl SlNH") == "TỜ KHAI ĐĂNG KÝ KHAI SINH"
    assert caps_letters("Hoàl lê") == "Hoàl lê"
