"""Web view: rendering from the emulator's model, and in headless Chromium."""

from __future__ import annotations

import os
import shutil
import struct
import subprocess
import zlib
from pathlib import Path
from typing import Any

import pytest

from sheetsync.emulator import webview
from sheetsync.emulator.model import Store

GREEN = {"red": 0.72, "green": 0.88, "blue": 0.8}
RED = {"red": 0.96, "green": 0.78, "blue": 0.76}


def _store() -> tuple[Store, object]:
    store = Store()
    ss = store.create("Demo <b>", sheet_titles=["Input", "Rekap Kecamatan"])
    data = ss.sheets[0]
    rows = [["Kecamatan", "TPS", "Status"], ["Kapuk", 1, "OK"], ["<script>x</script>", 2, "SALAH"]]
    for r, row in enumerate(rows):
        for c, v in enumerate(row):
            data.set(r, c, v)
    data.grid["frozenRowCount"] = 1
    for text, colour in (("OK", GREEN), ("SALAH", RED)):
        data.conditional_formats.append({
            "ranges": [{"sheetId": data.sheet_id, "startRowIndex": 1, "startColumnIndex": 2,
                        "endColumnIndex": 3}],
            "booleanRule": {"condition": {"type": "TEXT_EQ", "values": [{"userEnteredValue": text}]},
                            "format": {"backgroundColor": colour}}})
    rekap = ss.sheets[1]
    for r, row in enumerate([["Kecamatan", "Target", "Suara"], ["Cengkareng", 105000, 4000],
                             ["Tambora", 62600, 3000]]):
        for c, v in enumerate(row):
            rekap.set(r, c, v)
    sid = rekap.sheet_id
    rekap.charts.append({"chartId": 7, "spec": {"title": "Target vs suara", "basicChart": {
        "chartType": "BAR", "headerCount": 1,
        "domains": [{"domain": {"sourceRange": {"sources": [
            {"sheetId": sid, "startRowIndex": 0, "endRowIndex": 3, "startColumnIndex": 0, "endColumnIndex": 1}]}}}],
        "series": [{"series": {"sourceRange": {"sources": [
            {"sheetId": sid, "startRowIndex": 0, "endRowIndex": 3, "startColumnIndex": c, "endColumnIndex": c + 1}]}}}
            for c in (1, 2)]}}})
    return store, ss


def test_status_colours_escaping_and_tabs() -> None:
    store, ss = _store()
    status, ctype, body = webview.render(f"/view/{ss.id}", store)
    page = body.decode()
    assert status == 200 and ctype.startswith("text/html")
    assert "background-color:#b8e0cc" in page        # OK -> green from the rule
    assert "background-color:#f5c7c2" in page        # SALAH -> red
    assert "<script>x" not in page and "&lt;script&gt;x" in page
    assert "Demo &lt;b&gt;" in page
    assert "Rekap Kecamatan" in page                 # tab link
    assert 'class="frozen"' in page


def test_chart_data_and_bars() -> None:
    store, ss = _store()
    title, labels, series = webview.chart_data(ss, ss.sheets[1].charts[0])
    assert title == "Target vs suara"
    assert labels == ["Cengkareng", "Tambora"]
    assert series == [("Target", [105000.0, 62600.0]), ("Suara", [4000.0, 3000.0])]
    page = webview.render(f"/view/{ss.id}/{ss.sheets[1].sheet_id}", store)[2].decode()
    assert page.count("<rect") == 4 and "105,000" in page


def test_refresh_is_optional() -> None:
    store, ss = _store()
    assert b'http-equiv="refresh" content="30"' in webview.render(f"/view/{ss.id}", store)[2]
    assert b"http-equiv" not in webview.render(f"/view/{ss.id}", store, "refresh=0")[2]


def test_index_and_not_found() -> None:
    store, ss = _store()
    assert ss.id in webview.render("/view", store)[2].decode()
    assert webview.render("/view/nope", store)[0] == 404
    assert webview.render(f"/view/{ss.id}/999", store)[0] == 404


