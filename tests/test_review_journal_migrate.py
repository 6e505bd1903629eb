"""A journal two releases old: its cache of the last read is still in the by-row-id
layout (``state_chunks``) and holds the counts as the Number format showed them
("478.00"). The typed-values migration must convert that cache too, or the verified
copies in it make every verified row "changed after verification" after the upgrade.
Through real gspread against the emulator."""
from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from test_journal_typed import T0, _as_shown, _as_typed

from google_emulator import GoogleEmulator
from sheetsync.journal.store import Journal



def _make_it_a_journal_two_releases_old(path: Path, layout: str) -> None:
    """The last read cached by row id (state_chunks, or state: a row each; before
    state_records and state_meta), no typed-values mark, schema 3."""
    from sheetsync.journal.state import decode_chunk, record_span
    db = sqlite3.connect(path)
    db.execute("CREATE TABLE state_chunks(sheet INTEGER NOT NULL, chunk INTEGER NOT NULL, body TEXT NOT NULL, "
               "PRIMARY KEY(sheet, chunk)) WITHOUT ROWID")
    db.execute("CREATE TABLE state(row INTEGER PRIMARY KEY, sheet INTEGER NOT NULL, key TEXT NOT NULL, "
               "live INTEGER NOT NULL, line TEXT NOT NULL, ok INTEGER NOT NULL, base TEXT)")
    for sheet, in db.execute("SELECT id FROM sheets").fetchall():
        low, high = record_span(sheet)
        records = db.execute("SELECT body FROM state_records WHERE id BETWEEN ? AND ? ORDER BY id",
                             (low, high)).fetchall()
        if layout == "state_chunks":
            db.executemany("INSERT INTO state_chunks(sheet, chunk, body) VALUES (?, ?, ?)",
                           [(sheet, i, body) for i, (body,) in enumerate(records)])
        else:
            db.executemany("INSERT INTO state(row, sheet, key, live, line, ok, base) VALUES (?, ?, ?, ?, ?, ?, ?)",
                           [(r[0], sheet, r[1], int(r[2]), r[3], int(r[4]), r[5])
                            for body, in records for r in decode_chunk(body) if r[1]])
        db.execute("DELETE FROM state_records WHERE id BETWEEN ? AND ?", (low, high))
        db.execute("DELETE FROM state_meta WHERE sheet=?", (sheet,))
    db.execute("DELETE FROM meta WHERE key='values'")
    db.execute("PRAGMA user_version=3")
    db.commit()
    db.close()


@pytest.mark.parametrize("layout", ["state_chunks", "state"])
def test_a_cache_in_the_older_layout_is_migrated_too(emu: GoogleEmulator, tmp_path: Path, layout: str) -> None:
    from sheetsync.journal.tab import read_tab
    from sheetsync.sync.run import read_and_check, sync
    from sync_data import config_for, seed, tps_sheet

    values = _as_typed(tps_sheet(30, seed=8, unfilled=0, broken=0))
    path = tmp_path / "j.sqlite"
    ours = emu.client()
    book = seed(ours, values)
    config = config_for(book, emu)
    old = read_tab(_as_shown(values), config)
    with Journal(path) as journal:                 # what that release journaled: all rows verified OK
        journal.record_tab(spreadsheet=book.id, config_name=config.name, tab=old, at=T0,
                           ok_rows=set(old.rows))
    _make_it_a_journal_two_releases_old(path, layout)
    with Journal(path) as journal:
        report = sync(config, client=ours, journal=journal, lock_dir=str(tmp_path))
        checked = read_and_check(config, client=ours, journal=journal)
    assert "PERIKSA" not in report.rows_by_status, report.rows_by_status     # nothing changed after OK
    assert report.warnings_merged == 0
    assert not [i for i in checked.issues if i.code == "changed_after_verification"]
