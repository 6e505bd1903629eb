"""Google Sheets access: the only module that imports gspread.

sheetsync talks to the API through gspread's low-level HTTPClient calls, not through
``open_by_key``/``Worksheet``: those fetch the spreadsheet metadata on every open,
which would cost one request per sync for nothing. The steady state is one
values:batchGet (plus one values:batchUpdate and the verify batchGet after it when
something changed); metadata is read only when a tab is missing or a write hits the grid edge.
"""

from __future__ import annotations

import json
import logging
import os
import re
import stat
import urllib.parse
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Mapping, Sequence, cast

import google.auth
import google.auth.credentials
import google.auth.exceptions
import google.oauth2.credentials
from google.oauth2 import service_account
import gspread
from gspread.exceptions import APIError
from gspread.urls import SPREADSHEET_VALUES_BATCH_UPDATE_URL, SPREADSHEETS_API_V4_BASE_URL

from sheetsync.core import a1
from sheetsync.sheets.errors import CredentialsError, Protected, SheetsError
from sheetsync.sheets.transport import RequestException, RetryPolicy, connection_refused, make_session

log = logging.getLogger("sheetsync")

# Spreadsheets only: open_by_key-style access by ID needs no Drive scope.
SCOPES = ("https://www.googleapis.com/auth/spreadsheets",)
# A fleet also asks Drive which of its spreadsheets changed: file metadata only, never a cell.
FLEET_SCOPES = SCOPES + ("https://www.googleapis.com/auth/drive.metadata.readonly",)
# A plain 'gcloud auth application-default login' grants cloud-platform only, which the
# Sheets API refuses (403 ACCESS_TOKEN_SCOPE_INSUFFICIENT); gcloud itself needs cloud-platform.
ADC_LOGIN = ("gcloud auth application-default login --scopes="
             "https://www.googleapis.com/auth/spreadsheets,https://www.googleapis.com/auth/cloud-platform")
MAX_PAYLOAD = 2_000_000          # Google's recommended maximum request body
CELL_LIMIT = 10_000_000          # cells per spreadsheet
_KEY_IN_URL = re.compile(r"/spreadsheets/d/([a-zA-Z0-9_-]+)")
_KEY = re.compile(r"^[a-zA-Z0-9_-]{10,}$")
# Cells are read as values: numbers as JSON numbers whatever their number format
# (`#,##0.00`, currency, accounting) or the spreadsheet's locale (id_ID shows 1234 as
# "1.234"); text as typed. Dates and times come as the text the cell shows: no count
# column holds a date, and a count that the sheet took for a date ("12/3") must stay
# an error that names what the volunteer sees, not become a serial number of votes.
VALUES = "UNFORMATTED_VALUE"
JsonObject = dict[str, Any]      # a JSON object of the API, as gspread decodes it
Client = gspread.Client          # the wings above name the client without importing gspread
DATES = "FORMATTED_STRING"


@dataclass
class WriteStats:
    requests: int = 0
    cells: int = 0
    bytes: int = 0
    ranges: int = 0


@dataclass
class Matched:
    """One range a values:batchGetByDataFilter answered, with the filters that selected it."""
    filters: list[JsonObject]
    range: str                      # as Google names it: 'TPS'!A1:Q2649
    values: list[list[Any]]


def _booleans_as_shown(rows: list[list[Any]]) -> list[list[Any]]:
    """A checkbox or a typed TRUE arrives as a JSON boolean; it becomes the text the sheet
    shows, "TRUE"/"FALSE". Left a bool, True would count as 1 vote (True == 1 in Python
    and in pandas' factorisation) where a volunteer's "TRUE" in a count is an error."""
    for row in rows:
        if any(v is True or v is False for v in row):
            row[:] = ["TRUE" if v is True else "FALSE" if v is False else v for v in row]
    return rows


@dataclass
class Prepared:
    """A serialised values:batchUpdate (one body per ~2 MB)."""
    bodies: list[bytes]
    stats: WriteStats


def spreadsheet_key(id_or_url: str) -> str:
    """Accept a bare ID or any docs.google.com URL that contains one."""
    text = (id_or_url or "").strip()
    m = _KEY_IN_URL.search(text)
    if m:
        return m.group(1)
    if _KEY.match(text):
        return text
    raise SheetsError(code="sheets_not_an_id", text=text)


