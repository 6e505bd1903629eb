"""Saksi coverage per kelurahan, kecamatan and kota.

A pure function of CheckResult.rows, like totals.py: it runs in the same sync
on the rows already read, so it costs no API call.  Per area:

- tps            TPS counted: planned (target table) where known, else entered rows
- tps_saksi      TPS with a saksi (a name or a phone typed on any of its rows), pct_saksi of tps;
                 a TPS typed twice is one TPS, so a duplicated row never hides a TPS without one
- tps_tanpa_saksi  tps - tps_saksi: where a kecamatan coordinator must still recruit
- saksi_bimtek   saksi who attended the briefing, pct_bimtek of tps_saksi
- n_koordinator  distinct coordinators with a row in the area
- tps_per_koordinator  TPS with a coordinator (a TPS typed twice once) / n_koordinator

No name or phone number leaves this module: only counts.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from sheetsync.core.config import Config
from sheetsync.core.phones import filled
from sheetsync.core.rules.people import koordinator_groups, people_fields
from sheetsync.core.regions import tps_codes
from sheetsync.core.totals import distinct_tps, percent, python_value

COVERAGE_COLUMNS = ("tps", "tps_saksi", "pct_saksi", "tps_tanpa_saksi", "saksi_bimtek", "pct_bimtek",
                    "n_koordinator", "tps_per_koordinator")
# what the summary tabs show (their TPS planned/entered columns are there already)
SUMMARY_COLUMNS = COVERAGE_COLUMNS[1:]


@dataclass
class Coverage:
    per_kelurahan: pd.DataFrame     # kode_kelurahan, kelurahan, kode_kecamatan, kecamatan + COVERAGE_COLUMNS
    per_kecamatan: pd.DataFrame     # kode_kecamatan, kecamatan + COVERAGE_COLUMNS
    kota: dict[str, Any]            # kota + COVERAGE_COLUMNS


def has_saksi(rows: pd.DataFrame, config: Config) -> np.ndarray | None:
    """Per row: a saksi name or phone typed (as rules/people.py counts them).
    None when the config has neither column."""
    roles = people_fields(config)
    cols = [f for f in (roles.saksi, roles.phone) if f and f in rows]
    if not cols:
        return None
    has = filled(rows[cols[0]].to_numpy(object))
    for f in cols[1:]:  # only where no name was typed
        rest = np.flatnonzero(~has)
        has[rest] = filled(rows[f].to_numpy(object)[rest])
    return has


def _bimtek(rows: pd.DataFrame, config: Config) -> np.ndarray:
    f = people_fields(config).bimtek
    if not f or f not in rows:
        return np.zeros(len(rows), dtype=bool)
    return np.asarray(rows[f].astype("boolean").fillna(False), dtype=bool)


def per_tps(rows: pd.DataFrame, flag: np.ndarray) -> np.ndarray:
    """The flag of each TPS on its first row (distinct_tps): true when any of the TPS's rows
    has it; rows without a TPS key stand for themselves. False on the other copies."""
    key = tps_codes(rows)
    known = key >= 0
    out = flag.copy()
    if known.any():
        out[known] = pd.Series(flag[known]).groupby(key[known]).transform("max").to_numpy(bool)
    return np.asarray(out & distinct_tps(rows))


def _koordinator(rows: pd.DataFrame, config: Config) -> np.ndarray:
    f = people_fields(config).koordinator
    if not f or f not in rows:
        return np.full(len(rows), -1, dtype=np.int64)
    group, _ = koordinator_groups(rows[f].to_numpy(object))
    return group.astype(np.int64)


def _counts(codes: np.ndarray, size: int, tps: "_PerTps", koord: np.ndarray, planned: Any) -> dict[str, np.ndarray]:
    """Coverage columns per area; codes are area numbers (-1 = not placed)."""
    placed = codes >= 0

    def count(mask: np.ndarray) -> np.ndarray:
        return np.bincount(codes[mask & placed], minlength=size)[:size]

    entered = count(tps.first)
    base = np.where(pd.isna(planned), entered, pd.array(planned, dtype="Int64").fillna(0).to_numpy(np.int64)) \
        if planned is not None else entered
    with_saksi = count(tps.saksi)
    briefed = count(tps.briefed)
    has_k = placed & (koord >= 0)
    width = int(koord.max(initial=0)) + 1
    pairs = np.sort(codes[has_k] * width + koord[has_k])    # (area, koordinator), sorted
    pairs = pairs[np.r_[True, pairs[1:] != pairs[:-1]]] if len(pairs) else pairs
    n_koord = np.bincount(pairs // width, minlength=size)[:size]
    with np.errstate(divide="ignore", invalid="ignore"):
        per_k = np.round(count(tps.first & (koord >= 0)) / n_koord, 1)
    return {
        "tps": base.astype(np.int64), "tps_saksi": with_saksi, "pct_saksi": percent(with_saksi, base),
        "tps_tanpa_saksi": np.maximum(base - with_saksi, 0), "saksi_bimtek": briefed,
        "pct_bimtek": percent(briefed, with_saksi), "n_koordinator": n_koord,
        "tps_per_koordinator": np.where(n_koord > 0, per_k, np.nan),
    }


@dataclass(frozen=True)
class _PerTps:
    """Per row, each true on the first row of a TPS only (see per_tps)."""
    first: np.ndarray
    saksi: np.ndarray
    briefed: np.ndarray


def compute_coverage(rows: pd.DataFrame, config: Config) -> Coverage | None:
    """Coverage tables, or None when the config has no saksi column."""
    saksi = has_saksi(rows, config)
    if saksi is None:
        return None
    koord = _koordinator(rows, config)
    tps = _PerTps(distinct_tps(rows), per_tps(rows, saksi), per_tps(rows, saksi & _bimtek(rows, config)))
    regions = config.regions
    kecs, kels = regions.kecamatan, regions.kelurahan

    kel_codes = rows["kode_kelurahan"].cat.codes.to_numpy(np.int64)
    per_kel = pd.DataFrame({
        "kode_kelurahan": [k.code for k in kels], "kelurahan": [k.name for k in kels],
        "kode_kecamatan": [k.kecamatan_code for k in kels],
        "kecamatan": [regions.kecamatan_name(k.kecamatan_code) for k in kels],
        **_counts(kel_codes, len(kels), tps, koord, None)})

    targets = [config.targets.get(k.code) for k in kecs]
    planned = pd.array([t.planned_tps if t else None for t in targets], dtype="Int64")
    kec_codes = rows["kode_kecamatan"].cat.codes.to_numpy(np.int64)
    per_kec = pd.DataFrame({"kode_kecamatan": [k.code for k in kecs], "kecamatan": [k.name for k in kecs],
                            **_counts(kec_codes, len(kecs), tps, koord, planned)})

    plan = config.targets.by_kecamatan
    kota_planned = pd.array([sum(t.planned_tps for t in plan) if plan else None], dtype="Int64")
    # the kota counts every non-blank row, placed or not
    kota = _counts(np.zeros(len(rows), np.int64), 1, tps, koord, kota_planned)
    kota_row = {"kota": regions.kota, **{k: python_value(v[0]) for k, v in kota.items()}}
    return Coverage(per_kelurahan=per_kel, per_kecamatan=per_kec, kota=kota_row)


def tps_without_saksi(rows: pd.DataFrame, config: Config) -> pd.DataFrame:
    """The TPS rows still without a saksi, by kecamatan, kelurahan and TPS number
    (sheet row included, never a name): where to recruit."""
    saksi = has_saksi(rows, config)
    cols = ["kecamatan", "kelurahan", "tps"]
    if saksi is None:
        return pd.DataFrame(columns=["row", *cols])
    out = rows.loc[~saksi, cols].reset_index(names="row")
    return out.sort_values(["kecamatan", "kelurahan", "tps", "row"], na_position="last").reset_index(drop=True)
