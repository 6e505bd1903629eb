"""Two teams on one spreadsheet: two configs, two input tabs ("TPS" and "TPS Tim B") with
their own summary tabs, one journal on the machine. Each team syncs, its coordinator edits
(while the other team's sync runs too), deletes rows by mistake and restores them; neither
team's rows, statuses or notes ever reach the other's tab (tests/coordinators.py)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from coordinators import (
    Desk,
    assert_clear,
    assert_one_status,
    coordinator,
    insert_own_column,
    lost,
    person_cells,
    sheet_statuses,
)
from sync_data import all_tabs, config_for, seed, tps_sheet

from sheetsync.core import a1
from sheetsync.core.config import SummaryTabs
from sheetsync.core.config import PROGRESS_TAB
from sheetsync.sheets.client import Sheet
from sheetsync.journal.store import Journal
from sheetsync.journal.restore import restore
from sheetsync.sync.run import SyncError, SyncHooks
from sheetsync.sync.layout import init_layout
from sheetsync.sync.stamp import SOURCE_WORDS, summary_origin

TABS = ("TPS", "TPS Tim B")


def two_teams(emu: Any, tmp_path: Path) -> tuple[Any, Desk, Desk]:
    rows = tps_sheet(80, 51, broken=0)
    sh = seed(emu.client(), rows[:41])
    sh.add_worksheet("TPS Tim B", rows=100, cols=20).update(rows[:1] + rows[41:], "A1")
    a = config_for(sh, emu)
    b = replace(a, name="Tim B", input_tab="TPS Tim B",
                summary_tabs=SummaryTabs("Rekap Kec B", "Rekap Kel B", "Masalah B", "Rekap Koordinator B", progress="Progres B"),
                last_synced_cell="'Rekap Kec B'!A1")
    journal = tmp_path / "journal.sqlite"
    return sh, Desk(emu, a, tmp_path, journal_file=journal), Desk(emu, b, tmp_path, journal_file=journal)


def test_two_teams_edit_sync_delete_and_restore_without_touching_each_other(emu: Any, tmp_path: Path) -> None:
    sh, team_a, team_b = two_teams(emu, tmp_path)
    team_a.sync()
    team_b.sync()
    tab_a = coordinator(emu, sh, "koordinator-tim-a").worksheet("TPS")
    tab_b = coordinator(emu, sh, "koordinator-tim-b").worksheet("TPS Tim B")
    insert_own_column(tab_b, 1, ["Keterangan", "tim B: sudah dicek", "tim B: belum"])
    seen: dict[str, Any] = {}

    def team_b_works_while_a_syncs() -> None:
        tab_b.update([["999"]], "J4")                                # Paslon 1 of B's row 4 (one right)
        tab_a.update([["catatan tim A"]], "R2")
        seen["typed"] = person_cells(sh, TABS)
    team_a.sync(hooks=SyncHooks(between_read_and_write=team_b_works_while_a_syncs))
    assert lost(seen["typed"], person_cells(sh, TABS)) == {}
    report_b = team_b.sync()
    assert sheet_statuses(sh, "TPS Tim B")[4] == "SALAH"
    assert lost(seen["typed"], person_cells(sh, TABS)) == {}
    assert_one_status(sh, team_b, report_b)
    team_a.idle()
    team_b.idle()

    gone = tab_b.get_values("A10:P14")                             # 5 of B's 40 rows deleted by mistake
    tab_b.delete_rows(10, 14)
    typed = person_cells(sh, TABS)
    with pytest.raises(SyncError) as alert:
        team_b.sync()
    assert_clear(str(alert.value))
    assert "restore" in str(alert.value)
    team_a.idle()                                                   # A's history is A's own: no alert
    with Journal(team_b.journal_file) as journal:
        plan = restore(team_b.config, journal, Sheet(emu.client(), sh.id), since=1, apply=True,
                       lock_dir=str(tmp_path))
    assert len(plan.rows_appended) == 5
    back = {(line[2], line[3]) for line in tab_b.get_values()[1:]}
    assert {(line[2], line[3]) for line in gone} <= back             # B's rows are back in B's tab
    after = person_cells(sh, TABS)
    assert {k: v for k, v in after.items() if k[0] == "TPS"} == {k: v for k, v in typed.items() if k[0] == "TPS"}
    assert lost({k: v for k, v in typed.items() if k[0] == "TPS Tim B"},
                {k: v for k, v in after.items() if k[0] == "TPS Tim B" and k[1] <= 36}) == {}
    report_b = team_b.sync()
    assert report_b.alerts == [] and lost(after, person_cells(sh, TABS)) == {}
    assert_one_status(sh, team_b, report_b)
    team_a.idle()
    team_b.idle()


def test_two_teams_syncing_at_the_same_minute_both_sync(emu: Any, tmp_path: Path) -> None:
    sh, team_a, team_b = two_teams(emu, tmp_path)
    team_a.sync()
    team_b.sync()
    coordinator(emu, sh, "koordinator-tim-b").worksheet("TPS Tim B").update([["999"]], "I4")
    seen: dict[str, Any] = {}

    def team_b_cron_fires() -> None:
        seen["b"] = team_b.sync()
    team_a.sync(hooks=SyncHooks(between_read_and_write=team_b_cron_fires))
    assert seen["b"].cells_written > 0 and sheet_statuses(sh, "TPS Tim B")[4] == "SALAH"


# ---------------------------------------------------------------- two configs naming one summary tab

def shared_tab(emu: Any, tmp_path: Path, **b_changes: Any) -> tuple[Any, Desk, Desk]:
    """Two teams whose configs name a summary tab alike: B's config changed by ``b_changes``."""
    sh, team_a, team_b = two_teams(emu, tmp_path)
    team_b.config = replace(team_b.config, **b_changes)
    return sh, team_a, team_b


