"""Values edges as Google's recordings show them: append's table detection and what a write
reports as updated (cells actually set, distinct rows and columns)."""
from __future__ import annotations

from tests.emulator._emu_support import emu, gc, raw, sh  # noqa: F401


def _append(raw, sid: str, rng: str, values, **params):
    params.setdefault("valueInputOption", "RAW")
    r = raw("POST", f"/v4/spreadsheets/{sid}/values/{rng}:append", params=params, json={"values": values})
    assert r.status_code == 200, r.text
    return r.json()


def test_row_with_blank_cell_drifts_right_as_in_google(sh):
    # Google: A1 and C1 are two tables; the whole-sheet append continues the last one (C1).
    row = ["TPS 001", "", "Tambora"]
    ws = sh.sheet1
    ws.append_row(row)
    answer = ws.append_row(row)
    assert answer["tableRange"] == "Sheet1!C1"
    assert answer["updates"]["updatedRange"] == "Sheet1!C2:E2"
    assert ws.row_values(2) == ["", ""] + row


def test_table_range_a1_keeps_the_first_column(sh):
    ws = sh.sheet1
    row = ["TPS 001", "", "Tambora"]
    ws.append_row(row)
    answer = ws.append_row(row, table_range="A1")
    assert answer["tableRange"] == "Sheet1!A1"
    assert answer["updates"]["updatedRange"] == "Sheet1!A2:C2"


def test_insert_cols_lands_in_the_inserted_columns(sh):
    ws = sh.sheet1
    ws.update([[f"r{r}c{c}" for c in range(4)] for r in range(4)], "A1")
    answer = ws.insert_cols([["k1", "k2", "k3", "k4"], ["m1", "m2", "m3", "m4"]], 2)
    assert answer["updates"]["updatedRange"] == "Sheet1!B1:C4"
    assert "tableRange" not in answer
    assert ws.get("B1:C4") == [["k1", "m1"], ["k2", "m2"], ["k3", "m3"], ["k4", "m4"]]
    assert ws.get("D1:D2") == [["r0c1"], ["r1c1"]]


def test_table_grows_from_the_last_filled_cell(raw, sh):
    sid = sh.id
    sh.sheet1.update([["Kecamatan", "TPS"], ["Tambora", 1], ["Taman Sari", 2]], "A1")
    sh.sheet1.update([["catatan"]], "E10")  # a note far below: the last filled cell of the sheet
    out = _append(raw, sid, "Sheet1", [["Cengkareng", 3]])
    assert out["tableRange"] == "Sheet1!E10"
    assert out["updates"]["updatedRange"] == "Sheet1!E11:F11"
    out = _append(raw, sid, "Sheet1!A:B", [["Cengkareng", 3]])
    assert out["tableRange"] == "Sheet1!A1:B3"
    assert out["updates"]["updatedRange"] == "Sheet1!A4:B4"


def test_counts_are_cells_set_not_the_rectangle(sh):
    ws = sh.sheet1
    grid = [[None] * 4 for _ in range(6)]
    grid[1][2], grid[4][0] = "Tambora", "Palmerah"
    answer = ws.update(grid, "A1:D6")
    assert answer["updatedRange"] == "Sheet1!A1:D6"
    assert (answer["updatedRows"], answer["updatedColumns"], answer["updatedCells"]) == (2, 2, 2)
    answer = ws.update([["Kecamatan", "TPS", "DPT"], ["Tambora", 1]], "A1")  # ragged rows
    assert answer["updatedCells"] == 5 and answer["updatedColumns"] == 3


def test_batch_totals_count_distinct_columns(sh):
    ws = sh.sheet1
    answer = ws.batch_update([{"range": "A1:D1", "values": [["A1", "B1", "", "D1"]]},
                              {"range": "A4:D4", "values": [["A4", "B4", "", "D4"]]}])
    assert {k: v for k, v in answer.items() if k.startswith("total")} == {
        "totalUpdatedRows": 2, "totalUpdatedColumns": 4, "totalUpdatedCells": 8, "totalUpdatedSheets": 1}


def _pixel_sizes(sh, key: str) -> list[int]:
    meta = sh.fetch_sheet_metadata(params={"fields": f"sheets.data.{key}"})
    return [m["pixelSize"] for m in meta["sheets"][0]["data"][0][key]]


def test_auto_resize_columns_follows_content(sh):
    ws = sh.sheet1
    ws.update([["Kelurahan Kedoya Utara, Kebon Jeruk, Jakarta Barat", "TPS", ""]], "A1")
    ws.columns_auto_resize(0, 3)
    widths = _pixel_sizes(sh, "columnMetadata")
    assert widths[0] > 100 > widths[1]  # the estimate: 7 px a character + 10 px
    assert widths[2] == 100  # an empty column keeps its width


def test_auto_resize_rows_follows_lines(sh):
    ws = sh.sheet1
    ws.update([["Tambora\nRT 01\nRW 02"], ["Palmerah"]], "A1")
    ws.rows_auto_resize(0, 2)
    heights = _pixel_sizes(sh, "rowMetadata")
    assert heights[0] > heights[1] == 21
