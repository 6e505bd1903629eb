"""Drive's view of spreadsheets: which of the files an account can see changed since a time.

One files.list per account answers for every spreadsheet it was shared: Drive keeps, per
file, ``modifiedTime`` (when its content last changed) and ``version`` (a counter that
grows with each change). ``q="modifiedTime > '…'"`` lists only the files changed after a
time, up to 1000 a page, so an account with 514 sheets costs one request when few changed
and a few more when many did.

This needs the scope ``drive.metadata.readonly`` (metadata only: never a cell); the fleet
asks for it, a single sheet's sync does not.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

import google.auth.exceptions
from gspread.exceptions import APIError
from gspread.urls import DRIVE_FILES_API_V3_URL

from sheetsync.errors import register
from sheetsync.sheets.client import Client
from sheetsync.sheets.errors import SheetsError
from sheetsync.sheets.transport import RequestException

SPREADSHEET_MIME = "application/vnd.google-apps.spreadsheet"
PAGE_SIZE = 1000                 # Drive's largest page
MAX_PAGES = 50                   # 50,000 files: far past any fleet; past it, trust no partial list


register({
    "drive_list_failed": {
        "en": "Drive did not list the changed sheets ({why}): every sheet of the account is read this cycle",
        "id": "Drive tidak memberi daftar sheet yang berubah ({why}): semua sheet akun ini dibaca siklus ini",
    },
})


class DriveError(SheetsError):
    """files.list failed: the caller reads every sheet instead of trusting Drive."""


def _why(exc: BaseException) -> str:
    if isinstance(exc, APIError):
        message = str(exc.error.get("message", "")).strip().splitlines()
        return f"{exc.response.status_code} {message[0][:200] if message else ''}".strip()
    return type(exc).__name__


@dataclass(frozen=True)
class DriveFile:
    """A spreadsheet as Drive lists it: its key, when its content last changed (Unix seconds),
    and its version."""
    key: str
    modified: float
    version: int


def rfc3339(ts: float) -> str:
    """Drive's time format: UTC with milliseconds (2026-12-07T08:00:00.000Z)."""
    moment = datetime.fromtimestamp(ts, timezone.utc)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def parse_rfc3339(text: str) -> float:
    return datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()


def changed_query(since: float) -> str:
    """Spreadsheets, not trashed, whose content changed after ``since``."""
    return f"mimeType = '{SPREADSHEET_MIME}' and trashed = false and modifiedTime > '{rfc3339(since)}'"


def _file(item: dict[str, Any]) -> DriveFile | None:
    try:
        return DriveFile(str(item["id"]), parse_rfc3339(str(item["modifiedTime"])), int(item.get("version") or 0))
    except (KeyError, TypeError, ValueError):
        return None                 # a file Drive describes without a time is not news


def changed_since(client: Client, since: float, page_size: int = PAGE_SIZE) -> list[DriveFile]:
    """Every spreadsheet the client's account sees whose content changed after ``since``
    (one request per page). Raises DriveError (a refused scope, Drive's quota, no network)."""
    params: dict[str, Any] = {"q": changed_query(since), "pageSize": page_size,
                              "fields": "nextPageToken,files(id,modifiedTime,version)",
                              "supportsAllDrives": "true", "includeItemsFromAllDrives": "true"}
    found: list[DriveFile] = []
    for _ in range(MAX_PAGES):
        try:
            body = client.http_client.request("get", DRIVE_FILES_API_V3_URL, params=params).json()
        except (APIError, RequestException, google.auth.exceptions.GoogleAuthError) as exc:
            raise DriveError(code="drive_list_failed", why=_why(exc)) from None
        found += [f for f in map(_file, body.get("files") or []) if f is not None]
        token = body.get("nextPageToken")
        if not token:
            return found
        params["pageToken"] = token
    raise DriveError(code="drive_list_failed", why=f"more than {MAX_PAGES} pages")
