"""check(values, config) -> CheckResult: the one core call.

values is the input tab exactly as read (header row included).  Nothing here
does I/O.  The steps: find the columns by header text, parse whole columns
(cells.py), resolve regions (regions.py), run the registered rules (rules/),
derive a status and one-line message per row, then totals and reconciliation
(totals.py).
"""

from __future__ import annotations

import functools
import itertools
import re
import string
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, Callable, Iterable, Mapping

import numpy as np
import pandas as pd

from sheetsync.core.cells import (P_BLANK, PARSERS, TEXT_TYPES, LazyParsedColumn, ParsedColumn, cell_text, grid_of,
                                  parse_int_columns, recheck_blank, text_blank)
from sheetsync.core.config import Config, result_fields
from sheetsync.core.double_entry import SecondEntry, from_columns, from_tab
from sheetsync.core.gc_pause import no_gc
from sheetsync.core.headers import header_key
from sheetsync.core.issues import (BELUM_DIISI, ERROR, OK, PERIKSA, SALAH, STATUS_PRIORITY, WARNING, Issue, Params,
                                   register_message, template)
from sheetsync.core.regions import NameCodes, Regions, name_codes, resolve_kecamatan, resolve_kelurahan
from sheetsync.core.rules import run_rules  # the package: importing it registers every family
from sheetsync.core.rules.context import Hits, RowSubset, RuleContext
from sheetsync.core.totals import Totals, compute_totals, reconcile


NOT_FILLED_MESSAGE = {"id": "Hasil belum diisi", "en": "Results not filled in yet"}
# A configured count column the checks and totals need, gone from a header row that still has
# the others (renamed "Paslon 3" -> "Paslon 3 (Pramono-Rano)"): without it a row with 1,300
# votes at a 400-voter TPS would pass, so the sheet is in error until the header is back.
COLUMN_MISSING = "column_missing"
register_message(
    COLUMN_MISSING,
    "Kolom '{column}' tidak ditemukan di baris judul {header_row}: pemeriksaan dan total yang memakainya "
    "tidak berjalan; kembalikan judulnya, atau tambahkan judul barunya sebagai alias di konfigurasi",
    "Column '{column}' not found in header row {header_row}: the checks and totals that use it cannot run; "
    "restore its header, or add the new header as an alias in the config")
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
    declared = {c.field: c for c in config.columns}
    for code, absent in (("header_missing", missing_required), (COLUMN_MISSING, _needed_but_missing(config, fields))):
        issues.extend(Issue(code, ERROR, None, f, {"column": declared[f].header, "header_row": config.header_row})
                      for f in absent)
    header_map = HeaderMap(fields, missing, missing_required, unknown, status_col, message_col,
                           config.header_row, len(header))
    return header_map, issues


def _needed_but_missing(config: Config, found: Mapping[str, int]) -> list[str]:
    """The count columns the rules need (C.Hasil and DPT), missing while the sheet has a
    C.Hasil column. A sheet with none is one of another phase (saksi recruitment)."""
    if not any(f in found for f in result_fields(config)):
        return []
    needed = [f for f in (*result_fields(config), "dpt") if (c := config.column(f)) is not None and not c.required]
    return [f for f in needed if f not in found]


@dataclass(frozen=True)
class KeyedRows:
    """The rows as the core has read and keyed them, before their statuses are decided:
    what a late-issue source (the journal) needs to find its rows."""
    rows: pd.DataFrame                  # index = sheet row; tps_key, kecamatan, ...
    header: HeaderMap


# Row problems that only a source outside the core can see (the journal: a number changed
# after its row was verified). They weigh in where every other problem does, so a row has
# one status everywhere: on the sheet, in the counts, in Masalah and in the coordinator tab.
LateIssues = Callable[[KeyedRows], Iterable[Issue]]


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


def _spellings_hint(config: Config, kind: str) -> int | None:
    """Distinct spellings to expect in a region column, for sizing its hash table:
    a few per kecamatan.  Kelurahan columns (266,000 spellings in the 820,000-row
    bench) measured no faster with a hint, so pandas' default stays there."""
    return max(1024, 4 * len(config.regions.kecamatan)) if kind == "kecamatan" else None


def _field_of_type(config: Config, kind: str) -> str:
    """A place column's field (kecamatan, kelurahan, tps): config refuses a config without one."""
    found = config.field_of_type(kind)
    assert found is not None, kind
    return found