# ---------------------------------------------------------------- credentials

def load_credentials(path: str | None = None, *, environ: Mapping[str, str] | None = None,
                     scopes: Sequence[str] = SCOPES) -> google.auth.credentials.Credentials:
    """Key file (config/--credentials, else GOOGLE_APPLICATION_CREDENTIALS), else ADC."""
    env = os.environ if environ is None else environ
    source = "--credentials / config"
    if not path and env.get("GOOGLE_APPLICATION_CREDENTIALS"):
        path, source = env["GOOGLE_APPLICATION_CREDENTIALS"], "GOOGLE_APPLICATION_CREDENTIALS"
    if path:
        return _key_file(path, source, scopes)
    try:
        creds, _ = google.auth.default(scopes=list(scopes))
    except google.auth.exceptions.DefaultCredentialsError:
        raise CredentialsError(code="creds_none", login=ADC_LOGIN) from None
    return creds


def _key_file(path: str, source: str, scopes: Sequence[str] = SCOPES) -> google.auth.credentials.Credentials:
    p = Path(path).expanduser()
    if not p.is_file():
        raise CredentialsError(code="creds_key_missing", path=str(p), source=source)
    try:
        mode = p.stat().st_mode
        text = p.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise CredentialsError(code="creds_key_unreadable", path=str(p), kind=exc.__class__.__name__) from None
    if mode & (stat.S_IRWXG | stat.S_IRWXO):
        log.warning("key file %s is readable by other users; run: chmod 600 %s", p, p)
    try:
        creds = _from_info(json.loads(text), scopes)
    except (ValueError, KeyError, TypeError, google.auth.exceptions.GoogleAuthError) as exc:
        # The message of these errors never contains the key itself, but keep it short anyway.
        raise CredentialsError(code="creds_key_invalid", path=str(p), kind=exc.__class__.__name__) from None
    return creds


def _from_info(info: Any, scopes: Sequence[str] = SCOPES) -> google.auth.credentials.Credentials:
    kind = info.get("type") if isinstance(info, dict) else None
    if kind == "service_account":
        return cast(google.auth.credentials.Credentials, service_account.Credentials.from_service_account_info(
            info, scopes=list(scopes)))
    if kind == "authorized_user":
        return cast(google.auth.credentials.Credentials,
                    google.oauth2.credentials.Credentials.from_authorized_user_info(
                        info, scopes=list(scopes)))
    raise ValueError(f"unsupported key type {kind!r}")


def account_email(creds: Any) -> str | None:
    return getattr(creds, "service_account_email", None) or getattr(creds, "signer_email", None)


# ---------------------------------------------------------------- clients

def open_client(config: Any, *, credentials: google.auth.credentials.Credentials | None = None,
                retry: RetryPolicy | None = None, scopes: Sequence[str] = SCOPES) -> gspread.Client:
    """A gspread client on sheetsync's transport (redirect, timeouts, bounded retries).

    With an emulator URL and no key file anywhere, an emulator token is used: the
    emulator's open mode accepts any bearer token. ``scopes``: SCOPES for one sheet's
    sync, FLEET_SCOPES for a fleet's clients.
    """
    if credentials is None:
        path = getattr(config, "credentials", None)
        api_url = getattr(config, "api_url", None)
        if api_url and not path and not os.environ.get("GOOGLE_APPLICATION_CREDENTIALS"):
            return emulator_client(api_url, retry=retry)
        credentials = load_credentials(path, scopes=scopes)
    session = make_session(credentials, getattr(config, "api_url", None), retry)
    return gspread.Client(auth=credentials, session=session)


def emulator_client(api_url: str, token: str = "emulator", *,
                    retry: RetryPolicy | None = None) -> gspread.Client:
    """A ready gspread.Client for an emulator (open mode accepts any token)."""
    creds = google.oauth2.credentials.Credentials(token=token)
    return gspread.Client(auth=creds, session=make_session(creds, api_url, retry))


