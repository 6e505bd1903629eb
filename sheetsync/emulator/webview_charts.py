"""The web view's charts: a chart's data drawn in SVG as Sheets draws its type.

The field names are the Sheets API's ChartSpec: a ``basicChart`` of chartType BAR (horizontal),
COLUMN (vertical), LINE (a polyline per series), AREA and STEPPED_AREA (filled under the
series' line or steps), COMBO (each series as its ``type`` says: COLUMN, LINE or AREA) and
SCATTER (a point per row), each stacked or stacked to 100 % as its ``stackedType`` says where
Sheets stacks that type; a ``pieChart`` as slices of its one series.  Any other type gets a
note that the emulator does not draw it: a wrong picture would be read as what Sheets shows.

The data (labels, series) comes from webview, which reads the cells; everything from a
spreadsheet is HTML-escaped here.
"""

from __future__ import annotations

import html
import math
from typing import Any

PALETTE = ("#4285f4", "#ea4335", "#fbbc04", "#34a853")
# A pie's slices touch, the last one the first: Sheets' six theme colours before one repeats.
PIE_PALETTE = (*PALETTE, "#ff6d01", "#46bdc6")

Series = list[tuple[str, list[float]]]
Extent = tuple[float, float]    # (start, end) of a bar along the value axis, 0..1 of its length

AXIS_PX = 320      # the value axis: bars' full length, columns' and lines' full height
THICK_PX = 12      # one bar (or column) and the space to its neighbour
GAP_PX = 8         # between categories
LABEL_PX = 160     # category names left of horizontal bars
BELOW_PX = 110     # category names, slanted, under columns and lines
STEP_PX = 28       # between two points of a line
TOP_PX = 14        # above the value axis: room for the highest column's value and a line's stroke
RADIUS_PX = 120    # a pie's radius
POINT_R = 3.5      # a scatter point: Google Charts' default pointSize of 7 is its diameter
AREA_OPACITY = 0.3             # Google Charts' default areaOpacity, for AREA and STEPPED_AREA
SLICE_TEXT_MIN = 0.05          # a slice narrower than this has no room for its percentage

# The basic chart types drawn here (a pieChart is too); COMBO series types Sheets allows
# (BasicChartSeries.type).
BASIC_DRAWN = ("BAR", "COLUMN", "LINE", "AREA", "STEPPED_AREA", "COMBO", "SCATTER")
COMBO_TYPES = ("COLUMN", "LINE", "AREA")
STACKING = ("COLUMN", "AREA", "STEPPED_AREA")     # the series types a stackedType stacks


def _e(value: Any) -> str:
    return html.escape(str(value), quote=True)


def chart_kind(spec: dict) -> str:
    """The type a chart spec draws: a basicChart's chartType, else the name of the spec's chart
    field (pieChart, histogramChart, orgChart, ...)."""
    if "basicChart" in spec:
        return str(spec["basicChart"].get("chartType", "BAR"))
    return next((key for key in spec if key.endswith("Chart")), "unknown")


def draw(spec: dict, title: str, labels: list[str], series: Series) -> str:
    """A chart's HTML: its title, a legend and the SVG; a note for a type not drawn here;
    nothing for a chart without data."""
    kind = chart_kind(spec)
    if kind not in (*BASIC_DRAWN, "pieChart"):
        return (f'<div class="chart"><h3>{_e(title)}</h3><p class="note">Grafik jenis {_e(kind)} '
                f"tidak digambar oleh emulator &middot; chart type {_e(kind)} is not drawn by the "
                f"emulator</p></div>")
    if not labels or not series:
        return ""
    if kind == "pieChart":
        hole = spec["pieChart"].get("pieHole")
        svg, width, height = _pie(labels, series[0][1], float(hole) if isinstance(hole, (int, float)) else 0.0)
        keys = [(label, _pie_colour(i)) for i, label in enumerate(labels)]
    else:
        svg, width, height = _basic(kind, spec.get("basicChart", {}), labels, series)
        keys = [(name, _colour(j)) for j, (name, _) in enumerate(series)]
    legend = " ".join(f'<span style="color:{colour}">&#9632; {_e(name)}</span>' for name, colour in keys)
    return (f'<div class="chart"><h3>{_e(title)}</h3><div class="note">{legend}</div>'
            f'<svg width="{width}" height="{height + TOP_PX}" role="img">'
            f'<g transform="translate(0 {TOP_PX})">{svg}</g></svg></div>')


