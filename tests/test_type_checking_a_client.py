"""An integrating system type-checks its own code against the installed library: mypy finds
`employment_domain` after the README's editable install, from a folder outside the repository
(the `.pth` file lists `src/`, a plain folder static tools read)."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import employment_domain

CLIENT = textwrap.dedent(
    '''
    """A client system's module: it records a jobseeker and reads the cost split's money."""
    from datetime import date
    from decimal import Decimal

    from employment_domain import EmploymentArea, Money, read_report


    def start(area: EmploymentArea) -> str:
        return str(area.start_job_search(
            on=date(2026, 3, 2), birth_date=date(1990, 5, 1), municipality="049"
        ))


    def half(amount: Money) -> Money:
        return Money.euros(amount.amount / Decimal(2))


    REPORT = read_report
    '''
)


def test_mypy_strict_finds_the_installed_package_from_a_client_folder_outside_the_repository(
    tmp_path: Path,
) -> None:
    package = Path(employment_domain.__file__).parent
    assert (package / "py.typed").is_file()
    (tmp_path / "client.py").write_text(CLIENT, encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental", "client.py"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=600,
        env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)},
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Success" in result.stdout


def test_a_client_with_a_type_error_is_caught_so_the_check_above_can_fail(tmp_path: Path) -> None:
    (tmp_path / "client.py").write_text(
        "from employment_domain import Money\n\nx: Money = 'twelve euros'\n", encoding="utf-8"
    )
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental", "client.py"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=600,
        env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)},
    )
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Incompatible types in assignment" in result.stdout
    assert "import-not-found" not in result.stdout
