"""The text figures: the Vietnamese alphabet, garbage text layers, character error rate."""

from __future__ import annotations

import unicodedata

import pytest

from core.text import VIETNAMESE_LETTERS
from ocr.text import character_error_rate, non_vietnamese_letters, text_layer_is_usable
from tests.ocr_pages import FORM_LINES

FORM = "\n".join(FORM_LINES)


def test_alphabet_is_latin_plus_134_accented_forms() -> None:
    accented = {c for c in VIETNAMESE_LETTERS if not c.isascii()}
    assert len(accented) == 134
    assert all(unicodedata.is_normalized("NFC", c) for c in accented)
    assert {"đ", "Đ", "ặ", "Ỹ", "ữ", "ơ"} <= accented


def test_letters_tesseract_invents_are_counted() -> None:
    assert non_vietnamese_letters("Nguyễn Thị Hương") == 0
    assert non_vietnamese_letters("Nguyễn Thö Hïơng, quäng Båc") == 4
    # Decomposed input is composed first, so a valid letter is never miscounted.
    assert non_vietnamese_letters(unicodedata.normalize("NFD", "Hòa Điều")) == 0


@pytest.mark.parametrize(
    "text",
    [
        FORM,
        "Họ và tên: ....................................\nNgày sinh: ....../....../......\nNơi cư trú: ..........",
        FORM + "\nNgười làm chứng: Hans Müller",
    ],
)
def test_real_text_layer_is_trusted(text: str) -> None:
    assert text_layer_is_usable(text, min_chars=20)


@pytest.mark.parametrize(
    "text",
    [
        "Trang 1",  # a scan with a stamped page number
        "(cid:36)(cid:72)(cid:79) (cid:3)(cid:51)(cid:85)(cid:82) (cid:87)(cid:72)(cid:91) (cid:4)(cid:5)" * 3,
        "Há» vÃ  tÃªn ngÆ°á»i yÃªu cáº§u: Nguyá»…n Thá»‹ HÆ°Æ¡ng",  # UTF-8 read as Latin-1
        "Hä vµ tªn ng−êi yªu cÇu: NguyÔn ThÞ H−¬ng\nN¬i c− tró: sè 12 ®−êng Lª Lîi",  # TCVN3 font
        "Hoï vaø teân ngöôøi yeâu caàu: Nguyeãn Thò Höông\nNôi cö truù: soá 12 ñöôøng Leâ Lôïi",  # VNI font
        "H\ufffd v\ufffd t\ufffdn ng\ufffd\ufffdi y\ufffdu c\ufffdu: Nguy\ufffdn Th\ufffd H\ufffd\ufffdng",
        "!@#$ %^&* ~~~ |||| @@@ ### $$$ %%% ^^^ &&& *** ((( )))",
    ],
)
def test_garbage_text_layer_is_not_trusted(text: str) -> None:
    assert not text_layer_is_usable(text, min_chars=20)


def test_character_error_rate_folds_whitespace_and_normalises() -> None:
    assert character_error_rate("Hòa  Bình\n", unicodedata.normalize("NFD", "Hòa Bình")) == 0
    assert character_error_rate("abcd", "abed") == 0.25
    assert character_error_rate("", "") == 0
