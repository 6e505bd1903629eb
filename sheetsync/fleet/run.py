"""A fleet: one process keeps every kab/kota sheet of a province synced, within Google's quotas.

Each cycle (``fleet sync --every 60s``):
- asks Drive, once per account, which spreadsheets changed (changes.py), and leaves alone
  the sheets nobody edited, until their safety read is due;
- orders the sheets it reads: a sheet whose last sync found edits to answer gets one interval's
  head start; otherwise the sheet waiting longest goes first, so none starves;
- syncs them on a few threads, each sheet with ``sheetsync.sync.run.sync`` exactly as a single
  sync runs (its own lock and journal), every Sheets request first taking a token from
  its account's and its project's buckets (fleet_budget.py), so there are no 429s;
- a sheet whose requests could not start within the cycle waits for the next one;
- one sheet failing (a revoked key, an unshared or deleted spreadsheet, its account's
  quota used up by someone else) is recorded, named in the rollup, retried later with a
  growing pause, and stops nothing else;
- writes the province rollup from what the syncs computed (rollup.py).

With ``--shard k/N`` (shard.py) a runner keeps only its share of the fleet's sheets and
writes only their rows of the rollup.
"""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Callable

from sheetsync.fleet.budget import Budget, BudgetTimeout, BudgetedSession, budget_client
from sheetsync.fleet.changes import AccountChanges, list_account, listing_since, read_reason
from sheetsync.fleet.config import Account, Fleet, FleetSheet
from sheetsync.fleet.shard import WHOLE, Shard
from sheetsync.fleet.state import FleetState, SheetRecord
from sheetsync.sheets.client import FLEET_SCOPES, Client, Sheet, open_client, spreadsheet_key
from sheetsync.fleet.rollup import rollup_table, write_rollup
from sheetsync.sync.record import journal_key
from sheetsync.sync.run import SyncBusy, SyncReport, sync
from sheetsync.sheets.transport import RetryPolicy

if TYPE_CHECKING:
    from sheetsync.journal.store import Journal

# A fleet's requests wait for their quota before they go, so a retry loop of a minute per
# request would only hold a worker: a 429 that still comes (someone else spends the
# account's quota) is recorded and the sheet tried again next cycle.
FLEET_RETRY = RetryPolicy(deadline_s=20.0, max_attempts=4)
MAX_PAUSE_S = 15 * 60.0          # the longest a failing sheet waits between tries
STATUS_CODES = {401: "auth", 403: "permission", 404: "not_found", 429: "quota"}


@dataclass
class SheetOutcome:
    name: str
    ok: bool
    changed: bool = False
    requests: int = 0
    seconds: float = 0.0
    failure_code: str | None = None
    failure: str | None = None
    deferred: bool = False
    unchanged: bool = False               # not read: Drive shows no edit since sheetsync last saw it
    reason: str | None = None             # why it was read (changes.py: first, edited, safety, ...)


@dataclass
class CycleReport:
    started: float
    seconds: float = 0.0
    outcomes: list[SheetOutcome] = field(default_factory=list)
    rollup_cells: int | None = None       # cells the rollup write changed (None: no rollup)
    rollup_error: str | None = None
    drive_errors: dict[str, str] = field(default_factory=dict)   # account -> why Drive did not answer

    def failed(self) -> list[SheetOutcome]:
        return [o for o in self.outcomes if not o.ok and not o.deferred]

    def read(self) -> list[SheetOutcome]:
        return [o for o in self.outcomes if not o.unchanged]


def priority(record: SheetRecord, every_s: float, now: float) -> float:
    """Higher goes first: how long the sheet has waited, plus one interval when its last sync
    had edits to answer (fresh edits tend to come in bursts)."""
    waited = now - (record.last_attempt or 0.0)
    return waited + (every_s if record.found_work() else 0.0)


def due(record: SheetRecord, every_s: float, now: float) -> bool:
    """A failing sheet pauses every * 2^(failures-1), at most MAX_PAUSE_S, between tries."""
    if not record.failures or record.last_attempt is None:
        return True
    pause = min(every_s * 2 ** (record.failures - 1), MAX_PAUSE_S)
    return bool(now - record.last_attempt >= pause - 1.0)


def failure_code(exc: BaseException, session: BudgetedSession) -> str:
    if isinstance(exc, SyncBusy):
        return "busy"
    if getattr(exc, "alerts", None):
        return "guard"
    if isinstance(exc, BudgetTimeout):
        return "quota"
    if session.last_error == "RefreshError":
        return "auth"
    return STATUS_CODES.get(session.last_status or 0, "other")


