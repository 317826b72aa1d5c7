"""The printed content of each procedure's form and of the attachments.

Written as the forms are printed (Thông tư 04/2024/TT-BTP for civil status,
Mẫu CT01 of Thông tư 66/2023/TT-BCA, the household-business request, Mẫu 01
of Nghị định 175/2024), independently of the catalogue's labels: the samples
test hoso's reading, so they must not be derived from it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Literal

from samples.people import Person

Style = Literal["heading", "motto", "title", "subtitle", "body", "center", "right", "sign", "small"]


@dataclass(frozen=True, slots=True)
class Line:
    text: str
    style: Style = "body"


@dataclass(frozen=True, slots=True)
class Page:
    lines: tuple[Line, ...]

    def text(self) -> str:
        return "\n".join(line.text for line in self.lines)


NATIONAL_HEADING = (
    Line("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "heading"),
    Line("Độc lập - Tự do - Hạnh phúc", "motto"),
)

_DIGITS = ("không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín")


def _number_words(n: int) -> str:
    """Vietnamese words for 0..9999, as dates are written out on civil-status forms."""
    if n < 10:
        return _DIGITS[n]
    if n < 20:
        return "mười" + ("" if n == 10 else " " + ("lăm" if n % 10 == 5 else _DIGITS[n % 10]))
    if n < 100:
        tens, unit = divmod(n, 10)
        word = f"{_DIGITS[tens]} mươi"
        if unit == 1:
            return f"{word} mốt"
        if unit == 5:
            return f"{word} lăm"
        if unit == 4:
            return f"{word} tư"
        return word if unit == 0 else f"{word} {_DIGITS[unit]}"
    if n < 1000:
        hundreds, rest = divmod(n, 100)
        word = f"{_DIGITS[hundreds]} trăm"
        if rest == 0:
            return word
        return f"{word} linh {_DIGITS[rest]}" if rest < 10 else f"{word} {_number_words(rest)}"
    thousands, rest = divmod(n, 1000)
    word = f"{_DIGITS[thousands]} nghìn"
    if rest == 0:
        return word
    if rest < 100:
        return f"{word} không trăm {'linh ' + _DIGITS[rest] if rest < 10 else _number_words(rest)}"
    return f"{word} {_number_words(rest)}"


def date_in_words(d: date) -> str:
    """"Ngày năm, tháng ba, năm hai nghìn không trăm hai mươi sáu"."""
    return f"Ngày {_number_words(d.day)}, tháng {_number_words(d.month)}, năm {_number_words(d.year)}"


def date_phrase(d: date) -> str:
    """"ngày 05 tháng 3 năm 2026": days always two digits, months 1-2 padded too."""
    month = f"{d.month:02d}" if d.month < 3 else str(d.month)
    return f"ngày {d.day:02d} tháng {month} năm {d.year}"


def dmy(d: date) -> str:
    return d.strftime("%d/%m/%Y")


def place_and_date(d: date, place: str = "Hà Nội") -> Line:
    return Line(f"{place}, {date_phrase(d)}", "right")


def _signature(*who: str) -> tuple[Line, ...]:
    return (Line("        ".join(who), "sign"), Line("(Ký, ghi rõ họ, chữ đệm, tên)", "small"))


def _pledge(subject: str = "Tôi") -> tuple[Line, ...]:
    return (
        Line(f"{subject} cam đoan nội dung khai trên đây là đúng sự thật và chịu trách nhiệm trước pháp luật "
             "về lời cam đoan của mình."),
    )


@dataclass(frozen=True, slots=True)
class Name:
    """How a name is printed: civil-status forms ask for capitals, others do not."""

    person: Person
    caps: bool

    def __str__(self) -> str:
        return self.person.name_caps if self.caps else self.person.name


def birth_registration(
    addressee: str, applicant: Person, relationship: str, child: Person, mother: Person, father: Person,
    birth_place: str, signed: date, *, caps: bool = True, blank: frozenset[str] = frozenset(),
) -> Page:
    """Tờ khai đăng ký khai sinh (Thông tư 04/2024/TT-BTP)."""
    lines = [
        *NATIONAL_HEADING,
        Line("TỜ KHAI ĐĂNG KÝ KHAI SINH", "title"),
        Line(f"Kính gửi: {addressee}"),
        Line(f"Họ, chữ đệm, tên người yêu cầu: {Name(applicant, caps)}"),
        Line(f"Ngày, tháng, năm sinh: {dmy(applicant.dob)}"),
        Line(f"Số định danh cá nhân: {applicant.personal_id}"),
        Line(f"Nơi cư trú: {applicant.address.text()}"),
        Line(f"Quan hệ với người được khai sinh: {relationship}"),
        Line("Đề nghị cơ quan đăng ký khai sinh cho người dưới đây:"),
        Line(f"Họ, chữ đệm, tên: {child.name_caps}"),
        Line(f"Ngày, tháng, năm sinh: {dmy(child.dob)}"),
        Line(f"Ghi bằng chữ: {date_in_words(child.dob)}"),
        Line(f"Giới tính: {child.sex}    Dân tộc: Kinh    Quốc tịch: Việt Nam"),
        Line(f"Nơi sinh: {'' if 'birth_place' in blank else birth_place}"),
        Line(f"Họ, chữ đệm, tên người mẹ: {mother.name_caps}"),
        Line(f"Năm sinh: {mother.dob.year}    Dân tộc: Kinh    Quốc tịch: Việt Nam"),
        Line(f"Họ, chữ đệm, tên người cha: {father.name_caps}"),
        Line(f"Năm sinh: {father.dob.year}    Dân tộc: Kinh    Quốc tịch: Việt Nam"),
        *_pledge(),
        place_and_date(signed),
        *_signature("Người yêu cầu"),
        Line(applicant.name, "sign"),
    ]
    return Page(tuple(lines))


def marriage_registration(
    addressee: str, bride: Person, groom: Person, signed: date, *, caps: bool = True
) -> Page:
    """Tờ khai đăng ký kết hôn, the two columns printed one after the other."""
    lines = [*NATIONAL_HEADING, Line("TỜ KHAI ĐĂNG KÝ KẾT HÔN", "title"), Line(f"Kính gửi: {addressee}")]
    for heading, person in (("THÔNG TIN BÊN NỮ", bride), ("THÔNG TIN BÊN NAM", groom)):
        lines += [
            Line(heading, "center"),
            Line(f"Họ, chữ đệm, tên: {Name(person, caps)}"),
            Line(f"Ngày, tháng, năm sinh: {dmy(person.dob)}"),
            Line("Dân tộc: Kinh    Quốc tịch: Việt Nam"),
            Line(f"Nơi cư trú: {person.address.text()}"),
            Line(f"Số định danh cá nhân: {person.personal_id}"),
            Line("Kết hôn lần thứ mấy: Lần đầu"),
        ]
    lines += [
        Line("Chúng tôi cam đoan những lời khai trên đây là đúng sự thật, việc kết hôn của chúng tôi là tự "
             "nguyện, không vi phạm quy định của Luật Hôn nhân và gia đình Việt Nam."),
        Line("Đề nghị Quý cơ quan đăng ký."),
        place_and_date(signed),
        Line("Người yêu cầu        Người yêu cầu", "sign"),
        Line(f"{bride.name}        {groom.name}", "sign"),
    ]
    return Page(tuple(lines))


def death_registration(
    addressee: str, applicant: Person, relationship: str, deceased: Person, died: datetime, death_place: str,
    cause: str, notice_number: str, signed: date, *, caps: bool = True,
) -> Page:
    """Tờ khai đăng ký khai tử (Thông tư 04/2024/TT-BTP)."""
    lines = [
        *NATIONAL_HEADING,
        Line("TỜ KHAI ĐĂNG KÝ KHAI TỬ", "title"),
        Line(f"Kính gửi: {addressee}"),
        Line(f"Họ, chữ đệm, tên người yêu cầu: {Name(applicant, caps)}"),
        Line(f"Ngày, tháng, năm sinh: {dmy(applicant.dob)}"),
        Line(f"Số định danh cá nhân: {applicant.personal_id}"),
        Line(f"Nơi cư trú: {applicant.address.text()}"),
        Line(f"Quan hệ với người đã chết: {relationship}"),
        Line("Đề nghị cơ quan đăng ký khai tử cho người có tên dưới đây:"),
        Line(f"Họ, chữ đệm, tên: {deceased.name_caps}"),
        Line(f"Ngày, tháng, năm sinh: {dmy(deceased.dob)}"),
        Line(f"Giới tính: {deceased.sex}    Dân tộc: Kinh    Quốc tịch: Việt Nam"),
        Line(f"Số định danh cá nhân: {deceased.personal_id}"),
        Line(f"Nơi cư trú cuối cùng: {deceased.address.text()}"),
        Line(f"Đã chết vào lúc: {died:%H} giờ {died:%M} phút, {date_phrase(died.date())}"),
        Line(f"Nơi chết: {death_place}"),
        Line(f"Nguyên nhân chết: {cause}"),
        Line(f"Số Giấy báo tử: {notice_number}"),
        *_pledge(),
        place_and_date(signed),
        *_signature("Người yêu cầu"),
        Line(applicant.name, "sign"),
    ]
    return Page(tuple(lines))


def marital_status_request(
    addressee: str, applicant: Person, status: str, purpose: str, signed: date, *, caps: bool = True
) -> Page:
    """Tờ khai cấp Giấy xác nhận tình trạng hôn nhân, for oneself."""
    lines = [
        *NATIONAL_HEADING,
        Line("TỜ KHAI CẤP GIẤY XÁC NHẬN TÌNH TRẠNG HÔN NHÂN", "title"),
        Line(f"Kính gửi: {addressee}"),
        Line(f"Họ, chữ đệm, tên người yêu cầu: {Name(applicant, caps)}"),
        Line(f"Ngày, tháng, năm sinh: {dmy(applicant.dob)}"),
        Line(f"Số định danh cá nhân: {applicant.personal_id}"),
        Line(f"Nơi cư trú: {applicant.address.text()}"),
        Line("Quan hệ với người được cấp Giấy xác nhận tình trạng hôn nhân: Bản thân"),
        Line("Đề nghị cấp Giấy xác nhận tình trạng hôn nhân cho người có tên dưới đây:"),
        Line(f"Họ, chữ đệm, tên: {applicant.name_caps}"),
        Line(f"Ngày, tháng, năm sinh: {dmy(applicant.dob)}"),
        Line(f"Giới tính: {applicant.sex}    Dân tộc: Kinh    Quốc tịch: Việt Nam"),
        Line(f"Số định danh cá nhân: {applicant.personal_id}"),
        Line(f"Nơi cư trú: {applicant.address.text()}"),
        Line(f"Tình trạng hôn nhân: {status}"),
        Line(f"Mục đích sử dụng Giấy xác nhận tình trạng hôn nhân: {purpose}"),
        *_pledge(),
        place_and_date(signed),
        *_signature("Người yêu cầu"),
        Line(applicant.name, "sign"),
    ]
    return Page(tuple(lines))


def residence_declaration(
    addressee: str, applicant: Person, phone: str, head: Person | None, relation: str, request: str,
    residence: str, signed: date,
) -> Page:
    """Tờ khai thay đổi thông tin cư trú, Mẫu CT01 (Thông tư 66/2023/TT-BCA)."""
    head = head or applicant
    lines = [
        Line("Mẫu CT01 ban hành kèm theo Thông tư số 66/2023/TT-BCA", "small"),
        *NATIONAL_HEADING,
        Line("TỜ KHAI THAY ĐỔI THÔNG TIN CƯ TRÚ", "title"),
        Line(f"Kính gửi: {addressee}"),
        Line(f"1. Họ, chữ đệm và tên: {applicant.name_caps}"),
        Line(f"2. Ngày, tháng, năm sinh: {dmy(applicant.dob)}"),
        Line(f"3. Giới tính: {applicant.sex}"),
        Line(f"4. Số định danh cá nhân: {applicant.personal_id}"),
        Line(f"5. Số điện thoại liên hệ: {phone}"),
        Line("6. Email: không có"),
        Line(f"7. Họ, chữ đệm và tên chủ hộ: {head.name_caps}"),
        Line(f"8. Mối quan hệ với chủ hộ: {relation}"),
        Line(f"9. Số định danh cá nhân của chủ hộ: {head.personal_id}"),
        Line(f"10. Nội dung đề nghị: {request}"),
        Line(f"11. Địa chỉ chỗ ở đề nghị đăng ký: {residence}"),
        Line("12. Những thành viên trong hộ gia đình cùng thay đổi: Không"),
        place_and_date(signed),
        Line("Ý KIẾN CỦA CHỦ HỘ        NGƯỜI KÊ KHAI", "sign"),
        Line(f"{head.name}        {applicant.name}", "sign"),
    ]
    return Page(tuple(lines))


def household_business_request(
    addressee: str, owner: Person, business_name: str, business_address: str, business_line: str,
    capital: int, employees: int, phone: str, signed: date,
) -> Page:
    """Giấy đề nghị đăng ký hộ kinh doanh."""
    capital_text = f"{capital:,}".replace(",", ".")
    lines = [
        *NATIONAL_HEADING,
        Line("GIẤY ĐỀ NGHỊ ĐĂNG KÝ HỘ KINH DOANH", "title"),
        Line(f"Kính gửi: {addressee}"),
        Line("Tôi là chủ hộ kinh doanh, đề nghị đăng ký hộ kinh doanh với các thông tin sau:"),
        Line(f"1. Tên hộ kinh doanh (ghi bằng chữ in hoa): {business_name.upper()}"),
        Line(f"2. Địa chỉ trụ sở hộ kinh doanh: {business_address}"),
        Line(f"Điện thoại: {phone}"),
        Line(f"3. Ngành, nghề kinh doanh: {business_line}"),
        Line(f"4. Vốn kinh doanh: {capital_text} đồng"),
        Line(f"5. Số lượng lao động: {employees}"),
        Line("6. Thông tin về chủ hộ kinh doanh:"),
        Line(f"Họ, chữ đệm và tên: {owner.name_caps}"),
        Line(f"Ngày, tháng, năm sinh: {dmy(owner.dob)}"),
        Line(f"Giới tính: {owner.sex}"),
        Line(f"Số định danh cá nhân: {owner.personal_id}"),
        Line(f"Mã số thuế: {owner.personal_id}"),
        Line(f"Nơi cư trú: {owner.address.text()}"),
        Line("Tôi cam kết bản thân không thuộc diện pháp luật cấm kinh doanh và chịu trách nhiệm trước pháp "
             "luật về tính hợp pháp, chính xác, trung thực của nội dung đăng ký trên."),
        place_and_date(signed),
        Line("CHỦ HỘ KINH DOANH", "sign"),
        Line(owner.name, "sign"),
    ]
    return Page(tuple(lines))


def building_permit_request(
    addressee: str, owner: Person, phone: str, site: str, plot: str, sheet: str, certificate: str,
    building_area: int, floors: int, signed: date,
) -> Page:
    """Đơn đề nghị cấp giấy phép xây dựng, Mẫu số 01 (Nghị định 175/2024/NĐ-CP)."""
    lines = [
        *NATIONAL_HEADING,
        Line("ĐƠN ĐỀ NGHỊ CẤP GIẤY PHÉP XÂY DỰNG", "title"),
        Line("(Sử dụng cho công trình: nhà ở riêng lẻ)", "subtitle"),
        Line(f"Kính gửi: {addressee}"),
        Line("1. Thông tin về chủ đầu tư:"),
        Line(f"Tên chủ đầu tư: {owner.name_caps}"),
        Line(f"Ngày, tháng, năm sinh: {dmy(owner.dob)}"),
        Line(f"Số định danh cá nhân: {owner.personal_id}"),
        Line(f"Địa chỉ liên hệ: {owner.address.text()}"),
        Line(f"Số điện thoại: {phone}"),
        Line("2. Thông tin công trình:"),
        Line(f"Địa điểm xây dựng: {site}"),
        Line(f"Thửa đất số: {plot}"),
        Line(f"Tờ bản đồ số: {sheet}"),
        Line(f"Giấy chứng nhận quyền sử dụng đất số: {certificate}"),
        Line("3. Nội dung đề nghị cấp phép:"),
        Line("Loại công trình: Nhà ở riêng lẻ    Cấp công trình: III"),
        Line(f"Diện tích xây dựng tầng 1: {building_area} m2"),
        Line(f"Tổng diện tích sàn: {building_area * floors} m2"),
        Line(f"Chiều cao công trình: {floors * 3.6 + 1.2:.1f} m".replace(".", ",")),
        Line(f"Số tầng: {floors}"),
        Line("Tôi xin cam đoan làm theo đúng giấy phép được cấp, nếu sai tôi xin hoàn toàn chịu trách nhiệm "
             "và bị xử lý theo quy định của pháp luật."),
        place_and_date(signed),
        Line("NGƯỜI LÀM ĐƠN", "sign"),
        Line(owner.name, "sign"),
    ]
    return Page(tuple(lines))


def birth_certificate(mother: Person, child: Person, born: datetime, hospital: str, number: int) -> Page:
    """Giấy chứng sinh issued by the hospital."""
    lines = [
        Line("SỞ Y TẾ HÀ NỘI", "small"),
        Line(hospital.upper(), "small"),
        Line(f"Số: {number}/GCS", "small"),
        *NATIONAL_HEADING,
        Line("GIẤY CHỨNG SINH", "title"),
        Line(f"Họ và tên mẹ: {mother.name_caps}"),
        Line(f"Năm sinh: {mother.dob.year}"),
        Line(f"Số định danh cá nhân của mẹ: {mother.personal_id}"),
        Line(f"Nơi cư trú: {mother.address.text()}"),
        Line(f"Đã sinh con vào lúc: {born:%H} giờ {born:%M} phút, {date_phrase(born.date())}"),
        Line(f"Tại: {hospital}"),
        Line("Số con trong lần sinh: 01"),
        Line(f"Giới tính của con: {child.sex}"),
        Line(f"Cân nặng: {2800 + (number % 9) * 100} gam"),
        Line(f"Dự định đặt tên con: {child.name_caps}"),
        place_and_date(born.date()),
        Line("Người đỡ đẻ        Thủ trưởng cơ sở y tế", "sign"),
    ]
    return Page(tuple(lines))


def death_notice(deceased: Person, died: datetime, place: str, cause: str, number: str) -> Page:
    """Giấy báo tử issued where the person died."""
    lines = [
        Line(place.upper(), "small"),
        Line(f"Số: {number}", "small"),
        *NATIONAL_HEADING,
        Line("GIẤY BÁO TỬ", "title"),
        Line(f"Họ, chữ đệm, tên người chết: {deceased.name_caps}"),
        Line(f"Giới tính: {deceased.sex}"),
        Line(f"Ngày, tháng, năm sinh: {dmy(deceased.dob)}"),
        Line(f"Số định danh cá nhân: {deceased.personal_id}"),
        Line(f"Nơi cư trú: {deceased.address.text()}"),
        Line(f"Đã chết vào lúc: {died:%H} giờ {died:%M} phút, {date_phrase(died.date())}"),
        Line(f"Nơi chết: {place}"),
        Line(f"Nguyên nhân chết: {cause}"),
        place_and_date(died.date()),
        Line("THỦ TRƯỞNG ĐƠN VỊ", "sign"),
    ]
    return Page(tuple(lines))


def rental_contract(landlord: Person, tenant: Person, address: str, rent: int, months: int, start: date,
                    signed: date) -> Page:
    """Hợp đồng thuê nhà: proof of lawful accommodation for residence registration."""
    end = date(start.year + (start.month - 1 + months) // 12, (start.month - 1 + months) % 12 + 1, 1)
    lines = [
        *NATIONAL_HEADING,
        Line("HỢP ĐỒNG THUÊ NHÀ", "title"),
        Line(f"Hôm nay, {date_phrase(signed)}, tại Hà Nội, chúng tôi gồm:"),
        Line(f"BÊN CHO THUÊ (Bên A): Ông/Bà {landlord.name_caps}"),
        Line(f"Số định danh cá nhân: {landlord.personal_id}"),
        Line(f"BÊN THUÊ (Bên B): Ông/Bà {tenant.name_caps}"),
        Line(f"Số định danh cá nhân: {tenant.personal_id}"),
        Line("Hai bên thỏa thuận ký hợp đồng thuê nhà với các điều khoản sau:"),
        Line(f"Điều 1. Bên A cho Bên B thuê nhà ở tại địa chỉ: {address}."),
        Line(f"Điều 2. Giá thuê: {rent:,} đồng/tháng; thời hạn thuê {months} tháng, từ {dmy(start)} "
             f"đến {dmy(end)}.".replace(",", ".")),
        Line("Điều 3. Bên A đồng ý để Bên B đăng ký cư trú tại địa chỉ nêu trên trong thời hạn thuê."),
        Line("BÊN CHO THUÊ        BÊN THUÊ", "sign"),
        Line(f"{landlord.name}        {tenant.name}", "sign"),
    ]
    return Page(tuple(lines))


def residence_consent(owner: Person, resident: Person, address: str, signed: date) -> Page:
    """Văn bản đồng ý cho đăng ký cư trú, by the owner of the dwelling."""
    lines = [
        *NATIONAL_HEADING,
        Line("VĂN BẢN ĐỒNG Ý CHO ĐĂNG KÝ CƯ TRÚ", "title"),
        Line(f"Tôi là: {owner.name_caps}"),
        Line(f"Số định danh cá nhân: {owner.personal_id}"),
        Line(f"Là chủ sở hữu chỗ ở hợp pháp tại: {address}"),
        Line(f"Tôi đồng ý cho ông/bà {resident.name}, số định danh cá nhân {resident.personal_id}, "
             "được đăng ký cư trú tại chỗ ở nói trên."),
        place_and_date(signed),
        Line("NGƯỜI ĐỒNG Ý", "sign"),
        Line(owner.name, "sign"),
    ]
    return Page(tuple(lines))
