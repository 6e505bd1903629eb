"""Cell-level batchUpdate requests: repeatCell, updateCells, sortRange,
mergeCells, unmergeCells, setDataValidation, updateBorders."""
from __future__ import annotations

import copy
from typing import Any

from sheetsync.emulator.batch.common import Bad, Txn, bounds, mask_of, masked, overlaps, range_sheet_id
from sheetsync.emulator.cell_errors import ERROR_TYPE_BY_TEXT, CellError
from sheetsync.emulator.fields import Mask
from sheetsync.emulator.formulas.refs import shift_relative
from sheetsync.emulator.formulas.syntax import normalize
from sheetsync.emulator.model import Sheet

_CELL_FIELDS = ("userEnteredValue", "userEnteredFormat", "note", "dataValidation")
_IGNORED_FIELDS = {"textFormatRuns", "hyperlink", "pivotTable", "dataSourceTable",
                   "dataSourceFormula", "chipRuns", "effectiveValue", "formattedValue",
                   "effectiveFormat"}


# ------------------------------------------------------------ cell writes

def extended_value(ev: Any) -> tuple[Any, str | None]:
    """ExtendedValue JSON -> (effective value, formula)."""
    if not ev:
        return None, None
    if not isinstance(ev, dict) or len(ev) != 1:
        raise Bad("ExtendedValue must set exactly one of numberValue, stringValue, "
                  "boolValue, formulaValue, errorValue.")
    (kind, v), = ev.items()
    if kind == "numberValue" and isinstance(v, (int, float)) and not isinstance(v, bool):
        return v, None
    if kind == "stringValue" and isinstance(v, str):
        return (v if v != "" else None), None
    if kind == "boolValue" and isinstance(v, bool):
        return v, None
    if kind == "formulaValue" and isinstance(v, str):
        if not v.startswith("="):
            return (v or None), None
        return None, normalize(v)
    if kind == "errorValue" and isinstance(v, dict):
        t = v.get("type", "ERROR")
        return CellError(t if t in ERROR_TYPE_BY_TEXT.values() else "ERROR", v.get("message", "")), None
    raise Bad(f"Invalid value for ExtendedValue.{kind}.")


class CellWriter:
    """Writes CellData under a field mask into one working sheet."""

    def __init__(self, txn: Txn, sheet_id: int, mask: Mask):
        self.mask = mask
        everything = mask == {} or "*" in mask
        unknown = set(mask) - set(_CELL_FIELDS) - _IGNORED_FIELDS - {"*"}
        if unknown:
            raise Bad(f"Invalid field mask: unknown CellData field '{sorted(unknown)[0]}'.")
        self.fields = [f for f in _CELL_FIELDS if everything or f in mask]
        self.sub = {f: ({} if everything else mask[f]) for f in self.fields}
        need = []
        if "userEnteredValue" in self.fields:
            need += ["values", "formulas"]
        for f, attr in (("userEnteredFormat", "formats"), ("note", "notes"),
                        ("dataValidation", "validations")):
            if f in self.fields:
                need.append(attr)
        self.txn = txn
        self.sheet = txn.sheet(sheet_id, *need)
        self.writes_values = "userEnteredValue" in self.fields
        # (id(old format), id(source format)) -> new format: a repeated cell over a
        # whole column makes one dict, shared (stored formats are never mutated)
        self._formats: dict[tuple[int, int], Any] = {}
        self._rules: dict[int, Any] = {}

    def prepare_rows(self, r0: int, r1: int) -> None:
        if self.writes_values:
            self.txn.rows(self.sheet, r0, r1)

    def write(self, r: int, c: int, cell: dict | None) -> None:
        cell = cell or {}
        sheet = self.sheet
        for f in self.fields:
            if f == "userEnteredValue":
                value, formula = extended_value(cell.get(f))
                sheet.set(r, c, value, formula)
            elif f == "userEnteredFormat":
                old, src = sheet.formats.get((r, c)), cell.get(f)
                key = (id(old), id(src))
                if key not in self._formats:
                    self._formats[key] = (masked(old, src, self.sub[f]), old, src)  # keep ids alive
                _store(sheet.formats, (r, c), self._formats[key][0])
            elif f == "note":
                _store(sheet.notes, (r, c), cell.get(f) or None)
            else:
                _store(sheet.validations, (r, c), self._rule(cell.get(f)))

    def _rule(self, rule: Any) -> Any:
        if not rule:
            return None
        if id(rule) not in self._rules:
            check_rule(rule)
            self._rules[id(rule)] = (copy.deepcopy(rule), rule)
        return self._rules[id(rule)][0]


