"""reconcile: the --against comparison (pure: core check on both sides, no server)."""

from __future__ import annotations

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
