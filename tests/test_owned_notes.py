"""A note a coordinator types into sheetsync's own Status or Keterangan cell (owned_notes.py):
the next sync keeps it in the row's Keterangan, in front of sheetsync's message, names the cell
(never the note) in the sync line and the JSON log, and the sync after it writes nothing.
A second gspread client is the coordinator; sheetsync syncs through its own."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Any

from click.testing import CliRunner
from coordinators import Desk, assert_one_status, col_letter, coordinator, owned, sheet_statuses
from sheets import private_workdir
from sync_data import FULL_HEADER, config_for, seed, tps_sheet

from sheetsync.core import a1
from sheetsync.cli.main import cli
from sheetsync.core.config import load_preset, with_overrides
from sheetsync.journal.store import journal_path
from sheetsync.sync.owned_notes import person_parts
from sheetsync.sync.ownership import MESSAGE_LIMIT

NOTE = "Ketua KPPS: Pak Ahmad, buka jam 7"
PRESET = "pilkada-jakbar-2024"


def _synced(emu: Any, tmp_path: Path) -> tuple[Any, Desk, dict[str, int], int]:
    """A synced sheet where every row is unfilled (each has a message); its owned columns and
    the first data row."""
    sh = seed(emu.client(), tps_sheet(12, 23, unfilled=1.0, broken=0))
    desk = Desk(emu, config_for(sh, emu), tmp_path)
    desk.sync()
    return sh, desk, owned(sh)[0], 2


def _cell(sh: Any, col: int, row: int) -> str:
    line = coordinator_values(sh)[row - 1]
    return line[col - 1] if len(line) >= col else ""


def coordinator_values(sh: Any) -> list[list[str]]:
    return sh.worksheet("TPS").get_values()


def test_a_note_typed_over_sheetsyncs_message_stays_in_front_of_it(emu: Any, tmp_path: Path) -> None:
    sh, desk, cols, row = _synced(emu, tmp_path)
    message = _cell(sh, cols["message"], row)
    assert message, "an unfilled row has sheetsync's message"
    coordinator(emu, sh).worksheet("TPS").update([[NOTE]], f"{col_letter(cols['message'])}{row}")
    report = desk.sync()
    assert _cell(sh, cols["message"], row) == f"{NOTE}; {message}"
    assert report.notes_kept == [a1.rect("TPS", row, cols["message"])]
    assert report.requests <= 3 and report.verified
    assert_one_status(sh, desk, report)
    quiet = desk.idle()                              # kept as it is now: nothing to write, no word
    assert quiet.notes_kept == []


def test_a_note_typed_into_the_status_cell_moves_to_the_rows_keterangan(emu: Any, tmp_path: Path) -> None:
    sh, desk, cols, row = _synced(emu, tmp_path)
    status, message = sheet_statuses(sh)[row], _cell(sh, cols["message"], row)
    coordinator(emu, sh).worksheet("TPS").update([["sudah ditelepon"]], f"{col_letter(cols['status'])}{row}")
    report = desk.sync()
    assert sheet_statuses(sh)[row] == status
    assert _cell(sh, cols["message"], row) == f"sudah ditelepon; {message}"
    assert report.notes_kept == [a1.rect("TPS", row, cols["status"])]
    desk.idle()


def test_a_note_of_several_parts_is_kept_whole_and_stale_messages_go(emu: Any, tmp_path: Path) -> None:
    sh, desk, cols, row = _synced(emu, tmp_path)
    message = _cell(sh, cols["message"], row)
    typed = f"{message}; TPS pindah ke SDN 05; kunci di Pak RT"     # she appended to sheetsync's text
    coordinator(emu, sh).worksheet("TPS").update([[typed]], f"{col_letter(cols['message'])}{row}")
    report = desk.sync()
    assert _cell(sh, cols["message"], row) == f"TPS pindah ke SDN 05; kunci di Pak RT; {message}"
    assert len(report.notes_kept) == 1
    desk.idle()


def test_sync_line_and_json_log_say_where_never_what(emu: Any, tmp_path: Path) -> None:
    with private_workdir(tmp_path):
        sh = seed(emu.client(), tps_sheet(12, 29, unfilled=1.0, broken=0))
        where = ["--preset", PRESET, "--api-url", emu.url, "--spreadsheet", sh.id]
        config = with_overrides(load_preset(PRESET), spreadsheet=sh.id, api_url=emu.url)
        Desk(emu, config, tmp_path, journal_file=journal_path(config)).sync()
        cols = owned(sh)[0]
        ws = coordinator(emu, sh).worksheet("TPS")
        cells = {"en": f"{col_letter(cols['message'])}2", "id": f"{col_letter(cols['message'])}3"}
        for lang, cell in cells.items():
            ws.update([[NOTE]], cell)
            out = CliRunner().invoke(cli, ["--lang", lang, "sync", *where], catch_exceptions=False)
            assert out.exit_code == 0, out.output
            said = {"en": "were kept in the row's Keterangan", "id": "disimpan di Keterangan baris itu"}[lang]
            assert said in out.output and f"'TPS'!{cell}" in out.output and "Pak Ahmad" not in out.output
        ws.update([[NOTE]], f"{col_letter(cols['status'])}4")
        for dry in (["plan", "--json"], ["sync", "--dry-run"], ["sync", "--dry-run", "--json"]):
            out = CliRunner().invoke(cli, [*dry, *where], catch_exceptions=False)
            assert out.exit_code == 0 and "***" in out.output and "Pak Ahmad" not in out.output, out.output
        out = CliRunner().invoke(cli, ["sync", "--json", *where], catch_exceptions=False)
        assert out.exit_code == 0, out.output
        log = json.loads(out.output.strip().splitlines()[-1])
        assert log["notes_kept"] == [a1.rect("TPS", 4, cols["status"])]
        assert "Pak Ahmad" not in out.output
        assert any(NOTE in c for line in ws.get_values() for c in line)


def test_sheetsyncs_own_message_holding_a_semicolon_is_not_taken_for_a_note(emu: Any, tmp_path: Path) -> None:
    """A duplicate TPS's message lists the numbers that differ after "; ": when they change, the
    old message is sheetsync's own and goes, nothing of it is kept as a note."""
    values = tps_sheet(12, 31, unfilled=0, broken=0)
    twin = list(values[1])
    twin[FULL_HEADER.index("DPT")] = str(int(twin[FULL_HEADER.index("DPT")]) + 40)
    values.append(twin)
    sh = seed(emu.client(), values)
    desk = Desk(emu, config_for(sh, emu), tmp_path)
    desk.sync()
    cols = owned(sh)[0]
    before = _cell(sh, cols["message"], 2)
    assert "; " in before, before
    dpt = col_letter(FULL_HEADER.index("DPT") + 1)
    coordinator(emu, sh).worksheet("TPS").update([[str(int(twin[FULL_HEADER.index("DPT")]) + 1)]],
                                                 f"{dpt}{len(values)}")
    report = desk.sync()
    after = _cell(sh, cols["message"], 2)
    assert after != before and report.notes_kept == [] and before.split("; ")[1] not in after
    desk.idle()


