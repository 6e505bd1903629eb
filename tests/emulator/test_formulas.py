"""formulas: parsing, evaluation, errors, recalculation over a workbook, reference shifting."""
from __future__ import annotations

import pytest

from sheetsync.emulator.cell_errors import CellError
from sheetsync.emulator.formulas.refs import shift_references, shift_relative
from sheetsync.emulator.formulas.syntax import normalize, parse_range
from sheetsync.emulator.formulas.evaluate import RefError, evaluate
from sheetsync.emulator.formulas.recalc import recalculate
from sheetsync.emulator.model import Store

DATA = {
    "Sheet1": [[1, 2, "x"], [3, None, True], [5, "7", None]],
    "Rekap Kecamatan": [[10], [20]],
}


def resolver(title, grid):
    if title not in DATA:
        raise RefError(f"Unresolved sheet name '{title}'.")
    rows = DATA[title]
    r0, r1 = grid.get("startRowIndex", 0), grid.get("endRowIndex", len(rows))
    c0, c1 = grid.get("startColumnIndex", 0), grid.get("endColumnIndex", 26)
    return [row[c0:c1] for row in rows[r0:r1]]


def ev(text):
    return evaluate(text, "Sheet1", resolver)


@pytest.mark.parametrize("text, want", [
    ("=1+2*3", 7), ("=(1+2)*3", 9), ("=-2^2", 4), ("=2^3^2", 64), ("=10/4", 2.5),
    ("=50%", 0.5), ('="a"&1&TRUE', "a1TRUE"), ("=1<2", True), ('="abc"="ABC"', True),
    ('=1<"a"', True), ("=3>=3", True), ("=1<>1", False),
    ("=SUM(A1:A3)", 9), ("=SUM(A:A)", 9), ("=sum(A1:C3)", 11), ("=SUM(A2:A)", 8), ("=SUM(2:3)", 8),
    ("=COUNT(A1:C3)", 4), ("=COUNTA(A1:C3)", 7), ("=AVERAGE(A1:A3)", 3), ("=MIN(A1:C3)", 1),
    ("=MAX(A:C)", 5), ("=MAX(B2)", 0),
    ('=IF(A1>0,"pos","neg")', "pos"), ("=IF(A1>5,1)", False), ("=IF(FALSE,1/0,2)", 2),
    ("=SUM('Rekap Kecamatan'!A1:A2)", 30), ("=Sheet1!A3*2", 10), ("=$A$1+$B1", 3),
    ("=B3+1", 8), ("=ROUND(2.5)", 3), ("=ROUND(-2.345,2)", -2.35), ("=ABS(-4)", 4),
    ("=AND(TRUE,1)", True), ("=OR(FALSE,0)", False), ("=NOT(A1)", False),
    ('=CONCATENATE(A1,"-",C1)', "1-x"), ('=LEN("abc")', 3), ('=IFERROR(1/0,"x")', "x"),
    ('=SUMIF(A1:A3,">2")', 8), ('=COUNTIF(A1:C3,"x")', 1), ('=COUNTIF(A1:A3,">=3")', 2),
    ("=ISBLANK(B2)", True), ("=A1:A3", 1),
    ('=SUMIFS(A1:A3,C1:C3,"x")', 1), ('=COUNTIFS(A1:A3,">1",B1:B3,"")', 1),
    ('=AVERAGEIF(A1:A3,">1")', 4), ("=VLOOKUP(3,A1:C3,3,FALSE)", True),
    ("=VLOOKUP(4,A1:B3,2)", None), ('=MATCH(5,A1:A3,0)', 3), ("=INDEX(A1:C3,3,2)", "7"),
    ("=SUM(INDEX(A1:C3,0,1))", 9), ('=LEFT("Cengkareng",4)', "Ceng"), ('=RIGHT("TPS 012",3)', "012"),
    ('=MID("31.73.01",4,2)', "73"), ('=VALUE("1,234")', 1234), ('=TEXT(0.125,"0.0%")', "12.5%"),
    ('=TEXT(45623,"yyyy-mm-dd")', "2024-11-27"), ("=PRODUCT(A1:A3)", 15), ("=ROWS(A1:C3)", 3),
    ("=YEAR(45623)", 2024), ("=MONTH(45623)", 11), ('=DAY("2024-11-27")', 27), ("=WEEKDAY(45623)", 4),
    ("=WEEKDAY(45623,2)", 3), ("=DATE(2024,11,27)", 45623), ("=DATE(2024,13,1)", 45658),
    ("=DATE(2024,3,0)", 45351),
])
def test_evaluates(text, want):
    got = ev(text)
    assert got == want and not isinstance(got, CellError)


