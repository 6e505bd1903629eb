"""The emulator answers the requests sheetsync sends as Google answered them in recordings.

Two sources of Google's real answers:
- gspread's VCR cassettes, replayed request by request against the emulator and compared
  value by value (``cassette_replay``), when a git checkout of gspread is at hand
  (``GSPREAD_REPO``, default the workspace mirror); the few differences that depend on the
  recording account, not on the API, are listed with their reason;
- the render options of a few recorded reads, transcribed below, asked the way sheetsync asks
  them (one values:batchGetByDataFilter), so they hold with no checkout too.
"""
from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from _emu_support import emu, raw  # noqa: F401  (fixtures)
from cassette_replay import ACCOUNT_BOUND, cassette_paths, gspread_cassettes, replay

GSPREAD_REPO = Path(os.environ.get("GSPREAD_REPO", "/work/.mirror/burnash+gspread/repo"))

# Differences that come from the recording account or Google's font metrics, not from the
# answers' form: (cassette name pattern, where pattern) -> why
ACCOUNT_DIFFERENCES = {
    (r"WorksheetTest\.test_(add|delete)_protected_range.*", r".*/editors/users\[0\]"):
        "the owner listed among the editors is the recording service account",
    (r"ClientTest\.test_import_csv\.json", r"/properties/timeZone"):
        "an imported CSV takes the recording account's time zone",
    (r"WorksheetTest\.test_auto_resize_columns\.json", r".*/pixelSize"):
        "autoResize measures text with Google's fonts",
}


def _explained(name: str, where: str) -> bool:
    return any(re.fullmatch(c, name) and re.fullmatch(w, where) for c, w in ACCOUNT_DIFFERENCES)


def _cassettes() -> list[str]:
    if not (GSPREAD_REPO / "HEAD").exists() and not (GSPREAD_REPO / ".git").exists():
        return []
    names = (p.rsplit("/", 1)[-1] for p in cassette_paths(str(GSPREAD_REPO)))
    return [name for name in names if name not in ACCOUNT_BOUND]


CASSETTES = _cassettes()


@pytest.fixture(scope="module")
def recorded() -> dict:
    return dict(gspread_cassettes(str(GSPREAD_REPO)))


@pytest.mark.skipif(not CASSETTES, reason="no gspread checkout at GSPREAD_REPO")
@pytest.mark.parametrize("name", CASSETTES or ["-"])
def test_recorded_answers_replay_alike(emu, recorded, name):
    differences = [d for d in replay(emu.url, name, recorded[name]) if not _explained(name, d.where)]
    assert not differences, "\n".join(map(str, differences))


# ------------------------------------------------------------------ render options

# WorksheetTest.test_get_all_values_date_time_render_options and
# WorksheetTest.test_get_all_records_value_render_options: a 2x4 tab written USER_ENTERED
# with these rows, then read whole with each option.
TYPED = [["=4/2", "2020-01-01", "string", 53], ["=3/2", 0.12, "1999-01-02", ""]]
RECORDED_READS = {
    ("UNFORMATTED_VALUE", "SERIAL_NUMBER"): [[2, 43831, "string", 53], [1.5, 0.12, 36162]],
    ("UNFORMATTED_VALUE", "FORMATTED_STRING"): [[2, "2020-01-01", "string", 53], [1.5, 0.12, "1999-01-02"]],
    ("FORMATTED_VALUE", "SERIAL_NUMBER"): [["2", "2020-01-01", "string", "53"], ["1.5", "0.12", "1999-01-02"]],
    ("FORMATTED_VALUE", "FORMATTED_STRING"): [["2", "2020-01-01", "string", "53"], ["1.5", "0.12", "1999-01-02"]],
    ("FORMULA", "SERIAL_NUMBER"): [["=4/2", 43831, "string", 53], ["=3/2", 0.12, 36162]],
}


@pytest.fixture(scope="module")
def typed(raw) -> str:
    sid = raw("POST", "/v4/spreadsheets", json={"properties": {"title": "Rekap"}, "sheets": [
        {"properties": {"title": "Sheet1", "gridProperties": {"rowCount": 2, "columnCount": 4}}}]}).json()["spreadsheetId"]
    resp = raw("PUT", f"/v4/spreadsheets/{sid}/values/'Sheet1'!A1:D2", params={"valueInputOption": "USER_ENTERED"},
               json={"values": TYPED})
    assert resp.status_code == 200, resp.text
    return sid


def _by_filter(raw, sid: str, *filters: dict, render: str = "FORMATTED_VALUE", dates: str = "SERIAL_NUMBER"):
    return raw("POST", f"/v4/spreadsheets/{sid}/values:batchGetByDataFilter",
               json={"dataFilters": list(filters), "valueRenderOption": render,
                     "dateTimeRenderOption": dates, "majorDimension": "ROWS"})


