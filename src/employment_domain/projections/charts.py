"""Bar charts as inline SVG for the HTML annual report: no script, no network, no fonts (no tables).

A chart is a few rectangles and texts computed here, so the report opens in any browser (and
prints) without JavaScript or downloads. Values are exact numbers (int or Decimal); a value of
None is a suppressed cell of the published form: no bar is drawn and the chart marks the place
with the same symbol the tables use, so a hidden count is never shown as a zero.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from decimal import Decimal
from html import escape

import attrs

from employment_domain.tabulate import HIDDEN

__all__ = ["PALETTE", "SUPPRESSED_MARK", "Series", "horizontal_bars", "vertical_bars"]

#: Colours of the series, in order (distinguishable for the common colour-vision deficiencies).
PALETTE = ("#1f5fa8", "#e08a1e", "#2f9e6f", "#b2417a", "#6b6b6b", "#8c6bc8")
#: What a suppressed value shows, in the charts as in the tables (the one marker, ``..``).
SUPPRESSED_MARK = HIDDEN

Number = int | Decimal
_FONT = "font-family:Arial,Helvetica,sans-serif"


@attrs.frozen
class Series:
    """One series of a chart: its legend label, its colour and a value per category."""

    label: str
    colour: str
    values: Sequence[Number | None]


def vertical_bars(
    title: str,
    categories: Sequence[str],
    series: Sequence[Series],
    *,
    stacked: bool,
    maximum: Number | None = None,
    unit: str = "",
    width: int = 760,
    height: int = 300,
    number: Callable[[Decimal], str] | None = None,
) -> str:
    """Columns per category, the series side by side or stacked; ``maximum`` fixes the scale;
    the scale's figures and the bars' tips are written by ``number`` (the report's language)."""
    left, right, top, bottom = 56, 12, 36, 64
    plot_w, plot_h = width - left - right, height - top - bottom
    top_value = _scale_top(categories, series, stacked, maximum)
    if maximum is None:
        top_value = _nice(top_value)
    parts = [_open(title, width, height + 22 * _legend_rows(series, width))]
    write = number or _plain
    parts.extend(_grid_horizontal(left, top, plot_w, plot_h, top_value, unit, write))
    slot = plot_w / max(len(categories), 1)
    bars = 1 if stacked else max(len(series), 1)
    bar_w = max(slot * 0.8 / bars, 1.0)
    for index, category in enumerate(categories):
        x0 = left + index * slot + slot * 0.1
        base = Decimal(0)
        for place, one in enumerate(series):
            value = one.values[index] if index < len(one.values) else None
            x = x0 if stacked else x0 + place * bar_w
            if value is None:
                y = top + plot_h - (base / top_value) * plot_h
                parts.append(_mark(x + bar_w / 2, float(y) - 3))
                continue
            size = Decimal(value) / top_value * plot_h
            y = top + plot_h - (base / top_value) * plot_h - size
            parts.append(
                _rect(
                    x,
                    float(y),
                    bar_w,
                    float(size),
                    one.colour,
                    f"{one.label}: {write(Decimal(value))}",
                )
            )
            if stacked:
                base += Decimal(value)
        label_x = left + index * slot + slot / 2
        parts.append(
            f'<text x="{label_x:.1f}" y="{top + plot_h + 14}" font-size="10" '
            f'text-anchor="end" transform="rotate(-45 {label_x:.1f} {top + plot_h + 14})" '
            f'style="{_FONT}">{escape(category)}</text>'
        )
    parts.extend(_legend(series, left, height + 4, width))
    parts.append("</svg>")
    return "".join(parts)


def horizontal_bars(
    title: str,
    categories: Sequence[str],
    series: Sequence[Series],
    *,
    unit: str = "",
    width: int = 760,
    row_height: int = 26,
    number: Callable[[Decimal], str] | None = None,
) -> str:
    """One stacked bar per category, longest total filling the width, with each total written
    by ``number`` (whole numbers grouped by thin spaces by default)."""
    left, right, top = 210, 90, 36
    height = top + row_height * max(len(categories), 1) + 24
    plot_w = width - left - right
    top_value = _scale_top(categories, series, True, None)
    parts = [_open(title, width, height + 22 * _legend_rows(series, width))]
    for index, category in enumerate(categories):
        y = top + index * row_height
        parts.append(
            f'<text x="{left - 6}" y="{y + row_height * 0.65:.1f}" font-size="11" '
            f'text-anchor="end" style="{_FONT}">{escape(category)}</text>'
        )
        x = Decimal(left)
        total = Decimal(0)
        hidden = False
        for one in series:
            value = one.values[index] if index < len(one.values) else None
            if value is None:
                hidden = True
                continue
            size = Decimal(value) / top_value * plot_w
            parts.append(
                _rect(
                    float(x),
                    y + 3,
                    float(size),
                    row_height - 8,
                    one.colour,
                    f"{one.label}: {(number or _plain)(Decimal(value))}",
                )
            )
            x += size
            total += Decimal(value)
        text = f"{(number or _plain)(total)}{unit}" + (f" + {SUPPRESSED_MARK}" if hidden else "")
        parts.append(
            f'<text x="{float(x) + 4:.1f}" y="{y + row_height * 0.65:.1f}" font-size="11" '
            f'style="{_FONT}">{escape(text)}</text>'
        )
    parts.extend(_legend(series, left, height - 10, width))
    parts.append("</svg>")
    return "".join(parts)


def _scale_top(
    categories: Sequence[str], series: Sequence[Series], stacked: bool, maximum: Number | None
) -> Decimal:
    if maximum is not None:
        return Decimal(maximum)
    tops = []
    for index in range(len(categories)):
        values = [
            Decimal(value)
            for one in series
            if index < len(one.values) and (value := one.values[index]) is not None
        ]
        tops.append(sum(values, Decimal(0)) if stacked else max(values, default=Decimal(0)))
    top = max(tops, default=Decimal(0))
    return top if top > 0 else Decimal(1)


def _nice(top: Decimal) -> Decimal:
    """The smallest 1, 2, 2.5 or 5 times a power of ten at or above ``top``: even grid steps."""
    if top <= 0:
        return Decimal(1)
    power = Decimal(10) ** (top.adjusted())
    for step in (1, 2, Decimal("2.5"), 5, 10):
        if top <= power * step:
            return power * step
    return power * 10


def _open(title: str, width: int, height: int) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-label="{escape(title)}">'
        f"<title>{escape(title)}</title>"
        f'<rect x="0" y="0" width="{width}" height="{height}" fill="#ffffff"/>'
        f'<text x="8" y="20" font-size="14" font-weight="bold" style="{_FONT}">'
        f"{escape(title)}</text>"
    )


