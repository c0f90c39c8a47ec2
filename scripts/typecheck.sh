#!/usr/bin/env bash
# mypy --strict over the library, its projections, the tests and the benchmarks, on the package
# laid out as installed (scripts/installed_layout.sh says why).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
python="${PYTHON:-$root/.venv/bin/python}"
layout=$(bash "$root/scripts/installed_layout.sh")
trap 'rm -rf "$layout"' EXIT
cd "$layout"
MYPYPATH="$layout" "$python" -m mypy --config-file "$root/pyproject.toml" -p employment_domain
MYPYPATH="$layout" "$python" -m mypy --config-file "$root/pyproject.toml" "$root/tests"
MYPYPATH="$layout:$root/benchmarks" "$python" -m mypy --config-file "$root/pyproject.toml" \
    "$root/benchmarks"
