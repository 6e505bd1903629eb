"""sync: lock -> read -> check -> plan -> guard -> write -> verify (repair) -> journal.

Requests in the steady state: one values:batchGet (input tab, owned columns and
summary tabs in one go); when something changed, one values:batchUpdate (RAW)
holding only the cells whose shown value changes, then one batchGet that verifies
the written rows still hold the keys their statuses were computed for (settle.py
repairs the rare row that moved). Nothing changed: 1 request, nothing written.
Metadata (spreadsheets.get) only when a tab is missing or a write hits the grid edge.
With a journal, a sync that found a value changed also reads the formulas of the rows
changed since, at most once in 10 minutes (one values:batchGet with FORMULA render,
journal/formulas.py), so that restore gives back what people typed.
With a journal and a second-entry tab, that tab's key and count columns, already in the one
read, are journaled as a history of their own and guarded like the input tab (no request more).

The library prints nothing: it returns a SyncReport or raises SyncError.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Callable, Generic, Mapping, Sequence
from zoneinfo import ZoneInfo

from sheetsync.core import a1
from sheetsync.core.check import CheckResult, KeyedRows, LateIssues, check
from sheetsync.core.config import Config, progress_title
from sheetsync.core.issues import Issue
from sheetsync.core.locale_check import locale_issue, spreadsheet_locale
from sheetsync.core.summaries import summary_tables
from sheetsync.sheets.client import (Client, Prepared, Sheet, WriteStats, _is_grid_limit, is_missing_range, open_client, spreadsheet_key,
                                     tab_missing, transport_stats)
from sheetsync.errors import AS_SAID, EXIT_SYNC, Phrase, SheetsyncError
from sheetsync.sheets.errors import Protected, SheetsError
from sheetsync.sync.errors import RUNS_AS, one_line
from sheetsync.sync.lock import LockBusy, SyncLock, lock_path
from sheetsync.sync.ownership import (Owned, column_marker, column_unmarker, new_tabs, read_owned, resolve_tabs, synced_before,
                                 tab_not_ours)
from sheetsync.core.gc_pause import no_gc
from sheetsync.sync.owned_notes import keep_notes
from sheetsync.sync.plan import CellChange, CellTarget, Desired, Plan, make_plan, sheet_value
from sheetsync.sync.record import Alert, SyncRecord, TabView, journal_key, second_tab_config, second_tab_keyed
from sheetsync.sync.settle import Settled, Wanted, build_wanted, settle
from sheetsync.sync.desired import InputLayout, build_desired, input_layout, progress_grid, row_identities
from sheetsync.sync.stamp import ALERT_MARK, last_synced_text, summary_origin
from sheetsync.sync.tab_owner import claim_tabs, clash_line

WIB = ZoneInfo("Asia/Jakarta")


class SyncError(SheetsyncError):
    """One line saying what went wrong and what to do. The CLI exits with exit_code."""

    exit_code = EXIT_SYNC
    # a sync the guard stopped: what it did (statuses written, summaries kept) and why
    report: SyncReport | None = None
    alerts: Sequence[Alert] = ()

    @classmethod
    def of(cls, error: SheetsyncError) -> SyncError:
        """``error`` (of the sheets, of the lock) as what stopped this sync, in its own words
        (``str()`` too, whichever language the error says it in)."""
        wrapped = cls(AS_SAID, reason=Phrase.of(error))
        wrapped.args = error.args
        wrapped.exit_code = error.exit_code      # bad usage (an unsafe api_url) stays exit 2
        return wrapped


class SyncBusy(SyncError):
    """Another sync of the same spreadsheet holds the lock; this run did nothing."""


@dataclass
class SyncHooks:
    """Test and benchmark hooks; both run synchronously inside sync()."""
    # after the read and the plan, before the write (races the verify must catch)
    between_read_and_write: Callable[[], None] | None = None
    # right before the first write, with the plan it will write (a test may change it)
    before_write: Callable[[Plan], None] | None = None
    # right after the write landed, before the verify (rows deleted in between)
    after_write: Callable[[], None] | None = None
    # cli: after each timed phase (name, report so far), to show progress on big sheets;
    # not called for "prepare" (the write body being serialised, part of the write)
    phase: Callable[[str, SyncReport], None] | None = None


@dataclass
class SyncReport:
    spreadsheet: str
    dry_run: bool = False
    rows_read: int = 0                              # non-blank data rows
    rows_by_status: dict[str, int] = field(default_factory=dict)
    valid: bool = True
    issue_counts: dict[str, int] = field(default_factory=dict)   # {"error": n, "warning": n}
    # errors of the sheet as a whole (a configured count column gone from the header): the
    # sync line names them, since no row's status can
    sheet_errors: list[Issue] = field(default_factory=list)
    reconciliation: list[dict[str, Any]] = field(default_factory=list)
    # the kota's totals as the summaries show them (totals.kota_totals): a fleet's rollup is built
    # from these, without another read of the sheet
    kota: dict[str, Any] = field(default_factory=dict)
    requests: int = 0                               # API calls made by this sync
    http_attempts: int | None = None                # HTTP requests incl. retries (our transport only)
    retries: int | None = None
    cells_changed: int = 0                          # cells whose shown value differed
    cells_written: int = 0
    bytes_sent: int = 0                             # request bodies of the write(s)
    ranges_written: int = 0
    skipped_rows: list[int] = field(default_factory=list)   # still not right when the repairs stopped
    repair_rounds: int = 0                          # repair writes after the verify found moved rows
    repaired_rows: list[int] = field(default_factory=list)  # rows a repair rewrote (where they stood then)
    unsettled: str | None = None                    # one line when rows were left for the next sync
    # one line, in the sheet's language, naming the protected summary range(s) Google refused
    # to let this sync write; everything outside the protected tabs was then written
    # (_write_or_statuses)
    protected: str | None = None
    # one line, in the sheet's language, naming the summary tabs of this config's titles that sum
    # another config's input tab (tab_owner.py): left as they are, everything else written
    tab_clash: str | None = None
    tabs_refused: list[str] = field(default_factory=list)
    # cells of people's columns the write covered because a column moved before it landed,
    # given back the value they had at the read (settle.follow_columns)
    restored_cells: list[str] = field(default_factory=list)
    # cells of sheetsync's own columns holding a person's note this sync kept in the row's
    # Keterangan instead of writing over it (owned_notes.py): where, never what
    notes_kept: list[str] = field(default_factory=list)
    header_added: list[str] = field(default_factory=list)
    tabs_created: list[str] = field(default_factory=list)
    metadata_reads: int = 0
    last_synced: str | None = None                  # text written into the last-synced cell
    alerts: list[Alert] = field(default_factory=list)   # guard alerts: alert.message(lang) is one line
    warnings_merged: int = 0                         # changed-after-verification warnings
    journal_sync: int | None = None
    timings: dict[str, float] = field(default_factory=dict)   # seconds per phase
    verified: bool | None = None                    # the verify found every written row in place
    plan: Plan | None = field(default=None, repr=False)   # dry runs only: the cells a sync would change

    @property
    def changed(self) -> bool:
        return self.cells_written > 0


class _Clock:
    def __init__(self, report: SyncReport, on_phase: Callable[[str, SyncReport], None] | None = None) -> None:
        self.report, self.t0 = report, time.perf_counter()
        self.last = self.t0
        self.on_phase = on_phase

    def lap(self, phase: str) -> None:
        now = time.perf_counter()
        self.report.timings[phase] = round(self.report.timings.get(phase, 0.0) + now - self.last, 6)
        if self.on_phase is not None and phase != "prepare":
            self.on_phase(phase, self.report)
        self.last = time.perf_counter()           # the callback's own time is not the next phase's

    def done(self) -> None:
        self.report.timings["total"] = round(time.perf_counter() - self.t0, 6)


def sync(config: Config, *, dry_run: bool = False, accept_deletions: bool = False, client: Client | None = None,
         journal: SyncRecord[TabView] | None = None, now: datetime | None = None, lock_dir: str | None = None,
         hooks: SyncHooks | None = None, accept: frozenset[str] = frozenset()) -> SyncReport:
    """One sync of config.spreadsheet. Raises SyncError (exit code 3) with what to do.
    ``accept``: changes the guard lets through (guard.DELETED_ROWS, COLUMN_CHANGES);
    ``accept_deletions`` lets every change through."""
    if not (config.spreadsheet or "").strip():
        raise SyncError("sync_no_spreadsheet", source=config.source)
    try:
        key = spreadsheet_key(config.spreadsheet)
    except SheetsError as exc:
        raise SyncError.of(exc) from None
    report = SyncReport(spreadsheet=key, dry_run=dry_run)
    hooks = hooks or SyncHooks()
    clock = _Clock(report, hooks.phase)
    # one run at a time per (spreadsheet, input tab), as the journal keeps them: two teams'
    # configs on one spreadsheet write no common cell and may sync in the same minute
    lock = SyncLock(lock_path(journal_key(key, config.input_tab), config.api_url, lock_dir))
    if not dry_run:                       # a dry run writes nothing: it may run beside a sync
        try:
            lock.acquire()
        except LockBusy as exc:
            raise SyncBusy.of(exc) from None
    try:
        clock.lap("lock")
        _run(config, key, report, clock, client=client, journal=journal, now=now, dry_run=dry_run,
             accept_deletions=accept_deletions, accept=accept, hooks=hooks)
    except SheetsError as exc:
        raise SyncError.of(exc) from None
    finally:
        lock.release()
        clock.done()
    return report


@dataclass
class _SecondRead(Generic[TabView]):
    """The second-entry tab as the journal keeps it (record.second_tab_config), from the one read."""
    name: str                       # its history: journal_key(spreadsheet, second tab)
    config: Config
    tab: TabView
    alerts: Sequence[Alert] = ()


@dataclass
class _Work(Generic[TabView]):
    """What one sync has read and decided, handed from the planning to the writing half."""
    current: dict[str, list[list[Any]]]
    values: list[list[Any]]
    layout: InputLayout
    result: CheckResult
    tab_read: TabView | None
    plan: Plan
    alerts: Sequence[Alert]
    alert_text: Phrase              # the alerts in one line, "" without any
    desired: Desired
    owned: Owned
    second: _SecondRead[TabView] | None = None

    @property
    def input_alerts(self) -> bool:
        """Has the guard alerts about the input tab (not only about the second-entry tab)?"""
        return len(self.alerts) > len(self.second.alerts if self.second is not None else ())


def _run(config: Config, key: str, report: SyncReport, clock: _Clock, *, client: Client | None,
         journal: SyncRecord[TabView] | None,
         now: datetime | None, dry_run: bool, accept_deletions: bool, hooks: SyncHooks,
         accept: frozenset[str] = frozenset()) -> None:
    client = client or open_client(config)
    stats0 = transport_stats(client)
    sheet = Sheet(client, key)
    try:
        work = _read_and_plan(sheet, config, key, report, clock, journal=journal, now=now,
                              accept_deletions=accept_deletions, accept=accept)
        if dry_run:                 # what a real sync would write, the guard's alert included
            plan = work.plan if not work.alerts or not _may_stamp(report, config) else _with_stamp(
                work.plan, work.current, config, _stamp(now, config, work.alert_text.in_lang(config.language)))
            report.cells_changed = len(plan)
            report.plan = plan
            return
        _write_phase(sheet, work, config, report, clock, now=now, hooks=hooks)
        at = now or datetime.now(WIB)
        if journal is not None and work.tab_read is not None:
            # the second tab's alerts leave the input tab's history good: its baseline moves on
            report.journal_sync = journal.record_tab(
                spreadsheet=journal_key(key, config.input_tab), config_name=config.name, tab=work.tab_read,
                at=at, ok_rows=_ok_keys(journal, work.result, work.tab_read), good=not work.input_alerts)
            journal.record_formulas(journal_key(key, config.input_tab), work.tab_read, config,
                                    sheet.read_formulas)
        if journal is not None and work.second is not None:
            second = work.second
            journal.record_tab(spreadsheet=second.name, config_name=config.name, tab=second.tab, at=at,
                               good=not second.alerts)
        clock.lap("journal")
        if work.alerts:
            raise guard_stopped(report, work.alerts, work.alert_text, config.language)
    finally:
        report.requests = sheet.requests
        _transport_delta(report, stats0, transport_stats(client))


def guard_stopped(report: SyncReport, alerts: Sequence[Alert], text: Phrase, lang: str) -> SyncError:
    """The guard's stop: ``text`` is the alerts' line in both languages (the journal writes it);
    ``str()`` says it in ``lang``, the sheet's, as the last-synced cell does."""
    error = SyncError("sync_guard", alerts=text).said_in(lang)
    error.report, error.alerts = report, alerts
    return error


