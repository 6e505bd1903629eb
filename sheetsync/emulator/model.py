"""State model of the Sheets/Drive emulator, shared by every emulator module.

Layout
------
``Store``        every spreadsheet by id; a store-level lock guards the dict only.
``Spreadsheet``  one workbook: ``properties`` (Google's SpreadsheetProperties JSON:
                 title, locale, timeZone, autoRecalc), ``sheets`` (list of ``Sheet``
                 in tab order), ``named_ranges`` (list of NamedRange JSON, each with a
                 ``range`` GridRange), ``developer_metadata`` (spreadsheet-level
                 DeveloperMetadata JSON), ``metadata_projects`` (metadataId -> the Cloud
                 project that created PROJECT metadata), ``drive`` (``DriveMeta``) and ``lock`` (an
                 RLock: hold it for every read or write of that spreadsheet).
``Sheet``        one tab:
  properties     Google's SheetProperties JSON, kept exactly as the API returns it:
                 {"sheetId", "title", "index", "sheetType": "GRID",
                  "gridProperties": {"rowCount", "columnCount", "frozenRowCount"?,
                  "frozenColumnCount"?}, "hidden"?, "tabColor"?, ...}.
                 Use the ``row_count`` / ``column_count`` / ``title`` / ``sheet_id``
                 accessors; set the grid with ``set_grid``.
  values         ragged list of row lists; values[r][c] is the EFFECTIVE value of
                 cell (r, c), 0-based: str, float/int, bool or None (empty).  This is
                 exactly what UNFORMATTED_VALUE returns.  Rows may be shorter than
                 the grid and the list may be shorter than rowCount; missing = None.
                 Rows may carry trailing None; readers trim.  Never store int for a
                 bool (check ``isinstance(v, bool)`` before numbers).  Numbers: float,
                 or int when the input was an integer (renderers print 5, not 5.0).
  formulas       sparse dict[(r, c)] -> "=SUM(A1:A3)" (the text as entered).  The
                 effective value of that cell sits in ``values`` (recomputed by
                 ``recalc.recalculate``).
  formats        sparse dict[(r, c)] -> userEnteredFormat CellFormat JSON
                 (numberFormat, textFormat, backgroundColor, ...).  Treat stored
                 dicts as immutable: replace, never mutate in place (``clone`` shares).
  notes          sparse dict[(r, c)] -> str.
  validations    sparse dict[(r, c)] -> DataValidationRule JSON.
  row_meta / col_meta  sparse dict[index] -> DimensionProperties JSON
                 (pixelSize, hiddenByUser, developerMetadata).
  merges         list of GridRange JSON (with sheetId).
  conditional_formats  list of ConditionalFormatRule JSON (rules in order).
  protected_ranges     list of ProtectedRange JSON (protectedRangeId set).
  charts         list of EmbeddedChart JSON (chartId set).
  developer_metadata   list of DeveloperMetadata JSON (metadataId set).
  basic_filter   BasicFilter JSON or None.
  banded_ranges, filter_views  lists of their JSON.

Coordinates are 0-based and half-open everywhere (like GridRange):
row r, column c; ``a1.py`` converts A1 text <-> GridRange.

Ids: ``Spreadsheet.new_id()`` hands out sheetIds, protectedRangeIds, chartIds,
metadataIds (random positive 31-bit ints, unique within the workbook).

Interfaces the routes call on these classes:

``cellvalues.parse_user_entered(raw, spreadsheet, cell_format) -> (value, formula | None, number_format | None)``
    raw is one JSON value from ValueRange.values (str, int, float, bool, None);
    cell_format = the cell's current numberFormat (TEXT keeps text).
    value = effective value to store (formula cells: None until recalculated);
    number_format = a NumberFormat JSON to put into formats[(r,c)]["numberFormat"]
    when USER_ENTERED detects a date/time/percent/currency, else None.
``cellvalues.render(value, formula, option, number_format=None, date_time_render_option="SERIAL_NUMBER", spreadsheet=None) -> JSON value``
    option is FORMATTED_VALUE | UNFORMATTED_VALUE | FORMULA.
``recalc.recalculate(spreadsheet) -> None``
    re-evaluates every formula cell of the workbook into ``sheet.values``.
    Routes call it after any write when ``spreadsheet.has_formulas()``.
``batch_requests.apply(spreadsheet, body, user=None, project=DEFAULT_PROJECT) -> dict``
    body = BatchUpdateSpreadsheetRequest JSON; returns the response JSON
    {"spreadsheetId", "replies": [...], "updatedSpreadsheet"?}.  All-or-nothing:
    apply to ``spreadsheet.clone()``, then ``spreadsheet.adopt(work)`` on success.
    Raise ``ApiError`` for bad input (``invalid_argument("...")``).
    The route holds ``spreadsheet.lock`` and bumps ``touch()`` afterwards; ``user`` is
    the caller's e-mail in strict mode (protected ranges), None in open mode.
``protection.check_edit(ss, sheet, r0, r1, c0, c1, user)``: values routes call
    it in strict mode before writing.
``sheet_json.spreadsheet_json(ss, grid=..., boxes=...)``: the Spreadsheet
    resource, also for ``updatedSpreadsheet``.

Errors: raise ``ApiError``; the server turns it into Google's body
{"error": {"code", "message", "status"}}.
"""
from __future__ import annotations

