"""Totals per TPS, kelurahan, kecamatan, kota and koordinator, and the
reconciliation with the target table.  Pure functions of CheckResult.rows.

Definitions (also in docs/core.md):
- entered: distinct TPS placed in the area (kelurahan/kecamatan resolved; a TPS
  typed on two rows counts once, rows_entered counts rows); at kota level every
  non-blank row, duplicates once.
- reported: rows whose result cells are all filled and that have no error.
- votes (every paslon, suara sah/tidak sah, pengguna) sum the reported rows
  only; rows in error are left out and counted in tps_error.  Warnings count.
- votes all in (<paslon>_all_in, tps_paslon_in): the paslon votes of every row
  whose paslon cells are all filled, complete or not (election night: suara sah
  and pengguna hak pilih come later), left out by the same errors as above.
- double-checked (tps_verified, <paslon>_verified), with a second entry configured: counted
  rows whose second entry agrees field by field (rules/double_entry.py); tps_unchecked are
  counted rows without an agreeing second entry yet, tps_entries_differ rows whose two
  entries disagree. The votes of all counted rows stay the main totals.
- target of a row: its target cell, or (blank) kecamatan target / planned TPS.
  Kecamatan and kota targets come from the target table.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Mapping

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

from sheetsync.core.config import Config, result_fields
from sheetsync.core.issues import BELUM_DIISI, OK, PERIKSA
from sheetsync.core.regions import tps_codes
from sheetsync.core.rules.people import BELUM_ADA_SAKSI, koordinator_groups_of
from sheetsync.core.rules.double_entry import DOUBLE_CHECKED, ENTRIES_DIFFER
from sheetsync.core.rules.photo import HAS_PHOTO, photo_field

COUNT_COLUMNS = ("tps_entered", "tps_reported", "tps_error", "tps_periksa", "tps_belum")


class Totals:
    """per_tps, per_kelurahan, per_kecamatan, kota, per_koordinator.

    Each table is computed on first access: a sync that writes no coordinator
    tab never pays for grouping 100,000 coordinator names."""

    def __init__(self, rows: pd.DataFrame, config: Config,
                 factorized: Mapping[str, tuple[np.ndarray, np.ndarray]] | None = None):
        # factorized: field -> pd.factorize of its cells as typed, aligned with rows, where
        # check() has it already (the koordinator rule): not hashed a second time here
        self._rows, self._config = rows, config
        self._factorized = dict(factorized or {})

    @cached_property
    def masks(self) -> RowMasks:
        return row_masks(self._rows, self._config)   # shared by every table below

    @cached_property
    def per_tps(self) -> pd.DataFrame:
        return per_tps(self._rows, self._config)

    @cached_property
    def per_kelurahan(self) -> pd.DataFrame:
        return per_kelurahan(self._rows, self._config, self.masks)

    @cached_property
    def per_kecamatan(self) -> pd.DataFrame:
        return per_kecamatan(self._rows, self._config, self.masks)

    @cached_property
    def kota(self) -> dict[str, Any]:
        return kota_totals(self._rows, self._config, self.masks)

    @cached_property
    def per_koordinator(self) -> pd.DataFrame | None:
        field = self._config.rules.coordinator_field
        return per_koordinator(self._rows, self._config, self.masks, self._factorized.get(field or ""))


def vote_fields(config: Config) -> list[str]:
    fields = {c.field for c in config.columns}
    return [f for f in result_fields(config) if f in fields]


def paslon_fields(config: Config) -> list[str]:
    """The paslon fields the config has columns for: what the totals of votes all in add up."""
    fields = {c.field for c in config.columns}
    return [f for f in config.rules.paslon_fields if f in fields]


def all_in(field: str) -> str:
    """The totals key of a paslon's votes from every row with paslon votes, partial ones included."""
    return f"{field}_all_in"


def verified(field: str) -> str:
    """The totals key of a paslon's votes from the double-checked rows only."""
    return f"{field}_verified"


def _undoubted(rows: pd.DataFrame) -> np.ndarray:
    """No error that casts doubt on the row's numbers (a bad saksi phone makes a row SALAH
    but leaves its C.Hasil standing)."""
    doubts = rows["n_count_errors"] if "n_count_errors" in rows else rows["n_errors"]
    return np.asarray(doubts.to_numpy() == 0)


