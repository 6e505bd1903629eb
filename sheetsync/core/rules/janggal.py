"""Anomaly flags (janggal_*): results that add up but are unlikely.

Only rows whose C.Hasil is complete and consistent (paslon votes add up to suara sah,
sah + tidak sah to pengguna hak pilih) are compared: a row that does not add up has its
own errors already. Each flag is a warning (PERIKSA at most) and leaves the row's votes in
the totals: an unlikely result may be true, and a person looks at the photo to know.

Turnout and each paslon's share use the modified z-score of Iglewicz & Hoaglin (1993) on
the median absolute deviation: z = 0.6745 (x - median) / MAD. The median is the kelurahan's
(its kecamatan's when the kelurahan has fewer than min_group_tps compared TPS; a smaller
kecamatan is not compared), the MAD that of the kecamatan's deviations from those medians.
The median and MAD are robust: a few bad rows do not move them, where a mean and standard
deviation would be dragged toward the very rows to be found. When more than half of the
deviations are equal (MAD = 0) the mean absolute deviation stands in, z = (x - median) /
(1.2533 MeanAD), as the same authors advise. A row is tested on several statistics, so each
must pass the bar that keeps a row's chance of a flag that of one test at
rules.janggal.max_robust_z (3.5): see per_test_bar().
"""

from __future__ import annotations

from dataclasses import dataclass
from statistics import NormalDist
from typing import Iterator

import numpy as np
import pandas as pd

from sheetsync.core.config import JanggalSettings
from sheetsync.core.issues import WARNING, register_message
from sheetsync.core.rules.context import Hits, RuleContext
from sheetsync.core.rules.registry import register

MAD_SCALE = 0.6745        # MAD of a normal distribution in standard deviations
MEAN_AD_SCALE = 1.2533    # sqrt(pi/2): its mean absolute deviation, for a group with MAD = 0
MAX_OTHERS = 5            # TPS named in an identical-numbers message; more become "+N"
register_message(
    "janggal_turnout",
    "Baris {row}: partisipasi {value}% jauh dari median {level} {area} {median}% "
    "(z robust {z}, batas {max_z})",
    "Row {row}: turnout {value}% is far from the median of {level} {area}, {median}% "
    "(robust z {z}, limit {max_z})")
register_message(
    "janggal_share",
    "Baris {row}: suara {column} {value}% dari suara sah, jauh dari median {level} {area} {median}% "
    "(z robust {z}, batas {max_z})",
    "Row {row}: {column} has {value}% of the valid votes, far from the median of {level} {area}, "
    "{median}% (robust z {z}, limit {max_z})")
register_message(
    "janggal_identical",
    "Baris {row}: suara paslon {votes} sama persis dengan {others} di kelurahan {area}",
    "Row {row}: candidate votes {votes} are exactly those of {others} in kelurahan {area}")
register_message(
    "janggal_sah_dpt",
    "Baris {row}: suara sah {sah} sama persis dengan DPT {dpt} (semua pemilih datang, "
    "tidak ada suara tidak sah)",
    "Row {row}: valid votes {sah} are exactly the DPT {dpt} (every voter came, no vote was invalid)")


@dataclass(frozen=True)
class Groups:
    """Per row: its kelurahan and kecamatan (-1 unknown), and whether it is compared."""
    kelurahan: np.ndarray
    kecamatan: np.ndarray
    names_kelurahan: np.ndarray
    names_kecamatan: np.ndarray
    consistent: np.ndarray     # complete and adds up
    compared: np.ndarray       # ...and placed in a kelurahan


@dataclass(frozen=True)
class Statistic:
    """One column of the robust z-scores: turnout, or one paslon's share of suara sah."""
    code: str                # janggal_turnout | janggal_share
    field: str
    column: str | None       # the paslon's header, for its share


@register("janggal")
def janggal(ctx: RuleContext) -> Iterator[Hits]:
    settings = ctx.config.rules.janggal
    if not settings.enabled:
        return
    groups = _groups(ctx)   # shared by the four flags: the consistency mask is worked out once
    statistics, values = _statistics(ctx, groups)
    yield from _outliers(statistics, values, groups, settings)
    yield from identical(ctx, groups, settings)
    yield from sah_equals_dpt(ctx, groups, settings)


