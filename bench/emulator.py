"""Benchmark: the emulator holding a 10M-cell spreadsheet (820,000 rows x 12 columns).

Runs the emulator as a separate process (`python -m sheetsync.emulator --port 0`)
so its memory is measured alone, fills the tab through real HTTP
values:batchUpdate calls, then times one full-tab values:batchGet and one
100,000-cell values:batchUpdate.  Prints figures; asserts nothing.

    .venv/bin/python bench/emulator.py [--rows 820000] [--chunk 41000]
"""
from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import time
from pathlib import Path

import requests

COLUMNS = ["kode_kelurahan", "kecamatan", "kelurahan", "tps", "dpt", "paslon_1", "paslon_2",
           "paslon_3", "suara_sah", "tidak_sah", "koordinator", "catatan"]
KECAMATAN = ["Cengkareng", "Grogol Petamburan", "Taman Sari", "Tambora", "Kebon Jeruk",
             "Kalideres", "Pal Merah", "Kembangan"]


def row(i: int, rng: random.Random) -> list:
    kec = KECAMATAN[i % len(KECAMATAN)]
    p = [rng.randint(0, 200) for _ in range(3)]
    return [f"31.73.0{i % 8 + 1}.{1001 + i % 7}", kec, f"Kelurahan {i % 56 + 1}", i % 900 + 1,
            rng.randint(150, 600), *p, sum(p), rng.randint(0, 9), f"Koordinator {i % 400}",
            "" if i % 3 else "cek ulang"]


def rss_mb(pid: int) -> tuple[float, float]:
    """(current RSS, peak RSS) of a process in MB, from /proc."""
    fields = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, val = line.partition(":")
        fields[key] = val.strip()
    return int(fields["VmRSS"].split()[0]) / 1024, int(fields["VmHWM"].split()[0]) / 1024


def cpu_s(pid: int) -> float:
    """utime + stime of a process in seconds (so CPU contention on the machine shows)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=820_000)
    ap.add_argument("--chunk", type=int, default=41_000)
    args = ap.parse_args()
    proc = subprocess.Popen([sys.executable, "-m", "sheetsync.emulator", "--port", "0"],
                            stdout=subprocess.PIPE, text=True)
    try:
        first = proc.stdout.readline()
        url = first.strip().rsplit(" ", 1)[-1]
        s = requests.Session()
        s.headers["Authorization"] = "Bearer bench"
        print(f"emulator {url} pid {proc.pid}; idle RSS {rss_mb(proc.pid)[0]:.0f} MB")
        body = {"properties": {"title": "bench 10M"},
                "sheets": [{"properties": {"title": "Input TPS",
                                           "gridProperties": {"rowCount": args.rows, "columnCount": 12}}}]}
        r = s.post(f"{url}/v4/spreadsheets", json=body)
        r.raise_for_status()
        sid = r.json()["spreadsheetId"]
        rng = random.Random(3)
        t0 = time.perf_counter()
        s.post(f"{url}/v4/spreadsheets/{sid}/values:batchUpdate",
               json={"valueInputOption": "RAW", "data": [{"range": "'Input TPS'!A1", "values": [COLUMNS]}]}
               ).raise_for_status()
        for start in range(1, args.rows, args.chunk):
            n = min(args.chunk, args.rows - start)
            data = [{"range": f"'Input TPS'!A{start + 1}", "values": [row(i, rng) for i in range(start, start + n)]}]
            s.post(f"{url}/v4/spreadsheets/{sid}/values:batchUpdate",
                   json={"valueInputOption": "RAW", "data": data}).raise_for_status()
        fill_s = time.perf_counter() - t0
        cells = args.rows * 12
        rss, peak = rss_mb(proc.pid)
        print(f"filled {args.rows:,} x 12 = {cells:,} cells over HTTP in {fill_s:.1f} s; "
              f"RSS {rss:.0f} MB (peak {peak:.0f} MB)")

        print(f"load average before the timed calls: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
        t0, c0 = time.perf_counter(), cpu_s(proc.pid)
        r = s.get(f"{url}/v4/spreadsheets/{sid}/values:batchGet", params={"ranges": "'Input TPS'"})
        r.raise_for_status()
        get_s = time.perf_counter() - t0  # request sent -> last byte of the body received
        get_cpu = cpu_s(proc.pid) - c0
        got = r.json()["valueRanges"][0]["values"]
        parse_s = time.perf_counter() - t0 - get_s
        assert len(got) == args.rows, len(got)
        print(f"full-tab values:batchGet: {get_s:.2f} s to serve and receive {len(r.content) / 1e6:.0f} MB JSON "
              f"({len(got):,} rows; emulator CPU {get_cpu:.2f} s); client-side json parse another {parse_s:.2f} s")
        del got, r

        upd = [[rng.randint(0, 200) for _ in range(10)] for _ in range(10_000)]
        body = {"valueInputOption": "RAW",
                "data": [{"range": f"'Input TPS'!B{2 + k * 1000}:K{1 + (k + 1) * 1000}",
                          "values": upd[k * 1000:(k + 1) * 1000]} for k in range(10)]}
        t0 = time.perf_counter()
        r = s.post(f"{url}/v4/spreadsheets/{sid}/values:batchUpdate", json=body)
        r.raise_for_status()
        upd_s = time.perf_counter() - t0
        print(f"100,000-cell values:batchUpdate: {upd_s:.2f} s "
              f"(totalUpdatedCells {r.json()['totalUpdatedCells']:,})")
        body["valueInputOption"] = "USER_ENTERED"
        for vr in body["data"]:
            vr["values"] = [[str(v) for v in row] for row in vr["values"]]  # text to parse, as typed
        t0 = time.perf_counter()
        s.post(f"{url}/v4/spreadsheets/{sid}/values:batchUpdate", json=body).raise_for_status()
        upd_ue_s = time.perf_counter() - t0
        print(f"100,000-cell values:batchUpdate USER_ENTERED (strings parsed): {upd_ue_s:.2f} s")

        from sheetsync.sheets.client import emulator_client
        t0 = time.perf_counter()
        rows = emulator_client(url).open_by_key(sid).worksheet("Input TPS").get_all_values()
        gspread_s = time.perf_counter() - t0
        print(f"real gspread open_by_key + get_all_values of the tab: {gspread_s:.2f} s ({len(rows):,} rows)")
        del rows
        rss, peak = rss_mb(proc.pid)
        print(f"emulator RSS after: {rss:.0f} MB (peak {peak:.0f} MB); goal < 4096 MB, < 10 s per call")
        print(json.dumps({"cells": cells, "rss_mb": round(rss), "peak_rss_mb": round(peak),
                          "batch_get_s": round(get_s, 2), "batch_get_server_cpu_s": round(get_cpu, 2), "client_parse_s": round(parse_s, 2), "batch_update_100k_s": round(upd_s, 2),
                          "batch_update_100k_user_entered_s": round(upd_ue_s, 2), "gspread_get_all_values_s": round(gspread_s, 2),
                          "fill_s": round(fill_s, 1)}))
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    return 0


if __name__ == "__main__":
    sys.exit(main())
