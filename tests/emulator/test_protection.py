"""Strict mode: a protected range refuses every batchUpdate request that would change it, with
Google's text, to anyone but the owner and its editors. A volunteer (writer) works through
real gspread; the coordinator who owns the sheet is a second gspread client."""
from __future__ import annotations

from typing import Any

import gspread
import pytest

from google_emulator import GoogleEmulator

KOORDINATOR = "koordinator@kawal-tps-jakbar.iam.gserviceaccount.com"
RELAWAN = "relawan@kawal-tps-jakbar.iam.gserviceaccount.com"
PROTECTED = ("You are trying to edit a protected cell or object. Please contact the spreadsheet owner "
             "to remove protection if you need to edit.")
TABLE = [["kelurahan", "TPS", "DPT", "total"], ["Kedoya", "001", "250", "500"],
         ["Kedoya", "002", "231", ""], ["Duri", "003", "199", ""]]


@pytest.fixture(scope="module")
def clients():
    with GoogleEmulator(strict=True) as e:
        yield e.client(key=e.issue_key(KOORDINATOR)), e.client(key=e.issue_key(RELAWAN))


@pytest.fixture()
def sheets(clients):
    """(the coordinator's spreadsheet, the volunteer's view of it) with the header row and the
    total column D protected for the coordinator alone."""
    koordinator, relawan = clients
    sh = koordinator.create("Rekap TPS")
    sh.share(RELAWAN, perm_type="user", role="writer", notify=False)
    ws = sh.sheet1
    ws.update(TABLE, "A1")
    sid = ws.id
    sh.batch_update({"requests": [
        {"addProtectedRange": {"protectedRange": {"range": {"sheetId": sid, "startRowIndex": 0, "endRowIndex": 2},
                                                  "editors": {"users": [KOORDINATOR]}}}},
        {"addProtectedRange": {"protectedRange": {"range": {"sheetId": sid, "startColumnIndex": 3,
                                                            "endColumnIndex": 4},
                                                  "editors": {"users": [KOORDINATOR]}}}}]})
    return sh, relawan.open_by_key(sh.id)


def refused(sh: gspread.Spreadsheet, request: dict[str, Any]) -> str:
    with pytest.raises(gspread.exceptions.APIError) as exc:
        sh.batch_update({"requests": [request]})
    assert exc.value.response.status_code == 400
    return exc.value.args[0]["message"]


def rows(sheet_id: int, start: int, end: int) -> dict[str, Any]:
    return {"sheetId": sheet_id, "dimension": "ROWS", "startIndex": start, "endIndex": end}


def grid(sheet_id: int, r0: int, r1: int, c0: int, c1: int) -> dict[str, Any]:
    return {"sheetId": sheet_id, "startRowIndex": r0, "endRowIndex": r1, "startColumnIndex": c0, "endColumnIndex": c1}


def test_rows_inserted_inside_a_protected_range_are_refused(sheets):
    sh, mine = sheets
    sid = sh.sheet1.id
    assert refused(mine, {"insertDimension": {"range": rows(sid, 1, 2)}}) == \
        f"Invalid requests[0].insertDimension: {PROTECTED}"
    # A protected whole column crosses every row: a new row anywhere would grow it.
    assert refused(mine, {"insertDimension": {"range": rows(sid, 3, 4)}}).endswith(PROTECTED)
    assert sh.sheet1.get_all_values() == TABLE
    sh.sheet1.insert_rows([["Kedoya", "004", "180"]], row=3)  # the coordinator may
    assert sh.sheet1.row_values(3) == ["Kedoya", "004", "180"]


def test_columns_inserted_inside_a_whole_column_protection_are_refused(sheets):
    sh, mine = sheets
    assert refused(mine, {"insertDimension": {"range": {"sheetId": sh.sheet1.id, "dimension": "COLUMNS",
                                                        "startIndex": 0, "endIndex": 1}}}) == \
        f"Invalid requests[0].insertDimension: {PROTECTED}"


def test_protected_rows_do_not_move_and_others_do_not_land_inside(sheets):
    sh, mine = sheets
    sid = sh.sheet1.id
    move_out = {"moveDimension": {"source": rows(sid, 1, 2), "destinationIndex": 4}}
    move_in = {"moveDimension": {"source": rows(sid, 3, 4), "destinationIndex": 1}}
    assert refused(mine, move_out).endswith(PROTECTED)
    assert refused(mine, move_in).endswith(PROTECTED)
    assert sh.sheet1.get_all_values() == TABLE
    sh.batch_update({"requests": [move_in]})  # the coordinator may
    assert sh.sheet1.get_all_values()[1] == ["Duri", "003", "199", ""]


