"""The packaged catalogue loads, answers lookups, and a broken one is named."""

from __future__ import annotations

import re
import shutil
import unicodedata
from pathlib import Path

import pytest

from domain.catalogue_loading import default_catalogue, load_catalogue
from core.errors import CatalogueError

PROCEDURES = {
    "khai-sinh": ("Đăng ký khai sinh", "TỜ KHAI ĐĂNG KÝ KHAI SINH", "ubnd-van-phong"),
    "ket-hon": ("Đăng ký kết hôn", "TỜ KHAI ĐĂNG KÝ KẾT HÔN", "ubnd-van-phong"),
    "khai-tu": ("Đăng ký khai tử", "TỜ KHAI ĐĂNG KÝ KHAI TỬ", "ubnd-van-phong"),
    "xac-nhan-hon-nhan": (
        "Cấp Giấy xác nhận tình trạng hôn nhân", "TỜ KHAI CẤP GIẤY XÁC NHẬN TÌNH TRẠNG HÔN NHÂN", "ubnd-van-phong"
    ),
    "thuong-tru": ("Đăng ký thường trú", "TỜ KHAI THAY ĐỔI THÔNG TIN CƯ TRÚ", "cong-an"),
    "tam-tru": ("Đăng ký tạm trú", "TỜ KHAI THAY ĐỔI THÔNG TIN CƯ TRÚ", "cong-an"),
    "ho-kinh-doanh": ("Đăng ký hộ kinh doanh", "GIẤY ĐỀ NGHỊ ĐĂNG KÝ HỘ KINH DOANH", "phong-kinh-te"),
    "giay-phep-xay-dung": (
        "Cấp giấy phép xây dựng nhà ở riêng lẻ", "ĐƠN ĐỀ NGHỊ CẤP GIẤY PHÉP XÂY DỰNG", "phong-kinh-te"
    ),
}
DATA = Path(__file__).resolve().parents[1] / "domain" / "data"


@pytest.fixture(scope="module")
def catalogue():
    return default_catalogue()


def test_procedures_are_exactly_the_agreed_ones(catalogue) -> None:
    assert {p.slug for p in catalogue.procedures} == set(PROCEDURES)
    for slug, (name, title, office) in PROCEDURES.items():
        entry = catalogue.procedure(slug)
        assert (entry.name, entry.title, entry.office) == (name, title, office)


def test_time_limits(catalogue) -> None:
    limits = {p.slug: (p.time_limit.kind, p.time_limit.days) for p in catalogue.procedures}
    assert limits == {
        "khai-sinh": ("same_day", 0), "khai-tu": ("same_day", 0), "ket-hon": ("working_days", 5),
        "xac-nhan-hon-nhan": ("working_days", 3), "thuong-tru": ("working_days", 7),
        "tam-tru": ("working_days", 3), "ho-kinh-doanh": ("working_days", 3),
        "giay-phep-xay-dung": ("calendar_days", 15),
    }
    assert str(catalogue.procedure("khai-sinh").time_limit.cutoff) == "15:00:00"


def test_required_attachments(catalogue) -> None:
    def required(slug: str) -> list[set[str]]:
        return [set(r.any_of) for r in catalogue.procedure(slug).attachments]

    assert required("khai-sinh") == [{"giay-chung-sinh"}]
    assert required("khai-tu") == [{"giay-bao-tu"}]
    assert required("thuong-tru") == required("tam-tru") == [{"hop-dong-thue-nha", "van-ban-dong-y-cu-tru"}]
    assert catalogue.attachment("giay-chung-sinh").title == "GIẤY CHỨNG SINH"


def test_every_procedure_extracts_applicant_name_and_id(catalogue) -> None:
    for procedure in catalogue.procedures:
        names = {f.name for f in procedure.fields}
        assert {"applicant_name", "applicant_id"} <= names


def test_offices_one_of_each_kind(catalogue) -> None:
    assert {o.slug for o in catalogue.offices} == {"ubnd-van-phong", "cong-an", "phong-kinh-te"}
    assert catalogue.office_name("phong-kinh-te", "phuong-hoan-kiem") == (
        "Phòng Kinh tế, Hạ tầng và Đô thị phường Hoàn Kiếm"
    )
    assert catalogue.office_name("phong-kinh-te", "xa-soc-son") == "Phòng Kinh tế xã Sóc Sơn"
    assert catalogue.office_name("cong-an", "phuong-cau-giay") == "Công an phường Cầu Giấy"


