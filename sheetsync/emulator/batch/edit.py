"""batchUpdate requests that edit a range in place: insertRange, deleteRange, findReplace,
trimWhitespace, deleteDuplicates, randomizeRange.  insertRange and the row-reordering ones do
not rewrite formula references (see docs/emulator-formulas.md)."""
from __future__ import annotations

import random
import re
from typing import Any

from sheetsync.emulator.batch.cells import move_rows
from sheetsync.emulator.batch.common import SPARSE, Bad, Handler, Txn, bounds, move_sparse, need_int, put_segment, range_sheet_id
from sheetsync.emulator.batch.paste import rewrite_formulas
from sheetsync.emulator.client_regex import ClientRegexError, compile_client_regex
from sheetsync.emulator.formulas.refs import close_gap_references
from sheetsync.emulator.model import Sheet


def delete_range(txn: Txn, req: dict) -> dict:
    """Remove a block and shift the cells below it up (ROWS) or right of it left (COLUMNS)."""
    gr = req.get("range")
    sheet = txn.sheet(range_sheet_id(gr), "values", *SPARSE)
    r0, r1, c0, c1 = bounds(sheet, gr)
    shift = req.get("shiftDimension")
    if shift not in ("ROWS", "COLUMNS"):
        raise Bad("shiftDimension must be ROWS or COLUMNS.")
    txn.guard(sheet, r0, sheet.row_count if shift == "ROWS" else r1,
              c0, sheet.column_count if shift == "COLUMNS" else c1)
    if shift == "ROWS":
        _shift_up(txn, sheet, r0, r1, c0, c1)
    else:
        _shift_left(txn, sheet, r0, r1, c0, c1)
    axis, title = (0 if shift == "ROWS" else 1), sheet.title
    rewrite_formulas(txn, lambda text, own: close_gap_references(
        text, own, title, (r0, r1, c0, c1), axis))
    return {}


def _shift_up(txn: Txn, sheet: Sheet, r0: int, r1: int, c0: int, c1: int) -> None:
    h, n = r1 - r0, len(sheet.values)
    txn.rows(sheet, r0, n)
    for r in range(r0, n):
        src = sheet.values[r + h] if r + h < n else []
        put_segment(sheet.values[r], src, c0, c1)
    sheet.trim_tail()
    move_sparse(sheet, lambda r, c: c0 <= c < c1 and r >= r0,
                lambda r, c: None if r < r1 else (r - h, c))


def _shift_left(txn: Txn, sheet: Sheet, r0: int, r1: int, c0: int, c1: int) -> None:
    w = c1 - c0
    txn.rows(sheet, r0, r1)
    for r in range(r0, min(r1, len(sheet.values))):
        row = sheet.values[r]
        del row[c0:c1]
    move_sparse(sheet, lambda r, c: r0 <= r < r1 and c >= c0,
                lambda r, c: None if c < c1 else (r, c - w))


def insert_range(txn: Txn, req: dict) -> dict:
    """Insert blank cells, shifting the cells below (ROWS) or to the right (COLUMNS)."""
    gr = req.get("range")
    sheet = txn.sheet(range_sheet_id(gr), "*")
    r0, r1, c0, c1 = bounds(sheet, gr)
    shift = req.get("shiftDimension")
    if shift not in ("ROWS", "COLUMNS"):
        raise Bad("shiftDimension must be ROWS or COLUMNS.")
    # every cell from the range to the grid's edge moves
    txn.guard(sheet, r0, sheet.row_count if shift == "ROWS" else r1,
              c0, c1 if shift == "ROWS" else sheet.column_count)
    if shift == "ROWS":
        h = r1 - r0
        used = sheet.used_extent()[0]
        if used + h > sheet.row_count:
            sheet.set_grid(rows=used + h)  # the sheet grows rather than lose the cells pushed down
        txn.all_rows(sheet)
        values = sheet.values
        values.extend([] for _ in range(max(0, used + h - len(values))))
        for r in range(len(values) - 1, r0 - 1, -1):
            src = values[r - h] if r - h >= r0 else []
            put_segment(values[r], src, c0, c1)
        sheet.trim_tail()
        move_sparse(sheet, lambda r, c: c0 <= c < c1 and r >= r0, lambda r, c: (r + h, c))
    else:
        w = c1 - c0
        width = max((len(sheet.values[r]) for r in range(r0, min(r1, len(sheet.values)))), default=0)
        if width + w > sheet.column_count:
            sheet.set_grid(columns=width + w)
        txn.all_rows(sheet)
        for r in range(r0, min(r1, len(sheet.values))):
            row = sheet.values[r]
            if len(row) > c0:
                row[c0:c0] = [None] * w
        move_sparse(sheet, lambda r, c: r0 <= r < r1 and c >= c0, lambda r, c: (r, c + w))
    return {}


