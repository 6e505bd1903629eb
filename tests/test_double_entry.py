"""Double entry in the core: a second, independent entry of the C.Hasil counts, typed in a
second tab or in columns beside the first, compared field by field; verified, belum dicek
ulang or entri berbeda per row, and the double-checked totals and summary columns.

The oracle below is worked out by hand from the rows, never by running check(). First
entry (input tab, sheet row: case), every row with a saksi so no saksi rule weighs in:
  2  Kapuk 1   complete; second entry the same                       OK, verified
  3  Kapuk 2   complete, Paslon 1 120; second entry says 102         PERIKSA, entries differ, counted
  4  Kapuk 3   complete; second entry has the paslon votes only      OK, belum dicek ulang
  5  Kapuk 4   complete; no second entry                             OK, belum dicek ulang
  6  Kapuk 5   paslon 10/10/10 with suara sah 31 (SALAH); same twice agrees but counts nowhere
  7  Angke 1   complete; second entry "Angke / TPS 001", the same    OK, verified
  8  Angke 2   paslon votes only, in both entries                    PERIKSA (partial), agrees, not counted
  9  Angke 3   complete, tidak sah 0; second entry typed "O"         PERIKSA, entries differ, counted
The second tab also has Kapuk 12 (no such TPS in the input tab) and Kapuk 1 typed again.
Kapuk is in kecamatan Cengkareng, Angke in Tambora.
  Kapuk: reported 4 (rows 2-5), verified 1, belum dicek ulang 2 (rows 4, 5), entries differ 1,
         25.0 % verified, double-checked votes 100 / 50 / 150 (row 2)
  Angke: reported 2 (rows 7, 9), verified 1, belum dicek ulang 0, entries differ 1, 50.0 %,
         double-checked votes 20 / 30 / 40 (row 7)
  kota:  reported 6, verified 2, belum dicek ulang 2, entries differ 2, 33.3 %, 120 / 80 / 190
"""

from __future__ import annotations

import random
from dataclasses import replace
from typing import Any

import numpy as np
import pytest
from core_sheet import header, preset, results, row
from test_config import MINIMAL
from test_config import write as write_config

from sheetsync.core.cells import parse_int_column
from sheetsync.core.check import CheckResult, check
from sheetsync.core.config import Config, ConfigError, DoubleEntry, load_config
from sheetsync.core.double_entry import ints
from sheetsync.core.rules.double_entry import DIFFERENCES as KEPT_DIFFERENCES
from sheetsync.core.rules.double_entry import Difference
from sheetsync.core.summaries import kecamatan_table, kelurahan_table
from sheetsync.sync.owned_notes import person_parts
from sheetsync.sync.ownership import is_own_message

TAB = "Entri Kedua"
SUFFIX = " (cek)"
COUNTS = ("paslon_1", "paslon_2", "paslon_3", "suara_sah", "suara_tidak_sah", "pengguna_hak_pilih")
COUNT_HEADERS = ("Paslon 1", "Paslon 2", "Paslon 3", "Suara Sah", "Suara Tidak Sah", "Pengguna Hak Pilih")
SECOND_HEADER = ["Kecamatan", "Kelurahan", "No TPS", *COUNT_HEADERS]


def by_tab(language: str = "id", tab: str = TAB) -> Config:
    return replace(preset(), double_entry=DoubleEntry(tab=tab), language=language)


def by_columns(language: str = "id") -> Config:
    return replace(preset(), double_entry=DoubleEntry(suffix=SUFFIX), language=language)


def kapuk(tps: Any, **cells: Any) -> list[Any]:
    return row("Cengkareng", "Kapuk", tps, saksi=f"Saksi Kapuk {tps}", **cells)


def angke(tps: Any, **cells: Any) -> list[Any]:
    return row("Tambora", "Angke", tps, saksi=f"Saksi Angke {tps}", **cells)


def counts_of(cells: dict[str, Any]) -> list[Any]:
    return [cells.get(f, "") for f in COUNTS]


def second(kecamatan: Any, kelurahan: Any, tps: Any, **cells: Any) -> list[Any]:
    """A row of the second tab: the key columns, then the counts."""
    return [kecamatan, kelurahan, tps, *counts_of(cells)]


def checked_by_tab(first: list[list[Any]], seconds: list[list[Any]] | None, config: Config | None = None) -> CheckResult:
    """check() with the second entry in a tab; seconds None: the tab does not exist."""
    config = config or by_tab()
    tab = None if seconds is None else [SECOND_HEADER, *seconds]
    return check([header(config), *first], config, second_tab=tab)


def checked_by_columns(pairs: list[tuple[list[Any], dict[str, Any]]], config: Config | None = None) -> CheckResult:
    """check() with the second entry in columns "<header> (cek)" between the counts and Status."""
    config = config or by_columns()
    head = header(config)
    values = [head[:-2] + [h + SUFFIX for h in COUNT_HEADERS] + head[-2:]]
    values += [first[:-2] + counts_of(cells) + first[-2:] for first, cells in pairs]
    return check(values, config)


def verdicts(result: CheckResult) -> dict[int, tuple[bool, bool, bool]]:
    """Sheet row -> (double_checked, entries_differ, second_filled)."""
    frame = result.rows
    return {r: (bool(frame.at[r, "double_checked"]), bool(frame.at[r, "entries_differ"]),
                bool(frame.at[r, "second_filled"])) for r in frame.index}


def issues_of(result: CheckResult, code: str) -> list[str]:
    return [i.message("en") for i in result.issues if i.code == code]


# ---------------------------------------------------------------- the hand-worked oracle

SAME = results()                                                    # 100/50/150, sah 300, tidak 5
KAPUK_2 = results(p1=120, p2=60, p3=90, tidak_sah=3)                # sah 270, pengguna 273
SALAH_ROW = dict(dpt=300, paslon_1=10, paslon_2=10, paslon_3=10, suara_sah=31, suara_tidak_sah=0,
                 pengguna_hak_pilih=31)
ANGKE_1 = results(p1=20, p2=30, p3=40, tidak_sah=2)                 # sah 90, pengguna 92
ANGKE_2 = dict(dpt=200, paslon_1=5, paslon_2=6, paslon_3=7)
ANGKE_3 = results(p1=10, p2=10, p3=10, tidak_sah=0)                 # sah 30, pengguna 30
PASLON_ONLY = dict(paslon_1=100, paslon_2=50, paslon_3=150)

