"""Shards: `fleet sync --shard k/N` as separate processes on this machine against one emulator,
sharing the rollup; one shard killed mid-run leaves its sheets named stale by the others."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

from gspread.exceptions import WorksheetNotFound

from google_emulator import GoogleEmulator
from sheetsync.fleet.config import load_fleet
from sheetsync.fleet.rollup import wib
from sheetsync.fleet.run import FleetRunner
from sheetsync.fleet.shard import Shard, ShardError, shard_of
from sync_data import seed
from test_fleet import rollup_rows, statuses, tps_rows

import pytest

REGIONS = {"Jakarta Pusat": "31.71", "Jakarta Utara": "31.72", "Jakarta Barat": "31.73",
           "Jakarta Selatan": "31.74", "Jakarta Timur": "31.75"}
KEYS = [f"1{i:043d}" for i in range(300)]


# ---------------------------------------------------------------- the share

def test_every_sheet_has_exactly_one_shard_and_adding_sheets_moves_none() -> None:
    for n in (1, 2, 4, 7):
        owners = [[k for k in range(1, n + 1) if Shard(k, n).owns(key)] for key in KEYS]
        assert all(len(o) == 1 for o in owners)
        counts = Counter(o[0] for o in owners)
        assert len(counts) == n and min(counts.values()) > len(KEYS) / n / 2      # no shard idle or swamped
    before = {key: shard_of(key, 4) for key in KEYS[:200]}
    assert {key: shard_of(key, 4) for key in KEYS[:200]} == before         # the share of a key is its own


def test_one_more_shard_moves_about_one_sheet_in_n_plus_one() -> None:
    moved = [key for key in KEYS if shard_of(key, 4) != shard_of(key, 5)]
    assert len(moved) < 2 * len(KEYS) / 5
    assert all(shard_of(key, 5) == 5 for key in moved)                     # only to the new shard


@pytest.mark.parametrize("text", ["0/4", "5/4", "2", "a/b", ""])
def test_a_shard_is_k_of_n(text: str) -> None:
    with pytest.raises(ShardError):
        Shard.parse(text)


# ---------------------------------------------------------------- shards as processes

class Nation:
    """Sheets on the shared emulator, a fleet file, and shard processes started on it."""

    def __init__(self, emu: GoogleEmulator, tmp: Path, count: int, *, stale_after: str = "5m") -> None:
        self.emu, self.tmp, self.count = emu, tmp, count
        self.coordinator = emu.client()
        self.sheets = {name: seed(self.coordinator, tps_rows(code, (3, 2, 1))) for name, code in REGIONS.items()}
        for _ in range(20):         # keys are drawn at random: make sure more than one shard has work
            if len({shard_of(sh.id, count) for sh in self.sheets.values()}) > 1 or count == 1:
                break
            self.sheets["Jakarta Timur"] = seed(self.coordinator, tps_rows(REGIONS["Jakarta Timur"], (3, 2, 1)))
        self.rollup = self.coordinator.create("Rekap DKI")
        lines = ['name = "DKI Jakarta"', f'api_url = "{emu.url}"', 'state = "state.sqlite"', 'every = "1s"',
                 f'stale_after = "{stale_after}"', "[rollup]", f'spreadsheet = "{self.rollup.id}"']
        for name, sh in self.sheets.items():
            lines += ["[[sheet]]", f'name = "{name}"', f'region = "{REGIONS[name]}"', f'spreadsheet = "{sh.id}"']
        self.path = tmp / "fleet.toml"
        self.path.write_text("\n".join(lines) + "\n")

    def owner(self, name: str) -> int:
        return shard_of(self.sheets[name].id, self.count)

    def start(self, k: int, *args: str) -> subprocess.Popen[str]:
        """Shard k as its own process; its output goes to shard-k.out and shard-k.err."""
        env = {**os.environ, "SHEETSYNC_LOCK_DIR": str(self.tmp / "locks"), "SHEETSYNC_FLEET": str(self.path)}
        with open(self.tmp / f"shard-{k}.out", "w") as out, open(self.tmp / f"shard-{k}.err", "w") as err:
            return subprocess.Popen([sys.executable, "-m", "sheetsync", "fleet", "sync", "--shard",
                                     f"{k}/{self.count}", "--json", *args], env=env, stdout=out, stderr=err, text=True)

    def errors(self) -> str:
        """The shards' stderr, last lines: what a failing assertion shows."""
        return "\n".join(f"shard {p.name}: " + "\n".join(p.read_text().splitlines()[-5:])
                         for p in sorted(self.tmp.glob("shard-*.err")))

    def cycles(self, k: int) -> list[dict[str, Any]]:
        lines = (self.tmp / f"shard-{k}.out").read_text().splitlines()
        return [json.loads(line) for line in lines if line.startswith("{")]


