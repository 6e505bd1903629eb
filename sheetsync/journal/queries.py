"""Read side of the journal: snapshots, history, diff, changed-after-verification."""
from __future__ import annotations

import json
import sqlite3
from dataclasses import asdict, dataclass, field
from itertools import compress, repeat
from operator import eq
from datetime import datetime, timedelta, timezone
from typing import Any, Callable, Iterable, Mapping

from sheetsync.core.check import check
from sheetsync.core.config import Config
from sheetsync.core.issues import Issue
from sheetsync.core.progress import HOURS, Point, needed_reads
from sheetsync.journal.errors import JournalError
from sheetsync.journal.state import (_State, compare, decode_order, encode_order,  # noqa: F401
                                     load_all, load_meta, save_rows)
from sheetsync.journal.tab import PURGED, PURGED_LABEL, LazyRows, TabRead, _Lazy, decode_line, line_dict
from sheetsync.core.gc_pause import no_gc
from sheetsync.sync.record import CAV_CODE, TAB_SEP

MASK = "***"
SyncRow = tuple[int, int, str, str, int, int]     # a syncs row: id, n, at, config_name, layout, good


def as_utc(at: datetime | None) -> datetime:
    """Aware UTC; a naive datetime is taken as UTC."""
    at = at or datetime.now(timezone.utc)
    return at.replace(tzinfo=timezone.utc) if at.tzinfo is None else at.astimezone(timezone.utc)


def _mask(field_name: str, value: Any, personal: frozenset[str]) -> Any:
    if value == PURGED:
        return PURGED_LABEL
    return MASK if value not in (None, "") and field_name in personal else value


@dataclass
class Snapshot:
    """The input tab as read at one sync (owned columns excepted)."""
    spreadsheet: str
    sync_no: int
    at: datetime
    config_name: str
    good: bool
    header: list[str]
    fields: tuple[str | None, ...]
    header_row: int
    preamble: list[list[str]]
    rows: Mapping[str, dict[str, str]]       # row key -> {field: raw text}, filled cells only
    positions: Mapping[str, int]             # row key -> 1-based sheet row
    # the last read only: tab -> [(key, sheet row then)] of its rows not in tab
    vanished_of: Callable[[TabRead], list[tuple[str, int]] | None] | None = field(
        default=None, repr=False, compare=False)

    def values(self) -> list[list[str]]:
        """The grid as read: preamble, header, data rows at their sheet rows.
        Owned columns are blank; trailing blank cells and rows are trimmed."""
        grid: list[list[str]] = [list(r) for r in self.preamble]
        grid += [[] for _ in range(self.header_row - 1 - len(grid))]
        grid.append(list(self.header))
        last = max(self.positions.values(), default=self.header_row)
        grid += [[] for _ in range(last - self.header_row)]
        for key, pos in self.positions.items():
            row = self.rows.get(key, {})
            grid[pos - 1] = [row.get(f, "") if f else "" for f in self.fields]
        return [_trim(r) for r in _trim_rows(grid)]


def _trim(row: list[str]) -> list[str]:
    end = len(row)
    while end and row[end - 1] == "":
        end -= 1
    return row[:end]


def _trim_rows(grid: list[list[str]]) -> list[list[str]]:
    end = len(grid)
    while end and not any(grid[end - 1]):
        end -= 1
    return grid[:end]


@dataclass(frozen=True)
class HistoryEntry:
    sync_no: int
    at: datetime
    kind: str            # value | added | removed | renamed_from | renamed_to | verified
    field: str | None = None
    value: str | None = None     # the value first seen at this sync ('' = blanked)
    detail: str | None = None    # sheet row for added/removed, other key for renames

    def to_dict(self, personal: frozenset[str] = frozenset()) -> dict[str, Any]:
        d = asdict(self)
        d["at"] = self.at.isoformat()
        d["value"] = _mask(self.field or "", self.value, personal)
        return d


@dataclass(frozen=True)
class CellDiff:
    tps_key: str
    field: str
    old: str
    new: str
    row: int | None      # sheet row now (None if the row is gone)


