"""Pure journal tests: SQLite file, recording, replay, history, diff, verification."""
from __future__ import annotations

import os
import sqlite3
import stat
import subprocess
import sys
import textwrap
from datetime import datetime, timedelta, timezone
from types import SimpleNamespace

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sheetsync.core.config import Column
from sheetsync.journal.store import Journal, JournalError, default_path, journal_path
from sheetsync.journal.queries import CAV_CODE, ok_keys
from sheetsync.journal.tab import read_tab

T0 = datetime(2024, 11, 27, 6, 0, tzinfo=timezone.utc)
HEADER = ["Kode", "TPS", "DPT", "Paslon 1", "Nama Saksi", "Status", "Keterangan"]
CONFIG = SimpleNamespace(
    header_row=1, status_header="Status", message_header="Keterangan", language="id", input_tab="Input",
    guard_max_deleted_share=0.10,
    columns=(Column("kode", "Kode", "code"), Column("tps", "TPS", "tps"),
             Column("dpt", "DPT", "integer"), Column("paslon_1", "Paslon 1", "integer"),
             Column("saksi", "Nama Saksi", "text", personal=True)))


def keys_of(grid: list[list[str]]) -> SimpleNamespace:
    """Stand-in for the core's CheckResult: a row is keyed when Kode and TPS
    are both filled and TPS is a number (else it is a 'junk' row)."""
    keys = {}
    for i, row in enumerate(grid[1:], start=2):
        row = list(row) + [""] * 2
        if any(row) and row[0] and str(row[1]).isdigit():
            keys[i] = f"{row[0]}/{int(row[1]):03d}"
        elif any(row):
            keys[i] = None
    return SimpleNamespace(rows=pd.DataFrame({"tps_key": pd.Series(keys, dtype=object)}), header=None)


def tab(grid):
    return read_tab(grid, CONFIG, keys_of(grid))


def rec(j, grid, n_min=0, sheet="S1", ok=(), good=True):
    return j.record_tab(spreadsheet=sheet, config_name="test", tab=tab(grid),
                        at=T0 + timedelta(minutes=n_min), ok_rows=ok, good=good)


def expected(grid):
    """The grid as the journal promises to give it back: the header row as read,
    owned columns blank below it, trailing blanks trimmed."""
    header = grid[0]
    out = [list(header)] + [[("" if h in ("Status", "Keterangan") else c) for h, c in zip(header, r)]
                            for r in grid[1:]]
    out = [r[: max([i + 1 for i, c in enumerate(r) if c] or [0])] for r in out]
    while out and not any(out[-1]):
        out.pop()
    return out


def base_grid():
    return [HEADER,
            ["31.73.01.1001", "1", "250", "", "Budi", "BELUM DIISI", ""],
            ["31.73.01.1001", "2", "300", "120", "Sari", "OK", ""],
            ["31.73.01.1002", "1", "280", "", "", "", ""]]


@pytest.fixture
def j(tmp_path):
    with Journal(tmp_path / "j.sqlite") as journal:
        yield journal


def test_file_is_owner_only_and_wal(tmp_path):
    path = tmp_path / "sub" / "journal.sqlite"
    with Journal(path) as j:
        rec(j, base_grid())
        assert j.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    for p in (path, f"{path}-wal"):
        if os.path.exists(p):
            assert stat.S_IMODE(os.stat(p).st_mode) == 0o600


def test_default_path_per_user(monkeypatch, tmp_path):
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path))
    assert default_path() == tmp_path / "sheetsync" / "journal.sqlite"
    assert journal_path(SimpleNamespace(journal_path="~/x.sqlite", source="preset:x")) == \
        journal_path(None, "~/x.sqlite")
    cfg = SimpleNamespace(journal_path="data/j.sqlite", source=str(tmp_path / "conf" / "s.toml"))
    assert journal_path(cfg) == tmp_path / "conf" / "data" / "j.sqlite"     # next to the config
    assert journal_path(SimpleNamespace(journal_path=None, source="preset:x")) == default_path()
    monkeypatch.delenv("XDG_STATE_HOME")
    assert ".local/state/sheetsync" in str(default_path())


