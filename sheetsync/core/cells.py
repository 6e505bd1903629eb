"""Cells as volunteers type them.

Numbers: "1.234" is 1234 (Indonesian thousands separator), " 12 " is 12, and
"1,5", "12a", "-3", "½" are errors.  A blank is *not yet filled*, never zero.
With UNFORMATTED reads the API sends numbers as int/float: 12.0 is 12, 12.5 is
an error.  TPS numbers: 7, 07, 007, "TPS 7", "tps 007" are the same TPS.

Columns are parsed per *distinct value* (pd.factorize), then spread back to the
rows with one take: a sheet column has a few hundred distinct values even when
it has 820,000 rows, so the Python parser never runs once per row.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any, Callable

import numpy as np
import pandas as pd
from pandas._libs import lib as pandas_lib

# Problem codes per cell; index into PROBLEMS.
PROBLEMS = ("", "blank", "not_integer", "negative_number", "bad_tps_number", "bad_yesno")
P_OK, P_BLANK, P_NOT_INTEGER, P_NEGATIVE, P_BAD_TPS, P_BAD_YESNO = range(len(PROBLEMS))

# Every pattern applied to cell text is linear: no two unbounded quantifiers that can
# match the same character touch, and none is nested in another (tests/test_security_regex.py
# checks this). "tps" + 50,000 spaces + "x" took 30 s against `\s*[.:#-]?\s*`.
_THOUSANDS = re.compile(r"^\d{1,3}(?:\.\d{3})+$")
_NEGATIVE = re.compile(r"^[-\u2212]\s*\d[\d.]*$")
_TPS = re.compile(r"^(?:(?:tps|no|nomor|no\.)\s*(?:[.:#-]\s*)?)?(\d{1,4})$", re.I)
MAX_DIGITS = 15  # beyond this a "number" is a typo, and int64 must not overflow
# Longest cell text a pattern is applied to: a count, a TPS number or a TPS reference is
# far shorter, so longer text is wrong without being matched (an editor cannot stall a sync).
MATCH_LIMIT = 200

YES = frozenset({"ya", "y", "yes", "iya", "sudah", "udah", "sdh", "benar", "true", "1", "v", "ok", "hadir",
                 "\u2713", "\u2714", "\u2611"})          # check marks
NO = frozenset({"tidak", "tdk", "t", "no", "n", "belum", "blm", "false", "0", "gak", "nggak", "enggak",
                "tidak hadir", "-", "x", "\u2717", "\u2718", "\u2610"})  # crosses, empty box


def is_blank(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    return isinstance(value, str) and not value.strip()


def cell_text(value: Any) -> str:
    """The cell as the volunteer sees it (for messages)."""
    if is_blank(value):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def parse_int(value: Any) -> tuple[int | None, int]:
    """(value, problem code) of one cell of an integer column."""
    if is_blank(value):
        return None, P_BLANK
    if isinstance(value, bool):
        return int(value), P_OK
    if isinstance(value, (int, float)):
        if isinstance(value, float) and (not math.isfinite(value) or not value.is_integer()):
            return None, P_NOT_INTEGER
        if value < 0:
            return None, P_NEGATIVE
        return (int(value), P_OK) if value < 10 ** MAX_DIGITS else (None, P_NOT_INTEGER)
    text = str(value).strip()
    if text.isascii() and text.isdigit():
        return (int(text), P_OK) if len(text) <= MAX_DIGITS else (None, P_NOT_INTEGER)
    if len(text) > MATCH_LIMIT:
        return None, P_NOT_INTEGER
    if len(text) <= MAX_DIGITS + 4 and _THOUSANDS.match(text):
        return int(text.replace(".", "")), P_OK
    if _NEGATIVE.match(text):
        return None, P_NEGATIVE
    return None, P_NOT_INTEGER


def parse_tps(value: Any) -> tuple[int | None, int]:
    """TPS number: 7, "07", "007", "TPS 7", "tps 007", "TPS.7", 901."""
    if is_blank(value):
        return None, P_BLANK
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        number, problem = parse_int(value)
    else:
        text = str(value).strip()
        m = _TPS.match(text) if len(text) <= MATCH_LIMIT else None
        number, problem = (int(m.group(1)), P_OK) if m and m.group(1).isascii() else (None, P_BAD_TPS)
    if problem != P_OK or number is None or not 1 <= number <= 9999:
        return None, P_BAD_TPS
    return number, P_OK


def parse_yesno(value: Any) -> tuple[bool | None, int]:
    """"ya", "Ya", "sudah", "y", TRUE -> True; "tidak", "belum", "tdk", FALSE -> False."""
    if is_blank(value):
        return None, P_BLANK
    if isinstance(value, bool):
        return value, P_OK
    key = " ".join(cell_text(value).lower().replace(".", "").split())
    if key in YES:
        return True, P_OK
    if key in NO:
        return False, P_OK
    return None, P_BAD_YESNO


@dataclass
class ParsedColumn:
    values: pd.api.extensions.ExtensionArray | np.ndarray  # Int64 / boolean array, or object
    problem: np.ndarray                                     # int8 problem code per row

    @property
    def blank(self) -> np.ndarray:
        return np.asarray(self.problem == P_BLANK)

    @property
    def bad(self) -> np.ndarray:
        return self.problem > P_BLANK


def _per_distinct(cells: np.ndarray, parse: Callable[[Any], tuple[Any, int]]) -> tuple[list[Any], np.ndarray, np.ndarray]:
    codes, uniques = pd.factorize(cells, use_na_sentinel=True)
    parsed = [parse(u) for u in uniques]
    parsed.append((None, P_BLANK))  # code -1 (None / NaN) picks this one
    problems = np.fromiter((p for _, p in parsed), dtype=np.int8, count=len(parsed))
    return [v for v, _ in parsed], problems, codes


def parse_int_column(cells: np.ndarray) -> ParsedColumn:
    values, problems, codes = _per_distinct(cells, parse_int)
    ints = np.array([0 if v is None else v for v in values], dtype=np.int64)
    problem = problems[codes]
    return ParsedColumn(pd.arrays.IntegerArray(ints[codes], problem != P_OK), problem)


def parse_int_block(block: np.ndarray) -> list[ParsedColumn]:
    """Several integer columns (an n x k object array) parsed together: one
    factorisation, read row by row as the cells lie in memory, and each distinct
    value parsed once for all the columns."""
    codes, uniques = pd.factorize(block.ravel(), use_na_sentinel=True)
    return _int_columns(codes.reshape(block.shape), list(uniques))


CHUNK_ROWS = 8_192  # rows of cells a chunk holds: its ~80,000 cell objects stay in the CPU cache


def parse_int_columns(grid: np.ndarray, columns: list[int]) -> list[ParsedColumn]:
    """parse_int_block(grid[:, columns]), a chunk of rows at a time.

    Copying a chunk's cells touches every cell object once; factorising the chunk
    right after finds them still in the cache, where the whole 8-million-cell block
    would have been read from memory twice.  Each chunk's distinct values are
    numbered in order of first appearance, as one factorisation would number them."""
    n, k = grid.shape[0], len(columns)
    codes = np.empty((n, k), dtype=np.intp)
    number: dict[Any, int] = {}  # equal values share a number, as in pandas' hash table
    uniques: list[Any] = []
    for start in range(0, n, CHUNK_ROWS):
        block = grid[start:start + CHUNK_ROWS].take(columns, axis=1)
        chunk_codes, chunk_uniques = pd.factorize(block.ravel(), use_na_sentinel=True)
        to_global = np.empty(len(chunk_uniques) + 1, dtype=np.intp)
        to_global[-1] = -1  # code -1: None / NaN
        for i, value in enumerate(chunk_uniques.tolist()):
            j = number.get(value)
            if j is None:
                j = number[value] = len(uniques)
                uniques.append(value)
            to_global[i] = j
        codes[start:start + len(block)] = to_global[chunk_codes].reshape(block.shape)
    return _int_columns(codes, uniques)


def _int_columns(codes: np.ndarray, uniques: list[Any]) -> list[ParsedColumn]:
    """One ParsedColumn per column of codes (n x k, -1 = None/NaN) into uniques."""
    parsed = [parse_int(u) for u in uniques] + [(None, P_BLANK)]
    ints = np.array([0 if v is None else v for v, _ in parsed], dtype=np.int64)
    problems = np.fromiter((p for _, p in parsed), dtype=np.int8, count=len(parsed))
    out = []
    for j in range(codes.shape[1]):
        problem = problems[codes[:, j]]
        out.append(ParsedColumn(pd.arrays.IntegerArray(ints[codes[:, j]], problem != P_OK), problem))
    return out


def parse_tps_column(cells: np.ndarray) -> ParsedColumn:
    values, problems, codes = _per_distinct(cells, parse_tps)
    ints = np.array([0 if v is None else v for v in values], dtype=np.int64)
    problem = problems[codes]
    return ParsedColumn(pd.arrays.IntegerArray(ints[codes], problem != P_OK), problem)


def parse_yesno_column(cells: np.ndarray) -> ParsedColumn:
    values, problems, codes = _per_distinct(cells, parse_yesno)
    flags = np.array([bool(v) for v in values], dtype=bool)
    problem = problems[codes]
    return ParsedColumn(pd.arrays.BooleanArray(flags[codes], problem != P_OK), problem)


_blank_text = np.frompyfunc(is_blank, 1, 1)


def parse_text_column(cells: np.ndarray, *, exact: bool = False) -> ParsedColumn:
    """Text stays as typed; only blankness matters here.

    Fast path: None/NaN and "" (C-level comparisons).  exact=True also catches
    whitespace-only cells (one Python call per non-empty cell); check() does
    that for required columns and for rows that would otherwise be blank."""
    blank = text_blank(cells)
    if exact:
        recheck_blank(cells, blank, np.flatnonzero(~blank))
    problem = np.where(blank, P_BLANK, P_OK).astype(np.int8)
    return ParsedColumn(cells, problem)


# C-speed list-of-lists -> 2-D object array (pads short rows with None); private to pandas,
# so looked up: if pandas moves it, the plain path in grid_of still works
_to_object_array: Callable[..., np.ndarray] | None = getattr(pandas_lib, "to_object_array", None)


def grid_of(rows: list[list[Any]], width: int) -> np.ndarray:
    """Rows of cells as the API sends them (short rows end early) -> an n x width object array,
    padded with None."""
    if not rows:
        return np.empty((0, width), dtype=object)
    if _to_object_array is not None:
        try:
            return _to_object_array(rows, min_width=width)
        except TypeError:  # rows given as tuples
            return _to_object_array([list(r) for r in rows], min_width=width)
    width = max(width, max(len(r) for r in rows))
    grid = np.empty((len(rows), width), dtype=object)
    for i, r in enumerate(rows):
        grid[i, : len(r)] = r
    return grid


_NONE = np.array(None, dtype=object)   # compared cell by cell with an object array


def text_blank(cells: np.ndarray) -> np.ndarray:
    """None and "" cells (the fast test: whitespace-only cells count as filled)."""
    # One C-level truth test per cell: None and "" are false.  The few false cells
    # are then checked for being None or "" (not 0 or False typed in a text column).
    # The API never sends NaN; short rows are padded with None.
    blank = ~cells.astype(bool)
    falsy = np.flatnonzero(blank)
    if len(falsy):
        some = cells[falsy]
        blank[falsy] = (some == "") | np.equal(some, _NONE)
    return blank


class LazyParsedColumn(ParsedColumn):
    """A ParsedColumn whose problem codes are worked out on first use: check()
    gives text columns that no rule may ask about (addresses, names) this form,
    so their 820,000 cells are not tested for blankness for nothing."""

    def __init__(self, values: np.ndarray, problem_of: Callable[[], np.ndarray]):
        self.values = values
        self._problem_of: Callable[[], np.ndarray] | None = problem_of
        self._problem: np.ndarray | None = None

    @property
    def problem(self) -> np.ndarray:
        if self._problem is None:
            assert self._problem_of is not None
            self._problem, self._problem_of = self._problem_of(), None
        return self._problem

    @problem.setter
    def problem(self, value: np.ndarray) -> None:
        self._problem, self._problem_of = value, None


def recheck_blank(cells: np.ndarray, blank: np.ndarray, rows: np.ndarray) -> None:
    """Set blank[rows] exactly (whitespace-only cells of any kind)."""
    if len(rows):
        blank[rows] = _blank_text(cells[rows]).astype(bool)


TEXT_TYPES = ("text", "code", "phone", "photo")  # parsed for blankness only: never a bad cell

PARSERS: dict[str, Callable[[np.ndarray], ParsedColumn]] = {
    "integer": parse_int_column,
    "tps": parse_tps_column,
    "yesno": parse_yesno_column,
    "text": parse_text_column,
    "code": parse_text_column,
    "phone": parse_text_column,   # normalised by the saksi rules
    "photo": parse_text_column,   # a link's shape is checked by rules/photo.py
}
# Region columns (kecamatan, kelurahan) are not here: regions.name_codes reads their
# blankness and their matching keys in one factorisation.
