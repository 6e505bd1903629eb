"""What the sheet should show after a sync: owned columns, summary tabs, last-synced cell.

Layout rules (documented in docs/sync.md):
- the owned columns (config.status_header, config.message_header) are found by their
  marker, else by header text in the header row, matched as the core matches headers
  (core.headers.header_key); a missing one is appended after the widest row, so it never
  lands in a column somebody typed into;
- a summary table starts at A1 of its tab, except on the tab holding the last-synced
  cell, where it starts two rows below that cell;
- below its table, a summary tab is cleared (a shrinking summary leaves no stale rows).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Iterable, Mapping

import numpy as np

from sheetsync.core.check import CheckResult
from sheetsync.core.config import Config, progress_title
from sheetsync.core.headers import header_key
from sheetsync.core.issues import status_label
from sheetsync.core.progress import Point, progress_table, reported_per_hour
from sheetsync.core.summaries import summary_tables

from sheetsync.sync.ownership import ROLES, column_not_ours, marker_holds, sheetsyncs_column
from sheetsync.sync.plan import CellTarget, ColumnTarget, Desired, GridTarget
from sheetsync.sync.rowid import KEY_FIELDS, RowIdentities, content_identity, identities
from sheetsync.sync.stamp import summary_origin


@dataclass
class InputLayout:
    header: list[Any]
    status_col: int                  # 1-based
    message_col: int                 # 1-based
    missing_headers: list[str] = field(default_factory=list)
    # (role, 1-based column) of owned columns without sheetsync's marker yet (ownership.py)
    to_mark: list[tuple[str, int]] = field(default_factory=list)
    stale: list[tuple[str, int]] = field(default_factory=list)      # markers on people's columns now

    @property
    def owned0(self) -> list[int]:
        return [self.status_col - 1, self.message_col - 1]

    def with_added_headers(self, values: list[list[Any]], config: Config) -> list[list[Any]]:
        """The input tab as it will look after this sync adds its missing owned headers."""
        if not self.missing_headers:
            return values
        row = config.header_row - 1
        out = list(values) + [[] for _ in range(max(0, row + 1 - len(values)))]
        line = list(out[row])
        for text, col in zip((config.status_header, config.message_header), (self.status_col, self.message_col)):
            if text in self.missing_headers:
                line += [""] * (col - len(line))
                line[col - 1] = text
        out[row] = line
        return out

    def without_owned(self, values: list[list[Any]], header_row: int = 1) -> list[list[Any]]:
        """The input tab with the owned data cells blanked: statuses are output, never input.
        The header row keeps its texts, so the core still sees where the owned columns are."""
        owned = self.owned0
        first = min(owned)
        out = list(values)
        for i, line in enumerate(values):
            if i >= header_row and len(line) > first:
                line = list(line)
                for c in owned:
                    if c < len(line):
                        line[c] = ""
                out[i] = line
        return out


def input_layout(values: list[list[Any]], config: Config, marked: Mapping[str, list[int]] | None = None, *,
                 strict: bool = True, synced_before: bool = True) -> InputLayout:
    """Where sheetsync's own two columns stand: by their marker (ownership.py), else, on a
    sheet made before markers, the column of that header holding only what sheetsync writes
    (to be marked), else a new column after the widest row. A column of that header holding
    anything else is a person's: strict raises NotOurs; otherwise (check, which writes
    nothing) it is only left out of the input like an owned one."""
    header = list(values[config.header_row - 1]) if len(values) >= config.header_row else []
    names = [header_key(h) for h in header]
    next_free = max((len(line) for line in values), default=0) + 1
    layout = InputLayout(header, 0, 0)
    cols: list[int] = []
    texts = dict(zip(ROLES, (config.status_header, config.message_header)))
    holding = {role: [c for c in (marked or {}).get(role, [])
                      if marker_holds(role, header[c - 1] if c <= len(header) else "", texts[role])]
               for role in ROLES}
    # only a marker that still holds takes its column: a stale one (a marker put one column
    # off by a column inserted as it was written) must not hide sheetsync's own column
    taken = {c for cs in holding.values() for c in cs}
    for role, text in texts.items():
        held = holding[role]
        layout.stale.extend((role, c) for c in (marked or {}).get(role, []) if c not in held)
        col = held[0] if held else None
        if col is None:
            same = [i + 1 for i, n in enumerate(names) if n == header_key(text) and i + 1 not in taken]
            col = next((c for c in same if _may_adopt(role, _data_cells(values, c, config), synced_before)), None)
            if col is None and same and strict:
                raise column_not_ours(config, text, same[0])
            col = col or (same[0] if same else None)
            if col is None:
                col, next_free = next_free, next_free + 1
            layout.to_mark.append((role, col))
        if col > len(header) or header_key(header[col - 1]) != header_key(text):
            layout.missing_headers.append(text)    # new, or a marked column's header lost: (re)written
        cols.append(col)
    layout.status_col, layout.message_col = cols
    return layout


def _may_adopt(role: str, cells: list[Any], synced_before: bool) -> bool:
    """An unmarked column of an owned header is taken as sheetsync's (and marked) when it is
    empty, or when it holds only what sheetsync writes AND a sync of an earlier release wrote
    this spreadsheet (``synced_before``: its stamp is there). On a sheet no sync ever wrote,
    "OK" and "PERIKSA" in a column called Status are a person's words."""
    if not any(str(c).strip() for c in cells):
        return True
    return synced_before and sheetsyncs_column(role, cells)