def test_unwritable_path_is_one_line_error(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(JournalError) as err:
        Journal(blocker / "journal.sqlite")
    assert "\n" not in str(err.value)


def test_first_sync_full_then_only_changes(j):
    g = base_grid()
    assert rec(j, g) == 1
    first = j.db.execute("SELECT count(*) FROM cells").fetchone()[0]
    assert first == sum(1 for r in g[1:] for c in r[:5] if c)      # every filled cell, no owned one
    g[1][3] = "100"                 # one cell filled
    g[2][2] = ""                    # one cell blanked
    g[2][5] = "PERIKSA"             # an owned column: not journaled
    assert rec(j, g, 1) == 2
    assert j.db.execute("SELECT count(*) FROM cells").fetchone()[0] == first + 2
    rec(j, g, 2)                    # nothing changed: nothing but the sync row
    assert j.db.execute("SELECT count(*) FROM cells").fetchone()[0] == first + 2
    assert [s["sync_no"] for s in j.syncs("S1")] == [1, 2, 3]


def test_sort_is_not_a_change(j):
    g = base_grid()
    rec(j, g)
    sorted_grid = [g[0], g[3], g[2], g[1]]
    rec(j, sorted_grid, 1)
    d = j.diff("S1", 1)
    assert d.changes == [] and d.added == [] and d.removed == []
    assert j.snapshot("S1", 2).values() == expected(sorted_grid)


def test_two_spreadsheets_never_mix(j):
    rec(j, base_grid(), sheet="A")
    other = base_grid()
    other[1][2] = "999"
    rec(j, other, sheet="B")
    assert j.snapshot("A", 1).rows["31.73.01.1001/001"]["dpt"] == "250"
    assert j.snapshot("B", 1).rows["31.73.01.1001/001"]["dpt"] == "999"
    assert [h.value for h in j.history("A", "31.73.01.1001/001") if h.field == "dpt"] == ["250"]
    with pytest.raises(JournalError):
        j.snapshot("C", 1)


def test_history_every_value_and_when_first_seen(j):
    g = base_grid()
    rec(j, g)
    for minute, value in ((1, "50"), (2, "50"), (3, "55"), (4, "")):
        g[1][3] = value
        rec(j, g, minute)
    hist = [(h.sync_no, h.value) for h in j.history("S1", "31.73.01.1001/001") if h.field == "paslon_1"]
    assert hist == [(2, "50"), (4, "55"), (5, "")]
    first = j.history("S1", "31.73.01.1001/001")[0]
    assert first.kind == "added" and first.at == T0
    assert j.history("S1", "no/such") == []


def test_diff_since_number_time_and_timedelta(j):
    g = base_grid()
    rec(j, g)
    g[1][3] = "77"
    del g[3]
    g.append(["31.73.01.1003", "4", "200", "", "", "", ""])
    rec(j, g, 60)
    for since in (1, T0 + timedelta(minutes=30), timedelta(days=365 * 100)):
        d = j.diff("S1", since)
        if since == timedelta(days=365 * 100):        # before the first sync: all added
            assert d.from_sync == 0 and len(d.added) == 3
            continue
        assert [(c.tps_key, c.field, c.old, c.new) for c in d.changes] == \
            [("31.73.01.1001/001", "paslon_1", "", "77")]
        assert d.added == ["31.73.01.1003/004"] and d.removed == ["31.73.01.1002/001"]
    with pytest.raises(JournalError, match="1..2"):
        j.diff("S1", 3)
    masked = j.diff("S1", 0).to_dict(personal={"saksi"})
    assert "Budi" not in str(masked)


def test_retyped_key_is_a_rename_not_a_deletion(j):
    g = base_grid()
    rec(j, g)
    g[3][1] = "11"                  # TPS 1 -> 11 typed over, numbers unchanged
    rec(j, g, 1)
    d = j.diff("S1", 1)
    assert d.renamed == [("31.73.01.1002/001", "31.73.01.1002/011")]
    assert d.added == [] and d.removed == []
    kinds = [h.kind for h in j.history("S1", "31.73.01.1002/001")]
    assert kinds[-2:] == ["removed", "renamed_to"]


def test_junk_rows_are_journaled_and_restorable_from_snapshot(j):
    g = base_grid()
    g.append(["", "tps lima", "310", "", "", "", ""])       # key cannot be parsed
    g.append(["", "tps lima", "310", "", "", "", ""])       # an identical second one
    rec(j, g)
    snap = j.snapshot("S1", 1)
    junk = [k for k in snap.rows if k.startswith("?")]
    assert len(junk) == 2 and snap.values() == expected(g)
    sorted_grid = [g[0], g[5], g[1], g[4], g[2], g[3]]
    rec(j, sorted_grid, 1)
    assert j.diff("S1", 1).removed == [] and j.diff("S1", 1).added == []
    g2 = [list(r) for i, r in enumerate(sorted_grid) if i != 1]   # one junk row deleted
    g2[2][2] = "315"                                          # and the other edited in place
    rec(j, g2, 2)
    d = j.diff("S1", 2)
    assert len(d.removed) == 1 and len(d.renamed) == 1 and d.added == []
    assert j.snapshot("S1", 2).values() == expected(sorted_grid)


def test_history_tables_are_append_only(j):
    rec(j, base_grid())
    for sql in ("UPDATE cells SET value='1'", "DELETE FROM syncs", "DELETE FROM presence"):
        with pytest.raises(sqlite3.DatabaseError, match="append-only"):
            j.db.execute(sql)


def test_failed_record_leaves_journal_unchanged(j, monkeypatch):
    rec(j, base_grid())
    g = base_grid()
    g[1][3] = "1"

    def boom(*a, **k):
        raise RuntimeError("disk gone")
    monkeypatch.setattr(j, "_verification", boom)
    with pytest.raises(RuntimeError):
        rec(j, g, 1)
    monkeypatch.undo()
    assert [s["sync_no"] for s in j.syncs("S1")] == [1]
    assert rec(j, g, 2) == 2 and j.diff("S1", 1).changes[0].new == "1"


def test_process_killed_mid_write_does_not_corrupt(tmp_path):
    path = tmp_path / "j.sqlite"
    with Journal(path) as j:
        rec(j, base_grid())
    script = textwrap.dedent(f"""
        import os, sys
        sys.path.insert(0, {os.getcwd()!r})
        from sheetsync.journal.store import Journal
        j = Journal({str(path)!r})
        j.db.execute("BEGIN IMMEDIATE")
        j.db.execute("INSERT INTO syncs(sheet, n, at, ts, config_name, layout, rows, good) "
                     "VALUES (1, 2, 'x', 0, 'c', 1, 0, 1)")
        j.db.executemany("INSERT INTO cells VALUES (?, 1, 99, 'x')", [(i,) for i in range(5000)])
        os._exit(9)          # killed before COMMIT
    """)
    assert subprocess.run([sys.executable, "-c", script]).returncode == 9
    with Journal(path) as j:
        assert j.db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert [s["sync_no"] for s in j.syncs("S1")] == [1]
        assert j.snapshot("S1", 1).values() == expected(base_grid())


def test_contract_form_record(j):
    n = j.record(spreadsheet="S", config_name="c", header=["dpt", "tps"],
                 rows={"31.73.01.1001/001": {"dpt": "200", "tps": "1"}}, at=T0)
    assert n == 1 and j.last("S").rows == {"31.73.01.1001/001": {"dpt": "200", "tps": "1"}}


def test_changed_after_verification(j):
    g = base_grid()
    t = tab(g)
    rec(j, g, ok=ok_keys(t, {3: "OK"}))                        # row 3 (TPS 2) is OK
    g[2][3] = "125"                                            # 120 -> 125 after verification
    warnings = j.changed_after_verification("S1", tab(g), CONFIG)
    assert [(w.code, w.severity, w.row, w.field) for w in warnings] == \
        [(CAV_CODE, "warning", 3, "paslon_1")]
    assert "diubah setelah diverifikasi" in warnings[0].message("id")
    assert "'120'" in warnings[0].message("id")
    g[2][4] = "Sari W."                                        # a name is not a number: no warning
    rec(j, g, 1, ok=set())                                     # the warning made it PERIKSA
    sorted_grid = [g[0], g[2], g[1], g[3]]                     # it stays while the number differs
    assert [w.row for w in j.changed_after_verification("S1", tab(sorted_grid), CONFIG)] == [2]
    changes = j.verified_changes("S1", CONFIG)
    assert [(c.tps_key, c.verified, c.current, c.verified_sync) for c in changes] == \
        [("31.73.01.1001/002", "120", "125", 1)]
    assert j.ok_at("S1", 1) == {"31.73.01.1001/002"} and j.ok_at("S1", 2) == set()
    assert j.accept_verified("S1") == 1
    assert j.changed_after_verification("S1", tab(g), CONFIG) == []
    assert j.verified_changes("S1", CONFIG) == []


def test_not_ok_rows_are_not_verified(j):
    g = base_grid()
    rec(j, g)
    g[1][2] = "999"
    assert j.changed_after_verification("S1", tab(g), CONFIG) == []


# ---------------------------------------------------------------- replay property
CELL = st.sampled_from(["", "0", "1", "12", "250", "x", "=1+1", " 7 ", "a\x1fb", "Budi"])
ROW = st.tuples(st.sampled_from(["", "31.73.01.1001", "31.73.01.1002", "3173"]),
                st.sampled_from(["", "1", "2", "3", "01", "lima"]), CELL, CELL, CELL,
                st.sampled_from(["", "OK", "SALAH"]), st.sampled_from(["", "pesan"])).map(list)
EDIT = st.one_of(
    st.tuples(st.just("set"), st.integers(0, 50), st.integers(0, 4), CELL),
    st.tuples(st.just("key"), st.integers(0, 50), st.integers(0, 1),
              st.sampled_from(["31.73.01.1003", "9", "", "2"])),
    st.tuples(st.just("delete"), st.integers(0, 50)),
    st.tuples(st.just("insert"), st.integers(0, 50), ROW),
    st.tuples(st.just("sort"), st.integers(0, 4)),
    st.tuples(st.just("blankrow"), st.integers(0, 50)),
    st.tuples(st.just("header"), st.sampled_from(HEADER[:5] + ["Catatan"])),
)


def check_diff(d, base, last):
    """diff() agrees with comparing the two full snapshots."""
    old, new = dict(base.rows.items()), dict(last.rows.items())
    changes = {(k, f, old[k].get(f, ""), new[k].get(f, "")) for k in old.keys() & new.keys()
               for f in set(old[k]) | set(new[k]) if old[k].get(f, "") != new[k].get(f, "")}
    assert {(c.tps_key, c.field, c.old, c.new) for c in d.changes} == changes
    assert set(d.added) | {b for _, b in d.renamed} == new.keys() - old.keys()
    assert set(d.removed) | {a for a, _ in d.renamed} == old.keys() - new.keys()


def apply(grid, edit):
    body = grid[1:]
    op, *args = edit
    if op == "set" and body:
        body[args[0] % len(body)][2 + args[1] % 3] = args[2]
    elif op == "key" and body:
        body[args[0] % len(body)][args[1]] = args[2]
    elif op == "delete" and body:
        body.pop(args[0] % len(body))
    elif op == "insert":
        body.insert(args[0] % (len(body) + 1), list(args[1]))
    elif op == "sort":
        body.sort(key=lambda r: r[args[0]])
    elif op == "blankrow" and body:
        body[args[0] % len(body)] = [""] * 7
    elif op == "header":
        grid[0] = [args[0] if h == "DPT" else h for h in HEADER]
    return [grid[0]] + body


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(start=st.lists(ROW, max_size=8),
       syncs=st.lists(st.lists(EDIT, max_size=4), min_size=1, max_size=6))
def test_replay_gives_each_read_exactly(tmp_path_factory, start, syncs):
    path = tmp_path_factory.mktemp("replay") / "j.sqlite"
    grid = [list(HEADER)] + [list(r) for r in start]
    reads = []
    with Journal(path) as j:
        for i, edits in enumerate([[]] + syncs):
            for e in edits:
                grid = apply([list(r) for r in grid], e)
            t = tab(grid)
            ok = ok_keys(t, {p: "OK" for p in t.positions.values() if p % 2})
            j.record_tab(spreadsheet="S", config_name="t", tab=t, at=T0 + timedelta(minutes=i),
                         ok_rows=ok)
            reads.append((expected(grid), ok))
        last = j.snapshot("S", len(reads))
        for n, (want, ok) in enumerate(reads, start=1):
            assert j.snapshot("S", n).values() == want
            assert j.ok_at("S", n) == ok
            check_diff(j.diff("S", n), j.snapshot("S", n), last)
        reads = [r for r, _ in reads]
        assert j.last("S").values() == reads[-1]


def test_read_tab_keeps_cells_as_text_and_skips_owned_and_blank_rows():
    grid = [HEADER,
            ["31.73.01.1001", 1, 250.0, True, None, "OK", "pesan"],     # API numbers, short rows
            [],
            ["", "", "", "", "", "SALAH"],                                # only an owned cell
            ["31.73.01.1001", "2", "0812\x1f3"]]                          # the separator inside a cell
    t = tab(grid)
    assert t.fields == ("kode", "tps", "dpt", "paslon_1", "saksi", None, None)
    assert t.as_dicts() == {"31.73.01.1001/001": {"kode": "31.73.01.1001", "tps": "1", "dpt": "250",
                                                  "paslon_1": "TRUE"},
                            "31.73.01.1001/002": {"kode": "31.73.01.1001", "tps": "2",
                                                  "dpt": "0812\x1f3"}}
    assert t.positions == {"31.73.01.1001/001": 2, "31.73.01.1001/002": 5}


def test_title_rows_above_the_header_are_kept(j):
    config = SimpleNamespace(**{**vars(CONFIG), "header_row": 3})
    grid = [["REKAP SUARA JAKARTA BARAT"], [], HEADER, ["31.73.01.1001", "1", "250"], [],
            ["31.73.01.1001", "2", "300", "", "", "OK"]]
    result = SimpleNamespace(rows=pd.DataFrame({"tps_key": pd.Series(
        {4: "31.73.01.1001/001", 6: "31.73.01.1001/002"}, dtype=object)}), header=None)
    j.record_tab(spreadsheet="S", config_name="t", tab=read_tab(grid, config, result), at=T0)
    assert j.snapshot("S", 1).values() == [["REKAP SUARA JAKARTA BARAT"], [], HEADER,
                                           ["31.73.01.1001", "1", "250"], [],
                                           ["31.73.01.1001", "2", "300"]]
    assert j.last("S").positions == {"31.73.01.1001/001": 4, "31.73.01.1001/002": 6}


def test_sync_warns_when_a_verified_number_changes(emu, tmp_path):
    """Through sync and the emulator: an OK row whose votes are edited (still
    consistent) becomes PERIKSA with 'diubah setelah diverifikasi' and the old value."""
    from sheetsync.core.config import load_preset, with_overrides
    from sheetsync.sync.run import sync
    from sync_data import FULL_HEADER, tps_sheet

    with Journal(tmp_path / "j.sqlite") as journal:
        ours = emu.client()
        book = ours.create("Rekap Jakbar")
        config = with_overrides(load_preset("pilkada-jakbar-2024"), spreadsheet=book.id, api_url=emu.url)
        book.sheet1.update_title(config.input_tab)
        book.sheet1.update(tps_sheet(20, seed=4, unfilled=0, broken=0), "A1", value_input_option="RAW")
        run = dict(client=ours, journal=journal, lock_dir=str(tmp_path))
        sync(config, **run)
        other = emu.client().open_by_key(book.id).worksheet(config.input_tab)
        grid = other.get_values()
        status = grid[0].index(config.status_header)
        message = grid[0].index(config.message_header)
        p1, p2 = FULL_HEADER.index("Paslon 1"), FULL_HEADER.index("Paslon 2")     # columns I, J
        r = next(i for i, row in enumerate(grid) if row[status] == "OK" and int(row[p2]) > 0)
        old1, old2 = int(grid[r][p1]), int(grid[r][p2])
        other.update([[str(old1 + 1), str(old2 - 1)]], f"I{r + 1}:J{r + 1}", value_input_option="RAW")
        report = sync(config, **run)
        row = other.get_values()[r]
        assert report.warnings_merged == 2
        assert row[status] == "PERIKSA"
        assert "diubah setelah diverifikasi" in row[message] and f"'{old1}'" in row[message]
        assert {(c.field, c.verified, c.current) for c in journal.verified_changes(book.id, config)} == \
            {("paslon_1", str(old1), str(old1 + 1)), ("paslon_2", str(old2), str(old2 - 1))}


def test_cache_follows_another_connection(tmp_path):
    path = tmp_path / "j.sqlite"
    with Journal(path) as a, Journal(path) as b:
        g = base_grid()
        t = tab(g)
        rec(a, g, ok=ok_keys(t, {3: "OK"}))
        g[2][3] = "125"
        rec(a, g, 1)
        assert len(a.verified_changes("S1", CONFIG)) == 1
        assert b.accept_verified("S1") == 1                   # another process accepts
        assert a.verified_changes("S1", CONFIG) == []         # a's cache sees it
        g[2][2] = "301"
        rec(b, g, 2)                                          # and another process records
        assert rec(a, g, 3) == 4 and a.diff("S1", 3).changes == []


# ---------------------------------------------------------------- fast paths agree with the slow ones
KEY = st.one_of(st.none(), st.just(""), st.just(float("nan")),
                st.sampled_from(["31.73.01.1001/001", "31.73.01.1001/002", "x?y", "31.73.01.1002/001"]))


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(st.tuples(KEY, st.lists(st.sampled_from(["", "1", "a", "\x1f", "\n"]),
                                             min_size=0, max_size=4)), max_size=12))
