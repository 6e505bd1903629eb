"""Shared pieces of spreadsheets:batchUpdate: the copy-on-write transaction,
field-mask updates and GridRange arithmetic.

Atomicity without copying a 10M-cell sheet: `Txn` starts from a shallow
copy of the workbook whose sheets are the live Sheet objects. The first time
a request touches a sheet it is replaced in the working list by a shallow
clone (properties deep-copied); each attribute a request is about to mutate
is copied once (`need`), and rows of `values` are copied one by one (`rows`).
The live workbook is never mutated; `Spreadsheet.adopt` swaps the work in.
"""
from __future__ import annotations

import copy
from typing import Any, Callable, Iterable

from sheetsync.emulator.auth import DEFAULT_PROJECT
from sheetsync.emulator.fields import Mask
from sheetsync.emulator.fields import parse as parse_mask
from sheetsync.emulator.model import Sheet, Spreadsheet
from sheetsync.emulator.protection import PROTECTED, may_edit, may_insert  # noqa: F401  (one rule for values and batch)

SPARSE = ("formulas", "formats", "notes", "validations")  # per-cell dicts that move with their cells
_DICT_ATTRS = ("formulas", "formats", "notes", "validations", "row_meta", "col_meta")
_JSON_ATTRS = ("merges", "conditional_formats", "protected_ranges", "charts",
               "developer_metadata", "basic_filter", "banded_ranges", "filter_views")


class Bad(Exception):
    """A request is invalid; the text follows 'Invalid requests[i].kind: '."""


