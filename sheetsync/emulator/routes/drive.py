"""Drive v3, the subset gspread uses: files create/list/get/patch/delete/copy, permissions,
comments.list (the emulator's files hold no comments).

Only spreadsheets live in this Drive.  In strict mode a caller sees the files
shared with it (others answer 404, as Drive does) and needs writer to share,
owner to delete.
"""
from __future__ import annotations

import calendar
import operator
import re
import time
from datetime import datetime
from typing import TYPE_CHECKING, Any, Callable

from sheetsync.emulator import fields
from sheetsync.emulator.model import (SPREADSHEET_MIME, ApiError, Spreadsheet, _permission_id, new_spreadsheet_id,
                    rfc3339)
from sheetsync.emulator.routes.sheets import owner_of

if TYPE_CHECKING:
    from sheetsync.emulator.request import Request
    from sheetsync.emulator.state import EmulatorState

DEFAULT_FILE_FIELDS = "kind,id,name,mimeType"
DEFAULT_PERMISSION_FIELDS = "kind,id,type,role"
Predicate = Callable[[dict[str, Any], Spreadsheet], bool]   # a q clause: (file JSON, spreadsheet) -> match
ROLES = ("owner", "organizer", "fileOrganizer", "writer", "commenter", "reader")
TYPES = ("user", "group", "domain", "anyone")


def drive_error(code: int, reason: str, message: str, location: str | None = None) -> ApiError:
    err: dict[str, str] = {"message": message, "domain": "global", "reason": reason}
    if location:
        err.update(location=location, locationType="parameter")
    status = {400: "INVALID_ARGUMENT", 403: "PERMISSION_DENIED", 404: "NOT_FOUND"}.get(code, "UNKNOWN")
    return ApiError(code, status, message, errors=[err])


def file_not_found(file_id: str) -> ApiError:
    return drive_error(404, "notFound", f"File not found: {file_id}.", "fileId")


def file_json(ss: Spreadsheet, user: str, shown: tuple[float, int]) -> dict[str, Any]:
    """The file as Drive v3 shows it; ``shown`` is (modifiedTime, version) as Drive's lag lets
    them be seen (drive_lag.py)."""
    owner = ss.drive.owner
    modified, version = shown
    return {
        "kind": "drive#file", "id": ss.id, "name": ss.title, "mimeType": SPREADSHEET_MIME,
        "starred": False, "trashed": ss.drive.trashed, "parents": list(ss.drive.parents) or ["root"],
        "version": str(version), "webViewLink": ss.url,
        "createdTime": rfc3339(ss.drive.created), "modifiedTime": rfc3339(modified),
        "owners": [{"kind": "drive#user", "displayName": owner.split("@")[0], "emailAddress": owner,
                    "me": owner.lower() == user.lower(), "permissionId": _permission_id(owner)}],
        "shared": len(ss.drive.permissions) > 1,
    }


def _masked(obj: Any, rq: "Request", default: str) -> Any:
    return fields.apply(obj, fields.parse(rq.param("fields") or default))


def _visible(st: "EmulatorState", ss: Spreadsheet, user: str) -> bool:
    from sheetsync.emulator.state import role_of
    return not st.strict or role_of(ss, user) is not None


def _file(st: "EmulatorState", file_id: str, user: str, need: str = "reader") -> Spreadsheet:
    from sheetsync.emulator.state import role_of
    try:
        ss = st.store.get(file_id)
    except ApiError:
        raise file_not_found(file_id) from None
    if st.strict:
        role = role_of(ss, user)
        if role is None:
            raise file_not_found(file_id)
        if ROLES.index(role) > ROLES.index(need):
            raise insufficient_permissions()
    return ss


def insufficient_permissions() -> ApiError:
    return drive_error(403, "insufficientFilePermissions",
                       "The user does not have sufficient permissions for this file.")


