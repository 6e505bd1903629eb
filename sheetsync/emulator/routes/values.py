"""spreadsheets.values.*: get, update, append, clear, batchGet, batchUpdate, batchClear.

Reads render with ``cellvalues.render`` (fast paths for plain cells keep a
10M-cell tab under a few seconds); writes parse with ``cellvalues``; every
batch validates all its ranges before touching anything (all-or-nothing).
"""
from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Any

from sheetsync.emulator import a1, cellvalues, protection, write_counts

from sheetsync.emulator.routes import stream as routes_stream
from sheetsync.emulator.a1 import Box
from sheetsync.emulator.value_render import (DATETIME_OPTIONS, DIMENSIONS, RENDER_OPTIONS, ReadOptions, enum_option, read_options,
                           value_range)
from sheetsync.emulator.model import ApiError, Sheet, Spreadsheet, invalid_argument

if TYPE_CHECKING:
    from sheetsync.emulator.request import Request
    from sheetsync.emulator.state import EmulatorState

INPUT_OPTIONS = ("RAW", "USER_ENTERED")
MAX_CELL_CHARS = 50_000


# ------------------------------------------------------------------ writing

@dataclass
class Write:
    """One validated write: where it goes and the rows to store (ROWS major)."""
    sheet: Sheet
    r0: int
    c0: int
    rows: list[list[Any]]
    cells: int
    width: int

    @property
    def height(self) -> int:
        return len(self.rows)

    def a1(self) -> str:
        return a1.format_range(self.sheet.title, self.r0, self.c0,
                               self.r0 + max(self.height, 1), self.c0 + max(self.width, 1))

    @cached_property
    def touched(self) -> write_counts.Touched:
        """The cells this write sets, counted as Google reports them."""
        return write_counts.touched(self.sheet.sheet_id, self.r0, self.c0, self.rows)


VALUE_RANGE_KEYS = {"range", "majorDimension", "values"}
BATCH_UPDATE_KEYS = {"valueInputOption", "data", "includeValuesInResponse", "responseValueRenderOption",
                     "responseDateTimeRenderOption"}


def known_fields(obj: Any, allowed: set[str], at: str = "") -> None:
    """Google rejects JSON names a message does not have (catches client typos early)."""
    if not isinstance(obj, dict):
        return
    for key in obj:
        if key not in allowed:
            where = f" at '{at}'" if at else ""
            raise invalid_argument(f'Invalid JSON payload received. Unknown name "{key}"{where}: Cannot find field.')


def _rows_of(body: dict[str, Any], where: str = "data.") -> list[list[Any]]:
    values = body.get("values") or []
    if not isinstance(values, list):
        raise invalid_argument(f"Invalid value at '{where}values' (type.googleapis.com/google.protobuf.ListValue), "
                               f"{json.dumps(values)}")
    for i, row in enumerate(values):
        if not isinstance(row, list):
            raise invalid_argument(f"Invalid value at '{where}values[{i}]' "
                                   f"(type.googleapis.com/google.protobuf.ListValue), {json.dumps(row)}")
    for i, row in enumerate(values):
        for j, v in enumerate(row):
            if v.__class__ is str and len(v) > MAX_CELL_CHARS:
                raise invalid_argument("Your input contains more than the maximum of 50000 characters "
                                       "in a single cell.")
            if isinstance(v, (dict, list)):
                kind = "struct_value" if isinstance(v, dict) else "list_value"
                raise invalid_argument(f"Invalid values[{i}][{j}]: {kind} {json.dumps(v)}")
    major = enum_option(body.get("majorDimension"), "major_dimension", DIMENSIONS, "ROWS")
    if major == "COLUMNS":  # DIMENSION_UNSPECIFIED reads as ROWS, as Google documents
        height = max((len(c) for c in values), default=0)
        values = [[col[r] if r < len(col) else None for col in values] for r in range(height)]
        values = [_strip_none(row) for row in values]
    return values


def _strip_none(row: list[Any]) -> list[Any]:
    n = len(row)
    while n and row[n - 1] is None:
        n -= 1
    return row[:n]


