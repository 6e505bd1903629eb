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
    text = str(v).strip()
    try:
        return float(text.replace(",", "")) if text else 0
    except ValueError:
        raise Bail(CellError("VALUE", f"Function {fn} parameter {pos} expects number values. "
                                      f"But '{v}' is a text and cannot be coerced to a number."))


def to_text(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, bool):
        return "TRUE" if v else "FALSE"
    if isinstance(v, (int, float)):
        return general_number(v)
    if isinstance(v, CellError):
        raise Bail(v)
    return str(v)


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


def _cell_at(rng: "Rng", i: int, j: int) -> Any:
    row = rng.rows[i] if i < len(rng.rows) else []
    return row[j] if j < len(row) else None


def _as_rng(a: Any) -> "Rng":
    return a if isinstance(a, Rng) else Rng([[a]], 1, 1)


def _ifs(name, args):
    """SUMIFS(sum_range, r1, c1, ...), COUNTIFS(r1, c1, ...), AVERAGEIF(S)."""
    lead = 0 if name == "COUNTIFS" else 1
    if name == "AVERAGEIF":
        args = [args[2] if len(args) > 2 else args[0], args[0], args[1]] if len(args) >= 2 else args
    _arity(name, args, lead + 2)
    if (len(args) - lead) % 2:
        raise Bail(CellError("N_A", f"Wrong number of arguments to {name}."))
    pairs = [(_as_rng(args[k]), _criterion(_scalar_arg(args[k + 1]))) for k in range(lead, len(args), 2)]
    shape = (pairs[0][0].height, pairs[0][0].width)
    if any((r.height, r.width) != shape for r, _ in pairs):
        raise Bail(CellError("VALUE", f"Array arguments to {name} are of different size."))
    target = _as_rng(args[0]) if lead else None
    hits = []
    for i in range(shape[0]):
        for j in range(shape[1]):
            if all(test(_cell_at(r, i, j)) for r, test in pairs):
                hits.append(_cell_at(target, i, j) if target else 1)
    if name == "COUNTIFS":
        return len(hits)
    nums = [v for v in hits if isinstance(v, (int, float)) and not isinstance(v, bool)]
    if name == "SUMIFS":
        return sum(nums)
    if not nums:
        raise Bail(CellError("DIVIDE_BY_ZERO", f"Evaluation of function {name} caused a divide by zero error."))
    return sum(nums) / len(nums)


def _same(a: Any, b: Any) -> bool:
    return a is not None and _rank(a) == _rank(b) and compare(a, b) == 0


def _approx(keys: list, key: Any, mode: int) -> int | None:
    """Index of the last key <= key (mode 1) or the last key >= key (mode -1), same type."""
    found = None
    for i, v in enumerate(keys):
        if v is None or _rank(v) != _rank(key):
            continue
        c = compare(v, key)
        if (mode == 1 and c <= 0) or (mode == -1 and c >= 0):
            found = i
        elif mode == 1:
            break
    return found


def _vlookup(name, args):
    _arity(name, args, 3, 4)
    key, rng = _scalar_arg(args[0]), _as_rng(args[1])
    col = int(to_number(_scalar_arg(args[2]), name, 3))
    sorted_ = to_bool(_scalar_arg(args[3]), name, 4) if len(args) > 3 else True
    if col < 1 or col > rng.width:
        raise Bail(CellError("REF", f"VLOOKUP evaluates to an out of bounds range."))
    keys = [_cell_at(rng, i, 0) for i in range(rng.height)]
    idx = _approx(keys, key, 1) if sorted_ else next(
        (i for i, v in enumerate(keys) if _same(v, key)), None)
    if idx is None:
        raise Bail(CellError("N_A", f"Did not find value '{to_text(key)}' in VLOOKUP evaluation."))
    return _cell_at(rng, idx, col - 1)


def _match(name, args):
    _arity(name, args, 2, 3)
    key, rng = _scalar_arg(args[0]), _as_rng(args[1])
    mode = int(to_number(_scalar_arg(args[2]), name, 3)) if len(args) > 2 else 1
    if rng.height != 1 and rng.width != 1:
        raise Bail(CellError("N_A", "MATCH range must be a single row or a single column."))
    keys = ([_cell_at(rng, i, 0) for i in range(rng.height)] if rng.width == 1
            else [_cell_at(rng, 0, j) for j in range(rng.width)])
    idx = next((i for i, v in enumerate(keys) if _same(v, key)), None) if mode == 0 \
        else _approx(keys, key, 1 if mode > 0 else -1)
    if idx is None:
        raise Bail(CellError("N_A", f"Did not find value '{to_text(key)}' in MATCH evaluation."))
    return idx + 1


def _index(name, args):
    _arity(name, args, 1, 3)
    rng = _as_rng(args[0])
    row = int(to_number(_scalar_arg(args[1]), name, 2)) if len(args) > 1 else 0
    col = int(to_number(_scalar_arg(args[2]), name, 3)) if len(args) > 2 else 0
    if rng.height == 1 and len(args) == 2:
        row, col = 1, row
    if row < 0 or col < 0 or row > rng.height or col > rng.width:
        raise Bail(CellError("REF", "Function INDEX parameter 2 value is out of range."))
    if row and col:
        return _cell_at(rng, row - 1, col - 1)
    if row:
        return Rng([[_cell_at(rng, row - 1, j) for j in range(rng.width)]], 1, rng.width)
    if col:
        return Rng([[_cell_at(rng, i, col - 1)] for i in range(rng.height)], rng.height, 1)
    return rng


