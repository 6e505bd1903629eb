"""C.Hasil photo links end to end: real gspread against the emulator. A row with its
numbers and no photo is PERIKSA on the sheet with "Foto C.Hasil belum ada"; the summaries
count "TPS dengan foto"; when the coordinator (a second gspread client) pastes the link,
the next sync makes the row OK and counts it. In both languages."""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from coordinators import coordinator
from sync_data import FULL_HEADER, all_tabs, config_for, seed, tps_row, wilayah

from sheetsync.core.config import Column
from sheetsync.sync.run import sync

NOW = datetime(2024, 11, 27, 21, 5, 0, tzinfo=ZoneInfo("Asia/Jakarta"))
HEADER = [*FULL_HEADER, "Foto C.Hasil"]
LINK = "https://drive.google.com/file/d/1C-Hasil-{n}/view?usp=sharing"
TEXTS = {
    "id": {"status": "PERIKSA", "ok": "OK", "message": "Foto C.Hasil belum ada", "column": "TPS dengan foto",
           "total": "TOTAL"},
    "en": {"status": "CHECK", "ok": "OK", "message": "No C.Hasil photo yet", "column": "TPS with photo",
           "total": "TOTAL"},
}


def sheet() -> list[list[str]]:
    """Six filled TPS of one kelurahan; the third has no photo link, the fifth a pasted
    HYPERLINK formula text instead of a link."""
    rng = random.Random(31)
    kec, kel = wilayah()[0]
    rows = []
    for n in range(1, 7):
        line = tps_row(kec, kel, n, rng, FULL_HEADER)
        link = "" if n == 3 else '=HYPERLINK("https://evil.example/x","foto")' if n == 5 else LINK.format(n=n)
        rows.append([*line, link])
    return [HEADER, *rows]


@pytest.mark.parametrize("lang", ["id", "en"])
def test_photo_less_row_is_periksa_and_summaries_count_tps_with_photo(emu, tmp_path, lang):
    text = TEXTS[lang]
    sh = seed(emu.client(), sheet())
    base = config_for(sh, emu)
    config = replace(base, language=lang, columns=(*base.columns, Column("foto", "Foto C.Hasil", "photo")))
    status_col = len(HEADER)                    # 0-based: Status right after the input columns
    sync(config, client=emu.client(), lock_dir=str(tmp_path), now=NOW)

    tabs = all_tabs(sh)
    tps = tabs["TPS"]

    assert tps[3][status_col:status_col + 2] == [text["status"], text["message"]]       # TPS 3
    assert tps[2][status_col] == text["ok"]
    assert tps[5][status_col] == text["status"] and tps[5][status_col + 1].startswith("Foto C.Hasil")
    assert tps[5][len(FULL_HEADER)] == '=HYPERLINK("https://evil.example/x","foto")'  # what she typed stays
    rekap = tabs["Rekap Kecamatan"]
    column = rekap[2].index(text["column"])
    total = next(r for r in rekap if len(r) > 1 and r[1].startswith(text["total"]))
    assert total[column] == "4"                               # 6 TPS: one without, one malformed
    kelurahan = tabs["Rekap Kelurahan"]
    assert kelurahan[0].index(text["column"]) > 0
    masalah = tabs["Masalah"]
    photo_lines = [r for r in masalah[1:] if r[6] in ("photo_missing", "photo_link_invalid")]
    assert {r[6] for r in photo_lines} == {"photo_missing", "photo_link_invalid"}
    # the pasted formula is quoted as text inside the message, never a formula of its own
    formulas = sh.worksheet("Masalah").get(value_render_option="FORMULA")
    assert all(not str(cell).startswith("=") for line in formulas for cell in line)

    # the coordinator pastes the missing link; the next sync makes the row OK and counts it
    coordinator(emu, sh).worksheet("TPS").update([[LINK.format(n=3)]], "P4", raw=True)
    sync(config, client=emu.client(), lock_dir=str(tmp_path), now=NOW)
    tabs = all_tabs(sh)
    assert tabs["TPS"][3][status_col:status_col + 2] == [text["ok"]]
    rekap = tabs["Rekap Kecamatan"]
    total = next(r for r in rekap if len(r) > 1 and r[1].startswith(text["total"]))
    assert total[column] == "5"