def test_insert_range_that_pushes_protected_cells_is_refused(sheets):
    sh, mine = sheets
    sid = sh.sheet1.id
    assert refused(mine, {"insertRange": {"range": grid(sid, 2, 3, 2, 4), "shiftDimension": "ROWS"}}) \
        .endswith(PROTECTED)
    mine.batch_update({"requests": [{"insertRange": {"range": grid(sid, 2, 3, 0, 1), "shiftDimension": "ROWS"}}]})
    assert [r[0] for r in sh.sheet1.get_all_values()] == ["kelurahan", "Kedoya", "", "Kedoya", "Duri"]


def test_formatting_a_protected_range_is_refused(sheets):
    sh, mine = sheets
    sid = sh.sheet1.id
    conditional = {"addConditionalFormatRule": {"index": 0, "rule": {
        "ranges": [grid(sid, 1, 4, 3, 4)],
        "booleanRule": {"condition": {"type": "NUMBER_GREATER", "values": [{"userEnteredValue": "300"}]},
                        "format": {"backgroundColor": {"red": 1}}}}}}
    banding = {"addBanding": {"bandedRange": {"range": grid(sid, 0, 4, 0, 4), "rowProperties": {
        "firstBandColor": {"red": 1}, "secondBandColor": {"blue": 1}}}}}
    border = {"updateBorders": {"range": grid(sid, 0, 1, 0, 4), "bottom": {"style": "SOLID"}}}
    for request in (conditional, banding):
        assert refused(mine, request) == f"Invalid requests[0].{next(iter(request))}: {PROTECTED}"
    with pytest.raises(gspread.exceptions.APIError):
        mine.sheet1.format("A1:B1", {"textFormat": {"bold": True}})
    mine.batch_update({"requests": [{"addConditionalFormatRule": {"index": 0, "rule": {
        **conditional["addConditionalFormatRule"]["rule"], "ranges": [grid(sid, 2, 4, 2, 3)]}}}]})
    sh.batch_update({"requests": [conditional, banding, border]})  # the coordinator may
    rules = sh.fetch_sheet_metadata()["sheets"][0]["conditionalFormats"]
    assert len(rules) == 2


def test_unmerging_and_cleaning_protected_cells_is_refused(sheets):
    sh, mine = sheets
    sid = sh.sheet1.id
    sh.sheet1.merge_cells("A1:B1")
    before = sh.sheet1.get_all_values()
    for request in ({"unmergeCells": {"range": grid(sid, 0, 1, 0, 2)}},
                    {"trimWhitespace": {"range": grid(sid, 0, 4, 3, 4)}},
                    {"deleteDuplicates": {"range": grid(sid, 0, 4, 0, 4)}},
                    {"randomizeRange": {"range": grid(sid, 1, 4, 0, 4)}}):
        assert refused(mine, request).endswith(PROTECTED)
    assert sh.sheet1.get_all_values() == before
    assert len(sh.fetch_sheet_metadata()["sheets"][0]["merges"]) == 1


def test_a_sheet_with_protected_cells_is_neither_deleted_nor_shrunk_past_them(sheets):
    sh, mine = sheets
    sid = sh.sheet1.id
    mine.add_worksheet("Catatan relawan", rows=5, cols=2)
    assert refused(mine, {"deleteSheet": {"sheetId": sid}}) == f"Invalid requests[0].deleteSheet: {PROTECTED}"
    def columns(n: int) -> dict[str, Any]:
        return {"updateSheetProperties": {"properties": {"sheetId": sid, "gridProperties": {"columnCount": n}},
                                          "fields": "gridProperties.columnCount"}}
    # The header rows are protected across every column: dropping any column deletes some of them.
    assert refused(mine, columns(5)) == f"Invalid requests[0].updateSheetProperties: {PROTECTED}"
    mine.batch_update({"requests": [columns(30)]})  # growing changes no protected cell
    assert sh.sheet1.col_count == 30 and sh.sheet1.get_all_values() == TABLE
    mine.del_worksheet(mine.worksheet("Catatan relawan"))  # nothing protected there
