"""Extracting a procedure's fields from the text of its form.

The catalogue says which labels a form prints and in which part of the form
(the applicant at the top, the child below "Đề nghị ... cho người dưới
đây"). Values are read leniently, because Tesseract loses diacritics, reads
O for 0 and breaks numbers into groups, and each value carries a confidence
that falls with every repair, so that the rules know when to ask a person.
"""

from __future__ import annotations

import re
from datetime import date
from dataclasses import replace
import unicodedata
from collections import Counter
from typing import Callable, Sequence

from rapidfuzz import fuzz

from domain.catalogue import Catalogue
from domain.catalogue_schema import FieldSpec, SameValueRule, Section
from domain.classify import page_title
from domain.labels import LabelSet, split_lines, strip_value
from domain.layout import NEXT_ROW_GAP, Cell, Row, WordBox, line_height, rows_from_text, rows_from_words, top_down_text
from domain.model import FieldValue, PageInput
from core.text import is_vietnamese_word
from domain.text import clean_line, fold, fold_key, read_number, repair_digits, squash, title_case
from domain.validators import Invalid, amount, area, find_date, land_certificate, parse_sex, personal_id

SECTION_MIN_SCORE = 88.0  # a heading line must read this well to open a section
PERSONAL_ID_LENGTHS = (12, 9)  # số định danh cá nhân; the old CMND, to report it as such
REPAIR_PENALTY = 0.04  # confidence lost per character OCR had to repair
PLAUSIBLE_YEARS = (1900, 2100)  # dates outside are more likely misread than written
WRAP_WIDTH = 0.85  # a line this close to the widest has reached the margin
MAIN = ""  # the part of a form before its first section marker
OTHER = "(other)"  # key of labels printed on forms that hoso does not extract

Reading = tuple[str, float]  # value, quality 0..1


def _letters(word: str) -> str:
    """Only the letters of a word: OCR adds digits, marks and specks to names."""
    return "".join(ch for ch in word if unicodedata.category(ch) in ("Lu", "Ll"))


_CELL_BARS = re.compile(r"(?:^|(?<=\s))[|¦]+|[|¦]+(?=\s|$)")


def _read_name(raw: str) -> Reading | None:
    raw = _CELL_BARS.sub(" ", raw)  # a table's column line read as "|" beside the name
    words = [w for w in re.split(r"[\s,.;:]+", raw) if w]
    # Names are written with capitals: lower-case words before them are the label's
    # own words read past ("người đã chết Dương Văn Trọng"); a lower-case sentence is no name.
    lead = 0
    while lead < len(words) and words[lead][:1].islower():
        lead += 1
    if lead == len(words) and len(words) >= 4:
        return None
    if 0 < lead < len(words):
        words = words[lead:]
    letters: list[str] = []
    for word in words:
        clean = _letters(word)
        if not clean:
            continue
        if letters and clean == word and not any(fold(ch) in "aeiouy" for ch in clean):
            # A syllable without a vowel is half of a word OCR split ("DƯƠ NG").
            letters[-1] += clean
        else:
            letters.append(clean)
    if not letters:
        return None
    quality = 1.0
    damaged = any(_letters(w) != w for w in words) or len(letters) != len(words)
    if damaged or any(not is_vietnamese_word(w) for w in letters):
        quality = 0.7  # digits, stray symbols, foreign letters or split words: OCR noise
    if len(letters) < 2:
        quality = min(quality, 0.6)  # a Vietnamese full name has a family name and a given name
    return title_case(" ".join(letters)), quality


#: The quality of a name that the dossier prints at least twice and OCR read the same each time.
AGREED_NAME_QUALITY = 0.9
#: What a name word read in capitals without marks counts for against one read with marks: Tesseract
#: drops the marks of capitals far more often than it invents marks anywhere (133 and 16 of 2,734 name
#: words on hoso's scans), so the form's "NGUYỄN BẢO NGOC" and the ID card's "NGUYỄN BẢO NGOC" together
#: only tie the signature's "Nguyễn Bảo Ngọc", and on a tie the marks win.
CAPITALS_WITHOUT_MARKS = 0.5
# …except the marks Tesseract reads into the dot of a small i ("Chi" read "Chỉ" on two official scans).
_MARKS_OVER_I = str.maketrans("ìỉíĩ", "iiii")


