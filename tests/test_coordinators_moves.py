"""Coordinators moving things around: her column typed between sheetsync's Status and
Keterangan, sheetsync's Status dragged left of her column, a sort of the whole table
(her notes and sheetsync's columns with it), and rows with her notes deleted by mistake
and restored; in an id_ID sheet with number formats, restored counts come back as numbers.
A second gspread client is the coordinator (tests/coordinators.py)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from coordinators import (
    NOTES,
    Desk,
    assert_one_status,
    coordinator,
    insert_own_column,
    lost,
    owned,
    person_cells,
    sheet_statuses,
)
from sync_data import FULL_HEADER, config_for, seed, tps_sheet

from sheetsync.sheets.client import Sheet
from sheetsync.journal.store import Journal
from sheetsync.journal.restore import restore
from sheetsync.sync.run import SyncError

ROWS = 40
STATUS = len(FULL_HEADER) + 1


def test_her_column_between_status_and_keterangan_and_status_dragged_left(emu: Any, tmp_path: Path) -> None:
    sh = seed(emu.client(), tps_sheet(ROWS, 71))
    desk = Desk(emu, config_for(sh, emu), tmp_path)
    desk.sync()
    ws = coordinator(emu, sh).worksheet("TPS")
    insert_own_column(ws, STATUS + 1, ["Keterangan"] + NOTES)      # between Status and Keterangan
    ws.update([["999"]], "I3")
    before = person_cells(sh)
    report = desk.sync()
    assert lost(before, person_cells(sh)) == {} and sheet_statuses(sh)[3] == "SALAH"
    assert_one_status(sh, desk, report)
    desk.idle()
    sh.batch_update({"requests": [{"moveDimension": {"source": {              # Status dragged to A
        "sheetId": ws.id, "dimension": "COLUMNS", "startIndex": STATUS - 1, "endIndex": STATUS},
        "destinationIndex": 0}}]})
    assert owned(sh)[0]["status"] == 1
    ws.update([["0"]], "J3")                                      # Paslon 1 (now column J) back
    before = person_cells(sh)
    report = desk.sync()
    assert lost(before, person_cells(sh)) == {}
    assert report.alerts == []
    assert_one_status(sh, desk, report)
    desk.idle()


def test_a_sort_of_the_whole_table_carries_her_notes_and_the_statuses(emu: Any, tmp_path: Path) -> None:
    sh = seed(emu.client(), tps_sheet(ROWS, 72))
    desk = Desk(emu, config_for(sh, emu), tmp_path)
    desk.sync()
    ws = coordinator(emu, sh).worksheet("TPS")
    insert_own_column(ws, 1, ["Catatan"] + NOTES)
    desk.sync()
    ws.sort((4, "des"), range=f"A2:R{ROWS + 1}")                   # by No TPS, every column along
    before = person_cells(sh)
    report = desk.sync()
    assert lost(before, person_cells(sh)) == {}
    assert report.alerts == []
    assert_one_status(sh, desk, report)
    desk.idle()


def _id_sheet_with_formats(emu: Any) -> Any:
    values = tps_sheet(ROWS, 73, unfilled=0)
    sh = seed(emu.client(), [values[0]])
    sh.batch_update({"requests": [{"updateSpreadsheetProperties": {
        "properties": {"locale": "id_ID"}, "fields": "locale"}}]})
    sh.sheet1.update(values[1:], "A2", value_input_option="USER_ENTERED")
    sh.sheet1.update([["1.234"]], "E3", value_input_option="USER_ENTERED")   # 1234 voters, typed id_ID
    sh.sheet1.format(f"E2:N{ROWS + 1}", {"numberFormat": {"type": "NUMBER", "pattern": "#,##0.00"}})
    return sh


def test_rows_restored_in_an_id_ID_sheet_with_formats_come_back_as_numbers(emu: Any, tmp_path: Path) -> None:
    sh = _id_sheet_with_formats(emu)
    desk = Desk(emu, config_for(sh, emu), tmp_path)
    desk.sync()
    ws = coordinator(emu, sh).worksheet("TPS")
    gone = ws.get(f"A2:O{ROWS + 1}", value_render_option="UNFORMATTED_VALUE")[:8]
    ws.delete_rows(2, 9)                                          # eight of 40 rows, by mistake
    with pytest.raises(SyncError):
        desk.sync()
    with Journal(desk.journal_file) as journal:
        restore(desk.config, journal, Sheet(emu.client(), sh.id), since=1, apply=True, lock_dir=str(tmp_path))
    now = ws.get(f"A2:O{ROWS + 1}", value_render_option="UNFORMATTED_VALUE")
    back = {(line[1], line[2]): line for line in now[-8:]}
    for line in gone:
        got = back[(line[1], line[2])]
        assert got[4:14] == line[4:14], (got, line)                 # DPT .. counts: numbers, as typed
    report = desk.sync()
    assert_one_status(sh, desk, report)
    desk.idle()


def _deleted_and_restored(emu: Any, tmp_path: Path, notes: list[str], suara_sah: str | None = None) -> tuple[Any, Any]:
    """Her notes in her column P of rows 2-6 (and a Suara Sah formula in row 4); the five rows
    deleted by mistake, the guard stops, restore --apply. Returns (what she typed, the tab after)."""
    sh = seed(emu.client(), tps_sheet(ROWS, 74))
    desk = Desk(emu, config_for(sh, emu), tmp_path)
    ws = coordinator(emu, sh).worksheet("TPS")
    insert_own_column(ws, 16, ["Catatan"] + notes)                # her column right of the table
    if suara_sah:
        ws.update([[suara_sah]], "L4", value_input_option="USER_ENTERED")
    desk.sync()
    typed = person_cells(sh)
    ws.delete_rows(2, 6)                                          # five rows holding her notes
    with pytest.raises(SyncError):
        desk.sync()
    with Journal(desk.journal_file) as journal:
        restore(desk.config, journal, Sheet(emu.client(), sh.id), since=1, apply=True, lock_dir=str(tmp_path))
    return typed, ws.get_values(value_render_option="FORMULA")


def _by_key(typed: Any, after: list[list[Any]]) -> list[tuple[Any, Any]]:
    """(typed row, restored row) of rows 2-6, matched by Kecamatan, Kelurahan and No TPS."""
    rows = {tuple(str(v) for v in line[:3]): line for line in after[1:]}
    out = []
    for r in range(2, 7):
        line = [typed.get(("TPS", r, c), "") for c in range(1, 17)]
        out.append((line, rows[tuple(str(v) for v in line[:3])]))
    return out


def test_rows_with_her_notes_deleted_by_mistake_come_back_with_her_notes(emu: Any, tmp_path: Path) -> None:
    notes = [n for n in NOTES if not n.startswith("=")]
    typed, after = _deleted_and_restored(emu, tmp_path, notes)
    for line, got in _by_key(typed, after):
        assert got[15] == line[15], (line[:3], line[15], got[15])


def test_formulas_she_typed_in_rows_deleted_by_mistake_come_back_as_formulas(emu: Any, tmp_path: Path) -> None:
    typed, after = _deleted_and_restored(emu, tmp_path, NOTES, suara_sah="=SUM(I4:K4)")
    assert typed[("TPS", 4, 12)] == "=SUM(I4:K4)" and typed[("TPS", 5, 16)].startswith("=")
    got = {tuple(line[:3]): row for line, row in _by_key(typed, after)}
    row4 = got[tuple(typed.get(("TPS", 4, c), "") for c in range(1, 4))]
    row5 = got[tuple(typed.get(("TPS", 5, c), "") for c in range(1, 4))]
    at = next(r for r, line in enumerate(after, start=1) if line is row4)
    assert row4[11] == f"=SUM(I{at}:K{at})" and row5[15] == typed[("TPS", 5, 16)]   # its own row's counts


def test_a_filter_hiding_a_kecamatan_frozen_rows_and_hidden_columns_change_nothing(emu: Any, tmp_path: Path) -> None:
    """Data > Create a filter (Cengkareng hidden), View > Freeze, Hide columns: a row she cannot
    see still gets its status, and nothing else moves."""
    sh = seed(emu.client(), tps_sheet(ROWS, 75))
    desk = Desk(emu, config_for(sh, emu), tmp_path)
    desk.sync()
    ws = coordinator(emu, sh).worksheet("TPS")
    ws.freeze(rows=1, cols=3)
    sh.batch_update({"requests": [{"setBasicFilter": {"filter": {
        "range": {"sheetId": ws.id, "startRowIndex": 0, "endRowIndex": ROWS + 1, "startColumnIndex": 0,
                  "endColumnIndex": STATUS + 1},
        "filterSpecs": [{"columnIndex": 0, "filterCriteria": {"hiddenValues": ["Cengkareng"]}}]}}}]})
    ws.hide_columns(3, 5)
    ws.update([["999"]], "I2")                                    # a Cengkareng row, hidden by her filter
    before = person_cells(sh)
    report = desk.sync()
    assert lost(before, person_cells(sh)) == {} and sheet_statuses(sh)[2] == "SALAH"
    assert_one_status(sh, desk, report)
    desk.idle()


def test_rows_restored_after_she_inserted_her_column_land_under_their_headers(emu: Any, tmp_path: Path) -> None:
    """Her column at A, then six rows deleted by mistake: restore puts every value under its own
    header (Kecamatan in B now), leaves her column blank for them, and the sync settles."""
    sh = seed(emu.client(), tps_sheet(ROWS, 76, unfilled=0))
    desk = Desk(emu, config_for(sh, emu), tmp_path)
    desk.sync()
    ws = coordinator(emu, sh).worksheet("TPS")
    insert_own_column(ws, 1, ["Catatan"] + NOTES)
    desk.sync()
    gone = ws.get_values("B10:P15")
    ws.delete_rows(10, 15)
    typed = person_cells(sh)
    with pytest.raises(SyncError):
        desk.sync()
    with Journal(desk.journal_file) as journal:
        restore(desk.config, journal, Sheet(emu.client(), sh.id), since=1, apply=True, lock_dir=str(tmp_path))
    now = ws.get_values()
    back = {tuple(line[1:4]): line for line in now[1:]}
    for line in gone:
        got = back[tuple(line[:3])]
        assert got[0] == "" and got[1:16] == line, (got, line)
    assert lost(typed, {k: v for k, v in person_cells(sh).items() if k[1] <= ROWS + 1 - 6}) == {}
    report = desk.sync()
    assert report.alerts == []
    assert_one_status(sh, desk, report)
    desk.idle()
