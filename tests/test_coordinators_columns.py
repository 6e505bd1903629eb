"""Coordinators and their own columns: a "Keterangan" of her own (inserted left of
sheetsync's, or there before `init`) with notes typed in it, and headers renamed (a column
of her own, and a configured vote column). Between syncs and while a sync runs; a second
gspread client is the coordinator (tests/coordinators.py)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from coordinators import (
    NOTES,
    REFUSED,
    Desk,
    assert_clear,
    assert_one_status,
    col_letter,
    coordinator,
    insert_own_column,
    lost,
    owned,
    person_cells,
    sheet_statuses,
)
from sync_data import FULL_HEADER, config_for, seed, tps_sheet

from sheetsync.sync.layout import init_layout
from sheetsync.sync.run import SyncError, SyncHooks

ROWS = 40


def test_her_keterangan_left_of_sheetsyncs_keeps_every_note_between_and_during_syncs(emu: Any, tmp_path: Path) -> None:
    sh = seed(emu.client(), tps_sheet(ROWS, 11))
    desk = Desk(emu, config_for(sh, emu), tmp_path)
    desk.sync()
    ws = coordinator(emu, sh).worksheet("TPS")
    insert_own_column(ws, 4, ["Keterangan"] + NOTES)              # left of Status and Keterangan
    ws.update([["999"]], "J3")                                    # Paslon 1 (one column right): SALAH
    before = person_cells(sh)
    report = desk.sync()
    assert lost(before, person_cells(sh)) == {}
    assert sheet_statuses(sh)[3] == "SALAH"
    assert_one_status(sh, desk, report)
    desk.idle()

    def she_types_while_sync_writes() -> None:
        """Between sync's read and its write: another column of hers at A, and more notes."""
        insert_own_column(ws, 1, ["Keterangan", "sudah ditelepon", "belum dijawab"])
        ws.update([["kunci gudang di Pak RT"]], "E9")                # her Keterangan, now column E
        ws.update([["0"]], "K3")                                     # row 3 fixed: Paslon 1 back to 0
        seen["typed"] = person_cells(sh)
    seen: dict[str, Any] = {}
    report = desk.sync(hooks=SyncHooks(between_read_and_write=she_types_while_sync_writes))
    assert lost(seen["typed"], person_cells(sh)) == {}
    columns, _ = owned(sh)
    assert columns == {"status": len(FULL_HEADER) + 3, "message": len(FULL_HEADER) + 4}
    again = desk.sync()                                          # the row she fixed gets its status
    assert lost(seen["typed"], person_cells(sh)) == {}
    assert_one_status(sh, desk, again)
    desk.idle()


def test_a_keterangan_there_before_init_stays_hers_and_sync_goes_on_once_she_renames_it(emu: Any,
                                                                                    tmp_path: Path) -> None:
    values = tps_sheet(ROWS, 12)
    values[0].append("Keterangan")
    for line, note in zip(values[1:], NOTES):
        line.append(note)
    sh = seed(emu.client(), values)
    mine = coordinator(emu, sh)
    mine.worksheet("TPS").update([["=\"ok \"&A2"]], "P8", value_input_option="USER_ENTERED")
    before = person_cells(sh)
    for lang, words in (("en", "rename"), ("id", "bukan buatan sheetsync")):
        desk = Desk(emu, config_for(sh, emu, language=lang), tmp_path)
        with pytest.raises(REFUSED) as info:
            init_layout(desk.config, client=emu.client())
        assert_clear(str(info.value))
        with pytest.raises(SyncError) as info:
            desk.sync()
        assert words in str(info.value) and "Keterangan" in str(info.value)
        assert_clear(str(info.value))
    assert person_cells(sh) == before                            # nothing written, nothing added
    mine.worksheet("TPS").update([["Catatan"]], "P1")            # the way on the message gives
    before = person_cells(sh)
    report = desk.sync()
    assert lost(before, person_cells(sh)) == {}
    assert_one_status(sh, desk, report)
    desk.idle()


