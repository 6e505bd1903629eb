"""Large value reads, streamed: snapshot under the lock, render and send in blocks.

A full 10M-cell tab renders in seconds; sending it as one JSON string means the
client waits for all of it before the first byte.  Here the handler copies the
row slices while holding ``spreadsheet.lock`` (cheap: values are immutable),
lets go, and the server writes the JSON in chunks (Transfer-Encoding: chunked)
while the rest renders.  The body is byte-for-byte the JSON ``value_range``
would give.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Callable, Iterator

from sheetsync.emulator import cellvalues
from sheetsync.emulator.a1 import Box
from sheetsync.emulator.locales import locale_of
from sheetsync.emulator.model import Spreadsheet
from sheetsync.emulator.value_render import plain_row, trim_row, cell_number_format, plain_rows

STREAM_MIN_CELLS = 200_000
BLOCK_ROWS = 20_000


@dataclass
class Streamed:
    """A response body produced while it is sent (status 200, JSON)."""
    chunks: Callable[[], Iterator[bytes]]


def _dumps(obj: Any) -> str:
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":"), allow_nan=False)


@dataclass
class _Snap:
    a1: str
    c0: int
    r0: int
    rows: list[list[Any]]
    special: dict[tuple[int, int], tuple[str | None, dict | None]]


def wants_stream(boxes: list[Box], opts: Any) -> bool:
    """Stream only ROWS reads of many cells where FORMULA adds no formula-only cells."""
    if opts.major != "ROWS":
        return False
    if sum(b.rows * b.cols for b in boxes) < STREAM_MIN_CELLS:
        return False
    return not (opts.render == "FORMULA" and any(b.sheet.formulas for b in boxes))


def snapshot(boxes: list[Box]) -> list[_Snap]:
    """Copy what the boxes show; call with the spreadsheet lock held."""
    snaps = []
    for box in boxes:
        sheet = box.sheet
        values = sheet.values
        last = min(box.r1, len(values))
        rows = [values[r][box.c0:box.c1] for r in range(box.r0, last)]
        special: dict[tuple[int, int], tuple[str | None, dict | None]] = {}
        for store in (sheet.formulas, sheet.formats):
            for (r, c) in store:
                if box.r0 <= r < last and box.c0 <= c < box.c1:
                    formula = sheet.formulas.get((r, c))
                    special[(r, c)] = (formula, cell_number_format(sheet, r, c, formula))
        snaps.append(_Snap(box.a1(), box.c0, box.r0, rows, special))
    return snaps


def stream_value_ranges(ss: Spreadsheet, snaps: list[_Snap], opts: Any, *, batch: bool,
                        on_done: Callable[[int], None] | None = None) -> Streamed:
    formatted = opts.render == "FORMATTED_VALUE"
    locale = locale_of(ss)

    def render_rows(snap: _Snap, start: int, end: int, counter: list[int]) -> list[list[Any]]:
        special_rows = {r for r, _ in snap.special}
        if not any(snap.r0 + start <= r < snap.r0 + end for r in special_rows):
            out = plain_rows(snap.rows[start:end], formatted, locale)
            counter[0] += sum(map(len, out))
            return out
        out = []
        for i in range(start, end):
            seg = snap.rows[i]
            r = snap.r0 + i
            if r in special_rows:
                row = []
                for j, v in enumerate(seg):
                    formula, nf = snap.special.get((r, snap.c0 + j), (None, None))
                    row.append(cellvalues.render(v, formula, opts.render, nf, opts.datetime, ss))
            else:
                row = plain_row(seg, formatted, locale)
            if row and row[-1] == "":
                trim_row(row)
            counter[0] += len(row)
            out.append(row)
        return out

    def last_row(snap: _Snap) -> int:
        special_rows = {r for r, _ in snap.special}
        n = len(snap.rows)
        while n and snap.r0 + n - 1 not in special_rows and all(v is None for v in snap.rows[n - 1]):
            n -= 1
        return n

    def one(snap: _Snap, counter: list[int]) -> Iterator[str]:
        yield '{"range":' + _dumps(snap.a1) + ',"majorDimension":"ROWS"'
        n = last_row(snap)
        if n:
            yield ',"values":['
            for start in range(0, n, BLOCK_ROWS):
                text = _dumps(render_rows(snap, start, min(n, start + BLOCK_ROWS), counter))[1:-1]
                yield ("," if start else "") + text
            yield "]"
        yield "}"

    def chunks() -> Iterator[bytes]:
        counter = [0]
        if batch:
            yield ('{"spreadsheetId":' + _dumps(ss.id) + ',"valueRanges":[').encode()
        for k, snap in enumerate(snaps):
            if batch and k:
                yield b","
            for piece in one(snap, counter):
                yield piece.encode("utf-8")
        if batch:
            yield b"]}"
        if on_done is not None:
            on_done(counter[0])

    return Streamed(chunks)
