"""When Drive shows an edit: a file's ``modifiedTime`` and ``version`` follow its edits after a lag.

Google does not promise how soon Drive's metadata follows an edit of a spreadsheet; public
reports speak of edits coalesced for about 3 minutes, sometimes up to 10.  The emulator models
it with one window per file: the first edit after a quiet spell opens the window, and for
``lag_s`` seconds files.get and files.list keep showing the values from before it.  When the
window closes, the file shows the last edit made inside it: its own time as ``modifiedTime``
(the edit's time, not the time it became visible) and the version it reached.  An edit after
that opens the next window.  So an edit shows after at most ``lag_s`` seconds, a steady stream
of edits shows in steps of ``lag_s``, and a reader asking for ``modifiedTime > T`` can meet an
edit made before T that it had not yet seen: a poller has to look back by the lag.

The window's state lives on the file's ``DriveMeta`` (``shown``, ``window_opened``), so it is
saved with the file and survives the working copies of all-or-nothing batches.
"""
from __future__ import annotations

import time
from typing import Callable

from sheetsync.emulator.model import Spreadsheet


class DriveLag:
    """The delay between an edit of a spreadsheet and Drive showing it (0: at once)."""

    def __init__(self, lag_s: float = 0.0, clock: Callable[[], float] = time.time) -> None:
        if lag_s < 0:
            raise ValueError("the Drive lag is a number of seconds, 0 or more")
        self.lag_s = float(lag_s)
        self._clock = clock

    def before_edit(self, ss: Spreadsheet) -> None:
        """Called under the file's lock just before an edit changes its modifiedTime and version."""
        now = self._clock()
        self._close_if_due(ss, now)
        if self.lag_s > 0 and ss.drive.window_opened is None:
            ss.drive.shown = (ss.drive.modified, ss.revision + 1)
            ss.drive.window_opened = now

    def shown(self, ss: Spreadsheet) -> tuple[float, int]:
        """(modifiedTime as Unix seconds, version) as Drive shows them now."""
        self._close_if_due(ss, self._clock())
        if ss.drive.shown is not None:
            return ss.drive.shown
        return ss.drive.modified, ss.revision + 1

    def _close_if_due(self, ss: Spreadsheet, now: float) -> None:
        opened = ss.drive.window_opened
        if opened is not None and now >= opened + self.lag_s:
            ss.drive.shown = ss.drive.window_opened = None
