"""The forms and attachments of the eight procedures, in the wording of the official templates.

Sources of the wording (read from public copies of the templates, not from hoso):
- Thông tư 04/2024/TT-BTP (and the older 04/2020/TT-BTP it amends): tờ khai đăng ký
  khai sinh, kết hôn (the table "Thông tin | Bên nữ | Bên nam"), khai tử, cấp Giấy xác nhận
  tình trạng hôn nhân; the 2024 footnotes ask "Giấy tờ tùy thân" to be written as
  "Căn cước công dân số … do … cấp ngày …".
- CT01 "Tờ khai thay đổi thông tin cư trú": Thông tư 66/2023/TT-BCA (12 boxes for the personal
  ID) and the older Thông tư 56/2021/TT-BCA ("Số định danh cá nhân/CMND").
- Giấy đề nghị đăng ký hộ kinh doanh: Thông tư 68/2025/TT-BTC and the older Phụ lục III-1 of
  Thông tư 01/2021/TT-BKHĐT (address split into "Xã/Phường/Thị trấn", "Quận/Huyện" rows).
- Đơn đề nghị cấp giấy phép xây dựng (nhà ở riêng lẻ): Mẫu số 01 of Nghị định 175/2024/NĐ-CP
  and of the older Nghị định 15/2021/NĐ-CP.
- Attachments: Giấy chứng sinh and Giấy báo tử (Thông tư 56/2017/TT-BYT), a house lease, a
  written consent to register residence, a land-use certificate copy, an ID card copy.

Each builder takes a :class:`Filing` (who files what, where, with which defect) and a layout
name, and returns the pages of the whole dossier: the form, then its attachments.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Callable

from samples.official.people import (Person, date_in_words, dmy, id_paper, number_words, person, phone,
                                     street_address, words_date)
from samples.official.render import Below, Boxes, Center, Element, Fill, Gap, Header, Sign, Table, Text
from samples.official.units import Unit

Page = list[Element]
MOTTO = (Center("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", bold=True), Center("Độc lập - Tự do - Hạnh phúc", bold=True),
         Center("---------------"))

#: Layouts per procedure; the first ones are today's templates, the later ones older versions or other ways of filling.
LAYOUTS: dict[str, tuple[str, ...]] = {
    "khai-sinh": ("tt04-2024", "tt04-2024-dong-duoi", "tt04-2024-bang", "tt04-2020"),
    "khai-tu": ("tt04-2024", "tt04-2024-dong-duoi", "tt04-2024-bang", "tt04-2020"),
    "xac-nhan-hon-nhan": ("tt04-2024", "tt04-2024-dong-duoi", "tt04-2024-bang", "tt04-2020"),
    "ket-hon": ("bang-nu-nam", "hai-phan-nu-truoc", "hai-phan-nam-truoc"),
    "thuong-tru": ("ct01-tt66", "ct01-tt56"),
    "tam-tru": ("ct01-tt66", "ct01-tt56"),
    "ho-kinh-doanh": ("tt68-2025", "tt01-2021"),
    "giay-phep-xay-dung": ("nd175-2024", "nd15-2021"),
}
#: Layouts that print the applicant's date of birth on the form (needed to plant an ID whose year disagrees).
WITHOUT_APPLICANT_DOB = {"tt04-2020"}


@dataclass
class Filing:
    """What the resident files: the addressee line, their address, the people, the date, the planted defect."""

    rng: random.Random
    today: date
    filed: date
    addressee: str  # the text after "Kính gửi:"
    unit: Unit | None  # the unit in force the dossier is for (None when it cannot be said)
    address: str  # the applicant's address as written (old or new)
    place: str  # "Làm tại" / the place before the date
    defect: str | None
    upper: bool  # names typed in capitals
    marks: bool  # the template's footnote marks "(1)", "(2)" kept after the labels
    applicant: Person | None = None
    notes: dict[str, object] = field(default_factory=dict)

    def name(self, p: Person) -> str:
        return p.name.upper() if self.upper else p.name

    def m(self, label: str, n: int) -> str:
        """A label with the template's footnote mark, when this resident kept them: "Nơi cư trú(2):"."""
        return f"{label}({n}):" if self.marks else f"{label}:"


def _f(label: str, value: str | None) -> Fill:
    return Fill(((label, value),))


def _row(*slots: tuple[str, str | None], shares: tuple[float, ...] | None = None) -> Fill:
    return Fill(tuple(slots), shares)


def _slot_lines(slots: list[tuple[str, str | None]], style: str) -> list[Element]:
    """The same labelled values as one line each, value under label, or rows of a two-column table."""
    if style == "bang":
        return [Table(("Nội dung", "Thông tin kê khai"), tuple((label.rstrip(":"), value or "") for label, value in slots),
                      (0.38, 0.62), bold_first_column=True)]
    if style == "dong-duoi":
        return [Below(label, value) for label, value in slots]
    return [_f(label, value) for label, value in slots]


def _style(layout: str) -> str:
    return "bang" if layout.endswith("-bang") else "dong-duoi" if layout.endswith("-dong-duoi") else "inline"


def _place_date(f: Filing) -> str:
    return f"Làm tại: {f.place}, {words_date(f.filed)}"


def _sign(title: str, p: Person, f: Filing, note: str = "(Ký, ghi rõ họ, chữ đệm, tên)") -> Sign:
    return Sign(((title, note, f.name(p)),), place_date=_place_date(f))


def _copies(rng: random.Random) -> Text:
    n = rng.choice((0, 1, 2, 3))
    return Text(f"Đề nghị cấp bản sao: Có ☒, Không ☐; số lượng: {n:02d} bản" if n else "Đề nghị cấp bản sao: Có ☐, Không ☒; số lượng: ……. bản",
                italic=True)


def _requester_slots(f: Filing, p: Person, relation_label: str, relation: str, layout: str) -> list[tuple[str, str | None]]:
    slots: list[tuple[str, str | None]] = [("Họ, chữ đệm, tên người yêu cầu:", f.name(p))]
    if layout not in WITHOUT_APPLICANT_DOB:
        slots.append(("Ngày, tháng, năm sinh:", dmy(p.born)))
    slots += [(f.m("Nơi cư trú", 2), f.address), (f.m("Giấy tờ tùy thân", 3), id_paper(f.rng, p, f.today)),
              (relation_label, relation)]
    return slots


# ---- civil status (Văn phòng HĐND và UBND) ------------------------------------------------------------


