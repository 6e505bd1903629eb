"""A configured count column renamed away ("Paslon 3" -> "Paslon 3 (Pramono-Rano)") is an
error of the sheet: `check` exits 1 naming it, Masalah lists it and the sync line says so
(real gspread against the emulator; a second client plays the coordinator who renames it)."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from click.testing import CliRunner

from sheetsync.cli.main import cli
from sheetsync.sync.run import sync
from sheets import private_workdir
from sync_data import FULL_HEADER, all_tabs, config_for, seed, tps_sheet

NOW = datetime(2024, 11, 27, 21, 5, 0, tzinfo=ZoneInfo("Asia/Jakarta"))
PASLON_3 = FULL_HEADER.index("Paslon 3") + 1          # column K


def test_a_renamed_vote_column_is_an_error_in_check_masalah_and_the_sync_line(emu, tmp_path, monkeypatch):
    from sheetsync.cli.sheet import sync_line
    from sheetsync.cli.common import Ui

    sh = seed(emu.client(), tps_sheet(12, seed=2, unfilled=0, broken=0))
    config = config_for(sh, emu)
    sync(config, client=emu.client(), now=NOW, lock_dir=str(tmp_path))
    coordinator = emu.client(token="koordinator-palmerah").open_by_key(sh.id).worksheet("TPS")
    coordinator.update([["Paslon 3 (Pramono-Rano)"], ["1300"]], "K1:K2")   # and 1,300 votes at one TPS

    with private_workdir(tmp_path):
        result = CliRunner().invoke(cli, ["check", "--preset", "pilkada-jakbar-2024", "--api-url", emu.url,
                                          "--spreadsheet", sh.id, "--lang", "en"])
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    assert "Column 'Paslon 3' not found in header row 1" in result.output

    report = sync(config, client=emu.client(), now=NOW + timedelta(minutes=1), lock_dir=str(tmp_path))
    assert not report.valid and [i.code for i in report.sheet_errors] == ["column_missing"]
    line = sync_line(report, Ui(lang="id"))
    assert "Kolom 'Paslon 3' tidak ditemukan di baris judul 1" in line
    masalah = all_tabs(sh)["Masalah"]
    assert any("column_missing" in line for line in masalah)
