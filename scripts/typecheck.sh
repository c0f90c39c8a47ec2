#!/usr/bin/env bash
# mypy --strict over the library, its projections, the tests and the benchmarks.
# The wheel maps projections/ and rules/ into the employment_domain package (package-dir);
# mypy cannot follow that mapping, so it checks a throw-away copy laid out as installed.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
python="${PYTHON:-$root/.venv/bin/python}"
layout=$(mktemp -d)
trap 'rm -rf "$layout"' EXIT
cp -r "$root/src/employment_domain" "$layout/employment_domain"
rm -rf "$layout/employment_domain/projections" "$layout/employment_domain/rules"
cp -r "$root/projections" "$layout/employment_domain/projections"
mkdir -p "$layout/employment_domain/rules"
cp "$root/rules/__init__.py" "$layout/employment_domain/rules/__init__.py"
find "$layout" -name __pycache__ -prune -exec rm -rf {} +
cd "$layout"
MYPYPATH="$layout" "$python" -m mypy --config-file "$root/pyproject.toml" -p employment_domain
MYPYPATH="$layout" "$python" -m mypy --config-file "$root/pyproject.toml" "$root/tests"
MYPYPATH="$layout:$root/benchmarks" "$python" -m mypy --config-file "$root/pyproject.toml" \
    "$root/benchmarks"
