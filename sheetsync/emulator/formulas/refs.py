"""Rewriting references inside formula text: after rows/columns move, when a
formula is pasted elsewhere, and when a tab is renamed."""
from __future__ import annotations

import re
from typing import Callable

from sheetsync.emulator.formulas.syntax import ParseError, col_index, matched, tokenize

# --------------------------------------------------------- reference rewriting

_ENDPOINT = re.compile(r"(\$?)([A-Za-z]*)(\$?)([0-9]*)")


def _col_letters(index: int) -> str:
    out, n = "", index + 1
    while n:
        n, rem = divmod(n - 1, 26)
        out = chr(65 + rem) + out
    return out


def _rewrite(formula: str, edit: Callable[[str | None, str], str | None]) -> str:
    """Apply `edit(sheet_or_None, ref_text) -> new ref text | None (= #REF!)` to every reference."""
    if not formula.startswith("="):
        return formula
    body = formula[1:]
    try:
        tokens = tokenize(body)
    except ParseError:
        return formula
    out, pos, changed = [], 0, False
    for t in tokens:
        if t.kind != "REF":
            continue
        new = edit(t.sheet, t.text)
        if new == t.text:
            continue
        changed = True
        if new is None:
            out.append(body[pos:t.start])
            out.append("#REF!")
        elif isinstance(new, tuple):  # ("whole", text): the sheet prefix changes too
            out.append(body[pos:t.start])
            out.append(new[1])
        else:
            out.append(body[pos:t.end - len(t.text)])
            out.append(new)
        pos = t.end
    if not changed:
        return formula
    out.append(body[pos:])
    return "=" + "".join(out)


def _endpoints(text: str) -> list[list[str]]:
    """Each end of a reference the tokenizer found ($, letters, $, digits), as editable parts."""
    return [list(matched(_ENDPOINT.fullmatch(p)).groups()) for p in text.split(":")]


def _join(parts: list[list[str]]) -> str:
    return ":".join("".join(p) for p in parts)


def _get(p: list[str], axis: int) -> int | None:
    if axis == 0:
        return int(p[3]) - 1 if p[3] else None
    return col_index(p[1]) if p[1] else None


def _corner(p: list[str], axis: int) -> int:
    """The row (axis 0) or column of a cell reference's end: a box's corners name both."""
    idx = _get(p, axis)
    if idx is None:
        raise ParseError("a cell reference without a row or column")
    return idx


def _put(p: list[str], axis: int, idx: int) -> None:
    if axis == 0:
        p[3] = str(idx + 1)
    else:
        p[1] = _col_letters(idx)


def shift_references(formula: str, own_title: str, target_title: str, axis: int,
                     start: int, delta: int, end: int | None = None) -> str:
    """References into `target_title` after inserting `delta` rows/columns (axis 0/1)
    before index `start`, or deleting [start, end) when delta < 0.

    References inside a deleted block become #REF!, ranges shrink or grow as
    Google moves them.
    """
    target = target_title.lower()
    stop = start - delta if end is None else end      # a deletion of -delta rows or columns

    def edit(sheet: str | None, text: str) -> str | None:
        if (sheet if sheet is not None else own_title).lower() != target:
            return text
        parts = _endpoints(text)
        idx = [_get(p, axis) for p in parts]
        if all(i is None for i in idx):
            return text
        if delta > 0:
            for p, i in zip(parts, idx):
                if i is not None and i >= start:
                    _put(p, axis, i + delta)
            return _join(parts)
        width = stop - start
        known = [i for i in idx if i is not None]
        if len(parts) == 1 or len(known) < len(idx):
            if start <= known[0] < stop:
                return None
            for p, j in zip(parts, idx):
                if j is not None and j >= stop:
                    _put(p, axis, j - width)
            return _join(parts)
        lo, hi = min(known), max(known)
        if lo >= start and hi < stop:
            return None
        new_lo = lo if lo < start else (start if lo < stop else lo - width)
        new_hi = hi if hi < start else (start - 1 if hi < stop else hi - width)
        _put(parts[0], axis, new_lo)
        _put(parts[1], axis, new_hi)
        return _join(parts)

    return _rewrite(formula, edit)


