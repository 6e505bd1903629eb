"""sync end to end: real gspread against the emulator, checked cell by cell and by counters."""

from __future__ import annotations

import time
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from gspread.utils import rowcol_to_a1

from sheetsync.sheets import client as gsheets
from sheetsync.core.check import check
from sheetsync.core.issues import status_label
from sheetsync.journal.tab import journal_key
from sheetsync.sync.lock import SyncLock, lock_path
from sheetsync.sync.plan import same_value
from sheetsync.core.summaries import summary_tables
from sheetsync.core.config import resolve_overrides
from sheetsync.sync.run import SyncBusy, SyncError, SyncHooks, read_and_check, sync
from sheetsync.sync.desired import summary_origin
from sheetsync.sync.stamp import source_col, source_line
from sheetsync.sheets.transport import RetryPolicy
from sync_data import FULL_HEADER, all_tabs, cell_diff, config_for, seed, settled_counters, tps_sheet

NOW = datetime(2024, 11, 27, 21, 5, 0, tzinfo=ZoneInfo("Asia/Jakarta"))
STATUS, MESSAGE = len(FULL_HEADER) + 1, len(FULL_HEADER) + 2      # appended after the input columns


@pytest.fixture()
def run(tmp_path, emu):
    """sync() with a private lock dir, returning the report and the emulator's counter deltas."""
    def _run(config, **kw):
        before = settled_counters(emu)
        report = sync(config, client=kw.pop("client", None) or emu.client(), lock_dir=str(tmp_path),
                      now=kw.pop("now", NOW), **kw)
        after = settled_counters(emu)
        delta = {"requests": after["requests"] - before["requests"],
                 "cells_written": after["cells_written"] - before["cells_written"]}
        return report, delta
    return _run


def messy_sheet(n=40, seed_=7):
    values = tps_sheet(n, seed_)
    values[3][0] = "  cengkareng "                 # case and spaces
    values[4][2] = "TPS 1"                         # same TPS as typed differently
    values[5][1] = "Kelurahan Entah"               # unknown kelurahan: no parseable key
    values[6] = [""] * len(FULL_HEADER)            # a blank row in the middle
    values[8][4] = "1.234"                         # thousands separator, over 600
    return values


def synced_messy_sheet(emu, run):
    """A messy sheet, seeded and synced once: (values as typed, spreadsheet, config)."""
    values = messy_sheet()
    sh = seed(emu.client(), values)
    config = config_for(sh, emu)
    run(config)
    return values, sh, config


def expected_outputs(values, config):
    result = check(values, config)
    out = {}
    for r in range(config.header_row + 1, len(values) + 1):
        if r in result.rows.index:
            status, message = result.status_of(r)
            out[r] = (status_label(status, config.language), message)
        else:
            out[r] = ("", "")
    return result, out


def assert_sheet_matches(sh, values, config):
    """Statuses on every row and every summary tab, cell by cell."""
    result, want = expected_outputs(values, config)
    tabs = all_tabs(sh)
    grid = tabs[config.input_tab]
    assert grid[0][STATUS - 1:MESSAGE] == [config.status_header, config.message_header]
    for r, (status, message) in want.items():
        line = grid[r - 1] if r - 1 < len(grid) else []
        got = (line[STATUS - 1] if len(line) >= STATUS else "", line[MESSAGE - 1] if len(line) >= MESSAGE else "")
        assert got == (status, message), f"row {r}"
        n = len(FULL_HEADER)
        assert _padded(line[:n], n) == _padded(values[r - 1], n), f"row {r}: input cells touched"
    for tab, table in summary_tables(result, config).items():
        shown = tabs[tab]
        top = summary_origin(config, tab)
        at = source_col(config, tab, max(len(row) for row in table)) - 1     # row 1: the input tab summed
        assert shown[0][at:] == [source_line(config.input_tab, config.language)], (tab, shown[0])
        head = list(shown[0][:at])
        while head and head[-1] == "":
            head.pop()
        shown = [head, *shown[1:]]
        assert len(shown) == top - 1 + len(table), f"{tab}: leftover rows"
        for i, row in enumerate(table):
            line = shown[top - 1 + i]
            assert len(line) <= len(row)
            for j, value in enumerate(row):
                assert same_value(line[j] if j < len(line) else "", value), (tab, i, j, line, row)
    return result


