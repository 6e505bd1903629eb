"""check(values, config) -> CheckResult: the one core call.

values is the input tab exactly as read (header row included).  Nothing here
does I/O.  The steps: find the columns by header text, parse whole columns
(cells.py), resolve regions (regions.py), run the registered rules (rules/),
derive a status and one-line message per row, then totals and reconciliation
(totals.py).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, Mapping

import numpy as np
import pandas as pd

from .cells import PARSERS, ParsedColumn, cell_text
from .config import Config
from .issues import (BELUM_DIISI, ERROR, OK, PERIKSA, SALAH, STATUS_PRIORITY, WARNING, Issue)
from .regions import resolve_kecamatan, resolve_kelurahan
from .rules import Hits, RuleContext, result_fields, run_rules
from .totals import Totals, compute_totals, reconcile

try:  # C-speed list-of-lists -> 2-D object array (pads short rows with None)
    from pandas._libs.lib import to_object_array as _to_object_array
except ImportError:  # pragma: no cover - pandas moved it; the plain path below still works
    _to_object_array = None

NOT_FILLED_MESSAGE = {"id": "Hasil belum diisi", "en": "Results not filled in yet"}
_HEADER_JUNK = re.compile(r"[^0-9a-z]+")


def header_key(text: Any) -> str:
    """Headers match case-, space- and punctuation-insensitively ("No. TPS" = "no tps")."""
    return _HEADER_JUNK.sub("", cell_text(text).lower())


@dataclass(frozen=True)
class HeaderMap:
    fields: Mapping[str, int]           # field -> 0-based column index
    missing: tuple[str, ...]            # declared fields whose header is absent
    missing_required: tuple[str, ...]
    unknown: tuple[str, ...]            # header texts not declared (kept, ignored)
    status_col: int | None              # owned columns, None if not there yet
    message_col: int | None
    header_row: int                     # 1-based
    width: int                          # cells in the header row


def map_header(header: list[Any], config: Config) -> tuple[HeaderMap, list[Issue]]:
    keys = [header_key(h) for h in header]
    first: dict[str, int] = {}
    issues: list[Issue] = []
    for i, k in enumerate(keys):
        if not k:
            continue
        if k in first:
            issues.append(Issue("header_duplicate", WARNING, None, None, {"column": cell_text(header[i])}))
        else:
            first[k] = i
    fields: dict[str, int] = {}
    used: set[int] = set()
    for col in config.columns:
        for name in (col.header, *col.aliases):
            idx = first.get(header_key(name))
            if idx is not None and idx not in used:
                fields[col.field] = idx
                used.add(idx)
                break
    missing = tuple(c.field for c in config.columns if c.field not in fields)
    missing_required = tuple(c.field for c in config.columns if c.required and c.field not in fields)
    status_col = first.get(header_key(config.status_header))
    message_col = first.get(header_key(config.message_header))
    owned = {status_col, message_col}
    unknown = tuple(cell_text(header[i]) for i in first.values() if i not in used and i not in owned)
    for f in missing_required:
        issues.append(Issue("header_missing", ERROR, None, f,
                            {"column": config.column(f).header, "header_row": config.header_row}))
    header_map = HeaderMap(fields, missing, missing_required, unknown, status_col, message_col,
                           config.header_row, len(header))
    return header_map, issues


@dataclass
class CheckResult:
    valid: bool
    issues: list[Issue]
    rows: pd.DataFrame
    header: HeaderMap
    totals: Totals
    reconciliation: pd.DataFrame
    checked_at: datetime = field(default_factory=lambda: datetime.now(timezone.utc))

    def status_of(self, sheet_row: int) -> tuple[str, str]:
        """(status, message) of a sheet row; ("", "") for blank or header rows."""
        if sheet_row in self.rows.index:
            return str(self.rows.at[sheet_row, "status"]), str(self.rows.at[sheet_row, "message"])
        return "", ""


def _grid(rows: list[list[Any]], width: int) -> np.ndarray:
    if not rows:
        return np.empty((0, width), dtype=object)
    if _to_object_array is not None:
        try:
            return _to_object_array(rows, min_width=width)
        except TypeError:  # rows given as tuples
            return _to_object_array([list(r) for r in rows], min_width=width)
    width = max(width, max(len(r) for r in rows))
    grid = np.empty((len(rows), width), dtype=object)
    for i, r in enumerate(rows):
        grid[i, : len(r)] = r
    return grid


def _field_of_type(config: Config, kind: str) -> str:
    return next(c.field for c in config.columns if c.type == kind)


def check(values: list[list[Any]], config: Config, *, now: datetime | None = None) -> CheckResult:
    now = now or datetime.now(timezone.utc)
    header_cells = list(values[config.header_row - 1]) if len(values) >= config.header_row else []
    header, issues = map_header(header_cells, config)
    grid = _grid(list(values[config.header_row:]), header.width)
    first_row = config.header_row + 1

    n = grid.shape[0]
    raw = {f: np.ascontiguousarray(grid[:, i]) for f, i in header.fields.items()}
    parsed = {f: PARSERS[config.column(f).type](raw[f]) for f in raw}
    nonblank = np.zeros(n, dtype=bool)
    for p in parsed.values():
        nonblank |= ~p.blank
    keep = np.flatnonzero(nonblank)  # fully blank rows are ignored
    raw = {f: a[keep] for f, a in raw.items()}
    parsed = {f: ParsedColumn(p.values[keep], p.problem[keep]) for f, p in parsed.items()}
    sheet_rows = keep + first_row

    frame = _frame(config, raw, parsed, sheet_rows, len(keep))
    ctx = RuleContext(config, frame, parsed, raw, frozenset(raw), now)
    hits = run_rules(ctx)
    frame = frame.drop(columns=["_kelurahan_elsewhere"])
    row_issues = _issues(hits, sheet_rows)
    _status_and_message(frame, hits, row_issues, config)
    # sheet-level issues first, then by row; within a row, in rule order
    issues.extend(issue for _, issue in sorted(row_issues, key=lambda pi: pi[0]))
    totals = compute_totals(frame, config)
    return CheckResult(
        valid=not any(i.severity == ERROR for i in issues),
        issues=issues,
        rows=frame,
        header=header,
        totals=totals,
        reconciliation=reconcile(frame, config),
        checked_at=now,
    )


def _frame(config: Config, raw: dict[str, np.ndarray], parsed: dict[str, ParsedColumn],
           sheet_rows: np.ndarray, n: int) -> pd.DataFrame:
    regions = config.regions
    kec_field, kel_field = _field_of_type(config, "kecamatan"), _field_of_type(config, "kelurahan")
    tps_field = _field_of_type(config, "tps")
    none = np.full(n, None, dtype=object)
    kec_pos = resolve_kecamatan(raw.get(kec_field, none), regions)
    kel_pos, elsewhere = resolve_kelurahan(raw.get(kel_field, none), kec_pos, regions)
    tps = parsed[tps_field].values if tps_field in parsed else pd.array([pd.NA] * n, dtype="Int64")

    columns: dict[str, Any] = {
        "tps_key": _tps_keys(config, kel_pos, tps),
        "kecamatan": pd.Categorical.from_codes(kec_pos, [k.name for k in regions.kecamatan]),
        "kelurahan": pd.Categorical.from_codes(kel_pos, _unique_labels([k.name for k in regions.kelurahan])),
        "kode_kecamatan": pd.Categorical.from_codes(kec_pos, [k.code for k in regions.kecamatan]),
        "kode_kelurahan": pd.Categorical.from_codes(kel_pos, [k.code for k in regions.kelurahan]),
        "tps": tps,
    }
    for col in config.columns:
        if col.type in ("kecamatan", "kelurahan", "tps") or col.field in columns:
            continue
        if col.field in parsed:
            columns[col.field] = parsed[col.field].values
        else:
            columns[col.field] = pd.array([pd.NA] * n, dtype="Int64") if col.type == "integer" else none
    columns["target_effective"] = _effective_target(config, kec_pos, columns.get("target"))
    fields = [f for f in result_fields(config) if f in parsed]
    complete = np.ones(n, dtype=bool) if fields else np.zeros(n, dtype=bool)
    any_result = np.zeros(n, dtype=bool)
    for f in fields:
        complete &= parsed[f].problem == 0
        any_result |= ~parsed[f].blank
    columns["results_filled"] = any_result
    columns["results_complete"] = complete
    columns["_kelurahan_elsewhere"] = elsewhere
    return pd.DataFrame(columns, index=pd.Index(sheet_rows, name="row"))


def _unique_labels(names: list[str]) -> list[str]:
    # Categorical labels must be unique; two kelurahan of one name get their code appended.
    seen = {n for n in names if names.count(n) > 1}
    return [n if n not in seen else f"{n} ({i})" for i, n in enumerate(names)]


def _tps_keys(config: Config, kel_pos: np.ndarray, tps: Any) -> np.ndarray:
    """"31.73.01.1005/012" where kelurahan and TPS number are known, else None."""
    n = len(kel_pos)
    tps_arr = pd.array(tps, dtype="Int64")
    ok = (kel_pos >= 0) & ~np.asarray(tps_arr.isna())
    keys = np.full(n, None, dtype=object)
    if ok.any():
        codes = np.array([k.code + "/" for k in config.regions.kelurahan], dtype=object)
        numbers = np.asarray(tps_arr.to_numpy(dtype=np.int64, na_value=0))[ok]
        # numbers are small: format each distinct one once
        uniq, inv = np.unique(numbers, return_inverse=True)
        padded = np.array([f"{u:03d}" for u in uniq], dtype=object)
        keys[ok] = codes[kel_pos[ok]] + padded[inv]
    return keys


def _effective_target(config: Config, kec_pos: np.ndarray, target: Any) -> np.ndarray:
    """The row's target cell, or (blank) the kecamatan target / its planned TPS count."""
    per_kec = np.full(len(config.regions.kecamatan) + 1, np.nan)
    for i, k in enumerate(config.regions.kecamatan):
        t = config.targets.get(k.code)
        if t and t.planned_tps:
            per_kec[i] = t.target / t.planned_tps
    default = per_kec[np.where(kec_pos >= 0, kec_pos, len(per_kec) - 1)]
    if target is None:
        return default
    cell = pd.array(target, dtype="Int64")
    return np.where(np.asarray(cell.isna()), default, cell.to_numpy(dtype=np.float64, na_value=np.nan))


