"""The journal keeps the second-entry tab too: real gspread against the emulator, a second
gspread client playing the second team. Its key and count columns are journaled as a history
of their own in the sync's one read; rows it deletes by mistake stop the sync like the input
tab's would (statuses written, summaries kept, the alert naming that tab), and
``restore --second-entry`` brings them back into that tab alone, as typed."""

from __future__ import annotations

import json

import sqlite3
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from click.testing import CliRunner
from coordinators import coordinator
from sync_data import FULL_HEADER, all_tabs, config_for, seed, settled_counters
from test_double_entry_sync import COUNTS, KEYS, first_entry

from sheetsync.core.config import DoubleEntry
from sheetsync.journal.restore import restore
from sheetsync.journal.store import Journal
from sheetsync.sheets.client import Sheet
from sheetsync.sync.record import journal_key
from sheetsync.sync.run import SyncError, sync

NOW = datetime(2024, 11, 27, 21, 5, 0, tzinfo=ZoneInfo("Asia/Jakarta"))
TAB = "Entri Kedua"
TYPIST = "Bu Ratna Sari 0812-3456-7890"       # a name in a column of the second team's own


def second_tab(first: list[list[str]]) -> list[list[str]]:
    """The six TPS typed again, all agreeing, with a column of the team's own holding a name."""
    col = {h: i for i, h in enumerate(FULL_HEADER)}
    rows = [KEYS + COUNTS + ["Pengetik"]]
    rows += [[line[col[h]] for h in KEYS + COUNTS] + [TYPIST] for line in first[1:]]
    return rows


def shown(ws) -> list[list[str]]:
    return ws.get_all_values(value_render_option="FORMULA")


@pytest.fixture
def setup(emu, tmp_path):
    """A synced spreadsheet with both entries, its journal, and the second team's tab."""
    first = first_entry()
    sh = seed(emu.client(), first)
    team2 = coordinator(emu, sh, who="tim-entri-kedua")
    ws = team2.add_worksheet(TAB, rows=20, cols=12)
    ws.update(second_tab(first), "A1", raw=False)
    config = config_for(sh, emu, double_entry=DoubleEntry(tab=TAB))
    journal = Journal(tmp_path / "j.sqlite")
    sync(config, client=emu.client(), journal=journal, lock_dir=str(tmp_path), now=NOW)
    yield sh, ws, config, journal
    journal.close()


def names(sh) -> tuple[str, str]:
    return journal_key(sh.id, "TPS"), journal_key(sh.id, TAB)


def test_second_tab_journaled_as_its_own_history_in_the_same_read(setup, emu, tmp_path):
    sh, ws, config, journal = setup
    inputs, second = names(sh)
    kept = journal.last(second)
    assert len(kept.rows) == 6
    assert set(kept.fields) - {None} == {"kecamatan", "kelurahan", "tps", "paslon_1", "paslon_2", "paslon_3",
                                         "suara_sah", "suara_tidak_sah", "pengguna_hak_pilih"}
    assert len(journal.last(inputs).rows) == 6            # the input tab's history is its own

    # an idle sync stays one request: the second tab was already in the one read
    before = settled_counters(emu)
    report = sync(config, client=emu.client(), journal=journal, lock_dir=str(tmp_path), now=NOW)
    assert report.requests == 1 and settled_counters(emu)["requests"] - before["requests"] == 1

    # no name typed in the second team's own column is journaled (the file holds none; its
    # header is kept with the tab's layout, as the input tab's headers are)
    journal.db.execute("PRAGMA wal_checkpoint(FULL)")
    dump = "\n".join(sqlite3.connect(journal.path).iterdump())
    assert "Pengetik" in dump and TYPIST not in dump


