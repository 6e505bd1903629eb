"""Indonesian mobile numbers as people type them.

``0812-3456-7890``, ``+62 812 3456 7890``, ``6281234567890`` and ``81234567890``
(what Sheets keeps when someone types 0812... into a number-formatted cell) are
one number.  After normalising, a mobile number is 08, then a digit other than 0
(toll-free) and 4 (unallocated), then 7 to 10 more digits (10 to 13 digits in all;
+628... in international form).  Anything else is invalid.  The sheet keeps
what was typed: this module only reads.

A number is held as an int64, its *national significant number* without the
trunk 0 (81234567890): equal numbers compare equal in one numpy operation.

Why not a loop with ``re``: a national sheet has ~820,000 rows and almost every
phone is distinct, so deduplicating does not help and a Python call per cell
costs over a second.  Instead the cells are joined into one UTF-32 buffer and
every character is classified with numpy; per-row counts and values come from
``np.bincount`` over the row number of each character.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from sheetsync.core.cells import is_blank

P_OK, P_BLANK, P_INVALID = 0, 1, 2
MIN_DIGITS, MAX_DIGITS = 10, 13          # with the leading 0: 08xx-xxxx-xx .. 08xx-xxxx-xxxxx
CHUNK = 32_768                          # cells per pass: small temporaries stay in cache (~20 MB)

# Character classes, looked up per byte.  Separators are typed between digit
# groups; "/" is not one: "0812.. / 0813.." is two numbers.
C_OTHER, C_DIGIT, C_PLUS, C_SEP, C_SPACE = 0, 1, 2, 3, 4
_CLASS = np.zeros(256, dtype=np.uint8)
_CLASS[ord("0"):ord("9") + 1] = C_DIGIT
_CLASS[ord("+")] = C_PLUS
for _c in "-.()'":
    _CLASS[ord(_c)] = C_SEP
for _c in map(chr, range(128)):
    if _c.isspace():
        _CLASS[ord(_c)] = C_SPACE
# Non-ASCII spaces and dashes become ASCII ones first (one character for one, so
# positions do not move); any other non-ASCII character becomes "?" (other).
_TO_ASCII = str.maketrans({**{chr(c): " " for c in range(128, 0x10000) if chr(c).isspace()},
                           **{c: "-" for c in "\u2010\u2011\u2012\u2013\u2014\u2212"}})
_POW10 = 10.0 ** np.arange(16)
_POW10_INT = 10 ** np.arange(19, dtype=np.int64)


@dataclass
class PhoneColumn:
    number: np.ndarray    # int64 national significant number (81234567890); 0 if blank or invalid
    problem: np.ndarray   # int8: P_OK, P_BLANK or P_INVALID

    @property
    def valid(self) -> np.ndarray:
        return np.asarray(self.problem == P_OK)

    @property
    def blank(self) -> np.ndarray:
        return np.asarray(self.problem == P_BLANK)

    @property
    def invalid(self) -> np.ndarray:
        return np.asarray(self.problem == P_INVALID)

    def canonical(self) -> np.ndarray:
        """"081234567890" per cell, None where blank or invalid (for tests and exports)."""
        out = np.full(len(self.number), None, dtype=object)
        ok = np.flatnonzero(self.valid)
        out[ok] = [canonical(int(v)) for v in self.number[ok]]
        return out


def canonical(number: int) -> str:
    """National form with the trunk 0: 81234567890 -> "081234567890"."""
    return f"0{number}"


def international(number: int) -> str:
    """81234567890 -> "+6281234567890" (the form WhatsApp links use)."""
    return f"+62{number}"


def normalise(value: Any) -> str | None:
    """One cell: "0812-3456-7890" -> "081234567890"; None if blank or not a mobile number."""
    col = normalise_column(np.array([value], dtype=object))
    return canonical(int(col.number[0])) if col.problem[0] == P_OK else None


def normalise_column(cells: np.ndarray, not_empty: np.ndarray | None = None) -> PhoneColumn:
    """Every cell of a phone column, vectorised (see the module docstring).

    not_empty: the cells that are not None/NaN/"" when the caller knows them
    already (check() parsed the column); whitespace-only cells may be included."""
    cells = np.asarray(cells, dtype=object)
    n = len(cells)
    number = np.zeros(n, dtype=np.int64)
    problem = np.full(n, P_BLANK, dtype=np.int8)
    typed = np.flatnonzero(_not_empty(cells) if not_empty is None else not_empty)
    for start in range(0, len(typed), CHUNK):
        pos = typed[start:start + CHUNK]
        texts = cells[pos].tolist()
        try:  # all text (the usual case): the join _parse_texts needs is the type check
            joined, bad = "\0".join(texts), np.zeros(len(texts), dtype=bool)
        except TypeError:  # numbers from an unformatted read, NaN, True...
            texts, bad = _as_text(cells[pos])
            joined = "\0".join(texts)
        num, prob = _parse_texts(texts, joined)
        prob[bad] = P_INVALID
        number[pos], problem[pos] = np.where(prob == P_OK, num, 0), prob
    return PhoneColumn(number, problem)


_is_blank = np.frompyfunc(is_blank, 1, 1)
_isspace = np.frompyfunc(str.isspace, 1, 1)


def _not_empty(cells: np.ndarray) -> np.ndarray:
    """Not None or "" (whitespace-only and NaN still count: callers look closer)."""
    try:
        truthy = cells.astype(bool)   # one C-level truth test per cell: None, "" -> False
    except (TypeError, ValueError):   # pd.NA and the like refuse a truth value
        return np.asarray(~(pd.isna(cells) | (cells == "")), dtype=bool)
    falsy = np.flatnonzero(~truthy)
    if len(falsy) and pd.api.types.infer_dtype(cells[falsy], skipna=True) not in ("empty", "string"):
        truthy[falsy] = ~_is_blank(cells[falsy]).astype(bool)   # 0 or False typed: a value
    return truthy


def filled(values: Any) -> np.ndarray:
    """Cells holding more than whitespace, exactly (a saksi typed as "  " is no
    saksi).  C-level truth tests, then one str.isspace per non-empty cell."""
    cells = np.asarray(values, dtype=object)
    out = _not_empty(cells)
    rest = np.flatnonzero(out)
    if len(rest):
        sub = cells[rest]
        try:
            blank = _isspace(sub)
        except TypeError:             # a number or NaN among the text: the careful way
            blank = _is_blank(sub)
        out[rest] = ~blank.astype(bool)
    return out


def _as_text(values: np.ndarray) -> tuple[list[str], np.ndarray]:
    """Cells as text.  The API gives numbers typed without a quote as int/float
    (0812... becomes 81234567890): those are written out as whole numbers.  A
    true/false or a fraction can never be a phone number."""
    bad = np.zeros(len(values), dtype=bool)
    if pd.api.types.infer_dtype(values, skipna=False) == "string":
        return values.tolist(), bad
    texts = []
    for i, v in enumerate(values.tolist()):  # mixed column: rare, so one pass is fine
        if isinstance(v, str):
            texts.append(v)
        elif is_blank(v):                    # NaN: blank, like an empty cell
            texts.append("")
        elif isinstance(v, bool) or not isinstance(v, (int, float)):
            texts.append("")
            bad[i] = True
        elif v < 0 or (isinstance(v, float) and not (np.isfinite(v) and v.is_integer())):
            texts.append("")
            bad[i] = True
        else:
            texts.append(str(int(v)))
    return texts, bad


def _parse_texts(texts: list[str], joined: str | None = None) -> tuple[np.ndarray, np.ndarray]:
    m = len(texts)
    # Cells joined with NUL between them: the row of each character is the count
    # of NULs before it (no per-cell len() call, which costs a cache miss each).
    if joined is None:
        joined = "\0".join(texts)
    if not joined.isascii():
        joined = joined.translate(_TO_ASCII)
    chars = np.frombuffer(joined.encode("ascii", errors="replace"), dtype=np.uint8)
    nul = chars == 0
    row = np.cumsum(nul, dtype=np.int32)
    if m and (int(row[-1]) if len(row) else 0) != m - 1:   # a NUL inside a cell: use lengths
        lengths = np.fromiter(map(len, texts), dtype=np.int64, count=m)
        chars = np.frombuffer(joined.replace("\0", "?").encode("ascii", errors="replace"), dtype=np.uint8)
        chars = np.delete(chars, np.cumsum(lengths + 1)[:-1] - 1)   # drop the joining NULs
        row = np.repeat(np.arange(m, dtype=np.int32), lengths)
    cls = _CLASS[chars]              # NUL is C_OTHER but only joins cells; see below
    cls[chars == 0] = C_SPACE
    seps = np.bincount(row[cls == C_SEP], minlength=m)     # few: cheaper than counting the rest
    digit_pos = np.flatnonzero(cls == C_DIGIT)
    digit_row = row[digit_pos]
    n_digits = np.bincount(digit_row, minlength=m)
    other = np.bincount(row[cls == C_OTHER], minlength=m)
    digits_end = np.cumsum(n_digits)              # digits up to the end of each row
    digits_start = digits_end - n_digits
    # a "+" counts only in front of the first digit of its row, and only once
    plus_pos = np.flatnonzero(cls == C_PLUS)
    plus_row = row[plus_pos]
    plus_count = np.bincount(plus_row, minlength=m)
    late = np.searchsorted(digit_pos, plus_pos) > digits_start[plus_row]
    late_plus = np.bincount(plus_row[late], minlength=m)

    problem = np.full(m, P_INVALID, dtype=np.int8)
    problem[(n_digits == 0) & (other == 0) & (plus_count == 0) & (seps == 0)] = P_BLANK   # only whitespace
    shape_ok = (other == 0) & (late_plus == 0) & (plus_count <= 1) & (n_digits >= 9) & (n_digits <= 15)
    # value of the digit string; exact in float64 since at most 15 digits < 2**53
    rank = (digits_end - 1)[digit_row] - np.arange(len(digit_pos))
    digit_value = (chars[digit_pos] - ord("0")) * _POW10[np.clip(rank, 0, 15)]
    sums = np.bincount(digit_row, weights=digit_value, minlength=m)
    sums[n_digits > 15] = 0                        # junk (invalid anyway): keep the cast in range
    value = np.rint(sums).astype(np.int64)
    number, ok = _national(value, n_digits, plus_count > 0)
    good = shape_ok & ok
    problem[good] = P_OK
    return np.where(good, number, 0), problem


def _national(value: np.ndarray, n_digits: np.ndarray, has_plus: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Strip 62 / +62 / 0 in front; what is left must be 8 followed by 8-11 digits."""
    p10 = _POW10_INT
    nd = np.clip(n_digits, 2, 15)
    lead1 = value // p10[nd - 1]
    lead2 = value // p10[nd - 2]
    country = lead2 == 62
    strip = np.where(country, 2, np.where(lead1 == 0, 1, 0))
    # the trunk 0 is kept at the start of digit strings: a leading 0 shows as fewer digits of value
    trunk = (lead1 == 0) & ~country
    rest_digits = n_digits - strip
    rest = value % p10[np.clip(rest_digits, 0, 18)]
    # "+62 0812..." (trunk 0 kept after the country code) is common: accept it
    after_country_zero = country & (rest_digits >= 1) & (rest // p10[np.clip(rest_digits - 1, 0, 18)] == 0)
    rest_digits = np.where(after_country_zero, rest_digits - 1, rest_digits)
    first = rest // p10[np.clip(rest_digits - 1, 0, 18)]
    # 080x is toll-free and 084x unallocated: mobile prefixes are 08[1-35-9]
    second = rest // p10[np.clip(rest_digits - 2, 0, 18)] % 10
    national_len = rest_digits + 1    # with the trunk 0
    ok = ((country | trunk | (lead1 == 8)) & ~(has_plus & ~country) & (first == 8)
          & (second != 0) & (second != 4)
          & (national_len >= MIN_DIGITS) & (national_len <= MAX_DIGITS))
    return rest, ok