def _basic(kind: str, basic: dict, labels: list[str], series: Series) -> tuple[str, int, int]:
    items = basic.get("series", [])
    axes = [item.get("targetAxis", "LEFT_AXIS") for item in items]
    stacked = basic.get("stackedType", "NOT_STACKED")
    if kind == "LINE":
        return _lines(labels, series, axes)
    if kind == "SCATTER":
        return _scatter(labels, series, axes)
    if kind in ("BAR", "COLUMN"):
        return _bars(labels, series, _extents(series, len(labels), stacked),
                     vertical=kind == "COLUMN", values_shown=stacked == "NOT_STACKED")
    types = [_combo_type(item, j) for j, item in enumerate(items)] if kind == "COMBO" else [kind] * len(series)
    return _layers(labels, series, types, axes, stacked)


def _combo_type(item: dict, j: int) -> str:
    """A COMBO series' type; one Sheets does not allow there is drawn as Sheets' chart editor
    starts a combo (assumed for an API spec without types): the first series columns, the
    others lines."""
    kind = item.get("type")
    if kind in COMBO_TYPES:
        return str(kind)
    return "COLUMN" if j == 0 else "LINE"


def _colour(j: int) -> str:
    return PALETTE[j % len(PALETTE)]


def _pie_colour(i: int) -> str:
    return PIE_PALETTE[i % len(PIE_PALETTE)]


def _value(values: list[float], i: int) -> float:
    """A series' value for category i; a missing or negative one draws nothing (counts are never below 0)."""
    return max(values[i], 0.0) if i < len(values) else 0.0


def _amount(value: float) -> str:
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}"


def _y(fraction: float) -> int:
    """The SVG y of a point that far (0..1) up the value axis."""
    return AXIS_PX - round(fraction * AXIS_PX)


# ------------------------------------------------------------ bars and columns

def _extents(series: Series, n: int, stacked: str) -> list[list[Extent]]:
    """[category][series] -> where its bar starts and ends on the value axis.  Side by side, the
    longest bar fills the axis; stacked, the highest stack; stacked to 100 %, every stack."""
    rows = [[_value(values, i) for _, values in series] for i in range(n)]
    if stacked == "NOT_STACKED":
        top = max((v for row in rows for v in row), default=0.0) or 1.0
        return [[(0.0, v / top) for v in row] for row in rows]
    tops = [sum(row) or 1.0 for row in rows]
    if stacked != "PERCENT_STACKED":
        tops = [max(tops)] * n
    out = []
    for row, top in zip(rows, tops):
        ends = [sum(row[:j + 1]) / top for j in range(len(row))]
        out.append(list(zip([0.0, *ends[:-1]], ends)))
    return out


