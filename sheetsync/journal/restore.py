"""Put back what the journal saw and the sheet lost -- never over a newer value.

``plan_restore`` compares the input tab as it is *now* with what the journal
recorded since a time / sync (``since``) or for some TPS (``tps``):

* a row that was in the tab in that window and is missing now is added below
  the table, in the current column order (rows come back in their old relative
  order); a row whose key was retyped (a rename link in the journal, from a sync
  the guard let through, whatever the column layout was) is not a missing row:
  skipped;
* a cell that is empty now gets the last non-empty value it had in the window,
  unless the journal shows the clearing was deliberate: the cell was blanked
  while its row was being edited (another cell of the row got a value in the
  same sync as the blanking or later: someone retyping the row). A cell blanked
  alone, or a whole row's cells blanked at once, is refilled.

Only cells with no content of any kind are written: a value someone typed since,
or a formula showing "" (read with valueRenderOption=FORMULA), is never
overwritten. Owned columns (status, message) are left to the next sync.

What comes back is what was typed: a cell the journal last read as a formula
(journal/formulas.py) gets that formula, as long as the value restore would put
back is the one that formula showed, adjusted to the row it comes back in as
Sheets adjusts a copied formula (``formulas.moved``). Values are written RAW as
before; the formulas after them, USER_ENTERED, as a person types them.

``restore(..., apply=True)`` holds the sync lock (no sync writes meanwhile),
reads the tab (values and formulas), plans and writes at once: the refilled
cells in one values:batchUpdate, the missing rows in one values:append with
INSERT_ROWS, so Google adds them in new rows below the table as it is when the
append lands -- never over a row someone typed meanwhile. An append is not
idempotent: when the transport had to send it again (its answer lost after it
landed), one read finds the copies and blanks all but the first. Then, when the
plan holds formulas, one values:batchUpdate USER_ENTERED writes them: into the
refilled cells, and over the values of the added rows where Google put them.

``second_entry=True`` does the same for the second-entry tab, from its own history (its key
and count columns: record.second_tab_config), under the same lock, writing only into that
tab: the values RAW, as the second team typed them (no formula of that tab is journaled).
"""
from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from typing import Any, Iterable

from sheetsync.core import a1
from sheetsync.core.config import Config
from sheetsync.errors import AS_SAID, EXIT_SYNC, Phrase, SheetsyncError, register
from sheetsync.journal.formulas import Found, moved
from sheetsync.journal.store import Journal
from sheetsync.sheets.client import Sheet, is_missing_range, transport_stats
from sheetsync.sync.desired import input_layout
from sheetsync.sync.ownership import read_owned
from sheetsync.journal.queries import MASK
from sheetsync.journal.tab import PURGED, TabRead, read_tab
from sheetsync.sync.record import journal_key, second_tab_config, second_tab_keyed
from sheetsync.sync.lock import LockBusy, SyncLock, lock_path
from sheetsync.sync.plan import raw_value



@dataclass(frozen=True)
class RestoredCell:
    tps_key: str
    field: str
    header: str
    a1: str              # 'Tab'!D17 (an added row: where it lands if no row is typed meanwhile)
    value: str
    kind: str            # "row" (added row) | "cell" (blanked cell refilled)
    formula: str = ""    # what was typed, when it was a formula showing ``value`` (adjusted to ``a1``)


@dataclass(frozen=True)
class TypedFormula:
    """A formula restore writes after the values: in a refilled cell (``line`` -1, at ``row``)
    or in an added row (``line``: its index in ``RestorePlan.rows``; ``row`` where it is planned)."""
    line: int
    row: int
    col: int             # 1-based
    found: Found         # as the journal read it (its row, the value it showed)

    def at(self, row: int) -> str | None:
        return moved(self.found.formula, row - self.found.row)


