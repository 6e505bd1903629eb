"""A journal of the release that kept one history per spreadsheet, upgraded on a
spreadsheet where a second team now keeps its TPS on a tab of its own: the old
history is team A's, and stays team A's whichever team syncs first after the upgrade.
Real gspread against the emulator; a second gspread client is team B's coordinator."""
from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from google_emulator import GoogleEmulator
from sheetsync.journal.store import Journal, journal_key


NOW = datetime(2024, 11, 27, 20, 0, tzinfo=ZoneInfo("Asia/Jakarta"))


def test_the_old_history_stays_with_its_tab_when_the_other_team_syncs_first(emu: GoogleEmulator, tmp_path: Path) -> None:
    from sheetsync.core.config import SummaryTabs
    from sheetsync.sheets.client import Sheet
    from sheetsync.journal.tab import read_tab
    from sheetsync.reports.reconcile import reconcile
    from sheetsync.journal.restore import restore
    from sheetsync.sync.run import sync
    from sync_data import config_for, seed, tps_sheet

    ours = emu.client()
    book = seed(ours, tps_sheet(40, seed=3, broken=0), tab="TPS")
    a = config_for(book, emu)
    ws_a = book.worksheet("TPS")
    with Journal(tmp_path / "j.sqlite") as old:      # the release before: keyed by spreadsheet alone
        old.record_tab(spreadsheet=book.id, config_name=a.name, tab=read_tab(ws_a.get_values(), a), at=NOW)
    gone = ws_a.row_values(5)
    ws_a.delete_rows(5)                              # a TPS of team A deleted before the upgrade

    # after the upgrade team B starts on its own tab of the same spreadsheet
    team_b = book.add_worksheet("TPS Tim B", rows=60, cols=20)
    rows_b = tps_sheet(60, seed=4, broken=0)
    team_b.update(rows_b[:1] + rows_b[41:], "A1", value_input_option="RAW")
    b = replace(a, name="Tim B", input_tab="TPS Tim B",
                summary_tabs=SummaryTabs("Rekap Kec B", "Rekap Kel B", "Masalah B", progress="Progres B"),
                last_synced_cell="'Rekap Kec B'!A1")
    with Journal(tmp_path / "j.sqlite") as journal:
        run = dict(client=ours, journal=journal, lock_dir=str(tmp_path))
        seen_b = reconcile(b, client=ours, journal=journal)     # B looks before B's first sync
        assert seen_b.last_sync is None
        report_b = sync(b, now=NOW + timedelta(minutes=1), **run)
        assert report_b.alerts == []                 # A's 40 rows are not B's: nothing vanished from B
        assert journal.last(journal_key(book.id, "TPS")).sync_no == 1     # the old history is still A's
        sync(a, now=NOW + timedelta(minutes=2), accept_deletions=True, **run)
        plan_b = restore(b, journal, Sheet(ours, book.id), since=1, lock_dir=str(tmp_path))
        assert plan_b.rows_appended == []            # none of A's rows offered for B's tab
        plan_a = restore(a, journal, Sheet(ours, book.id), since=1, apply=True, lock_dir=str(tmp_path))
        assert len(plan_a.rows_appended) == 1        # A's deleted TPS comes back from the old history
    coordinator_b = emu.client(token="koordinator-b").open_by_key(book.id).worksheet("TPS Tim B")
    assert len([r for r in coordinator_b.get_all_values()[1:] if any(r)]) == 20
    assert ws_a.get_all_values()[40][:3] == gone[:3]


def test_a_row_changed_after_verification_is_periksa_after_the_upgrade(emu: GoogleEmulator, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The history of the release before (kept under the spreadsheet alone) holds the rows
    verified OK; a number the coordinator changes after the upgrade still makes that row
    PERIKSA, on the sheet and in check, as it did before the upgrade."""
    import sheetsync.sync.run as sync_module
    from sheetsync.sync.run import read_and_check, sync
    from sync_data import FULL_HEADER, config_for, seed, tps_sheet

    sh = seed(emu.client(), tps_sheet(20, seed=4, unfilled=0, broken=0))
    config = config_for(sh, emu)
    with Journal(tmp_path / "j.sqlite") as journal:
        run = dict(client=emu.client(), journal=journal, lock_dir=str(tmp_path))
        with monkeypatch.context() as old_release:           # it journaled under the spreadsheet id alone
            old_release.setattr(sync_module, "journal_key", lambda key, tab: key)
            assert sync(config, now=NOW, **run).rows_by_status == {"OK": 20}
        coordinator = emu.client(token="koordinator-cengkareng").open_by_key(sh.id).worksheet("TPS")
        p1, p2 = FULL_HEADER.index("Paslon 1"), FULL_HEADER.index("Paslon 2")
        grid = coordinator.get_values()
        r = next(i for i, line in enumerate(grid) if i and int(line[p2]) > 0)
        coordinator.update([[str(int(grid[r][p1]) + 1), str(int(grid[r][p2]) - 1)]], f"I{r + 1}:J{r + 1}")
        report = sync(config, now=NOW + timedelta(minutes=1), **run)
        assert journal.last(journal_key(sh.id, "TPS")).sync_no == 2      # the old history, continued
        checked = read_and_check(config, client=emu.client(), journal=journal)
    assert report.rows_by_status == {"OK": 19, "PERIKSA": 1}
    assert coordinator.get_values()[r][len(FULL_HEADER)] == "PERIKSA"
    assert checked.status_of(r + 1)[0] == "PERIKSA"


def test_a_second_teams_empty_tab_does_not_take_the_old_history(emu: GoogleEmulator, tmp_path: Path) -> None:
    """Team B's tab has only its header yet: it shares no row with the old history, and
    being empty is no reason to take team A's."""
    from sheetsync.core.config import SummaryTabs
    from sheetsync.journal.tab import read_tab
    from sheetsync.sync.run import sync
    from sync_data import config_for, seed, tps_sheet

    ours = emu.client()
    book = seed(ours, tps_sheet(40, seed=3, broken=0), tab="TPS")
    a = config_for(book, emu)
    ws_a = book.worksheet("TPS")
    with Journal(tmp_path / "j.sqlite") as old:
        old.record_tab(spreadsheet=book.id, config_name=a.name, tab=read_tab(ws_a.get_values(), a), at=NOW)
    team_b = book.add_worksheet("TPS Tim B", rows=60, cols=20)
    team_b.update(tps_sheet(1, seed=4, broken=0)[:1], "A1", value_input_option="RAW")     # the header only
    b = replace(a, name="Tim B", input_tab="TPS Tim B",
                summary_tabs=SummaryTabs("Rekap Kec B", "Rekap Kel B", "Masalah B", progress="Progres B"),
                last_synced_cell="'Rekap Kec B'!A1")
    with Journal(tmp_path / "j.sqlite") as journal:
        run = dict(client=ours, journal=journal, lock_dir=str(tmp_path))
        assert sync(b, now=NOW + timedelta(minutes=1), **run).alerts == []
        assert journal.last(journal_key(book.id, "TPS")).sync_no == 1     # still A's
        assert sync(a, now=NOW + timedelta(minutes=2), **run).alerts == []
        assert journal.last(journal_key(book.id, "TPS")).sync_no == 2
