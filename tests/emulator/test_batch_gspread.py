"""batchUpdate through the real gspread 6.2 client over HTTP (no mocks)."""
from __future__ import annotations

import gspread
import pytest

from google_emulator import GoogleEmulator


@pytest.fixture(scope="module")
def emu():
    with GoogleEmulator() as emu:
        yield emu


@pytest.fixture
def ws(emu):
    sh = emu.client().create("Rekap Jakarta Barat")
    ws = sh.sheet1
    ws.update([["kecamatan", "tps", "suara"], ["Cengkareng", 1, 120], ["Kalideres", 2, 80],
               ["Tambora", 3, 95]], "A1")
    return ws


def grid_cells(ws, a1):
    meta = ws.spreadsheet.fetch_sheet_metadata(
        {"includeGridData": "true", "ranges": [f"'{ws.title}'!{a1}"]})
    data = meta["sheets"][0]["data"][0]
    return [row.get("values", []) for row in data.get("rowData", [])]


def sheet_props(ws):
    meta = ws.spreadsheet.fetch_sheet_metadata()
    return next(s for s in meta["sheets"] if s["properties"]["sheetId"] == ws.id)


def test_format_sets_user_entered_format(ws):
    ws.format("A1:C1", {"textFormat": {"bold": True}, "backgroundColor": {"red": 1, "green": 0.9, "blue": 0.6}})
    cells = grid_cells(ws, "A1:C1")[0]
    assert len(cells) == 3
    for cell in cells:
        assert cell["userEnteredFormat"]["textFormat"] == {"bold": True}
        assert cell["effectiveFormat"]["textFormat"]["bold"] is True
        # stored at 8 bits per channel as Google stores it: 0.9 -> 229/255, 0.6 = 153/255
        assert cell["effectiveFormat"]["backgroundColor"] == {"red": 1, "green": 0.8980392, "blue": 0.6}
    assert cells[0]["formattedValue"] == "kecamatan"


def test_freeze_and_unfreeze(ws):
    ws.freeze(rows=1, cols=1)
    grid = sheet_props(ws)["properties"]["gridProperties"]
    assert grid["frozenRowCount"] == 1 and grid["frozenColumnCount"] == 1
    ws.freeze(rows=0, cols=0)
    grid = sheet_props(ws)["properties"]["gridProperties"]
    assert "frozenRowCount" not in grid and "frozenColumnCount" not in grid


def test_protected_range(ws):
    res = ws.add_protected_range("A1:C1", editor_users_emails=["koordinator@example.id"],
                                 description="header")
    pr = res["replies"][0]["addProtectedRange"]["protectedRange"]
    want = {"startRowIndex": 0, "endRowIndex": 1, "startColumnIndex": 0, "endColumnIndex": 3}
    if ws.id:  # Google leaves sheetId 0 out of ranges
        want["sheetId"] = ws.id
    assert pr["range"] == want
    listed = ws.spreadsheet.list_protected_ranges(ws.id)
    assert [p["protectedRangeId"] for p in listed] == [pr["protectedRangeId"]]
    assert "koordinator@example.id" in listed[0]["editors"]["users"]
    ws.delete_protected_range(pr["protectedRangeId"])
    assert ws.spreadsheet.list_protected_ranges(ws.id) == []


def test_sort(ws):
    ws.sort((3, "des"), range="A2:C4")
    assert ws.get_all_values()[1:] == [["Cengkareng", "1", "120"], ["Tambora", "3", "95"],
                                       ["Kalideres", "2", "80"]]
    ws.sort((1, "asc"), range="A2:C4")
    assert [r[0] for r in ws.get_all_values()[1:]] == ["Cengkareng", "Kalideres", "Tambora"]


def test_insert_and_delete_rows(ws):
    ws.update([["=SUM(C2:C4)"]], "E1", value_input_option="USER_ENTERED")
    ws.insert_rows([["Kebon Jeruk", 4, 100]], row=3)
    assert ws.row_count == 1001
    values = ws.get_all_values()
    assert values[2][:3] == ["Kebon Jeruk", "4", "100"] and values[3][0] == "Kalideres"
    assert ws.acell("E1", value_render_option="FORMULA").value == "=SUM(C2:C5)"
    assert ws.acell("E1").value == "395"
    ws.delete_rows(2)
    assert [r[0] for r in ws.get_all_values()] == ["kecamatan", "Kebon Jeruk", "Kalideres", "Tambora"]
    assert ws.acell("E1", value_render_option="FORMULA").value == "=SUM(C2:C4)"
    assert ws.acell("E1", value_render_option="UNFORMATTED_VALUE").value == 275


