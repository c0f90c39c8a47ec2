#!/usr/bin/env bash
# Lays the package out in a throw-away folder as the wheel installs it and prints the folder.
# The wheel maps projections/ and rules/ into the employment_domain package (package-dir);
# mypy and import-linter cannot follow that mapping, so they check this copy.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
layout=$(mktemp -d)
cp -r "$root/src/employment_domain" "$layout/employment_domain"
rm -rf "$layout/employment_domain/projections" "$layout/employment_domain/rules"
cp -r "$root/projections" "$layout/employment_domain/projections"
mkdir -p "$layout/employment_domain/rules"
cp "$root/rules/__init__.py" "$layout/employment_domain/rules/__init__.py"
find "$layout" -name __pycache__ -prune -exec rm -rf {} +
echo "$layout"
