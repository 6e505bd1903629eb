"""The Jakarta Barat demo's second entry: a second team types election night's C.Hasil again
in the tab "Entri Kedua", later than the first team. Read back through gspread: the kecamatan
summary's double-entry columns, the planted disagreements PERIKSA naming both values, the TPS
that does not exist named in "Masalah", and nothing written into "Entri Kedua" by sheetsync."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from sheetsync.core import a1
from sheetsync.core.config import load_preset
from sheetsync.core.presets import template_values
from sheetsync.core.progress import HOUR, WIB
from sheetsync.demo.seed import (ENTRIES_DIFFER, EVENING_HOURS, SECOND_TAB, DemoResult, evening_updates,
                                 fill_updates, run_demo, second_tab_header, with_anomaly_flags, with_double_entry)
from sheetsync.sync.run import sync
from test_demo import apply

END = datetime(2024, 11, 27, 21, 40, tzinfo=WIB)      # the evening's last sync
SEED = 23
KEYS = 3                                               # Kecamatan, Kelurahan, No TPS


@pytest.fixture(scope="module")
def demo(emu: Any, tmp_path_factory: pytest.TempPathFactory) -> DemoResult:
    return run_demo(emu.url, seed=SEED, work=Path(tmp_path_factory.mktemp("demo-double-entry")), end=END)


@pytest.fixture(scope="module")
def tabs(emu: Any, demo: DemoResult) -> dict[str, list[list[str]]]:
    book = emu.client().open_by_key(demo.spreadsheet)
    return {ws.title: ws.get_all_values() for ws in book.worksheets()}


def number(cell: str) -> int:
    """A whole number as the sheet shows it (1,859 or 1.859), or as a volunteer typed it (" 120 ")."""
    return int(cell.strip().replace(",", "").replace(".", ""))


def kecamatan_table(demo: DemoResult, tabs: dict[str, list[list[str]]]) -> tuple[list[str], list[list[str]]]:
    """(header, rows with a kecamatan, TOTAL last) of the kecamatan summary as the sheet shows it."""
    table = tabs[demo.config.summary_tabs.kecamatan]
    at = next(i for i, r in enumerate(table) if "Kecamatan" in r)
    return table[at], [r for r in table[at + 1:] if any(r)]


def input_rows(demo: DemoResult, tabs: dict[str, list[list[str]]]) -> dict[str, Any]:
    """Sheet row (1-based) -> {header: cell} of the input tab."""
    values = tabs[demo.config.input_tab]
    header = values[demo.config.header_row - 1]
    return {i + 1: dict(zip(header, row)) for i, row in enumerate(values) if i >= demo.config.header_row}


# ------------------------------------------------------------------ read back from the sheet

def test_kecamatan_summary_shows_the_double_checked_tps_and_votes(demo: DemoResult, tabs: Any) -> None:
    header, rows = kecamatan_table(demo, tabs)
    col = header.index
    *kecamatan, total = rows
    fill = demo.fill
    reported = number(total[col("TPS Lapor")])
    verified, unchecked, differ = (number(total[col(h)]) for h in (
        "TPS Terverifikasi Ganda", "TPS Belum Dicek Ulang", "TPS Entri Berbeda"))
    assert verified == len(fill.double_checked) and differ == len(fill.entries_differ) == ENTRIES_DIFFER
    assert verified + unchecked + differ == reported
    assert 0.6 * reported < verified < 0.95 * reported          # most, not all, double-checked by the end
    assert float(total[col("% Terverifikasi Ganda (dari TPS Lapor)")]) == round(100 * verified / reported, 1)

    # per kecamatan: the double-checked rows the demo planted, and only their votes
    by_row = input_rows(demo, tabs)
    for line in kecamatan:
        name = line[col("Kecamatan")]
        mine = [by_row[r] for r in fill.double_checked if by_row[r]["Kecamatan"] == name]
        assert number(line[col("TPS Terverifikasi Ganda")]) == len(mine), name
        for paslon in ("Paslon 1", "Paslon 2", "Paslon 3"):
            shown = number(line[col(f"{paslon} (terverifikasi ganda)")])
            assert shown == sum(number(r[paslon]) for r in mine), (name, paslon)
            assert shown < number(line[col(f"{paslon} (lengkap)")])       # all counted rows stay the main total
    assert sum(number(r[col("TPS Terverifikasi Ganda")]) for r in kecamatan) == verified


def test_planted_disagreements_are_periksa_naming_each_field_and_both_values(demo: DemoResult, tabs: Any) -> None:
    by_row = input_rows(demo, tabs)
    second = tabs[SECOND_TAB]
    header = second[0]
    assert header == second_tab_header(demo.config)
    typed_at = {tuple(r[:KEYS]): i + 1 for i, r in enumerate(second) if i > 0}
    for row in demo.fill.entries_differ:
        first = by_row[row]
        at = typed_at[(first["Kecamatan"], first["Kelurahan"], first["No TPS"])]
        again = dict(zip(header, second[at - 1]))
        fields = [h for h in header[KEYS:] if number(first[h]) != number(again[h])]
        assert 1 <= len(fields) <= 2, (row, fields)
        differences = ", ".join(f"{h}: {number(first[h])} vs {number(again[h])}" for h in fields)
        assert first["Status"] == "PERIKSA", (row, first)
        assert f"Entri kedua (tab '{SECOND_TAB}' baris {at}) berbeda: {differences}" in first["Keterangan"], first
    differing = sorted(r for r, cells in by_row.items() if f"(tab '{SECOND_TAB}' baris" in cells["Keterangan"])
    assert differing == demo.fill.entries_differ                    # no other row's entries differ


def test_the_tps_that_does_not_exist_is_named_in_masalah(demo: DemoResult, tabs: Any) -> None:
    [row] = demo.fill.second_unmatched
    kec, kel, tps = tabs[SECOND_TAB][row - 1][:KEYS]
    assert not any((r["Kecamatan"], r["Kelurahan"], r["No TPS"]) == (kec, kel, tps)
                   for r in input_rows(demo, tabs).values())
    masalah = tabs["Masalah"]
    message = next(r for r in masalah if "Kode Masalah" in r).index("Keterangan")
    problems = [r for r in masalah if "double_entry_unmatched" in r]
    assert len(problems) == 1
    assert f"'{SECOND_TAB}' baris {row}: {kec} / {kel} / TPS {tps} bukan TPS" in problems[0][message]


def test_the_demo_says_how_many_tps_are_double_checked(demo: DemoResult, capsys: Any) -> None:
    from sheetsync.cli.common import Ui
    from sheetsync.cli.demo import print_planted

    fill, kota = demo.fill, demo.sync.kota
    for lang, planted, tally in (
            ("id", f"{len(fill.entries_differ)} TPS dengan entri kedua berbeda (PERIKSA), 1 baris menyebut TPS",
             "{0} TPS terverifikasi ganda, {1} belum dicek ulang, {2} dengan entri berbeda"),
            ("en", f"{len(fill.entries_differ)} TPS whose second entry differs (PERIKSA), 1 row(s) naming a TPS",
             "{0} TPS double-checked, {1} not yet double-checked, {2} whose entries differ")):
        ui = Ui(lang)
        print_planted(ui, demo)
        out = capsys.readouterr().out
        counts = (ui.n(int(kota[k])) for k in ("tps_verified", "tps_unchecked", "tps_entries_differ"))
        assert planted in out and tally.format(*counts) in out, out
    assert int(kota["tps_verified"]) == len(fill.double_checked)


# ------------------------------------------------------------------ pure: the second team's plan

@pytest.fixture(scope="module")
def config() -> Any:
    return with_double_entry(with_anomaly_flags(load_preset("pilkada-jakbar-2024")))


def split(updates: list[tuple[str, list[list[Any]]]]) -> tuple[list[Any], list[Any]]:
    """(input tab writes, second tab writes)."""
    second = [u for u in updates if a1.split_range(u[0])[0] == SECOND_TAB]
    return [u for u in updates if u not in second], second


def second_rows(updates: list[tuple[str, list[list[Any]]]]) -> dict[int, list[Any]]:
    """Second-tab sheet row -> its cells, from whole-row writes."""
    out = {}
    for rng, block in updates:
        _, row, col = a1.parse_tab_cell(rng.split(":")[0])
        assert col == 1
        out.update({row + i: cells for i, cells in enumerate(block)})
    return out


def test_the_input_tab_is_filled_as_without_a_second_entry(config: Any) -> None:
    plain = with_anomaly_flags(load_preset("pilkada-jakbar-2024"))
    before, info = fill_updates(template_values(plain), plain, seed=SEED)
    updates, doubled = fill_updates(template_values(config), config, seed=SEED)
    first, second = split(updates)
    assert first == before and second
    assert (doubled.partial, doubled.anomalies, doubled.mistakes) == (info.partial, info.anomalies, info.mistakes)
    assert not info.double_checked and not info.entries_differ


def test_the_second_team_types_each_row_after_the_first_team_finished_it(config: Any) -> None:
    values = template_values(config)
    hours, info = evening_updates(values, config, seed=SEED)
    columns = [values[0].index(h) for h in second_tab_header(config)]
    grid, typed = values, {}
    for hour, updates in enumerate(hours):
        first, second = split(updates)
        rows = second_rows(second)
        assert not set(rows) & set(typed)                          # appended below, never over a row
        # every TPS the second team types now was complete in the first tab an hour ago or more
        finished = {tuple(str(v).strip() for v in _pick(r, columns)): i + 1 for i, r in enumerate(grid)}
        for row, cells in rows.items():
            if row in info.second_unmatched:
                continue
            key = tuple(str(v) for v in cells)
            assert key in finished or finished_with_planted_typo(key, finished, info), (hour, row, cells)
        typed.update(rows)
        grid = apply(grid, first)
    assert sorted(typed) == list(range(2, len(typed) + 2))
    assert len(typed) == len(info.double_checked) + len(info.entries_differ) + len(info.second_unmatched)
    assert not split(hours[0])[1]                  # nothing for the second team in the first hour
    assert len(hours) == EVENING_HOURS


def finished_with_planted_typo(key: tuple[str, ...], finished: dict[tuple[str, ...], int], info: Any) -> bool:
    """The TPS is one whose second entry the demo planted to differ, complete in the first tab."""
    for cells, row in finished.items():
        if cells[:KEYS] == key[:KEYS]:
            return row in info.entries_differ and all(cells[KEYS:])
    return False


def _pick(row: list[Any], columns: list[int]) -> list[Any]:
    return [row[c] if c < len(row) else "" for c in columns]


def test_seeded(config: Any) -> None:
    values = template_values(config)
    a, b, c = (split(fill_updates(values, config, seed=s)[0])[1] for s in (5, 5, 6))
    assert a == b and a != c


# ------------------------------------------------------------------ last: changes the demo's sheet

def test_sheetsync_writes_nothing_into_the_second_tab(emu: Any, demo: DemoResult, tabs: Any, tmp_path: Path) -> None:
    """The second team fixes one of its misread rows; the sync that confirms the TPS writes its
    status and the summaries, and leaves "Entri Kedua" as the second team left it."""
    book = emu.client().open_by_key(demo.spreadsheet)
    ws = book.worksheet(SECOND_TAB)
    row = demo.fill.entries_differ[0]
    first = input_rows(demo, tabs)[row]
    second = ws.get_all_values()
    at = next(i + 1 for i, r in enumerate(second) if r[:KEYS] == [first["Kecamatan"], first["Kelurahan"],
                                                                  first["No TPS"]])
    header = second[0]
    ws.update([[number(first[h]) for h in header[KEYS:]]], a1.rect(SECOND_TAB, at, KEYS + 1, at, len(header)).split("!")[1])
    typed = ws.get_all_values(value_render_option="FORMULA")

    report = sync(demo.config, client=emu.client(), lock_dir=str(tmp_path), now=END + HOUR)
    assert report.cells_written > 0
    assert ws.get_all_values(value_render_option="FORMULA") == typed
    cells = dict(zip(tabs[demo.config.input_tab][demo.config.header_row - 1],
                     book.worksheet(demo.config.input_tab).row_values(row)))
    assert cells["Status"] == "OK" and not cells.get("Keterangan"), cells
    assert int(report.kota["tps_verified"]) == len(demo.fill.double_checked) + 1
    assert int(report.kota["tps_entries_differ"]) == ENTRIES_DIFFER - 1
