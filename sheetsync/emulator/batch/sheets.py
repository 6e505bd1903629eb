"""Sheet-level batchUpdate requests: addSheet, deleteSheet, duplicateSheet,
updateSheetProperties (title, index, grid size, frozen rows) and updateSpreadsheetProperties."""
from __future__ import annotations

import copy
from typing import Any

from sheetsync.emulator.batch.common import Bad, Handler, Txn, mask_of, masked, need_int
from sheetsync.emulator.batch.dimensions import clip_objects
from sheetsync.emulator.formulas.refs import rename_sheet_references
from sheetsync.emulator.model import DEFAULT_COLUMNS, DEFAULT_ROWS, Sheet, Spreadsheet


def _title_taken(work: Spreadsheet, title: str, but: Sheet | None = None) -> bool:
    low = title.lower()
    return any(s.title.lower() == low and s is not but for s in work.sheets)


def _check_title(work: Spreadsheet, title: Any, but: Sheet | None = None) -> str:
    if not isinstance(title, str) or not title.strip():
        raise Bad("Sheet title must not be empty.")
    if _title_taken(work, title, but):
        raise Bad(f'A sheet with the name "{title}" already exists. Please enter another name.')
    if len(title) > 100:
        raise Bad("Sheet names must be 100 characters or fewer.")
    return title


def _default_title(work: Spreadsheet, stem: str = "Sheet") -> str:
    n = len(work.sheets) + 1
    while _title_taken(work, f"{stem}{n}"):
        n += 1
    return f"{stem}{n}"


def _new_sheet_id(txn: Txn, wanted: Any) -> int:
    if wanted is None:
        return txn.work.new_id()
    if not isinstance(wanted, int) or isinstance(wanted, bool) or wanted < 0:
        raise Bad("sheetId must be a non-negative integer.")
    if txn.work.sheet_by_id(wanted) is not None:
        raise Bad(f"A sheet with the id {wanted} already exists. Please enter another id.")
    return wanted


def _place(work: Spreadsheet, sheet: Sheet, index: Any) -> None:
    if index is None:
        work.sheets.append(sheet)
    else:
        if not isinstance(index, int) or index < 0:
            raise Bad("index must be a non-negative integer.")
        work.sheets.insert(min(index, len(work.sheets)), sheet)
    work.reindex()


def add_sheet(txn: Txn, req: dict) -> dict:
    props = req.get("properties") or {}
    work = txn.work
    title = props.get("title")
    title = _check_title(work, title) if title not in (None, "") else _default_title(work)
    grid = props.get("gridProperties") or {}
    rows = grid.get("rowCount", DEFAULT_ROWS)
    cols = grid.get("columnCount", DEFAULT_COLUMNS)
    if not isinstance(rows, int) or not isinstance(cols, int) or rows < 1 or cols < 1:
        raise Bad("gridProperties.rowCount and columnCount must be positive.")
    sheet = Sheet(_new_sheet_id(txn, props.get("sheetId")), title, 0, rows, cols)
    for key in ("hidden", "tabColor", "tabColorStyle", "rightToLeft"):
        if props.get(key) is not None:
            sheet.properties[key] = copy.deepcopy(props[key])
    for key in ("frozenRowCount", "frozenColumnCount", "hideGridlines"):
        if grid.get(key):
            sheet.grid[key] = grid[key]
    _check_frozen(sheet)
    txn.add(sheet)
    _place(work, sheet, props.get("index"))
    return {"addSheet": {"properties": copy.deepcopy(sheet.properties)}}


def delete_sheet(txn: Txn, req: dict) -> dict:
    sheet_id = need_int(req, "sheetId")
    sheet = txn.find(sheet_id, "sheet")
    work = txn.work
    if len(work.sheets) == 1:
        raise Bad("You can't remove all the sheets in a document.")
    if all(s.properties.get("hidden") for s in work.sheets if s is not sheet):
        raise Bad("You can't remove all the visible sheets in a document.")
    txn.guard(sheet, 0, sheet.row_count, 0, sheet.column_count)  # its protected cells would go
    work.sheets.remove(sheet)
    work.reindex()
    work.named_ranges = [n for n in work.named_ranges
                         if (n.get("range") or {}).get("sheetId", 0) != sheet_id]
    return {}


def duplicate_sheet(txn: Txn, req: dict) -> dict:
    source = txn.find(need_int(req, "sourceSheetId"), "sheet")
    work = txn.work
    name = req.get("newSheetName")
    if name in (None, ""):
        name = f"Copy of {source.title}"
        n = 2
        while _title_taken(work, name):
            name, n = f"Copy of {source.title} {n}", n + 1
    else:
        _check_title(work, name)
    new = source.clone()
    new_id = _new_sheet_id(txn, req.get("newSheetId"))
    new.properties["sheetId"] = new_id
    new.properties["title"] = name
    _retarget(txn, new, new_id)
    txn.add(new)
    _place(work, new, req.get("insertSheetIndex"))
    return {"duplicateSheet": {"properties": copy.deepcopy(new.properties)}}


