"""Export: OWASP neutralising, masking of personal columns (unit); files via the emulator in test_cli_commands."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from sheetsync.config import load_preset
from sheetsync.export import MASK, _write_csv, _write_xlsx, mask_rows, neutralise


@pytest.mark.parametrize("text", ["=1+1", "+62 812", "-3", "@SUM(A1)", "\tx", "\rx",
                                  '=HYPERLINK("http://evil","klik")'])
def test_formula_starts_are_neutralised(text: str) -> None:
    assert neutralise(text) == "'" + text


@pytest.mark.parametrize("value", ["Kapuk", "12", 12, -3, 1.5, None, "", "a=b"])
def test_other_values_untouched(value) -> None:
    assert neutralise(value) == value


def test_personal_columns_masked_by_header_text_and_alias() -> None:
    config = load_preset("pilkada-jakbar-2024")
    values = [["Kecamatan", "no tps", "  nama   SAKSI ", "WA Saksi", "DPT"],
              ["Cengkareng", "1", "Budi", "0812-3456-7890", "300"],
              ["Cengkareng", "2", "", "", "310"]]
    masked, columns = mask_rows(values, config)
    assert columns == ["  nama   SAKSI ", "WA Saksi"]
    assert masked[1] == ["Cengkareng", "1", MASK, MASK, "300"]
    assert masked[2] == ["Cengkareng", "2", "", "", "310"]          # blank stays blank
    assert values[1][2] == "Budi"                                     # input not modified


def test_csv_and_xlsx_never_hold_a_formula(tmp_path: Path) -> None:
    from openpyxl import load_workbook

    rows = [["a", "b"], [neutralise("=cmd|' /C calc'!A0"), 5]]
    _write_csv(tmp_path / "x.csv", rows)
    with (tmp_path / "x.csv").open(encoding="utf-8-sig") as fh:
        got = list(csv.reader(fh))
    assert got[1][0].startswith("'=")
    _write_xlsx(tmp_path / "x.xlsx", {"Tab": rows + [["=2+2"]]}, None)
    ws = load_workbook(tmp_path / "x.xlsx")["Tab"]
    assert ws["A2"].data_type == "s" and ws["A2"].value.startswith("'=")
    assert ws["A3"].data_type == "s" and ws["A3"].value == "'=2+2"
    assert ws["B2"].value == 5


def test_files_with_personal_data_are_owner_only_whatever_the_umask(tmp_path: Path) -> None:
    import os
    import stat

    old = os.umask(0o000)
    try:
        _write_csv(tmp_path / "p.csv", [["a"]], private=True)
        _write_xlsx(tmp_path / "p.xlsx", {"T": [["a"]]}, None, private=True)
        _write_csv(tmp_path / "m.csv", [["a"]])
    finally:
        os.umask(old)
    mode = lambda name: stat.S_IMODE((tmp_path / name).stat().st_mode)  # noqa: E731
    assert mode("p.csv") == 0o600 and mode("p.xlsx") == 0o600
    assert mode("m.csv") == 0o666                      # masked exports follow the umask
