"""spreadsheets.values.append: table detection and grid growth as Google does them.

"The input range is used to search for existing data and find a table within
that range. Values will be appended to the next row of the table, starting
with the first column of the table."  What Google's recordings show, and the
emulator does:

- A range of more than one cell: the table is the one holding the range's last
  filled cell (last row, then last column).  ``A1=x, B1='', C1=y`` holds two
  tables, ``A1`` and ``C1``; appending to ``Sheet1`` answers ``tableRange
  Sheet1!C1`` and writes ``C2:E2``, which is why appended rows that start with a
  blank cell drift to the right.
- A one-cell range: an empty cell is no table (the data lands there: gspread's
  insert_rows and insert_cols append at the row or column they just inserted);
  a filled one is the table around that cell.
- "The table around a cell" is its current region: the smallest rectangle
  holding the cell that no filled cell touches from outside, diagonals included
  (Google does not document this; it is what a blank row or column bounding a
  table means in Sheets).  It stays inside the range.

Past the grid the sheet grows by exactly the rows (and columns) needed;
INSERT_ROWS inserts rows.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sheetsync.emulator import a1, protection
from sheetsync.emulator.a1 import Box
from sheetsync.emulator.model import Sheet
from sheetsync.emulator.routes.values import (VALUE_RANGE_KEYS, Write, check_body_range, known_fields, _input_option, _recalc, _rows_of, _update_response,
                            apply_write)
from sheetsync.emulator.value_render import enum_option, read_options

if TYPE_CHECKING:
    from sheetsync.emulator.request import Request
    from sheetsync.emulator.state import EmulatorState

INSERT_OPTIONS = ("OVERWRITE", "INSERT_ROWS")
Rect = tuple[int, int, int, int]  # r0, c0, r1, c1 (ends exclusive)


def _row_filled(values: list[list[Any]], r: int, c0: int, c1: int) -> bool:
    if r >= len(values):
        return False
    seg = values[r][c0:c1]
    return seg.count(None) != len(seg)


def _col_filled(values: list[list[Any]], c: int, r0: int, r1: int) -> bool:
    return any(len(row) > c and row[c] is not None for row in values[r0:r1])


def _last_filled(values: list[list[Any]], box: Box) -> tuple[int, int] | None:
    """The last filled cell of ``box``: its last filled row, that row's last filled column."""
    for r in range(min(box.r1, len(values)) - 1, box.r0 - 1, -1):
        seg = values[r][box.c0:box.c1]
        for j in range(len(seg) - 1, -1, -1):
            if seg[j] is not None:
                return r, box.c0 + j
    return None


def current_region(values: list[list[Any]], r: int, c: int, limit: Rect) -> Rect:
    """Grow the rectangle around (r, c) while a filled cell touches it (diagonals too)."""
    r0, c0, r1, c1 = r, c, r + 1, c + 1
    lr0, lc0, lr1, lc1 = limit
    grown = True
    while grown:
        grown = False
        while r0 > lr0 and _row_filled(values, r0 - 1, max(c0 - 1, lc0), min(c1 + 1, lc1)):
            r0, grown = r0 - 1, True
        while r1 < lr1 and _row_filled(values, r1, max(c0 - 1, lc0), min(c1 + 1, lc1)):
            r1, grown = r1 + 1, True
        while c0 > lc0 and _col_filled(values, c0 - 1, max(r0 - 1, lr0), min(r1 + 1, lr1)):
            c0, grown = c0 - 1, True
        while c1 < lc1 and _col_filled(values, c1, max(r0 - 1, lr0), min(r1 + 1, lr1)):
            c1, grown = c1 + 1, True
    return r0, c0, r1, c1


def find_table(sheet: Sheet, box: Box) -> Rect | None:
    """(r0, c0, r1, c1) of the table the append continues, or None (write at the range's corner)."""
    values = sheet.values
    if box.rows == 1 and box.cols == 1:
        if not _row_filled(values, box.r0, box.c0, box.c0 + 1):
            return None
        return current_region(values, box.r0, box.c0, (0, 0, sheet.row_count, sheet.column_count))
    seed = _last_filled(values, box)
    if seed is None:
        return None
    return current_region(values, *seed, (box.r0, box.c0, box.r1, box.c1))


def append(st: "EmulatorState", rq: "Request", g: tuple[str, ...]) -> tuple[int, Any]:
    ss = st.spreadsheet(g[0], rq.user, write=True)
    option = _input_option(rq.param("valueInputOption"))
    insert = enum_option(rq.param("insertDataOption"), "insert_data_option", INSERT_OPTIONS, "OVERWRITE")
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
            out["tableRange"] = a1.format_range(sheet.title, *table)
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