@dataclass
class Diff:
    spreadsheet: str
    from_sync: int                       # 0 = before the first sync
    to_sync: int
    from_at: datetime | None
    to_at: datetime | None
    changes: list[CellDiff] = field(default_factory=list)
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    renamed: list[tuple[str, str]] = field(default_factory=list)

    def to_dict(self, personal: Iterable[str] = ()) -> dict[str, Any]:
        """JSON-able; values of ``personal`` fields are masked."""
        p = frozenset(personal)
        return {
            "spreadsheet": self.spreadsheet, "from_sync": self.from_sync, "to_sync": self.to_sync,
            "from_at": self.from_at.isoformat() if self.from_at else None,
            "to_at": self.to_at.isoformat() if self.to_at else None,
            "changes": [{"tps_key": c.tps_key, "field": c.field, "row": c.row,
                         "old": _mask(c.field, c.old, p), "new": _mask(c.field, c.new, p)}
                        for c in self.changes],
            "added": self.added, "removed": self.removed,
            "renamed": [list(r) for r in self.renamed]}


@dataclass(frozen=True)
class VerifiedChange:
    """A number that differs from the value it had when its row was first OK."""
    tps_key: str
    field: str
    verified: str
    current: str
    row: int | None
    verified_sync: int
    verified_at: datetime


