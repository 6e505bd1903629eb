"""Logical functions: AND, OR, NOT, IS*, and IF / IFERROR, which evaluate only the branch taken."""
from __future__ import annotations

from sheetsync.emulator.cell_errors import CellError
from sheetsync.emulator.formulas.values import Bail, Function, LazyFunction, Rng, arity, flattened, scalar_arg, to_bool


def _logic(name, args):
    arity(name, args, 1)
    vals = []
    for i, v in enumerate(flattened(args), 1):
        if isinstance(v, CellError):
            raise Bail(v)
        if v is None or (isinstance(v, str) and v.upper() not in ("TRUE", "FALSE")):
            continue
        vals.append(to_bool(v, name, i))
    if not vals:
        raise Bail(CellError("VALUE", f"{name} has no valid input data."))
    return all(vals) if name == "AND" else any(vals)


def _not(name, args):
    arity(name, args, 1, 1)
    return not to_bool(scalar_arg(args[0]), name, 1)


def _is(name, args):
    arity(name, args, 1, 1)
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


def _if(args, ev, scalar):
    arity("IF", args, 2, 3)
    if to_bool(scalar(ev(args[0])), "IF", 1):
        return ev(args[1])
    return ev(args[2]) if len(args) > 2 else False


def _iferror(args, ev, scalar):
    arity("IFERROR", args, 1, 2)
    try:
        value = ev(args[0])
        if isinstance(value, Rng):
            value = scalar(value)
        return value
    except Bail:
        return ev(args[1]) if len(args) > 1 else None


FUNCTIONS: dict[str, Function] = {
    "AND": _logic, "OR": _logic, "NOT": _not,
    "ISBLANK": _is, "ISNUMBER": _is, "ISTEXT": _is, "ISERROR": _is, "ISNA": _is,
}
# Lazy: given the argument nodes, an evaluator and a to-scalar, they evaluate only the branch taken.
LAZY: dict[str, LazyFunction] = {"IF": _if, "IFERROR": _iferror}
