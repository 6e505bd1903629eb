"""POST /v4/spreadsheets/{id}:batchUpdate.

`apply(spreadsheet, body)` validates and applies every request to a
copy-on-write working copy (batch.common.Txn) and adopts it only when all of
them succeeded: one bad request applies none and answers Google's 400
"Invalid requests[i].<kind>: <reason>". The route holds spreadsheet.lock.

Each module of this package (batch/<concept>.py) carries the requests of one part of the API and
its HANDLERS table; this one dispatches to them.
"""
from __future__ import annotations

from typing import Any

from sheetsync.emulator import normalise
from sheetsync.emulator.batch import (banding, cells, charts, conditional, dimensions, edit, filters, metadata,
                                      named_ranges, paste, protected, sheets)
from sheetsync.emulator.auth import DEFAULT_PROJECT
from sheetsync.emulator.batch.common import Bad, Handler, Txn
from sheetsync.emulator.model import CELL_LIMIT, Spreadsheet, invalid_argument
from sheetsync.emulator.formulas.recalc import recalculate
from sheetsync.emulator.sheet_json import spreadsheet_json

_BODY_KEYS = {"requests", "includeSpreadsheetInResponse", "responseRanges",
              "responseIncludeGridData"}


# Top-level fields of each request message (Sheets API v4 reference); anything
# else is refused while the JSON is parsed, as Google does.
_FIELDS = {
    "addSheet": "properties", "deleteSheet": "sheetId",
    "duplicateSheet": "sourceSheetId insertSheetIndex newSheetId newSheetName",
    "updateSheetProperties": "properties fields", "updateSpreadsheetProperties": "properties fields",
    "insertDimension": "range inheritFromBefore", "deleteDimension": "range",
    "appendDimension": "sheetId dimension length",
    "updateDimensionProperties": "range dataSourceSheetRange properties fields",
    "repeatCell": "range cell fields", "updateCells": "rows fields start range",
    "appendCells": "sheetId rows fields tableId", "sortRange": "range sortSpecs",
    "mergeCells": "range mergeType", "unmergeCells": "range",
    "setDataValidation": "range rule filteredRowsIncluded",
    "updateBorders": "range top bottom left right innerHorizontal innerVertical",
    "addConditionalFormatRule": "rule index",
    "updateConditionalFormatRule": "index sheetId rule newIndex",
    "deleteConditionalFormatRule": "index sheetId", "addProtectedRange": "protectedRange",
    "deleteProtectedRange": "protectedRangeId", "updateProtectedRange": "protectedRange fields",
    "addNamedRange": "namedRange", "deleteNamedRange": "namedRangeId",
    "updateNamedRange": "namedRange fields", "addChart": "chart", "updateChartSpec": "chartId spec",
    "deleteEmbeddedObject": "objectId", "updateEmbeddedObjectPosition": "objectId newPosition fields",
    "createDeveloperMetadata": "developerMetadata", "deleteDeveloperMetadata": "dataFilter",
    "updateDeveloperMetadata": "dataFilters developerMetadata fields", "setBasicFilter": "filter",
    "clearBasicFilter": "sheetId", "addBanding": "bandedRange", "deleteBanding": "bandedRangeId",
    "addDimensionGroup": "range", "deleteDimensionGroup": "range",
    "updateDimensionGroup": "dimensionGroup fields",
    "autoResizeDimensions": "dimensions dataSourceSheetDimensions",
    "copyPaste": "source destination pasteType pasteOrientation",
    "cutPaste": "source destination pasteType", "deleteRange": "range shiftDimension",
    "findReplace": "find replacement matchCase matchEntireCell searchByRegex includeFormulas "
                   "range sheetId allSheets",
    "moveDimension": "source destinationIndex", "insertRange": "range shiftDimension",
    "trimWhitespace": "range", "deleteDuplicates": "range comparisonColumns",
    "randomizeRange": "range", "addFilterView": "filter", "updateFilterView": "filter fields",
    "deleteFilterView": "filterId", "updateBanding": "bandedRange fields",
    "updateEmbeddedObjectBorder": "objectId border fields",
    "pasteData": "coordinate data type delimiter html",
    "textToColumns": "source delimiter delimiterType",
}


# Valid Sheets API request kinds the emulator does not carry out (honest 400, not "unknown").
_NOT_EMULATED = {"autoFill", "duplicateFilterView", "addSlicer",
                 "updateSlicerSpec", "addDataSource", "updateDataSource", "deleteDataSource",
                 "refreshDataSource", "cancelDataSourceRefresh", "addTable", "updateTable",
                 "deleteTable"}


