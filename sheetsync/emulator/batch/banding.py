"""Banded range requests: add, update, delete."""
from __future__ import annotations

import copy

from sheetsync.emulator.batch.common import Bad, Handler, Txn, bounds, clean_range, find_object, mask_of, masked, range_sheet_id


def add_banding(txn: Txn, req: dict) -> dict:
    band = copy.deepcopy(req.get("bandedRange") or {})
    gr = band.get("range")
    sheet = txn.sheet(range_sheet_id(gr), "banded_ranges")
    txn.guard(sheet, *bounds(sheet, gr))
    band["range"] = clean_range(sheet, gr)
    band["bandedRangeId"] = band.get("bandedRangeId") or txn.work.new_id()
    sheet.banded_ranges.append(band)
    return {"addBanding": {"bandedRange": copy.deepcopy(band)}}


def delete_banding(txn: Txn, req: dict) -> dict:
    for s in txn.work.sheets:
        for i, band in enumerate(s.banded_ranges):
            if band.get("bandedRangeId") == req.get("bandedRangeId"):
                del txn.sheet(s.sheet_id, "banded_ranges").banded_ranges[i]
                return {}
    raise Bad(f"No banded range with id: {req.get('bandedRangeId')}")


def update_banding(txn: Txn, req: dict) -> dict:
    src = req.get("bandedRange") or {}
    sheet, i = find_object(txn, "banded_ranges", "bandedRangeId", src.get("bandedRangeId"))
    new = masked(sheet.banded_ranges[i], src, mask_of(req.get("fields")))
    new["bandedRangeId"] = sheet.banded_ranges[i]["bandedRangeId"]
    sheet.banded_ranges[i] = new
    return {}


HANDLERS: dict[str, Handler] = {
    "addBanding": add_banding,
    "deleteBanding": delete_banding,
    "updateBanding": update_banding,
}
