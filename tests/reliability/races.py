"""Race trials for the reliability suite and bench/soak.py.

A coordinator's client edits the input tab from another thread at a random moment of
a sync (a third of the trials right after sync's read). The sync's requests and the
coordinator's edits go over one lock (``Wire``): they reach the sheet one at a time,
in an order the harness knows exactly. Google applies requests one at a time too, so
this changes no outcome; it only takes the guessing out of "which came first".

Each status cell the sync writes (taken from its write requests' bodies) is followed
through the coordinator's later inserts, deletes and sorts, and judged against the sheet
as it stood at the sync's LAST request (its final verify): edits that land after the
sync has finished are not the sync's doing (a status written there travels with its
row; a person sorting only the input columns moves it off its row, and the next sync
puts it back) and are not judged. Two figures:
- wrong row when the sync finished: a status cell written by the sync that, at the end,
  is on a row whose identity (unique TPS key text, else the row's content) is not one
  this sync computed that status for. Blank is never wrong (a row left for the next sync);
- transient: a status written onto a moved row when the first write landed (what the
  verify after the write must find and the repair must put right).
"""

from __future__ import annotations

import json
import random
import threading
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any, Callable

import gspread

from harness import (MESSAGE_COL, N_INPUT, PLACES, STATUS_COL, Bench, expected, person_cells,
                     cells_differing, sheet_problems, trim)
from sync_data import mutate_once
from sheetsync.core import a1
from sheetsync.sync.rowid import norm
from sheetsync.sync.run import SyncHooks

OWNED = (STATUS_COL, MESSAGE_COL)
BLANK_ROW = ("c", None, ())


@dataclass
class Op:
    name: str
    move: tuple
    person: list            # the person-typed cells right after it


@dataclass
class Call:
    kind: str               # "read" (values:batchGet), "write" (values:batchUpdate) or "other"
    ops_before: int         # coordinator edits applied before this request
    cells: list             # write: (row, col, value) on the input tab
    sent: float
    answered: float


@dataclass
class Wire:
    """The order in which the sync's requests and the coordinator's edits reached the sheet."""
    lock: threading.Lock = field(default_factory=threading.Lock)
    ops: list[Op] = field(default_factory=list)
    calls: list[Call] = field(default_factory=list)
    error: str | None = None


def _coordinator(ws: gspread.Worksheet, rng: random.Random, start: Callable[[], None], wire: Wire,
                 n_rows: int) -> None:
    try:
        start()
        for _ in range(rng.randint(1, 3)):
            with wire.lock:
                name, move, n_rows = mutate_once(ws, rng, n_rows, PLACES)
                # sync never writes a person's cells, so this read shows exactly this edit's result
                wire.ops.append(Op(name, move, person_cells(ws.get_all_values())))
    except Exception as exc:  # noqa: BLE001 - reported as a harness error, never hidden
        wire.error = f"{type(exc).__name__}: {exc}"


def _wire_session(session: Any, wire: Wire, tab: str) -> None:
    """Send each of the sync's requests under the wire's lock and record it (a write with
    the input-tab cells of its body). Wraps this one session object; the library runs unchanged."""
    send = session.request

    def request(method: str, url: str, *args: Any, **kwargs: Any) -> Any:
        kind = "read" if "values:batchGet" in url else "write" if "values:batchUpdate" in url else "other"
        with wire.lock:
            sent = time.perf_counter()
            try:
                return send(method, url, *args, **kwargs)
            finally:
                cells = _body_cells(kwargs, tab) if kind == "write" else []
                wire.calls.append(Call(kind, len(wire.ops), cells, sent, time.perf_counter()))
    session.request = request


def _body_cells(kwargs: dict, tab: str) -> list[tuple[int, int, Any]]:
    body = kwargs.get("json") or json.loads(kwargs.get("data") or b"{}")
    out = []
    for item in body.get("data", []):
        where, ref = a1.split_range(item["range"])
        if where != tab:
            continue
        top, left = a1.parse_cell(ref.split(":", 1)[0])
        out.extend((top + i, left + j, v) for i, line in enumerate(item.get("values", []))
                   for j, v in enumerate(line))
    return out


# ---------------------------------------------------------------- one trial

