"""Recognising the procedure of a dossier from the titles of its pages.

Every form and attachment in the catalogue prints a title in capitals near the
top of its page. Each page is matched on its own (a dossier is usually one
PDF: the form, then attachments), the form page decides the procedure, and
when two procedures share a form (CT01) the content of the request decides.
Matching is done on folded text with rapidfuzz, so lost diacritics, case and
small OCR slips do not matter; anything unclear is reported, never guessed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Sequence

from rapidfuzz import fuzz

from domain.catalogue import Catalogue
from domain.labels import split_lines
from domain.model import Classification, PageInput, Problem
from domain.layout import top_down_text
from domain.text import caps_letters, fold_key

TITLE_LINES = 25  # titles sit near the top; the body may quote them
TITLE_MIN_SCORE = 82.0  # a line below this is not a title
TITLE_MARGIN = 6.0  # the best title must beat a different one by this much
SURE = 0.85  # classification confidence below this asks for review
MARKER_MIN_SCORE = 80.0  # CT01: the request must read this much like "đăng ký tạm trú"...
MARKER_MARGIN = 10.0  # ...and this much better than the other procedure's markers
_BRACKETS = re.compile(r"\([^)]*\)")


@dataclass(frozen=True, slots=True)
class Target:
    """A title hoso knows: a form's (shared by procedures on one form) or an attachment's."""

    kind: str  # "form" or an attachment slug
    procedures: tuple[str, ...]  # for a form: the procedures printing this title
    key: str  # folded title


@dataclass(frozen=True, slots=True)
class PageTitle:
    """What one page is, judged from its title."""

    kind: str  # "form", an attachment slug, or "unknown"
    procedures: tuple[str, ...] = ()
    score: float = 0.0  # 0..100
    runner_up: float = 0.0  # best score of a different target on that line
    text: str = ""  # the title as read


@lru_cache(maxsize=8)
def _targets(catalogue: Catalogue) -> tuple[Target, ...]:
    forms: dict[str, list[str]] = {}
    for procedure in catalogue.procedures:
        forms.setdefault(fold_key(procedure.title), []).append(procedure.slug)
    targets = [Target("form", tuple(slugs), key) for key, slugs in forms.items()]
    for attachment in catalogue.attachments:
        for title in (attachment.title, *attachment.aliases):
            targets.append(Target(attachment.slug, (), fold_key(title)))
    return tuple(targets)


def _score(candidate: str, target: Target) -> float:
    return max(
        fuzz.ratio(candidate, target.key),
        fuzz.ratio(candidate.replace(" ", ""), target.key.replace(" ", "")),
    )


def _same(a: Target, b: Target) -> bool:
    return a.kind == b.kind and a.procedures == b.procedures


def page_title(text: str, catalogue: Catalogue) -> PageTitle:
    """Recognise a page by the first line near its top that reads as a title."""
    lines = split_lines(text)[:TITLE_LINES]
    keys = [fold_key(caps_letters(_BRACKETS.sub(" ", line))) for line in lines]
    targets = _targets(catalogue)

    def candidates(i: int) -> list[tuple[str, str]]:
        # A long title may wrap onto the next line.
        out = [(keys[i], lines[i])]
        if i + 1 < len(keys):
            out.append((f"{keys[i]} {keys[i + 1]}", f"{lines[i]} {lines[i + 1]}"))
        return [c for c in out if c[0]]

    def scored(i: int) -> list[tuple[float, Target, str]]:
        found = [(_score(key, t), t, shown) for key, shown in candidates(i) for t in targets]
        return sorted(found, key=lambda s: s[0], reverse=True)

    for i in range(len(keys)):
        here = scored(i)
        if not here or here[0][0] < TITLE_MIN_SCORE:
            continue
        # The hit may be this line joined to the title on the next one
        # ("Mẫu CT01" + title): let the next line alone compete.
        if i + 1 < len(keys):
            here = sorted(here + scored(i + 1)[:1], key=lambda s: s[0], reverse=True)
        best_score, best, shown = here[0]
        runner_up = next((s for s, t, _ in here[1:] if not _same(t, best)), 0.0)
        return PageTitle(best.kind, best.procedures, best_score, runner_up, shown)
    return PageTitle("unknown")


def _content_procedure(text: str, slugs: Sequence[str], catalogue: Catalogue) -> tuple[str | None, float]:
    """Pick among procedures sharing a form by what the request says (CT01).

    The best marker must read well and clearly better than the others':
    "Đăng ký m trú" (OCR lost "tạm") is still tạm trú, a form naming both is
    not decided here.
    """
    body = fold_key(text)
    scores = sorted(
        (
            (max(fuzz.partial_ratio(fold_key(m), body) for m in catalogue.procedure(slug).content_markers), slug)
            for slug in slugs
        ),
        reverse=True,
    )
    best, slug = scores[0]
    runner_up = scores[1][0] if len(scores) > 1 else 0.0
    if best < MARKER_MIN_SCORE or best - runner_up < MARKER_MARGIN:
        return None, 0.0
    return slug, best


# What the last page of every form says: the declarant's pledge and the signature block.
_FORM_ENDINGS = ("tôi cam đoan", "chúng tôi cam đoan", "tôi cam kết", "ký, ghi rõ họ", "ký và ghi rõ họ",
                 "ký, ghi họ tên", "người yêu cầu", "người làm đơn", "người kê khai", "làm tại")


def _with_continuations(kinds: tuple[str, ...], pages: Sequence[PageInput]) -> tuple[str, ...]:
    """Pages with no title that carry on the form before them are the form's ("form"), not unknown pages.

    A two-page form's second page starts mid-form ("Năm sinh: 1996 / Nơi cư
    trú: …") and ends with the pledge and signature; warning that it is an
    unrecognised page sends an official to look at a page that is fine.
    """
    out = list(kinds)
    for i in range(1, len(out)):
        if out[i] == "unknown" and out[i - 1] == "form":
            body = fold_key(pages[i].text)
            if any(fold_key(ending) in body for ending in _FORM_ENDINGS):
                out[i] = "form"
    return tuple(out)


def classify(pages: Sequence[PageInput], catalogue: Catalogue) -> Classification:
    """The procedure of a dossier, what each page is, and what is unclear."""
    titles = [page_title(top_down_text(page.text, page.words), catalogue) for page in pages]
    problems: list[Problem] = []
    page_kinds = tuple(t.kind for t in titles)

    decided: dict[str, tuple[float, PageTitle]] = {}
    undecided: list[PageTitle] = []
    for page, title in zip(pages, titles):
        if title.kind != "form":
            continue
        if len(title.procedures) == 1:
            slug, marker_score = title.procedures[0], 100.0
        else:
            slug, marker_score = _content_procedure(page.text, title.procedures, catalogue)
            if slug is None:
                undecided.append(title)
                continue
        confidence = title.score / 100 * marker_score / 100
        if title.score - title.runner_up < TITLE_MARGIN:
            confidence *= 0.6
        if slug not in decided or confidence > decided[slug][0]:
            decided[slug] = (confidence, title)

    if len(decided) > 1:
        names = ", ".join(catalogue.procedure(s).name for s in decided)
        problems.append(catalogue.problem("nhieu-thu-tuc", procedures=names))
        return Classification(None, 0.0, page_kinds, tuple(problems))
    if not decided:
        if undecided:
            problems.append(catalogue.problem("ct01-khong-ro-noi-dung"))
        else:
            problems.append(catalogue.problem("khong-nhan-dang-thu-tuc"))
        return Classification(None, 0.0, page_kinds, tuple(problems))
    (slug, (confidence, title)), = decided.items()
    page_kinds = _with_continuations(page_kinds, pages)
    for number, kind in enumerate(page_kinds, start=1):
        if kind == "unknown":
            problems.append(catalogue.problem("trang-khong-nhan-dang", page=number))
    if confidence < SURE:
        problems.append(
            catalogue.problem(
                "thu-tuc-khong-chac-chan",
                text=title.text,
                score=round(confidence * 100),
                procedure=catalogue.procedure(slug).name,
            )
        )
    return Classification(slug, round(confidence, 3), page_kinds, tuple(problems))
