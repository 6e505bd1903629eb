"""Property: a batch with one bad request leaves every byte of the workbook as it was,
whatever valid requests ran before it (the copy-on-write transaction never leaks)."""
from __future__ import annotations

import copy

from hypothesis import event, example, given, settings
from hypothesis import strategies as st

from sheetsync.emulator.batch import requests as br
from sheetsync.emulator.model import ApiError, Store

ROWS = st.integers(0, 7)


def _grid(r0, r1, c0=0, c1=3):
    return {"sheetId": 0, "startRowIndex": min(r0, r1), "endRowIndex": max(r0, r1) + 1,
            "startColumnIndex": c0, "endColumnIndex": c1}


VALID = st.one_of(
    st.builds(lambda a, b: {"insertDimension": {"range": {"sheetId": 0, "dimension": "ROWS",
                                                          "startIndex": a, "endIndex": a + b}}},
              ROWS, st.integers(1, 3)),
    st.builds(lambda a: {"deleteDimension": {"range": {"sheetId": 0, "dimension": "ROWS",
                                                       "startIndex": a, "endIndex": a + 1}}}, ROWS),
    st.builds(lambda a: {"deleteDimension": {"range": {"sheetId": 0, "dimension": "COLUMNS",
                                                       "startIndex": a, "endIndex": a + 1}}}, st.integers(0, 3)),
    st.builds(lambda a, b: {"sortRange": {"range": _grid(a, b), "sortSpecs": [{"dimensionIndex": 1}]}}, ROWS, ROWS),
    st.builds(lambda a, b: {"sortRange": {"range": _grid(a, b, 0, 26), "sortSpecs": [{"dimensionIndex": 0}]}}, ROWS, ROWS),
    st.builds(lambda a, v: {"updateCells": {"start": {"sheetId": 0, "rowIndex": a, "columnIndex": 1},
                                            "rows": [{"values": [{"userEnteredValue": {"numberValue": v}}]}],
                                            "fields": "userEnteredValue"}}, ROWS, st.integers(-5, 5)),
    st.builds(lambda a, b: {"repeatCell": {"range": _grid(a, b), "cell": {"userEnteredFormat": {"textFormat": {"bold": True}}},
                                           "fields": "userEnteredFormat.textFormat"}}, ROWS, ROWS),
    st.builds(lambda a, b: {"mergeCells": {"range": _grid(a, b, 0, 2)}}, ROWS, ROWS),
    st.builds(lambda a: {"copyPaste": {"source": _grid(a, a), "destination": _grid(a + 2, a + 2)}}, ROWS),
    st.builds(lambda a: {"cutPaste": {"source": _grid(a, a), "destination": {"sheetId": 0, "rowIndex": a + 3}}}, ROWS),
    st.builds(lambda a, b: {"deleteRange": {"range": _grid(a, b, 0, 2), "shiftDimension": "ROWS"}}, ROWS, ROWS),
    st.builds(lambda a: {"deleteRange": {"range": _grid(a, a, 0, 1), "shiftDimension": "COLUMNS"}}, ROWS),
    st.just({"findReplace": {"find": "kel1", "replacement": "kel9", "allSheets": True}}),
    st.builds(lambda a, d: {"moveDimension": {"source": {"sheetId": 0, "dimension": "ROWS", "startIndex": a,
                                                         "endIndex": a + 1}, "destinationIndex": d}}, ROWS, ROWS),
    st.builds(lambda a, d: {"moveDimension": {"source": {"sheetId": 0, "dimension": "COLUMNS", "startIndex": a,
                                                         "endIndex": a + 1}, "destinationIndex": d}},
              st.integers(0, 2), st.integers(0, 3)),
    st.builds(lambda a, b: {"insertRange": {"range": _grid(a, b, 0, 1), "shiftDimension": "ROWS"}}, ROWS, ROWS),
    st.builds(lambda a: {"insertRange": {"range": _grid(a, a, 1, 2), "shiftDimension": "COLUMNS"}}, ROWS),
    st.builds(lambda a, b: {"deleteDuplicates": {"range": _grid(a, b, 0, 1)}}, ROWS, ROWS),
    st.just({"trimWhitespace": {"range": {"sheetId": 0}}}),
    st.just({"updateSheetProperties": {"properties": {"sheetId": 0, "title": "Baru",
                                                      "gridProperties": {"frozenRowCount": 1, "columnCount": 20}},
                                       "fields": "title,gridProperties(frozenRowCount,columnCount)"}}),
    st.just({"addSheet": {"properties": {"title": "Tambahan"}}}),
    st.just({"duplicateSheet": {"sourceSheetId": 0}}),
    st.just({"addProtectedRange": {"protectedRange": {"range": {"sheetId": 0, "startRowIndex": 1, "endRowIndex": 3}}}}),
    st.just({"addConditionalFormatRule": {"rule": {"ranges": [_grid(0, 5)], "booleanRule": {
        "condition": {"type": "NUMBER_GREATER", "values": [{"userEnteredValue": "1"}]},
        "format": {"backgroundColor": {"red": 1}}}}}}),
)
INVALID = st.sampled_from([
    {"deleteSheet": {"sheetId": 424242}},
    {"addSheet": {"properties": {"title": "lain"}}},
    {"repeatCell": {"range": {"sheetId": 0, "startRowIndex": 5000, "endRowIndex": 5001}, "cell": {}, "fields": "note"}},
    {"noSuchRequest": {}},
])