def _consistent(ctx: RuleContext) -> np.ndarray:
    """Rows whose C.Hasil is complete and adds up (what the checks in chasil.py ask)."""
    n = len(ctx.frame)
    ok = ctx.frame["results_complete"].to_numpy(bool).copy()
    paslon = [f for f in ctx.config.rules.paslon_fields if ctx.has(f)]
    if not paslon or not ctx.has("suara_sah"):
        return np.zeros(n, dtype=bool)
    sah = ctx.ints("suara_sah")[0]
    ok &= np.sum([ctx.ints(f)[0] for f in paslon], axis=0) == sah
    if ctx.has("suara_tidak_sah", "pengguna_hak_pilih"):
        ok &= sah + ctx.ints("suara_tidak_sah")[0] == ctx.ints("pengguna_hak_pilih")[0]
    return ok


def _groups(ctx: RuleContext) -> Groups:
    frame = ctx.frame
    kel, kec = frame["kode_kelurahan"].cat.codes.to_numpy(np.int64), frame["kode_kecamatan"].cat.codes.to_numpy(np.int64)
    consistent = _consistent(ctx)
    return Groups(kel, kec, np.asarray(frame["kelurahan"].cat.categories, dtype=object),
                  np.asarray(frame["kecamatan"].cat.categories, dtype=object), consistent,
                  consistent & (kel >= 0) & (kec >= 0))


def _statistics(ctx: RuleContext, groups: Groups) -> tuple[list[Statistic], np.ndarray]:
    """Turnout (pengguna hak pilih / DPT) and each paslon's share of suara sah, one column
    each, NaN where the row is not compared or the share has no denominator."""
    statistics, columns = [], []
    if ctx.has("pengguna_hak_pilih", "dpt"):
        dpt = ctx.ints("dpt")[0]
        columns.append(np.where(dpt > 0, ctx.ints("pengguna_hak_pilih")[0] / np.maximum(dpt, 1), np.nan))
        statistics.append(Statistic("janggal_turnout", "pengguna_hak_pilih", None))
    if ctx.has("suara_sah"):
        sah = ctx.ints("suara_sah")[0]
        for field in (f for f in ctx.config.rules.paslon_fields if ctx.has(f)):
            columns.append(np.where(sah > 0, ctx.ints(field)[0] / np.maximum(sah, 1), np.nan))
            statistics.append(Statistic("janggal_share", field, ctx.header(field)))
    values = np.column_stack(columns) if columns else np.empty((len(ctx.frame), 0))
    values[~groups.compared] = np.nan
    return statistics, values