def client_from_key_info(info: Mapping[str, Any], api_url: str | None = None, *,
                         retry: RetryPolicy | None = None) -> gspread.Client:
    """A gspread.Client from a parsed key file (service account or authorized user).

    For callers that hold the key as a dict, such as the tests' GoogleEmulator.client(key=...) in
    strict mode, so that this module stays the one that builds gspread clients.
    """
    creds = _from_info(dict(info))
    return gspread.Client(auth=creds, session=make_session(creds, api_url, retry))


def client_credentials(client: gspread.Client) -> Any:
    session = client.http_client.session
    return getattr(session, "credentials", None) or getattr(client.http_client, "auth", None)


def transport_stats(client: gspread.Client) -> dict[str, int] | None:
    stats = getattr(client.http_client.session, "stats", None)
    return stats.snapshot() if stats is not None else None


# ---------------------------------------------------------------- errors

def translate(exc: BaseException, *, key: str, email: str | None) -> SheetsError:
    """Any failure of an API call -> one line that says how to fix it."""
    if isinstance(exc, SheetsError):
        return exc
    if isinstance(exc, APIError):
        return _api_error(exc, key=key, email=email)
    if isinstance(exc, google.auth.exceptions.RefreshError):
        reason = exc.args[0] if exc.args and isinstance(exc.args[0], str) else exc
        if getattr(exc, "retryable", False):
            # 429/5xx at the token endpoint: an outage, not a bad key
            return SheetsError(code="sheets_token_unavailable", reason=_first_line(reason)[:120])
        return CredentialsError(code="creds_refused", who=email, reason=_first_line(reason))
    if isinstance(exc, (RequestException, google.auth.exceptions.TransportError)):
        return _unreachable(exc)
    return SheetsError(code="sheets_unexpected", msg=_first_line(exc))


def _unreachable(exc: BaseException) -> SheetsError:
    """Nothing listening at the address is said as such, with the address (never its query)."""
    if not connection_refused(exc):
        return SheetsError(code="sheets_unreachable", kind=exc.__class__.__name__)
    url = str(getattr(getattr(exc, "request", None), "url", "") or "")
    parts = urllib.parse.urlsplit(url)
    return SheetsError(code="sheets_refused", url=f"{parts.scheme}://{parts.netloc}" if parts.netloc else "?",
                       kind=exc.__class__.__name__)


def _api_error(exc: APIError, *, key: str, email: str | None) -> SheetsError:
    code = exc.response.status_code
    message = _first_line(exc.error.get("message", ""))
    if code == 401:
        return CredentialsError(code="creds_token_rejected", message=message)
    if code == 403 and "insufficient authentication scopes" in message.lower():
        return CredentialsError(code="creds_scopes", who=email, message=message, login=ADC_LOGIN)
    if code == 403:
        # Google answers a reader's write as it answers a stranger's read: a refused write
        # after the reads went through means the share is read-only
        return SheetsError(code="sheets_read_only" if _is_write(exc) else "sheets_not_shared", spreadsheet=key,
                           who=email)
    if code == 400 and "protected cell or object" in message:
        return Protected(code="sheets_protected", message=message, who=email)
    if code == 404:
        return SheetsError(code="sheets_not_found", spreadsheet=key)
    if code == 429:
        return SheetsError(code="sheets_quota")
    if code >= 500:
        return SheetsError(code="sheets_failing", status=code, message=message)
    return SheetsError(code="sheets_refused_request", status=code, message=message)


# Requests that only read, although some are POSTs (a data-filter read sends its ranges in the body)
_READS = (":batchGetByDataFilter", ":getByDataFilter")


def _is_write(exc: APIError) -> bool:
    request = getattr(exc.response, "request", None)
    method = str(getattr(request, "method", "GET") or "GET").upper()
    path = str(getattr(request, "url", "") or "").split("?", 1)[0]
    return method not in ("GET", "HEAD") and not path.endswith(_READS)


def _first_line(value: Any) -> str:
    text = str(value).strip().splitlines()
    return text[0][:300] if text else ""


def tab_missing(sheet: "Sheet", tab: str, source: str) -> SheetsError:
    """The input tab is not there (renamed or deleted): name it and the tabs there are."""
    tabs = ", ".join(sorted(sheet.tabs())) or "-"
    return SheetsError(code="sheets_tab_missing", tab=tab, spreadsheet=sheet.key, tabs=tabs, source=source)