import copy
import hashlib
import random
import secrets
import threading
import time
from dataclasses import dataclass, field
from typing import Any, Iterable

from sheetsync.emulator.error_details import for_invalid_argument

CELL_LIMIT = 10_000_000
MAX_COLUMNS = 18_278  # column ZZZ
DEFAULT_ROWS = 1000
DEFAULT_COLUMNS = 26
SPREADSHEET_MIME = "application/vnd.google-apps.spreadsheet"

Cell = tuple[int, int]


class ApiError(Exception):
    """An error answered with Google's JSON body."""

    def __init__(self, code: int, status: str, message: str, headers: dict[str, str] | None = None,
                 errors: list[dict[str, str]] | None = None):
        super().__init__(message)
        self.code = code
        self.status = status
        self.message = message
        self.headers = headers or {}
        self.errors = errors  # Drive v3 adds [{"domain", "reason", "message", ...}]
        self.details: list[dict[str, Any]] | None = None  # google.rpc details, e.g. ErrorInfo

    def body(self) -> dict[str, Any]:
        error: dict[str, Any] = {"code": self.code, "message": self.message}
        if self.errors:
            error["errors"] = self.errors
        error["status"] = self.status
        if self.details:
            error["details"] = self.details
        return {"error": error}


def invalid_argument(message: str) -> ApiError:
    error = ApiError(400, "INVALID_ARGUMENT", message)
    error.details = for_invalid_argument(message)
    return error


def not_found(message: str = "Requested entity was not found.") -> ApiError:
    return ApiError(404, "NOT_FOUND", message)


def permission_denied(message: str = "The caller does not have permission") -> ApiError:
    return ApiError(403, "PERMISSION_DENIED", message)


def unauthenticated(message: str | None = None) -> ApiError:
    return ApiError(401, "UNAUTHENTICATED", message or (
        "Request had invalid authentication credentials. Expected OAuth 2 access token, "
        "login cookie or other valid authentication credential. See "
        "https://developers.google.com/identity/sign-in/web/devconsole-project."))


def cell_limit_error() -> ApiError:
    return invalid_argument(
        f"This action would increase the number of cells in the workbook above the limit of {CELL_LIMIT} cells.")


def rfc3339(ts: float) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(ts)) + ".%03dZ" % int((ts % 1) * 1000)