def _consensus_marks(name: str, quality: float, lines: Sequence[str]) -> Reading:
    """Settle the marks of a name by how the dossier writes it everywhere.

    A name is printed several times (the applicant's line, the signature, an
    attachment); Tesseract may read "NGUYỄN HỒNG CHỈ" on one line, "Nguyễn
    Hồng Chi" on another and "NGUYEN HONG CHI" on a third. Each word takes
    the spelling most occurrences agree on, a reading in capitals without
    marks counting half (CAPITALS_WITHOUT_MARKS).
    """
    words = name.split(" ")
    keys = [fold(w) for w in words]
    votes: list[Counter[str]] = [Counter() for _ in words]  # weighted: see CAPITALS_WITHOUT_MARKS
    in_lower_case: set[str] = set()  # spellings read from a name not printed in capitals
    in_plain_capitals: set[str] = set()  # spellings read from capitals without any mark
    seen = 0  # places of the dossier where the name was read
    for line in lines:
        tokens = [t for t in (_letters(w) for w in re.split(r"[\s,.;:]+", line)) if t]
        for i in range(len(tokens) - len(words) + 1):
            window = tokens[i : i + len(words)]
            if [fold(t) for t in window] != keys:
                continue
            capitals = all(t.isupper() for t in window)
            seen += 1
            for counter, token in zip(votes, window):
                plain_capitals = capitals and token.isascii()
                counter[title_case(token)] += CAPITALS_WITHOUT_MARKS if plain_capitals else 1.0
                if plain_capitals:
                    in_plain_capitals.add(title_case(token))
                if not capitals:
                    in_lower_case.add(title_case(token))
    # Read the same way in another place of the dossier (the signature, an attachment): two readings
    # that agree letter for letter (marks aside) are surer than either one.
    if seen >= 2:
        quality = max(quality, AGREED_NAME_QUALITY)
    settled = []
    for word, counter in zip(words, votes):
        counter[word] += 0  # the reading at the label always stands
        # Most occurrences win. On a tie, marks beat none (Tesseract drops
        # marks far more often than it invents them: measured on hoso's scans,
        # 161 of 2,734 name words lost their marks, 16 got wrong ones), then
        # lower case beats capitals (where 133 of the 161 losses were), then
        # the label's reading stays.
        best = max(counter, key=lambda w: (counter[w], not w.isascii(), w in in_lower_case, w == word))
        # A capital I has no dot for Tesseract to read as a mark; a small i's dot becomes one ("Chi" → "Chỉ").
        plain = best.translate(_MARKS_OVER_I)
        settled.append(plain if plain != best and plain in in_plain_capitals else best)
    if settled == words:
        return name, quality
    return " ".join(settled), quality * 0.95


def _repair_family_name(name: str, quality: float, catalogue: Catalogue) -> Reading:
    """Put back the diacritics OCR took from a family name ("Nguyên" -> "Nguyễn")."""
    if name.isascii():
        return name, quality  # written without any marks, maybe on purpose: leave it so
    family, _, rest = name.partition(" ")
    repaired = catalogue.family_name(family)
    if repaired is None:
        return name, quality
    return " ".join(filter(None, (repaired, rest))), quality * 0.95


def _read_digits(raw: str, prefer: tuple[int, ...] = ()) -> Reading | None:
    number, changed = read_number(raw, prefer)
    if not number:
        return None
    return number, max(0.3, 1.0 - REPAIR_PENALTY * changed)


# Twelve digits as printed: in one run, in groups ("001 103 247612", "001.103.247612"), or one per box
# with the boxes' walls gone ("0 0 1 1 0 3 2 4 7 6 1 2"); or the nine of an old identity card.
_ID_AS_PRINTED = re.compile(r"(?<![\d/.-])(?<!\d[ .])(\d(?:[ .]?\d){11}|\d(?:[ .]?\d){8}(?![ .]?\d))(?![\d/])")


_DIGIT_BOXES = re.compile(r"[\[\]|T]")


def _read_personal_id(raw: str) -> Reading | None:
    if len(re.findall(r"[\[\]|]", raw)) >= 6:
        # CT01 prints the number in a row of boxes: OCR reads their sides as brackets, bars and T.
        raw = _DIGIT_BOXES.sub("", raw)
    # "Căn cước công dân số 001085012345 do Cục ... cấp ngày 05/07/2021": the number as printed
    # wins over digit repairs that would glue the date on.
    printed = [re.sub(r"\D", "", m) for m in _ID_AS_PRINTED.findall(raw)]
    if len(set(printed)) == 1:
        return printed[0], 1.0
    reading = _read_digits(raw, PERSONAL_ID_LENGTHS)
    # Digits gathered from around the label, not one number as printed: too unsure to reject on.
    return (reading[0], min(reading[1], 0.8)) if reading else None


def _read_date(raw: str) -> Reading | None:
    parts = find_date(raw)
    if parts is None:
        return (squash(raw), 0.5) if raw else None
    _, changed = repair_digits(raw)
    day, month, year = parts
    quality = max(0.3, 1.0 - REPAIR_PENALTY * changed)
    if not PLAUSIBLE_YEARS[0] <= year <= PLAUSIBLE_YEARS[1]:
        quality = min(quality, 0.5)  # "1378" is a misread "1978" more often than a typo
    return f"{day:02d}/{month:02d}/{year:04d}", quality


