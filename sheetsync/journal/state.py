"""The journal's cache of the last read, laid out so that a usual sync reads little of it.

Every sync compares the tab with the last read of all its rows, in a fresh
process each minute. Loading 15,000 rows costs tens of ms of Python, so the
cache is kept in sheet order in blocks of about ``BLOCK`` rows, one record each
(``state_records``), with a digest of each block's (key, line) pairs
(``state_meta``). Block boundaries are content-defined (journal_tab.block_cuts:
a block ends after a row whose key hash is 0 mod ``BLOCK``), so a row inserted
or deleted mid-sheet changes the block around it only; the blocks after it keep
their digests. A sync digests the blocks of its read at C speed, matches them
by digest with the last read's blocks (wherever they now sit), and loads,
compares and rewrites only the blocks left unmatched (a sort: all of them).

Records (numbered per sheet, see ``record_id``):

* ``r >= 0``: one block of live rows in sheet order, per row (row id, key,
  live=1, line, ok, base); a blank sheet row has id 0. Numbers are handed out
  once (``next`` in the index): a block that moves keeps its record;
* ``-1 - c``: rows no longer in the tab (live=0) whose row id // BLOCK is c.

``state_meta`` holds per sheet: ``index`` (which sync the cache describes, its
first row, size, ...), ``layout`` (the record and row count of each block in
sheet order), ``digests``, ``okmap`` (one byte per sheet row: OK at the last
sync, so status changes in unchanged blocks are found without loading them) and
``diverged`` (live rows whose verified base differs from their line: the
changed-after-verification warning must be repeated every sync).

The cache is written in the same transaction as the sync it describes, and rebuilt
from the history tables when it does not describe the last sync (a journal of an
older release kept it in another layout: that cache is never read).
"""
from __future__ import annotations

import json
import sqlite3
import struct
import zlib
from array import array
from dataclasses import dataclass
from itertools import accumulate
from typing import Iterable, Sequence

from sheetsync.journal.tab import TabRead, dict_line

BLOCK = 16                  # mean sheet rows per record and digest: ~2 KB; an edit rewrites 1 record
CDC = 1                     # index format: content-defined blocks (older indexes: fixed 16 rows)
DIGEST = 16                 # bytes of each block digest (blake2b)
_FLAG = bytes.maketrans(b"01", b"\0\1")
_JSON = "\x1e"              # a record holding a NUL somewhere is stored as JSON (rare)
Row = tuple[int, str, int, str, int, str | None]   # (row id, key, live, line, ok, base)


_SPAN = 1 << 34             # record ids of one sheet: sheet * _SPAN + _SPAN / 2 + record number


def record_id(sheet: int, record: int) -> int:
    """The rowid of a record: a plain rowid table keeps a ~2 KB record in its leaf
    page (a WITHOUT ROWID table spills it to overflow pages: more pages per sync)."""
    return sheet * _SPAN + (_SPAN >> 1) + record


def record_span(sheet: int) -> tuple[int, int]:
    return sheet * _SPAN, sheet * _SPAN + _SPAN - 1


def dead_record(rid: int) -> int:
    """Record holding a row that is no longer in the tab."""
    return -1 - rid // BLOCK


def encode_order(first_row: int, ids: list[int]) -> bytes:
    # level 1: a tenth of the time of level 6 (4 ms for 15,000 ids), a few KB more per stored order
    return struct.pack("<i", first_row) + zlib.compress(array("i", ids).tobytes(), 1)


def decode_order(body: bytes) -> tuple[int, list[int]]:
    ids = array("i")
    ids.frombytes(zlib.decompress(body[4:]))
    return struct.unpack("<i", body[:4])[0], ids.tolist()


