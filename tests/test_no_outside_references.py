"""The repository stands on its own: no tracked text file names a path outside it.

The project once cited a brief and a plan that lay beside the repository, in a shared folder of
the machine it was written on. A reader of the repository (a reviewer, an auditor, the next
maintainer) has no such folder, so a citation of it leads nowhere. The domain now has its own page,
``docs/domain.md``, and code, rules and tests cite that. This test keeps it so: every text file
that git tracks is searched for the markers of a path outside the repository.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

from tests.conftest import skip_outside_ci

ROOT = Path(__file__).resolve().parent.parent

#: The kinds of text file searched, by suffix.
SUFFIXES = frozenset({".py", ".md", ".yaml", ".yml", ".toml", ".sh", ".cfg", ".txt"})

#: What names a path outside the repository: the shared folder's documents and seed, the shared
#: folder reached from the repository, and the absolute path of the machine's working folder.
OUTSIDE = ("shared/docs", "shared/seed", "../shared", "/work/")

#: Files allowed to contain a marker, each with why the use is not a path. Only this test itself:
#: it names the markers in order to look for them.
NOT_A_PATH = {
    "tests/test_no_outside_references.py": "names the markers to search for them",
}


def _tracked_text_files() -> list[str]:
    try:
        result = subprocess.run(
            ["git", "ls-files", "-z"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
            timeout=60,
        )
    except (OSError, subprocess.CalledProcessError) as error:  # no git, or not a checkout
        skip_outside_ci(f"needs a git checkout of the repository: {error}")
    names = [name for name in result.stdout.split("\0") if name]
    return [name for name in names if Path(name).suffix in SUFFIXES]


def _lines(name: str) -> list[str]:
    path = ROOT / name
    if not path.is_file():  # tracked, but deleted in the working tree
        return []
    return path.read_text(encoding="utf-8", errors="replace").splitlines()


def _hits(name: str) -> list[str]:
    return [
        f"{name}:{number}: {line.strip()}"
        for number, line in enumerate(_lines(name), start=1)
        if any(marker in line for marker in OUTSIDE)
    ]


def test_the_search_covers_the_repositorys_text_files() -> None:
    files = _tracked_text_files()
    assert "pyproject.toml" in files and "mkdocs.yml" in files
    assert any(name.endswith(".py") for name in files)
    assert any(name.endswith(".md") for name in files)


def test_no_tracked_text_file_names_a_path_outside_the_repository() -> None:
    hits = [hit for name in _tracked_text_files() if name not in NOT_A_PATH for hit in _hits(name)]
    assert not hits, (
        "paths outside the repository; cite the repository's own files (the domain is in "
        "docs/domain.md) or copy what is needed into it:\n" + "\n".join(hits)
    )


def test_every_citation_of_the_domain_page_names_one_of_its_sections() -> None:
    # Code, rules and tests cite "docs/domain.md §N"; the page cites itself as "(§N)".
    page = (ROOT / "docs" / "domain.md").read_text(encoding="utf-8")
    sections = set(re.findall(r"^#{2,3} (\d+(?:\.\d+)?)\.? ", page, flags=re.MULTILINE))
    assert {"0", "2.3", "3.5", "4", "10"} <= sections
    cited = [("docs/domain.md", number) for number in re.findall(r"§(\d+(?:\.\d+)?)", page)]
    for name in _tracked_text_files():
        for line in _lines(name):
            if "docs/domain.md" in line and name != "docs/domain.md":
                cited += [(name, number) for number in re.findall(r"§(\d+(?:\.\d+)?)", line)]
    assert cited
    assert not [(name, number) for name, number in cited if number not in sections]
