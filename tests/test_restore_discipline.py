"""Restore with sync's discipline (cases 9, 10): no write over a formula showing "",
no refill of cells cleared while a row was retyped, the sync lock, and added rows
that cannot land on a row typed meanwhile. Real gspread against the emulator; a
second gspread client is the coordinator."""
from __future__ import annotations

from typing import Any, Callable

import pytest

from sheetsync.sheets.client import Sheet
from sheetsync.journal.store import Journal
from sheetsync.journal.tab import journal_key



class CoordinatorFirst(Sheet):
    """Our Sheet, with the coordinator acting between restore's read and its write."""

    def __init__(self, client: Any, key: str, act: Callable[[], None]) -> None:
        super().__init__(client, key)
        self.act: Callable[[], None] | None = act

    def _before_writing(self) -> None:
        if self.act is not None:
            act, self.act = self.act, None
            act()

    def write(self, updates: Any, **kw: Any) -> Any:
        self._before_writing()
        return super().write(updates, **kw)

    def append_rows(self, range_: str, rows: list[list[Any]]) -> dict:
        self._before_writing()
        return super().append_rows(range_, rows)


@pytest.fixture
def synced(emu, tmp_path):
    """(ours, coordinator's worksheet, config, journal, sync()) after a first sync."""
    from sheetsync.sync.run import sync
    from sync_data import config_for, seed, tps_sheet

    with Journal(tmp_path / "j.sqlite") as journal:
        ours = emu.client()
        book = seed(ours, tps_sheet(30, seed=5, unfilled=0, broken=0))
        config = config_for(book, emu)

        def again() -> Any:
            return sync(config, client=ours, journal=journal, lock_dir=str(tmp_path))

        again()
        coordinator = emu.client().open_by_key(book.id).worksheet(config.input_tab)
        yield ours, coordinator, config, journal, again


def test_no_constant_over_a_formula_showing_blank_nor_over_cells_cleared_while_retyping(synced, tmp_path):
    """Case 9: Suara Sah of row 7 becomes a formula that shows "" while the paslon
    cells are being retyped; in row 8 the volunteer cleared the three paslon cells
    and has typed the first one again."""
    from sheetsync.journal.restore import restore
    ours, coordinator, config, journal, again = synced
    formula = '=IF(COUNT(I7:K7)=0,"",SUM(I7:K7))'
    coordinator.update([[formula]], "L7", value_input_option="USER_ENTERED")
    coordinator.batch_clear(["I7:K7", "I8:K8"])
    coordinator.update([["100"]], "I8", value_input_option="RAW")
    again()
    assert coordinator.acell("L7").value in ("", None)             # the formula shows ""
    plan = restore(config, journal, Sheet(ours, coordinator.spreadsheet.id), since=1, apply=True,
                   lock_dir=str(tmp_path))
    assert coordinator.acell("L7", value_render_option="FORMULA").value == formula
    assert coordinator.get("J8:K8") in ([], [[]], [["", ""]])       # cleared on purpose: left blank
    assert coordinator.acell("I8").value == "100"
    skipped = {(s["tps_key"], s.get("field"), s["reason"]) for s in plan.skipped}
    assert any(f == "suara_sah" and "formula" in r for _, f, r in skipped)
    assert {f for _, f, r in skipped if "edited" in r} == {"paslon_2", "paslon_3"}


def test_restore_waits_for_no_sync_and_adds_rows_below_a_row_typed_meanwhile(synced, tmp_path):
    """Case 10: restore takes the sync lock; the rows it adds go below a TPS row the
    coordinator types between restore's read and its write, never over it."""
    from sheetsync.sync.lock import SyncLock, lock_path
    from sheetsync.journal.restore import RestoreError, restore
    from sync_data import FULL_HEADER, tps_row
    import random
    ours, coordinator, config, journal, again = synced
    key = coordinator.spreadsheet.id
    gone = coordinator.row_values(5)
    coordinator.delete_rows(5)
    again()

    held = SyncLock(lock_path(journal_key(key, config.input_tab), config.api_url, str(tmp_path))).acquire()
    try:
        with pytest.raises(RestoreError, match="already running"):
            restore(config, journal, Sheet(ours, key), since=1, apply=True, lock_dir=str(tmp_path))
    finally:
        held.release()

    typed = tps_row("Kembangan", "Joglo", 77, random.Random(1), FULL_HEADER)
    last = len(coordinator.get_all_values())

    def volunteer_types_a_row() -> None:
        coordinator.update([typed], f"A{last + 1}", value_input_option="RAW")

    plan = restore(config, journal, CoordinatorFirst(ours, key, volunteer_types_a_row), since=1,
                   apply=True, lock_dir=str(tmp_path))
    assert plan.applied and len(plan.rows_appended) == 1
    rows = coordinator.get_all_values()
    assert rows[last][:len(typed)] == typed                        # the volunteer's row is intact
    assert rows[last + 1][:len(FULL_HEADER)] == gone[:len(FULL_HEADER)]    # restored below it


def test_added_rows_start_at_column_a_when_a_note_sits_far_right(synced, tmp_path):
    """Google appends beside the table that holds the range's last filled cell; a
    note typed in column Z of the last row must not pull the restored row there."""
    from sheetsync.journal.restore import restore
    ours, coordinator, config, journal, again = synced
    key = coordinator.spreadsheet.id
    gone = coordinator.row_values(5)
    coordinator.delete_rows(5)
    again()
    last = len(coordinator.get_all_values())
    coordinator.update([["catatan: cek ulang"]], f"Z{last}", value_input_option="RAW")
    plan = restore(config, journal, Sheet(ours, key), since=1, apply=True, lock_dir=str(tmp_path))
    assert plan.appended_at.split("!")[1].startswith("A")
    row = coordinator.row_values(last + 1)
    assert row[:3] == gone[:3]
