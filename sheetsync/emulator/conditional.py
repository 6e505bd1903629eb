"""Conditional formatting as it shows in CellData.effectiveFormat.

`conditional_format(ss, sheet, r, c)` returns the CellFormat a cell gets from
the sheet's conditional format rules (None when no rule applies):
booleanRule -> the format of the FIRST rule whose condition holds (Google
applies only the first matching boolean rule); gradientRule -> an
interpolated backgroundColor. `overlay(effective, fmt)` merges it into an
effectiveFormat. Conditions: NUMBER_*, TEXT_*, BLANK, NOT_BLANK,
CUSTOM_FORMULA (relative references move with the cell), DATE_* (typed dates
or relativeDate spans around today, UTC).
"""
from __future__ import annotations

import copy
from typing import Any

from sheetsync.emulator.cell_errors import CellError
from sheetsync.emulator.formulas.values import plain_text
from sheetsync.emulator.formulas.refs import shift_relative
from sheetsync.emulator.formulas.evaluate import WorkbookEvaluator, evaluate

_cache: dict[tuple[int, int, int], "Formatter"] = {}


def conditional_format(ss: Any, sheet: Any, r: int, c: int) -> dict | None:
    if not sheet.conditional_formats:
        return None
    key = (id(ss), getattr(ss, "revision", 0), id(sheet))
    fm = _cache.get(key)
    if fm is None or fm.rules is not sheet.conditional_formats:
        if len(_cache) > 64:
            _cache.clear()
        fm = _cache[key] = Formatter(ss, sheet)
    return fm.format_for(r, c)


def overlay(effective: dict, fmt: dict | None) -> dict:
    """effectiveFormat with a conditional CellFormat laid over it (colours mirrored)."""
    if not fmt:
        return effective
    out = copy.deepcopy(effective)
    for key, val in fmt.items():
        if isinstance(val, dict) and isinstance(out.get(key), dict):
            out[key] = {**out[key], **copy.deepcopy(val)}
        else:
            out[key] = copy.deepcopy(val)
    if "backgroundColorStyle" in fmt and "backgroundColor" not in fmt:
        rgb = fmt["backgroundColorStyle"].get("rgbColor")
        if rgb is not None:
            out["backgroundColor"] = copy.deepcopy(rgb)
    if "backgroundColor" in fmt:
        out["backgroundColorStyle"] = {"rgbColor": copy.deepcopy(fmt["backgroundColor"])}
    return out


def _inside(gr: dict, r: int, c: int) -> bool:
    big = 1 << 40      # a missing end is unbounded
    r1, c1 = gr.get("endRowIndex"), gr.get("endColumnIndex")
    return ((gr.get("startRowIndex") or 0) <= r < (big if r1 is None else r1)
            and (gr.get("startColumnIndex") or 0) <= c < (big if c1 is None else c1))


def _num(v: Any) -> float | None:
    if isinstance(v, bool) or v is None:
        return None
    if isinstance(v, (int, float)):
        return float(v)
    try:
        return float(str(v).replace(",", ""))
    except ValueError:
        return None