@pytest.mark.parametrize("lang", ["id", "en"])
def test_second_team_deletes_rows_blanks_a_cell_then_restore(setup, emu, tmp_path, lang):
    sh, ws, config, journal = setup
    from dataclasses import replace
    config = replace(config, language=lang)
    inputs, second = names(sh)
    typed = shown(ws)
    input_history = journal.syncs(inputs)
    input_rows = dict(journal.last(inputs).rows)
    rekap = all_tabs(sh)["Rekap Kecamatan"]

    # the second team deletes three rows and blanks Paslon 2 of TPS 1 by mistake
    ws.delete_rows(5, 7)
    ws.batch_clear(["E2"])
    with pytest.raises(SyncError) as stopped:
        sync(config, client=emu.client(), journal=journal, lock_dir=str(tmp_path), now=NOW + timedelta(hours=1))
    said = str(stopped.value)
    where = {"id": f"Tab entri kedua '{TAB}'", "en": f"Second-entry tab '{TAB}'"}[lang]
    assert stopped.value.exit_code == 3 and where in said
    assert "sheetsync restore --second-entry --since 1 --apply" in said
    alerts = stopped.value.report.alerts
    assert [a.second_tab for a in alerts] == [TAB] and where in alerts[0].message(lang)
    tabs = all_tabs(sh)
    assert tabs["Rekap Kecamatan"][1:] == rekap[1:]         # the summaries are kept ...
    assert where in tabs["Rekap Kecamatan"][0][0]            # ... and the stamp says why
    assert [r[len(FULL_HEADER)] for r in tabs["TPS"][1:]] == ["OK"] * 6    # statuses written
    # the input tab's history: nothing changed, every sync of it good
    assert [s["good"] for s in journal.syncs(inputs)] == [True] * (len(input_history) + 1)
    assert dict(journal.last(inputs).rows) == input_rows
    assert [s["good"] for s in journal.syncs(second)] == [True, False]

    # the plan, then restore into the second tab only, under the sync's lock
    tps_before = all_tabs(sh)["TPS"]
    plan = restore(config, journal, Sheet(emu.client(), sh.id), since=1, second_entry=True)
    assert not plan.applied and plan.tab == TAB and len(plan.rows_appended) == 3
    assert [(c.a1, c.value) for c in plan.cells if c.kind == "cell"] == [(f"'{TAB}'!E2", str(typed[1][4]))]
    done = restore(config, journal, Sheet(emu.client(), sh.id), since=1, second_entry=True, apply=True,
                   lock_dir=str(tmp_path))
    assert done.applied and done.cells == plan.cells and done.requests == 4   # read x2, write, append
    now = shown(ws)
    assert now[1] == typed[1][:9] + [TYPIST]                                 # the blanked cell is back
    assert sorted(r[:9] for r in now[1:]) == sorted(r[:9] for r in typed[1:])   # every row is back
    assert all_tabs(sh)["TPS"] == tps_before                                 # nothing written elsewhere

    # the next sync finds the second tab whole again: no alert, summaries updated
    report = sync(config, client=emu.client(), journal=journal, lock_dir=str(tmp_path),
                  now=NOW + timedelta(hours=2))
    assert report.alerts == [] and journal.syncs(second)[-1]["good"]


def test_accepted_deletion_moves_the_second_tab_baseline(setup, emu, tmp_path):
    sh, ws, config, journal = setup
    _, second = names(sh)
    ws.delete_rows(2, 4)
    report = sync(config, client=emu.client(), journal=journal, lock_dir=str(tmp_path), now=NOW,
                  accept=frozenset({"deleted_rows"}))
    assert report.alerts == [] and journal.syncs(second)[-1]["good"]
    assert sync(config, client=emu.client(), journal=journal, lock_dir=str(tmp_path), now=NOW).alerts == []


def test_restore_second_entry_needs_a_second_tab():
    from sheetsync.cli.main import cli

    got = CliRunner().invoke(cli, ["restore", "--preset", "pilkada-jakbar-2024", "--spreadsheet", "1" + "A" * 43,
                                   "--second-entry", "--since", "1"])
    assert got.exit_code == 2 and "--second-entry" in got.output and "[double_entry]" in got.output


