"""A coordinator who owns the spreadsheet hard-protects a summary tab "only me" (strict
emulator: protection is enforced, real gspread with service-account keys), between syncs
and while a sync runs. Statuses never freeze, the message names the protected range in
the config's language, nothing she typed changes, and once she lifts the protection the
summaries catch up and the idle sync is 1 request again (tests/coordinators.py)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from coordinators import (
    Desk,
    assert_clear,
    assert_masalah_agrees,
    assert_one_status,
    lost,
    person_cells,
    sheet_statuses,
)
from sync_data import config_for, tps_sheet

from sheetsync.sync.run import SyncError, SyncHooks

OWNER = "koordinator@kawal-jakbar.iam.gserviceaccount.com"
BOT = "sheetsync@kawal-jakbar.iam.gserviceaccount.com"


def her_sheet(strict_emu: Any) -> Any:
    """The coordinator's own spreadsheet, shared with sheetsync's service account as editor."""
    owner = strict_emu.client(key=strict_emu.issue_key(OWNER))
    sh = owner.create("Kawal TPS Jakbar")
    sh.sheet1.update_title("TPS")
    sh.sheet1.update(tps_sheet(40, seed=41), "A1")
    sh.share(BOT, perm_type="user", role="writer", notify=False)
    return sh


def only_me(sh: Any, title: str) -> int:
    """Data > Protect sheets and ranges > Restrict who can edit: only you."""
    got = sh.batch_update({"requests": [{"addProtectedRange": {"protectedRange": {
        "range": {"sheetId": sh.worksheet(title).id}, "description": "Rekap resmi",
        "editors": {"users": [OWNER]}}}}]})
    return got["replies"][0]["addProtectedRange"]["protectedRange"]["protectedRangeId"]


@pytest.mark.parametrize("lang,words", [("id", "dilindungi"), ("en", "protected")])
def test_a_summary_protected_only_me_while_a_sync_runs_never_freezes_the_statuses(strict_emu: Any, tmp_path: Path,
                                                                                   lang: str, words: str) -> None:
    sh = her_sheet(strict_emu)
    bot = strict_emu.client(key=strict_emu.issue_key(BOT))
    desk = Desk(strict_emu, config_for(sh, strict_emu, language=lang), tmp_path, client=bot)
    desk.sync()
    tps = sh.worksheet("TPS")
    seen: dict[str, Any] = {}

    def protect_meanwhile() -> None:
        seen["id"] = only_me(sh, "Rekap Kecamatan")
        tps.update([["999"]], "I3")                               # Paslon 1 of row 3: SALAH
        seen["typed"] = person_cells(sh)
        seen["rekap"] = sh.worksheet("Rekap Kecamatan").get_values()
    desk.sync(hooks=SyncHooks(between_read_and_write=protect_meanwhile))
    report = desk.sync()                                # the edit is seen: totals change
    assert sheet_statuses(sh)[3] == ("SALAH" if lang == "id" else "ERROR")
    assert report.protected and "'Rekap Kecamatan'" in report.protected and "Rekap resmi" in report.protected
    assert words in report.protected.lower()
    assert_clear(report.protected)
    assert sh.worksheet("Rekap Kecamatan").get_values() == seen["rekap"]     # her protection holds
    assert lost(seen["typed"], person_cells(sh)) == {}
    assert_one_status(sh, desk, report)
    sh.batch_update({"requests": [{"deleteProtectedRange": {"protectedRangeId": seen["id"]}}]})
    caught_up = desk.sync()
    assert caught_up.protected is None and caught_up.cells_written > 0
    assert lost(seen["typed"], person_cells(sh)) == {}
    assert_one_status(sh, desk, caught_up)
    desk.idle()


def test_while_the_summary_stays_protected_each_sync_keeps_the_statuses_right(strict_emu: Any, tmp_path: Path) -> None:
    sh = her_sheet(strict_emu)
    bot = strict_emu.client(key=strict_emu.issue_key(BOT))
    desk = Desk(strict_emu, config_for(sh, strict_emu), tmp_path, client=bot)
    desk.sync()
    only_me(sh, "Rekap Kecamatan")
    tps = sh.worksheet("TPS")
    tps.update([["999"]], "I3")
    desk.sync()
    tps.update([["999"]], "I4")                                   # a second edit, still protected
    before = person_cells(sh)
    report = desk.sync()
    assert sheet_statuses(sh)[4] == "SALAH" and report.protected
    assert lost(before, person_cells(sh)) == {}
    assert_one_status(sh, desk, report)
    again = desk.sync()                                 # nothing new typed
    assert again.cells_written == 0 and again.protected
    assert again.requests == 3, again.requests                  # read, the refused write, the ranges read


def test_masalah_agrees_with_the_sheet_while_another_summary_is_protected(strict_emu: Any, tmp_path: Path) -> None:
    sh = her_sheet(strict_emu)
    bot = strict_emu.client(key=strict_emu.issue_key(BOT))
    desk = Desk(strict_emu, config_for(sh, strict_emu), tmp_path, client=bot)
    desk.sync()
    only_me(sh, "Rekap Kecamatan")
    sh.worksheet("TPS").update([["999"]], "I3")
    report = desk.sync()
    assert report.protected and sheet_statuses(sh)[3] == "SALAH"
    assert_masalah_agrees(sh, desk.config, sheet_statuses(sh))


def test_the_input_tab_protected_only_me_stops_with_a_clear_line_naming_it(strict_emu: Any, tmp_path: Path) -> None:
    """She protects the whole TPS tab "only me": sheetsync can write no status. The sync stops
    with one clear line naming the protected range; nothing she typed changes."""
    sh = her_sheet(strict_emu)
    bot = strict_emu.client(key=strict_emu.issue_key(BOT))
    desk = Desk(strict_emu, config_for(sh, strict_emu, language="en"), tmp_path, client=bot)
    desk.sync()
    only_me(sh, "TPS")
    sh.worksheet("TPS").update([["999"]], "I3")
    before = person_cells(sh)
    with pytest.raises(SyncError) as info:
        desk.sync()
    text = str(info.value)
    assert_clear(text)
    assert "'TPS'" in text and "Rekap resmi" in text and "protected" in text
    assert person_cells(sh) == before


def test_a_summary_protected_show_a_warning_is_written_as_usual(strict_emu: Any, tmp_path: Path) -> None:
    """"Show a warning when editing this range" stops people, not the API: the sync writes the
    summary as usual, says nothing of protection, and is idle at 1 request after."""
    sh = her_sheet(strict_emu)
    bot = strict_emu.client(key=strict_emu.issue_key(BOT))
    desk = Desk(strict_emu, config_for(sh, strict_emu), tmp_path, client=bot)
    desk.sync()
    sh.batch_update({"requests": [{"addProtectedRange": {"protectedRange": {
        "range": {"sheetId": sh.worksheet("Rekap Kecamatan").id}, "warningOnly": True}}}]})
    sh.worksheet("TPS").update([["999"]], "I3")
    before = person_cells(sh)
    report = desk.sync()
    assert report.protected is None and sheet_statuses(sh)[3] == "SALAH"
    assert lost(before, person_cells(sh)) == {}
    assert_one_status(sh, desk, report)
    desk.idle()