def _read_sex(raw: str) -> Reading | None:
    try:
        return parse_sex(raw), 1.0
    except Invalid:
        pass
    # Specks before the value ("GIỚI tình /j S€C%: Nu" from a bilingual ID card): the word after the last colon.
    tail = raw.rsplit(":", 1)[-1].strip() if ":" in raw else ""
    if tail:
        try:
            return parse_sex(tail), 0.8
        except Invalid:
            pass
    return (squash(raw), 0.5) if raw else None


def _read_with(parse: Callable[[str], object], show: Callable[[object], str]) -> Callable[[str], Reading | None]:
    def read(raw: str) -> Reading | None:
        try:
            return show(parse(raw)), 1.0
        except Invalid:
            return (squash(raw), 0.5) if raw else None

    return read


_LAND_SERIAL = re.compile(r"(?<![A-Za-z0-9])([A-Z]{2}\s?\d{6})(?![0-9])")


def _read_land_cert(raw: str) -> Reading | None:
    # "Giấy chứng nhận quyền sử dụng đất, quyền sở hữu nhà ở … số BX 217168": the serial in the sentence.
    found = _LAND_SERIAL.findall(raw)
    if len(set(found)) == 1:
        return land_certificate(found[0]), 1.0
    return _read_with(land_certificate, str)(raw)


def _read_tax_code(raw: str) -> Reading | None:
    repaired, changed = repair_digits(squash(raw))
    compact = re.sub(r"[^\d\-]", "", repaired).strip("-")
    if not compact:
        return None
    return compact, max(0.3, 1.0 - REPAIR_PENALTY * changed)


def _read_text(raw: str) -> Reading | None:
    text = squash(raw)
    return (text, 1.0) if text else None


_READERS: dict[str, Callable[[str], Reading | None]] = {
    "name": _read_name,
    "personal_id": _read_personal_id,
    "phone": _read_digits,
    "date": _read_date,
    "sex": _read_sex,
    "text": _read_text,
    "money": _read_with(amount, str),
    "count": _read_with(amount, str),
    "area": _read_with(area, lambda v: f"{v:g}"),
    "land_cert": _read_land_cert,
    "tax_code": _read_tax_code,
}


def read_value(kind: str, raw: str) -> Reading | None:
    """Read a raw value of a field kind into its canonical text and a quality."""
    return _READERS[kind](raw)


def _marker_score(line: str, section: Section) -> float:
    """How well a line reads as one of the section's headings (0..100)."""
    key = fold_key(line)
    best = 0.0
    for marker in section.markers:
        mk = fold_key(marker)
        best = max(best, fuzz.ratio(key, mk))
        if len(key) >= len(mk):
            # The heading may carry more words ("Thông tin về chủ hộ kinh doanh:").
            best = max(best, fuzz.partial_ratio(mk, key[: len(mk) + 10]) - 4)
    return best


def _section_of(line: str, sections: Sequence[Section], current: str) -> str:
    """The section a heading line opens, or the current one: the best marker wins.

    "THÔNG TIN BÊN NAM" also reads 91 % like "Thông tin bên nữ"; only the
    best match can tell them apart.
    """
    scored = [(_marker_score(line, s), s.name) for s in sections]
    score, name = max(scored, default=(0.0, current))
    return name if score >= SECTION_MIN_SCORE else current


def _form_pages(pages: Sequence[PageInput], catalogue: Catalogue) -> list[PageInput]:
    """The pages that hold the form: all but recognised attachments."""
    kept = [p for p in pages if page_title(top_down_text(p.text, p.words), catalogue).kind in ("form", "unknown")]
    return kept or list(pages)


def _parts_of(spec: FieldSpec, specs: Sequence[FieldSpec]) -> set[str]:
    """The parts of the form where a field's labels are looked for.

    Its own section; and the main part too when no other field prints the
    same label, because forms of another layout or an older version do not
    always print the section heading ("Thông tin về chủ hộ kinh doanh").
    """
    own = spec.section or MAIN
    mine = {fold_key(label) for label in spec.labels}
    shared = any(other is not spec and mine & {fold_key(label) for label in other.labels} for other in specs)
    return {own} if shared else {own, MAIN}


