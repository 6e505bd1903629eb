"""Math and counting functions: SUM, AVERAGE, MIN, MAX, COUNT*, ROUND*, ABS, INT, MOD, PRODUCT."""
from __future__ import annotations

import math

from sheetsync.emulator.cell_errors import CellError
from sheetsync.emulator.formulas.values import Bail, Function, Rng, arity, numbers_of, scalar_arg, to_number


def _sum(name, args):
    arity(name, args, 1)
    return sum(numbers_of(name, args))


def _average(name, args):
    arity(name, args, 1)
    nums = numbers_of(name, args)
    if not nums:
        raise Bail(CellError("DIVIDE_BY_ZERO",
                             "Evaluation of function AVERAGE caused a divide by zero error."))
    return sum(nums) / len(nums)


def _min(name, args):
    arity(name, args, 1)
    nums = numbers_of(name, args)
    return min(nums) if nums else 0


def _max(name, args):
    arity(name, args, 1)
    nums = numbers_of(name, args)
    return max(nums) if nums else 0


def _count(name, args):
    arity(name, args, 1)
    n = 0
    for a in args:
        if isinstance(a, Rng):
            n += sum(1 for v in a.cells() if isinstance(v, (int, float)) and not isinstance(v, bool))
        elif isinstance(a, (int, float)) and not isinstance(a, bool):
            n += 1
    return n


def _counta(name, args):
    arity(name, args, 1)
    n = 0
    for a in args:
        n += sum(1 for _ in a.cells()) if isinstance(a, Rng) else 1
    return n


def _countblank(name, args):
    arity(name, args, 1, 1)
    a = args[0]
    if not isinstance(a, Rng):
        return 1 if a in (None, "") else 0
    filled = sum(1 for v in a.cells() if v != "")
    return a.count_all() - filled


def _round_half_away(x: float, digits: int) -> float:
    q = 10.0 ** digits
    return math.floor(abs(x) * q + 0.5 + 1e-9) / q * (1 if x >= 0 else -1)


def _round(name, args):
    arity(name, args, 1, 2)
    x = to_number(scalar_arg(args[0]), name, 1)
    digits = int(to_number(scalar_arg(args[1]), name, 2)) if len(args) > 1 else 0
    if name == "ROUND":
        return _round_half_away(x, digits)
    q = 10.0 ** digits
    f = math.ceil if (name == "ROUNDUP") == (x >= 0) else math.floor
    return f(x * q) / q


def _abs(name, args):
    arity(name, args, 1, 1)
    return abs(to_number(scalar_arg(args[0]), name, 1))


def _int(name, args):
    arity(name, args, 1, 1)
    return math.floor(to_number(scalar_arg(args[0]), name, 1))


def _mod(name, args):
    arity(name, args, 2, 2)
    x = to_number(scalar_arg(args[0]), name, 1)
    y = to_number(scalar_arg(args[1]), name, 2)
    if y == 0:
        raise Bail(CellError("DIVIDE_BY_ZERO", "Function MOD parameter 2 cannot be zero."))
    return x - y * math.floor(x / y)


def _product(name, args):
    arity(name, args, 1)
    out = 1
    for n in numbers_of(name, args):
        out *= n
    return out


FUNCTIONS: dict[str, Function] = {
    "SUM": _sum, "AVERAGE": _average, "MIN": _min, "MAX": _max,
    "COUNT": _count, "COUNTA": _counta, "COUNTBLANK": _countblank,
    "ROUND": _round, "ROUNDUP": _round, "ROUNDDOWN": _round,
    "ABS": _abs, "INT": _int, "MOD": _mod, "PRODUCT": _product,
}
