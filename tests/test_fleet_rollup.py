"""The rollup tab is sheetsync's by marker: a person's tab of that title is left alone, and the
rollup follows its own tab when a person renames it. A second client plays the coordinator."""

from __future__ import annotations

from pathlib import Path

from sheetsync.emulator import Emulator
from sheetsync.fleet import FleetRunner
from sheetsync.fleet_config import load_fleet
from sync_data import seed
from test_fleet import tps_rows
from test_fleet_cli import fleet_file


def test_a_persons_tab_of_the_rollups_title_is_never_written(tmp_path: Path) -> None:
    with Emulator() as emu:
        coordinator = emu.client()
        utara = seed(coordinator, tps_rows("31.72", (3, 2, 1)))
        rollup = coordinator.create("Rekap DKI")
        mine = rollup.sheet1
        mine.update_title("Rekap Provinsi")
        mine.update([["Catatan rapat koordinator", "jangan dihapus"]], "A1")
        fleet = load_fleet(fleet_file(tmp_path, emu, {"Jakarta Utara": ("31.72", utara.id)}, rollup.id))
        runner = FleetRunner(fleet, lock_dir=str(tmp_path))
        report = runner.cycle(budget_s=60)
        assert report.outcomes[0].ok
        assert report.rollup_error and "made by a person" in report.rollup_error
        assert mine.get_all_values() == [["Catatan rapat koordinator", "jangan dihapus"]]

        mine.update_title("Catatan")                      # the coordinator moves their notes aside
        report = runner.cycle(budget_s=60)
        assert report.rollup_error is None and report.rollup_cells
        assert rollup.worksheet("Rekap Provinsi").get_all_values()[3][1] == "Jakarta Utara"
        assert mine.get_all_values() == [["Catatan rapat koordinator", "jangan dihapus"]]

        rollup.worksheet("Rekap Provinsi").update_title("Rekap DKI")   # a person renames sheetsync's tab
        utara.worksheet("TPS").update([["4", "4", "4", "12", "0", "12"]], "E4")
        report = runner.cycle(budget_s=60)
        assert report.rollup_error is None
        titles = [ws.title for ws in rollup.worksheets()]
        assert "Rekap Provinsi" not in titles                          # found by its marker, not re-added
        row = rollup.worksheet("Rekap DKI").get_all_values()[3]
        assert row[1] == "Jakarta Utara" and row[4] == "2"             # TPS Lapor now 2
        runner.close()
