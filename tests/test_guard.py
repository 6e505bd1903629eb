"""Guard: each trigger, the threshold, what each acceptance accepts, and the alert text."""
from __future__ import annotations

from datetime import timedelta

import pytest

from sheetsync.journal.guard import (COLUMN_CHANGED, COLUMN_CHANGES, COLUMN_GONE, DELETED_ROWS, ROWS_VANISHED,
                             alert_text, guard)
from sheetsync.journal.store import Journal
from test_journal import CONFIG, HEADER, T0, tab


def grid(n: int, header=HEADER) -> list[list[str]]:
    return [list(header)] + [["31.73.01.1001", str(i), "250", str(i % 90), "", "", ""]
                             for i in range(1, n + 1)]


@pytest.fixture
def j(tmp_path):
    with Journal(tmp_path / "j.sqlite") as journal:
        yield journal


def run(j, g, minute=0, accept=False, kinds=()):
    """What sync does: guard against the last good sync, then journal the read."""
    t = tab(g)
    alerts = guard(j.last("S"), t, CONFIG, accept_deletions=accept, accept=kinds)
    j.record_tab(spreadsheet="S", config_name="t", tab=t, at=T0 + timedelta(minutes=minute),
                 good=not alerts)
    return alerts


def test_first_sync_and_small_deletions_pass(j):
    g = grid(40)
    assert run(j, g) == []
    del g[5:9]                               # 4 of 40 = exactly 10%: not more than the share
    assert run(j, g, 1) == []


def test_mass_deletion_alerts_and_names_rows(j):
    g = grid(40)
    run(j, g)
    del g[10:15]                             # 5 of 40 = 12.5%
    alerts = run(j, g, 1)
    assert [a.code for a in alerts] == [ROWS_VANISHED]
    assert [r for _, r in alerts[0].rows] == [11, 12, 13, 14, 15]
    assert alerts[0].rows[0][0] == "31.73.01.1001/010"
    text = alert_text(alerts, "id")
    assert "5 dari 40 baris hilang" in text and "restore --since 1 --apply" in text and "\n" not in text
    assert "--accept-deleted-rows" in alert_text(alerts, "en")


def test_baseline_stays_at_last_good_sync(j):
    g = grid(40)
    run(j, g)
    del g[1:7]
    assert run(j, g, 1)                      # blocked
    assert run(j, g, 2)                      # still blocked: compared with sync 1, not 2
    assert j.last("S").sync_no == 1 and j.last("S", good_only=False).sync_no == 3


def test_accept_deletions_moves_the_baseline(j):
    g = grid(40)
    run(j, g)
    del g[1:7]
    assert run(j, g, 1, accept=True) == []
    assert run(j, g, 2) == []                # the accepted sync is the new baseline


def test_restored_rows_clear_the_alert(j):
    g = grid(40)
    run(j, g)
    short = g[:1] + g[7:]
    assert run(j, short, 1)
    assert run(j, short + g[1:7], 2) == []   # rows put back (at the end): nothing vanished


def test_one_retyped_key_passes_many_alert(j):
    g = grid(20)
    run(j, g)
    g[3][1] = "103"                          # one TPS number typed over: an edit
    assert run(j, g, 1) == []
    for r in g[4:9]:
        r[1] = str(int(r[1]) + 100)          # 5 of 20 keys retyped in one minute
    assert [a.code for a in run(j, g, 2)] == [ROWS_VANISHED]


def test_half_sort_scrambling_keys_alerts(j):
    g = grid(20)
    run(j, g)
    scrambled = grid(20)
    for i, r in enumerate(scrambled[1:]):    # a sort of some columns only: keys and numbers
        r[1] = str(100 + i)                  # no longer belong together
        r[3] = "1"
    alerts = run(j, scrambled, 1)
    assert [a.code for a in alerts] == [ROWS_VANISHED] and len(alerts[0].rows) == 20


def test_configured_header_renamed_alerts_with_column_advice(j):
    run(j, grid(5))
    header = ["Kode", "TPS", "DPT baru", "Paslon 1", "Nama Saksi", "Status", "Keterangan"]
    alerts = run(j, grid(5, header), 1)
    assert [a.code for a in alerts] == [COLUMN_GONE]
    assert alerts[0].message("en").startswith("Column 'DPT' (was C) is no longer in the header row")
    text = alert_text(alerts, "en")
    assert "--accept-column-changes" in text and "restore" not in text    # no rows to restore


def test_header_spelling_case_and_spaces_do_not_alert(j):
    run(j, grid(5))
    header = [" kode ", "tps", "DPT", "PASLON  1", "Nama Saksi", "Status", "Keterangan", ""]
    assert run(j, grid(5, header), 1) == []


def test_people_own_columns_and_moved_columns_do_not_alert(j):
    """A new column, a reordered one, a moved owned column, a header of people's
    own renamed: none of it loses a configured value."""
    run(j, grid(5, HEADER + ["Catatan"]))
    moved = ["Kode", "TPS", "Keterangan", "Catatan pribadi", "Paslon 1", "DPT", "Nama Saksi", "Status", "Baru"]
    g = [moved] + [[r[0], r[1], "", "x", r[3], r[2], r[4], "", "y"] for r in grid(5)[1:]]
    assert run(j, g, 1) == []


