"""Desired vs current cells -> the minimal list of cell writes, batched into ranges.

Current values come from one values:batchGet with UNFORMATTED_VALUE: numbers as
numbers whatever the cell's number format or the spreadsheet's locale, text as
typed. Desired values are Python values (str, int, float, bool, None). A number
is compared with a number as a value, so a sync with nothing new to say writes
nothing in an id_ID sheet or under a `#,##0.00` format; a wanted number over a
cell that holds text is a change, so the sheet's own SUMs see a number again.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from itertools import groupby
from operator import itemgetter
from typing import Any, Iterable, Sequence

from sheetsync.core import a1
_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")
_GROUPED = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$")


@dataclass(frozen=True, slots=True)
class CellChange:
    tab: str
    a1: str                    # "'Tab'!C5"
    old: Any                   # as read (formatted text), "" when empty
    new: Any                   # as written (RAW)
    row_key: str | None        # TPS key, "?<hash>" content key, or None (summary cells)
    row: int = 0               # 1-based, derived from a1 when not given
    col: int = 0

    def __post_init__(self) -> None:
        if not self.row:
            _, row, col = a1.parse_tab_cell(self.a1)
            object.__setattr__(self, "row", row)
            object.__setattr__(self, "col", col)


@dataclass
class Plan:
    changes: list[CellChange] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.changes)

    def batches(self) -> list[tuple[str, list[list[Any]]]]:
        """Changed cells -> rectangles: contiguous runs in a row, stacked when aligned."""
        return batch_cells((c.tab, c.row, c.col, c.new) for c in self.changes)

    def by_tab(self, tab: str) -> list[CellChange]:
        return [c for c in self.changes if c.tab == tab]

    def without(self, drop: set[tuple[str, int]]) -> "Plan":
        """The plan minus every change on the given (tab, row) pairs."""
        return Plan([c for c in self.changes if (c.tab, c.row) not in drop])


# ---------------------------------------------------------------- what is wanted

@dataclass
class ColumnTarget:
    """One owned column of the input tab: values for rows first_row..first_row+len-1."""
    tab: str
    col: int                   # 1-based
    first_row: int
    values: Sequence[Any]
    row_keys: Sequence[str | None]


@dataclass
class GridTarget:
    """A whole owned tab area from (row, col) on; anything else filled below row is cleared."""
    tab: str
    row: int
    col: int
    values: list[list[Any]]
    keep: frozenset[tuple[int, int]] = frozenset()   # cells handled elsewhere (last-synced cell)


@dataclass
class CellTarget:
    tab: str
    row: int
    col: int
    value: Any
    row_key: str | None = None


@dataclass
class Desired:
    columns: list[ColumnTarget] = field(default_factory=list)
    grids: list[GridTarget] = field(default_factory=list)
    cells: list[CellTarget] = field(default_factory=list)


def make_plan(current: dict[str, list[list[Any]]], desired: Desired) -> Plan:
    """Only the cells whose shown value would change. ``current``: tab title -> grid from A1."""
    changes: list[CellChange] = []
    for target in desired.columns:
        changes.extend(_column_changes(current.get(target.tab, []), target))
    for grid in desired.grids:
        changes.extend(_grid_changes(current.get(grid.tab, []), grid))
    for cell in desired.cells:
        old = _at(current.get(cell.tab, []), cell.row, cell.col)
        if not unchanged(old, cell.value):
            changes.append(_change(cell.tab, cell.row, cell.col, old, cell.value, cell.row_key))
    return Plan(changes)


def _change(tab: str, row: int, col: int, old: Any, new: Any, key: str | None) -> CellChange:
    return CellChange(tab, a1.rect(tab, row, col), old, sheet_value(new), key, row, col)


def _at(grid: list[list[Any]], row: int, col: int) -> Any:
    if row - 1 < len(grid):
        line = grid[row - 1]
        if col - 1 < len(line):
            return line[col - 1]
    return ""


def _column_changes(grid: list[list[Any]], t: ColumnTarget) -> Iterable[CellChange]:
    c = t.col - 1
    first = t.first_row - 1
    prefix = f"{a1.quote_tab(t.tab)}!{a1.col_letters(t.col)}"
    olds = [line[c] if c < len(line) else "" for line in grid[first:first + len(t.values)]]
    olds += [""] * (len(t.values) - len(olds))
    for i, (old, new) in enumerate(zip(olds, t.values)):
        if isinstance(new, str) and isinstance(old, str):
            if old == new:              # text against text: equal or changed, nothing to weigh
                continue
        elif unchanged(old, new):
            continue
        else:
            new = sheet_value(new)
        row = t.first_row + i
        yield CellChange(t.tab, f"{prefix}{row}", old, new, t.row_keys[i], row, t.col)


def _grid_changes(grid: list[list[Any]], t: GridTarget) -> Iterable[CellChange]:
    height = max(len(t.values), len(grid) - t.row + 1)
    for i in range(height):
        row = t.row + i
        want = t.values[i] if i < len(t.values) else []
        have = grid[row - 1] if 0 <= row - 1 < len(grid) else []
        width = max(len(want) + t.col - 1, len(have))
        for col in range(1, width + 1):
            if (row, col) in t.keep:
                continue
            j = col - t.col
            new = want[j] if 0 <= j < len(want) else ""
            old = have[col - 1] if col - 1 < len(have) else ""
            if old == new and type(new) is str:
                continue
            if type(new) is int and type(old) is int and old == new:   # the common summary cell: a count
                continue
            if not unchanged(old, new):
                yield _change(t.tab, row, col, old, new, None)


# ---------------------------------------------------------------- values

_PLAIN_NUMBER = re.compile(r"(0|-?[1-9][0-9]{0,14})(\.[0-9]+)?|-?0\.[0-9]+")


def raw_value(text: str) -> str | int | float:
    """Text as typed (as the journal keeps it) -> the value written RAW: a plain number
    (``120``, ``80.35``: the value sheetsync read) is written as a number, so the sheet's
    SUMs count it; anything else, e.g. 0812... or 012, stays text."""
    if _PLAIN_NUMBER.fullmatch(text) is None:
        return text
    return float(text) if "." in text else int(text)


def sheet_value(value: Any) -> Any:
    """A value JSON and RAW input accept: None/NaN/NA -> "", numpy scalars -> Python."""
    if value is None:
        return ""
    if isinstance(value, (str, bool, int)):
        return value
    if isinstance(value, float):
        return "" if math.isnan(value) else value
    item = getattr(value, "item", None)          # numpy / pandas scalars
    if callable(item):
        try:
            return sheet_value(item())
        except (TypeError, ValueError):
            pass
    try:
        if value != value:                       # pd.NA and friends
            return ""
    except TypeError:
        return ""
    return str(value)


def unchanged(read: Any, wanted: Any) -> bool:
    """Would writing ``wanted`` leave the cell holding what it holds now (read unformatted)?

    Like same_value, except that a wanted number over text is a change: the sheet's SUMs
    ignore a number stored as text."""
    if _is_number(sheet_value(wanted)) and isinstance(read, str) and read.strip():
        return False
    return same_value(read, wanted)


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def same_value(shown: Any, wanted: Any) -> bool:
    """Would writing ``wanted`` leave the cell showing what it shows now?

    ``shown`` is a cell as the API sends it: a number (unformatted read) is compared
    as a number; text (a formatted read, or text typed in the cell) as it reads."""
    wanted = sheet_value(wanted)
    if _is_number(shown) and _is_number(wanted):
        return _same_float(float(shown), float(wanted))
    text = shown_text(shown)
    if isinstance(wanted, bool):
        return text.upper() == ("TRUE" if wanted else "FALSE")
    if isinstance(wanted, (int, float)):
        return _same_number(text, wanted)
    return bool(text == wanted)


def shown_text(value: Any) -> str:
    """The text of a cell read unformatted, as the sheet shows it and as it was typed: None is
    blank, booleans TRUE / FALSE, a whole number sent as a float without its ".0"; a string
    passes unchanged (spaces included)."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _same_float(read: float, wanted: float) -> bool:
    """Equal values; a double read back may differ from the one written in its last bit."""
    return read == wanted or (math.isfinite(read) and math.isclose(read, wanted, rel_tol=1e-12, abs_tol=1e-12))


