"""Election evening for a province, or the nation: `sheetsync fleet sync --every 60s` processes keep
every kab/kota sheet synced against the emulator with Google's quotas on, while volunteers edit.

    .venv/bin/python bench/fleet.py --province 31                  # DKI, full size, 5 minutes of edits
    .venv/bin/python bench/fleet.py --province 31 --scale 0.25 --minutes 3
    .venv/bin/python bench/fleet.py --nation --scale 0.1 --minutes 12   # 514 sheets, 20 accounts, 4 projects

--nation: all 514 kab/kota sheets in one emulator (Drive lag 3 minutes, Google's Sheets and Drive
quotas per account and per project from the first measured minute); the fleet's 20 accounts in 4
projects each own a share of the sheets; --shards N runs N fleet processes (--shard k/N), each in
a directory of its own; a tenth of the sheets is never edited (what an idle sheet costs);
edits arrive nation-wide as one stream (1500 a minute at full size), each on a kota drawn by its
size. It runs in real time (the quota clock at 1x): the fleet budgets its quota by the real
minute, so a faster evening would starve it. Reported besides the province's figures: requests in
the busiest rolling minute per account and per project (Sheets reads, writes, Drive), Sheets
reads per idle sheet per hour, each shard's CPU per minute and peak memory, and the accounts and
projects the measured peak needs.

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
import concurrent.futures
import csv
import json
import math
import os
import random
import resource
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
from sheetsync.emulator.control import Quota  # noqa: E402
from sheetsync.sheets.client import client_from_key_info  # noqa: E402
from sheetsync.core.kabkota import kabkota_in, region_config, wilayah  # noqa: E402
from sheetsync.fleet.shard import shard_of  # noqa: E402

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


@dataclass(eq=False)
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
    # A kecamatan may hold two villages of one name (a kelurahan and a desa): TPS are numbered per
    # name, as the sheet shows no other column telling them apart and rows are found by this key.
    numbered: dict[tuple[str, str], int] = {}
    for i in range(n):
        place = places[i % len(places)]
        name = (place["kecamatan"], place["kelurahan"])
        numbered[name] = number = numbered.get(name, 0) + 1
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


@dataclass(eq=False)
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
            by_kota: dict[int, list[Edit]] = {}
            for e in self.pending:
                by_kota.setdefault(id(e.kota), []).append(e)
        for edits in by_kota.values():
            kota = edits[0].kota
            rows = self.row_of(kota, self.tab(kota))
            with self.lock:
                for e in edits:
                    row = rows.get(kota.keys[e.key])
                    if e in self.pending and row is not None and len(row) > STATUS_COL and row[STATUS_COL] == e.expected:
                        e.seen = now
                        self.pending.remove(e)
                        self.done.append(e)


def edit_once(kota: Kota, kind: str, observer: Observer, rng: random.Random, counts: dict[str, int]) -> None:
    """One volunteer's edit of a kota's sheet: a result typed, a wrong total, a correction of a
    wrong row, or a sort of the whole table (status columns included)."""
    ws = kota.sheet.worksheet("TPS")
    with kota.lock:
        if kind == "sort":
            column = rng.choice([1, 2, 3, 4])
            ws.sort((column, rng.choice(["asc", "des"])), range=f"A2:L{len(kota.keys) + 1}")
            counts["sort"] += 1
            return
        pool = kota.wrong if kind == "correction" else kota.blank
        if not pool:
            return
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


EDIT_KINDS, EDIT_WEIGHTS = ["result", "wrong", "correction", "sort"], [75, 10, 12, 3]


def volunteer(kota: Kota, per_minute: float, until: float, observer: Observer, rng: random.Random,
              counts: dict[str, int]) -> None:
    while True:
        pause = rng.expovariate(per_minute / 60.0)
        if time.time() + pause >= until:        # the evening's stream ends here for this kota
            return
        time.sleep(pause)
        edit_once(kota, rng.choices(EDIT_KINDS, EDIT_WEIGHTS)[0], observer, rng, counts)


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


def final_check(kota: Kota, observer: Observer, examples: list[str] | None = None) -> tuple[int, int]:
    """(lost edits, misplaced statuses) on the sheet as the last sync left it; ``examples`` gets
    a few of each (a lost edit: what was typed and what the row holds; a misplaced status: the
    row, the status shown and the status computed)."""
    values = observer.tab(kota)
    rows = observer.row_of(kota, values)
    gone = [(key, cells) for key, cells in kota.typed.items()
            if [str(v) for v in (rows.get(kota.keys[key]) or [""] * 10)[RESULT_COLUMNS]] != cells]
    if examples is not None:
        examples += [f"{kota.code} TPS {'/'.join(kota.keys[key])}: typed {cells}, now "
                     f"{(rows.get(kota.keys[key]) or [])[RESULT_COLUMNS]}" for key, cells in gone[:2]]
    data = [[("" if v is None else str(v)) for v in r[:len(HEADER)]] for r in values]
    computed = check(data, region_config(kota.code))
    shown = [r[STATUS_COL] if len(r) > STATUS_COL else "" for r in values[1:]]
    wrong = [(i + 2, status, computed.status_of(i + 2)[0]) for i, status in enumerate(shown)
             if status != computed.status_of(i + 2)[0]]
    if examples is not None:
        examples += [f"{kota.code} row {row}: shown {a!r}, computed {b!r}" for row, a, b in wrong[:2]]
    return len(gone), len(wrong)


# ------------------------------------------------------------------ the nation

NATION_EDITS_PER_MIN = 1500.0      # 434,000 TPS reporting over about five hours, corrections on top
SHEETS_QUOTA = {"read_per_user": 60, "write_per_user": 60, "read_per_project": 300, "write_per_project": 300}
DRIVE_QUOTA = 12000                 # per user and per project, Drive's "Queries per 60 seconds"


def provinces() -> list[str]:
    with open(POPULATION, encoding="utf-8") as f:
        return [r["kode"] for r in csv.DictReader(f) if len(r["kode"]) == 2]


@dataclass
class FleetAccount:
    email: str
    project: str
    key_file: str


def fleet_accounts(n_accounts: int, n_projects: int) -> list[FleetAccount]:
    """n_accounts service accounts spread evenly over n_projects Cloud projects."""
    out = []
    for i in range(n_accounts):
        project = f"kawal-tps-{i % n_projects + 1}"
        out.append(FleetAccount(f"fleet-{i + 1:02d}@{project}.iam.gserviceaccount.com", project,
                                f"keys/fleet-{i + 1:02d}.json"))
    return out


def seed_kota(emu: Emulator, owner: Any, kota: Kota, size: int, rng: random.Random) -> None:
    """The kota's sheet as its coordinator makes it; its volunteers get their own accounts
    (each in a project of its own: the Sheets UI they type in spends no API quota of the fleet)."""
    kota.sheet = owner.create(f"Kawal TPS {kota.name}")
    ws = kota.sheet.sheet1
    ws.update_title("TPS")
    rows = seed_rows(kota, size, rng)
    ws.resize(rows=len(rows) + 50, cols=14)
    ws.update(rows, "A1", raw=True)
    project = f"relawan-{kota.code.replace('.', '')}"
    editor = f"relawan@{project}.iam.gserviceaccount.com"
    kota.sheet.share(editor, perm_type="user", role="writer", notify=False)
    kota.editor = client_from_key_info(emu.issue_key(editor, project_id=project), emu.url)
    kota.sheet = kota.editor.open_by_key(kota.sheet.id)


def accounts_by_sheet(kotas: list[Kota], accounts: list[FleetAccount], shards: int) -> dict[str, FleetAccount]:
    """Each shard syncs with keys of its own, in projects of its own (two processes budgeting the
    same account or project would each spend up to its quota): shard k gets every shards-th project
    and that project's accounts; its sheets go round the accounts."""
    projects = sorted({a.project for a in accounts})
    if len(projects) < shards:
        raise SystemExit(f"--shards {shards} needs at least as many --projects ({len(projects)})")
    groups = {k: [a for a in accounts if a.project in projects[k - 1::shards]] for k in range(1, shards + 1)}
    taken = dict.fromkeys(groups, 0)
    out = {}
    for kota in kotas:
        k = shard_of(kota.sheet.id, shards)
        out[kota.code] = groups[k][taken[k] % len(groups[k])]
        taken[k] += 1
    return out


