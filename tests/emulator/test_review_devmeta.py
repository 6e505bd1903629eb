"""Developer metadata JSON as Google answers it, through real gspread.

Google's reference lists a row's or column's metadata on its DimensionProperties
(``sheets[].data[].rowMetadata[].developerMetadata`` / ``columnMetadata``), a sheet's in
``sheets[].developerMetadata``; and a DimensionRange comes back without ``sheetId: 0``, as in
Google's recorded addDimensionGroup replies.
"""
from __future__ import annotations

from typing import Any

import gspread

from _emu_support import emu, gc, sh  # noqa: F401  (fixtures)

API = "https://sheets.googleapis.com/v4/spreadsheets/"


def call(client: gspread.Client, method: str, sh: gspread.Spreadsheet, path: str,
         body: dict[str, Any] | None = None) -> dict[str, Any]:
    return client.http_client.request(method, f"{API}{sh.id}{path}", json=body).json()


def mark(sh: gspread.Spreadsheet, key: str, location: dict[str, Any]) -> dict[str, Any]:
    out = sh.batch_update({"requests": [{"createDeveloperMetadata": {"developerMetadata": {
        "metadataKey": key, "location": location, "visibility": "DOCUMENT"}}}]})
    return out["replies"][0]["createDeveloperMetadata"]["developerMetadata"]


def dimension(sheet_id: int, dimension: str, index: int) -> dict[str, Any]:
    return {"dimensionRange": {"sheetId": sheet_id, "dimension": dimension,
                               "startIndex": index, "endIndex": index + 1}}


def test_row_and_column_metadata_are_listed_on_their_dimension_properties(sh):
    tps = sh.sheet1
    tps.update([["kelurahan", "TPS", "DPT"], ["Kedoya", "001", "250"]], "A1")
    on_row = mark(sh, "sheetsync.row", dimension(tps.id, "ROWS", 1))
    on_column = mark(sh, "sheetsync.column", dimension(tps.id, "COLUMNS", 2))
    on_sheet = mark(sh, "sheetsync.tab", {"sheetId": tps.id})

    plain = sh.fetch_sheet_metadata()["sheets"][0]
    assert plain["developerMetadata"] == [on_sheet]  # the sheet's own, nothing of its rows
    assert "data" not in plain

    grid = sh.fetch_sheet_metadata({"includeGridData": "true", "ranges": "Sheet1!A1:C3"})["sheets"][0]
    assert grid["developerMetadata"] == [on_sheet]
    rows, columns = grid["data"][0]["rowMetadata"], grid["data"][0]["columnMetadata"]
    assert [r.get("developerMetadata") for r in rows] == [None, [on_row], None]
    assert [c.get("developerMetadata") for c in columns] == [None, None, [on_column]]

    away = sh.fetch_sheet_metadata({"includeGridData": "true", "ranges": "Sheet1!E5:F6"})["sheets"][0]
    assert all("developerMetadata" not in d for d in away["data"][0]["rowMetadata"])


def test_a_dimension_range_on_the_first_sheet_has_no_sheet_id(gc, sh):
    created = mark(sh, "sheetsync.row", dimension(0, "ROWS", 1))
    expected = {"dimension": "ROWS", "startIndex": 1, "endIndex": 2}
    assert created["location"] == {"locationType": "ROW", "dimensionRange": expected}
    got = call(gc, "get", sh, f"/developerMetadata/{created['metadataId']}")
    assert got == created
    found = call(gc, "post", sh, "/developerMetadata:search",
                 {"dataFilters": [{"developerMetadataLookup": {"metadataKey": "sheetsync.row"}}]})
    assert [m["developerMetadata"] for m in found["matchedDeveloperMetadata"]] == [created]
    # A oneof member is always written: SHEET metadata of sheet 0 keeps its sheetId.
    assert mark(sh, "sheetsync.tab", {"sheetId": 0})["location"] == {"locationType": "SHEET", "sheetId": 0}

    # Only the default is left out: another sheet's dimensionRange keeps its sheetId.
    rekap = sh.add_worksheet("Rekap Kecamatan", rows=10, cols=4)
    other = mark(sh, "sheetsync.column", dimension(rekap.id, "COLUMNS", 0))
    assert other["location"]["dimensionRange"] == {"sheetId": rekap.id, "dimension": "COLUMNS",
                                                   "startIndex": 0, "endIndex": 1}
