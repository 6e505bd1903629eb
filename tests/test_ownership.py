"""Own by marker, never by name: sheetsync's own columns and tabs, and what is a person's."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from click.testing import CliRunner
from gspread.exceptions import APIError

from sheetsync.core.check import check
from sheetsync.cli.main import cli
from sheetsync.core.config import ConfigError, load_config
from sheetsync.sync.layout import init_layout
from sheetsync.sync.ownership import NotOurs
from sheetsync.sync.run import SyncError, SyncHooks, sync
from sync_data import FULL_HEADER, all_tabs, config_for, seed, settled_counters, tps_sheet

PRESET_FILE = Path(__file__).resolve().parents[1] / "sheetsync" / "core" / "presets" / "pilkada-jakbar-2024.toml"


def _preset_with(tmp_path: Path, old: str, new: str) -> Path:
    text = PRESET_FILE.read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "sheetsync.toml"
    path.write_text(text.replace(old, new).replace('"jakarta-barat-', f'"{PRESET_FILE.parent}/jakarta-barat-'),
                    encoding="utf-8")
    return path


# ------------------------------------------------- case 3: an owned header that names a data column

@pytest.mark.parametrize("old,new,clash", [
    ('status_header = "Status"', 'status_header = "DPT"', "DPT"),
    ('message_header = "Keterangan"', 'message_header = "no. tps"', "No TPS"),       # header_key match
    ('status_header = "Status"', 'status_header = "Keterangan"', "status_header"),
])
def test_owned_header_equal_to_a_data_column_is_refused_at_load(tmp_path: Path, old: str, new: str,
                                                                 clash: str) -> None:
    path = _preset_with(tmp_path, old, new)
    with pytest.raises(ConfigError) as err:
        load_config(path)
    text = str(err.value)
    assert clash in text and "\n" not in text
    assert "juga" in err.value.message("id")          # said in Indonesian too


def test_owned_header_clash_exits_2_with_one_line(tmp_path: Path) -> None:
    path = _preset_with(tmp_path, 'status_header = "Status"', 'status_header = "DPT"')
    for lang, word in (("en", "also the header"), ("id", "juga judul kolom data")):
        result = CliRunner().invoke(cli, ["--lang", lang, "check", "--config", str(path), "--spreadsheet", "x" * 44])
        assert result.exit_code == 2, result.output
        assert word in result.output and "Traceback" not in result.output
        assert len(result.output.strip().splitlines()) <= 2


# ------------------------------------------------- through real gspread against the emulator

NOW = datetime(2024, 11, 27, 21, 5, 0, tzinfo=ZoneInfo("Asia/Jakarta"))
NOTES = ["Ketua KPPS: Pak Ahmad, buka jam 7", "kotak suara tiba 06.30", "saksi datang terlambat"]


@pytest.fixture()
def run(tmp_path: Path, emu: Any) -> Any:
    def _run(config: Any, **kw: Any) -> Any:
        return sync(config, client=kw.pop("client", None) or emu.client(), lock_dir=str(tmp_path),
                    now=kw.pop("now", NOW), **kw)
    return _run


def coordinator(emu: Any, sh: Any) -> Any:
    """A second gspread client: the coordinator editing the sheet by hand."""
    return emu.client(token="koordinator-kalideres").open_by_key(sh.id)


def column(values: list[list[Any]], col: int) -> list[Any]:
    return [line[col - 1] if len(line) >= col else "" for line in values]


def insert_own_column(ws: Any, col: int, texts: list[str]) -> None:
    """The coordinator inserts an empty column and types a header and notes into it."""
    ws.insert_cols([[]], col=col)
    ws.update([[t] for t in texts], f"{chr(64 + col)}1")


def _synced_by_the_earlier_release(sh: Any, config: Any, run: Any) -> None:
    """What the release before markers leaves: its summary tabs with the last-synced stamp,
    and no marker anywhere (a sync, then every marker removed)."""
    run(config)
    sh.batch_update({"requests": [{"deleteDeveloperMetadata": {"dataFilter": {"developerMetadataLookup": {
        "metadataKey": key}}}} for key in ("sheetsync.tab", "sheetsync.column")]})


def test_a_persons_keterangan_left_of_sheetsyncs_own_is_never_overwritten(emu: Any, run: Any) -> None:
    """Case 1: a coordinator inserts their own "Keterangan" column left of sheetsync's and types
    notes; an edit then changes statuses. The notes stay; sheetsync's own column is updated."""
    sh = seed(emu.client(), tps_sheet(12, 5))
    config = config_for(sh, emu)
    run(config)
    ws = coordinator(emu, sh).worksheet("TPS")
    insert_own_column(ws, 4, ["Keterangan"] + NOTES)              # left of Status and Keterangan
    ws.update([["999"]], "J3")                                    # Paslon 1 (moved right by one): SALAH
    before = ws.get_all_values()
    report = run(config, now=NOW + timedelta(minutes=1))
    after = sh.worksheet("TPS").get_all_values()
    assert column(after, 4) == column(before, 4)                  # every note as typed
    status_col = len(FULL_HEADER) + 2                             # shifted right by the new column
    assert after[0][status_col - 1:status_col + 1] == ["Status", "Keterangan"]
    assert after[2][status_col - 1] == "SALAH" and after[2][status_col]
    assert report.cells_written > 0


