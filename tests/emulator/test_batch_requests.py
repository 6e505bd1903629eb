"""batch_requests.apply on the model: sheets, cells, dimensions, protection, replies,
Google's 400 texts, all-or-nothing."""
from __future__ import annotations

import pytest

from _batch_support import apply, bad, col, ss  # noqa: F401  (ss is a fixture)
from sheetsync.emulator.batch import requests as br
from sheetsync.emulator.cell_errors import CellError
from sheetsync.emulator.model import ApiError



def test_add_sheet_reply_and_defaults(ss):
    out = apply(ss, {"addSheet": {"properties": {"title": "Rekap Kecamatan", "gridProperties": {"rowCount": 50}}}},
                {"addSheet": {}})
    assert out["spreadsheetId"] == ss.id
    props = out["replies"][0]["addSheet"]["properties"]
    assert props["title"] == "Rekap Kecamatan" and props["index"] == 1 and props["sheetType"] == "GRID"
    assert props["gridProperties"] == {"rowCount": 50, "columnCount": 26}
    assert isinstance(props["sheetId"], int) and props["sheetId"] > 0
    assert out["replies"][1]["addSheet"]["properties"]["title"] == "Sheet3"
    assert [s.title for s in ss.sheets] == ["Input", "Rekap Kecamatan", "Sheet3"]


def test_duplicate_title_is_google_400_and_nothing_applies(ss):
    msg = bad(ss, {"addSheet": {"properties": {"title": "Baru"}}},
              {"updateSheetProperties": {"properties": {"sheetId": 0, "title": "Ganti"}, "fields": "title"}},
              {"addSheet": {"properties": {"title": "baru"}}})
    assert msg == ('Invalid requests[2].addSheet: A sheet with the name "baru" already exists. '
                   'Please enter another name.')
    assert [s.title for s in ss.sheets] == ["Input"]


def test_unknown_request_kind(ss):
    msg = bad(ss, {"frobnicate": {}})
    assert msg == 'Invalid JSON payload received. Unknown name "frobnicate" at \'requests[0]\': Cannot find field.'


def test_no_sheet_with_id(ss):
    msg = bad(ss, {"updateSheetProperties": {"properties": {"sheetId": 99, "title": "x"}, "fields": "title"}})
    assert msg == "Invalid requests[0].updateSheetProperties: No sheet with id: 99"


def test_delete_sheet_rules(ss):
    assert bad(ss, {"deleteSheet": {"sheetId": 0}}) == \
        "Invalid requests[0].deleteSheet: You can't remove all the sheets in a document."
    sid = apply(ss, {"addSheet": {}})["replies"][0]["addSheet"]["properties"]["sheetId"]
    apply(ss, {"deleteSheet": {"sheetId": 0}})
    assert [s.sheet_id for s in ss.sheets] == [sid] and ss.sheets[0].properties["index"] == 0


def test_duplicate_sheet_copies_cells_not_identity(ss):
    out = apply(ss, {"duplicateSheet": {"sourceSheetId": 0, "insertSheetIndex": 0}})
    props = out["replies"][0]["duplicateSheet"]["properties"]
    assert props["title"] == "Copy of Input" and props["index"] == 0
    copy_sheet = ss.sheet_by_id(props["sheetId"])
    copy_sheet.set(1, 0, "changed")
    assert ss.sheet_by_id(0).get(1, 0) == "Cengkareng"


