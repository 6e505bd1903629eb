"""What the saksi / people checks add to check() at national scale.

    .venv/bin/python bench/people.py                  # 820,000 rows, best of 3
    .venv/bin/python bench/people.py --rows 100000 --repeat 5

Three sheets of the same TPS rows, timed side by side in one process (the runs
are interleaved, so a busy machine slows all three alike):

  A  without people columns     the preset minus Koordinator, Nama Saksi, HP/WA, Bimtek
  B  people columns, rules off  the columns are parsed by the core, rules/people.py is not run
  C  people columns + rules     what a sync runs

Also timed: coverage.compute_coverage() on C's rows (it runs with the summary
tabs, after check()).  Goal: the people checks add at most 30% to
check() time; both readings are printed (C vs B: the checks on the same sheet;
C vs A: the columns and the checks together).

Rows: a synthetic master list of ~10 TPS per kelurahan (as bench/core.py),
DPT on every row, results on half of them (mid-count), a saksi on 85%, phones
typed five ways, 0.1% duplicated and 0.5% badly typed, ~8 TPS per koordinator
with a few overloaded, bimtek in mixed spellings.
"""

from __future__ import annotations

import argparse
import gc
import random
import resource
import sys
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sheetsync.core import rules  # noqa: E402
from sheetsync.core.check import check  # noqa: E402
from sheetsync.core.config import Config, KecamatanTarget, Targets, load_preset  # noqa: E402
from sheetsync.core.coverage import compute_coverage  # noqa: E402
from sheetsync.core.regions import build_regions  # noqa: E402

PEOPLE = ("koordinator", "saksi", "hp_saksi", "bimtek")
GOAL = 30.0