def _read_and_plan(sheet: Sheet, config: Config, key: str, report: SyncReport, clock: _Clock, *,
                   journal: SyncRecord[TabView] | None, now: datetime | None,
                   accept_deletions: bool, accept: frozenset[str] = frozenset()) -> _Work[TabView]:
    """read -> check -> (journal warnings) -> summaries -> plan -> guard."""
    owned = _read_all(sheet, config, report, progress=journal is not None)
    current = owned.values
    clock.lap("read")
    values = current[config.input_tab]
    layout = input_layout(values, config, owned.columns, synced_before=synced_before(owned, config))
    verified = _Verified(journal, journal_key(key, config.input_tab), layout.with_added_headers(values, config),
                         config, layout.owned0)
    result = _check(values, layout, config, now, verified, owned.second)
    _fill_counts(report, result)
    second = _second_read(journal, key, owned, config)
    clock.lap("check")
    tab_read = verified.tab_read
    report.warnings_merged = verified.found
    tables = summary_tables(result, config)
    clock.lap("summaries")
    desired = build_desired(values, layout, result, config, tables)
    _progress(desired, journal, key, result, config, now)
    clashes = claim_tabs(current, desired, config, owned.input_tabs)
    report.tabs_refused = [c.tab for c in clashes]
    report.tab_clash = clash_line(clashes, config, config.language) if clashes else None
    report.notes_kept = keep_notes(values, desired, config.input_tab)
    plan = make_plan(current, desired)
    report.header_added = layout.missing_headers
    clock.lap("plan")
    alerts: Sequence[Alert] = ()
    if journal is not None and tab_read is not None and not accept_deletions:
        alerts = journal.guard(journal_key(key, config.input_tab), tab_read, config, accept=accept)
    if journal is not None and second is not None and not accept_deletions:
        second.alerts = journal.guard(second.name, second.tab, second.config, accept=accept,
                                      second_tab=second.config.input_tab)
        alerts = [*alerts, *second.alerts]
    report.alerts = list(alerts)
    text = Phrase(journal.alert_text(alerts, "en"), journal.alert_text(alerts, "id")) \
        if journal is not None and alerts else Phrase("", "")
    # the guard keeps the summaries as they are, whichever tab lost data: the second tab's
    # rows are the summaries' double-checked TPS and totals
    if alerts:
        held = {*config.summary_tabs.titles(), progress_title(config)}
        plan = Plan([c for c in plan.changes if c.tab not in held])
    clock.lap("guard")
    return _Work(current, values, layout, result, tab_read, plan, alerts, text, desired, owned, second)


