"""init adds the configured headers a sheet lacks where nobody typed: a coordinator's own
column without a header (notes typed right of the table) is not given a configured header,
which would make her notes a data column (here: coordinators' names). Real gspread
against the emulator; a second gspread client is the coordinator."""
from __future__ import annotations


from google_emulator import GoogleEmulator
from coordinators import coordinator
from sync_data import FULL_HEADER, config_for, seed, tps_sheet

from sheetsync.sync.layout import init_layout

NOTES = ["sudah ditelepon", "kunci gudang di Pak RT", "buka jam 7"]


def test_a_missing_header_is_not_written_over_her_unheaded_column(emu: GoogleEmulator) -> None:
    header = [h for h in FULL_HEADER if h != "Koordinator"]
    sh = seed(emu.client(), tps_sheet(10, 3, header=header, broken=0))
    ws = coordinator(emu, sh).worksheet("TPS")
    mine = len(header) + 1                                   # right of the last header, no header of its own
    ws.update([[n] for n in NOTES], f"{chr(64 + mine)}2", value_input_option="RAW")
    init_layout(config_for(sh, emu), client=emu.client())
    got = ws.get_values()
    assert [line[mine - 1] for line in got[1:4]] == NOTES     # her notes stay
    assert got[0][mine - 1] == ""                            # and her column gets no header of ours
    assert "Koordinator" in got[0]
    at = got[0].index("Koordinator")
    assert not any(line[at] for line in got[1:] if len(line) > at)   # added where nothing was typed
