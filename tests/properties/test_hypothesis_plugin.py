"""The library registers its value types with Hypothesis through Hypothesis' plugin entry point,
so a project that installs the library with the testing extra gets ``st.from_type(Money)``
without importing anything of the kit."""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path

PYPROJECT = Path(__file__).parent.parent.parent / "pyproject.toml"


def test_the_entry_point_names_the_kits_registration() -> None:
    project = tomllib.loads(PYPROJECT.read_text(encoding="utf-8"))["project"]
    hook = project["entry-points"]["hypothesis"]["employment_domain"]
    assert hook == "employment_domain.testing.plugin:register"


def test_from_type_draws_library_values_in_a_process_that_never_imports_the_kit() -> None:
    script = (
        "import sys\n"
        "from hypothesis import strategies as st\n"
        "from employment_domain import Money, MunicipalityCode, Period, SplitWeights\n"
        "for kind in (Money, MunicipalityCode, Period, SplitWeights):\n"
        "    value = st.from_type(kind).example()\n"
        "    assert isinstance(value, kind), (kind, value)\n"
        "print('employment_domain.testing' in sys.modules)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=False, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "True", "the plugin, not the script, loaded the kit"
