"""The rollup tab is sheetsync's by marker: a person's tab of that title is left alone, and the
rollup follows its own tab when a person renames it. A second client plays the coordinator."""

from __future__ import annotations

from pathlib import Path

from google_emulator import GoogleEmulator
from sheetsync.fleet.run import FleetRunner
from sheetsync.fleet.config import load_fleet
from sync_data import seed
from test_fleet import tps_rows
from test_fleet_cli import fleet_file


def test_a_persons_tab_of_the_rollups_title_is_never_written(emu: GoogleEmulator, tmp_path: Path) -> None:
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


def test_a_sheet_without_a_good_sync_for_stale_after_is_named_stale(tmp_path: Path) -> None:
    from dataclasses import replace

    from sheetsync.fleet.state import SheetRecord
    from sheetsync.fleet.rollup import rollup_table

    path = fleet_file(tmp_path, _NoEmulator(), {"Jakarta Utara": ("31.72", "1" + "a" * 30),
                                               "Jakarta Pusat": ("31.71", "1" + "b" * 30)}, "1" + "c" * 30)
    fleet = replace(load_fleet(path), stale_after_s=300.0)
    now = 1_800_000_000.0
    # 4 TPS complete (10 votes) and 2 more with their paslon votes only (6 votes more)
    totals = {"tps_entered": 10, "tps_reported": 4, "paslon_1": 5, "paslon_2": 3, "paslon_3": 2, "suara_sah": 10,
              "tps_paslon_in": 6, "paslon_1_all_in": 9, "paslon_2_all_in": 4, "paslon_3_all_in": 2}
    records = {"Jakarta Utara": SheetRecord("Jakarta Utara", "x", last_good=now - 301, totals=totals),
               "Jakarta Pusat": SheetRecord("Jakarta Pusat", "y", last_good=now - 60, totals=totals)}
    table = rollup_table(fleet, records, now)
    header, rows = table[2], {r[1]: dict(zip(table[2], r)) for r in table[3:]}
    assert rows["Jakarta Utara"]["State"].startswith("STALE: not synced since ")
    assert rows["Jakarta Pusat"]["State"] == "OK"
    assert rows["TOTAL"]["State"] == "Needs attention: Jakarta Utara"
    assert rows["TOTAL"]["TPS reported"] == 8 and rows["TOTAL"]["% reported"] == 40.0
    assert rows["TOTAL"]["% Paslon 1 (complete)"] == 50.0 and "% reported of" in header
    # both vote totals, side by side and labelled: complete rows, and every row with paslon votes
    assert (rows["TOTAL"]["Paslon 1 (complete)"], rows["TOTAL"]["Paslon 1 (incl. partial)"]) == (10, 18)
    assert rows["TOTAL"]["TPS with candidate votes"] == 12 and rows["TOTAL"]["% Paslon 1 (incl. partial)"] == 60.0
    assert rows["Jakarta Utara"]["Valid votes (complete)"] == 10


class _NoEmulator:
    url = "http://127.0.0.1:9"