def plan_write(ss: Spreadsheet, text: str, body: dict[str, Any], sent_as: str | None = None,
               where: str = "data.") -> Write:
    """Resolve and check one ValueRange write without changing anything."""
    rows = _rows_of(body, where)
    box = a1.resolve(ss, text)
    width = max((len(r) for r in rows), default=0)
    sheet = box.sheet
    single = box.rows == 1 and box.cols == 1 and ":" not in text.rsplit("!", 1)[-1]
    r_end = sheet.row_count if single else box.r1
    c_end = sheet.column_count if single else box.c1
    shown = sent_as or text
    if box.r0 + len(rows) > r_end:
        raise invalid_argument(f"Requested writing within range [{shown}], but tried writing to row "
                               f"[{r_end + 1}]")
    if box.c0 + width > c_end:
        raise invalid_argument(f"Requested writing within range [{shown}], but tried writing to column "
                               f"[{a1.col_letters(c_end)}]")
    return Write(sheet, box.r0, box.c0, rows, sum(len(r) for r in rows), width)


def apply_write(ss: Spreadsheet, w: Write, input_option: str) -> None:
    sheet = w.sheet
    user = input_option == "USER_ENTERED"
    formats = sheet.formats
    for i, row in enumerate(w.rows):
        r = w.r0 + i
        for j, raw in enumerate(row):
            if raw is None:
                continue  # JSON null leaves the cell as it is (Google documents this)
            c = w.c0 + j
            if user:
                fmt = formats.get((r, c))
                value, formula, nf = cellvalues.parse_user_entered(raw, ss, fmt.get("numberFormat") if fmt else None)
                if nf is not None:
                    formats[(r, c)] = {**(fmt or {}), "numberFormat": nf}
            else:
                value, formula = (None if raw == "" else raw), None
            sheet.set(r, c, value, formula)
    sheet.trim_tail()


def _update_response(ss: Spreadsheet, w: Write, include: bool, opts: ReadOptions) -> dict[str, Any]:
    out: dict[str, Any] = {"spreadsheetId": ss.id, "updatedRange": w.a1()}
    out.update(write_counts.counts(w.touched))
    if include:
        box = a1.resolve(ss, w.a1())
        out["updatedData"] = value_range(ss, box, opts)
    return out


def _guard(st: "EmulatorState", ss: Spreadsheet, writes: list[Write], user: str,
           batch: bool = False) -> None:
    """Strict mode: protected ranges block callers who are not their editors (Google's 400)."""
    if not st.strict:
        return
    for i, w in enumerate(writes):
        try:
            protection.check_edit(ss, w.sheet, w.r0, w.r0 + w.height, w.c0, w.c0 + w.width, user)
        except ApiError as exc:
            if not batch:
                raise
            raise invalid_argument(f"Invalid data[{i}]: {exc.message}") from None


@contextmanager
def data_item(i: int) -> Iterator[None]:
    """An error in one item of a batch names it as data[i]; enum errors keep Google's own wording."""
    try:
        yield
    except ApiError as exc:
        if exc.message.startswith("Invalid value at"):
            raise
        raise invalid_argument(f"Invalid data[{i}]: {exc.message}") from None


def commit_batch(st: "EmulatorState", ss: Spreadsheet, writes: list[Write], option: str, user: str) -> None:
    """Check every write first (all-or-nothing), then apply them all and recalculate once."""
    _guard(st, ss, writes, user, batch=True)
    for w in writes:
        apply_write(ss, w, option)
    _recalc(ss)
    if writes:
        st.changed(ss)


def batch_update_body(st: "EmulatorState", ss: Spreadsheet, writes: list[Write],
                      responses: list[dict[str, Any]]) -> dict[str, Any]:
    """BatchUpdateValuesResponse (totals left out when nothing was written); counts the cells written."""
    out: dict[str, Any] = {"spreadsheetId": ss.id}
    if writes:
        out.update(write_counts.totals(w.touched for w in writes), responses=responses)
    st.counters.add_cells(written=sum(w.cells for w in writes))
    return out


def check_body_range(url_range: str, body: dict[str, Any]) -> None:
    """A ValueRange.range in the body must repeat the URL's range (compared as text, as Google does)."""
    given = body.get("range")
    if given and given != url_range:
        raise invalid_argument(f"Request range[{url_range}] does not match value's range[{given}]")


