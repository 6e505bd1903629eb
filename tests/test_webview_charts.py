"""Web view: charts drawn as their type says (columns stacked to 100 %, lines, areas, combos,
scatter, pies), and a note for a type the emulator does not draw."""

from __future__ import annotations

import re
import subprocess
import urllib.request
from pathlib import Path
from statistics import median
from typing import Any

from sheetsync.emulator import webview, webview_charts
from sheetsync.emulator.model import Sheet, Store
from test_webview import chromium_flags, needs_chromium, read_png

Rows = list[list[str | int]]

# kecamatan, then the votes of three paslon (one kecamatan with none yet)
VOTES: Rows = [["Kecamatan", "Paslon 1", "Paslon 2", "Paslon 3"],
         ["Cengkareng", 4000, 2500, 1500], ["Tambora", 300, 0, 900], ["Kalideres", 0, 0, 0],
         ["Taman Sari", 7, 13, 1]]
# hour, TPS reported in that hour, TPS reported so far
HOURS: Rows = [["Jam", "TPS baru", "TPS total"], ["07:00", 0, 0], ["08:00", 12, 12], ["09:00", 30, 42],
         ["10:00", 5, 47], ["11:00", 0, 47]]


def _fill(sheet: Sheet, rows: Rows) -> None:
    for r, row in enumerate(rows):
        for c, v in enumerate(row):
            sheet.set(r, c, v)


def _column(sheet_id: int, rows: int, c: int) -> dict:
    return {"sourceRange": {"sources": [{"sheetId": sheet_id, "startRowIndex": 0, "endRowIndex": rows,
                                         "startColumnIndex": c, "endColumnIndex": c + 1}]}}


def _add_chart(sheet: Sheet, rows: Rows, title: str, **basic: Any) -> None:
    sid = sheet.sheet_id
    sheet.charts.append({"chartId": len(sheet.charts) + 1, "spec": {"title": title, "basicChart": {
        "headerCount": 1, "domains": [{"domain": _column(sid, len(rows), 0)}],
        "series": [{"series": _column(sid, len(rows), c)} for c in range(1, len(rows[0]))], **basic}}})


def _page(rows: Rows, **basic: Any) -> str:
    store = Store()
    ss = store.create("Grafik", sheet_titles=["Rekap"])
    _fill(ss.sheets[0], rows)
    _add_chart(ss.sheets[0], rows, "<b>grafik</b>", **basic)
    return webview.render(f"/view/{ss.id}", store, "refresh=0")[2].decode()


def _rects(page: str) -> list[dict[str, int]]:
    return [{k: int(v) for k, v in re.findall(r'(x|y|width|height)="(-?\d+)"', tag)}
            for tag in re.findall(r"<rect [^>]*>", page)]


def test_percent_stacked_columns_fill_the_axis_per_kecamatan() -> None:
    page = _page(VOTES, chartType="COLUMN", stackedType="PERCENT_STACKED")
    rects = _rects(page)
    assert len(rects) == 4 * 3                                    # one rect per segment
    stacks: dict[int, list[dict[str, int]]] = {}
    for rect in rects:
        stacks.setdefault(rect["x"], []).append(rect)
    assert len(stacks) == 4                                       # one column per kecamatan
    heights = [sum(r["height"] for r in stack) for stack in stacks.values()]
    assert heights == [webview_charts.AXIS_PX, webview_charts.AXIS_PX, 0, webview_charts.AXIS_PX]   # Kalideres: no votes yet
    cengkareng = stacks[min(stacks)]
    assert [r["height"] for r in cengkareng] == [160, 100, 60]   # 50 %, 31.25 %, 18.75 %
    for low, high in zip(cengkareng, cengkareng[1:]):           # each segment sits on the one before
        assert high["y"] + high["height"] == low["y"]
    assert "<polyline" not in page and "&lt;b&gt;grafik" in page and "<b>grafik" not in page


