"""batchUpdate requests on rows/columns and on objects laid over the grid:
insert/delete/append/updateDimension*, conditional formats, protected and
named ranges, charts, developer metadata, filters and accepted no-ops.
"""
from __future__ import annotations

import copy
import re
from typing import Any

from . import batch_misc, devmeta
from .batch_cells import check_condition
from .batch_common import (Bad, Txn, bounds, clean_range, mask_of, masked, need_int,
                           range_sheet_id, shift_grid_range)
from .formula_refs import shift_references
from .model import Sheet

_OBJECT_ATTRS = ("merges", "conditional_formats", "protected_ranges", "basic_filter",
                 "banded_ranges", "filter_views", "developer_metadata")


# ------------------------------------------------------------ rows and columns

def _dim_range(txn: Txn, rng: Any) -> tuple[Sheet, int, int, int]:
    if not isinstance(rng, dict):
        raise Bad("Missing range.")
    dim = rng.get("dimension")
    if dim not in ("ROWS", "COLUMNS"):
        raise Bad("range.dimension must be ROWS or COLUMNS.")
    sheet = txn.find(rng.get("sheetId", 0) or 0)
    start, end = need_int(rng, "startIndex", 0), need_int(rng, "endIndex")
    if start < 0 or end < 0:
        raise Bad("DimensionRange indexes must be >= 0")
    if end <= start:
        raise Bad(f"range.startIndex ({start}) must be less than range.endIndex ({end}).")
    return sheet, (0 if dim == "ROWS" else 1), start, end


def _size(sheet: Sheet, axis: int) -> int:
    return sheet.row_count if axis == 0 else sheet.column_count


def _structural(txn: Txn, sheet_id: int) -> Sheet:
    return txn.sheet(sheet_id, "*")


def insert_dimension(txn: Txn, req: dict) -> dict:
    sheet, axis, start, end = _dim_range(txn, req.get("range"))
    count, inherit = end - start, bool(req.get("inheritFromBefore"))
    if not inherit and start >= _size(sheet, axis):
        raise Bad(f"range.startIndex must be less than the grid size ({_size(sheet, axis)}) "
                  f"if inheritFromBefore is false.")
    if start > _size(sheet, axis):
        raise Bad(f"range.startIndex ({start}) is after the last "
                  f"{'row' if axis == 0 else 'column'} of the sheet ({_size(sheet, axis)}).")
    if inherit and start == 0:
        raise Bad("inheritFromBefore cannot be true when inserting at the start of the sheet.")
    txn.guard_insert(sheet, axis, start)
    sheet = _structural(txn, sheet.sheet_id)
    if axis == 0:
        sheet.insert_rows(start, count)
    else:
        txn.all_rows(sheet)
        sheet.insert_columns(start, count)
    _inherit(sheet, axis, start, count, (start - 1) if inherit else (start + count))
    _shift_everything(txn, sheet, axis, start, count)
    return {}


def _inherit(sheet: Sheet, axis: int, start: int, count: int, source: int) -> None:
    """New rows/columns take the formats and size of their neighbour, as in Google."""
    if source < 0 or source >= _size(sheet, axis):
        return
    picks = [(k, v) for k, v in sheet.formats.items() if k[axis] == source]
    for key, fmt in picks:
        for i in range(start, start + count):
            sheet.formats[(i, key[1]) if axis == 0 else (key[0], i)] = fmt
    meta = sheet.row_meta if axis == 0 else sheet.col_meta
    if source in meta and "pixelSize" in meta[source]:
        for i in range(start, start + count):
            meta[i] = {"pixelSize": meta[source]["pixelSize"]}


def delete_dimension(txn: Txn, req: dict) -> dict:
    sheet, axis, start, end = _dim_range(txn, req.get("range"))
    size = _size(sheet, axis)
    what = "row" if axis == 0 else "column"
    if end > size:
        raise Bad(f"Cannot delete a {what} that doesn't exist. Tried to delete {what} index "
                  f"{max(start, size)} but there are only {size} {what}s.")
    frozen = sheet.grid.get("frozenRowCount" if axis == 0 else "frozenColumnCount", 0)
    if start <= frozen and end == size and frozen:
        raise Bad(f"Sorry, it is not possible to delete all non-frozen {what}s.")
    if start == 0 and end == size:
        raise Bad(f"You can't delete all the {what}s on the sheet.")
    txn.guard_lines(sheet, axis, start, end)
    sheet = _structural(txn, sheet.sheet_id)
    if axis == 0:
        sheet.delete_rows(start, end)
    else:
        txn.all_rows(sheet)
        sheet.delete_columns(start, end)
    frozen_key = "frozenRowCount" if axis == 0 else "frozenColumnCount"
    frozen = sheet.grid.get(frozen_key, 0)
    if frozen > start:
        kept = start + max(0, frozen - end)
        if kept:
            sheet.grid[frozen_key] = kept
        else:
            sheet.grid.pop(frozen_key, None)
    _shift_everything(txn, sheet, axis, start, -(end - start), end)
    return {}


