"""reconcile: the --against comparison (pure: core check on both sides, no server)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from sheetsync.core.check import check
from sheetsync.core.config import load_preset
from sheetsync.reports.reconcile import compare_against, read_csv_grid

HEADER = ["Kecamatan", "Kelurahan", "No TPS", "DPT", "Paslon 1", "Paslon 2", "Paslon 3", "Suara Sah",
          "Suara Tidak Sah", "Pengguna Hak Pilih"]


@pytest.fixture(scope="module")
def config() -> Any:
    return load_preset("pilkada-jakbar-2024")


def sheet_rows() -> list[list[Any]]:
    return [HEADER,
            ["Cengkareng", "Kapuk", 1, 500, 100, 20, 180, 300, 5, 305],
            ["Cengkareng", "Kapuk", 2, 480, 90, 10, 200, 300, 4, 304],
            ["Tamansari", "Krukut", 3, 450, 80, 30, 190, 300, 6, 306]]


def test_csv_delimiters_and_bom(tmp_path: Path) -> None:
    p = tmp_path / "a.csv"
    p.write_bytes("\ufeffKECAMATAN;KELURAHAN;TPS\nCengkareng;Kapuk;1\n".encode())
    assert read_csv_grid(p) == [["KECAMATAN", "KELURAHAN", "TPS"], ["Cengkareng", "Kapuk", "1"]]
    p.write_text("a\tb\n1\t2\n")
    assert read_csv_grid(p) == [["a", "b"], ["1", "2"]]


def test_every_difference_tps_by_tps(config: Any, tmp_path: Path) -> None:
    ours = check(sheet_rows(), config)
    ext = tmp_path / "kpu.csv"
    ext.write_text(
        "KECAMATAN;DESA/KELURAHAN;NOMOR TPS;SUARA PASLON 1;SUARA PASLON 2;SUARA PASLON 3\n"
        "CENGKARENG;kapuk;TPS 001;100;20;180\n"          # same
        "Cengkareng;Kapuk;002;91;10;1.200\n"             # paslon 1 +1, paslon 3 typed 1.200
        "Taman Sari;Krukut;5;1;2;3\n", encoding="utf-8")  # a TPS the sheet does not have
    report = compare_against(ours, ext, config)
    assert report.compared == 2
    diffs = sorted((d.tps_key, d.field, d.sheet, d.external) for d in report.differences)
    assert diffs == [("31.73.01.1005/002", "paslon_1", 90, 91), ("31.73.01.1005/002", "paslon_3", 200, 1200)]
    assert report.only_in_file == ["31.73.03.1002/005"]
    assert report.only_in_sheet == ["31.73.03.1002/003"]
    assert set(report.fields) == {"paslon_1", "paslon_2", "paslon_3"}


def test_identical_file_has_no_differences(config: Any, tmp_path: Path) -> None:
    import csv

    ext = tmp_path / "same.csv"
    with ext.open("w", newline="") as fh:
        csv.writer(fh).writerows(sheet_rows())
    report = compare_against(check(sheet_rows(), config), ext, config)
    assert report.compared == 3 and report.differences == [] and not report.only_in_file


UNUSABLE = {
    "empty": b"",
    "blank lines only": b"\n \n\n",
    "utf16": "Kecamatan,Kelurahan,TPS\r\nCengkareng,Kapuk,1\r\n".encode("utf-16"),
    "utf16 without BOM": "Kecamatan,Kelurahan,TPS\n".encode("utf-16-le"),
    "workbook": b"PK\x03\x04\x14\x00\x06\x00" + bytes(200),
    "binary": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(64),
    "no header": b"Cengkareng;Kapuk;1;500\nCengkareng;Kapuk;2;480\n",
}
CAUSES = {"empty": "empty", "blank lines only": "empty", "utf16": "utf16", "utf16 without BOM": "utf16",
          "workbook": "workbook", "binary": "binary", "no header": "no_header"}


@pytest.mark.parametrize("kind", sorted(UNUSABLE))
def test_an_unusable_file_is_one_line_naming_file_and_cause(kind: str, config: Any, tmp_path: Path) -> None:
    from sheetsync.reports.reconcile import AgainstFileError

    p = tmp_path / "kpu.csv"
    p.write_bytes(UNUSABLE[kind])
    with pytest.raises(AgainstFileError) as caught:
        compare_against(check(sheet_rows(), config), p, config, "en")
    assert caught.value.cause == CAUSES[kind]
    text = str(caught.value)
    assert text.startswith(f"{p}: ") and "\n" not in text


def test_unusable_file_through_the_cli_before_any_request(tmp_path: Path) -> None:
    """Exit 2, one line in the user's language, and no request: the API URL answers nothing."""
    from click.testing import CliRunner

    from sheetsync.cli.main import cli

    p = tmp_path / "kpu.csv"
    p.write_bytes(UNUSABLE["utf16"])
    args = ["reconcile", "--preset", "pilkada-jakbar-2024", "--spreadsheet", "1" * 44,
            "--api-url", "http://127.0.0.1:9", "--against", str(p)]
    for lang, words in (("en", "UTF-16"), ("id", "simpan sebagai")):
        out = CliRunner().invoke(cli, ["--lang", lang, *args])
        assert out.exit_code == 2, out.output
        errors = [line for line in out.output.splitlines() if str(p) in line]
        assert len(errors) == 1 and words in errors[0] and "Traceback" not in out.output


