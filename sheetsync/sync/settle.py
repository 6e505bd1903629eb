"""settle: after the write, confirm that every status landed on its row; repair what moved.

The Sheets API has no compare-and-set, so nothing can stop a person from moving rows
between sync's read and the moment its write lands. It can be checked afterwards:
once written, a status travels with its row through later inserts, deletes and sorts
(they move whole rows, the status columns included). So only a status written onto a
row that moved before the write landed can be misplaced, and the verify sees it:

    write -> verify: one values:batchGet of the header row, the key cells and the owned
             cells of the rows just written (rowid.verify_ranges).
      all in place: done. read + write + verify = 3 requests.
      some moved:   repair rounds. Read the whole input tab; every row whose owned cells
                    do not show what this sync computed for the row's CURRENT identity
                    gets that status (only the cells that differ are written). A row
                    whose identity this sync did not read (a new row, a retyped key, a
                    duplicate that makes it ambiguous) is cleared: blank until the next
                    sync rather than wrong. Then read the tab again to confirm. At most
                    MAX_REPAIRS repair writes; rows still wrong after them are reported
                    and the next sync fixes them.

Only the two owned columns of the input tab are ever written here, with one exception.
When the header row changed (a column inserted or deleted left of the owned columns
before the write landed), the write went into whatever column stood there: possibly a
column people type in. Then the columns are followed by their header text: every cell
this sync wrote that now sits under another header and still shows what was written
gets back the value it had at the read (a column inserted since was blank), and the
repair rounds go on with the owned columns where they stand now. When the columns
cannot be followed (a header renamed, missing or twice), nothing else is written and
the rows are reported.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Callable, Sequence

from sheetsync.core import a1
from sheetsync.sheets.client import Sheet, _is_grid_limit
from sheetsync.sync.plan import CellChange, Plan, raw_value, same_value, shown_text
from sheetsync.sync.rowid import (RowIdentities, content_identity, header_changed, key_identity, moved_rows,
                             norm, verify_ranges)

MAX_REPAIRS = 3
Pair = tuple[str, str]                 # (status, message) as shown


@dataclass
class Wanted:
    """What this sync computed, by row identity: the status a row should show wherever it is now."""
    tab: str
    header_row: int
    header: list[Any]
    key_cols: list[int]                # 0-based
    owned: list[int]                   # 0-based: status, message
    by_key: dict[str, Pair] = field(default_factory=dict)              # unique TPS key text
    by_content: dict[str, set[Pair]] = field(default_factory=dict)     # every row, by content
    values: list[list[Any]] = field(default_factory=list)               # the input tab as read
    # after a column move: where each column as read stands now (None: gone), and the owned
    # columns as read, so a row is still known by its content in the old column order
    moved_from: list[int | None] | None = None
    owned_as_read: list[int] = field(default_factory=list)

    def pairs_for(self, line: Sequence[Any], key_counts: Counter[str]) -> set[Pair] | None:
        """The statuses this row may show; None when this sync never read a row like it."""
        if self.key_cols:
            key = key_identity(line, self.key_cols)
            if key in self.by_key and key_counts[key] == 1:
                return {self.by_key[key]}
        if self.moved_from is None:
            return self.by_content.get(content_identity(line, self.owned))
        as_read = [line[p] if p is not None and p < len(line) else "" for p in self.moved_from]
        return self.by_content.get(content_identity(as_read, self.owned_as_read))


def build_wanted(ids: RowIdentities, values: list[list[Any]], pair_at: Callable[[int], Pair]) -> Wanted:
    """ids: the identity of every data row as read (row_identities over all rows)."""
    want = Wanted(ids.tab, ids.header_row, ids.header, ids.key_cols, ids.owned, values=values)
    for r, ident in ids.by_row.items():
        pair = pair_at(r)
        if ident.startswith("k:"):
            want.by_key[ident] = pair
        line = values[r - 1] if r - 1 < len(values) else []
        want.by_content.setdefault(content_identity(line, ids.owned), set()).add(pair)
    return want


@dataclass
class Settled:
    verified: bool = False             # the first verify found every written row in place
    rounds: int = 0                    # repair writes
    repaired: list[int] = field(default_factory=list)    # rows a repair wrote (where they stood then)
    leftover: list[int] = field(default_factory=list)    # rows still not right when it stopped
    header_moved: bool = False
    restored: list[str] = field(default_factory=list)    # cells of other columns given back their value


def settle(sheet: Sheet, written: RowIdentities, wanted: Callable[[], Wanted],
           send: Callable[[Plan], None]) -> Settled:
    """Verify the rows just written; repair, and confirm, until every row is right."""
    out = Settled()
    ranges = verify_ranges(written)
    try:
        moved, header_moved = moved_rows(written, ranges, sheet.read(ranges))
    except Exception as exc:  # only rows deleted since the write (a grid-limit 400) are repaired here
        if not _is_grid_limit(exc):
            raise
        moved, header_moved = set(written.by_row), False    # the tab shrank: every row is in doubt
    if not moved:
        out.verified = True
        return out
    want = wanted()
    quoted = a1.quote_tab(want.tab)
    now = sheet.read([quoted])[quoted]
    shifted = give_back_header(now, want, written, send) if header_moved else None
    if shifted is not None or (header_moved and not follow_columns(now, want, written, send, out)):
        out.header_moved, out.leftover = True, sorted(moved)
        out.restored.extend(shifted or [])
        return out
    while True:
        if header_changed(want.header, _header(now, want.header_row)):
            out.header_moved, out.leftover = True, sorted(moved)
            return out
        plan = repair_plan(now, want)
        rows = sorted({c.row for c in plan.changes})
        if not rows:
            return out
        if out.rounds == MAX_REPAIRS:
            out.leftover = rows
            return out
        send(plan)
        out.rounds += 1
        out.repaired.extend(rows)
        now = sheet.read([quoted])[quoted]


def follow_columns(now: list[list[Any]], want: Wanted, written: RowIdentities, send: Callable[[Plan], None],
                   out: Settled) -> bool:
    """Columns moved before the write landed: give back what the write covered in other
    columns, then point `want` at the owned and key columns where they stand now.
    False when the columns cannot be followed by their header text."""
    header_now = _header(now, want.header_row)
    out.header_moved = True
    back = overwritten_cells(now, want, written)
    if back.changes:
        send(back)
        out.restored.extend(c.a1 for c in back.changes)
        for c in back.changes:                   # as the sheet shows it now
            _set(now, c.row, c.col, c.new)
    at = _unique_positions(header_now)
    names = [norm(h) for h in want.header]
    try:
        key_cols = [at[names[c]] for c in want.key_cols]
        owned = [at[names[c]] for c in want.owned]
    except (KeyError, IndexError):
        return False
    want.moved_from, want.owned_as_read = [at.get(n) for n in names], list(want.owned)
    want.header, want.key_cols, want.owned = list(header_now), key_cols, owned
    return True


def give_back_header(now: list[list[Any]], want: Wanted, written: RowIdentities,
                     send: Callable[[Plan], None]) -> list[str] | None:
    """Rows were inserted or deleted above the header before the write landed (a title row
    typed on top): the header now stands on another row (None: it does not), and the write
    put a status and a message onto it, over "Status" and "Keterangan". Those two cells get
    their headers back when they still show what was written; the rows are left for the
    next sync, which finds the header where people put it or says where it expects it."""
    names = [norm(h) for h in want.header]
    if not want.key_cols or max(want.key_cols) >= len(names):
        return None
    for r in range(1, min(len(now), want.header_row + 10) + 1):
        line = now[r - 1]
        if r == want.header_row or any(c >= len(line) or norm(line[c]) != names[c] for c in want.key_cols):
            continue
        pair = written.expect.get(r) or ()
        changes = [CellChange(want.tab, a1.rect(want.tab, r, c + 1), shown, want.header[c], None, r, c + 1)
                   for c, wrote in zip(want.owned, pair)
                   if c < len(names) and norm(shown := line[c] if c < len(line) else "") != names[c]
                   and (r, c) in written.cells and same_value(shown, wrote)]
        if changes:
            send(Plan(changes))
        return [c.a1 for c in changes]
    return None


def overwritten_cells(now: list[list[Any]], want: Wanted, written: RowIdentities) -> Plan:
    """Cells this sync wrote that now sit under a header not its own and still show what
    was written: each gets the value its column held on that row at the read."""
    header_now = _header(now, want.header_row)
    names = [norm(h) for h in want.header]
    owned_names = {names[c] for c in want.owned if c < len(names)}
    was_at = _unique_positions(want.header)
    at = _unique_positions(header_now)
    found = [at.get(names[c]) for c in want.key_cols if c < len(names)]
    key_cols = [c for c in found if c is not None]
    source = _read_rows_by_key(want) if key_cols and len(key_cols) == len(found) else None
    changes: list[CellChange] = []
    for r, pair in written.expect.items():
        line = now[r - 1] if r - 1 < len(now) else []
        src = r
        if source is not None:
            key = key_identity(line, key_cols)
            blank = not key[2:].replace("\x1f", "").strip()
            src = source.get(key, r if blank else 0)   # an unknown TPS: no guess at its old values
        for c, wrote in zip(written.owned, pair):
            name = norm(header_now[c]) if c < len(header_now) else ""
            shown = line[c] if c < len(line) else ""
            if name in owned_names or not src or (r, c) not in written.cells or not same_value(shown, wrote):
                continue
            old_line = want.values[src - 1] if src - 1 < len(want.values) else []
            col = was_at.get(name)
            before = old_line[col] if col is not None and col < len(old_line) else ""   # a new column: blank
            if not same_value(shown, before):
                changes.append(CellChange(want.tab, a1.rect(want.tab, r, c + 1), shown, raw_value(str(before)),
                                          None, r, c + 1))
    return Plan(changes)


def _read_rows_by_key(want: Wanted) -> dict[str, int]:
    """Unique TPS key text -> its sheet row at the read."""
    first = want.header_row + 1
    seen = Counter(key_identity(line, want.key_cols) for line in want.values[first - 1:])
    return {k: r for r, line in enumerate(want.values[first - 1:], start=first)
            if seen[k := key_identity(line, want.key_cols)] == 1}


def _unique_positions(header: Sequence[Any]) -> dict[str, int]:
    names = [norm(h) for h in header]
    counts = Counter(names)
    return {n: i for i, n in enumerate(names) if n and counts[n] == 1}


def _header(grid: list[list[Any]], header_row: int) -> list[Any]:
    return list(grid[header_row - 1]) if len(grid) >= header_row else []


def _set(grid: list[list[Any]], row: int, col: int, value: Any) -> None:
    while len(grid) < row:
        grid.append([])
    line = grid[row - 1]
    line.extend([""] * (col - len(line)))
    line[col - 1] = value


def repair_plan(now: list[list[Any]], want: Wanted) -> Plan:
    """The owned cells to write so that every row shows its own status (or none)."""
    first = want.header_row + 1
    lines = now[first - 1:]
    counts = Counter(key_identity(line, want.key_cols) for line in lines) if want.key_cols else Counter()
    changes: list[CellChange] = []
    for r, line in enumerate(lines, start=first):
        shown = tuple(shown_text(line[c]) if c < len(line) else "" for c in want.owned)
        pairs = want.pairs_for(line, counts)
        if pairs and shown in pairs:
            continue
        new = next(iter(pairs)) if pairs and len(pairs) == 1 else ("", "")   # unknown or ambiguous: blank
        for c, old, value in zip(want.owned, shown, new):
            if old != value:
                changes.append(CellChange(want.tab, a1.rect(want.tab, r, c + 1), old, value, None, r, c + 1))
    return Plan(changes)
