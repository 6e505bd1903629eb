"""Error texts of the emulator against Google's, through real gspread.

Each expected text is one Google returned (quoted in public bug reports or recorded in
gspread's cassettes), not one the emulator made up.
"""
from __future__ import annotations

import gspread
import pytest

from _emu_support import emu, gc, sh  # noqa: F401  (fixtures)


def test_an_update_without_fields_gets_googles_text(sh):
    """Google's answer to an updateCells with ``fields: ""`` (node-google-spreadsheet #308)."""
    request = {"updateCells": {"rows": [{"values": [{}]}], "fields": "",
                               "start": {"sheetId": sh.sheet1.id, "rowIndex": 2, "columnIndex": 0}}}
    with pytest.raises(gspread.exceptions.APIError) as exc:
        sh.batch_update({"requests": [request]})
    error = exc.value.response.json()["error"]
    assert error == {"code": 400, "status": "INVALID_ARGUMENT", "message": (
        "Invalid requests[0].updateCells: At least one field must be listed in 'fields'. "
        "(Use '*' to indicate all fields.)")}


def test_a_fields_mask_naming_no_field_gets_googles_400(sh):
    """Google's answer to spreadsheets.get with fields=sheets.sheetProperties (recorded by
    r-lib/gargle): 400 with a BadRequest naming the path; a mask of real fields still works."""
    with pytest.raises(gspread.exceptions.APIError) as exc:
        sh.fetch_sheet_metadata({"fields": "sheets.sheetProperties"})
    error = exc.value.response.json()["error"]
    assert error["code"] == 400 and error["status"] == "INVALID_ARGUMENT"
    assert error["message"] == "Request contains an invalid argument."
    assert error["details"] == [{"@type": "type.googleapis.com/google.rpc.BadRequest", "fieldViolations": [{
        "field": "sheets.sheetProperties",
        "description": "Error expanding 'fields' parameter. Cannot find matching fields for path "
                       "'sheets.sheetProperties'."}]}]
    titles = sh.fetch_sheet_metadata({"fields": "properties.title,sheets(properties(title,sheetId))"})
    assert titles["sheets"] == [{"properties": {"sheetId": sh.sheet1.id, "title": "Sheet1"}}]
