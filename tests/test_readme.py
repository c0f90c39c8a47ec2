"""The README's worked example runs, and its test command is the one CI runs."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _readme() -> str:
    return (ROOT / "README.md").read_text(encoding="utf-8")


def test_the_worked_example_in_the_readme_runs() -> None:
    blocks = re.findall(r"```python\n(.*?)```", _readme(), flags=re.DOTALL)
    assert blocks, "the README has a worked example"
    for block in blocks:
        exec(compile(block, "README.md", "exec"), {})


def test_ci_runs_the_test_command_that_the_readme_gives() -> None:
    shell_blocks = re.findall(r"```sh\n(.*?)```", _readme(), flags=re.DOTALL)
    test_command = next(line for b in shell_blocks for line in b.splitlines() if "pytest" in line)
    assert test_command.strip() in (ROOT / ".ci" / "run").read_text(encoding="utf-8")


def test_the_readme_lists_every_report_of_the_registry_and_no_other() -> None:
    from employment_domain.reports.read import STABLE_REPORT_NAMES, available_reports

    text = (Path(__file__).parents[1] / "README.md").read_text(encoding="utf-8")
    part = text.split("## Reading the reports", 1)[1].split("\n\n", 3)[2]
    listed = re.findall(r"^\| `([a-z-]+)` \|", part, flags=re.M)
    assert sorted(listed) == sorted(STABLE_REPORT_NAMES) == sorted(available_reports())
