"""lock.py: a second run exits at once; a dead holder leaves no stale lock."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import time

import pytest

from sheetsync.sync.lock import LockBusy, SyncLock, lock_path


def test_second_lock_fails_at_once_with_the_holder_named(tmp_path):
    path = tmp_path / "s.lock"
    with SyncLock(path):
        start = time.monotonic()
        with pytest.raises(LockBusy) as info:
            SyncLock(path).acquire()
        assert time.monotonic() - start < 0.5
        message = str(info.value)
        assert "already running" in message and "pid" in message and "\n" not in message
    with SyncLock(path) as again:        # released: the next run gets it
        assert again.held


def test_lock_held_by_another_process_and_freed_when_it_is_killed(tmp_path):
    path = tmp_path / "p.lock"
    code = textwrap.dedent(f"""
        import sys, time
        from sheetsync.sync.lock import SyncLock
        SyncLock({str(path)!r}).acquire()
        print("locked", flush=True)
        time.sleep(60)
    """)
    proc = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout.readline().strip() == "locked"
        with pytest.raises(LockBusy, match=f"pid {proc.pid}"):
            SyncLock(path).acquire()
    finally:
        proc.kill()                      # a crash: no clean-up code runs
        proc.wait()
    with SyncLock(path) as lock:         # the kernel released it
        assert lock.held


def test_lock_paths_differ_per_spreadsheet_and_endpoint(tmp_path):
    a = lock_path("abcdefghijkl", None, tmp_path)
    assert a != lock_path("abcdefghijkm", None, tmp_path)
    assert a != lock_path("abcdefghijkl", "http://127.0.0.1:1", tmp_path)
    assert a == lock_path("abcdefghijkl", None, tmp_path)
    assert a.parent == tmp_path


def test_a_lock_failure_that_is_not_a_holder_is_not_called_busy(tmp_path, monkeypatch):
    """ENOLCK (no lock support, e.g. some network file systems) must not read as
    'another sync is running': nobody would ever look for the real cause."""
    import errno

    import sheetsync.sync.lock as lock_module

    def no_locks(fd, op):
        raise OSError(errno.ENOLCK, "No locks available")

    monkeypatch.setattr(lock_module.fcntl, "flock", no_locks)
    with pytest.raises(lock_module.LockError) as caught:
        SyncLock(tmp_path / "x.lock").acquire()
    assert "No locks available" in str(caught.value) and "already running" not in str(caught.value)
    assert caught.value.exit_code == 3