def test_headers_swapped_change_meaning(j):
    g = grid(20)
    for i, r in enumerate(g[1:]):
        r[2], r[3] = str(200 + i), str(i % 7)
    run(j, g)
    swapped = [list(r) for r in g]
    swapped[0][2], swapped[0][3] = "Paslon 1", "DPT"              # headers typed over each other
    alerts = run(j, swapped, 1)
    assert [a.code for a in alerts] == [COLUMN_CHANGED, COLUMN_CHANGED]
    assert alerts[0].message("en").startswith("Column 'DPT' (D) holds other values on 20 of 20 rows")


def test_a_header_the_core_reads_as_the_same_is_no_header_change(j):
    """'D.P.T.' is the core's 'DPT' (case, spaces and punctuation do not count): new values typed
    in that column on the same sync are people typing, not a column that changed meaning."""
    g = grid(20)
    run(j, g)
    retyped = [list(r) for r in g]
    retyped[0][2] = " d.p.t. "
    for i, r in enumerate(retyped[1:]):
        r[2] = str(300 + i)
    assert run(j, retyped, 1) == []
    swapped = [list(r) for r in retyped]
    swapped[0][2], swapped[0][3] = "Paslon 1", "DPT"              # a header change the core sees
    assert [a.code for a in run(j, swapped, 2)] == [COLUMN_CHANGED, COLUMN_CHANGED]


def test_each_acceptance_accepts_its_own_kind(j):
    run(j, grid(10))
    header = ["Kode", "TPS", "Jumlah DPT", "Paslon 1", "Nama Saksi", "Status", "Keterangan"]
    g = grid(10, header)[:3]
    assert [a.code for a in run(j, g, 1)] == [ROWS_VANISHED, COLUMN_GONE]
    assert [a.code for a in run(j, g, 2, kinds={DELETED_ROWS})] == [COLUMN_GONE]
    assert [a.code for a in run(j, g, 3, kinds={COLUMN_CHANGES})] == [ROWS_VANISHED]
    assert run(j, g, 4, accept=True) == []                        # --accept-deletions: both


def test_corrected_junk_keys_are_not_vanished_rows(j):
    """Case 7: a misspelt Kode (the TPS cannot be read, the row is keyed by its
    content) fixed on half the rows is a correction, not a loss."""
    g = grid(20)
    for r in g[1:11]:
        r[0] = ""                                # Kode missing: rows keyed by content
    run(j, g)
    for r in g[1:11]:
        r[0] = "31.73.01.1001"                   # corrected in place
    assert run(j, g, 1) == []
    assert len(j.renamed_keys("S", 1)) == 10     # and the journal links them as renamed


def test_no_previous_sync_no_alert():
    assert guard(None, {}, CONFIG) == []


# ---------------------------------------------------------------- through sync and the emulator
def test_sync_blocked_by_guard_then_restore_then_accept(emu, tmp_path):
    """The engine's side of the contract: alert in the last-synced cell, summaries
    untouched, exit 3 naming rows; restore clears it; --accept-deletions confirms."""
    from sheetsync.core import a1
    from sheetsync.core.config import load_preset, with_overrides
    from sheetsync.sheets.client import Sheet
    from sheetsync.journal.restore import restore
    from sheetsync.sync.run import SyncError, sync
    from sync_data import tps_sheet

    with Journal(tmp_path / "j.sqlite") as journal:
        ours = emu.client()
        book = ours.create("Rekap Jakbar")
        config = with_overrides(load_preset("pilkada-jakbar-2024"), spreadsheet=book.id, api_url=emu.url)
        book.sheet1.update_title(config.input_tab)
        book.sheet1.update(tps_sheet(40, seed=3, broken=0), "A1", value_input_option="RAW")
        run = dict(client=ours, journal=journal, lock_dir=str(tmp_path))
        sync(config, **run)
        tab, row, col = a1.parse_tab_cell(config.last_synced_cell)
        summaries = [a1.quote_tab(t) for t in config.summary_tabs.titles()]

        def summary_values() -> dict:
            """The summary tabs without the last-synced cell (where the alert goes)."""
            got = Sheet(ours, book.id).read(summaries)
            stamp_row = got[a1.quote_tab(tab)][row - 1]
            stamp_row[col - 1] = None
            return got

        before = summary_values()

        other = emu.client().open_by_key(book.id).worksheet(config.input_tab)
        other.delete_rows(3, 8)                              # 6 of 40 rows
        with pytest.raises(SyncError) as err:
            sync(config, **run)
        assert err.value.exit_code == 3 and "6 dari 40" in str(err.value)
        assert "restore --since 1" in str(err.value)
        stamp = other.spreadsheet.worksheet(tab).cell(row, col).value
        assert "6 dari 40" in stamp
        assert summary_values() == before                    # summaries not rewritten

        restore(config, journal, Sheet(ours, book.id), since=1, apply=True)
        sync(config, **run)                                  # nothing vanished any more
        assert "dari 40" not in other.spreadsheet.worksheet(tab).cell(row, col).value

        other.delete_rows(3, 8)
        sync(config, accept_deletions=True, **run)           # intended: accepted
        assert summary_values() != before                    # and now the summaries follow
        sync(config, **run)                                  # and the new baseline holds