class _State:
    """The last read of one spreadsheet as of sync ``n``, loaded as far as needed:
    ``rows`` key -> (row id, key, live, line, ok, base) of the loaded records;
    ``where`` key -> its record; ``blocks`` record -> its keys (sheet order for a
    live block, None = blank row); ``order`` the live records in sheet order,
    ``lens`` their sizes; ``complete`` once every record is loaded."""
    __slots__ = ("n", "kept", "sheet", "first_row", "rows", "where", "blocks", "digests", "size", "okmap",
                 "diverged", "live", "complete", "indexed", "rebuilt", "dirty", "gone", "dv",
                 "delta", "meta_dirty", "order", "lens", "next")

    def __init__(self, n: int = 0, kept: tuple[str, ...] = (), sheet: int = 0) -> None:
        self.n, self.kept, self.sheet, self.first_row = n, kept, sheet, 0
        self.rows: dict[str, Row] = {}
        self.where: dict[str, int] = {}
        self.blocks: dict[int, list[str | None]] = {}
        self.digests: list[bytes] | None = None   # None: unknown, every block counts as changed
        self.size = 0                # sheet rows below the header at the last read (with blanks)
        self.okmap = b""
        self.diverged: dict[str, str] = {}
        self.live = 0                # rows in the tab at the last read
        self.complete = n == 0
        self.indexed = n == 0        # state_meta describes sync n
        self.rebuilt = False         # rebuilt from the history: rewrite every record
        self.dirty: set[int] = set()             # records to rewrite
        self.gone: set[int] = set()              # blocks of the last read matched by none: delete
        self.dv = 0                  # PRAGMA data_version when loaded: other writers change it
        self.delta: Delta | None = None          # the comparison with the read being recorded
        self.meta_dirty = False
        self.order: list[int] = []   # live records in sheet order
        self.lens: list[int] = []    # sheet rows of each (blank rows included)
        self.next = 0                # the next record number: never reused

    # ------------------------------------------------------------ complete views
    def starts(self) -> list[int]:
        """Offset of each live block from ``first_row``, in sheet order."""
        return list(accumulate(self.lens, initial=0))[:-1]

    def sheet_keys(self) -> list[str | None]:
        """Key (None: blank) per sheet row from ``first_row`` (needs ``complete``)."""
        blocks = self.blocks
        return [k for r in self.order for k in blocks[r]]

    def live_lines(self) -> dict[str, str]:
        """key -> line of the rows in the tab, in sheet order (needs ``complete``)."""
        rows = self.rows
        return {k: rows[k][3] for k in self.sheet_keys() if k is not None}

    def positions_by_key(self) -> dict[str, int]:
        """key -> sheet row of the rows in the tab (needs ``complete``)."""
        first = self.first_row
        return {k: first + i for i, k in enumerate(self.sheet_keys()) if k is not None}

    def positions_by_id(self) -> dict[int, int]:
        rows = self.rows
        return {rows[k][0]: p for k, p in self.positions_by_key().items()}

    def block_positions(self, blocks: Iterable[int], starts: list[int]) -> dict[str, int]:
        """key -> sheet row of the live rows in those (loaded) blocks (indexes in ``order``)."""
        first, out = self.first_row, dict[str, int]()
        for b in blocks:
            base = first + starts[b]
            out.update((k, base + i) for i, k in enumerate(self.blocks[self.order[b]]) if k is not None)
        return out

    def touch(self, key: str) -> None:
        self.dirty.add(self.where[key])


@dataclass
class Delta:
    """A read compared with the last one, over the blocks left unmatched by digest."""
    tab: TabRead                # the read compared (identity: one comparison per read)
    blocks: list[int]           # blocks of the read to write (indexes, sheet order)
    old: dict[str, int]         # live keys of the last read in its unmatched blocks -> sheet row then
    new: list[str]              # keys of the read in ``blocks``, sheet order
    changed: list[str]          # of ``new``: added, edited or back in the tab
    vanished: list[str]         # of ``old``: no longer in the tab
    digests: list[bytes] | None
    ends: list[int]             # end of each block of the read (see journal_tab.block_cuts)
    match: list[int | None]     # per block of the read: the same block of the last read (its index)
    old_blocks: list[int]       # blocks of the last read matched by none (indexes)
    old_starts: list[int]       # offset of each block of the last read

    def starts(self) -> list[int]:
        return [0, *self.ends[:-1]]