def test_her_own_column_renamed_is_no_alert_and_keeps_its_notes(emu: Any, tmp_path: Path) -> None:
    sh = seed(emu.client(), tps_sheet(ROWS, 13))
    desk = Desk(emu, config_for(sh, emu), tmp_path)
    desk.sync()
    ws = coordinator(emu, sh).worksheet("TPS")
    insert_own_column(ws, 2, ["Catatan"] + NOTES)
    desk.sync()
    desk.idle()

    def rename_during_sync() -> None:
        ws.update([["Catatan Koordinator"]], "B1")
        ws.update([["999"]], "J5")                                # Paslon 1 of row 5: SALAH
        seen["typed"] = person_cells(sh)
    seen: dict[str, Any] = {}
    desk.sync(hooks=SyncHooks(between_read_and_write=rename_during_sync))
    assert lost(seen["typed"], person_cells(sh)) == {}
    report = desk.sync()
    assert report.alerts == []                                    # her own column renamed: no alert
    assert not report.sheet_errors and sheet_statuses(sh)[5] == "SALAH"
    assert lost(seen["typed"], person_cells(sh)) == {}
    assert_one_status(sh, desk, report)
    desk.idle()


def test_a_vote_column_renamed_is_an_error_said_clearly_and_renaming_back_settles(emu: Any, tmp_path: Path) -> None:
    """"Paslon 3" -> "Paslon 3 (Pramono-Rano)": the rules need it, so the sheet is in error and
    the guard stops the summaries with a clear line; a row with 1,300 votes is not passed as OK."""
    values = tps_sheet(ROWS, 14, unfilled=0, broken=0)
    sh = seed(emu.client(), values)
    desk = Desk(emu, config_for(sh, emu, language="en"), tmp_path)
    desk.sync()
    ws = coordinator(emu, sh).worksheet("TPS")
    ws.update([["Paslon 3 (Pramono-Rano)"]], "K1")
    ws.update([["1300"]], "K4")                                   # 1,300 votes at a <= 600-voter TPS
    before = person_cells(sh)
    try:
        report = desk.sync()
        message = " ".join(str(e) for e in report.sheet_errors)
    except SyncError as exc:
        report, message = None, str(exc)
    assert "Paslon 3" in message, message
    assert_clear(message)
    assert lost(before, person_cells(sh)) == {}
    assert sheet_statuses(sh).get(4) != "OK"
    checked = desk.check()
    assert not checked.valid
    ws.update([["Paslon 3"]], "K1")                               # she renames it back
    report = desk.sync()
    assert not report.sheet_errors and sheet_statuses(sh)[4] == "ERROR"
    assert lost(before | {("TPS", 1, 11): "Paslon 3"}, person_cells(sh)) == {}
    assert_one_status(sh, desk, report)
    desk.idle()


def test_a_configured_header_renamed_to_its_alias_is_no_alert(emu: Any, tmp_path: Path) -> None:
    """"No TPS" -> "TPS" and "Kelurahan" -> "Desa/Kelurahan": the preset's own aliases, the
    same meaning; sync goes on, no guard alert, every status where it was."""
    sh = seed(emu.client(), tps_sheet(ROWS, 15))
    desk = Desk(emu, config_for(sh, emu), tmp_path)
    desk.sync()
    statuses = sheet_statuses(sh)
    ws = coordinator(emu, sh).worksheet("TPS")
    ws.update([["Desa/Kelurahan", "TPS"]], "B1")
    before = person_cells(sh)
    report = desk.sync()
    assert report.alerts == [] and not report.sheet_errors
    assert sheet_statuses(sh) == statuses and lost(before, person_cells(sh)) == {}
    assert_one_status(sh, desk, report)
    desk.idle()


