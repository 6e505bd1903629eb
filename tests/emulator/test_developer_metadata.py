"""Developer metadata through real gspread: DataFilters with developerMetadataLookup in the
by-data-filter calls, developerMetadata.get/search, and locations that follow their rows and
columns. Shapes follow Google's "Read, write, and search metadata" guide."""
from __future__ import annotations

from typing import Any

import gspread
import pytest

from _emu_support import emu, gc, sh  # noqa: F401  (fixtures)

API = "https://sheets.googleapis.com/v4/spreadsheets/"


def call(client: gspread.Client, method: str, sh: gspread.Spreadsheet, path: str,
         body: dict[str, Any] | None = None) -> dict[str, Any]:
    """A Sheets call gspread has no method for, through gspread's own authorised session."""
    return client.http_client.request(method, f"{API}{sh.id}{path}", json=body).json()


def mark(sh: gspread.Spreadsheet, key: str, location: dict[str, Any], visibility: str = "DOCUMENT",
         value: str | None = None) -> dict[str, Any]:
    meta: dict[str, Any] = {"metadataKey": key, "location": location, "visibility": visibility}
    if value is not None:
        meta["metadataValue"] = value
    out = sh.batch_update({"requests": [{"createDeveloperMetadata": {"developerMetadata": meta}}]})
    return out["replies"][0]["createDeveloperMetadata"]["developerMetadata"]


def column(sheet_id: int, index: int) -> dict[str, Any]:
    return {"dimensionRange": {"sheetId": sheet_id, "dimension": "COLUMNS",
                               "startIndex": index, "endIndex": index + 1}}


def row(sheet_id: int, index: int) -> dict[str, Any]:
    return {"dimensionRange": {"sheetId": sheet_id, "dimension": "ROWS",
                               "startIndex": index, "endIndex": index + 1}}


def lookup(**fields: Any) -> dict[str, Any]:
    return {"developerMetadataLookup": fields}


@pytest.fixture()
def tps(sh):
    ws = sh.sheet1
    ws.update([["kelurahan", "TPS", "DPT", "status"], ["Kedoya", "001", 250, "OK"],
               ["Kedoya", "002", 231, "cek"]], "A1")
    return ws


def test_lookup_on_a_column_reads_that_whole_column(gc, sh, tps):
    mark(sh, "sheetsync.column", column(tps.id, 3), value="status")
    out = call(gc, "post", sh, "/values:batchGetByDataFilter",
               {"dataFilters": [lookup(metadataKey="sheetsync.column", metadataValue="status")],
                "majorDimension": "COLUMNS"})
    assert out["spreadsheetId"] == sh.id
    [matched] = out["valueRanges"]
    assert matched["valueRange"] == {"range": "Sheet1!D1:D1000", "majorDimension": "COLUMNS",
                                     "values": [["status", "OK", "cek"]]}
    assert matched["dataFilters"] == [lookup(metadataKey="sheetsync.column", metadataValue="status")]


def test_lookup_on_a_row_reads_the_row_bounded_to_the_grid(gc, sh, tps):
    meta = mark(sh, "responseId", row(tps.id, 1))
    out = call(gc, "post", sh, "/values:batchGetByDataFilter",
               {"dataFilters": [lookup(metadataId=meta["metadataId"])]})
    assert out["valueRanges"][0]["valueRange"]["range"] == "Sheet1!A2:Z2"
    assert out["valueRanges"][0]["valueRange"]["values"] == [["Kedoya", "001", "250", "OK"]]


def test_lookup_on_a_sheet_reads_the_whole_sheet_and_a_miss_reads_nothing(gc, sh, tps):
    mark(sh, "sheetsync.tab", {"sheetId": tps.id}, value="input")
    out = call(gc, "post", sh, "/values:batchGetByDataFilter",
               {"dataFilters": [lookup(metadataKey="sheetsync.tab"), lookup(metadataKey="absent")]})
    [matched] = out["valueRanges"]
    assert matched["valueRange"]["range"] == "Sheet1!A1:Z1000"
    assert len(matched["valueRange"]["values"]) == 3
    assert call(gc, "post", sh, "/values:batchGetByDataFilter",
                {"dataFilters": [lookup(metadataKey="absent")]}) == {"spreadsheetId": sh.id}


def test_one_request_reads_a_range_and_a_marked_column_together(gc, sh, tps):
    mark(sh, "sheetsync.column", column(tps.id, 2), value="DPT")
    out = call(gc, "post", sh, "/values:batchGetByDataFilter",
               {"dataFilters": [{"a1Range": "Sheet1!A1:B3"}, lookup(metadataValue="DPT")],
                "valueRenderOption": "UNFORMATTED_VALUE"})
    assert [m["valueRange"]["range"] for m in out["valueRanges"]] == ["Sheet1!A1:B3", "Sheet1!C1:C1000"]
    assert out["valueRanges"][1]["valueRange"]["values"] == [["DPT"], [250], [231]]