def _store(d: dict, key: Any, val: Any) -> None:
    if val in (None, {}, ""):
        d.pop(key, None)
    else:
        d[key] = val


def repeat_cell(txn: Txn, req: dict) -> dict:
    gr = req.get("range")
    sheet_id = range_sheet_id(gr)
    w = CellWriter(txn, sheet_id, mask_of(req.get("fields")))
    r0, r1, c0, c1 = bounds(w.sheet, gr)
    txn.guard(w.sheet, r0, r1, c0, c1)
    cell = req.get("cell") or {}
    w.prepare_rows(r0, r1)
    formula = ((cell.get("userEnteredValue") or {}).get("formulaValue")
               if "userEnteredValue" in w.fields else None)
    if w.fields == ["userEnteredFormat"]:
        _repeat_format(w, cell.get("userEnteredFormat"), r0, r1, c0, c1)
        return {}
    for r in range(r0, r1):
        for c in range(c0, c1):
            if formula:  # "the formula's ranges will automatically increment" per cell
                moved = shift_relative(formula, r - r0, c - c0)
                w.write(r, c, {**cell, "userEnteredValue": {"formulaValue": moved}})
            else:
                w.write(r, c, cell)
    return {}


def _repeat_format(w: CellWriter, src: Any, r0: int, r1: int, c0: int, c1: int) -> None:
    """repeatCell of a format only (gspread's format()): one merged dict per distinct
    old format, shared by every cell that had it (a whole column in well under a second)."""
    formats, sub = w.sheet.formats, w.sub["userEnteredFormat"]
    memo: dict[int, Any] = {}
    keep = []  # the old dicts stay referenced so their ids stay unique
    for r in range(r0, r1):
        for c in range(c0, c1):
            old = formats.get((r, c))
            new = memo.get(id(old), memo)
            if new is memo:
                new = masked(old, src, sub) or None
                memo[id(old)] = new
                keep.append(old)
            if new is None:
                formats.pop((r, c), None)
            else:
                formats[(r, c)] = new


def update_cells(txn: Txn, req: dict) -> dict:
    rows = req.get("rows") or []
    if not isinstance(rows, list):
        raise Bad("rows must be a list of RowData.")
    if ("start" in req) == ("range" in req):
        raise Bad("Exactly one of start or range must be set.")
    mask = mask_of(req.get("fields"))
    if "range" in req:
        gr = req["range"]
        w = CellWriter(txn, range_sheet_id(gr), mask)
        r0, r1, c0, c1 = bounds(w.sheet, gr)
        whole = True
    else:
        start = req["start"] or {}
        w = CellWriter(txn, start.get("sheetId", 0) or 0, mask)
        r0, c0 = start.get("rowIndex", 0) or 0, start.get("columnIndex", 0) or 0
        width = max((len((row or {}).get("values") or []) for row in rows), default=0)
        r1, c1 = r0 + len(rows), c0 + width
        bounds(w.sheet, {"startRowIndex": r0, "endRowIndex": r1,
                         "startColumnIndex": c0, "endColumnIndex": c1}, strict=True)
        whole = False
    txn.guard(w.sheet, r0, r1, c0, c1)
    w.prepare_rows(r0, r1)
    for i, r in enumerate(range(r0, r1)):
        cells = ((rows[i] or {}).get("values") or []) if i < len(rows) else []
        span = range(c0, c1) if whole else range(c0, c0 + len(cells))
        for j, c in enumerate(span):
            w.write(r, c, cells[j] if j < len(cells) else None)
    return {}