def is_missing_range(exc: BaseException) -> bool:
    """The API's 400 for a range naming a tab the spreadsheet does not have."""
    return isinstance(exc, APIError) and exc.response.status_code == 400 and \
        "Unable to parse range" in str(exc.error.get("message", ""))


def _is_grid_limit(exc: BaseException) -> bool:
    return isinstance(exc, APIError) and exc.response.status_code == 400 and \
        "exceeds grid limits" in str(exc.error.get("message", ""))


# ---------------------------------------------------------------- the sheet

class Sheet:
    """One spreadsheet, reached by key; every method is exactly one API request."""

    def __init__(self, client: gspread.Client, key: str) -> None:
        self.client = client
        self.http = client.http_client
        self.key = spreadsheet_key(key)
        self.email = account_email(client_credentials(client))
        self.requests = 0          # logical API calls made through this object
        self.grid: dict[str, tuple[int, int]] = {}   # tab -> (rows, cols), from whole-tab reads

    def _call(self, fn: Any, *args: Any, **kwargs: Any) -> Any:
        self.requests += 1
        try:
            return fn(*args, **kwargs)
        except (APIError, RequestException, google.auth.exceptions.GoogleAuthError) as exc:
            if is_missing_range(exc) or _is_grid_limit(exc):
                raise                   # the caller repairs these (adds a tab, grows a grid)
            raise translate(exc, key=self.key, email=self.email) from None

    def _json(self, fn: Any, *args: Any, **kwargs: Any) -> JsonObject:
        """A call whose answer is one JSON object (gspread decodes it, untyped)."""
        return cast(JsonObject, self._call(fn, *args, **kwargs))

    def read(self, ranges: list[str], *, render: str = VALUES) -> dict[str, list[list[Any]]]:
        """ONE read (read_matched). Keys are the ranges as asked; trailing blanks are trimmed by the API.

        By default cells come as their values (see VALUES), so a number format or the
        spreadsheet's locale changes nothing sheetsync reads."""
        matched = self.read_matched([{"a1Range": r} for r in ranges], render=render)
        by_range = {m.filters[0].get("a1Range"): m for m in matched if len(m.filters) == 1}
        out: dict[str, list[list[Any]]] = {}
        for i, asked in enumerate(ranges):
            m = by_range.get(asked) or (matched[i] if i < len(matched) else None)
            if m is not None:
                self.note_grid(asked, m.range)
            out[asked] = m.values if m is not None else []
        return out

    def read_formulas(self, ranges: list[str]) -> dict[str, list[list[Any]]] | None:
        """read() of the cells as typed (formulas as formulas); None when a range has left the
        tab since it was worked out (rows deleted meanwhile: the API's grid-limit 400)."""
        try:
            return self.read(ranges, render="FORMULA")
        except APIError as exc:
            if is_missing_range(exc) or _is_grid_limit(exc):
                return None
            raise

    def read_matched(self, filters: list[JsonObject], *, render: str = VALUES) -> list["Matched"]:
        """ONE values:batchGetByDataFilter: a POST, so hundreds of ranges never make a long URL
        (Google refuses URLs past about 8 KB), and developer-metadata lookups find sheetsync's
        own columns and tabs in the same request. One Matched per range a filter selected."""
        params = {"valueRenderOption": render, "dateTimeRenderOption": DATES, "majorDimension": "ROWS"}
        url = f"{SPREADSHEETS_API_V4_BASE_URL}/{self.key}/values:batchGetByDataFilter"
        response = self._call(self.http.request, "post", url, json={"dataFilters": filters, **params})
        body = response.json()
        booleans = b"true" in response.content or b"false" in response.content   # C-speed pre-check
        return [Matched(list(m.get("dataFilters", [])), m.get("valueRange", {}).get("range", ""),
                        _booleans_as_shown(m.get("valueRange", {}).get("values", [])) if booleans
                        else m.get("valueRange", {}).get("values", []))
                for m in body.get("valueRanges", []) if isinstance(m, dict)]

    def note_grid(self, asked: str, answered: str) -> None:
        """A whole-tab read answers with the tab's whole grid ('TPS'!A1:Q2649): keep its size."""
        if "!" in asked.lstrip("'").split("'")[-1] or "!" not in answered:
            return
        tab, ref = a1.split_range(answered)
        try:
            rows, cols = a1.parse_cell(ref.split(":")[-1])
        except ValueError:
            return
        self.grid[tab] = (rows, cols)

    def append_rows(self, range_: str, rows: list[list[Any]]) -> JsonObject:
        """ONE values:append, RAW, INSERT_ROWS: Google adds the rows in new rows below
        the table as it is when the request lands, never over a row typed meanwhile."""
        return self._json(self.http.values_append, self.key, range_,
                          {"valueInputOption": "RAW", "insertDataOption": "INSERT_ROWS"}, {"values": rows})

    def too_small(self, need: Mapping[str, tuple[int, int]]) -> bool:
        """Would a write of this extent run past a known grid? (unknown tabs: no)"""
        return any(t in self.grid and (r > self.grid[t][0] or c > self.grid[t][1])
                   for t, (r, c) in need.items())

    def write(self, updates: Iterable[tuple[str, list[list[Any]]]], *, input_option: str = "RAW") -> WriteStats:
        """values:batchUpdate RAW (or ``input_option`` USER_ENTERED: as a person types, a formula
        stays one); one request unless the body passes ~2 MB."""
        return self.send(self.prepare(updates, input_option=input_option))

    def prepare(self, updates: Iterable[tuple[str, list[list[Any]]]], *, input_option: str = "RAW") -> "Prepared":
        """Serialise a write ahead of time, so that sending it is all that is left to do."""
        stats = WriteStats()
        bodies = _bodies(list(updates), stats, input_option)
        return Prepared(bodies, stats)

    def send(self, prepared: "Prepared") -> WriteStats:
        url = SPREADSHEET_VALUES_BATCH_UPDATE_URL % self.key
        stats = WriteStats(cells=prepared.stats.cells, ranges=prepared.stats.ranges)
        for body in prepared.bodies:
            self._call(self.http.request, "post", url, data=body,
                       headers={"Content-Type": "application/json; charset=utf-8"})
            stats.requests += 1
            stats.bytes += len(body)
        return stats

    def metadata(self) -> JsonObject:
        """Tab titles, ids and grid sizes: only when the layout is unknown or changed."""
        return self._json(self.http.fetch_sheet_metadata, self.key,
                          {"fields": "properties.title,sheets.properties"})

    def properties(self) -> JsonObject:
        """The spreadsheet's own properties (title, locale, time zone): ONE spreadsheets.get."""
        return self._json(self.http.fetch_sheet_metadata, self.key, {"fields": "properties"})

    def structure(self, *, grid_ranges: list[str] | tuple[str, ...] = ()) -> JsonObject:
        """ONE spreadsheets.get with formatting-related structure (for init/layout)."""
        fields = "properties,sheets(properties,conditionalFormats,protectedRanges,charts"
        params: dict[str, Any] = {"includeGridData": "false"}
        if grid_ranges:
            fields += ",data.rowData.values.dataValidation"
            params = {"includeGridData": "true", "ranges": list(grid_ranges)}
        params["fields"] = fields + ")"
        return self._json(self.http.fetch_sheet_metadata, self.key, params)

    def batch_update(self, requests_: list[JsonObject]) -> JsonObject:
        """ONE spreadsheets:batchUpdate (structure: add tabs, grow grids, formats)."""
        return self._json(self.http.batch_update, self.key, {"requests": requests_})

    def tabs(self) -> dict[str, JsonObject]:
        """title -> sheet properties (sheetId, gridProperties)."""
        return {s["properties"]["title"]: s["properties"] for s in self.metadata().get("sheets", [])}

    def add_tabs(self, tabs: list[JsonObject], also: Sequence[JsonObject] = ()) -> None:
        """Add tabs (addSheet properties, each with its sheetId and a grid sized to its table)
        and `also` (their markers) in ONE batchUpdate.

        A batchUpdate is atomic, but its answer can be lost after it landed; the transport's
        retry then meets Google's 400 "already exists". Tabs that now exist with the very
        sheetIds asked for were added by this call: that is success, not an error."""
        if not tabs and not also:
            return
        try:
            self.batch_update([{"addSheet": {"properties": p}} for p in tabs] + list(also))
        except SheetsError as exc:
            if not tabs:
                raise
            have = {p["title"]: p.get("sheetId") for p in self.tabs().values()}
            if any(have.get(p["title"]) != p["sheetId"] for p in tabs):
                raise exc from None

    def ensure_grid(self, need: Mapping[str, tuple[int, int]], *, headroom: float = 0.1) -> bool:
        """Grow tabs to at least (rows, cols): one metadata read, one batchUpdate if needed.

        Rows get some headroom (a growing summary would otherwise cost two extra requests
        every time it gains a row), unless that would pass Google's 10M-cell limit. The new
        size is set, not added (updateSheetProperties, not appendDimension): a request
        retried after its answer was lost cannot grow the grid twice.
        """
        tabs = self.tabs()
        total = sum(_cells(p) for p in tabs.values())
        sizes: dict[str, list[int]] = {}
        for title, (rows, cols) in need.items():
            props = tabs.get(title)
            if props is None:
                continue
            grid = props.get("gridProperties", {})
            have_r, have_c = grid.get("rowCount", 0), grid.get("columnCount", 0)
            if rows > have_r or cols > have_c:
                sizes[title] = [max(rows, have_r), max(cols, have_c)]
        if not sizes:
            return False
        spare = CELL_LIMIT - total - sum(r * c - _cells(tabs[t]) for t, (r, c) in sizes.items())
        requests_ = []
        for title, (rows, cols) in sizes.items():
            props = tabs[title]
            if rows > props.get("gridProperties", {}).get("rowCount", 0) and headroom > 0:
                extra = max(100, int(rows * headroom))
                if extra * cols <= spare:
                    spare -= extra * cols
                    rows += extra
            requests_.append({"updateSheetProperties": {
                "properties": {"sheetId": props["sheetId"], "gridProperties": {"rowCount": rows, "columnCount": cols}},
                "fields": "gridProperties.rowCount,gridProperties.columnCount"}})
            self.grid.pop(title, None)       # known again at the next whole-tab read
        self.batch_update(requests_)
        return True