@dataclass
class RestorePlan:
    spreadsheet: str
    tab: str
    since_sync: int                    # journal window starts at this sync (0 = all history)
    cells: list[RestoredCell] = field(default_factory=list)
    rows_appended: list[str] = field(default_factory=list)
    skipped: list[dict[str, str]] = field(default_factory=list)   # {tps_key, field?, reason}
    writes: list[tuple[str, list[list[Any]]]] = field(default_factory=list)   # refilled cells
    rows: list[list[Any]] = field(default_factory=list)   # added rows, from column A
    table_width: int = 0               # header columns: the append looks for the table in them
    formulas: list[TypedFormula] = field(default_factory=list)   # written USER_ENTERED, after the rest
    applied: bool = False
    appended_at: str = ""              # the range Google put the added rows in
    cells_written: int = 0
    requests: int = 0

    def __len__(self) -> int:
        return len(self.cells)

    def to_dict(self, personal: Iterable[str] = ()) -> dict[str, Any]:
        """JSON-able report; values of ``personal`` fields are masked."""
        p = frozenset(personal)
        cells = [{**asdict(c), "value": MASK if c.field in p else c.value,
                  "formula": MASK if c.field in p and c.formula else c.formula} for c in self.cells]
        return {"spreadsheet": self.spreadsheet, "tab": self.tab, "since_sync": self.since_sync,
                "applied": self.applied, "cells": cells, "rows_appended": self.rows_appended,
                "appended_at": self.appended_at, "skipped": self.skipped,
                "cells_written": self.cells_written, "requests": self.requests}


def plan_restore(journal: Journal, spreadsheet: str, current_values: list[list[Any]], config: Config, *,
                 since: datetime | timedelta | int | None = None, tps: Iterable[str] | None = None,
                 current: TabRead | None = None, formulas: list[list[Any]] | None = None) -> RestorePlan:
    """Cell writes that put back vanished rows and blanked cells (see module doc).
    ``since`` and/or ``tps`` (row keys) choose what to look at; neither = all history.
    ``formulas``: the tab read with valueRenderOption=FORMULA (a formula is content)."""
    after_n = journal.sync_at(spreadsheet, since) if since is not None else 0
    keys = None if tps is None else list(tps)
    window = journal.window(spreadsheet, after_n, keys)
    typed = journal.formulas(spreadsheet, window)
    renamed = journal.renamed_keys(spreadsheet, after_n)
    deliberate = journal.cleared_while_edited(spreadsheet, after_n)
    now = current or read_tab(current_values, config)
    plan = RestorePlan(spreadsheet, config.input_tab, after_n, table_width=len(now.header))
    col_of = {f: i for i, f in enumerate(now.fields) if f is not None}
    headers = {f: now.header[i] for f, i in col_of.items()}
    for key in sorted(k for k in window if k in now.rows):
        _refill(plan, key, window[key][1], now, col_of, headers, formulas or [],
                deliberate.get(key, frozenset()), typed.get(key, {}))
    missing = sorted((k for k in window if k not in now.rows), key=lambda k: (window[k][0], k))
    next_row = max(_last_filled(current_values), _last_filled(formulas or [])) + 1
    for key in missing:
        if key in renamed:
            plan.skipped.append({"tps_key": key, "reason": f"retyped as {renamed[key]}"})
            continue
        if _append(plan, key, window[key][1], next_row, col_of, headers, typed.get(key, {})):
            next_row += 1
    return plan


def _formula(plan: RestorePlan, value: str, found: Found | None, line: int, row: int, col: int) -> str:
    """The formula that showed ``value`` (planned for ``row``), "" for none: a formula since
    replaced, or one that would reach above row 1 from there, gives way to the value."""
    if found is None or found.value != value:
        return ""
    typed = TypedFormula(line, row, col, found)
    text = typed.at(row)
    if text is None:
        return ""
    plan.formulas.append(typed)
    return text


def _has_formula(formulas: list[list[Any]], row: int, col: int) -> bool:
    line = formulas[row - 1] if row - 1 < len(formulas) else []
    return col < len(line) and line[col] not in (None, "")


def _restorable(plan: RestorePlan, key: str, old: dict[str, str]) -> dict[str, str]:
    """The values restore may write: not those purged for retention."""
    for f in sorted(f for f, v in old.items() if v == PURGED):
        plan.skipped.append({"tps_key": key, "field": f, "reason": "removed from the journal (retention)"})
    return {f: v for f, v in old.items() if v != PURGED}