def shift_relative(formula: str, dr: int, dc: int) -> str:
    """Move the relative (non-$) parts of every reference by dr rows and dc columns,
    as Google does when it applies a formula to another cell (custom-formula rules)."""
    if dr == 0 and dc == 0:
        return formula

    def edit(sheet: str | None, text: str) -> str | None:
        parts = _endpoints(text)
        for p in parts:
            if p[3] and not p[2]:
                r = int(p[3]) - 1 + dr
                if r < 0:
                    return None
                p[3] = str(r + 1)
            if p[1] and not p[0]:
                c = col_index(p[1]) + dc
                if c < 0:
                    return None
                p[1] = _col_letters(c)
        return _join(parts)

    return _rewrite(formula, edit)


_PLAIN_TITLE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_CELL_LIKE = re.compile(r"^[A-Za-z]{1,3}[0-9]+$|^[Rr][0-9]*[Cc][0-9]*$")


def quote_title(title: str) -> str:
    if _PLAIN_TITLE.match(title) and not _CELL_LIKE.match(title):
        return title
    return "'" + title.replace("'", "''") + "'"


def rename_sheet_references(formula: str, old: str, new: str) -> str:
    """Explicit references to tab `old` point at `new` (Google rewrites them on rename)."""
    if old.lower() not in formula.lower().replace("''", "'"):
        return formula  # cheap test first: most formulas never name the tab
    target = old.lower()

    def edit(sheet: str | None, text: str):
        if sheet is None or sheet.lower() != target:
            return text
        return ("whole", quote_title(new) + "!" + text)

    return _rewrite(formula, edit)


def _cell_box(text: str) -> tuple[list[list[str]], int, int, int, int] | None:
    """Endpoints and inclusive (row lo, row hi, col lo, col hi) of a cell or cell range."""
    parts = _endpoints(text)
    if any(not p[1] or not p[3] for p in parts):
        return None  # whole rows or columns never move with a block of cells
    rows = [int(p[3]) - 1 for p in parts]
    cols = [col_index(p[1]) for p in parts]
    return parts, min(rows), max(rows), min(cols), max(cols)


def _box_on(sheet: str | None, own_title: str, target: str,
            text: str) -> tuple[list[list[str]], int, int, int, int] | None:
    """_cell_box of a reference on tab `target` (lower-cased); None for other tabs, whole rows or columns."""
    if (sheet if sheet is not None else own_title).lower() != target:
        return None
    return _cell_box(text)


def move_block_references(formula: str, own_title: str, src_title: str,
                          box: tuple[int, int, int, int], dst_title: str, dr: int, dc: int) -> str:
    """References lying wholly inside `box` (r0, r1, c0, c1 half-open) of `src_title`
    point at the block's new place after a cut and paste, as in Google."""
    r0, r1, c0, c1 = box
    src, same_tab = src_title.lower(), src_title.lower() == dst_title.lower()

    def edit(sheet: str | None, text: str):
        found = _box_on(sheet, own_title, src, text)
        if found is None:
            return text
        parts, ra, rb, ca, cb = found
        if not (r0 <= ra and rb < r1 and c0 <= ca and cb < c1):
            return text
        for p in parts:
            _put(p, 0, int(p[3]) - 1 + dr)
            _put(p, 1, col_index(p[1]) + dc)
        if same_tab:
            return _join(parts)
        return ("whole", quote_title(dst_title) + "!" + _join(parts))

    return _rewrite(formula, edit)


def close_gap_references(formula: str, own_title: str, title: str,
                         box: tuple[int, int, int, int], axis: int) -> str:
    """After deleteRange of `box` shifting cells up (axis 0) or left (axis 1):
    references into the block become #REF!, references wholly beyond it within
    its columns (rows) move back; partial overlaps stay as written."""
    r0, r1, c0, c1 = box
    target = title.lower()

    def edit(sheet: str | None, text: str):
        found = _box_on(sheet, own_title, target, text)
        if found is None:
            return text
        parts, ra, rb, ca, cb = found
        lo, hi, gap_lo, gap_hi = (ra, rb, r0, r1) if axis == 0 else (ca, cb, c0, c1)
        slo, shi, span_lo, span_hi = (ca, cb, c0, c1) if axis == 0 else (ra, rb, r0, r1)
        if not (span_lo <= slo and shi < span_hi):
            return text
        if gap_lo <= lo and hi < gap_hi:
            return None
        if lo >= gap_hi:
            for p in parts:
                _put(p, axis, _corner(p, axis) - (gap_hi - gap_lo))
            return _join(parts)
        return text

    return _rewrite(formula, edit)
