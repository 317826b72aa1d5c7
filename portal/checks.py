"""What the resident is told before leaving the page: is each uploaded page readable, is it the
form of the procedure they chose, is the personal ID number there and valid, is a required paper missing.

The very libraries the pipeline uses read the pages (ocr.read_document with the
pipeline's options, domain.classify and domain.fields), so what the portal says is
what the pipeline will find. A file that is no document or breaks a limit is refused
here with the pipeline's own error (its sniffing and its limits), before anything is stored.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from core.errors import EmptyFile, InputError, TooLarge
from core.masking import mask_id
from domain.catalogue import Catalogue
from domain.classify import classify
from domain.fields import extract_fields
from domain.model import PageInput
from domain.validators import Invalid, personal_id
from ocr import read_document, sniff_media_type
from ocr.model import DocumentResult, OcrOptions

FORM_SLOT = "to-khai"
OTHER_SLOT = "khac"
# Under this mean word confidence, or with fewer words than this, a photographed page is taken as unreadable.
READABLE_CONFIDENCE = 55.0
READABLE_WORDS = 8


@dataclass(frozen=True, slots=True)
class Slot:
    """One place on the form for a paper: the declaration, each required attachment, other papers."""

    key: str
    name: str
    required: bool


@dataclass(frozen=True, slots=True)
class Upload:
    slot: str
    name: str  # the name the phone gave the file (kept out of keys and logs)
    data: bytes
    media_type: str


@dataclass(frozen=True, slots=True)
class Advice:
    """One thing to tell the resident, in plain Vietnamese; ``retake`` asks for a new photo of that slot."""

    slot: str
    message: str
    kind: Literal["retake", "missing", "check", "ok"]


def slots(catalogue: Catalogue, procedure: str) -> tuple[Slot, ...]:
    spec = catalogue.procedure(procedure)
    return (
        Slot(FORM_SLOT, spec.title.capitalize(), True),  # the form as printed: "Tờ khai đăng ký khai sinh"
        *(Slot(f"giay-to-{i}", need.name, True) for i, need in enumerate(spec.attachments, start=1)),
        Slot(OTHER_SLOT, "Giấy tờ khác (nếu có)", False),
    )


def accept(name: str, data: bytes, max_bytes: int) -> Upload | None:
    """The upload's media type by its bytes, or an InputError (too large, empty, not a PDF or picture).

    ``None`` for an empty file input (the resident left it blank). The size limit is the
    pipeline's (``HOSO_MAX_FILE_BYTES``), the sniffing the OCR library's.
    """
    if not name and not data:
        return None
    if not data:
        raise EmptyFile("Tệp rỗng: không có nội dung để đọc.")
    if len(data) > max_bytes:
        raise TooLarge(f"Tệp lớn {len(data) / 1_048_576:.1f} MB, vượt giới hạn {max_bytes / 1_048_576:.0f} MB.")
    return Upload(slot="", name=name, data=data, media_type=sniff_media_type(data))


def read(upload: Upload, options: OcrOptions) -> DocumentResult:
    """The pages' text, as the pipeline will read them; raises the pipeline's InputError for a file it would quarantine."""
    return read_document(upload.data, options)


def advise(
    catalogue: Catalogue, procedure: str, uploads: Sequence[Upload], results: Sequence[DocumentResult]
) -> list[Advice]:
    """What to retake or add. Empty when every page reads and nothing required is missing."""
    spec = catalogue.procedure(procedure)
    out: list[Advice] = []
    given = {u.slot for u in uploads}
    for slot in slots(catalogue, procedure):
        if slot.required and slot.key not in given:
            out.append(Advice(slot.key, f"Chưa có «{slot.name}»: hồ sơ {spec.name.lower()} cần giấy tờ này — vui lòng chụp hoặc tải lên.", "missing"))

    pages: list[PageInput] = []
    form_pages: list[tuple[int, PageInput]] = []
    for upload, result in zip(uploads, results):
        for page in result.pages:
            entry = PageInput(text=page.text, confidence=page.confidence, words=page.words)
            pages.append(entry)
            if upload.slot == FORM_SLOT:
                form_pages.append((page.number, entry))
    unreadable = {(u.slot, p.number) for u, r in zip(uploads, results) for p in r.pages if not _readable(p.confidence, len(p.text.split()))}

    id_reading = extract_fields(procedure, [p for _, p in form_pages], catalogue).get("applicant_id") if form_pages else None
    for upload, result in zip(uploads, results):
        for page in result.pages:
            if (upload.slot, page.number) not in unreadable:
                continue
            what = "không đọc được số định danh cá nhân" if upload.slot == FORM_SLOT and id_reading is None else "không đọc được chữ trên trang"
            out.append(Advice(upload.slot, f"Ảnh trang {page.number} bị mờ, {what} — vui lòng chụp lại.", "retake"))

    if form_pages and not any((FORM_SLOT, n) in unreadable for n, _ in form_pages):
        looks_like = classify([p for _, p in form_pages], catalogue).procedure
        if looks_like is None:
            out.append(Advice(FORM_SLOT, f"Không nhận ra tờ khai: hãy chụp trọn trang đầu của «{spec.title.capitalize()}», đủ sáng, không bị che.", "retake"))
        elif looks_like != procedure:
            other = catalogue.procedure(looks_like)
            out.append(Advice(FORM_SLOT, f"Tờ khai này giống tờ khai {other.name.lower()}, không phải {spec.name.lower()} — kiểm tra lại thủ tục hoặc tờ khai.", "check"))
        if id_reading is None:
            out.append(Advice(FORM_SLOT, "Không tìm thấy số định danh cá nhân trên tờ khai — kiểm tra đã ghi đủ 12 số, hoặc chụp lại rõ hơn.", "retake"))
        else:
            try:
                personal_id(id_reading.value, catalogue.provinces)
            except Invalid:
                out.append(Advice(FORM_SLOT, f"Số định danh cá nhân đọc được ({mask_id(id_reading.value)}) không hợp lệ — kiểm tra lại số trên tờ khai, hoặc chụp lại rõ hơn.", "check"))
    return out


def _readable(confidence: float, words: int) -> bool:
    return confidence >= READABLE_CONFIDENCE and words >= READABLE_WORDS


def refusal(error: InputError, slot_name: str) -> str:
    """Why an upload was refused, in the resident's words; nothing of it was stored."""
    if isinstance(error, TooLarge):
        return f"«{slot_name}»: {error.message} Hãy chụp lại với độ phân giải thấp hơn, hoặc tách tệp PDF. Tệp chưa được lưu."
    if isinstance(error, EmptyFile):
        return f"«{slot_name}»: tệp rỗng, không có nội dung. Tệp chưa được lưu."
    return f"«{slot_name}»: không phải ảnh chụp hay tệp PDF đọc được ({error.message}) Chỉ nhận ảnh JPEG, PNG, TIFF hoặc PDF. Tệp chưa được lưu."
