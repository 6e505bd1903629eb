"""The second, independent entry of the C.Hasil counts, lined up with the first.

A config chooses one form (config.DoubleEntry):
- a second tab with the same key headers (kecamatan, kelurahan, No TPS) and count headers,
  typed by other volunteers: its rows are matched to the input tab's by TPS key;
- second-entry columns beside the first, headed like them with a suffix ("Paslon 1 (cek)").

What comes out (SecondEntry) is the second entry's count cells parsed and aligned with the
first entry's rows, and the problems of the second tab itself (a row naming no TPS of the
first, a TPS typed twice, a header missing), which are the sheet's issues, not a row's.
The comparison and the rows' verdicts are the double_entry rule's (rules/double_entry.py).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Sequence

import numpy as np
import pandas as pd

from sheetsync.core.cells import (ParsedColumn, cell_text, grid_of, is_blank, parse_int_column, parse_int_columns,
                                  parse_tps_column, text_blank)
from sheetsync.core.config import Column, Config, DoubleEntry, result_fields
from sheetsync.core.headers import header_key
from sheetsync.core.issues import WARNING, Issue, register_message
from sheetsync.core.regions import Regions, name_codes, resolve_kecamatan, resolve_kelurahan

register_message(
    "double_entry_tab_missing",
    "Tab entri kedua '{tab}' tidak ada: belum ada TPS yang dicek ulang",
    "Second-entry tab '{tab}' not found: no TPS is double-checked yet")
register_message(
    "double_entry_header_missing",
    "Tab entri kedua '{tab}': kolom '{column}' tidak ditemukan di baris judul {header_row}",
    "Second-entry tab '{tab}': column '{column}' not found in header row {header_row}")
register_message(
    "double_entry_column_missing",
    "Kolom entri kedua '{column}' tidak ditemukan di baris judul {header_row}: belum ada TPS yang dicek ulang",
    "Second-entry column '{column}' not found in header row {header_row}: no TPS is double-checked yet")
register_message(
    "double_entry_unmatched",
    "Tab entri kedua '{tab}' baris {second_row}: {place} bukan TPS di tab '{input_tab}'",
    "Second-entry tab '{tab}' row {second_row}: {place} is not a TPS of tab '{input_tab}'")
register_message(
    "double_entry_twice",
    "Tab entri kedua '{tab}' baris {second_row}: TPS ini sudah diketik di baris {first_row}; yang dipakai "
    "baris {first_row}",
    "Second-entry tab '{tab}' row {second_row}: this TPS is already typed in row {first_row}; row "
    "{first_row} is used")

KEY_TYPES = ("kecamatan", "kelurahan", "tps")


def ints(column: ParsedColumn, missing: int = 0) -> np.ndarray:
    """A parsed integer column (cells.parse_int_column and its kin: an IntegerArray) as int64,
    ``missing`` where blank or unreadable."""
    values = column.values
    assert isinstance(values, pd.arrays.IntegerArray), type(values)
    return np.asarray(values.to_numpy(dtype=np.int64, na_value=missing))


@dataclass
class SecondEntry:
    """The second entry's counts, aligned with the first entry's rows (frame positions)."""
    counts: dict[str, ParsedColumn]          # result field -> parsed second-entry cells
    typed: dict[str, np.ndarray]             # result field -> the cells as typed (quoted when unreadable)
    where: str                               # "tab 'Entri Kedua' row 7" style place, per form
    rows: np.ndarray                         # per first-entry row: the second tab's sheet row, or -1
    issues: list[Issue] = field(default_factory=list)    # the second tab's own problems (sheet level)


def second_headers(config: Config) -> dict[str, tuple[str, ...]]:
    """Result field -> the header texts its second-entry column may have, in the config's form."""
    entry = config.double_entry
    assert entry is not None
    suffix = entry.suffix or ""
    out = {}
    for f in result_fields(config):
        col = config.column(f)
        if col is not None:
            out[f] = tuple(name + suffix for name in (col.header, *col.aliases))
    return out


