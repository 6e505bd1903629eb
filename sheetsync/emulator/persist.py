"""Optional persistence: a pickle snapshot per spreadsheet in state_dir, written after changes.

A background thread writes dirty state at most every ``interval_s`` (and once
more on close), each file atomically (temp file + rename), so a restart with
the same state_dir finds every spreadsheet, key and token again.  Pickle is
fine here: the files are the emulator's own, in a directory the user chose,
created 0700 and its files 0600.  ``auth.pickle`` holds the live bearer tokens
(and the keys' public halves): anyone who can read it can act as those callers
until the tokens expire.  Files are opened without following symlinks, so a link
planted in the directory can neither be read as state nor be written through.
"""
from __future__ import annotations

import errno
import os
import pickle
import threading
from pathlib import Path
from typing import BinaryIO

from sheetsync.emulator.auth import Auth
from sheetsync.emulator.model import Store

SUFFIX = ".sheet.pickle"
AUTH_FILE = "auth.pickle"
_READ = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0)
_WRITE = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_NOFOLLOW", 0)


class UnsafeStateFile(OSError):
    """A state file is a symbolic link: refused, never followed."""


class Persister:
    def __init__(self, state_dir: str, store: Store, auth: Auth, interval_s: float = 0.5) -> None:
        self.dir = Path(state_dir).expanduser()
        self.dir.mkdir(mode=0o700, parents=True, exist_ok=True)   # an existing folder keeps its mode
        self.store, self.auth = store, auth
        self.interval_s = interval_s
        self._dirty = threading.Event()
        self._stop = threading.Event()
        self._saved: dict[str, int] = {}
        self._write_lock = threading.Lock()
        self._thread: threading.Thread | None = None

    def load(self) -> int:
        """Read every snapshot in state_dir into the store; returns how many spreadsheets."""
        auth_path = self.dir / AUTH_FILE
        if auth_path.exists() or auth_path.is_symlink():
            with _open_read(auth_path) as fh:
                self.auth.load(pickle.load(fh))
        n = 0
        for path in sorted(self.dir.glob("*" + SUFFIX)):
            with _open_read(path) as fh:
                ss = pickle.load(fh)
            self.store.add(ss)
            self._saved[ss.id] = ss.revision
            n += 1
        return n

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="sheetsync-emulator-persist", daemon=True)
        self._thread.start()

    def mark_dirty(self) -> None:
        self._dirty.set()

    def _run(self) -> None:
        while not self._stop.is_set():
            if self._dirty.wait(timeout=0.2):
                self._stop.wait(self.interval_s)  # gather a burst of writes into one save
                self._dirty.clear()
                self.flush()

    def flush(self) -> None:
        with self._write_lock:
            live = {}
            for ss in self.store.all():
                live[ss.id] = ss
                if self._saved.get(ss.id) == ss.revision and (self.dir / (ss.id + SUFFIX)).exists():
                    continue
                with ss.lock:  # copy under the lock (rows are shallow-copied), pickle outside it
                    snap = ss.clone()
                    revision = ss.revision
                data = pickle.dumps(snap, protocol=pickle.HIGHEST_PROTOCOL)
                del snap
                _atomic_write(self.dir / (ss.id + SUFFIX), data)
                self._saved[ss.id] = revision
            for stale in [i for i in self._saved if i not in live]:
                (self.dir / (stale + SUFFIX)).unlink(missing_ok=True)
                del self._saved[stale]
            _atomic_write(self.dir / AUTH_FILE, pickle.dumps(self.auth.state()))

    def close(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self.flush()


def _open_nofollow(path: Path, flags: int) -> int:
    """os.open that refuses a symbolic link with a message saying so (ELOOP says nothing)."""
    try:
        return os.open(path, flags, 0o600)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise UnsafeStateFile(exc.errno, "a symbolic link, not a state file; refused", str(path)) from None
        raise


def _open_read(path: Path) -> BinaryIO:
    return os.fdopen(_open_nofollow(path, _READ), "rb")


def _atomic_write(path: Path, data: bytes) -> None:
    tmp = path.with_suffix(path.suffix + ".tmp")
    fd = _open_nofollow(tmp, _WRITE)
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)
    os.replace(tmp, path)