HOSPITALS = ("Bệnh viện Phụ sản Hà Nội", "Bệnh viện Phụ sản Trung ương", "Bệnh viện Đa khoa Hà Đông",
             "Bệnh viện Đa khoa Đức Giang", "Bệnh viện Đa khoa huyện Sóc Sơn", "Bệnh viện Đa khoa Sơn Tây",
             "Bệnh viện Bạch Mai", "Bệnh viện Thanh Nhàn", "Trạm Y tế xã", "Bệnh viện Đa khoa Thanh Trì")


def khai_sinh(f: Filing, layout: str) -> list[Page]:
    rng, today = f.rng, f.today
    late = f.defect == "khai-sinh-qua-han"
    born = f.filed - timedelta(days=rng.randint(61, 420) if late else rng.randint(1, 55))
    mother = person(rng, today, male=False, age=(20, 38))
    father = person(rng, today, male=True, age=(23, 42))
    child_male = rng.random() < 0.5
    child = person(rng, today, male=child_male, surname=father.surname)
    who = rng.choices(("mẹ", "cha", "bà ngoại", "ông nội"), weights=(5, 4, 1, 1))[0]
    requester = {"mẹ": mother, "cha": father}.get(who) or person(rng, today, male=who.startswith("ông"), age=(50, 75))
    if f.defect in ("cccd-sai-nam-sinh", "cmnd-9-so"):
        requester = _spoil_id(f, requester)
        mother = requester if who == "mẹ" else mother
        father = requester if who == "cha" else father
    f.applicant = requester
    relation = {"mẹ": "Mẹ", "cha": "Cha", "bà ngoại": "Bà ngoại", "ông nội": "Ông nội"}[who]
    hospital = rng.choice(HOSPITALS)
    if hospital == "Trạm Y tế xã" and f.unit is not None:
        hospital = f"Trạm Y tế {f.unit.lower}"
    style = _style(layout)
    page: Page = [*MOTTO, Gap(0.5), Center("TỜ KHAI ĐĂNG KÝ KHAI SINH", bold=True, grow=2), Gap(0.5),
                  _f(f.m("Kính gửi", 1), f.addressee)]
    page += _slot_lines(_requester_slots(f, requester, "Quan hệ với người được khai sinh:", relation, layout), style)
    page.append(Text("Đề nghị cơ quan đăng ký khai sinh cho người dưới đây:", bold=True))
    child_name = child.name.upper()  # the template asks the child's name in capitals
    child_slots: list[tuple[str, str | None]] = [
        ("Họ, chữ đệm, tên:", child_name),
        ("Ngày, tháng, năm sinh:", f"{dmy(born)}   ghi bằng chữ: {date_in_words(born)}"),
    ]
    if style == "inline":
        page += [_f(*child_slots[0]), _f(*child_slots[1]),
                 _row(("Giới tính:", child.sex), ("Dân tộc:", mother.ethnicity), ("Quốc tịch:", "Việt Nam"), shares=(0.3, 0.33, 0.37)),
                 _f(f.m("Nơi sinh", 4), f"{hospital}, {_province_of(f)}"), _f("Quê quán:", father.birth_province),
                 _f("Họ, chữ đệm, tên người mẹ:", f.name(mother)),
                 _row((f.m("Năm sinh", 5), str(mother.born.year)), ("Dân tộc:", mother.ethnicity), ("Quốc tịch:", "Việt Nam")),
                 _f(f.m("Nơi cư trú", 2), f.address),
                 _f("Họ, chữ đệm, tên người cha:", f.name(father)),
                 _row((f.m("Năm sinh", 5), str(father.born.year)), ("Dân tộc:", father.ethnicity), ("Quốc tịch:", "Việt Nam")),
                 _f(f.m("Nơi cư trú", 2), f.address)]
    else:
        child_slots += [("Giới tính:", child.sex), ("Dân tộc:", mother.ethnicity), ("Quốc tịch:", "Việt Nam"),
                        (f.m("Nơi sinh", 4), f"{hospital}, {_province_of(f)}"), ("Quê quán:", father.birth_province),
                        ("Họ, chữ đệm, tên người mẹ:", f.name(mother)), ("Năm sinh:", str(mother.born.year)),
                        ("Nơi cư trú:", f.address), ("Họ, chữ đệm, tên người cha:", f.name(father)),
                        ("Năm sinh:", str(father.born.year)), ("Nơi cư trú:", f.address)]
        page += _slot_lines(child_slots, style)
    page += [Text("Tôi cam đoan nội dung đề nghị đăng ký khai sinh trên đây là đúng sự thật, được sự thỏa thuận nhất trí "
                  "của các bên liên quan theo quy định pháp luật."),
             Text("Tôi chịu hoàn toàn trách nhiệm trước pháp luật về nội dung cam đoan của mình."),
             _copies(rng), _sign("Người yêu cầu", requester, f)]
    pages = [page]
    if f.defect != "thieu-giay-to":
        pages.append(giay_chung_sinh(f, mother, born, child_male, hospital, child))
    return pages


def giay_chung_sinh(f: Filing, mother: Person, born: date, male: bool, hospital: str, child: Person) -> Page:
    rng = f.rng
    hour, minute = rng.randint(0, 23), rng.randint(0, 59)
    return [
        Header(("SỞ Y TẾ HÀ NỘI" if "Trung ương" not in hospital and "Bạch Mai" not in hospital else "BỘ Y TẾ", hospital.upper(),
                f"Số: {rng.randint(100, 9999)}/GCS", f"Quyển số: {rng.randint(1, 40):02d}")),
        Gap(1), Center("GIẤY CHỨNG SINH", bold=True, grow=3), Gap(0.5),
        _f("Họ và tên mẹ/Người nuôi dưỡng:", mother.name.upper()),
        _row(("Năm sinh:", str(mother.born.year)), ("Dân tộc:", mother.ethnicity)),
        _f("Nơi đăng ký thường trú:", f.address),
        _f("Số CMND/Hộ chiếu/Căn cước:", mother.pid),
        _f("Đã sinh con vào lúc:", f"{hour:02d} giờ {minute:02d} phút, {words_date(born)}"),
        _f("Tại:", hospital),
        _row(("Số lần sinh:", str(rng.randint(1, 3))), ("Số con trong lần sinh này:", "01")),
        _row(("Giới tính của con:", "Nam" if male else "Nữ"), ("Cân nặng:", f"{rng.randint(2600, 4100)} gam")),
        _f("Dự định đặt tên con là:", child.name if rng.random() < 0.7 else None),
        Gap(0.5),
        Sign((("Người đỡ đẻ", "(Ký, ghi rõ họ tên)", person(rng, f.today, male=False).name),
              ("Thủ trưởng cơ sở y tế", "(Ký, ghi rõ họ tên, đóng dấu)", person(rng, f.today).name)),
             place_date=f"Hà Nội, {words_date(born + timedelta(days=rng.randint(0, 3)))}"),
    ]


