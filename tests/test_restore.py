"""Restore: pure planning, then delete/blank/sort through a second real gspread
client against the emulator and bring every number back."""
from __future__ import annotations

from datetime import timedelta

import pytest

from sheetsync.journal.store import Journal
from sheetsync.journal.restore import plan_restore
from sheetsync.sync.plan import raw_value
from test_journal import CONFIG, T0, base_grid, rec, tab


@pytest.fixture
def j(tmp_path):
    with Journal(tmp_path / "j.sqlite") as journal:
        yield journal


def plan(j, grid, **kw):
    return plan_restore(j, "S1", grid, CONFIG, current=tab(grid), **kw)


def test_vanished_row_is_appended_in_current_column_order(j):
    g = base_grid()
    rec(j, g)
    now = [g[0], g[1], g[3]]                          # TPS 2 deleted
    rec(j, now, 1)
    p = plan(j, now, since=1)
    assert p.rows_appended == ["31.73.01.1001/002"]
    assert p.rows == [["31.73.01.1001", 2, 300, 120, "Sari"]] and p.writes == []
    assert {c.field for c in p.cells} == {"kode", "tps", "dpt", "paslon_1", "saksi"}
    assert p.to_dict(personal={"saksi"})["cells"][-1]["value"] == "***"


def test_blanked_cell_refilled_but_newer_value_kept(j):
    g = base_grid()
    rec(j, g)
    g[1][2] = ""                                      # DPT of row 2 blanked
    g[2][3] = ""                                      # Paslon 1 of row 3 blanked ...
    rec(j, g, 1)
    g[2][3] = "130"                                   # ... and retyped by someone since
    p = plan(j, g, since=1)
    assert [(c.a1, c.value, c.kind) for c in p.cells] == [("'Input'!C2", "250", "cell")]
    assert p.writes == [("'Input'!C2", [[250]])]


def test_window_since_excludes_older_losses(j):
    g = base_grid()
    rec(j, g)
    del g[3]                                          # lost before the window
    rec(j, g, 10)
    g[1][2] = ""
    rec(j, g, 20)
    p = plan(j, g, since=T0 + timedelta(minutes=15))
    assert p.rows_appended == [] and [c.a1 for c in p.cells] == ["'Input'!C2"]
    assert plan(j, g, since=1).rows_appended == ["31.73.01.1002/001"]
    assert plan(j, g).rows_appended == ["31.73.01.1002/001"]          # all history


def test_tps_filter_and_last_non_empty_value(j):
    g = base_grid()
    rec(j, g)
    g[2][3] = "125"
    rec(j, g, 1)
    g[2][3] = ""
    g[1][2] = ""
    rec(j, g, 2)
    p = plan(j, g, tps=["31.73.01.1001/002"])
    assert [(c.tps_key, c.value) for c in p.cells] == [("31.73.01.1001/002", "125")]


def test_retyped_key_is_not_restored_but_junk_row_is(j):
    g = base_grid()
    g.append(["", "tps lima", "310", "", "", "", ""])
    rec(j, g)
    g[3][1] = "11"                                    # retyped TPS number
    del g[4]                                          # junk row deleted
    rec(j, g, 1)
    p = plan(j, g, since=1)
    assert [s["tps_key"] for s in p.skipped] == ["31.73.01.1002/001"]
    assert len(p.rows_appended) == 1 and p.rows_appended[0].startswith("?")
    assert p.rows[-1] == ["", "tps lima", 310]


def test_nothing_lost_nothing_planned(j):
    g = base_grid()
    rec(j, g)
    rec(j, [g[0], g[3], g[1], g[2]], 1)              # a sort loses nothing
    p = plan(j, [g[0], g[3], g[1], g[2]], since=1)
    assert p.writes == p.rows == [] and p.cells == []


def test_raw_value_keeps_text_that_is_not_a_plain_number():
    assert raw_value("120") == 120 and raw_value("0") == 0
    assert raw_value("0812345678") == "0812345678" and raw_value("012") == "012"
    assert raw_value("1.5") == 1.5 and raw_value(" 7") == " 7" and raw_value("1,5") == "1,5"


