"""Shared machinery of the reliability suite and bench/soak.py.

Everything goes over real HTTP: sheetsync's own transport and gspread against the
emulator. Faults come from the emulator's fault injection, races from a second
gspread client in another thread. Nothing here mocks a library.

Two trials, each one seeded and self-contained:
- ``fault_trial``: a coordinator edits, one random fault is armed on one kind of
  request (token, read, write, verify, or a share of everything), sync runs.
- ``race_trial`` (races.py): a coordinator edits from another thread at a random moment
  of a sync.
Both return a small dict of observations; ``Figures`` adds them up.
"""

from __future__ import annotations

import random
import time
from dataclasses import dataclass, field
from typing import Any

import gspread
from google.oauth2 import service_account

from sheetsync.sheets import client as gsheets
from sheetsync.core.check import check
from sheetsync.core.issues import status_label
from sheetsync.sync.plan import same_value
from sheetsync.sync.run import SyncError, SyncHooks, sync
from sheetsync.sync.desired import summary_origin
from sheetsync.sheets.transport import RetryPolicy, make_session
from sync_data import FULL_HEADER, config_for, tps_row, tps_sheet, wilayah

# What the secret scan (test_credentials, run last) looks through and looks for.
TRANSCRIPT: list[str] = []        # everything shown during the run (logs, output, failures)
EMULATORS: list[Any] = []         # every emulator started, to list the tokens it issued
PRIVATE_KEYS: list[str] = []      # every service-account private key handed out


def start_emulator(**kwargs: Any) -> Any:
    """A running emulator whose issued keys and tokens the secret scan will look for."""
    from google_emulator import GoogleEmulator
    emu = GoogleEmulator(**kwargs).start()
    EMULATORS.append(emu)
    original = emu.issue_key

    def issue_key(email: str) -> dict:
        key = original(email)
        PRIVATE_KEYS.append(key["private_key"])
        return key
    emu.issue_key = issue_key          # records, then returns the key unchanged
    return emu


N_INPUT = len(FULL_HEADER)
STATUS_COL, MESSAGE_COL = N_INPUT + 1, N_INPUT + 2      # appended by the first sync (1-based)
ROWS = 10
# Short deadline and backoff keep 200 seeded syncs fast; the slow answer (1.3 s) is past
# the transport's per-attempt floor of 1 s, so it really times out.
FAST = RetryPolicy(deadline_s=4.0, base_s=0.02, max_sleep_s=0.1, timeout_s=(1.0, 1.0), max_attempts=4)
SLOW_ANSWER_S = 1.2
PLACES = wilayah()[:6]


# ---------------------------------------------------------------- clients and reads

def key_client(emu: Any, key: dict, policy: RetryPolicy = FAST) -> gspread.Client:
    """A fresh service-account client: its first request fetches a token at the emulator's /token."""
    creds = service_account.Credentials.from_service_account_info(key, scopes=list(gsheets.SCOPES))
    return gspread.Client(auth=creds, session=make_session(creds, emu.url, policy))


def read_tabs(client: gspread.Client, key: str, render: str = "FORMATTED_VALUE") -> dict[str, list[list[Any]]]:
    """Every tab as shown, in one batchGet."""
    sh = client.open_by_key(key)
    titles = [ws.title for ws in sh.worksheets()]
    got = sh.values_batch_get(["'" + t.replace("'", "''") + "'" for t in titles],
                              params={"valueRenderOption": render})
    return {t: vr.get("values", []) for t, vr in zip(titles, got.get("valueRanges", []))}


def trim(cells: list[Any]) -> list[Any]:
    cells = list(cells)
    while cells and cells[-1] in ("", None):
        cells.pop()
    return cells


def person_cells(grid: list[list[Any]]) -> list[list[Any]]:
    """Everything on the input tab outside sheetsync's two columns, trimmed like the API trims."""
    out = [trim([v for i, v in enumerate(line) if i + 1 not in (STATUS_COL, MESSAGE_COL)]) for line in grid]
    while out and not out[-1]:
        out.pop()
    return out