def test_second_tab_deleted_then_made_again_and_restored(setup, emu, tmp_path):
    sh, ws, config, journal = setup
    typed = shown(ws)
    team2 = coordinator(emu, sh, who="tim-entri-kedua")
    team2.del_worksheet(team2.worksheet(TAB))
    with pytest.raises(SyncError) as stopped:
        sync(config, client=emu.client(), journal=journal, lock_dir=str(tmp_path), now=NOW)
    alerts = stopped.value.report.alerts
    assert [(a.code, a.second_tab) for a in alerts] == [("rows_vanished", TAB)]     # one alert, not one a column
    assert "6 of 6 rows" in alerts[0].message("en")

    # restore cannot write into a tab that is not there: it says so, and writes nothing
    from sheetsync.journal.restore import RestoreError
    with pytest.raises(RestoreError) as missing:
        restore(config, journal, Sheet(emu.client(), sh.id), since=1, second_entry=True, apply=True,
                lock_dir=str(tmp_path))
    assert f"'{TAB}'" in str(missing.value) and "init" in str(missing.value)

    # the tab made again with its header: every row comes back, as typed
    again = team2.add_worksheet(TAB, rows=20, cols=12)
    again.update([typed[0]], "A1", raw=False)
    done = restore(config, journal, Sheet(emu.client(), sh.id), since=1, second_entry=True, apply=True,
                   lock_dir=str(tmp_path))
    assert len(done.rows_appended) == 6
    assert [r[:9] for r in shown(again)] == [r[:9] for r in typed]
    assert sync(config, client=emu.client(), journal=journal, lock_dir=str(tmp_path), now=NOW).alerts == []


def test_through_the_cli(emu, tmp_path, monkeypatch):
    """sync stops naming the second tab and its restore command; restore --second-entry shows
    the plan, then writes it; sync goes on."""
    from sheetsync.cli.main import cli
    from test_reconcile import _config_file

    monkeypatch.setenv("SHEETSYNC_LOCK_DIR", str(tmp_path / "locks"))
    first = first_entry()
    sh = seed(emu.client(), first)
    ws = coordinator(emu, sh, who="tim-entri-kedua").add_worksheet(TAB, rows=20, cols=12)
    ws.update(second_tab(first), "A1", raw=False)
    path = _config_file(tmp_path, emu, sh.id, f'tab = "{TAB}"')
    path.write_text(f'journal_path = "{tmp_path / "j.sqlite"}"\n' + path.read_text(encoding="utf-8"),
                    encoding="utf-8")

    def cli_run(*args: str) -> tuple[int, str]:
        got = CliRunner().invoke(cli, [*args, "--config", str(path), "--lang", "en"], catch_exceptions=False)
        return got.exit_code, got.stdout if "--json" in args else got.output

    assert cli_run("sync")[0] == 0
    typed = shown(ws)
    ws.delete_rows(3, 5)
    code, out = cli_run("sync")
    assert code == 3 and f"Second-entry tab '{TAB}': 3 of 6 rows vanished" in out
    assert "sheetsync restore --second-entry --since 1 --apply" in out
    # what the second team lost, from the second tab's own history; the input tab's shows nothing gone
    code, out = cli_run("diff", "--second-entry", "--since", "1", "--json")
    assert code == 0 and len(json.loads(out)["removed"]) == 3
    assert json.loads(cli_run("diff", "--since", "1", "--json")[1])["removed"] == []
    kel, number = typed[2][1], typed[2][2]                  # the second tab's row 3, deleted
    code, out = cli_run("history", "--second-entry", "--tps", f"{kel} {number}", "--json")
    assert code == 0 and [e["kind"] for e in json.loads(out)][-1] == "removed"
    code, out = cli_run("restore", "--second-entry", "--since", "1")
    assert code == 0 and "--apply" in out and f"'{TAB}'!A5" in out and shown(ws) != typed   # a plan only
    code, out = cli_run("restore", "--second-entry", "--since", "1", "--apply")
    assert code == 0 and sorted(r[:9] for r in shown(ws)[1:]) == sorted(r[:9] for r in typed[1:])
    code, out = cli_run("restore", "--second-entry", "--since", "9")
    assert code == 2                                      # the second tab has 2 syncs, not 9
    assert cli_run("sync")[0] == 0


def test_an_old_journal_history_is_never_taken_for_the_second_tab(tmp_path):
    """A journal of the release that kept one history per spreadsheet: that history is the
    input tab's, even when the second tab (the same TPS) asks first."""
    from sheetsync.journal.tab import tab_from_dicts

    rows = {"31.73.01.1001/001": {"tps": "1", "paslon_1": "120"}, "31.73.01.1001/002": {"tps": "2", "paslon_1": "80"}}
    with Journal(tmp_path / "j.sqlite") as journal:
        journal.record_tab(spreadsheet="S", config_name="c", tab=tab_from_dicts([], rows), at=NOW)
        journal.claim("S:Entri Kedua", tab_from_dicts([], rows), "c", fresh=True)
        assert journal.last("S:Entri Kedua") is None
        assert len(journal.last("S:TPS").rows) == 2
