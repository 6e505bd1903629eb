"""Restore gives back the formulas people typed: the journal reads them (valueRenderOption=FORMULA)
for the rows whose values changed, at most once in READ_EVERY seconds and never in a sync that found
nothing changed; restore writes the values RAW as before, then the formulas USER_ENTERED, each
adjusted to the row it lands in. Real gspread against the emulator; a second client is the coordinator."""
from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from coordinators import Desk, coordinator, insert_own_column
from sync_data import config_for, seed, tps_sheet

from sheetsync.journal.formulas import READ_EVERY, Found, a1_ranges, candidate_ranges, formulas_in, moved
from sheetsync.journal.restore import restore
from sheetsync.journal.store import Journal, journal_key
from sheetsync.journal.tab import read_tab
from sheetsync.sheets.client import Sheet
from sheetsync.sync.run import SyncError

ROWS = 30
MINUTES = READ_EVERY // 60 + 1                    # long enough for the next formula read


def _desk(emu: Any, tmp_path: Path, seed_no: int) -> tuple[Any, Any, Desk]:
    sh = seed(emu.client(), tps_sheet(ROWS, seed_no, unfilled=0, broken=0))
    return sh, coordinator(emu, sh).worksheet("TPS"), Desk(emu, config_for(sh, emu), tmp_path)


def _formulas(desk: Desk, sh: Any) -> dict[str, dict[str, Found]]:
    with Journal(desk.journal_file) as journal:
        return journal.formulas(journal_key(sh.id, "TPS"))


def _restore(desk: Desk, emu: Any, sh: Any) -> Any:
    with Journal(desk.journal_file) as journal:
        return restore(desk.config, journal, Sheet(emu.client(), sh.id), since=1, apply=True,
                       lock_dir=str(desk.folder))


def _row_of(ws: Any, tps: list[str]) -> int:
    """The sheet row (1-based) whose Kecamatan, Kelurahan and No TPS are ``tps``."""
    lines = ws.get_values()
    return next(r for r, line in enumerate(lines, start=1) if line[:3] == tps)


def _texts(line: list[Any]) -> list[str]:
    out = [str(v) for v in line]
    while out and out[-1] == "":
        out.pop()
    return out


def test_formulas_are_read_with_the_changes_at_most_every_ten_minutes_and_never_when_idle(
        emu: Any, tmp_path: Path) -> None:
    sh, ws, desk = _desk(emu, tmp_path, 81)
    ws.update([["=SUM(I3:K3)"]], "L3", value_input_option="USER_ENTERED")
    desk.sync()                                    # the first sync reads every row's formulas
    assert [f for row in _formulas(desk, sh).values() for f in (c.formula for c in row.values())] == ["=SUM(I3:K3)"]
    ws.update([["=SUM(I4:K4)"]], "L4", value_input_option="USER_ENTERED")
    ws.update([["999"]], "I5")
    soon = desk.sync()                             # within READ_EVERY of the first read: the rows wait
    assert soon.requests == 3 and len(_formulas(desk, sh)) == 1
    desk.minute += MINUTES
    idle = desk.idle()                             # nothing changed: one request, however long it waited
    assert idle.requests == 1 and len(_formulas(desk, sh)) == 1
    ws.update([["0"]], "I5")
    later = desk.sync()                            # a change, past READ_EVERY: the waiting rows are read
    assert later.requests == soon.requests + 1
    assert sorted(f for row in _formulas(desk, sh).values() for f in (c.formula for c in row.values())) == [
        "=SUM(I3:K3)", "=SUM(I4:K4)"]