def _second_read(journal: SyncRecord[TabView] | None, key: str, owned: Owned,
                 config: Config) -> _SecondRead[TabView] | None:
    """The journal's view of the second-entry tab (None without a journal or such a tab): its key
    and count columns only, keyed by the core as the input tab is. A tab that is not there (any
    more) reads as empty, so the guard says its rows are gone."""
    second = second_tab_config(config)
    if journal is None or second is None:
        return None
    values = owned.second if owned.second is not None else []
    keyed, others = second_tab_keyed(values, second)
    name = journal_key(key, second.input_tab)
    tab = journal.read_tab(values, second, keyed, owned0=others)
    journal.claim(name, tab, config.name, fresh=True)        # before the first read of this history
    return _SecondRead(name, second, tab)


def _progress(desired: Desired, journal: SyncRecord[TabView] | None, key: str,
              result: CheckResult, config: Config, now: datetime | None) -> None:
    """The last 24 hours' tab, from the journal's reads and this one; without a journal there
    is no history to show (the tab is not read, nor made)."""
    if journal is None:
        return
    when = now or datetime.now(WIB)
    points = journal.reported_points(journal_key(key, config.input_tab), config, when,
                                     current=int(result.totals.kota["tps_reported"]))
    desired.grids.append(progress_grid(points, when, config))


