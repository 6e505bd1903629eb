"""A1 notation as the Sheets API reads it, and GridRange conversion.

Forms understood (R1C1 is not):
  Sheet1!A1:B2   'Rekap Kecamatan'!A1:C9   'It''s'!A1   (quotes doubled inside)
  A1:B2          (no sheet: the first sheet)
  Sheet1 / 'CRM26'   (a bare sheet name = the whole sheet; an UNQUOTED name that
                      is also a valid cell, such as CRM26, means that cell of the
                      first sheet, which is why gspread always quotes titles)
  A:C  2:5       whole columns / rows
  A2:C  A5:5     open-ended: to the last row / to the last column
  a named range name.

A resolved range is a ``Box``: 0-based half-open (r0, c0, r1, c1) clamped to the
grid, plus the sheet.  ``text`` keeps the range as asked (for error messages).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from sheetsync.emulator.model import MAX_COLUMNS, ApiError, Sheet, Spreadsheet, invalid_argument

_CELL = re.compile(r"^\$?([A-Za-z]{1,3})?\$?([0-9]+)?$")
_PLAIN_TITLE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_CELL_LIKE = re.compile(r"^[A-Za-z]{1,3}[0-9]+$|^[Rr][0-9]*[Cc][0-9]*$")


def col_letters(index: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA."""
    out = ""
    n = index + 1
    while n:
        n, rem = divmod(n - 1, 26)
        out = chr(65 + rem) + out
    return out


def col_index(letters: str) -> int:
    n = 0
    for ch in letters.upper():
        n = n * 26 + (ord(ch) - 64)
    return n - 1


def quote_title(title: str) -> str:
    """Quote a sheet title only where Google does (spaces, symbols, cell-like names)."""
    if _PLAIN_TITLE.match(title) and not _CELL_LIKE.match(title):
        return title
    return "'" + title.replace("'", "''") + "'"


@dataclass(frozen=True)
class Bounds:
    """Parsed cell part: None = open (unbounded) on that side."""
    r0: int | None
    c0: int | None
    r1: int | None
    c1: int | None


@dataclass(frozen=True)
class Box:
    sheet: Sheet
    r0: int
    c0: int
    r1: int
    c1: int
    text: str  # the range as asked, sheet-qualified, unclamped

    @property
    def rows(self) -> int:
        return self.r1 - self.r0

    @property
    def cols(self) -> int:
        return self.c1 - self.c0

    def a1(self) -> str:
        return format_range(self.sheet.title, self.r0, self.c0, self.r1, self.c1)

    def grid_range(self) -> dict[str, Any]:
        return {"sheetId": self.sheet.sheet_id, "startRowIndex": self.r0, "endRowIndex": self.r1,
                "startColumnIndex": self.c0, "endColumnIndex": self.c1}


def format_range(title: str, r0: int | None, c0: int | None, r1: int | None, c1: int | None) -> str:
    """'Sheet1'!A1:C3 style text; a 1x1 box prints as one cell; None ends stay open."""
    q = quote_title(title)
    start = (col_letters(c0 or 0)) + str((r0 or 0) + 1)
    if r1 is not None and c1 is not None and r1 - (r0 or 0) == 1 and c1 - (c0 or 0) == 1:
        return f"{q}!{start}"
    end = (col_letters(c1 - 1) if c1 is not None else "") + (str(r1) if r1 is not None else "")
    return f"{q}!{start}:{end}"


def _endpoint(text: str) -> tuple[int | None, int | None] | None:
    m = _CELL.match(text)
    if not m or not text:
        return None
    letters, digits = m.group(1), m.group(2)
    if letters is None and digits is None:
        return None
    col = col_index(letters) if letters else None
    row = int(digits) - 1 if digits else None
    if row is not None and row < 0:
        return None
    if col is not None and col >= MAX_COLUMNS:
        return None
    return row, col


def parse_cells(text: str) -> Bounds | None:
    """Parse the part after '!'; None if it is not A1 notation."""
    parts = text.split(":")
    if len(parts) == 1:
        ep = _endpoint(parts[0])
        if ep is None or ep[0] is None or ep[1] is None:
            return None  # "A" or "5" alone are not ranges
        return Bounds(ep[0], ep[1], ep[0] + 1, ep[1] + 1)
    if len(parts) != 2:
        return None
    a, b = _endpoint(parts[0]), _endpoint(parts[1])
    if a is None or b is None:
        return None
    (ar, ac), (br, bc) = a, b
    a_full, a_col, a_row = ar is not None and ac is not None, ar is None, ac is None
    b_full, b_col, b_row = br is not None and bc is not None, br is None, bc is None
    ok = a_full or (a_col and (b_col or b_full)) or (a_row and b_row)
    if not ok:
        return None  # "A:5", "2:C5" mix a column with a row
    r0 = ar if ar is not None else 0
    c0 = ac if ac is not None else 0
    r1 = br + 1 if br is not None else None
    c1 = bc + 1 if bc is not None else None
    if r1 is not None and r1 <= r0:
        r0, r1 = r1 - 1, r0 + 1
    if c1 is not None and c1 <= c0:
        c0, c1 = c1 - 1, c0 + 1
    return Bounds(r0, c0, r1, c1)


