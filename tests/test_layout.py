"""init: layout created through one batchUpdate, checked through gspread; a second init writes nothing."""

from __future__ import annotations

from typing import Any

import pytest

from sheetsync.core.config import load_preset, with_overrides
from sheetsync.sync.layout import STATUS_COLOURS, init_layout
from sheets import settle


def new_config(emu: Any, title: str = "layout") -> Any:
    created = emu.client().create(title)
    return with_overrides(load_preset("pilkada-jakbar-2024"), spreadsheet=created.id, api_url=emu.url)


def writes(emu: Any) -> int:
    """Write requests seen by the emulator since the last reset (POST/PUT to Sheets; reads are
    POSTs too, values:batchGetByDataFilter, and do not count)."""
    return sum(r["count"] for r in emu.counters()["routes"]
               if r["method"] in ("POST", "PUT", "PATCH") and "ByDataFilter" not in r["path"])


def metadata(emu: Any, key: str, ranges: list[str] | None = None) -> dict:
    params: dict[str, Any] = {"includeGridData": "false"}
    if ranges:
        params = {"includeGridData": "true", "ranges": ranges}
    return emu.client().http_client.fetch_sheet_metadata(key, params)


@pytest.fixture(scope="module")
def fresh(emu: Any) -> tuple[Any, Any, dict, int]:
    config = new_config(emu)
    settle(emu)
    emu.reset_counters()
    report = init_layout(config, with_tps=True, client=emu.client())
    settle(emu)
    return config, report, emu.counters(), writes(emu)


def test_first_init_is_one_batch_update(fresh) -> None:
    config, report, counters, n_writes = fresh
    assert report.write_calls == 1 and n_writes == 1
    assert report.tps_rows_added == 2648
    assert set(report.tabs_added) == {"TPS", "Rekap Kecamatan", "Rekap Kelurahan", "Masalah", "Rekap Koordinator",
                                      "Progres 24 Jam"}


def test_tabs_header_and_rows_through_gspread(emu: Any, fresh) -> None:
    config, *_ = fresh
    ss = emu.client().open_by_key(config.spreadsheet)
    tab = ss.worksheet("TPS")
    values = tab.get_all_values()
    expected = [c.header for c in config.columns] + ["Status", "Keterangan"]
    assert values[0][: len(expected)] == expected
    assert len(values) == 1 + 2648
    assert values[1][:3] == ["Cengkareng", "Cengkareng Barat", "1"]
    assert tab.frozen_row_count == 1
    titles = [w.title for w in ss.worksheets()]
    assert {"Rekap Kecamatan", "Rekap Kelurahan", "Masalah"} <= set(titles)


