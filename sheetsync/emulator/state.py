"""Everything one emulator holds, shared by all handler threads, and who may open a spreadsheet."""
from __future__ import annotations

from typing import Any

from sheetsync.emulator.auth import Auth
from sheetsync.emulator.boundary import MAX_BODY_BYTES, Boundary
from sheetsync.emulator.control import Counters, Faults, Quota
from sheetsync.emulator.drive_lag import DriveLag
from sheetsync.emulator.model import Spreadsheet, Store, permission_denied
from sheetsync.emulator.persist import Persister


class EmulatorState:
    """Everything one emulator holds; shared by all handler threads."""

    def __init__(self, *, strict: bool = False, quota: Any = None, state_dir: str | None = None,
                 token_ttl_s: int = 3600, fault_seed: int | None = None, host: str = "127.0.0.1",
                 max_body_bytes: int = MAX_BODY_BYTES, drive_lag_s: float = 0.0,
                 quota_clock_scale: float = 1.0) -> None:
        self.boundary = Boundary.for_host(host, strict, max_body_bytes)
        self.store = Store()
        self.auth = Auth(strict=strict, token_ttl_s=token_ttl_s)
        self.counters = Counters()
        self.faults = Faults(fault_seed)
        self.quota = Quota.from_option(quota, quota_clock_scale)
        self.drive_lag = DriveLag(drive_lag_s)
        self.base_url = ""
        self.persister = Persister(state_dir, self.store, self.auth) if state_dir else None

    @property
    def strict(self) -> bool:
        return self.auth.strict

    def spreadsheet(self, spreadsheet_id: str, user: str, write: bool = False) -> Spreadsheet:
        """The workbook, or 404; in strict mode 403 unless shared with ``user``."""
        ss = self.store.get(spreadsheet_id)
        if self.strict:
            role = role_of(ss, user)
            if role is None or (write and role in ("reader", "commenter")):
                raise permission_denied()
        return ss

    def changed(self, ss: Spreadsheet | None = None) -> None:
        if ss is not None:
            self.drive_lag.before_edit(ss)
            ss.touch()
        if self.persister is not None:
            self.persister.mark_dirty()


def role_of(ss: Spreadsheet, user: str) -> str | None:
    """Strongest Drive role ``user`` holds on ``ss`` (None = no access)."""
    order = ["owner", "organizer", "fileOrganizer", "writer", "commenter", "reader"]
    best = None
    email = user.lower()
    if email == ss.drive.owner.lower():
        return "owner"
    for p in ss.drive.permissions:
        ok = (p.get("type") == "anyone" or p.get("emailAddress", "").lower() == email
              or (p.get("type") == "domain" and email.endswith("@" + p.get("domain", "").lower())))
        if ok:
            role = p.get("role", "reader")
            if best is None or order.index(role) < order.index(best):
                best = role
    return best
