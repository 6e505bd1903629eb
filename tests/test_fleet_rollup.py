"""The rollup tab is sheetsync's by marker: a person's tab of that title is left alone, and the
rollup follows its own tab when a person renames it. A second client plays the coordinator."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from google_emulator import GoogleEmulator
from sheetsync.core.config import DoubleEntry
from sheetsync.fleet.config import Fleet, load_fleet
from sheetsync.fleet.rollup import rollup_table
from sheetsync.fleet.run import FleetRunner
from sheetsync.fleet.state import SheetRecord
from sync_data import seed
from test_fleet import HEADER, tps_rows
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


# ------------------------------------------------------------ double entry

def _double_entry_fleet(tmp_path: Path, emu: Any, sheets: dict[str, tuple[str, str]], rollup: str,
                        checked: set[str], lang: str = "en") -> Fleet:
    """The fleet file's fleet, the sheets named in ``checked`` with second-entry columns."""
    fleet = load_fleet(fleet_file(tmp_path, emu, sheets, rollup))
    with_entry = tuple(replace(s, config=replace(s.config, double_entry=DoubleEntry(suffix=" (cek)")))
                       if s.name in checked else s for s in fleet.sheets)
    return replace(fleet, sheets=with_entry, language=lang)


TOTALS = {"tps_entered": 10, "tps_reported": 4, "paslon_1": 5, "paslon_2": 3, "paslon_3": 2, "suara_sah": 10,
          "tps_paslon_in": 6, "paslon_1_all_in": 9, "paslon_2_all_in": 4, "paslon_3_all_in": 2}
CHECKED = {**TOTALS, "tps_verified": 2, "tps_unchecked": 1, "tps_entries_differ": 1, "pct_verified": 50.0,
           "paslon_1_verified": 3, "paslon_2_verified": 1, "paslon_3_verified": 0}
TWO = {"Jakarta Utara": ("31.72", "1" + "a" * 30), "Jakarta Pusat": ("31.71", "1" + "b" * 30)}


@pytest.mark.parametrize("lang", ["en", "id"])
def test_double_checked_columns_beside_the_others_blank_for_a_sheet_without(tmp_path: Path, lang: str) -> None:
    fleet = _double_entry_fleet(tmp_path, _NoEmulator(), TWO, "1" + "c" * 30, {"Jakarta Utara"}, lang)
    now = 1_800_000_000.0
    records = {"Jakarta Utara": SheetRecord("Jakarta Utara", "x", last_good=now - 60, totals=CHECKED),
               "Jakarta Pusat": SheetRecord("Jakarta Pusat", "y", last_good=now - 60, totals=TOTALS)}
    table = rollup_table(fleet, records, now)
    header = table[2]
    rows = {r[1]: dict(zip(header, r)) for r in table[3:]}
    word = {"en": ("TPS double-checked", "% double-checked (of TPS reported)", "Paslon 1 (double-checked)",
                   "Paslon 1 (incl. partial)", "Rows in error", "State", "TOTAL", "OK", "All synced"),
            "id": ("TPS Terverifikasi Ganda", "% Terverifikasi Ganda (dari TPS Lapor)",
                   "Paslon 1 (terverifikasi ganda)", "Paslon 1 (semua masuk)", "Baris Salah", "Keadaan", "TOTAL",
                   "OK", "Semua tersinkron")}[lang]
    tps, pct, votes, all_in_votes, errors, state, total, ok, all_ok = word
    # the third group follows the complete and the "semua masuk" ones
    assert header.index(all_in_votes) < header.index(tps) < header.index(votes) < header.index(errors)
    utara, pusat = rows["Jakarta Utara"], rows["Jakarta Pusat"]
    assert (utara[tps], utara[pct], utara[votes], utara["% " + votes]) == (2, 50.0, 3, 75.0)
    assert {pusat[h] for h in header[header.index(tps):header.index(errors)]} == {""}   # blank, not 0
    assert (rows[total][tps], rows[total][pct], rows[total][votes]) == (2, 25.0, 3)
    assert (utara[state], pusat[state], rows[total][state]) == (ok, ok, all_ok)


def test_a_fleet_without_double_entry_keeps_its_layout(tmp_path: Path) -> None:
    fleet = _double_entry_fleet(tmp_path, _NoEmulator(), TWO, "1" + "c" * 30, set())
    records = {"Jakarta Utara": SheetRecord("Jakarta Utara", "x", last_good=1.0, totals=CHECKED)}
    header = rollup_table(fleet, records, 2.0)[2]
    assert len(header) == 26 and not [h for h in header if "double" in h]
    assert header[-5:] == ["Rows in error", "To check", "Last checked", "History since", "State"]