def _padded(line, width):
    line = list(line)[:width]
    while line and line[-1] == "":
        line.pop()
    return line + [""] * (width - len(line))


def test_first_sync_writes_statuses_and_summaries_cell_by_cell(emu, run):
    values = messy_sheet()
    sh = seed(emu.client(), values)
    config = config_for(sh, emu)
    report, delta = run(config)
    assert report.header_added == ["Status", "Keterangan"]
    assert set(report.tabs_created) == set(config.summary_tabs.titles())
    assert_sheet_matches(sh, values, config)
    stamp = sh.worksheet("Rekap Kecamatan").acell("A1").value
    assert stamp == "Terakhir disinkronkan: 27-11-2024 21:05:00 WIB"
    assert report.rows_read == len(values) - 2                # header and the blank row
    assert sum(report.rows_by_status.values()) == report.rows_read
    assert report.rows_by_status.get("SALAH", 0) >= 2
    assert report.cells_written == delta["cells_written"] == report.cells_changed
    assert report.requests == delta["requests"]
    assert report.reconciliation and all("kecamatan" in r for r in report.reconciliation)
    assert set(report.timings) >= {"read", "check", "plan", "write", "verify", "total"}


def test_nothing_changed_costs_one_request_and_writes_nothing(emu, run):
    sh = seed(emu.client(), messy_sheet())
    config = config_for(sh, emu)
    run(config)
    before = all_tabs(sh)
    report, delta = run(config, now=datetime.now(ZoneInfo("Asia/Jakarta")))
    assert delta == {"requests": 1, "cells_written": 0}
    assert report.requests == 1 and report.cells_written == 0 and report.last_synced is None
    assert all_tabs(sh) == before                          # idempotent: twice == once


def test_coordinator_edit_writes_only_the_changed_cells(emu, run):
    values, sh, config = synced_messy_sheet(emu, run)
    coordinator = emu.client(token="koordinator-kebon-jeruk")
    ws = coordinator.open_by_key(sh.id).worksheet("TPS")
    ws.update([["999"]], "I10")                            # Paslon 1 of row 10: now SALAH
    values[9][8] = "999"
    ws.update([["Jl. Baru 5"]], "D12")                     # a text edit: status unchanged
    values[11][3] = "Jl. Baru 5"
    before = all_tabs(sh)
    report, delta = run(config, now=NOW + timedelta(minutes=1))
    after = all_tabs(sh)
    changed = cell_diff(before, after)
    assert delta["requests"] <= 3 and report.requests <= 3
    assert delta["cells_written"] == report.cells_written == len(changed)
    assert ("TPS", 10, STATUS) in changed and changed[("TPS", 10, STATUS)][1] == "SALAH"
    assert all(col >= STATUS for tab, _, col in changed if tab == "TPS")   # only owned columns
    assert ("Rekap Kecamatan", 1, 1) in changed                          # the stamp moved
    assert_sheet_matches(sh, values, config)


def test_shrinking_summary_clears_leftover_rows(emu, run):
    values = messy_sheet(60)
    sh = seed(emu.client(), values)
    config = config_for(sh, emu)
    run(config)
    ws = sh.worksheet("TPS")
    ws.delete_rows(20, 40)                                 # 21 rows gone, under the guard's 10%? no journal here
    values = values[:19] + values[40:]
    report, _ = run(config)
    assert report.cells_written > 0
    assert_sheet_matches(sh, values, config)


def test_owned_columns_are_found_by_header_after_people_reorder_columns(emu, run):
    values = messy_sheet(20)
    sh = seed(emu.client(), values)
    config = config_for(sh, emu)
    run(config)
    ws = sh.worksheet("TPS")
    grid = ws.get_all_values()
    order = [STATUS - 1, 2, 1, 0, MESSAGE - 1] + [i for i in range(3, len(FULL_HEADER))]
    moved = [[line[i] if i < len(line) else "" for i in order] + ["catatan saya"] for line in grid]
    ws.update(moved, "A1")
    ws.update([["999"]], "K5")                              # Paslon 1, in the moved layout
    before = all_tabs(sh)
    report, _ = run(config)
    changed = cell_diff(before, all_tabs(sh))
    assert report.header_added == []
    assert {col for tab, _, col in changed if tab == "TPS"} <= {1, 5}     # Status, Keterangan moved there
    assert sh.worksheet("TPS").acell("A5").value == "SALAH"


