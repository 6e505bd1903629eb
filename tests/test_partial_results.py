"""Partial results on election night: a row whose paslon votes are in before suara sah, tidak
sah and pengguna hak pilih is PERIKSA, naming what is still blank, and its votes count in the
totals of votes all in, shown beside the votes of complete rows.

Every status, message and total below is worked out by hand from the rows, never by running
check(). The rows (sheet row: case), every row with a saksi so no saksi rule weighs in:
  2   Kapuk 1    complete and consistent: OK
  3   Kapuk 2    paslon 40/30/80, nothing else: PERIKSA
  4   Kapuk 3    paslon 10/20/30 and suara sah 60: PERIKSA
  5   Kapuk 4    DPT only: BELUM DIISI
  6   Kapuk 5    Paslon 1 only (still being typed): BELUM DIISI
  7   Kapuk 6    paslon 10/10/10 with suara sah 31: SALAH, its votes count nowhere
  8   Kapuk 7    paslon 110 on DPT 100 (over DPT x 1.02): SALAH, its votes count nowhere
  9   Angke 1    paslon 5/6/7, nothing else: PERIKSA
  10  Angke 2    complete, target above DPT: PERIKSA, its votes count in both totals
  11  Angke 3    paslon 1/2/3 and a saksi phone that is not one: SALAH, its votes still count
Kapuk is in kecamatan Cengkareng, Angke in Tambora.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from gspread.utils import ValueRenderOption

from core_sheet import header, preset, results, row
from google_emulator import GoogleEmulator
from sheetsync.core.check import CheckResult, check
from sheetsync.core.config import Config
from sheetsync.sync.run import sync
from sync_data import config_for, seed

NOW = datetime(2024, 11, 27, 16, 30, 0, tzinfo=ZoneInfo("Asia/Jakarta"))


def kapuk(tps: int, **cells: object) -> list[object]:
    return row("Cengkareng", "Kapuk", tps, saksi=f"Saksi Kapuk {tps}", **cells)


def angke(tps: int, **cells: object) -> list[object]:
    return row("Tambora", "Angke", tps, saksi=f"Saksi Angke {tps}", **cells)


ROWS = [
    kapuk(1, **results()),                                                   # 100/50/150, sah 300, tidak 5
    kapuk(2, dpt=300, paslon_1=40, paslon_2=30, paslon_3=80),
    kapuk(3, dpt=300, paslon_1=10, paslon_2=20, paslon_3=30, suara_sah=60),
    kapuk(4, dpt=250),
    kapuk(5, dpt=250, paslon_1=7),
    kapuk(6, dpt=300, paslon_1=10, paslon_2=10, paslon_3=10, suara_sah=31),
    kapuk(7, dpt=100, paslon_1=60, paslon_2=30, paslon_3=20),
    angke(1, dpt=200, paslon_1=5, paslon_2=6, paslon_3=7),
    angke(2, target=500, **results(p1=20, p2=30, p3=40, tidak_sah=2)),      # sah 90, tidak 2
    angke(3, dpt=200, paslon_1=1, paslon_2=2, paslon_3=3, hp_saksi="0812-x"),
]

ALL_BLANK = "Suara Sah, Suara Tidak Sah, Pengguna Hak Pilih"
STATUS = {2: "OK", 3: "PERIKSA", 4: "PERIKSA", 5: "BELUM DIISI", 6: "BELUM DIISI", 7: "SALAH", 8: "SALAH",
          9: "PERIKSA", 10: "PERIKSA", 11: "SALAH"}
STATUS_EN = {"OK": "OK", "PERIKSA": "CHECK", "BELUM DIISI": "NOT FILLED", "SALAH": "ERROR"}
# the rows' own messages (Keterangan), where the partial-results rule speaks
MESSAGE = {
    "id": {
        3: f"Suara paslon sudah masuk, belum diisi: {ALL_BLANK}",
        4: "Suara paslon sudah masuk, belum diisi: Suara Tidak Sah, Pengguna Hak Pilih",
        5: "Hasil belum diisi",
        6: "Hasil belum lengkap: Paslon 2, Paslon 3, Suara Sah, Suara Tidak Sah, Pengguna Hak Pilih kosong",
        7: "Suara paslon sudah masuk, belum diisi: Suara Tidak Sah, Pengguna Hak Pilih; "
           "Jumlah suara paslon 30 tidak sama dengan suara sah 31",
        8: f"Suara paslon sudah masuk, belum diisi: {ALL_BLANK}; "
           "Jumlah suara paslon 110 melebihi DPT x 1.02 (102)",
        9: f"Suara paslon sudah masuk, belum diisi: {ALL_BLANK}",
    },
    "en": {
        3: f"Candidate votes are in, not filled yet: {ALL_BLANK}",
        4: "Candidate votes are in, not filled yet: Suara Tidak Sah, Pengguna Hak Pilih",
        5: "Results not filled in yet",
        6: "Results incomplete: Paslon 2, Paslon 3, Suara Sah, Suara Tidak Sah, Pengguna Hak Pilih blank",
        9: f"Candidate votes are in, not filled yet: {ALL_BLANK}",
    },
}
# per TPS row: (votes count in the complete rows' totals, in the totals of votes all in)
COUNTED = {2: (True, True), 3: (False, True), 4: (False, True), 5: (False, False), 6: (False, False),
           7: (False, False), 8: (False, False), 9: (False, True), 10: (True, True), 11: (False, True)}

KAPUK = {"tps_entered": 7, "tps_reported": 1, "tps_error": 2, "tps_periksa": 2, "tps_belum": 2,
         "paslon_1": 100, "paslon_2": 50, "paslon_3": 150, "suara_sah": 300, "suara_tidak_sah": 5,
         "tps_paslon_in": 3, "paslon_1_all_in": 150, "paslon_2_all_in": 100, "paslon_3_all_in": 260}
ANGKE = {"tps_entered": 3, "tps_reported": 1, "tps_error": 1, "tps_periksa": 2, "tps_belum": 0,
         "paslon_1": 20, "paslon_2": 30, "paslon_3": 40, "suara_sah": 90, "suara_tidak_sah": 2,
         "tps_paslon_in": 3, "paslon_1_all_in": 26, "paslon_2_all_in": 38, "paslon_3_all_in": 50}
KOTA = {"tps_entered": 10, "tps_reported": 2, "tps_error": 3, "tps_periksa": 4, "tps_belum": 2,
        "paslon_1": 120, "paslon_2": 80, "paslon_3": 190, "suara_sah": 390, "suara_tidak_sah": 7,
        "tps_paslon_in": 6, "paslon_1_all_in": 176, "paslon_2_all_in": 138, "paslon_3_all_in": 310}
KELURAHAN = {"31.73.01.1005": KAPUK, "31.73.04.1007": ANGKE}
KECAMATAN = {"31.73.01": KAPUK, "31.73.04": ANGKE}       # Cengkareng, Tambora: one kelurahan each here

# totals key -> summary tab header, per language
TAB_HEADERS = {
    "id": {"tps_reported": "TPS Lapor", "tps_error": "Baris Salah", "tps_paslon_in": "TPS Suara Paslon Masuk",
           **{f"paslon_{i}": f"Paslon {i} (lengkap)" for i in (1, 2, 3)},
           **{f"paslon_{i}_all_in": f"Paslon {i} (semua masuk)" for i in (1, 2, 3)},
           "suara_sah": "Suara Sah (lengkap)", "suara_tidak_sah": "Suara Tidak Sah (lengkap)"},
    "en": {"tps_reported": "TPS reported", "tps_error": "Rows in error", "tps_paslon_in": "TPS with candidate votes",
           **{f"paslon_{i}": f"Paslon {i} (complete)" for i in (1, 2, 3)},
           **{f"paslon_{i}_all_in": f"Paslon {i} (incl. partial)" for i in (1, 2, 3)},
           "suara_sah": "Suara Sah (complete)", "suara_tidak_sah": "Suara Tidak Sah (complete)"},
}
KOTA_LINE = "TOTAL Jakarta Barat"         # the kecamatan tab's last line, in both languages


def in_language(lang: str) -> Config:
    return replace(preset(), language=lang)


# ---------------------------------------------------------------- the core

@pytest.fixture(scope="module")
def result() -> CheckResult:
    return check([header(), *ROWS], preset(), now=NOW)


def test_statuses(result: CheckResult) -> None:
    assert result.rows["status"].to_dict() == STATUS


@pytest.mark.parametrize("lang", ["id", "en"])
def test_messages_name_what_is_still_blank(lang: str) -> None:
    got = check([header(), *ROWS], in_language(lang), now=NOW)
    assert {r: got.status_of(r)[1] for r in MESSAGE[lang]} == MESSAGE[lang]


def test_partial_rows_are_warnings_listed_with_their_row(result: CheckResult) -> None:
    partial = [i for i in result.issues if i.code == "results_partial"]
    assert [(i.row, i.severity) for i in partial] == [(r, "warning") for r in (3, 4, 7, 8, 9, 11)]
    assert partial[0].message("id") == f"Baris 3: suara paslon sudah masuk, belum diisi: {ALL_BLANK}"
    assert partial[0].message("en") == f"Row 3: candidate votes are in, not filled yet: {ALL_BLANK}"


def test_complete_rows_keep_the_c_hasil_rules() -> None:
    # the same numbers, every C.Hasil cell filled: the consistency rules decide, as before
    rows = [kapuk(1, **results()), kapuk(2, **results(suara_sah=299))]
    got = check([header(), *rows], preset(), now=NOW)
    assert got.rows["status"].to_dict() == {2: "OK", 3: "SALAH"}
    assert "results_partial" not in {i.code for i in got.issues}


def test_per_tps_counts_both_ways(result: CheckResult) -> None:
    table = result.totals.per_tps
    got = {r: (bool(c), bool(a)) for r, c, a in zip(table.index, table["counted"], table["counted_all_in"])}
    assert got == COUNTED


@pytest.mark.parametrize(("level", "want"), [("kelurahan", KELURAHAN), ("kecamatan", KECAMATAN)])
def test_area_totals_both_ways(result: CheckResult, level: str, want: dict[str, dict[str, int]]) -> None:
    table = getattr(result.totals, f"per_{level}").set_index(f"kode_{level}")
    assert {kode: {k: int(table.at[kode, k]) for k in sums} for kode, sums in want.items()} == want
    others = table.drop(index=list(want))
    assert (others["tps_paslon_in"] == 0).all() and (others["paslon_3_all_in"] == 0).all()


def test_kota_totals_both_ways(result: CheckResult) -> None:
    assert {k: result.totals.kota[k] for k in KOTA} == KOTA


# ---------------------------------------------------------------- end to end

def table_at(values: list[list[object]], first_header: str) -> list[dict[str, object]]:
    """The table of a tab whose header row starts with first_header, as dicts."""
    start = next(i for i, r in enumerate(values) if r and r[0] == first_header)
    head = [str(h) for h in values[start]]
    return [dict(zip(head, r)) for r in values[start + 1:] if any(c != "" for c in r)]


@pytest.fixture(scope="module", params=["id", "en"])
def synced(request: pytest.FixtureRequest, emu: GoogleEmulator,
           tmp_path_factory: pytest.TempPathFactory) -> tuple[str, dict[str, list[list[object]]]]:
    """The rows on the shared emulator after one sync in the sheet's language: every tab, unformatted."""
    lang: str = request.param
    book = seed(emu.client(), [header(), *ROWS], title=f"partial results {lang}")
    config = config_for(book, emu, language=lang)
    lock_dir: Path = tmp_path_factory.mktemp(f"partial-{lang}")
    sync(config, client=emu.client(), lock_dir=str(lock_dir), now=NOW)
    tabs = {w.title: w.get_all_values(value_render_option=ValueRenderOption.unformatted)
            for w in emu.client().open_by_key(book.id).worksheets()}
    return lang, tabs