def test_freeze_title_index_and_grid(ss):
    apply(ss, {"addSheet": {"properties": {"title": "B"}}})
    apply(ss, {"updateSheetProperties": {
        "properties": {"sheetId": 0, "title": "Data", "index": 2,
                       "gridProperties": {"frozenRowCount": 1, "rowCount": 4}},
        "fields": "title,index,gridProperties.frozenRowCount,gridProperties.rowCount"}})
    sheet = ss.sheet_by_id(0)
    assert sheet.title == "Data" and ss.sheets[1] is sheet
    assert sheet.grid == {"rowCount": 4, "columnCount": 26, "frozenRowCount": 1}
    assert sheet.get(4, 0) is None and sheet.get(3, 0) == "Cengkareng"   # row 5 fell off
    apply(ss, {"updateSheetProperties": {"properties": {"sheetId": 0, "gridProperties": {"frozenRowCount": 0}},
                                         "fields": "gridProperties.frozenRowCount"}})
    assert "frozenRowCount" not in ss.sheet_by_id(0).grid
    assert "You can't freeze all visible rows" in bad(ss, {"updateSheetProperties": {
        "properties": {"sheetId": 0, "gridProperties": {"frozenRowCount": 4}},
        "fields": "gridProperties.frozenRowCount"}})


def test_update_spreadsheet_properties(ss):
    apply(ss, {"updateSpreadsheetProperties": {"properties": {"title": "Pilkada", "locale": "id_ID"},
                                               "fields": "title"}})
    assert ss.properties["title"] == "Pilkada" and ss.properties["locale"] == "en_US"


def test_insert_rows_shift_everything(ss):
    sheet = ss.sheets[0]
    sheet.set(6, 0, None, "=SUM(C2:C5)")
    apply(ss, {"repeatCell": {"range": {"sheetId": 0, "startRowIndex": 1, "endRowIndex": 2},
                              "cell": {"userEnteredFormat": {"textFormat": {"bold": True}}},
                              "fields": "userEnteredFormat.textFormat.bold"}},
          {"mergeCells": {"range": {"sheetId": 0, "startRowIndex": 3, "endRowIndex": 5,
                                    "startColumnIndex": 2, "endColumnIndex": 3}}},
          {"addProtectedRange": {"protectedRange": {"range": {"sheetId": 0, "startRowIndex": 2, "endRowIndex": 4}}}},
          {"setDataValidation": {"range": {"sheetId": 0, "startRowIndex": 2, "endRowIndex": 3,
                                           "startColumnIndex": 1, "endColumnIndex": 2},
                                 "rule": {"condition": {"type": "NUMBER_GREATER", "values": [{"userEnteredValue": "0"}]}}}})
    apply(ss, {"insertDimension": {"range": {"sheetId": 0, "dimension": "ROWS", "startIndex": 2, "endIndex": 4},
                                   "inheritFromBefore": True}})
    sheet = ss.sheets[0]
    assert sheet.row_count == 1002
    assert col(sheet, 0, 6) == ["kecamatan", "Cengkareng", None, None, "Kalideres", "Cengkareng"]
    # the merge over C4:C5 kept only C4, so Tambora's 95 is gone: 120 + 80
    assert sheet.formulas == {(8, 0): "=SUM(C2:C7)"} and sheet.get(8, 0) == 200
    assert sheet.formats[(2, 0)] == {"textFormat": {"bold": True}}        # inherited from the row above
    assert sheet.merges[0]["startRowIndex"] == 5 and sheet.merges[0]["endRowIndex"] == 7
    assert sheet.protected_ranges[0]["range"]["startRowIndex"] == 4
    assert (4, 1) in sheet.validations and (2, 1) not in sheet.validations


def test_delete_rows_and_columns(ss):
    sheet = ss.sheets[0]
    sheet.set(6, 0, None, "=C3+C4")
    apply(ss, {"deleteDimension": {"range": {"sheetId": 0, "dimension": "ROWS", "startIndex": 2, "endIndex": 3}}})
    sheet = ss.sheets[0]
    assert col(sheet, 0, 4) == ["kecamatan", "Cengkareng", "Cengkareng", "Tambora"]
    assert sheet.formulas == {(5, 0): "=#REF!+C3"}
    assert isinstance(sheet.get(5, 0), CellError) and sheet.get(5, 0).type == "REF"
    apply(ss, {"deleteDimension": {"range": {"sheetId": 0, "dimension": "COLUMNS", "startIndex": 0, "endIndex": 1}}})
    assert ss.sheets[0].get(1, 0) == 1 and ss.sheets[0].column_count == 25
    assert bad(ss, {"deleteDimension": {"range": {"sheetId": 0, "dimension": "ROWS", "startIndex": 0,
                                                  "endIndex": 999}}}) == \
        "Invalid requests[0].deleteDimension: You can't delete all the rows on the sheet."