def check(values: list[list[Any]], config: Config, *, now: datetime | None = None,
          late: LateIssues | None = None, second_tab: list[list[Any]] | None = None) -> CheckResult:
    """Validate the input tab and total it.  See docs/ARCHITECTURE.md.

    ``late``: called once with the keyed rows; the row issues it returns count like
    the rules' own (status, message, issues, totals).
    ``second_tab``: the second-entry tab as read, when the config's double entry is a tab
    (None: the tab does not exist)."""
    # check() allocates many small objects (issues, messages) while the caller
    # holds the whole sheet as lists; each cyclic-GC pass would walk all those
    # lists.  Nothing here makes reference cycles, so pause the collector.
    with no_gc():
        return _check(values, config, now or datetime.now(timezone.utc), late, second_tab)


def _check(values: list[list[Any]], config: Config, now: datetime, late: LateIssues | None = None,
           second_tab: list[list[Any]] | None = None) -> CheckResult:
    header_cells = list(values[config.header_row - 1]) if len(values) >= config.header_row else []
    header, issues = map_header(header_cells, config)
    grid = grid_of(list(values[config.header_row:]), header.width)
    first_row = config.header_row + 1

    n = grid.shape[0]
    declared = {c.field: c for c in config.columns}
    raw: Mapping[str, np.ndarray] = {f: grid[:, i] for f, i in header.fields.items()}  # strided views: no copy
    names = {f: name_codes(raw[f], _spellings_hint(config, declared[f].type)) for f in raw
             if declared[f].type in ("kecamatan", "kelurahan")}
    integers = [f for f in raw if declared[f].type == "integer"]
    parsed = dict(zip(integers, parse_int_columns(grid, [header.fields[f] for f in integers])))
    # text columns no rule needs exactly: their blankness is worked out where it decides
    # whether a row is blank, and elsewhere only if a rule asks (LazyParsedColumn)
    lazy = [f for f in raw if declared[f].type in TEXT_TYPES and not declared[f].required]
    for f in raw:
        if f in names:
            parsed[f] = ParsedColumn(names[f].codes, np.where(names[f].blank_rows, P_BLANK, 0).astype(np.int8))
        elif f not in parsed and f not in lazy:
            parsed[f] = PARSERS[declared[f].type](raw[f])
    keep, rest, rest_blank = _kept_rows(config, raw, parsed, lazy)  # fully blank rows are ignored
    full = raw
    raw = RowSubset(raw, keep if len(keep) < n else None)
    if len(keep) < n:
        parsed = {f: ParsedColumn(p.values[keep], p.problem[keep]) for f, p in parsed.items()}
        for nc in names.values():
            nc.codes = nc.codes[keep]
    for f in lazy:
        parsed[f] = LazyParsedColumn(raw[f], functools.partial(
            _text_problem, full[f], rest, rest_blank[f], keep if len(keep) < n else None))
    sheet_rows = keep + first_row

    frame = _frame(config, raw, parsed, names, sheet_rows, len(keep))
    second = _second_entry(config, header_cells, grid, keep, second_tab, frame)
    if second is not None:
        issues.extend(second.issues)
    ctx = RuleContext(config, frame, parsed, raw, frozenset(header.fields), now, second)
    hits = run_rules(ctx)
    frame = frame.drop(columns=["_kelurahan_elsewhere"])
    if late is not None:
        hits.extend(late_hits(late(KeyedRows(frame, header)), frame.index))
    positions, row_issues, texts = _issues(hits, sheet_rows, config.language)
    order = np.argsort(positions, kind="stable")  # by row; within a row, in rule order
    _status_and_message(frame, hits, positions, order, texts, config)
    # sheet-level issues first, then by row
    issues.extend(map(row_issues.__getitem__, order.tolist()))
    totals = compute_totals(frame, config, ctx.factorized)  # the koordinator cells are hashed once
    return CheckResult(
        valid=not any(i.severity == ERROR for i in issues),
        issues=issues,
        rows=frame,
        header=header,
        totals=totals,
        reconciliation=reconcile(frame, config, totals.masks.first),
        checked_at=now,
    )