def khai_tu(f: Filing, layout: str) -> list[Page]:
    rng, today = f.rng, f.today
    late = f.defect == "khai-tu-qua-han"
    died = f.filed - timedelta(days=rng.randint(16, 240) if late else rng.randint(0, 14))
    dead = person(rng, today, age=(58, 96))
    relation = rng.choice(("Con", "Con", "Vợ", "Chồng", "Cháu", "Con dâu"))
    male_req = {"Vợ": False, "Chồng": True, "Con dâu": False}.get(relation)
    if relation in ("Vợ", "Chồng"):
        male_req = not dead.male
        relation = "Vợ" if dead.male else "Chồng"
    requester = person(rng, today, male=male_req, age=(28, 70) if relation not in ("Vợ", "Chồng") else (55, 90),
                       surname=dead.surname if relation in ("Con", "Cháu") else None)
    if f.defect in ("cccd-sai-nam-sinh", "cmnd-9-so"):
        requester = _spoil_id(f, requester)
    f.applicant = requester
    hospital = rng.choice(("Bệnh viện Bạch Mai", "Bệnh viện Hữu nghị", "Bệnh viện E", "Bệnh viện Đa khoa Hà Đông",
                           "Bệnh viện Thanh Nhàn", "Bệnh viện Đa khoa Sơn Tây"))
    at_home = rng.random() < 0.4
    cause = rng.choice(("Bệnh già", "Suy tim", "Ung thư phổi", "Tai biến mạch máu não", "Suy đa tạng", "Xơ gan"))
    style = _style(layout)
    page: Page = [*MOTTO, Gap(0.5), Center("TỜ KHAI ĐĂNG KÝ KHAI TỬ", bold=True, grow=2), Gap(0.5),
                  _f(f.m("Kính gửi", 1), f.addressee)]
    page += _slot_lines(_requester_slots(f, requester, "Quan hệ với người đã chết:", relation, layout), style)
    page.append(Text("Đề nghị cơ quan đăng ký khai tử cho người có tên dưới đây:", bold=True))
    gbt = f"{rng.randint(10, 9999)}/GBT" if f.defect != "thieu-giay-to" or rng.random() < 0.5 else None
    slots: list[tuple[str, str | None]] = [
        ("Họ, chữ đệm, tên:", f.name(dead)), ("Ngày, tháng, năm sinh:", dmy(dead.born)), ("Giới tính:", dead.sex),
        ("Dân tộc:", dead.ethnicity), ("Quốc tịch:", "Việt Nam"), (f.m("Nơi cư trú cuối cùng", 2), f.address),
        (f.m("Giấy tờ tùy thân", 3), id_paper(rng, dead, today) if rng.random() < 0.8 else None),
        ("Đã chết vào lúc:", f"{rng.randint(0, 23):02d} giờ {rng.randint(0, 59):02d} phút, {words_date(died)}"),
        ("Nơi chết:", f.address if at_home else f"{hospital}, {_province_of(f)}"), ("Nguyên nhân chết:", cause),
        (f.m("Số Giấy báo tử/Giấy tờ thay thế Giấy báo tử", 4), f"{gbt} do {hospital if not at_home else 'Trạm Y tế ' + (f.unit.lower if f.unit else 'xã')} cấp ngày {dmy(died + timedelta(days=1))}" if gbt else None),
    ]
    if style == "inline":
        page += [_f(*slots[0]), _f(*slots[1]), _row(slots[2], slots[3], slots[4], shares=(0.3, 0.33, 0.37))]
        page += [_f(*s) for s in slots[5:]]
    else:
        page += _slot_lines(slots, style)
    page += [Text("Tôi cam đoan những nội dung khai trên đây là đúng sự thật và chịu trách nhiệm trước pháp luật về cam đoan của mình."),
             _copies(rng), _sign("Người yêu cầu", requester, f)]
    pages = [page]
    if f.defect != "thieu-giay-to":
        pages.append(giay_bao_tu(f, dead, died, hospital if not at_home else f"Trạm Y tế {f.unit.lower if f.unit else 'xã'}",
                                 cause, requester, relation, gbt or "…"))
    return pages


def giay_bao_tu(f: Filing, dead: Person, died: date, issuer: str, cause: str, kin: Person, relation: str, number: str) -> Page:
    rng = f.rng
    return [
        Header(("SỞ Y TẾ HÀ NỘI", issuer.upper(), f"Số: {number}")), Gap(1),
        Center("GIẤY BÁO TỬ", bold=True, grow=3), Gap(0.5),
        _f("Họ và tên người tử vong:", dead.name.upper()),
        _row(("Nam/Nữ:", dead.sex), ("Ngày, tháng, năm sinh:", dmy(dead.born)), shares=(0.35, 0.65)),
        _row(("Dân tộc:", dead.ethnicity), ("Quốc tịch:", "Việt Nam")),
        _f("Số CMND/Hộ chiếu/Căn cước:", dead.pid),
        _f("Nơi cư trú:", f.address),
        _f("Tử vong lúc:", f"{rng.randint(0, 23):02d} giờ {rng.randint(0, 59):02d} phút, {words_date(died)}"),
        _f("Nơi tử vong:", issuer),
        _f("Nguyên nhân tử vong:", cause),
        _row(("Họ tên người thân:", kin.name), ("Quan hệ:", relation), shares=(0.65, 0.35)),
        Sign((("Người lập giấy", "(Ký, ghi rõ họ tên)", person(rng, f.today).name),
              ("Thủ trưởng đơn vị", "(Ký tên, đóng dấu)", person(rng, f.today).name)),
             place_date=f"Hà Nội, {words_date(died + timedelta(days=1))}"),
    ]


