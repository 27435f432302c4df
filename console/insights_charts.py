"""The Insights page's charts: server-rendered SVG (no script, no CDN), each a set of
horizontal bars with its numbers written beside it. The same numbers are in the table under
each chart and in its CSV download. Colours come from presentation attributes and classes
(the console's Content-Security-Policy allows no inline style)."""

from __future__ import annotations

from dataclasses import dataclass

from markupsafe import Markup, escape

WIDTH = 700
LABEL_W = 230
BAR_H = 18
GAP = 8
NUMBER_W = 190
# One colour per series, readable on white, told apart without colour by the legend's order.
COLOURS = ("#1f5fbf", "#17803d", "#a65b00", "#7a3db8", "#b42318", "#0f766e", "#5f6b7a", "#c2410c", "#334155")


@dataclass(frozen=True)
class Segment:
    value: float
    series: str  # the legend's name


@dataclass(frozen=True)
class Bar:
    label: str
    segments: tuple[Segment, ...]
    note: str  # the number written beside the bar


def hbars(bars: list[Bar], *, title: str, scale: float | None = None, legend: list[str] | None = None) -> Markup:
    """Stacked horizontal bars; ``scale``: the value of a full-width bar (default: the largest)."""
    if not bars:
        return Markup('<p class="muted empty-chart">No data in this range.</p>')
    series = legend or list(dict.fromkeys(s.series for b in bars for s in b.segments))
    colour = {name: COLOURS[i % len(COLOURS)] for i, name in enumerate(series)}
    top = scale or max((sum(s.value for s in b.segments) for b in bars), default=0) or 1
    span = WIDTH - LABEL_W - NUMBER_W
    legend_h = 22 if len(series) > 1 else 0
    height = legend_h + len(bars) * (BAR_H + GAP) + GAP
    out = [f'<svg class="chart" role="img" viewBox="0 0 {WIDTH} {height}" width="100%" '
           f'preserveAspectRatio="xMinYMin meet" xmlns="http://www.w3.org/2000/svg">',
           f"<title>{escape(title)}</title>"]
    if legend_h:
        x = LABEL_W
        for name in series:
            out.append(f'<rect x="{x}" y="4" width="12" height="12" fill="{colour[name]}"/>'
                       f'<text x="{x + 16}" y="14" class="legend">{escape(name)}</text>')
            x += 26 + 7 * len(name)
    for i, b in enumerate(bars):
        y = legend_h + GAP + i * (BAR_H + GAP)
        out.append(f'<g class="bar-row"><text x="{LABEL_W - 8}" y="{y + BAR_H - 5}" text-anchor="end" '
                   f'class="label">{escape(b.label)}</text>')
        out.append(f'<rect x="{LABEL_W}" y="{y}" width="{span}" height="{BAR_H}" fill="#eef1f5"/>')
        x = float(LABEL_W)
        for s in b.segments:
            w = max(0.0, min(span, span * s.value / top)) if top else 0.0
            if w > 0:
                out.append(f'<rect x="{x:.1f}" y="{y}" width="{w:.1f}" height="{BAR_H}" fill="{colour[s.series]}">'
                           f"<title>{escape(b.label)} · {escape(s.series)}: {escape(_num(s.value))}</title></rect>")
            x += w
        out.append(f'<text x="{LABEL_W + span + 8}" y="{y + BAR_H - 5}" class="number">{escape(b.note)}</text></g>')
    out.append("</svg>")
    return Markup("".join(out))


def _num(v: float) -> str:
    return f"{v:.0f}" if float(v).is_integer() else f"{v:.1f}"


def pct(x: float | None) -> str:
    return "—" if x is None else f"{100 * x:.0f} %"


def seconds(x: float | None) -> str:
    if x is None:
        return "—"
    m, s = divmod(int(round(x)), 60)
    return f"{m} min {s:02d} s" if m else f"{s} s"
