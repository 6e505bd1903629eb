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
    text = resources.files("sheetsync.core.presets").joinpath("jakarta-barat-wilayah.csv").read_text("utf-8")
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
        if "Koordinator" in header:              # at most 5 TPS each: under the saksi rule's limit
            row[header.index("Koordinator")] = f"Koordinator {i // 5}"
        if rng.random() < broken and "Suara Sah" in header:
            row[header.index("Suara Sah")] = str(int(row[header.index("Suara Sah")] or 0) + 7)
        rows.append(row)
    return rows


# ---------------------------------------------------------------- a coordinator editing

OPS = ("insert", "delete", "sort", "sort_input_only", "edit_key", "edit_vote", "clear_row", "duplicate")


def mutate_once(ws: Any, rng: random.Random, n_rows: int, places: list[tuple[str, str]]
                ) -> tuple[str, tuple, int]:
    """One coordinator edit (one API request) through a second gspread client: its name,
    how it moves rows, the new row count (`n_rows` data rows under the header, FULL_HEADER).

    Moves: ("insert", at, n), ("delete", row), ("sort",) for a sort that carries the
    status columns along; edits in place and an input-only sort move no status cell."""
    op = rng.choice(OPS)
    last = n_rows + 1
    move: tuple = ()
    if op == "insert":
        at = rng.randint(2, last + 1)
        ws.insert_rows([tps_row(*rng.choice(places), rng.randint(1, 40), rng, FULL_HEADER)], row=at)
        n_rows, move = n_rows + 1, ("insert", at, 1)
    elif op == "delete" and n_rows > 2:
        row = rng.randint(2, last)
        ws.delete_rows(row)
        n_rows, move = n_rows - 1, ("delete", row)
    elif op in ("sort", "sort_input_only"):
        width = "Q" if op == "sort" else "O"            # a person may sort only their own columns
        ws.sort((rng.choice([1, 2, 3, 5, 9]), rng.choice(["asc", "des"])), range=f"A2:{width}{last}")
        move = ("sort",) if op == "sort" else ()
    elif op == "edit_key":
        r = rng.randint(2, last)
        if rng.random() < 0.5:
            ws.update([[str(rng.randint(1, 40))]], f"C{r}")
        else:
            ws.update([[rng.choice(places)[1]]], f"B{r}")
    elif op == "edit_vote":
        ws.update([[str(rng.randint(0, 900))]], f"{rng.choice('IJKL')}{rng.randint(2, last)}")
    elif op == "clear_row":
        ws.batch_clear([f"A{rng.randint(2, last)}:O{rng.randint(2, last)}"])
    else:                                               # duplicate: a row typed twice
        line = tps_row(*rng.choice(places), rng.randint(1, 12), rng, FULL_HEADER)
        at = rng.randint(2, last + 1)
        ws.insert_rows([line, line], row=at)
        n_rows, move, op = n_rows + 2, ("insert", at, 2), "duplicate"
    return op, move, n_rows


# ---------------------------------------------------------------- emulator helpers

def seed(gc: Any, values: list[list[Any]], *, tab: str = "TPS", title: str = "sheetsync test") -> Any:
    """A new spreadsheet whose first tab holds ``values`` (as typed: RAW text)."""
    sh = gc.create(title)
    ws = sh.sheet1
    ws.update_title(tab)
    if values:
        ws.update(values, "A1")
    return sh


def config_for(sh: Any, emu: Any, **changes: Any) -> Any:
    from dataclasses import replace
    from sheetsync.core.config import load_preset
    return replace(load_preset("pilkada-jakbar-2024"), spreadsheet=sh.id, api_url=emu.url,
                   journal_path=None, **changes)


def all_tabs(sh: Any) -> dict[str, list[list[Any]]]:
    """Every tab as shown (FORMATTED_VALUE), in one batchGet."""
    titles = [ws.title for ws in sh.worksheets()]
    got = sh.values_batch_get(["'" + t.replace("'", "''") + "'" for t in titles])
    return {t: vr.get("values", []) for t, vr in zip(titles, got.get("valueRanges", []))}


def cell_diff(before: dict[str, list[list[Any]]], after: dict[str, list[list[Any]]]) -> dict[tuple[str, int, int], tuple[Any, Any]]:
    """(tab, row, col) -> (old, new) for every cell whose shown value differs (1-based)."""
    out = {}
    for tab in set(before) | set(after):
        a, b = before.get(tab, []), after.get(tab, [])
        for r in range(max(len(a), len(b))):
            ra = a[r] if r < len(a) else []
            rb = b[r] if r < len(b) else []
            for c in range(max(len(ra), len(rb))):
                va = ra[c] if c < len(ra) else ""
                vb = rb[c] if c < len(rb) else ""
                if va != vb:
                    out[(tab, r + 1, c + 1)] = (va, vb)
    return out


def settled_counters(emu: Any, quiet_s: float = 0.05) -> dict:
    """The emulator counts a request after answering it: wait until the counters stop moving."""
    import time
    last = emu.counters()
    for _ in range(100):
        time.sleep(quiet_s)
        now = emu.counters()
        if now["requests"] == last["requests"] and now["cells_written"] == last["cells_written"]:
            return now
        last = now
    return last