def _check_ownership_change(st: "EmulatorState", ss: Spreadsheet, user: str, perm: dict[str, Any] | None,
                            role: Any, pending: Any) -> None:
    """Only the owner hands ownership on (makes someone owner or pending owner); the pending owner
    may accept it for itself, as gspread's accept_ownership does. A writer cannot crown itself."""
    if not st.strict or (role != "owner" and not pending) or user.lower() == ss.drive.owner.lower():
        return
    accepting = (role == "owner" and perm is not None and perm.get("pendingOwner")
                 and perm.get("emailAddress", "").lower() == user.lower())
    if not accepting:
        raise insufficient_permissions()


def create(st: "EmulatorState", rq: "Request", g: tuple[str, ...]) -> tuple[int, Any]:
    body = rq.json()
    mime = body.get("mimeType") or SPREADSHEET_MIME
    if mime != SPREADSHEET_MIME:
        raise drive_error(400, "invalid", f"The emulator's Drive stores spreadsheets only, not {mime}.")
    ss = st.store.create(body.get("name") or "Untitled spreadsheet", owner=owner_of(rq.user))
    ss.drive.parents = list(body.get("parents") or [])
    st.changed(ss)
    return 200, _masked(file_json(ss, rq.user, st.drive_lag.shown(ss)), rq, DEFAULT_FILE_FIELDS)


def get(st: "EmulatorState", rq: "Request", g: tuple[str, ...]) -> tuple[int, Any]:
    ss = _file(st, g[0], rq.user)
    with ss.lock:
        return 200, _masked(file_json(ss, rq.user, st.drive_lag.shown(ss)), rq, DEFAULT_FILE_FIELDS)


def patch(st: "EmulatorState", rq: "Request", g: tuple[str, ...]) -> tuple[int, Any]:
    ss = _file(st, g[0], rq.user, need="writer")
    body = rq.json()
    with ss.lock:
        if "name" in body:
            ss.properties["title"] = str(body["name"])
        if "trashed" in body:
            ss.drive.trashed = bool(body["trashed"])
        st.changed(ss)
        return 200, _masked(file_json(ss, rq.user, st.drive_lag.shown(ss)), rq, DEFAULT_FILE_FIELDS)


def delete(st: "EmulatorState", rq: "Request", g: tuple[str, ...]) -> tuple[int, Any]:
    _file(st, g[0], rq.user, need="owner")
    st.store.delete(g[0])
    st.changed()
    return 204, None


def copy(st: "EmulatorState", rq: "Request", g: tuple[str, ...]) -> tuple[int, Any]:
    src = _file(st, g[0], rq.user)
    body = rq.json()
    owner = owner_of(rq.user)
    with src.lock:
        new = src.clone()
    new.id = new_spreadsheet_id()
    import threading
    new.lock = threading.RLock()
    new.properties["title"] = body.get("name") or f"Copy of {src.title}"
    new.drive.owner = owner
    new.drive.created = new.drive.modified = time.time()
    new.drive.parents = list(body.get("parents") or src.drive.parents)
    new.drive.permissions = [{"kind": "drive#permission", "id": _permission_id(owner), "type": "user",
                              "role": "owner", "emailAddress": owner}]
    new.revision = 0
    st.store.add(new)
    st.changed(new)
    return 200, _masked(file_json(new, rq.user, st.drive_lag.shown(new)), rq, DEFAULT_FILE_FIELDS)


# ------------------------------------------------------------------ listing

_CLAUSE = re.compile(
    r"""^\s*(?:
      (?P<field>mimeType|name|trashed|starred|fullText)\s*(?P<op>=|!=|contains)\s*(?P<value>'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*"|true|false)
    | (?P<lit>'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")\s+in\s+(?P<coll>parents|owners|writers|readers)
    | parents\s+in\s+(?P<lit2>'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")
    | (?P<tfield>modifiedTime|createdTime|viewedByMeTime)\s*(?P<top><=|>=|!=|<|>|=)\s*(?P<tvalue>'[^']*'|"[^"]*")
    )\s*$""", re.X | re.I)

