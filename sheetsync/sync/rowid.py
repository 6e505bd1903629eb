"""Which row is which: identities for the verify right after the write (settle.py).

A status is computed for the row that was read at sheet row r. Between the read
and the moment the write lands a person may insert, delete or sort rows, or retype
a key. Right after writing, sync re-reads (one values:batchGet):
- the header row;
- the key columns (kecamatan, kelurahan, No TPS) over the span of rows it wrote;
- the owned cells (status, message) of those rows, so that a move and its undoing
  (a row inserted, then deleted again) is still seen: our status is no longer there;
- the whole row, for rows without a unique parseable TPS key (identified by content).
A written row is in place when it still has the identity it was computed for and
still shows what was written there.

Identity of a row:
- unique TPS key: the text of its key cells ("k:" + kecamatan|kelurahan|tps as shown);
- no parseable key, or a key on two rows: a hash of every cell but the owned ones.
Comparing the key *text* (exactly as shown) is stricter than comparing the parsed key:
retyping "7" as "007", or " 7", counts as a move: the row's status is repaired (or
cleared until the next sync), which is harmless.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any, Iterable, Sequence

from sheetsync.core import a1
from sheetsync.sync.plan import same_value, shown_text

KEY_FIELDS = ("kecamatan", "kelurahan", "tps")
MAX_CONTENT_BLOCKS = 40        # more scattered content-identified rows: re-read the whole tab
MAX_KEY_BLOCKS = 100           # more scattered keyed rows: re-read the key columns' whole span


def norm(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return " ".join(str(value).split()).casefold()


def key_identity(line: Sequence[Any], key_cols: Sequence[int]) -> str:
    """key_cols are 0-based column indexes. The text as shown: any retyping counts as a move."""
    n = len(line)
    return "k:" + "\x1f".join(shown_text(line[c]) if c < n else "" for c in key_cols)


def content_identity(line: Sequence[Any], owned: Iterable[int]) -> str:
    skip = set(owned)
    cells = [shown_text(v) for i, v in enumerate(line) if i not in skip]
    while cells and cells[-1] == "":
        cells.pop()
    digest = hashlib.blake2b("\x1f".join(cells).encode("utf-8", "surrogatepass"), digest_size=10)
    return "h:" + digest.hexdigest()


@dataclass
class RowIdentities:
    """Identity of each input row that the plan will write to (sheet row -> identity)."""
    tab: str
    header_row: int
    header: list[Any]
    key_cols: list[int]              # 0-based
    owned: list[int]                 # 0-based
    by_row: dict[int, str] = field(default_factory=dict)
    # owned cells each row must show after the write, in the order of `owned` (verify only)
    expect: dict[int, tuple[Any, ...]] = field(default_factory=dict)
    # (row, 0-based column) of every input cell the write sent (to give back after a column move)
    cells: set[tuple[int, int]] = field(default_factory=set)

    @property
    def content_rows(self) -> list[int]:
        return sorted(r for r, ident in self.by_row.items() if ident.startswith("h:"))

    @property
    def key_rows(self) -> list[int]:
        return sorted(r for r, ident in self.by_row.items() if ident.startswith("k:"))


def identities(values: list[list[Any]], rows: Iterable[int], unique_key_rows: set[int], *,
               tab: str, header_row: int, key_cols: list[int], owned: list[int]) -> RowIdentities:
    header = list(values[header_row - 1]) if len(values) >= header_row else []
    ids = RowIdentities(tab, header_row, header, key_cols, owned)
    for r in rows:
        line = values[r - 1] if r - 1 < len(values) else []
        if r in unique_key_rows and key_cols:
            ids.by_row[r] = key_identity(line, key_cols)
        else:
            ids.by_row[r] = content_identity(line, owned)
    return ids


def verify_ranges(ids: RowIdentities) -> list[str]:
    """The ranges of the verify read: header row, key-column span, owned cells, content rows."""
    q = a1.quote_tab(ids.tab)
    ranges = [f"{q}!{ids.header_row}:{ids.header_row}"]
    keyed = ids.key_rows
    if keyed and ids.key_cols:
        ranges.extend(_column_blocks(q, keyed, ids.key_cols))
    keyed_set = set(keyed)
    owned_rows = sorted(r for r in ids.expect if r in keyed_set)    # content rows are read whole
    if owned_rows and ids.owned:
        ranges.extend(_column_blocks(q, owned_rows, ids.owned))
    blocks = _blocks(ids.content_rows)
    if len(blocks) > MAX_CONTENT_BLOCKS:
        ranges.append(q)                                   # cheaper than a huge query string
    else:
        ranges.extend(f"{q}!{top}:{bottom}" for top, bottom in blocks)
    return ranges


def _column_blocks(q: str, rows: list[int], cols: list[int]) -> list[str]:
    left, right = a1.col_letters(min(cols) + 1), a1.col_letters(max(cols) + 1)
    blocks = _blocks(rows)
    if len(blocks) > MAX_KEY_BLOCKS:                       # many scattered rows: one span
        blocks = [(rows[0], rows[-1])]
    return [f"{q}!{left}{top}:{right}{bottom}" for top, bottom in blocks]


def _blocks(rows: list[int]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for r in rows:
        if out and out[-1][1] + 1 == r:
            out[-1] = (out[-1][0], r)
        else:
            out.append((r, r))
    return out


def moved_rows(ids: RowIdentities, ranges: list[str], got: dict[str, list[list[Any]]]) -> tuple[set[int], bool]:
    """Rows whose identity changed, or that no longer show what was written there
    (ids.expect); True when the header row changed.

    A changed header moves columns: then every row counts as moved.
    """
    header_now = got.get(ranges[0], [[]])
    header_now = list(header_now[0]) if header_now else []
    if header_changed(ids.header, header_now):
        return set(ids.by_row), True
    lines = _lines_by_row(ids, ranges[1:], got)
    moved: set[int] = set()
    for r, ident in ids.by_row.items():
        if ident.startswith("k:"):
            line = lines["key"].get(r, [])
            now = key_identity(line, [c - min(ids.key_cols) for c in ids.key_cols])
            shown = _pick(lines["owned"].get(r, []), [c - min(ids.owned) for c in ids.owned])
        else:
            full = lines["full"].get(r, [])
            now = content_identity(full, ids.owned)
            shown = _pick(full, ids.owned)
        want = ids.expect.get(r)
        if now != ident or (want is not None and not all(map(same_value, shown, want))):
            moved.add(r)
    return moved, False


def _pick(line: Sequence[Any], cols: Sequence[int]) -> list[Any]:
    return [line[c] if c < len(line) else "" for c in cols]


def _lines_by_row(ids: RowIdentities, ranges: list[str], got: dict[str, list[list[Any]]]
                  ) -> dict[str, dict[int, list[Any]]]:
    out: dict[str, dict[int, list[Any]]] = {"key": {}, "owned": {}, "full": {}}
    key_left = min(ids.key_cols) + 1 if ids.key_cols else 0
    for rng in ranges:
        values = got.get(rng, [])
        _, ref = a1.split_range(rng)
        if not ref:                                       # the whole tab
            out["full"].update({i + 1: line for i, line in enumerate(values)})
            continue
        start = ref.split(":", 1)[0]
        if start.isdigit():                               # whole rows "12:15"
            top = int(start)
            out["full"].update({top + i: line for i, line in enumerate(values)})
        else:
            top, left = a1.parse_cell(start)
            kind = "key" if left == key_left else "owned"
            out[kind].update({top + i: line for i, line in enumerate(values)})
    return out


def header_changed(was: Sequence[Any], now: Sequence[Any]) -> bool:
    """A header row that reads differently (case and spacing aside): columns may have moved."""
    return _trim(list(now)) != _trim(list(was))


def _trim(line: list[Any]) -> list[str]:
    cells = [norm(v) for v in line]
    while cells and cells[-1] == "":
        cells.pop()
    return cells