def test_append_dimension_and_cell_limit(ss):
    apply(ss, {"appendDimension": {"sheetId": 0, "dimension": "ROWS", "length": 500}})
    assert ss.sheets[0].row_count == 1500
    msg = bad(ss, {"appendDimension": {"sheetId": 0, "dimension": "COLUMNS", "length": 10000}})
    assert msg.endswith("above the limit of 10000000 cells.")
    assert ss.sheets[0].column_count == 26


def test_update_cells_values_and_formulas(ss):
    apply(ss, {"updateCells": {"start": {"sheetId": 0, "rowIndex": 5, "columnIndex": 0},
                               "rows": [{"values": [{"userEnteredValue": {"stringValue": "Total"}},
                                                    {"userEnteredValue": {"formulaValue": "=sum(B2:B5)"}},
                                                    {"userEnteredValue": {"numberValue": 1.5}}]}],
                               "fields": "userEnteredValue"}})
    sheet = ss.sheets[0]
    assert [sheet.get(5, c) for c in range(3)] == ["Total", 7, 1.5]
    assert sheet.formulas[(5, 1)] == "=SUM(B2:B5)"
    apply(ss, {"updateCells": {"range": {"sheetId": 0, "startRowIndex": 5, "endRowIndex": 6,
                                         "startColumnIndex": 0, "endColumnIndex": 3},
                               "rows": [{"values": [{"userEnteredValue": {"boolValue": True}}]}],
                               "fields": "userEnteredValue"}})
    sheet = ss.sheets[0]
    assert [sheet.get(5, c) for c in range(3)] == [True, None, None]   # range clears the rest
    assert (5, 1) not in sheet.formulas


def test_repeat_cell_format_mask_merges(ss):
    rng = {"sheetId": 0, "startRowIndex": 0, "endRowIndex": 1, "startColumnIndex": 0, "endColumnIndex": 3}
    apply(ss, {"repeatCell": {"range": rng, "cell": {"userEnteredFormat": {"backgroundColor": {"red": 1}}},
                              "fields": "userEnteredFormat.backgroundColor"}})
    apply(ss, {"repeatCell": {"range": rng, "cell": {"userEnteredFormat": {"textFormat": {"bold": True}}},
                              "fields": "userEnteredFormat(textFormat)"}})
    assert ss.sheets[0].formats[(0, 2)] == {"backgroundColor": {"red": 1}, "textFormat": {"bold": True}}
    apply(ss, {"repeatCell": {"range": rng, "cell": {}, "fields": "userEnteredFormat"}})
    assert ss.sheets[0].formats == {}


def test_range_starting_past_grid_is_rejected(ss):
    msg = bad(ss, {"repeatCell": {"range": {"sheetId": 0, "startRowIndex": 1000, "endRowIndex": 1001},
                                  "cell": {}, "fields": "note"}})
    assert "exceeds grid limits. Max rows: 1000, max columns: 26" in msg


def test_sort_range_numbers_text_blanks(ss):
    sheet = ss.sheets[0]
    sheet.set(5, 2, "n/a")
    apply(ss, {"sortRange": {"range": {"sheetId": 0, "startRowIndex": 1, "endRowIndex": 6,
                                       "startColumnIndex": 0, "endColumnIndex": 3},
                             "sortSpecs": [{"dimensionIndex": 2, "sortOrder": "ASCENDING"}]}})
    sheet = ss.sheets[0]
    assert col(sheet, 2, 6) == ["suara", 80, 95, 120, "n/a", None]
    apply(ss, {"sortRange": {"range": {"sheetId": 0, "startRowIndex": 1, "endRowIndex": 6,
                                       "startColumnIndex": 0, "endColumnIndex": 3},
                             "sortSpecs": [{"dimensionIndex": 0, "sortOrder": "DESCENDING"},
                                           {"dimensionIndex": 1, "sortOrder": "ASCENDING"}]}})
    sheet = ss.sheets[0]
    assert [(sheet.get(r, 0), sheet.get(r, 1)) for r in range(1, 6)] == [
        ("Tambora", 1), ("Kalideres", 2), ("Cengkareng", 1), ("Cengkareng", 3), (None, None)]