def _shift_everything(txn: Txn, sheet: Sheet, axis: int, start: int, delta: int,
                      end: int | None = None) -> None:
    """Move merges, rules, protected/named ranges, filters and formula references."""
    def move(gr: dict) -> dict | None:
        return shift_grid_range(gr, axis, start, delta, end)

    sheet.merges = [m for m in (move(g) for g in sheet.merges) if m]
    def refs(rule: dict) -> dict:  # formula condition values follow the rows, as formulas do
        return _shift_condition(rule, lambda f: shift_references(f, sheet.title, sheet.title, axis,
                                                                 start, delta, end))

    rules = []
    for rule in sheet.conditional_formats:
        ranges = [m for m in (move(g) for g in rule.get("ranges", [])) if m]
        if ranges:
            rules.append({**refs(rule), "ranges": ranges})
    sheet.conditional_formats = rules
    unique = {id(rule): rule for rule in sheet.validations.values()}
    edited = {i: refs(rule) for i, rule in unique.items()}
    if any(edited[i] is not unique[i] for i in unique):
        for key, rule in list(sheet.validations.items()):
            sheet.validations[key] = edited[id(rule)]
    kept = []
    for pr in sheet.protected_ranges:
        if "range" in pr:
            moved = move(pr["range"])
            if moved is None:
                continue
            pr = {**pr, "range": moved}
        pr["unprotectedRanges"] = [m for m in (move(g) for g in pr.get("unprotectedRanges", [])) if m]
        if not pr["unprotectedRanges"]:
            del pr["unprotectedRanges"]
        kept.append(pr)
    sheet.protected_ranges = kept
    if sheet.basic_filter and "range" in sheet.basic_filter:
        moved = move(sheet.basic_filter["range"])
        sheet.basic_filter = {**sheet.basic_filter, "range": moved} if moved else None
    sheet.banded_ranges = [b for b in ({**b, "range": move(b["range"])} if "range" in b else b
                                       for b in sheet.banded_ranges) if b.get("range", True)]
    named = []
    for nr in txn.work.named_ranges:
        gr = nr.get("range") or {}
        if (gr.get("sheetId", 0) or 0) == sheet.sheet_id:
            moved = move(gr)
            if moved is None:
                continue
            nr = {**nr, "range": moved}
        named.append(nr)
    txn.work.named_ranges = named
    _shift_groups(sheet, axis, move)
    sheet.developer_metadata = devmeta.shift_locations(sheet.developer_metadata, axis, start, delta, end)
    _shift_charts(txn, sheet.sheet_id, move)
    _shift_formulas(txn, sheet.title, axis, start, delta, end)


def _shift_groups(sheet: Sheet, axis: int, move) -> None:
    """Row/column groups (DimensionRange) move like GridRanges on their axis."""
    attr = "row_groups" if axis == 0 else "column_groups"
    groups = getattr(sheet, attr, None)
    if not groups:
        return
    lo, hi = ("startRowIndex", "endRowIndex") if axis == 0 else ("startColumnIndex", "endColumnIndex")
    kept = []
    for g in groups:
        moved = move({lo: g["range"]["startIndex"], hi: g["range"]["endIndex"]})
        if moved:
            kept.append({**g, "range": {**g["range"], "startIndex": moved[lo], "endIndex": moved[hi]}})
    setattr(sheet, attr, kept)


def _shift_condition(rule: dict, edit) -> dict:
    """A rule (conditional format or data validation) with its "=..." values edited."""
    holder = rule.get("booleanRule") if "booleanRule" in rule else rule
    cond = (holder or {}).get("condition")
    if not cond or not any(str(v.get("userEnteredValue", "")).startswith("=")
                           for v in cond.get("values", [])):
        return rule
    values = [{**v, "userEnteredValue": edit(v["userEnteredValue"])}
              if str(v.get("userEnteredValue", "")).startswith("=") else v for v in cond["values"]]
    new_holder = {**holder, "condition": {**cond, "values": values}}
    return {**rule, "booleanRule": new_holder} if "booleanRule" in rule else new_holder