def test_update_by_lookup_writes_from_the_top_of_the_marked_column(gc, sh, tps):
    mark(sh, "sheetsync.column", column(tps.id, 3), value="status")
    f = lookup(metadataKey="sheetsync.column")
    out = call(gc, "post", sh, "/values:batchUpdateByDataFilter",
               {"valueInputOption": "RAW", "includeValuesInResponse": True,
                "data": [{"dataFilter": f, "majorDimension": "COLUMNS", "values": [["status", "OK", "OK"]]}]})
    assert {k: out[k] for k in ("totalUpdatedRows", "totalUpdatedColumns", "totalUpdatedCells",
                                "totalUpdatedSheets")} == {"totalUpdatedRows": 3, "totalUpdatedColumns": 1,
                                                           "totalUpdatedCells": 3, "totalUpdatedSheets": 1}
    [resp] = out["responses"]
    assert resp["updatedRange"] == "Sheet1!D1:D3" and resp["dataFilter"] == f
    assert "spreadsheetId" not in resp
    assert resp["updatedData"]["range"] == "Sheet1!D1:D1000"  # the whole selected range, as Google shows
    assert tps.col_values(4) == ["status", "OK", "OK"]


def test_clear_by_lookup_clears_the_marked_row_only(gc, sh, tps):
    mark(sh, "responseId", row(tps.id, 2))
    out = call(gc, "post", sh, "/values:batchClearByDataFilter",
               {"dataFilters": [lookup(metadataKey="responseId")]})
    assert out == {"spreadsheetId": sh.id, "clearedRanges": ["Sheet1!A3:Z3"]}
    assert tps.get_all_values() == [["kelurahan", "TPS", "DPT", "status"], ["Kedoya", "001", "250", "OK"]]


def test_get_by_data_filter_returns_only_the_marked_sheet(gc, sh, tps):
    rekap = sh.add_worksheet("Rekap", rows=10, cols=4)
    mark(sh, "sheetsync.tab", {"sheetId": rekap.id}, value="summary")
    out = call(gc, "post", sh, ":getByDataFilter",
               {"dataFilters": [lookup(metadataValue="summary")], "includeGridData": False})
    assert [s["properties"]["title"] for s in out["sheets"]] == ["Rekap"]
    assert out["sheets"][0]["developerMetadata"][0]["metadataValue"] == "summary"


def test_get_and_search_developer_metadata(gc, sh, tps):
    status = mark(sh, "sheetsync.column", column(tps.id, 3), value="status")
    dpt = mark(sh, "sheetsync.column", column(tps.id, 2), value="DPT")
    assert call(gc, "get", sh, f"/developerMetadata/{status['metadataId']}") == status
    out = call(gc, "post", sh, "/developerMetadata:search",
               {"dataFilters": [lookup(metadataKey="sheetsync.column"), {"a1Range": "Sheet1!D2"}]})
    by_id = {m["developerMetadata"]["metadataId"]: m["dataFilters"] for m in out["matchedDeveloperMetadata"]}
    assert by_id == {status["metadataId"]: [lookup(metadataKey="sheetsync.column"), {"a1Range": "Sheet1!D2"}],
                     dpt["metadataId"]: [lookup(metadataKey="sheetsync.column")]}
    exact = lookup(metadataLocation={"dimensionRange": column(tps.id, 2)["dimensionRange"]},
                   locationMatchingStrategy="EXACT_LOCATION")
    out = call(gc, "post", sh, "/developerMetadata:search", {"dataFilters": [exact]})
    assert [m["developerMetadata"] for m in out["matchedDeveloperMetadata"]] == [dpt]
    assert call(gc, "post", sh, "/developerMetadata:search", {"dataFilters": [lookup(metadataKey="x")]}) == {}


def test_get_of_deleted_metadata_is_googles_404(gc, sh, tps):
    meta = mark(sh, "sheetsync.tab", {"sheetId": tps.id})
    sh.batch_update({"requests": [{"deleteDeveloperMetadata": {
        "dataFilter": lookup(metadataId=meta["metadataId"])}}]})
    with pytest.raises(gspread.exceptions.APIError) as exc:
        call(gc, "get", sh, f"/developerMetadata/{meta['metadataId']}")
    assert exc.value.response.status_code == 404
    assert exc.value.args[0]["message"] == f"No developer metadata with ID {meta['metadataId']}."


def test_a_filter_setting_two_kinds_is_refused(gc, sh, tps):
    with pytest.raises(gspread.exceptions.APIError) as exc:
        call(gc, "post", sh, "/values:batchGetByDataFilter",
             {"dataFilters": [{"a1Range": "A1", **lookup(metadataKey="k")}]})
    assert exc.value.response.status_code == 400
    assert exc.value.args[0]["message"].startswith("Invalid dataFilters[0]: ")


# ------------------------------------------------------------ locations follow their rows and columns