def xac_nhan_hon_nhan(f: Filing, layout: str) -> list[Page]:
    rng, today = f.rng, f.today
    subject = person(rng, today, age=(20, 60))
    self_request = rng.random() < 0.8
    requester = subject if self_request else person(rng, today, age=(45, 75), surname=subject.surname)
    if f.defect in ("cccd-sai-nam-sinh", "cmnd-9-so"):
        requester = _spoil_id(f, requester)
        if self_request:
            subject = requester
    f.applicant = requester
    status = rng.choice(("Chưa đăng ký kết hôn với ai", "Độc thân, chưa đăng ký kết hôn với ai",
                         "Đã đăng ký kết hôn nhưng đã ly hôn theo Bản án số " + f"{rng.randint(10, 400)}/{rng.randint(2015, 2024)}/HNGĐ-ST"))
    purpose = rng.choice(("Để làm thủ tục đăng ký kết hôn", "Bổ sung hồ sơ vay vốn ngân hàng",
                          "Để làm thủ tục chuyển nhượng quyền sử dụng đất", "Bổ sung hồ sơ mua nhà ở xã hội"))
    if purpose.endswith("kết hôn"):
        partner = person(rng, today, male=not subject.male, age=(20, 40))
        purpose += f" với {'ông' if partner.male else 'bà'} {partner.name}, sinh năm {partner.born.year}"
    style = _style(layout)
    page: Page = [*MOTTO, Gap(0.5), Center("TỜ KHAI CẤP GIẤY XÁC NHẬN TÌNH TRẠNG HÔN NHÂN", bold=True, grow=1.5), Gap(0.5),
                  _f(f.m("Kính gửi", 1), f.addressee)]
    page += _slot_lines(_requester_slots(f, requester, "Quan hệ với người được cấp Giấy xác nhận tình trạng hôn nhân:",
                                         "Bản thân" if self_request else rng.choice(("Cha", "Mẹ")), layout), style)
    page.append(Text("Đề nghị cấp Giấy xác nhận tình trạng hôn nhân cho người có tên dưới đây:", bold=True))
    since = subject.born + timedelta(days=365 * 18)
    slots: list[tuple[str, str | None]] = [
        ("Họ, chữ đệm, tên:", f.name(subject)), ("Ngày, tháng, năm sinh:", dmy(subject.born)),
        ("Giới tính:", subject.sex), ("Dân tộc:", subject.ethnicity), ("Quốc tịch:", "Việt Nam"),
        (f.m("Nơi cư trú", 2), f.address), (f.m("Giấy tờ tùy thân", 3), id_paper(rng, subject, today)),
        (f.m("Trong thời gian cư trú tại", 4), None if rng.random() < 0.6 else f"{f.address} từ {dmy(since)} đến nay"),
        (f.m("Tình trạng hôn nhân", 5), status),
        ("Mục đích sử dụng Giấy xác nhận tình trạng hôn nhân:", purpose),
    ]
    if style == "inline":
        page += [_f(*slots[0]), _f(*slots[1]), _row(slots[2], slots[3], slots[4], shares=(0.3, 0.33, 0.37))]
        page += [_f(*s) for s in slots[5:]]
    else:
        page += _slot_lines(slots, style)
    page += [Text("Tôi cam đoan những nội dung khai trên đây là đúng sự thật và chịu trách nhiệm trước pháp luật về cam đoan của mình."),
             _copies(rng), _sign("Người yêu cầu", requester, f)]
    return [page]


def ket_hon(f: Filing, layout: str) -> list[Page]:
    rng, today = f.rng, f.today
    bride_age, groom_age = (20, 35), (22, 38)
    underage = f.defect == "chua-du-tuoi-ket-hon"
    underage_bride = underage and rng.random() < 0.5
    if underage:
        if underage_bride:
            bride_age = (16.1, 17.9)
        else:
            groom_age = (18.1, 19.9)
    bride = person(rng, today, male=False, age=bride_age)
    groom = person(rng, today, male=True, age=groom_age)
    if underage:  # exact: the birthday that makes them of age is still some weeks away
        who = bride if underage_bride else groom
        born = _birthday_after(today, 18 if underage_bride else 20, rng)
        pid = f"{who.birth_code}{(born.year - 1900) // 100 * 2 + (0 if who.male else 1)}{born.year % 100:02d}{who.pid[6:]}"
        fixed = Person(who.surname, who.middle, who.given, who.male, born, who.birth_code, who.birth_province, pid, who.ethnicity)
        if underage_bride:
            bride = fixed
        else:
            groom = fixed
    if f.defect in ("cccd-sai-nam-sinh", "cmnd-9-so"):
        bride = _spoil_id(f, bride)
    f.applicant = bride
    groom_address = f.address if rng.random() < 0.5 else f.notes.get("other_address", f.address)
    first = {"bride": (bride, f.address), "groom": (groom, str(groom_address))}
    times = {bride: rng.choice(("Lần thứ nhất", "Lần đầu", "Thứ nhất")), groom: rng.choice(("Lần thứ nhất", "Lần đầu", "Lần thứ hai"))}
    rows = [
        ("Họ, chữ đệm, tên", f.name(bride), f.name(groom)),
        ("Ngày, tháng, năm sinh", dmy(bride.born), dmy(groom.born)),
        ("Dân tộc", bride.ethnicity, groom.ethnicity),
        ("Quốc tịch", "Việt Nam", "Việt Nam"),
        ("Nơi cư trú" + ("(4)" if f.marks else ""), f.address, str(groom_address)),
        ("Giấy tờ tùy thân" + ("(5)" if f.marks else ""), id_paper(rng, bride, today), id_paper(rng, groom, today)),
        ("Kết hôn lần thứ mấy", times[bride], times[groom]),
    ]
    page: Page = [*MOTTO, Gap(0.5), Center("TỜ KHAI ĐĂNG KÝ KẾT HÔN", bold=True, grow=2), Gap(0.5),
                  _f(f.m("Kính gửi", 3), f.addressee), Gap(0.3)]
    if layout == "bang-nu-nam":
        page.append(Table(("Thông tin", "Bên nữ", "Bên nam"), tuple(rows), (0.24, 0.38, 0.38), bold_first_column=True))
    else:
        order = ("bride", "groom") if layout == "hai-phan-nu-truoc" else ("groom", "bride")
        for side in order:
            who, addr = first[side]
            col = 1 if side == "bride" else 2
            page.append(Text("Thông tin bên nữ:" if side == "bride" else "Thông tin bên nam:", bold=True))
            page += [_f("Họ, chữ đệm, tên:", rows[0][col]), _row(("Ngày, tháng, năm sinh:", rows[1][col]), ("Dân tộc:", rows[2][col]), ("Quốc tịch:", "Việt Nam"),
                                                               shares=(0.45, 0.25, 0.30)),
                     _f("Nơi cư trú:", addr), _f("Giấy tờ tùy thân:", rows[5][col]), _f("Kết hôn lần thứ mấy:", rows[6][col])]
    page += [Text("Chúng tôi cam đoan những lời khai trên đây là đúng sự thật, việc kết hôn của chúng tôi là tự nguyện, "
                  "không vi phạm quy định của Luật Hôn nhân và gia đình Việt Nam."),
             Text("Chúng tôi chịu hoàn toàn trách nhiệm trước pháp luật về nội dung cam đoan của mình."),
             _copies(rng),
             Sign((("Bên nữ", "(Ký, ghi rõ họ, chữ đệm, tên)", f.name(bride)), ("Bên nam", "(Ký, ghi rõ họ, chữ đệm, tên)", f.name(groom))),
                  place_date=_place_date(f))]
    return [page]


