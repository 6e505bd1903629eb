"""init's charts, through gspread against the emulator: made on sheetsync's kecamatan tab, left
as they are by a second init, brought back when a person deletes one, left alone when a person
moves or restyles one; charts on a person's tab are never touched."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

from sheetsync.core.config import Config, load_preset
from sheetsync.sync.layout import init_layout, summary_header
from sheets import settle

CHART_REQUESTS = {"addChart", "deleteEmbeddedObject", "updateChartSpec", "updateEmbeddedObjectPosition"}


def new_config(emu: Any, title: str, lang: str = "id") -> Config:
    created = emu.client().create(title)
    return replace(load_preset("pilkada-jakbar-2024"), spreadsheet=created.id, api_url=emu.url, language=lang)


def charts_by_tab(emu: Any, key: str) -> dict[str, list[dict[str, Any]]]:
    meta = emu.client().http_client.fetch_sheet_metadata(key, {"includeGridData": "false"})
    return {s["properties"]["title"]: s.get("charts", []) for s in meta["sheets"]}


def sources(part: dict[str, Any]) -> list[dict[str, Any]]:
    return part["sourceRange"]["sources"]


def by_title(charts: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {c["spec"]["title"]: c for c in charts}


def cells_of(values: list[list[str]], source: dict[str, Any]) -> list[list[str]]:
    """The cells a chart source covers, as the tab shows them."""
    rows = values[source["startRowIndex"]:source["endRowIndex"]]
    return [(r + [""] * source["endColumnIndex"])[source["startColumnIndex"]:source["endColumnIndex"]] for r in rows]


@pytest.fixture(scope="module")
def made(emu: Any) -> Config:
    config = new_config(emu, "charts")
    init_layout(config, client=emu.client())
    settle(emu)
    return config


def test_init_makes_the_charts_on_its_kecamatan_tab(emu: Any, made: Config) -> None:
    charts = by_title(charts_by_tab(emu, made.spreadsheet)["Rekap Kecamatan"])
    assert set(charts) == {"Target vs suara per kecamatan", "Perolehan suara paslon per kecamatan (%)",
                           "% TPS lapor per kecamatan", "Suara per paslon vs target, Jakarta Barat"}
    header = summary_header(made)
    table_rows = (2, 3 + 8)       # the stamp in A1, the header on row 3, 8 kecamatan; not the kota line

    share = charts["Perolehan suara paslon per kecamatan (%)"]["spec"]["basicChart"]
    assert share["chartType"] == "COLUMN" and share["stackedType"] == "PERCENT_STACKED"
    series = [sources(s["series"])[0] for s in share["series"]]
    assert [header[s["startColumnIndex"]] for s in series] == ["Paslon 1 (lengkap)", "Paslon 2 (lengkap)",
                                                                 "Paslon 3 (lengkap)"]
    assert {(s["startRowIndex"], s["endRowIndex"]) for s in series} == {table_rows}
    assert header[sources(share["domains"][0]["domain"])[0]["startColumnIndex"]] == "Kecamatan"

    reported = charts["% TPS lapor per kecamatan"]["spec"]["basicChart"]
    (only,) = [sources(s["series"])[0] for s in reported["series"]]
    assert header[only["startColumnIndex"]] == "% Lapor" and (only["startRowIndex"], only["endRowIndex"]) == table_rows


def test_the_kota_chart_reads_the_total_line(emu: Any, made: Config) -> None:
    """After a sync has written the table, the kota chart's series is its TOTAL line and its
    domain the header's target and paslon cells."""
    from sheetsync.sync.run import sync

    ws = emu.client().open_by_key(made.spreadsheet).worksheet("TPS")
    row = {"Kecamatan": "Cengkareng", "Kelurahan": "Cengkareng Barat", "No TPS": 1, "DPT": 300, "Target Suara": 150,
           "Paslon 1": 120, "Paslon 2": 80, "Paslon 3": 90, "Suara Sah": 290, "Suara Tidak Sah": 4,
           "Pengguna Hak Pilih": 294}
    ws.append_rows([[row.get(c.header, "") for c in made.columns]], value_input_option="RAW")
    sync(made, client=emu.client(), now=None)
    settle(emu)
    values = emu.client().open_by_key(made.spreadsheet).worksheet("Rekap Kecamatan").get_all_values()
    charts = by_title(charts_by_tab(emu, made.spreadsheet)["Rekap Kecamatan"])
    kota = charts["Suara per paslon vs target, Jakarta Barat"]
    basic = kota["spec"]["basicChart"]
    domain = [c for s in sources(basic["domains"][0]["domain"]) for c in cells_of(values, s)[0]]
    line = [c for s in sources(basic["series"][0]["series"]) for c in cells_of(values, s)[0]]
    assert domain == ["Target Suara", "Paslon 1 (lengkap)", "Paslon 2 (lengkap)", "Paslon 3 (lengkap)"]
    row = sources(basic["series"][0]["series"])[0]["startRowIndex"]
    assert values[row][1] == "TOTAL Jakarta Barat"
    assert line[1:] == ["120", "80", "90"]


