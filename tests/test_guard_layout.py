"""The guard on a sheet people rearrange (cases 6, 7, 13): through the real gspread
against the emulator, a second gspread client acting as the coordinator."""
from __future__ import annotations

from typing import Any

import pytest

from sheetsync.journal.guard import COLUMN_CHANGES, DELETED_ROWS
from sheetsync.journal.store import Journal



@pytest.fixture
def team(emu, tmp_path):
    """(ours, coordinator's worksheet, config, run kwargs) after a first good sync."""
    from sheetsync.sync.run import sync
    from sync_data import config_for, seed, tps_sheet

    with Journal(tmp_path / "j.sqlite") as journal:
        ours = emu.client()
        book = seed(ours, tps_sheet(40, seed=3, broken=0))
        config = config_for(book, emu)
        run = dict(client=ours, journal=journal, lock_dir=str(tmp_path))
        sync(config, **run)
        coordinator = emu.client().open_by_key(book.id).worksheet(config.input_tab)
        yield coordinator, config, run


def _sync(config: Any, run: dict, **kw: Any) -> Any:
    from sheetsync.sync.run import sync
    return sync(config, **run, **kw)


def test_a_column_of_ones_own_and_a_reorder_are_no_alert(team):
    """Case 6: a volunteer inserts a notes column left of DPT and types in it, and
    moves Alamat to the end: summaries keep following, no flag is needed."""
    coordinator, config, run = team
    coordinator.insert_cols([[]], col=4)
    coordinator.update([["Catatan Relawan"]] + [[f"cek {i}"] for i in range(40)], "D1")
    values = coordinator.get_all_values()
    alamat = values[0].index("Alamat")
    moved = [r[:alamat] + r[alamat + 1:] + [r[alamat]] for r in values]
    coordinator.update(moved, "A1", value_input_option="RAW")
    report = _sync(config, run)
    assert report.alerts == []
    assert coordinator.col_values(4)[1] == "cek 0"             # the notes are still there


def test_a_configured_header_renamed_alerts_and_is_accepted_by_its_own_flag(team):
    coordinator, config, run = team
    from sheetsync.sync.run import SyncError
    header = coordinator.row_values(1)
    coordinator.update_cell(1, header.index("DPT") + 1, "Jumlah DPT")
    with pytest.raises(SyncError) as err:
        _sync(config, run)
    text = str(err.value)
    assert "Kolom 'DPT'" in text and "--accept-column-changes" in text
    assert "restore" not in text                                  # nothing to restore for a header
    with pytest.raises(SyncError):
        _sync(config, run, accept=frozenset({DELETED_ROWS}))       # the wrong acceptance
    assert _sync(config, run, accept=frozenset({COLUMN_CHANGES})).alerts == []


def test_misspelt_kelurahan_fixed_on_many_rows_is_no_alert_and_restores_nothing(emu, tmp_path):
    """Case 7: a kelurahan misspelt on 8 of 40 rows (their TPS cannot be read) is
    fixed in place by the coordinator, who also inserts a column at A: not a mass
    deletion, and restore does not append the old misspelt copies (the rename link
    holds whatever the column layout)."""
    from sheetsync.sheets.client import Sheet
    from sheetsync.journal.restore import restore
    from sync_data import config_for, seed, tps_sheet

    values = tps_sheet(40, seed=3, broken=0)
    right = [r[1] for r in values[1:9]]
    for r in values[1:9]:
        r[1] = r[1] + "xq"                                        # misspelt: no such kelurahan
    with Journal(tmp_path / "j.sqlite") as journal:
        ours = emu.client()
        book = seed(ours, values)
        config = config_for(book, emu)
        run = dict(client=ours, journal=journal, lock_dir=str(tmp_path))
        _sync(config, run)
        coordinator = emu.client().open_by_key(book.id).worksheet(config.input_tab)
        coordinator.insert_cols([[]], col=1)                      # and a column of their own, at A
        coordinator.update([[k] for k in right], "C2", value_input_option="RAW")
        assert _sync(config, run).alerts == []
        plan = restore(config, journal, Sheet(ours, book.id), since=1)
        assert plan.rows_appended == []
        assert len(coordinator.get_all_values()) == 41


def test_status_column_deleted_is_no_alert_and_comes_back(team):
    """The owned columns hold derived text: deleted by a volunteer, the next sync
    adds Status back and freezes nothing."""
    coordinator, config, run = team
    header = coordinator.row_values(1)
    coordinator.delete_columns(header.index(config.status_header) + 1)
    assert _sync(config, run).alerts == []
    assert config.status_header in coordinator.row_values(1)