def fleet_supports(option: str) -> bool:
    """Whether the fleet in this tree knows a fleet-file key or CLI option yet."""
    sources = [ROOT / "sheetsync" / "fleet" / "config.py", ROOT / "sheetsync" / "cli" / "fleet.py"]
    return any(option in p.read_text(encoding="utf-8") for p in sources if p.exists())


def fleet_file(emu: Emulator, kotas: list[Kota], accounts: list[FleetAccount], owner_of: dict[str, FleetAccount],
               rollup: str, args: argparse.Namespace) -> str:
    lines = ['name = "Indonesia"', f'api_url = "{emu.url}"', f'every = "{args.every}"']
    if fleet_supports("safety_read_every"):
        lines.append(f'safety_read_every = "{args.safety_every}"')
    lines += ["[rollup]", f'spreadsheet = "{rollup}"', f'credentials = "{accounts[0].key_file}"',
              'tab = "Rekap Nasional"']
    for kota in kotas:
        lines += ["[[sheet]]", f'region = "{kota.code}"', f'spreadsheet = "{kota.sheet.id}"',
                  f'credentials = "{owner_of[kota.code].key_file}"']
    return "\n".join(lines) + "\n"


@dataclass
class Shard:
    index: int
    proc: subprocess.Popen
    cycles: list[dict] = field(default_factory=list)
    usage: Any = None


