#!/bin/sh
# Render a saved annual report (projections/annual.py) in headless Chromium and save a screenshot,
# to check that the self-contained HTML shows its charts in a browser without network access.
#
#   scripts/render_annual_report.sh REPORT.html OUT.png [WIDTHxHEIGHT [SCALE]]
#
# WIDTHxHEIGHT is the browser window in CSS pixels (default 1200x3000); SCALE the device scale
# factor (default 1; 0.5 gives a PNG of half the width and height, quicker to check by program).
# The browser gets a fresh profile and every background network feature switched off; the page
# needs nothing from the network (inline CSS and SVG, no scripts). Set CHROMIUM to the browser's
# path if it is not `chromium` on PATH (Debian: `apt-get install chromium`). Exit status: 0 when
# the PNG was written, 1 when rendering failed, 2 on a usage error or a missing browser.
set -eu

if [ "$#" -lt 2 ] || [ "$#" -gt 4 ]; then
    echo "usage: $0 REPORT.html OUT.png [WIDTHxHEIGHT [SCALE]]" >&2
    exit 2
fi
report=$1
out=$2
size=$(printf '%s' "${3:-1200x3000}" | tr 'x' ',')
scale=${4:-1}
browser=${CHROMIUM:-chromium}
if ! command -v "$browser" >/dev/null 2>&1; then
    echo "$0: no browser '$browser' (install chromium or set CHROMIUM)" >&2
    exit 2
fi
if [ ! -f "$report" ]; then
    echo "$0: no such report: $report" >&2
    exit 2
fi
case "$report" in
    /*) path=$report ;;
    *) path=$(pwd)/$report ;;
esac
# A browser that hangs (no display libraries, a locked profile) is stopped after two minutes.
limit=""
if command -v timeout >/dev/null 2>&1; then
    limit="timeout 120"
fi
profile=$(mktemp -d)
trap 'rm -rf "$profile"' EXIT
rm -f "$out"
$limit "$browser" --headless --no-sandbox --disable-gpu --disable-background-networking \
    --disable-component-update --disable-sync --no-first-run --disable-extensions \
    --user-data-dir="$profile" --window-size="$size" --force-device-scale-factor="$scale" \
    --hide-scrollbars --screenshot="$out" \
    "file://$path" >/dev/null 2>&1 || true
if [ ! -s "$out" ]; then
    echo "$0: $browser wrote no screenshot of $report" >&2
    exit 1
fi
