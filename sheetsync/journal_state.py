"""The journal's cache of the last read: per row key (row id, key, live, line, ok, base).

Every sync compares the tab with the last read of all its rows, in a fresh
process each minute. Kept as one SQLite row per TPS row this costs ~25 ms of
Python per sync at 15,000 rows (15,000 records, 90,000 values). So rows are
packed by row id, ``CHUNK`` rows to a record (``state_chunks``): a sync reads
~470 records and splits them at C speed, and rewrites only the records holding
a row that changed. The cache is rebuildable from the history tables; it is
written in the same transaction as the sync it describes.

Journals written before the packing keep their rows in ``state``: they are read
from there once (``legacy``), and the next write packs them and drops those rows.
"""
from __future__ import annotations

import json
import sqlite3
from itertools import compress
from operator import itemgetter

CHUNK = 32                  # rows per record: ~4 KB; a sync rewrites ~1 record per edited row
_FLAG = bytes.maketrans(b"01", b"\0\1")
_JSON = "\x1e"              # a record holding a NUL somewhere is stored as JSON (rare)


class _State:
    """The last read of one spreadsheet as of sync ``n``, held in memory:
    ``rows`` key -> (row id, key, live, line, ok, base), in row id order;
    ``dirty``: keys to save; ``order``: row ids by sheet row from ``first_row``
    (0 = blank row); ``members``: chunk -> its keys in row id order."""
    __slots__ = ("n", "kept", "rows", "dirty", "order", "first_row", "_pos", "_pos_key", "_ok", "dv",
                 "members", "top", "legacy", "_live", "_changed", "diverged")

    def __init__(self, n: int, kept: tuple[str, ...], rows: dict[str, tuple],
                 first_row: int = 0, order: list[int] | None = None) -> None:
        self.n, self.kept, self.rows, self.dirty = n, kept, rows, set()
        self.first_row, self.order = first_row, order or []
        self._pos = self._pos_key = self._ok = None
        self.dv = 0                  # PRAGMA data_version when loaded: other writers change it
        self.members: dict[int, list[str]] = {}
        self.top = 0                 # highest row id saved in a chunk
        self.legacy = False          # rows came from the old one-record-per-row table
        self._live: dict[str, str] | None = None
        self._changed: tuple[dict[str, str], list[str]] | None = None
        self.diverged: list[str] | None = None   # keys whose base differs from their line

    def touched(self, live: dict[str, str] | None = None) -> None:
        """Lines or liveness changed in place: drop what was derived from them
        (replaced, never changed in place: a Snapshot may hold the old dict).
        ``live``: the writer's up-to-date live_lines, when it kept one."""
        self._live, self._changed, self.diverged = live, None, None

    def set_order(self, first_row: int, order: list[int], by_key: dict[str, int]) -> None:
        self.first_row, self.order, self._pos, self._pos_key = first_row, order, None, by_key

    def positions_by_id(self) -> dict[int, int]:
        if self._pos is None:
            first = self.first_row
            self._pos = {rid: first + i for i, rid in enumerate(self.order) if rid}
        return self._pos

    def positions_by_key(self) -> dict[str, int]:
        """key -> sheet row of the live rows (shared: replaced, never changed in place).
        Built at C speed (map/zip): this runs every sync over 15,000 rows."""
        if self._pos_key is None:
            rows = self.rows
            key_of = dict(zip(map(itemgetter(0), rows.values()), rows.keys()))
            first = self.first_row
            by_key = dict(zip(map(key_of.get, self.order), range(first, first + len(self.order))))
            by_key.pop(None, None)                  # blank sheet rows (id 0)
            self._pos_key = by_key
        return self._pos_key

    def ok_keys(self) -> set[str]:
        """Keys that were OK at the last sync (kept up to date by the writer)."""
        if self._ok is None:
            self._ok = set(compress(self.rows.keys(), map(itemgetter(4), self.rows.values())))
        return self._ok

    def live_lines(self) -> dict[str, str]:
        """key -> stored line of the rows live at the last sync (shared, read-only)."""
        if self._live is None:
            rows = self.rows
            self._live = dict(compress(zip(rows.keys(), map(itemgetter(3), rows.values())),
                                       map(itemgetter(2), rows.values())))
        return self._live

    def changed(self, lines: dict[str, str]) -> list[str]:
        """Keys of a read (key -> line) that are new, changed or back since the
        last read, in read order. The verification check and the writer both
        ask, once per sync: remembered for that read."""
        if self._changed is None or self._changed[0] is not lines:
            get = self.live_lines().get
            self._changed = (lines, [k for k, line in lines.items() if get(k) != line])
        return self._changed[1]

    def diverged_keys(self) -> list[str]:
        """Keys whose verified base differs from their stored line."""
        if self.diverged is None:
            self.diverged = [k for k, r in self.rows.items() if r[5] is not None and r[5] != r[3]]
        return self.diverged