# RFC 3339 as Drive's q takes it: seconds optional fraction, UTC unless an offset is given.
_TIME = re.compile(r"^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})?$", re.I)
_COMPARE: dict[str, Callable[[int, int], bool]] = {
    "<": operator.lt, "<=": operator.le, ">": operator.gt, ">=": operator.ge, "=": operator.eq,
    "!=": operator.ne}


def _unquote(text: str) -> Any:
    if text.lower() in ("true", "false"):
        return text.lower() == "true"
    return re.sub(r"\\(.)", r"\1", text[1:-1])


def _split_and(q: str) -> list[str]:
    """Split on ' and ' outside quotes."""
    parts, buf, quote, i = [], "", None, 0
    while i < len(q):
        ch = q[i]
        if quote:
            buf += ch
            if ch == "\\" and i + 1 < len(q):
                buf += q[i + 1]
                i += 1
            elif ch == quote:
                quote = None
        elif ch in "'\"":
            quote = ch
            buf += ch
        elif q[i:i + 5].lower() == " and ":
            parts.append(buf)
            buf = ""
            i += 5
            continue
        else:
            buf += ch
        i += 1
    parts.append(buf)
    return [p for p in (x.strip() for x in parts) if p]


def _time_ms(text: str) -> int:
    """Milliseconds since the epoch of an RFC 3339 time, the precision Drive shows and compares."""
    m = _TIME.match(text)
    if not m:
        raise drive_error(400, "invalid", "Invalid Value", "q")
    fraction, offset = m.group(7) or "", (m.group(8) or "Z").upper()
    try:
        moment = datetime.fromisoformat(text[:19] + fraction[:7] + ("+00:00" if offset == "Z" else offset))
    except ValueError:
        raise drive_error(400, "invalid", "Invalid Value", "q") from None
    return calendar.timegm(moment.utctimetuple()) * 1000 + moment.microsecond // 1000


def _time_predicate(field: str, op: str, value: str) -> Predicate:
    limit, compare = _time_ms(value[1:-1]), _COMPARE[op]
    key = {"modifiedtime": "modifiedTime", "createdtime": "createdTime", "viewedbymetime": "modifiedTime"}[field.lower()]
    return lambda f, ss: compare(_time_ms(f[key]), limit)


def _predicate(clause: str, user: str, strict: bool) -> Predicate:
    m = _CLAUSE.match(clause)
    if not m:
        raise drive_error(400, "invalid", "Invalid Value", "q")
    if m.group("tfield"):
        return _time_predicate(m.group("tfield"), m.group("top"), m.group("tvalue"))
    if m.group("field"):
        field, op, value = m.group("field"), m.group("op").lower(), _unquote(m.group("value"))

        def get(f: dict[str, Any]) -> Any:
            return {"mimetype": f["mimeType"], "name": f["name"], "trashed": f["trashed"],
                    "starred": f["starred"], "fulltext": f["name"]}[field.lower()]
        if op == "contains":
            return lambda f, ss: str(value).lower() in str(get(f)).lower()
        if op == "!=":
            return lambda f, ss: get(f) != value
        return lambda f, ss: get(f) == value
    if m.group("lit2"):
        parent = _unquote(m.group("lit2"))
        return lambda f, ss: parent in f["parents"]
    lit, coll = _unquote(m.group("lit")), m.group("coll").lower()
    who = user if lit == "me" else lit
    if coll == "parents":
        return lambda f, ss: lit in f["parents"]
    if lit == "me" and not strict:
        return lambda f, ss: True  # open mode: every caller is everyone, so 'me' owns all
    if coll == "owners":
        return lambda f, ss: ss.drive.owner.lower() == who.lower()
    roles = ("owner", "writer") if coll == "writers" else ROLES
    return lambda f, ss: any(p.get("emailAddress", "").lower() == who.lower() and p.get("role") in roles
                             for p in ss.drive.permissions)


