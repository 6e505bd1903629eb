"""A coordinator typing at the same time as syncs run: sync in a thread, back to back, while
a second gspread client types notes in her own column, changes and clears vote counts, and
formats the counts. Every cell she typed is, at the end, exactly what she typed last (her
own model of the sheet, not a snapshot that could already hold damage); then statuses
agree everywhere and the idle sync is 1 request (tests/coordinators.py)."""

from __future__ import annotations

import random
import threading
from pathlib import Path
from typing import Any

import pytest
from coordinators import Desk, assert_one_status, coordinator, insert_own_column, lost, person_cells
from sync_data import config_for, seed, tps_sheet

from sheetsync.emulator import Emulator
from sheetsync.sync import SyncReport

ROWS = 40
EDITS = 30


@pytest.fixture(scope="module")
def emu() -> Any:
    with Emulator() as e:
        yield e


def test_syncs_in_a_thread_never_overwrite_what_she_types_meanwhile(emu: Any, tmp_path: Path) -> None:
    sh = seed(emu.client(), tps_sheet(ROWS, 81))
    desk = Desk(emu, config_for(sh, emu), tmp_path)
    ws = coordinator(emu, sh).worksheet("TPS")
    insert_own_column(ws, 1, ["Catatan"])
    desk.sync()
    typed = person_cells(sh)                                      # her model of the sheet
    stop, reports, errors = threading.Event(), [], []

    def syncing() -> None:
        while not stop.is_set():
            try:
                reports.append(desk.sync())
            except Exception as exc:                               # noqa: BLE001 - reported below
                errors.append(exc)
                return

    worker = threading.Thread(target=syncing)
    worker.start()
    rng = random.Random(8)
    try:
        for i in range(EDITS):
            row = rng.randint(2, ROWS + 1)
            if i % 3 == 0:
                text = f"catatan {i}: telepon ketua KPPS"
                ws.update([[text]], f"A{row}")
                typed[("TPS", row, 1)] = text
            elif i % 3 == 1:
                votes = rng.randint(0, 900)
                ws.update([[str(votes)]], f"J{row}")               # Paslon 1, one column right
                typed[("TPS", row, 10)] = str(votes)
            else:
                ws.batch_clear([f"J{row}:L{row}"])                 # the three paslon cleared to retype
                for col in (10, 11, 12):
                    typed.pop(("TPS", row, col), None)
            if i == EDITS // 2:
                ws.format(f"F2:O{ROWS + 1}", {"numberFormat": {"type": "NUMBER", "pattern": "#,##0.00"}})
    finally:
        stop.set()
        worker.join(timeout=120)
    assert not errors, errors
    assert len(reports) >= 2, len(reports)                        # syncs really ran meanwhile
    assert all(isinstance(r, SyncReport) for r in reports)
    assert lost(typed, person_cells(sh)) == {}
    report = desk.sync()
    assert lost(typed, person_cells(sh)) == {}
    assert_one_status(sh, desk, report)
    desk.idle()
