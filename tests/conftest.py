"""Suite-wide fixtures."""

from __future__ import annotations

import os
import signal
from collections.abc import Iterator
from pathlib import Path

import pytest

import secret_scan
from google_emulator import Emulators, GoogleEmulator


def pytest_configure(config: pytest.Config) -> None:
    """The session-wide secret scan (tests/secret_scan.py): no private key or bearer token in
    anything the suite showed. Registered here so every run of tests/ has it."""
    if not config.pluginmanager.has_plugin("secret_scan"):
        config.pluginmanager.register(secret_scan, "secret_scan")
    _let_children_take_ctrl_c()


def _let_children_take_ctrl_c() -> None:
    """A suite started in the background by a non-interactive shell (`make test &`, some CI
    runners) ignores SIGINT, and every child inherits that: the tests that stop `sync --every`,
    `emulator` and `demo --serve` with Ctrl-C would wait forever. A handler of our own is not
    inherited across exec, so the children start with Ctrl-C working again."""
    if signal.getsignal(signal.SIGINT) == signal.SIG_IGN:
        signal.signal(signal.SIGINT, signal.default_int_handler)


@pytest.fixture(autouse=True, scope="session")
def _private_state_dir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The suite's per-user state folder (where the preset's default journal lives) is a
    temporary one, never the developer's real journal. Journals are keyed by spreadsheet
    id, and every emulator sheet has its own, so tests sharing this folder do not mix."""
    state = tmp_path_factory.mktemp("state")
    before = os.environ.get("XDG_STATE_HOME")
    os.environ["XDG_STATE_HOME"] = str(state)
    yield state
    if before is None:
        os.environ.pop("XDG_STATE_HOME", None)
    else:
        os.environ["XDG_STATE_HOME"] = before


@pytest.fixture(scope="session")
def emulators() -> Iterator[Emulators]:
    """Every emulator the session started, stopped at its end."""
    running = Emulators()
    yield running
    running.close()


@pytest.fixture(scope="session")
def emu(emulators: Emulators) -> GoogleEmulator:
    """The shared open-mode emulator (loopback, in memory): every test makes its own spreadsheets."""
    return emulators.shared()


@pytest.fixture(scope="session")
def strict_emu(emulators: Emulators) -> GoogleEmulator:
    """The shared strict-mode emulator: service-account keys, JWTs at /token, sharing enforced."""
    return emulators.shared(strict=True)


@pytest.fixture()
def faulty_emu(request: pytest.FixtureRequest, emulators: Emulators) -> Iterator[GoogleEmulator]:
    """A shared emulator for a test that injects faults: whatever it armed is disarmed when it
    ends, pass or fail, so no fault reaches the next test. By default the very emulator of
    ``emu``; other settings by indirect parametrisation:
    ``parametrize("faulty_emu", [{"strict": True}], indirect=True)``."""
    emulator = emulators.shared(**getattr(request, "param", {}))
    emulator.clear_faults()
    yield emulator
    emulator.clear_faults()