def test_header_or_tab_missing_stops_with_a_clear_message(emu, run):
    values = messy_sheet(10)
    values[0][2] = "Nomor Urut"                            # "No TPS" gone
    sh = seed(emu.client(), values)
    with pytest.raises(SyncError) as info:
        run(config_for(sh, emu))
    assert "'No TPS'" in str(info.value) and "nothing was written" in str(info.value)
    assert info.value.exit_code == 3
    sh2 = seed(emu.client(), messy_sheet(10), tab="Data")
    with pytest.raises(SyncError, match="tab 'TPS' not found.*Data"):
        run(config_for(sh2, emu))


def test_second_run_exits_at_once_while_the_lock_is_held(emu, tmp_path):
    sh = seed(emu.client(), messy_sheet(10))
    config = config_for(sh, emu)
    with SyncLock(lock_path(journal_key(sh.id, config.input_tab), emu.url, tmp_path)):
        start = time.monotonic()
        with pytest.raises(SyncBusy, match="already running"):
            sync(config, client=emu.client(), lock_dir=str(tmp_path))
        assert time.monotonic() - start < 1
        assert sync(config, client=emu.client(), lock_dir=str(tmp_path), dry_run=True).plan.changes


def test_dry_run_plans_but_writes_nothing(emu, run):
    sh = seed(emu.client(), messy_sheet(10))
    config = config_for(sh, emu)
    report, delta = run(config, dry_run=True)
    assert delta["cells_written"] == 0 and report.plan is not None and len(report.plan.changes) > 20
    assert [ws.title for ws in sh.worksheets()] == ["TPS"]


def test_a_crash_at_any_point_is_repaired_by_the_next_run(faulty_emu, run, monkeypatch):
    values = messy_sheet(30)
    sh = seed(faulty_emu.client(), values)
    config = config_for(sh, faulty_emu)

    def crash(_plan):
        raise KeyboardInterrupt("killed right before the write")
    with pytest.raises(KeyboardInterrupt):
        run(config, hooks=SyncHooks(before_write=crash))
    monkeypatch.setattr(gsheets, "MAX_PAYLOAD", 3000)       # many write requests ...
    faulty_emu.inject_fault(status=400, method="POST", path="values:batchUpdate", times=1)
    with pytest.raises(SyncError):                          # ... and the first one fails
        run(config)
    report, _ = run(config)
    assert report.cells_written > 0
    assert_sheet_matches(sh, values, config)
    monkeypatch.undo()
    _, delta = run(config)
    assert delta == {"requests": 1, "cells_written": 0}


def test_partial_split_write_is_repaired(emu, run, monkeypatch):
    values = messy_sheet(30)
    sh = seed(emu.client(), values)
    config = config_for(sh, emu)
    monkeypatch.setattr(gsheets, "MAX_PAYLOAD", 1000)      # the write goes out in many requests
    real_call = gsheets.Sheet._call
    writes = {"n": 0}

    def lose_the_second_write(self, fn, *args, **kwargs):
        if args[:1] == ("post",) and "values:batchUpdate" in args[1]:
            writes["n"] += 1
            if writes["n"] == 2:
                raise gsheets.SheetsError("connection lost mid-sync")
        return real_call(self, fn, *args, **kwargs)
    monkeypatch.setattr(gsheets.Sheet, "_call", lose_the_second_write)
    with pytest.raises(SyncError, match="connection lost"):
        run(config)
    assert writes["n"] == 2
    half = all_tabs(sh)
    assert any(len(line) >= STATUS and line[STATUS - 1] for line in half["TPS"][1:])   # statuses first
    stamp = (half["Rekap Kecamatan"] or [[""]])[0][:1] or [""]
    assert not stamp[0].startswith("Terakhir")                                     # stamp last
    monkeypatch.setattr(gsheets.Sheet, "_call", real_call)
    run(config)
    assert_sheet_matches(sh, values, config)


def test_transient_errors_are_retried_within_one_sync(faulty_emu, run):
    values = messy_sheet(10)
    sh = seed(faulty_emu.client(), values)
    config = config_for(sh, faulty_emu)
    client = gsheets.emulator_client(faulty_emu.url, retry=RetryPolicy(deadline_s=10, base_s=0.01, max_sleep_s=0.05))
    faulty_emu.inject_fault(status=503, path="values", times=2)
    faulty_emu.inject_fault(status=429, path="values", times=1, retry_after=0.1)
    report, _ = run(config, client=client)
    assert report.retries == 3 and report.http_attempts == report.requests + 3
    assert_sheet_matches(sh, values, config)


