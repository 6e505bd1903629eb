"""Read-only web view of the emulator's spreadsheets: what coordinators would see.

The emulator server calls ``render(path, store)`` for GET /view and /view/*.
It shows the tabs, the values, the colours (static formats and conditional
format rules, evaluated here for the condition types sheetsync uses) and each
chart's data in SVG, drawn as its type (webview_charts).  Everything that comes from a
spreadsheet (values, titles, ids) is HTML-escaped, and the page is sent with a Content-Security-Policy
that runs no script at all, so a cell that slips through still cannot act.
"""

from __future__ import annotations

import html
import re
from typing import Any, Callable, Iterable
from urllib.parse import parse_qs, quote, urlencode

from sheetsync.emulator import webview_charts
from sheetsync.emulator.model import Sheet, Spreadsheet, Store

MAX_ROWS = 3000        # a 820,000-row tab would make a page no browser wants
REFRESH_S = 30         # the demo keeps syncing; the page follows

Response = tuple[int, str, bytes]

# No script, no plugin, no frame, no form, no outside request: the page is static HTML with
# inline styles and SVG.  The token in the address must not travel in a Referer either.
SECURITY_HEADERS = {
    "Content-Security-Policy": ("default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
                                "base-uri 'none'; form-action 'none'; frame-ancestors 'none'"),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Cache-Control": "no-store",   # names and phones (?personal=1) must not stay in a browser cache
}


def render(path: str, store: Store, query: str = "") -> Response:
    """(HTTP status, Content-Type, body) for /view, /view/<id>, /view/<id>/<sheetId>.

    Personal columns (names, phone numbers) are masked unless ``?personal=1``."""
    parts = [p for p in path.split("?")[0].split("/") if p][1:]  # drop "view"
    query = query or (path.split("?", 1)[1] if "?" in path else "")
    refresh = _refresh(query)
    personal = _flag(query, "personal")
    keep = _kept(query)
    if not parts:
        return _ok(_page("sheetsync emulator", _index(store, keep), refresh, keep))
    ss = store.spreadsheets.get(parts[0]) if isinstance(store, Store) else None
    if ss is None:
        return 404, "text/html; charset=utf-8", _page("Not found", "<p>No such spreadsheet.</p>").encode()
    with ss.lock:
        sheet = ss.sheets[0] if ss.sheets else None
        if len(parts) > 1:
            sheet = next((s for s in ss.sheets if str(s.sheet_id) == parts[1]), None)
            if sheet is None:
                return 404, "text/html; charset=utf-8", _page("Not found", "<p>No such tab.</p>").encode()
        body = _tabs(ss, sheet, _kept(query, personal)) + (_sheet(ss, sheet, personal) if sheet is not None else "")
        title = ss.title + (f" - {sheet.title}" if sheet is not None else "")
    return _ok(_page(title, body, refresh, keep))


def _kept(query: str, personal: bool = False) -> str:
    """The query every link of the page carries on: the admin token (a strict emulator's view
    needs it on each page) and, on tab links, the choice to show personal columns."""
    token = parse_qs(query).get("token", [""])[-1]
    pairs = ([("token", token)] if token else []) + ([("personal", "1")] if personal else [])
    return "?" + urlencode(pairs) if pairs else ""


def _refresh(query: str) -> int:
    """?refresh=N seconds (0 = never); the demo keeps syncing, so the page follows by default."""
    try:
        return max(0, int(parse_qs(query).get("refresh", [REFRESH_S])[0]))
    except ValueError:
        return REFRESH_S


def _flag(query: str, name: str) -> bool:
    return parse_qs(query).get(name, ["0"])[0].lower() in ("1", "true", "yes", "ya")


MASK = "***"


HeaderKey = Callable[[str], str]


def _plain_key(text: str) -> str:
    return " ".join(text.split()).casefold()


class _KnownHeaders:
    """The headers of the columns the view masks (personal) and links (C.Hasil photos).

    The emulator knows no config: whoever starts it and makes the sheets (the demo) says which
    headers these are, and how two headers are compared (sheetsync's own header matching), so
    the view reads a header as the sync does."""

    def __init__(self) -> None:
        self.key: HeaderKey = _plain_key
        self.personal: set[str] = set()
        self.photo: set[str] = set()

    def keys(self, headers: set[str]) -> frozenset[str]:
        found = {self.key(h) for h in headers}
        found.discard("")
        return frozenset(found)


_KNOWN = _KnownHeaders()


def know_headers(*, personal: Iterable[str] = (), photo: Iterable[str] = (),
                 key: HeaderKey | None = None) -> None:
    """Add headers of personal columns (names, phone numbers: masked unless ?personal=1) and of
    C.Hasil photo link columns (shown as links); ``key`` normalises a header for matching."""
    if key is not None:
        _KNOWN.key = key
    _KNOWN.personal.update(personal)
    _KNOWN.photo.update(photo)


