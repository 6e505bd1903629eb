"""Google's per-minute Sheets quotas, budgeted before each request so a fleet meets no 429.

Google counts read and write requests per minute, per user of a Cloud project (60 each)
and per project (300 each), over a rolling minute. A fleet keeps one token bucket per
(account, kind) and per (project, kind); a request waits until both its buckets hold a
token. A bucket of capacity B refilled at r per second lets through at most B + 60 r in any
60 seconds, so B + 60 r is kept at `share` (90%) of Google's limit: a rolling window
never sees more than that, whatever the timing.

Which requests are reads: every GET, and the POSTs that only read (values:batchGet,
values:batchGetByDataFilter, getByDataFilter, developerMetadata:search). Drive and the
token endpoint are not Sheets requests and are not counted.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from typing import Callable

from sheetsync.errors import SheetsyncError, register

READ, WRITE = "read", "write"
KINDS = (READ, WRITE)
_READ_POSTS = (":batchGet", ":batchGetByDataFilter", ":getByDataFilter", "developerMetadata:search")


def request_kind(method: str, url: str) -> str | None:
    """READ, WRITE, or None for what Sheets' quota does not count (Drive, tokens)."""
    path = url.split("?", 1)[0]
    if "/v4/spreadsheets" not in path:
        return None
    if method.upper() == "GET" or path.endswith(_READ_POSTS):
        return READ
    return WRITE


@dataclass(frozen=True)
class QuotaLimits:
    """Requests per minute, as Google publishes them for the Sheets API."""
    read_per_user: int = 60
    write_per_user: int = 60
    read_per_project: int = 300
    write_per_project: int = 300
    share: float = 0.9          # of each limit the fleet allows itself (others may use the account)

    def limit(self, scope: str, kind: str) -> int:
        return int(getattr(self, f"{kind}_per_{scope}"))


class TokenBucket:
    """Capacity `burst`, refilled continuously so that burst + one minute's refill = `per_window`."""

    def __init__(self, per_window: float, burst: float, clock: Callable[[], float], window_s: float = 60.0) -> None:
        self.capacity = max(1.0, burst)
        self.rate = max(per_window - self.capacity, 1.0) / window_s
        self.tokens, self.at, self.clock = self.capacity, clock(), clock
        self.taken = 0

    def _refill(self) -> None:
        now = self.clock()
        self.tokens = min(self.capacity, self.tokens + (now - self.at) * self.rate)
        self.at = now

    def wait_s(self, n: float = 1.0) -> float:
        """Seconds until n tokens are there (0: now)."""
        self._refill()
        missing = n - self.tokens
        # a token short by a rounding error is there: a wait of 1e-12 s may not move the clock
        return 0.0 if missing <= 1e-9 else max(missing / self.rate, 0.001)

    def take(self, n: float = 1.0) -> None:
        self._refill()
        self.tokens -= n
        self.taken += int(n)

    def drain(self) -> None:
        """Google said 429: what was left is not there (someone else spends this quota)."""
        self._refill()
        self.tokens = min(self.tokens, 0.0)


register({
    "fleet_quota_spent": {
        "en": "the {kind} quota of {account} ({project}) is spent for the next {wait} s: the sheet waits for "
              "the next cycle",
        "id": "kuota {kind} {account} ({project}) habis untuk {wait} detik ke depan: sheet ini menunggu "
              "siklus berikutnya",
    },
})


class BudgetTimeout(SheetsyncError):
    """A request would have waited longer than allowed for its quota."""

    code = "fleet_quota_spent"


