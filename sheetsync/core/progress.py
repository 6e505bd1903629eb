"""How reporting progressed: TPS reported per hour over the last 24 hours, from a series of reads.

Each read of the input tab is one point: when it was read, and how many TPS were reported
then (totals.py: every result cell filled and no error). An hour's figure is the change of
that number across the hour: the last read before the hour ends minus the last read before
it began. So:

- an hour without a read shows 0: nothing was seen to change;
- a read may lower the number (a row corrected into an error, a row deleted): the hour then
  shows a negative figure, as it happened;
- before the first read nothing is known to be reported: the first read's whole count falls
  in its hour.

Hours are clock hours in WIB, where the sheet is used; the last one is the hour ``now`` is in
(not over yet). Times without a zone are UTC, as the journal stores them.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any, Iterable, Sequence

WIB = timezone(timedelta(hours=7))
HOURS = 24
HOUR = timedelta(hours=1)

_HEADERS = {"id": ("Jam (WIB)", "TPS Lapor Baru", "TPS Lapor (Total)"),
            "en": ("Hour (WIB)", "TPS newly reported", "TPS reported (total)")}
_HOUR_FORMAT = {"id": "%d-%m %H:00", "en": "%m-%d %H:00"}

Point = tuple[datetime, int]     # (when read, TPS reported at that read)


@dataclass(frozen=True)
class HourCount:
    start: datetime      # the hour's first instant, WIB
    reported: int        # change of TPS reported during the hour
    total: int           # TPS reported at the hour's end (its last read, or the last before)


def reported_per_hour(points: Iterable[Point], now: datetime, hours: int = HOURS) -> list[HourCount]:
    """One HourCount per clock hour, oldest first, the last the hour ``now`` is in.
    Reads after ``now`` are not counted."""
    end = _wib(now)
    ordered = sorted((_wib(t), n) for t, n in points if _wib(t) <= end)
    times = [t for t, _ in ordered]

    def total_before(moment: datetime) -> int:
        i = bisect.bisect_left(times, moment)
        return ordered[i - 1][1] if i else 0

    starts = _hour_starts(end, hours)
    out: list[HourCount] = []
    before = total_before(starts[0])
    for start in starts:
        total = total_before(start + HOUR)
        out.append(HourCount(start, total - before, total))
        before = total
    return out


def needed_reads(times: Sequence[datetime], now: datetime, hours: int = HOURS) -> list[int]:
    """Indices of the reads ``reported_per_hour`` looks at: the last before the first hour, and
    the last of each hour up to ``now``. A journal rebuilds and counts only these (at most
    ``hours`` + 1), however often the sheet was synced."""
    first = _hour_starts(now, hours)[0]
    end = _wib(now)
    last: dict[datetime | None, int] = {}
    for i, at in enumerate(times):
        at = _wib(at)
        if at > end:
            continue
        hour = _hour(at) if at >= first else None
        if hour not in last or _wib(times[last[hour]]) <= at:
            last[hour] = i
    return sorted(last.values(), key=lambda i: _wib(times[i]))


def progress_table(counts: Iterable[HourCount], lang: str) -> list[list[Any]]:
    """The tab's values, header row first: one line per hour."""
    lang = "id" if lang == "id" else "en"
    fmt = _HOUR_FORMAT[lang]
    return [list(_HEADERS[lang])] + [[c.start.strftime(fmt), c.reported, c.total] for c in counts]


def _hour_starts(now: datetime, hours: int) -> list[datetime]:
    """The first instant of each of the last ``hours`` clock hours, the last the one ``now`` is in."""
    current = _hour(_wib(now))
    return [current - (hours - 1 - i) * HOUR for i in range(hours)]


def _hour(at: datetime) -> datetime:
    return at.replace(minute=0, second=0, microsecond=0)


def _wib(at: datetime) -> datetime:
    return (at if at.tzinfo else at.replace(tzinfo=timezone.utc)).astimezone(WIB)