def trim_whitespace(txn: Txn, req: dict) -> dict:
    gr = req.get("range")
    sheet = txn.sheet(range_sheet_id(gr), "values", "formulas")
    r0, r1, c0, c1 = bounds(sheet, gr)
    txn.guard(sheet, r0, r1, c0, c1)
    changed = 0
    txn.rows(sheet, r0, r1)
    for r in range(r0, min(r1, len(sheet.values))):
        row = sheet.values[r]
        for c in range(c0, min(c1, len(row))):
            v = row[c]
            if isinstance(v, str) and (r, c) not in sheet.formulas:
                trimmed = " ".join(v.split())
                if trimmed != v:
                    sheet.set(r, c, trimmed or None)
                    changed += 1
    return {"trimWhitespace": {"cellsChangedCount": changed} if changed else {}}


def _row_key(sheet: Sheet, r: int, cols: list[int]) -> tuple:
    def norm(v: Any) -> Any:
        return v.lower() if isinstance(v, str) else v
    return tuple(norm(sheet.get(r, c)) for c in cols)


def _rewrite_rows(txn: Txn, sheet: Sheet, r0: int, r1: int, c0: int, c1: int, order: list[int]) -> None:
    """Rows r0.. of the block become rows `order` (absolute indexes); the rest blank."""
    if len(sheet.values) < r1:  # blank rows take part too (new lists: private to the work)
        sheet.values.extend([] for _ in range(r1 - len(sheet.values)))
    block = [sheet.values[r] for r in range(r0, r1)]
    rel = [i - r0 for i in order] + [i - r0 for i in range(r0, r1) if i not in set(order)]
    move_rows(txn, sheet, r0, c0, c1, [row[:] for row in block], rel)
    for r in range(r0 + len(order), r1):  # the tail of the block is emptied
        for c in range(c0, c1):
            if r < len(sheet.values):
                sheet.set(r, c, None)
            for name in SPARSE:
                getattr(sheet, name).pop((r, c), None)
    sheet.trim_tail()


def delete_duplicates(txn: Txn, req: dict) -> dict:
    gr = req.get("range")
    sheet = txn.sheet(range_sheet_id(gr), "values", *SPARSE)
    r0, r1, c0, c1 = bounds(sheet, gr)
    txn.guard(sheet, r0, r1, c0, c1)
    cols = [need_int(dr, "startIndex", 0) for dr in req.get("comparisonColumns") or []] or list(range(c0, c1))
    if any(not c0 <= c < c1 for c in cols):
        raise Bad("comparisonColumns must lie inside the range.")
    seen, keep = set(), []
    for r in range(r0, min(r1, max(len(sheet.values), r0))):
        key = _row_key(sheet, r, cols)
        if key not in seen:
            seen.add(key)
            keep.append(r)
    removed = min(r1, len(sheet.values)) - r0 - len(keep) if len(sheet.values) > r0 else 0
    if removed > 0:
        txn.rows(sheet, r0, r1)
        _rewrite_rows(txn, sheet, r0, min(r1, len(sheet.values)), c0, c1, keep)
    return {"deleteDuplicates": {"duplicatesRemovedCount": removed} if removed > 0 else {}}


def randomize_range(txn: Txn, req: dict) -> dict:
    gr = req.get("range")
    sheet = txn.sheet(range_sheet_id(gr), "values", *SPARSE)
    r0, r1, c0, c1 = bounds(sheet, gr)
    txn.guard(sheet, r0, r1, c0, c1)
    order = list(range(r0, r1))
    random.shuffle(order)
    txn.rows(sheet, r0, r1)
    _rewrite_rows(txn, sheet, r0, r1, c0, c1, order)
    return {}