def test_custom_formula_row_colour() -> None:
    store, ss = _store()
    data = ss.sheets[0]
    data.conditional_formats.insert(0, {
        "ranges": [{"sheetId": data.sheet_id, "startRowIndex": 1, "startColumnIndex": 0, "endColumnIndex": 2}],
        "booleanRule": {"condition": {"type": "CUSTOM_FORMULA", "values": [{"userEnteredValue": '=$C2="SALAH"'}]},
                        "format": {"backgroundColor": RED}}})
    colours = webview._cell_colours(data, 3, 3)
    assert (2, 0) in colours and (2, 1) in colours and (1, 0) not in colours


# ------------------------------------------------------------- in Chromium

# A Chromium the machine already has (SHEETSYNC_CHROMIUM names another); the suite never installs one.
CHROMIUM = os.environ.get("SHEETSYNC_CHROMIUM") or next(
    (found for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
     if (found := shutil.which(name))), "")


def chromium_flags(profile: str) -> list[str]:
    return [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--no-first-run",
            f"--user-data-dir={profile}"]


def read_png(path: Path) -> tuple[int, int, list[bytes]]:
    """Minimal PNG decoder (8-bit RGB/RGBA, non-interlaced): enough to count colours."""
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat, width = 8, b"", 0
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        chunk = data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            width, height, depth, colour_type = struct.unpack(">IIBB", chunk[:10])
            assert depth == 8 and colour_type in (2, 6)
            bpp = 3 if colour_type == 2 else 4
        elif kind == b"IDAT":
            idat += chunk
        pos += 12 + length
    raw = zlib.decompress(idat)
    stride = width * bpp
    rows, prev = [], bytearray(stride)
    for y in range(height):
        f, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b, c = prev[i], prev[i - bpp] if i >= bpp else 0
            if f == 1:
                line[i] = (line[i] + a) & 255
            elif f == 2:
                line[i] = (line[i] + b) & 255
            elif f == 3:
                line[i] = (line[i] + (a + b) // 2) & 255
            elif f == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append(bytes(line))
        prev = line
    return width, bpp, rows


def count_colour(png: Path, rgb: tuple[int, int, int]) -> int:
    width, bpp, rows = read_png(png)
    target = bytes(rgb)
    return sum(1 for row in rows for x in range(width) if row[x * bpp:x * bpp + 3] == target)


needs_chromium = pytest.mark.skipif(not CHROMIUM or not os.path.exists(CHROMIUM),
                                    reason="no Chromium on this machine (chromium, chromium-browser, google-chrome "
                                           "or SHEETSYNC_CHROMIUM); `make browser` installs Debian's as root")


@needs_chromium
def test_static_page_in_chromium(tmp_path: Path) -> None:
    """The rendered page, opened from a file: Chromium paints the status colours."""
    store, ss = _store()
    page = tmp_path / "view.html"
    page.write_bytes(webview.render(f"/view/{ss.id}", store, "refresh=0")[2])
    shot = tmp_path / "shot.png"
    subprocess.run(chromium_flags(str(tmp_path / "profile")) + [
        f"--screenshot={shot}", "--window-size=800,400", page.as_uri()],
        check=True, capture_output=True, timeout=60)
    assert count_colour(shot, (0xb8, 0xe0, 0xcc)) > 50   # the OK cell, green
    assert count_colour(shot, (0xf5, 0xc7, 0xc2)) > 50   # the SALAH cell, red


# ------------------------------------------------- the demo sheet, served by the emulator

@pytest.fixture(scope="module")
def demo_sheet(emu: Any, tmp_path_factory: Any) -> Any:
    from sheetsync.demo.seed import run_demo

    work = tmp_path_factory.mktemp("view")
    old = os.getcwd()
    os.chdir(work)                 # the preset's journal path is relative
    try:
        yield emu, run_demo(emu.url, seed=3), work
    finally:
        os.chdir(old)


def _get(url: str) -> tuple[int, str]:
    import urllib.request

    with urllib.request.urlopen(url, timeout=30) as resp:
        return resp.status, resp.read().decode()


def test_emulator_serves_the_view_with_status_colours(demo_sheet: Any) -> None:
    emu, result, _ = demo_sheet
    status, page = _get(result.view_url)
    assert status == 200 and "SALAH" in page
    from sheetsync.sync.layout import STATUS_COLOURS

    red = webview._rgb(STATUS_COLOURS["SALAH"])
    green = webview._rgb(STATUS_COLOURS["OK"])
    assert page.count(f"background-color:{red}") >= len(result.fill.mistake_rows)
    assert page.count(f"background-color:{green}") > 1000
    index = _get(emu.url + "/view")[1]
    assert result.spreadsheet in index


@needs_chromium
def test_chromium_shows_colours_and_the_summary(demo_sheet: Any) -> None:
    emu, result, work = demo_sheet
    ss = emu.store.get(result.spreadsheet)
    rekap = next(s for s in ss.sheets if s.title == "Rekap Kecamatan")
    profile = str(work / "chrome-profile")
    dom = subprocess.run(chromium_flags(profile) + ["--dump-dom", f"{result.view_url}/{rekap.sheet_id}?refresh=0"],
                         check=True, capture_output=True, timeout=90, text=True).stdout
    for kecamatan in ("Cengkareng", "Grogol Petamburan", "Kalideres", "Tambora"):
        assert kecamatan in dom
    # init's four charts on the kecamatan tab, each bar a <rect>: target vs votes (8 kecamatan x 2),
    # paslon shares (8 x 3 paslon), % TPS reported (8), the kota's votes and its target (3 + 1)
    assert dom.count("<svg") == 4 and dom.count("<rect") == 8 * 2 + 8 * 3 + 8 + 4
    shot = work / "tps.png"
    subprocess.run(chromium_flags(profile) + [f"--screenshot={shot}", "--window-size=2000,400",
                                              result.view_url + "?refresh=0"], check=True, capture_output=True,
                   timeout=90)
    from sheetsync.sync.layout import STATUS_COLOURS

    def rgb(name: str) -> tuple[int, int, int]:
        hexa = webview._rgb(STATUS_COLOURS[name])
        return tuple(int(hexa[i:i + 2], 16) for i in (1, 3, 5))

    assert count_colour(shot, rgb("OK")) > 2000
    assert count_colour(shot, rgb("BELUM DIISI")) > 200


def test_personal_columns_masked_unless_asked_for() -> None:
    store = Store()
    ss = store.create("Persiapan", sheet_titles=["TPS"])
    data = ss.sheets[0]
    rows = [["Kecamatan", "No TPS", "Nama Saksi", "HP/WA Saksi", "Koordinator"],
            ["Cengkareng", 1, "Siti Rahman", "0812-3456-7890", "Budi S. Santoso"],
            ["Cengkareng", 2, "", "", "Budi S. Santoso"]]
    for r, row in enumerate(rows):
        for c, v in enumerate(row):
            data.set(r, c, v)
    data.grid["frozenRowCount"] = 1
    page = webview.render(f"/view/{ss.id}", store)[2].decode()
    for secret in ("Siti Rahman", "0812-3456-7890", "Budi S. Santoso"):
        assert secret not in page
    assert page.count("***") == 4 and "Nama Saksi" in page and "Cengkareng" in page
    assert "?personal=1" in page                                     # says how to show them
    shown = webview.render(f"/view/{ss.id}", store, "personal=1")[2].decode()
    assert "Siti Rahman" in shown and "0812-3456-7890" in shown and "***" not in shown
    assert f'/view/{ss.id}/{data.sheet_id}?personal=1"' in shown    # tab links keep the choice


def test_emulator_serves_the_view_masked(demo_sheet: Any) -> None:
    import urllib.request

    emu, result, _ = demo_sheet
    ws = emu.client().open_by_key(result.spreadsheet).worksheet("TPS")
    header = ws.row_values(1)
    ws.update_cell(2, header.index("HP/WA Saksi") + 1, "0899-1111-2222")   # as a volunteer types it
    with urllib.request.urlopen(result.view_url + "?refresh=0", timeout=30) as resp:
        assert b"0899-1111-2222" not in resp.read()
    with urllib.request.urlopen(result.view_url + "?refresh=0&personal=1", timeout=30) as resp:
        assert b"0899-1111-2222" in resp.read()