def _counted(rows: pd.DataFrame) -> np.ndarray:
    """Rows whose votes count: results complete, and no error that casts doubt on them."""
    return np.asarray(rows["results_complete"].to_numpy(bool) & _undoubted(rows))


def _paslon_in(rows: pd.DataFrame) -> np.ndarray:
    """Rows whose paslon votes count in the totals of votes all in: every paslon cell
    filled (the rest of the C.Hasil may still be blank), and no error that doubts them.
    Every counted row is one of them."""
    return np.asarray(rows["paslon_filled"].to_numpy(bool) & _undoubted(rows))


def distinct_tps(rows: pd.DataFrame) -> np.ndarray:
    """True for the first row of each TPS key and for rows without one: a TPS typed
    twice is one TPS entered (its rows are duplicate_tps errors)."""
    key = tps_codes(rows)
    return (key < 0) | ~pd.Series(key).duplicated(keep="first").to_numpy()


@dataclass(frozen=True)
class RowMasks:
    """Per-row facts every table groups by: computed once per Totals, not per table."""
    first: np.ndarray      # distinct_tps(rows)
    counted: np.ndarray    # _counted(rows)
    error: np.ndarray      # n_errors > 0
    periksa: np.ndarray
    belum: np.ndarray
    not_ok: np.ndarray
    paslon_in: np.ndarray  # _paslon_in(rows): whose paslon votes the totals of votes all in add up
    votes: dict[str, np.ndarray] = field(default_factory=dict)  # field -> float64 per row, 0 where blank
    # field -> float64 of the counted rows only (votes[f][counted]): what every table sums,
    # taken once instead of once per table and field; row_masks fills this, not votes
    counted_votes: dict[str, np.ndarray] = field(default_factory=dict)
    # paslon field -> float64 of the paslon_in rows only: what the totals of votes all in sum
    paslon_in_votes: dict[str, np.ndarray] = field(default_factory=dict)
    target: np.ndarray | None = None                              # target_effective, 0 where unknown
    photo: np.ndarray | None = None    # a well-formed C.Hasil photo link; None: no photo column
    # the double_entry rule's verdicts; None: no second entry configured
    double_checked: np.ndarray | None = None
    entries_differ: np.ndarray | None = None


def _has_photo(rows: pd.DataFrame, config: Config | None) -> np.ndarray | None:
    """The photo rule's verdict per row; None when the config has no photo column."""
    if config is None or photo_field(config) is None:
        return None
    return rows[HAS_PHOTO].to_numpy(bool) if HAS_PHOTO in rows else np.zeros(len(rows), dtype=bool)


def row_masks(rows: pd.DataFrame, config: Config | None = None) -> RowMasks:
    status = rows["status"].to_numpy(object)
    counted, paslon_in = _counted(rows), _paslon_in(rows)
    votes = {f: rows[f].to_numpy(dtype=np.float64, na_value=0.0)[counted] for f in vote_fields(config)} \
        if config else {}
    votes_in = {f: rows[f].to_numpy(dtype=np.float64, na_value=0.0)[paslon_in] for f in paslon_fields(config)} \
        if config else {}
    return RowMasks(
        first=distinct_tps(rows), counted=counted, error=rows["n_errors"].to_numpy() > 0,
        periksa=status == PERIKSA,
        # BELUM ADA SAKSI is given only to rows without results: not filled either
        belum=(status == BELUM_DIISI) | (status == BELUM_ADA_SAKSI),
        not_ok=status != OK, paslon_in=paslon_in,
        counted_votes=votes, paslon_in_votes=votes_in,
        target=np.nan_to_num(rows["target_effective"].to_numpy(np.float64)),
        photo=_has_photo(rows, config),
        double_checked=_verdict(rows, config, DOUBLE_CHECKED), entries_differ=_verdict(rows, config, ENTRIES_DIFFER))


def _verdict(rows: pd.DataFrame, config: Config | None, column: str) -> np.ndarray | None:
    """A double_entry verdict per row; None when the config has no second entry."""
    if config is None or config.double_entry is None:
        return None
    return rows[column].to_numpy(bool) if column in rows else np.zeros(len(rows), dtype=bool)


