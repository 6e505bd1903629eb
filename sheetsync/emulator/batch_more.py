"""Less common batchUpdate requests: moveDimension, insertRange,
trimWhitespace, deleteDuplicates, randomizeRange, filter views, updateBanding,
updateEmbeddedObjectBorder. Formula references are not rewritten by these
(see docs/emulator-formulas.md)."""
from __future__ import annotations

import copy
import random
from typing import Any

from . import devmeta
from .batch_common import (SPARSE, Bad, Txn, bounds, clean_range, mask_of, masked, move_sparse, need_int,
                           put_segment, range_sheet_id)
from .model import Sheet


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


def insert_range(txn: Txn, req: dict) -> dict:
    """Insert blank cells, shifting the cells below (ROWS) or to the right (COLUMNS)."""
    gr = req.get("range")
    sheet = txn.sheet(range_sheet_id(gr), "*")
    r0, r1, c0, c1 = bounds(sheet, gr)
    shift = req.get("shiftDimension")
    if shift not in ("ROWS", "COLUMNS"):
        raise Bad("shiftDimension must be ROWS or COLUMNS.")
    # every cell from the range to the grid's edge moves
    txn.guard(sheet, r0, sheet.row_count if shift == "ROWS" else r1,
              c0, c1 if shift == "ROWS" else sheet.column_count)
    if shift == "ROWS":
        h = r1 - r0
        used = sheet.used_extent()[0]
        if used + h > sheet.row_count:
            sheet.set_grid(rows=used + h)  # the sheet grows rather than lose the cells pushed down
        txn.all_rows(sheet)
        values = sheet.values
        values.extend([] for _ in range(max(0, used + h - len(values))))
        for r in range(len(values) - 1, r0 - 1, -1):
            src = values[r - h] if r - h >= r0 else []
            put_segment(values[r], src, c0, c1)
        sheet.trim_tail()
        move_sparse(sheet, lambda r, c: c0 <= c < c1 and r >= r0, lambda r, c: (r + h, c))
    else:
        w = c1 - c0
        width = max((len(sheet.values[r]) for r in range(r0, min(r1, len(sheet.values)))), default=0)
        if width + w > sheet.column_count:
            sheet.set_grid(columns=width + w)
        txn.all_rows(sheet)
        for r in range(r0, min(r1, len(sheet.values))):
            row = sheet.values[r]
            if len(row) > c0:
                row[c0:c0] = [None] * w
        move_sparse(sheet, lambda r, c: r0 <= r < r1 and c >= c0, lambda r, c: (r, c + w))
    return {}


def trim_whitespace(txn: Txn, req: dict) -> dict:
    gr = req.get("range")
    sheet = txn.sheet(range_sheet_id(gr), "values", "formulas")
    r0, r1, c0, c1 = bounds(sheet, gr)
    txn.guard(sheet, r0, r1, c0, c1)
    changed = 0
    txn.rows(sheet, r0, r1)
    for r in range(r0, min(r1, len(sheet.values))):
        row = sheet.values[r]
        for c in range(c0, min(c1, len(row))):
            v = row[c]
            if isinstance(v, str) and (r, c) not in sheet.formulas:
                trimmed = " ".join(v.split())
                if trimmed != v:
                    sheet.set(r, c, trimmed or None)
                    changed += 1
    return {"trimWhitespace": {"cellsChangedCount": changed} if changed else {}}


def _row_key(sheet: Sheet, r: int, cols: list[int]) -> tuple:
    def norm(v: Any) -> Any:
        return v.lower() if isinstance(v, str) else v
    return tuple(norm(sheet.get(r, c)) for c in cols)


def _rewrite_rows(txn: Txn, sheet: Sheet, r0: int, r1: int, c0: int, c1: int, order: list[int]) -> None:
    """Rows r0.. of the block become rows `order` (absolute indexes); the rest blank."""
    from .batch_cells import _move_rows
    if len(sheet.values) < r1:  # blank rows take part too (new lists: private to the work)
        sheet.values.extend([] for _ in range(r1 - len(sheet.values)))
    block = [sheet.values[r] for r in range(r0, r1)]
    rel = [i - r0 for i in order] + [i - r0 for i in range(r0, r1) if i not in set(order)]
    _move_rows(txn, sheet, r0, c0, c1, [row[:] for row in block], rel)
    for r in range(r0 + len(order), r1):  # the tail of the block is emptied
        for c in range(c0, c1):
            if r < len(sheet.values):
                sheet.set(r, c, None)
            for name in SPARSE:
                getattr(sheet, name).pop((r, c), None)
    sheet.trim_tail()