def test_keyed_lines_fast_path_equals_loop(monkeypatch, rows):
    """The C-speed path for a cleanly keyed tab gives exactly what the row loop gives."""
    import sheetsync.journal.tab as jt
    grid = [["a", "b", "c", "d"]] + [cells for _, cells in rows]
    keys = {i: k for i, (k, _) in enumerate(rows, start=2)}
    fields = ("a", "b", None, "d")
    fast = jt.keyed_lines(grid, 1, fields, keys)
    with monkeypatch.context() as m:
        m.setattr(jt, "_keyed_fast", lambda *a: None)
        slow = jt.keyed_lines(grid, 1, fields, keys)
    assert fast == slow
    assert list(fast[0]) == list(slow[0]) and list(fast[1]) == list(slow[1])   # same (sheet) order


def test_state_load_survives_nul_in_a_cell(j):
    """The state is read NUL-separated; a NUL typed in a cell falls back to row reads."""
    g = base_grid()
    g[1][4] = "Bu\x00di"
    rec(j, g)
    g[2][3] = "121"
    rec(j, g, 1)
    j._cache.clear()
    assert j.last("S1").rows["31.73.01.1001/001"]["saksi"] == "Bu\x00di"
    assert j.diff("S1", 1).changes[0].new == "121"
    assert j.snapshot("S1", 2).values() == expected(g)


