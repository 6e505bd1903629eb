"""The same TPS (kelurahan + number) on two or more rows."""

from __future__ import annotations

from typing import Iterator

import numpy as np
import pandas as pd

from ..issues import ERROR
from . import Hits, RuleContext, register


@register("duplicate_tps")
def duplicate_tps(ctx: RuleContext) -> Iterator[Hits]:
    frame = ctx.frame
    keys = frame["tps_key"]
    dup = keys.notna().to_numpy() & keys.duplicated(keep=False).to_numpy()
    positions = np.flatnonzero(dup)
    if not len(positions):
        return
    # Only the duplicated rows are looked at one by one: they are few, and each
    # message names the other rows and the numbers that disagree.
    sheet_rows = ctx.sheet_rows
    fields = [c.field for c in ctx.config.columns if c.type == "integer" and c.field in ctx.present]
    sub = frame.iloc[positions]
    groups = pd.Series(positions).groupby(sub["tps_key"].to_numpy()).agg(list)
    rows_out, others, conflicts, tps_no, kel_names = [], [], [], [], []
    for members in groups:
        for pos in members:
            rest = [p for p in members if p != pos]
            rows_out.append(pos)
            others.append(", ".join(str(sheet_rows[p]) for p in rest))
            conflicts.append(_conflict(ctx, fields, pos, rest))
            tps_no.append(int(frame["tps"].iat[pos]))
            kel_names.append(frame["kelurahan"].iat[pos])
    order = np.argsort(rows_out, kind="stable")
    pick = lambda seq: [seq[i] for i in order]  # noqa: E731
    yield Hits("duplicate_tps", ERROR, next(c.field for c in ctx.config.columns if c.type == "tps"), np.asarray(rows_out)[order], {
        "other_rows": pick(others), "conflict": pick(conflicts), "tps": pick(tps_no), "kelurahan": pick(kel_names),
    })


def _conflict(ctx: RuleContext, fields: list[str], pos: int, rest: list[int]) -> str:
    """"; Paslon 3: 120 ≠ 112" for every number that differs (language-neutral)."""
    parts = []
    for f in fields:
        mine = ctx.frame[f].iat[pos]
        theirs = [ctx.frame[f].iat[p] for p in rest]
        shown = ["-" if pd.isna(v) else str(int(v)) for v in [mine, *theirs]]
        if len(set(shown)) > 1:
            parts.append(f"{ctx.header(f)}: {' ≠ '.join(shown)}")
    return ("; " + ", ".join(parts)) if parts else ""
