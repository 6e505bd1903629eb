"""Every gspread 6.2 method sheetsync or a typical script calls, through real gspread over HTTP."""
from __future__ import annotations

import gspread
import pytest
from gspread.utils import ValueRenderOption

from _emu_support import emu, gc, sh  # noqa: F401  (fixtures)

ROWS = [["Kecamatan", "TPS", "DPT", "Sah"],
        ["Cengkareng", "1", "512", "=C2-12"],
        ["Kalideres", "2", "480", "TRUE"]]


def test_create_open_by_key_and_worksheets(gc, sh):
    assert len(sh.id) == 44
    again = gc.open_by_key(sh.id)
    assert again.title == "Rekap Pilkada"
    ws = again.worksheets()
    assert [w.title for w in ws] == ["Sheet1"] and ws[0].id == 0
    assert (ws[0].row_count, ws[0].col_count) == (1000, 26)


def test_open_by_title_and_missing(gc, sh):
    assert gc.open("Rekap Pilkada").id in {f["id"] for f in gc.list_spreadsheet_files("Rekap Pilkada")}
    with pytest.raises(gspread.SpreadsheetNotFound):
        gc.open("Tidak Ada Sheet Ini")
    with pytest.raises(gspread.SpreadsheetNotFound):
        gc.open_by_key("x" * 44)


def test_update_user_entered_then_render_options(sh):
    ws = sh.sheet1
    resp = ws.update(ROWS, "A1", value_input_option="USER_ENTERED")
    assert resp["updatedRange"] == "Sheet1!A1:D3"
    assert (resp["updatedRows"], resp["updatedColumns"], resp["updatedCells"]) == (3, 4, 12)
    assert ws.get_all_values() == [["Kecamatan", "TPS", "DPT", "Sah"],
                                   ["Cengkareng", "1", "512", "500"],
                                   ["Kalideres", "2", "480", "TRUE"]]
    unformatted = ws.get("A2:D3", value_render_option=ValueRenderOption.unformatted)
    assert unformatted == [["Cengkareng", 1, 512, 500], ["Kalideres", 2, 480, True]]
    formula = ws.get("D2", value_render_option=ValueRenderOption.formula)
    assert formula == [["=C2-12"]]
    assert formula.range == "Sheet1!D2"


def test_update_raw_keeps_text(sh):
    ws = sh.sheet1
    ws.update(ROWS, "A1")  # gspread's default is RAW
    got = ws.get("B2:D2", value_render_option=ValueRenderOption.unformatted)
    assert got == [["1", "512", "=C2-12"]]  # text stays text, a formula is just a string


def test_batch_get_and_batch_update(sh):
    ws = sh.sheet1
    ws.batch_update([{"range": "A1:B2", "values": [[1, "=A1*2"], ["x", "y"]]},
                     {"range": "D5", "values": [["5%"]]}], value_input_option="USER_ENTERED")
    got = ws.batch_get(["A1:B2", "D5", "Z1"])
    assert got[0] == [["1", "2"], ["x", "y"]]
    assert got[1] == [["5.00%"]] or got[1] == [["5%"]]
    assert got[2] == []
    raw = ws.batch_get(["D5"], value_render_option=ValueRenderOption.unformatted)
    assert raw[0] == [[0.05]]
    ws.batch_update([{"range": "A1", "values": [["=1+1"]]}], value_input_option="RAW")
    assert ws.get("A1", value_render_option=ValueRenderOption.formula) == [["=1+1"]]
    assert ws.acell("A1").value == "=1+1"


def test_append_rows_finds_table_and_grows_grid(sh):
    ws = sh.sheet1
    ws.resize(rows=3)
    ws.update(ROWS, "A1")
    resp = ws.append_rows([["Tambora", 3, 400, 390], ["Taman Sari", 4, 410, 401]])
    assert resp["tableRange"] == "Sheet1!A1:D3"
    assert resp["updates"]["updatedRange"] == "Sheet1!A4:D5"
    assert resp["updates"]["updatedCells"] == 8
    ws2 = sh.worksheet("Sheet1")
    assert ws2.row_count == 5  # grew by exactly the rows appended
    assert ws.get_all_values()[-1] == ["Taman Sari", "4", "410", "401"]


def test_insert_and_delete_rows(sh):
    ws = sh.sheet1
    ws.update(ROWS, "A1")
    ws.insert_rows([["Kembangan", "9", "300", "290"]], row=2)
    assert ws.col_values(1)[:3] == ["Kecamatan", "Kembangan", "Cengkareng"]
    assert sh.sheet1.row_count == 1001
    ws.delete_rows(2, 3)
    assert ws.get_all_values() == [ROWS[0], ROWS[2]]
    assert sh.sheet1.row_count == 999


