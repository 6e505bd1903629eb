"""Election evening for a province: one `sheetsync fleet sync --every 60s` process keeps every
kab/kota sheet synced against the emulator with Google's quotas on, while volunteers edit.

    .venv/bin/python bench/fleet.py --province 31                  # DKI, full size, 5 minutes of edits
    .venv/bin/python bench/fleet.py --province 31 --scale 0.25 --minutes 3

- one spreadsheet per kab/kota, sized from penduduk-2025.csv: voters = 71% of the population,
  466 voters per TPS (the 2024 Pilkada's national average), TPS spread over the kelurahan;
  a fifth already reported when the evening starts;
- one service account (project kawal-tps-dki) serves the fleet and the rollup; volunteers
  edit from their own accounts (another project, as the Sheets UI does not spend the
  fleet's quota): results arriving, wrong totals, corrections of wrong rows, a few sorts of
  the whole table (status columns included);
- the fleet runs as its own process, so its CPU and peak memory are its own.

Reported: edit -> correct status on the sheet (p50, p95, max; observed every 2 s from the
emulator's store), the fleet account's requests in the busiest rolling minute against the
quota, 429s, the rollup's staleness (edit -> the rollup written after its status was right),
lost edits (a typed cell no longer holding what was typed) and misplaced statuses (a row whose
status differs from what the core computes from its own cells, after the last sync). A
benchmark, not a test: it asserts nothing.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT)]

from sheetsync.core.check import check  # noqa: E402
from sheetsync.emulator import Emulator  # noqa: E402
from sheetsync.sheets.client import client_from_key_info  # noqa: E402
from sheetsync.core.kabkota import kabkota_in, region_config, wilayah  # noqa: E402

POPULATION = ROOT / "bench" / "penduduk-2025.csv"
VOTER_SHARE, VOTERS_PER_TPS = 0.71, 466
FLEET = "fleet@kawal-tps-dki.iam.gserviceaccount.com"
HEADER = ["Kecamatan", "Kelurahan", "No TPS", "DPT", "Paslon 1", "Paslon 2", "Paslon 3",
          "Suara Sah", "Suara Tidak Sah", "Pengguna Hak Pilih"]
RESULT_COLUMNS = slice(4, 10)                       # E..J
STATUS_COL = len(HEADER)                            # 0-based: the column sync adds after the header


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    s = sorted(values)
    return s[min(len(s) - 1, int(round(q * (len(s) - 1))))]


def tps_count(code: str, scale: float) -> int:
    with open(POPULATION, encoding="utf-8") as f:
        population = {r["kode"]: int(r["total"]) for r in csv.DictReader(f)}
    return max(3, round(population[code] * VOTER_SHARE / VOTERS_PER_TPS * scale))


def result(rng: random.Random, dpt: int, *, wrong: bool = False) -> list[str]:
    used = rng.randint(dpt // 2, dpt)
    invalid = rng.randint(0, 8)
    sah = used - invalid
    p1 = rng.randint(0, sah)
    p2 = rng.randint(0, sah - p1)
    votes = [p1, p2, sah - p1 - p2]
    return [str(v) for v in (*votes, sah + (7 if wrong else 0), invalid, used)]


@dataclass
class Kota:
    code: str
    name: str
    sheet: Any = None
    editor: Any = None
    keys: list[tuple[str, str, str]] = field(default_factory=list)    # (kecamatan, kelurahan, tps) of each row
    blank: list[int] = field(default_factory=list)               # indexes into keys: not reported yet
    wrong: list[int] = field(default_factory=list)
    typed: dict[int, list[str]] = field(default_factory=dict)    # last results typed per key index
    lock: threading.Lock = field(default_factory=threading.Lock)


def seed_rows(kota: Kota, n: int, rng: random.Random) -> list[list[str]]:
    places = wilayah(kota.code).rows
    rows = [HEADER]
    for i in range(n):
        place = places[i % len(places)]
        number = i // len(places) + 1
        dpt = rng.randint(300, 600)
        cells = [place["kecamatan"], place["kelurahan"], str(number), str(dpt)]
        kota.keys.append((place["kecamatan"], place["kelurahan"], str(number)))
        if rng.random() < 0.2:
            cells += result(rng, dpt)
        else:
            cells += [""] * 6
            kota.blank.append(i)
        rows.append(cells)
    return rows


def row_key(row: list[Any]) -> tuple[str, str, str]:
    return str(row[0]), str(row[1]), str(row[2])


@dataclass
class Edit:
    kota: Kota
    key: int
    expected: str
    at: float
    seen: float | None = None


class Observer:
    """Looks at the emulator's store (as a person looks at the screen: no API request)."""

    def __init__(self, emu: Emulator) -> None:
        self.emu, self.pending, self.done = emu, [], []
        self.lock = threading.Lock()
        self.superseded = 0

    def add(self, edit: Edit) -> None:
        with self.lock:
            for old in [e for e in self.pending if e.kota is edit.kota and e.key == edit.key]:
                self.pending.remove(old)
                self.superseded += 1
            self.pending.append(edit)

    def tab(self, kota: Kota) -> list[list[Any]]:
        ss = self.emu.store.get(kota.sheet.id)
        with ss.lock:
            tab = ss.sheet_by_title("TPS")
            return [list(r) for r in tab.values]

    def row_of(self, kota: Kota, values: list[list[Any]]) -> dict[tuple[str, str, str], list[Any]]:
        return {row_key(r): r for r in values[1:] if len(r) > 2 and r[1] is not None}

    def look(self) -> None:
        now = time.time()
        with self.lock:
            kotas = {id(e.kota): e.kota for e in self.pending}
        for kota in kotas.values():
            rows = self.row_of(kota, self.tab(kota))
            with self.lock:
                for e in [e for e in self.pending if e.kota is kota]:
                    row = rows.get(kota.keys[e.key])
                    if row is not None and len(row) > STATUS_COL and row[STATUS_COL] == e.expected:
                        e.seen = now
                        self.pending.remove(e)
                        self.done.append(e)


