"""Double entry end to end: real gspread against the emulator, a second gspread client playing
the second team of volunteers. The second entry's tab is read in the sync's one read and never
written; a TPS counts as double-checked only when both entries agree, a disagreement is PERIKSA
naming the field and both values, and the summaries show both totals side by side."""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from coordinators import coordinator
from sync_data import FULL_HEADER, all_tabs, config_for, seed, settled_counters, tps_row, wilayah

from sheetsync.core.config import DoubleEntry
from sheetsync.sync.layout import init_layout
from sheetsync.sync.run import read_and_check, sync

NOW = datetime(2024, 11, 27, 21, 5, 0, tzinfo=ZoneInfo("Asia/Jakarta"))
KEYS = ["Kecamatan", "Kelurahan", "No TPS"]
COUNTS = ["Paslon 1", "Paslon 2", "Paslon 3", "Suara Sah", "Suara Tidak Sah", "Pengguna Hak Pilih"]
TEXTS = {
    "id": {"periksa": "PERIKSA", "ok": "OK", "differs": "Entri kedua (tab 'Entri Kedua' baris 5) berbeda",
           "verified": "TPS Terverifikasi Ganda", "unchecked": "TPS Belum Dicek Ulang",
           "differ": "TPS Entri Berbeda", "p1_verified": "Paslon 1 (terverifikasi ganda)",
           "p1_complete": "Paslon 1 (lengkap)", "missing": "Tab entri kedua 'Entri Kedua' tidak ada"},
    "en": {"periksa": "CHECK", "ok": "OK", "differs": "The second entry (tab 'Entri Kedua' row 5) differs",
           "verified": "TPS double-checked", "unchecked": "TPS not yet double-checked",
           "differ": "TPS whose entries differ", "p1_verified": "Paslon 1 (double-checked)",
           "p1_complete": "Paslon 1 (complete)", "missing": "Second-entry tab 'Entri Kedua' not found"},
}


def first_entry() -> list[list[str]]:
    """Six filled TPS of one kelurahan, as the first team typed them."""
    rng = random.Random(17)
    kec, kel = wilayah()[0]
    return [FULL_HEADER, *(tps_row(kec, kel, n, rng, FULL_HEADER) for n in range(1, 7))]


def second_entry(first: list[list[str]]) -> list[list[str]]:
    """The second team's tab: TPS 1-4 typed again (TPS 4 with Paslon 1 off by 18, TPS 2's
    number as "002"), and a TPS the first tab does not have."""
    col = {h: i for i, h in enumerate(FULL_HEADER)}
    rows = [KEYS + COUNTS]
    for line in first[1:5]:
        rows.append([line[col[h]] for h in KEYS + COUNTS])
    rows[2][2] = "002"
    rows[4][3] = str(int(rows[4][3]) + 18)
    rows.append([first[1][0], first[1][1], "99", "1", "1", "1", "3", "0", "3"])
    return rows


def rekap_total(tabs: dict, header: str) -> str:
    rekap = tabs["Rekap Kecamatan"]
    total = next(r for r in rekap if len(r) > 1 and r[1].startswith("TOTAL"))
    return total[rekap[2].index(header)]


@pytest.mark.parametrize("lang", ["id", "en"])
def test_second_team_confirms_or_contradicts_the_first(emu, tmp_path, lang):
    text = TEXTS[lang]
    first = first_entry()
    sh = seed(emu.client(), first)
    config = config_for(sh, emu, language=lang, double_entry=DoubleEntry(tab="Entri Kedua"))
    status_col = len(FULL_HEADER)

    # before the second team starts: no row is PERIKSA for waiting, and the sheet says why
    sync(config, client=emu.client(), lock_dir=str(tmp_path), now=NOW)
    tabs = all_tabs(sh)
    assert {r[status_col] for r in tabs["TPS"][1:]} == {text["ok"]}
    assert rekap_total(tabs, text["verified"]) == "0" and rekap_total(tabs, text["unchecked"]) == "6"
    assert any(text["missing"] in r[7] for r in tabs["Masalah"][1:])

    # the second team types in its own tab
    team2 = coordinator(emu, sh, who="tim-entri-kedua")
    ws = team2.add_worksheet("Entri Kedua", rows=20, cols=10)
    ws.update(second_entry(first), "A1", raw=False)
    typed_before = ws.get_all_values(value_render_option="FORMULA")

    sync(config, client=emu.client(), lock_dir=str(tmp_path), now=NOW)
    tabs = all_tabs(sh)
    tps = tabs["TPS"]
    p1 = FULL_HEADER.index("Paslon 1")
    assert [tps[r][status_col] for r in (1, 2, 3, 5, 6)] == [text["ok"]] * 5
    assert tps[4][status_col] == text["periksa"]
    assert tps[4][status_col + 1] == f"{text['differs']}: Paslon 1: {first[4][p1]} vs {int(first[4][p1]) + 18}"
    assert rekap_total(tabs, text["verified"]) == "3"
    assert rekap_total(tabs, text["differ"]) == "1"
    assert rekap_total(tabs, text["unchecked"]) == "2"
    assert rekap_total(tabs, text["p1_verified"]) == str(sum(int(first[r][p1]) for r in (1, 2, 3)))
    assert rekap_total(tabs, text["p1_complete"]) == str(sum(int(first[r][p1]) for r in range(1, 7)))
    codes = [r[6] for r in tabs["Masalah"][1:]]
    assert codes.count("double_entry_differs_tab") == 1 and codes.count("double_entry_unmatched") == 1
    assert ws.get_all_values(value_render_option="FORMULA") == typed_before     # sheetsync wrote nothing there

    # `check` reads the same second tab and agrees with the sheet
    result = read_and_check(config, client=emu.client(), now=NOW)
    assert int(result.totals.kota["tps_verified"]) == 3

    # the second team finds its typo: the next sync confirms TPS 4 too
    ws.update([[first[4][p1]]], "D5", raw=False)
    sync(config, client=emu.client(), lock_dir=str(tmp_path), now=NOW)
    tabs = all_tabs(sh)
    assert tabs["TPS"][4][status_col] == text["ok"]
    assert rekap_total(tabs, text["verified"]) == "4" and rekap_total(tabs, text["differ"]) == "0"