def _big_grid(n, seed):
    import random
    rnd = random.Random(seed)
    return [list(HEADER)] + [["31.73.01.1001", str(i), str(rnd.randint(1, 500)), rnd.choice(["", "7"]),
                              rnd.choice(["", "Budi"]), "", ""] for i in range(1, n + 1)]


def _state_matches_the_read(got, t, ok):
    """The cache a fresh process loads describes exactly that read."""
    from sheetsync.journal.state import BLOCK, ok_map
    assert got.live_lines() == t.rows and list(got.live_lines()) == list(t.rows)
    assert got.positions_by_key() == t.positions
    assert got.digests == t.digests(BLOCK) and got.size == len(t.aligned()[0])
    assert got.okmap == ok_map(t.aligned()[0], set(ok)) and got.live == len(t.rows)
    assert {k for k, r in got.rows.items() if r[4]} == set(ok) & t.rows.keys()
    assert got.diverged == {k: r[5] for k, r in got.rows.items()
                            if r[2] and r[5] is not None and r[5] != r[3]}


def test_block_state_reads_back_what_the_writer_holds(tmp_path):
    """The last read is kept BLOCK sheet rows to a record; a fresh connection (the
    next sync's process) must read exactly the rows the writer holds in memory
    (the writer loads only the blocks it needed), and an index that describes the read."""
    import random
    from sheetsync.journal.state import BLOCK
    rnd = random.Random(3)
    path = tmp_path / "j.sqlite"
    g = _big_grid(BLOCK * 4 + 5, 1)
    with Journal(path) as w:
        for minute in range(12):
            for _ in range(rnd.randint(0, 6)):                 # edits in a few blocks
                row = rnd.randrange(1, len(g))
                g[row][3] = str(rnd.randint(0, 99))
            if minute == 4:
                g.append(["31.73.01.1009", "1", "5", "", "", "", ""])       # a new row id
                del g[10]                                                 # a vanished row: shifts
            if minute == 6:
                g.insert(70, list(g[-1]))                                  # a duplicate: content key
                g[-1] = [""] * 7                                           # and a blank row
            if minute == 8:
                g.insert(2, ["31.73.01.1001", "11", "5", "", "", "", ""])   # TPS 11 deleted at 4 is back
            if minute == 10:
                g[1:] = sorted(g[1:], key=lambda r: r[2])                  # a sort
            t = tab(g)
            ok = ok_keys(t, {p: "OK" for p in t.positions.values() if p % 3 or minute > 9})
            rec(w, g, minute, ok=ok)
            held = w._state(w._sheet_id("S1"))
            with Journal(path) as r:
                got = r._state(r._sheet_id("S1"), complete=True)
                assert {k: got.rows[k] for k in held.rows} == held.rows
                _state_matches_the_read(got, t, ok)
            assert w.snapshot("S1", minute + 1).values() == expected(g)


