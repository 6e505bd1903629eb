"""What the anomaly flags and the photo column cost check(), side by side in one process.

    .venv/bin/python bench/janggal.py                  # 100,000 rows, 3 rounds
    .venv/bin/python bench/janggal.py --rows 15000 --repeat 5

The rows are bench/core.py's (synthetic master list, messy on purpose), plus a photo link
cell (90% Google Drive links, 5% blank, 5% not a link) for the variants with a photo
column. Each round times the variants in turn on fresh copies of the same input: the
machine is shared, so only the ratios of one run mean anything. Timed: check() plus every
totals table, CPU seconds (best of the rounds); and, inside it, the photo and janggal rules
alone (median of the rounds), which a loaded machine blurs less.
"""

from __future__ import annotations

import argparse
import gc
import random
import sys
import time
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from core import make_values, synthetic_config  # noqa: E402

from sheetsync.core.check import check  # noqa: E402
from sheetsync.core.config import Column, Config, JanggalSettings  # noqa: E402
from sheetsync.core.rules import RULES, Hits, Rule, RuleContext  # noqa: E402


def with_photo_cells(values: list[list], seed: int = 7) -> list[list]:
    rng = random.Random(seed)
    width = len(values[0])          # rows may end early: the link goes under its own header
    out = [values[0] + ["Foto C.Hasil"]]
    for i, line in enumerate(values[1:]):
        roll = rng.random()
        link = "" if roll < 0.05 else "foto di WA" if roll < 0.10 else f"https://drive.google.com/file/d/{i:x}/view"
        out.append(list(line) + [""] * (width - len(line)) + [link])
    return out


def variants(config: Config) -> dict[str, tuple[Config, bool]]:
    janggal = replace(config, rules=replace(config.rules, janggal=JanggalSettings(enabled=True)))
    photo = (*config.columns, Column("foto", "Foto C.Hasil", "photo"))
    return {
        "default (flags off, no photo column)": (config, False),
        "janggal on": (janggal, False),
        "photo column": (replace(config, columns=photo), True),
        "janggal on + photo column": (replace(janggal, columns=photo), True),
    }


RULE_CPU: dict[str, float] = {}


def _timed(name: str, rule: Rule) -> Rule:
    def run(ctx: RuleContext) -> list[Hits]:
        c0 = time.process_time()
        hits = list(rule(ctx))
        RULE_CPU[name] = RULE_CPU.get(name, 0.0) + time.process_time() - c0
        return hits
    return run


def time_one(values: list[list], config: Config) -> tuple[float, dict[str, float]]:
    """CPU s of check() and every totals table, and of the photo and janggal rules inside it."""
    gc.collect()
    RULE_CPU.clear()
    c0 = time.process_time()
    result = check(values, config)
    totals = result.totals
    _ = (totals.per_tps, totals.per_kelurahan, totals.per_kecamatan, totals.kota, totals.per_koordinator)
    return time.process_time() - c0, dict(RULE_CPU)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=100_000)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    config = synthetic_config(args.rows)
    plain = make_values(config, args.rows)
    photo = with_photo_cells(plain)
    RULES[:] = [(name, _timed(name, rule) if name in ("photo", "janggal") else rule) for name, rule in RULES]
    best: dict[str, float] = {}
    rules: dict[str, list[float]] = {}
    for _ in range(args.repeat):
        for name, (cfg, needs_photo) in variants(config).items():
            values = [list(r) for r in (photo if needs_photo else plain)]   # fresh lists every round
            cpu, per_rule = time_one(values, cfg)
            best[name] = min(best.get(name, float("inf")), cpu)
            for rule, spent in per_rule.items():
                rules.setdefault(f"{name}: rule {rule}", []).append(spent)
    base = best["default (flags off, no photo column)"]
    print(f"{args.rows:,} rows, best CPU of {args.repeat} rounds (check() and every totals table)")
    for name, cpu in best.items():
        print(f"  {name:<40} {cpu:6.3f} s  {cpu / base:5.2f}x")
    print("the rules alone, CPU s, median of the rounds:")
    for name, spent in rules.items():
        print(f"  {name:<56} {sorted(spent)[len(spent) // 2]:6.3f} s")


if __name__ == "__main__":
    main()
