"""Typed values in an older journal: numbers stored as the sheet showed them
become numbers, once.

sheetsync reads the sheet unformatted now, so the journal stores a number as its
plain value (``478``, ``80.35``) and restore writes it back as a number. The
release before read what the sheet *showed*: a count with the toolbar's Number
format was journaled as ``478.00``, in an id_ID sheet ``1.234``, in an en_US one
``1,234``. Compared with the plain values of the next read, every such cell would
look changed (and every verified row "changed after verification"), and restore
would write them back as text, which the sheet's own SUMs ignore.

When a journal of that release is first opened, every stored value that is such
a shown number is turned into the plain number, in the history, the verified
values and the last-read cache, in one transaction: ``478.00`` / ``478,00`` ->
``478``; ``1.234`` / ``1.234,5`` (id_ID grouping) -> ``1234`` / ``1234.5``;
``1,234`` / ``1,234.50`` (en_US) -> ``1234`` / ``1234.5``; ``80,35`` -> ``80.35``. A group of three after
a dot is read as thousands (counts are whole numbers; an en_US decimal with
exactly three places is the one reading this gets wrong). Text with a leading 0
(``0812.345.678``, ``012``) is never a number and stays as it is.
"""
from __future__ import annotations

import json
import re
import sqlite3
from decimal import Decimal, InvalidOperation
from typing import Callable

from sheetsync.journal.state import decode_chunk, encode_chunk
from sheetsync.journal.tab import decode_line, encode_line

TYPED = "typed"                    # meta 'values': stored numbers are plain values
_WHOLE = r"-?(?:0|[1-9][0-9]*)"
_SHOWN: tuple[tuple[re.Pattern[str], Callable[[str], str]], ...] = (   # in order: thousands, then decimals
    (re.compile(r"-?[1-9][0-9]{0,2}(?:\.[0-9]{3})+(?:,[0-9]+)?"), lambda t: t.replace(".", "").replace(",", ".")),
    (re.compile(r"-?[1-9][0-9]{0,2}(?:,[0-9]{3})+(?:\.[0-9]+)?"), lambda t: t.replace(",", "")),
    (re.compile(_WHOLE + r"\.[0-9]+"), lambda t: t),
    (re.compile(_WHOLE + r",[0-9]+"), lambda t: t.replace(",", ".")),
)


def plain_number(text: str) -> str | None:
    """A number as a sheet showed it -> the plain value's text (None: not one)."""
    for pattern, strip in _SHOWN:
        if pattern.fullmatch(text):
            try:
                value = Decimal(strip(text))
            except InvalidOperation:
                return None
            return str(int(value)) if value == value.to_integral_value() else str(float(value))
    return None


def typed(text: str) -> str:
    got = plain_number(text) if text else None
    return text if got is None else got


def migrate(db: sqlite3.Connection) -> None:
    """Convert the journal's stored shown numbers, once (see module doc). Runs in
    the caller's open; a journal with no syncs, or already typed, is only marked."""
    got = db.execute("SELECT value FROM meta WHERE key='values'").fetchone()
    if got and got[0] == TYPED:
        return
    db.execute("BEGIN IMMEDIATE")
    try:
        for table in ("cells", "baselines", "state_records"):
            db.execute(f"DROP TRIGGER IF EXISTS {table}_no_update")
        _cells(db)
        _baselines(db)
        _records(db)
        db.execute("INSERT OR REPLACE INTO meta(key, value) VALUES ('values', ?)", (TYPED,))
        for table in ("cells", "baselines"):
            db.execute(f"CREATE TRIGGER IF NOT EXISTS {table}_no_update BEFORE UPDATE ON {table} "
                       "BEGIN SELECT RAISE(ABORT, 'the journal is append-only'); END")
        db.execute("COMMIT")
    except BaseException:
        db.execute("ROLLBACK")
        raise


def _cells(db: sqlite3.Connection) -> None:
    todo = [(typed(v), row, field, sync) for row, field, sync, v in db.execute(
        "SELECT row, field, sync, value FROM cells WHERE value GLOB '*[0-9][.,][0-9]*'")
        if typed(v) != v]
    db.executemany("UPDATE cells SET value=? WHERE row=? AND field=? AND sync=?", todo)


def _baselines(db: sqlite3.Connection) -> None:
    todo = []
    for row, sync, body in db.execute("SELECT row, sync, body FROM baselines"):
        values = json.loads(body)
        new = {f: typed(v) if isinstance(v, str) else v for f, v in values.items()}
        if new != values:
            todo.append((json.dumps(new, ensure_ascii=False), row, sync))
    db.executemany("UPDATE baselines SET body=? WHERE row=? AND sync=?", todo)


def _line(line: str | None) -> str | None:
    if not line:
        return line
    cells = decode_line(line, 0)
    new = [typed(c) for c in cells]
    return line if new == cells else encode_line(new)


def _records(db: sqlite3.Connection) -> None:
    """The last-read cache: lines and verified copies (the block digests then no
    longer match, so the next sync compares those blocks once: no change found).
    Untyped, every verified count would look changed (the guard then reads a column
    change on every count column, and every verified row turns PERIKSA)."""
    todo = []
    for rid, body in db.execute("SELECT id, body FROM state_records"):
        if not re.search(r"[0-9][.,][0-9]", body):
            continue
        rows = decode_chunk(body)
        new = [(r[0], r[1], r[2], _line(r[3]) or "", r[4], _line(r[5])) for r in rows]
        if new != rows:
            todo.append((encode_chunk(new), rid))
    db.executemany("UPDATE state_records SET body=? WHERE id=?", todo)