def _shift_charts(txn: Txn, sheet_id: int, move) -> None:
    """Chart data ranges on the moved sheet follow the rows/columns (charts on any tab)."""
    def walk(obj: Any) -> Any:
        if isinstance(obj, dict):
            if "sources" in obj and isinstance(obj["sources"], list):
                srcs = [move(g) if (g.get("sheetId", 0) or 0) == sheet_id else g for g in obj["sources"]]
                return {**obj, "sources": [g for g in srcs if g]}
            return {k: walk(v) for k, v in obj.items()}
        if isinstance(obj, list):
            return [walk(v) for v in obj]
        return obj
    for s in list(txn.work.sheets):
        if not s.charts:
            continue
        charts = [{**ch, "spec": walk(ch.get("spec"))} for ch in s.charts]
        if charts != s.charts:
            txn.sheet(s.sheet_id, "charts").charts = charts


def _shift_formulas(txn: Txn, title: str, axis: int, start: int, delta: int,
                    end: int | None) -> None:
    for s in list(txn.work.sheets):
        if not s.formulas:
            continue
        changed = {}
        for key, text in s.formulas.items():
            new = shift_references(text, s.title, title, axis, start, delta, end)
            if new != text:
                changed[key] = new
        if changed:
            s = txn.sheet(s.sheet_id, "formulas")
            s.formulas.update(changed)


def append_dimension(txn: Txn, req: dict) -> dict:
    sheet = txn.sheet(req.get("sheetId", 0) or 0)
    length = need_int(req, "length")
    if length < 1:
        raise Bad("length must be greater than zero.")
    dim = req.get("dimension")
    if dim == "ROWS":
        sheet.set_grid(rows=sheet.row_count + length)
    elif dim == "COLUMNS":
        sheet.set_grid(columns=sheet.column_count + length)
    else:
        raise Bad("dimension must be ROWS or COLUMNS.")
    return {}


def update_dimension_properties(txn: Txn, req: dict) -> dict:
    sheet, axis, start, end = _dim_range(txn, req.get("range"))
    if end > _size(sheet, axis):
        raise Bad(f"range.endIndex ({end}) is after the end of the sheet ({_size(sheet, axis)}).")
    mask = mask_of(req.get("fields"))
    sheet = txn.sheet(sheet.sheet_id, "row_meta" if axis == 0 else "col_meta")
    meta = sheet.row_meta if axis == 0 else sheet.col_meta
    props = req.get("properties") or {}
    for i in range(start, end):
        new = masked(meta.get(i), props, mask)
        if new:
            meta[i] = new
        else:
            meta.pop(i, None)
    return {}


def clip_objects(txn: Txn, sheet: Sheet) -> None:
    """After a grid shrink, drop or clip ranges that fell off the sheet."""
    sheet = txn.sheet(sheet.sheet_id, "validations", *_OBJECT_ATTRS)
    for axis, size in ((0, sheet.row_count), (1, sheet.column_count)):
        huge = 1 << 40
        _shift_everything(txn, sheet, axis, size, -huge, size + huge)


# ------------------------------------------------------------ conditional formats

def _check_cf_rule(txn: Txn, rule: Any) -> tuple[Sheet, dict]:
    if not isinstance(rule, dict) or not rule.get("ranges"):
        raise Bad("ConditionalFormatRule must have at least one range.")
    sheet_ids = {range_sheet_id(g) for g in rule["ranges"]}
    if len(sheet_ids) != 1:
        raise Bad("All ranges of a conditional format rule must be on the same sheet.")
    sheet = txn.sheet(sheet_ids.pop(), "conditional_formats")
    for g in rule["ranges"]:
        txn.guard(sheet, *bounds(sheet, g))
    if ("booleanRule" in rule) == ("gradientRule" in rule):
        raise Bad("Exactly one of booleanRule or gradientRule must be set.")
    if "booleanRule" in rule:
        check_condition((rule["booleanRule"] or {}).get("condition"))
    out = copy.deepcopy(rule)
    out["ranges"] = [clean_range(sheet, g) for g in rule["ranges"]]
    return sheet, out


def add_conditional_format_rule(txn: Txn, req: dict) -> dict:
    sheet, rule = _check_cf_rule(txn, req.get("rule"))
    index = req.get("index", 0) or 0
    if not isinstance(index, int) or index < 0 or index > len(sheet.conditional_formats):
        raise Bad(f"index {index} is out of range.")
    sheet.conditional_formats.insert(index, rule)
    return {}