def test_another_shards_row_is_read_by_its_header_when_double_entry_adds_columns(tmp_path: Path) -> None:
    """Shard 2 wrote Jakarta Pusat's row before the fleet gained double entry; shard 1 writes
    the new layout and keeps that row's figures under their own headers until shard 2 writes."""
    now = 1_800_000_000.0
    before = _double_entry_fleet(tmp_path, _NoEmulator(), TWO, "1" + "c" * 30, set())
    pusat = {"Jakarta Pusat": SheetRecord("Jakarta Pusat", "y", last_good=now - 60, totals=TOTALS)}
    as_read = rollup_table(before, pusat, now - 30, own={"Jakarta Pusat"})
    after = _double_entry_fleet(tmp_path, _NoEmulator(), TWO, "1" + "c" * 30, {"Jakarta Utara"})
    utara = {"Jakarta Utara": SheetRecord("Jakarta Utara", "x", last_good=now - 10, totals=CHECKED)}
    table = rollup_table(after, utara, now, current=as_read, own={"Jakarta Utara"})
    header = table[2]
    rows = {r[1]: dict(zip(header, r)) for r in table[3:]}
    kept = rows["Jakarta Pusat"]
    assert (kept["TPS reported"], kept["Paslon 1 (incl. partial)"], kept["Rows in error"]) == (4, 9, 0)
    written = next(r for r in as_read[3:] if r[1] == "Jakarta Pusat")
    assert kept["State"] == "OK" and kept["Last checked"] == written[-3] != ""
    assert kept["TPS double-checked"] == "" and kept["Paslon 1 (double-checked)"] == ""
    assert (rows["TOTAL"]["TPS reported"], rows["TOTAL"]["TPS double-checked"]) == (8, 2)
    assert rows["TOTAL"]["State"] == "All synced"
    # and back: the fleet file drops double entry, the columns go, Pusat's figures stay
    again = rollup_table(before, utara, now, current=table, own={"Jakarta Utara"})
    assert again[2] == as_read[2]
    back = {r[1]: dict(zip(again[2], r)) for r in again[3:]}["Jakarta Pusat"]
    assert (back["TPS reported"], back["Paslon 1 (incl. partial)"], back["State"]) == (4, 9, "OK")


def test_the_rollup_of_a_fleet_with_double_entry_end_to_end(emu: GoogleEmulator, tmp_path: Path) -> None:
    """Jakarta Utara's volunteers type a second entry beside the first; Jakarta Pusat has none.
    The rollup shows Utara's double-checked TPS and votes, and nothing (not 0) for Pusat."""
    coordinator = emu.client()
    counts = HEADER[4:]
    rows = tps_rows("31.72", (30, 20, 10))
    rows = [rows[0] + [h + " (cek)" for h in counts]] + [r + r[4:] for r in rows[1:]]
    utara = seed(coordinator, rows)
    pusat = seed(coordinator, tps_rows("31.71", (1, 2, 3)))
    rollup = coordinator.create("Rekap DKI")
    fleet = _double_entry_fleet(tmp_path, emu, {"Jakarta Utara": ("31.72", utara.id),
                                                "Jakarta Pusat": ("31.71", pusat.id)}, rollup.id, {"Jakarta Utara"})
    runner = FleetRunner(fleet, lock_dir=str(tmp_path))
    report = runner.cycle(budget_s=60)
    assert all(o.ok for o in report.outcomes) and report.rollup_error is None

    def read() -> dict[str, dict[str, str]]:
        tab = rollup.worksheet("Rekap Provinsi").get_all_values()
        return {r[1]: dict(zip(tab[2], r)) for r in tab[3:]}

    got = read()
    # TPS 1 typed the same twice (TPS 2 is in error, so not counted; TPS 3 is blank)
    assert (got["Jakarta Utara"]["TPS double-checked"], got["Jakarta Utara"]["Paslon 1 (double-checked)"]) == ("1", "30")
    assert (got["Jakarta Pusat"]["TPS double-checked"], got["Jakarta Pusat"]["Paslon 1 (double-checked)"]) == ("", "")
    assert (got["TOTAL"]["TPS double-checked"], got["TOTAL"]["Paslon 1 (double-checked)"]) == ("1", "30")
    assert got["TOTAL"]["Paslon 1 (complete)"] == "31"

    # the second team reads Paslon 1 of TPS 1 differently: nothing double-checked now, said as 0
    utara.worksheet("TPS").update([["13"]], "K2")
    runner.cycle(budget_s=60)
    got = read()
    assert (got["Jakarta Utara"]["TPS double-checked"], got["Jakarta Utara"]["Paslon 1 (double-checked)"]) == ("0", "0")
    assert got["Jakarta Pusat"]["TPS double-checked"] == "" and got["TOTAL"]["TPS double-checked"] == "0"
    runner.close()
