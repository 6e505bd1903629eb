"""The formulas people typed in the input tab, found so that restore can put them back.

The sync reads the tab once, as values (valueRenderOption=UNFORMATTED_VALUE): a
Suara Sah typed as ``=SUM(I4:K4)`` is journaled as the number it showed. The API
gives values or formulas, never both in one request, so the formulas take a read
of their own, with valueRenderOption=FORMULA. It asks only for what may hold a
formula the journal has not seen: the rows with a cell whose value changed
(typing a formula changes what the cell shows, and so does a formula's input),
and at most once in READ_EVERY seconds, for all the rows changed since the last
read, in the first sync after it that finds a value changed; the first sync of a
history reads every row. A sync in which no value changed reads nothing more (it
stays one request), nor does one within READ_EVERY of the last read.

The read comes after the sync's read, so a row may have moved in between. Under
FORMULA a cell without a formula answers as it does unformatted, and a formula
answers with its text: a row is taken only when every other cell agrees with the
sync's read of that row. A row that does not (it moved, it was retyped) waits
for the next read, as do the rows of a read that failed.

A formula is kept with the value it showed and the sheet row it was read in.
Restore writes it back only in place of that same value: a formula since replaced
by a typed value, or one read before its cell's last change, gives way to the
value. A row restored elsewhere gets its formulas as Sheets adjusts a formula
copied to another row (``moved``): ``=SUM(I4:K4)`` read in row 4 and restored in
row 41 is ``=SUM(I41:K41)``, never a sum of the TPS that row 4 holds now.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Iterable, Mapping, Sequence

from sheetsync.core import a1
from sheetsync.journal.tab import TabRead, _checked_lines, decode_line
from sheetsync.sync.plan import shown_text

GAP = 8               # blank or unchanged rows between two candidates that one range may span
# seconds between two formula reads: the rows changed meanwhile wait for the next, so that
# a sync every minute spends one request more every ten minutes, not one in each sync
READ_EVERY = 600


# text in a formula that holds no reference: a string literal, a quoted tab name
_QUOTED = re.compile(r"\"(?:[^\"]|\"\")*\"|'(?:[^']|'')*'")
# a cell (I4, $I4, I$4; not LOG10( nor a tab named TPS1!), and a whole-rows range (4:4, $4:$9)
_CELL = re.compile(r"(?<![A-Za-z0-9_.$])(\$?[A-Za-z]{1,3})(\$?)([0-9]+)(?![A-Za-z0-9_.(!])")
_ROWS = re.compile(r"(?<![A-Za-z0-9_.$:])(\$?)([0-9]+):(\$?)([0-9]+)(?![A-Za-z0-9_.(:!])")


@dataclass(frozen=True)
class Found:
    """One formula cell of the input tab, with the value the sync's read saw there."""
    key: str
    field: str
    formula: str
    value: str
    row: int = 0            # the sheet row it was read in


def moved(formula: str, rows: int) -> str | None:
    """``formula`` copied ``rows`` rows down (up when negative), as Sheets adjusts a copied
    formula: every row number not anchored with $ moves, in references to any tab; text
    in quotes does not. None when a reference would leave the sheet above row 1."""
    if not rows:
        return formula
    out: list[str] = []
    at = 0
    try:
        for quoted in _QUOTED.finditer(formula):
            out += [_shift(formula[at:quoted.start()], rows), quoted.group()]
            at = quoted.end()
        out.append(_shift(formula[at:], rows))
    except ValueError:
        return None
    return "".join(out)


def _shift(part: str, rows: int) -> str:
    def row(anchor: str, number: str) -> str:
        if anchor:
            return anchor + number
        if int(number) + rows < 1:
            raise ValueError(number)
        return str(int(number) + rows)

    part = _ROWS.sub(lambda m: f"{row(m[1], m[2])}:{row(m[3], m[4])}", part)
    return _CELL.sub(lambda m: m[1] + row(m[2], m[3]), part)


@dataclass
class FormulaRead:
    """What one FORMULA read of candidate rows gave."""
    found: list[Found] = field(default_factory=list)
    unsure: list[str] = field(default_factory=list)    # rows to read again at the next sync


def candidate_ranges(tab: TabRead, keys: Iterable[str]) -> list[tuple[int, int]]:
    """(first, last) sheet rows covering the rows of ``keys`` still in the tab, runs
    joined across short gaps so that a burst of edits stays a few ranges."""
    rows = sorted(tab.positions[k] for k in set(keys) if k in tab.positions)
    runs: list[tuple[int, int]] = []
    for r in rows:
        if runs and r - runs[-1][1] <= GAP:
            runs[-1] = (runs[-1][0], r)
        else:
            runs.append((r, r))
    return runs


def a1_ranges(tab_title: str, tab: TabRead, runs: Sequence[tuple[int, int]]) -> list[str]:
    """A1 ranges of whole table rows (the header's columns) for the runs."""
    quoted, last = a1.quote_tab(tab_title), a1.col_letters(max(len(tab.fields), 1))
    return [f"{quoted}!A{first}:{last}{end}" for first, end in runs]


def formulas_in(tab: TabRead, runs: Sequence[tuple[int, int]], got: Mapping[str, list[list[Any]]],
                ranges: Sequence[str], skip: frozenset[str] = frozenset()) -> FormulaRead:
    """The formula cells of the rows read (``got``: range -> rows, FORMULA render), each
    checked against the sync's read of its row (see module doc). ``skip``: fields whose
    formulas are not kept (personal columns: their text may hold a name or a phone)."""
    out = FormulaRead()
    keys, lines = tab.aligned()
    first_data = tab.header_row + 1
    kept_idx = [i for i, f in enumerate(tab.fields) if f is not None]
    if not kept_idx:
        return out
    kept, width = tab.kept, len(tab.fields)
    for (first, end), rng in zip(runs, ranges):
        body = list(got.get(rng, []))
        body += [[] for _ in range(end - first + 1 - len(body))]    # trailing blank rows are trimmed
        read_lines = _checked_lines(body, kept_idx, width)[0]
        for offset, (raw, line) in enumerate(zip(body, read_lines)):
            at = first + offset - first_data
            key = keys[at] if 0 <= at < len(keys) else None
            if key is None or line == lines[at]:
                continue                                # blank, or no formula in it
            cells = _row_formulas(key, first + offset, raw, kept_idx, decode_line(lines[at], len(kept)), kept,
                                  skip)
            if cells is None:
                out.unsure.append(key)
            else:
                out.found.extend(cells)
    return out


def _row_formulas(key: str, row: int, raw: list[Any], kept_idx: list[int], values: list[str],
                  kept: tuple[str, ...], skip: frozenset[str]) -> list[Found] | None:
    """The formula cells of one row; None when a cell without a formula differs from the
    sync's read: not the row that was read."""
    found = []
    for i, f, value in zip(kept_idx, kept, values):
        cell = raw[i] if i < len(raw) else ""
        text = shown_text(cell)
        if text == value:
            continue
        if not (isinstance(cell, str) and cell.startswith("=") and len(cell) > 1):
            return None
        if f not in skip:
            found.append(Found(key, f, cell, value, row))
    return found
