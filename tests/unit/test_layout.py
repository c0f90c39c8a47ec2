"""The package is laid out as its architecture: few top-level modules, a docstring in every
subpackage that says what lives there, and no module too long to read as one concept."""

from __future__ import annotations

import ast
from pathlib import Path

import employment_domain

PACKAGE = Path(employment_domain.__file__).parent
MAX_LINES = 450


def modules() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


def test_the_top_level_holds_at_most_fifteen_modules() -> None:
    top = [path.name for path in PACKAGE.glob("*.py")]
    assert len(top) <= 15, top


def test_every_subpackage_says_in_its_docstring_what_lives_there() -> None:
    for init in PACKAGE.glob("*/__init__.py"):
        docstring = ast.get_docstring(ast.parse(init.read_text(encoding="utf-8")))
        assert docstring and len(docstring) > 40, init


def test_no_module_is_over_450_lines_unless_its_docstring_says_why_it_is_one_concept() -> None:
    long = []
    for path in modules():
        text = path.read_text(encoding="utf-8")
        docstring = ast.get_docstring(ast.parse(text)) or ""
        if len(text.splitlines()) > MAX_LINES and "one concept" not in docstring:
            long.append(f"{path.name}: {len(text.splitlines())} lines")
    assert not long, long
