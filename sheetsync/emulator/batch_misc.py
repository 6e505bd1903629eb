"""batchUpdate requests for charts, developer metadata, filters, banding,
dimension groups and the accepted no-ops."""
from __future__ import annotations

import copy
from typing import Any

from .autoresize import auto_resize
from .batch_common import Bad, Txn, bounds, clean_range, mask_of, masked, need_int, range_sheet_id
from .devmeta import all_metadata, check_lookup, matches, visible
from .model import ApiError, Sheet

# ------------------------------------------------------------ charts

_DEFAULT_OVERLAY = {"offsetXPixels": 0, "offsetYPixels": 0, "widthPixels": 600, "heightPixels": 371}


def _chart_sheet(txn: Txn, position: dict) -> Sheet:
    overlay = position.get("overlayPosition")
    if overlay is not None:
        anchor = overlay.get("anchorCell") or {}
        return txn.sheet(anchor.get("sheetId", 0) or 0, "charts")
    wanted = position.get("sheetId")
    if wanted is not None:  # "the sheet this is on, set only if it is on its own sheet": a new one
        if txn.work.sheet_by_id(wanted) is not None:
            raise Bad(f"Cannot add chart to new sheet with ID: {wanted}, a sheet with that ID "
                      f"already exists.")
    if wanted is not None or position.get("newSheet"):
        new_id = wanted if wanted is not None else txn.work.new_id()
        sheet = Sheet(new_id, _chart_title(txn), len(txn.work.sheets), 0, 0)
        sheet.properties["sheetType"] = "OBJECT"
        txn.add(sheet)
        txn.work.sheets.append(sheet)
        txn.work.reindex()
        position["sheetId"] = sheet.sheet_id
        position.pop("newSheet", None)
        return sheet
    raise Bad("EmbeddedObjectPosition must set one of sheetId, overlayPosition or newSheet.")


def _chart_title(txn: Txn) -> str:
    n = 1
    taken = {s.title.lower() for s in txn.work.sheets}
    while f"chart{n}" in taken:
        n += 1
    return f"Chart{n}"


def _all_charts(txn: Txn):
    for s in txn.work.sheets:
        for i, chart in enumerate(s.charts):
            yield s, i, chart


def _check_sources(txn: Txn, spec: Any) -> None:
    """Every GridRange inside a chart spec must name an existing sheet and fit it."""
    if isinstance(spec, dict):
        for key, val in spec.items():
            if key == "sourceRange" and isinstance(val, dict):
                for src in val.get("sources", []):
                    bounds(txn.find(range_sheet_id(src)), src)
            else:
                _check_sources(txn, val)
    elif isinstance(spec, list):
        for item in spec:
            _check_sources(txn, item)


def add_chart(txn: Txn, req: dict) -> dict:
    src = copy.deepcopy(req.get("chart") or {})
    if not isinstance(src.get("spec"), dict):
        raise Bad("EmbeddedChart.spec must be set.")
    _check_sources(txn, src["spec"])
    chart_id = src.get("chartId")
    if chart_id is None:
        chart_id = txn.work.new_id()
    elif any(c.get("chartId") == chart_id for _, _, c in _all_charts(txn)):
        raise Bad(f"An object with the id {chart_id} already exists.")
    position = src.get("position") or {"newSheet": True}
    sheet = _chart_sheet(txn, position)
    if "overlayPosition" in position:
        overlay = position["overlayPosition"]
        for key, val in _DEFAULT_OVERLAY.items():
            overlay.setdefault(key, val)
        anchor = overlay.setdefault("anchorCell", {})
        anchor.setdefault("sheetId", sheet.sheet_id)
    chart = {"chartId": chart_id, "spec": src["spec"], "position": position}
    if "border" in src:
        chart["border"] = src["border"]
    sheet.charts.append(chart)
    return {"addChart": {"chart": copy.deepcopy(chart)}}


def _chart_by_id(txn: Txn, object_id: Any) -> tuple[Sheet, int]:
    for s, i, chart in _all_charts(txn):
        if chart.get("chartId") == object_id:
            return txn.sheet(s.sheet_id, "charts"), i
    raise Bad(f"No object with id: {object_id}")


def update_chart_spec(txn: Txn, req: dict) -> dict:
    sheet, i = _chart_by_id(txn, req.get("chartId"))
    if not isinstance(req.get("spec"), dict):
        raise Bad("spec must be set.")
    _check_sources(txn, req["spec"])
    sheet.charts[i] = {**sheet.charts[i], "spec": copy.deepcopy(req["spec"])}
    return {}


def delete_embedded_object(txn: Txn, req: dict) -> dict:
    sheet, i = _chart_by_id(txn, req.get("objectId"))
    del sheet.charts[i]
    return {}


def update_embedded_object_position(txn: Txn, req: dict) -> dict:
    sheet, i = _chart_by_id(txn, req.get("objectId"))
    new = masked(sheet.charts[i].get("position"), req.get("newPosition"),
                 mask_of(req.get("fields", "*")))
    sheet.charts[i] = {**sheet.charts[i], "position": new}
    return {"updateEmbeddedObjectPosition": {"position": copy.deepcopy(new)}}


# ------------------------------------------------------------ developer metadata

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


# ------------------------------------------------------------ filters, banding, groups

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


HANDLERS = {
    "addChart": add_chart,
    "updateChartSpec": update_chart_spec,
    "deleteEmbeddedObject": delete_embedded_object,
    "updateEmbeddedObjectPosition": update_embedded_object_position,
    "createDeveloperMetadata": create_developer_metadata,
    "deleteDeveloperMetadata": delete_developer_metadata,
    "updateDeveloperMetadata": update_developer_metadata,
    "setBasicFilter": set_basic_filter,
    "clearBasicFilter": clear_basic_filter,
    "addBanding": add_banding,
    "deleteBanding": delete_banding,
    "addDimensionGroup": add_dimension_group,
    "deleteDimensionGroup": delete_dimension_group,
    "updateDimensionGroup": update_dimension_group,
    "autoResizeDimensions": auto_resize,
}