@dataclass
class Budget:
    """Buckets per account and per project; thread-safe; shared by every sheet of a fleet."""
    limits: QuotaLimits = field(default_factory=QuotaLimits)
    clock: Callable[[], float] = time.monotonic
    sleep: Callable[[float], None] = time.sleep
    window_s: float = 60.0

    def __post_init__(self) -> None:
        self._lock = threading.Lock()
        self._buckets: dict[tuple[str, str, str], TokenBucket] = {}
        self.throttled = 0          # 429s seen (should stay 0)
        self.waited_s = 0.0         # time requests spent waiting for a token

    def _bucket(self, scope: str, who: str, kind: str) -> TokenBucket:
        key = (scope, who, kind)
        if key not in self._buckets:
            per_window = self.limits.limit(scope, kind) * self.limits.share
            # half the minute's allowance as a burst: a fresh sheet's first sync (about 6
            # requests) and a cycle of a few sheets start at once; the other half refills
            self._buckets[key] = TokenBucket(per_window, per_window / 2, self.clock, self.window_s)
        return self._buckets[key]

    def _pair(self, account: str, project: str, kind: str) -> tuple[TokenBucket, TokenBucket]:
        return self._bucket("user", f"{project}/{account}", kind), self._bucket("project", project, kind)

    def wait_s(self, account: str, project: str, reads: int = 0, writes: int = 0) -> float:
        """How long until `reads` reads and `writes` writes could all start (0: now)."""
        with self._lock:
            waits = [b.wait_s(n) for kind, n in ((READ, reads), (WRITE, writes)) if n
                     for b in self._pair(account, project, kind)]
        return max(waits, default=0.0)

    def acquire(self, account: str, project: str, kind: str, max_wait_s: float = 120.0) -> None:
        """Take one token of each of the request's buckets, waiting as needed."""
        waited = 0.0
        while True:
            with self._lock:
                pair = self._pair(account, project, kind)
                wait = max(b.wait_s() for b in pair)
                if wait <= 0:
                    for b in pair:
                        b.take()
                    self.waited_s += waited
                    return
            if waited + wait > max_wait_s:
                raise BudgetTimeout(kind=kind, account=account, project=project, wait=f"{wait:.0f}")
            self.sleep(wait)
            waited += wait

    def throttled_by_google(self, account: str, project: str, kind: str) -> None:
        with self._lock:
            self.throttled += 1
            for b in self._pair(account, project, kind):
                b.drain()

    def used(self) -> dict[str, dict[str, int]]:
        """Requests taken so far per account and per project: {"user:proj/acc": {"read": n, ...}}."""
        with self._lock:
            out: dict[str, dict[str, int]] = {}
            for (scope, who, kind), bucket in self._buckets.items():
                out.setdefault(f"{scope}:{who}", {})[kind] = bucket.taken
            return out


class BudgetedSession:
    """Wraps a gspread client's session: each Sheets request waits for its budget, and the
    HTTP status of the last answer is kept (a fleet names why a sheet failed from it)."""

    def __init__(self, session: object, budget: Budget, account: str, project: str,
                 max_wait_s: float = 120.0) -> None:
        self.inner = session.request            # type: ignore[attr-defined]
        self.budget, self.account, self.project, self.max_wait_s = budget, account, project, max_wait_s
        self.last_status: int | None = None
        self.last_error: str | None = None      # the exception class of the last failed request
        self.requests = 0

    def request(self, method: str, url: str, **kwargs: object) -> object:
        kind = request_kind(method, url)
        if kind is not None:
            self.budget.acquire(self.account, self.project, kind, self.max_wait_s)
            self.requests += 1
        try:
            response = self.inner(method, url, **kwargs)
        except Exception as exc:            # noqa: BLE001 - noted, then raised as it came
            self.last_error = type(exc).__name__
            raise
        self.last_status = getattr(response, "status_code", None)
        if kind is not None and self.last_status == 429:
            self.budget.throttled_by_google(self.account, self.project, kind)
        return response


def budget_client(client: object, budget: Budget, account: str, project: str,
                  max_wait_s: float = 120.0) -> BudgetedSession:
    """Put `client`'s Sheets requests (a gspread.Client) under `budget`; returns the wrapper."""
    session = client.http_client.session        # type: ignore[attr-defined]
    wrapper = BudgetedSession(session, budget, account, project, max_wait_s)
    session.request = wrapper.request          # instance attribute wins
    return wrapper