def _recalc(ss: Spreadsheet) -> None:
    if ss.has_formulas():
        from sheetsync.emulator.formulas import recalc
        recalc.recalculate(ss)


def _input_option(value: Any) -> str:
    if not value:
        raise invalid_argument("'valueInputOption' is required but not specified")
    return enum_option(value, "value_input_option", INPUT_OPTIONS, "RAW")


# ------------------------------------------------------------------ routes

def get(st: "EmulatorState", rq: "Request", g: tuple[str, ...]) -> tuple[int, Any]:
    ss = st.spreadsheet(g[0], rq.user)
    opts = read_options(rq.param)
    with ss.lock:
        box = a1.resolve(ss, g[1], read=True)
        if routes_stream.wants_stream([box], opts):
            snaps = routes_stream.snapshot([box])
        else:
            body = value_range(ss, box, opts)
            st.counters.add_cells(read=_count(body))
            return 200, body
    return 200, routes_stream.stream_value_ranges(
        ss, snaps, opts, batch=False, on_done=lambda n: st.counters.add_cells(read=n))


def _count(vr: dict[str, Any]) -> int:
    return sum(len(r) for r in vr.get("values", ()))


def batch_get(st: "EmulatorState", rq: "Request", g: tuple[str, ...]) -> tuple[int, Any]:
    ss = st.spreadsheet(g[0], rq.user)
    opts = read_options(rq.param)
    out = []
    with ss.lock:
        boxes = [a1.resolve(ss, text, read=True) for text in rq.params("ranges")]
        if routes_stream.wants_stream(boxes, opts):
            snaps = routes_stream.snapshot(boxes)
            return 200, routes_stream.stream_value_ranges(
                ss, snaps, opts, batch=True, on_done=lambda n: st.counters.add_cells(read=n))
        for box in boxes:
            out.append(value_range(ss, box, opts))
    st.counters.add_cells(read=sum(_count(v) for v in out))
    body: dict[str, Any] = {"spreadsheetId": ss.id}
    if out:  # proto3 JSON leaves empty lists out
        body["valueRanges"] = out
    return 200, body


def update(st: "EmulatorState", rq: "Request", g: tuple[str, ...]) -> tuple[int, Any]:
    ss = st.spreadsheet(g[0], rq.user, write=True)
    option = _input_option(rq.param("valueInputOption"))
    body = rq.json()
    known_fields(body, VALUE_RANGE_KEYS)
    check_body_range(g[1], body)
    opts = read_options(rq.param, prefix="response")
    with ss.lock:
        w = plan_write(ss, g[1], body)
        _guard(st, ss, [w], rq.user)
        apply_write(ss, w, option)
        _recalc(ss)
        st.changed(ss)
        out = _update_response(ss, w, rq.flag("includeValuesInResponse"), opts)
    st.counters.add_cells(written=w.cells)
    return 200, out


def batch_update(st: "EmulatorState", rq: "Request", g: tuple[str, ...]) -> tuple[int, Any]:
    ss = st.spreadsheet(g[0], rq.user, write=True)
    body = rq.json()
    known_fields(body, BATCH_UPDATE_KEYS)
    for i, vr in enumerate(body.get("data") or []):
        known_fields(vr, VALUE_RANGE_KEYS, f"data[{i}]")
    option = _input_option(body.get("valueInputOption"))
    opts = read_options(body.get, prefix="response")
    data = body.get("data") or []
    with ss.lock:
        writes = []
        for i, vr in enumerate(data):
            with data_item(i):
                if not isinstance(vr, dict) or not vr.get("range"):
                    raise invalid_argument("Must specify a range.")
                writes.append(plan_write(ss, vr["range"], vr, where=f"data[{i}]."))
        commit_batch(st, ss, writes, option, rq.user)
        include = bool(body.get("includeValuesInResponse"))
        responses = [_update_response(ss, w, include, opts) for w in writes]
    return 200, batch_update_body(st, ss, writes, responses)