def _birthday_after(today: date, years: int, rng: random.Random) -> date:
    """A date of birth making someone (years - 1) years old today, some days short of ``years``."""
    short = rng.randint(20, 300)
    target = today + timedelta(days=short)
    try:
        return target.replace(year=target.year - years)
    except ValueError:
        return target.replace(year=target.year - years, day=28)


# ---- residence (Công an xã/phường): CT01 --------------------------------------------------------------


def _ct01(f: Filing, layout: str, thuong_tru: bool) -> list[Page]:
    rng, today = f.rng, f.today
    declarant = person(rng, today, age=(19, 65))
    if f.defect in ("cccd-sai-nam-sinh", "cmnd-9-so"):
        declarant = _spoil_id(f, declarant)
    f.applicant = declarant
    tt66 = layout == "ct01-tt66"
    own_head = rng.random() < 0.35
    head = declarant if own_head else person(rng, today, age=(35, 75), surname=declarant.surname if rng.random() < 0.6 else None)
    relation = "Chủ hộ" if own_head else rng.choice(("Con", "Vợ", "Chồng", "Cháu", "Con dâu", "Con rể", "Em"))
    if thuong_tru:
        content = (f"Đăng ký thường trú vào hộ {'ông' if head.male else 'bà'} {head.name} tại {f.address}" if not own_head
                   else f"Đăng ký thường trú tại {f.address}")
    else:
        until = today + timedelta(days=rng.choice((180, 365, 730)))
        content = f"Đăng ký tạm trú tại {f.address}, thời hạn tạm trú đến ngày {dmy(until)}"
    members = []
    if rng.random() < 0.5:
        for i in range(rng.randint(1, 2)):
            m = person(rng, today, age=(1, 17), surname=declarant.surname)
            members.append((str(i + 1), m.name, dmy(m.born), m.sex, m.pid, rng.choice(("Con", "Cháu"))))
    id_label = "4. Số định danh cá nhân:" if tt66 else "4. Số định danh cá nhân/CMND:"
    page: Page = [*MOTTO, Gap(0.3), Center("TỜ KHAI THAY ĐỔI THÔNG TIN CƯ TRÚ", bold=True, grow=2), Gap(0.5),
                  _f(f"Kính gửi{'(1)' if f.marks else ''}:", f.addressee),
                  _f("1. Họ, chữ đệm và tên:", f.name(declarant)),
                  _row(("2. Ngày, tháng, năm sinh:", dmy(declarant.born)), ("3. Giới tính:", declarant.sex), shares=(0.62, 0.38))]
    page.append(Boxes(id_label, declarant.pid) if tt66 else _f(id_label, declarant.pid))
    page += [_row(("5. Số điện thoại liên hệ:", phone(rng)), ("6. Email:", None if rng.random() < 0.6 else
                                                               f"{declarant.given.lower().replace('đ', 'd')}{rng.randint(80, 99)}@gmail.com"),
                  shares=(0.55, 0.45)),
             _row(("7. Họ, chữ đệm và tên chủ hộ:", f.name(head)), ("8. Mối quan hệ với chủ hộ:", relation), shares=(0.62, 0.38))]
    head_label = "9. Số định danh cá nhân của chủ hộ:" if tt66 else "9. Số định danh cá nhân/CMND của chủ hộ:"
    page.append(Boxes(head_label, head.pid) if tt66 else _f(head_label, head.pid))
    page.append(_f(f"10. Nội dung đề nghị{'(2)' if f.marks else ''}:", content))
    page.append(Text("11. Những thành viên trong hộ gia đình cùng thay đổi:"))
    rows = tuple(members) or (("", "", "", "", "", ""),)
    page.append(Table(("TT", "Họ, chữ đệm và tên", "Ngày, tháng, năm sinh", "Giới tính", "Số định danh cá nhân", "Mối quan hệ với chủ hộ"),
                      rows, (0.06, 0.27, 0.16, 0.11, 0.22, 0.18)))
    missing = f.defect == "thieu-giay-to"
    owner = head if not missing else None
    cols = [("Ý KIẾN CỦA CHỦ HỘ" + ("(3)" if f.marks else ""), "(Ghi rõ nội dung, ký, ghi rõ họ tên)",
             (f"Đồng ý. {head.name}" if not own_head and not missing else "………………")),
            ("Ý KIẾN CỦA CHỦ SỞ HỮU HOẶC NGƯỜI ĐƯỢC ỦY QUYỀN CỦA CHỦ SỞ HỮU CHỖ Ở HỢP PHÁP" + ("(3)" if f.marks else ""),
             "(Ghi rõ nội dung, ký, ghi rõ họ tên)", (f"Đồng ý. {owner.name}" if owner and rng.random() < 0.5 else "………………")),
            ("NGƯỜI KÊ KHAI", "(Ký, ghi rõ họ tên)", f.name(declarant))]
    page.append(Sign(tuple(cols), place_date=f"{f.place}, {words_date(f.filed)}"))
    pages = [page]
    if not missing:
        landlord = person(rng, today, age=(40, 75))
        if not thuong_tru or rng.random() < 0.4:
            pages.append(hop_dong_thue(f, landlord, declarant, thuong_tru))
        else:
            pages.append(van_ban_dong_y(f, head if not own_head else landlord, declarant, thuong_tru))
        if thuong_tru and rng.random() < 0.5:
            pages.append(van_ban_dong_y(f, landlord if own_head else head, declarant, thuong_tru))
    return pages