def _write_phase(sheet: Sheet, work: _Work[TabView], config: Config, report: SyncReport, clock: _Clock, *,
                 now: datetime | None, hooks: SyncHooks) -> None:
    """grow tabs if needed -> stamp -> write -> verify, repairing what moved (settle.py)."""
    plan = work.plan
    if work.owned.to_add or work.owned.tab_marks:
        _add_tabs(sheet, work.owned, plan, config, report)
    if sheet.too_small(_needed_grid(plan)):
        report.metadata_reads += 1
        sheet.ensure_grid(_needed_grid(plan))
    stamp = None
    if _may_stamp(report, config) and (plan.changes or work.alerts or _stamp_shows_alert(work.current, config)):
        stamp = _stamp(now, config, work.alert_text.in_lang(config.language))
        plan = _with_stamp(plan, work.current, config, stamp)
    if hooks.between_read_and_write:
        hooks.between_read_and_write()
    # Serialising the write makes many small objects; with the whole read still alive a
    # full collection then costs ~50 ms at 15,000 rows. It waits until the write is verified.
    with no_gc():
        prepared = sheet.prepare(_write_order(plan.batches(), config))
        clock.lap("prepare")
        if hooks.before_write:
            seen = [id(c) for c in plan.changes]
            hooks.before_write(plan)
            if [id(c) for c in plan.changes] != seen:      # a test changed the plan: honour it
                prepared = sheet.prepare(_write_order(plan.batches(), config))
        plan = _write_or_statuses(sheet, plan, prepared, config, report)
        if hooks.after_write:
            hooks.after_write()
        report.cells_changed = len(plan)
        report.last_synced = stamp if _stamp_change(plan, config) is not None else None
        clock.lap("write")
        _settle(sheet, plan, work, config, report)
        _mark_columns(sheet, work, config, report)
        clock.lap("verify")


