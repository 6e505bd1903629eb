"""deleteRange and findReplace batchUpdate requests."""
from __future__ import annotations

import re
from typing import Any

from .batch_common import SPARSE, Bad, Txn, bounds, move_sparse, put_segment, range_sheet_id
from .batch_paste import rewrite_formulas
from .client_regex import ClientRegexError, compile_client_regex
from .formula_refs import close_gap_references
from .model import Sheet


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


_DELIMITERS = {"COMMA": ",", "SEMICOLON": ";", "PERIOD": ".", "SPACE": " "}


def _typed_rows(txn: Txn, sheet_id: int, r0: int, c0: int, rows: list[list[str]]) -> None:
    """Write text as if typed into the UI (USER_ENTERED parsing, formats inferred)."""
    from .cellvalues import parse_user_entered
    sheet = txn.sheet(sheet_id, "values", "formulas", "formats")
    width = max((len(r) for r in rows), default=0)
    bounds(sheet, {"startRowIndex": r0, "endRowIndex": r0 + len(rows),
                   "startColumnIndex": c0, "endColumnIndex": c0 + width})
    txn.guard(sheet, r0, r0 + len(rows), c0, c0 + width)
    txn.rows(sheet, r0, r0 + len(rows))
    for i, row in enumerate(rows):
        for j, text in enumerate(row):
            fmt = sheet.formats.get((r0 + i, c0 + j))
            value, formula, nf = parse_user_entered(text, txn.work, (fmt or {}).get("numberFormat"))
            if nf is not None:
                sheet.formats[(r0 + i, c0 + j)] = {**(fmt or {}), "numberFormat": nf}
            sheet.set(r0 + i, c0 + j, value, formula)


def paste_data(txn: Txn, req: dict) -> dict:
    """Delimited text pasted at a coordinate (html pastes are not emulated)."""
    if req.get("html"):
        raise Bad("HTML pastes are not emulated by sheetsync.")
    data, coord = req.get("data"), req.get("coordinate") or {}
    if not isinstance(data, str):
        raise Bad("data must be set.")
    delimiter = req.get("delimiter")
    if not delimiter:
        raise Bad("delimiter must be set when html is false.")
    if req.get("type", "PASTE_NORMAL") not in ("PASTE_NORMAL", "PASTE_VALUES"):
        raise Bad("Only PASTE_NORMAL and PASTE_VALUES pastes of text are emulated.")
    rows = [line.split(delimiter) for line in data.replace("\r\n", "\n").split("\n")]
    _typed_rows(txn, coord.get("sheetId", 0) or 0, coord.get("rowIndex", 0) or 0,
                coord.get("columnIndex", 0) or 0, rows)
    return {}


def text_to_columns(txn: Txn, req: dict) -> dict:
    gr = req.get("source")
    sheet = txn.find(range_sheet_id(gr))
    r0, r1, c0, c1 = bounds(sheet, gr)
    if c1 - c0 != 1:
        raise Bad("The source range must span exactly one column.")
    kind = req.get("delimiterType", "DETECT")
    delimiter = req.get("delimiter") if kind == "CUSTOM" else _DELIMITERS.get(kind)
    texts = [sheet.get(r, c0) for r in range(r0, r1)]
    if delimiter is None:  # AUTODETECT / DETECT: the first common separator found
        joined = "".join(t for t in texts if isinstance(t, str))
        delimiter = next((d for d in (",", ";", ".", " ") if d in joined), ",")
    last = max((r for r in range(r0, r1) if isinstance(texts[r - r0], str)), default=r0 - 1)
    rows = [texts[r - r0].split(delimiter) if isinstance(texts[r - r0], str) else [] for r in range(r0, last + 1)]
    if rows:
        _typed_rows(txn, sheet.sheet_id, r0, c0, rows)
    return {}


HANDLERS = {"deleteRange": delete_range, "findReplace": find_replace, "pasteData": paste_data,
            "textToColumns": text_to_columns}
