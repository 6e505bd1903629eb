"""Coordinators and numbers: the toolbar's Number (#,##0.00), currency and accounting formats
on the count columns, and an id_ID spreadsheet where "1.234" and "80,35" are typed with
USER_ENTERED as the Sheets UI does. Between syncs and while a sync runs; a second gspread
client is the coordinator (tests/coordinators.py)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from coordinators import (
    Desk,
    assert_one_status,
    coordinator,
    insert_own_column,
    lost,
    person_cells,
    sheet_statuses,
)
from sync_data import FULL_HEADER, all_tabs, config_for, seed, tps_sheet

from sheetsync.sync.run import SyncHooks

ROWS = 40
LAST = ROWS + 1
COUNTS = f"E2:N{LAST}"                      # DPT .. Pengguna Hak Pilih of FULL_HEADER


def typed_sheet(emu: Any, locale: str | None = None) -> Any:
    """Rows typed in the Sheets UI (USER_ENTERED: numbers are numbers), in the given locale."""
    values = tps_sheet(ROWS, 21)
    sh = seed(emu.client(), [values[0]])
    if locale:
        sh.batch_update({"requests": [{"updateSpreadsheetProperties": {
            "properties": {"locale": locale}, "fields": "locale"}}]})
    sh.sheet1.update(values[1:], "A2", value_input_option="USER_ENTERED")
    return sh


def toolbar_formats(ws: Any) -> None:
    """Format > Number, Currency (Rp) and Accounting on the count columns."""
    ws.format(COUNTS, {"numberFormat": {"type": "NUMBER", "pattern": "#,##0.00"}})
    ws.format(f"E2:E{LAST}", {"numberFormat": {"type": "CURRENCY", "pattern": '"Rp"#,##0.00'}})
    ws.format(f"L2:L{LAST}", {"numberFormat": {"type": "NUMBER",
                                              "pattern": '_(* #,##0.00_);_(* (#,##0.00);_(* "-"??_);_(@_)'}})


def test_formats_applied_while_a_sync_runs_change_no_status_no_total_no_request(emu: Any, tmp_path: Path) -> None:
    sh = typed_sheet(emu)
    desk = Desk(emu, config_for(sh, emu), tmp_path)
    first = desk.sync()
    statuses, tabs = sheet_statuses(sh), all_tabs(sh)
    ws = coordinator(emu, sh).worksheet("TPS")
    seen: dict[str, Any] = {}

    def formats_meanwhile() -> None:
        toolbar_formats(ws)
        seen["typed"] = person_cells(sh)
    desk.sync(hooks=SyncHooks(between_read_and_write=formats_meanwhile))
    assert ws.get("I2")[0][0].endswith(".00")                      # the sheet shows 478.00 now
    report = desk.idle()
    assert report.rows_by_status == first.rows_by_status and sheet_statuses(sh) == statuses
    assert all_tabs(sh)["Rekap Kecamatan"][1:] == tabs["Rekap Kecamatan"][1:]   # totals, TPS Lapor
    assert lost(seen["typed"], person_cells(sh)) == {}
    ws.update([["9999"]], "I3", value_input_option="USER_ENTERED")  # typed into a formatted cell
    before = person_cells(sh)
    report = desk.sync()
    assert sheet_statuses(sh)[3] == "SALAH" and lost(before, person_cells(sh)) == {}
    assert_one_status(sh, desk, report)
    desk.idle()


def test_an_id_ID_sheet_where_she_types_1234_and_80_35_as_the_ui_does(emu: Any, tmp_path: Path) -> None:
    sh = typed_sheet(emu, locale="id_ID")
    desk = Desk(emu, config_for(sh, emu), tmp_path)
    desk.sync()
    desk.idle()                                                    # 80,35 % shown: nothing rewritten
    ws = coordinator(emu, sh).worksheet("TPS")
    insert_own_column(ws, 5, ["Partisipasi (%)", "80,35", "1.234", "77,5"])   # hers, typed id_ID
    ws.update([["1.234"]], "F5", value_input_option="USER_ENTERED")        # DPT 1,234: over 600
    assert ws.get("F5", value_render_option="UNFORMATTED_VALUE")[0][0] == 1234
    assert ws.get("E2", value_render_option="UNFORMATTED_VALUE")[0][0] == 80.35
    before = person_cells(sh)
    report = desk.sync()
    assert sheet_statuses(sh)[5] == "SALAH" and lost(before, person_cells(sh)) == {}
    assert_one_status(sh, desk, report)
    seen: dict[str, Any] = {}

    def typed_meanwhile() -> None:
        ws.update([["80,35"], ["2.500"]], "E6:E7", value_input_option="USER_ENTERED")
        ws.update([["1.234"]], "F9", value_input_option="USER_ENTERED")
        seen["typed"] = person_cells(sh)
    desk.sync(hooks=SyncHooks(between_read_and_write=typed_meanwhile))
    assert lost(seen["typed"], person_cells(sh)) == {}
    report = desk.sync()
    assert sheet_statuses(sh)[9] == "SALAH"
    assert lost(seen["typed"], person_cells(sh)) == {}
    assert_one_status(sh, desk, report)
    desk.idle()
    kec = sh.worksheet("Rekap Kecamatan").get_values()
    assert any("," in cell for line in kec[3:] for cell in line)  # id_ID shows its decimals with a comma


def test_a_count_column_typed_80_35_in_id_ID_is_one_clear_status(emu: Any, tmp_path: Path) -> None:
    """"80,35" in a count column (a whole number of votes) is 80.35 in id_ID: the row is in
    error with a message in the config's language, and nothing she typed is changed."""
    sh = typed_sheet(emu, locale="id_ID")
    desk = Desk(emu, config_for(sh, emu), tmp_path)
    desk.sync()
    ws = coordinator(emu, sh).worksheet("TPS")
    ws.update([["80,35"]], "I4", value_input_option="USER_ENTERED")  # Paslon 1
    before = person_cells(sh)
    report = desk.sync()
    assert lost(before, person_cells(sh)) == {}
    assert sheet_statuses(sh)[4] == "SALAH"
    message = ws.cell(4, len(FULL_HEADER) + 2).value
    assert "Paslon 1" in message and "80" in message and len(message.splitlines()) == 1
    assert_one_status(sh, desk, report)
    desk.idle()
