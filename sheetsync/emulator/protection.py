"""Who may edit protected ranges.

Google lets the file owner and the editors listed on a ProtectedRange edit
it; everybody else gets 400 "You are trying to edit a protected cell or
object. ...". Warning-only ranges never block API writes. Callers pass the
caller's e-mail in strict mode only (open mode has no identities, so nothing
is blocked): values routes call `check_edit`, batch_requests.apply(user=...)
guards every request that changes a protected range: cell writes, structural
requests (insert/delete/move dimension, insertRange/deleteRange, sort, merges)
and formatting (cell formats, borders, conditional formats, banding).
"""
from __future__ import annotations

from typing import Any

from sheetsync.emulator.model import ApiError

PROTECTED = ("You are trying to edit a protected cell or object. Please contact the "
             "spreadsheet owner to remove protection if you need to edit.")
_BIG = 1 << 40


def _span(gr: dict, lo: str, hi: str) -> tuple[int, int]:
    end = gr.get(hi)
    return gr.get(lo) or 0, (end if end is not None else _BIG)


def _covers(gr: dict, r0: int, r1: int, c0: int, c1: int) -> bool:
    a, b = _span(gr, "startRowIndex", "endRowIndex")
    c, d = _span(gr, "startColumnIndex", "endColumnIndex")
    return a <= r0 and r1 <= b and c <= c0 and c1 <= d


def _overlaps(gr: dict, r0: int, r1: int, c0: int, c1: int) -> bool:
    a, b = _span(gr, "startRowIndex", "endRowIndex")
    c, d = _span(gr, "startColumnIndex", "endColumnIndex")
    return a < r1 and r0 < b and c < c1 and c0 < d


def _is_editor(pr: dict, user: str) -> bool:
    editors = pr.get("editors") or {}
    email = user.lower()
    if any(u.lower() == email for u in editors.get("users") or []):
        return True
    if editors.get("domainUsersCanEdit") and "@" in email:
        return True
    return any(g.lower() == email for g in editors.get("groups") or [])


def may_edit(ss: Any, sheet: Any, r0: int, r1: int, c0: int, c1: int, user: str | None) -> bool:
    """Can `user` change cells [r0, r1) x [c0, c1) of `sheet`? None = no identity = yes."""
    if not user or user.lower() == ss.drive.owner.lower() or r1 <= r0 or c1 <= c0:
        return True
    for pr in sheet.protected_ranges:
        if pr.get("warningOnly") or "range" not in pr:
            continue
        if not _overlaps(pr["range"], r0, r1, c0, c1) or _is_editor(pr, user):
            continue
        if any(_covers(u, r0, r1, c0, c1) for u in pr.get("unprotectedRanges", [])):
            continue
        return False
    return True


def may_insert(ss: Any, sheet: Any, axis: int, start: int, user: str | None) -> bool:
    """Can `user` insert rows (axis 0) or columns (axis 1) before index `start`? Not when the
    insertion lands inside a protected range it may not edit: the range would grow."""
    if not user or user.lower() == ss.drive.owner.lower():
        return True
    lo_key, hi_key = ("startRowIndex", "endRowIndex") if axis == 0 else ("startColumnIndex", "endColumnIndex")
    for pr in sheet.protected_ranges:
        if pr.get("warningOnly") or "range" not in pr or _is_editor(pr, user):
            continue
        lo, hi = pr["range"].get(lo_key), pr["range"].get(hi_key)
        if (lo is None or lo < start) and (hi is None or hi > start):
            return False
    return True


def check_edit(ss: Any, sheet: Any, r0: int, r1: int, c0: int, c1: int, user: str | None) -> None:
    """Raise Google's 400 when `user` may not edit the block (for the values routes)."""
    if not may_edit(ss, sheet, r0, r1, c0, c1, user):
        raise ApiError(400, "INVALID_ARGUMENT", PROTECTED)


def seen_by(ss: Any, pr: dict, user: str, writer: bool) -> dict:
    """A ProtectedRange as spreadsheets.get shows it to ``user``. Google's reference: ``editors``
    "is only visible to users with edit access to the protected range and the document", and
    ``requestingUserCanEdit`` says whether the caller can edit the range (false, so left out,
    for anyone else). ``writer``: the caller may edit the document."""
    can = writer and (pr.get("warningOnly") or user.lower() == ss.drive.owner.lower() or _is_editor(pr, user))
    if can:
        return pr
    return {k: v for k, v in pr.items() if k not in ("editors", "requestingUserCanEdit")}


def show_to(ss: Any, out: dict, user: str, writer: bool) -> None:
    """Every protected range of a Spreadsheet resource as ``user`` sees it (strict mode)."""
    for sheet_out in out.get("sheets", []):
        if "protectedRanges" in sheet_out:
            sheet_out["protectedRanges"] = [seen_by(ss, pr, user, writer) for pr in sheet_out["protectedRanges"]]