def find_columns(header: Sequence[Any], wanted: dict[str, tuple[str, ...]]) -> dict[str, int]:
    """field -> 0-based column of the first header cell matching one of its names."""
    first: dict[str, int] = {}
    for i, h in enumerate(header):
        first.setdefault(header_key(h), i)
    found = {}
    for f, names in wanted.items():
        idx = next((first[k] for k in map(header_key, names) if k in first), None)
        if idx is not None:
            found[f] = idx
    return found


def from_columns(header: Sequence[Any], grid: np.ndarray, keep: np.ndarray, config: Config) -> SecondEntry:
    """The second entry typed in columns beside the first: the same rows, so already aligned."""
    wanted = second_headers(config)
    columns = find_columns(header, wanted)
    n = len(keep)
    counts: dict[str, ParsedColumn] = {}
    typed: dict[str, np.ndarray] = {}
    for f, idx in columns.items():
        cells = grid[keep, idx]           # check() makes the grid as wide as the header
        counts[f], typed[f] = parse_int_column(cells), cells
    # a field without its second column leaves every row unverified: say which column
    issues = [Issue("double_entry_column_missing", WARNING, None, None,
                    {"column": names[0], "header_row": config.header_row})
              for f, names in wanted.items() if f not in columns]
    return SecondEntry(counts, typed, "columns", np.full(n, -1, dtype=np.int64), issues)


def from_tab(values: list[list[Any]] | None, first_keys: np.ndarray, config: Config) -> SecondEntry:
    """The second tab's rows matched to the first entry's by TPS key.

    ``values`` is the tab as read (None: the tab does not exist); ``first_keys`` the first
    entry's TPS key per row (None where unknown)."""
    entry: DoubleEntry = config.double_entry  # type: ignore[assignment]
    tab = entry.tab or ""
    n = len(first_keys)
    empty = SecondEntry({}, {}, tab, np.full(n, -1, dtype=np.int64))
    if values is None:
        empty.issues.append(Issue("double_entry_tab_missing", WARNING, None, None, {"tab": tab}))
        return empty
    hr = config.header_row
    header = list(values[hr - 1]) if len(values) >= hr else []
    keys_wanted = {c.field: (c.header, *c.aliases) for c in config.columns if c.type in KEY_TYPES}
    key_cols = find_columns(header, keys_wanted)
    count_cols = find_columns(header, {f: (c.header, *c.aliases) for f in result_fields(config)
                                       if (c := config.column(f)) is not None})
    missing = [c for c in config.columns if c.field in keys_wanted and c.field not in key_cols]
    # a count header missing leaves every row unverified (its field cannot agree): named too
    missing_counts = [c for f in result_fields(config) if (c := config.column(f)) is not None and f not in count_cols]
    header_issues = [_header_missing(tab, col, hr) for col in (*missing, *missing_counts)]
    if missing or not count_cols:
        empty.issues.extend(header_issues)
        return empty
    grid = grid_of(list(values[hr:]), len(header))
    columns = [*key_cols.values(), *count_cols.values()]
    filled = _filled_rows(grid, columns)
    grid, sheet_rows = grid[filled], np.flatnonzero(filled) + hr + 1
    keys = _keys(grid, key_cols, config)
    # rows the fast test kept but that name no TPS: only spaces typed is a blank row too
    spaces = np.flatnonzero(keys == None)  # noqa: E711 - elementwise on an object array
    blank = spaces[[all(is_blank(v) for v in grid[i, columns].tolist()) for i in spaces.tolist()]]
    if len(blank):
        kept = np.setdiff1d(np.arange(len(grid)), blank)
        grid, sheet_rows, keys = grid[kept], sheet_rows[kept], keys[kept]
    at, issues = _match(keys, sheet_rows, first_keys, grid, key_cols, config)
    matched = at >= 0
    fields = list(count_cols)
    aligned = np.full((n, len(fields)), None, dtype=object)     # the second entry on the first's rows
    aligned[matched] = grid[at[matched]][:, [count_cols[f] for f in fields]]
    parsed = parse_int_columns(aligned, list(range(len(fields))))
    counts = dict(zip(fields, parsed))
    typed = {f: aligned[:, j] for j, f in enumerate(fields)}
    rows = np.full(n, -1, dtype=np.int64)
    rows[matched] = sheet_rows[at[matched]]
    return SecondEntry(counts, typed, tab, rows, [*header_issues, *issues])


