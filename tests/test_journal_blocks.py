"""The block cache (journal_state): a sync compares only the blocks whose digest
matches none of the last read. With tiny blocks (about 3 rows), random edit
sequences must give exactly what a comparison of everything gives: replay,
warnings, vanished rows, the cache itself."""
from __future__ import annotations

from datetime import timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import sheetsync.journal.state as state_mod
from sheetsync.journal.guard import _vanished
from sheetsync.journal.store import Journal
from sheetsync.journal.queries import CAV_CODE, ok_keys
from test_journal import CONFIG, EDIT, HEADER, ROW, T0, _state_matches_the_read, apply, expected, tab


@pytest.fixture
def tiny_blocks(monkeypatch):
    monkeypatch.setattr(state_mod, "BLOCK", 3)


def _warnings(j, t):
    return {(w.params["tps"], w.field, w.params["old"], w.params["new"], w.row)
            for w in j.changed_after_verification("S", t, CONFIG) if w.code == CAV_CODE}


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(start=st.lists(ROW, min_size=4, max_size=16),
       syncs=st.lists(st.tuples(st.lists(EDIT, max_size=3), st.booleans(), st.integers(0, 3)),
                      min_size=1, max_size=7))
def test_blocks_agree_with_a_full_comparison(tmp_path_factory, tiny_blocks, start, syncs):
    path = tmp_path_factory.mktemp("blocks") / "j.sqlite"
    grid = [list(HEADER)] + [list(r) for r in start]
    j = Journal(path)
    try:
        for i, (edits, fresh, ok_mod) in enumerate([([], False, 1)] + syncs):
            for e in edits:
                grid = apply([list(r) for r in grid], e)
            if fresh:                                  # the next sync's process
                j.close()
                j = Journal(path)
            t = tab(grid)
            ok = ok_keys(t, {p: "OK" for p in t.positions.values() if ok_mod == 0 or p % (ok_mod + 1)})
            if i:
                last = j.last("S")
                gone = _vanished(last, t)
                with Journal(path) as other:           # the same questions, everything loaded
                    full = other.snapshot("S", i)
                    assert sorted(gone) == sorted((k, full.positions[k]) for k in full.rows
                                                  if k not in t.rows)
                    assert len(last.rows) == len(full.rows)
                    other._state(1, complete=True)
                    want = _warnings(other, t)
                assert _warnings(j, t) == want
            j.record_tab(spreadsheet="S", config_name="t", tab=t, at=T0 + timedelta(minutes=i),
                         ok_rows=ok)
            assert j.snapshot("S", i + 1).values() == expected(grid)
            assert j.ok_at("S", i + 1) == ok
            with Journal(path) as other:
                _state_matches_the_read(other._state(1, complete=True), t, ok)
    finally:
        j.close()


def test_an_edit_reads_and_writes_one_block(tmp_path):
    """The point of the blocks: one edited row costs one record, not the tab."""
    from test_journal import _big_grid
    path = tmp_path / "j.sqlite"
    g = _big_grid(state_mod.BLOCK * 10, 2)
    with Journal(path) as j:
        j.record_tab(spreadsheet="S", config_name="t", tab=tab(g), at=T0)
    g[state_mod.BLOCK * 4 + 3][2] = "499"
    with Journal(path) as j:
        t = tab(g)
        assert j.changed_after_verification("S", t, CONFIG) == []
        state = j._state(1)
        assert len(state.blocks) == 1 and not state.complete
        j.record_tab(spreadsheet="S", config_name="t", tab=t, at=T0 + timedelta(minutes=1))
        assert len(state.blocks) == 1 and not state.complete and len(state.delta.blocks) == 1
        edited = f"31.73.01.1001/{state_mod.BLOCK * 4 + 3:03d}"
        assert [(c.tps_key, c.new) for c in j.diff("S", 1).changes] == [(edited, "499")]


