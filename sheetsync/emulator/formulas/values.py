"""Values in formulas: errors carried out (Bail), ranges (Rng), coercion to number, text and
boolean, comparison and the operators, and the argument checks every function family uses.

Coercion follows Google Sheets: blank is 0 / "" / FALSE as the context needs,
numeric text is coerced in arithmetic ("3"+1 = 4), other text gives #VALUE!,
booleans count as 1/0 in arithmetic. Ranges passed to SUM-like functions
count only their numbers; scalars passed directly are coerced."""
from __future__ import annotations

from typing import Any, Callable

from sheetsync.emulator.cell_errors import CellError
from sheetsync.emulator.cellvalues import general_number
from sheetsync.emulator.locales import EVALUATING, locale_of, localize_number_text, to_en_number_text

# A spreadsheet function: (its name as called, evaluated arguments) -> value; Bail for an error.
Function = Callable[[str, list[Any]], Any]
# IF / IFERROR: (argument nodes, evaluate a node, a value to a scalar) -> value.
LazyFunction = Callable[[list[tuple], Callable[[tuple], Any], Callable[[Any], Any]], Any]


class Bail(Exception):
    """Carries an error value out of an evaluation (errors propagate)."""

    def __init__(self, error: CellError):
        super().__init__(error.text)
        self.error = error


class Rng:
    """A block of effective values read from the sheet (rows may be short)."""

    __slots__ = ("rows", "height", "width")

    def __init__(self, rows: list[list[Any]], height: int, width: int):
        self.rows, self.height, self.width = rows, height, width

    def cells(self):
        """Non-blank values, row by row."""
        for row in self.rows:
            for v in row:
                if v is not None:
                    yield v

    def top_left(self) -> Any:
        return self.rows[0][0] if self.rows and self.rows[0] else None

    def count_all(self) -> int:
        return self.height * self.width


def to_number(v: Any, fn: str = "ADD", pos: int = 1) -> float | int:
    if isinstance(v, bool):
        return int(v)
    if isinstance(v, (int, float)):
        return v
    if v is None:
        return 0
    if isinstance(v, CellError):
        raise Bail(v)
    text = to_en_number_text(str(v).strip(), locale_of(EVALUATING.get()))  # "1,5" is 1.5 in id_ID
    try:
        return float(text.replace(",", "")) if text else 0
    except ValueError:
        raise Bail(CellError("VALUE", f"Function {fn} parameter {pos} expects number values. "
                                      f"But '{v}' is a text and cannot be coerced to a number."))


def plain_text(v: Any) -> str:
    """A value as text the way Sheets shows it: blank "", TRUE/FALSE, numbers in the General
    format with the decimal separator of the spreadsheet being evaluated (="x"&0,5 in id_ID)."""
    if v is None:
        return ""
    if isinstance(v, bool):
        return "TRUE" if v else "FALSE"
    if isinstance(v, (int, float)):
        return localize_number_text(general_number(v), locale_of(EVALUATING.get()))
    return str(v)


def to_text(v: Any) -> str:
    """plain_text for a formula argument: an error value stops the function with that error."""
    if isinstance(v, CellError):
        raise Bail(v)
    return plain_text(v)


def to_bool(v: Any, fn: str = "IF", pos: int = 1) -> bool:
    if isinstance(v, bool):
        return v
    if isinstance(v, (int, float)):
        return v != 0
    if v is None:
        return False
    if isinstance(v, CellError):
        raise Bail(v)
    up = str(v).strip().upper()
    if up in ("TRUE", "FALSE"):
        return up == "TRUE"
    raise Bail(CellError("VALUE", f"Function {fn} parameter {pos} expects boolean values. "
                                  f"But '{v}' is a text and cannot be coerced to a boolean."))


def type_rank(v: Any) -> int:
    # Sheets orders types: numbers < text < booleans.
    if isinstance(v, bool):
        return 2
    if isinstance(v, str):
        return 1
    return 0


def compare(a: Any, b: Any) -> int:
    """-1 / 0 / 1 with blanks taking the other side's type; text case-insensitive."""
    if a is None:
        a = "" if isinstance(b, str) else (False if isinstance(b, bool) else 0)
    if b is None:
        b = "" if isinstance(a, str) else (False if isinstance(a, bool) else 0)
    ra, rb = type_rank(a), type_rank(b)
    if ra != rb:
        return -1 if ra < rb else 1
    if ra == 1:
        a, b = a.lower(), b.lower()
    return (a > b) - (a < b)


_ARITH_NAMES = {"+": "ADD", "-": "MINUS", "*": "MULTIPLY", "/": "DIVIDE", "^": "POW"}


def binary(op: str, a: Any, b: Any) -> Any:
    if op == "&":
        return to_text(a) + to_text(b)
    if op in _ARITH_NAMES:
        fn = _ARITH_NAMES[op]
        x, y = to_number(a, fn, 1), to_number(b, fn, 2)
        if op == "+":
            return x + y
        if op == "-":
            return x - y
        if op == "*":
            return x * y
        if op == "/":
            if y == 0:
                raise Bail(CellError("DIVIDE_BY_ZERO", "Function DIVIDE parameter 2 cannot be zero."))
            return x / y
        try:
            return float(x) ** y
        except (OverflowError, ZeroDivisionError):
            raise Bail(CellError("NUM", "Function POW caused a number overflow."))
    c = compare(a, b)
    return {"=": c == 0, "<>": c != 0, "<": c < 0, ">": c > 0, "<=": c <= 0, ">=": c >= 0}[op]


def arity(name: str, args: list, lo: int, hi: int | None = None) -> None:
    n = len(args)
    if n < lo:
        raise Bail(CellError("N_A", f"Wrong number of arguments to {name}. Expected at least {lo} "
                                    f"arguments, but got {n} arguments."))
    if hi is not None and n > hi:
        raise Bail(CellError("N_A", f"Wrong number of arguments to {name}. Expected between {lo} "
                                    f"and {hi} arguments, but got {n} arguments."))


def numbers_of(name: str, args: list) -> list[float]:
    """Numbers of SUM-like arguments: from ranges numbers only, scalars coerced."""
    out: list[float] = []
    for i, a in enumerate(args, 1):
        if isinstance(a, Rng):
            for v in a.cells():
                if isinstance(v, CellError):
                    raise Bail(v)
                if isinstance(v, (int, float)) and not isinstance(v, bool):
                    out.append(v)
        elif a is not None:
            out.append(to_number(a, name, i))
    return out


def scalar_arg(a: Any) -> Any:
    if isinstance(a, Rng):
        if a.height == 1 and a.width == 1:
            a = a.top_left()
        else:
            raise Bail(CellError("VALUE", "An array value could not be found."))
    if isinstance(a, CellError):
        raise Bail(a)
    return a


def flattened(args: list):
    for a in args:
        if isinstance(a, Rng):
            for row in a.rows:
                yield from row
        else:
            yield a


def cell_at(rng: "Rng", i: int, j: int) -> Any:
    row = rng.rows[i] if i < len(rng.rows) else []
    return row[j] if j < len(row) else None


def as_rng(a: Any) -> "Rng":
    return a if isinstance(a, Rng) else Rng([[a]], 1, 1)