def read_and_check(config: Config, *, client: Client | None = None, now: datetime | None = None,
                   journal: SyncRecord[TabView] | None = None) -> CheckResult:
    """`sheetsync check`: one read of the input tab, then the core, and one spreadsheets.get for
    the spreadsheet's locale (locale_check). Writes nothing.
    With the journal, a row changed after verification is PERIKSA here as on the sheet."""
    try:
        key = spreadsheet_key(config.spreadsheet)
        sheet = Sheet(client or open_client(config), key)
        report = SyncReport(spreadsheet=key, dry_run=True)
        owned = _read_all(sheet, config, report, only_input=True)
        values = owned.values[config.input_tab]
        layout = input_layout(values, config, owned.columns, strict=False)
        result = _check(values, layout, config, now,
                        _Verified(journal, journal_key(key, config.input_tab),
                                  layout.with_added_headers(values, config), config, layout.owned0),
                        owned.second)
        _check_locale(sheet, config, result)
        return result
    except SheetsError as exc:
        raise SyncError.of(exc) from None


# ---------------------------------------------------------------- read

def _read_all(sheet: Sheet, config: Config, report: SyncReport, *, only_input: bool = False,
              progress: bool = True) -> Owned:
    """ONE read: the input tab, and sheetsync's own columns and summary tabs by their markers
    (ownership.py). Summary tabs without a marker: one metadata read (and one read of those
    of an earlier release); absent ones are added at the write, sized to their tables."""
    try:
        owned = read_owned(sheet, config, only_input=only_input, progress=progress)
    except SheetsError:
        raise
    except Exception as exc:  # noqa: BLE001 - only a missing tab is explained here
        if not is_missing_range(exc):
            raise SyncError("sync_read_failed", reason=one_line(exc)) from None
        raise tab_missing(sheet, config.input_tab, config.source) from None
    if owned.unmarked_tabs:
        report.metadata_reads += 1
        resolve_tabs(sheet, config, owned)
    return owned


def _add_tabs(sheet: Sheet, owned: Owned, plan: Plan, config: Config, report: SyncReport) -> None:
    """Add the absent summary tabs, sized to what this write puts there, and mark them and the
    tabs of an earlier release: one batchUpdate, before the write."""
    props, marks = new_tabs(owned.to_add, config, _needed_grid(plan), set(owned.sheet_ids.values()))
    try:
        sheet.add_tabs(props, owned.tab_marks + marks)
    except SheetsError:
        # Google's 400 "already exists": a person made a tab of that title since the read
        mine = [p["title"] for p in props if p["title"] in sheet.tabs()]
        if mine:
            raise tab_not_ours(config, mine[0]) from None
        raise
    for p in props:
        sheet.grid[p["title"]] = (p["gridProperties"]["rowCount"], p["gridProperties"]["columnCount"])
    report.tabs_created = list(owned.to_add)


def _mark_columns(sheet: Sheet, work: _Work[TabView], config: Config, report: SyncReport) -> None:
    """Mark owned columns found by header on a sheet of an earlier release (or just added),
    once, after the verify saw the header row where it was read: a column inserted meanwhile
    would put the marker on a person's column. The next sync marks what is left."""
    layout = work.layout
    if not (layout.to_mark or layout.stale) or report.verified is False:
        return
    sheet_id = work.owned.sheet_ids.get(config.input_tab)
    if sheet_id is None:
        report.metadata_reads += 1
        sheet_id = sheet.tabs()[config.input_tab]["sheetId"]
    sheet.add_tabs([], [column_unmarker(sheet_id, col, role) for role, col in layout.stale]
                   + [column_marker(sheet_id, col, role) for role, col in layout.to_mark])


