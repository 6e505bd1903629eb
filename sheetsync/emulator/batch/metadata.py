"""Developer metadata requests: create, update, delete (by data filter)."""
from __future__ import annotations

import copy
from typing import Any

from sheetsync.emulator.batch.common import Bad, Handler, Txn, mask_of, masked, need_int
from sheetsync.emulator.devmeta import all_metadata, check_lookup, matches, visible
from sheetsync.emulator.model import ApiError, Sheet


def _location(txn: Txn, loc: Any) -> tuple[Sheet | None, dict]:
    if not isinstance(loc, dict):
        raise Bad("developerMetadata.location must be set.")
    if loc.get("spreadsheet"):
        return None, {"locationType": "SPREADSHEET", "spreadsheet": True}
    if loc.get("sheetId") is not None:
        sheet = txn.sheet(loc["sheetId"], "developer_metadata", what="sheet")
        return sheet, {"locationType": "SHEET", "sheetId": sheet.sheet_id}
    dr = loc.get("dimensionRange")
    if isinstance(dr, dict) and dr.get("dimension") in ("ROWS", "COLUMNS"):
        sheet = txn.sheet(dr.get("sheetId", 0) or 0, "developer_metadata")
        if dr.get("startIndex") is None or dr.get("endIndex") is None:
            raise Bad("DimensionRange must specify both a startIndex and an endIndex")
        start, end = need_int(dr, "startIndex"), need_int(dr, "endIndex")
        if end - start != 1:  # Google's reference: one row or column, never a span
            raise Bad("DimensionRange must represent a single row or column")
        kind = "ROW" if dr["dimension"] == "ROWS" else "COLUMN"
        return sheet, {"locationType": kind, "dimensionRange": {
            "sheetId": sheet.sheet_id, "dimension": dr["dimension"],
            "startIndex": start, "endIndex": end}}
    raise Bad("developerMetadata.location must set spreadsheet, sheetId or dimensionRange.")


def create_developer_metadata(txn: Txn, req: dict) -> dict:
    src = req.get("developerMetadata") or {}
    key = src.get("metadataKey")
    if not isinstance(key, str) or not key:
        raise Bad("developerMetadata.metadataKey must be set.")
    if src.get("visibility") not in ("DOCUMENT", "PROJECT"):
        raise Bad("developerMetadata.visibility must be DOCUMENT or PROJECT.")
    meta_id = src.get("metadataId")
    if meta_id is None:
        meta_id = txn.work.new_id()
    elif any(m.get("metadataId") == meta_id for m in all_metadata(txn.work)):
        raise Bad(f"Developer metadata with id {meta_id} already exists.")
    sheet, location = _location(txn, src.get("location"))
    meta = {"metadataId": meta_id, "metadataKey": key}
    if src.get("metadataValue") is not None:
        meta["metadataValue"] = src["metadataValue"]
    meta["location"] = location
    meta["visibility"] = src["visibility"]
    (sheet.developer_metadata if sheet is not None else txn.work.developer_metadata).append(meta)
    # Who made it decides who sees PROJECT metadata; a fresh dict, the live one stays as it is.
    txn.work.metadata_projects = {**txn.work.metadata_projects, meta_id: txn.project}
    return {"createDeveloperMetadata": {"developerMetadata": copy.deepcopy(meta)}}


def _seen(txn: Txn, meta: dict, lookups: list[dict]) -> bool:
    """A lookup selects it, and the caller's project may see it."""
    return visible(txn.work, meta, txn.project) and any(matches(meta, lk) for lk in lookups)


def _lookups(req: dict, key: str = "dataFilter") -> list[dict]:
    filters = req.get(key) if key in req else req.get("dataFilters")
    filters = filters if isinstance(filters, list) else [filters]
    lookups = [f.get("developerMetadataLookup") for f in filters if isinstance(f, dict)]
    if not lookups or not all(isinstance(x, dict) and x for x in lookups):
        raise Bad("A developerMetadataLookup data filter is required.")
    try:
        return [check_lookup(x) for x in lookups]
    except ApiError as exc:
        raise Bad(exc.message) from None


def delete_developer_metadata(txn: Txn, req: dict) -> dict:
    lookups = _lookups(req)
    deleted = []

    def keep(meta: dict) -> bool:
        hit = _seen(txn, meta, lookups)
        if hit:
            deleted.append(copy.deepcopy(meta))
        return not hit
    txn.work.developer_metadata = [m for m in txn.work.developer_metadata if keep(m)]
    for s in list(txn.work.sheets):
        if any(_seen(txn, m, lookups) for m in s.developer_metadata):
            s = txn.sheet(s.sheet_id, "developer_metadata")
            s.developer_metadata = [m for m in s.developer_metadata if keep(m)]
    # proto3 JSON leaves an empty list out, as Google's answer does
    return {"deleteDeveloperMetadata": {"deletedDeveloperMetadata": deleted} if deleted else {}}


def update_developer_metadata(txn: Txn, req: dict) -> dict:
    lookups = _lookups(req, "dataFilters")
    mask = mask_of(req.get("fields"))
    src = req.get("developerMetadata") or {}
    updated = []
    for s in [None, *txn.work.sheets]:
        holder = txn.work if s is None else s
        if not any(_seen(txn, m, lookups) for m in holder.developer_metadata):
            continue
        if s is not None:
            holder = txn.sheet(s.sheet_id, "developer_metadata")
        for i, m in enumerate(holder.developer_metadata):
            if _seen(txn, m, lookups):
                new = masked(m, src, mask)
                new["metadataId"], new["location"] = m["metadataId"], m["location"]
                holder.developer_metadata[i] = new
                updated.append(copy.deepcopy(new))
    return {"updateDeveloperMetadata": {"developerMetadata": updated} if updated else {}}


HANDLERS: dict[str, Handler] = {
    "createDeveloperMetadata": create_developer_metadata,
    "deleteDeveloperMetadata": delete_developer_metadata,
    "updateDeveloperMetadata": update_developer_metadata,
}