def list_files(st: "EmulatorState", rq: "Request", g: tuple[str, ...]) -> tuple[int, Any]:
    preds = [_predicate(c, rq.user, st.strict) for c in _split_and(rq.param("q") or "")]
    try:
        size = max(1, min(1000, int(rq.param("pageSize") or 100)))
        offset = int(rq.param("pageToken") or 0)
    except ValueError:
        raise drive_error(400, "invalid", "Invalid Value", "pageToken") from None
    found = []
    for ss in st.store.all():
        if not _visible(st, ss, rq.user):
            continue
        with ss.lock:
            f = file_json(ss, rq.user, st.drive_lag.shown(ss))
        if all(p(f, ss) for p in preds):
            found.append(f)
    _order(found, rq.param("orderBy") or "")
    page = found[offset:offset + size]
    out: dict[str, Any] = {"kind": "drive#fileList", "incompleteSearch": False, "files": page}
    if offset + size < len(found):
        out["nextPageToken"] = str(offset + size)
    mask = rq.param("fields")
    if mask:
        return 200, fields.apply(out, fields.parse(mask))
    out["files"] = [fields.apply(f, fields.parse(DEFAULT_FILE_FIELDS)) for f in page]
    return 200, out


_ORDER_KEYS = {"name": "name", "name_natural": "name", "createdTime": "createdTime",
               "modifiedTime": "modifiedTime", "modifiedByMeTime": "modifiedTime", "viewedByMeTime": "modifiedTime"}


def _order(files: list[dict[str, Any]], order_by: str) -> None:
    """Drive's orderBy: comma-separated keys, each optionally followed by ' desc'."""
    for part in reversed([p.strip() for p in order_by.split(",") if p.strip()]):
        key, _, direction = part.partition(" ")
        if key not in _ORDER_KEYS:
            raise drive_error(400, "invalid", "Invalid Value", "orderBy")
        field = _ORDER_KEYS[key]
        files.sort(key=lambda f: f[field].lower() if field == "name" else f[field],
                   reverse=direction.strip().lower() == "desc")


# ------------------------------------------------------------------ permissions

def _permission_json(p: dict[str, Any]) -> dict[str, Any]:
    out = {"kind": "drive#permission", "deleted": False, "pendingOwner": False, **p}
    out["pendingOwner"] = bool(p.get("pendingOwner", False))
    if "emailAddress" in p:
        out.setdefault("displayName", p["emailAddress"].split("@")[0])
    return out


def list_permissions(st: "EmulatorState", rq: "Request", g: tuple[str, ...]) -> tuple[int, Any]:
    ss = _file(st, g[0], rq.user)
    with ss.lock:
        perms = [_permission_json(p) for p in ss.drive.permissions]
    out = {"kind": "drive#permissionList", "permissions": perms}
    mask = rq.param("fields")
    return 200, fields.apply(out, fields.parse(mask)) if mask else out


def get_permission(st: "EmulatorState", rq: "Request", g: tuple[str, ...]) -> tuple[int, Any]:
    ss = _file(st, g[0], rq.user)
    with ss.lock:
        for p in ss.drive.permissions:
            if p["id"] == g[1]:
                return 200, _masked(_permission_json(p), rq, DEFAULT_PERMISSION_FIELDS)
    raise drive_error(404, "notFound", f"Permission not found: {g[1]}.", "permissionId")


