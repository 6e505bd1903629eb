"""One sync at a time per spreadsheet: an OS advisory lock on a small file.

An OS lock (flock on POSIX, msvcrt on Windows) is released by the kernel when the
process dies, so a crashed or killed sync never leaves a stale lock behind. The
file itself stays; it only holds who has the lock, for the message a second run
prints.
"""

from __future__ import annotations

import errno
import hashlib
import os
import socket
import time
from pathlib import Path
from types import TracebackType

from sheetsync.errors import EXIT_SYNC, SheetsyncError, register
from sheetsync.private_file import open_private

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]
    import msvcrt


register({
    "lock_busy": {
        "en": "another sheetsync sync of this spreadsheet is already running ({holder}); this run did nothing: "
              "wait for it to finish, or run again in a minute",
        "id": "sinkronisasi sheetsync lain untuk spreadsheet ini sedang berjalan ({holder}); run ini tidak "
              "melakukan apa pun: tunggu sampai selesai, atau jalankan lagi semenit lagi",
    },
    "lock_symlink": {
        "en": "{path} is a symbolic link; sheetsync does not follow links for its lock file: remove the link "
              "(or set SHEETSYNC_LOCK_DIR)",
        "id": "{path} adalah tautan simbolik; sheetsync tidak mengikuti tautan untuk berkas kuncinya: hapus "
              "tautan itu (atau atur SHEETSYNC_LOCK_DIR)",
    },
    "lock_failed": {
        "en": "cannot lock {path}: {reason}; put the lock directory on a local disk (SHEETSYNC_LOCK_DIR)",
        "id": "tidak bisa mengunci {path}: {reason}; taruh direktori kunci di disk lokal (SHEETSYNC_LOCK_DIR)",
    },
})


class LockBusy(SheetsyncError):
    """Another sync holds the lock: one line saying who, and what to do."""

    code = "lock_busy"
    exit_code = EXIT_SYNC

    def __init__(self, holder: str) -> None:
        super().__init__(holder=holder)


class LockError(SheetsyncError):
    """The lock could not be taken for another reason (no lock support on the file
    system, a read-only directory): not "another sync is running"."""

    exit_code = EXIT_SYNC


# what flock / msvcrt.locking answer when another process holds the lock; anything else
# (ENOLCK on some network file systems, EBADF, EIO) is a different problem
_HELD_ERRNOS = frozenset({errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES, getattr(errno, "EDEADLOCK", errno.EDEADLK)}
                         if fcntl is None else {errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES})


def default_lock_dir() -> Path:
    env = os.environ.get("SHEETSYNC_LOCK_DIR")
    if env:
        return Path(env).expanduser()
    cache = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(cache) / "sheetsync" / "locks"


def lock_path(spreadsheet_key: str, api_url: str | None = None, directory: str | Path | None = None) -> Path:
    """One lock file per key (and endpoint: an emulator sheet is not Google's). sync and
    restore pass the journal's key, (spreadsheet, input tab)."""
    tag = hashlib.sha256(f"{api_url or 'google'}|{spreadsheet_key}".encode()).hexdigest()[:16]
    safe = "".join(c for c in spreadsheet_key if c.isalnum() or c in "-_")[:40]
    return Path(directory or default_lock_dir()) / f"{safe}-{tag}.lock"


class SyncLock:
    """Context manager: ``with SyncLock(path): ...``; raises LockBusy at once if held."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self._fd: int | None = None

    def acquire(self) -> "SyncLock":
        self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        try:
            fd = open_private(self.path, os.O_RDWR)
        except OSError as exc:
            if exc.errno != errno.ELOOP:
                raise
            raise LockError("lock_symlink", path=self.path) from None
        try:
            _try_lock(fd)
        except OSError as exc:
            if exc.errno not in _HELD_ERRNOS:
                os.close(fd)
                raise LockError("lock_failed", path=self.path, reason=exc.strerror or exc) from None
            holder = _read_holder(fd)
            os.close(fd)
            raise LockBusy(holder) from None
        os.ftruncate(fd, 0)
        os.write(fd, f"pid {os.getpid()} on {socket.gethostname()}, since "
                     f"{time.strftime('%Y-%m-%d %H:%M:%S %Z')}".encode())
        self._fd = fd
        return self

    def release(self) -> None:
        if self._fd is None:
            return
        fd, self._fd = self._fd, None
        try:
            os.ftruncate(fd, 0)
            _unlock(fd)
        finally:
            os.close(fd)

    @property
    def held(self) -> bool:
        return self._fd is not None

    def __enter__(self) -> "SyncLock":
        return self.acquire()

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.release()


def _try_lock(fd: int) -> None:
    if fcntl is not None:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    else:  # pragma: no cover - Windows
        msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)


def _unlock(fd: int) -> None:
    if fcntl is not None:
        fcntl.flock(fd, fcntl.LOCK_UN)
    else:  # pragma: no cover - Windows
        os.lseek(fd, 0, os.SEEK_SET)
        msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)


def _read_holder(fd: int) -> str:
    try:
        os.lseek(fd, 0, os.SEEK_SET)
        text = os.read(fd, 200).decode("utf-8", "replace").strip()
    except OSError:
        text = ""
    return text or "holder unknown"
