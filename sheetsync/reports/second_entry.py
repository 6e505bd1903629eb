"""The two entries' disagreements, for ``sheetsync reconcile``: each TPS whose second entry
differs from the first, field by field with both values, and the second tab's rows that name
no TPS of the input tab.

Which TPS differ is the double_entry rule's verdict (its ``entries_differ`` frame column and
its PERIKSA message); the second entry is lined up again here as check() lines it up
(core/double_entry.py) only to give each differing field's two values apart, for a table or
JSON rather than the one sentence of the Keterangan cell.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from sheetsync.core.cells import P_OK, ParsedColumn, cell_text, parse_int_column
from sheetsync.core.check import CheckResult
from sheetsync.core.config import Config, result_fields
from sheetsync.core.double_entry import SecondEntry, from_columns, from_tab, ints
from sheetsync.core.issues import Issue
from sheetsync.core.rules.double_entry import ENTRIES_DIFFER

DIFFERS = ("double_entry_differs", "double_entry_differs_tab")
UNMATCHED = "double_entry_unmatched"


@dataclass
class FieldDifference:
    field: str            # result field (paslon_1)
    column: str           # its header in the sheet (Paslon 1)
    first: Any            # the first entry: a number, or the cell as typed when it is not one
    second: Any           # the second entry, likewise


@dataclass
class DifferingTps:
    row: int                              # the input tab's row
    tps_key: str | None
    kecamatan: str | None
    kelurahan: str | None
    tps: int | None
    second_row: int | None                # the second tab's row; None for columns beside the first
    fields: list[FieldDifference] = field(default_factory=list)
    message: str = ""                     # the row's PERIKSA message, in the report's language


@dataclass
class UnmatchedRow:
    second_row: int                       # the second tab's row
    place: str                            # as typed there: "Kembangan / Kembangan Utara / TPS 12"
    message: str


@dataclass
class DoubleEntryReport:
    tab: str | None                       # the second tab; None: second-entry columns
    suffix: str | None                    # the second-entry columns' suffix; None: a second tab
    tps_verified: int                     # counted TPS whose two entries agree
    tps_unchecked: int                    # counted TPS without an agreeing second entry yet
    tps_entries_differ: int
    differing: list[DifferingTps] = field(default_factory=list)
    unmatched: list[UnmatchedRow] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)   # the second entry's other sheet-level problems


def double_entry_report(values: list[list[Any]], second_tab: list[list[Any]] | None, result: CheckResult,
                        config: Config, lang: str) -> DoubleEntryReport | None:
    """The disagreements of the check ``result`` of ``values`` (with ``second_tab`` as read,
    None when the tab does not exist); None when the config has no double entry."""
    entry = config.double_entry
    if entry is None:
        return None
    kota = result.totals.kota
    report = DoubleEntryReport(entry.tab, entry.suffix, int(kota.get("tps_verified") or 0),
                               int(kota.get("tps_unchecked") or 0), int(kota.get("tps_entries_differ") or 0))
    sheet_level = [i for i in result.issues if i.row is None and i.code.startswith("double_entry_")]
    report.unmatched = [UnmatchedRow(int(i.params["second_row"]), str(i.params["place"]), i.message(lang))
                        for i in sheet_level if i.code == UNMATCHED]
    report.problems = [i.message(lang) for i in sheet_level if i.code != UNMATCHED]
    report.differing = differing_tps(values, second_tab, result, config, lang)
    return report


def differing_tps(values: list[list[Any]], second_tab: list[list[Any]] | None, result: CheckResult,
                  config: Config, lang: str) -> list[DifferingTps]:
    """Each TPS whose two entries differ, in sheet order, with the fields that differ."""
    rows = result.rows
    if ENTRIES_DIFFER not in rows or not rows[ENTRIES_DIFFER].any():
        return []
    second = _second_entry(values, second_tab, result, config)
    at = np.flatnonzero(rows[ENTRIES_DIFFER].to_numpy(bool))
    messages: dict[int, Issue] = {int(i.row): i for i in result.issues if i.code in DIFFERS and i.row is not None}
    out = []
    for p in at.tolist():
        row = int(rows.index[p])
        line = rows.iloc[p]
        found = messages.get(row)
        out.append(DifferingTps(
            row, _text(line.get("tps_key")), _text(line.get("kecamatan")), _text(line.get("kelurahan")),
            _int(line.get("tps")), int(second.rows[p]) if second.rows[p] >= 0 else None,
            message=found.message(lang) if found is not None else ""))
    for f in result_fields(config):
        if f in second.counts and f in result.header.fields:
            column = config.column(f)
            _add_field(out, at, f, column.header if column else f, _first_cells(values, at, result, f), second)
    return out


def _second_entry(values: list[list[Any]], second_tab: list[list[Any]] | None, result: CheckResult,
                  config: Config) -> SecondEntry:
    """The second entry aligned with the result's rows, as check() aligned it."""
    rows = result.rows
    if config.double_entry is not None and config.double_entry.suffix is not None:
        hr = config.header_row
        header = list(values[hr - 1]) if len(values) >= hr else []
        body = values[hr:]
        width = max([len(header), *map(len, body)])
        grid = np.empty((len(body), width), dtype=object)
        for i, r in enumerate(body):
            grid[i, :len(r)] = r
        keep = rows.index.to_numpy(np.int64) - (hr + 1)       # the frame's rows, as positions in the body
        return from_columns(header, grid, keep, config)
    return from_tab(second_tab, rows["tps_key"].to_numpy(object), config)


def _first_cells(values: list[list[Any]], at: np.ndarray, result: CheckResult, f: str) -> np.ndarray:
    """The first entry's cells of field ``f`` on the frame rows ``at``, as typed."""
    col = result.header.fields[f]
    cells = np.full(len(at), None, dtype=object)
    for k, row in enumerate(result.rows.index[at].tolist()):
        line = values[int(row) - 1] if int(row) - 1 < len(values) else []
        cells[k] = line[col] if col < len(line) else None
    return cells


def _add_field(out: list[DifferingTps], at: np.ndarray, f: str, column: str, first_cells: np.ndarray,
               second: SecondEntry) -> None:
    """Append field ``f`` to each TPS whose two entries of it differ, by the rule's measure:
    filled in both, and not the same number (a cell that is no number differs)."""
    first = parse_int_column(first_cells)
    other = ParsedColumn(second.counts[f].values[at], second.counts[f].problem[at])
    a, b = ints(first), ints(other)
    a_ok, b_ok = first.problem == P_OK, other.problem == P_OK
    differs = ~first.blank & ~other.blank & (~a_ok | ~b_ok | (a != b))
    for k in np.flatnonzero(differs).tolist():
        out[k].fields.append(FieldDifference(
            f, column, _shown(first_cells[k], a_ok[k], a[k]), _shown(second.typed[f][at[k]], b_ok[k], b[k])))


def _shown(cell: Any, ok: bool, value: int) -> Any:
    """A number as a number; anything else as typed."""
    return int(value) if ok else cell_text(cell)


def _text(value: Any) -> str | None:
    return None if value is None or pd.isna(value) else str(value)


def _int(value: Any) -> int | None:
    return None if value is None or pd.isna(value) else int(value)
