"""A hand-worked sheet: 24 TPS rows in two kecamatan (tests/oracle/sheet.csv), with the status and
problem codes of every row and the totals of every TPS, kelurahan, kecamatan and the kota worked
out by hand from the rules of a TPS result (tests/oracle/expected_*.csv), never by running check().

Once through check(), once end to end: the sheet on the emulator, `sheetsync sync` through click,
the Status column and the summary tabs read back through gspread.

What the rows hold (sheet row: case):
  2-3   OK; row 3 is DPT 100 with 102 paslon votes, exactly DPT x 1.02
  4     103 paslon votes on DPT 100: over DPT x 1.02
  5-6   paslon votes summing below and above suara sah
  7     sah + tidak sah not equal to pengguna hak pilih
  8     no results and no saksi (BELUM ADA SAKSI); 9 results half typed (BELUM DIISI)
  10-11 one TPS typed twice
  12    DPT 601; 13 target above DPT (PERIKSA); 14 results but no saksi (PERIKSA)
  15    OK with its own target cell; 16 "12a"; 17 a negative vote and a bad yes/no
  18    a bad saksi phone (SALAH, but its votes count); 19-20 one phone on two rows (same)
  21    a kelurahan of another kecamatan; 22 an unknown kecamatan (Kebayoran Lama is in Jakarta
        Selatan) whose kelurahan name is unique in the kota
        (placed in the kelurahan, not in a kecamatan); 23 an unknown kelurahan; 24 no TPS number
  25    the kecamatan by its alias "kebun jeruk", with stray spaces, the kelurahan in capitals: OK
Koordinator "Budi Santoso" (in three spellings) has 11 rows, one over the limit of 10.
"""

from __future__ import annotations

import csv
import re
from collections import Counter
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner
from gspread.utils import ValueRenderOption

from sheetsync.cli.main import cli
from sheetsync.core.check import CheckResult, check
from sheetsync.core.config import load_preset
from google_emulator import GoogleEmulator

ORACLE = Path(__file__).parent / "oracle"
PRESET = "pilkada-jakbar-2024"
# expected_totals.csv column -> header of the summary tabs (Indonesian, the preset's language);
# the votes are those of complete rows, labelled so beside the votes of every row with paslon votes
TAB_HEADERS = {
    "tps_entered": "TPS Masuk", "tps_reported": "TPS Lapor", "tps_error": "Baris Salah",
    "paslon_1": "Paslon 1 (lengkap)", "paslon_2": "Paslon 2 (lengkap)", "paslon_3": "Paslon 3 (lengkap)",
    "suara_sah": "Suara Sah (lengkap)", "suara_tidak_sah": "Suara Tidak Sah (lengkap)",
    "target": "Target Suara", "pct_reported": "% Lapor",
    "pct_target": "% Target",
}
RECONCILIATION_HEADERS = {"tps_planned": "TPS Rencana", "tps_missing": "TPS Kurang", "tps_extra": "TPS Lebih",
                          "target_diff": "Selisih Target TPS"}
KOTA = "TOTAL Jakarta Barat"


def typed(cell: str) -> str | int:
    """A cell as a volunteer's sheet holds it: a whole number typed is a number; anything else
    (a phone number's leading 0, "12a", a name with stray spaces) is text."""
    return int(cell) if re.fullmatch(r"-?[1-9][0-9]*|0", cell) else cell


