"""Protected range requests: add, update, delete."""
from __future__ import annotations

import copy
from typing import Any

from sheetsync.emulator.batch.common import Bad, Handler, Txn, bounds, clean_range, mask_of, masked, range_sheet_id
from sheetsync.emulator.model import Sheet


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


HANDLERS: dict[str, Handler] = {
    "addProtectedRange": add_protected_range,
    "deleteProtectedRange": delete_protected_range,
    "updateProtectedRange": update_protected_range,
}
