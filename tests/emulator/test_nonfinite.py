"""Numbers no double can hold, and the words for them, as a person types them.

Google Sheets keeps every number as an IEEE double. Text that would parse to a number
past the double range ("1e309", 400 nines) cannot become one, so USER_ENTERED keeps it
as the text typed, like "NaN", "inf" and "Infinity", which are words, not numbers. RAW
stores every string as typed. Google's JSON never carries NaN or Infinity (they are not
JSON): every body here is read with a parser that refuses them.
"""
from __future__ import annotations

import json
from typing import Any

import pytest

from _emu_support import emu, raw  # noqa: F401  (fixtures)
from sheetsync.emulator.cellvalues import parse_user_entered

TYPED = ["1e309", "-1e309", "NaN", "inf", "Infinity", "-inf", "9" * 400, "1" + "0" * 309 + "%"]
RENDERS = ("FORMATTED_VALUE", "UNFORMATTED_VALUE", "FORMULA")


def _refuse(token: str) -> Any:
    raise ValueError(f"non-JSON token {token} in a response body")


def strict_json(text: str) -> Any:
    """json.loads, but NaN, Infinity and -Infinity are errors (Python accepts them by default)."""
    return json.loads(text, parse_constant=_refuse)


@pytest.fixture(scope="module")
def ws(emu):  # noqa: F811 - fixture from _emu_support
    sh = emu.client().create("nonfinite")
    return sh.sheet1


def read(raw, sheet_id: str, rng: str, render: str) -> list[list[Any]]:  # noqa: F811
    resp = raw("GET", f"/v4/spreadsheets/{sheet_id}/values/{rng}", params={"valueRenderOption": render})
    assert resp.status_code == 200, resp.text
    return strict_json(resp.text).get("values", [])


@pytest.mark.parametrize("option", ["RAW", "USER_ENTERED"])
def test_too_big_for_a_double_and_its_names_stay_text_in_every_render(raw, ws, option):  # noqa: F811
    """Written through gspread, read back raw: the string as typed, in all three renders."""
    ws.update([TYPED], "A1", value_input_option=option)
    for render in RENDERS:
        assert read(raw, ws.spreadsheet_id, "A1:H1", render) == [TYPED], (option, render)
    grid = raw("GET", f"/v4/spreadsheets/{ws.spreadsheet_id}", params={
        "ranges": "A1:H1", "includeGridData": "true",
        "fields": "sheets.data.rowData.values(userEnteredValue,effectiveValue,formattedValue)"})
    cells = strict_json(grid.text)["sheets"][0]["data"][0]["rowData"][0]["values"]
    for text, cell in zip(TYPED, cells):
        assert cell == {"userEnteredValue": {"stringValue": text}, "effectiveValue": {"stringValue": text},
                        "formattedValue": text}, (option, cell)


def test_the_largest_doubles_are_still_numbers(raw, ws):  # noqa: F811
    """The fix keeps text only past the double range: its edges still parse as numbers."""
    typed = ["1e308", "-1.7976931348623157e308", "1.7976931348623157E+308", "5e-324"]
    ws.update([typed], "A2", value_input_option="USER_ENTERED")
    assert read(raw, ws.spreadsheet_id, "A2:D2", "UNFORMATTED_VALUE") == [[float(t) for t in typed]]
    shown = read(raw, ws.spreadsheet_id, "A2:D2", "FORMATTED_VALUE")[0]
    assert shown[:3] == ["1.00E+308", "-1.80E+308", "1.80E+308"]
    assert shown[3].endswith("E-324")      # the smallest double used to crash the scientific format


def test_a_formula_past_the_double_range_is_num_error(raw, ws):  # noqa: F811
    ws.update([["=1e308*10", "=-1e308*10"]], "A3", value_input_option="USER_ENTERED")
    for render, want in (("FORMATTED_VALUE", ["#NUM!", "#NUM!"]), ("UNFORMATTED_VALUE", ["#NUM!", "#NUM!"]),
                         ("FORMULA", ["=1e308*10", "=-1e308*10"])):
        assert read(raw, ws.spreadsheet_id, "A3:B3", render) == [want]


@pytest.mark.parametrize("typed", TYPED)
def test_user_entered_parse_keeps_the_text(typed):
    assert parse_user_entered(typed) == (typed, None, None)


def test_a_request_with_bare_nan_or_infinity_is_refused_like_google(raw, ws):  # noqa: F811
    """Python's json writes the non-JSON tokens NaN/Infinity; Google's parser refuses the
    request with 400 "Invalid JSON payload received. Unexpected token." and stores nothing."""
    sid = ws.spreadsheet_id
    for token in ("NaN", "Infinity", "-Infinity"):
        body = '{"values":[[1, %s]]}' % token
        wrote = raw("PUT", f"/v4/spreadsheets/{sid}/values/A4:C4", params={"valueInputOption": "RAW"},
                    data=body, headers={"Content-Type": "application/json"})
        error = strict_json(wrote.text)["error"]
        assert (wrote.status_code, error["status"]) == (400, "INVALID_ARGUMENT"), wrote.text
        assert error["message"].startswith("Invalid JSON payload received. Unexpected token."), error
    assert read(raw, sid, "A4:C4", "UNFORMATTED_VALUE") == []                    # nothing was stored
    assert read(raw, sid, "A1:H1", "UNFORMATTED_VALUE") == [TYPED]      # the rest of the sheet reads fine
