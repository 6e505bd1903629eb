"""Put back what the journal saw and the sheet lost -- never over a newer value.

``plan_restore`` compares the input tab as it is *now* with what the journal
recorded since a time / sync (``since``) or for some TPS (``tps``):

* a row that was in the tab in that window and is missing now is appended
  below the last filled row, in the current column order (rows come back in
  their old relative order); a row whose key was retyped (a rename link in the
  journal, from a sync the guard let through) is not a missing row: skipped;
* a cell that is empty now gets the last non-empty value it had in the window.

Only empty cells and new rows are written: a value someone typed since is
never overwritten. Owned columns (status, message) are left to the next sync.
``restore(..., apply=True)`` reads the tab, plans and writes at once, so the
plan it writes is checked against the sheet as it is at that moment (the window
left is the planning time, as for a sync's writes).
"""
from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from typing import Any, Iterable

from sheetsync import a1
from sheetsync.journal_query import MASK
from sheetsync.journal_tab import TabRead, journal_key, read_tab

_PLAIN_INT = re.compile(r"(0|-?[1-9][0-9]{0,14})")


@dataclass(frozen=True)
class RestoredCell:
    tps_key: str
    field: str
    header: str
    a1: str              # 'Tab'!D17
    value: str
    kind: str            # "row" (appended row) | "cell" (blanked cell refilled)


@dataclass
class RestorePlan:
    spreadsheet: str
    tab: str
    since_sync: int                    # journal window starts at this sync (0 = all history)
    cells: list[RestoredCell] = field(default_factory=list)
    rows_appended: list[str] = field(default_factory=list)
    skipped: list[dict[str, str]] = field(default_factory=list)   # {tps_key, field?, reason}
    writes: list[tuple[str, list[list[Any]]]] = field(default_factory=list)
    grid_rows: int = 0                 # rows the tab must have for the appended rows
    grid_cols: int = 0
    applied: bool = False
    cells_written: int = 0
    requests: int = 0

    def __len__(self) -> int:
        return len(self.cells)

    def to_dict(self, personal: Iterable[str] = ()) -> dict[str, Any]:
        """JSON-able report; values of ``personal`` fields are masked."""
        p = frozenset(personal)
        cells = [{**asdict(c), "value": MASK if c.field in p else c.value} for c in self.cells]
        return {"spreadsheet": self.spreadsheet, "tab": self.tab, "since_sync": self.since_sync,
                "applied": self.applied, "cells": cells, "rows_appended": self.rows_appended,
                "skipped": self.skipped, "cells_written": self.cells_written,
                "requests": self.requests}


def sheet_value(text: str) -> Any:
    """Raw text -> the value written RAW: whole numbers as numbers (so a restored
    120 is the number 120, as typed); anything else, e.g. 0812..., stays text."""
    return int(text) if _PLAIN_INT.fullmatch(text) else text


def plan_restore(journal: Any, spreadsheet: str, current_values: list[list[Any]], config: Any, *,
                 since: datetime | timedelta | int | None = None, tps: Iterable[str] | None = None,
                 current: TabRead | None = None) -> RestorePlan:
    """Cell writes that put back vanished rows and blanked cells (see module doc).
    ``since`` and/or ``tps`` (row keys) choose what to look at; neither = all history."""
    after_n = journal.sync_at(spreadsheet, since) if since is not None else 0
    keys = None if tps is None else list(tps)
    window = journal.window(spreadsheet, after_n, keys)
    renamed = journal.renamed_keys(spreadsheet, after_n)
    now = current or read_tab(current_values, config)
    plan = RestorePlan(spreadsheet, config.input_tab, after_n)
    col_of = {f: i for i, f in enumerate(now.fields) if f is not None}
    headers = {f: now.header[i] for f, i in col_of.items()}
    for key in sorted(k for k in window if k in now.rows):
        _refill(plan, key, window[key][1], now, col_of, headers)
    missing = sorted((k for k in window if k not in now.rows), key=lambda k: (window[k][0], k))
    next_row = _last_filled(current_values) + 1
    for key in missing:
        if key in renamed:
            plan.skipped.append({"tps_key": key, "reason": f"retyped as {renamed[key]}"})
            continue
        if _append(plan, key, window[key][1], next_row, now, col_of, headers):
            next_row += 1
    plan.grid_rows = next_row - 1
    plan.grid_cols = len(now.header)
    return plan


def _refill(plan: RestorePlan, key: str, old: dict[str, str], now: TabRead,
            col_of: dict[str, int], headers: dict[str, str]) -> None:
    current = now.row_dict(key)
    row = now.positions[key]
    for f, value in sorted(old.items()):
        if current.get(f, ""):
            continue                                  # someone's value is there: keep it
        if f not in col_of:
            plan.skipped.append({"tps_key": key, "field": f, "reason": "column not in the tab now"})
            continue
        ref = a1.rect(plan.tab, row, col_of[f] + 1)
        plan.cells.append(RestoredCell(key, f, headers[f], ref, value, "cell"))
        plan.writes.append((ref, [[sheet_value(value)]]))


def _append(plan: RestorePlan, key: str, old: dict[str, str], row: int, now: TabRead,
            col_of: dict[str, int], headers: dict[str, str]) -> bool:
    placed = {f: v for f, v in old.items() if f in col_of}
    for f in sorted(set(old) - set(placed)):
        plan.skipped.append({"tps_key": key, "field": f, "reason": "column not in the tab now"})
    if not placed:
        return False
    width = max(col_of[f] for f in placed) + 1
    line: list[Any] = [""] * width
    for f, value in placed.items():
        line[col_of[f]] = sheet_value(value)
    plan.writes.append((a1.rect(plan.tab, row, 1, row, width), [line]))
    plan.rows_appended.append(key)
    for f in sorted(placed, key=lambda f: col_of[f]):
        plan.cells.append(RestoredCell(key, f, headers[f], a1.rect(plan.tab, row, col_of[f] + 1),
                                       placed[f], "row"))
    return True


def _last_filled(values: list[list[Any]]) -> int:
    """1-based number of the last row with any content (0 for an empty tab)."""
    for i in range(len(values) - 1, -1, -1):
        if any(c not in (None, "") for c in values[i]):
            return i + 1
    return 0


def restore(config: Any, journal: Any, sheet: Any, *, spreadsheet: str | None = None,
            since: datetime | timedelta | int | None = None, tps: Iterable[str] | None = None,
            apply: bool = False) -> RestorePlan:
    """One call for ``sheetsync restore``: read the input tab (one batchGet), plan,
    and with ``apply`` grow the grid if rows are appended and write (one batchUpdate).
    ``sheet`` is a gsheets.Sheet; the plan returned is the one written."""
    key = journal_key(spreadsheet or sheet.key, config.input_tab)
    tab_range = a1.quote_tab(config.input_tab)
    values = sheet.read([tab_range])[tab_range]
    plan = plan_restore(journal, key, values, config, since=since, tps=tps)
    if not apply or not plan.writes:
        plan.requests = sheet.requests
        return plan
    if plan.rows_appended:
        sheet.ensure_grid({config.input_tab: (plan.grid_rows, plan.grid_cols)})
    sheet.write(plan.writes)
    plan.applied = True
    plan.cells_written = len(plan.cells)
    plan.requests = sheet.requests
    return plan
