"""Cells as volunteers type them: one test per kind of messy cell."""

import numpy as np
import pytest

from sheetsync.core.cells import (
    P_BAD_TPS, P_BAD_YESNO, P_BLANK, P_NEGATIVE, P_NOT_INTEGER, P_OK, PROBLEMS,
    parse_int, parse_int_column, parse_text_column, parse_tps, parse_tps_column, parse_yesno,
    parse_yesno_column,
)


@pytest.mark.parametrize("typed, expected", [
    ("1.234", 1234), ("12.345.678", 12345678), (" 12 ", 12), ("12", 12), ("007", 7), ("0", 0),
    (12, 12), (12.0, 12), ("\u00a012\u00a0", 12),
])
def test_integers_accepted(typed, expected):
    assert parse_int(typed) == (expected, P_OK)


@pytest.mark.parametrize("typed", ["1,5", "12a", "½", "1.23", "1.2345", "12.0", 12.5, "1e3", "٣", "12 3",
                                   float("inf"), "1" * 16, 1e20, 10 ** 30])
def test_not_integers(typed):
    assert parse_int(typed) == (None, P_NOT_INTEGER)


@pytest.mark.parametrize("typed", ["-3", " -3 ", -3, -3.0, "−3", "-1.234"])
def test_negative_numbers(typed):
    assert parse_int(typed) == (None, P_NEGATIVE)


@pytest.mark.parametrize("typed", [None, "", "   ", "\t", float("nan")])
def test_blank_is_not_zero(typed):
    assert parse_int(typed) == (None, P_BLANK)


def test_int_column_matches_scalar_parser_and_keeps_rows_aligned():
    cells = np.array(["1.234", " 12 ", "1,5", None, "", 12.0, 12.5, "-3", "12a", 7, "1.234"], dtype=object)
    parsed = parse_int_column(cells)
    assert [None if v is None or v is np.nan or str(v) == "<NA>" else int(v) for v in parsed.values] == [
        1234, 12, None, None, None, 12, None, None, None, 7, 1234]
    assert [PROBLEMS[p] for p in parsed.problem] == [
        "", "", "not_integer", "blank", "blank", "", "not_integer", "negative_number", "not_integer", "", ""]
    assert parsed.blank.tolist() == [False, False, False, True, True, False, False, False, False, False, False]
    assert str(parsed.values.dtype) == "Int64"


@pytest.mark.parametrize("typed", ["7", "07", "007", "TPS 7", "tps 007", "TPS.7", "TPS-07", 7, 7.0, "No. 7"])
def test_tps_numbers_are_the_same_tps(typed):
    assert parse_tps(typed) == (7, P_OK)


def test_special_tps_number_is_valid():
    assert parse_tps("901") == (901, P_OK)
    assert parse_tps("TPS 901") == (901, P_OK)


@pytest.mark.parametrize("typed", ["x", "TPS", "0", "TPS 0", 7.5, "7a", "-7", "12345"])
def test_bad_tps_numbers(typed):
    assert parse_tps(typed) == (None, P_BAD_TPS)


def test_tps_column():
    parsed = parse_tps_column(np.array(["TPS 7", "007", None, "abc"], dtype=object))
    assert parsed.values[0] == 7 and parsed.values[1] == 7
    assert [PROBLEMS[p] for p in parsed.problem] == ["", "", "blank", "bad_tps_number"]


@pytest.mark.parametrize("typed, expected", [
    ("ya", True), ("Ya", True), (" YA ", True), ("sudah", True), ("y", True), (True, True),
    ("tidak", False), ("Tdk", False), ("belum", False), ("no", False), (False, False),
])
def test_yesno(typed, expected):
    assert parse_yesno(typed) == (expected, P_OK)


def test_yesno_bad_and_column():
    assert parse_yesno("mungkin") == (None, P_BAD_YESNO)
    parsed = parse_yesno_column(np.array(["ya", "tidak", None, "??"], dtype=object))
    assert [PROBLEMS[p] for p in parsed.problem] == ["", "", "blank", "bad_yesno"]
    assert bool(parsed.values[0]) is True and bool(parsed.values[1]) is False


def test_text_blank_detection_keeps_text_as_typed():
    cells = np.array(["Jl. Kapuk", "", None, "   ", "=1+1", 5, "\u00a0\t"], dtype=object)
    parsed = parse_text_column(cells, exact=True)
    assert parsed.blank.tolist() == [False, True, True, True, False, False, True]
    assert parsed.values[0] == "Jl. Kapuk"
    # the fast path (used for every row) only knows None and ""; check() rechecks where it matters
    assert parse_text_column(cells).blank.tolist() == [False, True, True, False, False, False, False]


def test_int_block_equals_column_by_column():
    from sheetsync.core.cells import parse_int_block
    block = np.array([["1.234", "", "7"], [None, "12a", 7.0], ["-3", "0", " 9 "], [12.5, None, "1,5"]], dtype=object)
    together = parse_int_block(block)
    for j in range(block.shape[1]):
        alone = parse_int_column(np.ascontiguousarray(block[:, j]))
        assert together[j].problem.tolist() == alone.problem.tolist()
        assert together[j].values.tolist() == alone.values.tolist()
    assert together[0].values[0] == 1234 and together[2].values[1] == 7


@pytest.mark.parametrize("chunk_rows", [1, 3, 7, 8_192])
def test_int_columns_in_chunks_equal_one_block(monkeypatch, chunk_rows):
    # values equal across types (1, 1.0, True) and across chunks must get one number, as in one factorisation
    from sheetsync.core import cells
    from sheetsync.core.cells import parse_int_block, parse_int_columns
    monkeypatch.setattr(cells, "CHUNK_ROWS", chunk_rows)
    kinds = np.array(["1", "2", "1.234", "", None, 7, 7.0, True, 1, 1.0, "12a", "-3", float("nan"), " 9 ", "007", 0,
                      False, "x"], dtype=object)
    grid = kinds[np.random.default_rng(1).integers(0, len(kinds), size=(200, 6))]
    together = parse_int_block(np.ascontiguousarray(grid[:, [1, 2, 4]]))
    chunked = parse_int_columns(grid, [1, 2, 4])
    for a, b in zip(together, chunked, strict=True):
        assert a.problem.tolist() == b.problem.tolist()
        assert a.values.tolist() == b.values.tolist()
