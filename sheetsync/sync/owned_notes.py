"""A note a person typed into sheetsync's own Status or Keterangan cell is kept on the sheet.

sheetsync rewrites its two columns every sync, yet on election night a coordinator types
"Ketua KPPS: Pak Ahmad, buka jam 7" into the Keterangan cell of the row because that is
where remarks go. The journal keeps only people's columns, so an overwrite would lose the
note for good. Instead, before the plan is made, every owned cell the sync would change is
read for text sheetsync does not write there (ownership.sheetsyncs_column: its status words,
its messages joined by "; "). Such text stays in the row's Keterangan cell, ahead of
sheetsync's own message:

    Keterangan  "Ketua KPPS: Pak Ahmad, buka jam 7; Hasil belum diisi"
    Status      a note typed here moves to the row's Keterangan, the status word goes back

The next sync finds the same parts and leaves the cell as it is, so a kept note costs no
request in the steady state. Only cells the sync would have changed are tested: the cost
follows what changed, not the size of the sheet.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any, Sequence

from sheetsync.core import a1
from sheetsync.sync.ownership import MESSAGE_LIMIT, STATUS, is_own_message, sheetsyncs_column
from sheetsync.sync.plan import ColumnTarget, Desired, sheet_value

SEPARATOR = "; "          # how sheetsync joins its own messages in one cell
# Most parts one message of sheetsync's spans: a duplicate TPS or a saksi's number quotes one "; ".
# The bound keeps a cell of thousands of short parts linear.
MESSAGE_PARTS = 3


def keep_notes(values: list[list[Any]], desired: Desired, tab: str) -> list[str]:
    """Put every person's note found in the owned cells of ``tab`` that this sync would change
    into the row's wanted Keterangan (``desired`` is changed in place). Returns the A1 cells
    whose note the sync keeps this time, in sheet order (where, never what: a note may name
    a person)."""
    columns = [c for c in desired.columns if c.tab == tab]
    if len(columns) < 2:                        # build_desired: status, then message
        return []
    status, message = columns[0], columns[1]
    wanted = list(message.values)
    kept: list[str] = []
    for i in range(min(len(status.values), len(wanted))):
        row = status.first_row + i
        line = values[row - 1] if row - 1 < len(values) else []
        if _at(line, status.col) == status.values[i] and _at(line, message.col) == wanted[i]:
            continue                            # the steady state: nothing would be written here
        notes, cells = _row_notes(line, status, message, i, tab)
        if not notes:
            continue
        text = SEPARATOR.join(notes + ([str(sheet_value(wanted[i]))] if _text(wanted[i]) else []))
        old = _at(line, message.col)
        if text == _text(old):
            wanted[i] = old                     # already kept as typed: nothing to write
            cells = [c for c in cells if c != a1.rect(tab, row, message.col)]
        else:
            wanted[i] = text
        kept.extend(cells)
    message.values = wanted
    return kept


def _row_notes(line: Sequence[Any], status: ColumnTarget, message: ColumnTarget, i: int,
               tab: str) -> tuple[list[str], list[str]]:
    """(the person's parts, the A1 cells they stand in) of one row's two owned cells."""
    row = status.first_row + i
    notes: list[str] = []
    cells: list[str] = []
    said = _text(_at(line, status.col))
    if said.strip() and said != _text(status.values[i]) and not sheetsyncs_column(STATUS, [said]):
        notes.append(said)
        cells.append(a1.rect(tab, row, status.col))
    shown = _text(_at(line, message.col))
    if shown.strip() and shown != _text(message.values[i]):
        parts = person_parts(shown)
        if parts:
            notes.extend(parts)
            cells.append(a1.rect(tab, row, message.col))
    return notes, cells


def person_parts(text: str) -> list[str]:
    """The "; "-separated parts of a Keterangan cell that are not sheetsync's messages, in order.

    A message of sheetsync's may itself hold "; " (a duplicate TPS lists the numbers that
    differ), and one that ends in a value reads as running on over the next message's first
    part ("... lebih dari batas 10; TPS 1 ... sama dengan baris 4, 6"). So the cell is cut into
    runs that are each one whole message so that the fewest parts are left over: taking the
    longest run first would leave the duplicate's numbers behind, kept as a note for good.
    A run spans at most MESSAGE_PARTS parts and ownership.MESSAGE_LIMIT characters: linear
    in the cell's length."""
    parts = text.split(SEPARATOR)
    n = len(parts)
    left = [0] * (n + 1)                    # left[i]: fewest parts of parts[i:] that no cut covers
    run_end: list[int | None] = [None] * n  # the message run from part i in that cut; None: a person's
    for i in range(n - 1, -1, -1):
        left[i] = bool(parts[i].strip()) + left[i + 1]
        for end in _message_ends(parts, i):
            if left[end] < left[i]:
                left[i], run_end[i] = left[end], end
    out: list[str] = []
    i = 0
    while i < n:
        run = run_end[i]
        if run is None:
            if parts[i].strip():
                out.append(parts[i])
            i += 1
        else:
            i = run
    return out


def _message_ends(parts: list[str], start: int) -> list[int]:
    """Ends (exclusive) of the runs parts[start:end] that are one message of sheetsync's, longest first."""
    ends, size = [], -len(SEPARATOR)
    for end in range(start + 1, min(len(parts), start + MESSAGE_PARTS) + 1):
        size += len(SEPARATOR) + len(parts[end - 1])
        if size > MESSAGE_LIMIT:
            break
        ends.append(end)
    return [end for end in reversed(ends) if _own(SEPARATOR.join(parts[start:end]))]


@lru_cache(maxsize=4096)
def _own(text: str) -> bool:
    """ownership.is_own_message, remembered: the same few messages stand in thousands of rows."""
    return is_own_message(text)


def _at(line: Sequence[Any], col: int) -> Any:
    return line[col - 1] if col - 1 < len(line) else ""


def _text(value: Any) -> str:
    return str(sheet_value(value))