@pytest.mark.parametrize("change", ["delete", "insert", "blank"])
def test_a_row_deleted_or_inserted_mid_sheet_costs_the_blocks_around_it(tmp_path, change):
    """Content-defined blocks: the blocks after the change keep their digests,
    wherever they now sit; the others are neither loaded nor rewritten."""
    from test_journal import _big_grid
    path = tmp_path / "j.sqlite"
    g = _big_grid(state_mod.BLOCK * 30, 5)
    with Journal(path) as j:
        j.record_tab(spreadsheet="S", config_name="t", tab=tab(g), at=T0)
    mid = state_mod.BLOCK * 15
    if change == "delete":
        del g[mid]
    elif change == "insert":
        g.insert(mid, ["31.73.01.1002", "7", "321", "", "", "", ""])
    else:
        g.insert(mid, [""] * len(g[1]))
    with Journal(path) as j:
        t = tab(g)
        j.changed_after_verification("S", t, CONFIG)
        state = j._state(1)
        assert len(state.blocks) <= 3 and not state.complete     # 1-2 blocks of the last read
        j.record_tab(spreadsheet="S", config_name="t", tab=t, at=T0 + timedelta(minutes=1))
        assert len(state.delta.blocks) <= 2 and not state.complete
    with Journal(path) as j:
        assert j.snapshot("S", 2).values() == expected(g)
        _state_matches_the_read(j._state(1, complete=True), t, set())
        d = j.diff("S", 1)
        assert d.removed == ([f"31.73.01.1001/{mid:03d}"] if change == "delete" else [])
        assert d.added == (["31.73.01.1002/007"] if change == "insert" else []) and not d.changes


def test_digests_only_when_the_hashed_text_is_unambiguous():
    from sheetsync.journal.tab import block_digests
    keys, lines = ["a", None, "b"], ["1\x1f2", "\x1f", "3\x1f"]
    assert block_digests(keys, lines, [2, 3]) == block_digests(keys, lines, [2, 3], plain=True)
    assert len(block_digests(keys, lines, [2, 3])) == 2 and block_digests([], [], []) == []
    assert block_digests(keys, ["1\x1e2", "", ""], [2, 3]) is None          # RS inside a cell
    assert block_digests(["a\x1db", None, "b"], lines, [2, 3]) is None      # GS inside a key
    moved = block_digests(["a", "b", None], ["1\x1f2", "3\x1f", "\x1f"], [2, 3])
    assert moved[0] != block_digests(keys, lines, [2, 3])[0]


def test_block_cuts_follow_the_keys_not_the_positions():
    from sheetsync.journal.tab import block_cuts
    keys = [f"31.73.01.{1000 + i // 40}/{i % 40 + 1:03d}" for i in range(2000)]
    ends = block_cuts(keys, 16)
    sizes = [e - s for s, e in zip([0, *ends], ends)]
    assert ends[-1] == len(keys) and max(sizes) <= 64 and 10 < len(keys) / len(ends) < 25
    moved = block_cuts(keys[:500] + keys[501:], 16)            # one row deleted mid-sheet
    assert {e - 1 for e in ends if e > 520} == {e for e in moved if e > 519}
    blanks = block_cuts(keys[:10] + [None] * 200 + keys[10:20], 16)
    assert all(b - a <= 64 for a, b in zip([0, *blanks], blanks)) and blanks[-1] == 220
    assert block_cuts(keys[:50], 3) == block_cuts(keys[:50], 3) and block_cuts([], 16) == []


def test_a_cell_holding_the_record_separator_is_journaled_exactly(tmp_path):
    """Such a tab has no digests: every sync compares everything, and still replays exactly."""
    from test_journal import base_grid
    g = base_grid()
    g[1][4] = "Bu\x1edi"
    with Journal(tmp_path / "j.sqlite") as j:
        t = tab(g)
        assert t.digests(state_mod.BLOCK) is None
        j.record_tab(spreadsheet="S", config_name="t", tab=t, at=T0)
        g[2][3] = "121"
        j.record_tab(spreadsheet="S", config_name="t", tab=tab(g), at=T0 + timedelta(minutes=1))
    with Journal(tmp_path / "j.sqlite") as j:
        assert j.snapshot("S", 2).values() == expected(g)
        assert [(c.tps_key, c.new) for c in j.diff("S", 1).changes] == [("31.73.01.1001/002", "121")]