def compare(db: sqlite3.Connection, sheet: int, state: _State, tab: TabRead, full: bool = False) -> Delta:
    """Compare a read with the last one (once per read): its blocks are matched by
    digest with the last read's (wherever they sit now); only the blocks left
    unmatched are loaded, unless ``full`` or the digests cannot tell."""
    if state.delta is not None and state.delta.tab is tab and not full:
        return state.delta
    keys, _ = tab.aligned()
    hint = None
    if state.indexed and state.digests is not None and tab.header_row + 1 == state.first_row:
        hint = list(accumulate(state.lens)), state.digests        # the last read's cuts, tried first
    ends, digests = tab.blocks(BLOCK, hint)
    starts, old_starts = [0, *ends[:-1]], state.starts()
    match: list[int | None] = [None] * len(ends)
    if (not full and digests is not None and state.indexed and state.digests is not None
            and tab.header_row + 1 == state.first_row and state.kept == tab.kept):
        match = _match(state.digests, digests)
        used = set(match)
        old_blocks = [i for i in range(len(state.order)) if i not in used]
        load_records(db, sheet, state, [state.order[i] for i in old_blocks])
        old = state.block_positions(old_blocks, old_starts)
    else:
        load_all(db, sheet, state)
        old_blocks, old = list(range(len(state.order))), state.positions_by_key()
    blocks = [j for j, m in enumerate(match) if m is None]
    new = [k for j in blocks for k in keys[starts[j]:ends[j]] if k is not None]
    if not state.complete and not _load_gone(db, sheet, state, [k for k in new if k not in old]):
        return compare(db, sheet, state, tab, full=True)
    rows, lines = state.rows, tab.rows
    changed = [k for k in new if (r := rows.get(k)) is None or not r[2] or r[3] != lines[k]]
    now = set(new)
    state.delta = Delta(tab, blocks, old, new, changed, [k for k in old if k not in now], digests,
                        ends, match, old_blocks, old_starts)
    return state.delta


def _match(old: list[bytes], new: list[bytes]) -> list[int | None]:
    """Per new digest the index of the same digest among the old ones, each used
    once: one dict at C speed, unless two blocks are equal (blank rows only)."""
    pool = dict(zip(old, range(len(old))))
    match = list(map(pool.get, new))
    if len(pool) == len(old) and len(set(match)) == len(match) - match.count(None) + (None in match):
        return match
    many: dict[bytes, list[int]] = {}
    for i, d in enumerate(old):
        many.setdefault(d, []).append(i)
    return [many[d].pop(0) if many.get(d) else None for d in new]


def _load_gone(db: sqlite3.Connection, sheet: int, state: _State, keys: list[str]) -> bool:
    """Load the records of rows that are back in the tab (or of new keys: none).
    False if one of them is still live elsewhere: the digests did not tell the
    truth (they always should); the caller then compares everything."""
    ids: dict[str, int] = {}
    for i in range(0, len(keys), 500):
        part = keys[i:i + 500]
        ids.update((k, rid) for rid, k in db.execute(
            f"SELECT id, key FROM rowkeys WHERE sheet=? AND key IN ({','.join('?' * len(part))})",
            (sheet, *part)))
    load_records(db, sheet, state, {dead_record(rid) for rid in ids.values()})
    rows = state.rows
    return all(k in rows and not rows[k][2] for k in ids)


