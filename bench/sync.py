"""Benchmark: a full sync against the emulator at 2,648 / 15,000 / 100,000 / 820,000 rows,
side by side with gspread-dataframe and naive per-cell gspread on the same sheet.

    .venv/bin/python bench/sync.py                      # all four sizes
    .venv/bin/python bench/sync.py --sizes 2648,15000   # quicker
    .venv/bin/python bench/sync.py --sizes 820000 --sheetsync-only --no-verify

The emulator runs as its own process (`python -m sheetsync.emulator --port 0`); every
measured job runs in a fresh child process, so the peak memory (VmHWM) printed is that
job's alone (interpreter, pandas and gspread included). Request, cell and byte counts
come from the emulator's counters. Figures are printed, nothing is asserted.

The sheet: 9 input columns (kecamatan, kelurahan, No TPS, DPT, paslon 1-3, suara sah,
tidak sah) + sheetsync's 2 owned columns, so 820,000 rows stay under Google's 10M cells
with the summary tabs. Jakarta Barat has 56 kelurahan and TPS numbers have at most 4
digits, so past 2,648 rows the region list is synthetic (100 TPS per kelurahan, 10
kelurahan per kecamatan), written next to a copy of the preset config.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
HEADER = ["Kecamatan", "Kelurahan", "No TPS", "DPT", "Paslon 1", "Paslon 2", "Paslon 3",
          "Suara Sah", "Suara Tidak Sah"]
SIZES = (2_648, 15_000, 100_000, 820_000)
NAIVE_CAP = 500
EDITS = 40                      # coordinator edits before the changed-data sync
QUOTA_PER_MIN = 60              # Google: write requests per minute per user


# ---------------------------------------------------------------- data and config

def make_config_dir(n: int, directory: Path) -> Path:
    """A copy of the preset with a region list big enough for n unique TPS."""
    preset = ROOT / "sheetsync" / "core" / "presets"
    toml = (preset / "pilkada-jakbar-2024.toml").read_text()
    (directory / "pilkada.toml").write_text(toml)
    kelurahan = max(1, math.ceil(n / 100))
    kecamatan = max(1, math.ceil(kelurahan / 10))
    with open(directory / "jakarta-barat-wilayah.csv", "w") as f:
        f.write("kode_kecamatan,kecamatan,kode_kelurahan,kelurahan\n")
        for j in range(kelurahan):
            i = j // 10
            kode = f"{31 + i // 10000:02d}.{(i // 100) % 100:02d}.{i % 100:02d}"
            f.write(f"{kode},Kecamatan {i:04d},{kode}.{1001 + j % 10},Kelurahan {j:05d}\n")
    (directory / "jakarta-barat-aliases.csv").write_text("level,alias,official\n")
    with open(directory / "jakarta-barat-targets-2024.csv", "w") as f:
        f.write("kecamatan,jumlah_tps,target_suara\n")
        for i in range(kecamatan):
            f.write(f"Kecamatan {i:04d},1000,200000\n")
    return directory / "pilkada.toml"


def rows(n: int, seed: int = 1) -> list[list[str]]:
    """n filled TPS rows (1% unfilled, 1% inconsistent), cells as typed text."""
    rng = random.Random(seed)
    out = []
    for t in range(n):
        j, tps = t // 100, t % 100 + 1
        dpt = rng.randint(200, 600)
        used = rng.randint(dpt // 2, dpt)
        bad = rng.randint(0, 9)
        sah = used - bad
        p1 = rng.randint(0, sah)
        p2 = rng.randint(0, sah - p1)
        line = [f"Kecamatan {j // 10:04d}", f"Kelurahan {j:05d}", str(tps), str(dpt),
                str(p1), str(p2), str(sah - p1 - p2), str(sah), str(bad)]
        r = rng.random()
        if r < 0.01:
            line[4:] = [""] * 5
        elif r < 0.02:
            line[7] = str(sah + 3)
        out.append(line)
    return out


# ---------------------------------------------------------------- emulator

class Emu:
    def __init__(self) -> None:
        self.proc = subprocess.Popen([sys.executable, "-m", "sheetsync.emulator", "--port", "0"],
                                     stdout=subprocess.PIPE, text=True, cwd=ROOT)
        self.url = self.proc.stdout.readline().strip().rsplit(" ", 1)[-1]
        self.http = requests.Session()
        self.http.headers["Authorization"] = "Bearer bench"

    def close(self) -> None:
        self.proc.terminate()
        self.proc.wait(timeout=60)

    def counters(self) -> dict:
        """Settled: the emulator counts a request just after answering it."""
        last = self.http.get(f"{self.url}/_emulator/counters").json()
        while True:
            time.sleep(0.05)
            now = self.http.get(f"{self.url}/_emulator/counters").json()
            if now["requests"] == last["requests"] and now["cells_written"] == last["cells_written"]:
                return now
            last = now

    def reset_counters(self) -> None:
        self.http.post(f"{self.url}/_emulator/counters/reset").raise_for_status()

    def peak_mb(self) -> float:
        for line in Path(f"/proc/{self.proc.pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
        return float("nan")

    def seed(self, data: list[list[str]], chunk: int = 40_000) -> str:
        body = {"properties": {"title": f"bench {len(data):,}"},
                "sheets": [{"properties": {"title": "TPS", "gridProperties": {
                    "rowCount": len(data) + 1, "columnCount": len(HEADER) + 2}}}]}
        r = self.http.post(f"{self.url}/v4/spreadsheets", json=body)
        r.raise_for_status()
        sid = r.json()["spreadsheetId"]
        url = f"{self.url}/v4/spreadsheets/{sid}/values:batchUpdate"
        self.http.post(url, json={"valueInputOption": "RAW", "data": [
            {"range": "'TPS'!A1", "values": [HEADER]}]}).raise_for_status()
        for start in range(0, len(data), chunk):
            self.http.post(url, json={"valueInputOption": "RAW", "data": [
                {"range": f"'TPS'!A{start + 2}", "values": data[start:start + chunk]}]}).raise_for_status()
        return sid

    def edit(self, sid: str, n_rows: int, edits: int, seed: int) -> list[tuple[int, int]]:
        """A coordinator types `edits` new vote numbers (Paslon 1) into random rows."""
        rng = random.Random(seed)
        picked = sorted(rng.sample(range(2, n_rows + 2), edits))
        data = [{"range": f"'TPS'!E{r}", "values": [[str(rng.randint(0, 700))]]} for r in picked]
        self.http.post(f"{self.url}/v4/spreadsheets/{sid}/values:batchUpdate",
                       json={"valueInputOption": "RAW", "data": data}).raise_for_status()
        return [(r, 5) for r in picked]


# ---------------------------------------------------------------- measured jobs (child processes)

def child(job: str, url: str, sid: str, config_path: str, extra: str) -> dict:
    """Runs in a fresh process; returns its own figures as JSON on stdout."""
    from sheetsync.core.config import load_config
    from sheetsync.core.config import resolve_overrides
    config = resolve_overrides(load_config(config_path), spreadsheet=sid, api_url=url, environ={})
    t0 = time.perf_counter()
    out: dict = {}
    if job in ("sheetsync", "sheetsync-moved"):
        from sheetsync.sheets.client import emulator_client
        from sheetsync.sync.run import SyncHooks, sync
        hooks = None
        if job == "sheetsync-moved":              # a coordinator inserts a row at the top meanwhile
            ws = emulator_client(url, "koordinator").open_by_key(sid).worksheet("TPS")
            hooks = SyncHooks(between_read_and_write=lambda: ws.insert_rows([["Kecamatan 0000"]], row=2))
        report = sync(config, client=emulator_client(url), lock_dir=tempfile.gettempdir(), hooks=hooks)
        out = {"cells_written": report.cells_written, "cells_changed": report.cells_changed,
               "requests_report": report.requests, "timings": report.timings,
               "verified": report.verified, "repair_rounds": report.repair_rounds,
               "repaired": len(report.repaired_rows), "metadata_reads": report.metadata_reads,
               "rows_read": report.rows_read, "skipped": len(report.skipped_rows)}
    elif job == "gspread-dataframe":
        out = gspread_dataframe_job(config, url, sid)
    elif job == "naive":
        out = naive_job(config, url, sid, int(extra))
    out["wall_s"] = time.perf_counter() - t0
    out["peak_mb"] = _own_peak_mb()
    return out


def gspread_dataframe_job(config, url: str, sid: str) -> dict:
    """The usual script: get_as_dataframe, the same core computation, set_with_dataframe."""
    import pandas as pd
    from gspread_dataframe import get_as_dataframe, set_with_dataframe
    from sheetsync.core.check import check
    from sheetsync.sheets.client import emulator_client
    from sheetsync.core.issues import status_label
    from sheetsync.core.summaries import summary_tables
    gc = emulator_client(url)
    sh = gc.open_by_key(sid)
    ws = sh.worksheet(config.input_tab)
    df = get_as_dataframe(ws, dtype=str, header=0, evaluate_formulas=False).fillna("")
    df = df[[c for c in df.columns if not str(c).startswith("Unnamed")]]
    width = len(HEADER)
    values = [list(df.columns[:width])] + df.iloc[:, :width].values.tolist()
    result = check(values, config)
    status = pd.DataFrame({config.status_header: [""] * len(df), config.message_header: [""] * len(df)})
    rows = result.rows
    pos = rows.index.to_numpy() - 2
    status.iloc[pos, 0] = [status_label(s, config.language) for s in rows["status"]]
    status.iloc[pos, 1] = rows["message"].fillna("").tolist()
    set_with_dataframe(ws, status, col=width + 1, include_index=False, resize=False)
    titles = [w.title for w in sh.worksheets()]
    for tab, table in summary_tables(result, config).items():
        target = sh.worksheet(tab) if tab in titles else sh.add_worksheet(tab, rows=len(table) + 5, cols=26)
        frame = pd.DataFrame(table[1:], columns=table[0])
        set_with_dataframe(target, frame, row=3 if tab == config.summary_tabs.kecamatan else 1,
                           include_index=False, resize=False)
    return {}


def naive_job(config, url: str, sid: str, cap: int) -> dict:
    """One update_cell per status cell, the first `cap` cells only (extrapolated by the parent)."""
    from sheetsync.core.check import check
    from sheetsync.sheets.client import emulator_client
    from sheetsync.core.issues import status_label
    gc = emulator_client(url)
    ws = gc.open_by_key(sid).worksheet(config.input_tab)
    values = ws.get_all_values()
    result = check([line[:len(HEADER)] for line in values], config)
    t0 = time.perf_counter()
    done = 0
    for r, (s, m) in zip(result.rows.index, zip(result.rows["status"], result.rows["message"])):
        for col, value in ((len(HEADER) + 1, status_label(s, config.language)), (len(HEADER) + 2, m or "")):
            if done >= cap:
                break
            ws.update_cell(int(r), col, value)
            done += 1
    per_cell = (time.perf_counter() - t0) / max(done, 1)
    return {"cells_done": done, "per_cell_s": per_cell, "status_cells": 2 * len(result.rows)}


def _own_peak_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def run_child(job: str, emu: Emu, sid: str, config_path: Path, extra: str = "") -> dict:
    emu.reset_counters()
    done = subprocess.run([sys.executable, __file__, "--child", job, emu.url, sid, str(config_path), extra],
                          capture_output=True, text=True, cwd=ROOT)
    if done.returncode != 0:
        raise SystemExit(f"{job} failed:\n{done.stderr[-3000:]}")
    out = json.loads(done.stdout.strip().splitlines()[-1])
    c = emu.counters()
    out.update(requests=c["requests"], cells_written_emu=c["cells_written"], bytes_in=c["bytes_in"],
               bytes_out=c["bytes_out"])
    return out


# ---------------------------------------------------------------- parent

def moved_sync(emu: Emu, sid: str, n: int, config_path: Path) -> dict:
    """The repair path: a coordinator inserts a row at the top between sync's read and write,
    so every status written lands one row off until the verify finds it (run last: it adds a row)."""
    emu.edit(sid, n, min(EDITS, n), seed=n + 1)
    moved = run_child("sheetsync-moved", emu, sid, config_path)
    print(f"  sheetsync, {EDITS} cells edited and a row inserted at the top between read and write: "
          f"{moved['requests_report']} requests by sync ({moved['metadata_reads']} metadata read(s)), "
          f"{moved['repair_rounds']} repair write(s) of "
          f"{moved['repaired']:,} rows, wall {moved['wall_s']:.2f} s (verify + repair "
          f"{moved['timings'].get('verify', 0):.2f} s)", flush=True)
    return moved



def full_diff_count(emu: Emu, sid: str, before: dict | None = None) -> tuple[dict, int]:
    """Every tab as shown, and how many cells differ from `before`."""
    meta = emu.http.get(f"{emu.url}/v4/spreadsheets/{sid}", params={"fields": "sheets.properties.title"}).json()
    titles = [s["properties"]["title"] for s in meta["sheets"]]
    got = emu.http.get(f"{emu.url}/v4/spreadsheets/{sid}/values:batchGet",
                       params={"ranges": ["'" + t.replace("'", "''") + "'" for t in titles]}).json()
    now = {t: vr.get("values", []) for t, vr in zip(titles, got["valueRanges"])}
    if before is None:
        return now, 0
    changed = 0
    for tab in set(now) | set(before):
        a, b = before.get(tab, []), now.get(tab, [])
        for r in range(max(len(a), len(b))):
            ra = a[r] if r < len(a) else []
            rb = b[r] if r < len(b) else []
            width = max(len(ra), len(rb))
            ra, rb = ra + [""] * (width - len(ra)), rb + [""] * (width - len(rb))
            changed += sum(1 for x, y in zip(ra, rb) if x != y)
    return now, changed


def line(label: str, m: dict) -> str:
    return (f"  {label:<34} requests {m['requests']:>7,}  cells written {m['cells_written_emu']:>10,}  "
            f"sent {m['bytes_in'] / 1e6:>8.2f} MB  wall {m['wall_s']:>8.2f} s  peak {m['peak_mb']:>7.0f} MB")


def bench_size(n: int, verify: bool, others: bool = True) -> dict:
    tmp = Path(tempfile.mkdtemp(prefix=f"sheetsync-bench-{n}-"))
    config_path = make_config_dir(n, tmp)
    emu = Emu()
    try:
        t0 = time.perf_counter()
        data = rows(n)
        sid = emu.seed(data)
        del data
        print(f"\n{n:,} rows x {len(HEADER)} input columns: seeded in {time.perf_counter() - t0:.1f} s "
              f"({emu.url})", flush=True)
        first = run_child("sheetsync", emu, sid, config_path)
        print(line("sheetsync, first sync (everything)", first), flush=True)
        steady = run_child("sheetsync", emu, sid, config_path)
        print(line("sheetsync, nothing changed", steady), flush=True)
        before = full_diff_count(emu, sid)[0] if verify else None
        emu.edit(sid, n, min(EDITS, n), seed=n)
        changed = run_child("sheetsync", emu, sid, config_path)
        print(line(f"sheetsync, {EDITS} cells edited", changed), flush=True)
        if verify:
            _, diff = full_diff_count(emu, sid, before)
            changed["cells_changed_by_diff"] = diff - min(EDITS, n)     # minus the coordinator's edits
            print(f"  cells changed by sync (diff of every tab): {changed['cells_changed_by_diff']:,}; "
                  f"written: {changed['cells_written_emu']:,}; planned: {changed['cells_changed']:,}")
        print(f"  sync phases (s): {json.dumps({k: round(v, 3) for k, v in changed['timings'].items()})}")
        print(f"  verify after the write: {changed['timings'].get('verify', 0) * 1e3:.1f} ms, every written row "
              f"in place: {changed['verified']}, repair writes: {changed['repair_rounds']}")
        if not others:
            moved = moved_sync(emu, sid, n, config_path)
            print(f"  emulator peak RSS {emu.peak_mb():.0f} MB")
            return {"rows": n, "first": first, "steady": steady, "changed": changed, "moved": moved}
        gdf = run_child("gspread-dataframe", emu, sid, config_path)
        print(line("gspread-dataframe (same job)", gdf), flush=True)
        naive = run_child("naive", emu, sid, config_path, str(NAIVE_CAP))
        cells = naive["status_cells"]
        naive_wall = naive["per_cell_s"] * cells
        print(f"  naive update_cell: {naive['cells_done']} cells in {naive['per_cell_s'] * 1e3:.2f} ms each -> "
              f"{cells:,} status cells = {cells + 3:,} requests, {naive_wall:.0f} s against the emulator, "
              f"{cells / QUOTA_PER_MIN / 60:.1f} h at Google's {QUOTA_PER_MIN}/min quota", flush=True)
        print(f"  ratios for an edit ({EDITS} cells): gspread-dataframe / sheetsync = requests "
              f"{gdf['requests'] / changed['requests']:.0f}x, cells "
              f"{gdf['cells_written_emu'] / max(changed['cells_written_emu'], 1):.0f}x, bytes sent "
              f"{gdf['bytes_in'] / max(changed['bytes_in'], 1):.0f}x, wall {gdf['wall_s'] / changed['wall_s']:.1f}x, "
              f"peak memory {gdf['peak_mb'] / changed['peak_mb']:.1f}x; naive / sheetsync = requests "
              f"{(cells + 3) / changed['requests']:.0f}x, wall {naive_wall / changed['wall_s']:.0f}x")
        moved = moved_sync(emu, sid, n, config_path)
        print(f"  emulator peak RSS {emu.peak_mb():.0f} MB")
        return {"rows": n, "first": first, "steady": steady, "changed": changed, "moved": moved,
                "gspread_dataframe": gdf,
                "naive": {**naive, "requests_extrapolated": cells + 3, "wall_extrapolated_s": naive_wall}}
    finally:
        emu.close()


def main() -> int:
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        job, url, sid, config_path, extra = sys.argv[2:7]
        print(json.dumps(child(job, url, sid, config_path, extra), default=str))
        return 0
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default=",".join(map(str, SIZES)), help="comma-separated row counts")
    ap.add_argument("--no-verify", action="store_true", help="skip the full-sheet diff after the edit")
    ap.add_argument("--json", metavar="FILE", help="also write every figure to FILE")
    ap.add_argument("--sheetsync-only", action="store_true", help="skip gspread-dataframe and naive gspread")
    args = ap.parse_args()
    print(f"bench/sync.py on {os.cpu_count()} CPUs (load average {os.getloadavg()[0]:.1f}); emulator in its "
          "own process; each job in a fresh process")
    results = [bench_size(int(s.replace("_", "")), not args.no_verify, not args.sheetsync_only)
               for s in args.sizes.split(",") if s]
    print(f"\nload average at the end: {os.getloadavg()[0]:.1f} (other processes share the {os.cpu_count()} CPUs)")
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=1, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main())
