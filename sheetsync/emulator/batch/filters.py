"""Filter requests: the basic filter (set, clear) and filter views (add, update, delete)."""
from __future__ import annotations

import copy

from sheetsync.emulator.batch.common import Handler, Txn, bounds, clean_range, find_object, mask_of, masked, range_sheet_id


def set_basic_filter(txn: Txn, req: dict) -> dict:
    flt = copy.deepcopy(req.get("filter") or {})
    gr = flt.get("range")
    sheet = txn.sheet(range_sheet_id(gr), "basic_filter")
    bounds(sheet, gr)
    flt["range"] = clean_range(sheet, gr)
    sheet.basic_filter = flt
    return {}


def clear_basic_filter(txn: Txn, req: dict) -> dict:
    sheet = txn.sheet(req.get("sheetId", 0) or 0, "basic_filter")
    sheet.basic_filter = None
    return {}


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
    sheet, i = find_object(txn, "filter_views", "filterViewId", src.get("filterViewId"))
    new = masked(sheet.filter_views[i], src, mask_of(req.get("fields")))
    new["filterViewId"] = sheet.filter_views[i]["filterViewId"]
    sheet.filter_views[i] = new
    return {}


def delete_filter_view(txn: Txn, req: dict) -> dict:
    sheet, i = find_object(txn, "filter_views", "filterViewId", req.get("filterId"))
    del sheet.filter_views[i]
    return {}


HANDLERS: dict[str, Handler] = {
    "setBasicFilter": set_basic_filter,
    "clearBasicFilter": clear_basic_filter,
    "addFilterView": add_filter_view,
    "updateFilterView": update_filter_view,
    "deleteFilterView": delete_filter_view,
}