class Txn:
    """Copy-on-write working copy of one spreadsheet for one batchUpdate."""

    def __init__(self, ss: Spreadsheet, user: str | None = None, project: str = DEFAULT_PROJECT):
        work = Spreadsheet.__new__(Spreadsheet)
        work.__dict__.update(ss.__dict__)
        work.properties = copy.deepcopy(ss.properties)
        work.sheets = list(ss.sheets)
        work.named_ranges = copy.deepcopy(ss.named_ranges)
        work.developer_metadata = copy.deepcopy(ss.developer_metadata)
        self.live = ss
        self.work = work
        self.user = user  # caller's e-mail in strict mode: protected ranges apply
        self.project = project  # caller's Cloud project: PROJECT developer metadata is its own
        self._copied: dict[int, set[str]] = {}   # id(working sheet) -> attrs copied
        self._own_rows: set[int] = set()         # id() of row lists private to the work
        self._all_own: set[int] = set()          # id(working sheet) whose rows are all private

    def guard(self, sheet: Sheet, r0: int, r1: int, c0: int, c1: int) -> None:
        """Bad(...) when the caller may not edit that block of a protected range."""
        if self.user and not may_edit(self.work, sheet, r0, r1, c0, c1, self.user):
            raise Bad(PROTECTED)

    def guard_insert(self, sheet: Sheet, axis: int, start: int) -> None:
        """Bad(...) when rows/columns inserted at ``start`` would land inside a protected range."""
        if self.user and not may_insert(self.work, sheet, axis, start, self.user):
            raise Bad(PROTECTED)

    def guard_lines(self, sheet: Sheet, axis: int, start: int, end: int) -> None:
        """Bad(...) when whole rows (axis 0) or columns [start, end) touch a protected range."""
        if axis == 0:
            self.guard(sheet, start, end, 0, sheet.column_count)
        else:
            self.guard(sheet, 0, sheet.row_count, start, end)

    # -- sheets ---------------------------------------------------------------
    def find(self, sheet_id: Any, what: str = "grid") -> Sheet:
        """The working sheet with this id (read-only use), or Bad("No grid with id: 7")."""
        for s in self.work.sheets:
            if s.sheet_id == sheet_id:
                return s
        raise Bad(f"No {what} with id: {sheet_id}")

    def sheet(self, sheet_id: Any, *need: str, what: str = "grid") -> Sheet:
        """The working sheet, made private for its properties and the `need` attrs."""
        s = self.find(sheet_id, what)
        if id(s) not in self._copied:
            clone = Sheet.__new__(Sheet)
            clone.__dict__.update(s.__dict__)
            clone.properties = copy.deepcopy(s.properties)
            self.work.sheets[self.work.sheets.index(s)] = clone
            self._copied[id(clone)] = set()
            s = clone
        done = self._copied[id(s)]
        if "*" in need:  # structural changes: every container the model may shift
            need = tuple(a for a in need if a != "*") + tuple(
                a for a, v in s.__dict__.items()
                if a != "properties" and isinstance(v, (dict, list)) and a not in done)
        for attr in need:
            if attr in done:
                continue
            if attr == "values":
                s.values = list(s.values)
            elif attr in _DICT_ATTRS:
                setattr(s, attr, dict(getattr(s, attr)))
            else:
                setattr(s, attr, copy.deepcopy(getattr(s, attr)))
            done.add(attr)
        return s

    def add(self, sheet: Sheet) -> None:
        """Register a sheet created by this batch (it is private already)."""
        self._copied[id(sheet)] = set(_DICT_ATTRS + _JSON_ATTRS + ("values",))
        self._all_own.add(id(sheet))

    def rows(self, sheet: Sheet, r0: int, r1: int) -> None:
        """Make rows r0..r1-1 of a working sheet's values private before mutating them."""
        if "values" not in self._copied.get(id(sheet), ()):
            raise RuntimeError("call sheet(id, 'values') first")
        if id(sheet) in self._all_own:
            return
        values = sheet.values
        if (min(r1, len(values)) - r0) * 2 > len(values):
            self.all_rows(sheet)
            return
        own = self._own_rows
        for r in range(r0, min(r1, len(values))):
            row = values[r]
            if id(row) not in own:
                row = row[:]
                values[r] = row
                own.add(id(row))

    def refresh_formulas(self) -> None:
        """Between two requests of one batch: the formula cells of the sheets changed so far
        show their values now, as Google's do for the next request (a sort by a formula
        column, deleteDuplicates, findReplace). The stored values are otherwise refreshed
        only when the whole batch is done."""
        changed = [s for s in self.work.sheets if s.formulas and "values" in self._copied.get(id(s), ())]
        if not changed:
            return
        from sheetsync.emulator.formulas.evaluate import WorkbookEvaluator
        ev = WorkbookEvaluator(self.work)
        try:
            fresh = [(s, [(r, c, ev.cell(s, r, c)) for (r, c) in ev.formula_cells(s)]) for s in changed]
        except RecursionError:            # a chain too deep for one pass: the batch-end recalculation handles it
            return
        for s, cells in fresh:
            self.sheet(s.sheet_id, "values", "formulas")
            for r, c, value in cells:
                self.rows(s, r, r + 1)
                s.set(r, c, value, s.formulas[(r, c)])

    def all_rows(self, sheet: Sheet) -> None:
        """Every row private (column operations, big sorts): one list copy per row."""
        if id(sheet) in self._all_own:
            return
        self.sheet(sheet.sheet_id, "values")
        own = self._own_rows
        sheet.values[:] = [row if id(row) in own else row[:] for row in sheet.values]
        self._all_own.add(id(sheet))


# One batchUpdate request kind: (transaction, the request's payload) -> its reply.
Handler = Callable[[Txn, dict], dict]


def find_object(txn: Txn, attr: str, key: str, wanted: Any) -> tuple[Sheet, int]:
    """The sheet (made writable for ``attr``) and index of the object whose ``key`` is ``wanted``
    among every sheet's ``attr`` list (filter views, banded ranges, charts)."""
    for s in txn.work.sheets:
        for i, obj in enumerate(getattr(s, attr)):
            if obj.get(key) == wanted:
                return txn.sheet(s.sheet_id, attr), i
    raise Bad(f"No object with id: {wanted}")