def _cf_at(txn: Txn, req: dict) -> tuple[Sheet, int]:
    sheet_id = req.get("sheetId", 0) or 0
    sheet = txn.sheet(sheet_id, "conditional_formats")
    index = req.get("index", 0) or 0
    if not isinstance(index, int) or not 0 <= index < len(sheet.conditional_formats):
        raise Bad(f"No conditional format on sheet: {sheet_id} at index: {index}")
    return sheet, index


def update_conditional_format_rule(txn: Txn, req: dict) -> dict:
    sheet, index = _cf_at(txn, req)
    old = sheet.conditional_formats[index]
    if "rule" in req:
        target, rule = _check_cf_rule(txn, req["rule"])
        if target.sheet_id != sheet.sheet_id:
            raise Bad("Moving a rule to another sheet is not supported.")
        sheet.conditional_formats[index] = rule
        return {"updateConditionalFormatRule": {"newRule": rule, "oldRule": old,
                                                "newIndex": index, "oldIndex": index}}
    new_index = req.get("newIndex")
    if not isinstance(new_index, int) or not 0 <= new_index < len(sheet.conditional_formats):
        raise Bad("Either rule or a valid newIndex must be set.")
    sheet.conditional_formats.pop(index)
    sheet.conditional_formats.insert(new_index, old)
    return {"updateConditionalFormatRule": {"newRule": old, "oldRule": old,
                                            "newIndex": new_index, "oldIndex": index}}


def delete_conditional_format_rule(txn: Txn, req: dict) -> dict:
    sheet, index = _cf_at(txn, req)
    for g in sheet.conditional_formats[index].get("ranges", []):
        txn.guard(sheet, *bounds(sheet, g))
    rule = sheet.conditional_formats.pop(index)
    return {"deleteConditionalFormatRule": {"rule": rule}}


# ------------------------------------------------------------ protected ranges

def _find_protected(txn: Txn, pr_id: Any) -> tuple[Sheet, int]:
    try:
        pr_id = int(pr_id)
    except (TypeError, ValueError):
        raise Bad(f"No protected range with id: {pr_id}") from None
    for s in txn.work.sheets:
        for i, pr in enumerate(s.protected_ranges):
            if pr.get("protectedRangeId") == pr_id:
                return txn.sheet(s.sheet_id, "protected_ranges"), i
    raise Bad(f"No protected range with id: {pr_id}")


def _build_protected(txn: Txn, src: dict, pr_id: int) -> tuple[Sheet, dict]:
    if "range" in src and src.get("namedRangeId"):
        raise Bad("Only one of range or namedRangeId may be set.")
    gr = src.get("range")
    if gr is None and src.get("namedRangeId"):
        named = [n for n in txn.work.named_ranges if n.get("namedRangeId") == src["namedRangeId"]]
        if not named:
            raise Bad(f"No named range with id: {src['namedRangeId']}")
        gr = named[0]["range"]
    if not isinstance(gr, dict):
        raise Bad("ProtectedRange must have a range or a namedRangeId.")
    sheet = txn.sheet(range_sheet_id(gr), "protected_ranges")
    bounds(sheet, gr)
    pr: dict[str, Any] = {"protectedRangeId": pr_id}
    if src.get("namedRangeId"):
        pr["namedRangeId"] = src["namedRangeId"]
    pr["range"] = clean_range(sheet, gr)
    if src.get("description"):
        pr["description"] = src["description"]
    owner = txn.work.drive.owner
    if src.get("warningOnly"):
        sent = {**(src.get("editors") or {})}
        sent["users"] = [u for u in sent.get("users") or [] if u != owner]  # the owner is always listed
        if any(sent.get(k) for k in ("users", "groups", "domainUsersCanEdit")):
            raise Bad("ProtectedRange is warningOnly. Editors cannot be set on it.")
        pr["warningOnly"] = True
    pr["requestingUserCanEdit"] = True
    # Google lists the owner among the editors of every range, warning-only ones included
    editors = copy.deepcopy(src.get("editors") or {})
    users = [u for u in editors.get("users") or [] if u]
    if owner not in users:
        users.insert(0, owner)
    editors["users"] = users
    pr["editors"] = {k: v for k, v in editors.items() if v}
    if src.get("unprotectedRanges"):
        pr["unprotectedRanges"] = [clean_range(sheet, g) for g in src["unprotectedRanges"]]
    return sheet, pr