@pytest.mark.parametrize("text, kind, shown", [
    ("=1/0", "DIVIDE_BY_ZERO", "#DIV/0!"),
    ("=FOO(1)", "NAME", "#NAME?"),
    ("=GOOGLEFINANCE(\"GOOG\")", "NAME", "#NAME?"),
    ("=foo", "NAME", "#NAME?"),
    ("=A1+C1", "VALUE", "#VALUE!"),
    ("=Nope!A1", "REF", "#REF!"),
    ("=1+", "ERROR", "#ERROR!"),
    ('="abc', "ERROR", "#ERROR!"),
    ("=AVERAGE(C1)", "DIVIDE_BY_ZERO", "#DIV/0!"),
    ("=SUM()", "N_A", "#N/A"),
    ("=#REF!+1", "REF", "#REF!"),
    ("=VLOOKUP(9,A1:B3,2,FALSE)", "N_A", "#N/A"),
    ("=VLOOKUP(1,A1:B3,5,FALSE)", "REF", "#REF!"),
    ('=VALUE("abc")', "VALUE", "#VALUE!"),
    ("=SUM(A1,1/0)", "DIVIDE_BY_ZERO", "#DIV/0!"),
])
def test_errors(text, kind, shown):
    got = ev(text)
    assert isinstance(got, CellError)
    assert got.type == kind and got.text == shown


def test_messages_match_google_wording():
    assert ev("=1/0").message == "Function DIVIDE parameter 2 cannot be zero."
    assert ev("=FOO(1)").message == "Unknown function: 'FOO'."
    assert ev("=Nope!A1").message == "Unresolved sheet name 'Nope'."


def test_parse_range():
    assert parse_range("B2") == (1, 1, 2, 2)
    assert parse_range("B9:A1") == (0, 0, 9, 2)
    assert parse_range("A:C") == (None, 0, None, 3)
    assert parse_range("A2:A") == (1, 0, None, 1)
    assert parse_range("2:5") == (1, None, 5, None)


def test_normalize_keeps_strings_and_sheet_names():
    assert normalize('=if(a1>0,"ok sum(x)",b2)') == '=IF(A1>0,"ok sum(x)",B2)'
    assert normalize("='Rekap Kecamatan'!b2:b9") == "='Rekap Kecamatan'!B2:B9"
    assert normalize("=1+") == "=1+"


def _workbook():
    ss = Store().create("t", sheet_titles=["Input", "Rekap Kecamatan"])
    inp, rekap = ss.sheets
    for r, n in enumerate([10, 20, 30]):
        inp.set(r, 0, n)
    rekap.set(0, 0, None, "=SUM(Input!A1:A3)")
    rekap.set(1, 0, None, "=A1*2")          # depends on another formula
    rekap.set(2, 0, None, "=A4+1")          # circular pair
    rekap.set(3, 0, None, "=A3+1")
    rekap.set(4, 0, None, "=SUM(A:A)")      # includes itself: circular
    return ss, inp, rekap


def test_recalculate_chains_and_cycles():
    ss, inp, rekap = _workbook()
    recalculate(ss)
    assert rekap.get(0, 0) == 60
    assert rekap.get(1, 0) == 120
    for r in (2, 3, 4):
        got = rekap.get(r, 0)
        assert isinstance(got, CellError) and got.type == "REF"
        assert "Circular dependency" in got.message
    inp.set(0, 0, 100)                       # dependencies follow on the next recalculation
    recalculate(ss)
    assert rekap.get(1, 0) == 2 * (100 + 20 + 30)
    assert rekap.formulas[(1, 0)] == "=A1*2"


def test_recalculate_ref_outside_grid_is_ref_error():
    ss = Store().create("t")
    sheet = ss.sheets[0]
    sheet.set(0, 0, None, "=A5000")
    recalculate(ss)
    assert sheet.get(0, 0).type == "REF"


def test_long_chain_does_not_overflow():
    ss = Store().create("t")
    sheet = ss.sheets[0]
    sheet.set(0, 0, 1)
    for r in range(1, 900):
        sheet.set(r, 0, None, f"=A{r}+1")
    recalculate(ss)
    assert sheet.get(899, 0) == 900


