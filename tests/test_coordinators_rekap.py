"""Coordinators and their hand-made summary: a "Rekap Kecamatan" of her own (small and
large, with her formulas) there before `init`, and a tab of her own whose formulas read
sheetsync's tabs, typed in while a sync runs. A second gspread client is the coordinator
(tests/coordinators.py)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from coordinators import (
    REFUSED,
    Desk,
    assert_clear,
    assert_one_status,
    coordinator,
    lost,
    person_cells,
)
from sync_data import config_for, seed, tps_sheet

from sheetsync.sync.layout import init_layout
from sheetsync.sync.run import SyncHooks

ROWS = 40
HER_REKAP = [["Rekap Kecamatan (manual)", "", ""],
             ["Kecamatan", "TPS", "Paslon 3"],
             ["Cengkareng", '=COUNTIF(TPS!A2:A41,"Cengkareng")', '=SUMIF(TPS!A2:A41,"Cengkareng",TPS!K2:K41)'],
             ["Kalideres", '=COUNTIF(TPS!A2:A41,"Kalideres")', '=SUMIF(TPS!A2:A41,"Kalideres",TPS!K2:K41)'],
             ["Jumlah", "=SUM(B3:B4)", "=SUM(C3:C4)"]]


@pytest.mark.parametrize("rows,cols", [(20, 5), (1000, 26)])
def test_her_rekap_kecamatan_before_init_is_refused_clearly_then_kept_under_another_title(
        emu: Any, tmp_path: Path, rows: int, cols: int) -> None:
    sh = seed(emu.client(), tps_sheet(ROWS, 31))
    mine = coordinator(emu, sh).add_worksheet("Rekap Kecamatan", rows=rows, cols=cols)
    mine.update(HER_REKAP, "A1", value_input_option="USER_ENTERED")
    before = person_cells(sh)
    config = config_for(sh, emu, language="en")
    for attempt in (lambda: init_layout(config, client=emu.client()), lambda: Desk(emu, config, tmp_path).sync()):
        with pytest.raises(REFUSED) as info:
            attempt()
        assert "'Rekap Kecamatan'" in str(info.value) and "[summary]" in str(info.value)
        assert_clear(str(info.value))
    assert person_cells(sh) == before                            # nothing written, no tab added
    # the way on the message gives: another title in the config
    tabs = replace(config.summary_tabs, kecamatan="Rekap Kecamatan sheetsync")
    desk = Desk(emu, replace(config, summary_tabs=tabs, last_synced_cell="'Rekap Kecamatan sheetsync'!A1"),
                tmp_path)
    report = desk.sync()
    assert lost(before, person_cells(sh)) == {}
    shown = mine.get_values("B5:C5")[0]
    assert int(shown[0]) == sum(1 for line in tps_sheet(ROWS, 31)[1:] if line[0] in ("Cengkareng", "Kalideres"))
    assert_one_status(sh, desk, report)
    desk.idle()


def test_her_own_rekap_reading_sheetsyncs_tabs_keeps_what_she_types_while_syncs_run(emu: Any, tmp_path: Path) -> None:
    sh = seed(emu.client(), tps_sheet(ROWS, 32))
    desk = Desk(emu, config_for(sh, emu), tmp_path)
    desk.sync()
    mine = coordinator(emu, sh).add_worksheet("Rekap Saya", rows=30, cols=6)
    mine.update(HER_REKAP + [["Dari sheetsync", "='Rekap Kecamatan'!D4", "=COUNTA(Masalah!A:A)"]], "A1",
                value_input_option="USER_ENTERED")
    ws = coordinator(emu, sh).worksheet("TPS")
    seen: dict[str, Any] = {}

    def she_works_meanwhile() -> None:
        mine.update([["Tambora", '=COUNTIF(TPS!A2:A41,"Tambora")', "catatan: cek lagi"]], "A8",
                    value_input_option="USER_ENTERED")
        mine.update([["Koordinator: Bu Sari"]], "E1")
        ws.update([["999"]], "I6")                                   # Paslon 1 of row 6: SALAH
        seen["typed"] = person_cells(sh)
    desk.sync(hooks=SyncHooks(between_read_and_write=she_works_meanwhile))
    assert lost(seen["typed"], person_cells(sh)) == {}
    report = desk.sync()
    assert lost(seen["typed"], person_cells(sh)) == {}
    assert_one_status(sh, desk, report)
    desk.idle()
    assert mine.acell("C6", value_render_option="FORMULA").value == "=COUNTA(Masalah!A:A)"


def test_her_small_masalah_tab_before_init_is_refused_clearly(emu: Any, tmp_path: Path) -> None:
    """Her own 10 x 3 "Masalah" list (who to call) on a sheet never synced."""
    sh = seed(emu.client(), tps_sheet(ROWS, 33))
    mine = coordinator(emu, sh).add_worksheet("Masalah", rows=10, cols=3)
    mine.update([["TPS", "Masalah", "Hubungi"], ["Kapuk 12", "kotak suara rusak", "Pak Ahmad"]], "A1")
    before = person_cells(sh)
    desk = Desk(emu, config_for(sh, emu, language="id"), tmp_path)
    for attempt in (lambda: init_layout(desk.config, client=emu.client()), desk.sync):
        with pytest.raises(REFUSED) as info:
            attempt()
        assert "'Masalah'" in str(info.value)
        assert_clear(str(info.value))
    assert person_cells(sh) == before


@pytest.mark.parametrize("lang,words", [("id", "bukan buatan sheetsync"), ("en", "not made by sheetsync")])
def test_her_rekap_made_while_the_first_sync_adds_its_tabs_stays_hers_and_is_said_clearly(
        emu: Any, tmp_path: Path, lang: str, words: str) -> None:
    """The first sync read a sheet without summary tabs; before its addSheet lands she makes her
    own "Rekap Kecamatan" (Google then answers 400 "already exists"). Her tab is left as it is,
    and the line says, in the config's language, whose tab it is and the way on."""
    sh = seed(emu.client(), tps_sheet(ROWS, 34))
    desk = Desk(emu, config_for(sh, emu, language=lang), tmp_path)
    mine, seen = coordinator(emu, sh), {}
    ours = emu.client()
    send = ours.http_client.batch_update

    def she_is_quicker(key: str, body: dict) -> Any:
        """Runs on sheetsync's own client just before its batchUpdate adding the tabs goes out."""
        if "typed" not in seen and any("addSheet" in r for r in body.get("requests", [])):
            tab = mine.add_worksheet("Rekap Kecamatan", rows=1000, cols=26)
            tab.update(HER_REKAP, "A1", value_input_option="USER_ENTERED")
            seen["typed"] = person_cells(sh)
        return send(key, body)
    ours.http_client.batch_update = she_is_quicker
    with pytest.raises(REFUSED) as info:
        desk.sync(client=ours)
    assert lost(seen["typed"], person_cells(sh)) == {}
    assert words in str(info.value) and "'Rekap Kecamatan'" in str(info.value)
    assert_clear(str(info.value))