def test_her_column_inserted_between_the_write_and_the_verify(emu: Any, tmp_path: Path) -> None:
    """The write has landed; before sync reads back what it wrote, she inserts her column at A
    and types notes: the verify finds sheetsync's columns by marker and nothing she typed moves."""
    sh = seed(emu.client(), tps_sheet(ROWS, 16))
    desk = Desk(emu, config_for(sh, emu), tmp_path)
    desk.sync()
    ws = coordinator(emu, sh).worksheet("TPS")
    ws.update([["999"]], "I7")
    seen: dict[str, Any] = {}

    def insert_after_write() -> None:
        insert_own_column(ws, 1, ["Catatan"] + NOTES)
        seen["typed"] = person_cells(sh)
    desk.sync(hooks=SyncHooks(after_write=insert_after_write))
    assert lost(seen["typed"], person_cells(sh)) == {}
    report = desk.sync()
    assert lost(seen["typed"], person_cells(sh)) == {} and sheet_statuses(sh)[7] == "SALAH"
    assert_one_status(sh, desk, report)
    desk.idle()


def test_her_own_status_column_of_ok_words_on_a_sheet_never_synced_is_not_adopted(emu: Any, tmp_path: Path) -> None:
    """A new sheet where she keeps her own "Status" column of checks, written in the words
    sheetsync also uses ("OK", "PERIKSA"): no sync ever wrote there, so it is hers."""
    values = tps_sheet(ROWS, 17, broken=0.3)
    values[0].append("Status")
    for i, line in enumerate(values[1:]):
        line.append("OK" if i % 3 else "PERIKSA")                  # her own phone checks
    sh = seed(emu.client(), values)
    before = person_cells(sh)
    desk = Desk(emu, config_for(sh, emu, language="en"), tmp_path)
    with pytest.raises(REFUSED) as info:
        desk.sync()
    assert "Status" in str(info.value)
    assert_clear(str(info.value))
    assert person_cells(sh) == before


def test_paslon_3_renamed_while_a_sync_runs(emu: Any, tmp_path: Path) -> None:
    """She renames "Paslon 3" between sync's read and its write: that sync writes what it
    read; the next one names the missing column, and renaming back settles everything."""
    sh = seed(emu.client(), tps_sheet(ROWS, 18, unfilled=0, broken=0))
    desk = Desk(emu, config_for(sh, emu), tmp_path)
    desk.sync()
    ws = coordinator(emu, sh).worksheet("TPS")
    ws.update([["999"]], "I5")

    def rename_meanwhile() -> None:
        ws.update([["Paslon 3 (Pramono-Rano)"]], "K1")
    desk.sync(hooks=SyncHooks(between_read_and_write=rename_meanwhile))
    before = person_cells(sh)
    try:
        report = desk.sync()
        message = " ".join(str(e) for e in report.sheet_errors)
    except SyncError as exc:
        message = str(exc)
    assert "Paslon 3" in message
    assert_clear(message)
    assert lost(before, person_cells(sh)) == {}
    ws.update([["Paslon 3"]], "K1")
    report = desk.sync()
    assert not report.sheet_errors and report.alerts == [] and sheet_statuses(sh)[5] == "SALAH"
    assert_one_status(sh, desk, report)
    desk.idle()


def test_a_note_typed_into_sheetsyncs_keterangan_is_not_lost(emu: Any, tmp_path: Path) -> None:
    sh = seed(emu.client(), tps_sheet(ROWS, 19, unfilled=0, broken=0))
    desk = Desk(emu, config_for(sh, emu), tmp_path)
    desk.sync()
    message = owned(sh)[0]["message"]
    ws = coordinator(emu, sh).worksheet("TPS")
    note = "Ketua KPPS: Pak Ahmad, buka jam 7"
    ws.update([[note]], f"{col_letter(message)}2")
    desk.sync()
    shown = [line for line in ws.get_values() if any(note in cell for cell in line)]
    assert shown, "her note is nowhere on the sheet"
    desk.idle()                                       # kept as typed: the next sync writes nothing
