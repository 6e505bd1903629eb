"""plan.py: minimal cell changes and their batching."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from sheetsync.sync.plan import (CellChange, CellTarget, ColumnTarget, Desired, GridTarget, Plan,
                            batch_cells, make_plan, same_value, sheet_value)


def test_same_value_reads_cells_as_shown():
    assert same_value("105000", 105000)
    assert same_value("33.3333333333", 100 / 3)          # general format, 10 decimals
    assert same_value("45.7", 45.7)
    assert not same_value("46", 45.7)
    assert not same_value("45.7", 45.8)
    assert same_value("50%", 0.5)
    assert same_value("1,234", 1234)
    assert same_value("", None) and same_value("", "") and same_value(None, float("nan"))
    assert not same_value("OK", "PERIKSA")
    assert not same_value("x", 3)
    assert same_value("TRUE", True) and not same_value("FALSE", True)
    assert same_value("7", np.int64(7)) and same_value("", pd.NA)
    assert not same_value("12", "012")                   # text is text
    assert same_value(80.35, 80.35) and same_value(1234, 1234.0) and not same_value(1234, 1235)
    assert not same_value(0, "")


def test_same_value_reads_shown_numbers_in_every_form_the_sheet_shows():
    # a signed, exponent or trailing-dot number shown as text is still that number
    assert same_value("+5", 5) and same_value("5.", 5) and same_value(".5", 0.5)
    assert same_value("1.23E+05", 123000) and same_value("1e5", 100000.0)
    assert not same_value("1e5", 200000) and not same_value("+5", 6)


def test_sheet_value_makes_json_safe_values():
    assert sheet_value(np.int64(3)) == 3 and type(sheet_value(np.int64(3))) is int
    assert sheet_value(np.float64(1.5)) == 1.5
    assert sheet_value(pd.NA) == "" and sheet_value(None) == "" and sheet_value(math.nan) == ""


def test_column_target_only_changed_cells_with_keys():
    current = {"Input": [["kec", "Status"], ["a", "OK"], ["b", "SALAH"], ["c"]]}
    col = ColumnTarget("Input", 2, 2, ["OK", "OK", "PERIKSA", ""], ["k1", "k2", "k3", None])
    plan = make_plan(current, Desired(columns=[col]))
    assert [(c.a1, c.old, c.new, c.row_key) for c in plan.changes] == [
        ("'Input'!B3", "SALAH", "OK", "k2"), ("'Input'!B4", "", "PERIKSA", "k3")]


def test_grid_target_clears_leftover_rows_and_keeps_the_last_synced_cell():
    current = {"Rekap": [["Terakhir: kemarin"], [], ["Kec", "TPS"], ["A", 3], ["B", 4], ["C", 5]]}
    grid = GridTarget("Rekap", 3, 1, [["Kec", "TPS"], ["A", 3], ["B", 9]], keep=frozenset({(1, 1)}))
    plan = make_plan(current, Desired(grids=[grid]))
    assert {(c.a1, c.new) for c in plan.changes} == {
        ("'Rekap'!B5", 9), ("'Rekap'!A6", ""), ("'Rekap'!B6", "")}


def test_summary_numbers_compare_as_values_and_text_numbers_are_written_back_as_numbers():
    # read unformatted: 80.35 is 80.35 whatever the cell shows ("80,35" in id_ID, "80.35 %")
    current = {"Rekap": [["Kec", "%", "TPS"], ["A", 80.35, 1234], ["B", "7", "1.234"]]}
    grid = GridTarget("Rekap", 1, 1, [["Kec", "%", "TPS"], ["A", 80.35, 1234], ["B", 7, 1234]])
    plan = make_plan(current, Desired(grids=[grid]))
    assert {(c.a1, c.new) for c in plan.changes} == {("'Rekap'!B3", 7), ("'Rekap'!C3", 1234)}


def test_cell_target_and_nothing_changed_means_empty_plan():
    current = {"Rekap": [["x"]]}
    assert len(make_plan(current, Desired(cells=[CellTarget("Rekap", 1, 1, "x")]))) == 0
    plan = make_plan(current, Desired(cells=[CellTarget("Rekap", 1, 1, "y")]))
    assert plan.changes == [CellChange("Rekap", "'Rekap'!A1", "x", "y", None, 1, 1)]


def test_batches_are_rectangles_of_changed_cells_only():
    cells = [("T", 2, 5, "a"), ("T", 2, 6, "b"), ("T", 3, 5, "c"), ("T", 3, 6, "d"),
             ("T", 4, 5, "e"), ("T", 9, 6, "z"), ("U", 1, 1, 1)]
    assert batch_cells(cells) == [
        ("'T'!E2:F3", [["a", "b"], ["c", "d"]]), ("'T'!E4", [["e"]]), ("'T'!F9", [["z"]]),
        ("'U'!A1", [[1]])]


def test_changed_cell_derives_row_and_col_from_a1():
    c = CellChange("Rekap Kota", "'Rekap Kota'!AB12", "", 1, None)
    assert (c.row, c.col) == (12, 28)


@settings(max_examples=200, deadline=None)
@given(st.sets(st.tuples(st.integers(1, 12), st.integers(1, 6)), max_size=40))
def test_batches_cover_exactly_the_changed_cells(positions):
    plan = Plan([CellChange("T", "'T'!A1", "", f"{r}:{c}", None, r, c) for r, c in positions])
    covered = {}
    from sheetsync.core import a1
    for rng, values in plan.batches():
        _, ref = a1.split_range(rng)
        top, left = a1.parse_cell(ref.split(":")[0])
        for i, line in enumerate(values):
            for j, v in enumerate(line):
                assert (top + i, left + j) not in covered
                covered[(top + i, left + j)] = v
    assert covered == {(r, c): f"{r}:{c}" for r, c in positions}
