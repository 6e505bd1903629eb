"""Saksi, phone and koordinator rules (the weeks before the vote).

- every phone-typed column: a cell that is not an Indonesian mobile number is
  an error naming the cell (never the number: messages reach the Masalah tab);
- the saksi's phone on two or more rows: each row is an error pointing to the
  others (one saksi cannot guard two TPS on the same day);
- a koordinator with more rows than rules.saksi.max_tps_per_koordinator: a
  warning on each of them;
- a TPS with no saksi: status BELUM ADA SAKSI before rules.saksi.saksi_deadline
  (always, when no deadline is set); from that date on, or once results are
  being typed into the row, a warning.  These checks start once the sheet has
  any saksi at all: a sheet used only on counting night is not flooded.

The results rules (rules/chasil.py) already run only where result cells are
filled, so a planning-phase row is never SALAH for its empty result cells.

Which columns play which part is found by field name, as in the preset:
"saksi" (name), "hp_saksi" (or the only phone column), "bimtek" (or the only
yes/no column) and rules.coordinator_field.
"""

from __future__ import annotations

import dataclasses
import weakref
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from typing import Iterable, Iterator

import numpy as np
import pandas as pd

from sheetsync.core.config import Config
from sheetsync.core.issues import ERROR, WARNING, register_message, register_status
from sheetsync.core.phones import PhoneColumn, filled, normalise_column
from sheetsync.core.rules.context import Hits, RuleContext
from sheetsync.core.rules.registry import register

BELUM_ADA_SAKSI = "BELUM ADA SAKSI"
# Above BELUM DIISI (a planning row has no results yet, so that says nothing)
# and below SALAH (a wrong cell must still be seen first).
register_status(BELUM_ADA_SAKSI, id_label="BELUM ADA SAKSI", en_label="NO SAKSI YET", priority=30)

# Deadlines are calendar days in Jakarta (WIB, UTC+7), where the sheet is used.
WIB = timezone(timedelta(hours=7))

register_message(
    "bad_phone",
    "{column} baris {row}: bukan nomor HP Indonesia (harus 08... atau +628..., 10-13 angka)",
    "{column} row {row}: not an Indonesian mobile number (must be 08... or +628..., 10-13 digits)")
register_message(
    "duplicate_phone",
    "{column} baris {row}: nomor sama dengan baris {other_rows} ({other_tps}); satu saksi hanya untuk satu TPS",
    "{column} row {row}: same number as row {other_rows} ({other_tps}); one saksi can guard only one TPS")
register_message(
    "koordinator_overloaded",
    "{column} baris {row}: koordinator ini memegang {count} TPS, lebih dari batas {max}",
    "{column} row {row}: this koordinator has {count} TPS, more than the limit of {max}")
register_message("saksi_missing", "Baris {row}: TPS belum ada saksi", "Row {row}: TPS has no saksi yet")
register_message(
    "saksi_overdue",
    "Baris {row}: TPS belum ada saksi, batas {deadline} sudah lewat",
    "Row {row}: TPS has no saksi and the deadline {deadline} has passed")


@dataclass(frozen=True)
class PeopleFields:
    saksi: str | None          # the saksi's name
    phone: str | None          # the saksi's phone: duplicates are checked here
    phones: tuple[str, ...]    # every phone-typed column: each is validated
    bimtek: str | None
    koordinator: str | None


def people_fields(config: Config) -> PeopleFields:
    fields = {c.field for c in config.columns}
    phones = tuple(c.field for c in config.columns if c.type == "phone")
    yesno = [c.field for c in config.columns if c.type == "yesno"]
    phone = "hp_saksi" if "hp_saksi" in phones else (phones[0] if len(phones) == 1 else None)
    bimtek = "bimtek" if "bimtek" in yesno else (yesno[0] if len(yesno) == 1 else None)
    koordinator = config.rules.coordinator_field
    return PeopleFields(
        saksi="saksi" if "saksi" in fields else None, phone=phone, phones=phones, bimtek=bimtek,
        koordinator=koordinator if koordinator in fields else None)


