"""Shared machinery of the reliability suite and bench/soak.py.

Everything goes over real HTTP: sheetsync's own transport and gspread against the
emulator. Faults come from the emulator's fault injection, races from a second
gspread client in another thread. Nothing here mocks a library.

Two trials, each one seeded and self-contained:
- ``fault_trial``: a coordinator edits, one random fault is armed on one kind of
  request (token, read, key re-check, write, or a share of everything), sync runs.
- ``race_trial``: a coordinator edits from another thread at a random moment of a sync.
Both return a small dict of observations; ``Figures`` adds them up.
"""

from __future__ import annotations

import random
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Callable

import gspread
from google.oauth2 import service_account

from sheetsync import gsheets
from sheetsync.check import check
from sheetsync.issues import status_label
from sheetsync.plan import same_value
from sheetsync.rowid import norm
from sheetsync.sync import SyncError, SyncHooks, sync
from sheetsync.sync_desired import summary_origin
from sheetsync.transport import RetryPolicy, make_session
from sync_data import FULL_HEADER, config_for, tps_row, tps_sheet, wilayah

# What the secret scan (test_credentials, run last) looks through and looks for.
TRANSCRIPT: list[str] = []        # everything shown during the run (logs, output, failures)
EMULATORS: list[Any] = []         # every emulator started, to list the tokens it issued
PRIVATE_KEYS: list[str] = []      # every service-account private key handed out


def start_emulator(**kwargs: Any) -> Any:
    """A running emulator whose issued keys and tokens the secret scan will look for."""
    from sheetsync.emulator import Emulator
    emu = Emulator(**kwargs).start()
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
    from sheetsync.summaries import summary_tables
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