# A cell as sheetsync wrote it when the koordinator rule ran before the duplicate-TPS rule: the
# koordinator's message ends in a value ({max}), the duplicate's lists the numbers that differ
# after a "; ", and the three parts together are longer than MESSAGE_LIMIT.
TWO_MESSAGES = ("Koordinator: koordinator ini memegang 13 TPS, lebih dari batas 10; "
                "TPS 1 Cengkareng Barat sama dengan baris 13, 16; DPT: 230 ≠ 274 ≠ 230, Paslon 1: 59 ≠ 97 ≠ 59, "
                "Paslon 2: 33 ≠ 94 ≠ 33, Paslon 3: 44 ≠ 710 ≠ 44, Suara Sah: 136 ≠ 261 ≠ 136, "
                "Suara Tidak Sah: 3 ≠ 9 ≠ 3, Pengguna Hak Pilih: 139 ≠ 263 ≠ 139")


def test_a_message_ending_in_a_value_does_not_swallow_the_next_ones_first_part() -> None:
    """Read longest run first, "...batas 10; TPS 1 ... baris 13, 16" passes for one koordinator
    message (its value may hold anything) and the duplicate's numbers were left as a note."""
    assert len(TWO_MESSAGES) > MESSAGE_LIMIT
    assert person_parts(TWO_MESSAGES) == []


def test_a_note_in_front_of_a_message_that_starts_with_a_header_is_kept() -> None:
    """A message starting with a column's name reads a header there, not anything: the
    person's note in front of it is hers, not the start of sheetsync's message."""
    note = "Ketua KPPS: Pak Ahmad, buka jam 7"
    cell = f"{note}; Koordinator: koordinator ini memegang 13 TPS, lebih dari batas 10"
    assert person_parts(cell) == [note]
    assert person_parts(TWO_MESSAGES) == []                   # sheetsync's own two still read as its own


def test_a_changed_duplicate_after_a_bounds_message_leaves_no_part_behind(emu: Any, tmp_path: Path) -> None:
    """DPTb over its maximum (a message ending in a value), then a duplicate TPS listing the
    numbers of three rows that differ: when a twin's vote changes, the old message is all
    sheetsync's and goes whole."""
    values = tps_sheet(12, 37, unfilled=0, broken=0)
    first = list(values[1])
    first[FULL_HEADER.index("DPTb")] = "25"
    values[1] = first
    numbers = ["DPT", "DPPh", "DPTb", "Paslon 1", "Paslon 2", "Paslon 3", "Suara Sah", "Suara Tidak Sah",
               "Pengguna Hak Pilih"]
    for twin_no in (1, 2):
        twin = list(first)
        for name in numbers:
            twin[FULL_HEADER.index(name)] = str(100 * twin_no + numbers.index(name))
        values.append(twin)
    sh = seed(emu.client(), values)
    config = config_for(sh, emu)
    config = replace(config, columns=type(config.columns)(replace(c, max=20) if c.field == "dptb" else c
                                                          for c in config.columns))
    desk = Desk(emu, config, tmp_path)
    desk.sync()
    cols = owned(sh)[0]
    before = _cell(sh, cols["message"], 2)
    bounds, duplicate = before.split("; ", 1)[0], "; ".join(before.split("; ")[1:3])
    assert bounds == "DPTb: 25 di atas batas 20" and duplicate.startswith("TPS ")
    assert len(duplicate) <= MESSAGE_LIMIT < len(f"{bounds}; {duplicate}"), before
    paslon_1 = col_letter(FULL_HEADER.index("Paslon 1") + 1)
    coordinator(emu, sh).worksheet("TPS").update([["109"]], f"{paslon_1}{len(values)}")
    report = desk.sync()
    after = _cell(sh, cols["message"], 2)
    assert report.notes_kept == []
    assert after == desk.check().rows.loc[2, "message"]
    desk.idle()