def _grid_horizontal(
    left: int,
    top: int,
    plot_w: int,
    plot_h: int,
    top_value: Decimal,
    unit: str,
    write: Callable[[Decimal], str],
) -> list[str]:
    lines = []
    for step in range(5):
        value = top_value * step / 4
        y = top + plot_h - plot_h * step / 4
        lines.append(
            f'<line x1="{left}" y1="{y:.1f}" x2="{left + plot_w}" y2="{y:.1f}" '
            f'stroke="#d0d0d0" stroke-width="1"/>'
            f'<text x="{left - 4}" y="{y + 4:.1f}" font-size="10" text-anchor="end" '
            f'style="{_FONT}">{escape(write(value) + unit)}</text>'
        )
    lines.append(
        f'<line x1="{left}" y1="{top + plot_h}" x2="{left + plot_w}" y2="{top + plot_h}" '
        'stroke="#333333" stroke-width="1"/>'
    )
    return lines


def _rect(x: float, y: float, width: float, height: float, colour: str, tip: str) -> str:
    return (
        f'<rect x="{x:.1f}" y="{y:.1f}" width="{max(width, 0):.1f}" height="{max(height, 0):.1f}" '
        f'fill="{colour}"><title>{escape(tip)}</title></rect>'
    )


def _mark(x: float, y: float) -> str:
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" font-size="10" text-anchor="middle" fill="#a00000" '
        f'style="{_FONT}">{SUPPRESSED_MARK}</text>'
    )


def _legend_rows(series: Sequence[Series], width: int) -> int:
    per_row = max((width - 20) // 190, 1)
    return (len(series) + per_row - 1) // per_row


def _legend(series: Sequence[Series], left: int, y: float, width: int) -> list[str]:
    per_row = max((width - 20) // 190, 1)
    parts = []
    for index, one in enumerate(series):
        x = 10 + (index % per_row) * 190
        row_y = y + 22 * (index // per_row) + 12
        parts.append(
            f'<rect x="{x}" y="{row_y - 10:.1f}" width="12" height="12" fill="{one.colour}"/>'
            f'<text x="{x + 16}" y="{row_y:.1f}" font-size="11" style="{_FONT}">'
            f"{escape(one.label)}</text>"
        )
    return parts


def _plain(value: Decimal) -> str:
    """A scale or total figure: whole numbers without decimals, others to one decimal."""
    if value == value.to_integral_value():
        return f"{int(value):,}".replace(",", "\u202f")
    return f"{value.quantize(Decimal('0.1'))}"