@dataclass
class _PhoneMemo:
    """The phone columns of one check(), normalised once and shared by the rules below."""
    ctx: weakref.ref[RuleContext] | None = None
    phones: dict[str, PhoneColumn] = dataclasses.field(default_factory=dict)


_memo = _PhoneMemo()


def phone_column(ctx: RuleContext, f: str) -> PhoneColumn:
    if _memo.ctx is None or _memo.ctx() is not ctx:
        _memo.ctx, _memo.phones = weakref.ref(ctx), {}
    if f not in _memo.phones:
        # the core's blank test for text (None, NaN, "") spares a pass over the cells
        _memo.phones[f] = normalise_column(ctx.raw[f], ~ctx.parsed[f].blank)
    return _memo.phones[f]


@register("phones")
def phone_rules(ctx: RuleContext) -> Iterator[Hits]:
    roles = people_fields(ctx.config)
    for f in roles.phones:
        if f not in ctx.present:
            continue
        col = phone_column(ctx, f)
        yield Hits("bad_phone", ERROR, f, np.flatnonzero(col.invalid), {"column": ctx.header(f)},
                   doubts_counts=False)
        if f == roles.phone:
            yield _duplicates(ctx, f, col.number, col.valid)


def _duplicates(ctx: RuleContext, f: str, number: np.ndarray, valid: np.ndarray) -> Hits:
    positions = np.flatnonzero(valid)
    numbers = pd.Series(number[positions])
    dup = positions[numbers.duplicated(keep=False).to_numpy()]
    if not len(dup):
        return Hits("duplicate_phone", ERROR, f, dup, doubts_counts=False)
    # only the duplicated rows are looked at one by one: they are few
    order = np.lexsort((dup, number[dup]))
    dup = dup[order]
    groups = np.split(dup, np.flatnonzero(np.diff(number[dup])) + 1)
    sheet_rows, where = ctx.sheet_rows, _tps_names(ctx, dup)
    rows, other_rows, other_tps = [], [], []
    for members in groups:
        for pos in members:
            rest = [p for p in members if p != pos]
            rows.append(pos)
            other_rows.append(_some(str(sheet_rows[p]) for p in rest))
            other_tps.append(_some(where[p] for p in rest))
    order = np.argsort(rows, kind="stable")
    return Hits("duplicate_phone", ERROR, f, np.asarray(rows)[order], {
        "column": ctx.header(f),
        "other_rows": [other_rows[i] for i in order], "other_tps": [other_tps[i] for i in order]},
        doubts_counts=False)


MAX_NAMED = 5   # a number pasted on 3,000 rows must not make 3,000 huge messages


def _some(items: Iterable[str]) -> str:
    """"4, 7, 9" or, past MAX_NAMED, "4, 7, 9, 12, 15, +2995" (language-neutral)."""
    items = list(items)
    shown = ", ".join(items[:MAX_NAMED])
    return shown + (f", +{len(items) - MAX_NAMED}" if len(items) > MAX_NAMED else "")


def _tps_names(ctx: RuleContext, positions: np.ndarray) -> dict[int, str]:
    """"TPS 3 Kapuk" per frame position (the TPS, never the person)."""
    # only the given rows are read: no per-row pandas scalar access, no whole-column copy
    tps = ctx.frame["tps"].array.take(positions)
    missing = np.asarray(tps.isna()).tolist()
    numbers = tps.to_numpy(dtype=np.int64, na_value=0).tolist()
    kel = ctx.frame["kelurahan"].iloc[positions].to_numpy(object).tolist()
    out = {}
    for p, na, number, name in zip(positions.tolist(), missing, numbers, kel):
        out[p] = f"TPS {'?' if na else number} {name if isinstance(name, str) else '?'}"
    return out


