"""Helpers for the coordinator scenarios (tests/test_coordinators_*.py): a second gspread
client plays the coordinator on the Jakarta Barat preset sheet, and after every sync the
same four promises are checked:

- nothing a person typed is lost or overwritten: every cell outside what sheetsync owns
  (its marked columns of the input tab, its marked tabs) is compared, read as FORMULA,
  before and after;
- statuses are on the right rows and the same everywhere: the sheet's marked Status
  column, `check` (read_and_check with the journal), the Masalah tab and the sync report;
- the idle sync afterwards costs 1 request and writes nothing (the emulator's counters);
- messages are one or two clear lines, no raw APIError and no traceback.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from gspread import Client, Spreadsheet, Worksheet
from gspread.exceptions import APIError
from sync_data import settled_counters

from sheetsync.core.config import Config
from sheetsync.core.issues import PERIKSA, SALAH, status_label
from sheetsync.journal.store import Journal
from sheetsync.sync.run import SyncError, SyncHooks, SyncReport, read_and_check, sync

NOW = datetime(2024, 11, 27, 21, 5, 0, tzinfo=ZoneInfo("Asia/Jakarta"))
NOTES = ["Ketua KPPS: Pak Ahmad, buka jam 7", "kotak suara tiba 06.30", "saksi datang terlambat",
         "=\"tanya \"&\"Bu Sari\"", "DPT dicek ulang 12.000?", "80,35"]

# sheetsync's markers (developer metadata, docs/sync.md); written out here so these tests also
# run against a release before markers, where owned columns are found by header instead
COLUMN_KEY, TAB_KEY, STATUS, MESSAGE = "sheetsync.column", "sheetsync.tab", "status", "message"
OWNED_HEADERS = {STATUS: "Status", MESSAGE: "Keterangan"}
SUMMARY_TITLES = ("Rekap Kecamatan", "Rekap Kelurahan", "Masalah", "Rekap Koordinator")

try:                                                   # what init and sync raise on a person's column or tab
    from sheetsync.sync.ownership import NotOurs
    REFUSED: tuple[type[Exception], ...] = (NotOurs, SyncError)
except ImportError:                                    # a release before markers
    REFUSED = (SyncError,)

Cells = dict[tuple[str, int, int], Any]          # (tab, row, col) 1-based -> value as FORMULA


def coordinator(emu: Any, sh: Spreadsheet, who: str = "koordinator-kalideres") -> Spreadsheet:
    """The same spreadsheet opened by a second gspread client: the coordinator at work."""
    return emu.client(token=who).open_by_key(sh.id)


def col_letter(col: int) -> str:
    letters = ""
    while col:
        col, rest = divmod(col - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def insert_own_column(ws: Worksheet, col: int, texts: list[str]) -> None:
    """She inserts an empty column and types a header and notes into it, as the UI does."""
    ws.insert_cols([[]], col=col)
    ws.update([[t] for t in texts], f"{col_letter(col)}1", value_input_option="USER_ENTERED")


def _search(sh: Spreadsheet, key: str) -> list[dict] | None:
    """Developer metadata of the key; None from an emulator that has no markers at all.
    Google leaves a sheetId of 0 out of the JSON (proto3 default), hence .get("sheetId", 0)."""
    url = f"https://sheets.googleapis.com/v4/spreadsheets/{sh.id}/developerMetadata:search"
    try:
        got = sh.client.request("post", url, json={"dataFilters": [
            {"developerMetadataLookup": {"metadataKey": key}}]}).json()
    except APIError as exc:                            # an emulator before markers: none to find
        if exc.response.status_code != 404:
            raise
        return None
    return [m["developerMetadata"] for m in got.get("matchedDeveloperMetadata", [])]


def owned(sh: Spreadsheet) -> tuple[dict[str, int], set[int]]:
    """sheetsync's marked columns (role -> 1-based column of the input tab) and marked tab ids."""
    columns = {m["metadataValue"]: m["location"]["dimensionRange"]["startIndex"] + 1
               for m in _search(sh, COLUMN_KEY) or []}
    marked = _search(sh, TAB_KEY)
    tabs = {m["location"].get("sheetId", 0) for m in marked or []}
    if marked is None:                                 # a release before markers: by title
        tabs = {ws.id for ws in sh.worksheets() if ws.title in SUMMARY_TITLES}
    return columns, tabs


def person_cells(sh: Spreadsheet, input_tabs: tuple[str, ...] = ("TPS",)) -> Cells:
    """Every non-blank cell a person may have typed, as FORMULA: all tabs but sheetsync's
    marked ones, and in the input tabs every column but sheetsync's marked ones."""
    _, tabs = owned(sh)
    mine = [ws for ws in sh.worksheets() if ws.id not in tabs]
    got = sh.values_batch_get(["'" + ws.title.replace("'", "''") + "'" for ws in mine],
                              params={"valueRenderOption": "FORMULA"})
    out: Cells = {}
    for ws, vr in zip(mine, got.get("valueRanges", [])):
        skip = _owned_columns_of(sh, ws) if ws.title in input_tabs else set()
        for r, line in enumerate(vr.get("values", []), start=1):
            for c, value in enumerate(line, start=1):
                if value != "" and c not in skip:
                    out[(ws.title, r, c)] = value
    return out