class _Reader:
    """Reads one dossier's form pages row by row, cell by cell, keeping what it found.

    A value is looked for where forms put it: after the label in the same
    cell; in the next cell of the row (a table, or a value after dotted
    leaders); on the line below the label when nothing follows it; or, in a
    table headed by section names ("Thông tin | Bên nữ | Bên nam"), in the
    column of each section.
    """

    def __init__(self, specs: Sequence[FieldSpec], sections: Sequence[Section],
                 label_sets: dict[str, LabelSet], catalogue: Catalogue, every_line: list[str]) -> None:
        self.by_name = {s.name: s for s in specs}
        self.sections = sections
        self.label_sets = label_sets
        self.catalogue = catalogue
        self.every_line = every_line
        self.found: dict[str, FieldValue] = {}
        self.section = MAIN
        self.number = 0

    def read_page(self, page: PageInput, number: int) -> None:
        self.number = number
        rows = rows_from_words(page.words) if page.words else rows_from_text(page.text)
        height = line_height(rows)
        page_confidence = max(0.0, min(page.confidence, 100.0)) / 100
        columns: list[tuple[str, Cell]] = []
        table: _Table | None = None
        for i, row in enumerate(rows):
            header = self._table_header(row)
            if header:
                if table is not None:
                    table.flush()
                columns = header
                table = _Table(self, header, row, height, page, page_confidence) if page.words else None
                continue
            if table is not None:
                if table.take(row):
                    continue
                table.flush()
                table, columns = None, []
            if columns and self._table_row(row, columns, page, page_confidence):
                continue
            columns = []
            skip = -1
            for j, cell in enumerate(row.cells):
                if j <= skip:
                    continue
                labels = self.label_sets[self.section]
                labelled = labels.match(cell.text)
                if labelled is None:
                    if j == 0:
                        self.section = _section_of(row.text, self.sections, self.section)
                    continue
                if labelled.key == OTHER or labelled.key in self.found:
                    continue
                spec = self.by_name[labelled.key]
                raw, where = labels.cut_at_label(labelled.value), cell
                if not strip_value(_blank_words(raw)):
                    following = row.cells[j + 1] if j + 1 < len(row.cells) else None
                    if following is not None and labels.match(following.text) is None:
                        raw, where, skip = following.text, following, j + 1
                    elif spec.kind == "text" and (items := _sub_items(rows, i)):
                        raw = items  # "Địa chỉ trụ sở:" over "Số nhà…: …", "Xã/Phường/Thị trấn: …" rows
                    else:
                        below = self._below(rows, i, cell, height, labels, spec)
                        raw, where = (below.text, below) if below is not None else ("", cell)
                elif spec.kind in ("text", "land_cert") and j == len(row.cells) - 1 and (
                    _wraps_rows(rows, i, labels, self.sections) or _serial_wraps(spec, raw, rows, i, labels)
                ):
                    raw = f"{raw} {rows[i + 1].text}"
                self._keep(spec, raw, page_confidence * labelled.score / 100, page, where)
        if table is not None:
            table.flush()

    def _keep(self, spec: FieldSpec, raw: str, confidence: float, page: PageInput, where: Cell) -> None:
        raw = _blank_words(raw)
        if spec.kind == "name":
            raw = _before_leaders(raw)  # what follows a name's leaders is specks, not the name
        if not strip_value(raw):
            # The label was read and nothing is written after it: a blank, not a miss.
            self.found[spec.name] = FieldValue("", round(confidence, 3), self.number, self._box(page, where))
            return
        reading = read_value(spec.kind, raw)
        if reading is None:
            return
        value, quality = reading
        if spec.kind in _SHAPED_KINDS | {"sex"} and quality < 1.0 and self._holds_label(raw):
            return  # a table's header beside the label ("Giới tính | Số định danh cá nhân"), not a value
        if spec.kind == "name":
            value, quality = _consensus_marks(value, quality, self.every_line)
            value, quality = _repair_family_name(value, quality, self.catalogue)
        self.found[spec.name] = FieldValue(value, round(confidence * quality, 3), self.number, self._box(page, where))

    def _holds_label(self, raw: str) -> bool:
        """Whether a reading holds another label of the form: it was read past its own value."""
        labels = self.label_sets[self.section]
        parts = [p for p in re.split(r"[|:]", raw) if p.strip()]
        return any(labels.match(p) is not None or labels.is_label(p) for p in parts)

    @staticmethod
    def _box(page: PageInput, where: Cell) -> tuple[float, float, float, float] | None:
        return where.box if page.words else None  # a text-only page has line numbers, not positions

    def _below(self, rows: Sequence[Row], i: int, cell: Cell, height: float, labels: LabelSet,
               spec: FieldSpec) -> Cell | None:
        """The cell under a label that has nothing after it: a value written on the next line."""
        if i + 1 >= len(rows):
            return None
        row = rows[i + 1]
        if row.top - rows[i].bottom > NEXT_ROW_GAP * height:
            return None
        # The value starts under the label; specks and leaders printed under it may follow as more cells.
        under = [c for c in row.cells if cell.left - 2 * height <= c.left <= cell.left + 6 * height]
        if not under:
            return None
        candidate = min(under, key=lambda c: c.left)
        if labels.match(candidate.text) is not None or _section_of(candidate.text, self.sections, MAIN) != MAIN:
            return None
        text = _before_leaders(candidate.text)
        # A line with a colon is another label, unless the value's own shape is found before it:
        # "23/11/2026 ghi bằng chữ: Ngày hai mươi ba…" under "Ngày, tháng, năm sinh:".
        if ":" in text and spec.kind not in _SHAPED_KINDS:
            return None
        if read_value(spec.kind, text.split(":")[0]) is None:
            return None
        if spec.kind == "name" and not _looks_like_name(text):
            return None
        return replace(candidate, text=text)

    def _table_header(self, row: Row) -> list[tuple[str, Cell]]:
        """Columns of a table headed by section names ("Thông tin | Bên nữ | Bên nam")."""
        if len(row.cells) < 2 or not self.sections:
            return []
        columns = []
        for cell in row.cells:
            scored = max((_marker_score(cell.text, s), s.name) for s in self.sections)
            if scored[0] >= SECTION_MIN_SCORE:
                columns.append((scored[1], cell))
        names = {name for name, _ in columns}
        return columns if len(names) >= 2 and len(names) == len(columns) else []

    def _table_row(self, row: Row, columns: list[tuple[str, Cell]], page: PageInput, page_confidence: float) -> bool:
        """Read one row of a table headed by sections: a label, then one value per column."""
        if len(row.cells) < 2:
            return False
        label_cell, values = row.cells[0], row.cells[1:]
        matched = False
        for cell in values:
            section = max(columns, key=lambda col: _overlap(cell, col[1]))[0]
            if _overlap(cell, dict(columns)[section]) <= 0 and len(values) != len(columns):
                continue
            labelled = self.label_sets[section].match(label_cell.text + ":")
            if labelled is None or labelled.key == OTHER:
                continue
            matched = True
            if labelled.key not in self.found:
                self._keep(self.by_name[labelled.key], cell.text, page_confidence * labelled.score / 100, page, cell)
        return matched


