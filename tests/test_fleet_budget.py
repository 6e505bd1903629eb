"""The fleet's quota budget and its order of sheets, on a simulated clock."""

from __future__ import annotations

from collections import deque

import pytest

from sheetsync.fleet.run import due, priority
from sheetsync.fleet.budget import READ, WRITE, Budget, BudgetTimeout, QuotaLimits, request_kind
from sheetsync.fleet.state import SheetRecord


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += seconds


def busiest_minute(times: list[float]) -> int:
    window: deque[float] = deque()
    best = 0
    for t in times:
        window.append(t)
        while window[0] <= t - 60:
            window.popleft()
        best = max(best, len(window))
    return best


@pytest.mark.parametrize("accounts", [1, 8])
def test_no_rolling_minute_passes_the_quota_whatever_the_demand(accounts: int) -> None:
    clock = Clock()
    budget = Budget(QuotaLimits(), clock=clock, sleep=clock.sleep)
    per_account: dict[int, list[float]] = {a: [] for a in range(accounts)}
    project: list[float] = []
    for i in range(3000):                      # far more than a minute's quota, as fast as it goes
        a = i % accounts
        budget.acquire(f"bot{a}@p", "p", READ, max_wait_s=600)
        per_account[a].append(clock.now)
        project.append(clock.now)
    assert max(busiest_minute(t) for t in per_account.values()) <= 54     # 90% of 60 per user
    assert busiest_minute(project) <= 270                                  # 90% of 300 per project
    assert budget.used()["project:p"][READ] == 3000


def test_reads_and_writes_have_buckets_of_their_own_and_a_long_wait_is_refused() -> None:
    clock = Clock()
    budget = Budget(QuotaLimits(), clock=clock, sleep=clock.sleep)
    for _ in range(27):                         # the burst: half of 54
        budget.acquire("bot@p", "p", READ, max_wait_s=0)
    budget.acquire("bot@p", "p", WRITE, max_wait_s=0)
    with pytest.raises(BudgetTimeout):
        budget.acquire("bot@p", "p", READ, max_wait_s=1.0)
    assert budget.wait_s("bot@p", "p", reads=1) > 1.0 and budget.wait_s("bot@p", "p", writes=1) == 0


def test_a_429_empties_the_buckets_of_that_account() -> None:
    clock = Clock()
    budget = Budget(QuotaLimits(), clock=clock, sleep=clock.sleep)
    budget.throttled_by_google("bot@p", "p", READ)
    assert budget.wait_s("bot@p", "p", reads=1) > 0 and budget.wait_s("other@q", "q", reads=1) == 0


@pytest.mark.parametrize("method, url, kind", [
    ("GET", "https://sheets.googleapis.com/v4/spreadsheets/abc/values/A1", READ),
    ("POST", "https://sheets.googleapis.com/v4/spreadsheets/abc/values:batchGetByDataFilter", READ),
    ("POST", "https://sheets.googleapis.com/v4/spreadsheets/abc/developerMetadata:search", READ),
    ("POST", "https://sheets.googleapis.com/v4/spreadsheets/abc/values:batchUpdate", WRITE),
    ("POST", "https://sheets.googleapis.com/v4/spreadsheets/abc:batchUpdate", WRITE),
    ("POST", "https://oauth2.googleapis.com/token", None),
    ("GET", "https://www.googleapis.com/drive/v3/files/abc", None),
])
def test_which_requests_count_as_reads_and_writes(method: str, url: str, kind: str | None) -> None:
    assert request_kind(method, url) == kind


def test_fresh_edits_go_first_and_no_sheet_starves() -> None:
    now = 10_000.0
    hot = SheetRecord("Jakarta Utara", "a", last_attempt=now - 60, last_changed=now - 60)
    quiet = SheetRecord("Jakarta Pusat", "b", last_attempt=now - 70)
    starved = SheetRecord("Kepulauan Seribu", "c", last_attempt=now - 200)
    order = sorted([quiet, hot, starved], key=lambda r: -priority(r, 60, now))
    assert [r.name for r in order] == ["Kepulauan Seribu", "Jakarta Utara", "Jakarta Pusat"]


def test_a_failing_sheet_pauses_longer_each_time_up_to_a_limit() -> None:
    now = 10_000.0
    record = SheetRecord("Jakarta Barat", "a", last_attempt=now - 100, failures=2)    # pause 120 s
    assert not due(record, 60, now) and due(record, 60, now + 30)
    record.failures = 30
    assert due(record, 60, now - 100 + 15 * 60)
