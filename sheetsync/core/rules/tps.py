"""The same TPS (kelurahan + number) on two or more rows."""

from __future__ import annotations

from typing import Iterator, TypeVar

import numpy as np
import pandas as pd

from sheetsync.core.issues import ERROR
from sheetsync.core.regions import tps_codes
from sheetsync.core.rules.context import Hits, RuleContext
from sheetsync.core.rules.registry import register


T = TypeVar("T")


@register("duplicate_tps")
def duplicate_tps(ctx: RuleContext) -> Iterator[Hits]:
    frame = ctx.frame
    key = tps_codes(frame)
    known = key >= 0
    dup = known & pd.Series(key).duplicated(keep=False).to_numpy()
    positions = np.flatnonzero(dup)
    if not len(positions):
        return
    # Only the duplicated rows are looked at one by one: they are few, and each
    # message names the other rows and the numbers that disagree.
    sheet_rows = ctx.sheet_rows[positions].tolist()
    fields = [c.field for c in ctx.config.columns if c.type == "integer" and c.field in ctx.present]
    numbers = [(ctx.header(f), _shown(frame[f].array[positions])) for f in fields]
    tps_no = frame["tps"].array[positions].to_numpy(dtype=np.int64, na_value=0).tolist()
    kel_names = frame["kelurahan"].iloc[positions].to_numpy(object).tolist()
    # one group per TPS (the integer key stands for tps_key: TPS numbers are 1..9999),
    # members in row order; the hits are put in row order below, so group order does not matter
    dup_keys = key[positions]
    order = np.argsort(dup_keys, kind="stable")
    groups = np.split(order, np.flatnonzero(np.diff(dup_keys[order])) + 1)
    rows_out, others, conflicts, tps_out, kel_out = [], [], [], [], []
    for members in (g.tolist() for g in groups):
        for i in members:
            rest = [j for j in members if j != i]
            rows_out.append(positions[i])
            others.append(", ".join(str(sheet_rows[j]) for j in rest))
            conflicts.append(_conflict(numbers, i, rest))
            tps_out.append(tps_no[i])
            kel_out.append(kel_names[i])
    order = np.argsort(rows_out, kind="stable")

    def pick(seq: list[T]) -> list[T]:
        return [seq[i] for i in order]

    yield Hits("duplicate_tps", ERROR, ctx.config.field_of_type("tps"), np.asarray(rows_out)[order], {
        "other_rows": pick(others), "conflict": pick(conflicts), "tps": pick(tps_out), "kelurahan": pick(kel_out),
    })


def _shown(values: pd.api.extensions.ExtensionArray) -> list[str]:
    return ["-" if v is pd.NA else str(v) for v in values.tolist()]


def _conflict(numbers: list[tuple[str, list[str]]], i: int, rest: list[int]) -> str:
    """"; Paslon 3: 120 ≠ 112" for every number that differs (language-neutral);
    numbers: (column header, shown values) per integer column."""
    parts = []
    for header, shown in numbers:
        values = [shown[i]] + [shown[j] for j in rest]
        if len(set(values)) > 1:
            parts.append(f"{header}: {' ≠ '.join(values)}")
    return ("; " + ", ".join(parts)) if parts else ""