def _bars(labels: list[str], series: Series, extents: list[list[Extent]], *,
          vertical: bool, values_shown: bool) -> tuple[str, int, int]:
    """(SVG body, width, height): one <rect> per category and series, side by side in lanes
    unless stacked (then all in one lane, each segment its own rect)."""
    lanes = len(series) if values_shown else 1
    band = THICK_PX * lanes + GAP_PX
    parts = []
    for i, label in enumerate(labels):
        across = i * band
        parts.append(_slanted(LABEL_PX // 4 + across + band // 2, label) if vertical else
                     f'<text x="0" y="{across + THICK_PX}" font-size="12">{_e(label)}</text>')
        for j, (start, end) in enumerate(extents[i]):
            lane = across + (j if values_shown else 0) * THICK_PX
            # rounded ends, not lengths: a stack's segments then add up to exactly its rounded length
            low, high = round(start * AXIS_PX), round(end * AXIS_PX)
            value = _value(series[j][1], i)
            tip = f"<title>{_e(label)} &middot; {_e(series[j][0])}: {value:,.0f}</title>"
            if vertical:
                box = f'x="{LABEL_PX // 4 + lane}" y="{AXIS_PX - high}" width="{THICK_PX - 2}" height="{high - low}"'
                text = f'x="{LABEL_PX // 4 + lane}" y="{AXIS_PX - high - 3}"'
            else:
                box = f'x="{LABEL_PX + low}" y="{lane}" width="{high - low}" height="{THICK_PX - 2}"'
                text = f'x="{LABEL_PX + high + 4}" y="{lane + THICK_PX - 3}"'
            parts.append(f'<rect {box} fill="{_colour(j)}">{tip}</rect>')
            if values_shown:
                parts.append(f'<text {text} font-size="10">{value:,.0f}</text>')
    length = band * len(labels)
    if vertical:
        return "".join(parts), LABEL_PX // 4 + length + 40, AXIS_PX + BELOW_PX
    return "".join(parts), LABEL_PX + AXIS_PX + 80, length


# ------------------------------------------------------------------- lines

def _axis_tops(series: Series, axes: list[str], n: int) -> dict[str, float]:
    """Each value axis (left, right) scaled to its own highest value, as Sheets scales a second axis."""
    tops: dict[str, float] = {}
    for (_, values), axis in zip(series, axes):
        tops[axis] = max(tops.get(axis, 0.0), *(_value(values, i) for i in range(n)))
    return tops


def _lines(labels: list[str], series: Series, axes: list[str]) -> tuple[str, int, int]:
    """(SVG body, width, height): a <polyline> per series, one point per category; each axis
    (left, right) scaled to its own highest value, as Sheets scales a second axis."""
    tops = _axis_tops(series, axes, len(labels))
    left = LABEL_PX // 4
    parts = [_slanted(left + i * STEP_PX, label) for i, label in enumerate(labels)]
    for j, ((name, values), axis) in enumerate(zip(series, axes)):
        top = tops[axis] or 1.0
        points = " ".join(f"{left + i * STEP_PX},{AXIS_PX - round(_value(values, i) / top * AXIS_PX)}"
                          for i in range(len(labels)))
        side = " (right axis)" if axis == "RIGHT_AXIS" else ""
        parts.append(f'<polyline points="{points}" fill="none" stroke="{_colour(j)}" stroke-width="2">'
                     f"<title>{_e(name)}{side}</title></polyline>")
    return "".join(parts), left + STEP_PX * len(labels) + 40, AXIS_PX + BELOW_PX


def _slanted(x: int, label: str) -> str:
    """A category name under a column or a line's point, slanted so long names do not overlap."""
    y = AXIS_PX + 14
    return f'<text x="{x}" y="{y}" font-size="11" transform="rotate(40 {x} {y})">{_e(label)}</text>'


# ------------------------------------------- areas, stepped areas and combos

def _spans(series: Series, types: list[str], axes: list[str], n: int, stacked: str) -> list[list[Extent]]:
    """[series][category] -> where the series is drawn (0..1 of its value axis).  Stacked, a
    series of a stacking type sits on the ones of its type and axis before it (areas on areas,
    columns on columns); a line, or any series not stacked, starts at 0.  Each axis is scaled
    to its highest end; stacked to 100 %, every stack fills the axis."""
    raw: list[list[Extent]] = []
    stacks: dict[tuple[str, str], list[float]] = {}
    shares: list[tuple[str, str] | None] = []       # the stack a series is a share of (100 %)
    for (_, values), kind, axis in zip(series, types, axes):
        heights = [_value(values, i) for i in range(n)]
        if stacked == "NOT_STACKED" or kind not in STACKING:
            raw.append([(0.0, h) for h in heights])
            shares.append(None)
            continue
        base = stacks.setdefault((kind, axis), [0.0] * n)
        raw.append([(b, b + h) for b, h in zip(base, heights)])
        stacks[(kind, axis)] = [b + h for b, h in zip(base, heights)]
        shares.append((kind, axis) if stacked == "PERCENT_STACKED" else None)
    tops: dict[str, float] = {}
    for spans, axis, share in zip(raw, axes, shares):
        if share is None:
            tops[axis] = max(tops.get(axis, 0.0), *(end for _, end in spans))
    out = []
    for spans, axis, share in zip(raw, axes, shares):
        totals = stacks[share] if share is not None else [tops[axis] or 1.0] * n
        out.append([(start / (total or 1.0), end / (total or 1.0)) for (start, end), total in zip(spans, totals)])
    return out


def _layers(labels: list[str], series: Series, types: list[str], axes: list[str],
            stacked: str) -> tuple[str, int, int]:
    """(SVG body, width, height) of AREA, STEPPED_AREA and COMBO charts: one band per category;
    an area a <polygon> through the bands' middles, a stepped area a <polygon> with a flat top
    across each band, both filled at Google's area opacity under a full-colour outline; a
    column a <rect> per category; a line a <polyline>.  Every area's fill is drawn first, then
    their outlines, the columns and the lines, so no fill tints another series' line."""
    n = len(labels)
    spans = _spans(series, types, axes, n, stacked)
    columns = [j for j, kind in enumerate(types) if kind == "COLUMN"]
    lanes = (1 if stacked != "NOT_STACKED" else len(columns)) if columns else 0
    band = max(STEP_PX, THICK_PX * lanes + GAP_PX)
    left = LABEL_PX // 4
    parts = [_slanted(left + i * band + band // 2, label) for i, label in enumerate(labels)]
    fills: list[str] = []
    outlines: list[str] = []
    bars: list[str] = []
    lines: list[str] = []
    for j, kind in enumerate(types):
        name = _e(series[j][0]) + (" (right axis)" if axes[j] == "RIGHT_AXIS" else "")
        if kind == "COLUMN":
            lane = columns.index(j) if lanes > 1 else 0
            x0 = left + (band - THICK_PX * lanes) // 2 + lane * THICK_PX
            bars += [_column(x0 + i * band, spans[j][i], f"{_e(labels[i])} &middot; {name}: "
                             f"{_amount(_value(series[j][1], i))}", _colour(j)) for i in range(n)]
        elif kind == "LINE":
            points = " ".join(f"{left + i * band + band // 2},{_y(end)}" for i, (_, end) in enumerate(spans[j]))
            lines.append(f'<polyline points="{points}" fill="none" stroke="{_colour(j)}" stroke-width="2">'
                         f"<title>{name}</title></polyline>")
        else:
            fill, outline = _area(spans[j], left, band, stepped=kind == "STEPPED_AREA", name=name, colour=_colour(j))
            fills.append(fill)
            outlines.append(outline)
    parts += fills + outlines + bars + lines
    return "".join(parts), left + band * n + 40, AXIS_PX + BELOW_PX


def _column(x: int, span: Extent, tip: str, colour: str) -> str:
    low, high = round(span[0] * AXIS_PX), round(span[1] * AXIS_PX)
    return (f'<rect x="{x}" y="{AXIS_PX - high}" width="{THICK_PX - 2}" height="{high - low}" '
            f'fill="{colour}"><title>{tip}</title></rect>')


def _area(spans: list[Extent], left: int, band: int, *, stepped: bool, name: str,
          colour: str) -> tuple[str, str]:
    """A series' area (its fill, its outline): the top edge runs through each band's middle, or
    flat across each band when stepped; the fill comes back along what it is stacked on."""
    def across(i: int) -> tuple[int, ...]:
        return (left + i * band, left + (i + 1) * band) if stepped else (left + i * band + band // 2,)

    top = [(x, _y(end)) for i, (_, end) in enumerate(spans) for x in across(i)]
    bottom = [(x, _y(start)) for i, (start, _) in enumerate(spans) for x in across(i)]
    outline = " ".join(f"{x},{y}" for x, y in top)
    shape = " ".join(f"{x},{y}" for x, y in top + bottom[::-1])
    return (f'<polygon points="{shape}" fill="{colour}" fill-opacity="{AREA_OPACITY}" stroke="none">'
            f"<title>{name}</title></polygon>",
            f'<polyline points="{outline}" fill="none" stroke="{colour}" stroke-width="2"/>')


# ------------------------------------------------------------------ scatter

def _numbers(labels: list[str]) -> list[float] | None:
    """The domain as numbers (a scatter's x values), or None when any of it is text."""
    try:
        numbers = [float(label) for label in labels]
    except ValueError:
        return None
    return numbers if all(math.isfinite(x) for x in numbers) else None


def _scatter(labels: list[str], series: Series, axes: list[str]) -> tuple[str, int, int]:
    """(SVG body, width, height): a <circle> per row and series, no line between them.  A
    numeric domain is the x axis, scaled from 0 (or its lowest value, if below 0) to its
    highest, with those two ends and the middle marked; a text domain is one step per row."""
    n = len(labels)
    left = LABEL_PX // 4
    tops = _axis_tops(series, axes, n)
    xs = _numbers(labels)
    if xs is None:
        across = [left + i * STEP_PX for i in range(n)]
        parts = [_slanted(x, label) for x, label in zip(across, labels)]
        width = STEP_PX * n
    else:
        low, high = min(0.0, *xs), max(xs)
        scale = (high - low) or 1.0
        across = [left + round((x - low) / scale * AXIS_PX) for x in xs]
        parts = [f'<text x="{left + round(k * AXIS_PX / 2)}" y="{AXIS_PX + 14}" font-size="11" '
                 f'text-anchor="middle">{_amount(low + k * scale / 2)}</text>' for k in range(3)]
        width = AXIS_PX
    for j, ((name, values), axis) in enumerate(zip(series, axes)):
        top = tops[axis] or 1.0
        side = " (right axis)" if axis == "RIGHT_AXIS" else ""
        parts += [f'<circle cx="{x}" cy="{_y(_value(values, i) / top)}" r="{POINT_R}" fill="{_colour(j)}">'
                  f"<title>{_e(labels[i])} &middot; {_e(name)}{side}: {_amount(_value(values, i))}</title></circle>"
                  for i, x in enumerate(across)]
    return "".join(parts), left + width + 40, AXIS_PX + BELOW_PX


# ---------------------------------------------------------------------- pie

def _pie(labels: list[str], values: list[float], hole: float) -> tuple[str, int, int]:
    """(SVG body, width, height): a <path> per slice with a value, clockwise from twelve
    o'clock in row order as Sheets draws them, its percentage on it when it has room; a
    ``pieHole`` (0..1 of the radius) makes it a ring."""
    size = 2 * RADIUS_PX + 20
    centre = size // 2
    amounts = [_value(values, i) for i in range(len(labels))]
    total = sum(amounts)
    if not total:
        return (f'<text x="{centre}" y="{centre}" font-size="12" text-anchor="middle">Belum ada data '
                f"&middot; No data</text>"), size, size
    inner = RADIUS_PX * min(max(hole, 0.0), 0.9)
    parts, start = [], 0.0
    for i, (label, amount) in enumerate(zip(labels, amounts)):
        if not amount:
            continue
        share = amount / total
        tip = f"{_e(label)}: {_amount(amount)} ({_percent(share)})"
        parts.append(f'<path d="{_slice(centre, inner, start, start + share)}" fill="{_pie_colour(i)}" '
                     f'fill-rule="evenodd" stroke="#ffffff" stroke-width="1"><title>{tip}</title></path>')
        if share >= SLICE_TEXT_MIN:
            x, y = _at(centre, (RADIUS_PX + inner) / 2 if inner else RADIUS_PX * 0.6, start + share / 2)
            parts.append(f'<text x="{x}" y="{y}" font-size="11" fill="#ffffff" text-anchor="middle" '
                         f'dominant-baseline="middle">{_percent(share)}</text>')
        start += share
    return "".join(parts), size, size


def _percent(share: float) -> str:
    return f"{share * 100:.1f}".rstrip("0").rstrip(".") + "%"


def _at(centre: int, radius: float, turn: float) -> tuple[str, str]:
    """The point ``turn`` (0..1, clockwise from twelve o'clock) round a circle."""
    angle = 2 * math.pi * turn
    return f"{centre + radius * math.sin(angle):.1f}", f"{centre - radius * math.cos(angle):.1f}"


def _slice(centre: int, inner: float, start: float, end: float) -> str:
    """A slice's path from turn ``start`` to ``end``: to the centre, or along the hole's edge."""
    outer = RADIUS_PX
    if end - start > 1 - 1e-9:      # the whole pie: one arc cannot end where it starts, so two halves
        ring = _circle(centre, outer, sweep=1)
        return ring + (" " + _circle(centre, inner, sweep=0) if inner else "")
    large = 1 if end - start > 0.5 else 0
    (x0, y0), (x1, y1) = _at(centre, outer, start), _at(centre, outer, end)
    path = f"M{x0},{y0} A{outer},{outer} 0 {large} 1 {x1},{y1}"
    if not inner:
        return f"{path} L{centre},{centre} Z"
    (x2, y2), (x3, y3) = _at(centre, inner, end), _at(centre, inner, start)
    return f"{path} L{x2},{y2} A{inner:.1f},{inner:.1f} 0 {large} 0 {x3},{y3} Z"


def _circle(centre: int, radius: float, *, sweep: int) -> str:
    (x0, y0), (x1, y1) = _at(centre, radius, 0.0), _at(centre, radius, 0.5)
    r = f"{radius:.1f},{radius:.1f}"
    return f"M{x0},{y0} A{r} 0 0 {sweep} {x1},{y1} A{r} 0 0 {sweep} {x0},{y0} Z"