def test_shift_references_on_insert_and_delete():
    f = "=SUM(A1:A10)+B5+'Rekap Kecamatan'!C3+Sheet1!$D$7+A:A"
    assert shift_references(f, "Sheet1", "Sheet1", 0, 4, 2) == \
        "=SUM(A1:A12)+B7+'Rekap Kecamatan'!C3+Sheet1!$D$9+A:A"
    assert shift_references(f, "Sheet1", "Sheet1", 0, 4, -2, 6) == \
        "=SUM(A1:A8)+#REF!+'Rekap Kecamatan'!C3+Sheet1!$D$5+A:A"
    assert shift_references("=B2", "Other", "Sheet1", 0, 0, 5) == "=B2"
    assert shift_references("=Sheet1!B2", "Other", "Sheet1", 1, 0, 1) == "=Sheet1!C2"


def test_shift_relative_keeps_absolute_parts():
    assert shift_relative("=A1>$B$1", 3, 1) == "=B4>$B$1"
    assert shift_relative("=$A1", 2, 5) == "=$A3"


def test_named_ranges_resolve_in_formulas():
    ss = Store().create("t", sheet_titles=["Input"])
    sheet = ss.sheets[0]
    for r, n in enumerate([4, 5, 6]):
        sheet.set(r, 2, n)
    ss.named_ranges.append({"namedRangeId": "1", "name": "Suara",
                            "range": {"sheetId": 0, "startRowIndex": 0, "endRowIndex": 3,
                                      "startColumnIndex": 2, "endColumnIndex": 3}})
    sheet.set(5, 0, None, "=SUM(Suara)")
    sheet.set(6, 0, None, "=SUM(Tidak_Ada)")
    recalculate(ss)
    assert sheet.get(5, 0) == 15
    assert sheet.get(6, 0).text == "#NAME?"


def test_chain_pointing_down_is_evaluated_without_deep_recursion():
    ss = Store().create("t")
    sheet = ss.sheets[0]
    sheet.set(999, 0, 1)
    for r in range(998, -1, -1):           # A1 = A2 + 1, A2 = A3 + 1, ... A999 = A1000 + 1
        sheet.set(r, 0, None, f"=A{r + 2}+1")
    recalculate(ss)
    assert sheet.get(0, 0) == 1000 and sheet.get(998, 0) == 2


def test_formula_results_take_number_formats_as_in_google():
    from sheetsync.emulator.formulas.formats import number_format
    ss = Store().create("t", sheet_titles=["Input", "Rekap"])
    inp, rekap = ss.sheets
    inp.set(0, 0, 45623)
    inp.formats[(0, 0)] = {"numberFormat": {"type": "DATE", "pattern": "yyyy-mm-dd"}}
    inp.set(1, 0, 0.25)
    inp.formats[(1, 0)] = {"numberFormat": {"type": "PERCENT", "pattern": "0%"}}
    rekap.set(0, 0, None, "=Input!A1")
    rekap.set(1, 0, None, "=Input!A1+7")
    rekap.set(2, 0, None, "=DATE(2024,12,1)")
    rekap.set(3, 0, None, "=SUM(Input!A2:A2)")
    rekap.set(4, 0, None, "=A3-A1")            # date minus date: days
    rekap.set(5, 0, None, "=Input!A1*2")
    recalculate(ss)
    fmts = [number_format(rekap, r, 0) for r in range(6)]
    assert fmts[0] == fmts[1] == {"type": "DATE", "pattern": "yyyy-mm-dd"}
    assert fmts[2] == {"type": "DATE", "pattern": "M/d/yyyy"}
    assert fmts[3] == {"type": "PERCENT", "pattern": "0%"}
    assert fmts[4] is None and fmts[5] is None
    assert rekap.get(4, 0) == 4


def test_today_and_now_are_dates_in_utc():
    from datetime import datetime, timezone

    from sheetsync.emulator.cellvalues import date_to_serial, render
    from sheetsync.emulator.formulas.formats import number_format
    ss = Store().create("t")
    sheet = ss.sheets[0]
    sheet.set(0, 0, None, "=TODAY()")
    sheet.set(1, 0, None, "=NOW()-TODAY()")
    recalculate(ss)
    today = datetime.now(timezone.utc).date()
    assert sheet.get(0, 0) == int(date_to_serial(today))
    assert 0 <= sheet.get(1, 0) < 1
    assert render(sheet.get(0, 0), None, "FORMATTED_VALUE", number_format(sheet, 0, 0)) == \
        f"{today.month}/{today.day}/{today.year}"