def _substr(name, args):
    _arity(name, args, 1 if name != "MID" else 3, 2 if name != "MID" else 3)
    text = to_text(_scalar_arg(args[0]))
    if name == "MID":
        start = int(to_number(_scalar_arg(args[1]), name, 2))
        n = int(to_number(_scalar_arg(args[2]), name, 3))
        if start < 1 or n < 0:
            raise Bail(CellError("VALUE", f"Function MID parameter 2 value is {start}. It should be "
                                          f"greater than or equal to 1."))
        return text[start - 1:start - 1 + n]
    n = int(to_number(_scalar_arg(args[1]), name, 2)) if len(args) > 1 else 1
    if n < 0:
        raise Bail(CellError("VALUE", f"Function {name} parameter 2 value is negative. It should be "
                                      f"positive or zero."))
    return text[:n] if name == "LEFT" else (text[-n:] if n else "")


def _value(name, args):
    _arity(name, args, 1, 1)
    v = _scalar_arg(args[0])
    if isinstance(v, (int, float)) and not isinstance(v, bool):
        return v
    from .cellvalues import parse_user_entered
    parsed = parse_user_entered(to_text(v)) if v not in (None, "") else (0, None, None)
    if isinstance(parsed[0], (int, float)) and not isinstance(parsed[0], bool) and parsed[1] is None:
        return parsed[0]
    raise Bail(CellError("VALUE", f"VALUE parameter '{to_text(v)}' cannot be parsed to number."))


def _text_fn(name, args):
    _arity(name, args, 2, 2)
    from .cellvalues import formatted_value
    v, pattern = _scalar_arg(args[0]), to_text(_scalar_arg(args[1]))
    if isinstance(v, str) or v is None or isinstance(v, bool):
        return to_text(v)
    return formatted_value(v, {"type": "NUMBER", "pattern": pattern})


def _product(name, args):
    _arity(name, args, 1)
    out = 1
    for n in _numbers(name, args):
        out *= n
    return out


def _shape(name, args):
    _arity(name, args, 1, 1)
    rng = _as_rng(args[0])
    return rng.height if name == "ROWS" else rng.width


def _date_parts(name, args):
    """YEAR / MONTH / DAY / WEEKDAY of a serial number (or of date text, parsed en_US)."""
    _arity(name, args, 1, 2 if name == "WEEKDAY" else 1)
    from .cellvalues import serial_to_datetime
    v = _scalar_arg(args[0])
    if isinstance(v, str):
        v = _value("VALUE", [v])
    serial = to_number(v, name, 1)
    try:
        dt = serial_to_datetime(float(serial))
    except (OverflowError, ValueError):
        raise Bail(CellError("NUM", f"Function {name} parameter 1 value is out of range."))
    if name == "YEAR":
        return dt.year
    if name == "MONTH":
        return dt.month
    if name == "DAY":
        return dt.day
    kind = int(to_number(_scalar_arg(args[1]), name, 2)) if len(args) > 1 else 1
    iso = dt.isoweekday()  # Monday 1 .. Sunday 7
    if kind == 1:
        return iso % 7 + 1          # Sunday 1 .. Saturday 7
    if kind == 2:
        return iso                  # Monday 1 .. Sunday 7
    if kind == 3:
        return iso - 1              # Monday 0 .. Sunday 6
    raise Bail(CellError("NUM", "Function WEEKDAY parameter 2 value should be 1, 2 or 3."))


def _date(name, args):
    """DATE(y, m, d) -> serial; months and days roll over as in Sheets."""
    _arity(name, args, 3, 3)
    from datetime import date, timedelta
    from .cellvalues import date_to_serial
    y, m, d = (int(to_number(_scalar_arg(a), name, i + 1)) for i, a in enumerate(args))
    if 0 <= y < 1900:
        y += 1900
    y += (m - 1) // 12
    m = (m - 1) % 12 + 1
    try:
        return int(date_to_serial(date(y, m, 1) + timedelta(days=d - 1)))
    except (OverflowError, ValueError):
        raise Bail(CellError("NUM", "DATE evaluates to an out of bounds range."))


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
    "SUMIFS": _ifs, "COUNTIFS": _ifs, "AVERAGEIF": _ifs, "AVERAGEIFS": _ifs,
    "VLOOKUP": _vlookup, "MATCH": _match, "INDEX": _index,
    "LEFT": _substr, "RIGHT": _substr, "MID": _substr, "VALUE": _value, "TEXT": _text_fn,
    "PRODUCT": _product, "ROWS": _shape, "COLUMNS": _shape,
    "YEAR": _date_parts, "MONTH": _date_parts, "DAY": _date_parts, "WEEKDAY": _date_parts,
    "DATE": _date,
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
