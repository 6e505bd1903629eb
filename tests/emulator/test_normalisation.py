"""spreadsheets.get answers what Google stores, not what was sent (values from Google's recordings)."""
from __future__ import annotations

import pytest

from tests.emulator._emu_support import emu, gc, sh  # noqa: F401


def _sheet(sh, sheet_id: int = 0) -> dict:
    return next(s for s in sh.fetch_sheet_metadata()["sheets"] if s["properties"]["sheetId"] == sheet_id)


def test_colours_at_8_bits_with_zero_channels_left_out(sh):
    sh.batch_update({"requests": [{"updateSheetProperties": {"properties": {
        "sheetId": 0, "tabColorStyle": {"rgbColor": {"red": 1, "green": 0, "blue": 0.5}}}, "fields": "tabColorStyle"}}]})
    props = _sheet(sh)["properties"]
    assert props["tabColorStyle"] == {"rgbColor": {"red": 1, "blue": 0.49803922}}  # 127/255
    assert props["tabColor"] == {"red": 1, "blue": 0.49803922}


@pytest.mark.parametrize("sent, stored", [(0.9, 0.8980392), (0.96, 0.9607843),
                                          (127 / 255, 0.49803922), (0.001, None)])
def test_channel_rounding(sh, sent, stored):
    sh.sheet1.format("A1", {"backgroundColor": {"red": sent}})
    data = sh._spreadsheets_get({"ranges": ["Sheet1!A1"], "fields": "sheets.data.rowData.values.userEnteredFormat"})
    fmt = data["sheets"][0]["data"][0]["rowData"][0]["values"][0]["userEnteredFormat"]
    assert fmt["backgroundColor"] == ({"red": stored} if stored is not None else {})


def test_user_entered_format_has_colour_styles_beside_plain_colours(sh):
    sh.sheet1.format("A2:B2", {"backgroundColor": {"green": 1, "blue": 1},
                               "textFormat": {"foregroundColor": {"red": 1, "green": 1}, "bold": True}})
    data = sh._spreadsheets_get({"ranges": ["Sheet1!A2"], "fields": "sheets.data.rowData.values.userEnteredFormat"})
    fmt = data["sheets"][0]["data"][0]["rowData"][0]["values"][0]["userEnteredFormat"]
    assert fmt["backgroundColorStyle"] == {"rgbColor": {"green": 1, "blue": 1}}
    assert fmt["textFormat"]["foregroundColorStyle"] == {"rgbColor": {"red": 1, "green": 1}}


def test_clearing_the_tab_colour(sh):
    ws = sh.sheet1
    ws.update_tab_color("#FF0000")
    ws.clear_tab_color()
    props = _sheet(sh)["properties"]
    assert "tabColor" not in props and "tabColorStyle" not in props


def test_sheet_id_zero_left_out_of_ranges(sh):
    ws = sh.sheet1
    other = sh.add_worksheet("Rekap Kecamatan", 10, 5)
    ws.merge_cells("A1:B2")
    other.merge_cells("A1:B2")
    sh.batch_update({"requests": [
        {"addNamedRange": {"namedRange": {"name": "Suara", "range": {
            "sheetId": 0, "startRowIndex": 0, "endRowIndex": 3, "startColumnIndex": 0, "endColumnIndex": 2}}}},
        {"addProtectedRange": {"protectedRange": {"range": {"sheetId": 0, "startRowIndex": 0, "endRowIndex": 1}}}},
        {"addDimensionGroup": {"range": {"sheetId": 0, "dimension": "ROWS", "startIndex": 2, "endIndex": 5}}},
    ]})
    meta = sh.fetch_sheet_metadata()
    first, second = meta["sheets"]
    assert first["merges"] == [{"startRowIndex": 0, "endRowIndex": 2, "startColumnIndex": 0, "endColumnIndex": 2}]
    assert second["merges"][0]["sheetId"] == other.id
    assert first["protectedRanges"][0]["range"] == {"startRowIndex": 0, "endRowIndex": 1}
    assert first["rowGroups"][0]["range"] == {"dimension": "ROWS", "startIndex": 2, "endIndex": 5}
    assert meta["namedRanges"][0]["range"] == {"startRowIndex": 0, "endRowIndex": 3,
                                               "startColumnIndex": 0, "endColumnIndex": 2}
    assert first["properties"]["sheetId"] == 0  # the sheet's own id stays


def test_false_flags_left_out(sh):
    ws = sh.sheet1
    other = sh.add_worksheet("Arsip", 10, 5)
    other.hide()
    other.show()
    ws.hide_gridlines()
    ws.show_gridlines()
    meta = sh.fetch_sheet_metadata()
    assert meta["sheets"][1]["properties"].get("hidden", "absent") == "absent"
    assert meta["sheets"][0]["properties"]["gridProperties"] == {"rowCount": 1000, "columnCount": 26}