class _Table:
    """A table headed by section names, read row by row into its columns.

    The row's cells (split at wide gaps) go to the section column whose
    heading is nearest; the first cell is the label when it starts at the
    label column's edge, and a label cell that also holds the first value
    (the gap was narrow) is cut after the longest label it starts with. A row
    with no label continues the record above (a value wrapped in its cell);
    a label that is no label yet continues onto the next row ("Ngày, tháng,"
    / "năm sinh"). The table ends at a row of running text (a word across
    the gap between two section columns) or at the next heading.
    """

    def __init__(self, reader: _Reader, header: list[tuple[str, Cell]], row: Row, height: float,
                 page: PageInput, page_confidence: float) -> None:
        self.reader, self.height, self.page, self.page_confidence = reader, height, page, page_confidence
        self.sections = [(name, (c.left + c.right) / 2) for name, c in header]
        mids = sorted(c for _, c in self.sections)
        # Between two section columns lies a gap no cell crosses (the label column's edge is less clear).
        self.bounds = [(a + b) / 2 for a, b in zip(mids, mids[1:])]
        self.label_left = row.cells[0].left
        self.label: list[str] = []
        self.values: dict[str, list[Cell]] = {}

    def take(self, row: Row) -> bool:
        """Take a row into the table; False when the row is not part of it."""
        if not row.words or any(w.left < b < w.right for w in row.words for b in self.bounds):
            return False  # running text across the columns: the table is over
        if not row.cells:
            return True  # a row of leaders or rules only
        words = list(row.words)
        label = ""
        first = row.cells[0]
        if first.left <= self.label_left + 3 * self.height:
            self.label_left = min(self.label_left, first.left)
            inside = [w for w in words if w.left >= first.left - 0.5 and w.right <= first.right + 0.5]
            label, spill = self._cut_label(inside)
            words = spill + [w for w in words if w not in inside]
        # A new label closes the record above when that record's label is whole; a stray word under it
        # ("sinh", the end of "Ngày, tháng, năm / sinh" already read) must not swallow the labels after it.
        pending = " ".join(self.label)
        if label and (not pending or self._matches(pending)
                      or (self._matches(label) and not self._matches(f"{pending} {label}"))):
            self.flush()
        if label:
            self.label.append(label)
        by_section: dict[str, list[WordBox]] = {}
        for word in words:  # a value cell never crosses the gap between two section columns
            middle = (word.left + word.right) / 2
            name = min(self.sections, key=lambda c: abs(c[1] - middle))[0]
            by_section.setdefault(name, []).append(word)
        for name, group in by_section.items():
            self.values.setdefault(name, []).append(_cell_of(group))
        return True

    def _cut_label(self, words: list[WordBox]) -> tuple[str, list[WordBox]]:
        """The label part of a first cell's words, and the words of a value that follows it in the cell."""
        for k in range(len(words) - 1, 0, -1):
            if self._matches(" ".join(w.text for w in words[:k])):
                return " ".join(w.text for w in words[:k]), words[k:]
        return " ".join(w.text for w in words), []

    def _matches(self, label: str) -> bool:
        """Whether the text is a whole label the form prints (one hoso reads or not)."""
        return any(self.reader.label_sets[name].is_label(label) for name, _ in self.sections)

    def flush(self) -> None:
        label = " ".join(self.label)
        if label:
            for name, cells in self.values.items():
                labelled = self.reader.label_sets[name].match(label + ":")
                if labelled is None or labelled.key == OTHER or labelled.key in self.reader.found or not cells:
                    continue
                text = clean_line(" ".join(c.text for c in cells))
                where = Cell(text, min(c.left for c in cells), min(c.top for c in cells),
                             max(c.right for c in cells), max(c.bottom for c in cells),
                             min(c.confidence for c in cells))
                self.reader._keep(self.reader.by_name[labelled.key], text,
                                  self.page_confidence * labelled.score / 100, self.page, where)
        self.label, self.values = [], {}


