"""The field reader on the layouts real forms use: same line, next line, table columns, dotted leaders."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from domain.catalogue_loading import default_catalogue
from domain.fields import extract_fields
from domain.layout import rows_from_words
from domain.model import PageInput


@dataclass(frozen=True)
class W:
    text: str
    left: float
    top: float
    right: float
    bottom: float
    confidence: float = 100.0


def _line(y: float, *parts: tuple[float, str]) -> list[W]:
    """Words of one printed line: each part starts at x and its words are 6 units per letter apart."""
    words = []
    for x, text in parts:
        for word in text.split():
            words.append(W(word, x, y, x + 6 * len(word), y + 12))
            x += 6 * len(word) + 4
    return words


@pytest.fixture(scope="module")
def catalogue():
    return default_catalogue()


def _page(*lines: list[W]) -> PageInput:
    words = [w for line in lines for w in line]
    return PageInput("\n".join(" ".join(w.text for w in line) for line in lines), 100.0, words)


def test_value_after_dotted_leaders_on_the_same_line(catalogue) -> None:
    page = _page(_line(0, (10, "Họ, chữ đệm, tên người yêu cầu:"), (220, "……………"), (300, "NGUYỄN VĂN AN")))
    fields = extract_fields("khai-sinh", [page], catalogue)
    assert fields["applicant_name"].value == "Nguyễn Văn An"


def test_value_on_the_next_line(catalogue) -> None:
    page = _page(
        _line(0, (10, "Họ, chữ đệm, tên người yêu cầu:")),
        _line(16, (10, "TRẦN THỊ BÌNH")),
        _line(32, (10, "Ngày, tháng, năm sinh:")),
        _line(48, (10, "05/03/1990")),
    )
    fields = extract_fields("khai-sinh", [page], catalogue)
    assert fields["applicant_name"].value == "Trần Thị Bình"
    assert fields["applicant_dob"].value == "05/03/1990"


def test_a_blank_label_followed_by_another_label_stays_blank(catalogue) -> None:
    page = _page(
        _line(0, (10, "Nơi sinh:"), (80, "……………………")),
        _line(16, (10, "Quốc tịch: Việt Nam")),
    )
    fields = extract_fields("khai-sinh", [PageInput("x"), page], catalogue)
    assert "birth_place" not in fields or fields["birth_place"].value == ""


def test_if_any_is_read_as_blank(catalogue) -> None:
    page = _page(_line(0, (10, "Nơi sinh (nếu có):"), (160, "……………")))
    rows = rows_from_words(page.words)
    assert [c.text for c in rows[0].cells] == ["Nơi sinh (nếu có)"]


def test_marriage_table_reads_both_parties_by_column(catalogue) -> None:
    page = _page(
        _line(0, (10, "TỜ KHAI ĐĂNG KÝ KẾT HÔN")),
        _line(20, (10, "Thông tin"), (200, "Bên nữ"), (400, "Bên nam")),
        _line(40, (10, "Họ, chữ đệm, tên"), (200, "Lê Thị Hoa"), (400, "Phạm Văn Nam")),
        _line(60, (10, "Ngày, tháng, năm sinh"), (200, "02/02/1998"), (400, "03/03/1995")),
        _line(80, (10, "Số định danh cá nhân"), (200, "001198012345"), (400, "001095012345")),
    )
    fields = extract_fields("ket-hon", [page], catalogue)
    assert (fields["bride_name"].value, fields["groom_name"].value) == ("Lê Thị Hoa", "Phạm Văn Nam")
    assert (fields["bride_dob"].value, fields["groom_dob"].value) == ("02/02/1998", "03/03/1995")
    assert (fields["bride_id"].value, fields["groom_id"].value) == ("001198012345", "001095012345")
    assert fields["applicant_name"].value == "Lê Thị Hoa"


def test_label_words_never_leak_into_a_name(catalogue) -> None:
    page = PageInput("Đề nghị cơ quan đăng ký khai tử cho người có tên dưới đây:\n"
                     "Họ, chữ đệm, tên người đã chết Dương Văn Trọng")
    fields = extract_fields("khai-tu", [page], catalogue)
    assert fields["deceased_name"].value == "Dương Văn Trọng"


def test_a_sentence_is_not_a_name(catalogue) -> None:
    page = PageInput("Tôi là chủ hộ kinh doanh đề nghị đăng ký hộ kinh doanh với các thông tin sau:\n"
                     "Họ, chữ đệm và tên: VŨ MINH HUY")
    fields = extract_fields("ho-kinh-doanh", [page], catalogue)
    assert fields["applicant_name"].value == "Vũ Minh Huy"


def test_the_id_as_printed_inside_an_identity_paper_line(catalogue) -> None:
    page = PageInput("Giấy tờ tùy thân: Căn cước công dân số 022305794669 do Cục Cảnh sát QLHC về TTXH "
                     "cấp ngày 05/07/2021")
    fields = extract_fields("khai-sinh", [page], catalogue)
    assert fields["applicant_id"].value == "022305794669"


def test_marriage_table_with_wrapped_labels_and_values(catalogue) -> None:
    # As the official form prints it: a narrow gap after a long label, a label over two lines,
    # an identity paper wrapped in its cell, then running text under the table.
    page = _page(
        _line(0, (10, "TỜ KHAI ĐĂNG KÝ KẾT HÔN")),
        _line(20, (30, "Thông tin"), (150, "Bên nữ"), (360, "Bên nam")),
        _line(40, (10, "Họ, chữ đệm, tên"), (120, "Lê Thị Hoa"), (330, "Phạm Văn Nam")),
        _line(60, (10, "Ngày, tháng,"), (120, "02/02/1998"), (330, "03/03/1995")),
        _line(74, (10, "năm sinh")),
        _line(94, (10, "Giấy tờ tùy thân"), (120, "Căn cước số"), (330, "Căn cước số")),
        _line(108, (120, "001198012345 do"), (330, "001095012345 do")),
        _line(122, (120, "Bộ Công an cấp"), (330, "Bộ Công an cấp")),
        _line(142, (10, "Chúng tôi cam đoan những lời khai trên đây là đúng sự thật, việc kết hôn là tự nguyện")),
    )
    fields = extract_fields("ket-hon", [page], catalogue)
    assert (fields["bride_name"].value, fields["groom_name"].value) == ("Lê Thị Hoa", "Phạm Văn Nam")
    assert (fields["bride_dob"].value, fields["groom_dob"].value) == ("02/02/1998", "03/03/1995")
    assert (fields["bride_id"].value, fields["groom_id"].value) == ("001198012345", "001095012345")
    assert fields["bride_id"].page == 1 and fields["bride_id"].box[0] == 120