def volunteer(kota: Kota, per_minute: float, until: float, observer: Observer, rng: random.Random,
              counts: dict[str, int]) -> None:
    ws = kota.sheet.worksheet("TPS")
    while True:
        pause = rng.expovariate(per_minute / 60.0)
        if time.time() + pause >= until:        # the evening's stream ends here for this kota
            return
        time.sleep(pause)
        kind = rng.choices(["result", "wrong", "correction", "sort"], [75, 10, 12, 3])[0]
        with kota.lock:
            if kind == "sort":
                column = rng.choice([1, 2, 3, 4])
                ws.sort((column, rng.choice(["asc", "des"])), range=f"A2:L{len(kota.keys) + 1}")
                counts["sort"] += 1
                continue
            pool = kota.wrong if kind == "correction" else kota.blank
            if not pool:
                continue
            key = pool.pop(rng.randrange(len(pool)))
            values = observer.tab(kota)
            at = next(i for i, r in enumerate(values) if i and row_key(r) == kota.keys[key]) + 1
            cells = result(rng, int(values[at - 1][3]), wrong=kind == "wrong")
            ws.update([cells], f"E{at}:J{at}", raw=True)
            kota.typed[key] = cells
            if kind == "wrong":
                kota.wrong.append(key)
            observer.add(Edit(kota, key, "SALAH" if kind == "wrong" else "OK", time.time()))
            counts[kind] += 1


def quota_sampler(emu: Emulator, stop: threading.Event, peak: dict[str, int]) -> None:
    """The fleet account's requests in the last rolling minute, as Google counts them."""
    quota = emu.state.quota
    while not stop.wait(1.0):
        for (who, kind), q in list(quota._seen.items()):
            if FLEET in who or who == "project:kawal-tps-dki":
                name = f"{'user' if FLEET in who else 'project'} {kind}"
                now = time.monotonic()
                n = sum(1 for t in list(q) if t > now - 60)
                peak[name] = max(peak.get(name, 0), n)


