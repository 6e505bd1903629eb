"""The whole coordinator scenario once, in Indonesian, through the CLI (click's CliRunner):
an id_ID sheet typed as the Sheets UI does; init and sync; she inserts her own Keterangan,
formats the counts, keeps her own rekap tab, types "1.234"; sync and check; she deletes rows
by mistake; the guard's line says how to restore; restore --apply; sync. Checked through
the library after: every typed cell, one status everywhere, 1 request when idle."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from click.testing import CliRunner
from coordinators import (
    NOTES,
    Desk,
    assert_clear,
    assert_one_status,
    coordinator,
    insert_own_column,
    lost,
    person_cells,
    sheet_statuses,
)
from sheets import private_workdir
from sync_data import seed, settled_counters, tps_sheet

from sheetsync.cli.main import cli
from sheetsync.core.config import load_preset, with_overrides
from sheetsync.journal.store import journal_path

PRESET = "pilkada-jakbar-2024"


def sheetsync(*args: str, ok: tuple[int, ...] = (0,)) -> str:
    result = CliRunner().invoke(cli, ["--lang", "id", *args], catch_exceptions=False)
    assert result.exit_code in ok, f"exit {result.exit_code}: {result.output}"
    assert "Traceback" not in result.output and "APIError" not in result.output
    return result.output


def test_the_whole_scenario_in_indonesian_through_the_cli(emu: Any, tmp_path: Path) -> None:
    with private_workdir(tmp_path):
        values = tps_sheet(40, 61)
        sh = seed(emu.client(), [values[0]])
        sh.batch_update({"requests": [{"updateSpreadsheetProperties": {
            "properties": {"locale": "id_ID"}, "fields": "locale"}}]})
        sh.sheet1.update(values[1:], "A2", value_input_option="USER_ENTERED")
        where = ["--preset", PRESET, "--api-url", emu.url, "--spreadsheet", sh.id]
        config = with_overrides(load_preset(PRESET), spreadsheet=sh.id, api_url=emu.url)
        desk = Desk(emu, config, tmp_path, journal_file=journal_path(config))

        sheetsync("init", *where)
        sheetsync("sync", *where)
        ws = coordinator(emu, sh).worksheet("TPS")
        insert_own_column(ws, 4, ["Keterangan"] + NOTES)
        ws.format("F2:O41", {"numberFormat": {"type": "NUMBER", "pattern": "#,##0.00"}})
        ws.update([["1.234"]], "F6", value_input_option="USER_ENTERED")           # DPT of row 6
        mine = coordinator(emu, sh).add_worksheet("Rekap Saya", rows=20, cols=4)
        mine.update([["Jumlah DPT", "=SUM(TPS!F2:F41)"]], "A1", value_input_option="USER_ENTERED")
        typed = person_cells(sh)
        out = sheetsync("sync", *where)
        assert "baris" in out.lower()
        sheetsync("check", *where, ok=(0, 1))
        assert lost(typed, person_cells(sh)) == {}
        assert sheet_statuses(sh)[6] == "SALAH"

        ws.delete_rows(10, 15)                                    # six of 40 rows, by mistake
        typed = person_cells(sh)
        dry = sheetsync("sync", *where, "--dry-run", ok=(3,))              # what the guard would do
        assert "Penjaga akan menghentikan" in dry and "6 dari 40 baris hilang" in dry
        assert person_cells(sh) == typed
        out = sheetsync("sync", *where, ok=(3,))
        assert "restore" in out and "PERINGATAN" in out
        assert_clear(out.strip().splitlines()[-1])
        sheetsync("restore", *where, "--since", "1", "--apply")
        after = person_cells(sh)
        assert lost(typed, {k: v for k, v in after.items() if k[0] != "TPS" or k[1] <= 35}) == {}
        assert len(ws.get_values()) == 41                         # the six rows are back
        sheetsync("sync", *where)
        before = settled_counters(emu)
        sheetsync("sync", *where)                                 # nothing changed: one read, no write
        after_idle = settled_counters(emu)
        assert (after_idle["requests"] - before["requests"], after_idle["cells_written"] - before["cells_written"]) \
            == (1, 0)
        # the desk's own clock is election night's, not the CLI's: its syncs write the hours
        # of "Progres 24 Jam" for that night, so its report is compared, not its writes
        report = desk.sync()
        assert lost(after, person_cells(sh)) == {}
        assert_one_status(sh, desk, report)