def test_a_last_read_asked_before_a_record_keeps_showing_that_read(tmp_path):
    """last() is lazy; once a newer sync is recorded it is rebuilt from the history."""
    from test_journal import _big_grid
    g = _big_grid(40, 4)
    with Journal(tmp_path / "j.sqlite") as j:
        j.record_tab(spreadsheet="S", config_name="t", tab=tab(g), at=T0)
        before = j.last("S")
        first = tab(g)
        del g[5:30]                                            # 25 of 40 rows deleted
        j.record_tab(spreadsheet="S", config_name="t", tab=tab(g), at=T0 + timedelta(minutes=1))
        assert before.vanished_of(tab(g)) is None             # the cache moved on
        assert set(before.rows) == set(first.rows) and dict(before.positions) == first.positions
        assert len(_vanished(before, tab(g))) == 25
        assert len(_vanished(j.last("S"), tab(g))) == 0


def test_equal_blocks_are_each_matched_once():
    from sheetsync.journal.state import _match
    a, b, c = b"a" * 16, b"b" * 16, b"c" * 16
    assert _match([a, b, c], [c, a, b, b]) == [2, 0, 1, None]
    assert _match([a, b, a], [a, a, c]) == [0, 2, None]      # two equal blocks: in order
    assert _match([a], [a, a]) == [0, None]


def test_long_runs_of_blank_rows_replay_exactly(tmp_path, tiny_blocks):
    """Blank runs longer than the cap make equal blocks (same digest) in the same read."""
    from test_journal import _big_grid
    g = _big_grid(30, 3)
    blank = [""] * len(g[1])
    g[5:5] = [list(blank) for _ in range(40)]
    g[60:60] = [list(blank) for _ in range(40)]
    path = tmp_path / "j.sqlite"
    for i, edit in enumerate([None, ("delete", 3), ("insert", 30), ("blanks", 70), ("delete", 100)]):
        if edit and edit[0] == "delete":
            del g[edit[1]]
        elif edit and edit[0] == "insert":
            g.insert(edit[1], ["31.73.01.1002", str(i), "9", "", "", "", ""])
        elif edit:
            g[edit[1]:edit[1]] = [list(blank) for _ in range(15)]
        with Journal(path) as j:
            t = tab(g)
            j.record_tab(spreadsheet="S", config_name="t", tab=t, at=T0 + timedelta(minutes=i))
        with Journal(path) as j:
            assert j.snapshot("S", i + 1).values() == expected(g)
            _state_matches_the_read(j._state(1, complete=True), t, set())


KEYS = st.lists(st.one_of(st.none(), st.sampled_from([f"k{i}" for i in range(40)])), max_size=60)


@settings(max_examples=300, deadline=None)
@given(before=KEYS, edits=st.lists(st.tuples(st.sampled_from(["del", "ins", "set", "line"]),
                                             st.integers(0, 80), st.sampled_from([None, "x1", "x2", "k3"])),
                                   max_size=4), size=st.sampled_from([3, 4, 16]))
def test_cuts_from_the_last_read_are_exactly_the_cuts_from_scratch(before, edits, size):
    """hinted_blocks never returns other blocks than block_cuts would make."""
    from sheetsync.journal.tab import block_cuts, block_digests, hinted_blocks
    seen, keys = set(), []
    for k in before:                                   # keys of one read are unique
        keys.append(None if k is None or k in seen else k)
        seen.add(k)
    lines = ["a" if k else "\x1f" for k in keys]
    ends = block_cuts(keys, size)
    digests = block_digests(keys, lines, ends)
    new_keys, new_lines = list(keys), list(lines)
    for op, at, key in edits:
        at = at % (len(new_keys) + 1)
        key = None if key in new_keys else key
        if op == "ins":
            new_keys.insert(at, key)
            new_lines.insert(at, "b" if key else "\x1f")
        elif at < len(new_keys):
            if op == "del":
                del new_keys[at], new_lines[at]
            elif op == "set":
                new_keys[at] = key
            elif new_keys[at]:
                new_lines[at] = "c"
    while new_keys and new_keys[-1] is None:           # a read ends with its last filled row
        new_keys.pop()
        new_lines.pop()
    got = hinted_blocks(new_keys, new_lines, size, False, ends, digests)
    want = block_cuts(new_keys, size)
    assert got is None or got == (want, block_digests(new_keys, new_lines, want))
    if new_keys == keys:
        assert got is not None or not keys             # nothing moved: the old cuts hold
