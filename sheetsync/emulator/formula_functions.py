"""Values, coercions, operators and spreadsheet functions for formulas.py.

Coercion follows Google Sheets: blank is 0 / "" / FALSE as the context needs,
numeric text is coerced in arithmetic ("3"+1 = 4), other text gives #VALUE!,
booleans count as 1/0 in arithmetic. Ranges passed to SUM-like functions
count only their numbers; scalars passed directly are coerced.
"""
from __future__ import annotations

import math
import re
from typing import Any, Callable

from sheetsync.emulator.cellvalues import CellError, general_number
from sheetsync.emulator.locales import EVALUATING, locale_of, localize_number_text, to_en_number_text


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


# ------------------------------------------------------------------ coercion

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


def _rank(v: Any) -> int:
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
    ra, rb = _rank(a), _rank(b)
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


# ------------------------------------------------------------------ helpers

def _arity(name: str, args: list, lo: int, hi: int | None = None) -> None:
    n = len(args)
    if n < lo:
        raise Bail(CellError("N_A", f"Wrong number of arguments to {name}. Expected at least {lo} "
                                    f"arguments, but got {n} arguments."))
    if hi is not None and n > hi:
        raise Bail(CellError("N_A", f"Wrong number of arguments to {name}. Expected between {lo} "
                                    f"and {hi} arguments, but got {n} arguments."))


def _numbers(name: str, args: list) -> list[float]:
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


def _scalar_arg(a: Any) -> Any:
    if isinstance(a, Rng):
        if a.height == 1 and a.width == 1:
            a = a.top_left()
        else:
            raise Bail(CellError("VALUE", "An array value could not be found."))
    if isinstance(a, CellError):
        raise Bail(a)
    return a


def _flat(args: list):
    for a in args:
        if isinstance(a, Rng):
            for row in a.rows:
                yield from row
        else:
            yield a


# ------------------------------------------------------------------ functions

def _sum(name, args):
    _arity(name, args, 1)
    return sum(_numbers(name, args))


def _average(name, args):
    _arity(name, args, 1)
    nums = _numbers(name, args)
    if not nums:
        raise Bail(CellError("DIVIDE_BY_ZERO",
                             "Evaluation of function AVERAGE caused a divide by zero error."))
    return sum(nums) / len(nums)


def _min(name, args):
    _arity(name, args, 1)
    nums = _numbers(name, args)
    return min(nums) if nums else 0


def _max(name, args):
    _arity(name, args, 1)
    nums = _numbers(name, args)
    return max(nums) if nums else 0


def _count(name, args):
    _arity(name, args, 1)
    n = 0
    for a in args:
        if isinstance(a, Rng):
            n += sum(1 for v in a.cells() if isinstance(v, (int, float)) and not isinstance(v, bool))
        elif isinstance(a, (int, float)) and not isinstance(a, bool):
            n += 1
    return n


def _counta(name, args):
    _arity(name, args, 1)
    n = 0
    for a in args:
        n += sum(1 for _ in a.cells()) if isinstance(a, Rng) else 1
    return n


def _countblank(name, args):
    _arity(name, args, 1, 1)
    a = args[0]
    if not isinstance(a, Rng):
        return 1 if a in (None, "") else 0
    filled = sum(1 for v in a.cells() if v != "")
    return a.count_all() - filled


def _round_half_away(x: float, digits: int) -> float:
    q = 10.0 ** digits
    return math.floor(abs(x) * q + 0.5 + 1e-9) / q * (1 if x >= 0 else -1)


def _round(name, args):
    _arity(name, args, 1, 2)
    x = to_number(_scalar_arg(args[0]), name, 1)
    digits = int(to_number(_scalar_arg(args[1]), name, 2)) if len(args) > 1 else 0
    if name == "ROUND":
        return _round_half_away(x, digits)
    q = 10.0 ** digits
    f = math.ceil if (name == "ROUNDUP") == (x >= 0) else math.floor
    return f(x * q) / q


def _abs(name, args):
    _arity(name, args, 1, 1)
    return abs(to_number(_scalar_arg(args[0]), name, 1))


def _int(name, args):
    _arity(name, args, 1, 1)
    return math.floor(to_number(_scalar_arg(args[0]), name, 1))


def _mod(name, args):
    _arity(name, args, 2, 2)
    x = to_number(_scalar_arg(args[0]), name, 1)
    y = to_number(_scalar_arg(args[1]), name, 2)
    if y == 0:
        raise Bail(CellError("DIVIDE_BY_ZERO", "Function MOD parameter 2 cannot be zero."))
    return x - y * math.floor(x / y)


def _logic(name, args):
    _arity(name, args, 1)
    vals = []
    for i, v in enumerate(_flat(args), 1):
        if isinstance(v, CellError):
            raise Bail(v)
        if v is None or (isinstance(v, str) and v.upper() not in ("TRUE", "FALSE")):
            continue
        vals.append(to_bool(v, name, i))
    if not vals:
        raise Bail(CellError("VALUE", f"{name} has no valid input data."))
    return all(vals) if name == "AND" else any(vals)


def _not(name, args):
    _arity(name, args, 1, 1)
    return not to_bool(_scalar_arg(args[0]), name, 1)


