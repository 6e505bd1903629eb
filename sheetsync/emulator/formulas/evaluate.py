"""Formula evaluation: a formula's AST evaluated against the cells it refers to.

Supported: arithmetic (+ - * / ^ unary minus, %), & and comparisons; numbers,
strings, TRUE/FALSE, error literals; references A1, $A$1, A1:B9, A:A, A2:A,
2:5 on the same or another tab ('Rekap Kecamatan'!B2:B9, Sheet1!A1); named ranges;
the functions in ``formula_functions.FUNCTIONS`` (see docs/emulator-formulas.md).
Anything else evaluates to Google's error values (#NAME?, #REF!, ...).

Evaluation is pure: `evaluate(text, sheet_title, resolver)` reads cells
through `resolver(sheet_title, grid_range) -> 2D list of effective values`.
``WorkbookEvaluator`` evaluates the formula cells of one workbook with a memo, so a
chain of formulas costs one evaluation per cell (``recalc.recalculate`` drives it).
"""
from __future__ import annotations

from bisect import bisect_left
from typing import Any, Callable

from sheetsync.emulator.cell_errors import CellError
from sheetsync.emulator.formulas.functions import FUNCTIONS, LAZY
from sheetsync.emulator.formulas.syntax import ParseError, parse
from sheetsync.emulator.formulas.values import Bail, Rng, binary, to_number

Resolver = Callable[[str | None, dict], list[list[Any]]]


class RefError(LookupError):
    """Raised by a resolver for an unknown tab or a range outside the grid."""


PARSE_ERROR = CellError("ERROR", "Formula parse error.")
CIRCULAR = CellError(
    "REF", "Circular dependency detected. To resolve with iterative calculation, see File > Settings.")


Names = Callable[[str], "tuple[str, dict] | None"]


class _Ctx:
    def __init__(self, sheet_title: str | None, resolver: Resolver, names: Names | None):
        self.sheet, self.resolver, self.names = sheet_title, resolver, names


def evaluate(formula: str, sheet_title: str | None, resolver: Resolver,
             names: Names | None = None) -> Any:
    """Evaluate formula text on tab `sheet_title`; returns an effective value or CellError.

    `names(name) -> (sheet_title, grid_range) | None` resolves named ranges.
    """
    try:
        ast = parse(formula)
    except ParseError:
        return PARSE_ERROR
    try:
        result = _eval(ast, _Ctx(sheet_title, resolver, names))
        if isinstance(result, Rng):
            result = result.top_left()
        if isinstance(result, float) and (result != result or result in (float("inf"), float("-inf"))):
            return CellError("NUM", "Result was not a number.")
        return result
    except Bail as bail:
        return bail.error


def _eval(node: tuple, ctx: _Ctx) -> Any:
    kind = node[0]
    if kind == "lit":
        if isinstance(node[1], CellError):
            raise Bail(node[1])
        return node[1]
    if kind == "ref":
        return _resolve(node, ctx)
    if kind == "bin":
        return binary(node[1], _scalar(_eval(node[2], ctx)), _scalar(_eval(node[3], ctx)))
    if kind == "neg":
        return -to_number(_scalar(_eval(node[1], ctx)), "UMINUS")
    if kind == "pct":
        return to_number(_scalar(_eval(node[1], ctx)), "UNARY_PERCENT") / 100
    if kind == "func":
        return _call(node[1], node[2], ctx)
    if kind == "name":
        found = ctx.names(node[1]) if ctx.names else None
        if found is None:
            raise Bail(CellError("NAME", f"Unknown range name: '{node[1].upper()}'."))
        title, grid = found
        g = [grid.get(k) for k in ("startRowIndex", "startColumnIndex", "endRowIndex", "endColumnIndex")]
        return _resolve(("ref", title, *g), ctx)
    raise Bail(PARSE_ERROR)


def _scalar(v: Any) -> Any:
    if isinstance(v, Rng):
        if v.height == 1 and v.width == 1:
            v = v.rows[0][0] if v.rows and v.rows[0] else None
        else:
            raise Bail(CellError("VALUE", "An array value could not be found."))
    if isinstance(v, CellError):
        raise Bail(v)
    return v