def test_a_windows_ansi_csv_is_read(tmp_path: Path) -> None:
    p = tmp_path / "a.csv"
    p.write_bytes("Kecamatan;Kelurahan;Catatan\nCengkareng;Kapuk;Caf\xe9\n".encode("cp1252"))
    assert read_csv_grid(p)[1] == ["Cengkareng", "Kapuk", "Caf\u00e9"]


# ------------------------------------------------------------ double entry

def _config_file(tmp_path: Path, emu: Any, key: str, double_entry: str) -> Path:
    """The preset as a user's sheetsync.toml, with a [double_entry] table."""
    from sheetsync.core.config import PRESET_DIR

    text = (PRESET_DIR / "pilkada-jakbar-2024.toml").read_text(encoding="utf-8")
    for name in ("jakarta-barat-wilayah.csv", "jakarta-barat-aliases.csv", "jakarta-barat-targets-2024.csv"):
        text = text.replace(f'"{name}"', f'"{PRESET_DIR / name}"')
    text = text.replace('spreadsheet = ""', f'spreadsheet = "{key}"\napi_url = "{emu.url}"', 1)
    path = tmp_path / "sheetsync.toml"
    path.write_text(text + f"\n[double_entry]\n{double_entry}\n", encoding="utf-8")
    return path


def _cli(*args: str) -> Any:
    from click.testing import CliRunner

    from sheetsync.cli.main import cli

    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    assert result.exit_code == 0 and "Traceback" not in result.output, result.output
    return result


DE_TEXT = {"en": ("TPS whose two entries differ", "Rows of the second-entry tab 'Entri Kedua' that match no TPS",
                  "First entry", "Second entry", "Row (second tab)",
                  "Double entry: 2 TPS double-checked, 2 not yet double-checked, 2 whose entries differ."),
           "id": ("TPS yang kedua entrinya berbeda", "Baris tab entri kedua 'Entri Kedua' yang tidak cocok dengan "
                  "TPS mana pun", "Entri pertama", "Entri kedua", "Baris (tab kedua)",
                  "Entri ganda: 2 TPS terverifikasi ganda, 2 belum dicek ulang, 2 entrinya berbeda.")}


