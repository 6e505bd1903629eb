"""Named range requests: add, update, delete (names as Google accepts them)."""
from __future__ import annotations

import copy
import re
from typing import Any

from sheetsync.emulator.batch.common import Bad, Handler, Txn, bounds, clean_range, mask_of, masked, range_sheet_id

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


HANDLERS: dict[str, Handler] = {
    "addNamedRange": add_named_range,
    "deleteNamedRange": delete_named_range,
    "updateNamedRange": update_named_range,
}