def sheet_values() -> list[list[str | int]]:
    with (ORACLE / "sheet.csv").open(newline="", encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    return [rows[0]] + [[typed(c) for c in r] for r in rows[1:]]


def expected(name: str) -> list[dict[str, str]]:
    with (ORACLE / name).open(newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def number(text: str) -> float | None:
    return None if text == "" else float(text)


def shown(value: object) -> float | None:
    """A number as a table or a tab holds it; None for a blank (NA, NaN, "")."""
    if value is None or value is pd.NA or value == "":
        return None
    value = float(value)  # type: ignore[arg-type]
    return None if value != value else value


EXPECTED_ROWS = expected("expected_rows.csv")
EXPECTED_TOTALS = expected("expected_totals.csv")
EXPECTED_RECONCILIATION = expected("expected_reconciliation.csv")


def expected_statuses() -> dict[int, str]:
    return {int(r["row"]): r["status"] for r in EXPECTED_ROWS}


def expected_problems() -> Counter[tuple[int, str]]:
    return Counter((int(r["row"]), code) for r in EXPECTED_ROWS for code in r["codes"].split())


def expected_area(level: str) -> dict[str, dict[str, float | None]]:
    return {r["kode"]: {k: number(v) for k, v in r.items() if k not in ("level", "kode")}
            for r in EXPECTED_TOTALS if r["level"] == level}


# ---------------------------------------------------------------- check()

@pytest.fixture(scope="module")
def result() -> CheckResult:
    return check(sheet_values(), load_preset(PRESET))


def test_every_row_has_its_hand_worked_status_and_problems(result: CheckResult) -> None:
    assert result.rows["status"].to_dict() == expected_statuses()
    assert Counter((i.row, i.code) for i in result.issues) == expected_problems()
    assert not result.valid


def test_per_tps_totals(result: CheckResult) -> None:
    table = result.totals.per_tps
    got = {row: (t.tps_key if isinstance(t.tps_key, str) else "", bool(t.counted), shown(t.target), shown(t.turnout_pct))
           for row, t in zip(table.index, table.itertuples())}
    want = {int(r["row"]): (r["tps_key"], r["counted"] == "1", number(r["target"]), number(r["turnout_pct"]))
            for r in EXPECTED_ROWS}
    assert got == want


@pytest.mark.parametrize("level", ["kelurahan", "kecamatan"])
def test_area_totals(result: CheckResult, level: str) -> None:
    table = getattr(result.totals, f"per_{level}").set_index(f"kode_{level}")
    want = expected_area(level)
    columns = list(next(iter(want.values())))
    got = {kode: {c: shown(table.at[kode, c]) for c in columns} for kode in want}
    assert got == want
    # every other area of the kota: nothing entered
    others = table.drop(index=list(want))
    assert (others["rows_entered"] == 0).all() and (others["tps_entered"] == 0).all()


def test_kota_totals(result: CheckResult) -> None:
    [want] = expected_area("kota").values()
    assert {c: shown(result.totals.kota[c]) for c in want} == want


def test_reconciliation(result: CheckResult) -> None:
    table = result.reconciliation.set_index("kode_kecamatan")
    for r in EXPECTED_RECONCILIATION:
        got = {c: shown(table.at[r["kode_kecamatan"], c]) for c in r if c != "kode_kecamatan"}
        assert got == {c: number(v) for c, v in r.items() if c != "kode_kecamatan"}, r["kode_kecamatan"]


# ---------------------------------------------------------------- end to end

@pytest.fixture(scope="module")
def synced(emu: GoogleEmulator, tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[list[object]]]:
    """The oracle sheet on the shared emulator after one `sheetsync sync`: every tab, numbers unformatted."""
    workdir = tmp_path_factory.mktemp("oracle")
    with pytest.MonkeyPatch.context() as mp:
        mp.chdir(workdir)
        mp.setenv("SHEETSYNC_LOCK_DIR", str(workdir / "locks"))
        mp.setenv("XDG_STATE_HOME", str(workdir / "state"))
        book = emu.client().create("oracle")
        ws = book.sheet1
        ws.update_title("TPS")
        ws.update(sheet_values(), "A1", raw=True)
        args = ["sync", "--preset", PRESET, "--api-url", emu.url, "--spreadsheet", book.id]
        run = CliRunner().invoke(cli, args, catch_exceptions=False)
        assert run.exit_code == 0, run.output
        return {w.title: w.get_all_values(value_render_option=ValueRenderOption.unformatted)
                for w in emu.client().open_by_key(book.id).worksheets()}


def table_at(values: list[list[object]], first_header: str) -> list[dict[str, object]]:
    """The table of a tab whose header row starts with first_header, as dicts."""
    start = next(i for i, r in enumerate(values) if r and r[0] == first_header)
    header = [str(h) for h in values[start]]
    return [dict(zip(header, r)) for r in values[start + 1:] if any(c != "" for c in r)]


def test_sync_writes_the_hand_worked_statuses(synced: dict[str, list[list[object]]]) -> None:
    header, *rows = synced["TPS"]
    status = header.index("Status")
    assert {i: r[status] for i, r in enumerate(rows, start=2)} == expected_statuses()


def test_masalah_tab_lists_every_hand_worked_problem(synced: dict[str, list[list[object]]]) -> None:
    lines = table_at(synced["Masalah"], "Baris")
    assert Counter((int(line["Baris"]), line["Kode Masalah"]) for line in lines) == expected_problems()


@pytest.mark.parametrize(("tab", "level"), [("Rekap Kelurahan", "kelurahan"), ("Rekap Kecamatan", "kecamatan")])
def test_summary_tabs_hold_the_hand_worked_totals(synced: dict[str, list[list[object]]], tab: str,
                                                   level: str) -> None:
    lines = {line["Kode"]: line for line in table_at(synced[tab], "Kode")}
    for kode, want in expected_area(level).items():
        got = {c: shown(lines[kode][h]) for c, h in TAB_HEADERS.items()}
        assert got == {c: want[c] for c in TAB_HEADERS}, kode
    others = [line for kode, line in lines.items() if kode not in expected_area(level) and kode]
    assert others and all(line["TPS Masuk"] == 0 for line in others)


def test_kecamatan_tab_kota_line_and_reconciliation(synced: dict[str, list[list[object]]]) -> None:
    lines = table_at(synced["Rekap Kecamatan"], "Kode")
    [kota] = [line for line in lines if line["Kecamatan"] == KOTA]
    [want] = expected_area("kota").values()
    assert {c: shown(kota[h]) for c, h in TAB_HEADERS.items()} == {c: want[c] for c in TAB_HEADERS}
    by_kode = {line["Kode"]: line for line in lines}
    for r in EXPECTED_RECONCILIATION:
        got = {c: shown(by_kode[r["kode_kecamatan"]][h]) for c, h in RECONCILIATION_HEADERS.items()}
        assert got == {c: number(r[c]) for c in RECONCILIATION_HEADERS}, r["kode_kecamatan"]