def _sums(codes: np.ndarray, size: int, rows: pd.DataFrame, config: Config,
          masks: RowMasks | None = None, votes: bool = True) -> dict[str, np.ndarray]:
    """Counts and vote sums per group; codes are group numbers (-1 = no group).
    votes=False: the counts only (the per-koordinator table shows no votes)."""
    masks = masks or row_masks(rows, config)
    placed = codes >= 0
    counted = masks.counted & placed
    first = masks.first

    def count(mask: np.ndarray) -> np.ndarray:
        return np.bincount(codes[mask & placed], minlength=size)[:size]

    out: dict[str, np.ndarray] = {
        "tps_entered": count(first),
        "rows_entered": np.bincount(codes[placed], minlength=size)[:size],
        "tps_reported": count(counted),
        "tps_error": count(masks.error),
        "tps_periksa": count(masks.periksa),
        "tps_belum": count(masks.belum),
    }
    if masks.photo is not None:  # "TPS dengan foto": distinct TPS with a well-formed link
        out["tps_photo"] = count(first & masks.photo)
    if masks.double_checked is not None and masks.entries_differ is not None:
        checked = counted & masks.double_checked
        out["tps_verified"] = count(first & checked)
        out["tps_unchecked"] = count(first & counted & ~masks.double_checked & ~masks.entries_differ)
        out["tps_entries_differ"] = count(first & masks.entries_differ)
    if not votes:
        return out
    # the group of each counted row, once for every vote field; unplaced rows go to an extra
    # bin, dropped below (each bin adds the same rows in the same order as before)
    group = np.where(placed, codes, size)[masks.counted]
    for f in vote_fields(config):
        values = masks.counted_votes.get(f)
        if values is None:
            full = masks.votes[f] if f in masks.votes else rows[f].to_numpy(dtype=np.float64, na_value=0.0)
            values = full[masks.counted]
        out[f] = _group_sums(group, values, size)
    out.update(_sums_all_in(codes, size, rows, config, masks))
    out.update(_sums_verified(codes, size, rows, config, masks))
    target = masks.target if masks.target is not None else np.nan_to_num(rows["target_effective"].to_numpy(np.float64))
    one = placed & first  # a duplicated TPS has one target
    out["target_tps"] = np.round(np.bincount(codes[one], weights=target[one], minlength=size)[:size], 2)
    return out


def _group_sums(group: np.ndarray, values: np.ndarray, size: int) -> np.ndarray:
    """Whole-number sums of values per group; group == size is the bin of unplaced rows, dropped."""
    return np.rint(np.bincount(group, weights=values, minlength=size + 1)[:size]).astype(np.int64)


def _sums_all_in(codes: np.ndarray, size: int, rows: pd.DataFrame, config: Config,
                 masks: RowMasks) -> dict[str, np.ndarray]:
    """TPS with paslon votes in, and each paslon's votes from them (partial rows included)."""
    fields = paslon_fields(config)
    if not fields:
        return {}
    paslon_in = masks.paslon_in
    placed = codes >= 0
    out = {"tps_paslon_in": np.bincount(codes[paslon_in & placed], minlength=size)[:size]}
    group = np.where(placed, codes, size)[paslon_in]
    for f in fields:
        values = masks.paslon_in_votes.get(f)
        if values is None:
            values = rows[f].to_numpy(dtype=np.float64, na_value=0.0)[paslon_in]
        out[all_in(f)] = _group_sums(group, values, size)
    return out


def _sums_verified(codes: np.ndarray, size: int, rows: pd.DataFrame, config: Config,
                   masks: RowMasks) -> dict[str, np.ndarray]:
    """Each paslon's votes from the counted rows whose second entry agrees."""
    if masks.double_checked is None:
        return {}
    checked = masks.counted & masks.double_checked
    placed = codes >= 0
    group = np.where(placed, codes, size)[checked]
    return {verified(f): _group_sums(group, rows[f].to_numpy(dtype=np.float64, na_value=0.0)[checked], size)
            for f in paslon_fields(config)}


def percent(part: ArrayLike, whole: ArrayLike) -> np.ndarray:
    """part / whole in percent, one decimal; NaN where whole is 0 or unknown."""
    with np.errstate(divide="ignore", invalid="ignore"):
        pct = np.round(np.asarray(part, dtype=np.float64) * 100.0 / np.asarray(whole, dtype=np.float64), 1)
    return np.where(np.isfinite(pct), pct, np.nan)


def _finish(table: pd.DataFrame, config: Config, planned: Any, target: Any) -> pd.DataFrame:
    table["tps_planned"] = planned
    table["pct_reported"] = percent(table["tps_reported"], table["tps_planned"].fillna(table["tps_entered"]))
    if "tps_verified" in table:       # the share of the counted TPS whose second entry agrees
        table["pct_verified"] = percent(table["tps_verified"], table["tps_reported"])
    table["target"] = target
    supported = config.rules.supported_paslon
    table["votes_supported"] = table[supported] if supported in table else 0
    table["pct_target"] = percent(table["votes_supported"], table["target"])
    return table