def test_merge_keeps_top_left_and_unmerge(ss):
    apply(ss, {"mergeCells": {"range": {"sheetId": 0, "startRowIndex": 1, "endRowIndex": 3,
                                        "startColumnIndex": 0, "endColumnIndex": 2}, "mergeType": "MERGE_ALL"}})
    sheet = ss.sheets[0]
    assert sheet.merges == [{"sheetId": 0, "startRowIndex": 1, "endRowIndex": 3,
                             "startColumnIndex": 0, "endColumnIndex": 2}]
    assert [sheet.get(1, 0), sheet.get(1, 1), sheet.get(2, 0)] == ["Cengkareng", None, None]
    apply(ss, {"unmergeCells": {"range": {"sheetId": 0, "startRowIndex": 0, "endRowIndex": 5}}})
    assert ss.sheets[0].merges == []


def test_protected_range_reply_and_delete(ss):
    out = apply(ss, {"addProtectedRange": {"protectedRange": {
        "range": {"sheetId": 0, "startRowIndex": 0, "endRowIndex": 1}, "description": "header",
        "warningOnly": True, "editors": None}}})
    pr = out["replies"][0]["addProtectedRange"]["protectedRange"]
    assert pr["range"] == {"startRowIndex": 0, "endRowIndex": 1}  # Google leaves sheetId 0 out
    assert pr["warningOnly"] is True and pr["description"] == "header" and pr["editors"] == {}
    out = apply(ss, {"addProtectedRange": {"protectedRange": {"range": {"sheetId": 0},
                                                              "editors": {"users": ["a@x.id"]}}}})
    strict = out["replies"][0]["addProtectedRange"]["protectedRange"]
    assert strict["editors"] == {}  # Google's reply leaves them out; the range keeps them
    assert ss.sheets[0].protected_ranges[-1]["editors"]["users"] == [ss.drive.owner, "a@x.id"]
    apply(ss, {"deleteProtectedRange": {"protectedRangeId": pr["protectedRangeId"]}})
    assert [p["protectedRangeId"] for p in ss.sheets[0].protected_ranges] == [strict["protectedRangeId"]]
    assert bad(ss, {"deleteProtectedRange": {"protectedRangeId": 1}}) == \
        "Invalid requests[0].deleteProtectedRange: No protected range with id: 1"


def test_named_ranges(ss):
    out = apply(ss, {"addNamedRange": {"namedRange": {"name": "Suara", "range": {
        "sheetId": 0, "startRowIndex": 1, "endRowIndex": 5, "startColumnIndex": 2, "endColumnIndex": 3}}}})
    nr = out["replies"][0]["addNamedRange"]["namedRange"]
    assert nr["name"] == "Suara" and isinstance(nr["namedRangeId"], str)
    assert "already exists" in bad(ss, {"addNamedRange": {"namedRange": {"name": "suara", "range": {"sheetId": 0}}}})
    assert "Invalid name" in bad(ss, {"addNamedRange": {"namedRange": {"name": "A1", "range": {"sheetId": 0}}}})
    apply(ss, {"deleteNamedRange": {"namedRangeId": nr["namedRangeId"]}})
    assert ss.named_ranges == []