def _refill(plan: RestorePlan, key: str, old: dict[str, str], now: TabRead, col_of: dict[str, int],
            headers: dict[str, str], formulas: list[list[Any]], deliberate: frozenset[str],
            typed: dict[str, Found]) -> None:
    current = now.row_dict(key)
    old = _restorable(plan, key, old)
    row = now.positions[key]
    for f, value in sorted(old.items()):
        if current.get(f, ""):
            continue                                  # someone's value is there: keep it
        if f not in col_of:
            plan.skipped.append({"tps_key": key, "field": f, "reason": "column not in the tab now"})
            continue
        if _has_formula(formulas, row, col_of[f]):
            plan.skipped.append({"tps_key": key, "field": f, "reason": "a formula is there now"})
            continue
        if f in deliberate:
            plan.skipped.append({"tps_key": key, "field": f,
                                 "reason": "cleared while the row was being edited"})
            continue
        ref = a1.rect(plan.tab, row, col_of[f] + 1)
        formula = _formula(plan, value, typed.get(f), -1, row, col_of[f] + 1)
        plan.cells.append(RestoredCell(key, f, headers[f], ref, value, "cell", formula))
        if not formula:
            plan.writes.append((ref, [[raw_value(value)]]))


def _append(plan: RestorePlan, key: str, old: dict[str, str], row: int,
            col_of: dict[str, int], headers: dict[str, str], typed: dict[str, Found]) -> bool:
    old = _restorable(plan, key, old)
    placed = {f: v for f, v in old.items() if f in col_of}
    for f in sorted(set(old) - set(placed)):
        plan.skipped.append({"tps_key": key, "field": f, "reason": "column not in the tab now"})
    if not placed:
        return False
    line: list[Any] = [""] * (max(col_of[f] for f in placed) + 1)
    for f, value in placed.items():
        line[col_of[f]] = raw_value(value)        # the value, whatever comes after it
    plan.rows.append(line)
    plan.rows_appended.append(key)
    for f in sorted(placed, key=lambda f: col_of[f]):
        formula = _formula(plan, placed[f], typed.get(f), len(plan.rows) - 1, row, col_of[f] + 1)
        plan.cells.append(RestoredCell(key, f, headers[f], a1.rect(plan.tab, row, col_of[f] + 1),
                                       placed[f], "row", formula))
    return True


def _last_filled(values: list[list[Any]]) -> int:
    """1-based number of the last row with any content (0 for an empty tab)."""
    for i in range(len(values) - 1, -1, -1):
        if any(c not in (None, "") for c in values[i]):
            return i + 1
    return 0


register({
    "restore_landed_elsewhere": {
        "en": "the restored rows landed at {where}, not from column A: check them in the sheet and move them "
              "under the table",
        "id": "baris yang dipulihkan mendarat di {where}, bukan mulai kolom A: periksa di sheet dan pindahkan ke "
              "bawah tabel",
    },
    "restore_no_second_tab": {
        "en": "{source} has no second-entry tab ([double_entry] tab = ...): there is no second tab to restore",
        "id": "{source} tidak punya tab entri kedua ([double_entry] tab = ...): tidak ada tab kedua yang bisa "
              "dipulihkan",
    },
    "restore_second_tab_missing": {
        "en": "the second-entry tab '{tab}' is not in the spreadsheet (tabs: {tabs}): add it again (sheetsync init "
              "adds it with its header row), then run restore --second-entry again",
        "id": "tab entri kedua '{tab}' tidak ada di spreadsheet (tab yang ada: {tabs}): buat lagi (sheetsync init "
              "membuatnya dengan baris judulnya), lalu jalankan restore --second-entry lagi",
    },
})


class RestoreError(SheetsyncError):
    """One line saying what went wrong and what to do (exit code 3, like sync)."""
    exit_code = EXIT_SYNC


