"""The journal keeps one history per (spreadsheet, input tab), and a journal of the
release that keyed by spreadsheet alone stays readable and restorable."""
from __future__ import annotations

from dataclasses import replace
from datetime import timedelta


from sheetsync.journal.store import Journal, journal_key
from test_journal import T0, tab
from test_guard import grid



def test_two_tabs_of_one_spreadsheet_keep_two_histories(tmp_path):
    with Journal(tmp_path / "j.sqlite") as j:
        a, b = journal_key("S", "TPS A"), journal_key("S", "TPS B")
        j.record_tab(spreadsheet=a, config_name="a", tab=tab(grid(40)), at=T0)
        assert j.last(b) is None                       # B has no history of its own yet
        j.record_tab(spreadsheet=b, config_name="b", tab=tab(grid(5)), at=T0)
        assert len(j.last(a).rows) == 40 and len(j.last(b).rows) == 5
        assert [s["sync_no"] for s in j.syncs(b)] == [1]


def test_a_journal_keyed_by_spreadsheet_alone_is_claimed_by_its_tab(tmp_path):
    """A journal written by the release before keys its history by the spreadsheet:
    the first (spreadsheet, tab) that asks continues it; another tab starts its own."""
    with Journal(tmp_path / "j.sqlite") as j:
        j.record_tab(spreadsheet="S", config_name="a", tab=tab(grid(40)), at=T0)
        j.record_tab(spreadsheet="S", config_name="a", tab=tab(grid(39)), at=T0 + timedelta(minutes=1))
    with Journal(tmp_path / "j.sqlite") as j:
        mine = journal_key("S", "TPS")
        assert j.last(mine).sync_no == 2
        n = j.record_tab(spreadsheet=mine, config_name="a", tab=tab(grid(39)), at=T0 + timedelta(minutes=2))
        assert n == 3 and j.last("S").sync_no == 3     # the spreadsheet alone still finds it
        assert "31.73.01.1001/040" in j.window(mine, 1)    # the old reads are restorable
        other = journal_key("S", "Tim B")
        assert j.last(other) is None                   # never another tab's history


def _two_team_sheet(emu, tmp_path):
    from sync_data import config_for, seed, tps_sheet
    from sheetsync.core.config import SummaryTabs
    ours = emu.client()
    book = seed(ours, tps_sheet(40, seed=3, broken=0), tab="TPS")
    team_b = book.add_worksheet("TPS Tim B", rows=60, cols=20)
    team_b.update(tps_sheet(60, seed=4, broken=0)[:1] + tps_sheet(60, seed=4, broken=0)[41:], "A1",
                  value_input_option="RAW")
    a = config_for(book, emu)
    b = replace(a, name="Tim B", input_tab="TPS Tim B",
                summary_tabs=SummaryTabs("Rekap Kec B", "Rekap Kel B", "Masalah B", progress="Progres B"),
                last_synced_cell="'Rekap Kec B'!A1")
    return ours, book, a, b


def test_two_configs_on_one_spreadsheet_guard_and_restore_only_their_own_rows(emu, tmp_path):
    """Case 11: team A and team B keep their TPS on two tabs of one spreadsheet.
    Each sync compares with its own tab's last read, and restore of B never
    copies A's rows into B's tab."""
    from sheetsync.sheets.client import Sheet
    from sheetsync.journal.restore import restore
    from sheetsync.sync.run import sync

    ours, book, a, b = _two_team_sheet(emu, tmp_path)
    with Journal(tmp_path / "j.sqlite") as journal:
        run = dict(client=ours, journal=journal, lock_dir=str(tmp_path))
        sync(a, **run)
        report = sync(b, **run)                  # 20 rows of B vs 40 of A: no "rows vanished"
        assert report.alerts == []
        from sheetsync.reports.reconcile import reconcile
        seen = reconcile(b, client=ours, journal=journal)
        assert seen.last_sync == 1 and seen.changed_since_last_sync == []     # B's own last read
        sync(a, **run)
        coordinator = emu.client().open_by_key(book.id).worksheet("TPS Tim B")
        coordinator.delete_rows(3)                 # one of B's rows, deleted by mistake
        sync(b, **run)
        plan = restore(b, journal, Sheet(ours, book.id), since=1, apply=True)
        assert len(plan.rows_appended) == 1
    rows_b = coordinator.get_all_values()
    keys_a = {(r[1], r[2]) for r in book.worksheet("TPS").get_all_values()[1:]}
    assert not keys_a & {(r[1], r[2]) for r in rows_b[1:]}    # none of A's TPS in B
    assert len([r for r in rows_b[1:] if any(r)]) == 20
