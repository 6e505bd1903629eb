"""Journal benchmark: one election day at DKI scale.

15,000 TPS rows, a sync every minute for 12 hours (720 syncs). Results arrive
over the afternoon and evening (each row typed in one or two sessions), a few
numbers are corrected after the row was OK, rows are deleted by mistake and put
back, the sheet is sorted twice, saksi details are edited in the morning.

Timed per sync, as the CLI runs it (a fresh process each minute, so the journal
is opened cold every time): open + read_tab + changed_after_verification +
last good snapshot + guard + record_tab + close (SQLite checkpoints the WAL). Prints the journal size, mean/p95/max
journal time per sync, and history() / diff() / snapshot() times.

    .venv/bin/python bench/journal.py            # the full day (a few minutes)
    .venv/bin/python bench/journal.py --quick    # 2,000 rows, 60 syncs
    .venv/bin/python bench/journal.py --phases   # plus the CPU time of each phase

To compare two versions on a loaded machine, run the bench of each (e.g. the
older one in a ``git worktree`` under /tmp) at the same time: both see the same load.
"""
from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path
from types import SimpleNamespace

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sheetsync.core.config import load_preset  # noqa: E402
from sheetsync.journal.store import Journal, guard, read_tab  # noqa: E402
from sheetsync.journal.queries import ok_keys  # noqa: E402
from sheetsync.journal.restore import plan_restore  # noqa: E402

START = datetime(2024, 11, 27, 1, 0, tzinfo=timezone.utc)    # 08:00 WIB
RESULT_COLS = ("Paslon 1", "Paslon 2", "Paslon 3", "Suara Sah", "Suara Tidak Sah",
               "Pengguna Hak Pilih")


def make_sheet(config, n_rows: int, rng: random.Random) -> tuple[list[str], list[list[str]]]:
    header = [c.header for c in config.columns] + [config.status_header, config.message_header]
    rows = []
    for i in range(n_rows):
        kel = i // 40
        row = {"Kecamatan": f"Kecamatan {kel // 7}", "Kelurahan": f"Kelurahan {kel}",
               "No TPS": str(i % 40 + 1), "Alamat": f"Jl. Contoh No. {i}", "DPT": str(rng.randint(200, 600)),
               "DPPh": str(rng.randint(0, 5)), "DPTb": "", "Target Suara": "200",
               "Koordinator": f"Koord {kel}", "Nama Saksi": f"Saksi {i}",
               "HP/WA Saksi": f"08{rng.randint(10**9, 10**10 - 1)}", "Bimtek": "ya"}
        rows.append([row.get(h, "") for h in header])
    return header, rows


def key_of(row: list[str]) -> str | None:
    kel = row[1].rsplit(" ", 1)[-1]
    return f"31.73.{int(kel) // 7:02d}.{1000 + int(kel)}/{int(row[2]):03d}" if row[2].isdigit() else None


