"""Decide what a file is from its first bytes.

File names and Content-Type headers come from scan stations and users and
lie (an HTML error page saved as ``.pdf``, an executable renamed), so only
the magic bytes choose the reader, and anything else is refused before any
parser sees it.
"""

from __future__ import annotations

from core.errors import EmptyFile, UnsupportedFile

PDF = "application/pdf"
PNG = "image/png"
JPEG = "image/jpeg"
TIFF = "image/tiff"

_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", PNG),
    (b"\xff\xd8\xff", JPEG),
    (b"II*\x00", TIFF),
    (b"MM\x00*", TIFF),
    (b"II+\x00", TIFF),  # BigTIFF
    (b"MM\x00+", TIFF),
)

# Readers accept a PDF header anywhere in the first kilobyte (ISO 32000-1, annex H).
_PDF_HEADER_WINDOW = 1024


def sniff_media_type(data: bytes) -> str:
    """The media type of ``data``; raises EmptyFile or UnsupportedFile for anything hoso cannot read."""
    if not data:
        raise EmptyFile("Tệp rỗng: không có nội dung để đọc.")
    for magic, media_type in _SIGNATURES:
        if data.startswith(magic):
            return media_type
    if b"%PDF-" in data[:_PDF_HEADER_WINDOW]:
        return PDF
    raise UnsupportedFile(
        "Định dạng tệp không được hỗ trợ: chỉ nhận PDF, PNG, JPEG hoặc TIFF.",
        detail=f"first bytes: {data[:16]!r}",
    )