@pytest.mark.parametrize(("render", "dates"), list(RECORDED_READS))
def test_a_read_by_data_filter_renders_as_google_recorded(raw, typed, render, dates):
    resp = _by_filter(raw, typed, {"a1Range": "'Sheet1'"}, render=render, dates=dates)
    assert resp.status_code == 200, resp.text
    assert resp.json() == {"spreadsheetId": typed, "valueRanges": [{
        "valueRange": {"range": "Sheet1!A1:D2", "majorDimension": "ROWS", "values": RECORDED_READS[render, dates]},
        "dataFilters": [{"a1Range": "'Sheet1'"}]}]}


# ------------------------------------------------------------------ what a data filter selects

def test_a_range_naming_a_missing_tab_is_the_parse_error_sheetsync_repairs(raw, typed):
    resp = _by_filter(raw, typed, {"a1Range": "'Sheet1'!A1:B2"}, {"a1Range": "'Rekap TPS'!A1:B2"})
    assert resp.status_code == 400
    assert "Unable to parse range: 'Rekap TPS'!A1:B2" in resp.json()["error"]["message"]


def test_a_range_partly_past_the_grid_reads_what_is_there(raw, typed):
    resp = _by_filter(raw, typed, {"a1Range": "Sheet1!B2:F9"}, render="UNFORMATTED_VALUE")
    assert resp.status_code == 200, resp.text
    assert resp.json()["valueRanges"][0]["valueRange"] == {
        "range": "Sheet1!B2:D2", "majorDimension": "ROWS", "values": [[0.12, 36162]]}


def test_a_range_starting_past_the_grid_is_refused(raw, typed):
    resp = _by_filter(raw, typed, {"a1Range": "Sheet1!A3:D4"})
    assert resp.status_code == 400
    assert resp.json()["error"]["message"].endswith(
        "Range (Sheet1!A3:D4) exceeds grid limits. Max rows: 2, max columns: 4")


def test_a_lookup_matching_nothing_selects_no_range(raw, typed):
    nothing = {"developerMetadataLookup": {"metadataKey": "sheetsync.status", "metadataValue": "Rekap",
                                           "visibility": "DOCUMENT"}}
    assert _by_filter(raw, typed, nothing).json() == {"spreadsheetId": typed}
    both = _by_filter(raw, typed, nothing, {"a1Range": "Sheet1!A1"}, render="FORMULA").json()
    assert [m["dataFilters"] for m in both["valueRanges"]] == [[{"a1Range": "Sheet1!A1"}]]
    assert both["valueRanges"][0]["valueRange"]["values"] == [["=4/2"]]


# ------------------------------------------------------------------ FORMULA, as sheetsync's journal reads

def test_formula_reads_text_typed_with_an_apostrophe_without_it(raw, typed):
    """Google's reference (ExtendedValue.stringValue): "Leading single quotes are not
    included", so typed '0812 is the text 0812 under every render option; RAW keeps the
    apostrophe as a character. A formula whose value is an error reads as its formula."""
    sid = raw("POST", "/v4/spreadsheets", json={"properties": {"title": "Rekap"}}).json()["spreadsheetId"]
    for option, row in (("USER_ENTERED", ["'0812", "'=1+1", "=1/0", "2020-01-01"]), ("RAW", ["'0812"])):
        at = "Sheet1!A1" if option == "USER_ENTERED" else "Sheet1!A2"
        resp = raw("PUT", f"/v4/spreadsheets/{sid}/values/{at}", params={"valueInputOption": option},
                   json={"values": [row]})
        assert resp.status_code == 200, resp.text
    read = {render: _by_filter(raw, sid, {"a1Range": "Sheet1!A1:D2"}, render=render,
                               dates="FORMATTED_STRING").json()["valueRanges"][0]["valueRange"]["values"]
            for render in ("FORMULA", "UNFORMATTED_VALUE")}
    assert read["FORMULA"] == [["0812", "=1+1", "=1/0", "2020-01-01"], ["'0812"]]
    assert read["UNFORMATTED_VALUE"] == [["0812", "=1+1", "#DIV/0!", "2020-01-01"], ["'0812"]]
    cells = raw("GET", f"/v4/spreadsheets/{sid}", params={
        "ranges": "Sheet1!A1:B1", "fields": "sheets.data.rowData.values.userEnteredValue"}).json()
    assert cells["sheets"][0]["data"][0]["rowData"][0]["values"] == [
        {"userEnteredValue": {"stringValue": "0812"}}, {"userEnteredValue": {"stringValue": "=1+1"}}]