def add_protected_range(txn: Txn, req: dict) -> dict:
    src = req.get("protectedRange") or {}
    pr_id = src.get("protectedRangeId")
    if pr_id is not None:
        if any(p.get("protectedRangeId") == pr_id for s in txn.work.sheets for p in s.protected_ranges):
            raise Bad(f"A protected range with the id {pr_id} already exists.")
    else:
        pr_id = txn.work.new_id()
    sheet, pr = _build_protected(txn, src, pr_id)
    if _whole_sheet(pr["range"]) and any(_whole_sheet(p.get("range", {})) for p in sheet.protected_ranges):
        raise Bad(f'Sheet "{sheet.title}" already has sheet protection.')
    sheet.protected_ranges.append(pr)
    # Google's reply leaves the editors out ({}); only spreadsheets.get lists them
    return {"addProtectedRange": {"protectedRange": {**copy.deepcopy(pr), "editors": {}}}}


def _whole_sheet(gr: dict) -> bool:
    return not any(k in gr for k in ("startRowIndex", "endRowIndex", "startColumnIndex", "endColumnIndex"))


def delete_protected_range(txn: Txn, req: dict) -> dict:
    sheet, i = _find_protected(txn, req.get("protectedRangeId"))
    del sheet.protected_ranges[i]
    return {}


def update_protected_range(txn: Txn, req: dict) -> dict:
    src = req.get("protectedRange") or {}
    sheet, i = _find_protected(txn, src.get("protectedRangeId"))
    merged = masked(sheet.protected_ranges[i], src, mask_of(req.get("fields")))
    pr_id = sheet.protected_ranges[i]["protectedRangeId"]
    del sheet.protected_ranges[i]
    target, pr = _build_protected(txn, merged, pr_id)
    target.protected_ranges.insert(i if target is sheet else len(target.protected_ranges), pr)
    return {}


# ------------------------------------------------------------ named ranges

_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,249}$")
_CELLISH = re.compile(r"^([A-Za-z]{1,3}[0-9]+|[Rr][0-9]*[Cc][0-9]*)$")


def _check_name(txn: Txn, name: Any, but: str | None = None) -> str:
    if not isinstance(name, str) or not _NAME.match(name) or _CELLISH.match(name) \
            or name.upper() in ("TRUE", "FALSE"):
        raise Bad(f"Invalid name for a named range: {name}")
    for nr in txn.work.named_ranges:
        if nr.get("name", "").lower() == name.lower() and nr.get("namedRangeId") != but:
            raise Bad(f"A named range with the name {name} already exists.")
    return name


def add_named_range(txn: Txn, req: dict) -> dict:
    src = req.get("namedRange") or {}
    name = _check_name(txn, src.get("name"))
    gr = src.get("range")
    sheet = txn.find(range_sheet_id(gr))
    bounds(sheet, gr)
    nr_id = str(src.get("namedRangeId") or txn.work.new_id())
    if any(n.get("namedRangeId") == nr_id for n in txn.work.named_ranges):
        raise Bad(f"A named range with the id {nr_id} already exists.")
    nr = {"namedRangeId": nr_id, "name": name, "range": clean_range(sheet, gr)}
    txn.work.named_ranges.append(nr)
    return {"addNamedRange": {"namedRange": copy.deepcopy(nr)}}


def _named_index(txn: Txn, nr_id: Any) -> int:
    for i, nr in enumerate(txn.work.named_ranges):
        if nr.get("namedRangeId") == str(nr_id):
            return i
    raise Bad(f"No named range with id: {nr_id}")


def delete_named_range(txn: Txn, req: dict) -> dict:
    del txn.work.named_ranges[_named_index(txn, req.get("namedRangeId"))]
    return {}


def update_named_range(txn: Txn, req: dict) -> dict:
    src = req.get("namedRange") or {}
    i = _named_index(txn, src.get("namedRangeId"))
    new = masked(txn.work.named_ranges[i], src, mask_of(req.get("fields")))
    _check_name(txn, new.get("name"), but=new.get("namedRangeId"))
    sheet = txn.find(range_sheet_id(new.get("range")))
    bounds(sheet, new["range"])
    new["range"] = clean_range(sheet, new["range"])
    txn.work.named_ranges[i] = new
    return {}


HANDLERS = {
    "insertDimension": insert_dimension,
    "deleteDimension": delete_dimension,
    "appendDimension": append_dimension,
    "updateDimensionProperties": update_dimension_properties,
    "addConditionalFormatRule": add_conditional_format_rule,
    "updateConditionalFormatRule": update_conditional_format_rule,
    "deleteConditionalFormatRule": delete_conditional_format_rule,
    "addProtectedRange": add_protected_range,
    "deleteProtectedRange": delete_protected_range,
    "updateProtectedRange": update_protected_range,
    "addNamedRange": add_named_range,
    "deleteNamedRange": delete_named_range,
    "updateNamedRange": update_named_range,
    **batch_misc.HANDLERS,
}