def koordinator_groups(names: np.ndarray) -> tuple[np.ndarray, list[str]]:
    """Group number per row (-1: blank) and the name shown per group.

    "Budi  Santoso" and "budi santoso" are one koordinator; the first spelling
    is shown.  Names are looked at once per distinct spelling, not per row."""
    codes, uniques = pd.factorize(np.asarray(names, dtype=object), use_na_sentinel=True)
    return koordinator_groups_of(codes, uniques)


def koordinator_groups_of(codes: np.ndarray, uniques: np.ndarray) -> tuple[np.ndarray, list[str]]:
    """koordinator_groups() of a column already factorised (pd.factorize, -1 for blank)."""
    spaced = [" ".join(str(u).split()) for u in uniques]   # once per spelling, for key and name
    keys = np.array([s.casefold() for s in spaced] + [""], dtype=object)
    key_codes, key_uniques = pd.factorize(keys)
    group = key_codes[codes]          # code -1 picks the last key, ""
    blank_key = key_codes[-1]
    group = np.where(group == blank_key, -1, group)
    # the first spelling of each key (np.unique gives first occurrences)
    first = np.full(len(key_uniques), -1, dtype=np.int64)
    spelled, at = np.unique(key_codes[:-1], return_index=True)
    first[spelled] = at
    return group, [spaced[i] if i >= 0 else "" for i in first.tolist()]


@register("koordinator")
def koordinator_overloaded(ctx: RuleContext) -> Iterator[Hits]:
    f = people_fields(ctx.config).koordinator
    limit = ctx.config.rules.saksi.max_tps_per_koordinator
    if not f or f not in ctx.present or not limit:
        return
    group, _ = koordinator_groups_of(*ctx.factorize(f))  # shared with the per-koordinator totals
    placed = group >= 0
    counts = np.bincount(group[placed], minlength=1)
    per_row = np.where(placed, counts[np.where(placed, group, 0)], 0)
    rows = np.flatnonzero(per_row > limit)
    yield Hits("koordinator_overloaded", WARNING, f, rows,
               {"column": ctx.header(f), "count": per_row[rows], "max": limit})


def today_in_jakarta(now: datetime) -> date:
    return (now.astimezone(WIB) if now.tzinfo else now).date()


def saksi_present(ctx: RuleContext) -> np.ndarray | None:
    """Rows with a saksi (a name or a phone typed); None if the sheet has no saksi column."""
    roles = people_fields(ctx.config)
    has = None
    if roles.phone and roles.phone in ctx.present:
        has = ~phone_column(ctx, roles.phone).blank      # the same test as filled()
    if roles.saksi and roles.saksi in ctx.present:
        if has is None:
            has = filled(ctx.raw[roles.saksi])
        else:  # a name matters only where no phone was typed
            rest = np.flatnonzero(~has)
            has[rest] = filled(ctx.raw[roles.saksi][rest])
    return has


@register("saksi_missing")
def saksi_missing(ctx: RuleContext) -> Iterator[Hits]:
    has = saksi_present(ctx)
    if has is None or not has.any():  # no saksi anywhere: the sheet does not track them
        return
    roles = people_fields(ctx.config)
    f = roles.saksi if roles.saksi in ctx.present else roles.phone
    missing = ~has
    results = ctx.frame["results_filled"].to_numpy(bool) if "results_filled" in ctx.frame else \
        np.zeros(len(has), bool)
    deadline = ctx.config.rules.saksi.saksi_deadline
    if deadline is not None and today_in_jakarta(ctx.now) >= deadline:
        yield Hits("saksi_overdue", WARNING, f, np.flatnonzero(missing),
                   {"deadline": deadline.strftime("%d-%m-%Y")})
        return
    # before the deadline: not yet covered; once results are typed it is a warning
    yield Hits("saksi_missing", WARNING, f, np.flatnonzero(missing & ~results), status=BELUM_ADA_SAKSI)
    yield Hits("saksi_missing", WARNING, f, np.flatnonzero(missing & results))