def split_sheet(text: str) -> tuple[str | None, str | None, bool]:
    """-> (sheet title or None, cell part or None, title_was_quoted)."""
    text = text.strip()
    if text.startswith("'"):
        i = 1
        title = []
        while i < len(text):
            ch = text[i]
            if ch == "'":
                if i + 1 < len(text) and text[i + 1] == "'":
                    title.append("'")
                    i += 2
                    continue
                rest = text[i + 1:]
                if rest == "":
                    return "".join(title), None, True
                if rest.startswith("!"):
                    return "".join(title), rest[1:], True
                raise ValueError(text)
            title.append(ch)
            i += 1
        raise ValueError(text)
    if "!" in text:
        tab, cells = text.rsplit("!", 1)
        return tab, cells, False
    return None, text, False


def parse_error(text: str) -> ApiError:
    return invalid_argument(f"Unable to parse range: {text}")


def grid_error(sheet: Sheet, text: str) -> ApiError:
    return invalid_argument(
        f"Range ({text}) exceeds grid limits. Max rows: {sheet.row_count}, max columns: {sheet.column_count}")


def resolve(ss: Spreadsheet, text: str, check_grid: bool = True, *, read: bool = False) -> Box:
    """A1 text -> Box on a sheet of ``ss``; raises Google's 400 texts.

    ``read``: the range of a read, whose end may lie past the grid and is cut to it, as
    Google answers reads (``A1:B1001`` on 1000 rows reads ``A1:B1000``); a read that starts
    past the grid is refused like any other range."""
    try:
        title, cells, quoted = split_sheet(text)
    except ValueError:
        raise parse_error(text) from None
    if title is None:
        bounds = parse_cells(cells or "")
        if bounds is not None:
            if not ss.sheets:
                raise parse_error(text)
            return _box(ss.sheets[0], bounds, text, check_grid, read)
        sheet = ss.sheet_by_title(cells or "")
        if sheet is not None:
            return _box(sheet, Bounds(0, 0, None, None), text, check_grid, read)
        named = _named(ss, cells or "")
        if named is not None:
            return named
        raise parse_error(text)
    sheet = ss.sheet_by_title(title)
    if sheet is None:
        raise parse_error(text)
    if cells is None:
        return _box(sheet, Bounds(0, 0, None, None), text, check_grid, read)
    bounds = parse_cells(cells)
    if bounds is None:
        named = _named(ss, cells)  # 'Sheet1'!Kotak: a named range on that sheet (gspread's named_range)
        if named is not None and named.sheet is sheet:
            return named
        raise parse_error(text)
    return _box(sheet, bounds, text, check_grid, read)


def _named(ss: Spreadsheet, name: str) -> Box | None:
    for nr in ss.named_ranges:
        if nr.get("name", "").lower() == name.lower():
            gr = nr.get("range", {})
            sheet = ss.sheet_by_id(gr.get("sheetId", 0))
            if sheet is None:
                return None
            return from_grid_range(sheet, gr)
    return None


def _box(sheet: Sheet, b: Bounds, text: str, check_grid: bool, read: bool = False) -> Box:
    rows, cols = sheet.row_count, sheet.column_count
    r0 = b.r0 or 0
    c0 = b.c0 or 0
    shown = format_range(sheet.title, r0, c0, b.r1, b.c1)
    past_end = not read and ((b.r1 or 0) > rows or (b.c1 or 0) > cols)
    if check_grid and (r0 >= rows or c0 >= cols or past_end):
        if not (rows == 0 and b.r1 is None) and not (cols == 0 and b.c1 is None):
            raise grid_error(sheet, shown)
    r1 = b.r1 if b.r1 is not None else rows
    c1 = b.c1 if b.c1 is not None else cols
    if read:
        r1, c1 = min(r1, rows), min(c1, cols)
    return Box(sheet, r0, c0, max(r1, r0), max(c1, c0), shown)


def from_grid_range(sheet: Sheet, gr: dict[str, Any]) -> Box:
    """GridRange JSON -> Box (missing indexes = unbounded, as Google documents)."""
    r0 = gr.get("startRowIndex", 0) or 0
    c0 = gr.get("startColumnIndex", 0) or 0
    r1 = gr.get("endRowIndex", sheet.row_count)
    c1 = gr.get("endColumnIndex", sheet.column_count)
    return Box(sheet, r0, c0, r1, c1, format_range(sheet.title, r0, c0, r1, c1))
