"""Lookup and shape functions: VLOOKUP, MATCH, INDEX, ROWS, COLUMNS."""
from __future__ import annotations

from typing import Any

from sheetsync.emulator.cell_errors import CellError
from sheetsync.emulator.formulas.values import (
    Bail,
    Function,
    Rng,
    arity,
    as_rng,
    cell_at,
    compare,
    scalar_arg,
    to_bool,
    to_number,
    to_text,
    type_rank,
)


def _same(a: Any, b: Any) -> bool:
    return a is not None and type_rank(a) == type_rank(b) and compare(a, b) == 0


def _approx(keys: list, key: Any, mode: int) -> int | None:
    """Index of the last key <= key (mode 1) or the last key >= key (mode -1), same type."""
    found = None
    for i, v in enumerate(keys):
        if v is None or type_rank(v) != type_rank(key):
            continue
        c = compare(v, key)
        if (mode == 1 and c <= 0) or (mode == -1 and c >= 0):
            found = i
        elif mode == 1:
            break
    return found


def _vlookup(name, args):
    arity(name, args, 3, 4)
    key, rng = scalar_arg(args[0]), as_rng(args[1])
    col = int(to_number(scalar_arg(args[2]), name, 3))
    sorted_ = to_bool(scalar_arg(args[3]), name, 4) if len(args) > 3 else True
    if col < 1 or col > rng.width:
        raise Bail(CellError("REF", "VLOOKUP evaluates to an out of bounds range."))
    keys = [cell_at(rng, i, 0) for i in range(rng.height)]
    idx = _approx(keys, key, 1) if sorted_ else next(
        (i for i, v in enumerate(keys) if _same(v, key)), None)
    if idx is None:
        raise Bail(CellError("N_A", f"Did not find value '{to_text(key)}' in VLOOKUP evaluation."))
    return cell_at(rng, idx, col - 1)


def _match(name, args):
    arity(name, args, 2, 3)
    key, rng = scalar_arg(args[0]), as_rng(args[1])
    mode = int(to_number(scalar_arg(args[2]), name, 3)) if len(args) > 2 else 1
    if rng.height != 1 and rng.width != 1:
        raise Bail(CellError("N_A", "MATCH range must be a single row or a single column."))
    keys = ([cell_at(rng, i, 0) for i in range(rng.height)] if rng.width == 1
            else [cell_at(rng, 0, j) for j in range(rng.width)])
    idx = next((i for i, v in enumerate(keys) if _same(v, key)), None) if mode == 0 \
        else _approx(keys, key, 1 if mode > 0 else -1)
    if idx is None:
        raise Bail(CellError("N_A", f"Did not find value '{to_text(key)}' in MATCH evaluation."))
    return idx + 1


def _index(name, args):
    arity(name, args, 1, 3)
    rng = as_rng(args[0])
    row = int(to_number(scalar_arg(args[1]), name, 2)) if len(args) > 1 else 0
    col = int(to_number(scalar_arg(args[2]), name, 3)) if len(args) > 2 else 0
    if rng.height == 1 and len(args) == 2:
        row, col = 1, row
    if row < 0 or col < 0 or row > rng.height or col > rng.width:
        raise Bail(CellError("REF", "Function INDEX parameter 2 value is out of range."))
    if row and col:
        return cell_at(rng, row - 1, col - 1)
    if row:
        return Rng([[cell_at(rng, row - 1, j) for j in range(rng.width)]], 1, rng.width)
    if col:
        return Rng([[cell_at(rng, i, col - 1)] for i in range(rng.height)], rng.height, 1)
    return rng


def _shape(name, args):
    arity(name, args, 1, 1)
    rng = as_rng(args[0])
    return rng.height if name == "ROWS" else rng.width


FUNCTIONS: dict[str, Function] = {
    "VLOOKUP": _vlookup, "MATCH": _match, "INDEX": _index, "ROWS": _shape, "COLUMNS": _shape,
}