def _pattern(req: dict) -> Any:
    """The find text as a pattern. A regex runs on RE2, as Google runs it (linear time, however
    it is written); plain text is a literal, which cannot backtrack, so it stays on Python's re,
    many times cheaper per cell than a call into RE2."""
    find = req.get("find")
    if not isinstance(find, str) or find == "":
        raise Bad("find must be set.")
    regex = bool(req.get("searchByRegex"))
    text = find if regex else re.escape(find)
    if req.get("matchEntireCell"):
        text = f"^(?:{text})$"
    if not regex:
        return re.compile(text, 0 if req.get("matchCase") else re.IGNORECASE)
    try:
        return compile_client_regex(text, ignore_case=not req.get("matchCase"))
    except ClientRegexError as exc:
        raise Bad(f"Invalid regular expression: {exc}") from None


def find_replace(txn: Txn, req: dict) -> dict:
    rx = _pattern(req)
    repl = req.get("replacement", "")
    if req.get("searchByRegex"):
        repl = re.sub(r"\$(\d)", r"\\\1", repl)  # Google uses $1 for groups
    else:
        repl = repl.replace("\\", "\\\\")
    scopes = _scopes(txn, req)
    counts = {"valuesChanged": 0, "formulasChanged": 0, "rowsChanged": 0,
              "sheetsChanged": 0, "occurrencesChanged": 0}
    for sheet_id, box in scopes:
        _replace_in_sheet(txn, sheet_id, box, rx, repl, bool(req.get("includeFormulas")), counts)
    return {"findReplace": {k: v for k, v in counts.items() if v}}


def _scopes(txn: Txn, req: dict) -> list[tuple[int, tuple[int, int, int, int]]]:
    if req.get("allSheets"):
        return [(s.sheet_id, (0, s.row_count, 0, s.column_count)) for s in txn.work.sheets]
    if "range" in req:
        sheet = txn.find(range_sheet_id(req["range"]))
        return [(sheet.sheet_id, bounds(sheet, req["range"]))]
    if "sheetId" in req:
        sheet = txn.find(req["sheetId"])
        return [(sheet.sheet_id, (0, sheet.row_count, 0, sheet.column_count))]
    raise Bad("One of range, sheetId or allSheets must be set.")


def _replace_in_sheet(txn: Txn, sheet_id: int, box: tuple[int, int, int, int], rx: Any,
                      repl: str, formulas: bool, counts: dict[str, int]) -> None:
    r0, r1, c0, c1 = box
    sheet = txn.find(sheet_id)
    hits: list[tuple[int, int, Any, str | None, int]] = []
    for r in range(r0, min(r1, len(sheet.values))):
        row = sheet.values[r]
        for c in range(c0, min(c1, len(row))):
            f = sheet.formulas.get((r, c))
            if f is not None:
                if formulas:
                    new, n = rx.subn(repl, f)
                    if n:
                        hits.append((r, c, None, new, n))
                continue
            v = row[c]
            if isinstance(v, str):
                new, n = rx.subn(repl, v)
                if n:
                    hits.append((r, c, new, None, n))
    if not hits:
        return
    sheet = txn.sheet(sheet_id, "values", "formulas")
    txn.guard(sheet, min(h[0] for h in hits), max(h[0] for h in hits) + 1,
              min(h[1] for h in hits), max(h[1] for h in hits) + 1)
    for r, c, value, formula, n in hits:
        txn.rows(sheet, r, r + 1)
        sheet.set(r, c, value if formula is None else None, formula)
        counts["formulasChanged" if formula else "valuesChanged"] += 1
        counts["occurrencesChanged"] += n
    counts["rowsChanged"] += len({h[0] for h in hits})
    counts["sheetsChanged"] += 1


HANDLERS: dict[str, Handler] = {
    "insertRange": insert_range,
    "trimWhitespace": trim_whitespace,
    "deleteDuplicates": delete_duplicates,
    "randomizeRange": randomize_range,
    "deleteRange": delete_range,
    "findReplace": find_replace,
}