def source_lines(sh: Any) -> dict[str, str]:
    """Tab -> the source lines in its row 1 (tab_owner.py), joined."""
    return {tab: " | ".join(v for v in cells[0] if v.startswith(tuple(SOURCE_WORDS.values())))
            for tab, cells in all_tabs(sh).items() if cells}


@pytest.mark.parametrize("lang", ["id", "en"])
def test_a_second_config_left_on_the_default_progress_tab_is_told_and_leaves_it_to_the_first(
        emu: Any, tmp_path: Path, lang: str) -> None:
    sh, team_a, team_b = shared_tab(emu, tmp_path, language=lang)
    tabs = replace(team_b.config.summary_tabs, progress=None)           # [summary] progress left unset
    team_b.config = replace(team_b.config, summary_tabs=tabs)
    progress = PROGRESS_TAB["id"] if lang == "id" else PROGRESS_TAB["en"]
    team_a.sync()
    if lang == "en":                            # B's tab of its default title: A's is "Progres 24 Jam"
        coordinator(emu, sh, "koordinator-tim-a").add_worksheet(progress, rows=30, cols=5)
        assert team_a.idle().tab_clash is None
        team_a.config = replace(team_a.config, summary_tabs=replace(team_a.config.summary_tabs, progress=progress))
        team_a.sync()
    mine = all_tabs(sh)[progress]
    assert source_lines(sh)[progress] == "Dihitung dari tab: TPS"

    report = team_b.sync()
    said = report.tab_clash or ""
    assert_clear(said)
    for name in (f"'{progress}'", "'TPS'", "'TPS Tim B'", "[summary] progress"):
        assert name in said, said
    assert ("menjumlah" in said) == (lang == "id") and ("sums" in said) == (lang == "en")
    assert report.tabs_refused == [progress]
    assert all_tabs(sh)[progress] == mine                                 # A's table, A's line
    assert sheet_statuses(sh, "TPS Tim B")                                 # B's statuses written
    word = "Dihitung dari tab" if lang == "id" else "Computed from tab"
    assert source_lines(sh)["Rekap Kec B"] == f"{word}: TPS Tim B"      # and B's other tabs
    assert source_lines(sh)["Masalah B"] == f"{word}: TPS Tim B"

    coordinator(emu, sh, "koordinator-tim-b").worksheet("TPS Tim B").update([["999"]], "I4")
    report = team_b.sync()
    assert report.cells_written > 0 and report.tabs_refused == [progress]
    assert all_tabs(sh)[progress] == mine
    coordinator(emu, sh, "koordinator-tim-a").worksheet("TPS").update([[""]], "I6")   # A's row 6 unreported
    team_a.sync()
    ours = all_tabs(sh)[progress]
    assert ours != mine and source_lines(sh)[progress] == "Dihitung dari tab: TPS"    # A still writes it
    assert team_b.idle().tab_clash == said          # told every sync, at no extra request
    assert team_a.idle().tab_clash is None
    assert all_tabs(sh)[progress] == ours


def test_two_configs_naming_one_rekap_and_masalah_keep_their_tables_and_the_stamp_apart(
        emu: Any, tmp_path: Path) -> None:
    sh, team_a, team_b = shared_tab(emu, tmp_path)
    tabs = replace(team_b.config.summary_tabs, kecamatan="Rekap Kecamatan", masalah="Masalah")
    team_b.config = replace(team_b.config, summary_tabs=tabs, last_synced_cell="'Rekap Kecamatan'!A1")
    team_a.sync()
    before = all_tabs(sh)
    report = team_b.sync()
    assert report.tabs_refused == ["Rekap Kecamatan", "Masalah"]
    said = report.tab_clash or ""
    assert_clear(said)
    assert "[summary] kecamatan, [summary] masalah" in said and "'TPS Tim B'" in said, said
    after = all_tabs(sh)
    for tab in ("Rekap Kecamatan", "Masalah"):                            # A's tables and A's stamp
        assert after[tab] == before[tab]
    assert report.last_synced is None and report.cells_written > 0
    assert sheet_statuses(sh, "TPS Tim B") and source_lines(sh)["Rekap Kel B"] == "Dihitung dari tab: TPS Tim B"

    team_a.config = replace(team_a.config, summary_tabs=replace(team_a.config.summary_tabs, masalah="Masalah A"))
    coordinator(emu, sh, "koordinator-tim-a").worksheet("TPS").update([["999"]], "I4")
    assert team_a.sync().tab_clash is None                 # A moves on to its own Masalah
    assert team_b.sync().tabs_refused == ["Rekap Kecamatan", "Masalah"]   # the old Masalah is A's still
    team_b.idle()
    team_a.idle()


