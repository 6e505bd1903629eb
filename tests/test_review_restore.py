"""Restore's added rows when Google's answer to the append is lost after it landed: the
transport retries the values:append, which is not idempotent (INSERT_ROWS adds rows
again). Real gspread against the emulator, whose "reset" fault cuts the answer off after
the request was applied; a second gspread client is the coordinator."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from google_emulator import GoogleEmulator
from sheetsync.sheets.client import Sheet
from sheetsync.journal.store import Journal



def _deleted_rows_restored(emu: GoogleEmulator, tmp_path: Path, faults: int) -> tuple[Any, list[list[str]], list[list[str]], Any]:
    from sheetsync.journal.restore import restore
    from sheetsync.sync.run import sync
    from sync_data import config_for, seed, tps_sheet

    with Journal(tmp_path / "j.sqlite") as journal:
        ours = emu.client()
        book = seed(ours, tps_sheet(30, seed=5, unfilled=0, broken=0))
        config = config_for(book, emu)
        run = dict(client=ours, journal=journal, lock_dir=str(tmp_path))
        sync(config, **run)
        coordinator = emu.client(token="koordinator").open_by_key(book.id).worksheet(config.input_tab)
        gone = [coordinator.row_values(5), coordinator.row_values(6)]
        coordinator.delete_rows(5, 6)                            # two TPS deleted by mistake
        sync(config, accept_deletions=True, **run)
        for _ in range(faults):                                  # the answer is lost after the append landed
            emu.inject_fault("reset", method="POST", path=r":append", times=1)
        plan = restore(config, journal, Sheet(ours, book.id), since=1, apply=True, lock_dir=str(tmp_path))
        return plan, coordinator.get_all_values(), gone, config


@pytest.mark.parametrize("faults", [1, 2])
def test_rows_restored_once_when_the_answer_to_the_append_is_lost(faulty_emu: GoogleEmulator, tmp_path: Path,
                                                                   faults: int) -> None:
    plan, rows, gone, config = _deleted_rows_restored(faulty_emu, tmp_path, faults)
    assert len(plan.rows_appended) == 2
    keys = [tuple(r[:3]) for r in rows[1:] if any(r)]
    for line in gone:
        assert keys.count(tuple(line[:3])) == 1, (line[:3], keys)
    assert len(keys) == 30                                      # every TPS once, none twice