def test_a_second_init_sends_no_chart_request(emu: Any, made: Config) -> None:
    report = init_layout(made, client=emu.client())
    assert not CHART_REQUESTS & set(report.requests)
    assert report.write_calls == 0


def test_a_deleted_chart_comes_back_and_a_moved_restyled_one_stays(emu: Any, made: Config) -> None:
    client = emu.client()
    ss = client.open_by_key(made.spreadsheet)
    charts = by_title(charts_by_tab(emu, made.spreadsheet)["Rekap Kecamatan"])
    gone = charts["% TPS lapor per kecamatan"]
    moved = charts["Perolehan suara paslon per kecamatan (%)"]
    restyled = {**moved["spec"], "title": "Suara kita", "basicChart": {**moved["spec"]["basicChart"],
                                                                         "chartType": "BAR", "stackedType": "STACKED"}}
    ss.batch_update({"requests": [
        {"deleteEmbeddedObject": {"objectId": gone["chartId"]}},
        {"updateChartSpec": {"chartId": moved["chartId"], "spec": restyled}},
        {"updateEmbeddedObjectPosition": {"objectId": moved["chartId"], "fields": "overlayPosition.anchorCell",
                                          "newPosition": {"overlayPosition": {"anchorCell": {
                                              "sheetId": ss.worksheet("Rekap Kecamatan").id, "rowIndex": 60,
                                              "columnIndex": 2}}}}}]})
    settle(emu)
    report = init_layout(made, client=client)
    assert report.requests == ["addChart"]
    after = by_title(charts_by_tab(emu, made.spreadsheet)["Rekap Kecamatan"])
    assert after["% TPS lapor per kecamatan"]["spec"] == gone["spec"]
    assert after["Suara kita"]["chartId"] == moved["chartId"]          # the person's restyle kept
    assert after["Suara kita"]["position"]["overlayPosition"]["anchorCell"]["rowIndex"] == 60
    assert "Perolehan suara paslon per kecamatan (%)" not in after
    assert init_layout(made, client=client).requests == []

    # the kota chart made a pie of, its title kept: it still shows the kota line's ranges
    kota = after["Suara per paslon vs target, Jakarta Barat"]
    basic = kota["spec"]["basicChart"]
    pie = {"title": kota["spec"]["title"], "pieChart": {"domain": basic["domains"][0]["domain"],
                                                        "series": basic["series"][0]["series"]}}
    ss.batch_update({"requests": [{"updateChartSpec": {"chartId": kota["chartId"], "spec": pie}}]})
    assert init_layout(made, client=client).requests == []


