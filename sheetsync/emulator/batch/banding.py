"""Banded range requests: add, update, delete."""
from __future__ import annotations

import copy

from sheetsync.emulator.batch.common import Bad, Handler, Txn, bounds, clean_range, range_sheet_id, update_object


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
    return update_object(txn, req, "bandedRange", "banded_ranges", "bandedRangeId")


HANDLERS: dict[str, Handler] = {
    "addBanding": add_banding,
    "deleteBanding": delete_banding,
    "updateBanding": update_banding,
}