class Day:
    """The sheet over the day: who types what at which minute."""

    def __init__(self, config, n_rows: int, n_syncs: int, seed: int = 6) -> None:
        self.rng = rng = random.Random(seed)
        self.header, self.rows = make_sheet(config, n_rows, rng)
        self.col = {h: i for i, h in enumerate(self.header)}
        self.events: dict[int, list[tuple]] = {}
        first_result = int(n_syncs * 5 / 12)                  # counting starts ~13:00 WIB
        for r in range(n_rows):
            t = min(n_syncs - 1, int(rng.triangular(first_result, n_syncs, first_result + (n_syncs - first_result) / 3)))
            self._at(t, ("results", r, 0))
            if rng.random() < 0.5:                            # typed in two sessions
                self._at(min(n_syncs - 1, t + rng.randint(1, 30)), ("results", r, 1))
            if rng.random() < 0.05:                           # a correction after it was OK
                self._at(min(n_syncs - 1, t + rng.randint(31, 120)), ("correct", r))
        for _ in range(max(2, n_rows // 750)):                # deleted by mistake, put back later
            t = rng.randint(first_result, max(first_result, n_syncs - 40))
            self._at(t, ("delete", rng.randrange(n_rows)))
        for t in (n_syncs // 3, int(n_syncs * 0.8)):
            self._at(t, ("sort",))
        for t in range(0, first_result):                     # saksi details fixed in the morning
            self._at(t, ("saksi", rng.randrange(n_rows)))
        self.deleted: list[tuple[int, list[str]]] = []

    def _at(self, t: int, event: tuple) -> None:
        self.events.setdefault(t, []).append(event)

    def step(self, t: int) -> str:
        """Apply minute t; returns the kind of sync it makes (for --slowest)."""
        rng, c = self.rng, self.col
        kinds = {ev[0] for ev in self.events.get(t, [])}
        kind = ("first" if t == 0 else "sort" if "sort" in kinds else "delete mid-sheet"
                if "delete" in kinds else "put back (append)" if any(d[0] == t for d in self.deleted)
                else "edits")
        for back_at, row in [d for d in self.deleted if d[0] == t]:
            self.rows.append(row)                             # put back at the end
            self.deleted.remove((back_at, row))
        for ev in self.events.get(t, []):
            if ev[0] == "sort":
                self.rows.sort(key=lambda r: (r[c["Kelurahan"]], r[c["Paslon 1"]]))
                continue
            if ev[0] == "delete":
                if ev[1] < len(self.rows):
                    self.deleted.append((t + rng.randint(5, 30), self.rows.pop(ev[1])))
                continue
            row = self._find(ev[1])
            if row is None:
                continue
            if ev[0] == "results":
                self._results(row, ev[2])
            elif ev[0] == "correct" and row[c["Paslon 1"]]:
                row[c["Paslon 1"]] = str(int(row[c["Paslon 1"]]) + rng.randint(1, 5))
            elif ev[0] == "saksi":
                row[c["Nama Saksi"]] += " "
        for row in self.rows:                                 # sheetsync's own column: noise
            row[c["Status"]] = "OK" if row[c["Pengguna Hak Pilih"]] else "BELUM DIISI"
        return kind

    def _find(self, original_index: int) -> list[str] | None:
        alamat = f"Jl. Contoh No. {original_index}"
        col = self.col["Alamat"]
        if not hasattr(self, "_pos") or self._pos_len != len(self.rows):
            self._pos = {r[col]: r for r in self.rows}
            self._pos_len = len(self.rows)
        return self._pos.get(alamat)

    def _results(self, row: list[str], session: int) -> None:
        c, rng = self.col, self.rng
        if session == 0:
            votes = [rng.randint(0, 150) for _ in range(3)]
            for h, v in zip(("Paslon 1", "Paslon 2", "Paslon 3"), votes):
                row[c[h]] = str(v)
            row[c["Suara Sah"]] = str(sum(votes))
        else:
            row[c["Suara Tidak Sah"]] = str(rng.randint(0, 10))
            row[c["Pengguna Hak Pilih"]] = str(int(row[c["Suara Sah"]] or 0) + int(row[c["Suara Tidak Sah"]]))

    def values(self) -> list[list[str]]:
        return [list(self.header)] + [list(r) for r in self.rows]

    def result(self, values: list[list[str]]) -> SimpleNamespace:
        """What the core would hand over: tps_key and status per sheet row."""
        c = self.col
        keys = {i: key_of(r) for i, r in enumerate(values[1:], start=2)}
        status = {i: ("OK" if r[c["Pengguna Hak Pilih"]] else "BELUM DIISI")
                  for i, r in enumerate(values[1:], start=2)}
        return SimpleNamespace(rows=pd.DataFrame({"tps_key": pd.Series(keys, dtype=object),
                                                  "status": pd.Series(status, dtype=object)}),
                               header=None, statuses=status)


PHASES: dict[str, list[float]] = {}     # phase -> CPU ms per sync (--phases)


def _lap(name: str, since: float) -> float:
    now = time.process_time()
    PHASES.setdefault(name, []).append((now - since) * 1000)
    return now


def one_sync(path: Path, config, values, result, at: datetime) -> tuple[float, float, int, int]:
    t0, c0 = time.perf_counter(), time.process_time()
    c = c0
    j = Journal(path)
    c = _lap("open", c)
    tab = read_tab(values, config, result)
    c = _lap("read_tab", c)
    warnings = j.changed_after_verification("bench", tab, config)
    c = _lap("verification (loads the last read)", c)
    alerts = guard(j.last("bench"), tab, config)
    statuses = result.statuses          # a warned row is not OK (the core merges the warning)
    if warnings:
        statuses = dict(statuses)
        for w in warnings:
            statuses[w.row] = "PERIKSA"
    ok = ok_keys(tab, statuses)
    c = _lap("guard + ok rows", c)
    j.record_tab(spreadsheet="bench", config_name=config.name, tab=tab, at=at,
                 ok_rows=ok, good=not alerts)
    c = _lap("record", c)
    j.close()
    _lap("close (WAL checkpoint)", c)
    return time.perf_counter() - t0, time.process_time() - c0, len(warnings), len(alerts)


def evening_sync(day: Day, config, path: Path, at: datetime, repeat: int = 9) -> list[float]:
    """One more evening sync (60 rows edited) on copies of the full-day journal,
    repeated: the best run shows the cost without other processes' load."""
    c = day.col
    for row in day.rows[:60]:
        row[c["Paslon 2"]] = str(int(row[c["Paslon 2"]] or 0) + 1)
    values = day.values()
    result = day.result(values)
    copy = path.with_name("evening.sqlite")
    walls = []
    for _ in range(repeat):
        shutil.copy(path, copy)
        walls.append(one_sync(copy, config, values, result, at)[0])
        for p in (copy, Path(f"{copy}-wal"), Path(f"{copy}-shm")):
            p.unlink(missing_ok=True)
    return sorted(walls)


def timed(fn, repeat: int = 5) -> float:
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="2,000 rows, 60 syncs")
    ap.add_argument("--rows", type=int, default=15000)
    ap.add_argument("--syncs", type=int, default=720)
    ap.add_argument("--keep", metavar="DIR", help="keep the journal in DIR (for profiling)")
    ap.add_argument("--phases", action="store_true", help="print the median CPU time of each phase")
    ap.add_argument("--slowest", action="store_true",
                    help="print the kinds of sync (edits, delete, sort...) among the top 5%% by CPU")
    args = ap.parse_args()
    n_rows, n_syncs = (2000, 60) if args.quick else (args.rows, args.syncs)
    config = load_preset("pilkada-jakbar-2024")
    day = Day(config, n_rows, n_syncs)
    times, cpu, kinds, last_warned, blocked = [], [], [], 0, 0
    PHASES.clear()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(args.keep or tmp) / "journal.sqlite"
        for t in range(n_syncs):
            kinds.append(day.step(t))
            values = day.values()
            result = day.result(values)
            took, used, last_warned, a = one_sync(path, config, values, result,
                                                  START + timedelta(minutes=t))
            times.append(took)
            cpu.append(used)
            blocked += bool(a)
            if t % 60 == 0:
                print(f"  sync {t + 1:4d}: {took * 1000:6.1f} ms wall {used * 1000:6.1f} ms cpu",
                      file=sys.stderr)
        phases = {k: sorted(v) for k, v in PHASES.items()}        # the day's syncs only
        evening = evening_sync(day, config, path, START + timedelta(minutes=n_syncs))
        with Journal(path) as j:
            j.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            size = sum(os.path.getsize(p) for p in (path, Path(f"{path}-wal")) if p.exists())
            cells = j.db.execute("SELECT count(*) FROM cells").fetchone()[0]
            corrected = j.db.execute(
                "SELECT k.key FROM cells c JOIN rowkeys k ON k.id=c.row GROUP BY c.row "
                "ORDER BY count(*) DESC LIMIT 1").fetchone()[0]
            t_hist = timed(lambda: j.history("bench", corrected))
            t_diff = timed(lambda: j.diff("bench", max(1, n_syncs - 120)), 1)
            t_snap = timed(lambda: j.snapshot("bench", n_syncs // 2), 1)
            values = day.values()
            current = read_tab(values, config, day.result(values))
            t_restore = timed(lambda: plan_restore(j, "bench", values, config, since=max(1, n_syncs - 120),
                                                   current=current), 1)
            n_hist = len(j.history("bench", corrected))
    ms = sorted(x * 1000 for x in times)
    p95 = ms[int(len(ms) * 0.95) - 1]
    cms = sorted(x * 1000 for x in cpu)
    cp95 = cms[int(len(cms) * 0.95) - 1]
    print(f"journal bench: {n_rows} rows, {n_syncs} syncs (one a minute)")
    print(f"  journal size          {size / 1e6:8.1f} MB  ({cells} cell changes)   goal < 100 MB")
    print(f"  journal time per sync mean {statistics.mean(ms):6.1f} ms  p95 {p95:6.1f} ms  "
          f"max {ms[-1]:6.1f} ms   goal < 100 ms (wall)")
    print(f"  journal CPU per sync  mean {statistics.mean(cms):6.1f} ms  p95 {cp95:6.1f} ms  "
          f"max {cms[-1]:6.1f} ms   (load average now {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs)")
    print(f"  first sync (full snapshot) {times[0] * 1000:6.1f} ms")
    print(f"  an evening sync (60 rows edited) after the day, {len(evening)} runs: best "
          f"{evening[0] * 1000:6.1f} ms  median {evening[len(evening) // 2] * 1000:6.1f} ms (wall)")
    print(f"  history(one TPS, {n_hist} entries) {t_hist * 1000:6.2f} ms   goal < 100 ms")
    print(f"  diff(last 2 h) {t_diff * 1000:7.1f} ms   snapshot(mid-day) {t_snap * 1000:7.1f} ms   "
          f"restore plan (last 2 h) {t_restore * 1000:7.1f} ms")
    print(f"  changed-after-verification warnings at the last sync: {last_warned}; "
          f"guard-blocked syncs {blocked}")
    if args.phases:
        print("  CPU per phase over the day (ms): " + ", ".join(
            f"{k} median {v[len(v) // 2]:.1f} p95 {v[int(len(v) * 0.95) - 1]:.1f}" for k, v in phases.items()))
    if args.slowest:
        _slowest(kinds, cpu, times)


def _slowest(kinds: list[str], cpu: list[float], wall: list[float]) -> None:
    """Which kinds of sync make the top 5% by CPU, and each kind's CPU over the day."""
    top = sorted(range(len(cpu)), key=cpu.__getitem__, reverse=True)[:max(1, len(cpu) // 20)]
    print(f"  top 5% by CPU ({len(top)} syncs, from {cpu[top[-1]] * 1000:.1f} ms):")
    for kind in sorted(set(kinds)):
        mine = sorted(cpu[i] * 1000 for i in range(len(cpu)) if kinds[i] == kind)
        walls = sorted(wall[i] * 1000 for i in range(len(cpu)) if kinds[i] == kind)
        print(f"    {kind:18s} {sum(kinds[i] == kind for i in top):3d} in the top 5% of {len(mine):3d}; "
              f"CPU median {mine[len(mine) // 2]:6.1f} max {mine[-1]:6.1f} ms; "
              f"wall median {walls[len(walls) // 2]:6.1f} max {walls[-1]:6.1f} ms")


if __name__ == "__main__":
    main()
