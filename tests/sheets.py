"""Helpers for tests (and benchmarks) that read the emulator's request counters."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any


def settle(emu: Any) -> None:
    """Wait until the emulator has counted every request already answered (it counts after replying)."""
    last, same = -1, 0
    while same < 3:
        now = emu.counters()["requests"]
        same = same + 1 if now == last else 0
        last = now
        time.sleep(0.02)


@contextmanager
def private_workdir(path: Path) -> Iterator[Path]:
    """Run in `path`, with the locks and the per-user state (the preset's journal) under it,
    for module-scoped fixtures that outlive a monkeypatch; restores everything after."""
    saved = {k: os.environ.get(k) for k in ("SHEETSYNC_LOCK_DIR", "XDG_STATE_HOME")}
    old = os.getcwd()
    os.chdir(path)
    os.environ["SHEETSYNC_LOCK_DIR"] = str(path / "locks")
    os.environ["XDG_STATE_HOME"] = str(path / "state")
    try:
        yield path
    finally:
        os.chdir(old)
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def stop_with_ctrl_c(proc: Any, timeout: float) -> None:
    """Ctrl-C a long-running CLI child and wait for it; a child that does not stop is
    killed before the failure is raised, so a failed test leaves no process behind."""
    import signal
    import subprocess
    proc.send_signal(signal.SIGINT)
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
        raise
