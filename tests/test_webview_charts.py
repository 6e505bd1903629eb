"""Web view: charts drawn as their type says: columns stacked to 100 %, lines per series."""

from __future__ import annotations

import re
from typing import Any

from sheetsync.emulator import webview, webview_charts
from sheetsync.emulator.model import Sheet, Store

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
