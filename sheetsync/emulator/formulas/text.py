"""Text functions: CONCATENATE, LEN, UPPER, LOWER, TRIM, LEFT, RIGHT, MID, VALUE, TEXT."""
from __future__ import annotations

import re

from sheetsync.emulator.cell_errors import CellError
from sheetsync.emulator.cellvalues import formatted_value, parse_user_entered
from sheetsync.emulator.formulas.values import Bail, Function, arity, flattened, scalar_arg, to_number, to_text
from sheetsync.emulator.locales import EVALUATING, locale_of


def _concatenate(name, args):
    arity(name, args, 1)
    return "".join(to_text(v) for v in flattened(args))


def _text1(name, args):
    arity(name, args, 1, 1)
    text = to_text(scalar_arg(args[0]))
    if name == "LEN":
        return len(text)
    if name == "UPPER":
        return text.upper()
    if name == "LOWER":
        return text.lower()
    return re.sub(" +", " ", text).strip()  # TRIM


def _substr(name, args):
    arity(name, args, 1 if name != "MID" else 3, 2 if name != "MID" else 3)
    text = to_text(scalar_arg(args[0]))
    if name == "MID":
        start = int(to_number(scalar_arg(args[1]), name, 2))
        n = int(to_number(scalar_arg(args[2]), name, 3))
        if start < 1 or n < 0:
            raise Bail(CellError("VALUE", f"Function MID parameter 2 value is {start}. It should be "
                                          f"greater than or equal to 1."))
        return text[start - 1:start - 1 + n]
    n = int(to_number(scalar_arg(args[1]), name, 2)) if len(args) > 1 else 1
    if n < 0:
        raise Bail(CellError("VALUE", f"Function {name} parameter 2 value is negative. It should be "
                                      f"positive or zero."))
    return text[:n] if name == "LEFT" else (text[-n:] if n else "")


def value_function(name, args):
    arity(name, args, 1, 1)
    v = scalar_arg(args[0])
    if isinstance(v, (int, float)) and not isinstance(v, bool):
        return v
    parsed = parse_user_entered(to_text(v), EVALUATING.get()) if v not in (None, "") else (0, None, None)
    if isinstance(parsed[0], (int, float)) and not isinstance(parsed[0], bool) and parsed[1] is None:
        return parsed[0]
    raise Bail(CellError("VALUE", f"VALUE parameter '{to_text(v)}' cannot be parsed to number."))


def _text_fn(name, args):
    arity(name, args, 2, 2)
    v, pattern = scalar_arg(args[0]), to_text(scalar_arg(args[1]))
    if isinstance(v, str) or v is None or isinstance(v, bool):
        return to_text(v)
    # The pattern is written with en_US symbols, as number formats are in the API.
    return formatted_value(v, {"type": "NUMBER", "pattern": pattern}, locale_of(EVALUATING.get()))


FUNCTIONS: dict[str, Function] = {
    "CONCATENATE": _concatenate, "CONCAT": _concatenate,
    "LEN": _text1, "UPPER": _text1, "LOWER": _text1, "TRIM": _text1,
    "LEFT": _substr, "RIGHT": _substr, "MID": _substr, "VALUE": value_function, "TEXT": _text_fn,
}