FIRST = [kapuk(1, **SAME), kapuk(2, **KAPUK_2), kapuk(3, **SAME), kapuk(4, **SAME), kapuk(5, **SALAH_ROW),
         angke(1, **ANGKE_1), angke(2, **ANGKE_2), angke(3, **ANGKE_3)]
SECOND_TAB = [
    second("Cengkareng", "Kapuk", 1, **SAME),                           # tab row 2
    second("Cengkareng", "Kapuk", 2, **{**KAPUK_2, "paslon_1": 102}),    # 3
    second("Cengkareng", "Kapuk", 3, **PASLON_ONLY),                    # 4
    second("Cengkareng", "Kapuk", 5, **SALAH_ROW),                      # 5
    second("Tambora", "Angke", "TPS 001", **ANGKE_1),                   # 6
    second("Tambora", "Angke", 2, **ANGKE_2),                           # 7
    second("Tambora", "Angke", 3, **{**ANGKE_3, "suara_tidak_sah": "O"}),  # 8
    second("Cengkareng", "Kapuk", 12, **SAME),                          # 9: no such TPS
    second("Cengkareng", "Kapuk", "01", **KAPUK_2),                     # 10: Kapuk 1 again
]
# the same second entry, typed beside the first (sheet row -> second-entry cells)
SECOND_COLUMNS = {2: SAME, 3: {**KAPUK_2, "paslon_1": 102}, 4: PASLON_ONLY, 5: {}, 6: SALAH_ROW, 7: ANGKE_1,
                  8: ANGKE_2, 9: {**ANGKE_3, "suara_tidak_sah": "O"}}

STATUS = {2: "OK", 3: "PERIKSA", 4: "OK", 5: "OK", 6: "SALAH", 7: "OK", 8: "PERIKSA", 9: "PERIKSA"}
# (double_checked, entries_differ, second_filled)
VERDICTS = {2: (True, False, True), 3: (False, True, True), 4: (False, False, True), 5: (False, False, False),
            6: (True, False, True), 7: (True, False, True), 8: (True, False, True), 9: (False, True, True)}
DIFFERENCES = {3: "Paslon 1: 120 vs 102", 9: "Suara Tidak Sah: 0 vs 'O'"}
SECOND_ROW = {3: 3, 9: 8}                   # the second tab's row each differing row was compared with
PER_TPS_CHECKED = {r: v[0] for r, v in VERDICTS.items()}

KAPUK = {"tps_reported": 4, "tps_verified": 1, "tps_unchecked": 2, "tps_entries_differ": 1, "pct_verified": 25.0,
         "paslon_1_verified": 100, "paslon_2_verified": 50, "paslon_3_verified": 150,
         "paslon_1": 420, "paslon_2": 210, "paslon_3": 540}
ANGKE = {"tps_reported": 2, "tps_verified": 1, "tps_unchecked": 0, "tps_entries_differ": 1, "pct_verified": 50.0,
         "paslon_1_verified": 20, "paslon_2_verified": 30, "paslon_3_verified": 40,
         "paslon_1": 30, "paslon_2": 40, "paslon_3": 50}
KOTA = {"tps_reported": 6, "tps_verified": 2, "tps_unchecked": 2, "tps_entries_differ": 2, "pct_verified": 33.3,
        "paslon_1_verified": 120, "paslon_2_verified": 80, "paslon_3_verified": 190,
        "paslon_1": 450, "paslon_2": 250, "paslon_3": 590}
KELURAHAN = {"31.73.01.1005": KAPUK, "31.73.04.1007": ANGKE}
KECAMATAN = {"31.73.01": KAPUK, "31.73.04": ANGKE}

# totals key -> summary header, per language
SUMMARY_HEADERS = {
    "id": {"tps_verified": "TPS Terverifikasi Ganda", "pct_verified": "% Terverifikasi Ganda (dari TPS Lapor)",
           "tps_unchecked": "TPS Belum Dicek Ulang", "tps_entries_differ": "TPS Entri Berbeda",
           **{f"paslon_{i}_verified": f"Paslon {i} (terverifikasi ganda)" for i in (1, 2, 3)},
           **{f"paslon_{i}": f"Paslon {i} (lengkap)" for i in (1, 2, 3)}},
    "en": {"tps_verified": "TPS double-checked", "pct_verified": "% double-checked (of TPS reported)",
           "tps_unchecked": "TPS not yet double-checked", "tps_entries_differ": "TPS whose entries differ",
           **{f"paslon_{i}_verified": f"Paslon {i} (double-checked)" for i in (1, 2, 3)},
           **{f"paslon_{i}": f"Paslon {i} (complete)" for i in (1, 2, 3)}},
}


def oracle(form: str, language: str = "id") -> CheckResult:
    if form == "tab":
        return checked_by_tab(FIRST, SECOND_TAB, by_tab(language))
    pairs = [(first, SECOND_COLUMNS[r]) for r, first in enumerate(FIRST, start=2)]
    return checked_by_columns(pairs, by_columns(language))


