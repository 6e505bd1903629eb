"""batchUpdate on the model: paste/cut, deleteRange, findReplace, less common requests,
conditional formats, charts, metadata, groups (batch_paste/edit/more/misc, conditional)."""
from __future__ import annotations

from _batch_support import apply, bad, col, ss  # noqa: F401  (ss is a fixture)
from sheetsync.emulator.conditional import conditional_format
from sheetsync.emulator.model import Store



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
    # replies carry the colour style beside the plain colour, as Google's do
    assert out["replies"][0]["deleteConditionalFormatRule"]["rule"]["booleanRule"]["format"] == {
        "backgroundColor": red, "backgroundColorStyle": {"rgbColor": red}}
    assert len(ss.sheets[0].conditional_formats) == 2


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
