"""The Drive v2 file resource, as the media upload gspread's import_csv uses answers it.

Field for field the shape of Google's recorded answer; values come from the
spreadsheet (links follow the emulator's convention of Google's own addresses,
as ``spreadsheetUrl`` does).  gspread reads none of it; programs that do see the
shape Google sends.  ``fileSize`` and ``quotaBytesUsed`` are the "1024" Google's recording
shows for a native spreadsheet (it is not a byte count of the data).
"""
from __future__ import annotations

from typing import Any

from sheetsync.emulator.model import SPREADSHEET_MIME, Spreadsheet, _permission_id, rfc3339

_V2 = "https://www.googleapis.com/drive/v2/files"
_EXPORTS = {"application/x-vnd.oasis.opendocument.spreadsheet": "ods", "text/tab-separated-values": "tsv",
            "application/pdf": "pdf", "application/zip": "zip", "text/csv": "csv",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xlsx",
            "application/vnd.oasis.opendocument.spreadsheet": "ods"}


def _user(email: str, me: bool) -> dict[str, Any]:
    return {"displayName": email, "kind": "drive#user", "isAuthenticatedUser": me,
            "permissionId": _permission_id(email), "emailAddress": email,
            "picture": {"url": "https://lh3.googleusercontent.com/a/default-user=s64"}}


def file_resource(ss: Spreadsheet, user: str, role: str) -> dict[str, Any]:
    owner = ss.drive.owner
    me = role == "owner"
    modified = rfc3339(ss.drive.modified)
    parent = (list(ss.drive.parents) or ["root"])[0]
    docs = f"https://docs.google.com/spreadsheets/d/{ss.id}"
    return {
        "kind": "drive#file", "id": ss.id, "etag": f'"{ss.revision}"', "selfLink": f"{_V2}/{ss.id}",
        "userPermission": {"id": "me", "type": "user", "role": role, "kind": "drive#permission",
                           "selfLink": f"{_V2}/{ss.id}/permissions/me", "etag": f'"{ss.revision}"',
                           "pendingOwner": False},
        "alternateLink": f"{docs}/edit?usp=drivesdk", "embedLink": f"{docs}/htmlembed",
        "iconLink": f"https://drive-thirdparty.googleusercontent.com/16/type/{SPREADSHEET_MIME}",
        "thumbnailLink": f"https://docs.google.com/feeds/vt?gd=true&id={ss.id}&v=1&sz=s220",
        "title": ss.title, "mimeType": SPREADSHEET_MIME,
        "exportLinks": {mime: f"https://docs.google.com/spreadsheets/export?id={ss.id}&exportFormat={fmt}"
                        for mime, fmt in _EXPORTS.items()},
        "labels": {"viewed": True, "restricted": False, "starred": False, "hidden": False,
                   "trashed": ss.drive.trashed},
        "copyRequiresWriterPermission": False, "explicitlyTrashed": ss.drive.trashed,
        "createdDate": rfc3339(ss.drive.created), "modifiedDate": modified, "modifiedByMeDate": modified,
        "lastViewedByMeDate": modified, "markedViewedByMeDate": "1970-01-01T00:00:00.000Z",
        "version": str(ss.revision + 1),
        "parents": [{"selfLink": f"{_V2}/{ss.id}/parents/{parent}", "id": parent, "isRoot": parent == "root",
                     "kind": "drive#parentReference", "parentLink": f"{_V2}/{parent}"}],
        "ownerNames": [owner], "owners": [_user(owner, me)],
        "lastModifyingUserName": user, "lastModifyingUser": _user(user, True),
        "editable": True, "copyable": True, "writersCanShare": True, "shared": len(ss.drive.permissions) > 1,
        "appDataContents": False, "spaces": ["drive"], "fileSize": "1024", "quotaBytesUsed": "1024",
        "capabilities": {"canEdit": True, "canCopy": True},
    }
