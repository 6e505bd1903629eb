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

Only the two owned columns of the input tab are ever written here. When the header row
changed (a column inserted, deleted or renamed), nothing is repaired: the columns can
no longer be trusted, and the rows are reported.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Callable, Sequence

from sheetsync import a1
from sheetsync.plan import CellChange, Plan
from sheetsync.rowid import RowIdentities, content_identity, header_changed, key_identity, moved_rows, verify_ranges

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

    def pairs_for(self, line: Sequence[Any], key_counts: Counter[str]) -> set[Pair] | None:
        """The statuses this row may show; None when this sync never read a row like it."""
        if self.key_cols:
            key = key_identity(line, self.key_cols)
            if key in self.by_key and key_counts[key] == 1:
                return {self.by_key[key]}
        return self.by_content.get(content_identity(line, self.owned))


def build_wanted(ids: RowIdentities, values: list[list[Any]], pair_at: Callable[[int], Pair]) -> Wanted:
    """ids: the identity of every data row as read (row_identities over all rows)."""
    want = Wanted(ids.tab, ids.header_row, ids.header, ids.key_cols, ids.owned)
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


def settle(sheet: Any, written: RowIdentities, wanted: Callable[[], Wanted],
           send: Callable[[Plan], None]) -> Settled:
    """Verify the rows just written; repair, and confirm, until every row is right."""
    out = Settled()
    ranges = verify_ranges(written)
    moved, header_moved = moved_rows(written, ranges, sheet.read(ranges))
    if not moved:
        out.verified = True
        return out
    if header_moved:
        out.header_moved, out.leftover = True, sorted(moved)
        return out
    want = wanted()
    quoted = a1.quote_tab(want.tab)
    while True:
        now = sheet.read([quoted])[quoted]
        if header_changed(want.header, now[want.header_row - 1] if len(now) >= want.header_row else []):
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


def repair_plan(now: list[list[Any]], want: Wanted) -> Plan:
    """The owned cells to write so that every row shows its own status (or none)."""
    first = want.header_row + 1
    lines = now[first - 1:]
    counts = Counter(key_identity(line, want.key_cols) for line in lines) if want.key_cols else Counter()
    changes: list[CellChange] = []
    for r, line in enumerate(lines, start=first):
        shown = tuple(_text(line[c]) if c < len(line) else "" for c in want.owned)
        pairs = want.pairs_for(line, counts)
        if pairs and shown in pairs:
            continue
        new = next(iter(pairs)) if pairs and len(pairs) == 1 else ("", "")   # unknown or ambiguous: blank
        for c, old, value in zip(want.owned, shown, new):
            if old != value:
                changes.append(CellChange(want.tab, a1.rect(want.tab, r, c + 1), old, value, None, r, c + 1))
    return Plan(changes)


def _text(value: Any) -> str:
    return value if isinstance(value, str) else "" if value is None else str(value)