def _resolve(node: tuple, ctx: _Ctx) -> Rng:
    _, sheet, r0, c0, r1, c1 = node
    grid: dict[str, int] = {}
    for key, val in (("startRowIndex", r0), ("startColumnIndex", c0),
                     ("endRowIndex", r1), ("endColumnIndex", c1)):
        if val is not None:
            grid[key] = val
    try:
        rows = ctx.resolver(sheet if sheet is not None else ctx.sheet, grid)
    except RefError as exc:
        raise Bail(CellError("REF", str(exc) or "Reference does not exist."))
    height = (r1 - r0) if r0 is not None and r1 is not None else len(rows)
    width = (c1 - c0) if c0 is not None and c1 is not None else max((len(r) for r in rows), default=0)
    return Rng(rows, height, width)


def _call(name: str, arg_nodes: list[tuple], ctx: _Ctx) -> Any:
    if name in LAZY:
        return LAZY[name](arg_nodes, lambda n: _eval(n, ctx), _scalar)
    fn = FUNCTIONS.get(name)
    if fn is None:
        raise Bail(CellError("NAME", f"Unknown function: '{name}'."))
    args = [_eval(a, ctx) for a in arg_nodes]
    return fn(name, args)


class WorkbookEvaluator:
    """Evaluates formula cells of one Spreadsheet (model.Spreadsheet) with a memo."""

    def __init__(self, spreadsheet: Any):
        self.ss = spreadsheet
        self.memo: dict[tuple[int, int, int], Any] = {}
        self.active: set[tuple[int, int, int]] = set()
        self._keys: dict[int, list[tuple[int, int]]] = {}  # sheetId -> sorted formula cells

    def formula_cells(self, sheet: Any) -> list[tuple[int, int]]:
        """Formula cells of a sheet in row-major order (evaluating in this order keeps
        the recursion shallow for the usual top-to-bottom chains)."""
        keys = self._keys.get(sheet.sheet_id)
        if keys is None:
            keys = self._keys[sheet.sheet_id] = sorted(sheet.formulas)
        return keys

    def cell(self, sheet: Any, r: int, c: int) -> Any:
        key = (sheet.sheet_id, r, c)
        if key in self.memo:
            return self.memo[key]
        if key in self.active:
            return CIRCULAR
        self.active.add(key)
        try:
            value = evaluate(sheet.formulas[(r, c)], sheet.title, self.resolve, self.names)
        finally:
            self.active.discard(key)
        self.memo[key] = value
        return value

    def names(self, name: str) -> tuple[str, dict] | None:
        """A named range of the workbook -> (tab title, GridRange)."""
        low = name.lower()
        for nr in getattr(self.ss, "named_ranges", []):
            if nr.get("name", "").lower() == low:
                gr = nr.get("range") or {}
                sheet = self.ss.sheet_by_id(gr.get("sheetId", 0) or 0)
                return (sheet.title, gr) if sheet is not None else None
        return None

    def resolve(self, title: str | None, grid: dict) -> list[list[Any]]:
        sheet = self.ss.sheet_by_title(title) if title is not None else None
        if sheet is None:
            raise RefError(f"Unresolved sheet name '{title}'.")
        r0 = grid.get("startRowIndex", 0)
        c0 = grid.get("startColumnIndex", 0)
        r1 = min(grid.get("endRowIndex", sheet.row_count), sheet.row_count)
        c1 = min(grid.get("endColumnIndex", sheet.column_count), sheet.column_count)
        if r0 >= sheet.row_count or c0 >= sheet.column_count:
            raise RefError("Reference does not exist.")
        rows = []
        values = sheet.values
        for r in range(r0, min(r1, len(values))):
            row = values[r][c0:c1]
            rows.append(row)
        if sheet.formulas:
            self._overlay(sheet, rows, r0, c0, r1, c1)
        return rows

    def _overlay(self, sheet: Any, rows: list[list[Any]], r0: int, c0: int, r1: int, c1: int) -> None:
        """Replace stored values of formula cells in the block by fresh evaluations."""
        keys = self.formula_cells(sheet)
        for i in range(bisect_left(keys, (r0, -1)), bisect_left(keys, (r1, -1))):
            r, c = keys[i]
            if c0 <= c < c1:
                value = self.cell(sheet, r, c)
                while len(rows) <= r - r0:
                    rows.append([])
                row = rows[r - r0]
                if len(row) <= c - c0:
                    row.extend([None] * (c - c0 + 1 - len(row)))
                row[c - c0] = value