def test_data_validation_rules(ss):
    apply(ss, {"setDataValidation": {"range": {"sheetId": 0, "startRowIndex": 1, "endRowIndex": 3,
                                               "startColumnIndex": 0, "endColumnIndex": 1},
                                     "rule": {"condition": {"type": "ONE_OF_LIST", "values": [
                                         {"userEnteredValue": "Cengkareng"}, {"userEnteredValue": "Kalideres"}]},
                                         "strict": True, "showCustomUi": True}}})
    assert ss.sheets[0].validations[(2, 0)]["condition"]["type"] == "ONE_OF_LIST"
    assert "Invalid ConditionType" in bad(ss, {"setDataValidation": {"range": {"sheetId": 0},
                                                                      "rule": {"condition": {"type": "NOPE"}}}})


def test_atomic_failure_leaves_no_trace(ss):
    before_values = [row[:] for row in ss.sheets[0].values]
    with pytest.raises(ApiError):
        apply(ss, {"insertDimension": {"range": {"sheetId": 0, "dimension": "ROWS", "startIndex": 1, "endIndex": 2}}},
              {"updateCells": {"start": {"sheetId": 0, "rowIndex": 1, "columnIndex": 0},
                               "rows": [{"values": [{"userEnteredValue": {"stringValue": "X"}}]}],
                               "fields": "userEnteredValue"}},
              {"sortRange": {"range": {"sheetId": 0, "startRowIndex": 0, "endRowIndex": 6}}},
              {"deleteSheet": {"sheetId": 12345}})
    assert ss.sheets[0].values == before_values and ss.sheets[0].row_count == 1000


def test_include_spreadsheet_in_response(ss):
    out = apply(ss, {"addSheet": {"properties": {"title": "B"}}}, includeSpreadsheetInResponse=True)
    assert [s["properties"]["title"] for s in out["updatedSpreadsheet"]["sheets"]] == ["Input", "B"]


def test_no_op_requests_are_accepted(ss):
    out = apply(ss, {"autoResizeDimensions": {"dimensions": {"sheetId": 0, "dimension": "COLUMNS"}}},
                {"setBasicFilter": {"filter": {"range": {"sheetId": 0, "startRowIndex": 0, "endRowIndex": 5}}}},
                {"updateBorders": {"range": {"sheetId": 0, "startRowIndex": 0, "endRowIndex": 1,
                                             "startColumnIndex": 0, "endColumnIndex": 2},
                                   "bottom": {"style": "SOLID"}}})
    assert out["replies"] == [{}, {}, {}]
    assert ss.sheets[0].basic_filter["range"]["endRowIndex"] == 5
    assert ss.sheets[0].formats[(0, 1)] == {"borders": {"bottom": {"style": "SOLID"}}}


def test_rename_rewrites_references_on_other_tabs(ss):
    sid = apply(ss, {"addSheet": {"properties": {"title": "Rekap"}}})["replies"][0]["addSheet"]["properties"]["sheetId"]
    ss.sheet_by_id(sid).set(0, 0, None, "=SUM(Input!C2:C5)")
    apply(ss, {"updateSheetProperties": {"properties": {"sheetId": 0, "title": "Data Masuk"}, "fields": "title"}})
    rekap = ss.sheet_by_id(sid)
    assert rekap.formulas[(0, 0)] == "=SUM('Data Masuk'!C2:C5)" and rekap.get(0, 0) == 295


def test_sheet_index_counts_before_the_move(ss):
    apply(ss, {"addSheet": {"properties": {"title": "S2"}}}, {"addSheet": {"properties": {"title": "S3"}}})
    apply(ss, {"updateSheetProperties": {"properties": {"sheetId": 0, "index": 2}, "fields": "index"}})
    assert [s.title for s in ss.sheets] == ["S2", "Input", "S3"]
    apply(ss, {"updateSheetProperties": {"properties": {"sheetId": 0, "index": 2}, "fields": "index"}})
    assert [s.title for s in ss.sheets] == ["S2", "Input", "S3"]          # index p + 1: no-op
    apply(ss, {"updateSheetProperties": {"properties": {"sheetId": 0}, "fields": "index"}})
    assert [s.title for s in ss.sheets] == ["S2", "S3", "Input"]          # no index: to the end
    assert [s.properties["index"] for s in ss.sheets] == [0, 1, 2]