def test_dropdowns_colours_protection_chart(emu: Any, fresh) -> None:
    config, *_ = fresh
    meta = metadata(emu, config.spreadsheet, ["'TPS'!A2:B2"])
    sheets = {s["properties"]["title"]: s for s in meta["sheets"]}
    cells = sheets["TPS"]["data"][0]["rowData"][0]["values"]
    kec, kel = cells[0]["dataValidation"], cells[1]["dataValidation"]
    assert kec["condition"]["type"] == "ONE_OF_LIST"
    assert {v["userEnteredValue"] for v in kec["condition"]["values"]} >= {"Cengkareng", "Taman Sari", "Kalideres"}
    assert len(kel["condition"]["values"]) == 56 and kec.get("strict") is False

    meta = metadata(emu, config.spreadsheet)
    sheets = {s["properties"]["title"]: s for s in meta["sheets"]}
    rules = sheets["TPS"]["conditionalFormats"]
    labels = [r["booleanRule"]["condition"]["values"][0]["userEnteredValue"] for r in rules]
    assert {"OK", "PERIKSA", "SALAH", "BELUM DIISI"} <= set(labels)
    status_col = [c.header for c in config.columns].index  # noqa: F841 - documents intent
    ok = next(r for r in rules if r["booleanRule"]["condition"]["values"][0]["userEnteredValue"] == "OK")
    # stored at 8 bits per channel, as Google stores colours
    assert ok["booleanRule"]["format"]["backgroundColor"]["green"] == pytest.approx(STATUS_COLOURS["OK"]["green"],
                                                                                   abs=1 / 255)
    header = [c.header for c in config.columns] + ["Status"]
    assert ok["ranges"][0]["startColumnIndex"] == len(header) - 1

    protected = [p for s in sheets.values() for p in s.get("protectedRanges", [])]
    assert len(protected) == 6 and all(p["warningOnly"] for p in protected)
    whole_tabs = {p["range"]["sheetId"] for p in protected if "startColumnIndex" not in p["range"]}
    assert whole_tabs == {sheets[t]["properties"]["sheetId"] for t in config.summary_tabs.titles()}

    charts = sheets["Rekap Kecamatan"]["charts"]
    assert len(charts) == 4                     # target vs votes, paslon shares, % reported, the kota's votes
    spec = next(c for c in charts if c["spec"]["title"] == "Target vs suara per kecamatan")["spec"]["basicChart"]
    assert spec["chartType"] == "BAR" and len(spec["series"]) == 2
    domain = spec["domains"][0]["domain"]["sourceRange"]["sources"][0]
    assert domain["endRowIndex"] - domain["startRowIndex"] == 1 + 8     # header + 8 kecamatan
    from sheetsync.sync.layout import summary_header

    header = summary_header(config)
    series = [s["series"]["sourceRange"]["sources"][0]["startColumnIndex"] for s in spec["series"]]
    assert header[domain["startColumnIndex"]] == "Kecamatan"
    assert [header[i] for i in series] == ["Target Suara", "Suara Paslon 3 (lengkap)"]


def test_second_init_writes_nothing(emu: Any, fresh) -> None:
    config, *_ = fresh
    settle(emu)
    emu.reset_counters()
    report = init_layout(config, with_tps=True, client=emu.client())
    settle(emu)
    assert writes(emu) == 0
    assert report.write_calls == 0 and report.requests == [] and report.tps_rows_added == 0
    assert emu.counters()["requests"] == report.api_calls <= 3


def test_repairs_only_what_a_person_broke(emu: Any) -> None:
    config = new_config(emu, "repair")
    client = emu.client()
    init_layout(config, with_tps=False, client=client)
    ss = client.open_by_key(config.spreadsheet)
    tps = ss.worksheet("TPS")
    # A coordinator: removes one colour rule, unfreezes the header, adds an own column at the end.
    meta = metadata(emu, config.spreadsheet)
    sheet_id = tps.id
    ss.batch_update({"requests": [
        {"deleteConditionalFormatRule": {"sheetId": sheet_id, "index": 0}},
        {"updateSheetProperties": {"properties": {"sheetId": sheet_id, "gridProperties": {"frozenRowCount": 0}},
                                   "fields": "gridProperties.frozenRowCount"}}]})
    tps.update_cell(1, 24, "Catatan Relawan")
    assert meta  # structure was readable before the edit
    settle(emu)
    emu.reset_counters()
    report = init_layout(config, with_tps=False, client=client)
    settle(emu)
    assert writes(emu) == 1
    kinds = sorted(set(report.requests))
    assert kinds == ["addConditionalFormatRule", "deleteConditionalFormatRule", "updateSheetProperties"]
    assert tps.row_values(1)[23] == "Catatan Relawan"           # the person's column is kept
    settle(emu)
    emu.reset_counters()
    init_layout(config, with_tps=False, client=client)
    settle(emu)
    assert writes(emu) == 0


def test_with_tps_adds_only_missing_rows(emu: Any) -> None:
    config = new_config(emu, "partial")
    client = emu.client()
    ws = client.open_by_key(config.spreadsheet).sheet1
    ws.update_title("TPS")
    header = [c.header for c in config.columns]
    ws.update([header, ["Cengkareng", "Kapuk", "TPS 001"], ["tamansari", "krukut", "3"]], "A1")
    report = init_layout(config, with_tps=True, client=client)
    assert report.tps_rows_added == 2648 - 2
    values = ws.get_all_values()
    assert len(values) == 1 + 2648
    assert values[2][:3] == ["tamansari", "krukut", "3"]       # what people typed stays