def test_idle_sync_with_a_second_tab_is_still_one_read(emu, tmp_path):
    first = first_entry()
    sh = seed(emu.client(), first)
    sh.add_worksheet("Entri Kedua", rows=20, cols=10).update(second_entry(first), "A1", raw=False)
    config = config_for(sh, emu, double_entry=DoubleEntry(tab="Entri Kedua"))
    sync(config, client=emu.client(), lock_dir=str(tmp_path), now=NOW)
    before = settled_counters(emu)
    report = sync(config, client=emu.client(), lock_dir=str(tmp_path), now=NOW)
    after = settled_counters(emu)
    assert report.cells_changed == 0
    assert after["requests"] - before["requests"] == 1
    assert after["cells_written"] == before["cells_written"]


def test_second_entry_columns_beside_the_first(emu, tmp_path):
    """The other form: "Paslon 1 (cek)" ... typed on the same row; sheetsync's Status and
    Keterangan go after them and the second-entry cells stay as typed."""
    first = first_entry()
    header = FULL_HEADER + [h + " (cek)" for h in COUNTS]
    rows = [header]
    for n, line in enumerate(first[1:], start=1):
        again = [line[FULL_HEADER.index(h)] for h in COUNTS] if n <= 3 else [""] * len(COUNTS)
        rows.append(line + again)
    rows[2][len(FULL_HEADER)] = "12O"            # TPS 2: a letter O typed for a zero
    sh = seed(emu.client(), rows)
    config = config_for(sh, emu, double_entry=DoubleEntry(suffix=" (cek)"))
    sync(config, client=emu.client(), lock_dir=str(tmp_path), now=NOW)
    tps = all_tabs(sh)["TPS"]
    status_col = len(header)
    assert tps[0][status_col:status_col + 2] == ["Status", "Keterangan"]
    assert [r[status_col] for r in tps[1:]] == ["OK", "PERIKSA", "OK", "OK", "OK", "OK"]
    assert "Paslon 1: " in tps[2][status_col + 1] and "'12O'" in tps[2][status_col + 1]
    assert tps[2][len(FULL_HEADER)] == "12O"
    assert rekap_total(all_tabs(sh), "TPS Terverifikasi Ganda") == "2"


def test_a_config_without_double_entry_reads_no_second_tab(emu, tmp_path):
    """A sheet with an "Entri Kedua" tab but a config without double entry: nothing changes."""
    first = first_entry()
    sh = seed(emu.client(), first)
    sh.add_worksheet("Entri Kedua", rows=20, cols=10).update(second_entry(first), "A1", raw=False)
    config = replace(config_for(sh, emu), double_entry=None)
    sync(config, client=emu.client(), lock_dir=str(tmp_path), now=NOW)
    tabs = all_tabs(sh)
    assert "TPS Terverifikasi Ganda" not in tabs["Rekap Kecamatan"][2]
    assert {r[len(FULL_HEADER)] for r in tabs["TPS"][1:]} == {"OK"}


def test_init_makes_the_second_tab_once_and_then_leaves_it_to_the_second_team(emu):
    sh = seed(emu.client(), first_entry())
    config = config_for(sh, emu, double_entry=DoubleEntry(tab="Entri Kedua"))
    report = init_layout(config, client=emu.client())
    assert "Entri Kedua" in report.tabs_added
    ws = sh.worksheet("Entri Kedua")
    assert ws.row_values(1) == KEYS + COUNTS
    assert ws.frozen_row_count == 1
    ws.update([["Kembangan", "Kembangan Utara", "1"]], "A2", raw=False)   # the second team starts typing
    ws.update_cell(1, 4, "Suara Paslon 1")                                 # and renames a header (an alias)
    again = init_layout(config, client=emu.client())
    assert again.write_calls == 0
    assert ws.row_values(1)[3] == "Suara Paslon 1" and ws.row_values(2) == ["Kembangan", "Kembangan Utara", "1"]


def test_init_appends_the_second_entry_columns_before_sheetsyncs_own(emu, tmp_path):
    sh = seed(emu.client(), first_entry())
    config = config_for(sh, emu, double_entry=DoubleEntry(suffix=" (cek)"))
    report = init_layout(config, client=emu.client())
    assert [h for h in report.headers_added if h.endswith(" (cek)")] == [h + " (cek)" for h in COUNTS]
    header = sh.worksheet("TPS").row_values(1)
    assert header[-len(COUNTS) - 2:] == [h + " (cek)" for h in COUNTS] + ["Status", "Keterangan"]
    sync(config, client=emu.client(), lock_dir=str(tmp_path), now=NOW)
    assert init_layout(config, client=emu.client()).write_calls == 0
