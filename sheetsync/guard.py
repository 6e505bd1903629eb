"""Mass-change guard: stop a sync from summarising a sheet that just lost data.

Compared with the last *good* sync (a blocked sync is journaled with good=False,
so the baseline does not move until someone restores or accepts):

* more than ``config.guard_max_deleted_share`` of the filled rows vanished
  (their keys are gone: deleted rows, or keys scrambled by a sort of some columns);
* the header row changed (texts compared case- and space-insensitively,
  blank cells at the right ignored);
* an owned column (status, message) moved.

The sync engine calls ``guard``; on alerts it skips the summaries, writes
``alert_text`` into the last-synced cell and exits 3 with the same text.
``accept_deletions=True`` (``--accept-deletions``) confirms the change was meant.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Mapping
from zoneinfo import ZoneInfo

from sheetsync.journal_query import Snapshot
from sheetsync.journal_tab import TabRead, norm_header

WIB = ZoneInfo("Asia/Jakarta")
ROWS_VANISHED, HEADER_CHANGED, OWNED_MOVED = "rows_vanished", "header_changed", "owned_column_moved"

_TEXT = {
    ROWS_VANISHED: {
        "id": "{count} dari {total} baris hilang sejak sinkron baik terakhir ({when} WIB): {rows}",
        "en": "{count} of {total} rows vanished since the last good sync ({when} WIB): {rows}"},
    HEADER_CHANGED: {
        "id": "Baris judul berubah sejak {when} WIB: {change}",
        "en": "The header row changed since {when} WIB: {change}"},
    OWNED_MOVED: {
        "id": "Kolom '{column}' pindah dari {old} ke {new}",
        "en": "Column '{column}' moved from {old} to {new}"},
}
_LEAD = {"id": "PERINGATAN sheetsync: ringkasan TIDAK diperbarui. ",
         "en": "sheetsync WARNING: summaries NOT updated. "}
_HOW = {
    "id": " Pulihkan: sheetsync restore --since {since} --apply; jika disengaja: "
          "sheetsync sync --accept-deletions",
    "en": " Restore: sheetsync restore --since {since} --apply; if intended: "
          "sheetsync sync --accept-deletions"}


@dataclass(frozen=True)
class GuardAlert:
    code: str                                   # rows_vanished | header_changed | owned_column_moved
    since_sync: int                             # the last good sync compared with
    since_at: datetime
    rows: tuple[tuple[str, int], ...] = ()      # (row key, sheet row at the last good sync)
    params: Mapping[str, Any] = field(default_factory=dict)

    def message(self, lang: str = "id", max_rows: int = 20) -> str:
        shown = [f"{r} ({k})" for k, r in self.rows[:max_rows]]
        more = len(self.rows) - max_rows
        if more > 0:
            shown.append(f"+{more}")
        params = {"when": self.since_at.astimezone(WIB).strftime("%d/%m %H:%M"),
                  "rows": ", ".join(shown), **self.params}
        texts = _TEXT[self.code]
        return (texts.get(lang) or texts["id"]).format(**params)

    def to_dict(self) -> dict[str, Any]:
        return {"code": self.code, "since_sync": self.since_sync,
                "since_at": self.since_at.isoformat(), "rows": [list(r) for r in self.rows],
                "params": dict(self.params), "message": self.message("en")}


def alert_text(alerts: list[GuardAlert], lang: str = "id", max_rows: int = 20) -> str:
    """One line for the last-synced cell and for the exit-3 message."""
    if not alerts:
        return ""
    since = alerts[0].since_sync          # the last good sync: `--since N` takes a sync number
    body = " ".join(a.message(lang, max_rows) + "." for a in alerts)
    return (_LEAD.get(lang) or _LEAD["id"]) + body + (_HOW.get(lang) or _HOW["id"]).format(since=since)


def _trimmed(header: list[str]) -> list[str]:
    out = [norm_header(h) for h in header]
    while out and not out[-1]:
        out.pop()
    return out


def _column(index: int) -> str:
    from sheetsync.journal_tab import col_letter
    return col_letter(index)


def guard(previous: Snapshot | None, current_rows: TabRead | Mapping[str, Any], header: list[str],
          config: Any, *, accept_deletions: bool = False) -> list[GuardAlert]:
    """Alerts for the current read against the last good sync (see module doc).
    ``current_rows``: the TabRead of this read (or just its row keys)."""
    if previous is None or accept_deletions:
        return []
    alerts = []
    common = dict(since_sync=previous.sync_no, since_at=previous.at)
    vanished = _vanished(previous, current_rows)
    total = len(previous.rows)
    share = float(getattr(config, "guard_max_deleted_share", 0.10))
    if total and len(vanished) > share * total:
        rows = tuple(sorted(vanished, key=lambda r: r[1]))
        alerts.append(GuardAlert(ROWS_VANISHED, rows=rows, params={
            "count": len(vanished), "total": total}, **common))
    old, new = _trimmed(previous.header), _trimmed(header)
    if old != new:
        alerts.append(GuardAlert(HEADER_CHANGED, params={"change": _header_change(
            previous.header, header)}, **common))
    for owned in (config.status_header, config.message_header):
        key = norm_header(owned)
        was = old.index(key) if key in old else None
        now = new.index(key) if key in new else None
        if was is not None and was != now:
            alerts.append(GuardAlert(OWNED_MOVED, params={
                "column": owned, "old": _column(was), "new": "-" if now is None else _column(now)},
                **common))
    return alerts


def _vanished(previous: Snapshot, current: TabRead | Mapping[str, Any]) -> list[tuple[str, int]]:
    """(key, sheet row then) of every row of the last good sync that is gone. A
    key retyped in place counts too: one retyped TPS is far below the share,
    while a sort of only the key columns retypes them all -- exactly the damage
    to stop. The last read answers from its changed blocks (no whole-tab pass)."""
    fast = previous.vanished_of if isinstance(current, TabRead) else None
    got = fast(current) if fast is not None else None
    if got is not None:
        return got
    keys = current.rows if isinstance(current, TabRead) else current
    gone = previous.rows.keys() - keys.keys()
    return [(k, previous.positions[k]) for k in previous.rows if k in gone] if gone else []


def _header_change(old: list[str], new: list[str]) -> str:
    """Short description: first differing column, old -> new text."""
    width = max(len(old), len(new))
    for i in range(width):
        a = old[i] if i < len(old) else ""
        b = new[i] if i < len(new) else ""
        if norm_header(a) != norm_header(b):
            return f"{_column(i)}: '{a}' -> '{b}'"
    return ""
