"""What a rule sees (RuleContext) and what it returns (Hits).

A rule looks at whole columns at once (numpy / pandas), never row by row, and
returns one Hits per kind of problem: the code, the severity, the frame positions
of the rows hit and the message params (arrays aligned with those positions, or
scalars).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Iterator, Mapping

import numpy as np
import pandas as pd

from sheetsync.core.cells import ParsedColumn
from sheetsync.core.config import Column, Config, result_fields
from sheetsync.core.double_entry import SecondEntry


@dataclass
class Hits:
    code: str
    severity: str                      # "error" | "warning"
    field: str | None
    rows: np.ndarray                   # positions (0-based) in RuleContext.frame
    params: Mapping[str, Any] = dataclasses.field(default_factory=dict)  # arrays aligned with rows, or scalars
    status: str | None = None          # row status this imposes; default from severity
    # False for an error that says nothing about the row's numbers (a saksi's phone): the row
    # is SALAH so it gets fixed, but its C.Hasil still counts in the vote totals
    doubts_counts: bool = True

    def __len__(self) -> int:
        return len(self.rows)


@dataclass
class RuleContext:
    config: Config
    frame: pd.DataFrame                 # typed rows, positional; index = sheet row
    parsed: Mapping[str, ParsedColumn]  # field -> parsed cells (aligned with frame)
    raw: Mapping[str, np.ndarray]       # field -> cells as typed (aligned with frame)
    present: frozenset[str]             # fields whose header was found in the sheet
    now: datetime
    second: SecondEntry | None = None   # the second entry of the counts, aligned (double_entry.py)
    _ints: dict[str, tuple[np.ndarray, np.ndarray]] = dataclasses.field(default_factory=dict, repr=False, compare=False)
    factorized: dict[str, tuple[np.ndarray, np.ndarray]] = dataclasses.field(default_factory=dict, repr=False, compare=False)

    def column(self, field_name: str) -> Column | None:
        return self.config.column(field_name)

    def header(self, field_name: str) -> str:
        col = self.config.column(field_name)
        return col.header if col else field_name

    def typed(self, field_name: str, rows: np.ndarray) -> np.ndarray:
        """Cells as typed for some frame positions, without copying the whole column."""
        raw = self.raw
        return raw.at(field_name, rows) if isinstance(raw, RowSubset) else raw[field_name][rows]

    def has(self, *fields: str) -> bool:
        return all(f in self.present for f in fields)

    def ints(self, field_name: str) -> tuple[np.ndarray, np.ndarray]:
        """(int64 values with 0 where blank or bad, filled-and-valid mask).

        Worked out once per column and shared by the rules (DPT is read by four),
        so the arrays are read-only: a rule that wants to change one makes a copy."""
        hit = self._ints.get(field_name)
        if hit is None:
            values = self.frame[field_name].array
            filled = ~np.asarray(values.isna())
            ints = np.array(values.to_numpy(dtype=np.int64, na_value=0))  # our own copy, made read-only
            ints.flags.writeable = filled.flags.writeable = False
            hit = self._ints[field_name] = (ints, filled)
        return hit

    def factorize(self, field_name: str) -> tuple[np.ndarray, np.ndarray]:
        """pd.factorize of a column's cells as typed: (int64 code per row, -1 for None/NaN;
        the distinct cells, object).

        Worked out once per check() and kept in self.factorized, read-only: the koordinator
        rule and the per-koordinator totals both group the same 820,000 names (each with
        its own normalisation of the distinct ones), and hashing the cells is most of it."""
        hit = self.factorized.get(field_name)
        if hit is None:
            codes, uniques = pd.factorize(np.asarray(self.raw[field_name], dtype=object), use_na_sentinel=True)
            codes = codes.astype(np.int64, copy=False)
            uniques = np.asarray(uniques, dtype=object)
            codes.flags.writeable = uniques.flags.writeable = False
            hit = self.factorized[field_name] = (codes, uniques)
        return hit

    @property
    def sheet_rows(self) -> np.ndarray:
        return self.frame.index.to_numpy()

    @property
    def result_fields(self) -> tuple[str, ...]:
        return result_fields(self.config)


class RowSubset(Mapping[str, np.ndarray]):
    """Columns of the whole tab seen through the non-blank rows, copied on first use.

    Copying every object column to drop a few blank rows costs more than most
    rules; rules that only quote hit cells use at() and never copy."""

    def __init__(self, columns: Mapping[str, np.ndarray], keep: np.ndarray | None):
        self._columns, self._keep = columns, keep
        self._copies: dict[str, np.ndarray] = {}

    def __getitem__(self, name: str) -> np.ndarray:
        if self._keep is None:
            return self._columns[name]
        if name not in self._copies:
            self._copies[name] = self._columns[name][self._keep]
        return self._copies[name]

    def at(self, name: str, rows: np.ndarray) -> np.ndarray:
        column = self._columns[name]
        return np.asarray(column[rows] if self._keep is None else column[self._keep[rows]])

    def __iter__(self) -> Iterator[str]:
        return iter(self._columns)

    def __len__(self) -> int:
        return len(self._columns)