def test_the_area_is_every_unit_of_ha_noi_from_the_official_list(catalogue) -> None:
    communes = catalogue.communes
    assert len(communes) == 126  # Nghị quyết 1656/NQ-UBTVQH15: 51 wards, 75 communes
    assert sum(c.kind == "phường" for c in communes) == 51
    assert sum(c.kind == "xã" for c in communes) == 75
    for commune in communes:
        assert re.fullmatch(r"(phuong|xa)-[a-z0-9-]+", commune.slug)
        assert re.fullmatch(r"\d{5}", commune.code)
    assert catalogue.commune("phuong-hoan-kiem").name == "Hoàn Kiếm"
    assert catalogue.commune("phuong-khuong-dinh").code == "00364"
    assert catalogue.commune("phuong-hai-ba-trung").aliases == ("HBT",)
    assert len(catalogue.units.units) == 3321 and len(catalogue.units.provinces) == 34


def test_service_area_from_a_setting(tmp_path: Path) -> None:
    two = load_catalogue(area="01,79")
    assert len(two.communes) == 126 + len([u for u in two.units.units if u.province.code == "79"])
    assert two.locate("phường Bến Thành, TP. Hồ Chí Minh").commune.slug == "phuong-ben-thanh"
    one = load_catalogue(area="00364")
    assert [c.slug for c in one.communes] == ["phuong-khuong-dinh"]
    place = one.locate("Ủy ban nhân dân phường Hoàn Kiếm")
    assert place.unit.name == "Hoàn Kiếm" and place.commune is None  # real, but outside the area
    assert load_catalogue(area="Hồ Chí Minh").province == "Thành phố Hồ Chí Minh"
    for bad in ("99", "12345", "Atlantis"):
        with pytest.raises(CatalogueError, match="HOSO_SERVICE_AREA"):
            load_catalogue(area=bad)


@pytest.mark.parametrize(
    ("text", "new", "others"),
    [
        ("phường Hạ Đình, quận Thanh Xuân, Hà Nội", "phuong-khuong-dinh", {"Thanh Liệt"}),
        ("Ủy ban nhân dân phường Hạ Đình", "phuong-khuong-dinh", {"Thanh Liệt"}),  # pre-printed, no district
        ("xã Minh Trí, huyện Sóc Sơn, thành phố Hà Nội", "xa-kim-anh", set()),
        ("Số 5 ngõ 12, phường Phúc Xá, quận Ba Đình, Hà Nội", "phuong-hong-ha", set()),
        ("Công an phường Quan Hoa, Hà Nội", "phuong-nghia-do", {"Cầu Giấy"}),  # "Quan" is not "quận" here
    ],
)
def test_old_units_read_as_their_successor(catalogue, text: str, new: str, others: set[str]) -> None:
    place = catalogue.locate(text)
    assert place is not None and place.old is not None
    assert place.commune.slug == new
    assert {u.name for u in place.old.others} == others


def test_an_old_name_of_several_old_units_is_ambiguous(catalogue) -> None:
    # Two old communes were called "xã Phú Cường" (huyện Ba Vì, huyện Sóc Sơn); no new one is.
    place = catalogue.locate("UBND xã Phú Cường")
    assert place is not None and place.old is not None and place.old.ambiguous
    assert place.unit is None and len(place.old.others) >= 2


@pytest.mark.parametrize(
    ("text", "slug"),
    [
        ("Ủy ban nhân dân phường Hoàn Kiếm", "phuong-hoan-kiem"),
        ("UBND phuong Hoan Kiem", "phuong-hoan-kiem"),
        ("số 12, phố Hàng Bạc, phường Hoàn Kiếm, thành phố Hà Nội", "phuong-hoan-kiem"),
        ("Công an phưòng Cầu Giây", "phuong-cau-giay"),  # OCR swapped and lost diacritics
        ("P. Hà Đông", "phuong-ha-dong"),
        ("xã Sóc Sơn, thành phố Hà Nội", "xa-soc-son"),
        ("phường Văn Miếu - Quốc Tử Giám", "phuong-van-mieu-quoc-tu-giam"),
        ("Hoàn Kiếm", "phuong-hoan-kiem"),
        ("phường Hoàng Mai thành phố Hà Nội", "phuong-hoang-mai"),  # lost comma
    ],
)
def test_find_commune(catalogue, text: str, slug: str) -> None:
    found = catalogue.find_commune(text)
    assert found is not None and found.slug == slug


@pytest.mark.parametrize(
    "text",
    [
        "quận Hoàn Kiếm",  # an abolished district, not the ward of the same name
        "phường Hàng Trống, quận Hoàn Kiếm",  # an old ward: not a routing target
        "phường Bến Thành, Thành phố Hồ Chí Minh",
        "xã Hoàn Kiếm",  # Hoàn Kiếm is a ward, not a commune
        "Sở Tư pháp",
        "",
    ],
)
def test_find_commune_never_guesses(catalogue, text: str) -> None:
    assert catalogue.find_commune(text) is None


