"""The two entries' disagreements, for ``sheetsync reconcile``: each TPS whose second entry
differs from the first, field by field with both values, and the second tab's rows that name
no TPS of the input tab.

Everything here is the double_entry rule's (core/rules/double_entry.py): which TPS differ
(its ``entries_differ`` frame column), each field's two values (``entry_differences``) and
its PERIKSA message, set out for a table or JSON rather than the one sentence of the
Keterangan cell.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from sheetsync.core.check import CheckResult
from sheetsync.core.config import Config
from sheetsync.core.issues import Issue
from sheetsync.core.rules.double_entry import DIFFERENCES, ENTRIES_DIFFER

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


def double_entry_report(result: CheckResult, config: Config, lang: str) -> DoubleEntryReport | None:
    """The disagreements the check ``result`` found; None when the config has no double entry."""
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
    report.differing = differing_tps(result, lang)
    return report


def differing_tps(result: CheckResult, lang: str) -> list[DifferingTps]:
    """Each TPS whose two entries differ, in sheet order, with the fields that differ."""
    rows = result.rows
    if ENTRIES_DIFFER not in rows or not rows[ENTRIES_DIFFER].any():
        return []
    messages: dict[int, Issue] = {int(i.row): i for i in result.issues if i.code in DIFFERS and i.row is not None}
    out = []
    for p in np.flatnonzero(rows[ENTRIES_DIFFER].to_numpy(bool)).tolist():
        row = int(rows.index[p])
        line = rows.iloc[p]
        found = messages.get(row)
        second_row = found.params.get("second_row") if found is not None else None
        out.append(DifferingTps(
            row, _text(line.get("tps_key")), _text(line.get("kecamatan")), _text(line.get("kelurahan")),
            _int(line.get("tps")), int(second_row) if second_row is not None else None,
            fields=[FieldDifference(d.field, d.column, d.first, d.second) for d in line[DIFFERENCES]],
            message=found.message(lang) if found is not None else ""))
    return out


def _text(value: Any) -> str | None:
    return None if value is None or pd.isna(value) else str(value)


def _int(value: Any) -> int | None:
    return None if value is None or pd.isna(value) else int(value)