def _retarget(txn: Txn, sheet: Sheet, new_id: int) -> None:
    """Point every range of a duplicated sheet at its new id; fresh object ids."""
    for gr in sheet.merges:
        gr["sheetId"] = new_id
    for rule in sheet.conditional_formats:
        for gr in rule.get("ranges", []):
            gr["sheetId"] = new_id
    for pr in sheet.protected_ranges:
        pr["protectedRangeId"] = txn.work.new_id()
        if "range" in pr:
            pr["range"]["sheetId"] = new_id
        for gr in pr.get("unprotectedRanges", []):
            gr["sheetId"] = new_id
    for chart in sheet.charts:
        chart["chartId"] = txn.work.new_id()
        anchor = ((chart.get("position") or {}).get("overlayPosition") or {}).get("anchorCell")
        if anchor is not None:
            anchor["sheetId"] = new_id
    sheet.developer_metadata = []
    if sheet.basic_filter and "range" in sheet.basic_filter:
        sheet.basic_filter["range"]["sheetId"] = new_id


def _check_frozen(sheet: Sheet) -> None:
    grid = sheet.grid
    for key, limit, what in (("frozenRowCount", sheet.row_count, "rows"),
                             ("frozenColumnCount", sheet.column_count, "columns")):
        n = grid.get(key, 0)
        if not isinstance(n, int) or n < 0:
            raise Bad(f"gridProperties.{key} must be a non-negative integer.")
        if n >= limit and n:
            raise Bad(f"You can't freeze all visible {what} on the sheet.")
        if n == 0:
            grid.pop(key, None)  # Google omits a zero frozen count


def update_sheet_properties(txn: Txn, req: dict) -> dict:
    props = req.get("properties") or {}
    mask = mask_of(req.get("fields"))
    sheet_id = props.get("sheetId", 0) or 0
    sheet = txn.sheet(sheet_id, what="sheet")
    work = txn.work
    old = sheet.properties
    new = masked(old, props, mask)
    if new.get("sheetId") != old["sheetId"]:
        raise Bad("sheetId cannot be changed.")
    new["sheetType"] = old.get("sheetType", "GRID")
    if new.get("title") != old["title"]:
        _check_title(work, new.get("title"), sheet)
        _rename_references(txn, old["title"], new["title"])
    grid = new.setdefault("gridProperties", {})
    rows = grid.get("rowCount", sheet.row_count)
    cols = grid.get("columnCount", sheet.column_count)
    if not isinstance(rows, int) or not isinstance(cols, int) or rows < 1 or cols < 1:
        raise Bad("gridProperties.rowCount and columnCount must be positive.")
    if new.get("hidden") and all(s.properties.get("hidden") for s in work.sheets if s is not sheet):
        raise Bad("You can't hide all the sheets in a document.")
    moves = "index" in mask or "*" in mask or mask == {}
    index = props.get("index", len(work.sheets)) if moves else old["index"]
    grid["rowCount"], grid["columnCount"] = sheet.row_count, sheet.column_count
    sheet.properties = new
    if rows != sheet.row_count or cols != sheet.column_count:
        _resize(txn, sheet, rows, cols)
    _check_frozen(sheet)
    _move(work, sheet, index)
    return {}


def _move(work: Spreadsheet, sheet: Sheet, index: Any) -> None:
    """Move a tab; Google counts `index` in before-the-move positions, so moving
    S1 of (S1, S2, S3) ahead of S2 takes index 2, and index p or p + 1 is a no-op."""
    if not isinstance(index, int) or isinstance(index, bool) or index < 0:
        raise Bad("index must be a non-negative integer.")
    pos = work.sheets.index(sheet)
    if index not in (pos, pos + 1):
        work.sheets.remove(sheet)
        work.sheets.insert(min(index - 1 if index > pos else index, len(work.sheets)), sheet)
    work.reindex()


def _rename_references(txn: Txn, old: str, new: str) -> None:
    """Formulas on every tab follow a renamed tab, as in Google."""
    for s in list(txn.work.sheets):
        changed = {k: rename_sheet_references(f, old, new) for k, f in s.formulas.items()}
        changed = {k: f for k, f in changed.items() if f != s.formulas[k]}
        if changed:
            txn.sheet(s.sheet_id, "formulas").formulas.update(changed)


def _resize(txn: Txn, sheet: Sheet, rows: int, cols: int) -> None:
    """Grow or shrink the grid; what falls off is dropped, as Google does."""
    if rows < sheet.row_count:  # dropping rows is deleting them: protected ones stay
        txn.guard_lines(sheet, 0, rows, sheet.row_count)
    if cols < sheet.column_count:
        txn.guard_lines(sheet, 1, cols, sheet.column_count)
    sheet = txn.sheet(sheet.sheet_id, "*")
    if cols < sheet.column_count:
        txn.all_rows(sheet)
    sheet.set_grid(rows=rows, columns=cols)
    clip_objects(txn, sheet)


def update_spreadsheet_properties(txn: Txn, req: dict) -> dict:
    mask = mask_of(req.get("fields"))
    props = req.get("properties") or {}
    new = masked(txn.work.properties, props, mask)
    if not isinstance(new.get("title"), str) or not new["title"]:
        raise Bad("Spreadsheet title must not be empty.")
    txn.work.properties = new
    return {}


HANDLERS: dict[str, Handler] = {
    "addSheet": add_sheet,
    "deleteSheet": delete_sheet,
    "duplicateSheet": duplicate_sheet,
    "updateSheetProperties": update_sheet_properties,
    "updateSpreadsheetProperties": update_spreadsheet_properties,
}
