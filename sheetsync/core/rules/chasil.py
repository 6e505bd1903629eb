"""C.Hasil consistency, DPT and target checks.

A check runs only where every number it needs is filled: a blank is "not yet
filled", never zero.  So a row in the planning phase (no results yet) is never
SALAH for its empty result cells; a row with some results filled lists the blank
ones: BELUM DIISI, or PERIKSA once every paslon cell is filled (partial results).
"""

from __future__ import annotations

from typing import Iterator

import numpy as np

from sheetsync.core.issues import BELUM_DIISI, ERROR, WARNING
from sheetsync.core.rules.context import Hits, RuleContext
from sheetsync.core.rules.registry import register


@register("dpt")
def dpt_over_max(ctx: RuleContext) -> Iterator[Hits]:
    if not ctx.has("dpt"):
        return
    dpt, filled = ctx.ints("dpt")
    limit = ctx.config.rules.max_dpt
    rows = np.flatnonzero(filled & (dpt > limit))
    yield Hits("dpt_over_max", ERROR, "dpt", rows, {"column": ctx.header("dpt"), "value": dpt[rows], "max": limit})


@register("results_incomplete")
def results_incomplete(ctx: RuleContext) -> Iterator[Hits]:
    """Some result cells filled, others blank.  With every paslon cell filled the votes are
    in (election night: suara sah and pengguna hak pilih come later): PERIKSA, naming what
    is still blank.  With a paslon cell blank the row is still being typed: BELUM DIISI."""
    fields = [f for f in ctx.result_fields if ctx.has(f)]
    if not fields:
        return
    blank = np.column_stack([ctx.parsed[f].blank for f in fields])
    some = (~blank).any(axis=1) & blank.any(axis=1)
    paslon_in = ctx.frame["paslon_filled"].to_numpy(bool)
    headers = np.array([ctx.header(f) for f in fields], dtype=object)
    for code, rows, status in (("results_incomplete", np.flatnonzero(some & ~paslon_in), BELUM_DIISI),
                               ("results_partial", np.flatnonzero(some & paslon_in), None)):
        missing = [", ".join(headers[b]) for b in blank[rows]]
        yield Hits(code, WARNING, None, rows, {"missing": missing}, status=status)


def _all(ctx: RuleContext, fields: tuple[str, ...] | list[str]) -> tuple[list[np.ndarray], np.ndarray] | None:
    if not fields or not ctx.has(*fields):
        return None
    pairs = [ctx.ints(f) for f in fields]
    filled = np.logical_and.reduce([p[1] for p in pairs])
    return [p[0] for p in pairs], filled


@register("chasil")
def chasil(ctx: RuleContext) -> Iterator[Hits]:
    paslon = list(ctx.config.rules.paslon_fields)
    got = _all(ctx, paslon + ["suara_sah"])
    if got:
        values, filled = got
        total, sah = np.sum(values[:-1], axis=0), values[-1]
        rows = np.flatnonzero(filled & (total != sah))
        yield Hits("sum_paslon_ne_sah", ERROR, "suara_sah", rows, {"sum_paslon": total[rows], "sah": sah[rows]})
    got = _all(ctx, ["suara_sah", "suara_tidak_sah", "pengguna_hak_pilih"])
    if got:
        (sah, tidak, pengguna), filled = got
        rows = np.flatnonzero(filled & (sah + tidak != pengguna))
        yield Hits("sah_tidak_sah_ne_pengguna", ERROR, "pengguna_hak_pilih", rows, {
            "sah": sah[rows], "tidak_sah": tidak[rows], "total": (sah + tidak)[rows], "pengguna": pengguna[rows]})
    got = _all(ctx, ["pengguna_hak_pilih", "dpt", "dpph", "dptb"])
    if got:
        (pengguna, dpt, dpph, dptb), filled = got
        limit = dpt + dpph + dptb
        rows = np.flatnonzero(filled & (pengguna > limit))
        yield Hits("pengguna_over_dpt", ERROR, "pengguna_hak_pilih", rows,
                   {"pengguna": pengguna[rows], "limit": limit[rows]})
    yield from _paslon_over_dpt(ctx, paslon)


def _paslon_over_dpt(ctx: RuleContext, paslon: list[str]) -> Iterator[Hits]:
    # The sum of the paslon cells filled so far can only grow, so it is checked
    # as soon as one is filled (Kawal Pemilu 2024: error above DPT x 1.02).
    if not paslon or not ctx.has("dpt", *paslon):
        return
    pairs = [ctx.ints(f) for f in paslon]
    total = np.sum([p[0] for p in pairs], axis=0)
    any_filled = np.logical_or.reduce([p[1] for p in pairs])
    dpt, dpt_filled = ctx.ints("dpt")
    tolerance = ctx.config.rules.dpt_tolerance
    limit = dpt * tolerance
    rows = np.flatnonzero(any_filled & dpt_filled & (total > limit))
    yield Hits("paslon_over_dpt", ERROR, None, rows, {
        "sum_paslon": total[rows], "tolerance": f"{tolerance:g}", "limit": np.floor(limit[rows]).astype(np.int64)})


@register("target")
def target_over_dpt(ctx: RuleContext) -> Iterator[Hits]:
    if not ctx.has("target", "dpt"):
        return
    target, t_filled = ctx.ints("target")
    dpt, d_filled = ctx.ints("dpt")
    rows = np.flatnonzero(t_filled & d_filled & (target > dpt))
    yield Hits("target_over_dpt", WARNING, "target", rows,
               {"column": ctx.header("target"), "value": target[rows], "dpt": dpt[rows]})