TARGETS = {"token": r"^/token$", "read": r"values:batchGet$", "recheck": r"values:batchGet$",
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

    hooks = SyncHooks(between_read_and_write=arm) if choice["target"] == "recheck" else None
    if choice["target"] != "recheck":
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


# ---------------------------------------------------------------- races

OPS = ("insert", "delete", "sort", "sort_input_only", "edit_key", "edit_vote", "clear_row", "duplicate")


def mutate_once(ws: gspread.Worksheet, rng: random.Random, n_rows: int) -> tuple[str, int]:
    """One coordinator edit (one API request); returns its name and the new row count."""
    op = rng.choice(OPS)
    last = n_rows + 1
    if op == "insert":
        ws.insert_rows([tps_row(*rng.choice(PLACES), rng.randint(1, 40), rng, FULL_HEADER)],
                       row=rng.randint(2, last + 1))
        n_rows += 1
    elif op == "delete" and n_rows > 2:
        ws.delete_rows(rng.randint(2, last))
        n_rows -= 1
    elif op in ("sort", "sort_input_only"):
        width = "Q" if op == "sort" else "O"            # a person may sort only their own columns
        ws.sort((rng.choice([1, 2, 3, 5, 9]), rng.choice(["asc", "des"])), range=f"A2:{width}{last}")
    elif op == "edit_key":
        r = rng.randint(2, last)
        if rng.random() < 0.5:
            ws.update([[str(rng.randint(1, 40))]], f"C{r}")
        else:
            ws.update([[rng.choice(PLACES)[1]]], f"B{r}")
    elif op == "edit_vote":
        ws.update([[str(rng.randint(0, 900))]], f"{rng.choice('IJKL')}{rng.randint(2, last)}")
    elif op == "clear_row":
        ws.batch_clear([f"A{rng.randint(2, last)}:O{rng.randint(2, last)}"])
    else:                                               # duplicate: a row typed twice
        line = tps_row(*rng.choice(PLACES), rng.randint(1, 12), rng, FULL_HEADER)
        ws.insert_rows([line, line], row=rng.randint(2, last + 1))
        n_rows += 2
        op = "duplicate"
    return op, n_rows


@dataclass
class OpLog:
    ops: list[tuple[str, float, float, list]] = field(default_factory=list)   # name, start, end, person after
    error: str | None = None


def _mutator(ws: gspread.Worksheet, rng: random.Random, start: Callable[[], None], log: OpLog,
             n_rows: int) -> None:
    try:
        start()
        for _ in range(rng.randint(1, 3)):
            t0 = time.perf_counter()
            op, n_rows = mutate_once(ws, rng, n_rows)
            t1 = time.perf_counter()
            # sync never writes a person's cells, so this read shows exactly this op's result
            log.ops.append((op, t0, t1, person_cells(ws.get_all_values())))
    except Exception as exc:  # noqa: BLE001 - reported as a harness error, never hidden
        log.error = f"{type(exc).__name__}: {exc}"


def identities(person: list[list[Any]], config: Any) -> dict[int, tuple[str, Any, tuple]]:
    """sheet row -> (kind, key text, content): kind "k" when the row's key text
    (kecamatan|kelurahan|No TPS, normalised) is complete and unique, else "c"."""
    keys = {}
    for r, line in enumerate(person[1:], start=2):
        cells = [norm(line[c]) if c < len(line) else "" for c in range(3)]
        keys[r] = "|".join(cells) if all(cells) else None
    counts = Counter(k for k in keys.values() if k)
    out = {}
    for r, line in enumerate(person[1:], start=2):
        content = tuple(trim([norm(v) for v in line[:N_INPUT]]))
        k = keys[r]
        out[r] = ("k" if k and counts[k] == 1 else "c", k, content)
    return out


BLANK_ROW = ("c", None, ())


def _moved(was: dict[int, tuple], now: dict[int, tuple], rows: list[int]) -> int:
    """Rows whose identity at write time is not the identity the status was computed for:
    same TPS key for rows with a unique key, same content for the others."""
    bad = 0
    for r in rows:
        # a row past the person-typed data (trimmed away) is a blank row, not a missing one
        a, b = was.get(r, BLANK_ROW), now.get(r, BLANK_ROW)
        if a[0] == "k":
            bad += int(b[1] != a[1])
        else:
            bad += int(b[2] != a[2])
    return bad


def race_trial(bench: Bench, seed: int, *, sync_s: float = 0.07) -> dict[str, Any]:
    """New votes, then a sync while another thread edits at a random moment.

    The sheet carries over from the trial before (which left it correct); it is
    refilled when edits have grown or shrunk it too far, or every 25 trials.
    """
    rng = random.Random(seed)
    config = bench.config
    rows = len(person_cells(bench.ws.get_all_values())) - 1
    if not 6 <= rows <= 16 or seed % 25 == 0:
        bench.fill(rng)
        bench.sync()
        rows = ROWS
    bench.edit_votes(rng, 3, rows)                      # statuses now have to change
    initial = person_cells(bench.ws.get_all_values())
    rows = len(initial) - 1
    marks: dict[str, Any] = {}
    after_read = threading.Event()
    moment = rng.choice(["random", "random", "after-read"])
    delay = rng.uniform(0, 1.5 * sync_s) if moment == "random" else rng.uniform(0, sync_s / 4)

    def start() -> None:
        if moment == "after-read":
            after_read.wait(5)
        time.sleep(delay)

    edits_done = threading.Event()

    def between() -> None:
        marks["between"] = time.perf_counter()
        after_read.set()
        if moment == "after-read":
            # Hold the sync until the coordinator's edits have landed, so this third of the
            # interleavings really puts them between the read and the key re-check, however
            # fast the sync is on the machine that runs it.
            edits_done.wait(5)

    def before_write(plan: Any) -> None:
        marks["write"] = time.perf_counter()
        marks["plan"] = plan

    log = OpLog()
    ws = bench.coordinator.open_by_key(bench.sheet_id).worksheet("TPS") if bench.coordinator_ws is None \
        else bench.coordinator_ws
    bench.coordinator_ws = ws
    def edit() -> None:
        try:
            _mutator(ws, rng, start, log, rows)
        finally:
            edits_done.set()

    thread = threading.Thread(target=edit, daemon=True)
    marks["start"] = time.perf_counter()
    thread.start()
    client = bench.emu.client()
    _time_requests(client.http_client.session, marks)
    report = bench.sync(client=client, hooks=SyncHooks(between_read_and_write=between, before_write=before_write))
    marks["end"] = time.perf_counter()
    after_read.set()
    thread.join(30)
    out: dict[str, Any] = {"seed": seed, "moment": moment, "ops": [o[0] for o in log.ops],
                           "error": log.error, "skipped": len(report.skipped_rows)}
    final = bench.ws.get_all_values()
    last_person = log.ops[-1][3] if log.ops else initial
    out["cells_lost"] = cells_differing(person_cells(final), last_person)
    out["window"] = _where(log, marks, report)
    written = sorted({c.row for c in marks["plan"].changes
                      if c.tab == config.input_tab and c.row > 1 and c.col == STATUS_COL}) \
        if "plan" in marks else []
    out["status_rows_written"] = len(written)
    out["wrong_row"], out["missed_by_recheck"] = \
        _misplaced(initial, log, marks, written, config) if written else (0, 0)
    if out["wrong_row"]:
        t0 = marks["start"]
        out["timeline_ms"] = {"requests (kind, sent, answered)": [
                                  (k, round((a - t0) * 1e3, 1), round((b - t0) * 1e3, 1)) for k, a, b in marks["calls"]],
                              "read done": round((marks.get("between", t0) - t0) * 1e3, 1),
                              "write sent": round((marks.get("write", t0) - t0) * 1e3, 1),
                              "sync end": round((marks["end"] - t0) * 1e3, 1),
                              "ops": [(o[0], round((o[1] - t0) * 1e3, 1), round((o[2] - t0) * 1e3, 1))
                                      for o in log.ops],
                              "written rows": written, "skipped": report.skipped_rows}
    out["syncs_to_correct"] = _syncs_to_correct(bench)
    return out


def _time_requests(session: Any, marks: dict) -> None:
    """Record when each request of the sync was sent and answered: marks["calls"] holds
    (kind, sent, answered), kind "read" for values:batchGet, "write" for values:batchUpdate.
    Wraps this one session object's request method; the library code runs unchanged."""
    marks["calls"] = []
    send = session.request

    def timed(method: str, url: str, *args: Any, **kwargs: Any) -> Any:
        kind = "read" if "values:batchGet" in url else "write" if "values:batchUpdate" in url else "other"
        sent = time.perf_counter()
        try:
            return send(method, url, *args, **kwargs)
        finally:
            marks["calls"].append((kind, sent, time.perf_counter()))
    session.request = timed


def _where(log: OpLog, marks: dict, report: Any) -> str:
    """Where the coordinator's edits landed relative to the sync's read and write."""
    if not log.ops:
        return "none"
    read_done = marks["start"] + report.timings.get("lock", 0) + report.timings.get("read", 0)
    write = marks.get("write", marks["end"])
    first, last = log.ops[0][1], log.ops[-1][2]
    if last < read_done:
        return "before read"
    if first > marks["end"]:
        return "after write"
    if first > read_done and last < write:
        return "between read and write"
    return "overlapping read or write"


def _misplaced(initial: list, log: OpLog, marks: dict, written: list[int], config: Any) -> tuple[int, int]:
    """(statuses on the wrong row, of them missed by the key re-check).

    The read saw state S_j, the key re-check S_m, the write landed on S_k (S_0 =
    before any edit, S_i = after edit i). Timestamps bound j, m and k; an edit in
    flight during a request leaves two candidates. Each count is the least that any
    consistent j <= m <= k allows: a misplacement counts only when no order excuses it.
    - wrong row: the row at write time is not the row the status was computed for;
    - missed: the re-check saw a different row and still let the status through.
    A wrong row that is not missed happened after the re-check: the remaining window.
    """
    states = [initial] + [o[3] for o in log.ops]
    starts = [o[1] for o in log.ops]
    ends = [o[2] for o in log.ops]
    t_end = marks["end"]
    reads = [(sent, answered) for kind, sent, answered in marks.get("calls", []) if kind == "read"]
    writes = [(sent, answered) for kind, sent, answered in marks.get("calls", []) if kind == "write"]

    def candidates(lo: float, hi: float) -> range:
        surely_before = sum(1 for e in ends if e < lo)
        maybe_before = sum(1 for s in starts if s < hi)
        return range(surely_before, maybe_before + 1)
    ids = [identities(s, config) for s in states]
    read_j = candidates(*(reads[0] if reads else (marks["start"], t_end)))
    recheck_m = candidates(*(reads[1] if len(reads) > 1 else (marks.get("between", marks["start"]), t_end)))
    write_k = candidates(*(writes[0] if writes else (marks.get("write", t_end), t_end)))
    wrong = min((_moved(ids[j], ids[k], written) for j in read_j for k in write_k
                 if k >= j and any(j <= m <= k for m in recheck_m)), default=0)
    missed = min((_moved(ids[j], ids[m], written) for j in read_j for m in recheck_m
                  if m >= j and any(k >= m for k in write_k)), default=0)
    return wrong, missed


def _syncs_to_correct(bench: Bench, limit: int = 5) -> int:
    """Syncs (no edits in between) until the sheet is right again. The goal is 1; 0 is
    not told apart from 1 (that would cost one more check per trial)."""
    for n in range(1, limit + 1):
        bench.sync()
        if not sheet_problems(bench.tabs(), bench.config):
            return n
    return limit + 1


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
        t = self.trials
        syncs = Counter(x["syncs_to_correct"] for x in t)
        return {"interleavings": len(t),
                "statuses on the wrong row": sum(x["wrong_row"] for x in t),
                "wrong row: missed by the key re-check": sum(x["missed_by_recheck"] for x in t),
                "wrong row: after the re-check (remaining window)":
                    sum(max(0, x["wrong_row"] - x["missed_by_recheck"]) for x in t),
                "person-typed cells lost or overwritten": sum(x["cells_lost"] for x in t),
                "max syncs until correct": max(syncs) if syncs else 0,
                "syncs until correct (count)": dict(sorted(syncs.items())),
                "edits landing": dict(Counter(x["window"] for x in t)),
                "status cells written": sum(x["status_rows_written"] for x in t),
                "rows skipped by the re-check": sum(x["skipped"] for x in t),
                "harness errors": sum(bool(x["error"]) for x in t)}
