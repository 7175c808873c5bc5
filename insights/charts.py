"""Inline SVG charts for the report: no script, no external file, readable on a phone.

Each chart is drawn 320 units wide, about the width it gets on a phone, so its 16-unit
text is about 15-16 px there; the page caps the chart's width on a large screen. Every chart
has a <title> for screen readers, and the page puts the numbers in a table beside it.
"""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Sequence
from dataclasses import dataclass

WIDTH = 320
FONT = 16
TEXT_COLOUR = "#1b1b1b"
GRID_COLOUR = "#d0d4da"
MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]


@dataclass(frozen=True)
class Series:
    name: str
    values: Sequence[int]
    colour: str


def esc(value: object) -> str:
    return html.escape(str(value), quote=True)


def short_day(day: str) -> str:
    date = dt.date.fromisoformat(day)
    return f"{date.day} {MONTHS[date.month - 1]}"


def _open(title: str, height: int, chart_id: str) -> str:
    return (
        f'<svg class="chart" viewBox="0 0 {WIDTH} {height}" role="img" '
        f'aria-labelledby="{chart_id}" xmlns="http://www.w3.org/2000/svg" '
        f'font-family="system-ui, sans-serif" font-size="{FONT}" fill="{TEXT_COLOUR}">'
        f'<title id="{chart_id}">{esc(title)}</title>'
    )


def _legend(series: Sequence[Series], y: int) -> str:
    parts, x = [], 0
    for s in series:
        parts.append(
            f'<rect x="{x}" y="{y - 11}" width="14" height="14" rx="2" fill="{s.colour}"/>'
            f'<text x="{x + 20}" y="{y}">{esc(s.name)}</text>'
        )
        x += 36 + int(len(s.name) * FONT * 0.6)
    return "".join(parts)


def day_columns(
    title: str, days: Sequence[str], series: Sequence[Series], chart_id: str, stacked: bool
) -> str:
    """One column per day. Stacked: the series add up (one on top of the other); else each
    later series is drawn narrower inside the first (a part of it, e.g. conversations
    within messages)."""
    totals = [
        sum(s.values[i] for s in series) if stacked else max(s.values[i] for s in series)
        for i in range(len(days))
    ]
    peak = max([1, *totals])
    # Room on the left for the largest number of the axis.
    top_y, bottom_y, left, right = 36, 180, 12 + int(len(str(peak)) * FONT * 0.6), WIDTH - 4
    height = bottom_y + 30
    scale = (bottom_y - top_y) / peak
    ticks = sorted({0, peak // 2, peak}) if peak >= 2 else [0, peak]
    out = [_open(title, height, chart_id), _legend(series, 16)]
    for tick in ticks:
        y = bottom_y - tick * scale
        out.append(
            f'<line x1="{left}" y1="{y:.1f}" x2="{right}" y2="{y:.1f}" '
            f'stroke="{GRID_COLOUR}" stroke-width="1"/>'
            f'<text x="{left - 6}" y="{y + 5:.1f}" text-anchor="end">{tick}</text>'
        )
    slot = (right - left) / max(1, len(days))
    for i in range(len(days)):
        base = float(bottom_y)
        for n, s in enumerate(series):
            value = s.values[i]
            if not value:
                continue
            bar = value * scale
            width = slot * (0.8 if stacked or n == 0 else 0.4)
            x = left + slot * i + (slot - width) / 2
            y = (base - bar) if stacked else (bottom_y - bar)
            out.append(
                f'<rect x="{x:.1f}" y="{y:.1f}" width="{max(width, 1):.1f}" '
                f'height="{bar:.1f}" fill="{s.colour}"><title>{esc(days[i])}: '
                f"{value} {esc(s.name.lower())}</title></rect>"
            )
            if stacked:
                base -= bar
    if days:
        labelled = sorted({0, len(days) // 2, len(days) - 1})
        for index in labelled:
            anchor = "start" if index == 0 else "end" if index == len(days) - 1 else "middle"
            x = left + slot * index + (slot / 2 if anchor == "middle" else 0)
            if anchor == "end":
                x = left + slot * (index + 1)
            out.append(
                f'<text x="{x:.1f}" y="{bottom_y + 22}" text-anchor="{anchor}">'
                f"{esc(short_day(days[index]))}</text>"
            )
    out.append("</svg>")
    return "".join(out)


def horizontal_bars(
    title: str, rows: Sequence[tuple[str, int]], colour: str, chart_id: str
) -> str:
    """One labelled bar per row, the label above its bar and the number after it."""
    row_height, label_chars = 48, 34
    height = max(1, len(rows)) * row_height + 4
    peak = max([1, *(value for _, value in rows)])
    room = WIDTH - 44
    out = [_open(title, height, chart_id)]
    for i, (label, value) in enumerate(rows):
        y = i * row_height
        text = label if len(label) <= label_chars else label[: label_chars - 1] + "\u2026"
        width = max(2.0, room * value / peak)
        out.append(
            f'<text x="0" y="{y + 18}">{esc(text)}</text>'
            f'<rect x="0" y="{y + 25}" width="{width:.1f}" height="16" rx="3" '
            f'fill="{colour}"/>'
            f'<text x="{width + 6:.1f}" y="{y + 39}" font-weight="bold">{value}</text>'
        )
    out.append("</svg>")
    return "".join(out)
