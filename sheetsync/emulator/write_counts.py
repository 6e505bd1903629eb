"""What a values write reports as updated, counted as Google counts it.

Google counts the cells a write actually sets, not the rectangle of its range: a
JSON ``null`` leaves a cell alone and is not counted, ``""`` clears one and is.
``updatedRows`` / ``updatedColumns`` are the rows and columns holding at least one
such cell (a 6x4 write with two values in two rows and columns reports 2, 2, 2),
and a batch's totals count distinct rows and columns per sheet (two writes to
``A1:D1`` and ``A4:D4`` total 4 columns, not 8).  ``updatedRange`` stays the
written rectangle.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from itertools import chain
from typing import Any, Iterable

Span = tuple[int, int]  # [start, end) of consecutive row indices


@dataclass
class Touched:
    """The cells one write sets: absolute row spans and columns of one sheet."""
    sheet_id: int
    cells: int = 0
    row_spans: list[Span] = field(default_factory=list)
    columns: set[int] = field(default_factory=set)

    @property
    def rows(self) -> int:
        return sum(end - start for start, end in self.row_spans)


def touched(sheet_id: int, r0: int, c0: int, rows: list[list[Any]]) -> Touched:
    """Count one write's cells (a 41,000-row write passes through here)."""
    if rows and all(rows) and None not in chain.from_iterable(rows):
        # the usual write, every row filled and no null: C-level scans, no loop per row
        width = max(map(len, rows))
        return Touched(sheet_id, sum(map(len, rows)), [(r0, r0 + len(rows))], set(range(c0, c0 + width)))
    out = Touched(sheet_id)
    starts: list[int] = []
    ends: list[int] = []
    cells = widest_full = 0  # rows without null set every column up to their length
    for r, row in enumerate(rows, r0):
        if None in row:
            kept = [j for j, v in enumerate(row) if v is not None]
            n = len(kept)
            out.columns.update(c0 + j for j in kept)
        else:
            n = len(row)
            if n > widest_full:
                widest_full = n
        if n:
            cells += n
            if ends and ends[-1] == r:
                ends[-1] = r + 1
            else:
                starts.append(r)
                ends.append(r + 1)
    out.cells = cells
    out.row_spans = list(zip(starts, ends))
    out.columns.update(range(c0, c0 + widest_full))
    return out


def counts(t: Touched) -> dict[str, int]:
    """updatedRows/Columns/Cells of one write (left out when it set nothing, as Google does)."""
    if not t.cells:
        return {}
    return {"updatedRows": t.rows, "updatedColumns": len(t.columns), "updatedCells": t.cells}


def totals(writes: Iterable[Touched]) -> dict[str, int]:
    """totalUpdatedRows/Columns/Cells/Sheets of a batch: distinct rows and columns per sheet."""
    spans: dict[int, list[Span]] = {}
    columns: dict[int, set[int]] = {}
    cells = 0
    for t in writes:
        if not t.cells:
            continue
        cells += t.cells
        spans.setdefault(t.sheet_id, []).extend(t.row_spans)
        columns.setdefault(t.sheet_id, set()).update(t.columns)
    out = {"totalUpdatedRows": sum(_covered(s) for s in spans.values()),
           "totalUpdatedColumns": sum(len(c) for c in columns.values()),
           "totalUpdatedCells": cells, "totalUpdatedSheets": len(columns)}
    return {k: v for k, v in out.items() if v}  # proto3 JSON leaves zeros out


def _covered(spans: list[Span]) -> int:
    """Rows covered by possibly overlapping spans."""
    total, reach = 0, 0
    for start, end in sorted(spans):
        start = max(start, reach)
        if end > start:
            total += end - start
        reach = max(reach, end)
    return total
