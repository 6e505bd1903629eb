"""The Spreadsheet resource as spreadsheets.get returns it (also for updatedSpreadsheet).

``spreadsheet_json(ss, grid=..., boxes=...)``: properties, sheets (properties,
merges, conditionalFormats, protectedRanges, charts, basicFilter, ...), namedRanges,
developerMetadata, spreadsheetUrl; with ``grid`` each sheet carries ``data``
(GridData: rowData/values CellData with userEnteredValue, effectiveValue,
formattedValue, userEnteredFormat, effectiveFormat, note, dataValidation).
Empty lists and defaults are left out, as proto3 JSON does; colours, ranges and
flags come out as Google normalises them (normalise.py).
"""
from __future__ import annotations

import copy
from typing import Any

from sheetsync.emulator import cellvalues, normalise
from sheetsync.emulator.cell_errors import CellError
from sheetsync.emulator.a1 import Box
from sheetsync.emulator.model import Sheet, Spreadsheet

_SHEET_LISTS = (("merges", "merges"), ("conditional_formats", "conditionalFormats"),
                ("protected_ranges", "protectedRanges"), ("charts", "charts"),
                ("developer_metadata", "developerMetadata"), ("banded_ranges", "bandedRanges"),
                ("filter_views", "filterViews"))


def spreadsheet_json(ss: Spreadsheet, *, grid: bool = False, boxes: list[Box] | None = None
                     ) -> dict[str, Any]:
    props = normalise.colours(ss.properties)
    if "spreadsheetTheme" not in props:
        props["spreadsheetTheme"] = normalise.theme()
    out: dict[str, Any] = {"spreadsheetId": ss.id, "properties": props}
    sheets = []
    for sheet in ss.sheets:
        mine = None if boxes is None else [b for b in boxes if b.sheet is sheet]
        if mine is not None and not mine:
            continue  # with ranges, only the sheets they name come back
        sheets.append(sheet_json(ss, sheet, grid=grid, boxes=mine))
    out["sheets"] = sheets
    if ss.named_ranges:
        out["namedRanges"] = normalise.drop_sheet_zero(ss.named_ranges, "ranges")
    if ss.developer_metadata:
        out["developerMetadata"] = copy.deepcopy(ss.developer_metadata)
    out["spreadsheetUrl"] = ss.url
    return out