def test_problem_texts_are_nfc_vietnamese_with_kebab_codes(catalogue) -> None:
    for code in catalogue.problem_codes():
        assert re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)*", code)
        text = catalogue.problem_text(code).message
        assert unicodedata.normalize("NFC", text) == text


def test_problem_severity_is_only_softened(catalogue) -> None:
    assert catalogue.problem("thieu-giay-to-kem-theo", attachment="x", severity="review").severity == "review"
    assert catalogue.problem("trang-khong-nhan-dang", page=1, severity="reject").severity == "warning"


def _copy_data(tmp_path: Path) -> Path:
    target = tmp_path / "data"
    shutil.copytree(DATA, target)
    return target


def test_loads_from_a_directory(tmp_path: Path) -> None:
    assert {p.slug for p in load_catalogue(_copy_data(tmp_path)).procedures} == set(PROCEDURES)


@pytest.mark.parametrize(
    ("file", "old", "new", "entry"),
    [
        ("procedures.yaml", "office: cong-an", "office: cong-an-huyen", "thuong-tru"),
        ("procedures.yaml", "kind: working_days, days: 5", "kind: working_days", "ket-hon"),
        ("procedures.yaml", "slug: ho-kinh-doanh", "slug: Hộ kinh doanh", "Hộ kinh doanh"),
        ("procedures.yaml", "code: chua-du-tuoi-ket-hon}", "code: khong-co-ma}", "ket-hon"),
        ("communes.yaml", 'provinces: ["01"]', 'provinces: ["99"]', "99"),
        ("communes.yaml", "slug: phuong-hai-ba-trung", "slug: phuong-ben-thanh", "phuong-ben-thanh"),
        ("communes.yaml", "aliases: [HBT]", "aliases: [Hoàn Kiếm]", "phuong-hai-ba-trung"),
        ("offices.yaml", "slug: cong-an", "slug: cong an", "cong an"),
    ],
)
def test_bad_catalogue_names_file_and_entry(tmp_path: Path, file: str, old: str, new: str, entry: str) -> None:
    data = _copy_data(tmp_path)
    path = data / file
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(CatalogueError) as caught:
        load_catalogue(data)
    assert file in caught.value.message
    assert entry in caught.value.message
    assert caught.value.code == "danh-muc-sai"


def test_broken_yaml_names_the_file(tmp_path: Path) -> None:
    data = _copy_data(tmp_path)
    (data / "offices.yaml").write_text("offices: [\n  - slug: x\n", encoding="utf-8")
    with pytest.raises(CatalogueError, match="offices.yaml"):
        load_catalogue(data)


def test_missing_file_names_the_file(tmp_path: Path) -> None:
    data = _copy_data(tmp_path)
    (data / "communes.yaml").unlink()
    with pytest.raises(CatalogueError, match="communes.yaml"):
        load_catalogue(data)


def test_family_name_repair_only_when_certain(catalogue) -> None:
    assert catalogue.family_name("Nguyên") == "Nguyễn"
    assert catalogue.family_name("Trấn") == "Trần"
    assert catalogue.family_name("Nguyễn") is None  # already right
    assert catalogue.family_name("Xyz") is None  # not a family name at all


@pytest.mark.parametrize(
    ("text", "slug"),
    [
        ("Phòng Kinh tế, Hạ tầng và Đô thị phueng ` Văn Miếu - Quốc Tử Giám", "phuong-van-mieu-quoc-tu-giam"),
        ("số 5, phố Hương Viên, phường Hai Bà Trưng", "phuong-hai-ba-trung"),
    ],
)
def test_commune_word_read_with_one_wrong_letter(catalogue, text: str, slug: str) -> None:
    assert catalogue.find_commune(text).slug == slug


def test_what_names_a_commune(catalogue) -> None:
    assert catalogue.names_a_commune("Công an phường Bến Thành")
    assert not catalogue.names_a_commune("Phòng Kinh tế, Hạ tầng và Đô thị")
    assert not catalogue.names_a_commune("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")


def test_an_entry_given_twice_is_an_error(tmp_path: Path) -> None:
    data = _copy_data(tmp_path)
    path = data / "problems.yaml"
    path.write_text(
        path.read_text(encoding="utf-8")
        + '  thieu-thong-tin:\n    severity: warning\n    message: "bản thứ hai"\n',
        encoding="utf-8",
    )
    with pytest.raises(CatalogueError) as caught:
        load_catalogue(data)
    assert "problems.yaml" in caught.value.message and "thieu-thong-tin" in caught.value.message