def place(state: _State, delta: Delta) -> None:
    """Move the compared rows to their records: matched blocks keep theirs, the
    read's other blocks take over the records of the last read's unmatched ones
    (rewritten in place, as an edit usually leaves the blocks where they were),
    or new ones; rows back in the tab leave their gone record, vanished rows enter one."""
    keys, _ = delta.tab.aligned()
    where, blocks, dirty, was = state.where, state.blocks, state.dirty, state.order
    free = [was[i] for i in delta.old_blocks]
    free.reverse()                            # pop() hands them out in sheet order
    order = [-1 if m is None else was[m] for m in delta.match]   # -1: set below
    starts, ends = delta.starts(), delta.ends
    for j in delta.blocks:
        if free:
            r = free.pop()
        else:
            r, state.next = state.next, state.next + 1
        s, e = starts[j], ends[j]
        part = keys[s:e]
        for k in part:
            if k is not None:
                c = where.get(k)
                if c is not None and c < 0:            # back in the tab
                    blocks[c].remove(k)
                    dirty.add(c)
                where[k] = r
        blocks[r] = part
        dirty.add(r)
        order[j] = r
    for r in free:                            # more blocks than before: drop the rest
        blocks.pop(r, None)
        state.gone.add(r)
        dirty.discard(r)
    rows = state.rows
    for k in delta.vanished:
        c = dead_record(rows[k][0])
        blocks.setdefault(c, []).append(k)
        where[k] = c
        dirty.add(c)
    state.order, state.lens = order, [e - s for s, e in zip(starts, ends)]
    state.size, state.first_row, state.live = len(keys), delta.tab.header_row + 1, len(delta.tab.rows)


# ------------------------------------------------------------------ one record
def encode_chunk(rows: list[Row]) -> str:
    """Rows -> one NUL-separated text: ids, live flags, ok flags, base kinds
    (n = none, s = same as the line, d = differs), then keys, lines, bases."""
    kinds = "".join("n" if r[5] is None else ("s" if r[5] == r[3] else "d") for r in rows)
    parts = [",".join([str(r[0]) for r in rows]), "".join(["1" if r[2] else "0" for r in rows]),
             "".join(["1" if r[4] else "0" for r in rows]), kinds, *[r[1] for r in rows],
             *[r[3] for r in rows], *[r[5] or "" if k == "d" else "" for r, k in zip(rows, kinds)]]
    body = "\0".join(parts)
    if body.count("\0") != len(parts) - 1:
        return _JSON + json.dumps([list(r) for r in rows], ensure_ascii=False)
    return body


def decode_chunk(body: str) -> list[Row]:
    """One record -> its rows, split at C speed."""
    if body.startswith(_JSON):
        return [tuple(r) for r in json.loads(body[1:])]
    if not body:
        return []
    parts = body.split("\0")
    m = len(parts[1])
    ids = map(int, parts[0].split(","))
    live, ok = parts[1].encode().translate(_FLAG), parts[2].encode().translate(_FLAG)
    keys, lines, kinds = parts[4:4 + m], parts[4 + m:4 + 2 * m], parts[3]
    if "s" not in kinds and "d" not in kinds:
        bases: Sequence[str | None] = [None] * m
    elif "n" not in kinds and "d" not in kinds:
        bases = lines                          # every row verified and unchanged since
    else:
        bases = [line if k == "s" else (b if k == "d" else None)
                 for k, line, b in zip(kinds, lines, parts[4 + 2 * m:])]
    return list(zip(ids, keys, live, lines, ok, bases))


def _blank_row() -> Row:
    return (0, "", 1, "", 0, None)


# ------------------------------------------------------------------ load
def load_meta(db: sqlite3.Connection, sheet: int, state: _State) -> None:
    """The index of the cache: cheap (a few KB), read by every sync."""
    meta = dict(db.execute("SELECT name, body FROM state_meta WHERE sheet=?", (sheet,)))
    info = json.loads(meta["index"]) if "index" in meta else None
    if (info is None or info["n"] != state.n or info["block"] != BLOCK or info.get("cdc") != CDC
            or state.n == 0):
        return                                 # older layout, or written by an older sheetsync
    state.indexed = True
    state.first_row, state.size, state.live = info["first_row"], info["size"], info["live"]
    state.next = info["next"]
    both = array("q")
    both.frombytes(meta["blocks"])
    half = len(both) // 2
    state.order, state.lens = both[:half].tolist(), both[half:].tolist()
    raw = meta.get("digests") or b""
    state.digests = [raw[i:i + DIGEST] for i in range(0, len(raw), DIGEST)] if info["digests"] else None
    state.okmap = zlib.decompress(meta["okmap"]) if meta.get("okmap") else b""
    state.diverged = _decode_pairs(meta.get("diverged") or "")


