"""Reading the catalogue: the YAML files of ``domain/data/`` (or HOSO_CATALOGUE_DIR), validated once.

Every file is checked against domain.catalogue_schema, then the files against
each other (an office a procedure names exists, a rule's problem code is
known, an alias names one commune only), so that a mistake stops hoso at start
with the file and the entry named instead of misrouting dossiers later.
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from core.errors import CatalogueError
from core.text import nfc
from domain.catalogue import Catalogue
from domain.catalogue_schema import (
    CommunesFile,
    NamesFile,
    OfficesFile,
    Procedure,
    ProblemsFile,
    ProceduresFile,
    ProvincesFile,
    _Model,
)
from domain.communes import area_communes, parse_area
from domain.text import fold_key
from domain.units import official_units


def _nfc_tree(node: Any) -> Any:
    # Data files are typed on many editors; all text is compared as NFC.
    if isinstance(node, str):
        return nfc(node)
    if isinstance(node, list):
        return [_nfc_tree(v) for v in node]
    if isinstance(node, dict):
        return {_nfc_tree(k): _nfc_tree(v) for k, v in node.items()}
    return node


class _UniqueKeyLoader(yaml.SafeLoader):
    """A safe loader that refuses a key given twice in one mapping.

    PyYAML keeps the last of two equal keys without a word; in a catalogue
    that silently replaces an entry, so it is an error here.
    """

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[Any] = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            if key in seen:
                raise yaml.constructor.ConstructorError(
                    None, None, f"mục '{key}' khai báo hai lần", key_node.start_mark
                )
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


def _read_yaml(path: Path) -> Any:
    try:
        with path.open(encoding="utf-8") as fh:
            return _nfc_tree(yaml.load(fh, Loader=_UniqueKeyLoader))
    except FileNotFoundError:
        raise CatalogueError(f"Thiếu tệp danh mục {path}.", detail=str(path)) from None
    except yaml.YAMLError as exc:
        raise CatalogueError(f"Tệp danh mục {path} không đọc được: {exc}", detail=str(exc)) from exc


def _entry_name(data: Any, loc: tuple[int | str, ...]) -> str:
    """Name the entry an error is in: its slug when it has one, else its path."""
    node = data
    label = ""
    for i, part in enumerate(loc):
        try:
            node = node[part]
        except (KeyError, IndexError, TypeError):
            break
        if isinstance(node, dict) and isinstance(node.get("slug") or node.get("name"), str):
            label = f"{node.get('slug') or node.get('name')}"
            where = ".".join(str(p) for p in loc[: i + 1])
            label = f"'{label}' ({where})"
    return label or ".".join(str(p) for p in loc) or "(gốc tệp)"


def _parse(model: type[_Model], path: Path) -> Any:
    data = _read_yaml(path)
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        entry = _entry_name(data, tuple(first["loc"]))
        where = ".".join(str(p) for p in first["loc"]) or "(gốc tệp)"
        raise CatalogueError(
            f"Tệp danh mục {path}: mục {entry} sai ở '{where}': {first['msg']}.",
            detail=str(exc),
        ) from exc


def _cross_check(path: Path, procedures: ProceduresFile, offices: OfficesFile, communes: CommunesFile,
                 problems: ProblemsFile) -> None:
    def fail(file: str, entry: str, what: str) -> None:
        raise CatalogueError(f"Tệp danh mục {path / file}: mục '{entry}' sai: {what}.")

    office_slugs = {o.slug for o in offices.offices}
    attachment_slugs = {a.slug for a in procedures.attachments}
    problem_codes = set(problems.problems)
    for file, slugs in (
        ("procedures.yaml", [p.slug for p in procedures.procedures] + sorted(attachment_slugs)),
        ("offices.yaml", [o.slug for o in offices.offices]),
        ("communes.yaml", [c.slug for c in communes.overrides]),
    ):
        seen: set[str] = set()
        for slug in slugs:
            if slug in seen:
                fail(file, slug, "mã (slug) trùng")
            seen.add(slug)
    for p in procedures.procedures:
        if p.office not in office_slugs:
            fail("procedures.yaml", p.slug, f"cơ quan '{p.office}' không có trong offices.yaml")
        for req in p.attachments:
            for slug in req.any_of:
                if slug not in attachment_slugs:
                    fail("procedures.yaml", p.slug, f"giấy tờ kèm theo '{slug}' không được khai báo")
        names = {f.name for f in p.fields}
        for rule in p.rules:
            if rule.code not in problem_codes:
                fail("procedures.yaml", p.slug, f"quy tắc dùng mã lỗi '{rule.code}' không có trong problems.yaml")
            for used in (getattr(rule, a, None) for a in ("field", "other", "when")):
                if used is not None and used not in names:
                    fail("procedures.yaml", p.slug, f"quy tắc '{rule.kind}' dùng trường '{used}' mà thủ tục không có")
    # Two procedures may share a form title only when content markers tell them apart.
    by_title: dict[str, list[Procedure]] = {}
    for p in procedures.procedures:
        by_title.setdefault(fold_key(p.title), []).append(p)
    for same in by_title.values():
        if len(same) > 1 and not all(p.content_markers for p in same):
            fail("procedures.yaml", same[1].slug, f"cùng tiêu đề với '{same[0].slug}' mà không có 'content_markers'")
    units = official_units()
    for code in communes.serves.provinces:
        if code not in {p.code for p in units.provinces}:
            fail("communes.yaml", code, "không có tỉnh/thành phố mang mã này trong danh mục 34 tỉnh, thành phố")
    for code in communes.serves.communes:
        if code not in {u.code for u in units.units}:
            fail("communes.yaml", code, "không có xã/phường mang mã này trong danh mục đơn vị hành chính")
    served = area_communes(units, communes.serves, [])
    spellings = {fold_key(c.name): c.slug for c in served.values()}
    for c in communes.overrides:
        if c.slug not in served:
            fail("communes.yaml", c.slug, "không phải xã/phường thuộc địa bàn phục vụ ('serves')")
        for spelling in c.aliases:
            other = spellings.setdefault(fold_key(spelling), c.slug)
            if other != c.slug:
                fail("communes.yaml", c.slug, f"bí danh “{spelling}” trùng với '{other}'")


def load_catalogue(directory: Path | None = None, area: str | None = None) -> Catalogue:
    """Load and validate the catalogue from ``directory`` (default: packaged data).

    ``area`` replaces the served area of communes.yaml (see :func:`parse_area`).
    Raises CatalogueError naming the file and the entry at the first mistake.
    """
    if directory is None:
        with resources.as_file(resources.files("domain") / "data") as packaged:
            return _load(Path(packaged), area)
    return _load(Path(directory), area)


def _load(directory: Path, area: str | None = None) -> Catalogue:
    procedures = _parse(ProceduresFile, directory / "procedures.yaml")
    offices = _parse(OfficesFile, directory / "offices.yaml")
    communes = _parse(CommunesFile, directory / "communes.yaml")
    provinces = _parse(ProvincesFile, directory / "provinces.yaml")
    problems = _parse(ProblemsFile, directory / "problems.yaml")
    names = _parse(NamesFile, directory / "names.yaml")
    _cross_check(directory, procedures, offices, communes, problems)
    served = None
    if area:
        try:
            served = parse_area(area, official_units())
        except (KeyError, ValueError) as exc:
            message = exc.args[0] if isinstance(exc, ValueError) else f"mã “{exc.args[0]}” không có trong danh mục"
            raise CatalogueError(f"Địa bàn phục vụ (HOSO_SERVICE_AREA) sai: {message}", detail=area) from exc
    return Catalogue(procedures, offices, communes, provinces, problems, names, directory, served)


@cache
def default_catalogue() -> Catalogue:
    """The packaged catalogue, loaded once per process."""
    return load_catalogue()
