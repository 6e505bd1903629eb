"""More spreadsheet functions: *IFS, lookups, text slicing, VALUE/TEXT and dates.
Registered into formula_functions.FUNCTIONS."""
from __future__ import annotations

from typing import Any

from .cellvalues import CellError
from .locales import EVALUATING, local_now, locale_of
from .formula_functions import (Bail, Rng, _arity, _criterion, _numbers, _rank, _scalar_arg,
                                compare, to_bool, to_number, to_text)


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
        raise Bail(CellError("REF", "VLOOKUP evaluates to an out of bounds range."))
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
    parsed = parse_user_entered(to_text(v), EVALUATING.get()) if v not in (None, "") else (0, None, None)
    if isinstance(parsed[0], (int, float)) and not isinstance(parsed[0], bool) and parsed[1] is None:
        return parsed[0]
    raise Bail(CellError("VALUE", f"VALUE parameter '{to_text(v)}' cannot be parsed to number."))


def _text_fn(name, args):
    _arity(name, args, 2, 2)
    from .cellvalues import formatted_value
    v, pattern = _scalar_arg(args[0]), to_text(_scalar_arg(args[1]))
    if isinstance(v, str) or v is None or isinstance(v, bool):
        return to_text(v)
    # The pattern is written with en_US symbols, as number formats are in the API.
    return formatted_value(v, {"type": "NUMBER", "pattern": pattern}, locale_of(EVALUATING.get()))


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
    """YEAR / MONTH / DAY / WEEKDAY of a serial number (or of date text, parsed in the spreadsheet's locale)."""
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


def _now(name, args):
    """TODAY() / NOW() as serial numbers, in the spreadsheet's time zone (as Google does)."""
    _arity(name, args, 0, 0)
    from .cellvalues import date_to_serial
    now = local_now(EVALUATING.get())
    return int(date_to_serial(now.date())) if name == "TODAY" else date_to_serial(now)


MORE = {
    "SUMIFS": _ifs, "COUNTIFS": _ifs, "AVERAGEIF": _ifs, "AVERAGEIFS": _ifs,
    "VLOOKUP": _vlookup, "MATCH": _match, "INDEX": _index,
    "LEFT": _substr, "RIGHT": _substr, "MID": _substr, "VALUE": _value, "TEXT": _text_fn,
    "PRODUCT": _product, "ROWS": _shape, "COLUMNS": _shape,
    "YEAR": _date_parts, "MONTH": _date_parts, "DAY": _date_parts, "WEEKDAY": _date_parts,
    "DATE": _date, "TODAY": _now, "NOW": _now,
}
