"""Mass-change guard: stop a sync from summarising a sheet that just lost data.

Compared with the last *good* sync (a blocked sync is journaled with good=False,
so the baseline does not move until someone restores or accepts):

* more than ``config.guard_max_deleted_share`` of the filled rows vanished
  (their keys are gone: deleted rows, or keys scrambled by a sort of some columns).
  A row whose TPS could not be read (keyed by content: a misspelt kelurahan, a
  duplicate) and that now sits, corrected, at the same place with most cells
  unchanged was retyped, not lost: the journal links it as renamed, and it does
  not count, whatever the column layout;
* a configured column (the TPS key, the counts, any column of the config) that
  was in the layout is gone: its header was renamed or the column deleted;
* a configured column changed meaning: after a change of the header row it holds
  other values on more than that share of the rows (headers swapped, a header
  typed over another column).

A new, renamed or reordered column of people's own, or a configured column that
moved, is no alert: the journal follows columns by their field, not their place.

The sync engine calls ``guard``; on alerts it skips the summaries, writes
``alert_text`` into the last-synced cell and exits 3 with the same text. Each
alert says how to undo its cause and which acceptance confirms it was meant:
``deleted_rows`` (``--accept-deleted-rows``) or ``column_changes``
(``--accept-column-changes``); ``accept_deletions=True`` (``--accept-deletions``,
the first release's flag) accepts both.

The second-entry tab's history is guarded the same way (``second_tab``): its alerts
name the tab, advise ``restore --second-entry`` with its own sync number, and keep
the summaries too (their double-checked figures are its rows); the sync leaves the
input tab's history good (see docs/journal.md).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Iterable, Mapping, Sequence
from zoneinfo import ZoneInfo

from sheetsync.core import a1
from sheetsync.core.config import Config
from sheetsync.core.headers import header_key
from sheetsync.journal.queries import Snapshot
from sheetsync.journal.tab import TabRead, is_content_key, pair_renames, similar
from sheetsync.sync.record import Alert

WIB = ZoneInfo("Asia/Jakarta")
ROWS_VANISHED, COLUMN_GONE, COLUMN_CHANGED = "rows_vanished", "column_gone", "column_changed"
DELETED_ROWS, COLUMN_CHANGES = "deleted_rows", "column_changes"      # what an acceptance accepts
ACCEPTED_BY = {ROWS_VANISHED: DELETED_ROWS, COLUMN_GONE: COLUMN_CHANGES, COLUMN_CHANGED: COLUMN_CHANGES}
FLAG = {DELETED_ROWS: "--accept-deleted-rows", COLUMN_CHANGES: "--accept-column-changes"}

_TEXT = {
    ROWS_VANISHED: {
        "id": "{count} dari {total} baris hilang sejak sinkron baik terakhir ({when} WIB): {rows}",
        "en": "{count} of {total} rows vanished since the last good sync ({when} WIB): {rows}"},
    COLUMN_GONE: {
        "id": "Kolom '{column}' (dulu {old}) tidak ada lagi di baris judul sejak {when} WIB",
        "en": "Column '{column}' (was {old}) is no longer in the header row since {when} WIB"},
    COLUMN_CHANGED: {
        "id": "Kolom '{column}' ({new}) berisi nilai lain di {count} dari {total} baris sejak "
              "judul kolom berubah ({when} WIB)",
        "en": "Column '{column}' ({new}) holds other values on {count} of {total} rows since "
              "the header row changed ({when} WIB)"},
}
_LEAD = {"id": "PERINGATAN sheetsync: ringkasan TIDAK diperbarui. ",
         "en": "sheetsync WARNING: summaries NOT updated. "}
# The advice fits the cause: rows come back with restore; a column with its header.
# {restore}: the restore command of the tab that lost them (RESTORE).
_HOW = {
    DELETED_ROWS: {
        "id": " Pulihkan: {restore} --since {since} --apply; jika disengaja: "
              "sheetsync sync --accept-deleted-rows.",
        "en": " Restore: {restore} --since {since} --apply; if intended: "
              "sheetsync sync --accept-deleted-rows."},
    COLUMN_CHANGES: {
        "id": " Kembalikan judul kolom (atau tambahkan judul baru sebagai alias di konfigurasi); "
              "jika disengaja: sheetsync sync --accept-column-changes.",
        "en": " Put the column header back (or add the new header as an alias in the config); "
              "if intended: sheetsync sync --accept-column-changes."},
}
# The second-entry tab keeps a history of its own (its sync numbers are its own): its alerts
# name the tab, and its rows come back with restore's --second-entry.
RESTORE = "sheetsync restore"
SECOND_ENTRY_FLAG = "--second-entry"
_IN_TAB = {"id": "Tab entri kedua '{tab}': ", "en": "Second-entry tab '{tab}': "}


@dataclass(frozen=True)
class GuardAlert:
    code: str                                   # rows_vanished | column_gone | column_changed
    since_sync: int                             # the last good sync compared with
    since_at: datetime
    rows: tuple[tuple[str, int], ...] = ()      # (row key, sheet row at the last good sync)
    params: Mapping[str, Any] = field(default_factory=dict)
    second_tab: str | None = None               # the second-entry tab's title, when it is that tab's

    @property
    def accepted_by(self) -> str:
        """The acceptance that confirms this change: deleted_rows | column_changes."""
        return ACCEPTED_BY[self.code]

    def message(self, lang: str = "id", max_rows: int = 20) -> str:
        shown = [f"{r} ({k})" for k, r in self.rows[:max_rows]]
        more = len(self.rows) - max_rows
        if more > 0:
            shown.append(f"+{more}")
        params = {"when": self.since_at.astimezone(WIB).strftime("%d/%m %H:%M"),
                  "rows": ", ".join(shown), **self.params}
        texts = _TEXT[self.code]
        where = (_IN_TAB.get(lang) or _IN_TAB["id"]).format(tab=self.second_tab) if self.second_tab else ""
        return where + (texts.get(lang) or texts["id"]).format(**params)

    def to_dict(self) -> dict[str, Any]:
        """JSON-able; ``second_tab`` only in the second-entry tab's alerts."""
        out = {"code": self.code, "since_sync": self.since_sync,
               "since_at": self.since_at.isoformat(), "rows": [list(r) for r in self.rows],
               "params": dict(self.params), "accept": FLAG[self.accepted_by],
               "message": self.message("en")}
        return out | {"second_tab": self.second_tab} if self.second_tab else out