def race_trial(bench: Bench, seed: int, *, sync_s: float = 0.07) -> dict[str, Any]:
    """New votes, then a sync while another thread edits at a random moment.

    The sheet carries over from the trial before (which left it correct); it is
    refilled when edits have grown or shrunk it too far, or every 25 trials.
    """
    rng = random.Random(seed)
    rows = len(person_cells(bench.ws.get_all_values())) - 1
    if not 6 <= rows <= 16 or seed % 25 == 0:
        bench.fill(rng)
        bench.sync()
    bench.edit_votes(rng, 3, len(person_cells(bench.ws.get_all_values())) - 1)   # statuses have to change
    initial = person_cells(bench.ws.get_all_values())
    after_read, edits_done = threading.Event(), threading.Event()
    moment = rng.choice(["random", "random", "after-read"])
    delay = rng.uniform(0, 1.5 * sync_s) if moment == "random" else rng.uniform(0, sync_s / 4)

    def start() -> None:
        if moment == "after-read":
            after_read.wait(5)
        time.sleep(delay)

    def between() -> None:
        after_read.set()
        if moment == "after-read":
            # Hold the sync until the coordinator's edits have landed, so this third of the
            # trials really puts them between the read and the write, however fast the sync.
            edits_done.wait(5)

    wire = Wire()
    if bench.coordinator_ws is None:
        bench.coordinator_ws = bench.coordinator.open_by_key(bench.sheet_id).worksheet("TPS")

    def edit() -> None:
        try:
            _coordinator(bench.coordinator_ws, rng, start, wire, len(initial) - 1)
        finally:
            edits_done.set()

    thread = threading.Thread(target=edit, daemon=True)
    thread.start()
    client = bench.emu.client()
    _wire_session(client.http_client.session, wire, bench.config.input_tab)
    report = bench.sync(client=client, hooks=SyncHooks(between_read_and_write=between))
    after_read.set()
    thread.join(30)
    final = bench.ws.get_all_values()
    out: dict[str, Any] = {"seed": seed, "moment": moment, "ops": [o.name for o in wire.ops], "error": wire.error,
                           "verified": report.verified, "repair_rounds": report.repair_rounds,
                           "repaired": len(report.repaired_rows), "left_over": len(report.skipped_rows)}
    out["cells_lost"] = cells_differing(person_cells(final), wire.ops[-1].person if wire.ops else initial)
    out.update(judge(initial, wire, bench.config))
    if out["wrong_row"]:
        out["timeline"] = {"calls (kind, edits before)": [(c.kind, c.ops_before) for c in wire.calls],
                           "ops": [(o.name, o.move) for o in wire.ops], "repaired": report.repaired_rows,
                           "left over": report.skipped_rows}
    out["syncs_to_correct"] = _syncs_to_correct(bench)
    return out


def _syncs_to_correct(bench: Bench, limit: int = 5) -> int:
    """Syncs (no edits in between) until the sheet is right again. The goal is 1; 0 is
    not told apart from 1 (that would cost one more check per trial)."""
    for n in range(1, limit + 1):
        bench.sync()
        if not sheet_problems(bench.tabs(), bench.config):
            return n
    return limit + 1


# ---------------------------------------------------------------- judging

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


def same_row(was: tuple, now: tuple) -> bool:
    """The same row: same TPS key for rows with a unique key, same content for the others."""
    return now[1] == was[1] if was[0] == "k" else now[2] == was[2]


def judge(initial: list, wire: Wire, config: Any) -> dict[str, Any]:
    """Follow every status cell the sync wrote to where it stood at the sync's last request."""
    states = [initial] + [o.person for o in wire.ops]
    ids = [identities(s, config) for s in states]
    calls = [c for c in wire.calls if c.kind != "other"]
    writes = [c for c in calls if c.kind == "write"]
    out = {"window": _window(wire, calls), "status_rows_written": 0, "transient": 0, "wrong_row": 0, "left_blank": 0,
           "edits_after_sync": len(wire.ops) - (calls[-1].ops_before if calls else 0)}
    if not calls or not writes:
        return out
    read_at = calls[0].ops_before
    _, statuses, _ = expected(states[read_at], config)
    wanted = [(ids[read_at][r], pair) for r, pair in statuses.items() if r in ids[read_at]]
    first = writes[0]
    firsts = {r for r, c, v in first.cells if c == STATUS_COL and r > 1 and v != ""}
    out["status_rows_written"] = len(firsts)
    out["transient"] = sum(not same_row(ids[read_at].get(r, BLANK_ROW), ids[first.ops_before].get(r, BLANK_ROW))
                           for r in firsts)
    tracked: dict[tuple[int, int], Any] = {}
    applied = 0
    for call in calls:
        for i in range(applied + 1, call.ops_before + 1):
            tracked = _carry(tracked, wire.ops[i - 1].move, states[i - 1], states[i])
        applied = call.ops_before
        if call.kind == "write":
            tracked.update({(r, c): v for r, c, v in call.cells if c in OWNED and r > 1})
    out["wrong_row"], out["left_blank"] = _wrong_rows(tracked, ids[applied], wanted)
    return out