def thuong_tru(f: Filing, layout: str) -> list[Page]:
    return _ct01(f, layout, thuong_tru=True)


def tam_tru(f: Filing, layout: str) -> list[Page]:
    return _ct01(f, layout, thuong_tru=False)


def hop_dong_thue(f: Filing, landlord: Person, tenant: Person, thuong_tru: bool) -> Page:
    rng = f.rng
    start = f.filed - timedelta(days=rng.randint(3, 60))
    months = rng.choice((12, 24, 36))
    rent = rng.choice((2_500_000, 3_200_000, 4_000_000, 5_500_000, 7_000_000))
    return [
        *MOTTO, Gap(0.3), Center("HỢP ĐỒNG THUÊ NHÀ Ở", bold=True, grow=2), Gap(0.3),
        Text(f"Hôm nay, {words_date(start)}, tại {f.address}, chúng tôi gồm:", italic=True),
        Text("BÊN CHO THUÊ (Bên A):", bold=True),
        _f("Ông/Bà:", landlord.name), _row(("Sinh năm:", str(landlord.born.year)), ("CCCD số:", landlord.pid), shares=(0.35, 0.65)),
        _f("Địa chỉ thường trú:", f.address),
        Text("BÊN THUÊ (Bên B):", bold=True),
        _f("Ông/Bà:", tenant.name), _row(("Sinh năm:", str(tenant.born.year)), ("CCCD số:", tenant.pid), shares=(0.35, 0.65)),
        Text("Hai bên thống nhất ký kết hợp đồng thuê nhà ở với các điều khoản sau:"),
        Text(f"Điều 1. Bên A cho Bên B thuê nhà ở tại địa chỉ: {f.address}; diện tích sử dụng {rng.randint(18, 80)} m2."),
        Text(f"Điều 2. Giá thuê: {rent:,} đồng/tháng (bằng chữ: {number_words(rent // 1000)} nghìn đồng).".replace(",", ".")),
        Text(f"Điều 3. Thời hạn thuê: {months} tháng, từ ngày {dmy(start)} đến ngày {dmy(start + timedelta(days=months * 30))}."),
        Text(f"Điều 4. Bên A đồng ý cho Bên B đăng ký {'thường trú' if thuong_tru else 'tạm trú'} tại địa chỉ thuê nêu trên."),
        Text("Điều 5. Hợp đồng được lập thành 02 bản, mỗi bên giữ 01 bản, có giá trị pháp lý như nhau."),
        Sign((("BÊN CHO THUÊ (BÊN A)", "(Ký, ghi rõ họ tên)", landlord.name), ("BÊN THUÊ (BÊN B)", "(Ký, ghi rõ họ tên)", tenant.name))),
    ]


def van_ban_dong_y(f: Filing, owner: Person, resident: Person, thuong_tru: bool) -> Page:
    rng = f.rng
    kind = "THƯỜNG TRÚ" if thuong_tru else "TẠM TRÚ"
    return [
        *MOTTO, Gap(0.3), Center(rng.choice((f"VĂN BẢN ĐỒNG Ý CHO ĐĂNG KÝ {kind}", "VĂN BẢN ĐỒNG Ý CHO ĐĂNG KÝ CƯ TRÚ")), bold=True, grow=1.5),
        Gap(0.3), _f("Kính gửi:", f.addressee),
        _f("Tôi là:", owner.name), _row(("Ngày sinh:", dmy(owner.born)), ("Số định danh cá nhân:", owner.pid), shares=(0.4, 0.6)),
        _f("Là chủ sở hữu chỗ ở hợp pháp tại:", f.address),
        Text(f"Tôi đồng ý cho {'ông' if resident.male else 'bà'} {resident.name}, sinh ngày {dmy(resident.born)}, "
             f"số định danh cá nhân {resident.pid}, được đăng ký {kind.lower()} tại chỗ ở hợp pháp nêu trên."),
        Text("Tôi xin cam đoan những nội dung trên là đúng sự thật và chịu trách nhiệm trước pháp luật."),
        Sign((("NGƯỜI VIẾT VĂN BẢN", "(Ký, ghi rõ họ tên)", owner.name),), place_date=f"{f.place}, {words_date(f.filed - timedelta(days=rng.randint(0, 5)))}"),
    ]


# ---- Phòng Kinh tế: household business, construction permit ---------------------------------------------


BUSINESSES = (("Phở Bò Hà Thành", "Dịch vụ ăn uống, nhà hàng", "5610"), ("Tạp hóa Minh Châu", "Bán lẻ hàng hóa tổng hợp", "4711"),
              ("Cà phê Phố Cũ", "Dịch vụ phục vụ đồ uống", "5630"), ("Sửa xe Hùng Cường", "Bảo dưỡng, sửa chữa mô tô, xe máy", "4542"),
              ("May đo Thu Hằng", "May trang phục", "1410"), ("Bún chả Cầu Gỗ", "Dịch vụ ăn uống, nhà hàng", "5610"),
              ("Văn phòng phẩm Ánh Dương", "Bán lẻ sách, báo, văn phòng phẩm", "4761"),
              ("Hoa tươi Diệp Chi", "Bán lẻ hoa, cây cảnh", "4773"), ("Gội đầu dưỡng sinh An Nhiên", "Cắt tóc, gội đầu", "9631"),
              ("Điện thoại Quang Huy", "Bán lẻ thiết bị viễn thông", "4741"), ("Bánh cuốn Bà Hoành", "Dịch vụ ăn uống, nhà hàng", "5610"))
WRONG_NAMES = ("Công ty Thực phẩm An Khang", "Công ty TNHH Minh Phát", "Doanh nghiệp Thành Đạt",
               "Doanh nghiệp tư nhân Hòa Bình", "Công ty Cổ phần Dịch vụ Sao Mai")