def test_a_deleted_row_comes_back_with_its_formula_and_its_text_stays_text(emu: Any, tmp_path: Path) -> None:
    sh, ws, desk = _desk(emu, tmp_path, 82)
    insert_own_column(ws, 16, ["Catatan", "", "'0812", "=\"tanya \"&\"Bu Sari\"", "'=bukan rumus"])
    ws.update([["=SUM(I3:K3)"]], "L3", value_input_option="USER_ENTERED")
    desk.sync()
    typed = ws.get_values("A2:P5", value_render_option="FORMULA")
    ws.delete_rows(2, 5)
    with pytest.raises(SyncError):
        desk.sync()                                # four of 30 rows: the guard stops
    plan = _restore(desk, emu, sh)
    assert plan.applied and len(plan.rows_appended) == 4 and len(plan.formulas) == 2
    assert typed[1][11] == "=SUM(I3:K3)" and typed[2][15].startswith("=")
    for was, line in enumerate(typed, start=2):
        r = _row_of(ws, line[:3])
        back = ws.get_values(f"A{r}:P{r}", value_render_option="FORMULA")[0]
        shown = ws.get_values(f"A{r}:P{r}", value_render_option="UNFORMATTED_VALUE")[0]
        want = [moved(v, r - was) if str(v).startswith("=") and v != "=bukan rumus" else v for v in line]
        assert _texts(back) == _texts(want), (back, want)           # counts come back as numbers
        assert _texts(shown)[15:] in ([], ["0812"], ["tanya Bu Sari"], ["=bukan rumus"])
    suara_sah = next(c for c in plan.cells if c.field == "suara_sah" and c.formula)
    row = suara_sah.a1.removeprefix("'TPS'!L")
    assert suara_sah.formula == f"=SUM(I{row}:K{row})"              # its own row's counts, not row 3's
    after = desk.sync()
    assert after.alerts == []


def test_a_blanked_formula_cell_gets_its_formula_and_a_retyped_one_its_value(emu: Any, tmp_path: Path) -> None:
    sh, ws, desk = _desk(emu, tmp_path, 83)
    ws.update([["=SUM(I3:K3)"], ["=SUM(I4:K4)"]], "L3:L4", value_input_option="USER_ENTERED")
    desk.sync()
    ws.batch_clear(["L3", "L4"])                  # both blanked by mistake ...
    desk.sync()
    ws.update([["=SUM(I4:K4)+1"]], "L4", value_input_option="USER_ENTERED")   # ... and L4 retyped
    shown = ws.get_values("L4", value_render_option="UNFORMATTED_VALUE")[0][0]
    desk.minute += MINUTES
    desk.sync()
    ws.batch_clear(["L4"])                        # blanked again
    desk.sync()
    plan = _restore(desk, emu, sh)
    assert [(c.a1, c.formula) for c in plan.cells] == [("'TPS'!L3", "=SUM(I3:K3)"), ("'TPS'!L4", "=SUM(I4:K4)+1")]
    assert ws.get_values("L3:L4", value_render_option="FORMULA") == [["=SUM(I3:K3)"], ["=SUM(I4:K4)+1"]]
    assert ws.get_values("L4", value_render_option="UNFORMATTED_VALUE")[0][0] == shown


def test_a_formula_replaced_by_a_typed_value_comes_back_as_that_value(emu: Any, tmp_path: Path) -> None:
    """Replaced within READ_EVERY of the last formula read, the journal has not read the cell
    again: the formula it holds showed another value, so the value is what comes back."""
    sh, ws, desk = _desk(emu, tmp_path, 84)
    ws.update([["=SUM(I3:K3)"]], "L3", value_input_option="USER_ENTERED")
    desk.sync()
    ws.update([["4321"]], "L3")
    desk.sync()
    ws.delete_rows(3)
    desk.sync(accept_deletions=True)
    plan = _restore(desk, emu, sh)
    assert [c.formula for c in plan.cells] == [""] * len(plan.cells) and plan.formulas == []
    assert next(c.value for c in plan.cells if c.field == "suara_sah") == "4321"


def test_a_row_that_moved_before_the_formula_read_waits_for_the_next(emu: Any, tmp_path: Path) -> None:
    sh, ws, desk = _desk(emu, tmp_path, 85)
    ws.update([["=SUM(I3:K3)"]], "L3", value_input_option="USER_ENTERED")
    values = ws.get_values(value_render_option="UNFORMATTED_VALUE")
    tab = read_tab(values, desk.config)
    key = next(k for k, pos in tab.positions.items() if pos == 3)
    runs = candidate_ranges(tab, [key])
    ranges = a1_ranges("TPS", tab, runs)
    assert ranges == ["'TPS'!A3:O3"]
    ws.insert_rows([["x"] * 3], row=2)             # a row typed above it meanwhile
    got = Sheet(emu.client(), sh.id).read(ranges, render="FORMULA")
    assert formulas_in(tab, runs, got, ranges).unsure == [key]
    ws.delete_rows(2)
    got = Sheet(emu.client(), sh.id).read(ranges, render="FORMULA")
    found = formulas_in(tab, runs, got, ranges)
    assert [(f.key, f.formula) for f in found.found] == [(key, "=SUM(I3:K3)")] and found.unsure == []
    assert formulas_in(tab, runs, got, ranges, frozenset({"suara_sah"})).found == []   # a personal field's