def _second_entry(config: Config, header: list[Any], grid: np.ndarray, keep: np.ndarray,
                  second_tab: list[list[Any]] | None, frame: pd.DataFrame) -> SecondEntry | None:
    """The second entry of the counts lined up with the kept rows, in the config's form."""
    entry = config.double_entry
    if entry is None:
        return None
    if entry.suffix is not None:
        return from_columns(header, grid, keep, config)
    return from_tab(second_tab, frame["tps_key"].to_numpy(object), config)


def late_hits(issues: Iterable[Issue], index: pd.Index) -> list[Hits]:
    """Issues on sheet rows -> Hits on frame positions (issues on rows not read are dropped)."""
    out = []
    for issue in issues:
        if issue.row is None or issue.row not in index:
            continue
        position = np.array([index.get_loc(issue.row)], dtype=np.int64)
        out.append(Hits(issue.code, issue.severity, issue.field, position, dict(issue.params)))
    return out


def _kept_rows(config: Config, raw: Mapping[str, np.ndarray], parsed: dict[str, ParsedColumn],
               lazy: list[str]) -> tuple[np.ndarray, np.ndarray, dict[str, np.ndarray]]:
    """(rows that are not blank, rows that only text cells can keep, exact blankness
    of the lazy text cells on those rows).

    Text cells are checked for blankness the fast way (None, ""); exactly (a row
    holding nothing but spaces is a blank row) where it matters: required text
    columns (their parsed problem is corrected here), and rows that nothing but
    text cells keep from being blank."""
    n = len(next(iter(raw.values()))) if raw else 0
    text = {c.field for c in config.columns if c.type in TEXT_TYPES and c.field in raw}
    other = np.zeros(n, dtype=bool)
    for f, p in parsed.items():
        if f not in text:
            other |= ~p.blank
    nonblank = other.copy()
    for f in text.difference(lazy):  # required: exact on every row
        blank = parsed[f].problem == P_BLANK
        recheck_blank(raw[f], blank, np.flatnonzero(~blank))
        parsed[f].problem[:] = np.where(blank, P_BLANK, 0)
        nonblank |= ~blank
    rest = np.flatnonzero(~other)
    rest_blank = {}
    for f in lazy:
        blank = np.ones(len(rest), dtype=bool)
        recheck_blank(raw[f][rest], blank, np.arange(len(rest)))
        rest_blank[f] = blank
        nonblank[rest] |= ~blank
    return np.flatnonzero(nonblank), rest, rest_blank


def _text_problem(cells: np.ndarray, rest: np.ndarray, rest_blank: np.ndarray, keep: np.ndarray | None) -> np.ndarray:
    """Problem codes of a lazy text column: blank the fast way, exactly on the rows
    that only text cells keep (as _kept_rows found them), then the kept rows."""
    blank = text_blank(cells)
    blank[rest] = rest_blank
    if keep is not None:
        blank = blank[keep]
    return np.where(blank, P_BLANK, 0).astype(np.int8)


def _frame(config: Config, raw: Mapping[str, np.ndarray], parsed: dict[str, ParsedColumn],
           names: dict[str, NameCodes], sheet_rows: np.ndarray, n: int) -> pd.DataFrame:
    regions = config.regions
    kec_field, kel_field = _field_of_type(config, "kecamatan"), _field_of_type(config, "kelurahan")
    tps_field = _field_of_type(config, "tps")
    none = np.full(n, None, dtype=object)
    kec_pos = resolve_kecamatan(names.get(kec_field) or name_codes(none), regions)
    kel_pos, elsewhere = resolve_kelurahan(names.get(kel_field) or name_codes(none), kec_pos, regions)
    tps = parsed[tps_field].values if tps_field in parsed else pd.array([pd.NA] * n, dtype="Int64")

    labels = _labels(regions)
    index = pd.Index(sheet_rows, name="row")
    columns: dict[str, Any] = {
        "tps_key": pd.array(_tps_keys(labels, kel_pos, tps), dtype="O"),
        "kecamatan": pd.Categorical.from_codes(kec_pos, dtype=labels.kecamatan),
        "kelurahan": pd.Categorical.from_codes(kel_pos, dtype=labels.kelurahan),
        "kode_kecamatan": pd.Categorical.from_codes(kec_pos, dtype=labels.kode_kecamatan),
        "kode_kelurahan": pd.Categorical.from_codes(kel_pos, dtype=labels.kode_kelurahan),
        "tps": tps,
    }
    for col in config.columns:
        if col.type in ("kecamatan", "kelurahan", "tps") or col.field in columns:
            continue
        if col.field in parsed:
            values = parsed[col.field].values
            if col.type in TEXT_TYPES and isinstance(values, np.ndarray):
                columns[col.field] = _as_typed(values, index)
            else:
                columns[col.field] = pd.array(values, dtype="O") if isinstance(values, np.ndarray) else values
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
    columns["paslon_filled"] = _paslon_filled(config, parsed, n)
    columns["_kelurahan_elsewhere"] = elsewhere
    return pd.DataFrame(columns, index=index, copy=False)