def ho_kinh_doanh(f: Filing, layout: str) -> list[Page]:
    rng, today = f.rng, f.today
    owner = person(rng, today, age=(22, 62))
    if f.defect in ("cccd-sai-nam-sinh", "cmnd-9-so"):
        owner = _spoil_id(f, owner)
    f.applicant = owner
    trade, activity, code = rng.choice(BUSINESSES)
    name = rng.choice(WRONG_NAMES) if f.defect == "ten-ho-kinh-doanh-sai" else trade
    if f.defect != "ten-ho-kinh-doanh-sai" or rng.random() < 0.5:
        name = f"Hộ kinh doanh {name}"
    premises = str(f.notes.get("premises", f.address))
    capital = rng.choice((50, 80, 100, 150, 200, 300, 500)) * 1_000_000
    new = layout == "tt68-2025"
    page: Page = [*MOTTO, Gap(0.3), Center("GIẤY ĐỀ NGHỊ ĐĂNG KÝ HỘ KINH DOANH", bold=True, grow=2), Gap(0.5),
                  _f("Kính gửi:", f.addressee),
                  _f("Tôi là (ghi họ tên bằng chữ in hoa):", owner.name.upper())]
    if new:
        page += [_row(("Ngày, tháng, năm sinh:", dmy(owner.born)), ("Giới tính:", owner.sex), shares=(0.6, 0.4)),
                 _row(("Dân tộc:", owner.ethnicity), ("Quốc tịch:", "Việt Nam")),
                 _f("Số định danh cá nhân:", owner.pid),
                 _f("Địa chỉ liên lạc:", f.address),
                 _row(("Điện thoại:", phone(rng)), ("Thư điện tử (nếu có):", None), shares=(0.45, 0.55)),
                 Text("Đăng ký hộ kinh doanh do tôi là chủ hộ với các nội dung sau:", bold=True),
                 _f("1. Tên hộ kinh doanh (ghi bằng chữ in hoa):", name.upper()),
                 _f("2. Địa chỉ trụ sở hộ kinh doanh:", premises),
                 _row(("Điện thoại (nếu có):", None), ("Thư điện tử (nếu có):", None))]
    else:
        cccd = len(owner.pid) == 12
        page += [_row(("Sinh ngày:", dmy(owner.born)), ("Dân tộc:", owner.ethnicity), ("Quốc tịch:", "Việt Nam"), shares=(0.4, 0.28, 0.32)),
                 _f("Giới tính:", owner.sex),
                 Text(f"Loại giấy tờ pháp lý của cá nhân:  {'☐' if cccd else '☒'} Chứng minh nhân dân   {'☒' if cccd else '☐'} Căn cước công dân   ☐ Hộ chiếu   ☐ Loại khác"),
                 _f("Số giấy tờ pháp lý của cá nhân:", owner.pid),
                 _row(("Ngày cấp:", dmy(today - timedelta(days=rng.randint(400, 2000)))), ("Nơi cấp:", "Cục Cảnh sát QLHC về TTXH" if cccd else "Công an TP Hà Nội"),
                      shares=(0.4, 0.6))]
        page += _split_address(f, "Địa chỉ thường trú:", f.address)
        page += [_f("Chỗ ở hiện tại:", f.address if rng.random() < 0.5 else "Như trên"),
                 _row(("Điện thoại:", phone(rng)), ("Email:", None)),
                 Text("Đăng ký hộ kinh doanh do tôi là chủ hộ với các nội dung sau:", bold=True),
                 _f("1. Tên hộ kinh doanh (ghi bằng chữ in hoa):", name.upper())]
        page += _split_address(f, "2. Địa chỉ trụ sở hộ kinh doanh:", premises)
    page += [Text("3. Ngành, nghề kinh doanh:"),
             Table(("STT", "Tên ngành", "Mã ngành"), (("1", activity, code),), (0.1, 0.65, 0.25)),
             _f("4. Vốn kinh doanh (bằng số; VNĐ):", f"{capital:,}".replace(",", ".")),
             _f("Bằng chữ:", f"{number_words(capital // 1_000_000)} triệu đồng".capitalize()),
             _f("5. Số lượng lao động (dự kiến):", f"{rng.randint(1, 6):02d} người"),
             Text("Tôi cam kết: bản thân không thuộc diện bị cấm thành lập hộ kinh doanh; chịu trách nhiệm trước pháp luật "
                  "về tính hợp pháp, chính xác và trung thực của nội dung đề nghị đăng ký trên."),
             Sign((("CHỦ HỘ KINH DOANH", "(Ký và ghi họ tên)", owner.name),), place_date=f"{f.place}, {words_date(f.filed)}")]
    return [page, cccd_copy(f, owner)]


def _split_address(f: Filing, label: str, address: str) -> list[Element]:
    """The older forms' address in rows: street, Xã/Phường/Thị trấn, Quận/Huyện, Tỉnh/Thành phố."""
    parts = [p.strip() for p in address.split(",")]
    street, rest = parts[0], parts[1:]
    ward = next((p for p in rest if p.split()[0].lower() in ("phường", "xã", "thị")), "")
    district = next((p for p in rest if p.split()[0].lower() in ("quận", "huyện") or p.lower().startswith("thị xã")), None)
    province = rest[-1] if rest else ""
    return [Text(label),
            _f("Số nhà, ngách, hẻm, ngõ, đường phố/tổ/xóm/ấp/thôn:", street),
            _row(("Xã/Phường/Thị trấn:", ward), ("Quận/Huyện/Thị xã:", district), shares=(0.5, 0.5)),
            _f("Tỉnh/Thành phố:", province)]


def cccd_copy(f: Filing, p: Person) -> Page:
    """A photocopy of the ID card, as the one-stop desk asks for with household-business dossiers."""
    return [Center("BẢN SAO", italic=True), Gap(0.5), Center("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", bold=True),
            Center("SOCIALIST REPUBLIC OF VIET NAM"), Center("CĂN CƯỚC CÔNG DÂN" if len(p.pid) == 12 else "CHỨNG MINH NHÂN DÂN", bold=True, grow=2),
            _f("Số / No.:", p.pid), _f("Họ và tên / Full name:", p.name.upper()),
            _row(("Ngày sinh / Date of birth:", dmy(p.born)), ("Giới tính / Sex:", p.sex), shares=(0.6, 0.4)),
            _f("Quốc tịch / Nationality:", "Việt Nam"), _f("Quê quán / Place of origin:", p.birth_province),
            _f("Nơi thường trú / Place of residence:", f.address)]


