"""The Jakarta Barat demo shows election night's evidence features, read back through gspread:
partial rows, planted anomalies, both vote totals in the summary, the evening in the last 24
hours' tab, and init's charts."""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from sheetsync.core.check import check
from sheetsync.core.issues import template
from sheetsync.core.presets import template_values
from sheetsync.core.config import progress_title
from sheetsync.core.progress import HOURS, WIB
from sheetsync.demo.seed import (ANOMALIES, EVENING_HOURS, DemoResult, evening_updates, fill_updates, run_demo,
                                 with_anomaly_flags)
from sheetsync.sync.layout import CHART_TITLES
from test_demo import apply

END = datetime(2024, 11, 27, 21, 40, tzinfo=WIB)      # the evening's last sync
SEED = 17


@pytest.fixture(scope="module")
def demo(emu: Any, tmp_path_factory: pytest.TempPathFactory) -> DemoResult:
    return run_demo(emu.url, seed=SEED, work=Path(tmp_path_factory.mktemp("demo-evening")), end=END)


@pytest.fixture(scope="module")
def tabs(emu: Any, demo: DemoResult) -> dict[str, list[list[str]]]:
    book = emu.client().open_by_key(demo.spreadsheet)
    return {ws.title: ws.get_all_values() for ws in book.worksheets()}


def fixed_text(code: str, lang: str = "id") -> str:
    """The longest literal piece of a message's template: what every message of the code holds."""
    text = template(code, lang, with_row=False)
    assert text is not None, code
    return max(re.split(r"\{[^}]*\}", text), key=len)


def number(cell: str) -> int:
    """A whole number as the sheet shows it (1,859 or 1.859)."""
    return int(cell.replace(",", "").replace(".", ""))


def row_notes(demo: DemoResult, tabs: dict[str, list[list[str]]]) -> dict[int, tuple[str, str]]:
    """Sheet row (1-based) -> (status, message) of the input tab."""
    values = tabs[demo.config.input_tab]
    header = values[demo.config.header_row - 1]
    status, message = header.index(demo.config.status_header), header.index(demo.config.message_header)
    return {i + 1: (row[status], row[message]) for i, row in enumerate(values) if i >= demo.config.header_row}


def test_partial_rows_are_periksa_naming_what_is_missing(demo: DemoResult, tabs: Any) -> None:
    notes = row_notes(demo, tabs)
    assert len(demo.fill.partial) >= 20
    partial_text = fixed_text("results_partial")
    for row in demo.fill.partial:
        status, message = notes[row]
        assert status == "PERIKSA" and partial_text in message, (row, status, message)
        assert all(h in message for h in ("Suara Sah", "Pengguna Hak Pilih")), message
    partial_rows = [r for r, (_, m) in notes.items() if partial_text in m]
    assert sorted(partial_rows) == demo.fill.partial             # no other row is partial


def test_planted_anomalies_carry_their_janggal_warning(demo: DemoResult, tabs: Any) -> None:
    notes = row_notes(demo, tabs)
    assert {code: len(rows) for code, rows in demo.fill.anomalies.items()} == ANOMALIES
    for code, rows in demo.fill.anomalies.items():
        for row in rows:
            status, message = notes[row]
            assert status == "PERIKSA" and fixed_text(code) in message, (code, row, status, message)
    flagged = [r for r, (_, m) in notes.items() if any(fixed_text(c) in m for c in ANOMALIES)]
    honest = demo.fill.reported - len(demo.fill.mistake_rows) - len(demo.fill.anomaly_rows)
    false_alarms = set(flagged) - demo.fill.anomaly_rows - demo.fill.mistake_rows
    assert len(false_alarms) <= 0.01 * honest


def test_summary_shows_complete_and_all_in_votes_side_by_side(demo: DemoResult, tabs: Any) -> None:
    kecamatan = tabs[demo.config.summary_tabs.kecamatan]
    header = next(r for r in kecamatan if "Kecamatan" in r)
    total = next(r for r in kecamatan if any(c.startswith("TOTAL") for c in r))
    complete = [i for i, h in enumerate(header) if h.endswith("(lengkap)") and h.startswith("Paslon")]
    all_in = [i for i, h in enumerate(header) if h.endswith("(semua masuk)") and h.startswith("Paslon")]
    assert len(complete) == len(all_in) == 3

    # the partial rows' paslon votes count in the second total only
    assert all(number(total[a]) > number(total[c]) for c, a in zip(complete, all_in))


