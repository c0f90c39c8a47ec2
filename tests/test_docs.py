"""The documentation site stays true to the code: every public name, report, read-model table and
strategy of the kit is documented, the examples run, and the site builds with ``--strict``.

A page that drifts from the code misleads more than a missing one, so these tests fail when the
code gains what the pages do not say (a public name, a report, a table column, a strategy) or a
page says what the code no longer has. The site build itself needs the ``docs`` extra and is
skipped without it; CI installs it and builds the site in a step of its own as well.
"""

from __future__ import annotations

import importlib.util
import os
import re
import subprocess
import sys
import tomllib
import types
from pathlib import Path
from typing import Any

import pytest
import yaml

import employment_domain
from employment_domain.projections import all_projections
from employment_domain.reports.read import available_reports
from employment_domain.testing import routing_strategies, strategies
from tests.conftest import skip_outside_ci

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
API = DOCS / "api"
DIRECTIVE = re.compile(r"^::: (\S+)", flags=re.MULTILINE)
LINK = re.compile(r"\]\(([^)\s]+)\)")
SNIPPET = re.compile(r'^--8<-- "([^"]+)"', flags=re.MULTILINE)


def _pages() -> dict[str, str]:
    return {
        path.relative_to(DOCS).as_posix(): path.read_text(encoding="utf-8")
        for path in sorted(DOCS.rglob("*.md"))
    }


def _blocks(text: str, language: str) -> list[str]:
    return re.findall(rf"^```{language}\n(.*?)^```", text, flags=re.DOTALL | re.MULTILINE)


def _nav_pages(entries: Any) -> list[str]:
    if isinstance(entries, str):
        return [entries]
    if isinstance(entries, list):
        return [page for entry in entries for page in _nav_pages(entry)]
    if isinstance(entries, dict):
        return [page for value in entries.values() for page in _nav_pages(value)]
    return []


def _config() -> dict[str, Any]:
    config: dict[str, Any] = yaml.safe_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"))
    return config


# -- the site ------------------------------------------------------------------------------------


def test_the_site_builds_with_mkdocs_strict(tmp_path: Path) -> None:
    if importlib.util.find_spec("mkdocs") is None:
        skip_outside_ci("needs the docs extra (pip install .[docs])")
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(tmp_path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
    )
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "api" / "area" / "index.html").is_file()


def test_ci_builds_the_site_strictly_with_the_builder_the_test_tools_install() -> None:
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    install = ci.index(".venv/bin/pip install -e '.[testing,dev]'")
    assert ci.index('.venv/bin/mkdocs build --strict --site-dir "$(mktemp -d)"') > install
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert "employment-domain[docs]" in pyproject["project"]["optional-dependencies"]["dev"]


def test_every_page_is_in_the_navigation_and_every_navigation_entry_is_a_page() -> None:
    navigation = _nav_pages(_config()["nav"])
    assert sorted(navigation) == sorted(_pages())
    assert len(navigation) == len(set(navigation))


def test_no_page_links_outside_the_docs_folder_and_every_relative_link_exists() -> None:
    for name, text in _pages().items():
        folder = (DOCS / name).parent
        for target in LINK.findall(text):
            if re.match(r"[a-z]+:", target) or target.startswith("#"):
                continue
            path = (folder / target.split("#", 1)[0]).resolve()
            assert path.is_relative_to(DOCS), f"{name} links outside docs/: {target}"
            assert path.exists(), f"{name} links to a missing file: {target}"


def test_included_files_are_files_of_the_repository() -> None:
    included = [target for text in _pages().values() for target in SNIPPET.findall(text)]
    assert "src/employment_domain/rules/README.md" in included
    for target in included:
        path = (ROOT / target).resolve()
        assert path.is_relative_to(ROOT) and path.is_file(), target