def test_add_and_delete_worksheet(sh):
    new = sh.add_worksheet("Rekap Kecamatan", rows=20, cols=5)
    assert (new.row_count, new.col_count) == (20, 5)
    new.update([["a", "b"]], "A1")
    assert sh.values_get("'Rekap Kecamatan'!A1:B1")["values"] == [["a", "b"]]
    with pytest.raises(gspread.exceptions.APIError) as exc:
        sh.add_worksheet("Rekap Kecamatan", rows=2, cols=2)
    assert exc.value.response.status_code == 400
    sh.del_worksheet(new)
    assert [w.title for w in sh.worksheets()] == ["Sheet1"]


def test_freeze_and_format(sh):
    ws = sh.sheet1
    ws.update(ROWS, "A1")
    ws.freeze(rows=1, cols=1)
    props = sh.fetch_sheet_metadata()["sheets"][0]["properties"]["gridProperties"]
    assert props["frozenRowCount"] == 1 and props["frozenColumnCount"] == 1
    ws.format("A1:D1", {"textFormat": {"bold": True}})
    meta = sh.fetch_sheet_metadata({"includeGridData": "true", "ranges": "Sheet1!A1:B1"})
    cell = meta["sheets"][0]["data"][0]["rowData"][0]["values"][0]
    assert cell["userEnteredFormat"]["textFormat"]["bold"] is True
    assert cell["userEnteredValue"] == {"stringValue": "Kecamatan"}
    assert cell["formattedValue"] == "Kecamatan"


def test_add_protected_range(sh):
    ws = sh.sheet1
    resp = ws.add_protected_range("A1:D1", editor_users_emails=["saksi@example.com"],
                                  description="header")
    pr = resp["replies"][0]["addProtectedRange"]["protectedRange"]
    assert "sheetId" not in pr["range"] and pr["description"] == "header"  # Google leaves sheetId 0 out
    assert isinstance(pr["protectedRangeId"], int)
    listed = sh.fetch_sheet_metadata()["sheets"][0]["protectedRanges"]
    assert listed[0]["protectedRangeId"] == pr["protectedRangeId"]


def test_sort(sh):
    ws = sh.sheet1
    ws.update([["Kec", "Suara"], ["B", 5], ["A", 7], ["C", 1]], "A1")
    ws.sort((2, "des"), range="A2:B4")
    assert ws.get_all_values() == [["Kec", "Suara"], ["A", "7"], ["B", "5"], ["C", "1"]]


def test_share_and_permissions(sh):
    sh.share("saksi@example.com", perm_type="user", role="writer", notify=False)
    perms = sh.list_permissions()
    assert {p.get("emailAddress"): p["role"] for p in perms}["saksi@example.com"] == "writer"
    pid = next(p["id"] for p in perms if p.get("emailAddress") == "saksi@example.com")
    sh.remove_permissions("saksi@example.com")
    assert pid not in {p["id"] for p in sh.list_permissions()}


def test_del_spreadsheet(gc):
    tmp = gc.create("sementara")
    gc.del_spreadsheet(tmp.id)
    with pytest.raises(gspread.SpreadsheetNotFound):
        gc.open_by_key(tmp.id)


def test_copy_spreadsheet(gc, sh):
    sh.sheet1.update([["salin"]], "A1")
    dup = gc.copy(sh.id, title="Salinan", copy_comments=False)
    assert dup.title == "Salinan" and dup.id != sh.id
    assert dup.sheet1.get_all_values() == [["salin"]]


def test_worksheet_named_like_a_cell(sh):
    ws = sh.add_worksheet("CRM26", rows=5, cols=3)
    ws.update([["isi"]], "A1")
    assert ws.get_all_values() == [["isi"]]  # gspread quotes: 'CRM26'
    assert sh.worksheet("CRM26").acell("A1").value == "isi"


def test_batch_get_formula_and_columns(sh):
    ws = sh.sheet1
    ws.update([[1, "=A1+1"], [2, "=A2*10"]], "A1", value_input_option="USER_ENTERED")
    assert ws.batch_get(["A1:B2"], value_render_option=ValueRenderOption.formula)[0] == [[1, "=A1+1"], [2, "=A2*10"]]
    assert ws.get("A1:B2", major_dimension="COLUMNS") == [["1", "2"], ["2", "20"]]