@dataclass
class DriveMeta:
    """Drive v3 File metadata of a spreadsheet; name = spreadsheet title (one source)."""
    owner: str = "emulator@sheetsync.local"
    permissions: list[dict[str, Any]] = field(default_factory=list)  # Drive Permission JSON
    created: float = field(default_factory=time.time)
    modified: float = field(default_factory=time.time)
    trashed: bool = False
    parents: list[str] = field(default_factory=list)
    # What Drive shows while a lag window is open (drive_lag.py): (modified, version), and when
    # the window opened; None when Drive shows the file as it is.
    shown: tuple[float, int] | None = None
    window_opened: float | None = None

    def shared_with(self, email: str) -> bool:
        email = email.lower()
        for p in self.permissions:
            if p.get("type") == "anyone":
                return True
            if p.get("emailAddress", "").lower() == email:
                return True
            if p.get("type") == "domain" and email.endswith("@" + p.get("domain", "").lower()):
                return True
        return email == self.owner.lower()


class Sheet:
    """One tab; see the module docstring for every field."""

    def __init__(self, sheet_id: int, title: str, index: int,
                 rows: int = DEFAULT_ROWS, columns: int = DEFAULT_COLUMNS):
        self.properties: dict[str, Any] = {
            "sheetId": sheet_id, "title": title, "index": index, "sheetType": "GRID",
            "gridProperties": {"rowCount": rows, "columnCount": columns},
        }
        self.values: list[list[Any]] = []
        self.formulas: dict[Cell, str] = {}
        self.formats: dict[Cell, dict[str, Any]] = {}
        self.notes: dict[Cell, str] = {}
        self.validations: dict[Cell, dict[str, Any]] = {}
        self.row_meta: dict[int, dict[str, Any]] = {}
        self.col_meta: dict[int, dict[str, Any]] = {}
        self.merges: list[dict[str, Any]] = []
        self.conditional_formats: list[dict[str, Any]] = []
        self.protected_ranges: list[dict[str, Any]] = []
        self.charts: list[dict[str, Any]] = []
        self.developer_metadata: list[dict[str, Any]] = []
        self.basic_filter: dict[str, Any] | None = None
        self.banded_ranges: list[dict[str, Any]] = []
        self.filter_views: list[dict[str, Any]] = []

    # -- properties ---------------------------------------------------------
    @property
    def sheet_id(self) -> int:
        return self.properties["sheetId"]

    @property
    def title(self) -> str:
        return self.properties["title"]

    @property
    def grid(self) -> dict[str, Any]:
        return self.properties.setdefault("gridProperties", {})

    @property
    def row_count(self) -> int:
        return self.grid.get("rowCount", 0)

    @property
    def column_count(self) -> int:
        return self.grid.get("columnCount", 0)

    def set_grid(self, rows: int | None = None, columns: int | None = None) -> None:
        """Resize the grid; cells beyond the new size are dropped (as in Google)."""
        if rows is not None:
            self.grid["rowCount"] = rows
            if len(self.values) > rows:
                del self.values[rows:]
            _drop_sparse(self, lambda r, c: r >= rows)
        if columns is not None:
            self.grid["columnCount"] = columns
            for row in self.values:
                if len(row) > columns:
                    del row[columns:]
            _drop_sparse(self, lambda r, c: c >= columns)

    def cell_count(self) -> int:
        return self.row_count * self.column_count

    # -- cells --------------------------------------------------------------
    def get(self, r: int, c: int) -> Any:
        if r < len(self.values):
            row = self.values[r]
            if c < len(row):
                return row[c]
        return None

    def set(self, r: int, c: int, value: Any, formula: str | None = None) -> None:
        """Store one effective value and its formula (None removes the formula)."""
        values = self.values
        if r >= len(values):
            if value is None:
                self.formulas.pop((r, c), None)
                if formula is not None:
                    self.formulas[(r, c)] = formula
                    self._ensure(r, c)
                return
            values.extend([] for _ in range(r + 1 - len(values)))
        row = values[r]
        if c >= len(row):
            if value is None and formula is None:
                self.formulas.pop((r, c), None)
                return
            row.extend([None] * (c + 1 - len(row)))
        row[c] = value
        if formula is None:
            if self.formulas:
                self.formulas.pop((r, c), None)
        else:
            self.formulas[(r, c)] = formula

    def _ensure(self, r: int, c: int) -> None:
        while len(self.values) <= r:
            self.values.append([])
        row = self.values[r]
        if len(row) <= c:
            row.extend([None] * (c + 1 - len(row)))

    def clear(self, r0: int, r1: int, c0: int, c1: int) -> None:
        """Clear values and formulas (not formats) of rows r0..r1-1, columns c0..c1-1."""
        for r in range(r0, min(r1, len(self.values))):
            row = self.values[r]
            end = min(c1, len(row))
            if end > c0:
                row[c0:end] = [None] * (end - c0)
                while row and row[-1] is None:
                    row.pop()
        if self.formulas:
            for key in [k for k in self.formulas if r0 <= k[0] < r1 and c0 <= k[1] < c1]:
                del self.formulas[key]
        self.trim_tail()

    def trim_tail(self) -> None:
        """Drop trailing empty rows of ``values`` (keeps memory and reads small)."""
        values = self.values
        while values and not any(v is not None for v in values[-1]):
            values.pop()

    def used_extent(self) -> tuple[int, int]:
        """(rows, columns) of the smallest block holding every non-empty value."""
        rows = 0
        cols = 0
        for i, row in enumerate(self.values):
            n = len(row)
            while n and row[n - 1] is None:
                n -= 1
            if n:
                rows = i + 1
                cols = max(cols, n)
        return rows, cols

    # -- structure ----------------------------------------------------------
    def insert_rows(self, start: int, count: int) -> None:
        """Insert ``count`` empty rows before row ``start``; shifts every sparse dict."""
        if start < len(self.values):
            self.values[start:start] = [[] for _ in range(count)]
        self.grid["rowCount"] = self.row_count + count
        _shift_sparse(self, axis=0, start=start, delta=count)

    def delete_rows(self, start: int, end: int) -> None:
        del self.values[start:end]
        self.grid["rowCount"] = self.row_count - (end - start)
        _drop_sparse(self, lambda r, c: start <= r < end)
        _shift_sparse(self, axis=0, start=end, delta=-(end - start))

    def insert_columns(self, start: int, count: int) -> None:
        for row in self.values:
            if start < len(row):
                row[start:start] = [None] * count
        self.grid["columnCount"] = self.column_count + count
        _shift_sparse(self, axis=1, start=start, delta=count)

    def delete_columns(self, start: int, end: int) -> None:
        for row in self.values:
            del row[start:end]
        self.grid["columnCount"] = self.column_count - (end - start)
        _drop_sparse(self, lambda r, c: start <= c < end)
        _shift_sparse(self, axis=1, start=end, delta=-(end - start))

    def clone(self) -> "Sheet":
        """Independent copy: rows copied (values are immutable), JSON deep-copied."""
        new = Sheet.__new__(Sheet)
        for name, val in self.__dict__.items():
            if name == "values":
                new.values = [row[:] for row in val]
            elif name in ("formulas", "formats", "notes", "validations", "row_meta", "col_meta"):
                setattr(new, name, dict(val))
            else:
                setattr(new, name, copy.deepcopy(val))
        return new