def test_filter_and_rule_ranges_bounded_to_the_grid(sh):
    ws = sh.sheet1
    ws.resize(20, 20)
    ws.set_basic_filter()
    sh.batch_update({"requests": [{"addConditionalFormatRule": {"index": 0, "rule": {
        "ranges": [{"sheetId": 0, "startColumnIndex": 1, "endColumnIndex": 2}],
        "booleanRule": {"condition": {"type": "NUMBER_GREATER", "values": [{"userEnteredValue": "5"}]},
                        "format": {"backgroundColor": {"red": 1}}}}}}]})
    sheet = _sheet(sh)
    assert sheet["basicFilter"]["range"] == {"startRowIndex": 0, "endRowIndex": 20,
                                             "startColumnIndex": 0, "endColumnIndex": 20}
    assert sheet["conditionalFormats"][0]["ranges"] == [{"startRowIndex": 0, "endRowIndex": 20,
                                                         "startColumnIndex": 1, "endColumnIndex": 2}]


def test_theme_and_default_format_colour_styles(sh):
    props = sh.fetch_sheet_metadata()["properties"]
    theme = props["spreadsheetTheme"]
    assert theme["primaryFontFamily"] == "Arial"
    accent1 = next(t for t in theme["themeColors"] if t["colorType"] == "ACCENT1")
    assert accent1["color"] == {"rgbColor": {"red": 0.25882354, "green": 0.52156866, "blue": 0.95686275}}
    default = props["defaultFormat"]
    assert default["backgroundColorStyle"] == {"rgbColor": {"red": 1, "green": 1, "blue": 1}}
    assert default["textFormat"]["foregroundColorStyle"] == {"rgbColor": {}}


def test_default_font_family_as_google_names_it(sh):
    default = sh.fetch_sheet_metadata()["properties"]["defaultFormat"]
    assert default["textFormat"]["fontFamily"] == "arial,sans,sans-serif"


def test_json_errors_carry_bad_request_details(sh):
    from gspread.exceptions import APIError
    with pytest.raises(APIError) as caught:
        sh.sheet1.update(values="X", range_name="A1")  # Google's recording: same call, same body
    error = caught.value.error
    assert error["message"].startswith("Invalid value at 'data.values'")
    assert error["details"] == [{"@type": "type.googleapis.com/google.rpc.BadRequest", "fieldViolations": [
        {"field": "data.values", "description": error["message"]}]}]
    with pytest.raises(APIError) as caught:
        sh.batch_update({"requests": [{"addSheet": {"properties": {"title": "x"}, "bogus": 1}}]})
    violation = caught.value.error["details"][0]["fieldViolations"][0]
    assert violation["description"] == caught.value.error["message"]
    with pytest.raises(APIError) as caught:
        sh.sheet1.get("Tidak Ada!A1")  # a bad range: Google's body has no details
    assert "details" not in caught.value.error


def test_batch_replies_leave_sheet_id_zero_out(sh):
    replies = sh.batch_update({"requests": [
        {"addNamedRange": {"namedRange": {"name": "Suara", "range": {
            "sheetId": 0, "startRowIndex": 0, "endRowIndex": 3, "startColumnIndex": 1, "endColumnIndex": 3}}}},
        {"addDimensionGroup": {"range": {"sheetId": 0, "dimension": "COLUMNS", "startIndex": 0, "endIndex": 2}}},
    ]})["replies"]
    # Google's recordings of the same two requests
    assert replies[0]["addNamedRange"]["namedRange"]["range"] == {
        "startRowIndex": 0, "endRowIndex": 3, "startColumnIndex": 1, "endColumnIndex": 3}
    assert replies[1] == {"addDimensionGroup": {"dimensionGroups": [
        {"range": {"dimension": "COLUMNS", "startIndex": 0, "endIndex": 2}, "depth": 1}]}}


def test_group_controls_shown_once_groups_exist(sh):
    ws = sh.sheet1
    ws.add_dimension_group_columns(0, 2)
    ws.add_dimension_group_rows(1, 3)
    grid = _sheet(sh)["properties"]["gridProperties"]
    assert grid["columnGroupControlAfter"] is True and grid["rowGroupControlAfter"] is True


def test_group_control_stays_and_last_group_deletion_answers_empty(sh):
    ws = sh.sheet1
    ws.add_dimension_group_columns(0, 2)
    reply = ws.delete_dimension_group_columns(0, 2)["replies"][0]
    assert reply == {"deleteDimensionGroup": {}}  # Google's recording: no empty list
    assert _sheet(sh)["properties"]["gridProperties"]["columnGroupControlAfter"] is True


def test_a_theme_sent_at_create_comes_back_normalised(gc):
    theme = {"primaryFontFamily": "Roboto", "themeColors": [
        {"colorType": "ACCENT1", "color": {"rgbColor": {"red": 0.5, "green": 0, "blue": 1}}}]}
    created = gc.http_client.request("post", "https://sheets.googleapis.com/v4/spreadsheets", json={
        "properties": {"title": "Tema", "spreadsheetTheme": theme}}).json()
    got = gc.open_by_key(created["spreadsheetId"]).fetch_sheet_metadata()["properties"]["spreadsheetTheme"]
    assert got["themeColors"] == [{"colorType": "ACCENT1", "color": {"rgbColor": {"red": 0.49803922, "blue": 1}}}]