def test_dimension_error_texts_match_google(ss):
    assert bad(ss, {"deleteDimension": {"range": {"sheetId": 0, "dimension": "ROWS", "startIndex": 998,
                                                  "endIndex": 1001}}}) == (
        "Invalid requests[0].deleteDimension: Cannot delete a row that doesn't exist. "
        "Tried to delete row index 1000 but there are only 1000 rows.")
    apply(ss, {"updateSheetProperties": {"properties": {"sheetId": 0, "gridProperties": {"frozenRowCount": 1}},
                                         "fields": "gridProperties.frozenRowCount"}})
    assert bad(ss, {"deleteDimension": {"range": {"sheetId": 0, "dimension": "ROWS", "startIndex": 1,
                                                  "endIndex": 1000}}}) == \
        "Invalid requests[0].deleteDimension: Sorry, it is not possible to delete all non-frozen rows."
    assert bad(ss, {"insertDimension": {"range": {"sheetId": 0, "dimension": "ROWS", "startIndex": -1,
                                                  "endIndex": 2}}}) == \
        "Invalid requests[0].insertDimension: DimensionRange indexes must be >= 0"


def test_protection_error_texts_match_google(ss):
    assert bad(ss, {"addProtectedRange": {"protectedRange": {"range": {"sheetId": 0}, "warningOnly": True,
                                                             "editors": {"users": ["a@x.id"]}}}}) == \
        "Invalid requests[0].addProtectedRange: ProtectedRange is warningOnly. Editors cannot be set on it."
    apply(ss, {"addProtectedRange": {"protectedRange": {"range": {"sheetId": 0}}}})
    assert bad(ss, {"addProtectedRange": {"protectedRange": {"range": {"sheetId": 0}}}}) == \
        'Invalid requests[0].addProtectedRange: Sheet "Input" already has sheet protection.'


def test_protected_ranges_block_other_callers(ss):
    from sheetsync.emulator.protection import may_edit
    apply(ss, {"addProtectedRange": {"protectedRange": {
        "range": {"sheetId": 0, "startRowIndex": 0, "endRowIndex": 1},
        "editors": {"users": ["koordinator@x.id"]}}}},
        {"addProtectedRange": {"protectedRange": {
            "range": {"sheetId": 0, "startColumnIndex": 2, "endColumnIndex": 3}, "warningOnly": True}}})
    header = {"repeatCell": {"range": {"sheetId": 0, "startRowIndex": 0, "endRowIndex": 1},
                             "cell": {"note": "x"}, "fields": "note"}}
    with pytest.raises(ApiError) as info:
        br.apply(ss, {"requests": [header]}, user="relawan@x.id")
    assert info.value.message == ("Invalid requests[0].repeatCell: You are trying to edit a protected cell or "
                                  "object. Please contact the spreadsheet owner to remove protection if you need to edit.")
    br.apply(ss, {"requests": [header]}, user="koordinator@x.id")        # listed editor
    br.apply(ss, {"requests": [header]}, user=ss.drive.owner)            # owner
    br.apply(ss, {"requests": [header]})                                 # open mode: no identity
    sheet = ss.sheets[0]
    assert may_edit(ss, sheet, 1, 5, 2, 3, "relawan@x.id")               # warning-only never blocks
    assert not may_edit(ss, sheet, 0, 2, 0, 1, "relawan@x.id")


def test_repeat_cell_formula_ranges_increment(ss):
    apply(ss, {"repeatCell": {"range": {"sheetId": 0, "startRowIndex": 1, "endRowIndex": 4,
                                        "startColumnIndex": 3, "endColumnIndex": 5},
                              "cell": {"userEnteredValue": {"formulaValue": "=C2*2+$B$2"}},
                              "fields": "userEnteredValue"}})
    sheet = ss.sheets[0]
    assert [sheet.formulas[(r, 3)] for r in (1, 2, 3)] == ["=C2*2+$B$2", "=C3*2+$B$2", "=C4*2+$B$2"]
    assert sheet.formulas[(1, 4)] == "=D2*2+$B$2"
    assert [sheet.get(r, 3) for r in (1, 2, 3)] == [241, 161, 1]


