"""The sync journal: every read of the input tab, kept in a local SQLite file.

The first sync of a spreadsheet stores every filled cell; later syncs store only
what changed (per row key and field, the raw text as typed), which rows appeared,
vanished or moved, and which rows were OK. History tables are append-only (triggers
refuse UPDATE and DELETE); ``state_records`` and ``state_meta`` cache the last read
in sheet-order blocks with a digest each (see journal_state), rewritten in the same
transaction, so that the next sync compares only the blocks that changed. WAL mode
plus one transaction per sync: a crash mid-write leaves the journal as it was before.

Queries (history, diff, snapshot) and the read models live in ``journal_query``;
restore planning in ``restore``; the mass-deletion guard in ``guard``.
"""
from __future__ import annotations

import json
import os
import sqlite3
from datetime import datetime
from pathlib import Path
from typing import Any, Iterable, Mapping, Sequence


from sheetsync.core.check import CheckResult, KeyedRows
from sheetsync.core.config import Config
from sheetsync.journal import guard as guarding
from sheetsync.journal.errors import JournalError
from sheetsync.journal.guard import GuardAlert, alert_text, guard  # noqa: F401
from sheetsync.journal.formulas import READ_EVERY, Found, a1_ranges, candidate_ranges, formulas_in
from sheetsync.journal.migrate import migrate
from sheetsync.journal.queries import (Diff, HistoryEntry, JournalReader, Snapshot,  # noqa: F401
                                     VerifiedChange, as_utc)
from sheetsync.journal.state import (Delta, Row, _State, compare, dead_record, decode_order, encode_order,
                                     load_all, load_records, ok_map, place, save_rows)
from sheetsync.journal.queries import ok_keys
from sheetsync.journal.tab import (TabRead, decode_line, dict_line, line_dict, pair_renames,  # noqa: F401
                                   read_tab, similar, tab_from_dicts)
from sheetsync.private_file import open_private
from sheetsync.sheets.errors import SheetsError
from sheetsync.core.gc_pause import no_gc
from sheetsync.sync.record import TAB_SEP, Alert, FormulaRead, journal_key  # noqa: F401  journal_key: callers name histories

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS sheets(id INTEGER PRIMARY KEY, spreadsheet TEXT NOT NULL UNIQUE);
-- a history kept under a spreadsheet id alone (journals before 5), claimed by
-- the (spreadsheet, input tab) name that now reads and extends it
CREATE TABLE IF NOT EXISTS sheet_names(name TEXT PRIMARY KEY, sheet INTEGER NOT NULL UNIQUE);
CREATE TABLE IF NOT EXISTS layouts(id INTEGER PRIMARY KEY, body TEXT NOT NULL UNIQUE);
CREATE TABLE IF NOT EXISTS syncs(
  id INTEGER PRIMARY KEY, sheet INTEGER NOT NULL, n INTEGER NOT NULL, at TEXT NOT NULL,
  ts REAL NOT NULL, config_name TEXT NOT NULL, layout INTEGER NOT NULL,
  rows INTEGER NOT NULL, good INTEGER NOT NULL, UNIQUE(sheet, n));
CREATE INDEX IF NOT EXISTS syncs_ts ON syncs(sheet, ts);
CREATE TABLE IF NOT EXISTS rowkeys(id INTEGER PRIMARY KEY, sheet INTEGER NOT NULL,
  key TEXT NOT NULL, UNIQUE(sheet, key));
CREATE TABLE IF NOT EXISTS fieldnames(id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE);
-- one row per changed cell; value '' = the cell was blanked
CREATE TABLE IF NOT EXISTS cells(row INTEGER NOT NULL, field INTEGER NOT NULL,
  sync INTEGER NOT NULL, value TEXT NOT NULL, PRIMARY KEY(row, field, sync)) WITHOUT ROWID;
-- row appeared (live=1) or vanished (live=0), at sheet row pos
CREATE TABLE IF NOT EXISTS presence(row INTEGER NOT NULL, sync INTEGER NOT NULL,
  live INTEGER NOT NULL, pos INTEGER NOT NULL, PRIMARY KEY(row, sync)) WITHOUT ROWID;
