"""init against the emulator: requests, bytes and time of a first and a second run.

    .venv/bin/python bench/layout.py

The second run must send no write at all (the layout is complete).
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "tests"), str(ROOT)]  # the same settle() the layout tests use

from sheets import settle  # noqa: E402
from sheetsync.core.config import load_preset, with_overrides  # noqa: E402
from sheetsync.emulator import Emulator  # noqa: E402
from sheetsync.sheets.client import emulator_client  # noqa: E402
from sheetsync.sync.layout import init_layout  # noqa: E402


def main() -> None:
    with Emulator() as emu:
        client = emulator_client(emu.url)
        key = client.create("bench-layout").id
        config = with_overrides(load_preset("pilkada-jakbar-2024"), spreadsheet=key, api_url=emu.url)
        for run in (1, 2):
            settle(emu)
            emu.reset_counters()
            t0 = time.perf_counter()
            report = init_layout(config, with_tps=True, client=client)
            wall = time.perf_counter() - t0
            settle(emu)
            counters = emu.counters()
            writes = sum(r["count"] for r in counters["routes"] if r["method"] in ("POST", "PUT"))
            print(f"init #{run} (--with-tps, 2,648 TPS): {wall:.2f} s wall, {counters['requests']} API calls, "
                  f"{writes} write call(s), {len(report.requests)} batchUpdate request(s), "
                  f"{counters['bytes_in']:,} bytes sent, {report.tps_rows_added:,} rows added")


if __name__ == "__main__":
    main()
