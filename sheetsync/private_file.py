"""Files that hold names, phone numbers or a sync's lock: owner-only, never through a link.

A symlink planted where sheetsync keeps its lock, its journal or an export (a shared /tmp,
a shared home) would otherwise make it write into, or widen the mode of, a file of the
link's choosing.
"""

from __future__ import annotations

import os
from pathlib import Path

# Not on Windows, where a plain user cannot create symlinks by default.
NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)


def open_private(path: str | Path, flags: int) -> int:
    """A descriptor of ``path``, created if missing, readable by its owner only whatever
    the umask; OSError (ELOOP) when ``path`` is a symbolic link."""
    fd = os.open(path, flags | os.O_CREAT | NOFOLLOW, 0o600)
    if hasattr(os, "fchmod"):
        try:
            os.fchmod(fd, 0o600)          # the file may have existed with a wider mode
        except OSError:
            os.close(fd)
            raise
    return fd
