"""A time interval as people write it: "60s", "5m", "1h", "90" (seconds), also in
Indonesian ("5 menit", "1 jam"). Read once here for the CLI's --every/--since and the
fleet file's intervals."""

from __future__ import annotations

import re

_INTERVAL = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(s|sec|m|min|h|j|jam|d|detik|menit)?\s*$", re.I)
_UNIT_S = {"": 1, "s": 1, "sec": 1, "detik": 1, "m": 60, "min": 60, "menit": 60,
           "h": 3600, "j": 3600, "jam": 3600, "d": 86400}


def parse_interval(text: str) -> float | None:
    """'60s', '5m', '1h', '90' -> seconds; None when it is not an interval."""
    match = _INTERVAL.match(text or "")
    if not match:
        return None
    return float(match.group(1)) * _UNIT_S[(match.group(2) or "").lower()]