@pytest.mark.parametrize("layout", ["none", "fixed16"])
def test_a_cache_of_another_layout_is_rebuilt_from_the_history(tmp_path, layout):
    """A journal whose cache of the last read is gone, or in fixed 16-row blocks (an older
    sheetsync), or in the tables of older releases (dropped when the journal is opened): the
    cache is rebuilt from the history, and the next sync stores it in this layout."""
    import json
    from sheetsync.journal.state import CDC, encode_chunk, record_id
    path = tmp_path / "j.sqlite"
    g = base_grid()
    g.insert(2, ["31.73.01.1003", "1", "5", "", "", "", ""])
    with Journal(path) as j:
        t = tab(g)
        rec(j, g, ok=ok_keys(t, {4: "OK"}))
        del g[2]                                              # a gone row in the old cache too
        rec(j, g, 1, ok=ok_keys(tab(g), {3: "OK"}))
        rows = sorted(j._state(1, complete=True).rows.values())
        j.db.execute("DELETE FROM state_records")             # no cache of this layout
        j.db.execute("DELETE FROM state_meta")
        if layout == "fixed16":             # sheet rows b*16.. at record b, gone rows at -1 - id//16
            keys, by_key = tab(g).aligned()[0], {r[1]: r for r in rows}
            blank = (0, "", 1, "", 0, None)
            recs = {b // 16: [by_key[k] if k else blank for k in keys[b:b + 16]]
                    for b in range(0, len(keys), 16)}
            for r in rows:
                if not r[2]:
                    recs.setdefault(-1 - r[0] // 16, []).append(r)
            j.db.executemany("INSERT INTO state_records VALUES (?,?)",
                             [(record_id(1, c), encode_chunk(v)) for c, v in recs.items()])
            j.db.execute("INSERT INTO state_meta VALUES (1, 'index', ?)", (json.dumps(
                {"n": 2, "block": 16, "first_row": 2, "size": len(keys), "live": len(by_key),
                 "digests": True}),))
        j.db.execute("CREATE TABLE state(row INTEGER PRIMARY KEY, body TEXT)")    # an older release's
        j.db.execute("INSERT INTO state VALUES (1, 'never read')")
        j.db.execute("PRAGMA user_version=6")
    g[2][3] = "125"
    with Journal(path) as j:
        assert [w.row for w in j.changed_after_verification("S1", tab(g), CONFIG)] == [3]
        assert set(j.last("S1").rows) == set(tab(base_grid()).rows)
        rec(j, g, 2, ok=ok_keys(tab(g), {3: "OK"}))
        assert not j.db.execute("SELECT 1 FROM sqlite_master WHERE name='state'").fetchone()
        index = json.loads(j.db.execute("SELECT body FROM state_meta WHERE name='index'").fetchone()[0])
        assert (index["n"], index["cdc"]) == (3, CDC)
    with Journal(path) as j:
        _state_matches_the_read(j._state(1, complete=True), tab(g), ok_keys(tab(g), {3: "OK"}))
        g.insert(2, ["31.73.01.1003", "1", "5", "", "", "", ""])          # the gone row is back
        rec(j, g, 3)
        assert j.diff("S1", 3).added == ["31.73.01.1003/001"]
    with Journal(path) as j:
        assert j.diff("S1", 2).changes[0].new == "125"
        assert len(j.verified_changes("S1", CONFIG)) == 1
        assert j.snapshot("S1", 4).values() == expected(g)


@settings(max_examples=150, deadline=None)
@given(body=st.lists(st.lists(st.one_of(st.sampled_from(["", "1", "a", "\x1f", "\x1e", "\n", "x y"]),
                                        st.integers(0, 9), st.none()), max_size=5), max_size=6),
       kept_idx=st.sampled_from([[0, 1, 2], [1, 2, 3], [0, 1, 3], [2], [0, 1, 2, 3, 4]]))
def test_lines_of_the_whole_tab_equal_row_by_row_encoding(body, kept_idx):
    """Whatever path _lines takes (slice, itemgetter, per-row), each line is the row's exact encoding."""
    from sheetsync.journal.tab import _cells, _lines, encode_line
    assert _lines(body, kept_idx, 5) == [encode_line(_cells(raw, kept_idx, 5)) for raw in body]


def test_changed_after_verification_across_a_column_change(j):
    """Columns inserted or removed since the row was verified: numbers are still
    compared field by field (the stored lines have another layout)."""
    g = base_grid()
    rec(j, g, ok=ok_keys(tab(g), {3: "OK"}))
    wider = [r[:2] + [c] + r[2:] for r, c in zip(g, ["Catatan", "", "x", ""])]
    wider[2][4] = "125"                                        # Paslon 1 of TPS 2: 120 -> 125
    warnings = j.changed_after_verification("S1", tab(wider), CONFIG)
    assert [(w.row, w.field, w.params["old"], w.params["new"], w.params["column"]) for w in warnings] \
        == [(3, "paslon_1", "120", "125", "Paslon 1")]
    narrower = [[c for i, c in enumerate(r) if i != 3] for r in g]   # Paslon 1 column deleted
    assert [(w.field, w.params["old"], w.params["new"])
            for w in j.changed_after_verification("S1", tab(narrower), CONFIG)] == [("paslon_1", "120", "")]


def test_ok_keys_only_rows_whose_status_is_ok():
    t = tab(base_grid())
    assert ok_keys(t, {2: "OK", 3: "PERIKSA", 99: "OK"}) == {"31.73.01.1001/001"}
    assert ok_keys(t, {}) == set()