def delete_duplicates(txn: Txn, req: dict) -> dict:
    gr = req.get("range")
    sheet = txn.sheet(range_sheet_id(gr), "values", *SPARSE)
    r0, r1, c0, c1 = bounds(sheet, gr)
    txn.guard(sheet, r0, r1, c0, c1)
    cols = [need_int(dr, "startIndex", 0) for dr in req.get("comparisonColumns") or []] or list(range(c0, c1))
    if any(not c0 <= c < c1 for c in cols):
        raise Bad("comparisonColumns must lie inside the range.")
    seen, keep = set(), []
    for r in range(r0, min(r1, max(len(sheet.values), r0))):
        key = _row_key(sheet, r, cols)
        if key not in seen:
            seen.add(key)
            keep.append(r)
    removed = min(r1, len(sheet.values)) - r0 - len(keep) if len(sheet.values) > r0 else 0
    if removed > 0:
        txn.rows(sheet, r0, r1)
        _rewrite_rows(txn, sheet, r0, min(r1, len(sheet.values)), c0, c1, keep)
    return {"deleteDuplicates": {"duplicatesRemovedCount": removed} if removed > 0 else {}}


def randomize_range(txn: Txn, req: dict) -> dict:
    gr = req.get("range")
    sheet = txn.sheet(range_sheet_id(gr), "values", *SPARSE)
    r0, r1, c0, c1 = bounds(sheet, gr)
    txn.guard(sheet, r0, r1, c0, c1)
    order = list(range(r0, r1))
    random.shuffle(order)
    txn.rows(sheet, r0, r1)
    _rewrite_rows(txn, sheet, r0, r1, c0, c1, order)
    return {}


# ------------------------------------------------------------ filter views, banding, borders

def _find_in(txn: Txn, attr: str, key: str, wanted: Any) -> tuple[Sheet, int]:
    for s in txn.work.sheets:
        for i, obj in enumerate(getattr(s, attr)):
            if obj.get(key) == wanted:
                return txn.sheet(s.sheet_id, attr), i
    raise Bad(f"No object with id: {wanted}")


def add_filter_view(txn: Txn, req: dict) -> dict:
    view = copy.deepcopy(req.get("filter") or {})
    gr = view.get("range") or {}
    sheet = txn.sheet(range_sheet_id(gr), "filter_views")
    bounds(sheet, gr)
    view["range"] = clean_range(sheet, gr)
    view["filterViewId"] = view.get("filterViewId") or txn.work.new_id()
    sheet.filter_views.append(view)
    return {"addFilterView": {"filter": copy.deepcopy(view)}}


def update_filter_view(txn: Txn, req: dict) -> dict:
    src = req.get("filter") or {}
    sheet, i = _find_in(txn, "filter_views", "filterViewId", src.get("filterViewId"))
    new = masked(sheet.filter_views[i], src, mask_of(req.get("fields")))
    new["filterViewId"] = sheet.filter_views[i]["filterViewId"]
    sheet.filter_views[i] = new
    return {}


def delete_filter_view(txn: Txn, req: dict) -> dict:
    sheet, i = _find_in(txn, "filter_views", "filterViewId", req.get("filterId"))
    del sheet.filter_views[i]
    return {}


def update_banding(txn: Txn, req: dict) -> dict:
    src = req.get("bandedRange") or {}
    sheet, i = _find_in(txn, "banded_ranges", "bandedRangeId", src.get("bandedRangeId"))
    new = masked(sheet.banded_ranges[i], src, mask_of(req.get("fields")))
    new["bandedRangeId"] = sheet.banded_ranges[i]["bandedRangeId"]
    sheet.banded_ranges[i] = new
    return {}


def update_embedded_object_border(txn: Txn, req: dict) -> dict:
    sheet, i = _find_in(txn, "charts", "chartId", req.get("objectId"))
    chart = sheet.charts[i]
    sheet.charts[i] = {**chart, "border": masked(chart.get("border"), req.get("border"),
                                                 mask_of(req.get("fields")))}
    return {}


HANDLERS = {
    "moveDimension": move_dimension,
    "insertRange": insert_range,
    "trimWhitespace": trim_whitespace,
    "deleteDuplicates": delete_duplicates,
    "randomizeRange": randomize_range,
    "addFilterView": add_filter_view,
    "updateFilterView": update_filter_view,
    "deleteFilterView": delete_filter_view,
    "updateBanding": update_banding,
    "updateEmbeddedObjectBorder": update_embedded_object_border,
}
FIELDS = {
    "moveDimension": "source destinationIndex", "insertRange": "range shiftDimension",
    "trimWhitespace": "range", "deleteDuplicates": "range comparisonColumns",
    "randomizeRange": "range", "addFilterView": "filter", "updateFilterView": "filter fields",
    "deleteFilterView": "filterId", "updateBanding": "bandedRange fields",
    "updateEmbeddedObjectBorder": "objectId border fields",
}