def test_a_summary_tab_without_a_source_line_is_this_configs_and_gets_one(emu: Any, tmp_path: Path) -> None:
    sh, team_a, _ = two_teams(emu, tmp_path)
    team_a.sync()
    lines = source_lines(sh)
    assert lines["Rekap Kecamatan"] == lines["Masalah"] == "Dihitung dari tab: TPS"
    rekap = sh.worksheet("Rekap Kecamatan")
    col = rekap.row_values(1).index("Dihitung dari tab: TPS") + 1
    assert col > len(rekap.row_values(3)) + 1                         # one blank column right of the table
    mine = [tab for tab, line in lines.items() if line]
    assert len(mine) == 5                                             # four Rekap tabs and Progres 24 Jam
    for tab in mine:                                                  # as an earlier release left them
        ws = sh.worksheet(tab)
        ws.update([[""]], a1.cell(1, ws.row_values(1).index("Dihitung dari tab: TPS") + 1))
    report = team_a.sync()
    assert report.tab_clash is None and report.cells_written == len(mine) + 1     # and the stamp
    assert source_lines(sh) == lines
    team_a.idle()


def test_init_of_a_second_config_leaves_the_first_teams_charts(emu: Any, tmp_path: Path) -> None:
    sh, team_a, team_b = shared_tab(emu, tmp_path, last_synced_cell="'Rekap Kel B'!A1")
    team_b.config = replace(team_b.config, summary_tabs=replace(team_b.config.summary_tabs,
                                                                kecamatan="Rekap Kecamatan"))
    assert summary_origin(team_b.config, "Rekap Kecamatan") != summary_origin(team_a.config, "Rekap Kecamatan")
    init_layout(team_a.config, client=emu.client())
    team_a.sync()

    def charts() -> list[Any]:
        meta = emu.client().http_client.fetch_sheet_metadata(sh.id, {"includeGridData": "false"})
        return next(s.get("charts", []) for s in meta["sheets"] if s["properties"]["title"] == "Rekap Kecamatan")
    theirs = charts()
    assert len(theirs) == 4
    assert team_b.sync().tabs_refused == ["Rekap Kecamatan"]
    made = init_layout(team_b.config, client=emu.client())
    assert "deleteEmbeddedObject" not in made.requests       # its one addChart: B's own progress tab's
    assert charts() == theirs
    team_b.idle()


def test_a_renamed_input_tab_keeps_its_summary_tabs(emu: Any, tmp_path: Path) -> None:
    """A line naming a tab that holds no config's Status column is this config's old name."""
    sh, team_a, team_b = two_teams(emu, tmp_path)
    team_a.sync()
    team_b.sync()
    sh.worksheet("TPS").update_title("TPS Tim A")
    team_a.config = replace(team_a.config, input_tab="TPS Tim A")
    report = team_a.sync()
    assert report.tab_clash is None and report.tabs_refused == []
    lines = source_lines(sh)
    assert lines["Rekap Kecamatan"] == lines["Progres 24 Jam"] == "Dihitung dari tab: TPS Tim A"
    assert lines["Rekap Kec B"] == "Dihitung dari tab: TPS Tim B"
    team_a.idle()
    team_b.idle()


def test_init_of_each_team_keeps_the_other_teams_protections(emu: Any, tmp_path: Path) -> None:
    """Each team's init protects its own Status/Keterangan and summary tabs (warning only);
    the other team's init leaves them, and running both again changes nothing."""
    sh, team_a, team_b = two_teams(emu, tmp_path)
    init_layout(team_a.config, client=emu.client())
    init_layout(team_b.config, client=emu.client())

    def protected() -> set[tuple[str, str]]:
        meta = sh.fetch_sheet_metadata()
        return {(s["properties"]["title"], p["description"]) for s in meta["sheets"]
                for p in s.get("protectedRanges", [])}

    both = protected()
    assert {t for t, _ in both} >= {"TPS", "TPS Tim B", "Rekap Kecamatan", "Rekap Kec B"}
    assert init_layout(team_a.config, client=emu.client()).write_calls == 0
    assert init_layout(team_b.config, client=emu.client()).write_calls == 0
    assert protected() == both
