#!/usr/bin/env bash
# mypy --strict over the library, the tests and the benchmarks.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
python="${PYTHON:-$root/.venv/bin/python}"
cd "$root"
"$python" -m mypy --config-file pyproject.toml -p employment_domain
"$python" -m mypy --config-file pyproject.toml tests
MYPYPATH="$root/src:$root/benchmarks" "$python" -m mypy --config-file pyproject.toml benchmarks
