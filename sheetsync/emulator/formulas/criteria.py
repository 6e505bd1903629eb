"""Functions over a criterion: SUMIF, COUNTIF, SUMIFS, COUNTIFS, AVERAGEIF(S)
("=x", "<>x", ">5", a number, text with * ? ~ wildcards)."""
from __future__ import annotations

import re
from typing import Any, Callable

from sheetsync.emulator.cell_errors import CellError
from sheetsync.emulator.formulas.syntax import matched
from sheetsync.emulator.formulas.values import Bail, Function, Rng, arity, as_rng, binary, cell_at, scalar_arg, type_rank


def _criterion(crit: Any) -> Callable[[Any], bool]:
    """SUMIF/COUNTIF criterion: "=x", "<>x", ">5", "<=5", a number, text with * ? ~ wildcards."""
    op, operand = "=", crit
    if isinstance(crit, str):
        m = matched(re.match(r"(<=|>=|<>|=|<|>)?(.*)", crit, re.S))
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
        if not number and type_rank(v) != type_rank(operand):
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
        arity(name, args, 2, 2)
    else:
        arity(name, args, 2, 3)
    rng = args[0] if isinstance(args[0], Rng) else Rng([[args[0]]], 1, 1)
    test = _criterion(scalar_arg(args[1]))
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


def _ifs(name, args):
    """SUMIFS(sum_range, r1, c1, ...), COUNTIFS(r1, c1, ...), AVERAGEIF(S)."""
    lead = 0 if name == "COUNTIFS" else 1
    if name == "AVERAGEIF":
        args = [args[2] if len(args) > 2 else args[0], args[0], args[1]] if len(args) >= 2 else args
    arity(name, args, lead + 2)
    if (len(args) - lead) % 2:
        raise Bail(CellError("N_A", f"Wrong number of arguments to {name}."))
    pairs = [(as_rng(args[k]), _criterion(scalar_arg(args[k + 1]))) for k in range(lead, len(args), 2)]
    shape = (pairs[0][0].height, pairs[0][0].width)
    if any((r.height, r.width) != shape for r, _ in pairs):
        raise Bail(CellError("VALUE", f"Array arguments to {name} are of different size."))
    target = as_rng(args[0]) if lead else None
    hits = []
    for i in range(shape[0]):
        for j in range(shape[1]):
            if all(test(cell_at(r, i, j)) for r, test in pairs):
                hits.append(cell_at(target, i, j) if target else 1)
    if name == "COUNTIFS":
        return len(hits)
    nums = [v for v in hits if isinstance(v, (int, float)) and not isinstance(v, bool)]
    if name == "SUMIFS":
        return sum(nums)
    if not nums:
        raise Bail(CellError("DIVIDE_BY_ZERO", f"Evaluation of function {name} caused a divide by zero error."))
    return sum(nums) / len(nums)


FUNCTIONS: dict[str, Function] = {
    "SUMIF": _sumif, "COUNTIF": _sumif,
    "SUMIFS": _ifs, "COUNTIFS": _ifs, "AVERAGEIF": _ifs, "AVERAGEIFS": _ifs,
}
