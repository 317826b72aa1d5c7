"""The defects the sample generator plants, and what a correct hoso must make of each.

One table: the status a defect leads to and the problem it must raise; which
defects apply to which procedure. The stories (samples/stories.py) plant them,
the tests and the accuracy benchmark check the verdicts against this table.
"""

from __future__ import annotations

from dataclasses import dataclass

from domain.model import Status

PROCEDURES = (
    "khai-sinh", "ket-hon", "khai-tu", "xac-nhan-hon-nhan", "thuong-tru", "tam-tru", "ho-kinh-doanh",
    "giay-phep-xay-dung",
)


@dataclass(frozen=True, slots=True)
class Defect:
    """A planted defect: the status it must lead to and the problem it must raise."""

    status: Status
    problem: str


DEFECTS: dict[str, Defect] = {
    "thieu-giay-to": Defect("rejected", "thieu-giay-to-kem-theo"),
    "thieu-thong-tin": Defect("needs_review", "thieu-thong-tin"),  # completed on request, never turned away
    "cccd-sai-nam-sinh": Defect("rejected", "so-dinh-danh-sai-nam-sinh"),
    "cmnd-9-so": Defect("rejected", "cmnd-het-hieu-luc"),
    "chua-du-tuoi-ket-hon": Defect("rejected", "chua-du-tuoi-ket-hon"),
    "ten-ho-kinh-doanh-sai": Defect("rejected", "ten-ho-kinh-doanh-sai"),
    "xa-phuong-ngoai-danh-muc": Defect("needs_review", "ngoai-dia-ban"),  # a real unit outside the area
    "ct01-khong-ro": Defect("needs_review", "ct01-khong-ro-noi-dung"),
    # Late registration is for an official to weigh; it does not stop routing.
    "khai-sinh-qua-han": Defect("routed", "dang-ky-khai-sinh-qua-han"),
    "khai-tu-qua-han": Defect("routed", "dang-ky-khai-tu-qua-han"),
}
_COMMON = ("cccd-sai-nam-sinh", "cmnd-9-so", "xa-phuong-ngoai-danh-muc")
DEFECTS_BY_PROCEDURE: dict[str, tuple[str, ...]] = {
    "khai-sinh": ("thieu-giay-to", "thieu-thong-tin", "khai-sinh-qua-han", *_COMMON),
    "ket-hon": ("chua-du-tuoi-ket-hon", *_COMMON),
    "khai-tu": ("thieu-giay-to", "khai-tu-qua-han", *_COMMON),
    "xac-nhan-hon-nhan": _COMMON,
    "thuong-tru": ("thieu-giay-to", "ct01-khong-ro", *_COMMON),
    "tam-tru": ("thieu-giay-to", "ct01-khong-ro", *_COMMON),
    "ho-kinh-doanh": ("ten-ho-kinh-doanh-sai", *_COMMON),
    "giay-phep-xay-dung": _COMMON,
}
# Real wards outside the catalogue (not Hà Nội): a dossier addressed there
# must wait for an official, never be sent to a look-alike.
FOREIGN_COMMUNES = (
    "phường Bến Thành, Thành phố Hồ Chí Minh",
    "phường Sài Gòn, Thành phố Hồ Chí Minh",
    "phường Hải Châu, thành phố Đà Nẵng",
    "phường Ninh Kiều, thành phố Cần Thơ",
    "phường Hạc Thành, tỉnh Thanh Hóa",
)
