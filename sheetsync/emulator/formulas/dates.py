"""Date functions: YEAR, MONTH, DAY, WEEKDAY, DATE, TODAY, NOW (in the spreadsheet's time zone)."""
from __future__ import annotations

from datetime import date, timedelta

from sheetsync.emulator.cell_errors import CellError
from sheetsync.emulator.cellvalues import date_to_serial, serial_to_datetime
from sheetsync.emulator.formulas.text import value_function
from sheetsync.emulator.formulas.values import Bail, Function, arity, scalar_arg, to_number
from sheetsync.emulator.locales import EVALUATING, local_now


def _date_parts(name, args):
    """YEAR / MONTH / DAY / WEEKDAY of a serial number (or of date text, parsed in the spreadsheet's locale)."""
    arity(name, args, 1, 2 if name == "WEEKDAY" else 1)
    v = scalar_arg(args[0])
    if isinstance(v, str):
        v = value_function("VALUE", [v])
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
    kind = int(to_number(scalar_arg(args[1]), name, 2)) if len(args) > 1 else 1
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
    arity(name, args, 3, 3)

    y, m, d = (int(to_number(scalar_arg(a), name, i + 1)) for i, a in enumerate(args))
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
    arity(name, args, 0, 0)
    now = local_now(EVALUATING.get())
    return int(date_to_serial(now.date())) if name == "TODAY" else date_to_serial(now)


FUNCTIONS: dict[str, Function] = {
    "YEAR": _date_parts, "MONTH": _date_parts, "DAY": _date_parts, "WEEKDAY": _date_parts,
    "DATE": _date, "TODAY": _now, "NOW": _now,
}
