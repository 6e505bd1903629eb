"""Cell-level rules: required fields, numbers that are not non-negative integers,
TPS numbers, yes/no cells, and the bounds declared in the config."""

from __future__ import annotations

from typing import Iterator

import numpy as np

from sheetsync.core.cells import P_BAD_TPS, P_BAD_YESNO, P_BLANK, P_NEGATIVE, P_NOT_INTEGER, TEXT_TYPES, cell_text
from sheetsync.core.issues import ERROR
from sheetsync.core.rules.context import Hits, RuleContext
from sheetsync.core.rules.registry import register

_CELL_PROBLEMS = {
    P_NOT_INTEGER: "not_integer",
    P_NEGATIVE: "negative_number",
    P_BAD_TPS: "bad_tps_number",
    P_BAD_YESNO: "bad_yesno",
}


# A quoted value is clipped: a message lands in one cell, and Google refuses a write
# with a cell over 50,000 characters (a pasted 50,000-character value would block every sync).
MAX_QUOTED = 60


def clipped(value: object) -> str:
    """The cell as typed, clipped for quoting in a message."""
    text = cell_text(value)
    if "\n" in text or "\r" in text:  # a message is one line
        text = " ".join(text.split())
    return text if len(text) <= MAX_QUOTED else text[:MAX_QUOTED - 1] + "…"


def typed_values(ctx: RuleContext, field: str, rows: np.ndarray) -> list[str]:
    """The cells as typed, for the message (only for rows that are hit)."""
    return [clipped(v) for v in ctx.typed(field, rows)]


@register("required")
def required_missing(ctx: RuleContext) -> Iterator[Hits]:
    for col in ctx.config.columns:
        if col.required and col.field in ctx.present:
            rows = np.flatnonzero(ctx.parsed[col.field].problem == P_BLANK)
            yield Hits("required_missing", ERROR, col.field, rows, {"column": col.header})


@register("cell_format")
def bad_cells(ctx: RuleContext) -> Iterator[Hits]:
    for col in ctx.config.columns:
        if col.field not in ctx.present or col.type in TEXT_TYPES:  # a text cell is blank or not, never bad
            continue
        problem = ctx.parsed[col.field].problem
        for code_no, code in _CELL_PROBLEMS.items():
            rows = np.flatnonzero(problem == code_no)
            if len(rows):
                yield Hits(code, ERROR, col.field, rows,
                           {"column": col.header, "value": typed_values(ctx, col.field, rows)})


@register("bounds")
def out_of_bounds(ctx: RuleContext) -> Iterator[Hits]:
    for col in ctx.config.columns:
        if col.type != "integer" or col.field not in ctx.present:
            continue
        if not (col.min is not None and col.min > 0) and col.max is None:
            continue  # no bound to check: do not read the column
        values, filled = ctx.ints(col.field)
        if col.min is not None and col.min > 0:  # negatives already have their own message
            rows = np.flatnonzero(filled & (values < col.min))
            yield Hits("below_min", ERROR, col.field, rows,
                       {"column": col.header, "value": values[rows], "min": col.min})
        if col.max is not None:
            rows = np.flatnonzero(filled & (values > col.max))
            yield Hits("above_max", ERROR, col.field, rows,
                       {"column": col.header, "value": values[rows], "max": col.max})
