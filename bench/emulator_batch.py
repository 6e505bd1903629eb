"""Benchmark: spreadsheets:batchUpdate on a 10M-cell tab (820,000 rows x 12 columns).

Starts the emulator as its own process, fills the tab over HTTP (RAW), then
times structural requests over real HTTP: freeze, header format, a
conditional-format rule, inserting and deleting rows, a whole-tab sort, a
batch that fails on its last request (all-or-nothing roll-back), and one
100,000-cell USER_ENTERED values:batchUpdate (input parsing). Prints
figures and the emulator's RSS; asserts nothing.

    .venv/bin/python bench/emulator_batch.py [--rows 820000]
"""
from __future__ import annotations

import argparse
import random
import subprocess
import sys
import time
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent))
from emulator import COLUMNS, row, rss_mb  # noqa: E402  (bench/emulator.py helpers)


def timed(label: str, fn) -> None:
    t0 = time.perf_counter()
    r = fn()
    dt = time.perf_counter() - t0
    print(f"{label:<48} {dt:7.2f} s   HTTP {r.status_code}")


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=820_000)
    ap.add_argument("--chunk", type=int, default=41_000)
    args = ap.parse_args()
    proc = subprocess.Popen([sys.executable, "-m", "sheetsync.emulator", "--port", "0"],
                            stdout=subprocess.PIPE, text=True)
    try:
        url = proc.stdout.readline().strip().rsplit(" ", 1)[-1]
        s = requests.Session()
        s.headers["Authorization"] = "Bearer bench"
        body = {"properties": {"title": "bench batch"},
                "sheets": [{"properties": {"title": "Input TPS",
                                           "gridProperties": {"rowCount": args.rows, "columnCount": 12}}}]}
        sid = s.post(f"{url}/v4/spreadsheets", json=body).json()["spreadsheetId"]
        rng = random.Random(3)
        values = f"{url}/v4/spreadsheets/{sid}/values:batchUpdate"
        s.post(values, json={"valueInputOption": "RAW",
                             "data": [{"range": "'Input TPS'!A1", "values": [COLUMNS]}]}).raise_for_status()
        for start in range(1, args.rows, args.chunk):
            n = min(args.chunk, args.rows - start)
            data = [{"range": f"'Input TPS'!A{start + 1}", "values": [row(i, rng) for i in range(start, start + n)]}]
            s.post(values, json={"valueInputOption": "RAW", "data": data}).raise_for_status()
        print(f"filled {args.rows} x 12; RSS {rss_mb(proc.pid)[0]:.0f} MB")
        meta = s.get(f"{url}/v4/spreadsheets/{sid}", params={"fields": "sheets.properties"}).json()
        sheet_id = meta["sheets"][0]["properties"]["sheetId"]
        batch = f"{url}/v4/spreadsheets/{sid}:batchUpdate"

        def send(*requests_: dict):
            return lambda: s.post(batch, json={"requests": list(requests_)})

        rows = {"sheetId": sheet_id, "dimension": "ROWS"}
        timed("freeze header row", send({"updateSheetProperties": {
            "properties": {"sheetId": sheet_id, "gridProperties": {"frozenRowCount": 1}},
            "fields": "gridProperties.frozenRowCount"}}))
        timed("bold header (repeatCell A1:L1)", send({"repeatCell": {
            "range": {"sheetId": sheet_id, "startRowIndex": 0, "endRowIndex": 1},
            "cell": {"userEnteredFormat": {"textFormat": {"bold": True}}},
            "fields": "userEnteredFormat.textFormat.bold"}}))
        timed("conditional-format rule on column L", send({"addConditionalFormatRule": {"index": 0, "rule": {
            "ranges": [{"sheetId": sheet_id, "startRowIndex": 1, "startColumnIndex": 11, "endColumnIndex": 12}],
            "booleanRule": {"condition": {"type": "TEXT_EQ", "values": [{"userEnteredValue": "cek ulang"}]},
                            "format": {"backgroundColor": {"red": 1, "green": 0.8, "blue": 0.8}}}}}}))
        timed("insert 2 rows at row 2", send({"insertDimension": {
            "range": {**rows, "startIndex": 1, "endIndex": 3}}}))
        timed("delete those 2 rows", send({"deleteDimension": {"range": {**rows, "startIndex": 1, "endIndex": 3}}}))
        timed("sort 819,999 rows by column E (dpt)", send({"sortRange": {
            "range": {"sheetId": sheet_id, "startRowIndex": 1},
            "sortSpecs": [{"dimensionIndex": 4, "sortOrder": "DESCENDING"}]}}))
        timed("failing batch: insert rows + bad deleteSheet", send(
            {"insertDimension": {"range": {**rows, "startIndex": 1, "endIndex": 3}}},
            {"repeatCell": {"range": {"sheetId": sheet_id, "startRowIndex": 1, "endRowIndex": 2},
                            "cell": {"userEnteredValue": {"stringValue": "x"}}, "fields": "userEnteredValue"}},
            {"deleteSheet": {"sheetId": 987654321}}))
        user_rows = [[str(rng.randint(0, 600)), f"{rng.randint(1, 28)}/11/2024", "TRUE", "Cengkareng",
                      f"{rng.randint(1, 99)}%", "=E2+1", "1,234", "x", "12.5", "0812", "'07", "ok"]
                     for _ in range(100_000 // 12 + 1)]
        timed("USER_ENTERED values:batchUpdate ~100,000 cells", lambda: s.post(values, json={
            "valueInputOption": "USER_ENTERED",
            "data": [{"range": "'Input TPS'!A2", "values": user_rows}]}))
        cur, peak = rss_mb(proc.pid)
        print(f"emulator RSS now {cur:.0f} MB, peak {peak:.0f} MB")
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
