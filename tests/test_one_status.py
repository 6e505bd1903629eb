"""One status everywhere: the sheet, the sync report, Masalah, Rekap Koordinator and
`check` agree on every row (real gspread against the emulator; a second client plays
the coordinator)."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sheetsync.journal.store import Journal
from sheetsync.sync.run import read_and_check, sync
from sync_data import FULL_HEADER, all_tabs, config_for, seed, tps_sheet

NOW = datetime(2024, 11, 27, 21, 5, 0, tzinfo=ZoneInfo("Asia/Jakarta"))


def _column(tab: list[list], title: str, header_row: int) -> list:
    header = tab[header_row - 1]
    j = header.index(title)
    return [line[j] if j < len(line) else "" for line in tab[header_row:]]


def test_a_row_changed_after_verification_is_periksa_everywhere(emu, tmp_path):
    sh = seed(emu.client(), tps_sheet(20, seed=4, unfilled=0, broken=0))
    config = config_for(sh, emu)
    with Journal(tmp_path / "j.sqlite") as journal:
        run = dict(client=emu.client(), journal=journal, lock_dir=str(tmp_path))
        first = sync(config, now=NOW, **run)
        assert first.rows_by_status == {"OK": 20}
        coordinator = emu.client(token="koordinator-cengkareng").open_by_key(sh.id).worksheet("TPS")
        p1, p2 = FULL_HEADER.index("Paslon 1"), FULL_HEADER.index("Paslon 2")
        grid = coordinator.get_values()
        r = next(i for i, line in enumerate(grid) if i and int(line[p2]) > 0)
        coordinator.update([[str(int(grid[r][p1]) + 1), str(int(grid[r][p2]) - 1)]], f"I{r + 1}:J{r + 1}")
        report = sync(config, now=NOW + timedelta(minutes=1), **run)
        checked = read_and_check(config, client=emu.client(), journal=journal)

    tabs = all_tabs(sh)
    status = tabs["TPS"][r][len(FULL_HEADER)]
    assert status == "PERIKSA"                                              # the sheet
    assert report.rows_by_status == {"OK": 19, "PERIKSA": 1}                # sync line, JSON log
    assert report.issue_counts["warning"] == 2
    masalah = tabs["Masalah"]
    rows_named = {str(v) for v in _column(masalah, "Baris", 1)}
    assert str(r + 1) in rows_named                                          # Masalah lists it
    assert set(_column(masalah, "Status", 1)) == {"PERIKSA"}
    koordinator = tabs["Rekap Koordinator"]
    assert sum(int(v or 0) for v in _column(koordinator, "Perlu Diperiksa", 1)) == 1
    assert checked.status_of(r + 1)[0] == "PERIKSA"                           # check
    assert any(i.row == r + 1 and i.code == "changed_after_verification" for i in checked.issues)


def test_tps_ada_saksi_counts_tps_not_rows(emu, tmp_path):
    values = tps_sheet(3, seed=5, unfilled=0, broken=0)
    header = values[0] + ["Nama Saksi", "HP/WA Saksi"]
    saksi_a = values[1] + ["Pak Ahmad", "081234567890"]
    no_saksi = values[2] + ["", ""]
    sh = seed(emu.client(), [header, saksi_a, no_saksi])
    config = config_for(sh, emu)
    sync(config, client=emu.client(), now=NOW, lock_dir=str(tmp_path))
    coordinator = emu.client(token="koordinator-kembangan").open_by_key(sh.id).worksheet("TPS")
    coordinator.insert_rows([saksi_a], row=3)                         # TPS A typed twice
    sync(config, client=emu.client(), now=NOW + timedelta(minutes=1), lock_dir=str(tmp_path))
    kelurahan = all_tabs(sh)["Rekap Kelurahan"]
    with_saksi = sum(int(v or 0) for v in _column(kelurahan, "TPS Ada Saksi", 1))
    without = sum(int(v or 0) for v in _column(kelurahan, "TPS Tanpa Saksi", 1))
    assert (with_saksi, without) == (1, 1)
    per_koordinator = [float(v) for v in _column(kelurahan, "TPS per Koordinator", 1) if v != ""]
    assert sorted(per_koordinator) == [1.0, 1.0]                      # one TPS each, not the copy too
