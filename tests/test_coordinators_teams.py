"""Two teams on one spreadsheet: two configs, two input tabs ("TPS" and "TPS Tim B") with
their own summary tabs, one journal on the machine. Each team syncs, its coordinator edits
(while the other team's sync runs too), deletes rows by mistake and restores them; neither
team's rows, statuses or notes ever reach the other's tab (tests/coordinators.py)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from coordinators import (
    Desk,
    assert_clear,
    assert_one_status,
    coordinator,
    insert_own_column,
    lost,
    person_cells,
    sheet_statuses,
)
from sync_data import config_for, seed, tps_sheet

from sheetsync.core.config import SummaryTabs
from sheetsync.sheets.client import Sheet
from sheetsync.journal.store import Journal
from sheetsync.journal.restore import restore
from sheetsync.sync.run import SyncError, SyncHooks

TABS = ("TPS", "TPS Tim B")


def two_teams(emu: Any, tmp_path: Path) -> tuple[Any, Desk, Desk]:
    rows = tps_sheet(80, 51, broken=0)
    sh = seed(emu.client(), rows[:41])
    sh.add_worksheet("TPS Tim B", rows=100, cols=20).update(rows[:1] + rows[41:], "A1")
    a = config_for(sh, emu)
    b = replace(a, name="Tim B", input_tab="TPS Tim B",
                summary_tabs=SummaryTabs("Rekap Kec B", "Rekap Kel B", "Masalah B", "Rekap Koordinator B", progress="Progres B"),
                last_synced_cell="'Rekap Kec B'!A1")
    journal = tmp_path / "journal.sqlite"
    return sh, Desk(emu, a, tmp_path, journal_file=journal), Desk(emu, b, tmp_path, journal_file=journal)


def test_two_teams_edit_sync_delete_and_restore_without_touching_each_other(emu: Any, tmp_path: Path) -> None:
    sh, team_a, team_b = two_teams(emu, tmp_path)
    team_a.sync()
    team_b.sync()
    tab_a = coordinator(emu, sh, "koordinator-tim-a").worksheet("TPS")
    tab_b = coordinator(emu, sh, "koordinator-tim-b").worksheet("TPS Tim B")
    insert_own_column(tab_b, 1, ["Keterangan", "tim B: sudah dicek", "tim B: belum"])
    seen: dict[str, Any] = {}

    def team_b_works_while_a_syncs() -> None:
        tab_b.update([["999"]], "J4")                                # Paslon 1 of B's row 4 (one right)
        tab_a.update([["catatan tim A"]], "R2")
        seen["typed"] = person_cells(sh, TABS)
    team_a.sync(hooks=SyncHooks(between_read_and_write=team_b_works_while_a_syncs))
    assert lost(seen["typed"], person_cells(sh, TABS)) == {}
    report_b = team_b.sync()
    assert sheet_statuses(sh, "TPS Tim B")[4] == "SALAH"
    assert lost(seen["typed"], person_cells(sh, TABS)) == {}
    assert_one_status(sh, team_b, report_b)
    team_a.idle()
    team_b.idle()

    gone = tab_b.get_values("A10:P14")                             # 5 of B's 40 rows deleted by mistake
    tab_b.delete_rows(10, 14)
    typed = person_cells(sh, TABS)
    with pytest.raises(SyncError) as alert:
        team_b.sync()
    assert_clear(str(alert.value))
    assert "restore" in str(alert.value)
    team_a.idle()                                                   # A's history is A's own: no alert
    with Journal(team_b.journal_file) as journal:
        plan = restore(team_b.config, journal, Sheet(emu.client(), sh.id), since=1, apply=True,
                       lock_dir=str(tmp_path))
    assert len(plan.rows_appended) == 5
    back = {(line[2], line[3]) for line in tab_b.get_values()[1:]}
    assert {(line[2], line[3]) for line in gone} <= back             # B's rows are back in B's tab
    after = person_cells(sh, TABS)
    assert {k: v for k, v in after.items() if k[0] == "TPS"} == {k: v for k, v in typed.items() if k[0] == "TPS"}
    assert lost({k: v for k, v in typed.items() if k[0] == "TPS Tim B"},
                {k: v for k, v in after.items() if k[0] == "TPS Tim B" and k[1] <= 36}) == {}
    report_b = team_b.sync()
    assert report_b.alerts == [] and lost(after, person_cells(sh, TABS)) == {}
    assert_one_status(sh, team_b, report_b)
    team_a.idle()
    team_b.idle()


def test_two_teams_syncing_at_the_same_minute_both_sync(emu: Any, tmp_path: Path) -> None:
    sh, team_a, team_b = two_teams(emu, tmp_path)
    team_a.sync()
    team_b.sync()
    coordinator(emu, sh, "koordinator-tim-b").worksheet("TPS Tim B").update([["999"]], "I4")
    seen: dict[str, Any] = {}

    def team_b_cron_fires() -> None:
        seen["b"] = team_b.sync()
    team_a.sync(hooks=SyncHooks(between_read_and_write=team_b_cron_fires))
    assert seen["b"].cells_written > 0 and sheet_statuses(sh, "TPS Tim B")[4] == "SALAH"