def test_sort_moves_row_formulas_with_their_rows(ss):
    sheet = ss.sheets[0]
    for r in range(1, 5):
        sheet.set(r, 3, None, f"=C{r + 1}*2")
    apply(ss, {"sortRange": {"range": {"sheetId": 0, "startRowIndex": 1, "endRowIndex": 5,
                                       "startColumnIndex": 0, "endColumnIndex": 4},
                             "sortSpecs": [{"dimensionIndex": 2, "sortOrder": "ASCENDING"}]}})
    sheet = ss.sheets[0]
    assert col(sheet, 2, 5) == ["suara", 80, 95, 120, None]
    assert [sheet.formulas[(r, 3)] for r in range(1, 5)] == ["=C2*2", "=C3*2", "=C4*2", "=C5*2"]
    assert col(sheet, 3, 5) == [None, 160, 190, 240, 0]


@pytest.mark.parametrize("request_", [
    {"addSheet": {"properties": "Rekap"}},
    {"repeatCell": {"range": [0, 1], "cell": {}, "fields": "note"}},
    {"sortRange": {"range": {"sheetId": 0}, "sortSpecs": "kecamatan"}},
    {"addProtectedRange": {"protectedRange": "A1:B2"}},
])
def test_wrong_json_types_are_400_not_crashes(ss, request_):
    assert "Invalid" in bad(ss, request_)


def test_unknown_field_and_insert_at_end_texts(ss):
    assert bad(ss, {"insertDimension": {"range": {"sheetId": 0, "dimension": "ROWS", "startIndex": 1,
                                                  "endIndex": 2}, "inheritBefore": True}}) == (
        "Invalid JSON payload received. Unknown name \"inheritBefore\" at 'requests[0].insert_dimension': "
        "Cannot find field.")
    assert bad(ss, {"insertDimension": {"range": {"sheetId": 0, "dimension": "ROWS", "startIndex": 1000,
                                                  "endIndex": 1001}}}) == (
        "Invalid requests[0].insertDimension: range.startIndex must be less than the grid size (1000) "
        "if inheritFromBefore is false.")
    apply(ss, {"insertDimension": {"range": {"sheetId": 0, "dimension": "ROWS", "startIndex": 1000,
                                             "endIndex": 1001}, "inheritFromBefore": True}})
    assert ss.sheets[0].row_count == 1001


def test_valid_but_not_emulated_kind_says_so(ss):
    assert bad(ss, {"autoFill": {"useAlternateSeries": False}}) == (
        "Invalid requests[0].autoFill: this request is valid for Google but not emulated by sheetsync.")


def test_new_sheet_is_usable_in_the_same_batch(ss):
    out = apply(ss, {"addSheet": {"properties": {"sheetId": 77, "title": "Rekap Kecamatan"}}},
                {"updateCells": {"start": {"sheetId": 77, "rowIndex": 0, "columnIndex": 0},
                                 "rows": [{"values": [{"userEnteredValue": {"formulaValue": "=SUM(Input!C2:C5)"}}]}],
                                 "fields": "userEnteredValue"}},
                {"updateSheetProperties": {"properties": {"sheetId": 77, "gridProperties": {"frozenRowCount": 1}},
                                           "fields": "gridProperties.frozenRowCount"}},
                {"addProtectedRange": {"protectedRange": {"range": {"sheetId": 77}, "warningOnly": True}}})
    assert out["replies"][0]["addSheet"]["properties"]["sheetId"] == 77
    rekap = ss.sheet_by_id(77)
    assert rekap.get(0, 0) == 295 and rekap.grid["frozenRowCount"] == 1
    assert rekap.protected_ranges[0]["range"] == {"sheetId": 77}