def _check(values: list[list[Any]], layout: InputLayout, config: Config, now: datetime | None,
           late: LateIssues | None = None, second_tab: list[list[Any]] | None = None) -> CheckResult:
    """The core on the input tab with sheetsync's own columns blanked (they are not input)."""
    result = check(layout.without_owned(values, config.header_row), config, now=now, late=late,
                   second_tab=second_tab)
    missing = list(result.header.missing_required)
    if missing:
        raise _missing_message(missing, config)
    return result


def _missing_message(missing: list[str], config: Config) -> SyncError:
    """A required column (the TPS key) whose header is not in the header row: a coordinator
    who renamed it reads this line in her language (the CLI picks it by the code)."""
    headers = ", ".join(f"'{column.header}'" if (column := config.column(f)) else f for f in missing)
    return SyncError("sync_header_missing", headers=headers, row=config.header_row,
                     tab=config.input_tab, source=config.source)


def _check_locale(sheet: Sheet, config: Config, result: CheckResult) -> None:
    """`check` reads the spreadsheet's locale (one spreadsheets.get) and warns, first among the
    sheet's issues, when it is not the config's; sync never spends a request on it."""
    issue = locale_issue(spreadsheet_locale(sheet.properties()), config)
    if issue is not None:
        result.issues.insert(0, issue)


def _fill_counts(report: SyncReport, result: CheckResult) -> None:
    rows = result.rows
    report.rows_read = int(len(rows))
    report.valid = bool(result.valid)
    severities = [i.severity for i in result.issues]
    report.issue_counts = {"error": severities.count("error"), "warning": severities.count("warning")}
    report.sheet_errors = [i for i in result.issues if i.row is None and i.severity == "error"]
    report.kota = dict(result.totals.kota)
    if "status" in rows.columns:
        report.rows_by_status = {str(k): int(v) for k, v in rows["status"].value_counts().items()}
    report.reconciliation = [{str(k): _plain(v) for k, v in rec.items()}
                             for rec in result.reconciliation.reset_index().to_dict("records")]


def _plain(value: Any) -> Any:
    item = getattr(value, "item", None)
    if callable(item):
        try:
            value = item()
        except (TypeError, ValueError):
            pass
    try:
        if value != value:
            return None
    except (TypeError, ValueError):
        return None
    return value


# ---------------------------------------------------------------- journal hooks

class _Verified(Generic[TabView]):
    """The journal's changed-after-verification warnings, handed to the core as late issues
    (check.LateIssues) so that they weigh in the one place a row's status is decided; keeps
    the journal's view of the tab for the guard and the journal record."""

    def __init__(self, journal: SyncRecord[TabView] | None, name: str, values: list[list[Any]], config: Config,
                 owned0: list[int]) -> None:
        self.journal, self.name, self.values, self.config = journal, name, values, config
        self.owned0 = owned0          # sheetsync's own columns (0-based): not journaled
        self.tab_read: TabView | None = None
        self.found = 0

    def __call__(self, keyed: KeyedRows) -> list[Issue]:
        if self.journal is None:
            return []
        self.tab_read = tab = self.journal.read_tab(self.values, self.config, keyed, owned0=self.owned0)
        self.journal.claim(self.name, tab, self.config.name)     # before the first read of this history
        warnings = self.journal.changed_after_verification(self.name, tab, self.config)
        self.found = len(warnings)
        return warnings


def _ok_keys(journal: SyncRecord[TabView], result: CheckResult, tab_read: TabView) -> set[str]:
    """Row keys whose status is OK (warnings merged)."""
    rows = result.rows
    return journal.ok_keys(tab_read, dict(zip(rows.index.tolist(), rows["status"].tolist())))


# ---------------------------------------------------------------- verify, stamp, write

