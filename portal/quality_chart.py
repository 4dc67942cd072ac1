"""A small server-side SVG chart of a provider's yearly figures (rule A16): per year, the cases
and how many were completed, reached their goal and returned to work, as grouped bars.

No JavaScript, no external resources: the page embeds the SVG markup. Presentation attributes
only (no inline styles, so the content security policy stays strict); German labels; a title
and description for screen readers, and the page shows the same numbers as a table.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from xml.sax.saxutils import escape

SERIES = (
    ("total", "Fälle", "#1f4e79"),
    ("completed", "abgeschlossen", "#5b8fc7"),
    ("goal_reached", "Ziel erreicht", "#3f8f5a"),
    ("return_to_work", "berufliche Wiedereingliederung", "#c07a1c"),
)
WIDTH, HEIGHT = 560, 220
LEFT, RIGHT, TOP, BOTTOM = 44, 12, 12, 58


def yearly_rows(figures: Mapping[str, Mapping[str, Any]]) -> list[dict[str, int]]:
    """One row per reported year, oldest first, with the total of its cases."""
    rows = []
    for year in sorted(figures, key=int):
        f = figures[year]
        rows.append(
            {
                "year": int(year),
                "total": sum(int(n) for n in f["cases"].values()),
                "completed": int(f["completed"]),
                "goal_reached": int(f["goal_reached"]),
                "return_to_work": int(f["return_to_work"]),
            }
        )
    return rows


def _nice_max(value: int) -> int:
    for step in (5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 5000, 10000):
        if value <= step * 4:
            return max(step * ((value + step - 1) // step), step)
    return value


def yearly_chart(figures: Mapping[str, Mapping[str, Any]], title: str) -> str:
    """The SVG markup, or ``""`` when no year was reported."""
    rows = yearly_rows(figures)
    if not rows:
        return ""
    top = _nice_max(max(max(r[key] for key, _, _ in SERIES) for r in rows))
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    group_w = plot_w / len(rows)
    bar_w = min(22.0, (group_w - 16) / len(SERIES))
    desc = "; ".join(
        f"{r['year']}: " + ", ".join(f"{label} {r[key]}" for key, label, _ in SERIES) for r in rows
    )
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" width="100%" '
        f'class="chart" role="img" aria-labelledby="chart-title chart-desc">',
        f'<title id="chart-title">{escape(title)}</title>',
        f'<desc id="chart-desc">{escape(desc)}</desc>',
    ]
    for i in range(5):  # grid lines and the scale
        value = top * i // 4
        y = TOP + plot_h - plot_h * i / 4
        out.append(
            f'<line x1="{LEFT}" y1="{y:.1f}" x2="{WIDTH - RIGHT}" y2="{y:.1f}" '
            'stroke="#d0d7de" stroke-width="1"/>'
        )
        out.append(
            f'<text x="{LEFT - 6}" y="{y + 4:.1f}" text-anchor="end" font-size="11" '
            f'fill="#333">{value}</text>'
        )
    for g, r in enumerate(rows):
        x0 = LEFT + g * group_w + (group_w - bar_w * len(SERIES)) / 2
        for s, (key, label, colour) in enumerate(SERIES):
            h = plot_h * r[key] / top if top else 0
            x, y = x0 + s * bar_w, TOP + plot_h - h
            out.append(
                f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar_w - 2:.1f}" height="{h:.1f}" '
                f'fill="{colour}"><title>{r["year"]}: {escape(label)} {r[key]}</title></rect>'
            )
        out.append(
            f'<text x="{LEFT + g * group_w + group_w / 2:.1f}" y="{TOP + plot_h + 16}" '
            f'text-anchor="middle" font-size="12" fill="#333">{r["year"]}</text>'
        )
    legend_y = HEIGHT - 18
    x = float(LEFT)
    for _key, label, colour in SERIES:
        out.append(f'<rect x="{x:.1f}" y="{legend_y - 9}" width="10" height="10" fill="{colour}"/>')
        out.append(
            f'<text x="{x + 14:.1f}" y="{legend_y}" font-size="11" fill="#333">'
            f"{escape(label)}</text>"
        )
        x += 24 + 6.2 * len(label)
    out.append("</svg>")
    return "\n".join(out)