def test_rows_without_a_key_are_identified_by_content(emu, run):
    values = messy_sheet(12)
    values[2][1] = "Kelurahan Entah"
    values[3][1] = "Kelurahan Entah"                      # two junk rows
    sh = seed(emu.client(), values)
    config = config_for(sh, emu)
    report, _ = run(config)
    assert report.skipped_rows == []
    assert_sheet_matches(sh, values, config)


def test_overrides_flag_beats_env_beats_config(emu):
    sh = seed(emu.client(), messy_sheet(10))
    base = config_for(sh, emu)
    env = {"SHEETSYNC_SPREADSHEET": "https://docs.google.com/spreadsheets/d/1EnvSheet000000/edit",
           "SHEETSYNC_API_URL": "http://127.0.0.1:1"}
    c = resolve_overrides(base, environ=env)
    assert (c.spreadsheet, c.api_url) == (env["SHEETSYNC_SPREADSHEET"], "http://127.0.0.1:1")
    c = resolve_overrides(base, spreadsheet="1FlagSheet0000", api_url=emu.url, environ=env)
    assert (c.spreadsheet, c.api_url) == ("1FlagSheet0000", emu.url)
    assert resolve_overrides(base, environ={}).spreadsheet == sh.id


# ---------------------------------------------------------------- journal and guard

def test_journal_records_and_adding_owned_headers_is_not_a_header_change(emu, run, tmp_path):
    from sheetsync.journal.store import Journal
    sh = seed(emu.client(), messy_sheet(20))
    config = config_for(sh, emu)
    with Journal(tmp_path / "j.sqlite") as journal:
        first, _ = run(config, journal=journal)
        second, delta = run(config, journal=journal, now=NOW + timedelta(minutes=1))
    assert (first.journal_sync, second.journal_sync) == (1, 2)
    assert second.alerts == [] and delta == {"requests": 1, "cells_written": 0}


def test_guard_blocks_mass_deletion_until_accepted(emu, run, tmp_path):
    from sheetsync.journal.store import Journal
    values = messy_sheet(40)
    sh = seed(emu.client(), values)
    config = config_for(sh, emu)
    with Journal(tmp_path / "j.sqlite") as journal:
        run(config, journal=journal)
        summaries = {t: v for t, v in all_tabs(sh).items() if t in ("Rekap Kelurahan", "Masalah")}
        sh.worksheet("TPS").delete_rows(10, 25)                  # 16 of 39 rows gone by mistake
        with pytest.raises(SyncError) as info:
            run(config, journal=journal, now=NOW + timedelta(minutes=1))
        message = str(info.value)
        assert info.value.exit_code == 3 and "restore" in message and "--accept-deleted-rows" in message
        assert "16" in message
        tabs = all_tabs(sh)
        assert {t: tabs[t] for t in summaries} == summaries     # summaries not rewritten
        stamp = tabs["Rekap Kecamatan"][0][0]
        assert stamp.startswith("\u26a0") and "restore" in stamp
        report, _ = run(config, journal=journal, accept_deletions=True, now=NOW + timedelta(minutes=2))
    assert report.alerts == []
    assert sh.worksheet("Rekap Kecamatan").acell("A1").value.startswith("Terakhir disinkronkan")
    assert_sheet_matches(sh, values[:9] + values[25:], config)


def test_number_changed_after_verification_is_flagged_in_the_status(emu, run, tmp_path):
    from sheetsync.journal.store import Journal
    values = tps_sheet(12, seed=3, unfilled=0, broken=0)
    sh = seed(emu.client(), values)
    config = config_for(sh, emu)
    with Journal(tmp_path / "j.sqlite") as journal:
        run(config, journal=journal)
        assert sh.worksheet("TPS").acell("P5").value == "OK"
        p1, p2 = int(values[4][8]), int(values[4][9])
        if p1 == 0:
            p1, p2 = p1 + 1, p2 - 1
        else:
            p1, p2 = p1 - 1, p2 + 1                              # still consistent: the core says OK
        sh.worksheet("TPS").update([[str(p1), str(p2)]], "I5")
        report, _ = run(config, journal=journal, now=NOW + timedelta(minutes=1))
    assert report.warnings_merged >= 1
    status, message = sh.worksheet("TPS").get("P5:Q5")[0]
    assert status == "PERIKSA" and "diubah setelah diverifikasi" in message