def sheet_json(ss: Spreadsheet, sheet: Sheet, *, grid: bool = False,
               boxes: list[Box] | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {"properties": normalise.sheet_properties(sheet.properties)}
    for attr, key in _SHEET_LISTS:
        items = getattr(sheet, attr)
        if items:
            out[key] = _normalised(sheet, key, items)
    if sheet.basic_filter:
        out["basicFilter"] = _normalised(sheet, "basicFilter", sheet.basic_filter)
    for attr, key in (("row_groups", "rowGroups"), ("column_groups", "columnGroups")):
        groups = getattr(sheet, attr, None)  # DimensionGroup JSON kept by the batch handlers
        if groups:
            out[key] = normalise.drop_sheet_zero(groups, "ranges")
    if grid:
        if boxes:
            out["data"] = [grid_data(ss, sheet, b.r0, b.c0, b.r1, b.c1) for b in boxes]
        else:
            out["data"] = [grid_data(ss, sheet, 0, 0, sheet.row_count, sheet.column_count)]
    return out


def _normalised(sheet: Sheet, key: str, value: Any) -> Any:
    """A sheet-level object as Google answers it: filter and rule ranges bounded to the grid."""
    rows, cols = sheet.row_count, sheet.column_count
    if key == "basicFilter" and "range" in value:
        value = {**value, "range": normalise.bounded(value["range"], rows, cols)}
    elif key == "conditionalFormats":
        value = [{**rule, "ranges": [normalise.bounded(r, rows, cols) for r in rule.get("ranges", [])]}
                 for rule in value]
    return normalise.colours(normalise.drop_sheet_zero(value, "ranges" if key == "merges" else ""))


def extended_value(value: Any, formula: str | None = None) -> dict[str, Any] | None:
    if formula:
        return {"formulaValue": formula}
    if value is None:
        return None
    if isinstance(value, bool):
        return {"boolValue": value}
    if isinstance(value, (int, float)):
        return {"numberValue": cellvalues.json_number(value)}
    if isinstance(value, CellError):
        return {"errorValue": value.to_api()}
    return {"stringValue": str(value)}


def cell_data(ss: Spreadsheet, sheet: Sheet, r: int, c: int,
              shared: dict[tuple[str, int], Any] | None = None) -> dict[str, Any]:
    """CellData of one cell.  ``shared``: formats already built in this answer, by the id of
    the stored format (repeatCell gives a whole range one format object; the answer may hold
    the same normalised dict many times, it is only serialised)."""
    shared = {} if shared is None else shared
    value = sheet.get(r, c)
    formula = sheet.formulas.get((r, c))
    fmt = sheet.formats.get((r, c))
    cell: dict[str, Any] = {}
    uev = extended_value(value, formula)
    if uev is not None:
        cell["userEnteredValue"] = uev
        eff = extended_value(value)
        if eff is not None:
            cell["effectiveValue"] = eff
            nf = _number_format(sheet, r, c, fmt, formula)
            cell["formattedValue"] = cellvalues.render(value, None, "FORMATTED_VALUE", nf, spreadsheet=ss)
    if fmt:
        key = ("user", id(fmt))
        if key not in shared:
            shared[key] = normalise.colours(fmt)
        cell["userEnteredFormat"] = shared[key]
    if uev is not None or fmt:
        if sheet.conditional_formats:  # rule colours show in effectiveFormat, as in Google
            from sheetsync.emulator.conditional import conditional_format, overlay
            effective = overlay(_effective_format(ss, fmt), conditional_format(ss, sheet, r, c))
            cell["effectiveFormat"] = normalise.colours(effective)
        else:
            key = ("effective", id(fmt))
            if key not in shared:
                shared[key] = normalise.colours(_effective_format(ss, fmt))
            cell["effectiveFormat"] = shared[key]
    note = sheet.notes.get((r, c))
    if note:
        cell["note"] = note
    rule = sheet.validations.get((r, c))
    if rule:
        cell["dataValidation"] = copy.deepcopy(rule)
    return cell


def _number_format(sheet: Sheet, r: int, c: int, fmt: dict[str, Any] | None, formula: str | None
                   ) -> dict[str, Any] | None:
    """A formula cell shows the format Google infers from what it refers to (B's formulas)."""
    if formula:
        from sheetsync.emulator.formulas.formats import number_format
        return number_format(sheet, r, c)
    return fmt.get("numberFormat") if fmt else None


def _effective_format(ss: Spreadsheet, fmt: dict[str, Any] | None) -> dict[str, Any]:
    base = copy.deepcopy(ss.properties.get("defaultFormat", {}))
    for key, val in (fmt or {}).items():
        if isinstance(val, dict) and isinstance(base.get(key), dict):
            base[key] = {**base[key], **val}
        else:
            base[key] = copy.deepcopy(val)
    base.setdefault("horizontalAlignment", "LEFT")
    return base


def grid_data(ss: Spreadsheet, sheet: Sheet, r0: int, c0: int, r1: int, c1: int) -> dict[str, Any]:
    """GridData of one block; rowData trimmed after the last non-empty row, values after the last cell."""
    sparse: dict[int, list[int]] = {}
    for store in (sheet.formulas, sheet.formats, sheet.notes, sheet.validations):
        for (rr, cc) in store:
            sparse.setdefault(rr, []).append(cc)
    last_row = 0
    shared: dict[tuple[str, int], Any] = {}
    rows: list[dict[str, Any]] = []
    for r in range(r0, r1):
        row_vals = sheet.values[r] if r < len(sheet.values) else []
        width = min(len(row_vals), c1)
        extra = [c for c in sparse.get(r, ()) if c0 <= c < c1]
        end = max([width] + [c + 1 for c in extra])
        cells = [cell_data(ss, sheet, r, c, shared) for c in range(c0, end)]
        while cells and not cells[-1]:
            cells.pop()
        rows.append({"values": cells} if cells else {})
        if cells:
            last_row = r - r0 + 1
    out: dict[str, Any] = {}
    if r0:
        out["startRow"] = r0
    if c0:
        out["startColumn"] = c0
    if last_row:
        out["rowData"] = rows[:last_row]
    out["rowMetadata"] = [_dim(sheet.row_meta.get(r), 21) for r in range(r0, r1)]
    out["columnMetadata"] = [_dim(sheet.col_meta.get(c), 100) for c in range(c0, c1)]
    return out


def _dim(meta: dict[str, Any] | None, default_px: int) -> dict[str, Any]:
    out = {"pixelSize": default_px}
    if meta:
        out.update(copy.deepcopy(meta))
    return out