def personal_headers() -> frozenset[str]:
    """Header keys of every personal column the view knows of."""
    return _KNOWN.keys(_KNOWN.personal)


def photo_headers() -> frozenset[str]:
    """Header keys of every C.Hasil photo link column the view knows of."""
    return _KNOWN.keys(_KNOWN.photo)


def _columns_named(sheet: Sheet, n_cols: int, header_rows: int, wanted: frozenset[str]) -> set[int]:
    """Columns whose header (the frozen rows, else row 1) is one of ``wanted``."""
    return {c for r in range(max(1, header_rows)) for c in range(n_cols)
            if sheet.get(r, c) is not None and _KNOWN.key(str(sheet.get(r, c))) in wanted}


def _ok(text: str) -> Response:
    return 200, "text/html; charset=utf-8", text.encode("utf-8")


def _e(value: Any) -> str:
    return html.escape(str(value), quote=True)


# ------------------------------------------------------------------ pages

CSS = """
body{font-family:system-ui,Arial,sans-serif;margin:0;color:#202124}
header{background:#188038;color:#fff;padding:8px 16px}
header a{color:#fff}
nav{padding:6px 16px;border-bottom:1px solid #ddd;background:#f8f9fa}
nav a{margin-right:4px;padding:4px 10px;text-decoration:none;color:#202124;border:1px solid #ddd;
 border-radius:4px 4px 0 0;display:inline-block}
nav a.on{background:#fff;font-weight:bold;border-bottom-color:#fff}
main{padding:8px 16px}
table.grid{border-collapse:collapse;font-size:13px}
table.grid td,table.grid th{border:1px solid #e0e0e0;padding:2px 6px;white-space:nowrap}
table.grid th.rn{background:#f1f3f4;color:#5f6368;font-weight:normal;text-align:right}
table.grid tr.frozen td{position:sticky;top:0;background:#f1f3f4;font-weight:bold}
td.num{text-align:right}
.note{color:#5f6368;font-size:12px}
.chart{margin:16px 0}
"""


def _page(title: str, body: str, refresh: int = REFRESH_S, keep: str = "") -> str:
    meta = f'<meta http-equiv="refresh" content="{refresh}">' if refresh else ""
    return (f'<!doctype html><html lang="id"><head><meta charset="utf-8">{meta}'
            f"<title>{_e(title)}</title><style>{CSS}</style></head><body>"
            f'<header><a href="/view{_e(keep)}">sheetsync</a> &middot; read-only view &middot; {_e(title)}</header>'
            f"{body}</body></html>")


def _href(*parts: Any, keep: str = "") -> str:
    """A /view link, each part URL-quoted and the whole HTML-escaped (ids come from requests)."""
    return _e("/view/" + "/".join(quote(str(p), safe="") for p in parts) + keep)


def _index(store: Store, keep: str = "") -> str:
    items = "".join(
        f'<li><a href="{_href(ss.id, keep=keep)}">{_e(ss.title)}</a> '
        f'<span class="note">{len(ss.sheets)} tab(s) &middot; {_e(ss.id)}</span></li>'
        for ss in store.all())
    return f"<main><h1>Spreadsheets</h1><ul>{items or '<li>(none yet)</li>'}</ul></main>"


def _tabs(ss: Spreadsheet, current: Sheet | None, keep: str = "") -> str:
    links = "".join(
        f'<a class="{"on" if s is current else ""}" href="{_href(ss.id, s.sheet_id, keep=keep)}">'
        f"{_e(s.title)}</a>" for s in ss.sheets)
    return f"<nav>{links}</nav>"