_SPARSE_CELL = ("formulas", "formats", "notes", "validations")


def _drop_sparse(sheet: Sheet, pred) -> None:
    for name in _SPARSE_CELL:
        d = getattr(sheet, name)
        if d:
            for key in [k for k in d if pred(*k)]:
                del d[key]


def _shift_sparse(sheet: Sheet, axis: int, start: int, delta: int) -> None:
    """Move sparse entries at index >= start on ``axis`` by ``delta``."""
    for name in _SPARSE_CELL:
        d = getattr(sheet, name)
        if not d:
            continue
        moved = {}
        for key in [k for k in d if k[axis] >= start]:
            val = d.pop(key)
            nk = (key[0] + delta, key[1]) if axis == 0 else (key[0], key[1] + delta)
            moved[nk] = val
        d.update(moved)
    meta = sheet.row_meta if axis == 0 else sheet.col_meta
    if meta:
        moved_meta = {i + delta: meta.pop(i) for i in [i for i in meta if i >= start]}
        meta.update(moved_meta)


class Spreadsheet:
    """One workbook; hold ``lock`` around every access."""

    def __init__(self, spreadsheet_id: str, title: str, owner: str = "emulator@sheetsync.local",
                 locale: str = "en_US", time_zone: str = "Etc/GMT"):
        self.id = spreadsheet_id
        self.properties: dict[str, Any] = {
            "title": title, "locale": locale, "autoRecalc": "ON_CHANGE", "timeZone": time_zone,
            "defaultFormat": {
                "backgroundColor": {"red": 1, "green": 1, "blue": 1},
                "padding": {"top": 2, "right": 3, "bottom": 2, "left": 3},
                "verticalAlignment": "BOTTOM", "wrapStrategy": "OVERFLOW_CELL",
                "textFormat": {"foregroundColor": {}, "fontFamily": "arial,sans,sans-serif", "fontSize": 10,
                               "bold": False, "italic": False, "strikethrough": False,
                               "underline": False},
            },
        }
        self.sheets: list[Sheet] = []
        self.named_ranges: list[dict[str, Any]] = []
        self.developer_metadata: list[dict[str, Any]] = []
        self.metadata_projects: dict[int, str] = {}  # metadataId -> Cloud project (PROJECT ones)
        self.drive = DriveMeta(owner=owner)
        self.lock = threading.RLock()
        self.revision = 0

    # -- pickling (locks cannot be pickled) ----------------------------------
    def __getstate__(self) -> dict[str, Any]:
        state = dict(self.__dict__)
        del state["lock"]
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.metadata_projects = {}  # saved before metadata had projects
        self.__dict__.update(state)
        self.lock = threading.RLock()

    @property
    def title(self) -> str:
        return self.properties["title"]

    @property
    def url(self) -> str:
        return f"https://docs.google.com/spreadsheets/d/{self.id}/edit"

    # -- sheets -------------------------------------------------------------
    def sheet_by_id(self, sheet_id: int) -> Sheet | None:
        for s in self.sheets:
            if s.sheet_id == sheet_id:
                return s
        return None

    def sheet_by_title(self, title: str) -> Sheet | None:
        """Sheet titles match case-insensitively in Google's A1 parsing."""
        for s in self.sheets:
            if s.title == title:
                return s
        low = title.lower()
        for s in self.sheets:
            if s.title.lower() == low:
                return s
        return None

    def reindex(self) -> None:
        for i, s in enumerate(self.sheets):
            s.properties["index"] = i

    def new_id(self) -> int:
        """A fresh positive id, unique among sheetIds and object ids of this workbook."""
        used = self._used_ids()
        while True:
            n = random.randint(1, 2**31 - 1)
            if n not in used:
                return n

    def _used_ids(self) -> set[int]:
        used: set[int] = set()
        for s in self.sheets:
            used.add(s.sheet_id)
            used.update(p.get("protectedRangeId", -1) for p in s.protected_ranges)
            used.update(c.get("chartId", -1) for c in s.charts)
            used.update(m.get("metadataId", -1) for m in s.developer_metadata)
        used.update(m.get("metadataId", -1) for m in self.developer_metadata)
        return used

    def add_sheet(self, title: str, rows: int = DEFAULT_ROWS, columns: int = DEFAULT_COLUMNS,
                  index: int | None = None, sheet_id: int | None = None) -> Sheet:
        """Append (or insert at ``index``) a sheet; checks the cell limit."""
        self.check_cell_limit(rows * columns)
        if sheet_id is None:
            sheet_id = 0 if not self.sheets and not self.sheet_by_id(0) else self.new_id()
        sheet = Sheet(sheet_id, title, 0, rows, columns)
        pos = len(self.sheets) if index is None else max(0, min(index, len(self.sheets)))
        self.sheets.insert(pos, sheet)
        self.reindex()
        return sheet

    # -- limits -------------------------------------------------------------
    def cell_count(self) -> int:
        return sum(s.cell_count() for s in self.sheets)

    def check_cell_limit(self, added: int) -> None:
        """Raise Google's 400 if adding ``added`` grid cells would pass 10,000,000."""
        if added > 0 and self.cell_count() + added > CELL_LIMIT:
            raise cell_limit_error()

    def has_formulas(self) -> bool:
        return any(s.formulas for s in self.sheets)

    # -- transactions -------------------------------------------------------
    def clone(self) -> "Spreadsheet":
        """A working copy for all-or-nothing batches (shares nothing mutable but the lock).

        Generic over attributes, so fields other modules add survive batches and snapshots."""
        new = Spreadsheet.__new__(Spreadsheet)
        for name, val in self.__dict__.items():
            if name == "lock":
                new.lock = val
            elif name == "sheets":
                new.sheets = [s.clone() for s in val]
            elif name in ("id", "revision"):
                setattr(new, name, val)
            else:
                setattr(new, name, copy.deepcopy(val))
        return new

    def adopt(self, work: "Spreadsheet") -> None:
        """Make a successful working copy the live state (keeps this object, its id, lock, revision)."""
        for name, val in work.__dict__.items():
            if name not in ("lock", "id", "revision"):
                setattr(self, name, val)

    def touch(self) -> None:
        self.revision += 1
        self.drive.modified = time.time()


