"""autoResizeDimensions: rows and columns sized to their content, by an estimate.

Google measures the rendered text, which the emulator cannot do; it estimates
instead, and only the direction is meant to match (a column of long text gets
wider than the default 100 px, a short one narrower):

- a column is ``7 px`` per character of its longest shown line (Arial 10 pt,
  the default font, averages about 7 px a character at 96 dpi), scaled by the
  cell's ``fontSize`` / 10, plus ``10 px`` (the 3 px cell padding on each side
  and a little room), at least ``21 px``;
- a row is ``21 px`` (the default height) for one line and ``17 px`` more for
  each further line of its tallest cell, scaled by ``fontSize`` / 10;
- an empty column or row keeps its size, as in Sheets.
"""
from __future__ import annotations

import math
from typing import Any

from sheetsync.emulator import cellvalues
from sheetsync.emulator.batch.common import Bad, Txn
from sheetsync.emulator.model import Sheet, Spreadsheet

CHAR_PX = 7
COLUMN_PADDING_PX = 10
MIN_COLUMN_PX = 21
LINE_PX = 21
EXTRA_LINE_PX = 17


def auto_resize(txn: Txn, req: dict) -> dict:
    rng = req.get("dimensions")
    if "dataSourceSheetDimensions" in req:
        raise Bad("The emulator has no data source sheets.")
    if not isinstance(rng, dict) or rng.get("dimension") not in ("ROWS", "COLUMNS"):
        raise Bad("dimensions.dimension must be ROWS or COLUMNS.")
    axis = 0 if rng["dimension"] == "ROWS" else 1
    found = txn.find(rng.get("sheetId", 0) or 0)
    size = found.row_count if axis == 0 else found.column_count
    start, end = rng.get("startIndex", 0) or 0, rng.get("endIndex", size)
    if not (isinstance(start, int) and isinstance(end, int)) or not 0 <= start < end:
        raise Bad(f"dimensions.startIndex ({start}) must be less than dimensions.endIndex ({end}).")
    sheet = txn.sheet(found.sheet_id, "row_meta" if axis == 0 else "col_meta")
    meta = sheet.row_meta if axis == 0 else sheet.col_meta
    for index, px in _sizes(txn.work, sheet, axis, start, min(end, size)).items():
        meta[index] = {**meta.get(index, {}), "pixelSize": px}
    return {}


def _sizes(ss: Spreadsheet, sheet: Sheet, axis: int, start: int, end: int) -> dict[int, int]:
    """Estimated pixel size of each row or column in [start, end) that holds something."""
    out: dict[int, int] = {}
    rows = range(start, min(end, len(sheet.values))) if axis == 0 else range(len(sheet.values))
    for r in rows:
        row = sheet.values[r]
        cols = range(len(row)) if axis == 0 else range(start, min(end, len(row)))
        for c in cols:
            if row[c] is not None:
                index = r if axis == 0 else c
                out[index] = max(out.get(index, 0), _cell_px(ss, sheet, r, c, row[c], axis))
    return out


def _cell_px(ss: Spreadsheet, sheet: Sheet, r: int, c: int, value: Any, axis: int) -> int:
    fmt = sheet.formats.get((r, c)) or {}
    shown = cellvalues.render(value, None, "FORMATTED_VALUE", fmt.get("numberFormat"), spreadsheet=ss)
    lines = str(shown).split("\n")
    scale = float((fmt.get("textFormat") or {}).get("fontSize") or 10) / 10
    if axis == 0:
        return math.ceil((LINE_PX + EXTRA_LINE_PX * (len(lines) - 1)) * scale)
    longest = max(len(line) for line in lines)
    return max(MIN_COLUMN_PX, math.ceil(CHAR_PX * longest * scale) + COLUMN_PADDING_PX)