def _header_missing(tab: str, col: Column, header_row: int) -> Issue:
    return Issue("double_entry_header_missing", WARNING, None, None,
                 {"tab": tab, "column": col.header, "header_row": header_row})


def _filled_rows(grid: np.ndarray, columns: list[int]) -> np.ndarray:
    """Rows with anything in the key or count columns, the fast way (None and "" are blank;
    a row of spaces is dropped once its place fails to resolve)."""
    filled = np.zeros(len(grid), dtype=bool)
    for c in columns:
        filled |= ~text_blank(grid[:, c])
    return filled


def _keys(grid: np.ndarray, key_cols: dict[str, int], config: Config) -> np.ndarray:
    """The TPS key of each second-tab row (None where the place does not resolve)."""
    regions = config.regions
    by_type = {c.type: key_cols[c.field] for c in config.columns if c.field in key_cols}
    kec = resolve_kecamatan(name_codes(grid[:, by_type["kecamatan"]]), regions)
    kel, _ = resolve_kelurahan(name_codes(grid[:, by_type["kelurahan"]]), kec, regions)
    numbers = ints(parse_tps_column(grid[:, by_type["tps"]]), missing=-1)
    return _tps_keys(kel, numbers, regions)


def _tps_keys(kel: np.ndarray, numbers: np.ndarray, regions: Regions) -> np.ndarray:
    """tps_key() per row ("31.73.01.1005/012"), each distinct kelurahan and number formatted
    once; None where either is unknown."""
    ok = (kel >= 0) & (numbers >= 0)
    keys = np.full(len(kel), None, dtype=object)
    if ok.any():
        kel_codes, kels = pd.factorize(kel[ok])
        num_codes, nums = pd.factorize(numbers[ok])
        prefix = np.array([regions.kelurahan[k].code + "/" for k in kels.tolist()], dtype=object)  # as tps_key()
        padded = np.array([f"{n:03d}" for n in nums.tolist()], dtype=object)
        keys[ok] = prefix[kel_codes] + padded[num_codes]
    return keys


def _match(keys: np.ndarray, sheet_rows: np.ndarray, first_keys: np.ndarray, grid: np.ndarray,
           key_cols: dict[str, int], config: Config) -> tuple[np.ndarray, list[Issue]]:
    """Per first-entry row, the position of its second-tab row (-1: none); and the second
    tab's rows that match nothing or repeat a TPS, named."""
    tab = config.double_entry.tab  # type: ignore[union-attr]
    second = pd.Series(keys, dtype=object)
    known = second.notna().to_numpy()
    repeated = known & second.duplicated(keep="first").to_numpy()
    first = pd.Series(first_keys, dtype=object)
    # a TPS typed twice in the first entry (its own error there) is matched on its first row
    first_pos = np.flatnonzero(first.notna().to_numpy() & ~first.duplicated(keep="first").to_numpy())
    found = pd.Index(first.iloc[first_pos]).get_indexer(pd.Index(second.where(known & ~repeated, None)))
    matched = found >= 0
    at = np.full(len(first_keys), -1, dtype=np.int64)
    at[first_pos[found[matched]]] = np.flatnonzero(matched)
    earliest = {k: i for i, k in reversed(list(enumerate(keys.tolist())))} if repeated.any() else {}
    issues: list[Issue] = []
    for i in np.flatnonzero(~matched).tolist():
        row = int(sheet_rows[i])
        if repeated[i]:
            issues.append(Issue("double_entry_twice", WARNING, None, None, {
                "tab": tab, "second_row": row, "first_row": int(sheet_rows[earliest[keys[i]]])}))
        else:
            issues.append(Issue("double_entry_unmatched", WARNING, None, None, {
                "tab": tab, "second_row": row, "input_tab": config.input_tab,
                "place": _place(grid[i], key_cols, config)}))
    return at, issues


def _place(row: np.ndarray, key_cols: dict[str, int], config: Config) -> str:
    """The row's place as typed: "Kembangan / Kembangan Utara / TPS 12"."""
    by_type = {c.type: cell_text(row[key_cols[c.field]]) for c in config.columns if c.field in key_cols}
    kec, kel, tps = (by_type.get(t) or "-" for t in KEY_TYPES)
    return f"{kec} / {kel} / TPS {tps}"
