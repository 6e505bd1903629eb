"""sync reads values, not formats: a number format, a currency or the id_ID locale
changes no status, no total and no request count (real gspread against the emulator;
a second client plays the coordinator who formats the sheet)."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from sheetsync.sync.run import sync
from sync_data import FULL_HEADER, all_tabs, config_for, seed, settled_counters, tps_sheet

NOW = datetime(2024, 11, 27, 21, 5, 0, tzinfo=ZoneInfo("Asia/Jakarta"))
COUNTS = "E2:N40"          # DPT .. Pengguna Hak Pilih of FULL_HEADER


@pytest.fixture()
def run(tmp_path, emu):
    def _run(config, now=NOW):
        before = settled_counters(emu)
        report = sync(config, client=emu.client(), lock_dir=str(tmp_path), now=now)
        after = settled_counters(emu)
        return report, {"requests": after["requests"] - before["requests"],
                        "cells_written": after["cells_written"] - before["cells_written"]}
    return _run


def typed_sheet(emu, *, locale: str | None = None, n: int = 30):
    """Rows entered as a volunteer types them in the Sheets UI (USER_ENTERED: numbers are numbers)."""
    values = tps_sheet(n, 3)
    sh = seed(emu.client(), [values[0]])
    if locale:
        sh.batch_update({"requests": [{"updateSpreadsheetProperties": {
            "properties": {"locale": locale}, "fields": "locale"}}]})
    sh.sheet1.update(values[1:], "A2", value_input_option="USER_ENTERED")
    sh.sheet1.update([["1.234"]], "E7", value_input_option="RAW")     # DPT typed as text, Indonesian grouping
    values[6][4] = "1.234"
    return values, sh


def _formats(coordinator, sh) -> None:
    """What a coordinator does with the toolbar: Number, Currency (Rp) and Accounting formats."""
    ws = coordinator.open_by_key(sh.id).worksheet("TPS")
    ws.format(COUNTS, {"numberFormat": {"type": "NUMBER", "pattern": "#,##0.00"}})
    ws.format("E2:E40", {"numberFormat": {"type": "CURRENCY", "pattern": '"Rp"#,##0.00'}})
    ws.format("L2:L40", {"numberFormat": {"type": "NUMBER",
                                          "pattern": '_(* #,##0.00_);_(* (#,##0.00);_(* "-"??_);_(@_)'}})


def test_number_formats_change_no_status_no_total_and_no_request(emu, run):
    values, sh = typed_sheet(emu)
    config = config_for(sh, emu)
    first, _ = run(config)
    before = all_tabs(sh)
    assert first.rows_by_status.get("OK", 0) > 20
    coordinator = emu.client(token="koordinator-kalideres")
    _formats(coordinator, sh)
    shown = coordinator.open_by_key(sh.id).worksheet("TPS").get("I2:I3")
    assert shown[0][0].endswith(".00")                    # the sheet now shows 478.00
    report, delta = run(config, NOW + timedelta(minutes=1))
    assert report.rows_by_status == first.rows_by_status
    assert delta == {"requests": 1, "cells_written": 0}
    after = all_tabs(sh)
    assert after["Rekap Kecamatan"] == before["Rekap Kecamatan"]     # TPS Lapor, totals unchanged


def test_an_id_ID_sheet_syncs_idle_with_one_request_and_no_write(emu, run):
    values, sh = typed_sheet(emu, locale="id_ID")
    config = config_for(sh, emu)
    first, _ = run(config)
    assert first.rows_by_status.get("OK", 0) > 20
    report, delta = run(config, NOW + timedelta(minutes=1))
    assert delta == {"requests": 1, "cells_written": 0}
    assert report.cells_written == 0 and report.last_synced is None
    assert report.rows_by_status == first.rows_by_status


def test_a_number_typed_as_text_still_parses_as_volunteers_type_it(emu, run):
    values, sh = typed_sheet(emu)
    report, _ = run(config_for(sh, emu))
    row = 7                                              # DPT "1.234" typed as text (RAW)
    status = sh.worksheet("TPS").cell(row, len(FULL_HEADER) + 1).value
    message = sh.worksheet("TPS").cell(row, len(FULL_HEADER) + 2).value
    assert status == "SALAH" and "1234" in message.replace(".", "")   # read as 1234 voters, over 600


def test_a_summary_count_stored_as_text_is_written_back_as_a_number(emu, run):
    values, sh = typed_sheet(emu)
    config = config_for(sh, emu)
    run(config)
    coordinator = emu.client(token="koordinator-taman-sari")
    ws = coordinator.open_by_key(sh.id).worksheet("Rekap Kecamatan")
    number = ws.get("D4", value_render_option="UNFORMATTED_VALUE")[0][0]
    assert isinstance(number, int)
    ws.update([[str(number)]], "D4", value_input_option="RAW")     # now text: SUM() ignores it
    report, delta = run(config, NOW + timedelta(minutes=1))
    assert ws.get("D4", value_render_option="UNFORMATTED_VALUE")[0][0] == number
    assert delta["cells_written"] == report.cells_written == 2       # the count and the stamp


def test_a_typed_true_or_a_checkbox_in_a_count_is_an_error_not_one_vote(emu, run):
    """Sheets stores a typed TRUE (or a ticked checkbox) as a boolean, and an unformatted
    read returns it as JSON true; True == 1 in Python, so unhandled it was one vote."""
    values, sh = typed_sheet(emu)
    coordinator = emu.client().open_by_key(sh.id).worksheet("TPS")
    paslon_2 = FULL_HEADER.index("Paslon 2") + 1
    coordinator.update_cell(3, paslon_2, "TRUE")              # USER_ENTERED: a boolean in the sheet
    assert coordinator.get("J3", value_render_option="UNFORMATTED_VALUE") == [[True]]
    report, _ = run(config_for(sh, emu))
    shown = sh.worksheet("TPS").get_all_values()
    status, message = shown[2][len(FULL_HEADER)], shown[2][len(FULL_HEADER) + 1]
    assert status == "SALAH" and "TRUE" in message, (status, message)