def _cells(props: Mapping[str, Any]) -> int:
    grid = props.get("gridProperties", {})
    return int(grid.get("rowCount", 0)) * int(grid.get("columnCount", 0))


def _bodies(updates: list[tuple[str, list[list[Any]]]], stats: WriteStats, input_option: str = "RAW") -> list[bytes]:
    """Serialise each range once; cut the list into bodies under MAX_PAYLOAD."""
    head = b'{"valueInputOption":"%s","includeValuesInResponse":false,"data":[' % input_option.encode()
    tail = b"]}"
    bodies: list[bytes] = []
    parts: list[bytes] = []
    size = len(head) + len(tail)
    for rng, values in updates:
        for piece_range, piece in _pieces(rng, values):
            part = json.dumps({"range": piece_range, "majorDimension": "ROWS", "values": piece},
                              ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode()
            if parts and size + len(part) + 1 > MAX_PAYLOAD:
                bodies.append(head + b",".join(parts) + tail)
                parts, size = [], len(head) + len(tail)
            parts.append(part)
            size += len(part) + 1
            stats.cells += sum(len(r) for r in piece)
            stats.ranges += 1
    if parts:
        bodies.append(head + b",".join(parts) + tail)
    return bodies


def _pieces(rng: str, values: list[list[Any]]) -> list[tuple[str, list[list[Any]]]]:
    """Split one big rectangle by rows so that no single range passes the payload limit."""
    approx = len(json.dumps(values[:50], ensure_ascii=False, default=str)) / max(1, min(50, len(values)))
    per_piece = max(1, int(MAX_PAYLOAD * 0.8 / max(approx, 1.0)))
    if len(values) <= per_piece:
        return [(rng, values)]
    tab, ref = a1.split_range(rng)
    row, col = a1.parse_cell(ref.split(":", 1)[0])
    width = max(len(r) for r in values)
    out = []
    for start in range(0, len(values), per_piece):
        chunk = values[start:start + per_piece]
        top = row + start
        out.append((a1.rect(tab, top, col, top + len(chunk) - 1, col + width - 1), chunk))
    return out