def owned_cells(tabs: dict[str, list[list[Any]]], config: Any) -> dict[tuple[str, int, int], Any]:
    """sheetsync's cells: the two status columns and the summary tabs (last-synced cell excluded)."""
    out: dict[tuple[str, int, int], Any] = {}
    for r, line in enumerate(tabs.get(config.input_tab, [])[1:], start=2):
        for c in (STATUS_COL, MESSAGE_COL):
            out[(config.input_tab, r, c)] = line[c - 1] if len(line) >= c else ""
    for tab in config.summary_tabs.titles():
        for r, line in enumerate(tabs.get(tab, []), start=1):
            for c, v in enumerate(line, start=1):
                if not (tab == "Rekap Kecamatan" and (r, c) == (1, 1)):
                    out[(tab, r, c)] = v
    return out


def cells_differing(a: list[list[Any]], b: list[list[Any]]) -> int:
    n = 0
    for r in range(max(len(a), len(b))):
        ra, rb = (a[r] if r < len(a) else []), (b[r] if r < len(b) else [])
        for c in range(max(len(ra), len(rb))):
            if (ra[c] if c < len(ra) else "") != (rb[c] if c < len(rb) else ""):
                n += 1
    return n


# ---------------------------------------------------------------- what the sheet should show

_EXPECTED: dict[Any, Any] = {}


def expected(person: list[list[Any]], config: Any) -> tuple[Any, dict[int, tuple[str, str]], dict[str, list]]:
    """From the person-typed cells alone: the check result, statuses per row, summary tables."""
    memo = (id(config), tuple(tuple(line) for line in person))
    if memo not in _EXPECTED:
        if len(_EXPECTED) > 64:
            _EXPECTED.clear()
        _EXPECTED[memo] = _expected(person, config)
    return _EXPECTED[memo]


def _expected(person: list[list[Any]], config: Any) -> tuple[Any, dict[int, tuple[str, str]], dict[str, list]]:
    from sheetsync.core.summaries import summary_tables
    values = [list(line[:N_INPUT]) for line in person]
    result = check(values, config)
    statuses: dict[int, tuple[str, str]] = {}
    for r in range(config.header_row + 1, len(values) + 1):
        if r in result.rows.index:
            status, message = result.status_of(r)
            statuses[r] = (status_label(status, config.language), message)
        else:
            statuses[r] = ("", "")
    return result, statuses, summary_tables(result, config)


def sheet_problems(tabs: dict[str, list[list[Any]]], config: Any) -> list[str]:
    """Every way the sheet differs from what its person-typed cells call for (empty = correct)."""
    grid = tabs.get(config.input_tab, [])
    person = person_cells(grid)
    _, statuses, tables = expected(person, config)
    problems = []
    head = grid[0] if grid else []
    if head[STATUS_COL - 1:MESSAGE_COL] != [config.status_header, config.message_header]:
        problems.append(f"header of the owned columns: {head[STATUS_COL - 1:MESSAGE_COL]}")
    for r in range(2, max(len(grid), len(person)) + 1):
        line = grid[r - 1] if r - 1 < len(grid) else []
        got = tuple(line[c - 1] if len(line) >= c else "" for c in (STATUS_COL, MESSAGE_COL))
        want = statuses.get(r, ("", ""))
        if got != want:
            problems.append(f"row {r}: {got[0]!r} where {want[0]!r} belongs")
    for tab, table in tables.items():
        shown = tabs.get(tab, [])
        top = summary_origin(config, tab)
        if len(shown) != top - 1 + len(table):
            problems.append(f"{tab}: {len(shown)} rows shown, {top - 1 + len(table)} wanted")
        for i, row in enumerate(table):
            line = shown[top - 1 + i] if top - 1 + i < len(shown) else []
            for j, value in enumerate(row):
                if not same_value(line[j] if j < len(line) else "", value):
                    problems.append(f"{tab}!R{top + i}C{j + 1}: {line[j:j + 1]} where {value!r} belongs")
                    break
    return problems


# ---------------------------------------------------------------- a sheet to work on

