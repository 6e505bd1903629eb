"""Workbook recalculation: every formula cell evaluated into the sheet's values, then the
number formats their results show with."""
from __future__ import annotations

from typing import Any

from sheetsync.emulator.cell_errors import CellError
from sheetsync.emulator.formulas.formats import infer_formats
from sheetsync.emulator.formulas.evaluate import WorkbookEvaluator
from sheetsync.emulator.locales import EVALUATING


def _evaluate_until_too_deep(ev: WorkbookEvaluator, order: list) -> int | None:
    """Evaluate cells in order; the index of the first one too deep to finish, or None."""
    for i, (sheet, (r, c)) in enumerate(order):
        try:
            ev.cell(sheet, r, c)
        except RecursionError:
            return i
    return None


def recalculate(spreadsheet: Any) -> None:
    """Re-evaluate every formula cell of the workbook into `sheet.values`.

    Cells are evaluated in row order, which keeps the recursion shallow for
    chains that point up or left. A chain pointing the other way can exceed
    Python's recursion limit; such cells are retried bottom-up, where every
    link finds its predecessor already in the memo. The recursion limit itself
    is never raised (deep C stacks in server threads are not safe).
    """
    if not spreadsheet.has_formulas():
        return
    token = EVALUATING.set(spreadsheet)
    try:
        _recalculate(spreadsheet)
    finally:
        EVALUATING.reset(token)


def _recalculate(spreadsheet: Any) -> None:
    ev = WorkbookEvaluator(spreadsheet)
    order = [(sheet, key) for sheet in spreadsheet.sheets for key in ev.formula_cells(sheet)]
    for _ in range(8):
        stuck = _evaluate_until_too_deep(ev, order)
        if stuck is None:
            break
        # the other direction from here on: a chain resolves from its far end
        order = [x for x in order[stuck:] if (x[0].sheet_id, *x[1]) not in ev.memo][::-1]
    for sheet in spreadsheet.sheets:
        for (r, c) in ev.formula_cells(sheet):
            ev.memo.setdefault((sheet.sheet_id, r, c), CellError(
                "ERROR", "Formula chain too deep to evaluate in the emulator."))
    for sheet in spreadsheet.sheets:
        for (r, c) in ev.formula_cells(sheet):
            sheet.set(r, c, ev.memo[(sheet.sheet_id, r, c)], sheet.formulas[(r, c)])
    infer_formats(spreadsheet, ev)