def _paslon_filled(config: Config, parsed: Mapping[str, ParsedColumn], n: int) -> np.ndarray:
    """Rows with every paslon cell filled: the votes are in, whatever else of the C.Hasil is
    still blank (election night: paslon votes come before suara sah and pengguna hak pilih)."""
    paslon = [f for f in config.rules.paslon_fields if f in parsed]
    if not paslon:
        return np.zeros(n, dtype=bool)
    filled = np.ones(n, dtype=bool)
    for f in paslon:
        filled &= ~parsed[f].blank
    return filled


def _as_typed(cells: np.ndarray, index: pd.Index) -> pd.Series:
    """A text column as typed, object dtype (None where blank), whatever it holds.

    pandas 3 turns an object array of strings into its str dtype: a pass over every cell
    (0.07-0.12 s per column of 820,000 fresh cells) that the text columns (address,
    names, phones) do not need: the rules read the cells as typed, and the totals and
    coverage read them back as objects.  The Series shares the index, so the frame does
    not align it; a strided view into the sheet's grid is copied, so the frame does not
    keep the whole grid alive."""
    cells = np.ascontiguousarray(cells) if cells.base is not None else cells
    return pd.Series(cells, index=index, dtype=object, copy=False)


@dataclass(frozen=True)
class _Labels:
    kecamatan: pd.CategoricalDtype
    kelurahan: pd.CategoricalDtype
    kode_kecamatan: pd.CategoricalDtype
    kode_kelurahan: pd.CategoricalDtype
    key_prefix: np.ndarray      # "31.73.01.1005/" per kelurahan


_LABELS: dict[int, tuple[Regions, _Labels]] = {}


def _labels(regions: Regions) -> _Labels:
    """Categories of the region columns, built once per region list (national: 84,000 kelurahan)."""
    hit = _LABELS.get(id(regions))
    if hit is not None and hit[0] is regions:
        return hit[1]
    kecs, kels = regions.kecamatan, regions.kelurahan
    labels = _Labels(
        kecamatan=pd.CategoricalDtype([k.name for k in kecs]),
        kelurahan=pd.CategoricalDtype(_unique_labels([k.name for k in kels])),
        kode_kecamatan=pd.CategoricalDtype([k.code for k in kecs]),
        kode_kelurahan=pd.CategoricalDtype([k.code for k in kels]),
        key_prefix=np.array([k.code + "/" for k in kels], dtype=object),
    )
    if len(_LABELS) > 8:
        _LABELS.clear()
    _LABELS[id(regions)] = (regions, labels)
    return labels


def _unique_labels(names: list[str]) -> list[str]:
    # Categorical labels must be unique; two kelurahan of one name get their code appended.
    counts = Counter(names)
    return [n if counts[n] == 1 else f"{n} ({i})" for i, n in enumerate(names)]


def _tps_keys(labels: _Labels, kel_pos: np.ndarray, tps: Any) -> np.ndarray:
    """"31.73.01.1005/012" where kelurahan and TPS number are known, else None."""
    n = len(kel_pos)
    tps_arr = pd.array(tps, dtype="Int64")
    ok = (kel_pos >= 0) & ~np.asarray(tps_arr.isna())
    keys = np.full(n, None, dtype=object)
    if ok.any():
        codes = labels.key_prefix
        numbers = np.asarray(tps_arr.to_numpy(dtype=np.int64, na_value=0))[ok]
        # numbers are small: format each distinct one once
        inv, uniq = pd.factorize(numbers)
        padded = np.array([f"{u:03d}" for u in uniq.tolist()], dtype=object)
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