def _owned_columns_of(sh: Spreadsheet, ws: Worksheet) -> set[int]:
    """Marked columns of this tab (markers of another team's tab are not this tab's)."""
    marked = _search(sh, COLUMN_KEY)
    if marked is None:
        return set(_by_header(ws).values())
    return {m["location"]["dimensionRange"]["startIndex"] + 1 for m in marked
            if m["location"]["dimensionRange"].get("sheetId", 0) == ws.id}


def _by_header(ws: Worksheet) -> dict[str, int]:
    """A release before markers: the rightmost Status and Keterangan headers are sheetsync's."""
    header = ws.row_values(1)
    return {role: max(i for i, h in enumerate(header, start=1) if h == title)
            for role, title in OWNED_HEADERS.items() if title in header}


def lost(before: Cells, after: Cells) -> dict[tuple[str, int, int], tuple[Any, Any]]:
    """Cells a person typed that are not there any more as typed."""
    return {k: (v, after.get(k, "")) for k, v in before.items() if after.get(k, "") != v} | \
           {k: ("", v) for k, v in after.items() if k not in before}


def sheet_statuses(sh: Spreadsheet, tab: str = "TPS") -> dict[int, str]:
    """Sheet row -> status shown in sheetsync's marked Status column of the tab (non-blank)."""
    ws = sh.worksheet(tab)
    marked = [m["location"]["dimensionRange"]["startIndex"] + 1 for m in _search(sh, COLUMN_KEY) or []
              if m["metadataValue"] == STATUS and m["location"]["dimensionRange"].get("sheetId", 0) == ws.id]
    col = marked[0] if marked else _by_header(ws)[STATUS]
    values = ws.get_values()
    return {r: line[col - 1] for r, line in enumerate(values, start=1)
            if r > 1 and len(line) >= col and line[col - 1]}


@dataclass
class Desk:
    """sheetsync's side: one config, its journal and lock folder, syncing on the emulator."""
    emu: Any
    config: Config
    folder: Path
    client: Client | None = None                       # sheetsync's own key (strict emulator)
    journal_file: Path | None = None                   # two teams on one machine share one journal
    minute: int = 0

    def __post_init__(self) -> None:
        self.journal_file = self.journal_file or self.folder / "journal.sqlite"

    def sync(self, hooks: SyncHooks | None = None, client: Client | None = None, **kw: Any) -> SyncReport:
        self.minute += 1
        with Journal(self.journal_file) as journal:
            return sync(self.config, client=client or self.client or self.emu.client(), journal=journal,
                        lock_dir=str(self.folder), now=NOW + timedelta(minutes=self.minute), hooks=hooks, **kw)

    def check(self) -> Any:
        now = NOW + timedelta(minutes=self.minute)
        client = self.client or self.emu.client()
        with Journal(self.journal_file) as journal:
            try:
                return read_and_check(self.config, client=client, journal=journal, now=now)
            except TypeError:                          # a release whose check took no journal
                return read_and_check(self.config, client=client, now=now)

    def idle(self, client: Client | None = None) -> SyncReport:
        """One more sync with nothing changed: 1 request, nothing written (emulator's count)."""
        before = settled_counters(self.emu)
        report = self.sync(client=client)
        after = settled_counters(self.emu)
        delta = (after["requests"] - before["requests"], after["cells_written"] - before["cells_written"])
        assert (report.requests, report.cells_written) == (1, 0), report
        assert delta == (1, 0), delta
        return report


def assert_one_status(sh: Spreadsheet, desk: Desk, report: SyncReport, *, masalah: bool = True) -> dict[int, str]:
    """The sheet, `check`, Masalah (unless left out) and the sync report agree on every row's status."""
    config = desk.config
    shown = sheet_statuses(sh, config.input_tab)
    checked = desk.check()
    for row in set(shown) | set(checked.rows.index):
        status = checked.status_of(row)[0]
        want = status_label(status, config.language) if status else ""
        assert shown.get(row, "") == want, (row, shown.get(row), want)
    by_label = Counter(shown.values())
    assert {status_label(s, config.language): n for s, n in report.rows_by_status.items() if n} == dict(by_label)
    if masalah:
        assert_masalah_agrees(sh, config, shown)
    return shown


def assert_masalah_agrees(sh: Spreadsheet, config: Config, shown: dict[int, str]) -> None:
    """Masalah lists every SALAH and PERIKSA row, each with the status the sheet shows."""
    masalah = sh.worksheet(config.summary_tabs.masalah).get_values()
    head = masalah[0]
    row_col = head.index("Baris" if "Baris" in head else "Row")
    status_col = head.index("Status")
    listed = {int(line[row_col]): line[status_col] for line in masalah[1:] if len(line) > status_col and line[row_col]}
    problems = {status_label(s, config.language) for s in (SALAH, PERIKSA)}   # always have an issue line
    assert {r: s for r, s in listed.items()} == {r: shown.get(r) for r in listed}, (listed, shown)
    assert {r for r, s in shown.items() if s in problems} <= set(listed), (listed, shown)


def assert_clear(text: str) -> None:
    """A message a person reads: one or two lines, no raw API error, no traceback."""
    assert text.strip() and len(text.strip().splitlines()) <= 2, text
    for raw in ("Traceback", "APIError", "{'code'", '"code":', "[400]", "[403]", "[500]"):
        assert raw not in text, text