@dataclass
class Bench:
    """One spreadsheet in an emulator, a coordinator's client and sheetsync's key."""
    emu: Any
    key: dict                      # service-account key file (dict) issued by the emulator
    sheet_id: str
    config: Any
    person: gspread.Client
    ws: gspread.Worksheet
    lock_dir: str
    coordinator: Any = None                  # a second person's client, for the races
    coordinator_ws: Any = None

    @classmethod
    def create(cls, emu: Any, lock_dir: str, title: str = "reliability") -> "Bench":
        person = emu.client(token="koordinator")
        sh = person.create(title)
        ws = sh.sheet1
        ws.update_title("TPS")
        key = emu.issue_key("sheetsync-bot@pilkada-jakbar.iam.gserviceaccount.com")
        return cls(emu, key, sh.id, config_for(sh, emu), person, ws, lock_dir,
                   coordinator=emu.client(token="koordinator-kebon-jeruk"))

    def sync(self, client: Any = None, **kw: Any) -> Any:
        return sync(self.config, client=client or self.emu.client(), lock_dir=self.lock_dir, **kw)

    def fill(self, rng: random.Random, rows: int = ROWS) -> None:
        """A fresh set of rows: half consistent, some unfilled or broken, some duplicate keys."""
        values = tps_sheet(rows, seed=rng.randrange(1 << 30), unfilled=0.2, broken=0.2)
        values = [values[0]] + [tps_row(*rng.choice(PLACES), rng.randint(1, 12), rng, FULL_HEADER)
                                if rng.random() < 0.5 else line for line in values[1:]]
        self.ws.batch_clear(["A2:Z400"])
        self.ws.update(values, "A1")

    def edit_votes(self, rng: random.Random, n: int, rows: int = ROWS) -> None:
        """n vote cells retyped, in one request."""
        self.ws.batch_update([{"range": f"{rng.choice('IJKL')}{rng.randint(2, rows + 1)}",
                               "values": [[str(rng.randint(0, 900))]]} for _ in range(n)])

    def tabs(self) -> dict[str, list[list[Any]]]:
        """The input tab and every summary tab as shown: ONE batchGet (tabs exist after a sync)."""
        titles = [self.config.input_tab, *self.config.summary_tabs.titles()]
        ranges = ["'" + t.replace("'", "''") + "'" for t in titles]
        got = self.person.http_client.values_batch_get(self.sheet_id, ranges,
                                                      {"valueRenderOption": "FORMATTED_VALUE"})
        return {t: vr.get("values", []) for t, vr in zip(titles, got.get("valueRanges", []))}


# ---------------------------------------------------------------- faults

# sync reads with values:batchGetByDataFilter (a POST: marker lookups, no long URLs)
TARGETS = {"token": r"^/token$", "read": r"values:batchGet(ByDataFilter)?$", "verify": r"values:batchGet(ByDataFilter)?$",
           "write": r"values:batchUpdate$", "any": r"."}
KINDS = ("429", "429-retry-after", "500", "503", "slow", "reset")


def pick_fault(rng: random.Random, long_faults: bool = False) -> dict[str, Any]:
    """One seeded fault: kind, target request, and how often it fires.

    long_faults (the soak) adds the expensive ones: a token endpoint down for the whole
    sync, and token faults past sheetsync's attempts, where google-auth's own retry
    sleeps 1 s and 2 s. CI covers the first in one dedicated test."""
    target = rng.choice(list(TARGETS))
    kind = rng.choices(KINDS, weights=(8, 8, 8, 8, 1, 8))[0]   # a slow answer costs a 1 s timeout
    if target == "token" and rng.random() < 0.15:
        # the token endpoint refuses (401, not retried) or stays down (503 until the deadline)
        down = long_faults and rng.random() < 0.15
        return {"target": target, "kind": "token-down" if down else "token-refused",
                "fault": {"path": TARGETS[target], "times": None, "kind": "error",
                          "status": 503 if down else 401}}
    if kind == "slow":
        times = 1                    # each slow answer costs a full timeout: keep CI fast
    elif target == "any":
        times = None                 # a share of every request of the sync
    else:
        # mostly within the retry budget (4 attempts); some beyond it, which must fail cleanly
        times = rng.choice([1, 1, 2, 2, 3, 4, 5, 9]) if target != "token" else \
            rng.choice([1, 2, 3, 3, 5] if long_faults else [1, 2, 3])
    fault: dict[str, Any] = {"path": TARGETS[target], "times": times}
    if target == "any":
        fault["fraction"] = rng.choice([0.2, 0.35, 0.5])
    if kind.startswith("429"):
        fault.update(kind="error", status=429)
        if kind == "429-retry-after":
            fault["retry_after"] = rng.choice([0.02, 0.05, 0.1])
    elif kind in ("500", "503"):
        fault.update(kind="error", status=int(kind))
    elif kind == "slow":
        fault.update(kind="delay", delay_s=SLOW_ANSWER_S)
    else:
        fault.update(kind="reset")
    return {"target": target, "kind": kind, "fault": fault}


