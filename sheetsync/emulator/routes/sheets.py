"""spreadsheets.create, .get, .getByDataFilter, :batchUpdate and sheets.copyTo."""
from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from sheetsync.emulator import a1, devmeta, fields, protection, spreadsheet_fields
from sheetsync.emulator.model import DEFAULT_COLUMNS, DEFAULT_ROWS, Spreadsheet, invalid_argument, new_spreadsheet_id
from sheetsync.emulator.sheet_json import spreadsheet_json

if TYPE_CHECKING:
    from sheetsync.emulator.request import Request
    from sheetsync.emulator.state import EmulatorState


def owner_of(user: str) -> str:
    return user if "@" in user and not user.startswith("token:") else "emulator@sheetsync.local"


def create(st: "EmulatorState", rq: "Request", g: tuple[str, ...]) -> tuple[int, Any]:
    body = rq.json()
    props = body.get("properties") or {}
    owner = owner_of(rq.user)
    ss = Spreadsheet(new_spreadsheet_id(), props.get("title") or "Untitled spreadsheet", owner=owner,
                     locale=props.get("locale") or st.store.defaults.locale,
                     time_zone=props.get("timeZone") or st.store.defaults.time_zone)
    for key in ("autoRecalc", "defaultFormat", "spreadsheetTheme"):
        if key in props:
            ss.properties[key] = props[key]
    sheets = body.get("sheets") or [{}]
    for i, spec in enumerate(sheets):
        sp = (spec or {}).get("properties") or {}
        gp = sp.get("gridProperties") or {}
        title = sp.get("title") or f"Sheet{i + 1}"
        if ss.sheet_by_title(title) is not None:
            raise invalid_argument(f"A sheet with the name \"{title}\" already exists. "
                                   "Please enter another name.")
        sheet_id = _sheet_id(sp.get("sheetId"), i)
        if sheet_id is not None and ss.sheet_by_id(sheet_id) is not None:
            raise invalid_argument(f"Duplicate sheet ID: {sheet_id}")
        sheet = ss.add_sheet(title, gp.get("rowCount", DEFAULT_ROWS), gp.get("columnCount", DEFAULT_COLUMNS),
                             sheet_id=sheet_id)
        for key in ("frozenRowCount", "frozenColumnCount", "hideGridlines"):
            if gp.get(key):
                sheet.grid[key] = gp[key]
        for key in ("hidden", "tabColor", "tabColorStyle", "rightToLeft"):
            if key in sp:
                sheet.properties[key] = sp[key]
        for grid in (spec or {}).get("data") or []:
            _initial_data(sheet, grid)
    ss.drive.permissions.append({"kind": "drive#permission", "id": _perm_id(owner), "type": "user",
                                 "role": "owner", "emailAddress": owner})
    if ss.has_formulas():
        from sheetsync.emulator.formulas import recalc
        recalc.recalculate(ss)
    st.store.add(ss)
    st.changed(ss)
    with ss.lock:
        return 200, spreadsheet_json(ss)


def _sheet_id(value: Any, i: int) -> int | None:
    """sheetId as Google's JSON parser reads an int32: a whole number, or a string of one;
    anything else (a name, a fraction, true, out of range) is its 400, never stored."""
    if value is None:
        return None
    number: Any = value
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        number = int(value)
    elif isinstance(value, float) and value.is_integer():
        number = int(value)
    if isinstance(number, int) and not isinstance(number, bool) and 0 <= number < 2 ** 31:
        return number
    raise invalid_argument(f"Invalid value at 'spreadsheet.sheets[{i}].properties.sheet_id' (TYPE_INT32), "
                           f"{json.dumps(value)}")


def _initial_data(sheet: Any, grid: dict[str, Any]) -> None:
    """GridData given to spreadsheets.create: userEnteredValue of each cell (formulas kept)."""
    r0, c0 = grid.get("startRow", 0) or 0, grid.get("startColumn", 0) or 0
    for i, row in enumerate(grid.get("rowData") or []):
        for j, cell in enumerate((row or {}).get("values") or []):
            uev = (cell or {}).get("userEnteredValue") or {}
            r, c = r0 + i, c0 + j
            if r >= sheet.row_count or c >= sheet.column_count:
                raise invalid_argument(f"Range ({a1.format_range(sheet.title, r, c, r + 1, c + 1)}) exceeds "
                                       f"grid limits. Max rows: {sheet.row_count}, max columns: {sheet.column_count}")
            if "formulaValue" in uev:
                sheet.set(r, c, None, uev["formulaValue"])
            elif uev:
                sheet.set(r, c, next(iter(uev.values())) if "errorValue" not in uev else None)
            if (cell or {}).get("userEnteredFormat"):
                sheet.formats[(r, c)] = cell["userEnteredFormat"]
            if (cell or {}).get("note"):
                sheet.notes[(r, c)] = cell["note"]


def _perm_id(email: str) -> str:
    from sheetsync.emulator.model import _permission_id
    return _permission_id(email)


def get(st: "EmulatorState", rq: "Request", g: tuple[str, ...]) -> tuple[int, Any]:
    ss = st.spreadsheet(g[0], rq.user)
    mask_text = rq.param("fields")
    mask = fields.parse(mask_text) if mask_text else None
    if mask is not None:
        spreadsheet_fields.check(mask)
    if mask is not None:
        grid = "sheets" in mask and fields.wants(mask, "sheets", "data") or "*" in mask
    else:
        grid = rq.flag("includeGridData")
    with ss.lock:
        boxes = [a1.resolve(ss, text) for text in rq.params("ranges")] or None
        body = spreadsheet_json(ss, grid=grid, boxes=boxes)
        _as_seen_by(st, ss, body, rq.user)
    return 200, fields.apply(body, mask)