def _data_cells(values: list[list[Any]], col: int, config: Config) -> list[Any]:
    return [line[col - 1] for line in values[config.header_row:] if len(line) >= col]


def build_desired(values: list[list[Any]], layout: InputLayout, result: CheckResult, config: Config,
                  tables: dict[str, list[list[Any]]] | None = None) -> Desired:
    desired = Desired()
    first = config.header_row + 1
    last = len(values)
    if last >= first:
        status, message, keys = _row_outputs(result, first, last, config.language)
        for i, key in enumerate(keys):                 # no parseable key: named by content
            if key is None and status[i]:
                keys[i] = content_identity(values[first - 1 + i], layout.owned0)
        desired.columns.append(ColumnTarget(config.input_tab, layout.status_col, first, status, keys))
        desired.columns.append(ColumnTarget(config.input_tab, layout.message_col, first, message, keys))
    for text, col in zip((config.status_header, config.message_header),
                         (layout.status_col, layout.message_col)):
        if text in layout.missing_headers:
            desired.cells.append(CellTarget(config.input_tab, config.header_row, col, text))
    desired.grids.extend(_summary_grids(result, config, tables))
    return desired


def _row_outputs(result: CheckResult, first: int, last: int, lang: str) -> tuple[list[str], list[str], list[Any]]:
    """Status label, message and TPS key for every sheet row first..last ("" for blank rows)."""
    n = last - first + 1
    rows = result.rows
    if len(rows) == 0:
        return [""] * n, [""] * n, [None] * n
    pos = rows.index.to_numpy(dtype=np.int64) - first
    inside = (pos >= 0) & (pos < n)
    pos = pos[inside]
    labels = {code: status_label(code, lang) for code in rows["status"].dropna().unique()}
    status = np.full(n, "", dtype=object)
    status[pos] = rows["status"].map(labels).fillna("").to_numpy(dtype=object)[inside]
    message = np.full(n, "", dtype=object)
    if "message" in rows.columns:
        message[pos] = rows["message"].fillna("").astype(str).to_numpy(dtype=object)[inside]
    keys = np.full(n, None, dtype=object)
    if "tps_key" in rows.columns:
        k = rows["tps_key"].to_numpy(dtype=object)[inside]
        keys[pos] = [v if isinstance(v, str) and v else None for v in k]
    return status.tolist(), message.tolist(), keys.tolist()


def _summary_grids(result: CheckResult, config: Config, tables: dict[str, list[list[Any]]] | None) -> list[GridTarget]:
    if tables is None:
        tables = summary_tables(result, config)
    stamp = config.last_synced
    grids = []
    for tab, values in tables.items():
        keep = frozenset({(stamp.row, stamp.col)}) if tab == stamp.tab else frozenset()
        grids.append(GridTarget(tab, summary_origin(config, tab), 1, values, keep))
    return grids


def progress_grid(points: Iterable[Point], now: datetime, config: Config) -> GridTarget:
    """The "last 24 hours" tab (core/progress.py): TPS reported per hour, its table at A1.
    ``points``: the journal's reads (JournalReader.reported_points) and this sync's own."""
    table = progress_table(reported_per_hour(points, now), config.language)
    return GridTarget(progress_title(config), 1, 1, table)


def row_identities(values: list[list[Any]], rows: list[int], layout: InputLayout, result: CheckResult,
                   config: Config) -> RowIdentities:
    cols = result.header.fields
    key_cols = [cols[f] for f in KEY_FIELDS if f in cols]
    frame = result.rows
    unique: set[int] = set()
    if "tps_key" in frame.columns and len(frame):
        keys = frame["tps_key"]
        single = keys.notna() & ~keys.duplicated(keep=False)
        wanted = frame.index.isin(rows)
        unique = set(int(r) for r in frame.index[(single & wanted).to_numpy()])
    return identities(values, rows, unique, tab=config.input_tab, header_row=config.header_row,
                      key_cols=key_cols, owned=layout.owned0)