def test_status_column_read_back(synced: tuple[str, dict[str, list[list[object]]]]) -> None:
    lang, tabs = synced
    head, *rows = tabs["TPS"]
    status, message = head.index("Status"), head.index("Keterangan")
    shown = {r: STATUS[r] if lang == "id" else STATUS_EN[STATUS[r]] for r in STATUS}
    assert {i: line[status] for i, line in enumerate(rows, start=2)} == shown
    assert {r: rows[r - 2][message] for r in MESSAGE[lang]} == MESSAGE[lang]


def test_summary_tabs_show_both_totals_labelled(synced: tuple[str, dict[str, list[list[object]]]]) -> None:
    lang, tabs = synced
    headers = TAB_HEADERS[lang]
    code = "Kode" if lang == "id" else "Code"
    for tab, want in (("Rekap Kecamatan", KECAMATAN), ("Rekap Kelurahan", KELURAHAN)):
        lines = {line[code]: line for line in table_at(tabs[tab], code)}
        got = {kode: {k: lines[kode][h] for k, h in headers.items()} for kode in want}
        assert got == {kode: {k: sums[k] for k in headers} for kode, sums in want.items()}, tab
    [kota] = [line for line in table_at(tabs["Rekap Kecamatan"], code) if line["Kecamatan"] == KOTA_LINE]
    assert {k: kota[h] for k, h in headers.items()} == {k: KOTA[k] for k in headers}