def _sub_items(rows: Sequence[Row], i: int) -> str:
    """The values of the part-rows under a label ("Xã/Phường/Thị trấn: …"), joined as one address.

    Older forms (Thông tư 01/2021) print an address as rows of sub-labels
    that list the alternatives with slashes; their values, in order, are the
    address.
    """
    parts: list[str] = []
    for row in rows[i + 1 : i + 5]:
        found = []
        for cell in row.cells:
            label, colon, value = cell.text.partition(":")
            if colon and "/" in label and len(label) < 60:
                found.append(strip_value(value))
        if not found:
            break
        parts += [v for v in found if v]
    return ", ".join(parts)


def _cell_of(words: Sequence[WordBox]) -> Cell:
    """Words of one table cell as a cell: their text and the box around them."""
    return Cell(clean_line(" ".join(w.text for w in words)), min(w.left for w in words), min(w.top for w in words),
                max(w.right for w in words), max(w.bottom for w in words), min(w.confidence for w in words))


def _overlap(a: Cell, b: Cell) -> float:
    """How much two cells overlap horizontally; negative: how far apart they are."""
    return min(a.right, b.right) - max(a.left, b.left)


# The form's own hints in brackets: "(nếu có)", "(ghi rõ …)", "(ghi họ tên bằng chữ in hoa)", "(kê khai …)",
# "(bằng chữ)", "(đối với …)", "(trường hợp …)"; what a resident writes never starts that way.
# Matched on folded text (OCR reads "(ghỉ họ tên băng chư …)"); a hint at the very start may have lost its "(".
_BLANK_WORDS = re.compile(
    r"(?:\(|^\W*(?=ghi\s+(?:ro|ho|bang)))\s*(?:neu\s+c|ghi\b|ke\s+khai|bang\s+chu|doi\s+voi|truong\s+hop|danh\s+cho)[^):]*\)?"
)


def _blank_words(raw: str) -> str:
    """A value with the form's own hints taken out: "(nếu có)" is print, not an answer."""
    folded = fold(raw.lower())  # one character per character: positions carry over
    if len(folded) != len(raw):
        return raw
    out, last = [], 0
    for m in _BLANK_WORDS.finditer(folded):
        out += [raw[last : m.start()], " "]
        last = m.end()
    return "".join(out) + raw[last:]


_LEADER_RUN = re.compile(r"[.…_]{3,}")


def _before_leaders(text: str) -> str:
    """A value up to the dotted leaders that follow it (OCR reads what is printed after them as specks)."""
    head = _LEADER_RUN.split(text, maxsplit=1)[0].strip()
    return head or text


def _looks_like_name(text: str) -> bool:
    """Names are written with capitals: a line of lower-case words below a label is not a name."""
    words = [w for w in text.split() if any(ch.isalpha() for ch in w)]
    return bool(words) and all(w[:1].isupper() for w in words) and len(words) <= 7


# Kinds whose values have a shape of their own (digits, a date), so that a reading cannot be a label's words.
_SHAPED_KINDS = frozenset({"date", "personal_id", "phone", "land_cert", "tax_code"})


def _serial_wraps(spec: FieldSpec, raw: str, rows: Sequence[Row], i: int, labels: LabelSet) -> bool:
    """A land certificate named in words whose serial comes on the next line ("… quyền sở / hữu nhà ở … số CY 844795")."""
    if spec.kind != "land_cert" or _LAND_SERIAL.search(raw) or i + 1 >= len(rows):
        return False
    following = rows[i + 1]
    return len(following.cells) == 1 and labels.match(following.text) is None and bool(_LAND_SERIAL.search(following.text))


def _wraps_rows(rows: Sequence[Row], i: int, labels: LabelSet, sections: Sequence[Section]) -> bool:
    """Whether row ``i`` runs on into the next: a long address wrapped at the margin."""
    if i + 1 >= len(rows):
        return False
    line, following = rows[i].text, rows[i + 1].text
    widest = max(len(r.text) for r in rows)
    return (
        len(rows[i + 1].cells) == 1
        and len(line) >= WRAP_WIDTH * widest
        and len(following) < len(line) / 2
        and ":" not in following
        and labels.match(following) is None
        and _section_of(following, sections, MAIN) == MAIN
    )