def _same_number(text: str, wanted: int | float) -> bool:
    """Number vs shown text, at the precision the cell shows (general format: 10 decimals)."""
    raw = text.strip()
    scale = 1.0
    if raw.endswith("%"):
        raw, scale = raw[:-1].strip(), 0.01
    if _GROUPED.match(raw):
        raw = raw.replace(",", "")
    if not _NUMBER.match(raw):
        return False
    shown = float(raw) * scale
    if isinstance(wanted, float) and not math.isfinite(wanted):
        return False
    if "e" in raw.lower():
        return math.isclose(shown, wanted, rel_tol=1e-5)
    decimals = len(raw.split(".", 1)[1]) if "." in raw else 0
    if scale != 1.0:
        decimals += 2
    if decimals == 0:
        return float(wanted) == shown
    return round(float(wanted), decimals) == round(shown, decimals)


# ---------------------------------------------------------------- batching

def batch_cells(cells: Iterable[tuple[str, int, int, Any]]) -> list[tuple[str, list[list[Any]]]]:
    """(tab, row, col, value) -> [(range, values)]: fewest rectangles of changed cells only."""
    ordered = sorted(cells, key=itemgetter(0, 1, 2))
    out: list[tuple[str, list[list[Any]]]] = []
    for tab, in_tab in groupby(ordered, key=itemgetter(0)):
        runs = _row_runs(in_tab)
        out.extend((a1.rect(tab, top, left, top + len(vals) - 1, left + len(vals[0]) - 1), vals)
                   for top, left, vals in _stack(runs))
    return out


def _row_runs(cells: Iterable[tuple[str, int, int, Any]]) -> list[tuple[int, int, list[Any]]]:
    """Per row, contiguous column runs: (row, first col, values). Cells come sorted."""
    runs: list[tuple[int, int, list[Any]]] = []
    cur_row, next_col = -1, -1
    values: list[Any] = []
    for _, row, col, value in cells:
        if row == cur_row and col == next_col:
            values.append(value)
        else:
            values = [value]
            runs.append((row, col, values))
            cur_row = row
        next_col = col + 1
    return runs


def _stack(runs: list[tuple[int, int, list[Any]]]) -> list[tuple[int, int, list[list[Any]]]]:
    """Stack runs with the same columns on consecutive rows into one rectangle."""
    open_: dict[tuple[int, int], tuple[int, int, list[list[Any]]]] = {}
    done: list[tuple[int, int, list[list[Any]]]] = []
    for row, col, values in runs:
        shape = (col, len(values))
        block = open_.get(shape)
        if block is not None and block[0] + len(block[2]) == row:
            block[2].append(values)
            continue
        if block is not None:
            done.append(block)
        open_[shape] = (row, col, [values])
    done.extend(open_.values())
    done.sort(key=lambda b: (b[0], b[1]))
    return done
