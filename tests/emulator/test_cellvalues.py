"""cellvalues: USER_ENTERED parsing and the three render options (locale en_US)."""
from __future__ import annotations

import pytest

from sheetsync.emulator.cell_errors import CellError
from sheetsync.emulator.cellvalues import (format_datetime, format_number,
                                           formatted_value, general_number, parse_raw,
                                           parse_user_entered, render)


@pytest.mark.parametrize("raw, value, fmt_type", [
    ("12", 12, None),
    ("-3.5", -3.5, None),
    ("0812345678", 812345678, None),          # leading zeros go, as in the Sheets UI
    ("1,234", 1234, "NUMBER"),
    ("1,234.5", 1234.5, "NUMBER"),
    ("12%", 0.12, "PERCENT"),
    ("$1.50", 1.5, "CURRENCY"),
    ("-$1,234", -1234, "CURRENCY"),
    ("TRUE", True, None),
    ("false", False, None),
    ("2024-11-27", 45623, "DATE"),
    ("11/27/2024", 45623, "DATE"),
    ("Nov 27, 2024", 45623, "DATE"),
    ("2024-11-27 10:30:00", 45623.4375, "DATE_TIME"),
    ("10:30", 0.4375, "TIME"),
    ("1e3", 1000.0, "SCIENTIFIC"),
])
def test_user_entered_typed(raw, value, fmt_type):
    got, formula, fmt = parse_user_entered(raw)
    assert got == value and type(got) is type(value)
    assert formula is None
    assert (fmt or {}).get("type") == fmt_type


@pytest.mark.parametrize("raw", ["27/11/2024", "1,23", "abc", "12 kg", "Kebon Jeruk", "31.73.01.1005"])
def test_user_entered_text_stays_text(raw):
    assert parse_user_entered(raw) == (raw, None, None)


def test_apostrophe_forces_text_and_is_stripped():
    assert parse_user_entered("'0812") == ("0812", None, None)
    assert parse_user_entered("'=1+1") == ("=1+1", None, None)


def test_formula_is_kept_and_normalised():
    value, formula, fmt = parse_user_entered("=sum(a1:b2)+'Rekap Kecamatan'!c3")
    assert value is None and fmt is None
    assert formula == "=SUM(A1:B2)+'Rekap Kecamatan'!C3"


def test_text_number_format_keeps_text():
    assert parse_user_entered("12", None, {"type": "TEXT"}) == ("12", None, None)


def test_json_numbers_and_bools_stay_typed():
    assert parse_user_entered(5) == (5, None, None)
    assert parse_user_entered(2.5) == (2.5, None, None)
    assert parse_user_entered(True) == (True, None, None)
    assert parse_raw(7) == (7, None, None)


def test_raw_keeps_strings():
    assert parse_raw("=1+1") == ("=1+1", None, None)
    assert parse_raw("12") == ("12", None, None)
    assert parse_raw("") == (None, None, None)


def test_render_numbers_and_booleans():
    assert render(12, None, "FORMATTED_VALUE") == "12"
    assert render(12.5, None, "FORMATTED_VALUE") == "12.5"
    assert render(12.0, None, "UNFORMATTED_VALUE") == 12 and isinstance(render(12.0, None, "UNFORMATTED_VALUE"), int)
    assert render(True, None, "FORMATTED_VALUE") == "TRUE"
    assert render(False, None, "UNFORMATTED_VALUE") is False
    assert render(None, None, "FORMATTED_VALUE") == ""
    assert render("12", None, "UNFORMATTED_VALUE") == "12"


def test_render_formula_option():
    assert render(3, "=1+2", "FORMULA") == "=1+2"
    assert render(3, "=1+2", "UNFORMATTED_VALUE") == 3
    assert render(3, "=1+2", "FORMATTED_VALUE") == "3"
    assert render(7, None, "FORMULA") == 7


def test_render_dates():
    fmt = {"type": "DATE", "pattern": "yyyy-mm-dd"}
    assert render(45623, None, "FORMATTED_VALUE", fmt) == "2024-11-27"
    assert render(45623, None, "UNFORMATTED_VALUE", fmt) == 45623
    assert render(45623, None, "UNFORMATTED_VALUE", fmt, "FORMATTED_STRING") == "2024-11-27"
    assert render(45623, None, "FORMULA", fmt) == 45623


def test_render_errors():
    err = CellError("NAME", "Unknown function: 'FOO'.")
    assert render(err, "=FOO()", "FORMATTED_VALUE") == "#NAME?"
    assert render(err, "=FOO()", "UNFORMATTED_VALUE") == "#NAME?"
    assert render(err, "=FOO()", "FORMULA") == "=FOO()"
    assert CellError("DIVIDE_BY_ZERO").text == "#DIV/0!"
    assert CellError("N_A").text == "#N/A"


def test_general_number():
    assert general_number(1 / 3) == "0.3333333333"
    assert general_number(100 / 3) == "33.33333333"          # 10 significant digits
    assert general_number(2 / 3) == "0.6666666667"
    assert general_number(0.1 + 0.2) == "0.3"
    assert general_number(123456789012) == "123456789012"
    assert general_number(1e15) == "1E+15"
    assert general_number(-0.5) == "-0.5"


