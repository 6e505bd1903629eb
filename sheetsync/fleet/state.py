"""The fleet's own record, one SQLite file: per sheet its last sync, failures and a small
summary of what the sync computed (the kota's totals), which the rollup is built from.

This is not the journal: each sheet keeps its journal and lock exactly as a single sync
does. The summary holds counts only (TPS, votes, statuses), never a name or a phone.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sheetsync.fleet.config import Fleet

SCHEMA = """
CREATE TABLE IF NOT EXISTS sheet (
    name TEXT PRIMARY KEY,
    spreadsheet TEXT NOT NULL,
    record TEXT NOT NULL
);
"""


@dataclass
class SheetRecord:
    """What the fleet remembers of one sheet (times are Unix seconds)."""
    name: str
    spreadsheet: str
    region: str | None = None
    kota: str = ""                            # the kab/kota's official name
    last_attempt: float | None = None
    last_good: float | None = None            # the last sync that wrote what the sheet needed
    last_changed: float | None = None         # the last sync that found something to write
    unsynced_since: float | None = None       # edits after this time may not be synced yet
    # What sheetsync last saw of the sheet: the start of its last good read, or the end of its
    # own last write, whichever is later. A Drive modifiedTime after it is someone's edit.
    seen_through: float | None = None
    last_checked: float | None = None         # known current: a good sync, or Drive showing no edit since
    history_since: float | None = None        # the first sync of the sheet's journal here (a moved shard restarts it)
    failures: int = 0                         # in a row
    failure_code: str | None = None           # auth, not_found, permission, quota, busy, guard, other
    failure: str | None = None                # the sync's one-line message
    requests_last: int = 0
    requests_total: int = 0
    syncs: int = 0
    planned_tps: int | None = None
    totals: dict[str, Any] = field(default_factory=dict)   # SyncReport.kota of the last good sync
    rows_by_status: dict[str, int] = field(default_factory=dict)

    def failing(self) -> bool:
        return self.failure_code is not None

    def found_work(self) -> bool:
        """Its last sync wrote something (edits tend to come in bursts: look again soon)."""
        return self.last_changed is not None and self.last_changed == self.last_attempt

    def current_as_of(self) -> float | None:
        """Since when the sheet's statuses may lag its edits: the later of its last good
        sync and its last check."""
        times = [t for t in (self.last_good, self.last_checked) if t is not None]
        return max(times, default=None)


class FleetState:
    """Thread-safe: every sheet's sync thread records through one connection."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self.db = sqlite3.connect(self.path, isolation_level=None, timeout=30, check_same_thread=False)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.executescript(SCHEMA)

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> "FleetState":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def get(self, name: str, spreadsheet: str) -> SheetRecord:
        """The record of a sheet; a fresh one when the sheet is new or now names another spreadsheet."""
        with self._lock:
            row = self.db.execute("SELECT spreadsheet, record FROM sheet WHERE name = ?", (name,)).fetchone()
        if row is None or row[0] != spreadsheet:
            return SheetRecord(name, spreadsheet)
        return SheetRecord(**json.loads(row[1]))

    def put(self, record: SheetRecord) -> None:
        self.put_all([record])

    def put_all(self, records: list[SheetRecord]) -> None:
        """In one transaction: a cycle of a few hundred unchanged sheets is one commit, not hundreds."""
        rows = [(r.name, r.spreadsheet, json.dumps(asdict(r))) for r in records]
        with self._lock:
            self.db.execute("BEGIN IMMEDIATE")
            try:
                self.db.executemany("INSERT OR REPLACE INTO sheet(name, spreadsheet, record) VALUES (?, ?, ?)", rows)
            except BaseException:
                self.db.execute("ROLLBACK")
                raise
            self.db.execute("COMMIT")

    def all(self) -> list[SheetRecord]:
        with self._lock:
            rows = self.db.execute("SELECT record FROM sheet ORDER BY name").fetchall()
        return [SheetRecord(**json.loads(r[0])) for r in rows]


def fleet_status(fleet: "Fleet") -> list[SheetRecord]:
    """The record of every sheet of the fleet, in fleet order (a fresh one for a sheet never synced)."""
    if not fleet.state_path.is_file():
        return [SheetRecord(s.name, s.spreadsheet, s.region) for s in fleet.sheets]
    with FleetState(fleet.state_path) as state:
        return [state.get(s.name, s.spreadsheet) for s in fleet.sheets]