def extract_fields(
    procedure: str | None, pages: Sequence[PageInput], catalogue: Catalogue
) -> dict[str, FieldValue]:
    """Every field the form of ``procedure`` carries that could be read.

    With no procedure, the catalogue's generic fields (applicant name and ID)
    are still tried, so an official sees who filed. A field whose label was
    not found is absent from the result; a label with nothing written after
    it gives an empty value, so that a blank can be told from a line OCR lost.
    """
    if procedure is None:
        specs: Sequence[FieldSpec] = catalogue.generic_fields
        sections: Sequence[Section] = ()
    else:
        entry = catalogue.procedure(procedure)
        specs, sections = entry.fields, entry.sections
    others = [(OTHER, label) for label in catalogue.other_labels]
    # One label set per part of the form: "Ngày, tháng, năm sinh" is the
    # applicant's at the top and the child's below the child marker.
    label_sets = {
        part: LabelSet([(s.name, label) for s in specs if part in _parts_of(s, specs) for label in s.labels] + others)
        for part in {MAIN, *(s.name for s in sections)}
    }

    reader = _Reader(specs, sections, label_sets, catalogue, [line for page in pages for line in split_lines(page.text)])
    form_pages = _form_pages(pages, catalogue)
    for page in form_pages:
        reader.read_page(page, next(i for i, p in enumerate(pages, 1) if p is page))
    found = reader.found
    id_spec = next((s for s in specs if s.name == "applicant_id" and not s.same_as), None)
    if id_spec is not None:
        beside = _id_beside_name(pages, form_pages, found.get("applicant_name"), catalogue)
        on_form = found.get("applicant_id")
        as_printed = on_form is not None and on_form.page is not None and (
            on_form.confidence >= round(pages[on_form.page - 1].confidence / 100, 3))
        chosen = _surer_id(on_form, beside, found.get(id_spec.dob_field or ""), catalogue, as_printed)
        if chosen is not None:
            found["applicant_id"] = chosen
    for spec in specs:
        if spec.same_as and spec.same_as in found:
            found[spec.name] = found[spec.same_as]
    if procedure is not None:
        for rule in catalogue.procedure(procedure).rules:
            if isinstance(rule, SameValueRule):
                _one_person_one_number(found, rule, catalogue)
    return found


#: How much less sure a number is when taken from the other line that writes it.
SAME_PERSON_FACTOR = 0.9


def _one_person_one_number(found: dict[str, FieldValue], rule: SameValueRule, catalogue: Catalogue) -> None:
    """One person's number written twice, one of the two lines read as specks: take the other line's.

    CT01's applicant who is the head of household writes their number at item 4
    and again at item 9. Where one of those digit-box rows came out as a
    fragment ("311681"), that is OCR, not what the resident wrote: the well-formed
    number on the other line is theirs. Where both read as well-formed numbers
    and differ, nothing is changed: the rule (domain.rules) sends it to review.
    """
    when = found.get(rule.when)
    if when is None or fold_key(when.value) not in {fold_key(x) for x in rule.is_}:
        return
    one, two = found.get(rule.field), found.get(rule.other)
    if one is None or two is None or not one.value or not two.value or one.value == two.value:
        return
    good = {name: _well_formed_id(value.value, catalogue) for name, value in ((rule.field, one), (rule.other, two))}
    if good[rule.field] == good[rule.other]:
        return
    source, target = (one, rule.other) if good[rule.field] else (two, rule.field)
    if found[target].confidence >= 0.9:
        return  # read as printed: the resident may have written it so; an official compares
    found[target] = replace(source, confidence=round(source.confidence * SAME_PERSON_FACTOR, 3))


def _well_formed_id(value: str, catalogue: Catalogue) -> bool:
    try:
        personal_id(value, catalogue.provinces)
    except Invalid:
        return False
    return True


def _has_value(found: dict[str, FieldValue], name: str) -> bool:
    value = found.get(name)
    return value is not None and bool(value.value)


#: How much less sure an ID read off an attachment is than one written on the form's own line.
ATTACHMENT_ID_FACTOR = 0.9


