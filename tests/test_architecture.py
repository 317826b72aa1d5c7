"""Rooms import downward only: the import-linter contracts in pyproject.toml hold on the tree,
and they do catch an upward import (the same tree with one added fails)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ROOMS = ("core", "ocr", "domain", "storage", "tasks", "samples", "flows", "hoso", "bench")


def _lint(tree: Path) -> subprocess.CompletedProcess[str]:
    """`lint-imports` on ``tree`` in a process of its own, so the packages it reads are the tree's."""
    code = "import sys; from importlinter.cli import lint_imports; sys.exit(lint_imports(no_cache=True, no_logo=True))"
    return subprocess.run(
        [sys.executable, "-c", code], cwd=tree, env={"PYTHONPATH": str(tree), "PATH": "/usr/bin:/bin"},
        capture_output=True, text=True, timeout=300,
    )


def _copy_tree(tmp_path: Path) -> Path:
    tree = tmp_path / "tree"
    for room in ROOMS:
        shutil.copytree(ROOT / room, tree / room, ignore=shutil.ignore_patterns("__pycache__", "data", "*.yaml", "*.png"))
    shutil.copy(ROOT / "pyproject.toml", tree / "pyproject.toml")
    return tree


def test_rooms_import_downward_only() -> None:
    result = _lint(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "2 kept, 0 broken" in result.stdout


def test_an_upward_import_breaks_the_contract(tmp_path: Path) -> None:
    tree = _copy_tree(tmp_path)
    assert _lint(tree).returncode == 0  # the copy alone is as clean as the tree
    text = tree / "domain" / "text.py"
    text.write_text(text.read_text(encoding="utf-8") + "\nfrom hoso.cli import STATUS_VI  # noqa: E402\n", encoding="utf-8")
    result = _lint(tree)
    assert result.returncode != 0
    assert "rooms import downward only BROKEN" in result.stdout
    assert "domain.text -> hoso.cli" in result.stdout


def test_a_library_reading_the_settings_breaks_the_contract(tmp_path: Path) -> None:
    tree = _copy_tree(tmp_path)
    rules = tree / "domain" / "rules.py"
    rules.write_text(rules.read_text(encoding="utf-8") + "\nfrom core.settings import get_settings  # noqa: E402\n", encoding="utf-8")
    result = _lint(tree)
    assert result.returncode != 0
    assert "only flows and the edge read the settings; the rooms below get plain values BROKEN" in result.stdout
