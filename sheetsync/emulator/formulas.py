"""A small formula engine: tokenizer, parser, evaluator and workbook recalculation.

Supported: arithmetic (+ - * / ^ unary minus, %), & and comparisons; numbers,
strings, TRUE/FALSE, error literals; references A1, $A$1, A1:B9, A:A, A2:A,
2:5 on the same or another tab ('Rekap Kecamatan'!B2:B9, Sheet1!A1); the
functions in `functions.FUNCTIONS` (see docs/emulator-formulas.md).
Anything else evaluates to Google's error values (#NAME?, #REF!, ...).

Evaluation is pure: `evaluate(text, sheet_title, resolver)` reads cells
through `resolver(sheet_title, grid_range) -> 2D list of effective values`.
`recalculate(spreadsheet)` evaluates every formula cell of a workbook with a
memo per call, so a chain of formulas costs one evaluation per cell.
"""
from __future__ import annotations

import re
from bisect import bisect_left
from functools import lru_cache
from typing import Any, Callable

from sheetsync.emulator.cellvalues import ERROR_TYPE_BY_TEXT, CellError
from sheetsync.emulator.formula_functions import FUNCTIONS, LAZY, Bail, Rng, binary, to_number
from sheetsync.emulator.locales import EVALUATING

Resolver = Callable[[str | None, dict], list[list[Any]]]


class RefError(LookupError):
    """Raised by a resolver for an unknown tab or a range outside the grid."""


PARSE_ERROR = CellError("ERROR", "Formula parse error.")
CIRCULAR = CellError(
    "REF", "Circular dependency detected. To resolve with iterative calculation, see File > Settings.")

# ------------------------------------------------------------------ tokenizer

_CELL = r"\$?[A-Za-z]{1,3}\$?[0-9]+"
_COL = r"\$?[A-Za-z]{1,3}"
_ROW = r"\$?[0-9]+"
_RANGE = re.compile(
    rf"(?:{_CELL}(?::(?:{_CELL}|{_COL}|{_ROW}))?|{_COL}:(?:{_CELL}|{_COL})|{_ROW}:{_ROW})"
    r"(?![A-Za-z0-9_(!.])")
_NUMBER = re.compile(r"(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")
_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_.]*")
_SHEET_WORD = re.compile(r"[A-Za-z0-9_.]+(?=!)")
_ERROR_LIT = re.compile(r"#(?:REF!|NAME\?|DIV/0!|VALUE!|N/A|NUM!|NULL!|ERROR!)", re.I)
_OPS = ("<=", ">=", "<>", "+", "-", "*", "/", "^", "&", "=", "<", ">", "(", ")", ",", "%", ";")


class _Tok:
    __slots__ = ("kind", "text", "start", "end", "sheet")

    def __init__(self, kind: str, text: str, start: int, end: int, sheet: str | None = None):
        self.kind, self.text, self.start, self.end, self.sheet = kind, text, start, end, sheet


class ParseError(ValueError):
    pass


def tokenize(src: str) -> list[_Tok]:
    """Tokens of a formula without its leading '='."""
    out: list[_Tok] = []
    i, n = 0, len(src)
    while i < n:
        ch = src[i]
        if ch.isspace():
            i += 1
            continue
        tok = _sheet_ref(src, i) or _word_or_ref(src, i) or _literal(src, i)
        if tok is None:
            raise ParseError(f"unexpected {ch!r}")
        out.append(tok)
        i = tok.end
    return out


def _sheet_ref(src: str, i: int) -> _Tok | None:
    sheet, j = None, i
    if src[i] == "'":
        j = i + 1
        name = []
        while j < len(src):
            if src[j] == "'":
                if src[j + 1:j + 2] == "'":
                    name.append("'")
                    j += 2
                    continue
                break
            name.append(src[j])
            j += 1
        if src[j + 1:j + 2] != "!":
            raise ParseError("quoted name without !")
        sheet, j = "".join(name), j + 2
    else:
        m = _SHEET_WORD.match(src, i)
        if not m:
            return None
        sheet, j = m.group(0), m.end() + 1
    m = _RANGE.match(src, j)
    if not m:
        raise ParseError("bad reference after sheet name")
    return _Tok("REF", m.group(0), i, m.end(), sheet)


