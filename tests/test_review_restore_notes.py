"""restore reads the input tab as sync does: only sheetsync's marked columns are its own,
so a coordinator's own "Keterangan" (a column of the same header, journaled by every sync)
gets her notes back like any other column. Real gspread against the emulator; a second
gspread client is the coordinator."""
from __future__ import annotations

from pathlib import Path
from typing import Any

from coordinators import NOTES, Desk, coordinator, insert_own_column
from sync_data import config_for, seed, tps_sheet

from sheetsync.sheets.client import Sheet
from sheetsync.journal.store import Journal



def test_her_notes_in_her_own_keterangan_come_back_with_restore(emu: Any, tmp_path: Path) -> None:
    from sheetsync.journal.restore import restore
    sh = seed(emu.client(), tps_sheet(20, 11, unfilled=0, broken=0))
    desk = Desk(emu, config_for(sh, emu), tmp_path)
    desk.sync()
    ws = coordinator(emu, sh).worksheet("TPS")
    insert_own_column(ws, 4, ["Keterangan"] + NOTES[:3])          # her notes on rows 2-4
    first = desk.sync()
    assert first.alerts == []
    ws.batch_clear(["D3"])                                         # a note cleared by mistake
    desk.sync()
    with Journal(desk.journal_file) as journal:
        plan = restore(desk.config, journal, Sheet(emu.client(), sh.id), since=first.journal_sync,
                       apply=True, lock_dir=str(tmp_path))
    assert [(c.a1.replace("'", ""), c.value) for c in plan.cells] == [("TPS!D3", NOTES[1])], plan.skipped
    assert ws.acell("D3").value == NOTES[1]


def test_reconcile_right_after_a_sync_finds_no_change_in_her_own_keterangan(emu: Any, tmp_path: Path) -> None:
    from sheetsync.reports.reconcile import reconcile
    sh = seed(emu.client(), tps_sheet(20, 12, unfilled=0, broken=0))
    desk = Desk(emu, config_for(sh, emu), tmp_path)
    desk.sync()
    insert_own_column(coordinator(emu, sh).worksheet("TPS"), 4, ["Keterangan"] + NOTES[:3])
    last = desk.sync()
    with Journal(desk.journal_file) as journal:
        seen = reconcile(desk.config, client=emu.client(), journal=journal)
    assert seen.last_sync == last.journal_sync
    assert seen.changed_since_last_sync == []            # nothing was typed since that sync
