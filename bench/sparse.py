"""Sparse one-page forms, the kind residents file: a heading, a title, a dozen short lines.

The accuracy corpus renders whole declarations, dense with sentences; what
arrives at a one-stop desk is mostly single-page forms with short "label:
value" lines, leader dots, a box or two and a lot of white paper.  Those pages
cost Tesseract little, so any fixed cost of hoso's (preprocessing, extra
outputs, a second reading) weighs far more on them.  The forms are drawn with
reportlab from known lines (the truth for the error rate) and scanned with the
sample generator's own scanner model at 200-300 dpi.
"""

from __future__ import annotations

import io
import random
from dataclasses import dataclass

from PIL import Image
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

from samples.render import ScanLook, _fonts, rasterise

_SURNAMES = ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô", "Dương")
_MIDDLE = ("Văn", "Thị", "Minh", "Thu", "Đức", "Ngọc", "Quốc", "Thanh", "Hữu", "Bảo")
_GIVEN = ("Hương", "Khôi", "Lan", "Tuấn", "Hà", "Dũng", "Phương", "Sơn", "Yến", "Thắng", "Nga", "Hiếu")
_WARDS = ("phường Ngọc Hà", "phường Ba Đình", "xã Bình Chánh", "phường Bến Nghé", "xã Đông Anh", "phường Hải Châu")
_STREETS = ("Lê Lợi", "Trần Hưng Đạo", "Nguyễn Trãi", "Hai Bà Trưng", "Điện Biên Phủ", "Lý Thường Kiệt")
_TITLES = (
    ("PHIẾU ĐỀ NGHỊ CẤP BẢN SAO TRÍCH LỤC", "Kính gửi: Ủy ban nhân dân {ward}"),
    ("TỜ KHAI THAY ĐỔI THÔNG TIN CƯ TRÚ", "Kính gửi: Công an {ward}"),
    ("ĐƠN ĐỀ NGHỊ CHỨNG THỰC BẢN SAO", "Kính gửi: Ủy ban nhân dân {ward}"),
    ("PHIẾU YÊU CẦU CUNG CẤP THÔNG TIN", "Kính gửi: Văn phòng HĐND và UBND {ward}"),
    ("GIẤY ĐỀ NGHỊ XÁC NHẬN TẠM TRÚ", "Kính gửi: Công an {ward}"),
)
_MARGIN = 70.0


@dataclass(frozen=True, slots=True)
class SparseForm:
    lines: tuple[str, ...]  # the text as drawn, top to bottom: the truth
    pdf: bytes  # with its text layer (the online-submission version)


def sparse_form(rng: random.Random) -> SparseForm:
    """One form: heading, title, eight to twelve short lines with leader dots, a signature block."""
    fonts = _fonts()
    ward = rng.choice(_WARDS)
    title, addressee = rng.choice(_TITLES)
    name = f"{rng.choice(_SURNAMES)} {rng.choice(_MIDDLE)} {rng.choice(_GIVEN)}"
    born = f"{rng.randint(1, 28):02d}/{rng.randint(1, 12):02d}/{rng.randint(1950, 2005)}"
    fields = [
        f"Họ và tên: {name}",
        f"Ngày sinh: {born}",
        f"Số định danh cá nhân: 0{rng.randint(10, 96)}{rng.randint(0, 1)}{rng.randint(50, 99)}{rng.randint(100000, 999999)}",
        f"Số điện thoại: 09{rng.randint(10000000, 99999999)}",
        f"Nơi cư trú: số {rng.randint(1, 199)} {rng.choice(_STREETS)}, {ward}",
        f"Số lượng bản sao: {rng.randint(1, 5):02d} bản",
        f"Mục đích sử dụng: {rng.choice(('bổ sung hồ sơ', 'nộp cho nhà trường', 'làm thủ tục vay vốn', 'đăng ký việc làm'))}",
        f"Quan hệ với người được cấp: {rng.choice(('bản thân', 'mẹ', 'cha', 'con'))}",
        f"Giấy tờ kèm theo: {rng.choice(('bản sao căn cước', 'giấy khai sinh', 'sổ hộ khẩu cũ'))}",
        f"Hình thức nhận kết quả: {rng.choice(('trực tiếp', 'bưu chính', 'trực tuyến'))}",
        f"Email: {rng.choice(('lan', 'tuan', 'ha', 'son'))}{rng.randint(10, 99)}@gmail.com",
    ]
    chosen = rng.sample(fields[2:], rng.randint(6, 9))
    body = [fields[0], fields[1], *sorted(chosen, key=fields.index)]
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4)
    width, height = A4
    drawn: list[str] = []

    def centred(text: str, y: float, font: str, size: float) -> None:
        pdf.setFont(fonts[font], size)
        pdf.drawCentredString(width / 2, y, text)
        drawn.append(text)

    y = height - _MARGIN
    centred("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", y, "bold", 12)
    centred("Độc lập - Tự do - Hạnh phúc", y - 16, "bold", 12)
    centred(title, y - 58, "bold", 14)
    addressee = addressee.format(ward=ward)
    pdf.setFont(fonts["regular"], 12)
    pdf.drawString(_MARGIN + 60, y - 90, addressee)
    drawn.append(addressee)
    y -= 130
    step = rng.choice((26.0, 30.0, 34.0))
    boxed = rng.random() < 0.5
    top = y + step * 0.7
    for text in body:
        pdf.setFont(fonts["regular"], 12)
        pdf.drawString(_MARGIN, y, text)
        drawn.append(text)
        y -= step
    if boxed:  # a frame around the fields, as many printed forms have
        pdf.setLineWidth(1)
        pdf.rect(_MARGIN - 10, y + step * 0.6, width - 2 * _MARGIN + 20, top - y - step * 0.6)
    y -= 20
    when = f"{ward.split(' ', 1)[1]}, ngày {rng.randint(1, 28):02d} tháng {rng.randint(1, 12):02d} năm 2026"
    pdf.setFont(fonts["italic"], 12)
    pdf.drawRightString(width - _MARGIN, y, when)
    drawn.append(when)
    pdf.setFont(fonts["bold"], 12)
    pdf.drawRightString(width - _MARGIN - 40, y - 20, "NGƯỜI YÊU CẦU")
    drawn.append("NGƯỜI YÊU CẦU")
    pdf.drawRightString(width - _MARGIN - 30, y - 90, name)
    drawn.append(name)
    pdf.showPage()
    pdf.save()
    return SparseForm(tuple(drawn), buffer.getvalue())


def sparse_look(rng: random.Random, degraded: bool) -> ScanLook:
    """Clean: a good desk scanner (straight, a little noise). Degraded: skew, blur and noise of a poor one."""
    dpi = rng.choice((200, 240, 300))
    if not degraded:
        return ScanLook(dpi=dpi, skew_degrees=rng.uniform(-0.2, 0.2), blur_sigma=0.4 * dpi / 300,
                        noise_sigma=rng.uniform(2, 5), paper=rng.randint(232, 248), ink=rng.randint(20, 45))
    return ScanLook(dpi=dpi, skew_degrees=rng.choice((-1, 1)) * rng.uniform(0.8, 3.0), blur_sigma=rng.uniform(0.6, 1.3) * dpi / 300,
                    noise_sigma=rng.uniform(10, 24), speckle=rng.choice((0.0, 0.0005, 0.001)),
                    paper=rng.randint(212, 240), ink=rng.randint(25, 70))


def form_picture(form: SparseForm, dpi: int) -> Image.Image:
    (picture,) = rasterise(form.pdf, dpi)
    return picture
