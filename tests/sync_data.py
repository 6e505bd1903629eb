"""Seed data for the sync tests and bench/sync.py: TPS rows as volunteers fill them."""

from __future__ import annotations

import csv
import random
from importlib import resources
from typing import Any

FULL_HEADER = ["Kecamatan", "Kelurahan", "No TPS", "Alamat", "DPT", "DPPh", "DPTb", "Target Suara",
               "Paslon 1", "Paslon 2", "Paslon 3", "Suara Sah", "Suara Tidak Sah", "Pengguna Hak Pilih",
               "Koordinator"]
# 10 input columns + 2 owned = 12: 820,000 rows x 12 is just under Google's 10M cells.
BENCH_HEADER = ["Kecamatan", "Kelurahan", "No TPS", "DPT", "Paslon 1", "Paslon 2", "Paslon 3",
                "Suara Sah", "Suara Tidak Sah", "Pengguna Hak Pilih"]


def wilayah() -> list[tuple[str, str]]:
    """(kecamatan, kelurahan) of Jakarta Barat, from the preset's master list."""
    text = resources.files("sheetsync.presets").joinpath("jakarta-barat-wilayah.csv").read_text("utf-8")
    return [(r["kecamatan"], r["kelurahan"]) for r in csv.DictReader(text.splitlines())]


def tps_row(kec: str, kel: str, tps: int, rng: random.Random, header: list[str], *, filled: bool = True) -> list[Any]:
    """One consistent TPS row (all cells as typed text)."""
    dpt = rng.randint(200, 600)
    used = rng.randint(dpt // 2, dpt)
    invalid = rng.randint(0, 10)
    sah = used - invalid
    p1 = rng.randint(0, sah)
    p2 = rng.randint(0, sah - p1)
    p3 = sah - p1 - p2
    values = {"Kecamatan": kec, "Kelurahan": kel, "No TPS": str(tps), "Alamat": f"Jl. Contoh {tps}",
              "DPT": str(dpt), "DPPh": "0", "DPTb": "0", "Target Suara": "",
              "Paslon 1": str(p1), "Paslon 2": str(p2), "Paslon 3": str(p3), "Suara Sah": str(sah),
              "Suara Tidak Sah": str(invalid), "Pengguna Hak Pilih": str(used), "Koordinator": "Budi"}
    if not filled:
        for k in ("Paslon 1", "Paslon 2", "Paslon 3", "Suara Sah", "Suara Tidak Sah", "Pengguna Hak Pilih"):
            values[k] = ""
    return [values[h] for h in header]


def tps_sheet(n: int, seed: int = 1, *, header: list[str] | None = None, unfilled: float = 0.1,
              broken: float = 0.05) -> list[list[Any]]:
    """Header + n rows; unique TPS keys while n <= 56 * 9999; a share unfilled or broken."""
    header = header or FULL_HEADER
    rng = random.Random(seed)
    places = wilayah()
    rows: list[list[Any]] = [list(header)]
    for i in range(n):
        kec, kel = places[i % len(places)]
        tps = i // len(places) + 1
        if tps > 9999:                       # past the TPS number range: duplicates, flagged as such
            tps = (tps % 9999) + 1
        row = tps_row(kec, kel, tps, rng, header, filled=rng.random() >= unfilled)
        if rng.random() < broken and "Suara Sah" in header:
            row[header.index("Suara Sah")] = str(int(row[header.index("Suara Sah")] or 0) + 7)
        rows.append(row)
    return rows
