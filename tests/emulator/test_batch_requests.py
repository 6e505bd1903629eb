"""batch_requests.apply on the model: replies, effects, Google's 400 texts, all-or-nothing."""
from __future__ import annotations

import pytest

from sheetsync.emulator import batch_requests as br
from sheetsync.emulator.cellvalues import CellError
from sheetsync.emulator.conditional import conditional_format
from sheetsync.emulator.model import ApiError, Store


@pytest.fixture
def ss():
    ss = Store().create("Rekap", sheet_titles=["Input"])
    sheet = ss.sheets[0]
    rows = [["kecamatan", "tps", "suara"], ["Cengkareng", 1, 120], ["Kalideres", 2, 80],
            ["Cengkareng", 3, None], ["Tambora", 1, 95]]
    for r, row in enumerate(rows):
        for c, v in enumerate(row):
            sheet.set(r, c, v)
    return ss


def apply(ss, *requests, **extra):
    return br.apply(ss, {"requests": list(requests), **extra})


def col(sheet, c, n):
    return [sheet.get(r, c) for r in range(n)]


def bad(ss, *requests) -> str:
    with pytest.raises(ApiError) as info:
        apply(ss, *requests)
    assert info.value.code == 400 and info.value.status == "INVALID_ARGUMENT"
    return info.value.message


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