def national_config(n_rows: int) -> Config:
    config = load_preset("pilkada-jakbar-2024")
    n_kel = max(56, n_rows // 10)
    n_kec = max(8, n_kel // 12)
    wilayah = [{"kode_kecamatan": f"9{k // 100:03d}.{k % 100:02d}", "kecamatan": f"Kecamatan Uji {k}",
                "kode_kelurahan": f"9{k // 100:03d}.{k % 100:02d}.{1001 + i // n_kec:04d}",
                "kelurahan": f"Kelurahan Uji {i}"} for i in range(n_kel) for k in [i % n_kec]]
    regions = build_regions("Indonesia (uji)", wilayah, [])
    per_kec: dict[str, int] = {}
    for i in range(n_rows):
        code = wilayah[i % n_kel]["kode_kecamatan"]
        per_kec[code] = per_kec.get(code, 0) + 1
    targets = Targets(tuple(KecamatanTarget(c, n, n * 200) for c, n in per_kec.items()))
    return replace(config, regions=regions, targets=targets)


def _phone(rng: random.Random) -> str:
    digits = f"08{rng.choice((11, 12, 13, 21, 52, 57, 77, 78, 81, 95, 96))}{rng.randrange(10**7, 10**8)}"
    return [digits, f"{digits[:4]}-{digits[4:8]}-{digits[8:]}", f"+62 {digits[1:4]} {digits[4:8]} {digits[8:]}",
            "62" + digits[1:], digits[1:]][rng.randrange(5)]


def make_rows(config: Config, n_rows: int, seed: int = 8) -> list[list]:
    """Cells in config column order (strings, as values:batchGet returns them)."""
    rng = random.Random(seed)
    regions, fields = config.regions, [c.field for c in config.columns]
    kels = regions.kelurahan
    out, phones, koord, left = [], [], "", 0
    for i in range(n_rows):
        kel = kels[i % len(kels)]
        tps = i // len(kels) + 1
        cell = {"kecamatan": regions.kecamatan_name(kel.kecamatan_code), "kelurahan": kel.name,
                "tps": rng.choice((str(tps), f"{tps:03d}", f"TPS {tps}")), "alamat": f"Jl. Uji {i}"}
        dpt = rng.randint(150, 600)
        cell["dpt"] = str(dpt)
        if rng.random() < 0.5:
            p = [rng.randint(0, dpt // 3) for _ in range(3)]
            tidak = rng.randint(0, 10)
            cell.update(dpph="0", dptb="0", paslon_1=str(p[0]), paslon_2=str(p[1]), paslon_3=str(p[2]),
                        suara_sah=str(sum(p)), suara_tidak_sah=str(tidak), pengguna_hak_pilih=str(sum(p) + tidak))
        if left == 0:
            koord, left = f"Koordinator {i}", rng.choice((6, 8, 8, 9, 10, 10)) if rng.random() > 0.001 else 25
        left -= 1
        cell["koordinator"] = koord
        if rng.random() < 0.85:
            cell["saksi"] = f"Saksi {i}"
            r = rng.random()
            cell["hp_saksi"] = (rng.choice(phones) if r < 0.001 and phones else
                                rng.choice(("0812-345-67", "021 5550 1234", "0812 3456 789a")) if r < 0.006 else
                                _phone(rng))
            phones.append(cell["hp_saksi"]) if len(phones) < 1000 else None
            cell["bimtek"] = rng.choice(("ya", "Ya", "sudah", "y", "tidak", "belum", ""))
        out.append([cell.get(f, "") for f in fields])
    return out


def without_people(config: Config, values: list[list]) -> tuple[Config, list[list]]:
    keep = [i for i, c in enumerate(config.columns) if c.field not in PEOPLE]
    cols = tuple(config.columns[i] for i in keep)
    return replace(config, columns=cols), [[row[i] for i in keep] for row in values]


class PeopleRulesOff:
    """Take rules/people.py out of the registry for variant B (bench only)."""

    def __enter__(self) -> None:
        self.saved = list(rules.RULES)
        rules.RULES[:] = [(n, fn) for n, fn in rules.RULES if fn.__module__ != "sheetsync.core.rules.people"]

    def __exit__(self, *exc: object) -> None:
        rules.RULES[:] = self.saved


def timed(fn, *args):
    """(wall s, CPU s, result).  CPU time is reported too: on a shared machine
    other processes stretch the wall time, much less this process's CPU time."""
    gc.collect()
    t0, c0 = time.perf_counter(), time.process_time()
    out = fn(*args)
    return time.perf_counter() - t0, time.process_time() - c0, out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=820_000)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    config = national_config(args.rows)
    header = [c.header for c in config.columns]
    body = make_rows(config, args.rows)
    values_c = [header] + body
    config_a, values_a = without_people(config, values_c)
    print(f"{args.rows:,} rows; best of {args.repeat}; goal: the people checks add at most +{GOAL:.0f}%")
    wall = {k: float("inf") for k in ("A", "B", "C", "coverage")}
    cpu = dict(wall)
    result = None

    def keep(name: str, t: tuple) -> object:
        wall[name], cpu[name] = min(wall[name], t[0]), min(cpu[name], t[1])
        return t[2]

    for _ in range(args.repeat):
        keep("A", timed(check, values_a, config_a))
        with PeopleRulesOff():
            keep("B", timed(check, values_c, config))
        result = keep("C", timed(check, values_c, config))
        keep("coverage", timed(compute_coverage, result.rows, config))
    counts: dict[str, int] = {}
    for issue in result.issues:
        counts[issue.code] = counts.get(issue.code, 0) + 1
    print(f"  {'':31}{'wall s':>8} {'vs A':>7}   {'CPU s':>7} {'vs A':>7}")
    for key, label in (("A", "A without people columns"), ("B", "B people columns, rules off"),
                       ("C", "C people columns + rules"), ("coverage", "compute_coverage() after C")):
        print(f"  {label:31}{wall[key]:8.2f} {_pct(wall[key], wall['A']):>7}   "
              f"{cpu[key]:7.2f} {_pct(cpu[key], cpu['A']):>7}")
    print(f"  {'C + coverage':31}{'':8} {_pct(wall['C'] + wall['coverage'], wall['A']):>7}   "
          f"{'':7} {_pct(cpu['C'] + cpu['coverage'], cpu['A']):>7}")
    people = {k: v for k, v in sorted(counts.items()) if k in (
        "bad_phone", "duplicate_phone", "koordinator_overloaded", "saksi_missing", "saksi_overdue", "bad_yesno")}
    print(f"  people issues found in C: {people}")
    print(f"  peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:,.0f} MB")
    for what, base in (("the people checks (C vs B)", "B"), ("the people columns and checks (C vs A)", "A")):
        verdict = "within" if cpu["C"] <= cpu[base] * (1 + GOAL / 100) else "OVER"
        print(f"  {what}: {_pct(cpu['C'], cpu[base])} CPU, {verdict} the +{GOAL:.0f}% budget")


def _pct(t: float, base: float) -> str:
    return f"{100 * (t / base - 1):+.1f}%" if t != base else ""


if __name__ == "__main__":
    main()
