"""Masking of personal data before it reaches a log, a run name or an artifact.

Officials need enough to recognise a dossier, nobody needs the full ID number
in a log: keep the ends, hide the middle.
"""

from __future__ import annotations

import re
import unicodedata

_DIGIT_RUN = re.compile(r"(?<!\d)(\d{9,13})(?!\d)")
_DATE = re.compile(r"\b(\d{1,2})/(\d{1,2})/(\d{4})\b")


def mask_id(value: str) -> str:
    """``001203012345`` → ``0012******45``."""
    digits = value.strip()
    if len(digits) <= 6:
        return "*" * len(digits)
    return digits[:4] + "*" * (len(digits) - 6) + digits[-2:]


def mask_name(value: str) -> str:
    """``Nguyễn Văn An`` → ``N. V. A.``: initials only."""
    words = unicodedata.normalize("NFC", value).split()
    return " ".join(w[0] + "." for w in words if w) or ""


def mask_date(value: str) -> str:
    """Keep the year only: ``05/03/1990`` → ``**/**/1990``."""
    return _DATE.sub(lambda m: f"**/**/{m.group(3)}", value)


def mask_text(text: str) -> str:
    """Mask every ID-like digit run and every full date in free text (log lines, messages)."""
    return mask_date(_DIGIT_RUN.sub(lambda m: mask_id(m.group(1)), text))


_PLACE = re.compile(r"\b(?:phường|xã|thị trấn|quận|huyện)\b", re.IGNORECASE)


def mask_address(value: str) -> str:
    """Keep the commune and what follows, hide the house and street: ``***, phường Ngọc Hà, thành phố Hà Nội``."""
    text = unicodedata.normalize("NFC", value)
    found = _PLACE.search(text)
    return "***, " + text[found.start():] if found else "***"


# Where a free-text value starts an address: a house or alley number, or a street, village or hamlet.
_HOUSE = re.compile(
    r"\b(?:(?:số nhà|số|nhà|ngõ|ngách|hẻm|kiệt|lô|căn hộ|phòng|tổ)\s*\d|(?:tổ dân phố|thôn|xóm|ấp|khu phố|đường|phố)\s+\w)",
    re.IGNORECASE,
)
_QUOTED = re.compile(r"“([^”]*)”")


def mask_free_text(text: str) -> str:
    """Free text (a request, a reason) loses IDs, dates and any address inside it, the commune kept.

    ``Đăng ký thường trú tại số 12, ngõ 45, phố Hàng Bạc, phường Hoàn Kiếm, thành phố Hà Nội``
    → ``Đăng ký thường trú tại ***, phường Hoàn Kiếm, thành phố Hà Nội``.
    """
    text = mask_text(unicodedata.normalize("NFC", text))
    found = _HOUSE.search(text)
    if found is None:
        return text
    place = _PLACE.search(text, found.start())
    return text[: found.start()] + "***" + (", " + text[place.start():] if place else "")


def mask_quoted(text: str) -> str:
    """A value quoted without its kind (a line read from a form): an address when it looks like one."""
    if _HOUSE.search(text) or re.search(r"\d", text):
        return mask_address(text) if (_HOUSE.search(text) or _PLACE.search(text)) else mask_text(text)
    return mask_free_text(text)


def mask_message(message: str, kind: str | None = None) -> str:
    """A problem message for display: what it quotes (“…”) masked by the field's kind when known, else by its look.

    Messages quote what hoso read (“Số 23 ngõ 224 Vũ Trọng Phụng, …”, “001203012345”);
    the text around the quotes is the catalogue's own and stays; IDs and dates anywhere are masked.
    """
    def one(match: re.Match[str]) -> str:
        inner = match.group(1)
        return "“" + (mask_by_kind(kind, inner) if kind else mask_quoted(inner)) + "”"

    return mask_text(_QUOTED.sub(one, unicodedata.normalize("NFC", message)))


def file_kind(name: str) -> str:
    """A file's type for display, from its extension ("" when it has none): the name itself may be a person's."""
    last = name.rsplit("/", 1)[-1]
    return last.rsplit(".", 1)[1][:5] if "." in last else ""


def mask_source(key: str) -> str:
    """An inbox key for display: the station and the file type, not the file's name (it may be a person's)."""
    station, _, rest = key.partition("/")
    kind = file_kind(rest)
    return f"{station}/…{'.' + kind if kind else '/'}"


# Field kinds of the catalogue (domain/data/procedures.yaml) that hold personal data;
# other kinds (money, count, area, sex) are shown as they are.
_BY_KIND = {"personal_id": mask_id, "tax_code": mask_id, "phone": mask_id, "name": mask_name, "date": mask_date, "address": mask_address}
_PLAIN_KINDS = frozenset({"money", "count", "area", "sex", "land_cert"})


def mask_by_kind(kind: str, value: str) -> str:
    """Mask a field by the kind the catalogue gives it; free text still loses IDs and dates."""
    if kind in _PLAIN_KINDS:
        return value
    masker = _BY_KIND.get(kind)
    if masker is mask_date and "/" not in value:
        return "****"
    return masker(value) if masker else mask_free_text(value)


def kind_from_name(name: str) -> str:
    """A field's kind guessed from its name, for fields the catalogue does not describe."""
    lowered = name.lower()
    if lowered.endswith("_address"):
        return "address"
    if lowered.endswith(("_id", "_tax_code")) or "so_dinh_danh" in lowered or "cccd" in lowered:
        return "personal_id"
    if lowered.endswith("_dob") or "birth" in lowered or "ngay_sinh" in lowered:
        return "date"
    if lowered.endswith("_name") and "business" not in lowered:
        return "name"
    return "text"


def mask_field(name: str, value: str) -> str:
    """Mask a field by what its name says it holds."""
    return mask_by_kind(kind_from_name(name), value)