def create_permission(st: "EmulatorState", rq: "Request", g: tuple[str, ...]) -> tuple[int, Any]:
    ss = _file(st, g[0], rq.user, need="writer")
    body = rq.json()
    ptype, role = body.get("type"), body.get("role")
    if ptype not in TYPES:
        raise drive_error(400, "required" if not ptype else "invalid",
                          "The permission type field is required." if not ptype else "Invalid permission type.",
                          "permission.type")
    if role not in ROLES:
        raise drive_error(400, "required" if not role else "invalid",
                          "The permission role field is required." if not role else "Invalid permission role.",
                          "permission.role")
    if role == "owner" and not rq.flag("transferOwnership"):
        raise drive_error(403, "forbidden", "The transferOwnership parameter must be enabled when the "
                          "permission role is 'owner'.", "transferOwnership")
    _check_ownership_change(st, ss, rq.user, None, role, body.get("pendingOwner"))
    perm: dict[str, Any] = {"id": "", "type": ptype, "role": role}
    if ptype in ("user", "group"):
        email = body.get("emailAddress")
        if not email:
            raise drive_error(400, "required", "The permission emailAddress field is required.",
                              "permission.emailAddress")
        perm["emailAddress"] = email
        perm["id"] = _permission_id(email)
    elif ptype == "domain":
        if not body.get("domain"):
            raise drive_error(400, "required", "The permission domain field is required.", "permission.domain")
        perm["domain"] = body["domain"]
        perm["id"] = _permission_id("domain:" + body["domain"])
    else:
        perm["id"] = "anyoneWithLink" if body.get("withLink") else "anyone"
        perm["allowFileDiscovery"] = not body.get("withLink", False)
    with ss.lock:
        ss.drive.permissions = [p for p in ss.drive.permissions if p["id"] != perm["id"]] + [perm]
        if role == "owner":
            ss.drive.owner = perm.get("emailAddress", ss.drive.owner)
        st.changed(ss)
    return 200, _masked(_permission_json(perm), rq, DEFAULT_PERMISSION_FIELDS)


def update_permission(st: "EmulatorState", rq: "Request", g: tuple[str, ...]) -> tuple[int, Any]:
    """PATCH a permission: role, pendingOwner (gspread's transfer_ownership / accept_ownership)."""
    ss = _file(st, g[0], rq.user, need="writer")
    body = rq.json()
    role = body.get("role")
    if role is not None and role not in ROLES:
        raise drive_error(400, "invalid", "Invalid permission role.", "permission.role")
    if role == "owner" and not rq.flag("transferOwnership"):
        raise drive_error(403, "forbidden", "The transferOwnership parameter must be enabled when the "
                          "permission role is 'owner'.", "transferOwnership")
    with ss.lock:
        perm = next((p for p in ss.drive.permissions if p["id"] == g[1]), None)
        if perm is None:
            raise drive_error(404, "notFound", f"Permission not found: {g[1]}.", "permissionId")
        _check_ownership_change(st, ss, rq.user, perm, role, body.get("pendingOwner"))
        if role == "owner":
            for p in ss.drive.permissions:
                if p.get("role") == "owner":
                    p["role"] = "writer"  # the old owner stays an editor, as in Drive
            ss.drive.owner = perm.get("emailAddress", ss.drive.owner)
            perm.pop("pendingOwner", None)
        if role is not None:
            perm["role"] = role
        if "pendingOwner" in body and role != "owner":
            perm["pendingOwner"] = bool(body["pendingOwner"])
        st.changed(ss)
        return 200, _masked(_permission_json(perm), rq, DEFAULT_PERMISSION_FIELDS)


def delete_permission(st: "EmulatorState", rq: "Request", g: tuple[str, ...]) -> tuple[int, Any]:
    ss = _file(st, g[0], rq.user, need="writer")
    with ss.lock:
        match = [p for p in ss.drive.permissions if p["id"] == g[1]]
        if not match:
            raise drive_error(404, "notFound", f"Permission not found: {g[1]}.", "permissionId")
        if match[0].get("role") == "owner":
            raise drive_error(403, "cannotRemoveOwner", "The owner of a file cannot be removed.")
        ss.drive.permissions = [p for p in ss.drive.permissions if p["id"] != g[1]]
        st.changed(ss)
    return 204, None


# ------------------------------------------------------------------ comments

def list_comments(st: "EmulatorState", rq: "Request", g: tuple[str, ...]) -> tuple[int, Any]:
    """comments.list: always empty (nobody comments in the emulator), so gspread's
    copy(copy_comments=True) works.  Drive requires a fields mask on this method."""
    ss = _file(st, g[0], rq.user)
    mask = rq.param("fields")
    if not mask:
        raise drive_error(400, "required", "The 'fields' parameter is required for this method.", "fields")
    with ss.lock:
        out: dict[str, Any] = {"kind": "drive#commentList", "comments": []}
    return 200, fields.apply(out, fields.parse(mask))