def test_read_and_check_reads_the_tab_and_the_locale_and_writes_nothing(emu):
    values = messy_sheet(10)
    sh = seed(emu.client(), values)
    before = settled_counters(emu)
    result = read_and_check(config_for(sh, emu), client=emu.client())
    after = settled_counters(emu)
    assert after["requests"] - before["requests"] == 2          # the tab, the spreadsheet's locale
    assert result.issues[0].code == "locale_mismatch"           # a new emulator sheet is en_US
    assert after["cells_written"] == before["cells_written"]
    assert len(result.rows) == len(values) - 2


def test_changes_name_their_row_by_tps_key_or_by_content(emu, run):
    values = messy_sheet(10)
    sh = seed(emu.client(), values)
    report, _ = run(config_for(sh, emu), dry_run=True)
    keys = {c.row: c.row_key for c in report.plan.changes if c.tab == "TPS" and c.row > 1}
    assert keys[2].startswith("31.73.") and "/" in keys[2]          # a TPS key
    assert keys[6].startswith("h:")                                  # "Kelurahan Entah": content


def test_unshared_sheet_stops_sync_with_the_account_to_share_with(strict_emu, tmp_path):
    import json
    from dataclasses import replace
    owner = strict_emu.client(key=strict_emu.issue_key("owner@kawal.iam.gserviceaccount.com"))
    sh = seed(owner, messy_sheet(10))
    key = tmp_path / "bot.json"
    key.write_text(json.dumps(strict_emu.issue_key("bot@kawal.iam.gserviceaccount.com")))
    key.chmod(0o600)
    config = replace(config_for(sh, strict_emu), credentials=str(key))
    with pytest.raises(SyncError) as info:
        sync(config, lock_dir=str(tmp_path))                 # sheetsync's own client from the key
    assert info.value.exit_code == 3
    assert "bot@kawal.iam.gserviceaccount.com" in str(info.value) and "Share" in str(info.value)
    sh.share("bot@kawal.iam.gserviceaccount.com", perm_type="user", role="writer", notify=False)
    assert sync(config, lock_dir=str(tmp_path)).cells_written > 0


def _insert_at_top(emu, sh):
    ws = emu.client(token="koordinator").open_by_key(sh.id).worksheet("TPS")
    line = list(tps_sheet(1, 99)[1])
    line[2] = "77"                                          # a TPS the sync has not read
    return lambda: ws.insert_rows([line], row=2)


def test_rows_moved_before_the_write_lands_are_repaired_in_the_same_sync(emu, run):
    values, sh, config = synced_messy_sheet(emu, run)
    ws = sh.worksheet("TPS")
    ws.update([["999"]], "I10")                             # row 10's status must change
    report, delta = run(config, now=NOW + timedelta(minutes=1),
                        hooks=SyncHooks(between_read_and_write=_insert_at_top(emu, sh)))
    # read, write (onto rows that moved down by one), verify, read the tab, repair, confirm
    assert report.verified is False and report.repair_rounds == 1 and report.requests == 6
    assert 11 in report.repaired_rows and report.skipped_rows == [] and report.unsettled is None
    assert report.cells_written == delta["cells_written"] - len(FULL_HEADER)   # minus the inserted row
    line = ws.row_values(2)
    assert line[STATUS - 1:] == []                          # the new row: blank until the next sync
    final = ws.get_all_values()
    result = check([r[:len(FULL_HEADER)] for r in final], config)
    for r in range(3, len(final) + 1):                      # every other row shows its own status
        want = ("", "")
        if r in result.rows.index:
            status, message = result.status_of(r)
            want = (status_label(status, config.language), message)
        got = tuple((final[r - 1] + ["", ""])[STATUS - 1:MESSAGE])
        assert got == want, (r, got, want)