def restore(config: Config, journal: Journal, sheet: Sheet, *, spreadsheet: str | None = None,
            since: datetime | timedelta | int | None = None, tps: Iterable[str] | None = None,
            apply: bool = False, lock_dir: str | None = None, second_entry: bool = False) -> RestorePlan:
    """One call for ``sheetsync restore``: read the input tab (values, then formulas),
    plan, and with ``apply`` write under the sync lock (see module doc). ``sheet`` is
    a gsheets.Sheet; the plan returned is the one written. ``second_entry``: the
    second-entry tab instead of the input tab."""
    second = second_tab_config(config)
    if second_entry and second is None:
        raise RestoreError("restore_no_second_tab", source=config.source)
    lock = SyncLock(lock_path(journal_key(sheet.key, config.input_tab), config.api_url, lock_dir))   # sync's
    if apply:
        try:
            lock.acquire()
        except LockBusy as exc:
            raise RestoreError(AS_SAID, reason=Phrase.of(exc)) from None
    key = spreadsheet or sheet.key
    try:
        if second_entry and second is not None:
            return _restore_second(second, journal, sheet, journal_key(key, second.input_tab),
                                   since=since, tps=tps, apply=apply)
        return _restore(config, journal, sheet, journal_key(key, config.input_tab),
                        since=since, tps=tps, apply=apply)
    finally:
        lock.release()


def _restore(config: Config, journal: Journal, sheet: Sheet, name: str, *, since: datetime | timedelta | int | None,
             tps: Iterable[str] | None, apply: bool) -> RestorePlan:
    tab_range = a1.quote_tab(config.input_tab)
    # one read, as sync reads: the tab and sheetsync's columns by their markers, so a person's
    # column that merely shares the Status or Keterangan header is restored like any other
    owned = read_owned(sheet, config, only_input=True)
    values = owned.values[config.input_tab]
    formulas = sheet.read([tab_range], render="FORMULA")[tab_range]
    now = read_tab(values, config, owned0=input_layout(values, config, owned.columns, strict=False).owned0)
    journal.claim(name, now, config.name)  # an old journal's history: only its own tab's
    plan = plan_restore(journal, name, values, config, since=since, tps=tps, formulas=formulas, current=now)
    return _write_plan(sheet, plan, tab_range, apply)


def _restore_second(second: Config, journal: Journal, sheet: Sheet, name: str, *,
                    since: datetime | timedelta | int | None, tps: Iterable[str] | None,
                    apply: bool) -> RestorePlan:
    """The second-entry tab (``second``: record.second_tab_config) as the sync journals it:
    read (values, then formulas), planned from its own history, written only into it."""
    tab_range = a1.quote_tab(second.input_tab)
    try:
        values = sheet.read([tab_range])[tab_range]
    except Exception as exc:  # noqa: BLE001 - the API's 400 for a range naming no tab
        if not is_missing_range(exc):
            raise
        tabs = ", ".join(sorted(sheet.tabs())) or "-"
        raise RestoreError("restore_second_tab_missing", tab=second.input_tab, tabs=tabs) from None
    formulas = sheet.read([tab_range], render="FORMULA")[tab_range]
    keyed, others = second_tab_keyed(values, second)
    now = read_tab(values, second, keyed, owned0=others)
    journal.claim(name, now, fresh=True)        # as the sync names it: never an old journal's history
    plan = plan_restore(journal, name, values, second, since=since, tps=tps, formulas=formulas, current=now)
    return _write_plan(sheet, plan, tab_range, apply)


def _write_plan(sheet: Sheet, plan: RestorePlan, tab_range: str, apply: bool) -> RestorePlan:
    """With ``apply``: the refilled cells (RAW), the missing rows (one append), then the formulas."""
    if apply and plan.writes:
        sheet.write(plan.writes)
    if apply and plan.rows:
        # the table is found in the header's columns: a note typed far right of the
        # last row is not taken for the table (Google would append beside it)
        columns = f"{tab_range}!A:{a1.col_letters(max(plan.table_width, len(max(plan.rows, key=len))))}"
        before = transport_stats(sheet.client)
        got = sheet.append_rows(columns, plan.rows)
        plan.appended_at = str(got.get("updates", {}).get("updatedRange", ""))
        if not _starts_in_column_a(plan.appended_at):
            raise RestoreError("restore_landed_elsewhere", where=plan.appended_at)
        if _retried(before, transport_stats(sheet.client)):
            _undo_repeated_append(sheet, plan, tab_range)
    if apply and plan.formulas:
        _write_formulas(sheet, plan)
    plan.applied = apply and bool(plan.writes or plan.rows or plan.formulas)
    plan.cells_written = len(plan.cells) if plan.applied else 0
    plan.requests = sheet.requests
    return plan