def alert_text(alerts: Sequence[Alert], lang: str = "id", max_rows: int = 20) -> str:
    """One line for the last-synced cell and for the exit-3 message: the alerts of each tab
    (the input tab's first, then the second-entry tab's), each followed by the advice for
    each kind of its causes, once."""
    if not alerts:
        return ""
    tabs = dict.fromkeys(a.second_tab for a in alerts)
    parts = []
    for tab in tabs:
        mine = [a for a in alerts if a.second_tab == tab]
        since = mine[0].since_sync        # that tab's last good sync: `--since N` takes its number
        restore = f"{RESTORE} {SECOND_ENTRY_FLAG}" if tab else RESTORE
        body = " ".join(a.message(lang, max_rows) + "." for a in mine)
        kinds = dict.fromkeys(a.accepted_by for a in mine)
        parts.append(body + "".join((_HOW[k].get(lang) or _HOW[k]["id"]).format(since=since, restore=restore)
                                    for k in kinds))
    return (_LEAD.get(lang) or _LEAD["id"]) + " ".join(parts)


def guard(previous: Snapshot | None, current_rows: TabRead | Mapping[str, Any], config: Config, *,
          accept: Iterable[str] = (), accept_deletions: bool = False,
          second_tab: str | None = None) -> list[GuardAlert]:
    """Alerts for the current read against the last good sync (see module doc).
    ``current_rows``: the TabRead of this read (or just its row keys). ``accept``:
    kinds of change confirmed as meant (deleted_rows, column_changes);
    ``accept_deletions`` accepts every kind. ``second_tab``: the read is of the
    second-entry tab of that title (its alerts say so)."""
    if previous is None or accept_deletions:
        return []
    accepted = set(accept)
    common: dict[str, Any] = dict(since_sync=previous.sync_no, since_at=previous.at, second_tab=second_tab)
    alerts = []
    if DELETED_ROWS not in accepted:
        alerts += _rows_alert(previous, current_rows, config, common)
    # a second-entry tab deleted or emptied has no header: its rows' alert says it all
    headed = not second_tab or not isinstance(current_rows, TabRead) or any(h.strip() for h in current_rows.header)
    if COLUMN_CHANGES not in accepted and isinstance(current_rows, TabRead) and headed:
        alerts += _column_alerts(previous, current_rows, config, common)
    return alerts