def _word_or_ref(src: str, i: int) -> _Tok | None:
    ch = src[i]
    if not (ch.isalpha() or ch in "$_" or ch.isdigit()):
        return None
    w = _WORD.match(src, i)
    if w:
        k = w.end()
        while k < len(src) and src[k].isspace():
            k += 1
        if src[k:k + 1] == "(":
            return _Tok("FUNC", w.group(0), i, w.end())
    m = _RANGE.match(src, i)
    if m:
        return _Tok("REF", m.group(0), i, m.end())
    if ch.isdigit():
        num = _NUMBER.match(src, i)
        return _Tok("NUM", num.group(0), i, num.end())
    if w:
        upper = w.group(0).upper()
        kind = "BOOL" if upper in ("TRUE", "FALSE") else "NAME"
        return _Tok(kind, w.group(0), i, w.end())
    return None


def _literal(src: str, i: int) -> _Tok | None:
    ch = src[i]
    if ch == '"':
        j, parts = i + 1, []
        while True:
            k = src.find('"', j)
            if k < 0:
                raise ParseError("unterminated string")
            parts.append(src[j:k])
            if src[k + 1:k + 2] == '"':
                parts.append('"')
                j = k + 2
                continue
            return _Tok("STR", "".join(parts), i, k + 1)
    if ch == ".":
        num = _NUMBER.match(src, i)
        return _Tok("NUM", num.group(0), i, num.end()) if num else None
    if ch == "#":
        m = _ERROR_LIT.match(src, i)
        return _Tok("ERR", m.group(0).upper(), i, m.end()) if m else None
    for op in _OPS:
        if src.startswith(op, i):
            return _Tok("OP", op, i, i + len(op))
    return None


def normalize(formula: str) -> str:
    """Formula text as Google stores it: function names and references upper-cased."""
    body = formula[1:]
    try:
        tokens = tokenize(body)
    except ParseError:
        return formula
    out, pos = [], 0
    for t in tokens:
        if t.kind in ("FUNC", "BOOL") or (t.kind == "REF" and t.sheet is None):
            out.append(body[pos:t.start])
            out.append(body[t.start:t.end].upper())
            pos = t.end
        elif t.kind == "REF":
            out.append(body[pos:t.end - len(t.text)])
            out.append(t.text.upper())
            pos = t.end
    out.append(body[pos:])
    return "=" + "".join(out)


# ------------------------------------------------------------------ parser
# Precedence (low -> high): comparison, &, + -, * /, ^, unary minus, %.

