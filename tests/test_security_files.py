"""The lock file, the journal and the exports are never opened through a symbolic link
planted at their path (a shared /tmp or home): nothing is written into, or widened on,
the file the link points at."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from sheetsync.journal.store import Journal, JournalError
from sheetsync.sync.lock import LockError, SyncLock


@pytest.fixture()
def victim(tmp_path: Path) -> Path:
    target = tmp_path / "victim.txt"
    target.write_text("someone else's file")
    target.chmod(0o644)
    return target


def _untouched(target: Path) -> bool:
    return target.read_text() == "someone else's file" and stat.S_IMODE(target.stat().st_mode) == 0o644


def test_the_lock_is_not_taken_through_a_symlink(tmp_path: Path, victim: Path) -> None:
    link = tmp_path / "locks" / "sheet.lock"
    link.parent.mkdir()
    link.symlink_to(victim)
    with pytest.raises(LockError, match="symbolic link"):
        SyncLock(link).acquire()
    assert _untouched(victim)


@pytest.mark.parametrize("suffix", ["", "-wal", "-shm"])
def test_the_journal_is_not_opened_through_a_symlink(tmp_path: Path, victim: Path, suffix: str) -> None:
    path = tmp_path / "journal.sqlite"
    Path(f"{path}{suffix}").symlink_to(victim)
    with pytest.raises(JournalError):
        Journal(path)
    assert _untouched(victim)


def test_the_lock_and_the_journal_still_work_on_plain_files(tmp_path: Path) -> None:
    with SyncLock(tmp_path / "sheet.lock"):
        pass
    Journal(tmp_path / "journal.sqlite").close()
    assert stat.S_IMODE((tmp_path / "journal.sqlite").stat().st_mode) == 0o600