def update_object(txn: Txn, req: dict, body: str, attr: str, key: str) -> dict:
    """update<Object> of an object kept in a sheet's ``attr`` list (filter views, banded
    ranges): ``req[body]`` over it under ``req["fields"]``, its id kept."""
    src = req.get(body) or {}
    sheet, i = find_object(txn, attr, key, src.get(key))
    objects = getattr(sheet, attr)
    new = masked(objects[i], src, mask_of(req.get("fields")))
    new[key] = objects[i][key]
    objects[i] = new
    return {}


# ------------------------------------------------------------------ masks

def mask_of(fields: Any, what: str = "fields") -> Mask:
    if not isinstance(fields, str) or not fields.strip():
        raise Bad(f"At least one field must be listed in '{what}'. (Use '*' to indicate all fields.)")
    # gspread writes "gridProperties/frozenRowCount"; Google accepts "/" like "."
    return parse_mask(fields.replace("/", "."))


def masked(dst: Any, src: Any, mask: Mask) -> Any:
    """`dst` updated from `src` for the paths in `mask` (absent in src = cleared).

    Returns a new object; neither input is mutated (stored JSON is shared).
    """
    if mask == {} or "*" in mask:
        return copy.deepcopy(src)
    out = dict(dst) if isinstance(dst, dict) else {}
    src = src if isinstance(src, dict) else {}
    for key, sub in mask.items():
        if sub == {}:
            if key in src and src[key] is not None:
                out[key] = copy.deepcopy(src[key])
            else:
                out.pop(key, None)
        else:
            val = masked(out.get(key), src.get(key), sub)
            if val not in (None, {}):
                out[key] = val
            else:
                out.pop(key, None)
    return out


# ------------------------------------------------------------------ ranges

def need_int(obj: dict, key: str, default: int | None = None) -> int:
    v = obj.get(key, default)
    if v is None or isinstance(v, bool) or not isinstance(v, int):
        if isinstance(v, str) and v.lstrip("-").isdigit():
            return int(v)
        raise Bad(f"Missing or invalid {key}.")
    return v


def bounds(sheet: Sheet, gr: dict | None, *, strict: bool = False) -> tuple[int, int, int, int]:
    """GridRange -> (r0, r1, c0, c1) on the grid; missing ends are unbounded.

    As Google answers (measured on repeatCell): a range that starts at or past the grid's
    last row or column is refused, one that starts inside is taken and cut to the grid,
    which does not grow. ``strict``: a range the emulator worked out itself (where data
    lands) must lie wholly inside the grid."""
    gr = gr or {}
    r0 = gr.get("startRowIndex") or 0
    c0 = gr.get("startColumnIndex") or 0
    given_r1, given_c1 = gr.get("endRowIndex"), gr.get("endColumnIndex")
    r1 = sheet.row_count if given_r1 is None else given_r1
    c1 = sheet.column_count if given_c1 is None else given_c1
    for v in (r0, r1, c0, c1):
        if not isinstance(v, int) or isinstance(v, bool) or v < 0:
            raise Bad("GridRange indexes must be non-negative integers.")
    rows, cols = sheet.row_count, sheet.column_count
    outside = (r0 >= rows and (rows or given_r1 is not None)) or (c0 >= cols and (cols or given_c1 is not None))
    if outside or r0 > r1 or c0 > c1 or (strict and (r1 > rows or c1 > cols)):
        raise Bad(f"Range ({_grid_text(sheet, r0, c0, given_r1, given_c1)}) exceeds grid limits. "
                  f"Max rows: {rows}, max columns: {cols}")
    return r0, min(r1, rows), c0, min(c1, cols)