def test_range_past_grid_is_rejected(ss):
    msg = bad(ss, {"repeatCell": {"range": {"sheetId": 0, "startRowIndex": 0, "endRowIndex": 1001},
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
    assert pr["range"] == {"sheetId": 0, "startRowIndex": 0, "endRowIndex": 1}
    assert pr["warningOnly"] is True and pr["description"] == "header" and "editors" not in pr
    out = apply(ss, {"addProtectedRange": {"protectedRange": {"range": {"sheetId": 0},
                                                              "editors": {"users": ["a@x.id"]}}}})
    strict = out["replies"][0]["addProtectedRange"]["protectedRange"]
    assert strict["editors"]["users"] == [ss.drive.owner, "a@x.id"]
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


def test_chart_and_metadata_replies(ss):
    out = apply(ss, {"addChart": {"chart": {"spec": {"title": "Suara", "basicChart": {"chartType": "COLUMN",
        "domains": [{"domain": {"sourceRange": {"sources": [{"sheetId": 0, "startRowIndex": 0, "endRowIndex": 5,
                                                             "startColumnIndex": 0, "endColumnIndex": 1}]}}}]}},
        "position": {"overlayPosition": {"anchorCell": {"sheetId": 0, "rowIndex": 1, "columnIndex": 5}}}}}},
        {"createDeveloperMetadata": {"developerMetadata": {"metadataKey": "sheetsync", "metadataValue": "v1",
                                                           "location": {"sheetId": 0}, "visibility": "DOCUMENT"}}})
    chart = out["replies"][0]["addChart"]["chart"]
    assert isinstance(chart["chartId"], int) and chart["spec"]["title"] == "Suara"
    assert chart["position"]["overlayPosition"]["widthPixels"] == 600
    meta = out["replies"][1]["createDeveloperMetadata"]["developerMetadata"]
    assert meta["location"] == {"locationType": "SHEET", "sheetId": 0}
    assert meta["metadataKey"] == "sheetsync" and isinstance(meta["metadataId"], int)
    out = apply(ss, {"deleteDeveloperMetadata": {"dataFilter": {"developerMetadataLookup": {"metadataKey": "sheetsync"}}}})
    assert [m["metadataId"] for m in out["replies"][0]["deleteDeveloperMetadata"]["deletedDeveloperMetadata"]] == \
        [meta["metadataId"]]


def test_data_validation_rules(ss):
    apply(ss, {"setDataValidation": {"range": {"sheetId": 0, "startRowIndex": 1, "endRowIndex": 3,
                                               "startColumnIndex": 0, "endColumnIndex": 1},
                                     "rule": {"condition": {"type": "ONE_OF_LIST", "values": [
                                         {"userEnteredValue": "Cengkareng"}, {"userEnteredValue": "Kalideres"}]},
                                         "strict": True, "showCustomUi": True}}})
    assert ss.sheets[0].validations[(2, 0)]["condition"]["type"] == "ONE_OF_LIST"
    assert "Invalid ConditionType" in bad(ss, {"setDataValidation": {"range": {"sheetId": 0},
                                                                      "rule": {"condition": {"type": "NOPE"}}}})


def test_conditional_formats_show_in_effective_colour(ss):
    green, red = {"green": 1}, {"red": 1}
    apply(ss, {"addConditionalFormatRule": {"index": 0, "rule": {
        "ranges": [{"sheetId": 0, "startRowIndex": 1, "startColumnIndex": 0, "endColumnIndex": 1}],
        "booleanRule": {"condition": {"type": "TEXT_EQ", "values": [{"userEnteredValue": "cengkareng"}]},
                        "format": {"backgroundColor": green}}}}},
          {"addConditionalFormatRule": {"index": 1, "rule": {
              "ranges": [{"sheetId": 0, "startColumnIndex": 2, "endColumnIndex": 3}],
              "booleanRule": {"condition": {"type": "NUMBER_LESS", "values": [{"userEnteredValue": "100"}]},
                              "format": {"backgroundColor": red}}}}},
          {"addConditionalFormatRule": {"index": 2, "rule": {
              "ranges": [{"sheetId": 0, "startRowIndex": 1, "startColumnIndex": 1, "endColumnIndex": 2}],
              "booleanRule": {"condition": {"type": "CUSTOM_FORMULA", "values": [{"userEnteredValue": "=$C2>100"}]},
                              "format": {"backgroundColor": red}}}}})
    sheet = ss.sheets[0]
    assert conditional_format(ss, sheet, 1, 0) == {"backgroundColor": green}
    assert conditional_format(ss, sheet, 2, 0) is None
    assert conditional_format(ss, sheet, 2, 2) == {"backgroundColor": red}       # 80 < 100
    assert conditional_format(ss, sheet, 1, 2) is None                           # 120
    assert conditional_format(ss, sheet, 3, 2) is None                           # blank is not a number
    assert conditional_format(ss, sheet, 1, 1) == {"backgroundColor": red}       # C2=120 > 100
    assert conditional_format(ss, sheet, 2, 1) is None
    out = apply(ss, {"deleteConditionalFormatRule": {"sheetId": 0, "index": 1}})
    assert out["replies"][0]["deleteConditionalFormatRule"]["rule"]["booleanRule"]["format"] == {"backgroundColor": red}
    assert len(ss.sheets[0].conditional_formats) == 2


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


def test_copy_paste_tiles_and_moves_relative_refs(ss):
    sheet = ss.sheets[0]
    sheet.set(1, 3, None, "=C2*2")
    sheet.formats[(1, 3)] = {"textFormat": {"bold": True}}
    apply(ss, {"copyPaste": {"source": {"sheetId": 0, "startRowIndex": 1, "endRowIndex": 2,
                                        "startColumnIndex": 3, "endColumnIndex": 4},
                             "destination": {"sheetId": 0, "startRowIndex": 2, "endRowIndex": 5,
                                             "startColumnIndex": 3, "endColumnIndex": 4},
                             "pasteType": "PASTE_NORMAL"}})
    sheet = ss.sheets[0]
    assert [sheet.formulas.get((r, 3)) for r in range(1, 5)] == ["=C2*2", "=C3*2", "=C4*2", "=C5*2"]
    assert [sheet.get(r, 3) for r in range(1, 5)] == [240, 160, 0, 190]   # blank * 2 is 0
    assert sheet.formats[(4, 3)] == {"textFormat": {"bold": True}}
    apply(ss, {"copyPaste": {"source": {"sheetId": 0, "startRowIndex": 1, "endRowIndex": 3,
                                        "startColumnIndex": 3, "endColumnIndex": 4},
                             "destination": {"sheetId": 0, "startRowIndex": 10, "endRowIndex": 11,
                                             "startColumnIndex": 0, "endColumnIndex": 1},
                             "pasteType": "PASTE_VALUES"}})
    sheet = ss.sheets[0]
    assert [sheet.get(10, 0), sheet.get(11, 0)] == [240, 160] and (10, 0) not in sheet.formulas
    assert (10, 0) not in sheet.formats


def test_cut_paste_moves_and_clears(ss):
    apply(ss, {"cutPaste": {"source": {"sheetId": 0, "startRowIndex": 1, "endRowIndex": 3,
                                       "startColumnIndex": 0, "endColumnIndex": 1},
                            "destination": {"sheetId": 0, "rowIndex": 1, "columnIndex": 5}}})
    sheet = ss.sheets[0]
    assert [sheet.get(1, 0), sheet.get(2, 0)] == [None, None]
    assert [sheet.get(1, 5), sheet.get(2, 5)] == ["Cengkareng", "Kalideres"]


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


def test_append_cells_after_last_row_with_data(ss):
    apply(ss, {"appendCells": {"sheetId": 0, "fields": "userEnteredValue",
                               "rows": [{"values": [{"userEnteredValue": {"stringValue": "Palmerah"}},
                                                    {"userEnteredValue": {"numberValue": 9}}]}]}})
    sheet = ss.sheets[0]
    assert [sheet.get(5, 0), sheet.get(5, 1)] == ["Palmerah", 9]
    msg = bad(ss, {"appendCells": {"sheetId": 0, "fields": "userEnteredValue",
                                   "rows": [{"values": [{}] * 27}]}})
    assert msg == ("Invalid requests[0].appendCells: Attempting to write column: 26, "
                   "beyond the last requested column of: 25")


def test_protected_ranges_block_other_callers(ss):
    from sheetsync.emulator.batch_common import may_edit
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


def test_delete_range_shifts_cells_up_and_left(ss):
    apply(ss, {"deleteRange": {"range": {"sheetId": 0, "startRowIndex": 1, "endRowIndex": 2,
                                         "startColumnIndex": 0, "endColumnIndex": 1},
                               "shiftDimension": "ROWS"}})
    sheet = ss.sheets[0]
    assert col(sheet, 0, 5) == ["kecamatan", "Kalideres", "Cengkareng", "Tambora", None]
    assert col(sheet, 1, 3) == ["tps", 1, 2]                    # other columns stay
    apply(ss, {"deleteRange": {"range": {"sheetId": 0, "startRowIndex": 0, "endRowIndex": 1,
                                         "startColumnIndex": 0, "endColumnIndex": 1},
                               "shiftDimension": "COLUMNS"}})
    sheet = ss.sheets[0]
    assert [sheet.get(0, c) for c in range(3)] == ["tps", "suara", None]


def test_find_replace_reply_counts(ss):
    out = apply(ss, {"findReplace": {"find": "cengkareng", "replacement": "Cengkareng Barat",
                                     "allSheets": True}})
    assert out["replies"][0] == {"findReplace": {"valuesChanged": 2, "rowsChanged": 2, "sheetsChanged": 1,
                                                 "occurrencesChanged": 2}}
    assert col(ss.sheets[0], 0, 2) == ["kecamatan", "Cengkareng Barat"]
    out = apply(ss, {"findReplace": {"find": "^K(.*)s$", "replacement": "X$1", "searchByRegex": True,
                                     "matchCase": True, "sheetId": 0}})
    assert ss.sheets[0].get(2, 0) == "Xalidere"
    assert out["replies"][0]["findReplace"]["valuesChanged"] == 1


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


def test_chart_on_its_own_sheet(ss):
    spec = {"title": "Suara", "basicChart": {"chartType": "BAR"}}
    out = apply(ss, {"addChart": {"chart": {"spec": spec, "position": {"newSheet": True}}}})
    pos = out["replies"][0]["addChart"]["chart"]["position"]
    own = ss.sheet_by_id(pos["sheetId"])
    assert own.properties["sheetType"] == "OBJECT" and own.title == "Chart1"
    assert bad(ss, {"addChart": {"chart": {"spec": spec, "position": {"sheetId": 0}}}}) == (
        "Invalid requests[0].addChart: Cannot add chart to new sheet with ID: 0, "
        "a sheet with that ID already exists.")


def test_conditional_date_rules(ss):
    from datetime import datetime, timezone

    from sheetsync.emulator.cellvalues import date_to_serial
    today = int(date_to_serial(datetime.now(timezone.utc).date()))
    sheet = ss.sheets[0]
    sheet.set(1, 4, 45623)          # 2024-11-27
    sheet.set(2, 4, today)
    sheet.set(3, 4, "27/11/2024")   # text, not a date
    red = {"red": 1}
    apply(ss, {"addConditionalFormatRule": {"rule": {
        "ranges": [{"sheetId": 0, "startColumnIndex": 4, "endColumnIndex": 5}],
        "booleanRule": {"condition": {"type": "DATE_BEFORE", "values": [{"userEnteredValue": "2024-12-01"}]},
                        "format": {"backgroundColor": red}}}}},
        {"addConditionalFormatRule": {"index": 1, "rule": {
            "ranges": [{"sheetId": 0, "startColumnIndex": 4, "endColumnIndex": 5}],
            "booleanRule": {"condition": {"type": "DATE_EQ", "values": [{"relativeDate": "TODAY"}]},
                            "format": {"backgroundColor": {"green": 1}}}}}})
    sheet = ss.sheets[0]
    assert conditional_format(ss, sheet, 1, 4) == {"backgroundColor": red}
    assert conditional_format(ss, sheet, 2, 4) == {"backgroundColor": {"green": 1}}
    assert conditional_format(ss, sheet, 3, 4) is None


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


def test_chart_sources_follow_inserted_rows(ss):
    src = {"sheetId": 0, "startRowIndex": 1, "endRowIndex": 5, "startColumnIndex": 2, "endColumnIndex": 3}
    apply(ss, {"addChart": {"chart": {"spec": {"basicChart": {"series": [{"series": {"sourceRange": {
        "sources": [src]}}}]}}, "position": {"overlayPosition": {"anchorCell": {"sheetId": 0}}}}}})
    apply(ss, {"insertDimension": {"range": {"sheetId": 0, "dimension": "ROWS", "startIndex": 0, "endIndex": 2}}})
    moved = ss.sheets[0].charts[0]["spec"]["basicChart"]["series"][0]["series"]["sourceRange"]["sources"][0]
    assert (moved["startRowIndex"], moved["endRowIndex"]) == (3, 7)


def test_formula_conditions_follow_inserted_rows(ss):
    apply(ss, {"addConditionalFormatRule": {"rule": {
        "ranges": [{"sheetId": 0, "startRowIndex": 1, "startColumnIndex": 1, "endColumnIndex": 2}],
        "booleanRule": {"condition": {"type": "CUSTOM_FORMULA", "values": [{"userEnteredValue": "=$C2>100"}]},
                        "format": {"backgroundColor": {"red": 1}}}}}},
        {"setDataValidation": {"range": {"sheetId": 0, "startRowIndex": 1, "endRowIndex": 3,
                                         "startColumnIndex": 0, "endColumnIndex": 1},
                               "rule": {"condition": {"type": "ONE_OF_RANGE",
                                                      "values": [{"userEnteredValue": "=Input!A2:A5"}]}}}})
    apply(ss, {"insertDimension": {"range": {"sheetId": 0, "dimension": "ROWS", "startIndex": 0, "endIndex": 1}}})
    sheet = ss.sheets[0]
    cond = sheet.conditional_formats[0]["booleanRule"]["condition"]
    assert cond["values"] == [{"userEnteredValue": "=$C3>100"}]
    assert sheet.validations[(2, 0)]["condition"]["values"] == [{"userEnteredValue": "=Input!A3:A6"}]
    assert conditional_format(ss, sheet, 2, 1) == {"backgroundColor": {"red": 1}}   # C3 = 120 after the shift


def test_dimension_groups_nest(ss):
    rows = {"sheetId": 0, "dimension": "ROWS"}
    out = apply(ss, {"addDimensionGroup": {"range": {**rows, "startIndex": 1, "endIndex": 10}}},
                {"addDimensionGroup": {"range": {**rows, "startIndex": 2, "endIndex": 4}}})
    groups = out["replies"][1]["addDimensionGroup"]["dimensionGroups"]
    assert [(g["range"]["startIndex"], g["range"]["endIndex"], g["depth"]) for g in groups] == [(1, 10, 1), (2, 4, 2)]
    apply(ss, {"updateDimensionGroup": {"dimensionGroup": {"range": {**rows, "startIndex": 2, "endIndex": 4},
                                                           "collapsed": True}, "fields": "collapsed"}})
    assert ss.sheets[0].row_groups[1]["collapsed"] is True
    out = apply(ss, {"deleteDimensionGroup": {"range": {**rows, "startIndex": 1, "endIndex": 10}}})
    assert [g["depth"] for g in out["replies"][0]["deleteDimensionGroup"]["dimensionGroups"]] == [1]


def test_dimension_groups_follow_inserted_rows(ss):
    rows = {"sheetId": 0, "dimension": "ROWS"}
    apply(ss, {"addDimensionGroup": {"range": {**rows, "startIndex": 3, "endIndex": 6}}})
    apply(ss, {"insertDimension": {"range": {**rows, "startIndex": 0, "endIndex": 2}}})
    assert ss.sheets[0].row_groups[0]["range"] == {**rows, "startIndex": 5, "endIndex": 8}


def test_cut_and_delete_range_rewrite_references(ss):
    sheet = ss.sheets[0]
    sheet.set(1, 4, None, "=C2+C3")
    sheet.set(2, 4, None, "=SUM(C4:C5)")
    apply(ss, {"cutPaste": {"source": {"sheetId": 0, "startRowIndex": 1, "endRowIndex": 3,
                                       "startColumnIndex": 2, "endColumnIndex": 3},
                            "destination": {"sheetId": 0, "rowIndex": 10, "columnIndex": 2}}})
    sheet = ss.sheets[0]
    assert sheet.formulas[(1, 4)] == "=C11+C12" and sheet.get(1, 4) == 200
    apply(ss, {"deleteRange": {"range": {"sheetId": 0, "startRowIndex": 3, "endRowIndex": 4,
                                         "startColumnIndex": 2, "endColumnIndex": 3},
                               "shiftDimension": "ROWS"}})
    sheet = ss.sheets[0]
    assert sheet.formulas[(1, 4)] == "=C10+C11" and sheet.get(1, 4) == 200
    assert sheet.formulas[(2, 4)] == "=SUM(C4:C5)"       # partly deleted range stays as written


def test_move_dimension_counts_before_removal(ss):
    apply(ss, {"moveDimension": {"source": {"sheetId": 0, "dimension": "ROWS", "startIndex": 1, "endIndex": 2},
                                 "destinationIndex": 4}})
    assert col(ss.sheets[0], 0, 5) == ["kecamatan", "Kalideres", "Cengkareng", "Cengkareng", "Tambora"]
    apply(ss, {"moveDimension": {"source": {"sheetId": 0, "dimension": "COLUMNS", "startIndex": 2, "endIndex": 3},
                                 "destinationIndex": 0}})
    assert [ss.sheets[0].get(0, c) for c in range(3)] == ["suara", "kecamatan", "tps"]


def test_insert_range_trim_dedupe(ss):
    sheet = ss.sheets[0]
    sheet.set(5, 0, "  Tambora   Barat ")
    sheet.set(6, 0, "Cengkareng")
    sheet.set(6, 1, 1)
    sheet.set(6, 2, 120)
    apply(ss, {"insertRange": {"range": {"sheetId": 0, "startRowIndex": 1, "endRowIndex": 2,
                                         "startColumnIndex": 0, "endColumnIndex": 1}, "shiftDimension": "ROWS"}})
    assert col(ss.sheets[0], 0, 4) == ["kecamatan", None, "Cengkareng", "Kalideres"]
    assert col(ss.sheets[0], 1, 3) == ["tps", 1, 2]                  # other columns stay
    ss2 = Store().create("t", sheet_titles=["Input"])
    for r, row in enumerate([["a", 1], ["b", 2], ["A", 1], [" c  d ", 3]]):
        for c, v in enumerate(row):
            ss2.sheets[0].set(r, c, v)
    out = apply(ss2, {"deleteDuplicates": {"range": {"sheetId": 0, "startRowIndex": 0, "endRowIndex": 4,
                                                     "startColumnIndex": 0, "endColumnIndex": 2}}},
                {"trimWhitespace": {"range": {"sheetId": 0, "startRowIndex": 0, "endRowIndex": 4}}})
    assert out["replies"] == [{"deleteDuplicates": {"duplicatesRemovedCount": 1}},
                              {"trimWhitespace": {"cellsChangedCount": 1}}]
    assert col(ss2.sheets[0], 0, 4) == ["a", "b", "c d", None]


def test_filter_views_and_banding_updates(ss):
    out = apply(ss, {"addFilterView": {"filter": {"title": "Cengkareng", "range": {"sheetId": 0}}}},
                {"addBanding": {"bandedRange": {"range": {"sheetId": 0, "startRowIndex": 0, "endRowIndex": 5},
                                                "rowProperties": {"firstBandColor": {"red": 1}}}}})
    view = out["replies"][0]["addFilterView"]["filter"]
    band = out["replies"][1]["addBanding"]["bandedRange"]
    apply(ss, {"updateFilterView": {"filter": {"filterViewId": view["filterViewId"], "title": "Kalideres"},
                                    "fields": "title"}},
          {"updateBanding": {"bandedRange": {"bandedRangeId": band["bandedRangeId"],
                                             "rowProperties": {"firstBandColor": {"blue": 1}}},
                             "fields": "rowProperties"}})
    sheet = ss.sheets[0]
    assert sheet.filter_views[0]["title"] == "Kalideres"
    assert sheet.banded_ranges[0]["rowProperties"] == {"firstBandColor": {"blue": 1}}
    apply(ss, {"deleteFilterView": {"filterId": view["filterViewId"]}})
    assert ss.sheets[0].filter_views == []


def test_valid_but_not_emulated_kind_says_so(ss):
    assert bad(ss, {"autoFill": {"useAlternateSeries": False}}) == (
        "Invalid requests[0].autoFill: this request is valid for Google but not emulated by sheetsync.")


def test_paste_data_and_text_to_columns_parse_as_typed(ss):
    apply(ss, {"pasteData": {"coordinate": {"sheetId": 0, "rowIndex": 6, "columnIndex": 0},
                             "data": "Palmerah;7;2024-11-27\nKembangan;8;12%", "delimiter": ";",
                             "type": "PASTE_NORMAL"}})
    sheet = ss.sheets[0]
    assert [sheet.get(6, c) for c in range(3)] == ["Palmerah", 7, 45623]
    assert sheet.formats[(6, 2)]["numberFormat"]["type"] == "DATE"
    assert [sheet.get(7, c) for c in range(3)] == ["Kembangan", 8, 0.12]
    sheet.set(9, 4, "Taman Sari,3,150")
    apply(ss, {"textToColumns": {"source": {"sheetId": 0, "startRowIndex": 9, "endRowIndex": 10,
                                            "startColumnIndex": 4, "endColumnIndex": 5},
                                 "delimiterType": "COMMA"}})
    assert [ss.sheets[0].get(9, c) for c in range(4, 7)] == ["Taman Sari", 3, 150]