def test_last_24_hours_tab_shows_the_evening_hour_by_hour(demo: DemoResult, tabs: Any) -> None:
    table = tabs[progress_title(demo.config)]
    rows = [r for r in table[1:] if r and r[0]]
    assert len(rows) == HOURS and len(demo.evening) == EVENING_HOURS
    assert rows[-1][0] == END.strftime("%d-%m %H:00")
    totals = [s.reported for s in demo.evening]
    assert totals == sorted(totals) and totals[0] > 0             # results came in over the evening
    evening = rows[-EVENING_HOURS:]
    assert [number(r[2]) for r in evening] == totals
    assert [number(r[1]) for r in evening] == [b - a for a, b in zip([0] + totals, totals)]
    assert all(r[1:3] == ["0", "0"] for r in rows[:-EVENING_HOURS])   # nothing before the first sync
    kecamatan = tabs[demo.config.summary_tabs.kecamatan]
    header = next(r for r in kecamatan if "Kecamatan" in r)
    total = next(r for r in kecamatan if any(c.startswith("TOTAL") for c in r))
    assert number(total[header.index("TPS Lapor")]) == totals[-1]


def test_init_made_the_charts(emu: Any, demo: DemoResult) -> None:
    meta = emu.client().http_client.fetch_sheet_metadata(demo.spreadsheet, {"includeGridData": "false"})
    charts = {s["properties"]["title"]: {c["spec"]["title"] for c in s.get("charts", [])} for s in meta["sheets"]}
    kota = demo.config.regions.kota
    wanted = {CHART_TITLES[k]["id"].format(kota=kota) for k in ("target", "share", "reported", "kota")}
    assert charts[demo.config.summary_tabs.kecamatan] == wanted
    assert charts[progress_title(demo.config)] == {CHART_TITLES["progress"]["id"]}


# ------------------------------------------------------------------ pure: the plan of the evening

@pytest.fixture(scope="module")
def config() -> Any:
    from sheetsync.core.config import load_preset

    return with_anomaly_flags(load_preset("pilkada-jakbar-2024"))


def test_the_hours_together_are_the_whole_fill(config: Any) -> None:
    values = template_values(config)
    hours, info = evening_updates(values, config, seed=SEED)
    whole, same = fill_updates(values, config, seed=SEED)
    assert len(hours) == EVENING_HOURS and all(hours)
    by_hour = values
    for updates in hours:
        by_hour = apply(by_hour, updates)
    assert by_hour == apply(values, whole) and info == same


def test_a_row_completed_later_is_partial_until_its_rest_comes(config: Any) -> None:
    values = template_values(config)
    hours, info = evening_updates(values, config, seed=SEED)
    partial_per_hour = []
    grid = values
    for updates in hours:
        grid = apply(grid, updates)
        result = check(grid, config)
        partial_per_hour.append({row for i in result.issues if i.code == "results_partial" and (row := i.row)})
    assert partial_per_hour[-1] == set(info.partial)
    completed = set().union(*partial_per_hour[:-1]) - partial_per_hour[-1]
    assert completed                        # some rows had their suara sah typed an hour or two later
    codes: dict[int, set[str]] = {}
    for issue in result.issues:
        codes.setdefault(issue.row or 0, set()).add(issue.code)
    # complete now: OK, or at most an anomaly flag on an unlikely share (core/rules/janggal.py)
    assert all(codes.get(r, set()) <= set(ANOMALIES) for r in completed)


@pytest.mark.parametrize("lang, words", [("en", ("mistakes", "unlikely", "Election night")),
                                         ("id", ("kesalahan", "janggal", "Malam penghitungan"))])
def test_the_demo_says_what_it_planted_in_the_readers_language(demo: DemoResult, capsys: Any, lang: str,
                                                                words: tuple[str, ...]) -> None:
    from sheetsync.cli.common import Ui
    from sheetsync.cli.demo import print_planted

    ui = Ui(lang)
    print_planted(ui, demo)
    out = capsys.readouterr().out
    assert all(w in out for w in words), out
    lines = out.splitlines()
    assert lines[1].startswith(f"{ui.n(len(demo.fill.partial))} ")
    assert lines[2].startswith(f"{ui.n(len(demo.fill.anomaly_rows))} ")
    assert f": {ui.n(len(demo.fill.entries_differ))} TPS " in lines[3]         # the second team's planted ones
    assert " > ".join(ui.n(s.reported) for s in demo.evening) in lines[4]
    assert f": {ui.n(int(demo.sync.kota['tps_verified']))} TPS " in lines[5]
    assert lines[6].startswith(f"{ui.n(demo.layout.requests.count('addChart'))} ")