def _sheet(ss: Spreadsheet, sheet: Sheet, personal: bool = False) -> str:
    n_rows, n_cols = sheet.used_extent()
    shown = min(n_rows, MAX_ROWS)
    frozen = int(sheet.grid.get("frozenRowCount", 0) or 0)
    colours = _cell_colours(sheet, shown, n_cols)
    masked = set() if personal else _columns_named(sheet, n_cols, frozen, personal_headers())
    links = _columns_named(sheet, n_cols, frozen, photo_headers())
    header_rows = max(1, frozen)
    head = "<tr><th class='rn'></th>" + "".join(
        f"<th class='rn'>{_col_letter(c)}</th>" for c in range(n_cols)) + "</tr>"
    rows = []
    for r in range(shown):
        cells = []
        for c in range(n_cols):
            value = sheet.get(r, c)
            if c in masked and r >= header_rows and value not in (None, ""):
                value = MASK          # names and phone numbers stay off screens by default
            style = _style(colours.get((r, c)), sheet.formats.get((r, c)))
            cls = ' class="num"' if isinstance(value, (int, float)) and not isinstance(value, bool) else ""
            text = _e(_show(value))
            address = web_link(value) if c in links and r >= header_rows else None
            if address:
                text = f'<a href="{_e(address)}" rel="noopener noreferrer">{text}</a>'
            cells.append(f"<td{cls}{style}>{text}</td>")
        frozen_cls = ' class="frozen"' if r < frozen else ""
        rows.append(f"<tr{frozen_cls}><th class='rn'>{r + 1}</th>{''.join(cells)}</tr>")
    more = (f'<p class="note">Showing {shown:,} of {n_rows:,} rows.</p>' if shown < n_rows else "")
    charts = "".join(_chart(ss, chart) for chart in sheet.charts)
    notes = _protections(sheet)
    if masked:
        notes += ('<p class="note">Names and phone numbers are masked (personal data); '
                  'add <code>?personal=1</code> to the address to show them '
                  '(<code>&amp;personal=1</code> after a <code>?token=</code>).</p>')
    return (f'<main>{charts}<table class="grid" data-tab="{_e(sheet.title)}">{head}{"".join(rows)}</table>'
            f"{more}{notes}</main>")


# A link the view makes clickable: http(s) only (never javascript:, data: or file:), a host
# without a user name (so the host shown is the host visited), and no blank or control
# character that a browser would strip or read otherwise.
_WEB_LINK = re.compile(r"https?://[^\s\x00-\x1f\x7f/?#@\\]+(?:[/?#][^\s\x00-\x1f\x7f]*)?", re.IGNORECASE)


def web_link(value: Any) -> str | None:
    """The http(s) address a cell holds (blanks around it dropped, as the photo rule reads
    it), or None; the caller escapes it before it reaches the page."""
    if not isinstance(value, str):
        return None
    address = value.strip()
    return address if _WEB_LINK.fullmatch(address) else None


