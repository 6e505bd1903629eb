"""The sync plan on small hand-made grids: which cells a sync writes, with what, and in which
rectangles, worked out by hand from what the sheet holds and what is wanted."""

from __future__ import annotations

from decimal import Decimal

import numpy as np
import pytest

from sheetsync.sync.plan import (CellChange, CellTarget, ColumnTarget, Desired, GridTarget, Plan, batch_cells,
                                 make_plan, raw_value, same_value, sheet_value)


def change(tab: str, cell: str, row: int, col: int, old: object, new: object, key: str | None = None) -> CellChange:
    return CellChange(tab, f"'{tab}'!{cell}", old, new, key, row, col)


def test_status_column_writes_only_what_differs_and_stops_at_nothing() -> None:
    # B2 already OK, B3 holds 5, row 4 has no Status cell, rows 5 and 6 are past the grid
    current = {"TPS": [["Kec", "Status"], ["a", "OK"], ["b", 5], ["c"]]}
    wanted = ColumnTarget("TPS", col=2, first_row=2, values=["OK", 5, None, np.int64(3), "SALAH"],
                          row_keys=["k2", "k3", "k4", "k5", "k6"])
    plan = make_plan(current, Desired(columns=[wanted]))
    assert plan.changes == [change("TPS", "B5", 5, 2, "", 3, "k5"), change("TPS", "B6", 6, 2, "", "SALAH", "k6")]
    assert type(plan.changes[0].new) is int


def test_a_tab_not_read_yet_is_blank() -> None:
    desired = Desired(columns=[ColumnTarget("Baru", 1, 1, ["x"], [None])], grids=[GridTarget("Grid", 1, 1, [[1]])],
                      cells=[CellTarget("Sel", 2, 2, "y", "k")])
    assert make_plan({}, desired).changes == [
        change("Baru", "A1", 1, 1, "", "x"), change("Grid", "A1", 1, 1, "", 1), change("Sel", "B2", 2, 2, "", "y", "k")]


def test_single_cells_read_what_the_grid_holds() -> None:
    current = {"T": [["a", "b"], ["c"]]}
    cells = [CellTarget("T", 1, 2, "b"), CellTarget("T", 2, 1, "C", "k"), CellTarget("T", 2, 2, "d"),
             CellTarget("T", 3, 1, "e")]
    assert make_plan(current, Desired(cells=cells)).changes == [
        change("T", "A2", 2, 1, "c", "C", "k"), change("T", "B2", 2, 2, "", "d"), change("T", "A3", 3, 1, "", "e")]


def test_summary_grid_from_column_b_clears_what_is_left_below_and_keeps_its_cell() -> None:
    current = {"R": [["stamp", "x"],
                     ["", "Kode", "TPS"],
                     ["", "31.73.01", 4, 7],
                     ["", "31.73.05"]]}
    wanted = GridTarget("R", row=1, col=2, keep=frozenset({(1, 1)}), values=[
        ["y"],
        ["Kode", "TPS"],
        ["31.73.01", 4],
        ["31.73.05", 2, "z"],
        ["TOTAL", 6]])
    assert make_plan(current, Desired(grids=[wanted])).changes == [
        change("R", "B1", 1, 2, "x", "y"),
        change("R", "D3", 3, 4, 7, ""),
        change("R", "C4", 4, 3, "", 2), change("R", "D4", 4, 4, "", "z"),
        change("R", "B5", 5, 2, "", "TOTAL"), change("R", "C5", 5, 3, "", 6)]


def test_a_count_over_a_checkbox_and_a_checkbox_over_a_count_are_changes() -> None:
    current = {"R": [[True, 1, 4]]}
    assert make_plan(current, Desired(grids=[GridTarget("R", 1, 1, [[1, True, 4.0]])])).changes == [
        change("R", "A1", 1, 1, True, 1), change("R", "B1", 1, 2, 1, True)]


def test_batches_are_rectangles_of_changed_cells_in_sheet_order() -> None:
    # given out of order; values sort otherwise than their cells, so only the cells may order them
    cells = [("T", 2, 6, "a2"), ("T", 2, 5, "z2"), ("T", 3, 5, "z3"), ("T", 3, 6, "a3"),
             ("T", 1, 1, "z"), ("T", 4, 3, "a"), ("T", 4, 1, "b"), ("A", 9, 9, 1)]
    assert batch_cells(cells) == [("'A'!I9", [[1]]), ("'T'!A1", [["z"]]), ("'T'!E2:F3", [["z2", "a2"], ["z3", "a3"]]),
                                  ("'T'!A4", [["b"]]), ("'T'!C4", [["a"]])]


def test_plan_by_tab_and_without_rows() -> None:
    a, b, c = change("T", "A1", 1, 1, "", 1), change("T", "A2", 2, 1, "", 2), change("U", "A1", 1, 1, "", 3)
    plan = Plan([a, b, c])
    assert plan.by_tab("T") == [a, b] and plan.without({("T", 2)}).changes == [a, c]


@pytest.mark.parametrize(("shown", "wanted", "same"), [
    ("FALSE", False, True), ("TRUE", False, False), (True, "TRUE", True), (False, "FALSE", True),
    (5.0, "5", True), (2.5, "2.5", True), (0.1 + 0.2, 0.3, True),
    (1e6 + 1e-4, 1e6, False),                 # past the last-bit tolerance
    (1e-13, 0.0, True),
    ("5", float("inf"), False), ("5", 5.04, False), ("5.0", 5.04, True),
    ("1.5E3", 1500, True), ("1.5E3", 1500.004, True), ("1.5E3", 1501, False),
    ("12.5%", 0.1254, True), ("12.5%", 0.13, False), ("1,234", 1234, True),
    ("12 suara", 12, False),                  # text that starts with a number is text
])
def test_same_value_as_the_cell_shows_it(shown: object, wanted: object, same: bool) -> None:
    assert same_value(shown, wanted) is same


@pytest.mark.parametrize(("text", "value"), [
    ("120", 120), ("0", 0), ("-5", -5), ("80.35", 80.35), ("0.5", 0.5),
    ("0812", "0812"), ("012", "012"), ("1e3", "1e3"), ("1.234,5", "1.234,5"), ("", ""),
])
def test_raw_value_writes_plain_numbers_as_numbers(text: str, value: object) -> None:
    assert raw_value(text) == value and type(raw_value(text)) is type(value)


def test_sheet_value_of_other_number_types() -> None:
    assert sheet_value(Decimal("1.5")) == "1.5" and sheet_value(Decimal("NaN")) == ""
