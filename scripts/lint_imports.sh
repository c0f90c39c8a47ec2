#!/usr/bin/env bash
# import-linter's contracts (pyproject.toml, [tool.importlinter]) over the package laid out as
# installed (scripts/installed_layout.sh says why).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
layout=$(bash "$root/scripts/installed_layout.sh")
trap 'rm -rf "$layout"' EXIT
cd "$layout"
PYTHONPATH="$layout" "$root/.venv/bin/lint-imports" --no-cache "$root/pyproject.toml"