class JournalReader:
    """The read side over one open journal: its connection and the cache of each history's
    last read (kept while no other connection wrote)."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self.db = db
        self._cache: dict[int, _State] = {}

    def _state(self, sheet: int, complete: bool = False) -> _State:
        """The last read, cached while no other connection wrote: only its index
        is read here; rows are loaded as a comparison needs them (or all: ``complete``)."""
        n = self.db.execute("SELECT max(n) FROM syncs WHERE sheet=?", (sheet,)).fetchone()[0] or 0
        dv = self.db.execute("PRAGMA data_version").fetchone()[0]
        state = self._cache.get(sheet)
        if state is None or state.n != n or state.dv != dv:
            kept: tuple[str, ...] = ()
            row = self._sync_row(sheet, "n=?", (n,)) if n else None
            if row is not None:
                kept = tuple(f for f in self._layout(row[4])["fields"] if f is not None)
            state = _State(n, kept, sheet)
            load_meta(self.db, sheet, state)
            self._cache[sheet] = state
            state.dv = dv
        if complete:
            with no_gc():
                load_all(self.db, sheet, state)
        return state

    def _order_at(self, sheet: int, sync_id: int) -> tuple[int, list[int]]:
        got = self.db.execute(
            "SELECT o.body FROM orders o JOIN syncs s ON s.id=o.sync WHERE s.sheet=? AND o.sync<=? "
            "ORDER BY o.sync DESC LIMIT 1", (sheet, sync_id)).fetchone()
        return decode_order(got[0]) if got else (0, [])

    # ------------------------------------------------------------ helpers
    def _sheet(self, spreadsheet: str) -> int:
        got = self._find_sheet(spreadsheet)
        if got is None:
            raise JournalError("journal_no_sync", spreadsheet=spreadsheet)
        return got

    def _find_sheet(self, name: str) -> int | None:
        """The history kept under ``name``: a (spreadsheet, input tab) key (see
        ``journal_key``), or a spreadsheet id alone. A journal of the release that
        keyed by spreadsheet only is claimed, once, by the first input tab of that
        spreadsheet that asks for it (it holds that tab's reads: one tab per
        spreadsheet was all that release kept apart). A spreadsheet id alone finds
        the history of its only journaled tab."""
        db = self.db
        got = db.execute("SELECT sheet FROM sheet_names WHERE name=?", (name,)).fetchone() or \
            db.execute("SELECT id FROM sheets WHERE spreadsheet=?", (name,)).fetchone()
        if got:
            return int(got[0])
        spreadsheet, sep, _ = name.partition(TAB_SEP)
        if sep:
            legacy = db.execute("SELECT id FROM sheets WHERE spreadsheet=? AND id NOT IN "
                                "(SELECT sheet FROM sheet_names)", (spreadsheet,)).fetchone()
            if legacy is None:
                return None
            db.execute("INSERT INTO sheet_names(name, sheet) VALUES (?, ?)", (name, legacy[0]))
            return int(legacy[0])
        tabs = [i for i, in db.execute("SELECT id FROM sheets WHERE substr(spreadsheet, 1, ?) = ?",
                                       (len(name) + 1, name + TAB_SEP))]
        tabs += [i for i, in db.execute("SELECT sheet FROM sheet_names WHERE substr(name, 1, ?) = ?",
                                        (len(name) + 1, name + TAB_SEP)) if i not in tabs]
        return tabs[0] if len(tabs) == 1 else None

    def _sync_row(self, sheet: int, where: str, args: tuple[int, ...]) -> SyncRow | None:
        row: SyncRow | None = self.db.execute(
            f"SELECT id, n, at, config_name, layout, good FROM syncs WHERE sheet=? AND {where}",
            (sheet, *args)).fetchone()
        return row

    def _layout(self, layout_id: int) -> dict[str, Any]:
        layout: dict[str, Any] = json.loads(self.db.execute("SELECT body FROM layouts WHERE id=?",
                                                            (layout_id,)).fetchone()[0])
        return layout

    def syncs(self, spreadsheet: str) -> list[dict[str, Any]]:
        sheet = self._sheet(spreadsheet)
        return [{"sync_no": n, "at": at, "config": c, "rows": r, "good": bool(g)}
                for n, at, c, r, g in self.db.execute(
                    "SELECT n, at, config_name, rows, good FROM syncs WHERE sheet=? ORDER BY n",
                    (sheet,))]

    def sync_at(self, spreadsheet: str, since: datetime | timedelta | int) -> int:
        """Sync number a ``since`` designates: the last sync at or before that time
        (0 if none), or the number itself."""
        sheet = self._sheet(spreadsheet)
        if isinstance(since, bool) or not isinstance(since, (int, datetime, timedelta)):
            raise TypeError("since must be a datetime, a timedelta or a sync number")
        if isinstance(since, int):
            latest = self.db.execute("SELECT max(n) FROM syncs WHERE sheet=?", (sheet,)).fetchone()[0]
            if not 0 <= since <= (latest or 0):
                raise JournalError("journal_sync_out_of_range", since=since, latest=latest or 0)
            return since
        when = as_utc(None) - since if isinstance(since, timedelta) else as_utc(since)
        got = self.db.execute("SELECT max(n) FROM syncs WHERE sheet=? AND ts<=?",
                              (sheet, when.timestamp())).fetchone()
        return got[0] or 0

    # ------------------------------------------------------------ snapshots
    @no_gc()
    def last(self, spreadsheet: str, *, good_only: bool = True) -> Snapshot | None:
        """The last (good) sync's read, or None before the first sync."""
        sheet = self._find_sheet(spreadsheet)
        if sheet is None:
            return None
        got = (sheet,)
        where = "good=1 ORDER BY n DESC LIMIT 1" if good_only else "1 ORDER BY n DESC LIMIT 1"
        row = self._sync_row(got[0], where, ())
        if row is None:
            return None
        latest = self.db.execute("SELECT max(n) FROM syncs WHERE sheet=?", got).fetchone()[0]
        if row[1] == latest:
            return self._from_state(spreadsheet, got[0], row)
        return self.snapshot(spreadsheet, row[1])

    def _from_state(self, spreadsheet: str, sheet: int, row: SyncRow) -> Snapshot:
        """The latest sync from the state cache (no history scan), read lazily: the
        guard asks only for its size and what vanished, answered from the
        blocks that changed."""
        sync_id, n, at, config_name, layout_id, good = row
        layout = self._layout(layout_id)
        state = self._state(sheet)
        held: dict[str, Any] = {}

        def load() -> dict[str, Any]:
            if not held:
                if state.n == n and self._state(sheet, complete=True) is state:
                    held["rows"] = LazyRows(state.live_lines(), state.kept)
                    held["positions"] = state.positions_by_key()
                else:                               # recorded since: rebuild that sync
                    snap = self.snapshot(spreadsheet, n)
                    held["rows"], held["positions"] = snap.rows, snap.positions
            return held

        def vanished_of(tab: TabRead) -> list[tuple[str, int]] | None:
            if state.n != n or self._state(sheet) is not state:   # recorded or written since
                return None
            delta = compare(self.db, sheet, state, tab)
            return [(k, delta.old[k]) for k in delta.vanished]

        snap = self._snap(spreadsheet, n, at, config_name, good, layout,
                          _Lazy(lambda: load()["rows"], state.live), _Lazy(lambda: load()["positions"]))
        snap.vanished_of = vanished_of
        return snap

    @staticmethod
    def _snap(spreadsheet: str, n: int, at: str, config_name: str, good: int,
              layout: dict[str, Any], rows: Mapping[str, dict[str, str]], positions: Mapping[str, int]
              ) -> Snapshot:
        return Snapshot(spreadsheet, n, datetime.fromisoformat(at), config_name, bool(good),
                        layout["header"], tuple(layout["fields"]), layout["header_row"],
                        layout["preamble"], rows, positions)

    def snapshot(self, spreadsheet: str, sync_no: int) -> Snapshot:
        """The input tab as read at sync ``sync_no``, rebuilt from the journal."""
        sheet = self._sheet(spreadsheet)
        row = self._sync_row(sheet, "n=?", (sync_no,))
        if row is None:
            raise JournalError("journal_no_sync_number", spreadsheet=spreadsheet, sync_no=sync_no)
        sync_id, n, at, config_name, layout_id, good = row
        layout = self._layout(layout_id)
        kept = set(f for f in layout["fields"] if f is not None)
        keys = dict(self.db.execute("SELECT id, key FROM rowkeys WHERE sheet=?", (sheet,)))
        names = dict(self.db.execute("SELECT id, name FROM fieldnames"))
        first, order = self._order_at(sheet, sync_id)
        positions = {keys[rid]: first + i for i, rid in enumerate(order) if rid}
        rows: dict[str, dict[str, str]] = {k: {} for k in positions}
        for rid, fid, value, _ in self.db.execute(
                "SELECT row, field, value, max(sync) FROM cells WHERE sync<=? AND row IN "
                "(SELECT id FROM rowkeys WHERE sheet=?) GROUP BY row, field", (sync_id, sheet)):
            key, name = keys[rid], names[fid]
            if value and key in rows and name in kept:
                rows[key][name] = value
        return self._snap(spreadsheet, n, at, config_name, good, layout, rows, positions)

    # ------------------------------------------------------------ progress
    def reported_points(self, spreadsheet: str, config: Config, now: datetime, hours: int = HOURS, *,
                        current: int | None = None) -> list[Point]:
        """(when read, TPS reported then) of the reads the last ``hours`` hours' progress needs
        (core.progress.needed_reads), each rebuilt from the journal and counted by the core as
        the sync counted it. ``current``: TPS reported at ``now`` by a read in hand (a sync's
        own, not recorded yet), the last point; the recorded reads of its hour are then not
        needed. A read's count, once made, is kept (``state_meta`` 'reported', by sync number:
        the history never changes), so a sync rebuilds a read only when an hour has closed."""
        sheet = self._find_sheet(spreadsheet)
        syncs = self.syncs(spreadsheet) if sheet is not None else []
        times = [datetime.fromisoformat(s["at"]) for s in syncs] + ([as_utc(now)] if current is not None else [])
        known = self._reported_counts(sheet) if sheet is not None else {}
        counted = len(known)
        points: list[Point] = []
        for i in needed_reads(times, now, hours):
            if i == len(syncs):
                points.append((times[i], int(current or 0)))
                continue
            n = syncs[i]["sync_no"]
            if n not in known:
                known[n] = _reported(self.snapshot(spreadsheet, n).values(), config)
            points.append((times[i], known[n]))
        if len(known) > counted:
            self.db.execute("INSERT OR REPLACE INTO state_meta(sheet, name, body) VALUES (?, 'reported', ?)",
                            (sheet, json.dumps(known)))
        return points

    def _reported_counts(self, sheet: int) -> dict[int, int]:
        got = self.db.execute("SELECT body FROM state_meta WHERE sheet=? AND name='reported'", (sheet,)).fetchone()
        return {int(n): int(count) for n, count in json.loads(got[0]).items()} if got else {}

    # ------------------------------------------------------------ history
    def history(self, spreadsheet: str, tps_key: str) -> list[HistoryEntry]:
        """Every value the row had (first seen at which sync), plus when it was
        added, removed, retyped under another key, and first verified OK."""
        sheet = self._sheet(spreadsheet)
        got = self.db.execute("SELECT id FROM rowkeys WHERE sheet=? AND key=?",
                              (sheet, tps_key)).fetchone()
        if not got:
            return []
        rid = got[0]
        q = self.db.execute
        out: list[tuple[int, int, str, str, str | None, str | None, str | None]] = []
        for n, at, name, value in q(
                "SELECT s.n, s.at, f.name, c.value FROM cells c JOIN syncs s ON s.id=c.sync "
                "JOIN fieldnames f ON f.id=c.field WHERE c.row=?", (rid,)):
            out.append((n, 1, at, "value", name, value, None))
        for n, at, live, pos in q("SELECT s.n, s.at, p.live, p.pos FROM presence p JOIN syncs s "
                                  "ON s.id=p.sync WHERE p.row=?", (rid,)):
            out.append((n, 0, at, "added" if live else "removed", None, None, str(pos)))
        for n, at, other, kind in q(
                "SELECT s.n, s.at, k.key, 'renamed_to' FROM renames r JOIN syncs s ON s.id=r.sync "
                "JOIN rowkeys k ON k.id=r.new_row WHERE r.old_row=? UNION ALL "
                "SELECT s.n, s.at, k.key, 'renamed_from' FROM renames r JOIN syncs s ON s.id=r.sync "
                "JOIN rowkeys k ON k.id=r.old_row WHERE r.new_row=?", (rid, rid)):
            out.append((n, 2, at, kind, None, None, other))
        for n, at in q("SELECT s.n, s.at FROM baselines b JOIN syncs s ON s.id=b.sync "
                       "WHERE b.row=?", (rid,)):
            out.append((n, 3, at, "verified", None, None, None))
        out.sort(key=lambda e: (e[0], e[1], e[4] or ""))
        return [HistoryEntry(n, datetime.fromisoformat(at), kind, f, v, d)
                for n, _, at, kind, f, v, d in out]

    # ------------------------------------------------------------ diff
    def diff(self, spreadsheet: str, since: datetime | timedelta | int) -> Diff:
        """Net change from the sync ``since`` designates to the latest sync. Only
        rows the journal touched after that sync are rebuilt (fast at 15,000 rows)."""
        base_n = self.sync_at(spreadsheet, since)
        latest = self.last(spreadsheet, good_only=False)
        if latest is None:
            raise JournalError("journal_no_sync", spreadsheet=spreadsheet)
        sheet = self._sheet(spreadsheet)
        base = self._sync_row(sheet, "n=?", (base_n,)) if base_n > 0 else None
        out = Diff(spreadsheet, base_n, latest.sync_no,
                   datetime.fromisoformat(base[2]) if base else None, latest.at)
        kept = tuple(f for f in latest.fields if f is not None)
        if base is None:
            old_rows: Mapping[str, dict[str, str]] = {}
            touched = None
        elif tuple(f for f in self._layout(base[4])["fields"] if f is not None) != kept:
            old_rows, touched = self.snapshot(spreadsheet, base_n).rows, None   # columns changed
        else:
            touched = self._touched_after(sheet, base[0])
            old_rows = self._values_at(sheet, base[0], touched, set(kept))
        new_keys = [k for k in latest.rows if touched is None or k in touched]
        for key in new_keys:
            old = old_rows.get(key)
            if old is None:
                continue
            new = latest.rows[key]
            for f in sorted(set(old) | set(new)):
                if old.get(f, "") != new.get(f, ""):
                    out.changes.append(CellDiff(key, f, old.get(f, ""), new.get(f, ""),
                                                latest.positions.get(key)))
        added = [k for k in new_keys if k not in old_rows]
        removed = [k for k in old_rows if k not in latest.rows]
        links = self._renames_between(spreadsheet, base_n, latest.sync_no)
        out.renamed = [(o, n) for o, n in links if o in removed and n in added]
        gone, linked = {o for o, _ in out.renamed}, {n for _, n in out.renamed}
        out.added = [k for k in added if k not in linked]
        out.removed = [k for k in removed if k not in gone]
        return out

    def _touched_after(self, sheet: int, sync_id: int) -> set[str]:
        """Keys of rows with a cell change or an appearance/vanishing after that sync."""
        return {key for (key,) in self.db.execute(
            "SELECT k.key FROM rowkeys k WHERE k.sheet=? AND k.id IN "
            "(SELECT row FROM cells WHERE sync>? UNION SELECT row FROM presence WHERE sync>?)",
            (sheet, sync_id, sync_id))}

    def _values_at(self, sheet: int, sync_id: int, keys: Iterable[str], kept: set[str]
                   ) -> dict[str, dict[str, str]]:
        """key -> {field: value} at that sync, for those of ``keys`` live then."""
        names = dict(self.db.execute("SELECT id, name FROM fieldnames"))
        wanted = list(keys)
        out: dict[str, dict[str, str]] = {}
        for i in range(0, len(wanted), 500):
            chunk = wanted[i:i + 500]
            marks = ",".join("?" * len(chunk))
            ids = dict(self.db.execute(
                f"SELECT id, key FROM rowkeys WHERE sheet=? AND key IN ({marks})", (sheet, *chunk)))
            id_marks = ",".join("?" * len(ids))
            live = {rid for rid, is_live, _ in self.db.execute(
                f"SELECT row, live, max(sync) FROM presence WHERE sync<=? AND row IN ({id_marks}) "
                "GROUP BY row", (sync_id, *ids)) if is_live}
            out.update({ids[rid]: {} for rid in live})
            for rid, fid, value, _ in self.db.execute(
                    f"SELECT row, field, value, max(sync) FROM cells WHERE sync<=? AND row IN "
                    f"({id_marks}) GROUP BY row, field", (sync_id, *ids)):
                if rid in live and value and names[fid] in kept:
                    out[ids[rid]][names[fid]] = value
        return out

    def _renames_between(self, spreadsheet: str, after_n: int, upto_n: int,
                         good_only: bool = False) -> list[tuple[str, str]]:
        sheet = self._sheet(spreadsheet)
        return list(self.db.execute(
            "SELECT a.key, b.key FROM renames r JOIN syncs s ON s.id=r.sync "
            "JOIN rowkeys a ON a.id=r.old_row JOIN rowkeys b ON b.id=r.new_row "
            "WHERE s.sheet=? AND s.n>? AND s.n<=? AND s.good>=? ORDER BY r.sync",
            (sheet, after_n, upto_n, int(good_only))))

    def renamed_keys(self, spreadsheet: str, after_n: int = 0) -> dict[str, str]:
        """old key -> key it was retyped as, in syncs the guard let through (a
        sync it blocked may have "retyped" keys by a sort of the key columns)."""
        return dict(self._renames_between(spreadsheet, after_n, 1 << 62, good_only=True))

    # ------------------------------------------------------------ restore support
    def cleared_while_edited(self, spreadsheet: str, after_n: int = 0) -> dict[str, frozenset[str]]:
        """row key -> fields blanked after sync ``after_n`` on purpose, as far as the
        journal can tell: blank since then, and blanked while the row was being
        edited (another field of the row got a value in the same sync or later:
        someone retyping the row). Restore does not refill them."""
        sheet = self._sheet(spreadsheet)
        base = self._sync_row(sheet, "n=?", (after_n,))
        out: dict[str, set[str]] = {}
        for key, name in self.db.execute(
                "SELECT k.key, f.name FROM cells c JOIN rowkeys k ON k.id=c.row "
                "JOIN fieldnames f ON f.id=c.field WHERE k.sheet=? AND c.sync>? AND c.value='' "
                "AND c.sync=(SELECT max(sync) FROM cells l WHERE l.row=c.row AND l.field=c.field) "
                "AND EXISTS (SELECT 1 FROM cells o WHERE o.row=c.row AND o.field<>c.field "
                "AND o.sync>=c.sync AND o.value<>'')", (sheet, base[0] if base else 0)):
            out.setdefault(key, set()).add(name)
        return {k: frozenset(v) for k, v in out.items()}

    def window(self, spreadsheet: str, after_n: int, keys: Iterable[str] | None = None
               ) -> dict[str, tuple[int, dict[str, str]]]:
        """Rows that were in the tab at sync ``after_n`` or appeared after it:
        key -> (last sheet row, {field: last non-empty value since then}).
        ``after_n`` = 0 means the whole history."""
        sheet = self._sheet(spreadsheet)
        base = self._sync_row(sheet, "n=?", (after_n,))
        base_id = base[0] if base else 0
        names = dict(self.db.execute("SELECT id, name FROM fieldnames"))
        wanted = None if keys is None else set(keys)
        ids = {rid: key for rid, key in self.db.execute(
            "SELECT id, key FROM rowkeys WHERE sheet=?", (sheet,))
            if wanted is None or key in wanted}
        live_at_base: dict[int, int] = {}
        seen: dict[int, int] = {}            # row in the window -> its last sheet row
        last_pos: dict[int, int] = {}
        for rid, sync, live, pos in self.db.execute(
                "SELECT row, sync, live, pos FROM presence WHERE row IN "
                "(SELECT id FROM rowkeys WHERE sheet=?) ORDER BY row, sync", (sheet,)):
            if rid not in ids:
                continue
            last_pos[rid] = pos
            if sync <= base_id:
                live_at_base[rid] = live
            elif live:
                seen[rid] = 0
        seen.update({rid: 0 for rid, live in live_at_base.items() if live})
        seen = {rid: last_pos[rid] for rid in seen}
        values: dict[int, dict[str, str]] = {rid: {} for rid in seen}
        for rid, fid, sync, value in self.db.execute(
                "SELECT row, field, sync, value FROM cells WHERE row IN "
                "(SELECT id FROM rowkeys WHERE sheet=?) ORDER BY row, field, sync", (sheet,)):
            row = values.get(rid)
            if row is None:
                continue
            name = names[fid]
            if sync <= base_id:
                row[name] = value             # the value current at the base sync
            elif value:
                row[name] = value             # a later non-empty value wins
        return {ids[rid]: (seen[rid], {f: v for f, v in vals.items() if v})
                for rid, vals in values.items()}

    # ------------------------------------------------------------ verification
    def _bases(self, sheet: int) -> tuple[tuple[str, ...], dict[str, tuple[int, str, str, int]]]:
        state = self._state(sheet, complete=True)
        return state.kept, {r[1]: (r[0], r[5], r[3], r[2])
                            for r in state.rows.values() if r[5] is not None}

    @no_gc()
    def changed_after_verification(self, spreadsheet: str, tab: TabRead, config: Config) -> list[Issue]:
        """Warnings (core Issue, code ``changed_after_verification``) for numbers
        of the current read that differ from the value their row had when it was
        first OK. The sync engine merges them into the row statuses."""
        sheet = self._find_sheet(spreadsheet)   # by name: an older journal's history too
        if sheet is None:
            return []
        state = self._state(sheet)
        kept, now_kept = state.kept, tab.kept
        numbers = _number_fields(config)
        same_layout = kept == now_kept
        issues = []
        lines = tab.rows
        if same_layout:               # a row can warn only if it changed, or already differed
            delta = compare(self.db, sheet, state, tab)
            wanted = set(delta.changed).union(state.diverged)
            lines = {k: lines[k] for k in sorted((k for k in wanted if k in lines),
                                                 key=tab.positions.__getitem__)}
        else:
            self._state(sheet, complete=True)
        rows, diverged = state.rows, state.diverged
        headers = {c.field: c.header for c in reversed(config.columns)}
        at = [(f, kept.index(f), now_kept.index(f) if f in now_kept else None)
              for f in numbers if f in kept]
        for key, line in lines.items():
            row = rows.get(key)
            base = row[5] if row is not None else diverged.get(key)   # a row not loaded: unchanged
            if base is None or (same_layout and base == line):
                continue                        # the common case: not verified, or unchanged
            # only the number columns are compared: split, not a dict of every cell
            old, new = decode_line(base, len(kept)), decode_line(line, len(now_kept))
            for f, i, j in at:
                was, now = old[i], ("" if j is None else new[j])
                if was != now and was != "":
                    issues.append(Issue(code=CAV_CODE, severity="warning", row=tab.positions[key],
                                        field=f, params={"column": headers.get(f, f), "old": was,
                                                         "new": now, "tps": key}))
        return issues

    def ok_at(self, spreadsheet: str, sync_no: int) -> set[str]:
        """Row keys whose status was OK at that sync (from the recorded transitions)."""
        sheet = self._sheet(spreadsheet)
        row = self._sync_row(sheet, "n=?", (sync_no,))
        if row is None:
            return set()
        return {key for key, ok, _ in self.db.execute(
            "SELECT k.key, v.ok, max(v.sync) FROM verified v JOIN rowkeys k ON k.id=v.row "
            "WHERE k.sheet=? AND v.sync<=? GROUP BY v.row", (sheet, row[0])) if ok}

    def verified_changes(self, spreadsheet: str, config: Config) -> list[VerifiedChange]:
        """For reconcile: every number now different from its verified value."""
        sheet = self._sheet(spreadsheet)
        kept, bases = self._bases(sheet)
        numbers = _number_fields(config)
        out = []
        where = self._state(sheet).positions_by_id()
        for key, (rid, base, line, live) in sorted(bases.items()):
            if base == line or not live:
                continue
            old, new = line_dict(base, kept), line_dict(line, kept)
            changed = [f for f in numbers if f in old and old.get(f, "") != new.get(f, "")]
            if not changed:
                continue
            n, at = self.db.execute(
                "SELECT s.n, s.at FROM baselines b JOIN syncs s ON s.id=b.sync WHERE b.row=? "
                "ORDER BY b.sync DESC LIMIT 1", (rid,)).fetchone()
            pos = where.get(rid)
            out += [VerifiedChange(key, f, old[f], new.get(f, ""), pos, n, datetime.fromisoformat(at))
                    for f in changed]
        return out

    def accept_verified(self, spreadsheet: str, keys: Iterable[str] | None = None) -> int:
        """A reviewer confirms the changed numbers: the current values become the
        verified ones (appended as new baselines). Returns rows accepted."""
        sheet = self._sheet(spreadsheet)
        kept, bases = self._bases(sheet)
        wanted = None if keys is None else set(keys)
        last = self._sync_row(sheet, "1 ORDER BY n DESC LIMIT 1", ())
        if last is None:
            return 0
        last_sync = last[0]
        todo = [(key, rid, line) for key, (rid, base, line, live) in bases.items()
                if base != line and live and (wanted is None or key in wanted)]
        db = self.db
        db.execute("BEGIN IMMEDIATE")
        try:
            state = self._state(sheet, complete=True)
            for key, rid, line in todo:
                db.execute("INSERT OR IGNORE INTO baselines(row, sync, body) VALUES (?,?,?)",
                           (rid, last_sync, json.dumps(line_dict(line, kept), ensure_ascii=False)))
                row = state.rows[key]
                state.rows[key] = (*row[:5], row[3])      # base = the line, as now stored
                state.touch(key)
            save_rows(db, sheet, state)
            db.execute("COMMIT")
        finally:
            if db.in_transaction:
                db.execute("ROLLBACK")
            self._cache.pop(sheet, None)
        return len(todo)


def _reported(values: list[list[str]], config: Config) -> int:
    return int(check(values, config).totals.kota["tps_reported"])


def _number_fields(config: Config) -> list[str]:
    return [c.field for c in config.columns if c.type == "integer"]


@no_gc()
def ok_keys(tab: TabRead, statuses: Mapping[int, str]) -> set[str]:
    """Row keys whose status (sheet row -> status code) is OK."""
    positions = tab.positions               # at C speed: 15,000 rows every sync
    return set(compress(positions.keys(), map(eq, map(statuses.get, positions.values()), repeat("OK"))))