def _share(config: Config) -> float:
    return config.guard_max_deleted_share


def _rows_alert(previous: Snapshot, current: TabRead | Mapping[str, Any], config: Config,
                common: dict[str, Any]) -> list[GuardAlert]:
    vanished = _vanished(previous, current)
    total = len(previous.rows)
    if not total or len(vanished) <= _share(config) * total:
        return []
    if isinstance(current, TabRead):            # rare: only when the share is passed
        vanished = _not_corrected(previous, current, vanished)
        if len(vanished) <= _share(config) * total:
            return []
    rows = tuple(sorted(vanished, key=lambda r: r[1]))
    return [GuardAlert(ROWS_VANISHED, rows=rows, params={"count": len(vanished), "total": total},
                       **common)]


def _vanished(previous: Snapshot, current: TabRead | Mapping[str, Any]) -> list[tuple[str, int]]:
    """(key, sheet row then) of every row of the last good sync that is gone. A
    key retyped in place counts too: one retyped TPS is far below the share,
    while a sort of only the key columns retypes them all -- exactly the damage
    to stop. The last read answers from its changed blocks (no whole-tab pass)."""
    if isinstance(current, TabRead) and previous.vanished_of is not None:
        got = previous.vanished_of(current)
        if got is not None:
            return got
    keys = current.rows if isinstance(current, TabRead) else current
    gone = previous.rows.keys() - keys.keys()
    return [(k, previous.positions[k]) for k in previous.rows if k in gone] if gone else []


def _not_corrected(previous: Snapshot, current: TabRead,
                   vanished: list[tuple[str, int]]) -> list[tuple[str, int]]:
    """The vanished rows less those corrected in place: a row keyed by its content
    (its TPS could not be read) that the journal will link, as it links any
    retyped key, to the new key at about the same sheet row. A valid TPS key
    retyped into another is still counted: a sort of the key columns does that."""
    appeared = [(k, p) for k, p in current.positions.items() if k not in previous.rows]
    junk = [(k, p) for k, p in vanished if is_content_key(k)]
    if not appeared or not junk:
        return vanished
    pairs = pair_renames([p for _, p in junk], [p for _, p in appeared],
                         lambda i, j: similar(previous.rows[junk[i][0]], current.row_dict(appeared[j][0])))
    corrected = {junk[i][0] for i, _ in pairs}
    return [v for v in vanished if v[0] not in corrected]


def _column_alerts(previous: Snapshot, current: TabRead, config: Config,
                   common: dict[str, Any]) -> list[GuardAlert]:
    """Configured columns gone from the layout, or holding other values after the
    header row changed (only then can a column change meaning: an unchanged header
    row with new values is people typing)."""
    configured = [c for c in config.columns if c.field in previous.fields]
    now = {f: i for i, f in enumerate(current.fields) if f is not None}
    was = {f: i for i, f in enumerate(previous.fields) if f is not None}
    alerts = [GuardAlert(COLUMN_GONE, params={"column": c.header, "old": a1.col_letters(was[c.field] + 1)},
                         **common) for c in configured if c.field not in now]
    if _trimmed(previous.header) == _trimmed(current.header):
        return alerts
    kept = [c for c in configured if c.field in now]
    counts = _changed_values(previous, current, [c.field for c in kept])
    for c in kept:
        changed, total = counts[c.field]
        if total and changed > _share(config) * total:
            alerts.append(GuardAlert(COLUMN_CHANGED, params={
                "column": c.header, "new": a1.col_letters(now[c.field] + 1), "count": changed,
                "total": total}, **common))
    return alerts


def _changed_values(previous: Snapshot, current: TabRead, names: list[str]) -> dict[str, tuple[int, int]]:
    """name -> (rows whose value differs, rows with a value then or now), over the
    rows in both reads; each row decoded once."""
    counts = {name: [0, 0] for name in names}
    for key in current.rows.keys() & previous.rows.keys():
        old, new = previous.rows[key], current.row_dict(key)
        for name, count in counts.items():
            a, b = old.get(name, ""), new.get(name, "")
            if a or b:
                count[1] += 1
                count[0] += a != b
    return {name: (c[0], c[1]) for name, c in counts.items()}


def _trimmed(header: list[str]) -> list[str]:
    out = [header_key(h) for h in header]
    while out and not out[-1]:
        out.pop()
    return out