def final_check(kota: Kota, observer: Observer) -> tuple[int, int]:
    """(lost edits, misplaced statuses) on the sheet as the last sync left it."""
    values = observer.tab(kota)
    rows = observer.row_of(kota, values)
    lost = sum(1 for key, cells in kota.typed.items()
               if [str(v) for v in (rows.get(kota.keys[key]) or [""] * 10)[RESULT_COLUMNS]] != cells)
    data = [[("" if v is None else str(v)) for v in r[:len(HEADER)]] for r in values]
    computed = check(data, region_config(kota.code))
    shown = [r[STATUS_COL] if len(r) > STATUS_COL else "" for r in values[1:]]
    misplaced = sum(1 for i, status in enumerate(shown) if status != computed.status_of(i + 2)[0])
    return lost, misplaced


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--province", default="31", help="provinsi code (31: DKI Jakarta)")
    parser.add_argument("--scale", type=float, default=1.0, help="fraction of the TPS count (1.0 = full size)")
    parser.add_argument("--minutes", type=float, default=5.0, help="minutes of volunteer edits")
    parser.add_argument("--edits", type=float, default=60.0, help="edits per minute over the whole province")
    parser.add_argument("--every", default="60s")
    args = parser.parse_args(argv)
    every_s = float(args.every.rstrip("s"))
    rng = random.Random(31)
    work = Path(tempfile.mkdtemp(prefix="fleet-bench-"))
    with Emulator(strict=True, quota="google") as emu:
        owner_key = emu.issue_key("koordinator@relawan.iam.gserviceaccount.com", project_id="relawan")
        owner = client_from_key_info(owner_key, emu.url)
        fleet_key = emu.issue_key(FLEET, project_id="kawal-tps-dki")
        (work / "fleet.json").write_text(json.dumps(fleet_key))
        (work / "fleet.json").chmod(0o600)
        kotas = [Kota(code, name) for code, name in kabkota_in(args.province)]
        sizes = {}
        for kota in kotas:
            sizes[kota.code] = tps_count(kota.code, args.scale)
            kota.sheet = owner.create(f"Kawal TPS {kota.name}")
            ws = kota.sheet.sheet1
            ws.update_title("TPS")
            rows = seed_rows(kota, sizes[kota.code], rng)
            ws.resize(rows=len(rows) + 50, cols=14)
            ws.update(rows, "A1", raw=True)
            kota.sheet.share(FLEET, perm_type="user", role="writer", notify=False)
            editor = f"relawan-{kota.code.replace('.', '')}@relawan.iam.gserviceaccount.com"
            kota.sheet.share(editor, perm_type="user", role="writer", notify=False)
            kota.editor = client_from_key_info(emu.issue_key(editor, project_id="relawan"), emu.url)
            kota.sheet = kota.editor.open_by_key(kota.sheet.id)
        rollup = owner.create("Rekap Provinsi")
        rollup.share(FLEET, perm_type="user", role="writer", notify=False)
        lines = ['name = "DKI Jakarta"', f'api_url = "{emu.url}"', f'every = "{args.every}"', "[rollup]",
                 f'spreadsheet = "{rollup.id}"', 'credentials = "fleet.json"']
        for kota in kotas:
            lines += ["[[sheet]]", f'region = "{kota.code}"', f'spreadsheet = "{kota.sheet.id}"',
                      'credentials = "fleet.json"']
        (work / "fleet.toml").write_text("\n".join(lines) + "\n")
        total = sum(sizes.values())
        print(f"province {args.province}: {len(kotas)} sheets, {total:,} TPS "
              f"({', '.join(f'{k.code} {sizes[k.code]:,}' for k in kotas)}); scale {args.scale}", flush=True)

        env = {**os.environ, "XDG_STATE_HOME": str(work / "state"), "SHEETSYNC_LOCK_DIR": str(work / "locks"),
               "PYTHONPATH": str(ROOT)}
        proc = subprocess.Popen([sys.executable, "-m", "sheetsync", "fleet", "sync", "--fleet", str(work / "fleet.toml"),
                                 "--every", args.every, "--log-format", "json"], cwd=work, env=env,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        cycles: list[dict] = []
        reader = threading.Thread(target=lambda: [cycles.append(json.loads(line)) for line in proc.stdout
                                                  if line.startswith("{")], daemon=True)
        reader.start()
        while not cycles:                     # the first cycle writes every status: not measured
            time.sleep(1.0)
            if proc.poll() is not None:
                print(proc.stderr.read(), file=sys.stderr)
                return 1
        first = cycles[0]
        print(f"first cycle (every status written): {first['seconds']:.1f} s, "
              f"{sum(s['requests'] for s in first['sheets'])} requests", flush=True)
        emu.reset_counters()
        observer = Observer(emu)
        stop = threading.Event()
        peak: dict[str, int] = {}
        threading.Thread(target=quota_sampler, args=(emu, stop, peak), daemon=True).start()

        def watch() -> None:
            while not stop.wait(2.0):
                observer.look()
        threading.Thread(target=watch, daemon=True).start()
        counts = {"result": 0, "wrong": 0, "correction": 0, "sort": 0}
        until = time.time() + args.minutes * 60
        editors = [threading.Thread(target=volunteer, args=(k, args.edits * sizes[k.code] / total, until, observer,
                                                             random.Random(hash(k.code)), counts)) for k in kotas]
        for t in editors:
            t.start()
        for t in editors:
            t.join()
        settle_until = time.time() + 3 * every_s
        while observer.pending and time.time() < settle_until:
            time.sleep(2.0)
        n_cycles = len(cycles)
        while len(cycles) < n_cycles + 1 and time.time() < settle_until + 2 * every_s:   # one more full cycle
            time.sleep(1.0)
        stop.set()
        proc.send_signal(signal.SIGINT)
        _, status, usage = os.wait4(proc.pid, 0)
        lost = misplaced = 0
        for kota in kotas:
            a, b = final_check(kota, observer)
            lost, misplaced = lost + a, misplaced + b
        latencies = [e.seen - e.at for e in observer.done]
        # the cycle that wrote an edit's status is the last one started before it was seen (the
        # observer looks every 2 s, cycles start a minute apart); its rollup is written at its end
        spans = sorted((c["started"], c["started"] + c["seconds"]) for c in cycles)
        rollup_lag = [max(end for start, end in spans if start <= e.seen) - e.at for e in observer.done]
        requests = emu.counters()
    edits = sum(counts.values())
    print(f"\nbench/fleet.py --province {args.province} --scale {args.scale} --minutes {args.minutes} "
          f"--edits {args.edits} --every {args.every}")
    print(f"  edits typed                         {edits} ({counts})")
    print(f"  edit -> correct status  p50/p95/max {pct(latencies, .5):.1f} / {pct(latencies, .95):.1f} / "
          f"{max(latencies, default=float('nan')):.1f} s   ({len(latencies)} observed, "
          f"{len(observer.pending)} never correct, {observer.superseded} superseded)")
    print(f"  rollup staleness        p50/p95/max {pct(rollup_lag, .5):.1f} / {pct(rollup_lag, .95):.1f} / "
          f"{max(rollup_lag, default=float('nan')):.1f} s   (edit -> rollup written with it)")
    print(f"  fleet account, busiest rolling minute {json.dumps(peak)}  (quota: 60/user, 300/project)")
    print(f"  429s (all callers, after the first cycle) {requests['by_status'].get('429', 0)}")
    print(f"  cycles                              {len(cycles)}; seconds p50/max "
          f"{pct([c['seconds'] for c in cycles[1:]], .5):.1f} / {max((c['seconds'] for c in cycles[1:]), default=0):.1f}")
    print(f"  fleet process CPU                   {usage.ru_utime + usage.ru_stime:.1f} s "
          f"over {cycles[-1]['started'] + cycles[-1]['seconds'] - cycles[0]['started']:.0f} s")
    print(f"  fleet process peak memory           {usage.ru_maxrss / 1024:.0f} MB")
    print(f"  lost edits                          {lost}")
    print(f"  misplaced statuses                  {misplaced}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
