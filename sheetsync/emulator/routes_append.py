"""spreadsheets.values.append: table detection and grid growth as Google documents them.

"The input range is used to search for existing data and find a table within
that range. Values will be appended to the next row of the table, starting
with the first column of the table."  A table here is the first run of
consecutive non-empty rows inside the range (a blank row ends it); a one-cell
range continues the table starting on its row (if that row is empty the data
lands there), to the right and down.  Past the grid the sheet
grows by exactly the rows (and columns) needed; INSERT_ROWS inserts rows.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from . import a1, protection
from .a1 import Box
from .model import Sheet
from .routes_values import (VALUE_RANGE_KEYS, Write, _enum, check_body_range, known_fields, _input_option, _recalc, _rows_of, _update_response,
                            apply_write, read_options)

if TYPE_CHECKING:
    from .server import EmulatorState, Request

INSERT_OPTIONS = ("OVERWRITE", "INSERT_ROWS")


def _nonempty_span(row: list[Any], c0: int, c1: int) -> tuple[int, int] | None:
    """First and last+1 non-empty column of ``row`` within [c0, c1)."""
    seg = row[c0:c1]
    first = next((i for i, v in enumerate(seg) if v is not None), None)
    if first is None:
        return None
    last = len(seg)
    while seg[last - 1] is None:
        last -= 1
    return c0 + first, c0 + last


def find_table(sheet: Sheet, box: Box) -> tuple[int, int, int, int] | None:
    """(r0, c0, r1, c1) of the table inside ``box``, or None when it holds no data."""
    r_end, c_end = box.r1, box.c1
    single = box.rows == 1 and box.cols == 1
    if single:
        r_end, c_end = sheet.row_count, sheet.column_count
    values = sheet.values
    start = None
    # A one-cell range only continues a table that starts on its own row (an empty
    # anchor row is written as is: gspread's insert_rows appends at 'Sheet1'!A<row>).
    search_end = box.r0 + 1 if single else r_end
    for r in range(box.r0, min(search_end, len(values))):
        if _nonempty_span(values[r], box.c0, c_end):
            start = r
            break
    if start is None:
        return None
    lo, hi = c_end, box.c0
    r = start
    while r < min(r_end, len(values)):
        span = _nonempty_span(values[r], box.c0, c_end)
        if span is None:
            break
        lo, hi = min(lo, span[0]), max(hi, span[1])
        r += 1
    return start, lo, r, hi


def append(st: "EmulatorState", rq: "Request", g: tuple[str, ...]) -> tuple[int, Any]:
    ss = st.spreadsheet(g[0], rq.user, write=True)
    option = _input_option(rq.param("valueInputOption"))
    insert = _enum(rq.param("insertDataOption"), "insert_data_option", INSERT_OPTIONS, "OVERWRITE")
    opts = read_options(rq.param, prefix="response")
    known_fields(rq.json(), VALUE_RANGE_KEYS)
    check_body_range(g[1], rq.json())
    rows = _rows_of(rq.json())
    width = max((len(r) for r in rows), default=0)
    with ss.lock:
        box = a1.resolve(ss, g[1])
        sheet = box.sheet
        table = find_table(sheet, box)
        r0, c0 = (table[2], table[1]) if table else (box.r0, box.c0)
        if st.strict:
            protection.check_edit(ss, sheet, r0, r0 + len(rows), c0, c0 + width, rq.user)
        _grow(ss, sheet, r0, c0, len(rows), width, insert)
        w = Write(sheet, r0, c0, rows, sum(len(r) for r in rows), width)
        apply_write(ss, w, option)
        _recalc(ss)
        st.changed(ss)
        out: dict[str, Any] = {"spreadsheetId": ss.id}
        if table:
            out["tableRange"] = a1.format_range(sheet.title, *table[:2], *table[2:])
        out["updates"] = _update_response(ss, w, rq.flag("includeValuesInResponse"), opts)
    st.counters.add_cells(written=w.cells)
    return 200, out


def _grow(ss: Any, sheet: Sheet, r0: int, c0: int, height: int, width: int, insert: str) -> None:
    """Make room for the appended block (checks the 10M-cell limit first)."""
    add_rows = height if insert == "INSERT_ROWS" else max(0, r0 + height - sheet.row_count)
    add_cols = max(0, c0 + width - sheet.column_count)
    added = add_rows * sheet.column_count + add_cols * (sheet.row_count + add_rows)
    ss.check_cell_limit(added)
    if add_rows:
        if insert == "INSERT_ROWS" and r0 < sheet.row_count:
            sheet.insert_rows(r0, add_rows)
        else:
            sheet.set_grid(rows=sheet.row_count + add_rows)
    if add_cols:
        sheet.set_grid(columns=sheet.column_count + add_cols)