def test_add_duplicate_delete_worksheet(ws):
    sh = ws.spreadsheet
    new = sh.add_worksheet("Rekap Kecamatan", rows=20, cols=5)
    assert (new.title, new.row_count, new.col_count) == ("Rekap Kecamatan", 20, 5)
    with pytest.raises(gspread.exceptions.APIError) as info:
        sh.add_worksheet("rekap kecamatan", rows=1, cols=1)
    assert info.value.response.status_code == 400
    assert 'A sheet with the name "rekap kecamatan" already exists' in str(info.value)
    copy = ws.duplicate(new_sheet_name="Salinan")
    assert copy.get_all_values() == ws.get_all_values()
    assert [w.title for w in sh.worksheets()] == [ws.title, "Rekap Kecamatan", "Salinan"]
    sh.del_worksheet(new)
    assert [w.title for w in sh.worksheets()] == [ws.title, "Salinan"]


def test_bad_batch_applies_nothing(ws):
    sh = ws.spreadsheet
    body = {"requests": [
        {"addSheet": {"properties": {"title": "Tidak Jadi"}}},
        {"repeatCell": {"range": {"sheetId": ws.id, "startRowIndex": 0, "endRowIndex": 1},
                        "cell": {"userEnteredValue": {"stringValue": "X"}}, "fields": "userEnteredValue"}},
        {"deleteDimension": {"range": {"sheetId": ws.id, "dimension": "ROWS", "startIndex": 1, "endIndex": 2}}},
        {"deleteSheet": {"sheetId": 987654}},
    ]}
    before = ws.get_all_values()
    with pytest.raises(gspread.exceptions.APIError) as info:
        sh.batch_update(body)
    err = info.value.response.json()["error"]
    assert err == {"code": 400, "status": "INVALID_ARGUMENT",
                   "message": "Invalid requests[3].deleteSheet: No sheet with id: 987654"}
    assert [w.title for w in sh.worksheets()] == [ws.title]
    assert ws.get_all_values() == before


def test_unknown_request_is_400(ws):
    with pytest.raises(gspread.exceptions.APIError) as info:
        ws.spreadsheet.batch_update({"requests": [{"makeCoffee": {}}]})
    assert info.value.response.json()["error"]["message"].startswith(
        'Invalid JSON payload received. Unknown name "makeCoffee"')


def test_formulas_render_options(ws):
    ws.update([["=SUM(C2:C4)", "=AVERAGE(C2:C4)", "=C2/0", "=XLOOKUP(1,A1:A2,B1:B2)",
                "=IF(C2>100,\"OK\",\"PERIKSA\")", "='Nope'!A1"]], "E1", value_input_option="USER_ENTERED")
    assert ws.get("E1:J1")[0] == ["295", "98.33333333", "#DIV/0!", "#NAME?", "OK", "#REF!"]
    got = ws.get("E1:J1", value_render_option="UNFORMATTED_VALUE")[0]
    assert got[0] == 295 and abs(got[1] - 98.3333333333) < 1e-6 and got[2:] == ["#DIV/0!", "#NAME?", "OK", "#REF!"]
    assert ws.get("E1:F1", value_render_option="FORMULA")[0] == ["=SUM(C2:C4)", "=AVERAGE(C2:C4)"]
    ws.update([[200]], "C2")                          # dependants follow
    assert ws.acell("E1").value == "375"


def test_conditional_colour_in_effective_format(ws):
    ws.spreadsheet.batch_update({"requests": [{"addConditionalFormatRule": {"index": 0, "rule": {
        "ranges": [{"sheetId": ws.id, "startRowIndex": 1, "startColumnIndex": 2, "endColumnIndex": 3}],
        "booleanRule": {"condition": {"type": "NUMBER_LESS", "values": [{"userEnteredValue": "100"}]},
                        "format": {"backgroundColor": {"red": 0.96, "green": 0.8, "blue": 0.8}}}}}}]})
    cells = grid_cells(ws, "C2:C4")
    colours = [row[0]["effectiveFormat"].get("backgroundColor") for row in cells]
    assert colours[0] == {"red": 1, "green": 1, "blue": 1}
    assert colours[1] == colours[2] == {"red": 0.9607843, "green": 0.8, "blue": 0.8}  # 245/255


def test_copy_cut_merge_notes_and_validation(ws):
    ws.update([["=C2*2"]], "D2", value_input_option="USER_ENTERED")
    ws.copy_range("D2", "D3:D4")
    assert ws.get("D2:D4", value_render_option="FORMULA") == [["=C2*2"], ["=C3*2"], ["=C4*2"]]
    assert ws.get("D2:D4") == [["240"], ["160"], ["190"]]
    ws.cut_range("D2:D4", "F2")
    assert ws.get("D2:D4") == [[]] and ws.get("F2:F4", value_render_option="FORMULA")[0] == ["=C2*2"]
    ws.merge_cells("A6:C6")
    merge = {"startRowIndex": 5, "endRowIndex": 6, "startColumnIndex": 0, "endColumnIndex": 3}
    if ws.id:  # Google leaves sheetId 0 out of ranges
        merge["sheetId"] = ws.id
    assert sheet_props(ws)["merges"] == [merge]
    ws.unmerge_cells("A6:C6")
    assert "merges" not in sheet_props(ws)
    ws.update_note("A2", "cek ulang DPT")
    assert grid_cells(ws, "A2")[0][0]["note"] == "cek ulang DPT"
    ws.clear_note("A2")
    assert "note" not in grid_cells(ws, "A2")[0][0]
    ws.add_validation("A2:A4", gspread.utils.ValidationConditionType.one_of_list,
                      ["Cengkareng", "Kalideres", "Tambora"], showCustomUi=True)
    rule = grid_cells(ws, "A3")[0][0]["dataValidation"]
    assert rule["condition"]["type"] == "ONE_OF_LIST" and rule["showCustomUi"] is True