def _issues(hits: list[Hits], sheet_rows: np.ndarray, lang: str) -> tuple[np.ndarray, list[Issue], list[str]]:
    """Issue objects, one per problem of a row, with the frame position of each
    and its text for the row's own message (without "baris N")."""
    positions: list[int] = []
    out: list[Issue] = []
    texts: list[str] = []
    for h in hits:
        per_row = {k: (v.tolist() if isinstance(v, np.ndarray) else list(v)) for k, v in h.params.items()
                   if isinstance(v, (list, np.ndarray)) and len(v) == len(h.rows)}
        fixed = {k: v for k, v in h.params.items() if k not in per_row}
        rows = h.rows.tolist()
        names = list(per_row)
        # one dict per issue, fixed params first
        if not names:
            params = [dict(fixed) for _ in rows]
        elif fixed:
            params = [{**fixed, **dict(zip(names, values))} for values in zip(*per_row.values())]
        else:
            params = [dict(zip(names, values)) for values in zip(*per_row.values())]
        out.extend(map(Issue, itertools.repeat(h.code), itertools.repeat(h.severity),
                       sheet_rows[h.rows].tolist(), itertools.repeat(h.field), params))
        positions.extend(rows)
        short = template(h.code, lang, with_row=False)
        if short is None:
            texts.extend(issue.message(lang, with_row=False) for issue in out[len(out) - len(rows):])
        elif _fields_of(short) <= {*fixed, *names}:  # no param missing: format straight from each dict
            texts.extend(map(short.format_map, params))
        else:
            texts.extend(short.format_map(Params(p)) for p in params)
    return np.array(positions, dtype=np.int64), out, texts


_FIELDS: dict[str, frozenset[str]] = {}


def _fields_of(text: str) -> frozenset[str]:
    """The top-level names a template asks for ("{column}" -> "column")."""
    if text not in _FIELDS:
        names = (f for _, f, _, _ in string.Formatter().parse(text) if f is not None)
        _FIELDS[text] = frozenset(re.split(r"[.\[]", f, maxsplit=1)[0] for f in names)
    return _FIELDS[text]


def _status_and_message(frame: pd.DataFrame, hits: list[Hits], positions: np.ndarray, order: np.ndarray,
                        texts: list[str], config: Config) -> None:
    """Status and one-line message per row; order sorts positions stably (rule order within a row)."""
    n = len(frame)
    complete = frame["results_complete"].to_numpy()
    # a row whose paslon votes are in is not "not filled": the rule naming what is still
    # blank makes it PERIKSA (chasil.results_partial)
    votes_in = complete | frame["paslon_filled"].to_numpy()
    priority = np.where(votes_in, STATUS_PRIORITY[OK], STATUS_PRIORITY[BELUM_DIISI])
    for h in hits:
        status = h.status or (SALAH if h.severity == ERROR else PERIKSA)
        priority[h.rows] = np.maximum(priority[h.rows], STATUS_PRIORITY[status])
    by_priority = np.full(max(STATUS_PRIORITY.values()) + 1, None, dtype=object)
    for status, p in STATUS_PRIORITY.items():
        by_priority[p] = status
    frame["status"] = by_priority[priority]
    lang = config.language
    # an object array from the start: np.where on two str makes a fixed-width unicode array
    # (80 MB at 820,000 rows) and astype(object) a new str per row (0.15 s)
    message = np.full(n, "", dtype=object)
    message[~votes_in] = NOT_FILLED_MESSAGE.get(lang, NOT_FILLED_MESSAGE["id"])
    if len(order):
        # most rows with a problem have one: their text is the message as it is
        by_row = positions[order]
        starts = np.flatnonzero(np.r_[True, by_row[1:] != by_row[:-1]])
        ends = np.r_[starts[1:], len(order)]
        single = ends - starts == 1
        text = np.empty(len(texts), dtype=object)
        text[:] = texts
        message[by_row[starts[single]]] = text[order[starts[single]]]
        for start, end in zip(starts[~single].tolist(), ends[~single].tolist()):
            message[by_row[start]] = "; ".join(text[order[start:end]].tolist())
    frame["message"] = message
    frame["n_errors"] = _per_row([h.rows for h in hits if h.severity == ERROR], n)
    frame["n_count_errors"] = _per_row([h.rows for h in hits if h.severity == ERROR and h.doubts_counts], n)


def _per_row(rows: list[np.ndarray], n: int) -> np.ndarray:
    """How many of the hits fall on each row."""
    if not rows:
        return np.zeros(n, dtype=np.int64)
    return np.bincount(np.concatenate(rows), minlength=n).astype(np.int64)