def fault_trial(bench: Bench, seed: int, *, long_faults: bool = False) -> dict[str, Any]:
    """Edit, arm one fault, sync with a fresh key-file client; then judge the sheet."""
    rng = random.Random(seed)
    emu, config = bench.emu, bench.config
    bench.edit_votes(rng, rng.randint(1, 3))
    before = bench.tabs()
    choice = pick_fault(rng, long_faults)
    armed: list[int] = []

    def arm() -> None:
        armed.append(emu.inject_fault(**choice["fault"])["id"])

    hooks = SyncHooks(between_read_and_write=arm) if choice["target"] == "verify" else None
    if choice["target"] != "verify":
        arm()
    out: dict[str, Any] = {"seed": seed, "target": choice["target"], "kind": choice["kind"]}
    t0 = time.monotonic()
    try:
        report = bench.sync(client=key_client(emu, bench.key), hooks=hooks)
        out["outcome"] = "completed"
        out["retries"] = report.retries or 0
    except SyncError as exc:
        out["outcome"] = "failed-clean"
        out["message"] = str(exc)
        out["clean"] = exc.exit_code == 3 and _clear_message(str(exc))
    except Exception as exc:  # noqa: BLE001 - any other exception is a crash, counted and shown
        out["outcome"] = "crash"
        out["message"] = f"{type(exc).__name__}: {exc}"
    out["seconds"] = round(time.monotonic() - t0, 3)
    left = {f["id"]: f["fired"] for f in emu.state.faults.list()}
    # a fault that fired all its `times` is gone from the list
    fired = sum(left[i] if i in left else choice["fault"]["times"] for i in armed)
    emu.clear_faults()
    if choice["kind"] == "slow":
        time.sleep(max(0.0, t0 + SLOW_ANSWER_S + 0.4 - time.monotonic()))   # the late answer lands first
    after = bench.tabs()
    out["fired"] = fired
    out["cells_lost"] = cells_differing(person_cells(before[config.input_tab]),
                                        person_cells(after[config.input_tab]))
    problems = sheet_problems(after, config)
    out["correct_after"] = not problems
    out["half_written"] = _half_written(before, after, config) if problems else False
    if problems:
        bench.sync()                 # the next sync, no faults
        out["problems_after_next"] = sheet_problems(bench.tabs(), config)
    out["converged"] = not problems or not out.get("problems_after_next")
    return out


def _clear_message(text: str) -> bool:
    """One line, no traceback, says what to do next."""
    return bool(text) and "\n" not in text and "Traceback" not in text and len(text) < 400 and \
        any(w in text for w in ("run sync again", "run again", "check", "wait"))


def _half_written(before: dict, after: dict, config: Any) -> bool:
    """After a failed sync: sheetsync's cells are either all as before or all as they should be."""
    person = person_cells(after[config.input_tab])
    _, statuses, _ = expected(person, config)
    old, new = owned_cells(before, config), owned_cells(after, config)
    changed = {k for k in set(old) | set(new) if old.get(k, "") != new.get(k, "")}
    if not changed:
        return False
    wanted = {(config.input_tab, r, c): v for r, (s, m) in statuses.items()
              for c, v in ((STATUS_COL, s), (MESSAGE_COL, m))}
    should_change = {k for k, v in wanted.items() if old.get(k, "") != v}
    return not should_change <= changed


# ---------------------------------------------------------------- figures

@dataclass
class Figures:
    trials: list[dict[str, Any]] = field(default_factory=list)

    def add(self, trial: dict[str, Any]) -> None:
        self.trials.append(trial)

    def faults(self) -> dict[str, Any]:
        t = self.trials
        return {"syncs run": len(t),
                "completed, sheet correct": sum(x["outcome"] == "completed" and x["correct_after"] for x in t),
                "completed, sheet wrong": sum(x["outcome"] == "completed" and not x["correct_after"] for x in t),
                "failed cleanly (exit 3)": sum(x["outcome"] == "failed-clean" and x.get("clean", False) for x in t),
                "unclear failure messages": sum(x["outcome"] == "failed-clean" and not x.get("clean") for x in t),
                "crashes": sum(x["outcome"] == "crash" for x in t),
                "converged": sum(x["converged"] for x in t),
                "cells lost": sum(x["cells_lost"] for x in t),
                "half-written status sets": sum(bool(x["half_written"]) for x in t),
                "faults fired": sum(x["fired"] for x in t)}

    def races(self) -> dict[str, Any]:
        from races import race_figures          # races.py imports this module
        return race_figures(self.trials)