def test_rows_still_moving_after_the_repairs_are_reported_for_the_next_sync(emu, run, monkeypatch):
    import sheetsync.sync.settle
    monkeypatch.setattr(sheetsync.sync.settle, "MAX_REPAIRS", 0)   # as if every repair had been undone
    values, sh, config = synced_messy_sheet(emu, run)
    sh.worksheet("TPS").update([["999"]], "I10")
    report, _ = run(config, now=NOW + timedelta(minutes=1),
                    hooks=SyncHooks(between_read_and_write=_insert_at_top(emu, sh)))
    assert report.verified is False and report.repair_rounds == 0 and 11 in report.skipped_rows
    assert report.unsettled.startswith("status baris ") and "sinkronisasi berikutnya" in report.unsettled
    monkeypatch.undo()
    run(config, now=NOW + timedelta(minutes=2))             # the next sync puts every status right
    final = sh.worksheet("TPS").get_all_values()
    assert_sheet_matches(sh, [line[:len(FULL_HEADER)] for line in final], config)


def _insert_column(emu, sh, col: int, header: str):
    ws = emu.client(token="koordinator").open_by_key(sh.id).worksheet("TPS")

    def insert() -> None:
        ws.insert_cols([[]], col=col)                     # a blank column, then its header
        ws.update([[header]], rowcol_to_a1(1, col))
    return insert


@pytest.mark.parametrize("col", [len(FULL_HEADER),     # left of Koordinator: the write covers Koordinator
                                 STATUS])              # right before Status: the write covers the new column
def test_a_column_inserted_before_the_write_lands_loses_no_typed_cell(emu, run, col):
    """The write goes by position, so it lands in whatever column moved there: a column
    people type in (Koordinator), or the new one. Every such cell gets its value back,
    and the statuses land in the Status column where it stands now, in the same sync."""
    values, sh, config = synced_messy_sheet(emu, run)
    ws = sh.worksheet("TPS")
    ws.update([["999"], ["998"], ["997"]], "I10:I12")      # three statuses must change
    report, _ = run(config, now=NOW + timedelta(minutes=1),
                    hooks=SyncHooks(between_read_and_write=_insert_column(emu, sh, col, "Catatan")))
    assert report.verified is False and report.skipped_rows == [] and report.unsettled is None
    assert report.restored_cells == [f"'TPS'!P{r}" for r in (10, 11, 12)]   # where the statuses landed
    final = ws.get_all_values()
    header = final[0]
    assert "Catatan" in header and header.index("Catatan") == col - 1, header
    by_name = lambda name: [line[header.index(name)] if header.index(name) < len(line) else ""  # noqa: E731
                            for line in final[1:]]
    assert by_name("Catatan") == [""] * (len(final) - 1)    # the new column: as the person left it
    assert by_name("Koordinator") == [line[FULL_HEADER.index("Koordinator")] for line in values[1:]]
    typed = [[line[header.index(h)] for h in FULL_HEADER] for line in final]
    _, want = expected_outputs(typed, config)
    for r in range(2, len(final) + 1):
        line = final[r - 1] + ["", ""]
        got = (line[header.index("Status")], line[header.index("Keterangan")])
        assert got == want[r], (r, got, want[r])


def test_a_column_deleted_before_the_write_lands_leaves_nothing_outside_the_header(emu, run):
    values, sh, config = synced_messy_sheet(emu, run)
    ws = sh.worksheet("TPS")
    ws.update([["999"], ["998"]], "I10:I11")
    values[9][8], values[10][8] = "999", "998"
    other = emu.client(token="koordinator").open_by_key(sh.id).worksheet("TPS")
    report, _ = run(config, now=NOW + timedelta(minutes=1),
                    hooks=SyncHooks(between_read_and_write=lambda: other.delete_columns(4)))   # Alamat
    assert report.unsettled is None and report.skipped_rows == []
    final = ws.get_all_values()
    header = final[0]
    assert "Alamat" not in header and header[-2:] == ["Status", "Keterangan"]
    assert all(len(line) <= len(header) or not any(line[len(header):]) for line in final)
    kept = [h for h in FULL_HEADER if h != "Alamat"]
    assert [[line[header.index(h)] for h in kept] for line in final[1:]] == \
        [[line[FULL_HEADER.index(h)] for h in kept] for line in values[1:]]   # no typed cell changed
    typed = [[line[header.index(h)] if h in header else "" for h in FULL_HEADER] for line in final]
    _, want = expected_outputs(typed, config)
    got = {r: tuple((final[r - 1] + ["", ""])[len(header) - 2:len(header)]) for r in range(2, len(final) + 1)}
    wrong = {r: (got[r], want[r]) for r in got if got[r] != want[r]}
    # a row known only by its content (no TPS key) may be left blank for the next sync, never wrong
    assert all(g == ("", "") for g, _ in wrong.values()) and len(wrong) <= 1, wrong