def _show(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _col_letter(c: int) -> str:
    out = ""
    c += 1
    while c:
        c, rem = divmod(c - 1, 26)
        out = chr(65 + rem) + out
    return out


def _protections(sheet: Sheet) -> str:
    if not sheet.protected_ranges:
        return ""
    items = []
    for p in sheet.protected_ranges:
        kind = "warning only" if p.get("warningOnly") else "locked"
        items.append(f"{_e(p.get('description') or 'protected range')} ({kind})")
    return f'<p class="note">Protected: {"; ".join(items)}</p>'


# ----------------------------------------------------------------- colours

def _rgb(colour: dict | None) -> str | None:
    if not colour:
        return None
    colour = colour.get("rgbColor", colour)
    r, g, b = (round(float(colour.get(k, 0)) * 255) for k in ("red", "green", "blue"))
    return f"#{r:02x}{g:02x}{b:02x}"


def _background(fmt: dict | None) -> str | None:
    if not fmt:
        return None
    return _rgb(fmt.get("backgroundColorStyle")) or _rgb(fmt.get("backgroundColor"))


def _style(conditional: dict | None, static: dict | None) -> str:
    fmt = conditional or static
    bits = []
    bg = _background(fmt) or _background(static)
    if bg and bg != "#ffffff":
        bits.append(f"background-color:{bg}")
    text = (fmt or {}).get("textFormat") or (static or {}).get("textFormat") or {}
    if text.get("bold"):
        bits.append("font-weight:bold")
    fg = _rgb(text.get("foregroundColorStyle")) or _rgb(text.get("foregroundColor"))
    if fg and fg != "#000000":
        bits.append(f"color:{fg}")
    return f' style="{";".join(bits)}"' if bits else ""


def _cells(grid_range: dict, rows: int, cols: int) -> Iterable[tuple[int, int]]:
    r0 = grid_range.get("startRowIndex", 0)
    r1 = min(grid_range.get("endRowIndex", rows), rows)
    c0 = grid_range.get("startColumnIndex", 0)
    c1 = min(grid_range.get("endColumnIndex", cols), cols)
    for r in range(r0, r1):
        for c in range(c0, c1):
            yield r, c


def _cell_colours(sheet: Sheet, rows: int, cols: int) -> dict[tuple[int, int], dict]:
    """(r, c) -> the format of the first conditional rule that matches (Google's order)."""
    out: dict[tuple[int, int], dict] = {}
    for rule in sheet.conditional_formats:
        boolean = rule.get("booleanRule")
        if not boolean:
            continue
        for grid_range in rule.get("ranges", []):
            top, left = grid_range.get("startRowIndex", 0), grid_range.get("startColumnIndex", 0)
            for r, c in _cells(grid_range, rows, cols):
                if (r, c) not in out and _matches(boolean.get("condition", {}), sheet, r, c, top, left):
                    out[(r, c)] = boolean.get("format", {})
    return out


def _condition_values(condition: dict) -> list[str]:
    return [str(v.get("userEnteredValue", "")) for v in condition.get("values", [])]


_CUSTOM = re.compile(r'^=\s*\$?([A-Z]+)\$?(\d+)\s*=\s*"([^"]*)"\s*$', re.I)


def _matches(condition: dict, sheet: Sheet, r: int, c: int, top: int, left: int) -> bool:
    kind = condition.get("type", "")
    args = _condition_values(condition)
    value = sheet.get(r, c)
    text = "" if value is None else _show(value)
    if kind == "TEXT_EQ":
        return bool(args) and text.lower() == args[0].lower()
    if kind == "TEXT_CONTAINS":
        return bool(args) and args[0].lower() in text.lower()
    if kind == "TEXT_STARTS_WITH":
        return bool(args) and text.lower().startswith(args[0].lower())
    if kind == "BLANK":
        return text == ""
    if kind == "NOT_BLANK":
        return text != ""
    if kind in ("NUMBER_GREATER", "NUMBER_LESS", "NUMBER_EQ") and args:
        try:
            number, bound = float(value), float(args[0])
        except (TypeError, ValueError):
            return False
        return {"NUMBER_GREATER": number > bound, "NUMBER_LESS": number < bound,
                "NUMBER_EQ": number == bound}[kind]
    if kind == "CUSTOM_FORMULA" and args:
        # Only the shape sheetsync writes: =$H2="SALAH", relative to the range's top-left.
        match = _CUSTOM.match(args[0])
        if not match:
            return False
        col_text, row_text, wanted = match.groups()
        ref_c = _col_index(col_text) if "$" in args[0].split(col_text)[0] else _col_index(col_text) + (c - left)
        ref_r = int(row_text) - 1 + (r - top)
        other = sheet.get(ref_r, ref_c)
        return _show(other).lower() == wanted.lower() if other is not None else wanted == ""
    return False


def _col_index(letters: str) -> int:
    n = 0
    for ch in letters.upper():
        n = n * 26 + ord(ch) - 64
    return n - 1


# ------------------------------------------------------------------- charts

def _range_values(ss: Spreadsheet, grid_range: dict) -> list[Any]:
    sheet = ss.sheet_by_id(grid_range.get("sheetId", 0))
    if sheet is None:
        return []
    rows, cols = sheet.used_extent()
    return [sheet.get(r, c) for r, c in _cells(grid_range, rows, cols)]


def _sources(data: dict) -> list[dict]:
    """The GridRanges of a ChartData (a domain or a series)."""
    return data.get("sourceRange", {}).get("sources", [])


def _chart_parts(ss: Spreadsheet, spec: dict) -> tuple[list[dict], list[dict], int]:
    """(domain ChartData, series ChartData, header rows) of a basic or pie chart.  A pie chart
    has no headerCount: Sheets guesses, and so does this, as the series' first cell being text."""
    pie = spec.get("pieChart")
    if pie is not None:
        sources = _sources(pie.get("series", {}))
        first = next(iter(_range_values(ss, sources[0])), None) if sources else None
        header = 1 if isinstance(first, str) and first.strip() else 0
        return [pie.get("domain", {})], [pie.get("series", {})], header
    basic = spec.get("basicChart", {})
    return ([d.get("domain", {}) for d in basic.get("domains", [])],
            [s.get("series", {}) for s in basic.get("series", [])], int(basic.get("headerCount", 0) or 0))


def chart_data(ss: Spreadsheet, chart: dict) -> tuple[str, list[str], list[tuple[str, list[float]]]]:
    """(title, category labels, [(series name, values)]) of a basic or pie chart."""
    spec = chart.get("spec", {})
    domains, series_data, header_count = _chart_parts(ss, spec)
    labels: list[str] = []
    for domain in domains:
        for source in _sources(domain):
            labels += [_show(v) for v in _range_values(ss, source)]
    series: list[tuple[str, list[float]]] = []
    for i, data in enumerate(series_data):
        values: list[Any] = []
        for source in _sources(data):
            values += _range_values(ss, source)
        name = f"series {i + 1}"
        if header_count and values:
            name, values = _show(values[0]), values[1:]
        series.append((name, [float(v) if isinstance(v, (int, float)) and not isinstance(v, bool) else 0.0
                              for v in values]))
    if header_count and labels:
        labels = labels[1:]
    return str(spec.get("title", "")), labels, series


def _chart(ss: Spreadsheet, chart: dict) -> str:
    title, labels, series = chart_data(ss, chart)
    return webview_charts.draw(chart.get("spec", {}), title, labels, series)