_GROWS = {"addSheet", "duplicateSheet", "insertDimension", "appendDimension",
          "updateSheetProperties", "appendCells"}


def apply(spreadsheet: Spreadsheet, body: Any, user: str | None = None,
          project: str = DEFAULT_PROJECT) -> dict[str, Any]:
    """Apply a BatchUpdateSpreadsheetRequest all-or-nothing; returns the response JSON.

    `user`: the caller's e-mail in strict mode (cell writes into protected
    ranges the caller does not edit are refused); None in open mode.
    `project`: the caller's Cloud project (PROJECT developer metadata is its own).
    """
    if not isinstance(body, dict):
        raise invalid_argument("Invalid JSON payload received. Expected an object.")
    for key in body:
        if key not in _BODY_KEYS:
            raise invalid_argument(f'Invalid JSON payload received. Unknown name "{key}": '
                                   f"Cannot find field.")
    requests = body.get("requests") or []
    if not isinstance(requests, list):
        raise invalid_argument("Invalid value at 'requests', expected a list of Request objects.")
    if not requests:
        raise invalid_argument("Must specify at least one request.")
    txn = Txn(spreadsheet, user, project)
    replies = []
    for i, req in enumerate(requests):
        if i:
            txn.refresh_formulas()
        replies.append(_one(txn, i, req))
    spreadsheet.adopt(txn.work)
    recalculate(spreadsheet)
    out: dict[str, Any] = {"spreadsheetId": spreadsheet.id, "replies": [normalise.reply(r) for r in replies]}
    if body.get("includeSpreadsheetInResponse"):
        from sheetsync.emulator.a1 import resolve
        ranges = body.get("responseRanges") or []
        boxes = [resolve(spreadsheet, text) for text in ranges] or None
        out["updatedSpreadsheet"] = spreadsheet_json(
            spreadsheet, grid=bool(body.get("responseIncludeGridData")), boxes=boxes)
    return out


def _one(txn: Txn, i: int, req: Any) -> dict[str, Any]:
    if not isinstance(req, dict) or not req:
        raise invalid_argument(f"Invalid requests[{i}]: No request set.")
    kinds = list(req)
    if len(kinds) > 1:
        raise invalid_argument(
            f"Invalid value at 'requests[{i}]' (oneof), oneof field 'kind' is already set. "
            f"Cannot set '{kinds[1]}'")
    kind = kinds[0]
    handler = HANDLERS.get(kind)
    if handler is None and kind in _NOT_EMULATED:
        raise invalid_argument(f"Invalid requests[{i}].{kind}: this request is valid for Google "
                               f"but not emulated by sheetsync.")
    if handler is None:
        raise invalid_argument(f'Invalid JSON payload received. Unknown name "{kind}" at '
                               f"'requests[{i}]': Cannot find field.")
    payload = req[kind]
    if not isinstance(payload, dict):
        raise invalid_argument(f"Invalid value at 'requests[{i}].{kind}': expected an object.")
    known = _FIELDS.get(kind)
    for name in payload:
        if known is not None and name not in known.split():
            snake = "".join("_" + ch.lower() if ch.isupper() else ch for ch in kind)
            raise invalid_argument(f'Invalid JSON payload received. Unknown name "{name}" at '
                                   f"'requests[{i}].{snake}': Cannot find field.")
    before = txn.work.cell_count() if kind in _GROWS else 0
    try:
        reply = handler(txn, payload)
        if kind in _GROWS:
            after = txn.work.cell_count()
            if after > before and after > CELL_LIMIT:
                raise Bad("This action would increase the number of cells in the workbook "
                          f"above the limit of {CELL_LIMIT} cells.")
    except Bad as exc:
        raise invalid_argument(f"Invalid requests[{i}].{kind}: {exc}") from None
    except (AttributeError, TypeError, KeyError, ValueError, IndexError):
        # a field of the wrong JSON type (an object where a number belongs, ...):
        # Google rejects the payload while parsing it, before anything runs
        raise invalid_argument(f"Invalid JSON payload received. Invalid value at "
                               f"'requests[{i}].{kind}': a field has the wrong type.") from None
    return reply


CONCEPTS = (sheets, cells, dimensions, edit, paste, conditional, protected, named_ranges, charts, metadata, filters,
            banding)
HANDLERS: dict[str, Handler] = {kind: handler for concept in CONCEPTS for kind, handler in concept.HANDLERS.items()}