def located(gc, sh, meta: dict[str, Any]) -> dict[str, Any] | None:
    """The metadata's location now, or None once Google would have deleted it."""
    out = call(gc, "post", sh, "/developerMetadata:search",
               {"dataFilters": [lookup(metadataId=meta["metadataId"])]})
    found = out.get("matchedDeveloperMetadata")
    return found[0]["developerMetadata"]["location"] if found else None


def span(location: dict[str, Any]) -> tuple[int, int]:
    return location["dimensionRange"]["startIndex"], location["dimensionRange"]["endIndex"]


def test_row_metadata_follows_rows_inserted_and_deleted_above_it(gc, sh, tps):
    meta = mark(sh, "responseId", row(tps.id, 2), value="TPS 002")
    tps.insert_rows([["Duri Kepa", "010", 199, ""], ["Duri Kepa", "011", 205, ""]], row=2)
    assert span(located(gc, sh, meta)) == (4, 5)
    out = call(gc, "post", sh, "/values:batchGetByDataFilter", {"dataFilters": [lookup(metadataValue="TPS 002")]})
    assert out["valueRanges"][0]["valueRange"]["values"] == [["Kedoya", "002", "231", "cek"]]
    tps.delete_rows(1, 2)
    assert span(located(gc, sh, meta)) == (2, 3)


def test_metadata_is_deleted_with_its_column_and_others_shift_left(gc, sh, tps):
    gone = mark(sh, "sheetsync.column", column(tps.id, 1), value="TPS")
    status = mark(sh, "sheetsync.column", column(tps.id, 3), value="status")
    tps.delete_columns(2)
    assert located(gc, sh, gone) is None
    assert span(located(gc, sh, status)) == (2, 3)
    with pytest.raises(gspread.exceptions.APIError):
        call(gc, "get", sh, f"/developerMetadata/{gone['metadataId']}")


def test_metadata_marks_one_row_or_column_never_a_span(gc, sh, tps):
    for dr, message in (({"startIndex": 1, "endIndex": 3}, "DimensionRange must represent a single row or column"),
                        ({"startIndex": 1}, "DimensionRange must specify both a startIndex and an endIndex")):
        with pytest.raises(gspread.exceptions.APIError) as exc:
            mark(sh, "sheetsync.block", {"dimensionRange": {"sheetId": tps.id, "dimension": "ROWS", **dr}})
        assert exc.value.args[0]["message"] == f"Invalid requests[0].createDeveloperMetadata: {message}"


def test_column_metadata_moves_with_its_column(gc, sh, tps):
    meta = mark(sh, "sheetsync.column", column(tps.id, 3), value="status")
    sh.batch_update({"requests": [{"moveDimension": {
        "source": {"sheetId": tps.id, "dimension": "COLUMNS", "startIndex": 3, "endIndex": 4},
        "destinationIndex": 0}}]})
    assert span(located(gc, sh, meta)) == (0, 1)
    out = call(gc, "post", sh, "/values:batchGetByDataFilter",
               {"dataFilters": [lookup(metadataValue="status")], "majorDimension": "COLUMNS"})
    assert out["valueRanges"][0]["valueRange"]["values"] == [["status", "OK", "cek"]]


def test_appending_rows_and_columns_moves_nothing(gc, sh, tps):
    meta = mark(sh, "sheetsync.column", column(tps.id, 3))
    tps.add_rows(5)
    tps.add_cols(2)
    assert span(located(gc, sh, meta)) == (3, 4)


def test_a_sort_moves_values_not_row_metadata(gc, sh, tps):
    """Assumed (docs/emulator.md): sortRange rewrites cells, so row metadata stays on its row."""
    meta = mark(sh, "responseId", row(tps.id, 1), value="TPS 001")
    tps.sort((3, "asc"), range="A2:D3")
    assert span(located(gc, sh, meta)) == (1, 2)
    out = call(gc, "post", sh, "/values:batchGetByDataFilter", {"dataFilters": [lookup(metadataValue="TPS 001")]})
    assert out["valueRanges"][0]["valueRange"]["values"] == [["Kedoya", "002", "231", "cek"]]


def test_a_location_lookup_matches_intersecting_locations_by_default(gc, sh, tps):
    on_row = mark(sh, "responseId", row(tps.id, 2))
    on_column = mark(sh, "sheetsync.column", column(tps.id, 1))
    mark(sh, "responseId", row(tps.id, 3))
    where = {"dimensionRange": row(tps.id, 2)["dimensionRange"]}
    out = call(gc, "post", sh, "/developerMetadata:search", {"dataFilters": [lookup(metadataLocation=where)]})
    found = {m["developerMetadata"]["metadataId"] for m in out["matchedDeveloperMetadata"]}
    assert found == {on_row["metadataId"], on_column["metadataId"]}  # column B crosses row 3
    exact = lookup(metadataLocation=where, locationMatchingStrategy="EXACT_LOCATION")
    out = call(gc, "post", sh, "/developerMetadata:search", {"dataFilters": [exact]})
    assert [m["developerMetadata"] for m in out["matchedDeveloperMetadata"]] == [on_row]