def _workbook():
    ss = Store().create("t", sheet_titles=["Input"])
    sheet = ss.sheets[0]
    for r in range(8):
        sheet.set(r, 0, f"kel{r % 3}")
        sheet.set(r, 1, (r * 7) % 5)
    sheet.set(8, 1, None, "=SUM(B1:B8)")
    sheet.formats[(0, 0)] = {"textFormat": {"italic": True}}
    sheet.merges.append(_grid(9, 9, 0, 2))
    return ss


def _values(sheet):
    """Cell values without representation details (trailing empties)."""
    rows = [list(r) for r in sheet.values]
    for r in rows:
        while r and r[-1] is None:
            r.pop()
    while rows and not rows[-1]:
        rows.pop()
    return rows


def _state(ss):
    return copy.deepcopy((ss.properties, ss.named_ranges, [
        (s.properties, _values(s), s.formulas, s.formats, s.notes, s.validations, s.merges,
         s.conditional_formats, s.protected_ranges, s.row_meta, s.col_meta) for s in ss.sheets]))


@settings(max_examples=60, deadline=None)
@given(st.lists(VALID, max_size=5), INVALID, st.lists(VALID, max_size=2))
def test_bad_request_applies_nothing(before, bad, after):
    ss = _workbook()
    br.apply(ss, {"requests": [{"addSheet": {"properties": {"title": "Lain"}}}]})  # live state after one batch
    snapshot = _state(ss)
    try:
        br.apply(ss, {"requests": before + [bad] + after})
    except ApiError as err:
        assert err.code == 400
    else:  # pragma: no cover - the bad request must always fail
        raise AssertionError("batch with a bad request succeeded")
    assert _state(ss) == snapshot


# Found by hypothesis: within one batch a request must see formula cells as they are after
# the requests before it (a sort by a formula column, deleteDuplicates over a formula row).
_SHIFTED = {"deleteRange": {"range": _grid(0, 1, 0, 2), "shiftDimension": "ROWS"}}


@settings(max_examples=60, deadline=None)
@given(st.lists(VALID, min_size=1, max_size=6))
@example([_SHIFTED, {"cutPaste": {"source": _grid(0, 0), "destination": {"sheetId": 0, "rowIndex": 3}}},
          {"sortRange": {"range": _grid(0, 6), "sortSpecs": [{"dimensionIndex": 1}]}}])
@example([_SHIFTED, {"repeatCell": {"range": _grid(0, 6), "cell": {"userEnteredFormat": {"textFormat": {"bold": True}}},
                                    "fields": "userEnteredFormat.textFormat"}},
          {"deleteDuplicates": {"range": _grid(0, 6, 0, 1)}}])
def test_one_batch_equals_one_request_at_a_time(requests):
    import random
    one, many = _workbook(), _workbook()
    random.seed(7)
    try:
        br.apply(one, {"requests": requests})
    except ApiError:
        event("invalid sequence")
        return  # some generated sequence is invalid as a whole; nothing to compare
    random.seed(7)
    for req in requests:
        br.apply(many, {"requests": [req]})
    assert _state(one) == _state(many)
