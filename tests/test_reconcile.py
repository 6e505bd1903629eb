"""reconcile: the --against comparison (pure: core check on both sides, no server)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from sheetsync.check import check
from sheetsync.config import load_preset
from sheetsync.reconcile import compare_against, read_csv_grid

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
