"""Paste requests: copyPaste, cutPaste (formulas follow as in Google), pasteData and
textToColumns (text parsed as if typed)."""
from __future__ import annotations

from typing import Any

from sheetsync.emulator.batch.common import Bad, Handler, Txn, bounds, range_sheet_id
from sheetsync.emulator.formulas.refs import move_block_references, shift_relative
from sheetsync.emulator.model import Sheet

_PARTS = {
    "PASTE_NORMAL": ("value", "formula", "format", "note", "validation"),
    "PASTE_NO_BORDERS": ("value", "formula", "format", "note", "validation"),
    "PASTE_VALUES": ("value",),
    "PASTE_FORMAT": ("format",),
    "PASTE_FORMULA": ("value", "formula"),
    "PASTE_DATA_VALIDATION": ("validation",),
    "PASTE_CONDITIONAL_FORMATTING": (),
}


_ATTRS = {"format": "formats", "note": "notes", "validation": "validations"}


def _snapshot(sheet: Sheet, r0: int, r1: int, c0: int, c1: int) -> list[list[dict[str, Any]]]:
    """Everything of each source cell, read before any write (source and target may overlap)."""
    out = []
    for r in range(r0, r1):
        row = []
        for c in range(c0, c1):
            row.append({"value": sheet.get(r, c), "formula": sheet.formulas.get((r, c)),
                        "format": sheet.formats.get((r, c)), "note": sheet.notes.get((r, c)),
                        "validation": sheet.validations.get((r, c)), "at": (r, c)})
        out.append(row)
    return out


def _writable(txn: Txn, sheet_id: int, parts: tuple[str, ...]) -> Sheet:
    need = ["values", "formulas"] if {"value", "formula"} & set(parts) else []
    need += [_ATTRS[p] for p in parts if p in _ATTRS]
    return txn.sheet(sheet_id, *need)


def _paste_cell(sheet: Sheet, r: int, c: int, cell: dict, parts: tuple[str, ...],
                no_borders: bool) -> None:
    if "value" in parts:
        formula = cell["formula"] if "formula" in parts else None
        if formula:
            formula = shift_relative(formula, r - cell["at"][0], c - cell["at"][1])
        sheet.set(r, c, None if formula else cell["value"], formula)
    for part in ("format", "note", "validation"):
        if part not in parts:
            continue
        val = cell[part]
        if part == "format" and no_borders and val and "borders" in val:
            val = {k: v for k, v in val.items() if k != "borders"} or None
        store = getattr(sheet, _ATTRS[part])
        if val:
            store[(r, c)] = val
        else:
            store.pop((r, c), None)


def copy_paste(txn: Txn, req: dict) -> dict:
    src_gr, dst_gr = req.get("source"), req.get("destination")
    src = txn.find(range_sheet_id(src_gr))
    sr0, sr1, sc0, sc1 = bounds(src, src_gr)
    kind = req.get("pasteType", "PASTE_NORMAL")
    if kind not in _PARTS:
        raise Bad(f"Invalid pasteType: {kind}")
    orientation = req.get("pasteOrientation", "NORMAL")
    if orientation not in ("NORMAL", "TRANSPOSE"):
        raise Bad(f"Invalid pasteOrientation: {orientation}")
    block = _snapshot(src, sr0, sr1, sc0, sc1)
    if orientation == "TRANSPOSE":
        block = [list(col) for col in zip(*block)] if block else []
    height, width = len(block), len(block[0]) if block else 0
    parts = _PARTS[kind]
    dst = _writable(txn, range_sheet_id(dst_gr), parts)
    dr0, dr1, dc0, dc1 = bounds(dst, dst_gr)
    reps_r = (dr1 - dr0) // height if height and (dr1 - dr0) % height == 0 and dr1 > dr0 else 1
    reps_c = (dc1 - dc0) // width if width and (dc1 - dc0) % width == 0 and dc1 > dc0 else 1
    end_r, end_c = dr0 + height * reps_r, dc0 + width * reps_c
    bounds(dst, {"startRowIndex": dr0, "endRowIndex": end_r, "startColumnIndex": dc0,
                 "endColumnIndex": end_c}, strict=True)
    txn.guard(dst, dr0, end_r, dc0, end_c)
    if "value" in parts:
        txn.rows(dst, dr0, end_r)
    for r in range(dr0, end_r):
        for c in range(dc0, end_c):
            cell = block[(r - dr0) % height][(c - dc0) % width]
            _paste_cell(dst, r, c, cell, parts, kind == "PASTE_NO_BORDERS")
    return {}