def get_by_data_filter(st: "EmulatorState", rq: "Request", g: tuple[str, ...]) -> tuple[int, Any]:
    from sheetsync.emulator.routes.values import matched_boxes
    ss = st.spreadsheet(g[0], rq.user)
    body = rq.json()
    mask_text = rq.param("fields")
    mask = fields.parse(mask_text) if mask_text else None
    if mask is not None:
        spreadsheet_fields.check(mask)
    grid = bool(body.get("includeGridData")) if mask is None else fields.wants(mask, "sheets", "data")
    with ss.lock:
        filters = body.get("dataFilters")
        boxes = [box for box, _ in matched_boxes(st, ss, filters, rq.user)] if filters else None
        out = spreadsheet_json(ss, grid=grid, boxes=boxes)  # only the sheets the filters selected
        _as_seen_by(st, ss, out, rq.user)
    return 200, fields.apply(out, mask)


def _as_seen_by(st: "EmulatorState", ss: Spreadsheet, out: dict[str, Any], user: str) -> None:
    """The Spreadsheet resource as the caller sees it: developer metadata where Google lists
    it and of the caller's Cloud project; in strict mode, protected ranges' editors only for
    those who may edit them."""
    devmeta.place_in_spreadsheet(ss, out, st.auth.project_of(user))
    if st.strict:
        from sheetsync.emulator.state import role_of
        writer = role_of(ss, user) in ("owner", "organizer", "fileOrganizer", "writer")
        protection.show_to(ss, out, user, writer)


def batch_update(st: "EmulatorState", rq: "Request", g: tuple[str, ...]) -> tuple[int, Any]:
    """All-or-nothing structural batch: batch_requests.apply does the work."""
    ss = st.spreadsheet(g[0], rq.user, write=True)
    body = rq.json()
    requests = body.get("requests")
    if not isinstance(requests, list) or not requests:
        raise invalid_argument("Must specify at least one request.")
    from sheetsync.emulator.batch import requests as batch_requests
    with ss.lock:
        project = st.auth.project_of(rq.user)
        out = batch_requests.apply(ss, body, user=rq.user if st.strict else None, project=project)
        if "updatedSpreadsheet" in out:
            _as_seen_by(st, ss, out["updatedSpreadsheet"], rq.user)
        if ss.has_formulas():
            from sheetsync.emulator.formulas import recalc
            recalc.recalculate(ss)
        st.changed(ss)
        st.counters.add_cells(written=_cells_written(ss, requests))
    return 200, out


def _cells_written(ss: Spreadsheet, requests: list[Any]) -> int:
    """Cells that updateCells / repeatCell requests wrote (for the counters)."""
    total = 0
    for req in requests:
        if not isinstance(req, dict):
            continue
        if "updateCells" in req:
            rows = (req["updateCells"] or {}).get("rows") or []
            total += sum(len((row or {}).get("values") or []) for row in rows)
        elif "repeatCell" in req:
            gr = (req["repeatCell"] or {}).get("range") or {}
            sheet = ss.sheet_by_id(gr.get("sheetId", 0))
            if sheet is not None:
                box = a1.from_grid_range(sheet, gr)
                total += max(0, box.rows) * max(0, box.cols)
    return total


def copy_to(st: "EmulatorState", rq: "Request", g: tuple[str, ...]) -> tuple[int, Any]:
    src = st.spreadsheet(g[0], rq.user)
    body = rq.json()
    dest_id = body.get("destinationSpreadsheetId")
    if not dest_id:
        raise invalid_argument("Invalid destinationSpreadsheetId")
    dest = st.spreadsheet(dest_id, rq.user, write=True)
    with src.lock:  # copy under the source lock, then let go: no two locks held at once
        sheet = src.sheet_by_id(int(g[1]))
        if sheet is None:
            raise invalid_argument(f"No grid with id: {g[1]}")
        copy = sheet.clone()
    with dest.lock:
        dest.check_cell_limit(copy.cell_count())
        title = f"Copy of {copy.title}"
        n = 2
        while dest.sheet_by_title(title) is not None:
            title = f"Copy of {copy.title} {n}"
            n += 1
        copy.properties["title"] = title
        new_id = dest.new_id()
        copy.properties["sheetId"] = new_id
        copy.protected_ranges = []  # protections are not copied by copyTo
        for chart in copy.charts:
            chart["chartId"] = dest.new_id()
        for attr in ("merges", "conditional_formats", "charts", "banded_ranges", "filter_views"):
            _retarget(getattr(copy, attr), new_id)
        if copy.basic_filter:
            _retarget(copy.basic_filter, new_id)
        dest.sheets.append(copy)
        dest.reindex()
        st.changed(dest)
        return 200, dict(copy.properties)


def _retarget(obj: Any, sheet_id: int) -> None:
    """Point every GridRange inside ``obj`` at ``sheet_id``."""
    if isinstance(obj, dict):
        if "sheetId" in obj:
            obj["sheetId"] = sheet_id
        for v in obj.values():
            _retarget(v, sheet_id)
    elif isinstance(obj, list):
        for v in obj:
            _retarget(v, sheet_id)
