"""Lines a coordinator reads when her own edit stops a sync, in the reader's language.
Real gspread against the emulator through the CLI; a second gspread client is the
coordinator."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from coordinators import assert_clear

from sheetsync.cli.main import cli

PRESET = "pilkada-jakbar-2024"


@pytest.fixture(autouse=True)
def _state_dir(tmp_path: Path, monkeypatch: Any) -> None:
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))


def invoke(*args: str) -> Any:
    result = CliRunner().invoke(cli, list(args))
    assert "Traceback" not in result.output, result.output
    return result


def test_a_key_header_she_renamed_is_named_in_the_readers_language(emu: Any) -> None:
    sheet = emu.client().create("kolom TPS").id
    args = ["--preset", PRESET, "--api-url", emu.url, "--spreadsheet", sheet]
    assert invoke("init", *args).exit_code == 0 and invoke("sync", *args).exit_code == 0
    ws = emu.client(token="koordinator").open_by_key(sheet).worksheet("TPS")
    header = ws.row_values(1)
    ws.update([["Nmr"]], f"{chr(64 + header.index('No TPS') + 1)}1")      # she renames No TPS
    for command in (["sync"], ["check"]):
        for lang, words in (("en", "header 'No TPS' missing in row 1 of tab 'TPS'"),
                            ("id", "Judul kolom 'No TPS' tidak ada di baris 1 tab 'TPS'")):
            result = invoke("--lang", lang, *command, *args)
            assert result.exit_code == 3, result.output
            assert words in result.stderr, result.stderr
            assert_clear(result.stderr)


def test_a_sync_or_restore_that_finds_another_running_says_so_in_the_readers_language(emu: Any, 
        tmp_path: Path, monkeypatch: Any) -> None:
    from sheetsync.journal.tab import journal_key
    from sheetsync.sync.lock import SyncLock, lock_path
    monkeypatch.setenv("SHEETSYNC_LOCK_DIR", str(tmp_path / "locks"))
    sheet = emu.client().create("dua cron").id
    args = ["--preset", PRESET, "--api-url", emu.url, "--spreadsheet", sheet]
    assert invoke("init", *args).exit_code == 0 and invoke("sync", *args).exit_code == 0
    with SyncLock(lock_path(journal_key(sheet, "TPS"), emu.url)):              # the sync of the minute before still runs
        for command in (["sync"], ["restore", "--since", "1", "--apply"]):
            for lang, words in (("en", "is already running"), ("id", "sedang berjalan")):
                result = invoke("--lang", lang, *command, *args)
                assert result.exit_code == 3, result.output
                assert words in result.stderr, result.stderr
                assert_clear(result.stderr)