class FleetRunner:
    """Keeps the clients, budget and record of one fleet across cycles."""

    def __init__(self, fleet: Fleet, *, budget: Budget | None = None, state: FleetState | None = None,
                 clock: Callable[[], float] = time.time, workers: int | None = None,
                 lock_dir: str | None = None, retry: RetryPolicy = FLEET_RETRY, shard: Shard = WHOLE) -> None:
        self.fleet, self.clock, self.lock_dir, self.retry, self.shard = fleet, clock, lock_dir, retry, shard
        self.sheets = shard.share(fleet.sheets)
        self.budget = budget or Budget()
        self.state = state or FleetState(fleet.state_path)
        self.workers = workers or max(1, min(4, len(self.sheets)))
        self._clients: dict[str, tuple[Client, BudgetedSession]] = {}
        self._lock = threading.Lock()

    def close(self) -> None:
        self.state.close()

    # -- clients ------------------------------------------------------------------
    def _client(self, key: str, config: object, account: Account, max_wait_s: float) -> tuple[Client, BudgetedSession]:
        """One gspread client per sheet, kept across cycles (its token lasts an hour)."""
        with self._lock:
            if key not in self._clients:
                client = open_client(config, retry=self.retry, scopes=FLEET_SCOPES)
                self._clients[key] = (client, budget_client(client, self.budget, account.email, account.project))
            client, session = self._clients[key]
            session.max_wait_s = max_wait_s
            session.last_status = session.last_error = None
            return client, session

    # -- one sheet ----------------------------------------------------------------
    def sync_sheet(self, sheet: FleetSheet, deadline: float, reason: str | None = None) -> SheetOutcome:
        from sheetsync.journal.store import Journal, journal_path
        started = self.clock()
        record = self.state.get(sheet.name, sheet.spreadsheet)
        record.region, record.kota = sheet.region, sheet.config.regions.kota
        if self.budget.wait_s(sheet.account.email, sheet.account.project, reads=2, writes=1) > deadline - started:
            return SheetOutcome(sheet.name, ok=False, deferred=True, reason=reason)   # its turn comes next cycle
        outcome = SheetOutcome(sheet.name, ok=True, reason=reason)
        session: BudgetedSession | None = None
        before = 0
        try:
            client, session = self._client(sheet.name, sheet.config, sheet.account, max(deadline - started, 1.0))
            before = session.requests
            with Journal(journal_path(sheet.config)) as journal:
                report = sync(sheet.config, client=client, journal=journal, lock_dir=self.lock_dir)
                history = started if report.journal_sync == 1 else record.history_since or history_start(journal, sheet)
            self._record_good(record, report, started, history)
            outcome.changed = report.changed
        except Exception as exc:  # noqa: BLE001 - one sheet's failure (a lock dir, a journal) never stops the rest
            code = failure_code(exc, session) if session is not None else "other"
            outcome.ok, outcome.failure_code, outcome.failure = False, code, _one_line(exc)
            self._record_failure(record, code, outcome.failure, started)
        outcome.requests = session.requests - before if session is not None else 0   # failed ones count too
        outcome.seconds = self.clock() - started
        record.requests_last = outcome.requests
        record.requests_total += outcome.requests
        self.state.put(record)
        return outcome

    def _record_good(self, record: SheetRecord, report: SyncReport, at: float, history_since: float) -> None:
        record.last_attempt = record.last_good = record.last_checked = at
        # its own write moves Drive's modifiedTime: what came before the write's end is seen
        record.seen_through = self.clock() if report.changed else at
        if report.changed:
            record.last_changed = at
        record.history_since = history_since
        record.unsynced_since = None
        record.failures, record.failure_code, record.failure = 0, None, None
        record.syncs += 1
        record.totals = dict(report.kota)
        record.planned_tps = report.kota.get("tps_planned")
        record.rows_by_status = dict(report.rows_by_status)

    def _record_failure(self, record: SheetRecord, code: str, message: str, at: float) -> None:
        record.last_attempt = at
        record.failures += 1
        record.failure_code, record.failure = code, message
        if record.unsynced_since is None:      # edits after the last good sync wait since then
            record.unsynced_since = record.last_good or at

    # -- a cycle ------------------------------------------------------------------
    def _records(self) -> dict[str, SheetRecord]:
        return {s.name: self.state.get(s.name, s.spreadsheet) for s in self.sheets}

    def order(self, now: float, records: dict[str, SheetRecord] | None = None) -> list[FleetSheet]:
        """The sheets to try now (a failing one after its pause), the most waiting first."""
        records = records or self._records()
        ready = [s for s in self.sheets if due(records[s.name], self.fleet.every_s, now)]
        return sorted(ready, key=lambda s: -priority(records[s.name], self.fleet.every_s, now))

    def changes(self, records: dict[str, SheetRecord], now: float) -> dict[Account, AccountChanges]:
        """One Drive listing per account of this runner's sheets."""
        by_account: dict[Account, list[FleetSheet]] = {}
        for s in self.sheets:
            by_account.setdefault(s.account, []).append(s)
        out: dict[Account, AccountChanges] = {}
        for account, sheets in by_account.items():
            since = listing_since((records[s.name] for s in sheets), now, self.fleet.safety_read_every_s)
            try:
                client, _ = self._client(f"\0drive:{account.project}/{account.email}", sheets[0].config, account, 60.0)
                out[account] = list_account(client, since)
            except Exception as exc:  # noqa: BLE001 - a key Drive refuses: its sheets are read, and fail on their own
                out[account] = AccountChanges(error=_one_line(exc), since=since)
        return out

    def plan(self, now: float) -> tuple[list[tuple[FleetSheet, str]], list[SheetOutcome], dict[str, str]]:
        """(the sheets to read now with why, in order; the sheets left alone; Drive's failures)."""
        records = self._records()
        changes = self.changes(records, now)
        to_read: list[tuple[FleetSheet, str]] = []
        unchanged: list[SheetOutcome] = []
        for s in self.order(now, records):
            reason = read_reason(records[s.name], changes.get(s.account), now, self.fleet.safety_read_every_s,
                                 self.fleet.every_s)
            if reason is not None:
                to_read.append((s, reason))
                continue
            records[s.name].last_checked = now          # Drive shows no edit since it was last seen
            unchanged.append(SheetOutcome(s.name, ok=True, unchanged=True))
        self.state.put_all([records[o.name] for o in unchanged])
        errors = {f"{a.email} ({a.project})": c.error for a, c in changes.items() if c.error}
        return to_read, unchanged, errors

    def cycle(self, budget_s: float | None = None) -> CycleReport:
        """Sync every sheet that is due and changed (or due a safety read), then write the
        rollup. ``budget_s``: how long the cycle may take (default: the fleet's interval)."""
        started = self.clock()
        deadline = started + (budget_s or self.fleet.every_s)
        report = CycleReport(started)
        to_read, unchanged, report.drive_errors = self.plan(started)
        with ThreadPoolExecutor(max_workers=self.workers, thread_name_prefix="fleet") as pool:
            report.outcomes = list(pool.map(lambda sr: self.sync_sheet(sr[0], deadline, sr[1]), to_read))
        report.outcomes += unchanged
        self._write_rollup(report)
        report.seconds = self.clock() - started
        return report

    def _write_rollup(self, report: CycleReport) -> None:
        target = self.fleet.rollup
        if target is None:
            return
        probe = _ClientConfig(target.credentials, self.fleet.api_url)
        try:
            client, _ = self._client("\0rollup", probe, target.account, 60.0)
            records = {r.name: r for r in self.state.all()}
            own = {s.name for s in self.sheets}
            report.rollup_cells = write_rollup(Sheet(client, spreadsheet_key(target.spreadsheet)), target.tab,
                                               lambda current: rollup_table(self.fleet, records, self.clock(),
                                                                            current=current, own=own))
        except Exception as exc:  # noqa: BLE001 - the sheets were synced; the rollup is tried again next cycle
            report.rollup_error = _one_line(exc)

    def run(self, *, cycles: int | None = None, stop: threading.Event | None = None,
            on_cycle: Callable[[CycleReport], None] | None = None) -> None:
        """Cycle every fleet.every_s until `stop` is set (or `cycles` have run)."""
        stop = stop or threading.Event()
        done = 0
        while not stop.is_set() and (cycles is None or done < cycles):
            report = self.cycle()
            done += 1
            if on_cycle is not None:
                on_cycle(report)
            if cycles is not None and done >= cycles:
                break
            stop.wait(max(0.0, report.started + self.fleet.every_s - self.clock()))


@dataclass(frozen=True)
class _ClientConfig:
    """What open_client reads of a config: the rollup has a key and an API URL, no sheet layout."""
    credentials: str | None
    api_url: str | None


def history_start(journal: Journal, sheet: FleetSheet) -> float:
    """When the journal's history of the sheet began (its first sync)."""
    name = journal_key(spreadsheet_key(sheet.spreadsheet), sheet.config.input_tab)
    return datetime.fromisoformat(journal.syncs(name)[0]["at"]).timestamp()


def _one_line(exc: BaseException) -> str:
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text[:300]