def per_kecamatan(rows: pd.DataFrame, config: Config, masks: RowMasks | None = None) -> pd.DataFrame:
    kecs = config.regions.kecamatan
    sums = _sums(rows["kode_kecamatan"].cat.codes.to_numpy(np.int64), len(kecs), rows, config, masks)
    table = pd.DataFrame({"kode_kecamatan": [k.code for k in kecs], "kecamatan": [k.name for k in kecs], **sums})
    targets = [config.targets.get(k.code) for k in kecs]
    planned = pd.array([t.planned_tps if t else None for t in targets], dtype="Int64")
    target = np.array([t.target if t else s for t, s in zip(targets, sums["target_tps"])], dtype=np.float64)
    return _finish(table, config, planned, target)


def per_kelurahan(rows: pd.DataFrame, config: Config, masks: RowMasks | None = None) -> pd.DataFrame:
    regions = config.regions
    kels = regions.kelurahan
    sums = _sums(rows["kode_kelurahan"].cat.codes.to_numpy(np.int64), len(kels), rows, config, masks)
    table = pd.DataFrame({
        "kode_kelurahan": [k.code for k in kels], "kelurahan": [k.name for k in kels],
        "kode_kecamatan": [k.kecamatan_code for k in kels],
        "kecamatan": [regions.kecamatan_name(k.kecamatan_code) for k in kels], **sums})
    # no per-kelurahan plan in the target table: % reported is of the rows entered
    return _finish(table, config, pd.array([None] * len(kels), dtype="Int64"), sums["target_tps"])


def kota_totals(rows: pd.DataFrame, config: Config, masks: RowMasks | None = None) -> dict[str, Any]:
    sums = _sums(np.zeros(len(rows), np.int64), 1, rows, config, masks)
    table = pd.DataFrame({"kota": [config.regions.kota], **sums})
    planned_list = config.targets.by_kecamatan
    planned = sum(t.planned_tps for t in planned_list) if planned_list else None
    target = float(sum(t.target for t in planned_list)) if planned_list else float(sums["target_tps"][0])
    table = _finish(table, config, pd.array([planned], dtype="Int64"), [target])
    return {str(k): python_value(v) for k, v in table.iloc[0].items()}


def python_value(v: object) -> object:
    """A table cell as a plain Python value for JSON and the API: None for NA/NaN."""
    if v is pd.NA or (isinstance(v, float) and np.isnan(v)):
        return None
    return v.item() if isinstance(v, np.generic) else v


def per_tps(rows: pd.DataFrame, config: Config) -> pd.DataFrame:
    keep = ["tps_key", "kecamatan", "kelurahan", "tps"] + vote_fields(config)
    keep += [f for f in ("dpt", "dpph", "dptb") if f in rows]
    table = rows[keep].copy()
    if "dpt" in rows and "pengguna_hak_pilih" in rows:
        table["turnout_pct"] = percent(rows["pengguna_hak_pilih"].to_numpy(np.float64, na_value=np.nan),
                                    rows["dpt"].to_numpy(np.float64, na_value=np.nan))
    table["target"] = rows["target_effective"]
    table["status"] = rows["status"]
    table["counted"] = _counted(rows)
    table["counted_all_in"] = _paslon_in(rows)
    if config.double_entry is not None:
        table["double_checked"] = rows[DOUBLE_CHECKED] if DOUBLE_CHECKED in rows else False
    return table


def per_koordinator(rows: pd.DataFrame, config: Config, masks: RowMasks | None = None,
                    factorized: tuple[np.ndarray, np.ndarray] | None = None) -> pd.DataFrame | None:
    """Rows and problems per coordinator (names are personal: keep out of logs).

    factorized: pd.factorize of the coordinator cells (aligned with rows), if already done."""
    field = config.rules.coordinator_field
    if not field or field not in rows:
        return None
    if factorized is None:
        factorized = pd.factorize(rows[field].to_numpy(object), use_na_sentinel=True)
    group, shown = koordinator_groups_of(*factorized)   # as the koordinator rule groups them
    size = len(shown)
    masks = masks or row_masks(rows, config)
    sums = _sums(group, size, rows, config, masks, votes=False)
    problems = np.bincount(group[masks.not_ok & (group >= 0)], minlength=size)[:size]
    covered = _kecamatan_covered(group, size, rows)
    table = pd.DataFrame({
        "koordinator": shown,
        "tps_entered": sums["tps_entered"], "tps_reported": sums["tps_reported"],
        "tps_error": sums["tps_error"], "tps_periksa": sums["tps_periksa"], "tps_belum": sums["tps_belum"],
        "problems": problems, "kecamatan": covered,
    })
    table = table[sums["rows_entered"] > 0]
    return table.sort_values(["problems", "koordinator"], ascending=[False, True]).reset_index(drop=True)