def test_an_existing_keterangan_of_people_is_not_adopted_by_init_or_sync(emu: Any, run: Any) -> None:
    """Case 1: a sheet that already has a remarks column called "Keterangan" before init."""
    values = tps_sheet(6, 2)
    values[0].append("Keterangan")
    for line, note in zip(values[1:], NOTES):
        line.append(note)
    sh = seed(emu.client(), values)
    config = config_for(sh, emu, language="en")
    before = all_tabs(sh)
    for attempt in (lambda: init_layout(config, client=emu.client()), lambda: run(config)):
        with pytest.raises((NotOurs, SyncError)) as info:
            attempt()
        text = str(info.value)
        assert "Keterangan" in text and "message_header" in text and "rename" in text and "\n" not in text
    assert all_tabs(sh) == before                                 # nothing written, nothing added
    with pytest.raises(SyncError, match="bukan buatan sheetsync"):
        run(config_for(sh, emu, language="id"))
    coordinator(emu, sh).worksheet("TPS").update([["Catatan"]], "P1")   # the way on that the message gives
    run(config)
    grid = sh.worksheet("TPS").get_all_values()
    assert column(grid, 16) == ["Catatan"] + NOTES + [""] * (len(grid) - 4)      # every note kept
    assert grid[0][16:18] == ["Status", "Keterangan"]


def test_a_sheet_of_the_earlier_release_is_marked_once_and_a_persons_column_stays_theirs(emu: Any,
                                                                                        run: Any) -> None:
    """Migration: owned columns that hold only what sheetsync wrote are marked on the next sync;
    a person's "Keterangan" inserted left of them before that sync is left alone, then and later."""
    sh = seed(emu.client(), tps_sheet(12, 3))
    config = config_for(sh, emu)
    _synced_by_the_earlier_release(sh, config, run)
    ws = coordinator(emu, sh).worksheet("TPS")
    insert_own_column(ws, 1, ["Keterangan"] + NOTES)
    run(config)
    insert_own_column(ws, 2, ["Status", "sudah dicek", "belum"])  # another person's "Status"
    ws.update([["999"]], "L4")                                   # Paslon 1 (two columns right): SALAH
    before = ws.get_all_values()
    report = run(config, now=NOW + timedelta(minutes=1))
    after = sh.worksheet("TPS").get_all_values()
    assert column(after, 1) == column(before, 1) and column(after, 2) == column(before, 2)
    assert report.header_added == []                             # found by marker where they went
    assert after[3][len(FULL_HEADER) + 2] == "SALAH"
    idle = run(config, now=NOW + timedelta(minutes=2))
    assert idle.requests == 1 and idle.cells_written == 0        # the steady state is unchanged


def test_a_hand_made_summary_tab_is_neither_adopted_nor_breaks_init(emu: Any, run: Any) -> None:
    """Case 2: a small (20 x 5) and a large hand-made "Rekap Kecamatan" with its own content."""
    for rows, cols in ((20, 5), (1000, 26)):
        sh = seed(emu.client(), tps_sheet(6, 1))
        mine = sh.add_worksheet("Rekap Kecamatan", rows=rows, cols=cols)
        mine.update([["Kecamatan", "Relawan", "Total"], ["Cengkareng", "12", "=SUM(B2:B2)"]], "A1",
                    value_input_option="USER_ENTERED")
        config = config_for(sh, emu)
        before = all_tabs(sh)
        for attempt in (lambda c=config: init_layout(c, client=emu.client()), lambda c=config: run(c)):
            with pytest.raises((NotOurs, SyncError)) as info:
                attempt()
            assert "'Rekap Kecamatan'" in str(info.value) and "[summary]" in str(info.value)
            assert not isinstance(info.value, APIError)
        assert all_tabs(sh) == before
        assert mine.acell("C2", value_render_option="FORMULA").value == "=SUM(B2:B2)"