class _Parser:
    def __init__(self, tokens: list[_Tok]):
        self.toks, self.i = tokens, 0

    def peek(self) -> _Tok | None:
        return self.toks[self.i] if self.i < len(self.toks) else None

    def take_op(self, *ops: str) -> str | None:
        t = self.peek()
        if t is not None and t.kind == "OP" and t.text in ops:
            self.i += 1
            return t.text
        return None

    def expect(self, op: str) -> None:
        if not self.take_op(op):
            raise ParseError(f"expected {op}")

    def parse(self) -> tuple:
        node = self.comparison()
        if self.peek() is not None:
            raise ParseError("trailing tokens")
        return node

    def comparison(self) -> tuple:
        node = self.concat()
        while (op := self.take_op("=", "<>", "<", ">", "<=", ">=")):
            node = ("bin", op, node, self.concat())
        return node

    def concat(self) -> tuple:
        node = self.additive()
        while self.take_op("&"):
            node = ("bin", "&", node, self.additive())
        return node

    def additive(self) -> tuple:
        node = self.term()
        while (op := self.take_op("+", "-")):
            node = ("bin", op, node, self.term())
        return node

    def term(self) -> tuple:
        node = self.power()
        while (op := self.take_op("*", "/")):
            node = ("bin", op, node, self.power())
        return node

    def power(self) -> tuple:
        node = self.unary()
        while self.take_op("^"):
            node = ("bin", "^", node, self.unary())
        return node

    def unary(self) -> tuple:
        if self.take_op("-"):
            return ("neg", self.unary())
        if self.take_op("+"):
            return self.unary()
        return self.postfix()

    def postfix(self) -> tuple:
        node = self.primary()
        while self.take_op("%"):
            node = ("pct", node)
        return node

    def primary(self) -> tuple:
        t = self.peek()
        if t is None:
            raise ParseError("unexpected end")
        self.i += 1
        if t.kind == "NUM":
            return ("lit", float(t.text) if any(c in t.text for c in ".eE") else int(t.text))
        if t.kind == "STR":
            return ("lit", t.text)
        if t.kind == "BOOL":
            return ("lit", t.text.upper() == "TRUE")
        if t.kind == "ERR":
            return ("lit", CellError(ERROR_TYPE_BY_TEXT[t.text], f"{t.text} literal."))
        if t.kind == "REF":
            return ("ref", t.sheet, *parse_range(t.text))
        if t.kind == "NAME":
            return ("name", t.text)
        if t.kind == "FUNC":
            return self.call(t.text.upper())
        if t.kind == "OP" and t.text == "(":
            node = self.comparison()
            self.expect(")")
            return node
        raise ParseError(f"unexpected {t.text}")

    def call(self, name: str) -> tuple:
        self.expect("(")
        args: list[tuple] = []
        if self.take_op(")"):
            return ("func", name, args)
        while True:
            t = self.peek()
            if t is not None and t.kind == "OP" and t.text in (",", ")"):
                args.append(("lit", None))  # empty argument, e.g. IF(A1,,1)
            else:
                args.append(self.comparison())
            if self.take_op(")"):
                return ("func", name, args)
            if not self.take_op(",", ";"):
                raise ParseError("expected , or )")


def _col_index(letters: str) -> int:
    n = 0
    for ch in letters.upper():
        n = n * 26 + ord(ch) - 64
    return n - 1


def _part(text: str) -> tuple[int | None, int | None]:
    """One end of a range -> (row, col), 0-based; None where the part is absent."""
    m = re.fullmatch(r"\$?([A-Za-z]*)\$?([0-9]*)", text)
    letters, digits = m.group(1), m.group(2)
    return (int(digits) - 1 if digits else None, _col_index(letters) if letters else None)


def parse_range(text: str) -> tuple[int | None, int | None, int | None, int | None]:
    """A1 range text -> (r0, c0, r1, c1) half-open; None = unbounded on that side."""
    first, _, second = text.partition(":")
    ra, ca = _part(first)
    if not second:
        return ra, ca, ra + 1, ca + 1
    rb, cb = _part(second)
    r0, r1 = _span(ra, rb)
    c0, c1 = _span(ca, cb)
    return r0, c0, r1, c1


def _span(a: int | None, b: int | None) -> tuple[int | None, int | None]:
    """Both ends -> sorted half-open span; one end -> open-ended (A2:A); none -> whole."""
    if a is not None and b is not None:
        return min(a, b), max(a, b) + 1
    if a is not None or b is not None:
        return (a if a is not None else b), None
    return None, None


@lru_cache(maxsize=65536)  # a tab of per-row formulas re-parses nothing on each write
def parse(formula: str) -> tuple:
    """Formula text ("=...") -> AST; raises ParseError."""
    if not formula.startswith("="):
        raise ParseError("not a formula")
    return _Parser(tokenize(formula[1:])).parse()


# ------------------------------------------------------------------ evaluator

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
    # RecursionError propagates: recalculate() retries such cells in another order


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


# --------------------------------------------------------- workbook recalculation

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
    from sheetsync.emulator.formula_formats import infer_formats
    infer_formats(spreadsheet, ev)


_REF_HELPERS = {"quote_title", "rename_sheet_references", "shift_references", "shift_relative",
                "move_block_references", "close_gap_references"}


def __getattr__(name: str) -> Any:
    """Reference rewriting (formula_refs.py) and result formats (formula_formats.py)
    import this module; re-exported lazily so any of them can be imported first."""
    if name in _REF_HELPERS:
        from sheetsync.emulator import formula_refs
        return getattr(formula_refs, name)
    if name == "number_format":
        from sheetsync.emulator.formula_formats import number_format
        return number_format
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