def _write_formulas(sheet: Sheet, plan: RestorePlan) -> None:
    """The plan's formulas, USER_ENTERED, each adjusted to the row it is written in: a
    refilled cell's, or where Google put its added row (``appended_at``)."""
    top = _rows_of(plan.appended_at)[0] if plan.rows else 0
    writes = []
    for typed in plan.formulas:
        row = typed.row if typed.line < 0 else top + typed.line if top else 0    # 0: not known
        text = typed.at(row) if row > 0 else None
        if text is not None:
            writes.append((a1.rect(plan.tab, row, typed.col), [[text]]))
    if writes:
        sheet.write(writes, input_option="USER_ENTERED")


def _retried(before: dict[str, int] | None, after: dict[str, int] | None) -> bool:
    """Did the transport send the append more than once? Unknown (another session): yes."""
    return before is None or after is None or after["retries"] > before["retries"]


def _undo_repeated_append(sheet: Sheet, plan: RestorePlan, tab_range: str) -> None:
    """An append whose answer was lost after it landed is sent again by the transport's
    retry, and INSERT_ROWS then adds the rows a second time right below the first copy;
    the answer only names the last copy. One read after the append finds the copies just
    above it, and the later copies, cells that still hold exactly what restore wrote, are
    blanked (a values write, safe to retry itself), so every TPS comes back once."""
    top, bottom = _rows_of(plan.appended_at)
    size = len(plan.rows)
    if top == 0 or bottom - top + 1 != size:
        return
    values = sheet.read([tab_range])[tab_range]
    if not _holds(values, top, plan.rows):
        return                                   # someone typed there meanwhile: theirs now
    first = top
    while first - size > 0 and _holds(values, first - size, plan.rows):
        first -= size
    if first == top:
        return
    width = max(len(r) for r in plan.rows)
    sheet.write([(a1.rect(plan.tab, first + size, 1, bottom, width), [[""] * width] * (bottom - first - size + 1))])
    plan.appended_at = a1.rect(plan.tab, first, 1, first + size - 1, width)


def _rows_of(updated: str) -> tuple[int, int]:
    """First and last row of an A1 range ('TPS'!A31:Q32); (0, 0) if it names none."""
    ref = a1.split_range(updated)[1] if "!" in updated else updated
    try:
        ends = [a1.parse_cell(part.replace("$", ""))[0] for part in ref.split(":")]
    except ValueError:
        return 0, 0
    return ends[0], ends[-1]


def _holds(values: list[list[Any]], row: int, rows: list[list[Any]]) -> bool:
    """Do sheet rows row.. hold exactly ``rows`` (as read unformatted; trailing blanks aside)?"""
    for i, want in enumerate(rows):
        line = values[row - 1 + i] if row - 1 + i < len(values) else []
        width = max(len(line), len(want))
        pad = list(line) + [""] * (width - len(line))
        if not all(_same(a, b) for a, b in zip(pad, list(want) + [""] * (width - len(want)))):
            return False
    return True


def _same(shown: Any, written: Any) -> bool:
    if isinstance(shown, (int, float)) and isinstance(written, (int, float)):
        return float(shown) == float(written)
    return str(shown if shown is not None else "") == str(written)


def _starts_in_column_a(updated: str) -> bool:
    """Google appends from the first column of the table it found; ours starts at A."""
    ref = a1.split_range(updated)[1] if "!" in updated else updated
    return re.match(r"\$?A\$?[0-9]", ref) is not None