def append_cells(txn: Txn, req: dict) -> dict:
    """Rows after the last row with data, growing the grid by the rows needed."""
    rows = req.get("rows") or []
    w = CellWriter(txn, req.get("sheetId", 0) or 0, mask_of(req.get("fields")))
    sheet = w.sheet
    width = max((len((row or {}).get("values") or []) for row in rows), default=0)
    if width > sheet.column_count:
        raise Bad(f"Attempting to write column: {sheet.column_count}, beyond the last requested "
                  f"column of: {sheet.column_count - 1}")
    r0 = sheet.used_extent()[0]
    txn.guard(sheet, r0, r0 + len(rows), 0, width)
    if r0 + len(rows) > sheet.row_count:
        sheet.set_grid(rows=r0 + len(rows))
    w.prepare_rows(r0, r0 + len(rows))
    for i, row in enumerate(rows):
        for j, cell in enumerate((row or {}).get("values") or []):
            w.write(r0 + i, j, cell)
    return {}


# ------------------------------------------------------------ sorting

def _sort_key(v: Any) -> tuple:
    """Google's order: numbers, then text (case-insensitive), then booleans; errors after."""
    if isinstance(v, bool):
        return (2, int(v))
    if isinstance(v, (int, float)):
        return (0, v)
    if isinstance(v, str):
        return (1, v.lower())
    return (3, str(v))


def sort_range(txn: Txn, req: dict) -> dict:
    gr = req.get("range")
    sheet = txn.sheet(range_sheet_id(gr), "values", "formulas", "formats", "notes", "validations")
    r0, r1, c0, c1 = bounds(sheet, gr)
    specs = req.get("sortSpecs") or [{"dimensionIndex": c0, "sortOrder": "ASCENDING"}]
    for spec in specs:
        col = spec.get("dimensionIndex", 0)
        if not isinstance(col, int) or not c0 <= col < c1:
            raise Bad(f"sortSpecs dimensionIndex {col} is outside the range being sorted.")
        if spec.get("sortOrder", "ASCENDING") not in ("ASCENDING", "DESCENDING"):
            raise Bad(f"Invalid sortOrder: {spec.get('sortOrder')}")
    txn.guard(sheet, r0, r1, c0, c1)
    values = sheet.values
    r1_data = min(r1, len(values))
    block = values[r0:r1_data]
    order = list(range(len(block)))
    for spec in reversed(specs):  # stable sorts, last key first
        col = spec["dimensionIndex"]
        keys: list[Any] = [row[col] if col < len(row) else None for row in block]
        desc = spec.get("sortOrder") == "DESCENDING"
        filled = [i for i in order if keys[i] is not None]
        blank = [i for i in order if keys[i] is None]
        kinds = {type(keys[i]) for i in filled}
        if kinds <= {int, float}:
            filled.sort(key=keys.__getitem__, reverse=desc)  # plain numbers: no key tuples
        elif kinds == {str}:
            low = [k.lower() if k is not None else "" for k in keys]
            filled.sort(key=low.__getitem__, reverse=desc)
        else:
            mixed = [_sort_key(k) if k is not None else () for k in keys]
            filled.sort(key=mixed.__getitem__, reverse=desc)
        order = filled + blank  # blanks stay last in both directions
    move_rows(txn, sheet, r0, c0, c1, block, order)
    return {}


def move_rows(txn: Txn, sheet: Sheet, r0: int, c0: int, c1: int,
               block: list[list[Any]], order: list[int]) -> None:
    """Put block[order[k]] at row r0+k for columns c0..c1-1, sparse data included."""
    values = sheet.values
    if c0 == 0 and c1 >= sheet.column_count:
        values[r0:r0 + len(block)] = [block[i] for i in order]  # whole rows: move the lists
    else:
        segs = [(block[i][c0:c1] + [None] * (c1 - c0))[: c1 - c0] for i in order]
        txn.rows(sheet, r0, r0 + len(block))
        for k, seg in enumerate(segs):
            row = values[r0 + k]
            if len(row) < c1:
                row.extend([None] * (c1 - len(row)))
            row[c0:c1] = seg
            while row and row[-1] is None:
                row.pop()
    r_end = r0 + len(block)
    new_row: dict[int, int] = {}
    for name in ("formulas", "formats", "notes", "validations"):
        d = getattr(sheet, name)
        moving = [key for key in d if r0 <= key[0] < r_end and c0 <= key[1] < c1]
        if moving and not new_row:
            new_row = {r0 + old: r0 + k for k, old in enumerate(order)}
        if not moving:
            continue
        taken = {key: d.pop(key) for key in moving}
        for (r, c), val in taken.items():
            if name == "formulas" and new_row[r] != r:
                val = shift_relative(val, new_row[r] - r, 0)  # a moved row's formula follows it
            d[(new_row[r], c)] = val