class Formatter:
    """Conditional formats of one sheet, evaluated cell by cell with a shared memo."""

    def __init__(self, ss: Any, sheet: Any):
        self.ss, self.sheet = ss, sheet
        self.rules = sheet.conditional_formats
        self.evaluator = WorkbookEvaluator(ss)
        self._gradient_span: dict[int, tuple[float, float]] = {}

    def format_for(self, r: int, c: int) -> dict | None:
        value = self.sheet.get(r, c)
        for i, rule in enumerate(self.rules):
            ranges = rule.get("ranges") or []
            hit = next((g for g in ranges if _inside(g, r, c)), None)
            if hit is None:
                continue
            if "booleanRule" in rule:
                br = rule["booleanRule"] or {}
                if self._holds(br.get("condition") or {}, value, r, c, ranges[0]):
                    return br.get("format") or {}
            elif "gradientRule" in rule:
                color = self._gradient(i, rule, value)
                if color is not None:
                    return {"backgroundColor": color}
        return None

    # -- boolean conditions -------------------------------------------------
    def _operand(self, cv: dict, r: int, c: int, anchor: dict) -> Any:
        raw = cv.get("userEnteredValue", "")
        if isinstance(raw, str) and raw.startswith("="):
            return self._formula(raw, r, c, anchor)
        return raw

    def _formula(self, text: str, r: int, c: int, anchor: dict) -> Any:
        moved = shift_relative(text, r - (anchor.get("startRowIndex") or 0),
                               c - (anchor.get("startColumnIndex") or 0))
        try:
            return evaluate(moved, self.sheet.title, self.evaluator.resolve, self.evaluator.names)
        except RecursionError:
            return CellError("ERROR", "Formula chain too deep to evaluate in the emulator.")

    def _holds(self, cond: dict, v: Any, r: int, c: int, anchor: dict) -> bool:
        kind = cond.get("type", "")
        ops = [self._operand(cv, r, c, anchor) for cv in cond.get("values") or []]
        if isinstance(v, CellError):
            return kind == "NOT_BLANK" or (kind == "CUSTOM_FORMULA" and _truthy(ops))
        if kind == "BLANK":
            return v is None or v == ""
        if kind == "NOT_BLANK":
            return not (v is None or v == "")
        if kind == "CUSTOM_FORMULA":
            return _truthy(ops)
        if kind.startswith("NUMBER_"):
            return _number_test(kind, _num(v) if not isinstance(v, str) else None, ops)
        if kind.startswith("TEXT_"):
            return _text_test(kind, v, ops)
        if kind.startswith("DATE_"):
            return _date_test(kind, v, cond.get("values") or [], ops)
        return False

    # -- gradients ----------------------------------------------------------
    def _gradient(self, i: int, rule: dict, value: Any) -> dict | None:
        x = _num(value) if not isinstance(value, str) else None
        if x is None:
            return None
        gr = rule["gradientRule"]
        lo_hi = self._gradient_span.get(i)
        if lo_hi is None:
            nums = [n for g in rule.get("ranges", []) for n in self._numbers(g)]
            lo_hi = self._gradient_span[i] = (min(nums, default=0.0), max(nums, default=0.0))
        points = [(self._point(p, lo_hi), p) for p in (gr.get("minpoint"), gr.get("midpoint"),
                                                       gr.get("maxpoint")) if p]
        if len(points) < 2:
            return None
        for (a, pa), (b, pb) in zip(points, points[1:]):
            if x <= b or (pb is points[-1][1]):
                t = 0.0 if b == a else min(1.0, max(0.0, (x - a) / (b - a)))
                return _mix(_color(pa), _color(pb), t)
        return _color(points[-1][1])

    def _numbers(self, g: dict) -> list[float]:
        rows = self.evaluator.resolve(self.sheet.title, g)
        return [float(v) for row in rows for v in row
                if isinstance(v, (int, float)) and not isinstance(v, bool)]

    @staticmethod
    def _point(p: dict, lo_hi: tuple[float, float]) -> float:
        lo, hi = lo_hi
        kind, val = p.get("type", "NUMBER"), _num(p.get("value")) or 0.0
        if kind == "MIN":
            return lo
        if kind == "MAX":
            return hi
        if kind in ("PERCENT", "PERCENTILE"):
            return lo + (hi - lo) * val / 100
        return val


def _truthy(ops: list) -> bool:
    if not ops:
        return False
    v = ops[0]
    if isinstance(v, CellError) or v is None:
        return False
    if isinstance(v, str):
        return v.upper() == "TRUE"
    return bool(v)