def _carry(tracked: dict, move: tuple, before: list, after: list) -> dict:
    """Where each tracked status cell is after one coordinator edit."""
    if not move:
        return tracked
    if move[0] == "insert":
        _, at, n = move
        return {(r + n if r >= at else r, c): v for (r, c), v in tracked.items()}
    if move[0] == "delete":
        return {(r - 1 if r > move[1] else r, c): v for (r, c), v in tracked.items() if r != move[1]}
    # a whole-row sort: match rows by content (rows with equal content are the same identity)
    height = max(len(before), len(after))
    pad = [()] * height
    old = [tuple(line) for line in before] + pad[len(before):]
    new = [tuple(line) for line in after] + pad[len(after):]
    where: dict[tuple, list[int]] = defaultdict(list)
    for r in range(2, height + 1):
        where[old[r - 1]].append(r)
    to = {}
    for q in range(2, height + 1):
        if where[new[q - 1]]:
            to[where[new[q - 1]].pop(0)] = q
    return {(to.get(r, r), c): v for (r, c), v in tracked.items()}


def _wrong_rows(tracked: dict, now: dict[int, tuple], wanted: list[tuple[tuple, tuple]]) -> tuple[int, int]:
    """(rows showing a written, non-blank owned cell that is not this sync's for the row there,
    rows whose status the sync blanked although it had computed one for the row there)."""
    wrong, blank = set(), set()
    for (r, c), value in tracked.items():
        here = now.get(r, BLANK_ROW)
        k = OWNED.index(c)
        own = [pair[k] for was, pair in wanted if same_row(was, here)]
        if value == "":
            if c == STATUS_COL and any(own):
                blank.add(r)
        elif value not in own:
            wrong.add(r)
    return len(wrong), len(blank)


def _window(wire: Wire, calls: list[Call]) -> str:
    """Where the coordinator's edits landed relative to the sync's read, first write and end."""
    if not wire.ops or not calls:
        return "none"
    read = calls[0].ops_before
    write = next((c.ops_before for c in calls if c.kind == "write"), calls[-1].ops_before)
    end = calls[-1].ops_before
    if write > read:
        return "between read and write"
    if end > write:
        return "between write and final verify"
    if read == len(wire.ops):
        return "before read"
    return "after the sync" if read == 0 else "before read and after the sync"


def race_figures(trials: list[dict[str, Any]]) -> dict[str, Any]:
    t = trials
    syncs = Counter(x["syncs_to_correct"] for x in t)
    return {"interleavings": len(t),
            "statuses on the wrong row when the sync finished": sum(x["wrong_row"] for x in t),
            "statuses on a moved row when the first write landed (transient)": sum(x["transient"] for x in t),
            "syncs whose verify found moved rows": sum(x["verified"] is False for x in t),
            "rows repaired / repair writes": (sum(x["repaired"] for x in t), sum(x["repair_rounds"] for x in t)),
            "rows left for the next sync (reported)": sum(x["left_over"] for x in t),
            "statuses left blank for the next sync (row read, status cleared)": sum(x["left_blank"] for x in t),
            "person-typed cells lost or overwritten": sum(x["cells_lost"] for x in t),
            "max syncs until correct": max(syncs) if syncs else 0,
            "syncs until correct (count)": dict(sorted(syncs.items())),
            "edits landing": dict(Counter(x["window"] for x in t)),
            "edits after the sync finished (not judged)": sum(x["edits_after_sync"] for x in t),
            "status cells written": sum(x["status_rows_written"] for x in t),
            "harness errors": sum(bool(x["error"]) for x in t)}