def _settle(sheet: Sheet, plan: Plan, work: _Work[TabView], config: Config, report: SyncReport) -> None:
    """Verify the input rows just written; repair what moved before the write landed."""
    rows = sorted({c.row for c in plan.changes if c.tab == config.input_tab and c.row > config.header_row})
    if not rows:
        return
    values = work.layout.with_added_headers(work.values, config)     # the header as it is now
    ids = row_identities(values, rows, work.layout, work.result, config)
    ids.expect = {r: _pair_at(work.desired, r) for r in rows}
    ids.cells = {(c.row, c.col - 1) for c in plan.changes if c.tab == config.input_tab}

    def wanted() -> Wanted:
        every = list(range(config.header_row + 1, len(values) + 1))
        return build_wanted(row_identities(values, every, work.layout, work.result, config), values,
                            lambda r: _pair_at(work.desired, r))

    def send(repair: Plan) -> None:
        _count_write(report, sheet.send(sheet.prepare(repair.batches())))
        report.cells_changed += len(repair)

    done = settle(sheet, ids, wanted, send)
    report.verified = done.verified
    report.repair_rounds, report.repaired_rows, report.skipped_rows = done.rounds, done.repaired, done.leftover
    report.restored_cells = done.restored
    if done.leftover:
        report.unsettled = _unsettled_message(done, config)


def _pair_at(desired: Desired, row: int) -> tuple[str, str]:
    """(status, message) this sync computed for sheet row `row` as read."""
    out = []
    for target in desired.columns[:2]:                 # build_desired: status, then message
        i = row - target.first_row
        value = target.values[i] if 0 <= i < len(target.values) else ""
        out.append(str(sheet_value(value)))
    return (out[0], out[1]) if len(out) == 2 else ("", "")


def _unsettled_message(done: Settled, config: Config) -> str:
    rows = ", ".join(map(str, done.leftover[:10])) + (" ..." if len(done.leftover) > 10 else "")
    if config.language == "id":
        why = "baris header berubah" if done.header_moved else "baris terus dipindah"
        return (f"status baris {rows} belum pasti ({why} selama sinkronisasi); "
                "sinkronisasi berikutnya memperbaikinya")
    why = "the header row changed" if done.header_moved else "rows kept moving"
    return f"statuses of rows {rows} are not confirmed ({why} during the sync); the next sync fixes them"


def _stamp_change(plan: Plan, config: Config) -> CellChange | None:
    cell = config.last_synced
    return next((c for c in plan.changes if (c.tab, c.row, c.col) == (cell.tab, cell.row, cell.col)), None)


def _may_stamp(report: SyncReport, config: Config) -> bool:
    """The last-synced cell on a tab another config's sync writes (tab_owner.py) is its stamp."""
    return config.last_synced.tab not in report.tabs_refused


def _stamp(now: datetime | None, config: Config, alert: str) -> str:
    when = (now or datetime.now(WIB)).astimezone(WIB)
    return last_synced_text(when, config.language, alert)


def _stamp_shows_alert(current: dict[str, list[list[Any]]], config: Config) -> bool:
    """A guard alert stays visible only until the next sync that is not blocked."""
    cell = config.last_synced
    grid = current.get(cell.tab, [])
    line = grid[cell.row - 1] if cell.row - 1 < len(grid) else []
    text = line[cell.col - 1] if cell.col - 1 < len(line) else ""
    return isinstance(text, str) and text.startswith(ALERT_MARK)


def _with_stamp(plan: Plan, current: dict[str, list[list[Any]]], config: Config, text: str) -> Plan:
    cell = config.last_synced
    extra = make_plan(current, Desired(cells=[CellTarget(cell.tab, cell.row, cell.col, text)]))
    return Plan(plan.changes + extra.changes)


def _write(sheet: Sheet, plan: Plan, prepared: Prepared, report: SyncReport) -> None:
    if not plan.changes:
        return
    try:
        stats = sheet.send(prepared)
    except SheetsError:
        raise
    except Exception as exc:  # noqa: BLE001
        if not _is_grid_limit(exc):
            raise SyncError("sync_write_failed", reason=one_line(exc)) from None
        report.metadata_reads += 1              # someone shrank a tab since the read
        sheet.ensure_grid(_needed_grid(plan))
        stats = sheet.send(prepared)
    _count_write(report, stats)