def _surer_id(on_form: FieldValue | None, beside: FieldValue | None, dob: FieldValue | None,
              catalogue: Catalogue, as_printed: bool = False) -> FieldValue | None:
    """The applicant's ID to keep, when an attachment restates it beside their name.

    The form's own line wins when it was read as printed. A boxed row that came
    out as specks and stray digits ("a1 1393963 9 053931": nine digits, an old
    identity card number by accident) is less sure than the consent letter's
    "bà Nguyễn Mỹ Duyên, sinh ngày 06/12/1995, số định danh cá nhân 024195599594";
    then the attachment's number is taken, if it is a valid number for the
    form's date of birth. Where both agree, the reading is as sure as the surer.
    ``as_printed``: the form's number was read as one printed number, not
    gathered or repaired; a malformed one is then what the resident wrote.
    """
    if beside is None:
        return None
    if on_form is None or not on_form.value:
        return beside
    if on_form.value == beside.value:
        return on_form if on_form.confidence >= beside.confidence else replace(on_form, confidence=beside.confidence)
    if not as_printed and not _well_formed_id(on_form.value, catalogue) and _well_formed_id(beside.value, catalogue):
        # The form's row is broken ("03307294320883": specks of the boxes joined the digits): the
        # attachment's number stands, whatever it says of the birth year; read off an attachment it is
        # never sure enough to turn the resident away on (catalogue confidence.trusted), only to review.
        return beside
    if on_form.confidence >= beside.confidence:
        return None
    born = _date_of(dob)
    try:
        personal_id(beside.value, catalogue.provinces, dob=born)
    except Invalid:
        return None
    return beside


def _date_of(value: FieldValue | None) -> date | None:
    parts = find_date(value.value) if value is not None and value.value else None
    if parts is None:
        return None
    day, month, year = parts
    try:
        return date(year, month, day)
    except ValueError:
        return None


# An ID's label with the line break somewhere after it or inside it ("…, số định danh cá nhân" / "024195599594",
# "…, số định danh" / "cá nhân 033072940883"), matched on the folded pair of lines joined; the number must follow it.
_ID_LABEL_WRAPPED = re.compile(r"(?:so dinh danh ca nhan|cccd(?: so)?|can cuoc(?: cong dan)?(?: so)?|cmnd(?: so)?)\s*:?\s*$")


def _wrapped_id(line: str, following: str) -> set[str]:
    """The number after an ID's label that the line break cut: the label ends the line or the next one opens with its end."""
    head = fold(line.lower()).rstrip()
    words = following.strip().split()
    for taken in range(0, min(3, len(words)) + 1):  # "cá nhân" / "số:" may open the next line
        rest = " ".join(words[taken:])
        opening = _ID_AS_PRINTED.match(rest)
        if opening is None:
            continue
        label = (head + " " + fold(" ".join(words[:taken]).lower())).strip()
        if _ID_LABEL_WRAPPED.search(label):
            return {re.sub(r"\D", "", opening.group(0))}
    return set()


def _id_beside_name(pages: Sequence[PageInput], form_pages: Sequence[PageInput], name: FieldValue | None,
                    catalogue: Catalogue) -> FieldValue | None:
    """The applicant's ID printed on an attachment on the line that names them.

    Older forms (the building permit application of Nghị định 15/2021) have no
    ID line: the official reads it off the copy attached ("Ông: NGUYỄN VĂN A,
    sinh năm 1980, CCCD số: 001080012345" on a land certificate); a consent
    letter for a residence registration names the person it lets in with their
    number, often wrapped to the next line. Taken only where the name the form
    gives is on the same line (the number there, or opening the next line after
    the ID's label), so that a child's or a seller's number is never taken for
    the applicant's.
    """
    if name is None or len(name.value.split()) < 2:
        return None
    wanted = fold_key(name.value)
    for number, page in enumerate(pages, 1):
        if any(page is p for p in form_pages):
            continue
        lines = split_lines(page.text)
        for at, line in enumerate(lines):
            key = fold_key(line)
            if wanted not in key and fuzz.partial_ratio(wanted, key) < 92:
                continue
            printed = {re.sub(r"\D", "", m) for m in _ID_AS_PRINTED.findall(line)}
            if not printed and at + 1 < len(lines):
                printed = _wrapped_id(line, lines[at + 1])
            if len(printed) == 1:
                value = printed.pop()
                confidence = page.confidence / 100 * ATTACHMENT_ID_FACTOR
                born = _BORN_IN.search(fold(line.lower()))
                if born and _born_elsewhere(value, int(born.group(1)), catalogue):
                    # The line's own birth year and the number's year digits disagree: an official looks.
                    confidence = min(confidence, 0.5)
                return FieldValue(value, round(confidence, 3), number, None)
    return None


def _born_elsewhere(number: str, year: int, catalogue: Catalogue) -> bool:
    """Whether the number's century and year digits name another birth year (the validator's own rule)."""
    try:
        personal_id(number, catalogue.provinces, dob=date(year, 1, 1))
    except Invalid as exc:
        return exc.code == "so-dinh-danh-sai-nam-sinh"
    return False


_BORN_IN = re.compile(r"sinh\s+(?:nam|ngay\s+\d{1,2}\s*/\s*\d{1,2}\s*/)\s*(\d{4})")
