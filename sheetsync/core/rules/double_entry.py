"""Double entry: a row's counts are verified only when a second, independent entry agrees
with the first, field by field.

- No second entry yet (or only part of it): the row keeps the status its numbers earn and
  is "belum dicek ulang"; waiting for the second entry never makes a row PERIKSA.
- A field filled in both entries with different numbers (or a second-entry cell that is
  not a number): PERIKSA, naming each field and both values ("Paslon 1: 120 vs 102").
- Every C.Hasil field the same in both (blank in both counts as the same) and the paslon
  votes in: verified, counted in "TPS terverifikasi ganda" and in the double-checked totals.

Neither verdict removes votes from the totals of all counted rows.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterator

import numpy as np

from sheetsync.core.cells import P_OK, cell_text
from sheetsync.core.double_entry import SecondEntry, ints
from sheetsync.core.issues import WARNING, register_message
from sheetsync.core.rules.context import Hits, RuleContext
from sheetsync.core.rules.registry import register

# Frame columns the rule leaves for the totals and reports: the verdict per row.
DOUBLE_CHECKED = "double_checked"
ENTRIES_DIFFER = "entries_differ"
SECOND_FILLED = "second_filled"
# ...and, on a row whose entries differ, the tuple of its Differences (None elsewhere): what
# reconcile lists field by field, from the same comparison as the message.
DIFFERENCES = "entry_differences"

register_message(
    "double_entry_differs",
    "Baris {row}: entri kedua berbeda: {differences}",
    "Row {row}: the second entry differs: {differences}")
register_message(
    "double_entry_differs_tab",
    "Baris {row}: entri kedua (tab '{tab}' baris {second_row}) berbeda: {differences}",
    "Row {row}: the second entry (tab '{tab}' row {second_row}) differs: {differences}")

# Longest second-entry cell quoted in a message: enough to show a typo, not a paragraph.
QUOTE_LIMIT = 20
# Longest header named in a difference: with two quoted values that keeps one difference
# (at most 60 + 2 + 25 + 4 + 25 characters) inside DIFFERENCES_LIMIT whatever the header.
HEADER_LIMIT = 60
# Longest list of differences in one message. The sync reads a Keterangan message back as
# its own only up to 300 characters (sync/ownership.py); the template and a tab title of
# up to 100 characters (Google's limit) leave this much, enough for six fields as numbers.
DIFFERENCES_LIMIT = 150


@dataclass(frozen=True)
class Difference:
    """One field whose two entries differ: each as a number, or as typed when it is not one."""
    field: str
    column: str                  # the field's header
    first: int | str
    second: int | str

    def text(self) -> str:
        """"Paslon 1: 120 vs 102"."""
        column = self.column if len(self.column) <= HEADER_LIMIT else self.column[:HEADER_LIMIT] + "..."
        return f"{column}: {_quoted(self.first)} vs {_quoted(self.second)}"


@register("double_entry")
def double_entry(ctx: RuleContext) -> Iterator[Hits]:
    second = ctx.second
    n = len(ctx.frame)
    if second is None:
        return
    differ = np.zeros(n, dtype=bool)
    same = np.ones(n, dtype=bool)
    filled = np.zeros(n, dtype=bool)
    found: list[list[Difference]] = [[] for _ in range(n)]
    for f in ctx.result_fields:
        if f not in second.counts or not ctx.has(f):
            same[:] = False        # a field the second entry lacks cannot be said to agree
            continue
        field_differs, field_same, field_filled = _compare(ctx, second, f, found)
        differ |= field_differs
        same &= field_same
        filled |= field_filled
    votes_in = ctx.frame["paslon_filled"].to_numpy(bool)
    ctx.frame[SECOND_FILLED] = filled
    ctx.frame[ENTRIES_DIFFER] = differ
    ctx.frame[DOUBLE_CHECKED] = same & filled & votes_in & ~differ
    rows = np.flatnonzero(differ)
    listed = np.full(n, None, dtype=object)
    listed[rows] = [tuple(found[i]) for i in rows.tolist()] if len(rows) else []
    ctx.frame[DIFFERENCES] = listed
    differences = [_listed([d.text() for d in found[i]]) for i in rows.tolist()]
    if second.where == "columns":
        yield Hits("double_entry_differs", WARNING, None, rows, {"differences": differences})
    else:
        yield Hits("double_entry_differs_tab", WARNING, None, rows, {
            "differences": differences, "tab": second.where, "second_row": second.rows[rows]})


def _compare(ctx: RuleContext, second: SecondEntry, f: str,
             found: list[list[Difference]]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(differs, same, second filled) per row for one field; a Difference appended to each
    differing row's list."""
    first = ctx.parsed[f]
    other = second.counts[f]
    a_blank, b_blank = first.blank, other.blank
    a_ok, b_ok = first.problem == P_OK, other.problem == P_OK
    a = np.asarray(ctx.frame[f].to_numpy(dtype=np.int64, na_value=0))
    b = ints(other)
    both = ~a_blank & ~b_blank
    differs = both & (~a_ok | ~b_ok | (a != b))
    same = (a_blank & b_blank) | (both & a_ok & b_ok & (a == b))
    header = ctx.header(f)
    hit = np.flatnonzero(differs)
    for i, typed in zip(hit.tolist(), ctx.typed(f, hit).tolist()):
        found[i].append(Difference(f, header, _value(typed, a_ok[i], a[i]),
                                   _value(second.typed[f][i], b_ok[i], b[i])))
    return differs, same, ~b_blank


def _listed(parts: list[str]) -> str:
    """The differences joined, as many whole ones as DIFFERENCES_LIMIT holds, then how many
    more ("(+3)"): a longer message would be kept as a person's note by the next sync."""
    whole = ", ".join(parts)
    if len(whole) <= DIFFERENCES_LIMIT:
        return whole
    shown = parts[:1]
    for part in parts[1:]:
        if len(", ".join([*shown, part])) + len(f" (+{len(parts)})") > DIFFERENCES_LIMIT:
            break
        shown.append(part)
    more = len(parts) - len(shown)
    return ", ".join(shown) + (f" (+{more})" if more else "")


def _value(cell: object, ok: bool, value: int) -> int | str:
    """An entry's cell as a number, or as typed when it is not one."""
    return int(value) if ok else cell_text(cell)


def _quoted(value: int | str) -> str:
    """A number as a number; anything else quoted as typed, short, without "; " (which
    separates the messages of a Keterangan cell)."""
    if isinstance(value, int):
        return str(value)
    text = value.replace(";", ",")
    return "'" + (text if len(text) <= QUOTE_LIMIT else text[:QUOTE_LIMIT] + "...") + "'"
