"""Number formats of formula results: a formula cell without its
own number format shows its result the way Google appears to (=A1 of a date is a
date, =DATE(...) too, =A1+7 keeps A1's format, a date minus a date is a number)."""
from __future__ import annotations

from typing import Any

from sheetsync.emulator.formulas.syntax import ParseError, parse
from sheetsync.emulator.formulas.evaluate import WorkbookEvaluator
from sheetsync.emulator.locales import locale_of

_DATE_RESULT = {"DATE": "DATE", "TODAY": "DATE", "NOW": "DATE_TIME"}  # in the locale's default pattern
_PASS_THROUGH = {"SUM", "MIN", "MAX", "AVERAGE", "IF", "IFERROR", "ROUND", "ROUNDUP",
                 "ROUNDDOWN", "ABS", "INDEX", "VLOOKUP", "SUMIF", "SUMIFS"}


def number_format(sheet: Any, r: int, c: int) -> dict | None:
    """The number format a cell displays with: its own (userEnteredFormat.numberFormat),
    else the one Google gives a formula from what it refers to (=A1 of a date is a
    date, =DATE(...) is a date, =A1+7 keeps A1's format)."""
    fmt = sheet.formats.get((r, c))
    if fmt and fmt.get("numberFormat"):
        return fmt["numberFormat"]
    return getattr(sheet, "formula_formats", {}).get((r, c))


def infer_formats(ss: Any, ev: WorkbookEvaluator) -> None:
    for sheet in ss.sheets:
        inferred: dict[tuple[int, int], dict] = {}
        sheet.formula_formats = inferred  # replaced, never mutated: batch copies share it
        for (r, c) in ev.formula_cells(sheet):
            own = sheet.formats.get((r, c))
            if own and own.get("numberFormat"):
                continue
            try:
                fmt = _format_of(parse(sheet.formulas[(r, c)]), sheet.title, ss)
            except (ParseError, RecursionError):
                fmt = None
            if fmt:
                inferred[(r, c)] = fmt


def _format_of(node: tuple, title: str, ss: Any) -> dict | None:
    kind = node[0]
    if kind == "ref":
        target = ss.sheet_by_title(node[1] if node[1] is not None else title)
        return None if target is None else number_format(target, node[2] or 0, node[3] or 0)
    if kind == "neg":
        return _format_of(node[1], title, ss)
    if kind == "bin" and node[1] in ("+", "-"):
        left, right = _format_of(node[2], title, ss), _format_of(node[3], title, ss)
        dates = ("DATE", "DATE_TIME")
        if node[1] == "-" and left and right and left.get("type") in dates and right.get("type") in dates:
            return None  # a date minus a date is a number of days
        return left or right
    if kind == "func":
        name, args = node[1], node[2]
        if name in _DATE_RESULT:
            kind = _DATE_RESULT[name]
            return {"type": kind, "pattern": locale_of(ss).default_pattern(kind)}
        if name in _PASS_THROUGH:
            for arg in args[1:] if name == "IF" else args:
                fmt = _format_of(arg, title, ss)
                if fmt:
                    return fmt
    return None
