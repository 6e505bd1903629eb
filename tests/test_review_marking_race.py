"""A sheet of an earlier release is marked on its first sync; when nothing of the input tab
is written there is no verify, and a column the coordinator inserts at A in that instant puts
the markers one column left (on Koordinator and on Status). The next sync must find its
Status column again by its header, not add a second Status column and leave the first one
frozen with old statuses. Real gspread against the emulator; a second gspread client is the
coordinator."""
from __future__ import annotations

from pathlib import Path

from google_emulator import GoogleEmulator
from coordinators import Desk, coordinator, owned
from sync_data import config_for, seed, tps_sheet

from sheetsync.sync.run import SyncHooks


def test_markers_put_one_column_off_by_an_insert_are_set_right_by_the_next_sync(emu: GoogleEmulator, tmp_path: Path) -> None:
    sh = seed(emu.client(), tps_sheet(20, seed=3, broken=0))
    desk = Desk(emu, config_for(sh, emu), tmp_path)
    desk.sync()
    her = coordinator(emu, sh)
    her.batch_update({"requests": [{"deleteDeveloperMetadata": {"dataFilter": {      # an earlier release:
        "developerMetadataLookup": {"metadataKey": "sheetsync.column"}}}}]})         # no column markers
    ws = her.worksheet("TPS")

    def her_column_at_a() -> None:
        ws.insert_cols([[]], col=1)
        ws.update([["Catatan"], ["sudah ditelepon"]], "A1")

    desk.sync(hooks=SyncHooks(between_read_and_write=her_column_at_a))
    ws.update([["999"]], "J3")                                   # Paslon 1 of row 3: SALAH
    desk.sync()
    header = ws.row_values(1)
    assert header.count("Status") == 1, header                  # no second Status column
    columns, _ = owned(sh)
    assert columns == {"status": header.index("Status") + 1, "message": header.index("Keterangan") + 1}
    assert ws.get_values()[2][header.index("Status")] == "SALAH"
    assert "Koordinator 0" in ws.col_values(header.index("Koordinator") + 1)   # her names untouched
    desk.idle()