def clear(st: "EmulatorState", rq: "Request", g: tuple[str, ...]) -> tuple[int, Any]:
    ss = st.spreadsheet(g[0], rq.user, write=True)
    with ss.lock:
        box = a1.resolve(ss, g[1])
        if st.strict:
            protection.check_edit(ss, box.sheet, box.r0, box.r1, box.c0, box.c1, rq.user)
        box.sheet.clear(box.r0, box.r1, box.c0, box.c1)
        _recalc(ss)
        st.changed(ss)
    return 200, {"spreadsheetId": ss.id, "clearedRange": box.a1()}


def batch_clear(st: "EmulatorState", rq: "Request", g: tuple[str, ...]) -> tuple[int, Any]:
    ss = st.spreadsheet(g[0], rq.user, write=True)
    known_fields(rq.json(), {"ranges"})
    ranges = rq.json().get("ranges") or []
    with ss.lock:
        boxes = []
        for i, text in enumerate(ranges):
            try:
                boxes.append(a1.resolve(ss, text))
            except ApiError as exc:
                raise invalid_argument(f"Invalid range[{i}]: {exc.message}") from None
        if st.strict:
            for i, b in enumerate(boxes):
                try:
                    protection.check_edit(ss, b.sheet, b.r0, b.r1, b.c0, b.c1, rq.user)
                except ApiError as exc:
                    raise invalid_argument(f"Invalid range[{i}]: {exc.message}") from None
        clear_boxes(st, ss, boxes)
    return 200, cleared_body(ss, boxes)


def clear_boxes(st: "EmulatorState", ss: Spreadsheet, boxes: list[Box]) -> None:
    """Clear every box of one batch (already checked), then recalculate once."""
    for box in boxes:
        box.sheet.clear(box.r0, box.r1, box.c0, box.c1)
    _recalc(ss)
    if boxes:
        st.changed(ss)


def cleared_body(ss: Spreadsheet, boxes: list[Box]) -> dict[str, Any]:
    out: dict[str, Any] = {"spreadsheetId": ss.id}
    if boxes:
        out["clearedRanges"] = [b.a1() for b in boxes]
    return out


def batch_get_by_data_filter(st: "EmulatorState", rq: "Request", g: tuple[str, ...]) -> tuple[int, Any]:
    """One MatchedValueRange per range selected, with the request's filters that selected it
    (a developer-metadata lookup selects one range per metadata location it matches)."""
    ss = st.spreadsheet(g[0], rq.user)
    body = rq.json()
    opts = ReadOptions(
        enum_option(body.get("valueRenderOption"), "value_render_option", RENDER_OPTIONS, "FORMATTED_VALUE"),
        enum_option(body.get("dateTimeRenderOption"), "date_time_render_option", DATETIME_OPTIONS, "SERIAL_NUMBER"),
        enum_option(body.get("majorDimension"), "major_dimension", DIMENSIONS, "ROWS"))
    with ss.lock:
        matched = matched_boxes(st, ss, body.get("dataFilters"), rq.user, read=True)
        out = [{"valueRange": value_range(ss, box, opts), "dataFilters": filters} for box, filters in matched]
    body_out: dict[str, Any] = {"spreadsheetId": ss.id}
    if out:
        body_out["valueRanges"] = out
    return 200, body_out


def matched_boxes(st: "EmulatorState", ss: Spreadsheet, filters: Any, user: str,
                  read: bool = False) -> list[tuple[Box, list[dict[str, Any]]]]:
    """Each distinct range the data filters select, in request order, with the filters that
    selected it; a bad filter answers 400 naming its index. ``read``: ranges are cut to the grid."""
    from sheetsync.emulator import devmeta
    project = st.auth.project_of(user)
    found: dict[tuple[int, int, int, int, int], tuple[Box, list[dict[str, Any]]]] = {}
    for i, f in enumerate(filters if isinstance(filters, list) else []):
        try:
            boxes = devmeta.filter_boxes(ss, f, project, read=read)
        except ApiError as exc:
            raise invalid_argument(f"Invalid dataFilters[{i}]: {exc.message}") from None
        for box in boxes:
            key = (box.sheet.sheet_id, box.r0, box.c0, box.r1, box.c1)
            found.setdefault(key, (box, []))[1].append(f)
    return list(found.values())