# ------------------------------------------------------------ merges

def merge_cells(txn: Txn, req: dict) -> dict:
    gr = req.get("range")
    sheet = txn.sheet(range_sheet_id(gr), "merges", "values", "formulas")
    r0, r1, c0, c1 = bounds(sheet, gr)
    txn.guard(sheet, r0, r1, c0, c1)
    kind = req.get("mergeType", "MERGE_ALL")
    if kind == "MERGE_ALL":
        pieces = [(r0, r1, c0, c1)]
    elif kind == "MERGE_COLUMNS":
        pieces = [(r0, r1, c, c + 1) for c in range(c0, c1)]
    elif kind == "MERGE_ROWS":
        pieces = [(r, r + 1, c0, c1) for r in range(r0, r1)]
    else:
        raise Bad(f"Invalid mergeType: {kind}")
    frozen = sheet.grid.get("frozenRowCount", 0)
    if frozen and r0 < frozen < r1 and kind != "MERGE_ROWS":
        raise Bad("You can't merge frozen and non-frozen rows.")
    new = {"sheetId": sheet.sheet_id, "startRowIndex": r0, "endRowIndex": r1,
           "startColumnIndex": c0, "endColumnIndex": c1}
    sheet.merges = [m for m in sheet.merges if not overlaps(m, new)]
    txn.rows(sheet, r0, r1)
    for a, b, c, d in pieces:
        if (b - a) * (d - c) < 2:
            continue
        sheet.merges.append({"sheetId": sheet.sheet_id, "startRowIndex": a, "endRowIndex": b,
                             "startColumnIndex": c, "endColumnIndex": d})
        for r in range(a, b):  # only the top-left value survives a merge
            for col in range(c, d):
                if (r, col) != (a, c):
                    sheet.set(r, col, None)
    return {}


def unmerge_cells(txn: Txn, req: dict) -> dict:
    gr = req.get("range")
    sheet = txn.sheet(range_sheet_id(gr), "merges")
    r0, r1, c0, c1 = bounds(sheet, gr)
    txn.guard(sheet, r0, r1, c0, c1)
    box = {"startRowIndex": r0, "endRowIndex": r1, "startColumnIndex": c0, "endColumnIndex": c1}
    sheet.merges = [m for m in sheet.merges if not overlaps(m, box)]
    return {}


# ------------------------------------------------------------ validation

_CONDITIONS = {
    "NUMBER_GREATER", "NUMBER_GREATER_THAN_EQ", "NUMBER_LESS", "NUMBER_LESS_THAN_EQ",
    "NUMBER_EQ", "NUMBER_NOT_EQ", "NUMBER_BETWEEN", "NUMBER_NOT_BETWEEN", "TEXT_CONTAINS",
    "TEXT_NOT_CONTAINS", "TEXT_STARTS_WITH", "TEXT_ENDS_WITH", "TEXT_EQ", "TEXT_IS_EMAIL",
    "TEXT_IS_URL", "DATE_EQ", "DATE_BEFORE", "DATE_AFTER", "DATE_ON_OR_BEFORE",
    "DATE_ON_OR_AFTER", "DATE_BETWEEN", "DATE_NOT_BETWEEN", "DATE_IS_VALID", "ONE_OF_RANGE",
    "ONE_OF_LIST", "BLANK", "NOT_BLANK", "CUSTOM_FORMULA", "BOOLEAN", "TEXT_NOT_EQ",
    "DATE_NOT_EQ", "FILTER_EXPRESSION",
}
_NEEDS_TWO = {"NUMBER_BETWEEN", "NUMBER_NOT_BETWEEN", "DATE_BETWEEN", "DATE_NOT_BETWEEN"}
_NEEDS_NONE = {"BLANK", "NOT_BLANK", "TEXT_IS_EMAIL", "TEXT_IS_URL", "DATE_IS_VALID"}


