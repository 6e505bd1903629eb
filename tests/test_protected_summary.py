"""A summary range the owner protects "only me" makes Google refuse the one write: the
statuses are then written alone at once, and the message names the protected range
(strict emulator: real gspread with service-account keys; the owner is the coordinator)."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sheetsync.sync.run import sync
from sync_data import FULL_HEADER, config_for, tps_sheet

NOW = datetime(2024, 11, 27, 21, 5, 0, tzinfo=ZoneInfo("Asia/Jakarta"))
OWNER = "koordinator@kawal-jakbar.iam.gserviceaccount.com"
BOT = "sheetsync@kawal-jakbar.iam.gserviceaccount.com"
STATUS = len(FULL_HEADER) + 1


def test_a_protected_summary_never_freezes_the_statuses(strict_emu, tmp_path):
    owner = strict_emu.client(key=strict_emu.issue_key(OWNER))
    bot = strict_emu.client(key=strict_emu.issue_key(BOT))
    sh = owner.create("Kawal TPS Jakbar")
    sh.sheet1.update_title("TPS")
    sh.sheet1.update(tps_sheet(12, seed=6, unfilled=0, broken=0), "A1")
    sh.share(BOT, perm_type="user", role="writer", notify=False)
    config = config_for(sh, strict_emu)
    sync(config, client=bot, now=NOW, lock_dir=str(tmp_path))

    rekap = sh.worksheet("Rekap Kecamatan")
    sh.batch_update({"requests": [{"addProtectedRange": {"protectedRange": {
        "range": {"sheetId": rekap.id}, "description": "Rekap resmi",
        "editors": {"users": [OWNER]}}}}]})               # "only me"
    tps = sh.worksheet("TPS")
    tps.update([["999"]], "I3")                            # Paslon 1 of row 3: now SALAH
    before = rekap.get_all_values()

    report = sync(config, client=bot, now=NOW + timedelta(minutes=1), lock_dir=str(tmp_path))
    assert tps.cell(3, STATUS).value == "SALAH"            # the status is on the sheet at once
    assert rekap.get_all_values() == before                # the protected tab is as it was
    assert report.protected and "'Rekap Kecamatan'" in report.protected and "Rekap resmi" in report.protected
    assert report.verified