def _grid_text(sheet: Sheet, r0: int, c0: int, r1: int | None, c1: int | None) -> str:
    """A GridRange as Google's grid-limit message names it: an open end shows only the
    bounded part ('T!A1001:B' for open rows, 'T!AA1:2' for open columns)."""
    from sheetsync.emulator.a1 import format_range
    if r1 is None and c1 is None:
        r1, c1 = max(sheet.row_count, r0 + 1), max(sheet.column_count, c0 + 1)
    return format_range(sheet.title, r0, c0, r1, c1)


def range_sheet_id(gr: Any) -> int:
    if not isinstance(gr, dict):
        raise Bad("Missing range.")
    return gr.get("sheetId", 0) or 0


def clean_range(sheet: Sheet, gr: dict | None) -> dict:
    """GridRange as Google echoes it: sheetId plus the indexes that were given (none: the
    whole sheet, as ``bounds`` reads it)."""
    out = {"sheetId": sheet.sheet_id}
    for key in ("startRowIndex", "endRowIndex", "startColumnIndex", "endColumnIndex"):
        if gr and gr.get(key) is not None:
            out[key] = gr[key]
    return out


def shift_grid_range(gr: dict, axis: int, start: int, delta: int,
                     end: int | None = None) -> dict | None:
    """Move a GridRange after inserting (delta > 0 at start) or deleting [start, end).

    Returns the new range, or None when a deletion removes it entirely.
    """
    lo_key, hi_key = (("startRowIndex", "endRowIndex") if axis == 0
                      else ("startColumnIndex", "endColumnIndex"))
    lo, hi = gr.get(lo_key), gr.get(hi_key)
    out = dict(gr)
    if delta > 0:
        if lo is not None and lo >= start:
            out[lo_key] = lo + delta
        if hi is not None and hi > start:
            out[hi_key] = hi + delta
        return out
    assert end is not None
    width = end - start
    lo_v = lo or 0
    new_lo = lo_v if lo_v < start else (start if lo_v < end else lo_v - width)
    if hi is None:
        if lo is not None:
            out[lo_key] = new_lo
        return out
    new_hi = hi if hi <= start else (start if hi <= end else hi - width)
    if new_hi <= new_lo:
        return None
    if lo is not None:
        out[lo_key] = new_lo
    out[hi_key] = new_hi
    return out


def cells_of(r0: int, r1: int, c0: int, c1: int) -> Iterable[tuple[int, int]]:
    for r in range(r0, r1):
        for c in range(c0, c1):
            yield r, c


def overlaps(a: dict, b: dict) -> bool:
    """Do two GridRanges on the same sheet intersect?"""
    big = 1 << 40

    def span(g: dict, lo: str, hi: str) -> tuple[int, int]:
        end = g.get(hi)
        return (g.get(lo) or 0, big if end is None else end)
    ar0, ar1 = span(a, "startRowIndex", "endRowIndex")
    br0, br1 = span(b, "startRowIndex", "endRowIndex")
    ac0, ac1 = span(a, "startColumnIndex", "endColumnIndex")
    bc0, bc1 = span(b, "startColumnIndex", "endColumnIndex")
    return ar0 < br1 and br0 < ar1 and ac0 < bc1 and bc0 < ac1


def put_segment(row: list, src: list, c0: int, c1: int) -> None:
    """row[c0:c1] = src[c0:c1], blanks where src is short; rows keep no trailing blanks."""
    seg = (src[c0:c1] + [None] * (c1 - c0))[: c1 - c0]
    if len(row) < c1:
        row.extend([None] * (c1 - len(row)))
    row[c0:c1] = seg
    while row and row[-1] is None:
        row.pop()


def move_sparse(sheet: Sheet, affected: Any, target: Any) -> None:
    """Per-cell entries at (r, c) where affected(r, c) move to target(r, c); None drops them."""
    for name in SPARSE:
        d = getattr(sheet, name)
        taken = {k: d.pop(k) for k in [k for k in d if affected(*k)]}
        for k, v in taken.items():
            nk = target(*k)
            if nk is not None:
                d[nk] = v