def _kecamatan_covered(group: np.ndarray, size: int, rows: pd.DataFrame) -> np.ndarray:
    """Per coordinator: the first kecamatan of their rows, "+N" when there are more."""
    cats = rows["kecamatan"].cat.categories
    kec = rows["kecamatan"].cat.codes.to_numpy(np.int64)
    ok = (group >= 0) & (kec >= 0)
    pairs = np.sort(group[ok] * max(len(cats), 1) + kec[ok])
    pairs = pairs[np.r_[True, pairs[1:] != pairs[:-1]]] if len(pairs) else pairs
    g, k = np.divmod(pairs, max(len(cats), 1))
    counts = np.bincount(g, minlength=size)[:size]
    first = np.full(size, -1, dtype=np.int64)
    first[g[::-1]] = k[::-1]  # the smallest kecamatan code per coordinator wins
    names = np.append(np.asarray(cats, dtype=object), "")[first]
    several = np.flatnonzero(counts > 1)  # " +N" only where there is more than one kecamatan
    names[several] = names[several] + np.array([f" +{c - 1}" for c in counts[several].tolist()], dtype=object)
    return names


def compute_totals(rows: pd.DataFrame, config: Config,
                   factorized: Mapping[str, tuple[np.ndarray, np.ndarray]] | None = None) -> Totals:
    return Totals(rows, config, factorized)


def reconcile(rows: pd.DataFrame, config: Config, first: np.ndarray | None = None) -> pd.DataFrame:
    """Per kecamatan of the target table (and any other with rows): planned vs entered
    TPS, missing and extra, and the per-TPS targets against the kecamatan target."""
    kecs = config.regions.kecamatan
    codes = rows["kode_kecamatan"].cat.codes.to_numpy(np.int64)
    placed = codes >= 0
    # distinct TPS: a TPS typed twice is not an extra TPS
    one = placed & (distinct_tps(rows) if first is None else first)
    entered = np.bincount(codes[one], minlength=len(kecs))[:len(kecs)]
    duplicates = np.bincount(codes[placed], minlength=len(kecs))[:len(kecs)] - entered
    target_col = rows["target"] if "target" in rows else None
    cells = (~target_col.isna()).to_numpy() if target_col is not None else np.zeros(len(rows), bool)
    target_cells = np.bincount(codes[one & cells], minlength=len(kecs))[:len(kecs)]
    effective = np.nan_to_num(rows["target_effective"].to_numpy(np.float64))
    target_sum = np.round(np.bincount(codes[one], weights=effective[one], minlength=len(kecs))[:len(kecs)], 2)
    records = []
    for i, k in enumerate(kecs):
        t = config.targets.get(k.code)
        if t is None and entered[i] == 0:
            continue
        planned = t.planned_tps if t else 0
        target = t.target if t else None
        diff = None if target is None else round(float(target_sum[i]) - target, 2)
        records.append({
            "kode_kecamatan": k.code, "kecamatan": k.name, "tps_planned": planned,
            "tps_entered": int(entered[i]), "tps_missing": max(planned - int(entered[i]), 0),
            "tps_extra": max(int(entered[i]) - planned, 0), "rows_duplicate": int(duplicates[i]), "target": target,
            "target_cells": int(target_cells[i]), "target_sum": float(target_sum[i]), "target_diff": diff,
        })
    table = pd.DataFrame.from_records(records, columns=[
        "kode_kecamatan", "kecamatan", "tps_planned", "tps_entered", "tps_missing", "tps_extra",
        "rows_duplicate", "target", "target_cells", "target_sum", "target_diff"])
    table["ok"] = (table["tps_missing"] == 0) & (table["tps_extra"] == 0) & \
        (table["target_diff"].fillna(0).abs() < 0.5)
    return table