def load_records(db: sqlite3.Connection, sheet: int, state: _State, wanted: Iterable[int]) -> None:
    """Read the records not loaded yet (an absent record is an empty one)."""
    todo = sorted(set(wanted) - state.blocks.keys())
    for i in range(0, len(todo), 500):
        part = todo[i:i + 500]
        got = dict(db.execute(f"SELECT id, body FROM state_records WHERE id IN "
                              f"({','.join('?' * len(part))})", [record_id(sheet, c) for c in part]))
        for c in part:
            _put(state, c, decode_chunk(got.get(record_id(sheet, c), "")))


def _put(state: _State, record: int, rows: list[Row]) -> None:
    keys = [r[1] or None for r in rows]
    state.blocks[record] = keys if record >= 0 else [k for k in keys if k]
    where, got = state.where, state.rows
    for r in rows:
        if r[1]:
            got[r[1]] = r
            where[r[1]] = record


def load_all(db: sqlite3.Connection, sheet: int, state: _State) -> None:
    """Every row of the sheet (a sort, a new layout, a query of the whole tab)."""
    if state.complete:
        return
    if state.indexed:
        for rid, body in db.execute("SELECT id, body FROM state_records WHERE id BETWEEN ? AND ?",
                                    record_span(sheet)):
            chunk = rid - record_id(sheet, 0)
            if chunk not in state.blocks:
                _put(state, chunk, decode_chunk(body))
        state.complete = True
        return
    _rebuild(db, sheet, state)


