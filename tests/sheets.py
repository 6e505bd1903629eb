"""Helpers for tests (and benchmarks) that read the emulator's request counters."""

from __future__ import annotations

import time
from typing import Any


def settle(emu: Any) -> None:
    """Wait until the emulator has counted every request already answered (it counts after replying)."""
    last, same = -1, 0
    while same < 3:
        now = emu.counters()["requests"]
        same = same + 1 if now == last else 0
        last = now
        time.sleep(0.02)