def test_an_old_journal_without_formulas_opens_and_reads_them_at_its_next_change(
        emu: Any, tmp_path: Path) -> None:
    sh, ws, desk = _desk(emu, tmp_path, 86)
    ws.update([["=SUM(I3:K3)"]], "L3", value_input_option="USER_ENTERED")
    desk.sync()
    db = sqlite3.connect(desk.journal_file)        # as the release before left it
    db.execute("DROP TABLE formulas")
    db.execute("DELETE FROM meta WHERE key LIKE 'formulas:%'")
    db.execute("PRAGMA user_version=7")
    db.commit()
    db.close()
    assert _formulas(desk, sh) == {}               # opened: the table is there, empty
    desk.minute += 1
    desk.idle()
    ws.update([["999"]], "I20")
    desk.sync()                                    # the first change: every row's formulas
    assert [f for row in _formulas(desk, sh).values() for f in (c.formula for c in row.values())] == ["=SUM(I3:K3)"]


def test_the_restore_plan_shows_the_formula_it_writes(emu: Any, tmp_path: Path, monkeypatch: Any) -> None:
    from click.testing import CliRunner

    from sheetsync.cli.main import cli

    def run(*args: str) -> str:
        result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
        assert result.exit_code == 0 and "Traceback" not in result.output, result.output
        return result.stdout

    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SHEETSYNC_LOCK_DIR", str(tmp_path / "locks"))
    sh, ws, _ = _desk(emu, tmp_path, 87)
    ws.update([["=SUM(I3:K3)"]], "L3", value_input_option="USER_ENTERED")
    args = ["--preset", "pilkada-jakbar-2024", "--api-url", emu.url, "--spreadsheet", sh.id]
    run("sync", *args)
    ws.batch_clear(["L3"])
    run("sync", *args)
    shown = run("--lang", "en", "restore", *args, "--since", "1")
    line = next(line for line in shown.splitlines() if "'TPS'!L3" in line)
    assert "=SUM(I3:K3)" in line
    assert json.loads(run("restore", *args, "--since", "1", "--json"))["cells"][0]["formula"] == "=SUM(I3:K3)"


def test_rows_with_formulas_come_back_once_when_the_answer_to_the_append_is_lost(faulty_emu: Any,
                                                                                tmp_path: Path) -> None:
    """The transport sends the append again; the later copy is blanked, and the formula goes into
    the copy that stays, adjusted to its row."""
    sh, ws, desk = _desk(faulty_emu, tmp_path, 88)
    ws.update([["=SUM(I3:K3)"]], "L3", value_input_option="USER_ENTERED")
    desk.sync()
    typed = ws.get_values("A2:O3", value_render_option="FORMULA")
    ws.delete_rows(2, 3)
    desk.sync(accept_deletions=True)
    faulty_emu.inject_fault("reset", method="POST", path=r":append", times=1)
    plan = _restore(desk, faulty_emu, sh)
    assert len(plan.formulas) == 1 and len(plan.rows_appended) == 2
    now = ws.get_values(value_render_option="FORMULA")
    keys = [tuple(str(v) for v in line[:3]) for line in now[1:] if any(line)]
    assert len(keys) == ROWS and len(set(keys)) == ROWS              # every TPS once, none twice
    r = _row_of(ws, typed[1][:3])
    assert now[r - 1][11] == f"=SUM(I{r}:K{r})"                       # in the copy that stays


def test_a_formula_moves_with_its_row_as_sheets_moves_a_copied_formula() -> None:
    typed = "=SUM(I4:K4)*$B$2+'TPS1'!C4&\"A4\"+Sheet2!D$4+LOG10(E4)+SUM(4:4)+TPS1!A4+SUM(I:K)+1E5+$A4"
    assert moved(typed, 37) == ("=SUM(I41:K41)*$B$2+'TPS1'!C41&\"A4\"+Sheet2!D$4+LOG10(E41)+SUM(41:41)+TPS1!A41"
                                "+SUM(I:K)+1E5+$A41")
    assert moved(typed, -3) is not None and moved(typed, -4) is None      # row 0 does not exist
    assert moved('="tanya "&"Bu Sari"', 9) == '="tanya "&"Bu Sari"'
