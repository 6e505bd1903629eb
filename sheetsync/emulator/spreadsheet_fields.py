"""Which field paths the Spreadsheet resource has, for the ``fields`` mask of
spreadsheets.get and getByDataFilter.

Google refuses a mask naming a field the resource does not have with 400 "Request contains an
invalid argument." and a google.rpc.BadRequest: "Error expanding 'fields' parameter. Cannot
find matching fields for path 'sheets.sheetProperties'." (as recorded by r-lib/gargle). The
names below are the Spreadsheet and Sheet fields of Google's reference; paths deeper than a
Sheet's own fields are not checked.
"""
from __future__ import annotations

from sheetsync.emulator.error_details import BAD_REQUEST
from sheetsync.emulator.fields import Mask
from sheetsync.emulator.model import ApiError

_SHEET = {"properties", "data", "merges", "conditionalFormats", "filterViews", "protectedRanges",
          "basicFilter", "charts", "bandedRanges", "developerMetadata", "rowGroups", "columnGroups",
          "slicers", "tables"}
_SPREADSHEET = {"spreadsheetId", "properties", "sheets", "namedRanges", "spreadsheetUrl",
                "developerMetadata", "dataSources", "dataSourceSchedules"}


def check(mask: Mask) -> None:
    """Raise Google's 400 for the first path of ``mask`` the resource does not have."""
    for name, sub in mask.items():
        if name == "*":
            continue
        if name not in _SPREADSHEET:
            raise unknown_path(name)
        if name == "sheets":
            for sheet_field in sub:
                if sheet_field != "*" and sheet_field not in _SHEET:
                    raise unknown_path(f"sheets.{sheet_field}")


def unknown_path(path: str) -> ApiError:
    error = ApiError(400, "INVALID_ARGUMENT", "Request contains an invalid argument.")
    description = f"Error expanding 'fields' parameter. Cannot find matching fields for path '{path}'."
    error.details = [{"@type": BAD_REQUEST, "fieldViolations": [{"field": path, "description": description}]}]
    return error