def test_the_verify_read_is_one_post_whatever_the_number_of_rows(emu: Any, run: Any) -> None:
    """Case 20: a verify of 240 rows asks for ~500 ranges; as a GET that is a URL of 8-14 KB."""
    values = tps_sheet(260, 9)
    kept = [[line[8]] for line in values[1:241]]
    for line in values[1:241]:
        line[8] = "9999"                                          # Paslon 1: 240 rows SALAH
    sh = seed(emu.client(), values)
    config = config_for(sh, emu)
    run(config)
    ws = coordinator(emu, sh).worksheet("TPS")
    ws.update(kept, "I2:I241")                                    # fixed: 240 rows change status
    settled_counters(emu)
    emu.reset_counters()
    report = run(config, now=NOW + timedelta(minutes=1))
    counters = settled_counters(emu)
    reads = [r for r in counters["routes"] if "values:batchGet" in r["path"]]
    assert report.verified and report.requests == 3
    assert reads and all(r["method"] == "POST" and r["path"].endswith("values:batchGetByDataFilter")
                         for r in reads)


def test_new_tabs_are_added_once_when_the_answer_is_lost_and_sized_to_their_tables(faulty_emu: Any, run: Any) -> None:
    """Case 21: the batchUpdate adding the summary tabs lands, its answer is cut off, the
    transport retries: the tabs now exist, which is success, not Google's 400 "already exists"."""
    sh = seed(faulty_emu.client(), tps_sheet(20, 4))
    config = config_for(sh, faulty_emu)
    faulty_emu.inject_fault("reset", method="POST", path=r":batchUpdate$", times=1)
    report = run(config)
    assert set(report.tabs_created) == set(config.summary_tabs.titles())
    meta = faulty_emu.client().http_client.fetch_sheet_metadata(sh.id)
    titles = [s["properties"]["title"] for s in meta["sheets"]]
    assert sorted(titles) == sorted(["TPS", *config.summary_tabs.titles()])
    grids = {s["properties"]["title"]: s["properties"]["gridProperties"] for s in meta["sheets"]}
    for title, table in all_tabs(sh).items():
        if title != "TPS":
            # not Google's 1000 x 26: as wide as the table (Rekap Kecamatan is wider than 26)
            assert grids[title]["rowCount"] < 1500, (title, grids[title])
            assert grids[title]["columnCount"] == max(len(r) for r in table), (title, grids[title])
            assert grids[title]["rowCount"] >= len(table)


def test_a_grid_grown_again_after_a_lost_answer_grows_once(faulty_emu: Any) -> None:
    """Case 21: growing a grid sets its size, so a retry after a lost answer cannot add twice."""
    from sheetsync.sheets.client import Sheet
    sh = seed(faulty_emu.client(), [["a"]])
    sheet = Sheet(faulty_emu.client(), sh.id)
    faulty_emu.inject_fault("reset", method="POST", path=r":batchUpdate$", times=1)
    sheet.ensure_grid({"TPS": (1500, 4)}, headroom=0)
    grid = sheet.tabs()["TPS"]["gridProperties"]
    assert (grid["rowCount"], grid["columnCount"]) == (1500, 26)


def test_rows_deleted_between_the_write_and_the_verify_are_repaired_not_raised(emu: Any, run: Any,
                                                                                tmp_path: Path) -> None:
    """Case 17: the verify asks for rows that no longer exist (Google cuts a range ending past the
    grid, and answers 400 "exceeds grid limits" for one starting past it). No raw APIError
    escapes sync(): the journal keeps its record and the repair runs."""
    from sheetsync.journal.store import Journal
    sh = seed(emu.client(), tps_sheet(40, 6))
    config = config_for(sh, emu)
    ws = coordinator(emu, sh).worksheet("TPS")
    with Journal(tmp_path / "j.sqlite") as journal:
        run(config, journal=journal)
        ws.update([["999"]], "I40")                               # a status changes near the end
        grid = ws.row_count

        def delete_the_bottom() -> None:
            ws.delete_rows(20, grid)                              # the grid ends at row 19 now
        report = run(config, journal=journal, now=NOW + timedelta(minutes=1),
                     hooks=SyncHooks(after_write=delete_the_bottom))
        assert report.journal_sync is not None
    assert report.verified is False and report.repair_rounds >= 0 and not report.skipped_rows
    again = run(config, now=NOW + timedelta(minutes=2))
    assert again.verified in (True, None)