def _number_test(kind: str, x: float | None, ops: list) -> bool:
    nums = [n for n in map(_num, ops) if n is not None]
    if x is None or not nums or len(nums) < len(ops):
        return False
    a = nums[0]
    if kind == "NUMBER_GREATER":
        return x > a
    if kind == "NUMBER_GREATER_THAN_EQ":
        return x >= a
    if kind == "NUMBER_LESS":
        return x < a
    if kind == "NUMBER_LESS_THAN_EQ":
        return x <= a
    if kind == "NUMBER_EQ":
        return x == a
    if kind == "NUMBER_NOT_EQ":
        return x != a
    lo, hi = sorted(nums[:2]) if len(nums) >= 2 else (a, a)
    inside = lo <= x <= hi
    return inside if kind == "NUMBER_BETWEEN" else (not inside if kind == "NUMBER_NOT_BETWEEN" else False)


def _text_test(kind: str, v: Any, ops: list) -> bool:
    text = plain_text(v).lower()
    want = plain_text(ops[0]).lower() if ops else ""
    if kind == "TEXT_EQ":
        return text == want and v is not None
    if kind == "TEXT_NOT_EQ":
        return text != want
    if kind == "TEXT_CONTAINS":
        return want in text and v is not None
    if kind == "TEXT_NOT_CONTAINS":
        return want not in text
    if kind == "TEXT_STARTS_WITH":
        return text.startswith(want) and v is not None
    if kind == "TEXT_ENDS_WITH":
        return text.endswith(want) and v is not None
    if kind == "TEXT_IS_EMAIL":
        return "@" in text and "." in text.split("@")[-1]
    if kind == "TEXT_IS_URL":
        return text.startswith(("http://", "https://"))
    return False


_RELATIVE = {"TODAY": (0, 0), "YESTERDAY": (-1, -1), "TOMORROW": (1, 1),
             "PAST_WEEK": (-7, 0), "PAST_MONTH": (-30, 0), "PAST_YEAR": (-365, 0)}


def _day(x: Any) -> int | None:
    """A date operand -> serial day; text is parsed as typed in en_US."""
    if isinstance(x, str):
        from sheetsync.emulator.cellvalues import parse_user_entered
        x = parse_user_entered(x)[0]
    n = _num(x) if not isinstance(x, str) else None
    return None if n is None else int(n // 1)


def _date_test(kind: str, v: Any, raw: list, ops: list) -> bool:
    """DATE_* conditions on serial-number cells; relativeDate spans around today (UTC)."""
    cell = _day(v) if isinstance(v, (int, float)) and not isinstance(v, bool) else None
    if kind == "DATE_IS_VALID":
        return cell is not None
    if cell is None:
        return False
    from datetime import datetime, timezone
    from sheetsync.emulator.cellvalues import date_to_serial
    today = int(date_to_serial(datetime.now(timezone.utc).date()))
    spans = []
    for cv, op in zip(raw, ops):
        rel = cv.get("relativeDate") if isinstance(cv, dict) else None
        if rel in _RELATIVE:
            lo, hi = _RELATIVE[rel]
            spans.append((today + lo, today + hi))
        else:
            d = _day(op)
            if d is None:
                return False
            spans.append((d, d))
    if not spans:
        return False
    lo, hi = spans[0]
    if kind == "DATE_EQ":
        return lo <= cell <= hi
    if kind == "DATE_NOT_EQ":
        return not lo <= cell <= hi
    if kind == "DATE_BEFORE":
        return cell < lo
    if kind == "DATE_AFTER":
        return cell > hi
    if kind == "DATE_ON_OR_BEFORE":
        return cell <= hi
    if kind == "DATE_ON_OR_AFTER":
        return cell >= lo
    if len(spans) == 2 and kind in ("DATE_BETWEEN", "DATE_NOT_BETWEEN"):
        a, b = sorted((spans[0][0], spans[1][1]))
        return (a <= cell <= b) == (kind == "DATE_BETWEEN")
    return False


def _color(point: dict) -> dict:
    style = point.get("colorStyle") or {}
    return point.get("color") or style.get("rgbColor") or {}


def _mix(a: dict, b: dict, t: float) -> dict:
    out = {}
    for ch in ("red", "green", "blue"):
        val = a.get(ch, 0.0) * (1 - t) + b.get(ch, 0.0) * t
        if val:
            out[ch] = round(val, 6)
    return out