-- row ids in sheet order (0 = blank row), stored when the order changed:
-- a sort or a deleted row moves thousands of rows, and costs one small blob
CREATE TABLE IF NOT EXISTS orders(sync INTEGER PRIMARY KEY, body BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS renames(sync INTEGER NOT NULL, old_row INTEGER NOT NULL,
  new_row INTEGER NOT NULL);
-- OK status transitions (which rows were OK at each sync) and verified values
CREATE TABLE IF NOT EXISTS verified(row INTEGER NOT NULL, sync INTEGER NOT NULL,
  ok INTEGER NOT NULL, PRIMARY KEY(row, sync)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS baselines(row INTEGER NOT NULL, sync INTEGER NOT NULL,
  body TEXT NOT NULL, PRIMARY KEY(row, sync)) WITHOUT ROWID;
-- a formula a person typed, with the value it showed at that sync and the sheet row
-- it was read in (journal/formulas.py)
CREATE TABLE IF NOT EXISTS formulas(row INTEGER NOT NULL, field INTEGER NOT NULL,
  sync INTEGER NOT NULL, formula TEXT NOT NULL, value TEXT NOT NULL, pos INTEGER NOT NULL,
  PRIMARY KEY(row, field, sync)) WITHOUT ROWID;
-- cache of the last read (rebuilt from the tables above when it does not describe
-- the last sync), content-defined blocks of ~BLOCK sheet rows, one record each, plus
-- per-block digests (see journal/state.py)
CREATE TABLE IF NOT EXISTS state_records(id INTEGER PRIMARY KEY, body TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS state_meta(sheet INTEGER NOT NULL, name TEXT NOT NULL,
  body BLOB NOT NULL, PRIMARY KEY(sheet, name)) WITHOUT ROWID;
-- the caches of older releases (by row id, a row each): rebuilt instead
DROP TABLE IF EXISTS state_chunks;
DROP TABLE IF EXISTS state;
"""
SCHEMA_VERSION = 1
# PRAGMA user_version: 7 = SCHEMA (with sheet_names, no older caches), triggers, typed values;
# 8 = with formulas (a journal of 7 has none: its rows' formulas are read at its next sync)
LAYOUT_VERSION = 8
APPEND_ONLY = ("sheets", "sheet_names", "layouts", "syncs", "rowkeys", "fieldnames", "cells", "presence",
               "orders", "renames", "verified", "baselines", "formulas")


def default_path() -> Path:
    """$XDG_STATE_HOME/sheetsync/journal.sqlite, else ~/.local/state/sheetsync/."""
    base = os.environ.get("XDG_STATE_HOME") or str(Path.home() / ".local" / "state")
    return Path(base) / "sheetsync" / "journal.sqlite"


def journal_path(config: Config | None = None, override: str | Path | None = None) -> Path:
    """``override``, else the config's ``journal_path`` (relative to the config
    file, so cron's working directory does not matter), else ``default_path()``."""
    if override:
        return Path(override).expanduser()
    chosen = config.journal_path if config is not None else None
    if not chosen:
        return default_path()
    path = Path(chosen).expanduser()
    source = config.source if config is not None else ""
    if not path.is_absolute() and source and not source.startswith("preset:"):
        path = Path(source).expanduser().resolve().parent / path
    return path


def _create_private(path: Path) -> None:
    """Create the file 0600 before SQLite opens it: it holds names and phones."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    for p in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
        os.close(open_private(p, os.O_WRONLY))     # 0600, and never through a planted symlink


def _inserted(cursor: sqlite3.Cursor) -> int:
    """The rowid an INSERT gave its row (sqlite3 has none for other statements)."""
    if cursor.lastrowid is None:
        raise sqlite3.InterfaceError("not an INSERT")
    return cursor.lastrowid


class Journal(JournalReader):
    """The journal file: what a sync records (the sync's SyncRecord), and the queries on it."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path).expanduser()
        try:
            _create_private(self.path)
            super().__init__(sqlite3.connect(self.path, isolation_level=None, timeout=30))
            self.db.execute("PRAGMA journal_mode=WAL")
            # WAL + NORMAL never corrupts: a power cut may drop the last sync(s),
            # which the next sync reads again; it saves an fsync per sync.
            self.db.execute("PRAGMA synchronous=NORMAL")
            # tables and triggers exist once user_version says so: ~40 statements
            # fewer for each sync's fresh process
            if self.db.execute("PRAGMA user_version").fetchone()[0] < LAYOUT_VERSION:
                self.db.executescript(SCHEMA)
                self.db.execute("INSERT OR IGNORE INTO meta(key, value) VALUES ('schema', ?)",
                                (str(SCHEMA_VERSION),))
                self._append_only()
                migrate(self.db)                # shown numbers -> plain values, once
                self.db.execute(f"PRAGMA user_version={LAYOUT_VERSION}")
        except (OSError, sqlite3.Error) as exc:
            raise JournalError("journal_cannot_open", path=str(self.path), reason=str(exc)) from None

        # the rows whose values the last record_tab found changed: (sheet, sync id, keys),
        # for record_formulas
        self._retyped: tuple[int, int, list[str]] | None = None

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> "Journal":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def _append_only(self) -> None:
        for table in APPEND_ONLY:
            for op in ("UPDATE", "DELETE"):
                self.db.execute(
                    f"CREATE TRIGGER IF NOT EXISTS {table}_no_{op.lower()} BEFORE {op} ON {table} "
                    f"BEGIN SELECT RAISE(ABORT, 'the journal is append-only'); END")

    # ------------------------------------------------------------ ids
    def _sheet_id(self, spreadsheet: str) -> int:
        """The history kept under that name, begun if there is none."""
        got = self._find_sheet(spreadsheet)
        if got is not None:
            return got
        return _inserted(self.db.execute("INSERT INTO sheets(spreadsheet) VALUES (?)", (spreadsheet,)))

    def claim(self, name: str, tab: TabRead, config_name: str | None = None, *, fresh: bool = False) -> None:
        """Settle, before a (spreadsheet, input tab) history is first read, whether the
        history a journal of the release before kept under the spreadsheet alone is this
        tab's. It is when this read shares a row with its last read, or either holds no row
        and that history was written under this config's name (an emptied tab keeps its
        history for restore; a second team's new, empty tab does not take it); never when
        ``fresh`` (the second-entry tab: no such release journaled it, and it shares its TPS
        with the input tab). Otherwise this tab starts a history of its own and leaves the
        old one to its own tab. Without this, the first tab to ask took it: the guard found
        every row of the other tab "vanished", and restore offered them for this tab."""
        db = self.db
        if self._find_exact(name) is not None:
            return                                  # the usual case: one lookup, nothing to settle
        spreadsheet, sep, _ = name.partition(TAB_SEP)
        legacy = db.execute("SELECT id FROM sheets WHERE spreadsheet=? AND id NOT IN "
                            "(SELECT sheet FROM sheet_names)", (spreadsheet,)).fetchone() if sep else None
        if legacy is None:
            return
        if fresh:
            self.own_history(name)
            return
        then = self.last(spreadsheet, good_only=False)
        if then is None:
            ours = True
        elif tab.rows and then.rows:
            ours = bool(then.rows.keys() & tab.rows.keys())
        else:
            ours = config_name is not None and then.config_name == config_name
        # OR IGNORE: another team's sync (its own lock) may settle its tab at the same moment
        if ours:
            db.execute("INSERT OR IGNORE INTO sheet_names(name, sheet) VALUES (?, ?)", (name, legacy[0]))
        else:
            db.execute("INSERT OR IGNORE INTO sheets(spreadsheet) VALUES (?)", (name,))

    def own_history(self, name: str) -> None:
        """Begin the history ``name`` unless it exists, so that no query takes over, under that
        name, the history a journal of an earlier release kept under the spreadsheet alone (the
        second-entry tab's: that release never journaled it, and it shares its TPS with the input tab)."""
        if self._find_exact(name) is None:
            self.db.execute("INSERT OR IGNORE INTO sheets(spreadsheet) VALUES (?)", (name,))

    def _find_exact(self, name: str) -> int | None:
        got = self.db.execute("SELECT sheet FROM sheet_names WHERE name=?", (name,)).fetchone() or \
            self.db.execute("SELECT id FROM sheets WHERE spreadsheet=?", (name,)).fetchone()
        return None if got is None else int(got[0])

    def _field_ids(self, names: Iterable[str]) -> dict[str, int]:
        out: dict[str, int] = {}
        for name in names:
            got = self.db.execute("SELECT id FROM fieldnames WHERE name=?", (name,)).fetchone()
            out[name] = int(got[0]) if got else _inserted(self.db.execute(
                "INSERT INTO fieldnames(name) VALUES (?)", (name,)))
        return out

    def _layout_id(self, tab: TabRead) -> int:
        body = json.dumps({"header": tab.header, "fields": list(tab.fields),
                           "header_row": tab.header_row, "preamble": tab.preamble},
                          ensure_ascii=False, sort_keys=True)
        got = self.db.execute("SELECT id FROM layouts WHERE body=?", (body,)).fetchone()
        return int(got[0]) if got else _inserted(self.db.execute(
            "INSERT INTO layouts(body) VALUES (?)", (body,)))

    # ------------------------------------------------------------ what a sync asks of its record
    def read_tab(self, values: list[list[Any]], config: Config, keyed: KeyedRows | CheckResult | None = None, *,
                 owned0: Iterable[int] | None = None) -> TabRead:
        """The input tab as read -> what the journal keeps of it (see tab.read_tab)."""
        return read_tab(values, config, keyed, owned0=owned0)

    def guard(self, spreadsheet: str, tab: TabRead, config: Config, *,
              accept: Iterable[str] = (), second_tab: str | None = None) -> list[GuardAlert]:
        """Rows vanished / configured columns gone or changed since the last good sync."""
        return guarding.guard(self.last(spreadsheet), tab, config, accept=accept, second_tab=second_tab)

    def alert_text(self, alerts: Sequence[Alert], lang: str = "id") -> str:
        return alert_text(alerts, lang)

    def ok_keys(self, tab: TabRead, statuses: Mapping[int, str]) -> set[str]:
        return ok_keys(tab, statuses)

    # ------------------------------------------------------------ recording
    def record(self, *, spreadsheet: str, config_name: str, header: list[str],
               rows: Mapping[str, Mapping[str, str]], at: datetime,
               positions: Mapping[str, int] | None = None, ok_rows: Iterable[str] = (),
               good: bool = True) -> int:
        """The contract form: rows = tps_key -> {field: raw text}. Returns the sync number."""
        tab = tab_from_dicts(header, rows, positions)
        return self.record_tab(spreadsheet=spreadsheet, config_name=config_name, tab=tab, at=at,
                               ok_rows=ok_rows, good=good)

    @no_gc()
    def record_tab(self, *, spreadsheet: str, config_name: str, tab: TabRead, at: datetime,
                   ok_rows: Iterable[str] = (), good: bool = True) -> int:
        """Record one read (see journal_tab.read_tab). ``ok_rows``: keys whose final
        status this sync is OK. ``good=False`` when the guard blocked the sync: the
        read is kept, but the guard keeps comparing with the last good sync."""
        when = as_utc(at)
        db = self.db
        db.execute("BEGIN IMMEDIATE")
        sheet: int | None = None
        state: _State | None = None
        try:
            sheet = self._sheet_id(spreadsheet)
            state = self._state(sheet)
            layout = self._layout_id(tab)
            sync = _inserted(db.execute(
                "INSERT INTO syncs(sheet, n, at, ts, config_name, layout, rows, good) "
                "VALUES (?,?,?,?,?,?,?,?)",
                (sheet, state.n + 1, when.isoformat(), when.timestamp(), config_name, layout,
                 len(tab.rows), int(good))))
            with no_gc():
                self._store(sheet, sync, tab, set(ok_rows), state)
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            self._retyped = None
            if sheet is not None:
                self._cache.pop(sheet, None)    # its rows were changed in place
            if state is not None:
                state.n = -1                    # and a lazy Snapshot must not read them
            raise
        return state.n

    def record_formulas(self, spreadsheet: str, tab: TabRead, config: Config,
                        read: FormulaRead) -> int:
        """After record_tab: the formulas people typed in the rows whose values changed,
        read (``read``: valueRenderOption=FORMULA) in a sync that found a value changed, at
        most once in READ_EVERY seconds, for every row changed since the last such read
        (every row, the first time a history is read so): a sync that found nothing changed
        stays one request. Returns the formula cells kept (see journal/formulas.py)."""
        recorded, self._retyped = self._retyped, None
        sheet = self._find_sheet(spreadsheet)
        if recorded is None or recorded[0] != sheet:
            return 0
        _, sync, changed = recorded
        mark = f"formulas:{sheet}"
        got = self.db.execute("SELECT value FROM meta WHERE key=?", (mark,)).fetchone()
        was = json.loads(got[0]) if got else None
        if was is None and not changed:
            return 0                             # a history never read so waits for a change
        now = float(self.db.execute("SELECT ts FROM syncs WHERE id=?", (sync,)).fetchone()[0])
        todo = set(tab.rows) if was is None else {k for k in (*changed, *was["pending"]) if k in tab.positions}
        last = 0.0 if was is None else float(was["read"])       # never: due at once
        found: list[Found] = []
        if changed and not 0 <= now - last < READ_EVERY:
            found, unsure = self._read_formulas(tab, config, todo, read)
            state = {"pending": sorted(unsure), "read": now}
        else:                                    # nothing changed, or not yet: the rows wait
            state = {"pending": sorted(todo), "read": last}
        if found or state != was:
            self._store_formulas(sync, mark, found, state, sheet)
        return len(found)

    def _read_formulas(self, tab: TabRead, config: Config, todo: set[str],
                       read: FormulaRead) -> tuple[list[Found], list[str]]:
        """(formula cells found, rows to read again): one read of the rows of ``todo``."""
        runs = candidate_ranges(tab, todo)
        ranges = a1_ranges(config.input_tab, tab, runs)
        try:
            answer = read(ranges)
        except SheetsError:                     # the network: the rows wait for the next read
            return [], sorted(todo)
        if answer is None:                      # rows deleted since: they wait too
            return [], sorted(todo)
        taken = formulas_in(tab, runs, answer, ranges, config.personal_fields)
        return taken.found, taken.unsure

    def _store_formulas(self, sync: int, mark: str, found: list[Found], state: dict[str, Any], sheet: int) -> None:
        db = self.db
        ids = self._row_ids(sheet, {f.key for f in found})
        fids = self._field_ids(sorted({f.field for f in found}))
        db.execute("BEGIN IMMEDIATE")
        try:
            db.executemany("INSERT INTO formulas(row, field, sync, formula, value, pos) VALUES (?,?,?,?,?,?)",
                           [(ids[f.key], fids[f.field], sync, f.formula, f.value, f.row) for f in found])
            db.execute("INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?)",
                       (mark, json.dumps(state, ensure_ascii=False)))
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise

    def _row_ids(self, sheet: int, keys: set[str]) -> dict[str, int]:
        """Row ids of keys the last record_tab stored (its cache has them; else one query)."""
        state = self._cache.get(sheet)
        out = {k: state.rows[k][0] for k in keys if state is not None and k in state.rows}
        if len(out) < len(keys):
            out.update((k, rid) for k, rid in self.db.execute(
                "SELECT key, id FROM rowkeys WHERE sheet=?", (sheet,)) if k in keys)
        return out

    def formulas(self, spreadsheet: str, keys: Iterable[str] | None = None) -> dict[str, dict[str, Found]]:
        """key -> {field: the last formula read in that cell (with the value it showed and its row)}."""
        sheet = self._find_sheet(spreadsheet)
        wanted = None if keys is None else set(keys)
        out: dict[str, dict[str, Found]] = {}
        if sheet is None or wanted == set():
            return out
        for key, name, formula, value, pos, _ in self.db.execute(
                "SELECT k.key, f.name, x.formula, x.value, x.pos, max(x.sync) FROM formulas x "
                "JOIN rowkeys k ON k.id=x.row JOIN fieldnames f ON f.id=x.field "
                "WHERE k.sheet=? GROUP BY x.row, x.field", (sheet,)):
            if wanted is None or key in wanted:
                out.setdefault(key, {})[name] = Found(key, name, formula, value, pos)
        return out

    def _rekey(self, state: _State, kept: tuple[str, ...]) -> None:
        """The columns changed: re-encode the cached lines to the new layout."""
        if state.kept == kept or not state.n:
            state.kept = kept
            return
        sheet = state.sheet
        load_all(self.db, sheet, state)
        back = self._last_values(sheet, [f for f in kept if f not in state.kept])
        for key, (rid, _, live, line, ok, base) in list(state.rows.items()):
            line = dict_line({**back.get(rid, {}), **line_dict(line, state.kept)}, kept)
            base = None if base is None else dict_line(line_dict(base, state.kept), kept)
            state.rows[key] = (rid, key, live, line, ok, base)
        state.dirty.update(state.blocks)
        state.kept, state.digests, state.delta, state.meta_dirty = kept, None, None, True
        state.diverged = {k: r[5] for k, r in state.rows.items()
                          if r[2] and r[5] is not None and r[5] != r[3]}

    def _last_values(self, sheet: int, fields: list[str]) -> dict[int, dict[str, str]]:
        """row id -> {field: last recorded value} of fields back in the layout: a
        column that comes back is compared with what the journal last saw in it
        (else a value blanked while the column was away would replay as the old one)."""
        ids = {fid: name for fid, name in self.db.execute("SELECT id, name FROM fieldnames")
               if name in fields}
        out: dict[int, dict[str, str]] = {}
        if ids:
            for rid, fid, value, _ in self.db.execute(
                    f"SELECT row, field, value, max(sync) FROM cells WHERE field IN "
                    f"({','.join('?' * len(ids))}) AND row IN (SELECT id FROM rowkeys WHERE sheet=?) "
                    "GROUP BY row, field", (*ids, sheet)):
                if value:
                    out.setdefault(rid, {})[ids[fid]] = value
        return out

    def _store(self, sheet: int, sync: int, tab: TabRead, ok_rows: set[str], cache: _State) -> None:
        """Only the rows of the blocks whose digest changed are compared and
        rewritten (see journal_state): a usual sync touches a few dozen blocks."""
        kept = tab.kept
        self._rekey(cache, kept)
        delta = compare(self.db, sheet, cache, tab)
        state = cache.rows
        fids = self._field_ids(kept)
        cells: list[tuple[int, int, int, str]] = []
        presence: list[tuple[int, int, int, int]] = []
        appeared: list[tuple[Row, int]] = []
        retyped: list[str] = []                           # rows with a value that changed
        positions, lines = tab.positions, tab.rows
        new_ids = self._new_row_ids(sheet, [k for k in delta.changed if k not in state])
        for key in delta.changed:                         # unchanged rows (most) are skipped
            line = lines[key]
            row = state.get(key)
            if row is None:
                rid = new_ids[key]
                row = (rid, key, 0, "", 0, None)
                cells += [(rid, fids[f], sync, v) for f, v in line_dict(line, kept).items()]
                retyped.append(key)
            elif row[3] != line:
                old, new = decode_line(row[3], len(kept)), decode_line(line, len(kept))
                cells += [(row[0], fids[f], sync, b) for f, a, b in zip(kept, old, new) if a != b]
                retyped.append(key)
            new_row = state[key] = (row[0], key, 1, line, row[4], row[5])
            if not row[2]:
                presence.append((row[0], sync, 1, positions[key]))
                appeared.append((new_row, positions[key]))
        vanished = [(state[k], delta.old[k]) for k in delta.vanished]
        load_records(self.db, sheet, cache, {dead_record(r[0]) for r, _ in vanished})
        for r, pos in vanished:
            presence.append((r[0], sync, 0, pos))
            state[r[1]] = (r[0], r[1], 0, r[3], r[4], r[5])
        self._renames(sync, vanished, appeared, kept)
        self._order(sheet, sync, tab, cache, delta)
        place(cache, delta)
        self._verification(sync, cache, delta, ok_rows, kept)
        db = self.db
        db.executemany("INSERT INTO cells(row, field, sync, value) VALUES (?,?,?,?)", cells)
        db.executemany("INSERT INTO presence(row, sync, live, pos) VALUES (?,?,?,?)", presence)
        cache.n, cache.digests = cache.n + 1, delta.digests
        save_rows(db, sheet, cache)
        self._retyped = (sheet, sync, retyped)

    def _new_row_ids(self, sheet: int, keys: list[str]) -> dict[str, int]:
        """Intern new row keys in one statement (the first sync brings 15,000)."""
        if not keys:
            return {}
        top = self.db.execute("SELECT coalesce(max(id), 0) FROM rowkeys").fetchone()[0]
        self.db.executemany("INSERT INTO rowkeys(sheet, key) VALUES (?,?)", ((sheet, k) for k in keys))
        return {k: rid for rid, k in self.db.execute(
            "SELECT id, key FROM rowkeys WHERE id>?", (top,))}

    def _order(self, sheet: int, sync: int, tab: TabRead, cache: _State, delta: Delta) -> None:
        """Store the sheet order of the rows when it differs from the last one.
        Usually every block sits where it sat and the unmatched ones hold the
        same keys: nothing moved. Else the order is built from the last stored
        one (matched blocks hold the same ids) and the rows of the other blocks."""
        first = tab.header_row + 1
        keys, _ = tab.aligned()
        rows, starts, ends = cache.rows, delta.starts(), delta.ends
        if (first == cache.first_row and len(ends) == len(cache.order)
                and all(m is None or m == j for j, m in enumerate(delta.match))
                and all(cache.blocks.get(cache.order[j]) == keys[starts[j]:ends[j]] for j in delta.blocks)):
            return                                        # the usual case: no row moved
        got = self.db.execute(
            "SELECT o.body FROM orders o JOIN syncs s ON s.id=o.sync WHERE s.sheet=? "
            "ORDER BY o.sync DESC LIMIT 1", (sheet,)).fetchone()
        last = decode_order(got[0]) if got else (0, [])
        if cache.complete:
            order = [rows[k][0] if k is not None else 0 for k in keys]
        else:                     # the matched blocks hold the ids of the last stored order
            old, order = last[1], []
            for s, e, m in zip(starts, ends, delta.match):
                if m is None:
                    order += [rows[k][0] if k is not None else 0 for k in keys[s:e]]
                else:
                    at = delta.old_starts[m]
                    order += old[at:at + e - s]
        if (first, order) != last:
            self.db.execute("INSERT INTO orders(sync, body) VALUES (?,?)",
                            (sync, encode_order(first, order)))

    def _renames(self, sync: int, vanished: list[tuple[Row, int]],
                 appeared: list[tuple[Row, int]], kept: tuple[str, ...]) -> None:
        """A key that vanished where a similar new key appeared was retyped, not
        deleted (a fixed TPS number, an edited junk row): link them so restore
        does not bring the old version back. "Where" allows the shift that the
        rows deleted or inserted in the same sync can cause; nearest pairs first."""
        pairs = pair_renames([pos for _, pos in vanished], [pos for _, pos in appeared],
                             lambda i, j: similar(line_dict(vanished[i][0][3], kept),
                                                  line_dict(appeared[j][0][3], kept)))
        links = [(sync, vanished[i][0][0], appeared[j][0][0]) for i, j in pairs]
        self.db.executemany("INSERT INTO renames(sync, old_row, new_row) VALUES (?,?,?)", links)

    def _verification(self, sync: int, cache: _State, delta: Delta, ok_rows: set[str],
                      kept: tuple[str, ...]) -> None:
        """Record OK transitions. The first time a row is OK its values become the
        verified baseline; later changes never move it (that is what the warning
        reports) -- only ``accept_verified`` does. Rows of unchanged blocks whose
        status did not change (the okmap says so) are not looked at."""
        tab = delta.tab
        keys, _ = tab.aligned()
        now_ok = ok_rows & tab.rows.keys()                # OK and in the tab
        okmap, was = ok_map(keys, now_ok), cache.okmap
        starts, ends, old_starts = delta.starts(), delta.ends, delta.old_starts
        look = set(delta.blocks)
        look.update(j for j, m in enumerate(delta.match) if m is not None and okmap[starts[j]:ends[j]]
                    != was[old_starts[m]:old_starts[m] + ends[j] - starts[j]])
        # called after place(): cache.order is the read's block order
        load_records(self.db, cache.sheet, cache, [cache.order[j] for j in look - set(delta.blocks)])
        events, bases = [], []
        state = cache.rows
        todo = [k for j in look for k in keys[starts[j]:ends[j]] if k is not None]
        for key in todo + delta.vanished:
            row = state[key]
            ok = int(key in now_ok)
            base = row[5]
            if ok == row[4] and (base is not None or not ok):
                continue
            if ok != row[4]:
                events.append((row[0], sync, ok))
            if ok and base is None:
                base = row[3]
                bases.append((row[0], sync, json.dumps(line_dict(base, kept), ensure_ascii=False)))
            state[key] = (*row[:4], ok, base)
            cache.touch(key)
        cache.okmap = okmap
        self.db.executemany("INSERT INTO verified(row, sync, ok) VALUES (?,?,?)", events)
        self.db.executemany("INSERT INTO baselines(row, sync, body) VALUES (?,?,?)", bases)