def _write_or_statuses(sheet: Sheet, plan: Plan, prepared: Prepared, config: Config, report: SyncReport) -> Plan:
    """The one write; when Google refuses it because a range in it is protected, everything
    outside the tabs so protected, at once: a protected summary never freezes the statuses, nor
    Masalah's list of them. Returns the plan that was written."""
    try:
        _write(sheet, plan, prepared, report)
        return plan
    except Protected as refused:
        report.metadata_reads += 1
        refusing = _protected_ranges(sheet, plan)
        names = [name for _, name in refusing]
        if any(title == config.input_tab for title, _ in refusing):       # no status can be written
            raise _protected(names, sheet.email, written=False).said_in(config.language) from None
        said: SheetsyncError = (_protected(names, sheet.email) if names else refused).said_in(config.language)
        report.protected = str(said)
    # a refusal whose range was not found holds back every summary, as it may be any of them
    held = {title for title, _ in refusing} or set(config.summary_tabs.titles())
    alone = Plan([c for c in plan.changes if c.tab not in held])
    try:
        _write(sheet, alone, sheet.prepare(_write_order(alone.batches(), config)), report)
    except Protected:
        raise SyncError.of(said) from None      # the status columns are protected too
    return alone


def _protected_ranges(sheet: Sheet, plan: Plan) -> list[tuple[str, str]]:
    """The hard-protected ranges (of the summary tabs or the input tab) that cover a cell of the
    plan and do not list this account as an editor: (tab title, A1 range with its description)."""
    email = (sheet.email or "").lower()
    names = []
    for tab in sheet.structure().get("sheets", []):
        title = tab.get("properties", {}).get("title", "")
        cells = [(c.row, c.col) for c in plan.changes if c.tab == title]
        for pr in tab.get("protectedRanges", []) if cells else []:
            editors = [u.lower() for u in (pr.get("editors") or {}).get("users") or []]
            grid = pr.get("range") or {}
            if pr.get("warningOnly") or (email and email in editors):
                continue
            if any(_inside(grid, row, col) for row, col in cells):
                names.append((title, _range_name(title, grid)
                              + (f" ({pr['description']})" if pr.get("description") else "")))
    return names


def _inside(grid: Mapping[str, int], row: int, col: int) -> bool:
    """Is the 1-based cell in the GridRange (missing bounds are unbounded)?"""
    return (grid.get("startRowIndex", 0) < row <= grid.get("endRowIndex", row)
            and grid.get("startColumnIndex", 0) < col <= grid.get("endColumnIndex", col))


def _range_name(title: str, grid: Mapping[str, int]) -> str:
    rows = grid.get("startRowIndex", 0) + 1, grid.get("endRowIndex")
    cols = grid.get("startColumnIndex", 0) + 1, grid.get("endColumnIndex")
    tab = a1.quote_tab(title)
    if rows[1] is not None and cols[1] is not None:
        return a1.rect(title, rows[0], cols[0], rows[1], cols[1])
    if rows[1] is not None:
        return f"{tab}!{rows[0]}:{rows[1]}"
    if cols[1] is not None:
        return f"{tab}!{a1.col_letters(cols[0])}:{a1.col_letters(cols[1])}"
    return tab


def _protected(names: list[str], email: str | None, *, written: bool = True) -> SyncError:
    """``written``: the rest was written (a summary protected), else nothing (the statuses' tab)."""
    return SyncError("sync_protected" if written else "sync_protected_statuses", where=", ".join(names),
                     who=email or RUNS_AS)


def _count_write(report: SyncReport, stats: WriteStats) -> None:
    report.cells_written += stats.cells
    report.bytes_sent += stats.bytes
    report.ranges_written += stats.ranges


def _write_order(batches: list[tuple[str, list[list[Any]]]], config: Config) -> list[tuple[str, list[list[Any]]]]:
    """Statuses first, then summaries, the last-synced cell last: when a split write is cut
    off, the stamp never claims a sync that did not finish."""
    stamp = str(config.last_synced)

    def rank(item: tuple[str, list[list[Any]]]) -> int:
        if item[0] == stamp:
            return 2
        return 0 if a1.split_range(item[0])[0] == config.input_tab else 1
    return sorted(batches, key=rank)


def _needed_grid(plan: Plan) -> dict[str, tuple[int, int]]:
    need: dict[str, tuple[int, int]] = {}
    for c in plan.changes:
        rows, cols = need.get(c.tab, (0, 0))
        need[c.tab] = (max(rows, c.row), max(cols, c.col))
    return need


def _transport_delta(report: SyncReport, before: dict[str, int] | None, after: dict[str, int] | None) -> None:
    if before is None or after is None:
        return
    report.http_attempts = after["requests"] - before["requests"]
    report.retries = after["retries"] - before["retries"]


__all__ = ["SyncError", "SyncBusy", "SyncHooks", "SyncReport", "read_and_check", "sync",
           "summary_origin"]