def _rebuild(db: sqlite3.Connection, sheet: int, state: _State) -> None:
    """The cache as the history tables hold it, when no cache of this layout describes the
    last sync (a journal of an older release): every row's last values, OK flag and verified
    base, placed by the last stored sheet order; the next write stores it in this layout."""
    of_sheet = "row IN (SELECT id FROM rowkeys WHERE sheet=?)"
    keys = dict(db.execute("SELECT id, key FROM rowkeys WHERE sheet=?", (sheet,)))
    names = dict(db.execute("SELECT id, name FROM fieldnames"))
    values: dict[int, dict[str, str]] = {rid: {} for rid in keys}
    for rid, fid, value, _ in db.execute(
            f"SELECT row, field, value, max(sync) FROM cells WHERE {of_sheet} GROUP BY row, field", (sheet,)):
        if value:
            values[rid][names[fid]] = value
    live = {rid: flag for rid, flag, _ in db.execute(
        f"SELECT row, live, max(sync) FROM presence WHERE {of_sheet} GROUP BY row", (sheet,))}
    ok = {rid: flag for rid, flag, _ in db.execute(
        f"SELECT row, ok, max(sync) FROM verified WHERE {of_sheet} GROUP BY row", (sheet,))}
    bases = {rid: json.loads(body) for rid, body, _ in db.execute(
        f"SELECT row, body, max(sync) FROM baselines WHERE {of_sheet} GROUP BY row", (sheet,))}
    kept = state.kept
    rows: list[Row] = [(rid, key, live.get(rid, 0), dict_line(values[rid], kept), ok.get(rid, 0),
                        dict_line(bases[rid], kept) if rid in bases else None) for rid, key in keys.items()]
    got = db.execute("SELECT o.body FROM orders o JOIN syncs s ON s.id=o.sync WHERE s.sheet=? "
                     "ORDER BY o.sync DESC LIMIT 1", (sheet,)).fetchone()
    first, order = decode_order(got[0]) if got else (0, [])
    by_id = {r[0]: r for r in rows}
    state.blocks, state.rows, state.where = {}, {}, {}
    for b in range(0, len(order), BLOCK):     # any split will do: the next sync compares all
        _put(state, b // BLOCK, [by_id[i] if i in by_id else _blank_row() for i in order[b:b + BLOCK]])
    state.order = list(range(-(-len(order) // BLOCK)))
    state.lens = [min(BLOCK, len(order) - b) for b in range(0, len(order), BLOCK)]
    state.next = len(state.order)
    placed = state.where
    for r in rows:
        if r[1] not in placed:
            r = (r[0], r[1], 0, *r[3:]) if r[2] else r      # live but in no stored order: gone
            c = dead_record(r[0])
            state.blocks.setdefault(c, []).append(r[1])
            state.rows[r[1]] = r
            placed[r[1]] = c
    state.first_row, state.size = first, len(order)
    state.live = sum(1 for k in placed if placed[k] >= 0)
    state.okmap = bytes(1 if k is not None and state.rows[k][4] else 0 for k in state.sheet_keys())
    state.diverged = {k: r[5] for k, r in state.rows.items()
                      if r[2] and r[5] is not None and r[5] != r[3]}
    state.digests = None
    state.complete = state.rebuilt = state.meta_dirty = True
    state.dirty.update(state.blocks)


# ------------------------------------------------------------------ save
def save_rows(db: sqlite3.Connection, sheet: int, state: _State) -> None:
    """Rewrite the dirty records and the index (inside the caller's transaction)."""
    rows, blocks, diverged = state.rows, state.blocks, state.diverged
    if state.rebuilt:                         # records of another layout or sync: replaced
        db.execute("DELETE FROM state_records WHERE id BETWEEN ? AND ?", record_span(sheet))
        state.rebuilt = False
    for c in state.dirty:                     # every row changed this sync sits in a dirty record
        for k in blocks.get(c, ()):
            if k is not None:
                r = rows[k]
                if r[2] and r[5] is not None and r[5] != r[3]:
                    if diverged.get(k) != r[5]:
                        diverged[k], state.meta_dirty = r[5], True
                elif diverged.pop(k, None) is not None:
                    state.meta_dirty = True
    write, drop = [], sorted(state.gone)
    for c in sorted(state.dirty):
        keys = blocks.get(c)
        if keys:
            write.append((record_id(sheet, c), encode_chunk([rows[k] if k else _blank_row() for k in keys])))
        else:
            drop.append(c)
    db.executemany("INSERT OR REPLACE INTO state_records(id, body) VALUES (?,?)", write)
    db.executemany("DELETE FROM state_records WHERE id=?", [(record_id(sheet, c),) for c in drop])
    state.dirty.clear()
    state.gone.clear()
    _save_meta(db, sheet, state)


def _save_meta(db: sqlite3.Connection, sheet: int, state: _State) -> None:
    info = json.dumps({"n": state.n, "block": BLOCK, "cdc": CDC, "first_row": state.first_row,
                       "size": state.size, "live": state.live, "next": state.next,
                       "digests": state.digests is not None})
    meta = [("index", info), ("digests", b"".join(state.digests or ())),
            ("blocks", array("q", state.order + state.lens).tobytes()),
            ("okmap", zlib.compress(state.okmap, 1))]
    if state.meta_dirty:
        meta.append(("diverged", _encode_pairs(state.diverged)))
        state.meta_dirty = False
    db.executemany("INSERT OR REPLACE INTO state_meta(sheet, name, body) VALUES (?,?,?)",
                   [(sheet, name, body) for name, body in meta])
    state.indexed = True


def _encode_pairs(pairs: dict[str, str]) -> str:
    body = "\0".join(x for kv in pairs.items() for x in kv)
    if body.count("\0") != 2 * len(pairs) - 1 and pairs:
        return _JSON + json.dumps(list(pairs.items()), ensure_ascii=False)
    return body


def _decode_pairs(body: str) -> dict[str, str]:
    if body.startswith(_JSON):
        return dict(json.loads(body[1:]))
    parts = body.split("\0") if body else []
    return dict(zip(parts[0::2], parts[1::2]))


def ok_map(keys: list[str | None], ok: set[str]) -> bytes:
    """One byte per sheet row, 1 where the row's key is OK (at C speed)."""
    return bytes(map(ok.__contains__, keys))
