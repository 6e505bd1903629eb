"""``sheetsync export``: every tab to CSV or XLSX, for archiving.

- Control characters are stripped, then text that a spreadsheet program would
  evaluate gets a leading ' (safetext.neutralise); XLSX cells of text are typed as
  text, so no workbook holds a formula.
- Personal columns (``personal = true`` in the config: names, phone numbers, and the
  coordinator column of the summary tab) are masked by their header or alias in every
  tab, whatever it is called, unless ``include_personal``.
- Every file is owner-only (0600): a tab may hold personal text under a header nobody
  configured. Tabs whose titles make the same file name get a suffix (-2, -3, ...).
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

from sheetsync.core import a1
from sheetsync.core.headers import header_key
from sheetsync.private_file import open_private
from sheetsync.core.safetext import neutralise
from sheetsync.core.config import Config
from sheetsync.core.summaries import PERSONAL_HEADERS
from sheetsync.sheets.client import Client, Sheet, open_client

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


def personal_headers(config: Config) -> dict[str, str]:
    """header_key -> configured header, for every personal column, its aliases, and the
    coordinator column of the summary tab (named in both languages)."""
    names: dict[str, str] = {header_key(h): h for h in PERSONAL_HEADERS}
    for col in config.columns:
        if col.personal:
            for name in (col.header, *col.aliases):
                names[header_key(name)] = col.header
    return names


def personal_columns(header: list[Any], names: dict[str, str]) -> dict[int, str]:
    """0-based column index -> header text, for every personal column found in ``header``."""
    return {i: str(h) for i, h in enumerate(header) if header_key(h) in names}


def mask_rows(values: list[list[Any]], config: Config) -> tuple[list[list[Any]], list[str]]:
    """Mask personal cells below any row that names a personal column, in any tab.

    A copied input tab, a summary tab or a hand-made table may put its header on any row,
    so every row that holds a personal header starts masking its columns; the rows below
    are masked until another such row takes over."""
    names = personal_headers(config)
    out: list[list[Any]] = []
    masked: list[str] = []
    cols: dict[int, str] = {}
    for row in values:
        found = personal_columns(row, names)
        if found:
            cols = found
            masked += [h for h in found.values() if h not in masked]
            out.append(list(row))
            continue
        out.append([MASK if i in cols and str(v).strip() != "" else v for i, v in enumerate(row)])
    return out, masked


def export(config: Config, out_dir: str | Path = ".", *, fmt: str = "csv", include_personal: bool = False,
           client: Client | None = None, now: datetime | None = None,
           progress: Callable[[int, int], None] | None = None) -> ExportReport:
    """Write every tab of the spreadsheet under ``out_dir``; returns what was written."""
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
        if not include_personal:
            values, masked = mask_rows(values, config)
            report.masked_columns += [h for h in masked if h not in report.masked_columns]
        tabs[title] = [[neutralise(v) for v in row] for row in values]
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    stamp = (now or datetime.now()).strftime("%Y%m%d-%H%M%S")
    base = f"{_slug(config.name)}-{stamp}"
    if fmt == "csv":
        for (title, values), name in zip(tabs.items(), unique_names([_slug(t) for t in tabs])):
            path = out / f"{base}-{name}.csv"
            _write_csv(path, values)
            report.files.append(str(path))
            report.tabs.append(ExportedTab(title, str(path), len(values)))
            if progress:
                progress(len(report.tabs), len(tabs))
    else:
        path = out / f"{base}.xlsx"
        _write_xlsx(path, tabs, progress)
        report.files.append(str(path))
        report.tabs = [ExportedTab(t, str(path), len(v)) for t, v in tabs.items()]
    return report


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "-", str(text)).strip("-").lower() or "tab"


def unique_names(names: list[str], limit: int | None = None) -> list[str]:
    """``names`` with clashes (case-insensitive, after cutting to ``limit``) suffixed -2, -3...:
    the tabs "Masalah" and "Masalah!" must not overwrite each other's file."""
    taken: set[str] = set()
    out = []
    for name in names:
        name = name[:limit] if limit else name
        candidate, n = name, 1
        while candidate.lower() in taken:
            n += 1
            suffix = f"-{n}"
            candidate = (name[: limit - len(suffix)] if limit else name) + suffix
        taken.add(candidate.lower())
        out.append(candidate)
    return out


def _open(path: Path, mode: str = "w", **kwargs: Any) -> Any:
    """A file readable by its owner only (an export may hold names and phone numbers,
    UU 27/2022), never written through a symlink planted at the path."""
    return os.fdopen(open_private(path, os.O_WRONLY | os.O_TRUNC), mode, **kwargs)


def _write_csv(path: Path, values: list[list[Any]]) -> None:
    width = max((len(r) for r in values), default=0)
    # utf-8-sig: Excel on Windows opens Indonesian text correctly only with the BOM.
    with _open(path, "w", newline="", encoding="utf-8-sig") as fh:
        writer = csv.writer(fh)
        for row in values:
            writer.writerow(list(row) + [""] * (width - len(row)))


def _write_xlsx(path: Path, tabs: dict[str, list[list[Any]]],
                progress: Callable[[int, int], None] | None) -> None:
    from openpyxl import Workbook  # only an XLSX export loads openpyxl

    book = Workbook(write_only=True)
    titles = unique_names([_xlsx_title(t) for t in tabs], limit=31)
    for done, (title, (_, values)) in enumerate(zip(titles, tabs.items()), start=1):
        ws = book.create_sheet(title=title)
        for row in values:
            ws.append([_xlsx_cell(ws, v) for v in row])
        if progress:
            progress(done, len(tabs))
    with _open(path, "wb") as fh:
        book.save(fh)


def _xlsx_title(title: str) -> str:
    return re.sub(r"[\[\]:*?/\\]", "_", title) or "Sheet"


def _xlsx_cell(ws: Any, value: Any) -> Any:
    """Text as a cell typed text: openpyxl stores any str starting with "=" as a formula,
    whatever came before it. Numbers stay numbers."""
    if not isinstance(value, str):
        return value
    from openpyxl.cell import WriteOnlyCell  # only an XLSX export loads openpyxl
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    # XML 1.0 cannot hold most control characters (openpyxl raises on them); neutralise
    # already dropped them, this keeps the file writable if a caller skips it.
    cell = WriteOnlyCell(ws, value=neutralise(ILLEGAL_CHARACTERS_RE.sub("", value)))
    cell.data_type = "s"
    return cell
