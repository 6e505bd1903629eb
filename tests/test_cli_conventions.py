"""The conventions a new user expects of the command line: -v shows the requests, one
--json spelling, a readable `check` on a big sheet, clear errors in the user's language.

Every test drives the CLI through click's CliRunner against the emulator, then checks
through gspread or the library."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from sheetsync.cli import cli
from sheetsync.emulator import Emulator
from sheets import private_workdir

PRESET = "pilkada-jakbar-2024"
WINDOW = 24          # characters in a row of a secret that count as shown (tests/secret_scan.py)


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: Any) -> Any:
    with private_workdir(tmp_path_factory.mktemp("conventions")) as path:
        yield path


@pytest.fixture(autouse=True)
def _state_dir(workdir: Path, monkeypatch: Any) -> None:
    monkeypatch.setenv("XDG_STATE_HOME", str(workdir / "state"))


def invoke(*args: str) -> Any:
    result = CliRunner().invoke(cli, list(args))
    assert "Traceback" not in result.output, result.output
    return result


def shown(secret: str, text: str) -> bool:
    """Any WINDOW characters in a row of ``secret`` (a PEM's lines joined) appear in ``text``."""
    body = "".join(line for line in secret.splitlines() if not line.startswith("-----"))
    return any(body[i:i + WINDOW] in text for i in range(0, max(1, len(body) - WINDOW + 1)))


# ---------------------------------------------------------------- -v/--verbose

def test_verbose_sync_shows_requests_and_retries_but_no_token_or_key(workdir: Path) -> None:
    with Emulator(strict=True) as strict:
        key = strict.issue_key("sheetsync@kawal.iam.gserviceaccount.com")
        path = workdir / "sheetsync-key.json"
        path.write_text(json.dumps(key))
        sheet = strict.client(key).create("verbose").id
        args = ["--preset", PRESET, "--api-url", strict.url, "--spreadsheet", sheet, "--credentials", str(path)]
        assert invoke("init", *args, "--with-tps").exit_code == 0
        strict.inject_fault(status=503, method="POST", path=r"batchGetByDataFilter", times=1)
        result = invoke("-v", "--lang", "en", "sync", *args)
        tokens = list(strict.state.auth.state()["tokens"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert any(re.search(r"POST \S*/token -> 200", line) for line in lines), result.output
    assert any(re.search(rf"POST \S*/v4/spreadsheets/{sheet}/values:batchUpdate -> 200", line) for line in lines)
    assert any(re.search(r"retrying POST \S*/values:batchGetByDataFilter in \d+\.\d\ds \(attempt 1\): 503", line)
               for line in lines), result.output
    assert tokens and not any(shown(t, result.output) for t in tokens)
    assert not shown(key["private_key"], result.output)
    assert "?" not in " ".join(line for line in lines if " -> " in line)    # no query string


def test_without_verbose_no_request_is_shown(workdir: Path) -> None:
    with Emulator() as emu:
        sheet = emu.client().create("quiet").id
        args = ["--preset", PRESET, "--api-url", emu.url, "--spreadsheet", sheet]
        assert invoke("init", *args).exit_code == 0
        verbose = invoke("init", "-v", *args)        # the command's own -v, as its own --lang
        result = invoke("init", *args)
    assert " -> 200" in verbose.output
    assert " -> 200" not in result.output and "retrying" not in result.output
