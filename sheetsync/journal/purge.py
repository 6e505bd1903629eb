"""Retention (UU 27/2022): take names and phone numbers out of the journal once
they are no longer needed, keeping every number.

A personal value (a field of a ``personal = true`` column) is purged when it left
the sheet before the date: it was replaced by another value, or its row was
deleted and has not come back. The values the sheet holds now stay: they are in
the sheet anyway, and the journal needs them to see the next change; they go in a
later purge once replaced or deleted. Purged values read ``PURGED`` in the history
(shown as "(purged)"); restore never writes one back. The verified values of rows
(what "changed after verification" compares numbers with) keep their numbers. A formula
recorded in a column before it was marked personal (none is recorded after: its text may
spell a name) is purged whatever its date.

The history tables are append-only; a purge is the one change to them, made in
one transaction with the append-only triggers lifted inside it, with SQLite's
secure_delete on and the write-ahead log truncated after it, so the old text is
not left in free pages or in the -wal file.
"""
from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Iterable

from sheetsync.journal.queries import as_utc
from sheetsync.journal.state import load_all, save_rows
from sheetsync.journal.store import Journal
from sheetsync.journal.tab import PURGED, decode_line, encode_line

_LIFTED = ("cells_no_update", "baselines_no_update", "formulas_no_update")


@dataclass(frozen=True)
class PurgeReport:
    spreadsheet: str
    before: datetime
    fields: tuple[str, ...]
    values: int            # history cells purged
    baselines: int         # verified-value records whose personal fields were purged
    cached_rows: int       # rows of the last-read cache whose personal values were purged
    formulas: int = 0      # formulas of personal columns (recorded before they were marked so)

    def to_dict(self) -> dict[str, Any]:
        return {"spreadsheet": self.spreadsheet, "before": self.before.isoformat(),
                "fields": list(self.fields), "values": self.values, "baselines": self.baselines,
                "cached_rows": self.cached_rows, "formulas": self.formulas}


def purge_personal(journal: Journal, spreadsheet: str, fields: Iterable[str], before: datetime) -> PurgeReport:
    """Purge the personal ``fields`` values that left the sheet before ``before``
    (see module doc), in one transaction."""
    names = tuple(sorted(set(fields)))
    cutoff = as_utc(before)
    db = journal.db
    sheet = journal._sheet(spreadsheet)
    was = db.execute("PRAGMA secure_delete").fetchone()[0]
    db.execute("PRAGMA secure_delete=ON")         # old page content is zeroed, not left in free space
    try:
        counts = _purge(journal, sheet, names, cutoff.timestamp())
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # and no copy stays in the write-ahead log
    finally:
        db.execute(f"PRAGMA secure_delete={int(was)}")  # the journal's syncs need not pay for it
    return PurgeReport(spreadsheet, cutoff, names, *counts)


def _purge(journal: Journal, sheet: int, names: tuple[str, ...], cutoff: float) -> tuple[int, int, int, int]:
    """(history cells, verified records, cached rows, formulas) purged, in one transaction
    with the append-only triggers lifted inside it."""
    db = journal.db
    fids = [i for i, name in db.execute("SELECT id, name FROM fieldnames") if name in names]
    db.execute("BEGIN IMMEDIATE")
    try:
        for trigger in _LIFTED:
            db.execute(f"DROP TRIGGER IF EXISTS {trigger}")
        gone = _gone_before(db, sheet, cutoff)
        counts = (_purge_cells(db, sheet, fids, cutoff, gone), _purge_baselines(db, sheet, names, cutoff),
                  _purge_cache(journal, sheet, names, gone), _purge_formulas(db, sheet, fids))
        journal._append_only()                       # the triggers again, in the same transaction
        db.execute("COMMIT")
    except BaseException:
        db.execute("ROLLBACK")
        raise
    finally:
        journal._cache.pop(sheet, None)
    return counts


