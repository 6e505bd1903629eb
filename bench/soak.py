"""Soak: 2,000 faulted syncs and 2,000 race interleavings against the emulator.

    .venv/bin/python bench/soak.py              # 2,000 + 2,000 (about 20 minutes on 2 cores)
    .venv/bin/python bench/soak.py --n 300      # shorter
    .venv/bin/python bench/soak.py --faults 2000 --races 0

Same trials as tests/reliability (tests/reliability/harness.py, races.py), with different seeds
(CI uses 0..199, the soak 10_000 on) and the expensive faults switched on: a token
endpoint down for the whole sync, token faults past sheetsync's retry budget.
Prints the figures table; a benchmark, not a test: it asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "tests" / "reliability"), str(ROOT / "tests"), str(ROOT)]

from harness import Bench, Figures, fault_trial  # noqa: E402
from races import race_trial  # noqa: E402
from google_emulator import GoogleEmulator as Emulator  # noqa: E402  (clients through the gateway)

SEED0 = 10_000


def run(kind: str, n: int, lock_dir: str) -> tuple[Figures, float]:
    figures = Figures()
    start = time.monotonic()
    if n <= 0:
        return figures, 0.0
    import random
    with Emulator(fault_seed=SEED0) as emu:
        bench = Bench.create(emu, lock_dir, title=f"soak {kind}")
        bench.fill(random.Random(SEED0))
        bench.sync()
        for i in range(n):
            seed = SEED0 + i
            trial = fault_trial(bench, seed, long_faults=True) if kind == "faults" else race_trial(bench, seed)
            figures.add(trial)
            if (i + 1) % 100 == 0:
                print(f"  {kind}: {i + 1}/{n} in {time.monotonic() - start:.0f} s", file=sys.stderr, flush=True)
    return figures, time.monotonic() - start


def table(title: str, rows: dict, seconds: float) -> None:
    print(f"\n{title}  ({seconds:.0f} s wall)")
    print(f"  {'figure':<50} value")
    for name, value in rows.items():
        print(f"  {name:<50} {value}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=2000, help="trials of each kind (default 2000)")
    parser.add_argument("--faults", type=int, default=None, help="faulted syncs (default --n)")
    parser.add_argument("--races", type=int, default=None, help="race interleavings (default --n)")
    parser.add_argument("--json", metavar="FILE", help="also write every trial as JSON lines")
    args = parser.parse_args(argv)
    n_faults = args.n if args.faults is None else args.faults
    n_races = args.n if args.races is None else args.races
    with tempfile.TemporaryDirectory() as locks:
        faults, t_faults = run("faults", n_faults, locks)
        races, t_races = run("races", n_races, locks)
    if n_faults:
        f = faults.faults()
        table(f"FAULTS: {n_faults} seeded syncs, one random fault each", f, t_faults)
        print(f"  {'converged / run':<50} {f['converged']}/{f['syncs run']}")
        mix = Counter(f"{t['target']}:{t['kind']}" for t in faults.trials if t["fired"])
        print(f"  {'fired (target:kind)':<50} {dict(sorted(mix.items()))}")
        slowest = max(faults.trials, key=lambda t: t["seconds"])
        print(f"  {'slowest sync':<50} {slowest['seconds']} s ({slowest['target']}:{slowest['kind']}, "
              f"{slowest['outcome']})")
        for t in faults.trials:
            if t["outcome"] == "crash" or not t["converged"] or t["cells_lost"] or t["half_written"] \
                    or (t["outcome"] == "completed" and not t["correct_after"]):
                print("  PROBLEM", t)
    if n_races:
        r = races.races()
        table(f"RACES: {n_races} interleavings, a second client editing from another thread", r, t_races)
        for t in races.trials:
            if t["wrong_row"] or t["cells_lost"] or t["error"]:
                print("  misplaced/lost:", {k: t[k] for k in ("seed", "ops", "wrong_row", "transient",
                                                             "cells_lost", "error", "timeline") if k in t})
    if args.json:
        with open(args.json, "w", encoding="utf-8") as fh:
            for t in faults.trials + races.trials:
                fh.write(json.dumps(t, default=str, ensure_ascii=False) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