def test_shards_as_processes_cover_every_sheet_exactly_once(emu: GoogleEmulator, tmp_path: Path) -> None:
    nation = Nation(emu, tmp_path, 3)
    shards = {k: nation.start(k, "--cycles", "2") for k in (1, 2, 3)}
    synced: dict[int, set[str]] = {}
    for k, process in shards.items():
        process.wait(timeout=120)
        assert process.returncode == 0, (tmp_path / f"shard-{k}.err").read_text()
        cycles = nation.cycles(k)
        assert len(cycles) == 2
        synced[k] = {s["name"] for c in cycles for s in c["sheets"] if s["ok"] and not s["unchanged"]}
    assert sum(len(s) for s in synced.values()) == len(REGIONS)            # none twice
    assert set().union(*synced.values()) == set(REGIONS)                    # none left out
    assert all(synced[k] == {n for n in REGIONS if nation.owner(n) == k} for k in synced)
    for sh in nation.sheets.values():
        assert statuses(sh) == ["OK", "SALAH", "BELUM DIISI"]
    rows = rollup_rows(nation.rollup)
    assert all(rows[name]["Keadaan"] == "OK" and rows[name]["TPS Lapor"] == "1" for name in REGIONS), rows
    assert rows["TOTAL"]["TPS Lapor"] == str(len(REGIONS)) and rows["TOTAL"]["Keadaan"] == "Semua tersinkron"


def rollup_now(nation: Nation) -> dict[str, dict[str, str]]:
    """The rollup's rows by name; none before a shard made its tab."""
    try:
        return rollup_rows(nation.rollup)
    except WorksheetNotFound:
        return {}


def wait_for(check: Any, timeout_s: float = 60.0) -> Any:
    deadline = time.monotonic() + timeout_s
    while True:
        got = check()
        if got or time.monotonic() > deadline:
            return got
        time.sleep(0.3)


def test_a_killed_shard_leaves_its_sheets_stale_and_the_others_go_on(emu: GoogleEmulator, tmp_path: Path) -> None:
    nation = Nation(emu, tmp_path, 2, stale_after="4s")
    victim = nation.owner("Jakarta Pusat")
    shards = {k: nation.start(k, "--every", "1s") for k in (1, 2)}
    try:
        def all_ok() -> bool:
            rows = rollup_now(nation)
            return all(rows.get(n, {}).get("Keadaan") == "OK" for n in REGIONS)
        assert wait_for(all_ok), (rollup_now(nation), nation.errors())
        shards[victim].send_signal(signal.SIGKILL)
        shards[victim].wait(timeout=10)
        dead = {n for n in REGIONS if nation.owner(n) == victim}

        def dead_ones_stale() -> dict[str, dict[str, str]] | None:
            rows = rollup_rows(nation.rollup)
            stale = {n for n in REGIONS if rows[n]["Keadaan"].startswith("BASI")}
            return rows if stale == dead else None
        rows = wait_for(dead_ones_stale)
        assert rows, (rollup_rows(nation.rollup), nation.errors())
        assert all(rows[n]["Keadaan"] == "OK" for n in set(REGIONS) - dead)
        assert rows["TOTAL"]["Keadaan"] == "Bermasalah: " + ", ".join(n for n in REGIONS if n in dead)
        # the living shard still syncs: an edit of one of its sheets reaches its status
        alive = next(n for n in REGIONS if n not in dead)
        nation.sheets[alive].worksheet("TPS").update([["4", "4", "4", "12", "0", "12"]], "E4")
        assert wait_for(lambda: statuses(nation.sheets[alive]) == ["OK", "SALAH", "OK"]), nation.errors()
        assert shards[3 - victim].poll() is None
    finally:
        for process in shards.values():
            if process.poll() is None:
                process.send_signal(signal.SIGINT)
                process.wait(timeout=30)


def test_a_sheet_whose_journal_stays_behind_restarts_its_history_and_the_rollup_says_since_when(
        emu: GoogleEmulator, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    nation = Nation(emu, tmp_path, 1)
    fleet = load_fleet(nation.path)
    hour = 3600.0

    def cycle(ahead: float) -> dict[str, dict[str, str]]:
        runner = FleetRunner(fleet, lock_dir=str(tmp_path), clock=lambda: time.time() + ahead)
        runner.cycle(budget_s=60)
        runner.close()
        return rollup_rows(nation.rollup)

    def minutes(ahead: float, run: Any) -> tuple[str, set[str]]:
        """What run() gives, and the minutes (WIB, as the rollup writes them) it ran in."""
        before = time.time() + ahead
        got = run()
        return got, {wib(before, "id"), wib(time.time() + ahead, "id")}

    began, when = minutes(0, lambda: cycle(0)["Jakarta Utara"]["Riwayat Sejak"])
    assert began in when
    # an hour on, a shard on the same journal directory: the history goes on
    assert cycle(hour)["Jakarta Utara"]["Riwayat Sejak"] == began
    # two hours on, a shard whose journal directory is another (the sheet moved): it starts again
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "another-volume"))
    restarted, when = minutes(2 * hour, lambda: cycle(2 * hour)["Jakarta Utara"]["Riwayat Sejak"])
    assert restarted in when and restarted != began