def _gone_before(db: sqlite3.Connection, sheet: int, cutoff: float) -> set[int]:
    """Row ids whose last presence event is "vanished", at a sync before the cutoff."""
    return {rid for rid, live, ts in db.execute(
        "SELECT p.row, p.live, s.ts FROM presence p JOIN syncs s ON s.id=p.sync "
        "WHERE s.sheet=? AND p.sync=(SELECT max(sync) FROM presence q WHERE q.row=p.row)", (sheet,))
        if not live and ts < cutoff}


def _purge_cells(db: sqlite3.Connection, sheet: int, fids: list[int], cutoff: float, gone: set[int]) -> int:
    """Values replaced before the cutoff, and every value of rows gone before it."""
    if not fids:
        return 0
    marks = ",".join("?" * len(fids))
    todo = [(PURGED, row, field, sync) for row, field, sync, value, ended in db.execute(
        f"SELECT c.row, c.field, c.sync, c.value, (SELECT min(s.ts) FROM cells n JOIN syncs s ON s.id=n.sync "
        f"WHERE n.row=c.row AND n.field=c.field AND n.sync>c.sync) FROM cells c "
        f"WHERE c.field IN ({marks}) AND c.row IN (SELECT id FROM rowkeys WHERE sheet=?)", (*fids, sheet))
        if value not in ("", PURGED) and ((ended is not None and ended < cutoff) or row in gone)]
    db.executemany("UPDATE cells SET value=? WHERE row=? AND field=? AND sync=?", todo)
    return len(todo)


def _purge_formulas(db: sqlite3.Connection, sheet: int, fids: list[int]) -> int:
    """Every formula of the personal fields: restore then writes the value, never a purged text."""
    if not fids:
        return 0
    marks = ",".join("?" * len(fids))
    got = db.execute(
        f"UPDATE formulas SET formula=?, value=? WHERE field IN ({marks}) AND formula<>? "
        f"AND row IN (SELECT id FROM rowkeys WHERE sheet=?)", (PURGED, PURGED, *fids, PURGED, sheet))
    return int(got.rowcount)


def _purge_baselines(db: sqlite3.Connection, sheet: int, names: tuple[str, ...], cutoff: float) -> int:
    """Verified values recorded before the cutoff keep their numbers only."""
    todo = []
    for row, sync, body in db.execute(
            "SELECT b.row, b.sync, b.body FROM baselines b JOIN syncs s ON s.id=b.sync "
            "WHERE s.sheet=? AND s.ts<?", (sheet, cutoff)):
        values = json.loads(body)
        if any(values.get(f, "") not in ("", PURGED) for f in names):
            values.update({f: PURGED for f in names if values.get(f, "") not in ("", PURGED)})
            todo.append((json.dumps(values, ensure_ascii=False), row, sync))
    db.executemany("UPDATE baselines SET body=? WHERE row=? AND sync=?", todo)
    return len(todo)


def _purge_cache(journal: Journal, sheet: int, names: tuple[str, ...], gone: set[int]) -> int:
    """The last-read cache: rows gone before the cutoff lose their personal values;
    a live row's verified copy takes the current personal values (so an old name
    does not stay there, and the numbers it is compared with do not change)."""
    state = journal._state(sheet, complete=True)
    load_all(journal.db, sheet, state)
    cols = [i for i, f in enumerate(state.kept) if f in names]
    width = len(state.kept)
    count = 0
    for key, (rid, _, live, line, ok, base) in list(state.rows.items()):
        new_line, new_base = line, base
        if not live and rid in gone:
            new_line = _with(line, cols, width, None)
            new_base = None if base is None else _with(base, cols, width, None)
        elif live and base is not None:
            new_base = _with(base, cols, width, decode_line(line, width))
        if (new_line, new_base) != (line, base):
            state.rows[key] = (rid, key, live, new_line, ok, new_base)
            state.touch(key)
            count += 1
    if count:
        save_rows(journal.db, sheet, state)
    return count


def _with(line: str, cols: list[int], width: int, source: list[str] | None) -> str:
    """``line`` with the personal cells purged (``source`` None) or taken from ``source``."""
    cells = decode_line(line, width)
    for i in cols:
        if cells[i]:
            cells[i] = PURGED if source is None else source[i]
    return encode_line(cells)
