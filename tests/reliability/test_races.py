"""Races: a second real gspread client, in another thread, inserts, deletes, sorts,
edits, duplicates or clears rows at random moments of a sync (a third of them timed
to start right after sync's read).

Measured over 200 interleavings (races.py says exactly how):
- statuses on the wrong row when the sync finished: every status cell the sync wrote,
  followed through the coordinator's moves to where it stood at the sync's last
  request (the final verify), is on a row this sync computed it for, or blank;
- transient: statuses written onto a moved row when the first write landed, which the
  verify after the write must find and the repair put right within the same sync;
- person-typed cells overwritten or lost;
- syncs until the sheet is correct again, with no more edits.
Goal: 0, 0, one more sync; and the race must really happen (transient > 0).
"""

from __future__ import annotations

from collections import Counter

from harness import Figures
from races import race_trial
from sync_data import OPS
from test_faults import print_table

INTERLEAVINGS = 200


def test_200_threaded_interleavings_misplace_nothing_and_lose_nothing(bench):
    bench.fill(__import__("random").Random(0))
    bench.sync()
    figures = Figures()
    for seed in range(INTERLEAVINGS):
        figures.add(race_trial(bench, seed))
    f = figures.races()
    print_table(f"races: {INTERLEAVINGS} interleavings", f)
    for t in figures.trials:
        if t["wrong_row"]:
            print("  misplaced:", t)
    assert f["harness errors"] == 0, [t["error"] for t in figures.trials if t["error"]][:3]
    assert f["person-typed cells lost or overwritten"] == 0
    assert f["statuses on the wrong row when the sync finished"] == 0, \
        [t for t in figures.trials if t["wrong_row"]][:3]
    assert f["max syncs until correct"] == 1, f["syncs until correct (count)"]
    # the races really happened: every kind of edit, many inside the read -> write window,
    # statuses landing on moved rows there, and the verify finding them
    ops = Counter(op for t in figures.trials for op in t["ops"])
    assert all(ops[op] >= 10 for op in OPS), ops
    assert f["edits landing"].get("between read and write", 0) >= INTERLEAVINGS // 10, f["edits landing"]
    assert f["statuses on a moved row when the first write landed (transient)"] > 10, f
    assert f["syncs whose verify found moved rows"] > 10 and f["status cells written"] > 100, f