def test_stacked_bars_scale_to_the_highest_stack() -> None:
    rects = _rects(_page(VOTES, chartType="BAR", stackedType="STACKED"))
    lengths: dict[int, int] = {}
    for rect in rects:
        lengths[rect["y"]] = lengths.get(rect["y"], 0) + rect["width"]
    assert list(lengths.values()) == [webview_charts.AXIS_PX, round(1200 / 8000 * webview_charts.AXIS_PX), 0,
                                      round(21 / 8000 * webview_charts.AXIS_PX)]


def test_side_by_side_bars_stay_one_lane_per_series() -> None:
    rects = _rects(_page(VOTES, chartType="COLUMN"))
    assert len(rects) == 12 and len({r["x"] for r in rects}) == 12
    assert max(r["height"] for r in rects) == webview_charts.AXIS_PX


def test_line_chart_draws_a_polyline_per_series_a_point_per_row() -> None:
    page = _page(HOURS, chartType="LINE")
    assert "<rect" not in page
    lines = re.findall(r'<polyline points="([^"]*)"', page)
    assert len(lines) == 2
    points = [[tuple(int(n) for n in p.split(",")) for p in line.split()] for line in lines]
    assert [len(p) for p in points] == [len(HOURS) - 1] * 2
    new, total = ([webview_charts.AXIS_PX - y for _, y in p] for p in points)
    assert total == [round(v / 47 * webview_charts.AXIS_PX) for v in (0, 12, 42, 47, 47)]  # one left axis
    assert new == [round(v / 47 * webview_charts.AXIS_PX) for v in (0, 12, 30, 5, 0)]
    assert [x for x, _ in points[0]] == [x for x, _ in points[1]] == sorted({x for x, _ in points[0]})


def test_line_on_the_right_axis_has_a_scale_of_its_own() -> None:
    store = Store()
    ss = store.create("Progres", sheet_titles=["Progres 24 Jam"])
    tab = ss.sheets[0]
    _fill(tab, HOURS)
    _add_chart(tab, HOURS, "Progres", chartType="LINE")
    tab.charts[0]["spec"]["basicChart"]["series"][1]["targetAxis"] = "RIGHT_AXIS"
    page = webview.render(f"/view/{ss.id}", store, "refresh=0")[2].decode()
    new, total = ([webview_charts.AXIS_PX - int(p.split(",")[1]) for p in line.split()]
                  for line in re.findall(r'<polyline points="([^"]*)"', page))
    assert max(new) == max(total) == webview_charts.AXIS_PX
    assert "(right axis)" in page


# ------------------------------------------------ areas, stepped areas, combos

def _points(text: str) -> list[tuple[int, int]]:
    return [(int(x), int(y)) for x, y in (p.split(",") for p in text.split())]


def _shapes(page: str, tag: str) -> list[list[tuple[int, int]]]:
    return [_points(p) for p in re.findall(rf'<{tag} points="([^"]*)"', page)]


def _heights(points: list[tuple[int, int]]) -> list[int]:
    return [webview_charts.AXIS_PX - y for _, y in points]


def test_area_chart_fills_under_each_series_line() -> None:
    page = _page(HOURS, chartType="AREA")
    areas = _shapes(page, "polygon")
    assert len(areas) == 2 and "<rect" not in page and "<circle" not in page
    assert page.count('fill-opacity="0.3"') == 2                   # Google's area opacity
    rows = len(HOURS) - 1
    new, total = areas
    assert _heights(total[:rows]) == [round(v / 47 * webview_charts.AXIS_PX) for v in (0, 12, 42, 47, 47)]
    assert _heights(new[:rows]) == [round(v / 47 * webview_charts.AXIS_PX) for v in (0, 12, 30, 5, 0)]
    assert _heights(new[rows:]) == [0] * rows                      # not stacked: down to the axis
    outlines = _shapes(page, "polyline")
    assert outlines == [new[:rows], total[:rows]]                  # each area's line drawn over it