def new_spreadsheet_id() -> str:
    """44 characters of [A-Za-z0-9_-], like Google's keys."""
    return secrets.token_urlsafe(33)[:44]


@dataclass
class NewSheetDefaults:
    """Locale and time zone of spreadsheets created without them, as a Google account's
    settings give them (a service account's sheets are en_US, Etc/GMT)."""
    locale: str = "en_US"
    time_zone: str = "Etc/GMT"


class Store:
    """Every spreadsheet of one emulator; ``lock`` guards the dict, not the workbooks."""

    def __init__(self) -> None:
        self.spreadsheets: dict[str, Spreadsheet] = {}
        self.lock = threading.RLock()
        self.defaults = NewSheetDefaults()

    def __getstate__(self) -> dict[str, Any]:
        return {"spreadsheets": self.spreadsheets}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.spreadsheets = state["spreadsheets"]
        self.lock = threading.RLock()
        self.defaults = NewSheetDefaults()

    def create(self, title: str = "Untitled spreadsheet", owner: str = "emulator@sheetsync.local",
               sheet_titles: Iterable[str] | None = None) -> Spreadsheet:
        ss = Spreadsheet(new_spreadsheet_id(), title, owner=owner, locale=self.defaults.locale,
                         time_zone=self.defaults.time_zone)
        for t in (list(sheet_titles or []) or ["Sheet1"]):
            ss.add_sheet(t)
        ss.drive.permissions.append({
            "id": _permission_id(owner), "type": "user", "role": "owner", "emailAddress": owner,
            "kind": "drive#permission"})
        with self.lock:
            self.spreadsheets[ss.id] = ss
        return ss

    def add(self, ss: Spreadsheet) -> None:
        with self.lock:
            self.spreadsheets[ss.id] = ss

    def get(self, spreadsheet_id: str) -> Spreadsheet:
        with self.lock:
            ss = self.spreadsheets.get(spreadsheet_id)
        if ss is None:
            raise not_found()
        return ss

    def delete(self, spreadsheet_id: str) -> None:
        with self.lock:
            if self.spreadsheets.pop(spreadsheet_id, None) is None:
                raise not_found(f"File not found: {spreadsheet_id}.")

    def all(self) -> list[Spreadsheet]:
        with self.lock:
            return list(self.spreadsheets.values())


def _permission_id(email: str) -> str:
    """Stable numeric-looking permission id per e-mail, as Drive gives."""
    digest = hashlib.sha256(email.lower().encode()).hexdigest()
    return str(int(digest[:16], 16) % 10**20).rjust(20, "0")