def test_an_old_chart_of_its_own_is_replaced(emu: Any) -> None:
    """A chart of sheetsync's title over other ranges (the table has changed since) is replaced."""
    config = new_config(emu, "charts-old")
    client = emu.client()
    init_layout(config, client=client)
    ss = client.open_by_key(config.spreadsheet)
    target = by_title(charts_by_tab(emu, config.spreadsheet)["Rekap Kecamatan"])["Target vs suara per kecamatan"]
    old = target["spec"]
    old_series = [{**s, "series": {"sourceRange": {"sources": [{**sources(s["series"])[0], "endRowIndex": 5}]}}}
                  for s in old["basicChart"]["series"]]
    ss.batch_update({"requests": [{"updateChartSpec": {"chartId": target["chartId"], "spec": {
        **old, "basicChart": {**old["basicChart"], "series": old_series}}}}]})
    report = init_layout(config, client=client)
    assert sorted(report.requests) == ["addChart", "deleteEmbeddedObject"]
    charts = by_title(charts_by_tab(emu, config.spreadsheet)["Rekap Kecamatan"])
    assert charts["Target vs suara per kecamatan"]["spec"] == old


def test_charts_on_a_persons_tab_are_never_touched(emu: Any) -> None:
    """A person's tab holding a copy of sheetsync's chart, and one of sheetsync's title over
    other ranges: init leaves both, and still makes its own on its tab."""
    config = new_config(emu, "charts-person")
    client = emu.client()
    init_layout(config, client=client)
    ss = client.open_by_key(config.spreadsheet)
    mine = ss.add_worksheet("Grafik Saya", rows=50, cols=10)
    ours = charts_by_tab(emu, config.spreadsheet)["Rekap Kecamatan"]
    copies = []
    for chart in ours[:2]:
        spec = chart["spec"]
        if chart is ours[1]:
            series = spec["basicChart"]["series"][:1]
            spec = {**spec, "basicChart": {**spec["basicChart"], "series": series}}
        copies.append({"addChart": {"chart": {"spec": spec, "position": {"overlayPosition": {
            "anchorCell": {"sheetId": mine.id, "rowIndex": 1, "columnIndex": 1}}}}}})
    ss.batch_update({"requests": [{"deleteEmbeddedObject": {"objectId": c["chartId"]}} for c in ours] + copies})
    settle(emu)
    before = charts_by_tab(emu, config.spreadsheet)["Grafik Saya"]
    report = init_layout(config, client=client)
    assert report.requests == ["addChart"] * 4
    after = charts_by_tab(emu, config.spreadsheet)
    assert after["Grafik Saya"] == before
    assert {c["spec"]["title"] for c in after["Rekap Kecamatan"]} == {c["spec"]["title"] for c in ours}


def test_english_titles_and_a_person_chart_on_the_owned_tab_stays(emu: Any) -> None:
    config = new_config(emu, "charts-en", lang="en")
    client = emu.client()
    init_layout(config, client=client)
    charts = charts_by_tab(emu, config.spreadsheet)["Rekap Kecamatan"]
    assert {c["spec"]["title"] for c in charts} == {
        "Target vs votes per kecamatan", "Paslon vote share per kecamatan (%)", "% of TPS reported per kecamatan",
        "Votes per paslon vs target, Jakarta Barat"}
    header = summary_header(config)
    reported = by_title(charts)["% of TPS reported per kecamatan"]["spec"]["basicChart"]
    assert header[sources(reported["series"][0]["series"])[0]["startColumnIndex"]] == "% reported"
    # a person's own chart on sheetsync's tab (a title of their own): left as it is
    ss = client.open_by_key(config.spreadsheet)
    spec = {**charts[0]["spec"], "title": "Our own view"}
    ss.batch_update({"requests": [{"addChart": {"chart": {"spec": spec, "position": {"overlayPosition": {
        "anchorCell": {"sheetId": ss.worksheet("Rekap Kecamatan").id, "rowIndex": 80, "columnIndex": 0}}}}}}]})
    assert init_layout(config, client=client).requests == []
    assert len(charts_by_tab(emu, config.spreadsheet)["Rekap Kecamatan"]) == 5