def test_a_title_row_typed_above_the_header_during_a_sync_never_erases_the_owned_headers(emu: Any,
                                                                                        run: Any) -> None:
    """Case 18: a coordinator inserts a title row on top between the read and the write; the
    write lands one row low, over "Status" and "Keterangan". The verify reads the header row,
    sees it moved, and gives the two headers back in the same sync."""
    values = tps_sheet(12, 8)
    sh = seed(emu.client(), values)
    config = config_for(sh, emu)
    run(config)
    ws = coordinator(emu, sh).worksheet("TPS")
    ws.update([["999"]], "I2")                                    # row 2 changes status

    def title_row() -> None:
        ws.insert_rows([["Rekap TPS Jakarta Barat"]], row=1)
    report = run(config, now=NOW + timedelta(minutes=1), hooks=SyncHooks(between_read_and_write=title_row))
    grid = sh.worksheet("TPS").get_all_values()
    status_col = len(FULL_HEADER) + 1
    assert grid[1][:3] == values[0][:3]                           # the header is on row 2 now
    assert grid[1][status_col - 1:status_col + 1] == ["Status", "Keterangan"]
    assert report.unsettled and report.verified is False


def test_summary_tabs_of_the_earlier_release_are_marked_once_then_found_by_marker(emu: Any, run: Any) -> None:
    """Migration of tabs: a sheet synced by the release before markers (here: markers removed)
    is synced on, its summary tabs marked, not refused; then the steady state is 1 request."""
    sh = seed(emu.client(), tps_sheet(30, 2))
    config = config_for(sh, emu)
    run(config)
    sh.batch_update({"requests": [{"deleteDeveloperMetadata": {"dataFilter": {"developerMetadataLookup": {
        "metadataKey": key}}}} for key in ("sheetsync.tab", "sheetsync.column")]})
    coordinator(emu, sh).worksheet("TPS").update([["999"]], "I5")
    report = run(config, now=NOW + timedelta(minutes=1))
    assert report.tabs_created == [] and report.metadata_reads >= 1
    found = emu.client().http_client.request(
        "post", f"https://sheets.googleapis.com/v4/spreadsheets/{sh.id}/developerMetadata:search",
        json={"dataFilters": [{"developerMetadataLookup": {"metadataKey": "sheetsync.tab"}}]}).json()
    assert len(found.get("matchedDeveloperMetadata", [])) == len(config.summary_tabs.titles())
    idle = run(config, now=NOW + timedelta(minutes=2))
    assert idle.requests == 1 and idle.cells_written == 0


def test_init_and_sync_on_a_hand_made_tab_exit_3_with_one_line(emu: Any, tmp_path: Path,
                                                               monkeypatch: Any) -> None:
    """Through the CLI: one line in the chosen language, exit 3, no traceback."""
    monkeypatch.setenv("SHEETSYNC_LOCK_DIR", str(tmp_path))
    sh = seed(emu.client(), tps_sheet(6, 1))
    sh.add_worksheet("Masalah", rows=20, cols=5).update([["Masalah kami", "Siapa"]], "A1")
    args = ["--preset", "pilkada-jakbar-2024", "--api-url", emu.url, "--spreadsheet", sh.id]
    for command in ("init", "sync"):
        result = CliRunner().invoke(cli, [command, *args])
        assert result.exit_code == 3, result.output
        assert "'Masalah'" in result.output and "Traceback" not in result.output
        assert len(result.output.strip().splitlines()) <= 2


def test_a_persons_keterangan_is_journaled_like_any_column_of_theirs(emu: Any, run: Any,
                                                                     tmp_path: Path) -> None:
    """Only the columns sheetsync owns by marker are left out of the journal: a coordinator's
    own "Keterangan" beside sheetsync's is kept, so its notes can be looked up and brought back."""
    from sheetsync.journal.store import Journal
    from sheetsync.journal.tab import journal_key

    sh = seed(emu.client(), tps_sheet(12, 5))
    config = config_for(sh, emu)
    key = check(tps_sheet(12, 5), config).rows.at[2, "tps_key"]
    with Journal(tmp_path / "j.sqlite") as journal:
        run(config, journal=journal)
        insert_own_column(coordinator(emu, sh).worksheet("TPS"), 4, ["Keterangan"] + NOTES)
        run(config, journal=journal, now=NOW + timedelta(minutes=1))
        history = journal.history(journal_key(sh.id, config.input_tab), key)
    values = {(e.field, e.value) for e in history if e.kind == "value"}
    assert ("header:Keterangan", NOTES[0]) in values
    assert not any(v in ("OK", "SALAH", "PERIKSA", "BELUM DIISI") for _, v in values)   # sheetsync's own: not kept