def test_other_common_methods(gc, sh):
    ws = sh.sheet1
    ws.update([["kecamatan", "tps"], ["Tambora", 3], ["Cengkareng", 4]], "A1")
    assert ws.get_all_records() == [{"kecamatan": "Tambora", "tps": 3}, {"kecamatan": "Cengkareng", "tps": 4}]
    ws.update_acell("C1", "catatan")
    assert ws.cell(1, 3).value == "catatan" and ws.row_values(1) == ["kecamatan", "tps", "catatan"]
    assert ws.col_values(2) == ["tps", "3", "4"]
    assert ws.find("Cengkareng").row == 3
    ws.batch_clear(["C1"])
    assert ws.row_values(1) == ["kecamatan", "tps"]
    ws.update_title("Input TPS")
    sh.update_title("Rekap Baru")
    assert gc.open_by_key(sh.id).title == "Rekap Baru" and sh.worksheet("Input TPS").id == 0
    dup = ws.duplicate(new_sheet_name="Cadangan")
    assert dup.get_all_values() == ws.get_all_values()
    other = gc.create("Tujuan")
    copied = ws.copy_to(other.id)
    assert copied["title"] == "Copy of Input TPS"
    assert other.worksheet("Copy of Input TPS").acell("A2").value == "Tambora"
    ws.clear()
    assert "values" not in sh.values_get("'Input TPS'!A1:Z10")  # empty: no "values" key
    assert sh.get_lastUpdateTime().endswith("Z")


def test_notes_on_a_second_sheet(sh):
    ws = sh.add_worksheet("Catatan", rows=5, cols=3)
    ws.insert_note("B2", "cek ulang DPT")
    assert ws.get_note("B2") == "cek ulang DPT"  # gspread reads sheets[0] of a ranges= answer
    assert sh.sheet1.get_note("B2") == ""


def test_export_named_range_and_ownership(gc, sh):
    import io

    import openpyxl
    from gspread.utils import ExportFormat
    ws = sh.sheet1
    ws.update([["Kecamatan", "Suara"], ["Tambora, Barat", 1200.5]], "A1")
    assert sh.export(ExportFormat.CSV) == b'Kecamatan,Suara\r\n"Tambora, Barat",1200.5'
    book = openpyxl.load_workbook(io.BytesIO(sh.export(ExportFormat.EXCEL)))
    assert [[c.value for c in r] for r in book["Sheet1"].iter_rows()] == [["Kecamatan", "Suara"],
                                                                           ["Tambora, Barat", 1200.5]]
    with pytest.raises(gspread.exceptions.APIError) as exc:
        sh.export(ExportFormat.PDF)
    assert exc.value.response.status_code == 400
    ws.define_named_range("A1:B2", "Rekap")
    assert [c.value for c in sh.named_range("Rekap")] == ["Kecamatan", "Suara", "Tambora, Barat", "1200.5"]
    sh.share("baru@example.com", perm_type="user", role="writer", notify=False)
    pid = next(p["id"] for p in sh.list_permissions() if p.get("emailAddress") == "baru@example.com")
    sh.transfer_ownership(pid)
    assert next(p for p in sh.list_permissions() if p["id"] == pid)["pendingOwner"] is True
    sh.accept_ownership(pid)
    roles = {p.get("emailAddress"): p["role"] for p in sh.list_permissions()}
    assert roles["baru@example.com"] == "owner" and roles["emulator@sheetsync.local"] == "writer"


def test_concurrent_appends_lose_nothing(emu, sh):
    import threading
    sh.sheet1.update([["saksi", "n"]], "A1")
    errors = []

    def saksi(k: int) -> None:
        try:
            ws = emu.client(token=f"saksi-{k}").open_by_key(sh.id).sheet1
            for i in range(8):
                ws.append_rows([[f"saksi-{k}", i]])
        except Exception as exc:  # collected, asserted below
            errors.append(exc)

    threads = [threading.Thread(target=saksi, args=(k,)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    rows = sh.sheet1.get_all_values()[1:]
    assert len(rows) == 32 and len({tuple(r) for r in rows}) == 32


def test_formula_of_a_date_shows_a_date_and_row_groups(sh):
    ws = sh.sheet1
    ws.update([["2024-11-27", "=A1", "=A1+1"]], "A1", value_input_option="USER_ENTERED")
    assert ws.get("A1:C1") == [["2024-11-27", "2024-11-27", "2024-11-28"]]
    ws.add_dimension_group_rows(1, 3)
    groups = ws.list_dimension_group_rows()
    assert groups[0]["range"]["startIndex"] == 1 and groups[0]["depth"] == 1


def test_import_csv_replaces_the_spreadsheet(gc, sh):
    sh.add_worksheet("dibuang", rows=2, cols=2)
    gc.import_csv(sh.id, "Kecamatan,TPS,Tanggal\nTambora,12,2024-11-27\n")
    tabs = sh.worksheets()
    # as Google: one sheet named after the file, a new sheet's grid (1000 x 26)
    assert [w.title for w in tabs] == [sh.title] and (tabs[0].row_count, tabs[0].col_count) == (1000, 26)
    assert tabs[0].get("A1:C2", value_render_option=ValueRenderOption.unformatted) == [
        ["Kecamatan", "TPS", "Tanggal"], ["Tambora", 12, 45623]]
