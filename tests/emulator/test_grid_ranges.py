"""A batchUpdate GridRange that reaches past the grid, answered as Google answered it.

Google's answers were measured live on a tab of 1000 rows and 26 columns (a repeatCell per
batchUpdate; indexes 0-based, end-exclusive): a range that starts at or past the last row
or column is refused with a 400 naming it in A1 (an open end shows only its bounded part),
one that starts inside is taken and cut to the grid, which does not grow. The emulator
applies the same rule to every request that takes a GridRange; sheetsync sends
setDataValidation, addConditionalFormatRule, updateCells and addProtectedRange with them.
"""
from __future__ import annotations

import pytest

from _emu_support import emu, raw  # noqa: F401  (fixtures)

LINK = {"userEnteredFormat": {"textFormat": {"link": {}}}}

# (startRow, endRow, startColumn, endColumn) -> Google's answer: None = taken, else the range it names
MEASURED = [
    ((999, None, 0, 2), None),
    ((1000, None, 0, 2), "A1001:B"),
    ((1005, None, 0, 2), "A1006:B"),
    ((1000, 1001, 0, 2), "A1001:B1001"),
    ((0, 2, 26, 27), "AA1:AA2"),
    ((0, 2, 26, None), "AA1:2"),
    ((999, 1003, 0, 2), None),
    ((0, 2, 25, 28), None),
    ((3, 3, 0, 2), None),
    ((0, 2, 3, 3), None),
]


def _grid(r0, r1, c0, c1, sheet_id=0):
    out = {"sheetId": sheet_id, "startRowIndex": r0, "startColumnIndex": c0}
    if r1 is not None:
        out["endRowIndex"] = r1
    if c1 is not None:
        out["endColumnIndex"] = c1
    return out


def _requests(rng):
    return {
        "repeatCell": {"repeatCell": {"range": rng, "cell": LINK, "fields": "userEnteredFormat.textFormat.link"}},
        "setDataValidation": {"setDataValidation": {"range": rng, "rule": {
            "condition": {"type": "ONE_OF_LIST", "values": [{"userEnteredValue": "Sah"}]}}}},
        "addConditionalFormatRule": {"addConditionalFormatRule": {"index": 0, "rule": {
            "ranges": [rng], "booleanRule": {"condition": {"type": "BLANK"}, "format": {"textFormat": {"bold": True}}}}}},
        "updateCells": {"updateCells": {"range": rng, "fields": "userEnteredValue",
                                        "rows": [{"values": [{"userEnteredValue": {"stringValue": "x"}}]}]}},
        "addProtectedRange": {"addProtectedRange": {"protectedRange": {"range": rng, "warningOnly": True}}},
    }


@pytest.fixture(scope="module")
def spreadsheet(raw):
    return raw("POST", "/v4/spreadsheets", json={"properties": {"title": "Rekap"}}).json()["spreadsheetId"]


@pytest.mark.parametrize("kind", list(_requests({})))
@pytest.mark.parametrize(("indexes", "named"), MEASURED)
def test_a_grid_range_is_refused_only_when_it_starts_past_the_grid(raw, spreadsheet, kind, indexes, named):
    resp = raw("POST", f"/v4/spreadsheets/{spreadsheet}:batchUpdate",
               json={"requests": [_requests(_grid(*indexes))[kind]]})
    if named is None:
        assert resp.status_code == 200, resp.text
    else:
        assert resp.status_code == 400
        assert resp.json()["error"]["message"] == (
            f"Invalid requests[0].{kind}: Range (Sheet1!{named}) exceeds grid limits. "
            "Max rows: 1000, max columns: 26")


def test_a_range_ending_past_the_grid_writes_the_cells_there_are_and_grows_nothing(raw, spreadsheet):
    rng = _grid(998, 1003, 0, 1)
    rows = [{"values": [{"userEnteredValue": {"stringValue": f"TPS {i}"}}]} for i in range(5)]
    resp = raw("POST", f"/v4/spreadsheets/{spreadsheet}:batchUpdate",
               json={"requests": [{"updateCells": {"range": rng, "rows": rows, "fields": "userEnteredValue"}}]})
    assert resp.status_code == 200, resp.text
    read = raw("GET", f"/v4/spreadsheets/{spreadsheet}/values/Sheet1!A999:A1000").json()
    assert read["values"] == [["TPS 0"], ["TPS 1"]]
    grid = raw("GET", f"/v4/spreadsheets/{spreadsheet}?fields=sheets.properties.gridProperties").json()
    assert grid["sheets"][0]["properties"]["gridProperties"] == {"rowCount": 1000, "columnCount": 26}