def check_condition(cond: Any) -> None:
    if not isinstance(cond, dict) or cond.get("type") not in _CONDITIONS:
        raise Bad(f"Invalid ConditionType: {(cond or {}).get('type') if isinstance(cond, dict) else cond}")
    kind, values = cond["type"], cond.get("values") or []
    if kind in _NEEDS_TWO and len(values) != 2:
        raise Bad(f"{kind} condition requires exactly two ConditionValues.")
    if kind in _NEEDS_NONE and values:
        raise Bad(f"{kind} condition must not have ConditionValues.")
    if kind == "ONE_OF_LIST" and not values:
        raise Bad("ONE_OF_LIST condition requires at least one ConditionValue.")
    if kind in ("ONE_OF_RANGE", "CUSTOM_FORMULA") and (
            len(values) != 1 or not str(values[0].get("userEnteredValue", "")).startswith("=")):
        raise Bad(f"{kind} condition requires a single formula ConditionValue (starting with =).")
    if kind not in _NEEDS_TWO | _NEEDS_NONE | {"ONE_OF_LIST", "BOOLEAN"} and len(values) != 1:
        raise Bad(f"{kind} condition requires exactly one ConditionValue.")


def check_rule(rule: dict) -> None:
    check_condition(rule.get("condition"))


def set_data_validation(txn: Txn, req: dict) -> dict:
    gr = req.get("range")
    sheet = txn.sheet(range_sheet_id(gr), "validations")
    r0, r1, c0, c1 = bounds(sheet, gr)
    txn.guard(sheet, r0, r1, c0, c1)
    rule = req.get("rule")
    cells = ((r, c) for r in range(r0, r1) for c in range(c0, c1))
    if rule:
        check_rule(rule)
        sheet.validations.update(dict.fromkeys(cells, copy.deepcopy(rule)))
    else:
        for key in cells:
            sheet.validations.pop(key, None)
    return {}


# ------------------------------------------------------------ borders

def update_borders(txn: Txn, req: dict) -> dict:
    gr = req.get("range")
    sheet = txn.sheet(range_sheet_id(gr), "formats")
    r0, r1, c0, c1 = bounds(sheet, gr)
    txn.guard(sheet, r0, r1, c0, c1)
    sides = {k: req[k] for k in ("top", "bottom", "left", "right", "innerHorizontal",
                                 "innerVertical") if k in req}
    for r in range(r0, r1):
        for c in range(c0, c1):
            edges = {}
            edges["top"] = sides.get("top" if r == r0 else "innerHorizontal")
            edges["bottom"] = sides.get("bottom" if r == r1 - 1 else "innerHorizontal")
            edges["left"] = sides.get("left" if c == c0 else "innerVertical")
            edges["right"] = sides.get("right" if c == c1 - 1 else "innerVertical")
            fmt = dict(sheet.formats.get((r, c)) or {})
            borders = dict(fmt.get("borders") or {})
            for side, border in edges.items():
                if border is None:
                    continue
                if border.get("style") == "NONE":
                    borders.pop(side, None)
                else:
                    borders[side] = copy.deepcopy(border)
            if borders:
                fmt["borders"] = borders
            else:
                fmt.pop("borders", None)
            _store(sheet.formats, (r, c), fmt)
    return {}


HANDLERS = {
    "repeatCell": repeat_cell,
    "updateCells": update_cells,
    "appendCells": append_cells,
    "sortRange": sort_range,
    "mergeCells": merge_cells,
    "unmergeCells": unmerge_cells,
    "setDataValidation": set_data_validation,
    "updateBorders": update_borders,
}
