"""Which sheets a cycle reads: those Drive lists as changed, and no more.

Each cycle asks Drive once per account (sheetsync.sheets.drive) for the spreadsheets whose
content changed after a time. A sheet is read when:
- it was never synced, or it is failing (then its retry pause decides, as before);
- its last sync found work (wrote statuses): edits come in bursts, and this read also
  covers anything typed while that sync ran;
- Drive lists it as changed after what sheetsync last saw of it (``seen_through``): the
  start of its last good read, or the end of sheetsync's own last write to it, whichever
  is later, so that sheetsync's own writes do not make the sheet look edited;
- its safety read is due (the fleet file's ``safety_read_every``, default 10 minutes): Google does not
  promise how soon ``modifiedTime`` follows an edit (about 3 minutes of coalescing is
  reported, up to 10), so no sheet goes unread longer than that;
- Drive could not answer for its account this cycle (then every sheet of it is read).

The listing asks for files changed after the oldest ``seen_through`` of the account's
sheets, less a minute for the clocks of this machine and Google's, and never further back
than a safety read: a late ``modifiedTime`` that is older than the sheet's ``seen_through``
was read already; one that is newer is listed whenever Drive shows it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable

from sheetsync.fleet.state import SheetRecord
from sheetsync.sheets.client import Client, spreadsheet_key
from sheetsync.sheets.drive import DriveError, DriveFile, changed_since

CLOCK_MARGIN_S = 60.0            # this machine's clock against Google's, on the listing's lower bound

# Why a sheet is read this cycle (None: it is not)
FIRST, RETRY, FOUND_WORK, EDITED, SAFETY, NO_DRIVE = "first", "retry", "found_work", "edited", "safety", "no_drive"


@dataclass
class AccountChanges:
    """One account's answer from Drive this cycle: the changed files by key, or why there is none."""
    files: dict[str, DriveFile] = field(default_factory=dict)
    error: str | None = None
    since: float | None = None


def listing_since(records: Iterable[SheetRecord], now: float, safety_every_s: float) -> float:
    """The lower bound of one account's listing (see the module's text)."""
    oldest_useful = now - safety_every_s
    seen = [r.seen_through for r in records if r.seen_through is not None]
    return max(min(seen, default=oldest_useful), oldest_useful) - CLOCK_MARGIN_S


def list_account(client: Client, since: float) -> AccountChanges:
    """One account's changed spreadsheets; a failure is kept, not raised (its sheets are read)."""
    try:
        return AccountChanges({f.key: f for f in changed_since(client, since)}, since=since)
    except DriveError as exc:
        return AccountChanges(error=str(exc), since=since)


def edited(record: SheetRecord, changes: AccountChanges) -> bool:
    """Drive shows a change after what sheetsync last saw of the sheet (its own writes included)."""
    listed = changes.files.get(spreadsheet_key(record.spreadsheet))
    return listed is not None and (record.seen_through is None or listed.modified > record.seen_through)


def read_reason(record: SheetRecord, changes: AccountChanges | None, now: float, safety_every_s: float,
                cycle_s: float = 0.0) -> str | None:
    """Why this cycle reads the sheet, or None when it can be left alone. ``cycle_s``: the
    fleet's interval; a safety read falls due half a cycle early rather than a cycle late."""
    if record.last_good is None:
        return FIRST
    if record.failing():
        return RETRY
    if record.found_work():
        return FOUND_WORK
    if changes is None or changes.error is not None:
        return NO_DRIVE
    if edited(record, changes):
        return EDITED
    if now - (record.last_attempt or 0.0) >= safety_every_s - cycle_s / 2:
        return SAFETY
    return None
