#!/usr/bin/env bash
# import-linter's contracts (pyproject.toml, [tool.importlinter]) over the package in src/.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
PYTHONPATH="$root/src" "$root/.venv/bin/lint-imports" --no-cache pyproject.toml