def test_stacked_area_sits_on_the_series_below() -> None:
    areas = _shapes(_page(VOTES, chartType="AREA", stackedType="STACKED"), "polygon")
    assert len(areas) == 3
    rows = len(VOTES) - 1
    tops = [_heights(area[:rows]) for area in areas]
    bottoms = [_heights(area[rows:][::-1]) for area in areas]
    assert bottoms[0] == [0] * rows
    assert bottoms[1] == tops[0] and bottoms[2] == tops[1]
    assert tops[2] == [round(v / 8000 * webview_charts.AXIS_PX) for v in (8000, 1200, 0, 21)]


def test_percent_stacked_area_fills_the_axis_per_kecamatan() -> None:
    areas = _shapes(_page(VOTES, chartType="AREA", stackedType="PERCENT_STACKED"), "polygon")
    rows = len(VOTES) - 1
    assert _heights(areas[-1][:rows]) == [webview_charts.AXIS_PX, webview_charts.AXIS_PX, 0,
                                          webview_charts.AXIS_PX]
    assert _heights(areas[0][:rows])[0] == round(0.5 * webview_charts.AXIS_PX)   # Cengkareng: 4000 of 8000


def test_stepped_area_is_flat_across_each_hour() -> None:
    page = _page(HOURS, chartType="STEPPED_AREA")
    areas = _shapes(page, "polygon")
    assert len(areas) == 2
    rows = len(HOURS) - 1
    top = areas[1][:2 * rows]                                       # TPS total: two corners per hour
    assert [y for _, y in top[0::2]] == [y for _, y in top[1::2]]   # flat across the hour
    assert [x for x, _ in top[1:-1:2]] == [x for x, _ in top[2::2]]  # each step rises where the last ends
    assert _heights(top[0::2]) == [round(v / 47 * webview_charts.AXIS_PX) for v in (0, 12, 42, 47, 47)]


def _combo(types: list[str | None]) -> str:
    store = Store()
    ss = store.create("Grafik", sheet_titles=["Rekap"])
    tab = ss.sheets[0]
    _fill(tab, VOTES)
    _add_chart(tab, VOTES, "Suara", chartType="COMBO")
    for item, kind in zip(tab.charts[0]["spec"]["basicChart"]["series"], types):
        if kind:
            item["type"] = kind
    return webview.render(f"/view/{ss.id}", store, "refresh=0")[2].decode()


def test_combo_draws_each_series_as_its_type_on_one_axis() -> None:
    page = _combo(["COLUMN", "LINE", "AREA"])
    rects = _rects(page)
    assert len(rects) == 4 and len(_shapes(page, "polygon")) == 1
    lines = _shapes(page, "polyline")                              # the area's outline, then the line
    assert len(lines) == 2
    assert [r["height"] for r in rects] == [round(v / 4000 * webview_charts.AXIS_PX) for v in (4000, 300, 0, 7)]
    assert _heights(lines[1]) == [round(v / 4000 * webview_charts.AXIS_PX) for v in (2500, 0, 0, 13)]
    for rect, (x, _) in zip(rects, lines[1]):                      # the line's points over the columns
        assert rect["x"] <= x <= rect["x"] + rect["width"] + webview_charts.THICK_PX
    assert page.index("<polygon") < page.index("<rect") < page.rindex("<polyline")   # areas behind, lines on top


def test_combo_without_types_starts_as_sheets_editor_does() -> None:
    page = _combo([None, None, None])
    assert len(_rects(page)) == 4 and len(_shapes(page, "polyline")) == 2 and "<polygon" not in page


# ------------------------------------------------------------ scatter, pie

def test_scatter_with_a_numeric_domain_places_points_along_it() -> None:
    rows: Rows = [["DPT", "Suara sah"], [200, 180], [300, 240], [150, 0]]
    page = _page(rows, chartType="SCATTER")
    circles = [(int(x), round(float(y))) for x, y in re.findall(r'<circle cx="(-?\d+)" cy="([-\d.]+)"', page)]
    assert len(circles) == 3 and "<polyline" not in page and "<rect" not in page
    left, axis = webview_charts.LABEL_PX // 4, webview_charts.AXIS_PX
    assert [x for x, _ in circles] == [left + round(v / 300 * axis) for v in (200, 300, 150)]
    assert [axis - y for _, y in circles] == [round(v / 240 * axis) for v in (180, 240, 0)]
    assert ">300</text>" in page and ">150</text>" in page          # the x axis' end and middle