def _concatenate(name, args):
    _arity(name, args, 1)
    return "".join(to_text(v) for v in _flat(args))


def _text1(name, args):
    _arity(name, args, 1, 1)
    text = to_text(_scalar_arg(args[0]))
    if name == "LEN":
        return len(text)
    if name == "UPPER":
        return text.upper()
    if name == "LOWER":
        return text.lower()
    return re.sub(" +", " ", text).strip()  # TRIM


def _is(name, args):
    _arity(name, args, 1, 1)
    a = args[0]
    v = a.top_left() if isinstance(a, Rng) else a
    if name == "ISBLANK":
        return v is None
    if name == "ISNUMBER":
        return isinstance(v, (int, float)) and not isinstance(v, bool)
    if name == "ISTEXT":
        return isinstance(v, str)
    if name == "ISNA":
        return isinstance(v, CellError) and v.type == "N_A"
    return isinstance(v, CellError)


def _criterion(crit: Any) -> Callable[[Any], bool]:
    """SUMIF/COUNTIF criterion: "=x", "<>x", ">5", "<=5", a number, text with * ? ~ wildcards."""
    op, operand = "=", crit
    if isinstance(crit, str):
        m = re.match(r"(<=|>=|<>|=|<|>)?(.*)", crit, re.S)
        op, operand = m.group(1) or "=", m.group(2)
        try:
            operand = float(operand) if operand.strip() else operand
        except ValueError:
            up = operand.upper()
            operand = (up == "TRUE") if up in ("TRUE", "FALSE") else operand
    if isinstance(operand, str) and op in ("=", "<>"):
        rx = _wildcard(operand)
        hit = (lambda v: isinstance(v, str) and rx.fullmatch(v) is not None) if operand else \
              (lambda v: v is None or v == "")
        return hit if op == "=" else (lambda v: not hit(v))
    number = isinstance(operand, (int, float)) and not isinstance(operand, bool)

    def test(v: Any) -> bool:
        if v is None or isinstance(v, CellError):
            return op == "<>"
        if number and (isinstance(v, bool) or not isinstance(v, (int, float))):
            return op == "<>"
        if not number and _rank(v) != _rank(operand):
            return op == "<>"
        return binary(op, v, operand)
    return test


def _wildcard(pattern: str) -> re.Pattern:
    out, i = [], 0
    while i < len(pattern):
        ch = pattern[i]
        if ch == "~" and i + 1 < len(pattern):
            out.append(re.escape(pattern[i + 1]))
            i += 2
            continue
        out.append(".*" if ch == "*" else "." if ch == "?" else re.escape(ch))
        i += 1
    return re.compile("".join(out), re.I | re.S)


def _sumif(name, args):
    if name == "COUNTIF":
        _arity(name, args, 2, 2)
    else:
        _arity(name, args, 2, 3)
    rng = args[0] if isinstance(args[0], Rng) else Rng([[args[0]]], 1, 1)
    test = _criterion(_scalar_arg(args[1]))
    if name == "COUNTIF":
        hits = sum(1 for row in rng.rows for v in row if test(v))
        blanks = rng.count_all() - sum(len(r) for r in rng.rows)
        return hits + (blanks if test(None) else 0)
    target = args[2] if len(args) > 2 and isinstance(args[2], Rng) else rng
    total = 0
    for i, row in enumerate(rng.rows):
        for j, v in enumerate(row):
            if test(v):
                t = target.rows[i][j] if i < len(target.rows) and j < len(target.rows[i]) else None
                if isinstance(t, (int, float)) and not isinstance(t, bool):
                    total += t
    return total


FUNCTIONS: dict[str, Callable[[str, list], Any]] = {
    "SUM": _sum, "AVERAGE": _average, "MIN": _min, "MAX": _max,
    "COUNT": _count, "COUNTA": _counta, "COUNTBLANK": _countblank,
    "ROUND": _round, "ROUNDUP": _round, "ROUNDDOWN": _round,
    "ABS": _abs, "INT": _int, "MOD": _mod,
    "AND": _logic, "OR": _logic, "NOT": _not,
    "CONCATENATE": _concatenate, "CONCAT": _concatenate,
    "LEN": _text1, "UPPER": _text1, "LOWER": _text1, "TRIM": _text1,
    "ISBLANK": _is, "ISNUMBER": _is, "ISTEXT": _is, "ISERROR": _is, "ISNA": _is,
    "SUMIF": _sumif, "COUNTIF": _sumif,
}


# ---------------------------------------------- lazy functions (branches not evaluated)

def _if(args, ev, scalar):
    _arity("IF", args, 2, 3)
    if to_bool(scalar(ev(args[0])), "IF", 1):
        return ev(args[1])
    return ev(args[2]) if len(args) > 2 else False


def _iferror(args, ev, scalar):
    _arity("IFERROR", args, 1, 2)
    try:
        value = ev(args[0])
        if isinstance(value, Rng):
            value = scalar(value)
        return value
    except Bail:
        return ev(args[1]) if len(args) > 1 else None


LAZY = {"IF": _if, "IFERROR": _iferror}


from .formula_more import MORE  # noqa: E402  (it builds on the helpers above)

FUNCTIONS.update(MORE)