def test_rename_reorder_hide_and_named_range(ws):
    sh = ws.spreadsheet
    rekap = sh.add_worksheet("Rekap", rows=10, cols=3)
    rekap.update([["=SUM('Sheet1'!C2:C4)"]], "A1", value_input_option="USER_ENTERED")
    ws.update_title("Input TPS")
    assert rekap.acell("A1", value_render_option="FORMULA").value == "=SUM('Input TPS'!C2:C4)"
    assert rekap.acell("A1").value == "295"
    sh.reorder_worksheets([rekap, ws])
    assert [w.title for w in sh.worksheets()] == ["Rekap", "Input TPS"]
    ws.hide_columns(1, 2)
    meta = sh.fetch_sheet_metadata({"includeGridData": "true", "ranges": ["'Input TPS'!A1:C1"]})
    data = next(s for s in meta["sheets"] if s["properties"]["sheetId"] == ws.id)["data"][0]
    assert [c.get("hiddenByUser", False) for c in data["columnMetadata"]] == [False, True, False]
    ws.define_named_range("C2:C4", "Suara")
    rekap.update([["=SUM(Suara)"]], "B1", value_input_option="USER_ENTERED")
    assert rekap.acell("B1").value == "295"
    assert [n["name"] for n in sh.list_named_ranges()] == ["Suara"]


def test_number_formats_change_formatted_values(ws):
    ws.update([[1234.5, 0.125, 45623]], "E2")
    ws.format("E2", {"numberFormat": {"type": "NUMBER", "pattern": "#,##0"}})
    ws.format("F2", {"numberFormat": {"type": "PERCENT", "pattern": "0.0%"}})
    ws.format("G2", {"numberFormat": {"type": "DATE", "pattern": "d mmm yyyy"}})
    assert ws.get("E2:G2")[0] == ["1,235", "12.5%", "27 Nov 2024"]
    assert ws.get("E2:G2", value_render_option="UNFORMATTED_VALUE")[0] == [1234.5, 0.125, 45623]
    assert ws.get("G2", value_render_option="UNFORMATTED_VALUE",
                  date_time_render_option="FORMATTED_STRING")[0] == ["27 Nov 2024"]
    ws.update([["2024-11-28", "10%"]], "H2", value_input_option="USER_ENTERED")
    assert ws.get("H2:I2")[0] == ["2024-11-28", "10%"]
    assert ws.get("H2:I2", value_render_option="UNFORMATTED_VALUE")[0] == [45624, 0.1]


def test_indonesian_locale_through_gspread(ws):
    ws.spreadsheet.update_locale("id_ID")
    ws.update([["1.234,5", "27/11/2024", "11/27/2024"]], "E2", value_input_option="USER_ENTERED")
    assert ws.get("E2:G2", value_render_option="UNFORMATTED_VALUE")[0] == [1234.5, 45623, "11/27/2024"]
    assert ws.get("E2:G2")[0] == ["1.234,50", "27/11/2024", "11/27/2024"]


def test_insert_and_delete_columns(ws):
    ws.update([["=SUM(C2:C4)"]], "E1", value_input_option="USER_ENTERED")
    ws.spreadsheet.batch_update({"requests": [{"insertDimension": {"range": {
        "sheetId": ws.id, "dimension": "COLUMNS", "startIndex": 1, "endIndex": 2}}}]})
    ws.update([["kelurahan"], ["Kapuk"], ["Kamal"], ["Jembatan Besi"]], "B1")
    assert ws.spreadsheet.worksheet(ws.title).col_count == 27
    assert ws.row_values(1)[:4] == ["kecamatan", "kelurahan", "tps", "suara"]
    assert ws.acell("F1", value_render_option="FORMULA").value == "=SUM(D2:D4)"
    ws.delete_columns(2)
    assert ws.row_values(2)[:3] == ["Cengkareng", "1", "120"]
    assert ws.acell("E1", value_render_option="FORMULA").value == "=SUM(C2:C4)"
    assert ws.acell("E1").value == "295"


def test_dimension_groups_through_gspread(ws):
    ws.add_dimension_group_rows(2, 4)
    ws.add_dimension_group_rows(3, 4)
    groups = ws.list_dimension_group_rows()
    assert [(g["range"]["startIndex"], g["range"]["endIndex"], g["depth"]) for g in groups] == [(2, 4, 1), (3, 4, 2)]   # gspread sends the indexes as given
    ws.delete_dimension_group_rows(2, 4)
    assert [g["depth"] for g in ws.list_dimension_group_rows()] == [1]