# ------------------------------------------------------------------ one record
def encode_chunk(rows: list[tuple]) -> str:
    """Rows -> one NUL-separated text: ids, live flags, ok flags, base kinds
    (n = none, s = same as the line, d = differs), then keys, lines, bases."""
    kinds = "".join("n" if r[5] is None else ("s" if r[5] == r[3] else "d") for r in rows)
    parts = [",".join([str(r[0]) for r in rows]), "".join(["1" if r[2] else "0" for r in rows]),
             "".join(["1" if r[4] else "0" for r in rows]), kinds, *[r[1] for r in rows],
             *[r[3] for r in rows], *[r[5] if k == "d" else "" for r, k in zip(rows, kinds)]]
    body = "\0".join(parts)
    if body.count("\0") != len(parts) - 1:
        return _JSON + json.dumps([list(r) for r in rows], ensure_ascii=False)
    return body


def _decode_into(body: str, cols: tuple[list, ...], diverged: list[str]) -> list[str]:
    """Append one record's columns to ``cols`` (and keys whose base differs from
    the line to ``diverged``); returns its keys."""
    ids, keys, live, lines, ok, bases = cols
    if body.startswith(_JSON):
        rows = json.loads(body[1:])
        for col, i in zip(cols, range(6)):
            col.extend(r[i] for r in rows)
        diverged += [r[1] for r in rows if r[5] is not None and r[5] != r[3]]
        return [r[1] for r in rows]
    parts = body.split("\0")
    m = len(parts[1])
    ids.extend(map(int, parts[0].split(",")))
    live.extend(parts[1].encode().translate(_FLAG))
    ok.extend(parts[2].encode().translate(_FLAG))
    got = parts[4:4 + m]
    keys.extend(got)
    chunk_lines = parts[4 + m:4 + 2 * m]
    lines.extend(chunk_lines)
    kinds = parts[3]
    if "d" in kinds:
        diverged += [key for k, key in zip(kinds, got) if k == "d"]
    if "s" not in kinds and "d" not in kinds:
        bases.extend([None] * m)
    elif "n" not in kinds and "d" not in kinds:
        bases.extend(chunk_lines)              # every row verified and unchanged since
    else:
        bases.extend([line if k == "s" else (b if k == "d" else None)
                      for k, line, b in zip(kinds, chunk_lines, parts[4 + 2 * m:])])
    return got


# ------------------------------------------------------------------ load / save
def load_rows(db: sqlite3.Connection, sheet: int, state: _State) -> dict[str, tuple]:
    """Every row of the sheet from its records (or the legacy table)."""
    cols: tuple[list, ...] = ([], [], [], [], [], [])
    members = state.members
    diverged: list[str] = []
    for chunk, body in db.execute(
            "SELECT chunk, body FROM state_chunks WHERE sheet=? ORDER BY chunk", (sheet,)):
        members[chunk] = _decode_into(body, cols, diverged)
    ids, keys = cols[0], cols[1]
    if ids:
        state.top = max(ids)
        state.diverged = diverged
        if 0 not in cols[2]:                   # every row live (the usual case): C speed
            state._live = dict(zip(keys, cols[3]))
        return dict(zip(keys, zip(*cols)))
    rows = {r[1]: r for r in db.execute(
        "SELECT row, key, live, line, ok, base FROM state WHERE sheet=? ORDER BY row", (sheet,))}
    if rows:                                     # a journal written before the packing
        state.legacy = True
        state.dirty.update(rows)
    return rows


def save_rows(db: sqlite3.Connection, sheet: int, state: _State) -> None:
    """Rewrite the records holding a dirty row (inside the caller's transaction)."""
    rows, members = state.rows, state.members
    touched: set[int] = set()
    fresh = []
    for key in state.dirty:
        rid = rows[key][0]
        touched.add(rid // CHUNK)
        if rid > state.top:
            fresh.append((rid, key))
    for rid, key in sorted(fresh):               # new rows have the highest ids: append
        members.setdefault(rid // CHUNK, []).append(key)
    if state.legacy:
        db.execute("DELETE FROM state WHERE sheet=?", (sheet,))
        state.legacy = False
    db.executemany("INSERT OR REPLACE INTO state_chunks(sheet, chunk, body) VALUES (?,?,?)",
                   [(sheet, c, encode_chunk([rows[k] for k in members[c]])) for c in sorted(touched)])
    if fresh:
        state.top = max(state.top, max(r for r, _ in fresh))
    state.dirty.clear()