def start_shards(work: Path, text: str, n: int, every: str) -> list[Shard]:
    """n fleet processes, each in a directory of its own (its state and locks, as on its own
    host), all with the same fleet file and keys; --shard k/n when there is more than one."""
    shards = []
    for k in range(1, n + 1):
        home = work / f"shard-{k}"
        home.mkdir()
        (home / "keys").symlink_to(work / "keys")
        (home / "fleet.toml").write_text(text)
        env = {**os.environ, "XDG_STATE_HOME": str(home / "state"), "SHEETSYNC_LOCK_DIR": str(home / "locks"),
               "PYTHONPATH": str(ROOT)}
        cmd = [sys.executable, "-m", "sheetsync", "fleet", "sync", "--fleet", str(home / "fleet.toml"),
               "--every", every, "--log-format", "json"] + (["--shard", f"{k}/{n}"] if n > 1 else [])
        proc = subprocess.Popen(cmd, cwd=home, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        shard = Shard(k, proc)
        threading.Thread(target=lambda sh=shard: [sh.cycles.append(json.loads(line)) for line in sh.proc.stdout
                                                   if line.startswith("{")], daemon=True).start()
        shards.append(shard)
    return shards


class RateSampler:
    """Requests in the current quota window (a rolling minute) per fleet account and per project,
    Sheets reads, Sheets writes and Drive apart, sampled every second; keeps the peaks."""

    def __init__(self, emu: Emulator, accounts: list[FleetAccount]) -> None:
        self.quota, self.accounts = emu.state.quota, accounts
        self.projects = sorted({a.project for a in accounts})
        self.peak: dict[tuple[str, str], int] = {}

    def run(self, stop: threading.Event) -> None:
        while not stop.wait(1.0):
            for kind in ("read", "write", "drive"):
                total = 0
                for project in self.projects:
                    n = self.quota.in_window(project, kind)
                    total += n
                    self._keep(("project", kind), n)
                self._keep(("all projects", kind), total)
                for a in self.accounts:
                    self._keep(("account", kind), self.quota.in_window(a.project, kind, a.email))

    def _keep(self, key: tuple[str, str], n: int) -> None:
        self.peak[key] = max(self.peak.get(key, 0), n)


def edit_stream(kotas: list[Kota], sizes: dict[str, int], per_minute: float, until: float, observer: Observer,
                counts: dict[str, int], workers: int = 6) -> None:
    """Election night's edits, nation-wide: a Poisson stream, each edit on a kota drawn by its
    size, typed by a pool of volunteers (the sheets' own locks keep one edit per sheet at a time)."""
    rng = random.Random(514)
    weights = [sizes[k.code] for k in kotas]
    with concurrent.futures.ThreadPoolExecutor(workers) as pool:
        while True:
            pause = rng.expovariate(per_minute / 60.0)
            if time.time() + pause >= until:
                break
            time.sleep(pause)
            kota = rng.choices(kotas, weights)[0]
            pool.submit(edit_once, kota, rng.choices(EDIT_KINDS, EDIT_WEIGHTS)[0], observer,
                        random.Random(rng.random()), counts)


def nation(args: argparse.Namespace) -> int:
    every_s = float(args.every.rstrip("s"))
    work = Path(tempfile.mkdtemp(prefix="nation-bench-"))
    (work / "keys").mkdir()
    accounts = fleet_accounts(args.accounts, args.projects)
    per_minute = args.edits if args.edits is not None else NATION_EDITS_PER_MIN * args.scale
    began = time.time()
    with Emulator(strict=True, drive_lag_s=args.drive_lag) as emu:
        owner = client_from_key_info(emu.issue_key("koordinator@relawan-nasional.iam.gserviceaccount.com",
                                                   project_id="relawan-nasional"), emu.url)
        for a in accounts:
            (work / a.key_file).write_text(json.dumps(emu.issue_key(a.email, project_id=a.project)))
            (work / a.key_file).chmod(0o600)
        kotas = [Kota(code, name) for p in provinces() for code, name in kabkota_in(p)]
        sizes = {k.code: tps_count(k.code, args.scale) for k in kotas}
        idle = {k.code for k in kotas[::max(1, round(1 / args.idle))]} if args.idle > 0 else set()
        # Seeding is the coordinators' work before the evening: Google's quotas start after it.
        with concurrent.futures.ThreadPoolExecutor(4) as pool:
            list(pool.map(lambda k: seed_kota(emu, owner, k, sizes[k.code], random.Random(k.code)), kotas))
        owner_of = accounts_by_sheet(kotas, accounts, args.shards)
        for kota in kotas:
            kota.sheet.share(owner_of[kota.code].email, perm_type="user", role="writer", notify=False)
        rollup = owner.create("Rekap Nasional")
        rollup.share(accounts[0].email, perm_type="user", role="writer", notify=False)
        emu.state.quota = Quota.from_option(dict(SHEETS_QUOTA, drive_per_user=DRIVE_QUOTA,
                                                 drive_per_project=DRIVE_QUOTA))
        total = sum(sizes.values())
        print(f"nation: {len(kotas)} sheets, {total:,} TPS (scale {args.scale}), {len(idle)} idle sheets; "
              f"{args.accounts} fleet accounts in {args.projects} projects; Drive lag {args.drive_lag:g} s; "
              f"{args.shards} shard(s); seeded in {time.time() - began:.0f} s", flush=True)
        text = fleet_file(emu, kotas, accounts, owner_of, rollup.id, args)
        (work / "fleet.toml").write_text(text)
        shards = start_shards(work, text, args.shards, args.every)
        started = time.time()
        while not all(sh.cycles for sh in shards):      # the first cycle writes every status: not measured
            time.sleep(1.0)
            dead = [sh for sh in shards if sh.proc.poll() is not None]
            if dead:
                print(dead[0].proc.stderr.read(), file=sys.stderr)
                return 1
        print(f"first cycle (every status written): {time.time() - started:.0f} s, "
              f"{sum(s['requests'] for sh in shards for s in sh.cycles[0]['sheets'])} requests", flush=True)
        emu.reset_counters()
        observer = Observer(emu)
        stop = threading.Event()
        rates = RateSampler(emu, accounts)
        threading.Thread(target=rates.run, args=(stop,), daemon=True).start()

        def watch() -> None:
            while not stop.wait(2.0):
                observer.look()
        threading.Thread(target=watch, daemon=True).start()
        counts = {"result": 0, "wrong": 0, "correction": 0, "sort": 0}
        stream_start = time.time()
        # Idle sheets are counted from the third cycle on: the first sync's statuses make the
        # next cycles re-read every sheet once ("found work"), which is not what idling costs.
        steady: dict[str, Any] = {}
        mark = threading.Timer(3 * every_s, lambda: steady.update(at=time.time(), reads=emu.counters()["by_spreadsheet"]))
        mark.daemon = True
        mark.start()
        edit_stream([k for k in kotas if k.code not in idle], sizes, per_minute, stream_start + args.minutes * 60,
                    observer, counts)
        stream_s = time.time() - stream_start
        settle_until = time.time() + args.drive_lag + 3 * every_s
        while observer.pending and time.time() < settle_until:
            time.sleep(2.0)
        marks = [len(sh.cycles) for sh in shards]        # one more full cycle of every shard
        while any(len(sh.cycles) < m + 1 for sh, m in zip(shards, marks)) and time.time() < settle_until + 2 * every_s:
            time.sleep(1.0)
        measured_s = time.time() - stream_start
        stop.set()
        for sh in shards:
            sh.proc.send_signal(signal.SIGINT)
        for sh in shards:
            _, _, sh.usage = os.wait4(sh.proc.pid, 0)
        lost = misplaced = 0
        examples: list[str] = []
        for kota in kotas:
            a, b = final_check(kota, observer, examples)
            lost, misplaced = lost + a, misplaced + b
        requests = emu.counters()
    print("  lost or misplaced, for example: " + "; ".join(examples[:6]) if examples else "", flush=True)
    idle_reads = {c: requests["by_spreadsheet"].get(k.sheet.id, {}).get("read", 0)
                  - steady["reads"].get(k.sheet.id, {}).get("read", 0) for k in kotas for c in [k.code] if c in idle}
    report_nation(args, kotas, idle_reads, counts, observer, rates, requests, shards, stream_s, measured_s,
                  stream_start + measured_s - steady["at"], lost, misplaced)
    return 0


def report_nation(args: argparse.Namespace, kotas: list[Kota], idle_reads: dict[str, int], counts: dict[str, int],
                  observer: Observer, rates: RateSampler, requests: dict[str, Any], shards: list[Shard],
                  stream_s: float, measured_s: float, steady_s: float, lost: int, misplaced: int) -> None:
    latencies = [e.seen - e.at for e in observer.done]
    drive_refused = sum(r["count"] for r in requests["routes"] if r["path"].startswith("/drive/") and r["status"] == 403)
    print(f"\nbench/fleet.py --nation --scale {args.scale} --minutes {args.minutes} --edits "
          f"{args.edits if args.edits is not None else 'default'} --every {args.every} --accounts {args.accounts} "
          f"--projects {args.projects} --shards {args.shards} --drive-lag {args.drive_lag:g}")
    print("  (simulated time = real time: the emulator's quota clock runs at 1x; every figure is real time)")
    print(f"  edits typed                         {sum(counts.values())} ({counts}) over {stream_s / 60:.1f} min")
    print(f"  edit -> correct status  p50/p95/max {pct(latencies, .5):.1f} / {pct(latencies, .95):.1f} / "
          f"{max(latencies, default=float('nan')):.1f} s   ({len(latencies)} observed, "
          f"{len(observer.pending)} never correct, {observer.superseded} superseded)")
    for kind, quota_user, quota_project in (("read", 60, 300), ("write", 60, 300), ("drive", DRIVE_QUOTA, DRIVE_QUOTA)):
        print(f"  {kind:5} requests, busiest rolling minute: per account {rates.peak.get(('account', kind), 0)} "
              f"(quota {quota_user}), per project {rates.peak.get(('project', kind), 0)} (quota {quota_project}), "
              f"all projects {rates.peak.get(('all projects', kind), 0)}")
    print(f"  429s (Sheets, all callers)          {requests['by_status'].get('429', 0)}; Drive quota 403s {drive_refused} "
          f"(in {measured_s / 60:.1f} min from the first edit to the last cycle)")
    reads = sum(idle_reads.values())
    print(f"  Sheets reads per idle sheet per hour {reads / max(1, len(idle_reads)) / (steady_s / 3600):.1f} "
          f"({reads} reads of {len(idle_reads)} idle sheets in the last {steady_s / 60:.1f} min; most read "
          f"{max(idle_reads.values(), default=0)} times)")
    for sh in shards:
        cycles = sh.cycles[1:]
        cpu = sh.usage.ru_utime + sh.usage.ru_stime
        print(f"  shard {sh.index}/{len(shards)}: CPU {cpu:.1f} s over {len(sh.cycles)} cycles "
              f"({cpu / max(1e-9, (sh.cycles[-1]['started'] + sh.cycles[-1]['seconds'] - sh.cycles[0]['started']) / 60):.1f} s "
              f"per minute, first cycle included), cycle p50/max "
              f"{pct([c['seconds'] for c in cycles], .5):.1f} / {max((c['seconds'] for c in cycles), default=0):.1f} s, "
              f"peak memory {sh.usage.ru_maxrss / 1024:.0f} MB")
    own = resource.getrusage(resource.RUSAGE_SELF)
    print(f"  emulator + volunteers (this process): CPU {own.ru_utime + own.ru_stime:.1f} s in all (seeding included), "
          f"peak memory {own.ru_maxrss / 1024:.0f} MB")
    need_projects = max(math.ceil(rates.peak.get(("all projects", k), 0) / (0.9 * 300)) for k in ("read", "write"))
    need_accounts = max(math.ceil(rates.peak.get(("all projects", k), 0) / (0.9 * 60)) for k in ("read", "write"))
    print(f"  accounts and projects needed at the measured peak (90% of each quota): {max(1, need_accounts)} accounts, "
          f"{max(1, need_projects)} projects (ran with {args.accounts} in {args.projects})")
    print(f"  lost edits                          {lost}")
    print(f"  misplaced statuses                  {misplaced}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nation", action="store_true",
                        help="all 514 kab/kota sheets in one emulator, several accounts and projects, Drive's lag")
    parser.add_argument("--province", default="31", help="provinsi code (31: DKI Jakarta)")
    parser.add_argument("--scale", type=float, default=1.0, help="fraction of the TPS count (1.0 = full size)")
    parser.add_argument("--minutes", type=float, default=5.0, help="minutes of volunteer edits")
    parser.add_argument("--edits", type=float, default=None,
                        help="edits per minute over the whole province (60) or nation (1500 x scale)")
    parser.add_argument("--every", default="60s")
    parser.add_argument("--accounts", type=int, default=20, help="--nation: fleet service accounts")
    parser.add_argument("--projects", type=int, default=4, help="--nation: Cloud projects they belong to")
    parser.add_argument("--shards", type=int, default=1, help="--nation: fleet processes (--shard k/N)")
    parser.add_argument("--drive-lag", type=float, default=180.0, help="--nation: seconds before Drive shows an edit")
    parser.add_argument("--idle", type=float, default=0.1, help="--nation: share of sheets nobody edits")
    parser.add_argument("--safety-every", default="10m", help="--nation: the fleet's safety read of every sheet")
    args = parser.parse_args(argv)
    if args.nation:
        return nation(args)
    args.edits = 60.0 if args.edits is None else args.edits
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