def _issues(hits: list[Hits], sheet_rows: np.ndarray) -> list[tuple[int, Issue]]:
    """Issue objects, one per problem of a row, with the frame position of the row."""
    out: list[tuple[int, Issue]] = []
    for h in hits:
        per_row = {k: (v.tolist() if isinstance(v, np.ndarray) else v) for k, v in h.params.items()
                   if isinstance(v, (list, np.ndarray)) and len(v) == len(h.rows)}
        fixed = {k: v for k, v in h.params.items() if k not in per_row}
        for i, pos in enumerate(h.rows.tolist()):
            params = dict(fixed)
            for k, v in per_row.items():
                params[k] = v[i]
            out.append((pos, Issue(h.code, h.severity, int(sheet_rows[pos]), h.field, params)))
    return out


def _status_and_message(frame: pd.DataFrame, hits: list[Hits], row_issues: list[tuple[int, Issue]],
                        config: Config) -> None:
    n = len(frame)
    complete = frame["results_complete"].to_numpy()
    priority = np.where(complete, STATUS_PRIORITY[OK], STATUS_PRIORITY[BELUM_DIISI])
    for h in hits:
        status = h.status or (SALAH if h.severity == ERROR else PERIKSA)
        priority[h.rows] = np.maximum(priority[h.rows], STATUS_PRIORITY[status])
    by_priority = {p: s for s, p in STATUS_PRIORITY.items()}
    levels, inverse = np.unique(priority, return_inverse=True)
    frame["status"] = np.array([by_priority[p] for p in levels], dtype=object)[inverse.reshape(-1)]
    lang = config.language
    message = np.where(complete, "", NOT_FILLED_MESSAGE.get(lang, NOT_FILLED_MESSAGE["id"])).astype(object)
    if row_issues:
        positions = np.fromiter((p for p, _ in row_issues), dtype=np.int64, count=len(row_issues))
        texts = [issue.message(lang, with_row=False) for _, issue in row_issues]
        order = np.argsort(positions, kind="stable")  # keeps rule order within a row
        joined = pd.Series([texts[i] for i in order]).groupby(positions[order]).agg("; ".join)
        message[joined.index.to_numpy()] = joined.to_numpy(dtype=object)
    frame["message"] = message
    frame["n_errors"] = np.bincount(
        [p for p, i in row_issues if i.severity == ERROR], minlength=n)[:n] if n else np.zeros(0, int)
