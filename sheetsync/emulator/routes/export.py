"""Drive files.export of a spreadsheet: CSV/TSV (first sheet, shown text) and XLSX (every sheet),
and the Drive v2 media upload gspread's import_csv uses (CSV replaces the whole spreadsheet).

Other formats (PDF, ODS, zipped HTML) answer Drive's 400: the emulator does not render pages.
"""
from __future__ import annotations

import csv
import io
from typing import TYPE_CHECKING, Any

from sheetsync.emulator import a1
from sheetsync.emulator.routes.drive import _file, drive_error
from sheetsync.emulator.value_render import ReadOptions, render_box

if TYPE_CHECKING:
    from sheetsync.emulator.request import Request
    from sheetsync.emulator.state import EmulatorState

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
TEXT = {"text/csv": ",", "text/tab-separated-values": "\t"}


class Raw:
    """A non-JSON answer (the server sends the bytes with this content type)."""

    def __init__(self, content_type: str, data: bytes) -> None:
        self.content_type = content_type
        self.data = data


def export(st: "EmulatorState", rq: "Request", g: tuple[str, ...]) -> tuple[int, Any]:
    ss = _file(st, g[0], rq.user)
    mime = rq.param("mimeType") or ""
    if not mime:
        raise drive_error(400, "required", "Required parameter: mimeType", "mimeType")
    with ss.lock:
        if mime in TEXT:
            return 200, Raw(mime, _text(ss, TEXT[mime]))
        if mime == XLSX:
            return 200, Raw(mime, _xlsx(ss))
    raise drive_error(400, "badRequest", "The requested conversion is not supported.", "convertTo")


def _rows(ss: Any, sheet: Any, render: str) -> list[list[Any]]:
    box = a1.resolve(ss, a1.quote_title(sheet.title))
    return render_box(ss, box, ReadOptions(render=render))


def _text(ss: Any, delimiter: str) -> bytes:
    """Rows padded to the data's width, joined by CRLF with no line ending after the last
    one: Google's export of a one-row sheet is exactly ``a1,B2``."""
    rows = _rows(ss, ss.sheets[0], "FORMATTED_VALUE")
    width = max((len(r) for r in rows), default=0)
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=delimiter, lineterminator="\r\n")
    for row in rows:
        writer.writerow(row + [""] * (width - len(row)))
    return buf.getvalue().removesuffix("\r\n").encode("utf-8")


def _xlsx(ss: Any) -> bytes:
    import openpyxl
    book = openpyxl.Workbook()
    book.remove(book.active)
    for sheet in ss.sheets:
        ws = book.create_sheet(sheet.title[:31])
        for row in _rows(ss, sheet, "UNFORMATTED_VALUE"):
            ws.append([None if v == "" else v for v in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def import_csv(st: "EmulatorState", rq: "Request", g: tuple[str, ...]) -> tuple[int, Any]:
    """PUT /upload/drive/v2/files/{id}?convert=true: the CSV replaces the spreadsheet's content,
    values parsed as typed (Drive's conversion).  As Google's recording shows, the result is one
    sheet named after the file, with a new sheetId and a new sheet's grid (1000 x 26, larger
    when the data needs it); named ranges and metadata of the old content go with it."""
    from sheetsync.emulator.drive_v2 import file_resource
    from sheetsync.emulator.model import DEFAULT_COLUMNS, DEFAULT_ROWS, Sheet
    from sheetsync.emulator.state import role_of
    ss = _file(st, g[0], rq.user, need="writer")
    try:
        text = rq.body.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise drive_error(400, "badContent", "The uploaded CSV is not UTF-8.") from None
    rows = list(csv.reader(io.StringIO(text)))
    height, width = len(rows), max((len(r) for r in rows), default=0)
    with ss.lock:
        fresh = Sheet(ss.new_id(), ss.title, 0, max(DEFAULT_ROWS, height), max(DEFAULT_COLUMNS, width))
        ss.check_cell_limit(fresh.cell_count() - ss.cell_count())
        ss.sheets, ss.named_ranges, ss.developer_metadata = [fresh], [], []
        _fill(ss, fresh, rows)
        st.changed(ss)
        # open mode: every caller is everyone, the owner included (as Drive's 'me' there)
        role = (role_of(ss, rq.user) or "writer") if st.strict else "owner"
        return 200, file_resource(ss, rq.user, role)


def _fill(ss: Any, sheet: Any, rows: list[list[str]]) -> None:
    from sheetsync.emulator import cellvalues
    for r, row in enumerate(rows):
        for c, raw in enumerate(row):
            value, formula, nf = cellvalues.parse_user_entered(raw, ss, None)
            sheet.set(r, c, value, formula)
            if nf is not None:
                sheet.formats[(r, c)] = {"numberFormat": nf}
    if ss.has_formulas():
        from sheetsync.emulator.formulas import recalc
        recalc.recalculate(ss)