@pytest.fixture(scope="module", params=["tab", "columns"])
def form(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture(scope="module")
def result(form: str) -> CheckResult:
    return oracle(form)


def test_oracle_statuses_and_verdicts(result: CheckResult) -> None:
    assert result.rows["status"].to_dict() == STATUS
    assert verdicts(result) == VERDICTS


def test_oracle_messages_name_each_differing_field_and_both_values(form: str, result: CheckResult) -> None:
    code = "double_entry_differs" if form == "columns" else "double_entry_differs_tab"
    found = {i.row: i for i in result.issues if i.code == code}
    assert set(found) == set(DIFFERENCES)
    for r, text in DIFFERENCES.items():
        if code == "double_entry_differs":
            assert found[r].message("id") == f"Baris {r}: entri kedua berbeda: {text}"
            assert found[r].message("en") == f"Row {r}: the second entry differs: {text}"
        else:
            assert found[r].message("id") == f"Baris {r}: entri kedua (tab '{TAB}' baris {SECOND_ROW[r]}) berbeda: {text}"
            assert found[r].message("en") == (f"Row {r}: the second entry (tab '{TAB}' row {SECOND_ROW[r]}) "
                                              f"differs: {text}")
        assert found[r].severity == "warning"
    # waiting for the second entry, or having part of it, says nothing on the row
    assert {r: result.status_of(r)[1] for r in (2, 4, 5, 7)} == {2: "", 4: "", 5: "", 7: ""}


def test_oracle_differences_are_kept_field_by_field(result: CheckResult) -> None:
    # what reconcile lists: each differing field with both values, a number or the cell as typed
    kept = {r: v for r, v in result.rows[KEPT_DIFFERENCES].items() if v is not None}
    assert kept == {3: (Difference("paslon_1", "Paslon 1", 120, 102),),
                    9: (Difference("suara_tidak_sah", "Suara Tidak Sah", 0, "O"),)}


def test_oracle_per_tps(result: CheckResult) -> None:
    table = result.totals.per_tps
    assert {r: bool(v) for r, v in table["double_checked"].items()} == PER_TPS_CHECKED


@pytest.mark.parametrize(("level", "want"), [("kelurahan", KELURAHAN), ("kecamatan", KECAMATAN)])
def test_oracle_area_totals(result: CheckResult, level: str, want: dict[str, dict[str, float]]) -> None:
    table = getattr(result.totals, f"per_{level}").set_index(f"kode_{level}")
    assert {kode: {k: table.at[kode, k] for k in sums} for kode, sums in want.items()} == want
    others = table.drop(index=list(want))
    assert (others["tps_verified"] == 0).all() and (others["paslon_1_verified"] == 0).all()


def test_oracle_kota_totals(result: CheckResult) -> None:
    assert {k: result.totals.kota[k] for k in KOTA} == KOTA


@pytest.mark.parametrize("language", ["id", "en"])
@pytest.mark.parametrize("form", ["tab", "columns"])
def test_oracle_summary_columns(form: str, language: str) -> None:
    got = oracle(form, language)
    config = by_tab(language) if form == "tab" else by_columns(language)
    headers = SUMMARY_HEADERS[language]
    for table, want in ((kecamatan_table(got, config), KECAMATAN), (kelurahan_table(got, config), KELURAHAN)):
        head, *lines = table
        assert all(h in head for h in headers.values())
        by_code = {line[0]: dict(zip(head, line)) for line in lines}
        assert {kode: {k: by_code[kode][h] for k, h in headers.items()} for kode in want} == \
            {kode: {k: sums[k] for k in headers} for kode, sums in want.items()}
    kota = dict(zip(*[kecamatan_table(got, config)[i] for i in (0, -1)]))
    assert {k: kota[h] for k, h in headers.items()} == {k: KOTA[k] for k in headers}


def test_oracle_second_tab_rows_of_its_own(form: str, result: CheckResult) -> None:
    if form == "columns":
        assert [i.code for i in result.issues if i.row is None] == []
        return
    assert issues_of(result, "double_entry_unmatched") == [
        f"Second-entry tab '{TAB}' row 9: Cengkareng / Kapuk / TPS 12 is not a TPS of tab 'TPS'"]
    assert issues_of(result, "double_entry_twice") == [
        f"Second-entry tab '{TAB}' row 10: this TPS is already typed in row 2; row 2 is used"]
    sheet = [i for i in result.issues if i.row is None]
    assert {i.severity for i in sheet} == {"warning"}


# ---------------------------------------------------------------- field by field

@pytest.mark.parametrize(("field", "label"), list(zip(COUNTS, COUNT_HEADERS)))
@pytest.mark.parametrize("form", ["tab", "columns"])
def test_one_field_differing_is_named_with_both_values(form: str, field: str, label: str) -> None:
    typed = {**SAME, field: SAME[field] + 7}
    if form == "tab":
        got = checked_by_tab([kapuk(1, **SAME)], [second("Cengkareng", "Kapuk", 1, **typed)])
    else:
        got = checked_by_columns([(kapuk(1, **SAME), typed)])
    assert verdicts(got) == {2: (False, True, True)}
    assert got.status_of(2)[0] == "PERIKSA"
    assert got.status_of(2)[1].endswith(f"berbeda: {label}: {SAME[field]} vs {SAME[field] + 7}")
    assert got.totals.kota["tps_reported"] == 1 and got.totals.kota["paslon_1"] == 100   # still counted
    assert got.totals.kota["tps_entries_differ"] == 1 and got.totals.kota["tps_verified"] == 0


@pytest.mark.parametrize("form", ["tab", "columns"])
def test_every_field_the_same_is_verified(form: str) -> None:
    if form == "tab":
        got = checked_by_tab([kapuk(1, **SAME)], [second("Cengkareng", "Kapuk", 1, **SAME)])
    else:
        got = checked_by_columns([(kapuk(1, **SAME), SAME)])
    assert verdicts(got) == {2: (True, False, True)} and got.status_of(2) == ("OK", "")
    assert got.totals.kota["tps_verified"] == 1 and got.totals.kota["pct_verified"] == 100.0


def test_numbers_as_typed_or_as_the_api_gives_them_agree() -> None:
    typed = {**SAME, "paslon_1": "100", "paslon_2": 50.0, "suara_sah": " 300 ", "pengguna_hak_pilih": "305"}
    got = checked_by_tab([kapuk(1, **{**SAME, "suara_sah": "300"})], [second("Cengkareng", "Kapuk", 1, **typed)])
    assert verdicts(got) == {2: (True, False, True)}
    big = results(p1=1200, p2=2000, p3=150, dpt=600)
    thousands = checked_by_tab([kapuk(1, **big)], [second("Cengkareng", "Kapuk", 1, **{**big, "paslon_2": "2.000"})])
    assert verdicts(thousands)[2] == (True, False, True)


def test_blank_in_both_counts_as_the_same() -> None:
    # suara tidak sah blank in both: still the same; the row is partial, so not counted
    partial = {**SAME, "suara_tidak_sah": "", "pengguna_hak_pilih": ""}
    got = checked_by_tab([kapuk(1, **partial)], [second("Cengkareng", "Kapuk", 1, **partial)])
    assert verdicts(got) == {2: (True, False, True)}
    assert got.status_of(2)[0] == "PERIKSA" and "entri kedua" not in got.status_of(2)[1]
    assert got.totals.kota["tps_verified"] == 0 and got.totals.kota["tps_entries_differ"] == 0


@pytest.mark.parametrize(("first", "again"), [("", 0), (0, "")])
def test_blank_in_one_entry_and_0_in_the_other_is_not_the_same(first: Any, again: Any) -> None:
    # suara tidak sah 0 typed in one entry only: the entries do not differ, nor do they agree yet
    complete = results(tidak_sah=0)
    got = checked_by_tab([kapuk(1, **{**complete, "suara_tidak_sah": first})],
                         [second("Cengkareng", "Kapuk", 1, **{**complete, "suara_tidak_sah": again})])
    assert verdicts(got) == {2: (False, False, True)}
    assert not any(i.code.startswith("double_entry") for i in got.issues)


def test_no_paslon_votes_in_either_is_not_verified() -> None:
    nothing = {"dpt": 300}
    got = checked_by_tab([kapuk(1, **nothing)], [second("Cengkareng", "Kapuk", 1, **nothing)])
    assert verdicts(got) == {2: (False, False, False)} and got.status_of(2)[0] == "BELUM DIISI"


@pytest.mark.parametrize("form", ["tab", "columns"])
def test_second_entry_partial_is_not_verified_and_not_periksa(form: str) -> None:
    if form == "tab":
        got = checked_by_tab([kapuk(1, **SAME)], [second("Cengkareng", "Kapuk", 1, **PASLON_ONLY)])
    else:
        got = checked_by_columns([(kapuk(1, **SAME), PASLON_ONLY)])
    assert verdicts(got) == {2: (False, False, True)}
    assert got.status_of(2) == ("OK", "")
    assert [i.code for i in got.issues] == []
    kota = got.totals.kota
    assert (kota["tps_verified"], kota["tps_unchecked"], kota["tps_entries_differ"]) == (0, 1, 0)


def test_first_entry_partial_second_complete_waits() -> None:
    got = checked_by_tab([kapuk(1, **PASLON_ONLY)], [second("Cengkareng", "Kapuk", 1, **SAME)])
    assert verdicts(got) == {2: (False, False, True)}
    assert "results_partial" in [i.code for i in got.issues]
    assert not any(i.code.startswith("double_entry") for i in got.issues)


@pytest.mark.parametrize("form", ["tab", "columns"])
def test_unreadable_second_cell_is_quoted(form: str) -> None:
    typed = {**SAME, "paslon_1": "1OO", "suara_sah": -300}
    if form == "tab":
        got = checked_by_tab([kapuk(1, **SAME)], [second("Cengkareng", "Kapuk", 1, **typed)])
    else:
        got = checked_by_columns([(kapuk(1, **SAME), typed)])
    assert verdicts(got)[2] == (False, True, True)
    assert got.status_of(2)[1].endswith("berbeda: Paslon 1: 100 vs '1OO', Suara Sah: 300 vs '-300'")
    assert got.status_of(2)[0] == "PERIKSA"          # a typo in the second entry is no error of the row


def test_unreadable_first_cell_is_quoted_too() -> None:
    got = checked_by_tab([kapuk(1, **{**SAME, "paslon_2": "5O"})], [second("Cengkareng", "Kapuk", 1, **SAME)])
    assert verdicts(got)[2] == (False, True, True)
    assert any(m.endswith("Paslon 2: '5O' vs 50") for m in issues_of(got, "double_entry_differs_tab"))


def test_a_typed_semicolon_does_not_split_the_keterangan() -> None:
    typed = {**SAME, "paslon_1": "100; 101", "paslon_2": "lima;puluh"}
    got = checked_by_tab([kapuk(1, **SAME)], [second("Cengkareng", "Kapuk", 1, **typed)])
    message = got.status_of(2)[1]
    assert message == (f"Entri kedua (tab '{TAB}' baris 2) berbeda: Paslon 1: 100 vs '100, 101', "
                       "Paslon 2: 50 vs 'lima,puluh'")
    assert ";" not in message and is_own_message(message)


@pytest.mark.parametrize("language", ["id", "en"])
@pytest.mark.parametrize("form", ["tab", "columns"])
def test_every_field_unreadable_stays_one_message_of_sheetsyncs(form: str, language: str) -> None:
    # the longest a tab title can be in Google Sheets; six quoted cells in both entries
    long_tab = "Entri Kedua " + "x" * 88
    typed = {f: "tidak terbaca; foto buram sekali" for f in COUNTS}
    first = kapuk(1, **{**SAME, **{f: f"{f} buram sekali" for f in COUNTS}})
    if form == "tab":
        got = checked_by_tab([first], [second("Cengkareng", "Kapuk", 1, **typed)], by_tab(language, long_tab))
    else:
        got = checked_by_columns([(first, typed)], by_columns(language))
    message = got.status_of(2)[1].split("; ")[-1]
    assert message.startswith(("Entri kedua", "The second entry")) and message.endswith(")")
    assert len(message) <= 300 and is_own_message(message)
    assert "(+" in message             # the fields left out are counted, not silently dropped


@pytest.mark.parametrize("language", ["id", "en"])
def test_the_whole_keterangan_reads_back_as_sheetsyncs_own(language: str) -> None:
    # a duplicate TPS (its message holds "; ") whose second entry differs, with a quoted "; "
    got = checked_by_tab([kapuk(1, **SAME), kapuk(1, **results(p1=90))],
                         [second("Cengkareng", "Kapuk", 1, **{**SAME, "paslon_1": "9;0", "suara_sah": "tiga ratus"})],
                         by_tab(language))
    cell = got.status_of(2)[1]
    assert cell.count("; ") >= 2 and ("'9,0'" in cell and "'tiga ratus'" in cell)
    assert person_parts(cell) == []
    note = "Ketua KPPS: Pak Ahmad, buka jam 7"
    assert person_parts(f"{note}; {cell}") == [note]


def test_six_numbers_differing_are_all_listed() -> None:
    typed = {f: v + 1 for f, v in SAME.items() if f in COUNTS}
    got = checked_by_tab([kapuk(1, **SAME)], [second("Cengkareng", "Kapuk", 1, **typed)],
                         by_tab(tab="Entri Kedua " + "x" * 88))
    message = got.status_of(2)[1].split("; ")[-1]
    assert message.endswith("Paslon 1: 100 vs 101, Paslon 2: 50 vs 51, Paslon 3: 150 vs 151, Suara Sah: 300 vs 301, "
                            "Suara Tidak Sah: 5 vs 6, Pengguna Hak Pilih: 305 vs 306")
    assert is_own_message(message)


BLURRED = "tidak terbaca, buram"                        # 20 characters, quoted whole


def test_a_long_unreadable_cell_is_quoted_cut_short() -> None:
    # 21 characters are cut to 20 and "..."
    typed = {**SAME, "paslon_1": BLURRED, "paslon_2": "tidak terbaca di foto"}
    got = checked_by_tab([kapuk(1, **SAME)], [second("Cengkareng", "Kapuk", 1, **typed)])
    assert got.status_of(2)[1] == (f"Entri kedua (tab '{TAB}' baris 2) berbeda: Paslon 1: 100 vs '{BLURRED}', "
                                   "Paslon 2: 50 vs 'tidak terbaca di fot...'")


@pytest.mark.parametrize(("typed", "differences"), [
    # 150 characters (DIFFERENCES_LIMIT): listed whole
    ({"paslon_1": BLURRED, "paslon_2": BLURRED, "paslon_3": "tidak terbaca foto", "suara_sah": "tiga ratus"},
     f"Paslon 1: 100 vs '{BLURRED}', Paslon 2: 50 vs '{BLURRED}', Paslon 3: 150 vs 'tidak terbaca foto', "
     "Suara Sah: 300 vs 'tiga ratus'"),
    # 151: whole ones while they fit with the count after them; the fourth is counted instead
    ({"paslon_1": BLURRED, "paslon_2": BLURRED, "paslon_3": "tidak terbaca foto", "suara_sah": "tiga ratus?"},
     f"Paslon 1: 100 vs '{BLURRED}', Paslon 2: 50 vs '{BLURRED}', Paslon 3: 150 vs 'tidak terbaca foto' (+1)"),
    # four whole ones and " (+1)" are exactly 150: the fourth still fits
    ({"paslon_1": BLURRED, "paslon_2": BLURRED, "paslon_3": BLURRED, "suara_sah": "3OO", "suara_tidak_sah": "lima"},
     f"Paslon 1: 100 vs '{BLURRED}', Paslon 2: 50 vs '{BLURRED}', Paslon 3: 150 vs '{BLURRED}', "
     "Suara Sah: 300 vs '3OO' (+1)"),
])
def test_differences_are_listed_whole_up_to_the_limit(typed: dict[str, Any], differences: str) -> None:
    got = checked_by_tab([kapuk(1, **SAME)], [second("Cengkareng", "Kapuk", 1, **{**SAME, **typed})])
    assert [i.params["differences"] for i in got.issues if i.code == "double_entry_differs_tab"] == [differences]
    assert len(differences) <= 150


def test_a_long_header_is_cut_so_the_message_stays_sheetsyncs_own() -> None:
    # a config may copy the form's wording into a header: the difference names its first 60
    # characters, so the Keterangan message stays short enough to be read back as sheetsync's
    wording = ("Jumlah suara sah yang diperoleh pasangan calon nomor urut 1 (Bupati dan Wakil Bupati) "
               "menurut formulir Model C.Hasil-KWK")
    base = by_tab()
    config = replace(base, columns=tuple(replace(c, header=wording) if c.field == "paslon_1" else c
                                         for c in base.columns))
    tab = [["Kecamatan", "Kelurahan", "No TPS", wording, *COUNT_HEADERS[1:]],
           second("Cengkareng", "Kapuk", 1, **{**SAME, "paslon_1": BLURRED})]
    got = check([header(config), row("Cengkareng", "Kapuk", 1, saksi="A", config=config, **SAME)], config,
                second_tab=tab)
    differences = f"{wording[:60]}...: 100 vs '{BLURRED}'"
    assert len(f"{wording}: 100 vs '{BLURRED}'") > 150 >= len(differences)
    assert [i.params["differences"] for i in got.issues if i.code == "double_entry_differs_tab"] == [differences]
    from sheetsync.sync.ownership import is_own_message
    (message,) = [m for m in got.rows["message"] if "differ" in m or "berbeda" in m]
    assert is_own_message(message)


# ---------------------------------------------------------------- lining up the second tab

def test_spellings_aliases_and_tps_numbers_line_up() -> None:
    first = [row("Taman Sari", "Tamansari", 1, saksi="A", **SAME), row("Grogol", "Grogol", "07", saksi="B", **SAME),
             row("Tamansari", "Taman Sari", "012", saksi="C", **SAME)]
    aliased = ["Kec.", "Desa/Kelurahan", "Nomor TPS", "Suara Paslon 1", "Suara Paslon 2", "Suara Paslon 3", "Sah",
               "Tidak Sah", "Jumlah Pengguna Hak Pilih"]
    config = by_tab()
    tab = [aliased, second("TAMAN SARI", "taman sari", "TPS 001", **SAME),
           second("Grogol Petamburan", "GROGOL", 7, **SAME), second("Taman Sari", "Tamansari", 12, **SAME)]
    got = check([header(config), *first], config, second_tab=tab)
    assert verdicts(got) == {2: (True, False, True), 3: (True, False, True), 4: (True, False, True)}
    assert [i.code for i in got.issues] == []


def test_a_kelurahan_in_another_kecamatan_matches_nothing() -> None:
    got = checked_by_tab([kapuk(1, **SAME)], [second("Tambora", "Kapuk", 1, **SAME)])
    assert verdicts(got) == {2: (False, False, False)}
    assert issues_of(got, "double_entry_unmatched") == [
        f"Second-entry tab '{TAB}' row 2: Tambora / Kapuk / TPS 1 is not a TPS of tab 'TPS'"]


@pytest.mark.parametrize("kecamatan", ["", "Cengkarang"])
def test_a_kelurahan_unique_in_the_kota_matches_without_its_kecamatan(kecamatan: str) -> None:
    # the second tab only has to name the TPS: Kapuk is one kelurahan in Jakarta Barat
    got = checked_by_tab([kapuk(1, **SAME)], [second(kecamatan, "Kapuk", 1, **SAME)])
    assert verdicts(got) == {2: (True, False, True)} and [i.code for i in got.issues] == []


def test_a_title_above_the_header_row() -> None:
    config = replace(by_tab(), header_row=2)
    got = check([["Rekap C.Hasil"], header(config), kapuk(1, **SAME), kapuk(2, **SAME)], config,
                second_tab=[["Entri kedua, relawan B"], SECOND_HEADER, second("Cengkareng", "Kapuk", 1, **SAME),
                            second("Cengkareng", "Kapuk", 2, **{**SAME, "paslon_3": 105})])
    assert verdicts(got) == {3: (True, False, True), 4: (False, True, True)}
    assert got.status_of(4)[1] == f"Entri kedua (tab '{TAB}' baris 4) berbeda: Paslon 3: 150 vs 105"


def test_the_second_tabs_columns_may_be_in_any_order_with_blank_rows() -> None:
    head = ["Catatan", *reversed(SECOND_HEADER)]
    line = ["", *reversed(second("Cengkareng", "Kapuk", 2, **SAME))]
    other = ["Kapuk 1", *reversed(second("Cengkareng", "Kapuk", 1, **{**SAME, "suara_sah": 299}))]
    got = check([header(), kapuk(1, **SAME), kapuk(2, **SAME)], by_tab(), second_tab=[head, [], ["", " "], line, other])
    assert verdicts(got) == {2: (False, True, True), 3: (True, False, True)}
    # the sheet's row numbers, blank rows counted
    assert got.status_of(2)[1] == f"Entri kedua (tab '{TAB}' baris 5) berbeda: Suara Sah: 300 vs 299"
    assert [i.code for i in got.issues] == ["double_entry_differs_tab"]


def test_a_row_naming_no_tps_of_the_input_tab_is_the_sheets_issue() -> None:
    got = checked_by_tab([kapuk(1, **SAME)], [second("Cengkareng", "Kapuk", 1, **SAME),
                                              second("Cengkareng", "Kapuk Raya", 3, **SAME),
                                              second("", "", "", **SAME)])
    found = [i for i in got.issues if i.code == "double_entry_unmatched"]
    assert [(i.row, i.severity) for i in found] == [(None, "warning"), (None, "warning")]
    assert found[0].message("id") == (f"Tab entri kedua '{TAB}' baris 3: Cengkareng / Kapuk Raya / TPS 3 "
                                      "bukan TPS di tab 'TPS'")
    assert found[1].message("en") == f"Second-entry tab '{TAB}' row 4: - / - / TPS - is not a TPS of tab 'TPS'"
    assert got.status_of(2) == ("OK", "") and verdicts(got)[2] == (True, False, True)


def test_rows_without_a_tps_number_or_a_known_kelurahan_each_match_nothing() -> None:
    # no number read is neither TPS 0 nor TPS 1, and two such rows are not one TPS typed twice
    got = checked_by_tab([kapuk(1, **SAME)], [second("Cengkareng", "Kapuk", "", **SAME),
                                              second("Cengkareng", "Kapuk", "dua", **SAME),
                                              second("Cengkareng", "Kapuk Raya", 3, **SAME),
                                              second("Cengkareng", "Kapuk Jaya", 3, **SAME)])
    assert verdicts(got) == {2: (False, False, False)}
    assert issues_of(got, "double_entry_unmatched") == [
        f"Second-entry tab '{TAB}' row {r}: Cengkareng / {place} is not a TPS of tab 'TPS'"
        for r, place in ((2, "Kapuk / TPS -"), (3, "Kapuk / TPS dua"), (4, "Kapuk Raya / TPS 3"),
                         (5, "Kapuk Jaya / TPS 3"))]
    assert issues_of(got, "double_entry_twice") == []


def test_a_tps_typed_twice_in_the_second_tab_uses_its_first_row() -> None:
    got = checked_by_tab([kapuk(12, **SAME)], [second("Cengkareng", "Kapuk", 12, **SAME),
                                               second("Cengkareng", "Kapuk", "012", **{**SAME, "paslon_1": 1}),
                                               second("Cengkareng", "Kapuk", "TPS 12", **SAME)])
    assert verdicts(got) == {2: (True, False, True)}
    found = [i for i in got.issues if i.code == "double_entry_twice"]
    assert [i.message("id") for i in found] == [
        f"Tab entri kedua '{TAB}' baris {r}: TPS ini sudah diketik di baris 2; yang dipakai baris 2" for r in (3, 4)]
    assert {i.severity for i in found} == {"warning"}


def test_a_tps_typed_twice_in_the_input_tab() -> None:
    # both rows SALAH (duplicate_tps) and counted nowhere; the second entry is compared with the first of them
    got = checked_by_tab([kapuk(1, **SAME), kapuk(1, **results(p1=90)), kapuk(2, **SAME)],
                         [second("Cengkareng", "Kapuk", 1, **results(p1=90)), second("Cengkareng", "Kapuk", 2, **SAME)])
    assert got.rows["status"].to_dict() == {2: "SALAH", 3: "SALAH", 4: "OK"}
    assert verdicts(got) == {2: (False, True, True), 3: (False, False, False), 4: (True, False, True)}
    kota = got.totals.kota
    assert (kota["tps_reported"], kota["tps_verified"], kota["tps_unchecked"]) == (1, 1, 0)
    assert kota["tps_entries_differ"] == 1 and kota["pct_verified"] == 100.0
    assert [i.code for i in got.issues if i.row is None] == []


def test_missing_tab_leaves_every_row_unchecked() -> None:
    got = checked_by_tab([kapuk(1, **SAME), kapuk(2, **PASLON_ONLY)], None)
    found = [i for i in got.issues if i.code == "double_entry_tab_missing"]
    assert [(i.row, i.severity) for i in found] == [(None, "warning")]
    assert found[0].message("id") == f"Tab entri kedua '{TAB}' tidak ada: belum ada TPS yang dicek ulang"
    assert found[0].message("en") == f"Second-entry tab '{TAB}' not found: no TPS is double-checked yet"
    assert got.rows["status"].to_dict() == {2: "OK", 3: "PERIKSA"}
    kota = got.totals.kota
    assert (kota["tps_verified"], kota["tps_unchecked"], kota["tps_entries_differ"]) == (0, 1, 0)


@pytest.mark.parametrize(("renamed", "column"), [("No TPS", "No TPS"), ("Kelurahan", "Kelurahan"),
                                                 ("Suara Tidak Sah", "Suara Tidak Sah")])
def test_second_tab_header_renamed_is_named(renamed: str, column: str) -> None:
    head = [h if h != renamed else "Kolom Baru" for h in SECOND_HEADER]
    config = by_tab()
    got = check([header(config), kapuk(1, **SAME)], config,
                second_tab=[head, second("Cengkareng", "Kapuk", 1, **{**SAME, "paslon_1": 1})])
    found = [i for i in got.issues if i.code == "double_entry_header_missing"]
    assert [i.message("id") for i in found] == [
        f"Tab entri kedua '{TAB}': kolom '{column}' tidak ditemukan di baris judul 1"]
    assert found[0].message("en") == f"Second-entry tab '{TAB}': column '{column}' not found in header row 1"
    assert [i.severity for i in found] == ["warning"]
    assert verdicts(got)[2][0] is False and got.totals.kota["tps_verified"] == 0
    if renamed == "Suara Tidak Sah":
        # the rows still line up: a difference in the fields that are there is still named
        assert verdicts(got)[2] == (False, True, True)
    else:
        assert verdicts(got)[2] == (False, False, False) and got.status_of(2) == ("OK", "")


def test_second_tab_with_only_its_header_row_leaves_every_row_unchecked() -> None:
    got = checked_by_tab([kapuk(1, **SAME), kapuk(2, **SAME)], [])
    assert [i.code for i in got.issues] == []
    assert verdicts(got) == {2: (False, False, False), 3: (False, False, False)}
    assert got.totals.kota["tps_unchecked"] == 2


def test_second_tab_without_a_header_row_names_every_column() -> None:
    got = check([header(), kapuk(1, **SAME)], by_tab(), second_tab=[])
    named = [i.params["column"] for i in got.issues if i.code == "double_entry_header_missing"]
    assert named == ["Kecamatan", "Kelurahan", "No TPS", *COUNT_HEADERS]


def test_second_entry_columns_missing_are_named() -> None:
    config = by_columns()
    got = check([header(config), kapuk(1, **SAME)], config)
    found = [i for i in got.issues if i.code == "double_entry_column_missing"]
    assert [i.params["column"] for i in found] == [h + SUFFIX for h in COUNT_HEADERS]
    assert {i.severity for i in found} == {"warning"}
    assert found[0].message("id") == ("Kolom entri kedua 'Paslon 1 (cek)' tidak ditemukan di baris judul 1: "
                                      "belum ada TPS yang dicek ulang")
    assert found[0].message("en") == ("Second-entry column 'Paslon 1 (cek)' not found in header row 1: "
                                      "no TPS is double-checked yet")
    assert got.status_of(2) == ("OK", "") and got.totals.kota["tps_unchecked"] == 1


def test_second_entry_columns_found_by_an_alias_with_the_suffix() -> None:
    config = by_columns()
    head = header(config)
    aliased = ["Suara Paslon 1 (cek)", "Suara Paslon 2 (CEK)", "Suara Paslon 3(cek)", "Sah (cek)",
               "Tidak Sah (cek)", "Pengguna (cek)"]
    first = kapuk(1, **SAME)
    got = check([head[:-2] + aliased + head[-2:], first[:-2] + counts_of(SAME) + first[-2:]], config)
    assert verdicts(got) == {2: (True, False, True)} and [i.code for i in got.issues] == []


# ---------------------------------------------------------------- the counts as numbers

def test_ints_are_the_missing_value_where_blank_or_unreadable() -> None:
    parsed = parse_int_column(np.array([7, None, "12O", " 3 "], dtype=object))
    assert ints(parsed).tolist() == [7, 0, 0, 3]
    assert ints(parsed, missing=-1).tolist() == [7, -1, -1, 3]
    assert ints(parsed).dtype == np.int64


# ---------------------------------------------------------------- no double entry configured

def test_without_double_entry_nothing_is_added() -> None:
    got = check([header(), kapuk(1, **SAME)], preset(), second_tab=[SECOND_HEADER, second("Cengkareng", "Kapuk", 1)])
    assert "double_checked" not in got.rows and "double_checked" not in got.totals.per_tps
    assert not any(k.startswith("tps_verified") or k.endswith("_verified") for k in got.totals.kota)
    assert "TPS Terverifikasi Ganda" not in kecamatan_table(got, preset())[0]


# ---------------------------------------------------------------- the config

def config_with(tmp_path, table: str, text: str = MINIMAL):
    """test_config's minimal config with ``table`` (a [double_entry] table) before [regions]."""
    return write_config(tmp_path, text.replace("[regions]", table + "[regions]", 1))


@pytest.mark.parametrize(("table", "want"), [
    ('[double_entry]\ntab = "Entri Kedua"\n', DoubleEntry(tab="Entri Kedua")),
    ('[double_entry]\nsuffix = " (cek)"\n', DoubleEntry(suffix=" (cek)")),
    ("", None)])
def test_config_forms(tmp_path, table: str, want: DoubleEntry | None) -> None:
    assert load_config(config_with(tmp_path, table)).double_entry == want


def config_error(tmp_path, table: str, text: str = MINIMAL) -> ConfigError:
    path = config_with(tmp_path, table, text)
    with pytest.raises(ConfigError) as e:
        load_config(path)
    for lang in ("id", "en"):
        assert "\n" not in e.value.message(lang) and e.value.message(lang).startswith(str(path))
    return e.value


FORM_EN = "give either tab (a second tab typed by other volunteers) or suffix (second-entry columns beside the first)"
FORM_ID = ("isi salah satu, tab (tab kedua yang diketik relawan lain) atau suffix (kolom entri kedua di samping "
           "yang pertama)")


@pytest.mark.parametrize(("table", "en", "id_"), [
    ('[double_entry]\ntab = "Entri Kedua"\nsuffix = " (cek)"\n',
     f"double_entry: {FORM_EN}, not both", f"double_entry: {FORM_ID}: keduanya terisi"),
    ("[double_entry]\n", f"double_entry: {FORM_EN}, not neither", f"double_entry: {FORM_ID}: keduanya kosong"),
    ('[double_entry]\ntab = "TPS"\n', "double_entry.tab: 'TPS' is also input.tab: the second entry needs a tab of its own",
     "double_entry.tab: 'TPS' juga input.tab: entri kedua perlu tab sendiri"),
    ('[double_entry]\ntab = "tps"\n', "double_entry.tab: 'tps' is also input.tab: the second entry needs a tab of its own",
     "double_entry.tab: 'tps' juga input.tab: entri kedua perlu tab sendiri"),
    ('[double_entry]\ntab = "Masalah"\n',
     "double_entry.tab: 'Masalah' is also a summary tab: the second entry needs a tab of its own",
     "double_entry.tab: 'Masalah' juga tab rekap: entri kedua perlu tab sendiri"),
    ('[double_entry]\ntab = "REKAP KECAMATAN"\n',
     "double_entry.tab: 'REKAP KECAMATAN' is also a summary tab: the second entry needs a tab of its own",
     "double_entry.tab: 'REKAP KECAMATAN' juga tab rekap: entri kedua perlu tab sendiri"),
    ('[double_entry]\ntab = ""\n', "double_entry.tab: must not be empty", "double_entry.tab: tidak boleh kosong"),
    ('[double_entry]\nsuffix = " ()"\n', "double_entry.suffix: must hold a letter or digit",
     "double_entry.suffix: harus berisi huruf atau angka"),
    ('[double_entry]\nsuffix = ""\n', "double_entry.suffix: must hold a letter or digit",
     "double_entry.suffix: harus berisi huruf atau angka"),
    ('[double_entry]\ntab = "Entri Kedua"\nkolom = "x"\n', "double_entry.kolom: unknown key",
     "double_entry.kolom: kunci tidak dikenal"),
])
def test_config_errors_one_line_in_both_languages(tmp_path, table: str, en: str, id_: str) -> None:
    error = config_error(tmp_path, table)
    assert error.message("en").split(": ", 1)[1] == en
    assert error.message("id").split(": ", 1)[1] == id_


def test_config_needs_counts_to_compare(tmp_path) -> None:
    without_counts = MINIMAL.rsplit("[[columns]]", 1)[0]
    error = config_error(tmp_path, '[double_entry]\ntab = "Entri Kedua"\n', without_counts)
    assert error.message("en").endswith("double_entry: needs C.Hasil columns (paslon, suara sah ...) to compare")
    assert error.message("id").endswith("double_entry: perlu kolom C.Hasil (paslon, suara sah ...) untuk dibandingkan")


# ---------------------------------------------------------------- many rows against the definition

# cells as typed or as the API gives them, each with (blank, a number read, its value); a list,
# as 2 and 2.0 are one dict key
POOL: list[tuple[Any, tuple[bool, bool, int]]] = [
    ("", (True, False, 0)), (" ", (True, False, 0)), (0, (False, True, 0)), (1, (False, True, 1)),
    (2, (False, True, 2)), ("2", (False, True, 2)), (" 1 ", (False, True, 1)), (2.0, (False, True, 2)),
    ("1.000", (False, True, 1000)), (1000, (False, True, 1000)), ("12O", (False, False, 0)),
    ("-3", (False, False, 0)), ("1,5", (False, False, 0))]


def expected(first: dict[str, int], again: dict[str, int]) -> tuple[tuple[bool, bool, bool], str]:
    """The verdict and the differences text by the definition in docs/core.md, cell by cell
    (the entries hold positions in POOL)."""
    differ, same, texts = False, True, []
    for f, label in zip(COUNTS, COUNT_HEADERS):
        (a_cell, (a_blank, a_ok, a)), (b_cell, (b_blank, b_ok, b)) = POOL[first[f]], POOL[again[f]]
        if not a_blank and not b_blank and (not a_ok or not b_ok or a != b):
            differ = True
            shown = [str(v) if ok else f"'{c}'" for c, ok, v in ((a_cell, a_ok, a), (b_cell, b_ok, b))]
            texts.append(f"{label}: {shown[0]} vs {shown[1]}")
        same &= (a_blank and b_blank) or (not a_blank and not b_blank and a_ok and b_ok and a == b)
    filled = any(not POOL[again[f]][1][0] for f in COUNTS)
    votes_in = all(not POOL[first[f]][1][0] for f in COUNTS[:3])
    return (same and filled and votes_in and not differ, differ, filled), ", ".join(texts)


@pytest.mark.parametrize("form", ["tab", "columns"])
def test_random_rows_follow_the_definition(form: str) -> None:
    rng = random.Random(20241127)
    cells = range(len(POOL))
    pairs = []
    consistent = dict(zip(COUNTS, (1, 1, 0, 2, 0, 2)))      # paslon = sah, sah + tidak sah = pengguna
    spelled = {v: [c for c in cells if POOL[c][1] == (False, True, v)] for v in consistent.values()}
    for n in range(400):
        # a third of the rows complete and consistent (counted), in any spelling; the rest anything
        first = ({f: rng.choice(spelled[v]) for f, v in consistent.items()} if n % 3 == 0
                 else {f: rng.choice(cells) for f in COUNTS})
        # mostly the same as the first, as a second entry is: a few cells changed or blank
        again = {f: rng.choice(cells) if rng.random() < 0.1 else first[f] for f in COUNTS}
        pairs.append((first, again))
    def typed(entry: dict[str, int]) -> dict[str, Any]:
        return {f: POOL[c][0] for f, c in entry.items()}

    firsts = [kapuk(n, dpt=400, **typed(first)) for n, (first, _) in enumerate(pairs, start=1)]
    if form == "tab":
        got = checked_by_tab(firsts, [second("Cengkareng", "Kapuk", n, **typed(again))
                                      for n, (_, again) in enumerate(pairs, start=1)])
    else:
        got = checked_by_columns([(line, typed(again)) for line, (_, again) in zip(firsts, pairs)])
    want = {r: expected(first, again) for r, (first, again) in enumerate(pairs, start=2)}
    assert verdicts(got) == {r: v for r, (v, _) in want.items()}
    code = "double_entry_differs" if form == "columns" else "double_entry_differs_tab"
    texts = {i.row: i.params["differences"] for i in got.issues if i.code == code}
    assert texts == {r: text for r, (v, text) in want.items() if v[1]}
    counted = got.totals.per_tps["counted"]
    assert got.totals.kota["tps_verified"] == sum(bool(counted[r]) and v[0] for r, (v, _) in want.items())
    assert got.totals.kota["tps_entries_differ"] == sum(v[1] for v, _ in want.values())
    # the draw has enough of each case to mean something
    assert got.totals.kota["tps_verified"] > 30 and got.totals.kota["tps_entries_differ"] > 30
