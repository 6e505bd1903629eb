"""``sheetsync export``: every tab to CSV or XLSX, for archiving.

- A text cell that begins with = + - @ (or a tab / carriage return) is prefixed
  with ' so no spreadsheet program runs it as a formula (OWASP, CSV injection).
- Personal columns (``personal = true`` in the config: names, phone numbers)
  are masked unless ``include_personal``; files that hold them are owner-only (0600).
- Reads are one metadata call plus one values:batchGet for all tabs.
"""

from __future__ import annotations

import csv
import os
import re
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Callable

from sheetsync import a1
from sheetsync.layout import header_key

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
MASK = "***"


@dataclass
class ExportedTab:
    tab: str
    path: str
    rows: int


@dataclass
class ExportReport:
    spreadsheet: str
    format: str
    files: list[str] = field(default_factory=list)
    tabs: list[ExportedTab] = field(default_factory=list)
    masked_columns: list[str] = field(default_factory=list)   # header texts masked


def neutralise(value: Any) -> Any:
    """OWASP: text starting with a formula character becomes inert ('=1+1 -> '=1+1)."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def personal_columns(header: list[Any], config: Any) -> dict[int, str]:
    """0-based column index -> header text, for every personal column found in the header."""
    names: dict[str, str] = {}
    for col in config.columns:
        if getattr(col, "personal", False):
            for name in (col.header, *col.aliases):
                names[header_key(name)] = col.header
    return {i: str(h) for i, h in enumerate(header) if header_key(h) in names}


def mask_rows(values: list[list[Any]], config: Any) -> tuple[list[list[Any]], list[str]]:
    """Mask personal cells of the input tab below the header row."""
    hr = config.header_row
    if len(values) < hr:
        return values, []
    cols = personal_columns(values[hr - 1], config)
    if not cols:
        return values, []
    out = [list(r) for r in values[:hr]]
    for row in values[hr:]:
        row = list(row)
        for i in cols:
            if i < len(row) and str(row[i]).strip() != "":
                row[i] = MASK
        out.append(row)
    return out, list(cols.values())


def export(config: Any, out_dir: str | Path = ".", *, fmt: str = "csv", include_personal: bool = False,
           client: Any = None, now: datetime | None = None,
           progress: Callable[[int, int], None] | None = None) -> ExportReport:
    """Write every tab of the spreadsheet under ``out_dir``; returns what was written."""
    from sheetsync.gsheets import Sheet, open_client

    if fmt not in ("csv", "xlsx"):
        raise ValueError(f"unknown export format {fmt!r}")
    sheet = Sheet(client or open_client(config), config.spreadsheet)
    titles = [s["properties"]["title"] for s in sheet.metadata().get("sheets", [])]
    ranges = [a1.quote_tab(t) for t in titles]
    got = sheet.read(ranges, render="FORMATTED_VALUE") if ranges else {}
    tabs: dict[str, list[list[Any]]] = {}
    report = ExportReport(spreadsheet=sheet.key, format=fmt)
    for title, rng in zip(titles, ranges):
        values = got.get(rng, [])
        if title == config.input_tab and not include_personal:
            values, masked = mask_rows(values, config)
            report.masked_columns = masked
        tabs[title] = [[neutralise(v) for v in row] for row in values]
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    stamp = (now or datetime.now()).strftime("%Y%m%d-%H%M%S")
    base = f"{_slug(config.name)}-{stamp}"
    if fmt == "csv":
        for title, values in tabs.items():
            path = out / f"{base}-{_slug(title)}.csv"
            _write_csv(path, values, private=include_personal)
            report.files.append(str(path))
            report.tabs.append(ExportedTab(title, str(path), len(values)))
            if progress:
                progress(len(report.tabs), len(tabs))
    else:
        path = out / f"{base}.xlsx"
        _write_xlsx(path, tabs, progress, private=include_personal)
        report.files.append(str(path))
        report.tabs = [ExportedTab(t, str(path), len(v)) for t, v in tabs.items()]
    return report


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "-", str(text)).strip("-").lower() or "tab"


def _open(path: Path, private: bool, mode: str = "w", **kwargs: Any) -> Any:
    """A file to write; ``private``: readable by its owner only, whatever the umask
    (a file holding names and phone numbers, UU 27/2022)."""
    if not private:
        return path.open(mode, **kwargs)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.fchmod(fd, 0o600)          # the file may have existed with a wider mode
    return os.fdopen(fd, mode, **kwargs)


def _write_csv(path: Path, values: list[list[Any]], private: bool = False) -> None:
    width = max((len(r) for r in values), default=0)
    # utf-8-sig: Excel on Windows opens Indonesian text correctly only with the BOM.
    with _open(path, private, "w", newline="", encoding="utf-8-sig") as fh:
        writer = csv.writer(fh)
        for row in values:
            writer.writerow(list(row) + [""] * (width - len(row)))


def _write_xlsx(path: Path, tabs: dict[str, list[list[Any]]],
                progress: Callable[[int, int], None] | None, private: bool = False) -> None:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    for done, (title, values) in enumerate(tabs.items(), start=1):
        ws = book.create_sheet(title=_xlsx_title(title))
        for row in values:
            # Strings stay strings: openpyxl would otherwise store "=..." as a formula.
            ws.append([_xlsx_cell(v) for v in row])
        if progress:
            progress(done, len(tabs))
    with _open(path, private, "wb") as fh:
        book.save(fh)


def _xlsx_title(title: str) -> str:
    return re.sub(r"[\[\]:*?/\\]", "_", title)[:31] or "Sheet"


def _xlsx_cell(value: Any) -> Any:
    # openpyxl stores any str starting with "=" as a formula; neutralise() already
    # prefixed those, this keeps the promise even if a caller skips it.
    value = neutralise(value)
    if isinstance(value, str):
        # XML 1.0 cannot hold most control characters: openpyxl raises on them and the
        # whole export failed (a cell with a pasted BEL or form feed). Drop them.
        from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
    return value
