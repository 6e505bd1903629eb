"""Typed values: the journal of the release that read what the sheet showed
("478.00", "1.234") is migrated to plain numbers once, so the next (unformatted)
read is no change, and restore writes numbers as numbers. Through real gspread
against the emulator; a second gspread client is the coordinator."""
from __future__ import annotations

import sqlite3
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from sheetsync.journal.store import Journal, journal_key
from sheetsync.journal.migrate import plain_number
from sheetsync.sync.plan import raw_value

T0 = datetime(2024, 11, 27, 6, 0, tzinfo=timezone.utc)
COUNTS = ("DPT", "DPPh", "DPTb", "Paslon 1", "Paslon 2", "Paslon 3", "Suara Sah", "Suara Tidak Sah",
          "Pengguna Hak Pilih")


def test_shown_numbers_become_plain_and_text_stays():
    assert [plain_number(t) for t in ("478.00", "478,00", "1.234", "1,234", "1.234,50", "80,35")] == [
        "478", "478", "1234", "1234", "1234.5", "80.35"]
    assert [plain_number(t) for t in ("0812.345.678", "012", "120", "Kapuk", "80.35")] == [
        None, None, None, None, "80.35"]
    assert raw_value("80.35") == 80.35 and raw_value("1234") == 1234 and raw_value("012") == "012"


def _as_typed(values: list[list[Any]]) -> list[list[Any]]:
    """The seed grid with counts as numbers (what a volunteer's typing gives)."""
    header = values[0]
    at = {header.index(h) for h in COUNTS if h in header}
    return [header] + [[int(c) if i in at and c != "" else c for i, c in enumerate(r)] for r in values[1:]]


def _as_shown(values: list[list[Any]]) -> list[list[Any]]:
    """What the release before read: the counts as the Number format shows them."""
    header = values[0]
    at = {header.index(h) for h in COUNTS if h in header}
    return [header] + [[f"{c}.00" if i in at and c != "" else str(c) for i, c in enumerate(r)]
                       for r in values[1:]]


def _make_it_an_old_journal(path: Path) -> None:
    """A journal file as the release before leaves it: no typed-values mark, schema 4."""
    db = sqlite3.connect(path)
    db.execute("DELETE FROM meta WHERE key='values'")
    db.execute("PRAGMA user_version=4")
    db.commit()
    db.close()


def test_an_old_journal_of_shown_numbers_is_migrated(emu, tmp_path):
    from sheetsync.sheets.client import Sheet
    from sheetsync.journal.tab import read_tab
    from sheetsync.journal.restore import restore
    from sheetsync.sync.run import sync
    from sync_data import config_for, seed, tps_sheet

    values = _as_typed(tps_sheet(30, seed=8, unfilled=0, broken=0))
    path = tmp_path / "j.sqlite"
    ours = emu.client()
    book = seed(ours, values)
    config = config_for(book, emu)
    old = read_tab(_as_shown(values), config)
    with Journal(path) as journal:                 # what the release before journaled
        journal.record_tab(spreadsheet=book.id, config_name=config.name, tab=old, at=T0,
                           ok_rows=set(old.rows))
    _make_it_an_old_journal(path)
    with Journal(path) as journal:
        name = journal_key(book.id, config.input_tab)
        key = next(iter(old.rows))
        assert {h.value for h in journal.history(name, key) if h.field == "dpt"} <= set(
            str(r[values[0].index("DPT")]) for r in values[1:])          # "478", not "478.00"
        report = sync(config, client=ours, journal=journal, lock_dir=str(tmp_path))
        diff = journal.diff(name, 1)
        assert diff.changes == [] and diff.added == [] and diff.removed == []
        assert "PERIKSA" not in report.rows_by_status                  # nothing "changed after OK"
        coordinator = emu.client().open_by_key(book.id).worksheet(config.input_tab)
        dpt = values[0].index("DPT") + 1
        coordinator.update_cell(4, dpt, "")                             # a DPT blanked by mistake
        sync(config, client=ours, journal=journal, lock_dir=str(tmp_path),
             now=datetime.now(timezone.utc) + timedelta(minutes=1))
        restore(config, journal, Sheet(ours, book.id), since=2, apply=True, lock_dir=str(tmp_path))
    got = coordinator.cell(4, dpt, value_render_option="UNFORMATTED_VALUE").value
    assert got == values[3][dpt - 1] and isinstance(got, int)          # a number again, not text


CELL = st.one_of(st.text(max_size=6), st.integers(-10**6, 10**6), st.floats(allow_nan=False, allow_infinity=False),
                 st.booleans(), st.none(), st.sampled_from(["True", "478.0", "1e+16", "x\x1fy", "", "None"]))


@settings(max_examples=300, deadline=None)
@given(st.lists(st.lists(CELL, max_size=8), min_size=1, max_size=12))
def test_lines_of_an_unformatted_read_are_the_per_cell_lines(body):
    """The C-speed lines of rows holding numbers (short rows, whole floats, booleans,
    text that looks like them) are exactly the per-cell ones."""
    from sheetsync.journal.tab import _cells, _checked_lines, encode_line
    kept, width = [0, 2, 3, 5], 7
    got, _ = _checked_lines(body, kept, width)
    assert got == [encode_line(_cells(raw, kept, width)) for raw in body]