# ---------------------------------------------------------------- against the emulator
def _rows(snapshot):
    return {k: dict(v) for k, v in snapshot.rows.items()}


def test_delete_blank_sort_then_diff_history_restore_apply(emu, tmp_path):
    from sheetsync.core.config import load_preset, with_overrides
    from sheetsync.sheets.client import Sheet
    from sheetsync.journal.restore import restore
    from sheetsync.sync.run import sync
    from sync_data import FULL_HEADER, tps_sheet

    config = load_preset("pilkada-jakbar-2024")
    header = FULL_HEADER + [config.status_header, config.message_header]
    seed = [header] + [r + ["", ""] for r in tps_sheet(40, seed=6, unfilled=0, broken=0)[1:]]
    seed.append(["Kebon Jeruk", "Kelurahan Typo", "3", "", "250"])     # a row the core cannot key
    with Journal(tmp_path / "j.sqlite") as journal:
        ours = emu.client()
        book = ours.create("Rekap Jakbar")
        book.sheet1.update_title(config.input_tab)
        book.sheet1.update(seed, "A1", value_input_option="RAW")
        config = with_overrides(config, spreadsheet=book.id, api_url=emu.url)

        def synced():
            """A real sync (it journals what it read); the journal's view of that read."""
            sync(config, client=ours, journal=journal, lock_dir=str(tmp_path))
            return journal.last(book.id)

        before = synced()
        assert len(before.rows) == 41 and sum(k.startswith("?") for k in before.rows) == 1

        # a coordinator, through a second real gspread client
        other = emu.client().open_by_key(book.id).worksheet(config.input_tab)
        other.delete_rows(5, 7)                                  # three TPS rows
        other.delete_rows(39)                                    # the junk row (now row 39)
        other.batch_clear(["I10:K10", "E20"])                   # paslon 1-3 of one row, a DPT
        other.sort((2, "des"), range="A2:Q38")                  # the whole table by kelurahan
        mid = synced()                                           # 4 of 41 gone: under the guard's 10%
        kelurahan = [mid.rows[k]["kelurahan"] for k in sorted(mid.rows, key=mid.positions.get)]
        assert kelurahan == sorted(kelurahan, reverse=True) != sorted(kelurahan)    # it was sorted

        diff = journal.diff(book.id, 1)
        assert len(diff.removed) == 4 and any(k.startswith("?") for k in diff.removed)
        assert sorted({(c.field, c.new) for c in diff.changes}) == [
            ("dpt", ""), ("paslon_1", ""), ("paslon_2", ""), ("paslon_3", "")]
        blanked = next(c for c in diff.changes if c.field == "paslon_1")
        hist = journal.history(book.id, blanked.tps_key)
        assert [h.value for h in hist if h.field == "paslon_1"] == [blanked.old, ""]

        # someone types a new DPT into the blanked cell before the restore: kept
        dpt_cell = next(c for c in diff.changes if c.field == "dpt")
        other.update_acell(f"E{dpt_cell.row}", "599")
        dry = restore(config, journal, Sheet(ours, book.id), since=1)
        assert not dry.applied and len(dry.rows_appended) == 4
        done = restore(config, journal, Sheet(ours, book.id), since=1, apply=True)
        assert done.applied and done.cells == dry.cells and done.requests <= 4
        assert all(c.field != "dpt" or c.kind == "row" for c in done.cells)

        after = synced()
        want, got = _rows(before), _rows(after)
        assert set(got) == set(want)                             # every row is back
        for key, row in want.items():
            expect = dict(row, dpt="599") if key == dpt_cell.tps_key else row
            assert got[key] == expect, key                       # every number is back
        final = journal.diff(book.id, 1)
        assert final.removed == [] and final.added == []
        assert [(c.field, c.new) for c in final.changes] == [("dpt", "599")]
