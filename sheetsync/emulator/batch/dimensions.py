"""batchUpdate requests on rows and columns: insert/delete/append/move dimension,
updateDimensionProperties, dimension groups and autoResizeDimensions.  Inserting or deleting
rows moves everything laid over the grid (merges, rules, protected ranges, charts, formulas)."""
from __future__ import annotations

import copy
from typing import Any

from sheetsync.emulator import devmeta
from sheetsync.emulator.autoresize import auto_resize
from sheetsync.emulator.batch.common import SPARSE, Bad, Handler, Txn, mask_of, masked, need_int, shift_grid_range
from sheetsync.emulator.formulas.refs import shift_references
from sheetsync.emulator.model import Sheet

_OBJECT_ATTRS = ("merges", "conditional_formats", "protected_ranges", "basic_filter",
                 "banded_ranges", "filter_views", "developer_metadata")


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
    frozen_key = "frozenRowCount" if axis == 0 else "frozenColumnCount"
    frozen = sheet.grid.get(frozen_key, 0)
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
    frozen = sheet.grid.get(frozen_key, 0)       # the structural copy's
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
    cond = holder.get("condition") if holder else None
    if not holder or not cond or not any(str(v.get("userEnteredValue", "")).startswith("=")
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


def _remap(sheet: Sheet, axis: int, mapping: dict[int, int]) -> None:
    """Move sparse cell data and row/column sizes along `axis` by an index mapping."""
    for name in SPARSE:
        d = getattr(sheet, name)
        moving = [k for k in d if k[axis] in mapping]
        taken = {k: d.pop(k) for k in moving}
        for (r, c), v in taken.items():
            d[(mapping[r], c) if axis == 0 else (r, mapping[c])] = v
    meta = sheet.row_meta if axis == 0 else sheet.col_meta
    taken_meta = {i: meta.pop(i) for i in [i for i in meta if i in mapping]}
    for i, v in taken_meta.items():
        meta[mapping[i]] = v
    sheet.developer_metadata = devmeta.remap_locations(sheet.developer_metadata, axis, mapping)


def move_dimension(txn: Txn, req: dict) -> dict:
    src = req.get("source") or {}
    dim = src.get("dimension")
    if dim not in ("ROWS", "COLUMNS"):
        raise Bad("source.dimension must be ROWS or COLUMNS.")
    sheet = txn.sheet(src.get("sheetId", 0) or 0, "*")
    axis = 0 if dim == "ROWS" else 1
    size = sheet.row_count if axis == 0 else sheet.column_count
    s, e = need_int(src, "startIndex", 0), need_int(src, "endIndex")
    dest = need_int(req, "destinationIndex")
    if not (0 <= s < e <= size) or not 0 <= dest <= size:
        raise Bad(f"Invalid move: [{s}, {e}) to {dest} in a sheet of {size}.")
    if s <= dest <= e:
        return {}
    txn.guard_lines(sheet, axis, s, e)  # protected rows may not move, nor others land inside one
    txn.guard_insert(sheet, axis, dest)
    order = list(range(size))
    block = order[s:e]
    del order[s:e]
    at = dest - (e - s) if dest > e else dest  # destinationIndex counts before the removal
    order[at:at] = block
    mapping = {old: new for new, old in enumerate(order) if old != new}
    lo, hi = min(mapping), max(mapping) + 1
    if axis == 0:
        values = sheet.values
        rows = [values[i] if i < len(values) else [] for i in range(lo, hi)]
        if len(values) < hi:
            values.extend([] for _ in range(hi - len(values)))
        for old, new in mapping.items():
            values[new] = rows[old - lo]
        sheet.trim_tail()
    else:
        txn.all_rows(sheet)
        for row in sheet.values:
            seg = (row[lo:hi] + [None] * (hi - lo))[: hi - lo]
            if len(row) < hi and any(v is not None for v in seg):
                row.extend([None] * (hi - len(row)))
            for old, new in mapping.items():
                if new < len(row):
                    row[new] = seg[old - lo]
            while row and row[-1] is None:
                row.pop()
    _remap(sheet, axis, mapping)
    return {}


def _groups_attr(dimension: Any) -> str:
    if dimension not in ("ROWS", "COLUMNS"):
        raise Bad("range.dimension must be ROWS or COLUMNS.")
    return "row_groups" if dimension == "ROWS" else "column_groups"


def _group_span(rng: dict, sheet: Sheet) -> tuple[int, int]:
    start, end = need_int(rng, "startIndex", 0), need_int(rng, "endIndex")
    size = sheet.row_count if rng.get("dimension") == "ROWS" else sheet.column_count
    if start < 0 or end <= start or end > size:
        raise Bad(f"Invalid dimension range [{start}, {end}) for a sheet of {size}.")
    return start, end


def _redepth(groups: list[dict]) -> list[dict]:
    """Depth = 1 + the number of other groups that contain the group (Google nests them)."""
    out = []
    for g in groups:
        a, b = g["range"]["startIndex"], g["range"]["endIndex"]
        depth = 1 + sum(1 for h in groups if h is not g and h["range"]["startIndex"] <= a
                        and b <= h["range"]["endIndex"])
        out.append({**g, "depth": depth})
    return sorted(out, key=lambda g: (g["range"]["startIndex"], -g["range"]["endIndex"]))


def add_dimension_group(txn: Txn, req: dict) -> dict:
    rng = req.get("range") or {}
    attr = _groups_attr(rng.get("dimension"))
    sheet = txn.sheet(rng.get("sheetId", 0) or 0)
    start, end = _group_span(rng, sheet)
    groups = list(getattr(sheet, attr, []))
    if any(g["range"]["startIndex"] == start and g["range"]["endIndex"] == end for g in groups):
        raise Bad("A group with that range already exists.")
    groups.append({"range": {"sheetId": sheet.sheet_id, "dimension": rng["dimension"],
                             "startIndex": start, "endIndex": end}, "depth": 1})
    setattr(sheet, attr, _redepth(groups))
    # Google turns the group control on with a first group and leaves it on (its recordings)
    flag = "rowGroupControlAfter" if attr == "row_groups" else "columnGroupControlAfter"
    sheet.properties.setdefault("gridProperties", {}).setdefault(flag, True)
    return {"addDimensionGroup": {"dimensionGroups": copy.deepcopy(getattr(sheet, attr))}}


def delete_dimension_group(txn: Txn, req: dict) -> dict:
    rng = req.get("range") or {}
    attr = _groups_attr(rng.get("dimension"))
    sheet = txn.sheet(rng.get("sheetId", 0) or 0)
    start, end = _group_span(rng, sheet)
    groups = list(getattr(sheet, attr, []))
    kept = [g for g in groups if not (g["range"]["startIndex"] == start and g["range"]["endIndex"] == end)]
    if len(kept) == len(groups):
        raise Bad("No group with that range exists.")
    setattr(sheet, attr, _redepth(kept))
    return {"deleteDimensionGroup": {"dimensionGroups": copy.deepcopy(getattr(sheet, attr))}}


def update_dimension_group(txn: Txn, req: dict) -> dict:
    src = req.get("dimensionGroup") or {}
    rng = src.get("range") or {}
    attr = _groups_attr(rng.get("dimension"))
    sheet = txn.sheet(rng.get("sheetId", 0) or 0)
    mask = mask_of(req.get("fields"))
    groups = list(getattr(sheet, attr, []))
    for i, g in enumerate(groups):
        if (g["range"]["startIndex"], g["range"]["endIndex"]) == (rng.get("startIndex"), rng.get("endIndex")):
            groups[i] = {**masked(g, src, mask), "range": g["range"], "depth": g["depth"]}
            setattr(sheet, attr, groups)
            return {}
    raise Bad("No group with that range exists.")


HANDLERS: dict[str, Handler] = {
    "addDimensionGroup": add_dimension_group,
    "deleteDimensionGroup": delete_dimension_group,
    "updateDimensionGroup": update_dimension_group,
    "moveDimension": move_dimension,
    "insertDimension": insert_dimension,
    "deleteDimension": delete_dimension,
    "appendDimension": append_dimension,
    "updateDimensionProperties": update_dimension_properties,
    "autoResizeDimensions": auto_resize,
}
