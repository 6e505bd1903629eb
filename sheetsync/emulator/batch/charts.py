"""Chart and embedded object requests: addChart, updateChartSpec, deleteEmbeddedObject,
updateEmbeddedObjectPosition, updateEmbeddedObjectBorder."""
from __future__ import annotations

import copy
from typing import Any

from sheetsync.emulator.batch.common import Bad, Handler, Txn, bounds, find_object, mask_of, masked, range_sheet_id
from sheetsync.emulator.model import Sheet

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


def update_embedded_object_border(txn: Txn, req: dict) -> dict:
    sheet, i = find_object(txn, "charts", "chartId", req.get("objectId"))
    chart = sheet.charts[i]
    sheet.charts[i] = {**chart, "border": masked(chart.get("border"), req.get("border"),
                                                 mask_of(req.get("fields")))}
    return {}


HANDLERS: dict[str, Handler] = {
    "addChart": add_chart,
    "updateChartSpec": update_chart_spec,
    "deleteEmbeddedObject": delete_embedded_object,
    "updateEmbeddedObjectPosition": update_embedded_object_position,
    "updateEmbeddedObjectBorder": update_embedded_object_border,
}