def test_the_mkdocstrings_handler_reads_the_source_folder_and_never_the_projections() -> None:
    plugins = _config()["plugins"]
    handler = next(p["mkdocstrings"] for p in plugins if isinstance(p, dict))["handlers"]["python"]
    assert handler["paths"] == ["src"]
    directives = [target for text in _pages().values() for target in DIRECTIVE.findall(text)]
    assert not [target for target in directives if ".projections" in target]


# -- what the pages say --------------------------------------------------------------------------


def test_every_public_name_is_documented_exactly_once_in_the_api_reference() -> None:
    documented = [
        target.removeprefix("employment_domain.")
        for path in sorted(API.glob("*.md"))
        for target in DIRECTIVE.findall(path.read_text(encoding="utf-8"))
    ]
    assert sorted(documented) == sorted(employment_domain.__all__)


def test_the_error_tree_lists_the_errors_its_page_documents() -> None:
    text = (API / "errors.md").read_text(encoding="utf-8")
    tree = re.findall(r"^\s*- `(\w+)`$", text, flags=re.MULTILINE)
    assert tree == [target.removeprefix("employment_domain.") for target in DIRECTIVE.findall(text)]
    for name in tree:
        assert issubclass(getattr(employment_domain, name), employment_domain.EmploymentDomainError)


def test_every_report_and_read_model_table_is_in_the_catalogue_with_its_columns() -> None:
    text = (DOCS / "controllers.md").read_text(encoding="utf-8")
    for name in available_reports():
        assert f"### `{name}`" in text, name
    rows = {
        match.group(1): match.group(2)
        for match in re.finditer(r"^\|[^|]*\| `(rm_\w+)` \| (.*) \|$", text, flags=re.MULTILINE)
    }
    tables = {table.name: table for p in all_projections() for table in p.tables}
    assert set(rows) == set(tables)
    for name, table in tables.items():
        listed = re.findall(r"`(\w+)`", rows[name])
        assert listed == [column.name for column in table.columns], name
        keys = re.findall(r"\*\*(.*?)\*\*", rows[name])[0]
        assert re.findall(r"`(\w+)`", keys) == [c.name for c in table.primary_key.columns], name


def test_getting_started_gives_the_readmes_two_commands() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    two = readme.split("## Two commands", 1)[1].split("\n## ", 1)[0]
    page = (DOCS / "getting-started.md").read_text(encoding="utf-8")
    commands = _blocks(two, "sh")[:2]
    assert len(commands) == 2 and commands == _blocks(page, "sh")[:2]


def test_the_kit_page_and_the_readme_name_every_strategy_of_the_kit() -> None:
    page = (DOCS / "property-testing.md").read_text(encoding="utf-8")
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    paragraph = readme.split("## Property testing your own rules", 1)[1].split("\n## ", 1)[0]
    kit = [(module, name) for module in (strategies, routing_strategies) for name in module.__all__]
    for module, name in kit:
        if name[0].islower():  # the strategies and functions, not the classes and tables
            assert f"`{name}(" in page, name
            if module is routing_strategies or name != "register_type_strategies":
                assert f"`{name}()" in paragraph, name
    for value_type in strategies.TYPE_STRATEGIES:
        named = re.compile(rf"`[^`]*\b{value_type.__name__}\b[^`]*`")
        assert named.search(page) and named.search(paragraph), value_type.__name__


def test_the_python_examples_on_the_pages_run(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)  # examples load the repository's rules/ folders by relative path
    for name, text in _pages().items():
        for number, block in enumerate(_blocks(text, "python")):
            # A module of its own, as a file of the reader's would be (dataclasses look it up).
            example = types.ModuleType(f"docs_example_{Path(name).stem}_{number}")
            monkeypatch.setitem(sys.modules, example.__name__, example)
            # A name no file has: Hypothesis reads a test's source to seed it, and on Python 3.13
            # tokenizing the Markdown page under its own name fails; this way it falls back.
            source_name = f"<docs/{name}, example {number}>"
            exec(compile(block, source_name, "exec"), example.__dict__)
            for test_name, test in list(vars(example).items()):
                if test_name.startswith("test_") and callable(test):
                    test()
