"""Filter requests: the basic filter (set, clear) and filter views (add, update, delete)."""
from __future__ import annotations

import copy

from sheetsync.emulator.batch.common import Handler, Txn, bounds, clean_range, find_object, range_sheet_id, update_object


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
    return update_object(txn, req, "filter", "filter_views", "filterViewId")


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