@pytest.mark.parametrize("x, pattern, text", [
    (1234.5, "#,##0.00", "1,234.50"),
    (1234.5, "#,##0", "1,235"),
    (-1234.5, "$#,##0.00", "-$1,234.50"),
    (0.125, "0.00%", "12.50%"),
    (0.12, "0%", "12%"),
    (12345, "0.00E+00", "1.23E+04"),
    (-3, "0;(0)", "(3)"),
    (5, '"Rp" #,##0', "Rp 5"),
    (7, "000", "007"),
])
def test_number_patterns(x, pattern, text):
    assert format_number(x, pattern) == text


@pytest.mark.parametrize("serial, pattern, text", [
    (45623, "M/d/yyyy", "11/27/2024"),
    (45623, "d mmm yyyy", "27 Nov 2024"),
    (45623, "dddd, mmmm d", "Wednesday, November 27"),
    (45623.4375, "M/d/yyyy H:mm:ss", "11/27/2024 10:30:00"),
    (0.9375, "h:mm:ss am/pm", "10:30:00 PM"),
    (0.5, "hh:mm", "12:00"),
])
def test_date_patterns(serial, pattern, text):
    assert format_datetime(serial, pattern) == text


def test_formatted_value_uses_type_default_pattern():
    assert formatted_value(1234.5, {"type": "NUMBER"}) == "1,234.50"
    assert formatted_value(45623, {"type": "DATE"}) == "11/27/2024"


from hypothesis import given  # noqa: E402
from hypothesis import strategies as st  # noqa: E402


@given(st.integers(-10**14, 10**14))
def test_integers_round_trip(n):
    value, formula, fmt = parse_user_entered(str(n))
    assert value == n and isinstance(value, int) and formula is None and fmt is None
    assert render(value, None, "FORMATTED_VALUE") == str(n)
    assert render(value, None, "UNFORMATTED_VALUE") == n


@given(st.dates(min_value=__import__("datetime").date(1900, 3, 1)))
def test_iso_dates_round_trip(d):
    value, _, fmt = parse_user_entered(d.isoformat())
    assert fmt == {"type": "DATE", "pattern": "yyyy-mm-dd"}
    assert render(value, None, "FORMATTED_VALUE", fmt) == d.isoformat()
    us = f"{d.month}/{d.day}/{d.year}"
    value2, _, fmt2 = parse_user_entered(us)
    assert value2 == value and render(value2, None, "FORMATTED_VALUE", fmt2) == us


@given(st.decimals(min_value=-10**6, max_value=10**6, places=3, allow_nan=False))
def test_decimals_render_as_typed(x):
    text = format(x, "f").rstrip("0").rstrip(".") if "." in format(x, "f") else format(x, "f")
    if text in ("-0", ""):
        text = "0"
    value, _, _ = parse_user_entered(text)
    assert render(value, None, "FORMATTED_VALUE") == text


class _Sheetless:
    """Stands for a model.Spreadsheet: only properties.locale is read."""

    def __init__(self, locale: str):
        self.properties = {"locale": locale}


ID = _Sheetless("id_ID")


@pytest.mark.parametrize("raw, value, fmt_type", [
    ("1.234,5", 1234.5, "NUMBER"), ("12,5", 12.5, None), ("1.234", 1234, "NUMBER"),
    ("12,5%", 0.125, "PERCENT"), ("27/11/2024", 45623, "DATE"), ("27.11.2024", 45623, "DATE"),
    ("2024-11-27", 45623, "DATE"),
])
def test_indonesian_locale_parses_as_typed_there(raw, value, fmt_type):
    got, _, fmt = parse_user_entered(raw, ID)
    assert got == value and (fmt or {}).get("type") == fmt_type


@pytest.mark.parametrize("raw", ["1,234.5", "11/27/2024", "$1.50"])
def test_us_shapes_are_text_in_indonesian_locale(raw):
    assert parse_user_entered(raw, ID) == (raw, None, None)


def test_indonesian_locale_formats_with_its_separators():
    assert render(12.5, None, "FORMATTED_VALUE", None, spreadsheet=ID) == "12,5"
    assert render(1234, None, "FORMATTED_VALUE", None, spreadsheet=ID) == "1234"
    assert render(1234.5, None, "FORMATTED_VALUE", {"type": "NUMBER", "pattern": "#,##0.00"},
                  spreadsheet=ID) == "1.234,50"
    assert render(0.125, None, "FORMATTED_VALUE", {"type": "PERCENT", "pattern": '0.0%" suara"'},
                  spreadsheet=ID) == "12,5% suara"
    assert render(12.5, None, "UNFORMATTED_VALUE", None, spreadsheet=ID) == 12.5
    assert render(45623, None, "FORMATTED_VALUE", {"type": "DATE", "pattern": "dd/MM/yyyy"},
                  spreadsheet=ID) == "27/11/2024"
