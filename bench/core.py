"""Benchmark of the core: check() (parse + validate + status + totals + reconciliation).

    .venv/bin/python bench/core.py                 # 2,648 / 15,000 / 100,000 / 820,000 rows
    .venv/bin/python bench/core.py --sizes 100000  # one size
    .venv/bin/python bench/core.py --double-entry  # with a second-entry tab (see second_entry)

Each size runs in a fresh subprocess so peak memory is that size's alone.
Timed: check() plus every totals table (they are computed on first access).
Reported per size: wall and CPU time (best of --repeat runs; CPU time is the
fairer figure when other processes share the 2 cores: "load" is the 1-minute
load average when the size finished), the process's
peak RSS (ru_maxrss, includes the input list-of-lists as read from the API),
the part of that peak added while check() ran, the time of summary_tables(), and
the time Python's cyclic GC spent inside the timing ("gc s").  A full GC pass runs
after building the input, before the timing (--no-collect leaves it out): see run_one.

Input: 2,648 rows are the Jakarta Barat preset (all planned TPS).  Larger sizes
use a synthetic master list with about 10 TPS per kelurahan and 12 kelurahan per
kecamatan, as in Indonesia at large (820,000 TPS, ~84,000 desa/kelurahan).
Rows are messy on purpose: mixed spellings, ~1% badly typed numbers, ~1%
inconsistent C.Hasil, ~0.5% duplicate TPS, ~5% not reported, ~2% partly filled,
and a few blank rows.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import random
import resource
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sheetsync.core.config import DoubleEntry, KecamatanTarget, Targets, load_preset  # noqa: E402
from sheetsync.core.regions import build_regions  # noqa: E402

SIZES = (2_648, 15_000, 100_000, 820_000)
GOAL_820K = "goal at 820,000 rows: < 5 s and < 2 GB"


def synthetic_config(n_rows: int):
    """The preset's columns and rules over a made-up master list sized for n_rows."""
    config = load_preset("pilkada-jakbar-2024")
    if n_rows <= 2_648:
        return config
    n_kel = max(56, n_rows // 10)
    n_kec = max(8, n_kel // 12)
    rows = []
    for i in range(n_kel):
        k = i % n_kec
        rows.append({"kode_kecamatan": f"{90 + k // 10000:02d}.{(k // 100) % 100:02d}.{k % 100:02d}",
                     "kecamatan": f"Sukamaju Raya {k}",
                     "kode_kelurahan": f"{90 + k // 10000:02d}.{(k // 100) % 100:02d}.{k % 100:02d}.{1001 + i // n_kec:04d}",
                     "kelurahan": f"Mekar Sari {i}"})
    regions = build_regions("Indonesia (uji)", rows, [])
    per_kec: dict[str, int] = {}
    for i in range(n_rows):
        code = rows[i % n_kel]["kode_kecamatan"]
        per_kec[code] = per_kec.get(code, 0) + 1
    targets = Targets(tuple(KecamatanTarget(c, n, n * 200) for c, n in per_kec.items()))
    return replace(config, regions=regions, targets=targets)


def _spell(name: str, rng: random.Random) -> str:
    r = rng.random()
    if r < 0.6:
        return name
    if r < 0.75:
        return name.upper()
    if r < 0.9:
        return f"  {name.lower()} "
    return name.replace(" ", "  ")


def make_values(config, n_rows: int, seed: int = 2024) -> list[list]:
    """The input tab as values:batchGet would return it (strings, short rows)."""
    rng = random.Random(seed)
    regions = config.regions
    kels = regions.kelurahan
    headers = [c.header for c in config.columns] + [config.status_header, config.message_header]
    values: list[list] = [headers]
    for i in range(n_rows):
        kel = kels[i % len(kels)]
        kec_name = regions.kecamatan_name(kel.kecamatan_code)
        tps = i // len(kels) + 1
        row = [_spell(kec_name, rng), _spell(kel.name, rng), rng.choice((str(tps), f"{tps:03d}", f"TPS {tps}")),
               f"Jl. Uji No. {i}"]
        dpt = rng.randint(150, 600)
        r = rng.random()
        if r < 0.05:        # not reported yet: short row, as the API returns it
            values.append(row + [str(dpt)])
            continue
        p = [rng.randint(0, dpt // 3) for _ in range(3)]
        sah, tidak = sum(p), rng.randint(0, 10)
        numbers = [dpt, rng.randint(0, 5), rng.randint(0, 5), "", *p, sah, tidak, sah + tidak]
        cells = [f"{v:,}".replace(",", ".") if isinstance(v, int) else v for v in numbers]
        if r < 0.07:        # partly filled
            cells[9] = ""
        elif r < 0.08:      # badly typed number
            cells[rng.randint(4, 9)] = rng.choice(("12a", "1,5", "-3", "½"))
        elif r < 0.09:      # inconsistent C.Hasil
            cells[7] = str(sah + 7)
        row += cells + [f"Koordinator {i // 8}", f"Saksi {i}", f"08{rng.randint(10**9, 10**10 - 1)}",
                        rng.choice(("ya", "Ya", "tidak", ""))]
        values.append(row)
        if r > 0.995:       # duplicate TPS: the same row typed twice, one number changed
            dup = list(row)
            dup[10] = str(int(str(dup[10]).replace(".", "") or 0) + 1) if dup[10] else "1"
            values.append(dup)
        if r > 0.999:
            values.append([])  # a blank row between TPS
    return values


SECOND_TAB = "Entri Kedua"


def second_entry(values: list[list], seed: int = 17) -> list[list]:
    """The second team's tab for ``values``: the key and count columns of 70% of the rows in
    another order, 2% of them with one count typed differently."""
    rng = random.Random(seed)
    header = values[0]
    keep = [i for i, h in enumerate(header) if h in ("Kecamatan", "Kelurahan", "No TPS", "Paslon 1", "Paslon 2",
                                                      "Paslon 3", "Suara Sah", "Suara Tidak Sah", "Pengguna Hak Pilih")]
    rows = [[r[i] if i < len(r) else "" for i in keep] for r in values[1:] if r and rng.random() < 0.7]
    for r in rows:
        if rng.random() < 0.02:
            r[rng.randint(3, len(r) - 1)] = str(rng.randint(0, 300))
    rng.shuffle(rows)
    return [[header[i] for i in keep], *rows]


CORE_RULES = ("required", "cell_format", "bounds", "regions", "duplicate_tps", "dpt", "results_incomplete",
              "chasil", "target")


def run_one(n_rows: int, repeat: int, core_only: bool, collect_first: bool = True,
            double_entry: bool = False) -> dict:
    from sheetsync.core.check import check
    from sheetsync.core import rules
    if core_only:  # leave out rule families registered by other modules (the people checks)
        rules.RULES[:] = [(name, fn) for name, fn in rules.RULES if name in CORE_RULES]
    config = synthetic_config(n_rows)
    if double_entry:
        config = replace(config, double_entry=DoubleEntry(tab=SECOND_TAB))
    rss_before = 0
    from sheetsync.core.summaries import summary_tables
    times, cpu, summaries, in_gc = [], [], [], []
    gc_clock: dict[str, float] = {"start": 0.0, "total": 0.0}

    def gc_timer(phase: str, info: dict) -> None:
        if phase == "start":
            gc_clock["start"] = time.process_time()
        else:
            gc_clock["total"] += time.process_time() - gc_clock["start"]

    for _ in range(repeat):
        # fresh strings every run, as parsed from the API's JSON: no cached str hashes
        values = make_values(config, n_rows)
        second = second_entry(values) if double_entry else None
        # Building the input leaves Python's cyclic GC a debt: 820,000 fresh row lists since
        # its last full pass.  Left alone, the next full pass (about 1 s: it visits every cell of
        # the input) falls wherever the allocation count tips over, in or out of the timing,
        # depending on the size and on what ran before.  Paying it here times check() and
        # totals alone, from the same GC state every run (timeit disables the GC outright).
        if collect_first:
            gc.collect()
        rss_before = max(rss_before, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
        gc_clock["total"] = 0.0
        gc.callbacks.append(gc_timer)
        t0, c0 = time.perf_counter(), time.process_time()
        result = check(values, config, second_tab=second)
        totals = result.totals   # computed on first access: force every table into the timing
        _ = (totals.per_tps, totals.per_kelurahan, totals.per_kecamatan, totals.kota, totals.per_koordinator)
        times.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
        gc.callbacks.remove(gc_timer)
        in_gc.append(gc_clock["total"])
        t1 = time.perf_counter()
        summary_tables(result, config)
        summaries.append(time.perf_counter() - t1)
        kota = result.totals.kota
        del result, values, second
    rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    best = cpu.index(min(cpu))
    return {"rows": n_rows, "time_s": min(times), "cpu_s": min(cpu), "gc_s": in_gc[best], "summaries_s": min(summaries),
            "load": os.getloadavg()[0], "peak_rss_mb": rss_after / 1024,
            "check_rss_mb": (rss_after - rss_before) / 1024, "input_rss_mb": rss_before / 1024,
            "reported": kota["tps_reported"], "errors": kota["tps_error"]}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="*", default=list(SIZES))
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--core-only", action="store_true", help="only the core rule families (no saksi, phone or koordinator rules)")
    ap.add_argument("--no-collect", action="store_true",
                    help="do not run a full GC pass between building the input and timing check()")
    ap.add_argument("--double-entry", action="store_true",
                    help=f"a second-entry tab ('{SECOND_TAB}') of 70%% of the rows, read and matched in check()")
    ap.add_argument("--child", type=int, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        print(json.dumps(run_one(args.child, args.repeat, args.core_only, not args.no_collect, args.double_entry)))
        return
    rules_used = "core rules only" if args.core_only else "all registered rules"
    rules_used += ", double entry" if args.double_entry else ""
    gc_note = "no GC pass before timing" if args.no_collect else "gc.collect() before timing"
    print(f"check() benchmark, {rules_used}, best of {args.repeat}, {gc_note}; {GOAL_820K}")
    print(f"{'rows':>9} {'wall s':>7} {'cpu s':>6} {'gc s':>5} {'load':>5} {'peak RSS MB':>12} {'in check MB':>12} "
          f"{'input MB':>9} {'reported':>9} {'errors':>7} {'summaries s':>12}")
    for n in args.sizes:
        cmd = [sys.executable, __file__, "--child", str(n), "--repeat", str(args.repeat)]
        flags = (["--core-only"] if args.core_only else []) + (["--no-collect"] if args.no_collect else [])
        flags += ["--double-entry"] if args.double_entry else []
        out = subprocess.run(cmd + flags,
                             capture_output=True, text=True, check=False)
        if out.returncode != 0:
            print(f"{n:>9} failed: {out.stderr.strip().splitlines()[-1:]}")
            continue
        r = json.loads(out.stdout)
        print(f"{r['rows']:>9,} {r['time_s']:>7.2f} {r['cpu_s']:>6.2f} {r['gc_s']:>5.2f} {r['load']:>5.1f} "
              f"{r['peak_rss_mb']:>12.0f} {r['check_rss_mb']:>12.0f} "
              f"{r['input_rss_mb']:>9.0f} {r['reported']:>9,} {r['errors']:>7,} {r['summaries_s']:>12.2f}")


if __name__ == "__main__":
    main()