def robust_z(values: np.ndarray, center: np.ndarray, scale: np.ndarray
             ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(modified z-score, median of the row's centre group, values in its scale group) per
    row and column of `values` (NaN: not compared); NaN z where a group has no spread.

    The median is taken in the centre group (the kelurahan) and the MAD of the deviations
    from those medians in the scale group (the kecamatan): a MAD of 15 values is itself so
    uncertain that z-scores on it have heavy tails (measured: 2% of honest TPS over 3.5),
    and pooling the spread over the kecamatan's few hundred TPS keeps the 3.5 meaningful.
    All columns are grouped at once (a third less CPU than one grouping per column)."""
    z = np.full(values.shape, np.nan)
    median, size = z.copy(), np.zeros(values.shape, dtype=np.int64)
    rows = np.flatnonzero(~np.isnan(values).all(axis=1))
    if not len(rows) or not values.shape[1]:
        return z, median, size
    x = values[rows]
    med = pd.DataFrame(x).groupby(center[rows], sort=False).transform("median").to_numpy()
    deviations = pd.DataFrame(np.abs(x - med)).groupby(scale[rows], sort=False)
    mad, mean_ad, count = (deviations.transform(f).to_numpy() for f in ("median", "mean", "count"))
    spread = np.where(mad > 0, mad / MAD_SCALE, mean_ad * MEAN_AD_SCALE)
    with np.errstate(divide="ignore", invalid="ignore"):
        z[rows] = np.where(spread > 0, (x - med) / spread, np.nan)
    median[rows], size[rows] = med, count
    return z, median, size


def _outliers(statistics: list[Statistic], values: np.ndarray, groups: Groups,
              settings: JanggalSettings) -> Iterator[Hits]:
    """Rows whose value is far from their kelurahan's (or, in a kelurahan with fewer than
    min_group_tps compared TPS, their kecamatan's) median, one Hits per statistic."""
    if not statistics:
        return
    in_kelurahan = np.bincount(groups.kelurahan[groups.compared], minlength=len(groups.names_kelurahan))
    small = np.append(in_kelurahan < settings.min_group_tps, True)[groups.kelurahan]
    center = np.where(small, len(groups.names_kelurahan) + groups.kecamatan, groups.kelurahan)
    z, median, size = robust_z(values, center, groups.kecamatan)
    bar = per_test_bar(settings.max_robust_z, len(statistics))
    with np.errstate(invalid="ignore"):
        far = (np.abs(z) > bar) & (size >= settings.min_group_tps)
    for j, statistic in enumerate(statistics):
        rows = np.flatnonzero(far[:, j])
        small_hit = small[rows]
        area = np.where(small_hit, groups.names_kecamatan[groups.kecamatan[rows]],
                        groups.names_kelurahan[groups.kelurahan[rows]])
        params = {"value": _pct(values[rows, j]), "median": _pct(median[rows, j]), "area": area.tolist(),
                  "level": np.where(small_hit, "kecamatan", "kelurahan").astype(object).tolist(),
                  "z": np.round(z[rows, j], 1).tolist(), "max_z": bar}
        if statistic.column is not None:
            params["column"] = statistic.column
        yield Hits(statistic.code, WARNING, statistic.field, rows, params)


def _pct(share: np.ndarray) -> list[float]:
    shown: list[float] = np.round(share * 100.0, 1).tolist()
    return shown


def per_test_bar(max_z: float, tests: int) -> float:
    """The |z| each of a row's `tests` statistics must pass so that an honest row is flagged
    as often as by one statistic at max_z (Sidak's correction, for normal tails): a row
    is tested on its turnout and on every paslon's share, and without this four tests at
    3.5 flagged 1-1.4% of the honest TPS of the synthetic evening instead of ~0.2%."""
    if tests <= 1:
        return max_z
    normal = NormalDist()
    alpha = 2 * (1 - normal.cdf(max_z))
    return round(normal.inv_cdf(1 - (1 - (1 - alpha) ** (1 / tests)) / 2), 2)


def identical(ctx: RuleContext, groups: Groups, settings: JanggalSettings) -> Iterator[Hits]:
    paslon = [f for f in ctx.config.rules.paslon_fields if ctx.has(f)]
    if len(paslon) < 2:
        return
    votes = np.column_stack([ctx.ints(f)[0] for f in paslon])
    tps = ctx.frame["tps"].to_numpy(dtype=np.int64, na_value=-1)
    use = groups.compared & (votes.sum(axis=1) >= settings.min_identical_votes) & (tps >= 0)
    rows = np.flatnonzero(use)
    table = pd.DataFrame(votes[rows], columns=paslon)
    table.insert(0, "_kelurahan", groups.kelurahan[rows])
    same = table.duplicated(keep=False).to_numpy()   # hashes whole rows: no pairwise loop
    rows = rows[same]
    if not len(rows):
        return
    vector = pd.Series(list(map(tuple, np.column_stack([groups.kelurahan[rows], votes[rows]]).tolist())))
    hit, others = [], []
    for members in vector.groupby(vector, sort=False).indices.values():
        members_rows = rows[members]
        numbers = sorted(set(tps[members_rows].tolist()))
        if len(numbers) < settings.min_identical_tps:   # one TPS typed twice: duplicate_tps says so
            continue
        for r in members_rows.tolist():
            hit.append(r)
            others.append(_others(tps[r], numbers))
    hit_rows = np.array(hit, dtype=np.int64)
    yield Hits("janggal_identical", WARNING, None, hit_rows, {
        "votes": ["-".join(map(str, v)) for v in votes[hit_rows].tolist()], "others": others,
        "area": groups.names_kelurahan[groups.kelurahan[hit_rows]].tolist()})


def _others(own: int, numbers: list[int]) -> str:
    other = [n for n in numbers if n != own]
    named = ", ".join(f"TPS {n}" for n in other[:MAX_OTHERS])
    return named + (f" +{len(other) - MAX_OTHERS}" if len(other) > MAX_OTHERS else "")


def sah_equals_dpt(ctx: RuleContext, groups: Groups, settings: JanggalSettings) -> Iterator[Hits]:
    if not settings.sah_equals_dpt or not ctx.has("suara_sah", "dpt"):
        return
    sah = ctx.ints("suara_sah")[0]
    dpt, dpt_filled = ctx.ints("dpt")
    rows = np.flatnonzero(groups.consistent & dpt_filled & (dpt > 0) & (sah == dpt))
    yield Hits("janggal_sah_dpt", WARNING, "suara_sah", rows, {"sah": sah[rows], "dpt": dpt[rows]})