def cut_paste(txn: Txn, req: dict) -> dict:
    src_gr, dest = req.get("source"), req.get("destination") or {}
    kind = req.get("pasteType", "PASTE_NORMAL")
    if kind not in _PARTS:
        raise Bad(f"Invalid pasteType: {kind}")
    parts = _PARTS[kind]
    src = _writable(txn, range_sheet_id(src_gr), parts)
    sr0, sr1, sc0, sc1 = bounds(src, src_gr)
    txn.guard(src, sr0, sr1, sc0, sc1)
    block = _snapshot(src, sr0, sr1, sc0, sc1)
    if "value" in parts:
        txn.rows(src, sr0, sr1)
    for r in range(sr0, sr1):  # clear the source first: the target may overlap it
        for c in range(sc0, sc1):
            _paste_cell(src, r, c, {"value": None, "formula": None, "format": None, "note": None,
                                    "validation": None, "at": (r, c)}, parts, False)
    dst = _writable(txn, dest.get("sheetId", 0) or 0, parts)
    r0, c0 = dest.get("rowIndex", 0) or 0, dest.get("columnIndex", 0) or 0
    bounds(dst, {"startRowIndex": r0, "endRowIndex": r0 + (sr1 - sr0),
                 "startColumnIndex": c0, "endColumnIndex": c0 + (sc1 - sc0)}, strict=True)
    txn.guard(dst, r0, r0 + (sr1 - sr0), c0, c0 + (sc1 - sc0))
    if "value" in parts:
        txn.rows(dst, r0, r0 + (sr1 - sr0))
    for i, row in enumerate(block):
        for j, cell in enumerate(row):
            cell = {**cell, "at": (r0 + i, c0 + j)}  # a cut keeps references as they are
            _paste_cell(dst, r0 + i, c0 + j, cell, parts, False)
    if "value" in parts:  # ... except those pointing into the block: they follow it
        box = (sr0, sr1, sc0, sc1)
        rewrite_formulas(txn, lambda text, own: move_block_references(
            text, own, src.title, box, dst.title, r0 - sr0, c0 - sc0))
    return {}


def rewrite_formulas(txn: Txn, edit) -> None:
    """Apply `edit(formula, own tab title) -> formula` to every formula of the workbook."""
    for s in list(txn.work.sheets):
        changed = {k: edit(f, s.title) for k, f in s.formulas.items()}
        changed = {k: f for k, f in changed.items() if f != s.formulas[k]}
        if changed:
            txn.sheet(s.sheet_id, "formulas").formulas.update(changed)


_DELIMITERS = {"COMMA": ",", "SEMICOLON": ";", "PERIOD": ".", "SPACE": " "}


def _typed_rows(txn: Txn, sheet_id: int, r0: int, c0: int, rows: list[list[str]]) -> None:
    """Write text as if typed into the UI (USER_ENTERED parsing, formats inferred)."""
    from sheetsync.emulator.cellvalues import parse_user_entered
    sheet = txn.sheet(sheet_id, "values", "formulas", "formats")
    width = max((len(r) for r in rows), default=0)
    bounds(sheet, {"startRowIndex": r0, "endRowIndex": r0 + len(rows),
                   "startColumnIndex": c0, "endColumnIndex": c0 + width}, strict=True)
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


HANDLERS: dict[str, Handler] = {
    "pasteData": paste_data,
    "textToColumns": text_to_columns,
    "copyPaste": copy_paste,
    "cutPaste": cut_paste,
}
