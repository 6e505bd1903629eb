"""What the sheet should show after a sync: owned columns, summary tabs, last-synced cell.

Layout rules (documented in docs/sync.md):
- the owned columns (config.status_header, config.message_header) are found by header
  text in the header row; a missing one is appended after the widest row, so it never
  lands in a column somebody typed into;
- a summary table starts at A1 of its tab, except on the tab holding the last-synced
  cell, where it starts two rows below that cell;
- below its table, a summary tab is cleared (a shrinking summary leaves no stale rows).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Iterable, Mapping

from sheetsync import a1
from sheetsync.plan import CellTarget, ColumnTarget, Desired, GridTarget
from sheetsync.rowid import KEY_FIELDS, RowIdentities, identities, norm

ALERT_MARK = "\u26a0"      # the guard's alert in the last-synced cell starts with this


@dataclass
class InputLayout:
    header: list[Any]
    status_col: int                  # 1-based
    message_col: int                 # 1-based
    missing_headers: list[str] = field(default_factory=list)

    @property
    def owned0(self) -> list[int]:
        return [self.status_col - 1, self.message_col - 1]

    def without_owned(self, values: list[list[Any]]) -> list[list[Any]]:
        """The input tab with the owned cells blanked: statuses are output, never input."""
        owned = self.owned0
        first = min(owned)
        out = list(values)
        for i, line in enumerate(values):
            if len(line) > first:
                line = list(line)
                for c in owned:
                    if c < len(line):
                        line[c] = ""
                out[i] = line
        return out


def input_layout(values: list[list[Any]], config: Any) -> InputLayout:
    header = list(values[config.header_row - 1]) if len(values) >= config.header_row else []
    names = [norm(h) for h in header]
    next_free = max((len(line) for line in values), default=0) + 1
    cols: list[int] = []
    missing: list[str] = []
    for text in (config.status_header, config.message_header):
        want = norm(text)
        if want in names:
            cols.append(names.index(want) + 1)
        else:
            cols.append(next_free)
            missing.append(text)
            next_free += 1
    return InputLayout(header, cols[0], cols[1], missing)


def field_columns(result: Any) -> dict[str, int]:
    """field -> 0-based column index, from the core's HeaderMap (whatever its shape)."""
    header = getattr(result, "header", None)
    for attr in ("columns", "fields", "index", "by_field"):
        value = getattr(header, attr, None)
        if isinstance(value, Mapping):
            return {str(k): int(v) for k, v in value.items() if isinstance(v, int)}
    if isinstance(header, Mapping):
        return {str(k): int(v) for k, v in header.items() if isinstance(v, int)}
    return {}


def summary_origin(config: Any, tab: str) -> int:
    stamp_tab, stamp_row, _ = a1.parse_tab_cell(config.last_synced_cell)
    return stamp_row + 2 if tab == stamp_tab else 1


def build_desired(values: list[list[Any]], layout: InputLayout, result: Any, config: Any) -> Desired:
    desired = Desired()
    first = config.header_row + 1
    last = len(values)
    if last >= first:
        status, message, keys = _row_outputs(result, first, last, config.language)
        desired.columns.append(ColumnTarget(config.input_tab, layout.status_col, first, status, keys))
        desired.columns.append(ColumnTarget(config.input_tab, layout.message_col, first, message, keys))
    for text, col in zip((config.status_header, config.message_header),
                         (layout.status_col, layout.message_col)):
        if text in layout.missing_headers:
            desired.cells.append(CellTarget(config.input_tab, config.header_row, col, text))
    desired.grids.extend(_summary_grids(result, config))
    return desired


def _row_outputs(result: Any, first: int, last: int, lang: str) -> tuple[list[str], list[str], list[Any]]:
    """Status label, message and TPS key for every sheet row first..last ("" for blank rows)."""
    from sheetsync.issues import status_label
    n = last - first + 1
    status, message, keys = [""] * n, [""] * n, [None] * n
    rows = result.rows
    if len(rows) == 0:
        return status, message, keys
    labels = {code: status_label(code, lang) for code in rows["status"].dropna().unique()}
    idx = rows.index.to_numpy()
    st = rows["status"].map(labels).fillna("").tolist()
    msg = rows["message"].fillna("").astype(str).tolist() if "message" in rows.columns else [""] * len(rows)
    key = rows["tps_key"].tolist() if "tps_key" in rows.columns else [None] * len(rows)
    for r, s, m, k in zip(idx.tolist(), st, msg, key):
        if first <= r <= last:
            i = r - first
            status[i], message[i] = s, m
            keys[i] = k if isinstance(k, str) and k else None
    return status, message, keys


def _summary_grids(result: Any, config: Any) -> list[GridTarget]:
    from sheetsync.summaries import summary_tables
    stamp_tab, stamp_row, stamp_col = a1.parse_tab_cell(config.last_synced_cell)
    grids = []
    for tab, values in summary_tables(result, config).items():
        keep = frozenset({(stamp_row, stamp_col)}) if tab == stamp_tab else frozenset()
        grids.append(GridTarget(tab, summary_origin(config, tab), 1, values, keep))
    return grids


def merge_warnings(result: Any, issues: Iterable[Any], lang: str) -> int:
    """Fold extra per-row warnings (journal: changed after verification) into the statuses."""
    rows = result.rows
    merged = 0
    for issue in issues:
        row = getattr(issue, "row", None)
        if row is None or row not in rows.index:
            continue
        text = issue.message(lang, with_row=False) if _takes_with_row(issue) else issue.message(lang)
        old = rows.at[row, "message"] if "message" in rows.columns else ""
        old = old if isinstance(old, str) else ""
        rows.at[row, "message"] = f"{old}; {text}" if old else text
        if rows.at[row, "status"] == "OK":
            rows.at[row, "status"] = "PERIKSA"
        merged += 1
    return merged


def _takes_with_row(issue: Any) -> bool:
    try:
        issue.message("id", with_row=False)
    except TypeError:
        return False
    return True


def row_identities(values: list[list[Any]], rows: list[int], layout: InputLayout, result: Any,
                   config: Any) -> RowIdentities:
    cols = field_columns(result)
    key_cols = [cols[f] for f in KEY_FIELDS if f in cols]
    frame = result.rows
    unique: set[int] = set()
    if "tps_key" in frame.columns and len(frame):
        keys = frame["tps_key"]
        counts = keys.value_counts()
        single = keys.map(counts).eq(1) & keys.notna()
        unique = set(int(r) for r in frame.index[single.to_numpy()])
    return identities(values, rows, unique, tab=config.input_tab, header_row=config.header_row,
                      key_cols=key_cols, owned=layout.owned0)


def last_synced_text(when: datetime, lang: str, alerts: list[str]) -> str:
    stamp = when.strftime("%d-%m-%Y %H:%M:%S") if lang == "id" else when.strftime("%Y-%m-%d %H:%M:%S")
    if alerts:
        if lang == "id":
            return (f"{ALERT_MARK} SINKRONISASI DIHENTIKAN {stamp} WIB: {alerts[0]} "
                    "(rekap tidak diperbarui; pulihkan dengan 'sheetsync restore' atau jalankan "
                    "'sheetsync sync --accept-deletions' bila memang disengaja)")
        return (f"{ALERT_MARK} SYNC STOPPED {stamp} WIB: {alerts[0]} (summaries not updated; "
                "restore with 'sheetsync restore' or run 'sheetsync sync --accept-deletions' if intended)")
    return f"Terakhir disinkronkan: {stamp} WIB" if lang == "id" else f"Last synced: {stamp} WIB"