@pytest.mark.parametrize("lang", ["en", "id"])
def test_reconcile_lists_where_the_two_entries_disagree(emu: Any, tmp_path: Path, monkeypatch: Any,
                                                        lang: str) -> None:
    """A second team types TPS 1-4 and a TPS 99 the input tab does not have in its own tab;
    TPS 4's Paslon 1 is 18 more, TPS 3's Paslon 2 a word and its Suara Sah another number.
    reconcile names each TPS, both rows, each field and both values; JSON and text agree."""
    from coordinators import coordinator
    from sync_data import seed
    from test_double_entry_sync import first_entry, second_entry

    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))       # no journal: no sync ran here
    first = first_entry()
    sh = seed(emu.client(), first)
    typed = second_entry(first)
    typed[3][4], typed[3][6] = "tujuh", str(int(typed[3][6]) + 1)
    team2 = coordinator(emu, sh, who="tim-entri-kedua")
    team2.add_worksheet("Entri Kedua", rows=20, cols=10).update(typed, "A1")
    path = _config_file(tmp_path, emu, sh.id, 'tab = "Entri Kedua"')

    got = json.loads(_cli("--lang", lang, "reconcile", "--config", str(path), "--json").stdout)["double_entry"]
    col = {h: i for i, h in enumerate(first[0])}
    tps3, tps4 = first[3], first[4]
    assert [(d["row"], d["second_row"], d["tps"], [(f["field"], f["first"], f["second"]) for f in d["fields"]])
            for d in got["differing"]] == [
        (4, 4, 3, [("paslon_2", int(tps3[col["Paslon 2"]]), "tujuh"),
                   ("suara_sah", int(tps3[col["Suara Sah"]]), int(tps3[col["Suara Sah"]]) + 1)]),
        (5, 5, 4, [("paslon_1", int(tps4[col["Paslon 1"]]), int(tps4[col["Paslon 1"]]) + 18)])]
    assert {d["kelurahan"] for d in got["differing"]} == {tps3[col["Kelurahan"]]}
    assert [(u["second_row"], u["place"].endswith("/ TPS 99")) for u in got["unmatched"]] == [(6, True)]
    assert (got["tps_verified"], got["tps_unchecked"], got["tps_entries_differ"], got["problems"]) == (2, 2, 2, [])
    said = {"en": "the second entry (tab 'Entri Kedua' row 5) differs",
            "id": "entri kedua (tab 'Entri Kedua' baris 5) berbeda"}[lang]
    assert said in got["differing"][1]["message"]

    text = _cli("--lang", lang, "reconcile", "--config", str(path)).stdout
    title, strays, first_h, second_h, second_row, counts = DE_TEXT[lang]
    assert title in text and strays in text and counts in text
    table = text[text.index(title):text.index(strays)]
    assert first_h in table and second_h in table and second_row in table
    lines = [line for line in table.splitlines() if "tujuh" in line or "Paslon 1" in line]
    assert len(lines) == 2 and "Paslon 2" in lines[0] and tps3[col["Paslon 2"]] in lines[0]
    assert str(int(tps4[col["Paslon 1"]]) + 18) in lines[1] and "paslon_1" not in text
    assert "TPS 99" in text[text.index(strays):]
    # the second tab is the second team's: reconcile wrote nothing there (nor anywhere)
    assert sh.worksheet("Entri Kedua").get_all_values() == typed


def test_reconcile_with_second_entry_columns(emu: Any, tmp_path: Path, monkeypatch: Any) -> None:
    """The columns form: the same row, so no second tab row and no stray rows to list."""
    from sync_data import FULL_HEADER, seed
    from test_double_entry_sync import COUNTS, first_entry

    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    first = first_entry()
    rows = [FULL_HEADER + [h + " (cek)" for h in COUNTS]]
    rows += [line + [line[FULL_HEADER.index(h)] for h in COUNTS] for line in first[1:]]
    p1 = len(FULL_HEADER)
    rows[2][p1] = "12O"                                   # TPS 2: a letter O typed for a zero
    rows[5][p1 + 3] = str(int(rows[5][p1 + 3]) - 5)      # TPS 5: Suara Sah five fewer
    sh = seed(emu.client(), rows)
    path = _config_file(tmp_path, emu, sh.id, 'suffix = " (cek)"')
    got = json.loads(_cli("reconcile", "--config", str(path), "--json").stdout)["double_entry"]
    sah = int(first[5][FULL_HEADER.index("Suara Sah")])
    assert [(d["row"], d["second_row"], [(f["column"], f["first"], f["second"]) for f in d["fields"]])
            for d in got["differing"]] == [
        (3, None, [("Paslon 1", int(first[2][FULL_HEADER.index("Paslon 1")]), "12O")]),
        (6, None, [("Suara Sah", sah, sah - 5)])]
    assert got["unmatched"] == [] and got["tps_verified"] == 4
    text = _cli("--lang", "en", "reconcile", "--config", str(path)).stdout
    assert "TPS whose two entries differ" in text and "12O" in text
    assert "Row (second tab)" not in text and "second-entry tab" not in text


def test_reconcile_without_double_entry_has_none(config: Any) -> None:
    from sheetsync.reports.second_entry import double_entry_report

    assert double_entry_report(check(sheet_rows(), config), config, "en") is None


def test_the_against_file_is_one_entry_even_when_the_sheet_has_two(config: Any, tmp_path: Path) -> None:
    """A KPU export compared with a double-entry sheet is not asked for a second-entry tab."""
    import csv
    from dataclasses import replace

    from sheetsync.core.config import DoubleEntry

    two = replace(config, double_entry=DoubleEntry(tab="Entri Kedua"))
    ext = tmp_path / "kpu.csv"
    with ext.open("w", newline="") as fh:
        csv.writer(fh).writerows(sheet_rows())
    report = compare_against(check(sheet_rows(), two, second_tab=None), ext, two, "en")
    assert report.file_problems == [] and report.compared == 3 and report.differences == []
