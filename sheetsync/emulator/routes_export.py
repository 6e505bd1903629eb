"""Drive files.export of a spreadsheet: CSV/TSV (first sheet, shown text) and XLSX (every sheet).

Other formats (PDF, ODS, zipped HTML) answer Drive's 400: the emulator does not render pages.
"""
from __future__ import annotations

import csv
import io
from typing import TYPE_CHECKING, Any

from . import a1
from .routes_drive import _file, drive_error
from .routes_values import ReadOptions, render_box

if TYPE_CHECKING:
    from .server import EmulatorState, Request

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
    rows = _rows(ss, ss.sheets[0], "FORMATTED_VALUE")
    width = max((len(r) for r in rows), default=0)
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=delimiter, lineterminator="\r\n")
    for row in rows:
        writer.writerow(row + [""] * (width - len(row)))
    return buf.getvalue().encode("utf-8")


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
