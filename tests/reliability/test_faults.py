"""Faults: seeded random faults on the requests of a sync, from the emulator's fault injection.

Each of 200 syncs runs as a cron run would: a fresh key-file client (so the first
request goes to /token), one coordinator edit before it, one fault armed on one kind
of request (token, read, write, the verify after it, or a share of all of them):
429 with and without Retry-After, 500, 503, a slow answer past the timeout, a
connection reset mid-body, a token endpoint that refuses or stays down.

Promise: the sync completes with the correct sheet, or fails with SyncError (exit 3)
and a one-line message saying what to do; then the next sync makes the sheet correct.
No person-typed cell changes; sheetsync's cells are never half written.
"""

from __future__ import annotations

import time
from collections import Counter

import pytest

from harness import FAST, KINDS, TARGETS, Figures, fault_trial, key_client, owned_cells, sheet_problems
from sheetsync.sync.plan import CellChange
from sheetsync.sync.run import SyncError, SyncHooks
from sheetsync.sheets.transport import RetryPolicy

SYNCS = 200


def print_table(title: str, figures: dict) -> None:
    print(f"\n{title}")
    for name, value in figures.items():
        print(f"  {name:<40} {value}")


def test_200_seeded_faulted_syncs_converge_and_lose_nothing(bench):
    bench.fill(__import__("random").Random(0))
    bench.sync()
    figures = Figures()
    for seed in range(SYNCS):
        figures.add(fault_trial(bench, seed))
    f = figures.faults()
    print_table(f"faults: {SYNCS} seeded syncs", f)
    messages = Counter(t["message"].split(" (")[0] for t in figures.trials if t.get("message"))
    for text, n in messages.most_common():
        print(f"  {n:>3} x {text}")
    bad = [t for t in figures.trials if t["outcome"] == "crash" or not t["converged"] or t["cells_lost"]
           or (t["outcome"] == "completed" and not t["correct_after"])
           or t["half_written"] or (t["outcome"] == "failed-clean" and not t["clean"])]
    assert not bad, bad[:3]
    assert f["converged"] == SYNCS and f["cells lost"] == 0 and f["half-written status sets"] == 0
    # the faults really happened, of every kind and on every kind of request
    fired = Counter((t["target"], t["kind"]) for t in figures.trials if t["fired"])
    assert {k for _, k in fired} >= set(KINDS) and {t for t, _ in fired} == set(TARGETS), fired
    assert f["failed cleanly (exit 3)"] >= 10 and f["completed, sheet correct"] >= 100, f


def test_a_write_batch_with_one_bad_range_applies_nothing(bench):
    """Google applies a values:batchUpdate all-or-nothing; the emulator must too. A range on a
    missing tab is slipped into the middle of a real sync's write (after the statuses,
    before the summaries and the stamp): nothing of the batch may land."""
    rng = __import__("random").Random(99)
    bench.fill(rng)
    bench.sync()
    bench.edit_votes(rng, 4)
    before = bench.tabs()
    sizes = {}

    def poison(plan):
        sizes["cells"] = len(plan.changes)
        plan.changes.insert(len(plan.changes) // 2, CellChange("Tidak Ada", "'Tidak Ada'!B2", "", "x", None))
    with pytest.raises(SyncError) as info:
        bench.sync(hooks=SyncHooks(before_write=poison))
    print("poisoned batch:", info.value)
    assert sizes["cells"] >= 3                                  # a real batch of statuses was on its way
    after = bench.tabs()
    assert owned_cells(after, bench.config) == owned_cells(before, bench.config)
    assert after["Rekap Kecamatan"][:1] == before["Rekap Kecamatan"][:1]       # stamp untouched too
    assert sheet_problems(after, bench.config)                  # the edits are not yet reflected ...
    bench.sync()
    assert not sheet_problems(bench.tabs(), bench.config)       # ... and the next sync makes it right


def test_token_endpoint_down_is_an_outage_not_a_bad_key_and_keeps_the_deadline(bench):
    """google-auth tries the token endpoint 3 times (sleeping 1 s and 2 s); each try used to get
    a whole retry deadline of its own (167 s against a 60 s deadline). Now they share one."""
    bench.emu.inject_fault(path=TARGETS["token"], status=503, times=None)
    deadline = 1.5
    start = time.monotonic()
    try:
        with pytest.raises(SyncError) as info:
            bench.sync(client=key_client(bench.emu, bench.key, RetryPolicy(
                deadline_s=deadline, base_s=0.2, max_sleep_s=0.3, timeout_s=FAST.timeout_s, max_attempts=50)))
    finally:
        bench.emu.clear_faults()
    took = time.monotonic() - start
    text = str(info.value)
    print(f"token endpoint down: failed after {took:.1f} s (deadline {deadline} s): {text}")
    assert took < deadline + 3.3 + 1.5          # + google-auth's own sleeps (1 s, 2 s, 10% jitter)
    assert info.value.exit_code == 3 and "\n" not in text
    assert "token service is unavailable" in text and "run sync again" in text and "new key" not in text