def test_scatter_with_kecamatan_names_is_a_point_per_row_and_paslon() -> None:
    page = _page(VOTES, chartType="SCATTER")
    assert page.count("<circle") == 4 * 3 and "<polyline" not in page
    assert "Cengkareng &middot; Paslon 1: 4,000" in page


def _pie_page(rows: Rows, **pie: Any) -> str:
    store = Store()
    ss = store.create("Grafik", sheet_titles=["Rekap"])
    tab = ss.sheets[0]
    _fill(tab, rows)
    sid = tab.sheet_id
    tab.charts.append({"chartId": 1, "spec": {"title": "Perolehan suara", "pieChart": {
        "domain": _column(sid, len(rows), 0), "series": _column(sid, len(rows), 1), **pie}}})
    return webview.render(f"/view/{ss.id}", store, "refresh=0")[2].decode()


SHARES: Rows = [["Paslon", "Suara"], ["Paslon 1", 500], ["Paslon 2", 300], ["Paslon 3", 200], ["Paslon 4", 0]]


def _arc_ends(path: str) -> list[tuple[float, float]]:
    return [(float(x), float(y)) for x, y in re.findall(r"[ML]([-\d.]+),([-\d.]+)", path)]


def test_pie_slices_from_twelve_o_clock_clockwise() -> None:
    page = _pie_page(SHARES)
    paths = re.findall(r'<path d="([^"]*)" fill="(#[0-9a-f]{6})"', page)
    assert len(paths) == 3 and "<rect" not in page                 # Paslon 4: no votes, no slice
    assert [colour for _, colour in paths] == list(webview_charts.PIE_PALETTE[:3])
    assert all(path.count(" A") == 1 for path, _ in paths)
    centre, r = webview_charts.RADIUS_PX + 10, webview_charts.RADIUS_PX
    starts = [_arc_ends(path)[0] for path, _ in paths]
    assert starts[0] == (centre, centre - r)                        # twelve o'clock
    assert starts[1] == (centre, centre + r)                        # half way round: six o'clock
    assert all(text in page for text in (">50%<", ">30%<", ">20%<"))
    assert "Paslon 2: 300 (30%)" in page
    assert "Paslon 4" in page and "series 1" not in page            # legend of slices; the header guessed


def test_pie_of_one_value_is_a_whole_circle_and_a_hole_makes_a_ring() -> None:
    whole = _pie_page([["Paslon", "Suara"], ["Paslon 1", 7], ["Paslon 2", 0]])
    path = re.findall(r'<path d="([^"]*)"', whole)
    assert len(path) == 1 and path[0].count(" A") == 2 and ">100%<" in whole
    ring = _pie_page(SHARES, pieHole=0.5)
    paths = re.findall(r'<path d="([^"]*)"', ring)
    assert len(paths) == 3 and all(p.count(" A") == 2 and "L" in p for p in paths)
    centre, inner = webview_charts.RADIUS_PX + 10, webview_charts.RADIUS_PX * 0.5
    assert _arc_ends(paths[0])[-1] == (centre, centre + inner)     # in to the hole at six o'clock,
    assert paths[0].endswith(f" {centre:.1f},{centre - inner:.1f} Z")  # back along its edge to twelve


def test_pie_without_a_header_and_without_votes() -> None:
    page = _pie_page([["Paslon 1", 5], ["Paslon 2", 5]])
    assert page.count("<path") == 2 and ">50%<" in page and "Paslon 1" in page
    empty = _pie_page([["Paslon", "Suara"], ["Paslon 1", 0], ["Paslon 2", ""]])
    assert "<path" not in empty and "No data" in empty


