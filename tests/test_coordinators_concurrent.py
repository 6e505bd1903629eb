"""A coordinator typing at the same time as syncs run: sync in a thread, back to back, while
a second gspread client types notes in her own column, changes and clears vote counts, and
formats the counts. Every cell she typed is, at the end, exactly what she typed last (her
own model of the sheet, not a snapshot that could already hold damage); then statuses
agree everywhere and the idle sync is 1 request (tests/coordinators.py)."""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from coordinators import (
    Desk,
    assert_one_status,
    coordinator,
    insert_own_column,
    lost,
    person_cells,
)
from sync_data import config_for, seed, tps_sheet

from sheetsync.sync.run import SyncReport

ROWS = 40
EDITS = 30
MAX_EDITS = 300


@contextmanager
def syncs_running(desk: Desk) -> Iterator[list[SyncReport]]:
    """desk.sync() over and over in a thread while the block runs (her typing); the
    reports are yielded as they come; a sync that raised fails the test afterwards."""
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
    try:
        yield reports
    finally:
        stop.set()
        worker.join(timeout=120)
    assert not errors, errors


def _edits_while_syncs_run(reports: list[SyncReport]) -> Iterator[int]:
    """Edit numbers: at least EDITS, and on until three syncs have finished meanwhile (so
    the edits really interleave with syncs, whatever the machine's speed)."""
    for i in range(MAX_EDITS):
        if i >= EDITS and len(reports) >= 3:
            return
        time.sleep(0.02)                                          # a person, not a script
        yield i
    raise AssertionError(f"only {len(reports)} syncs finished during {MAX_EDITS} edits")


def test_syncs_in_a_thread_never_overwrite_what_she_types_meanwhile(emu: Any, tmp_path: Path) -> None:
    sh = seed(emu.client(), tps_sheet(ROWS, 81))
    desk = Desk(emu, config_for(sh, emu), tmp_path)
    ws = coordinator(emu, sh).worksheet("TPS")
    insert_own_column(ws, 1, ["Catatan"])
    desk.sync()
    typed = person_cells(sh)                                      # her model of the sheet
    rng = random.Random(8)
    with syncs_running(desk) as reports:
        for i in _edits_while_syncs_run(reports):
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
    assert all(isinstance(r, SyncReport) for r in reports)
    assert lost(typed, person_cells(sh)) == {}
    report = desk.sync()
    assert lost(typed, person_cells(sh)) == {}
    assert_one_status(sh, desk, report)
    desk.idle()


def _person_grid(sh: Any) -> list[list[Any]]:
    """The input tab's person cells as rows (sheetsync's marked columns left out), trimmed."""
    cells = {(r, c): v for (tab, r, c), v in person_cells(sh).items() if tab == "TPS"}
    rows = max((r for r, _ in cells), default=0)
    cols = max((c for _, c in cells), default=0)
    return _trim([_trim([cells.get((r, c), "") for c in range(1, cols + 1)]) for r in range(1, rows + 1)])


def _trim(line: list[Any]) -> list[Any]:
    while line and line[-1] in ("", []):
        line = line[:-1]
    return line


def test_rows_she_inserts_and_deletes_while_syncs_run_keep_every_cell(emu: Any, tmp_path: Path) -> None:
    """Syncs back to back in a thread while she inserts TPS rows (with a note in her column),
    deletes a row and edits votes: her model of the rows (person columns) is the sheet's."""
    values = tps_sheet(ROWS, 82)
    sh = seed(emu.client(), values)
    desk = Desk(emu, config_for(sh, emu), tmp_path)
    ws = coordinator(emu, sh).worksheet("TPS")
    insert_own_column(ws, 1, ["Catatan"])
    desk.sync()
    model = _person_grid(sh)
    rng = random.Random(9)
    extra = tps_sheet(MAX_EDITS, 83)[1:]
    with syncs_running(desk) as reports:
        for i in _edits_while_syncs_run(reports):
            at = rng.randint(2, len(model))
            if i % 4 == 3:
                ws.delete_rows(at)
                model.pop(at - 1)
            elif i % 4 == 2:
                votes = str(rng.randint(0, 900))
                ws.update([[votes]], f"J{at}")
                model[at - 1] = (model[at - 1] + [""] * 10)[:max(10, len(model[at - 1]))]
                model[at - 1][9] = votes
                model[at - 1] = _trim(model[at - 1])
            else:
                line = [f"baru {i}"] + extra[i]
                ws.insert_rows([line], row=at)
                model.insert(at - 1, _trim(line))
    assert _person_grid(sh) == model
    report = desk.sync()
    assert _person_grid(sh) == model
    assert_one_status(sh, desk, report)
    desk.idle()