def giay_phep_xay_dung(f: Filing, layout: str) -> list[Page]:
    rng, today = f.rng, f.today
    owner = person(rng, today, age=(30, 70))
    if f.defect in ("cccd-sai-nam-sinh", "cmnd-9-so"):
        owner = _spoil_id(f, owner)
    f.applicant = owner
    site = str(f.notes.get("premises", f.address))
    new = layout == "nd175-2024"
    lot, sheet = rng.randint(10, 900), rng.randint(1, 60)
    area = rng.randint(45, 160)
    floors = rng.randint(2, 6)
    certificate = f"{rng.choice(('CS', 'CY', 'DA', 'BX'))} {rng.randint(100000, 999999)}"
    page: Page = [*MOTTO, Gap(0.2), Center("ĐƠN ĐỀ NGHỊ CẤP GIẤY PHÉP XÂY DỰNG", bold=True, grow=2),
                  Center("(Sử dụng cho công trình: Nhà ở riêng lẻ)", italic=True), Gap(0.4),
                  _f("Kính gửi:", f.addressee),
                  Text("1. Thông tin về chủ đầu tư:", bold=True),
                  _f("- Tên chủ đầu tư (tên chủ hộ):", f.name(owner)),
                  _row(("- Người đại diện:", None), ("Chức vụ (nếu có):", None), shares=(0.55, 0.45))]
    if new:
        page += [_f("- Số định danh cá nhân:", owner.pid), _f("- Địa chỉ liên hệ:", f.address),
                 _f("- Số điện thoại:", phone(rng))]
    else:
        page += _split_address(f, "- Địa chỉ liên hệ:", f.address)
        page += [_f("- Số điện thoại:", phone(rng))]
    page += [Text("2. Thông tin công trình:", bold=True),
             _f("- Địa điểm xây dựng:", site),
             _row(("Lô đất số:", str(lot)), ("Diện tích:", f"{area} m2"), ("Tờ bản đồ số:", str(sheet)), shares=(0.3, 0.3, 0.4)),
             _f("- Giấy tờ về quyền sử dụng đất:", f"Giấy chứng nhận quyền sử dụng đất, quyền sở hữu nhà ở và tài sản khác gắn liền với đất số {certificate}")]
    if not new:
        page += _split_address(f, "Tại:", site)
    page += [Text("3. Tổ chức/cá nhân lập, thẩm tra thiết kế xây dựng:", bold=True),
             _f("- Tên tổ chức/cá nhân:", rng.choice(("Công ty TNHH Tư vấn Thiết kế Nhà Việt", "Công ty CP Kiến trúc Hà Nội Xanh",
                                                     "Kiến trúc sư Trần Quang Vinh"))),
             _f("- Mã số chứng chỉ năng lực/hành nghề:", f"HAN-{rng.randint(10000, 99999)}"),
             Text("4. Nội dung đề nghị cấp phép:", bold=True),
             _row(("- Cấp công trình:", "III"), ("- Số tầng:", str(floors)), shares=(0.5, 0.5)),
             _f("- Diện tích xây dựng tầng 1 (tầng trệt):", f"{int(area * 0.9)} m2"),
             _row(("- Tổng diện tích sàn:", f"{int(area * 0.9 * floors)} m2"), ("- Chiều cao công trình:", f"{floors * 3.6 + 1.2:.1f} m")),
             _f("5. Dự kiến thời gian hoàn thành công trình:", f"{rng.randint(6, 14)} tháng"),
             Text("6. Cam kết: Tôi xin cam kết làm theo đúng giấy phép được cấp, nếu sai tôi xin hoàn toàn chịu trách nhiệm "
                  "và bị xử lý theo quy định của pháp luật."),
             Sign((("NGƯỜI LÀM ĐƠN/ĐẠI DIỆN CHỦ ĐẦU TƯ", "(Ký, ghi rõ họ tên, đóng dấu (nếu có))", f.name(owner)),),
                  place_date=f"{f.place}, {words_date(f.filed)}")]
    land = [Center("BẢN SAO", italic=True), *MOTTO,
            Center("GIẤY CHỨNG NHẬN", bold=True, grow=3),
            Center("QUYỀN SỬ DỤNG ĐẤT, QUYỀN SỞ HỮU NHÀ Ở VÀ TÀI SẢN KHÁC GẮN LIỀN VỚI ĐẤT", bold=True),
            Gap(0.5), Text("I. Người sử dụng đất, chủ sở hữu nhà ở và tài sản khác gắn liền với đất", bold=True),
            Text(f"{'Ông' if owner.male else 'Bà'}: {owner.name}, sinh năm {owner.born.year}, CCCD số: {owner.pid}"),
            Text(f"Địa chỉ thường trú: {f.address}"),
            Text("II. Thửa đất, nhà ở và tài sản khác gắn liền với đất", bold=True),
            Text(f"a) Thửa đất số: {lot};  b) Tờ bản đồ số: {sheet};"), Text(f"c) Địa chỉ: {site}"),
            Text(f"d) Diện tích: {area} m2;  đ) Hình thức sử dụng: Sử dụng riêng;  e) Mục đích sử dụng: Đất ở tại đô thị"),
            Text(f"Số vào sổ cấp GCN: CH {rng.randint(1000, 99999)}    Số phát hành: {certificate}")]
    return [page, land]


# ---- defects on the applicant's ID -----------------------------------------------------------------------


def _spoil_id(f: Filing, p: Person) -> Person:
    """The applicant's ID with the planted defect: a 9-digit CMND, or a 12-digit ID whose year digits are not the birth year."""
    from samples.official.people import old_cmnd

    if f.defect == "cmnd-9-so":
        pid = old_cmnd(f.rng)
    else:
        wrong = (p.born.year + f.rng.choice((-7, -5, -3, -2, -1, 1, 2, 3, 5, 9))) % 100
        pid = f"{p.pid[:4]}{wrong:02d}{p.pid[6:]}"
    return Person(p.surname, p.middle, p.given, p.male, p.born, p.birth_code, p.birth_province, pid, p.ethnicity)


def _province_of(f: Filing) -> str:
    return f.unit.province if f.unit is not None else str(f.notes.get("province", "Thành phố Hà Nội"))


BUILDERS: dict[str, Callable[[Filing, str], list[Page]]] = {
    "khai-sinh": khai_sinh, "ket-hon": ket_hon, "khai-tu": khai_tu, "xac-nhan-hon-nhan": xac_nhan_hon_nhan,
    "thuong-tru": thuong_tru, "tam-tru": tam_tru, "ho-kinh-doanh": ho_kinh_doanh, "giay-phep-xay-dung": giay_phep_xay_dung,
}