def test_a_type_not_drawn_is_a_note_not_a_picture() -> None:
    store = Store()
    ss = store.create("Grafik", sheet_titles=["Rekap"])
    tab = ss.sheets[0]
    _fill(tab, VOTES)
    _add_chart(tab, VOTES, "<i>sebaran</i>", chartType="BASIC_CHART_TYPE_UNSPECIFIED")
    tab.charts.append({"chartId": 9, "spec": {"title": "Histogram", "histogramChart": {
        "series": [{"data": _column(tab.sheet_id, len(VOTES), 1)}]}}})
    page = webview.render(f"/view/{ss.id}", store, "refresh=0")[2].decode()
    assert "<svg" not in page and "<rect" not in page
    assert "chart type BASIC_CHART_TYPE_UNSPECIFIED is not drawn by the emulator" in page
    assert "chart type histogramChart is not drawn by the emulator" in page
    assert "&lt;i&gt;sebaran" in page and "<i>" not in page


# --------------------------------------- served by the emulator, drawn by Chromium

def test_emulator_serves_a_pie_and_a_combo_added_through_the_api(emu: Any) -> None:
    ss = emu.client().create("Grafik API")
    tab = ss.sheet1
    tab.update(values=SHARES, range_name="A1")
    sid = tab.id
    pie = {"title": "Perolehan suara", "pieChart": {"domain": _column(sid, len(SHARES), 0),
                                                    "series": _column(sid, len(SHARES), 1), "pieHole": 0.4}}
    combo = {"title": "Suara", "basicChart": {"chartType": "COMBO", "headerCount": 1,
                                              "domains": [{"domain": _column(sid, len(SHARES), 0)}],
                                              "series": [{"series": _column(sid, len(SHARES), 1), "type": "AREA"}]}}
    anchor = {"overlayPosition": {"anchorCell": {"sheetId": sid, "rowIndex": 8, "columnIndex": 0}}}
    ss.batch_update({"requests": [{"addChart": {"chart": {"spec": spec, "position": anchor}}} for spec in (pie, combo)]})
    with urllib.request.urlopen(f"{emu.url}/view/{ss.id}/{sid}?refresh=0", timeout=30) as resp:
        page = resp.read().decode()
    assert page.count("<svg") == 2 and page.count("<path") == 3 and page.count("<polygon") == 1
    assert ">50%<" in page and "Paslon 3: 200 (20%)" in page


def _rgb(colour: str) -> tuple[int, int, int]:
    return int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16)


def _pixels(png: Path, rgb: tuple[int, int, int]) -> list[tuple[int, int]]:
    width, bpp, rows = read_png(png)
    target = bytes(rgb)
    return [(x, y) for y, row in enumerate(rows) for x in range(width) if row[x * bpp:x * bpp + 3] == target]


@needs_chromium
def test_chromium_paints_the_pie_slices_in_their_shares_and_places(tmp_path: Path) -> None:
    page = tmp_path / "pie.html"
    page.write_text(_pie_page(SHARES), encoding="utf-8")
    shot = tmp_path / "pie.png"
    subprocess.run(chromium_flags(str(tmp_path / "profile")) + [
        f"--screenshot={shot}", "--window-size=500,600", page.as_uri()],
        check=True, capture_output=True, timeout=60)
    blue, red, yellow = (_pixels(shot, _rgb(colour)) for colour in webview_charts.PIE_PALETTE[:3])
    area = 3.14159 * webview_charts.RADIUS_PX ** 2
    for pixels, share in ((blue, 0.5), (red, 0.3), (yellow, 0.2)):
        assert abs(len(pixels) / area - share) < 0.03, (len(pixels), area, share)
    # Paslon 1 the right half (twelve to six o'clock), Paslon 2 from six round to the left,
    # Paslon 3 the last fifth, up to twelve
    assert median(x for x, _ in blue) > median(x for x, _ in red) and median(x for x, _ in blue) > median(
        x for x, _ in yellow)
    assert median(y for _, y in yellow) < median(y for _, y in red)
