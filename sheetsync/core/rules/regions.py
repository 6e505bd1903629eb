"""Region rules: unknown kecamatan or kelurahan, kelurahan not in the kecamatan typed."""

from __future__ import annotations

from typing import Iterator

import numpy as np

from sheetsync.core.issues import ERROR
from sheetsync.core.rules.context import Hits, RuleContext
from sheetsync.core.rules.registry import register
from sheetsync.core.rules.cells import typed_values


@register("regions")
def region_rules(ctx: RuleContext) -> Iterator[Hits]:
    kec_field, kel_field = ctx.config.field_of_type("kecamatan"), ctx.config.field_of_type("kelurahan")
    frame, regions = ctx.frame, ctx.config.regions
    kec_known = frame["kode_kecamatan"].notna().to_numpy()
    if kec_field in ctx.present:
        rows = np.flatnonzero(~ctx.parsed[kec_field].blank & ~kec_known)
        yield Hits("unknown_kecamatan", ERROR, kec_field, rows,
                   {"column": ctx.header(kec_field), "value": typed_values(ctx, kec_field, rows)})
    if kel_field not in ctx.present:
        return
    unresolved = ~ctx.parsed[kel_field].blank & frame["kode_kelurahan"].isna().to_numpy()
    elsewhere = frame["_kelurahan_elsewhere"].to_numpy()
    misplaced = unresolved & kec_known & (elsewhere >= 0)
    rows = np.flatnonzero(misplaced)
    names = np.array([k.name for k in regions.kecamatan], dtype=object)
    yield Hits("kelurahan_not_in_kecamatan", ERROR, kel_field, rows, {
        "column": ctx.header(kel_field),
        "value": typed_values(ctx, kel_field, rows),
        "kecamatan": frame["kecamatan"].to_numpy(object)[rows].tolist(),
        "other": names[elsewhere[rows]].tolist(),
    })
    # With the kecamatan unknown, a name that exists (but is not unique) is not
    # flagged again: the kecamatan error already says what to fix.
    rows = np.flatnonzero(unresolved & ~misplaced & (kec_known | (elsewhere < 0)))
    yield Hits("unknown_kelurahan", ERROR, kel_field, rows,
               {"column": ctx.header(kel_field), "value": typed_values(ctx, kel_field, rows)})
