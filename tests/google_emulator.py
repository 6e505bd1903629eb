"""The emulator as the tests drive it: gspread clients built by sheetsync's own client module.

The emulator wing imports nothing of sheetsync, so the clients that speak to it are made
here, on the test side, the way the sync path makes its own.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import gspread

from sheetsync.emulator import Emulator
from sheetsync.sheets.client import client_from_key_info, emulator_client


class GoogleEmulator(Emulator):
    """A running emulator that hands out gspread clients."""

    def client(self, key: dict[str, str] | None = None, token: str = "emulator") -> gspread.Client:
        """Open mode: any token speaks for one account; strict mode: a key from ``issue_key``."""
        if key is None:
            return emulator_client(self.url, token)
        return client_from_key_info(key, self.url)


class Emulators:
    """The session's emulators: one running emulator per combination of settings, shared by
    every test that asks for it (each test makes its own spreadsheets on it)."""

    def __init__(self) -> None:
        self._running: dict[str, GoogleEmulator] = {}

    def shared(self, **settings: Any) -> GoogleEmulator:
        """The session's emulator with these settings (``GoogleEmulator``'s keywords), started once."""
        key = repr(sorted(settings.items()))          # a quota may be a dict: the text is the key
        if key not in self._running:
            self._running[key] = GoogleEmulator(**settings).start()
        return self._running[key]

    @contextmanager
    def own(self, **settings: Any) -> Iterator[GoogleEmulator]:
        """An emulator for one test alone, for state a test spends (quota windows, revoked keys)."""
        with GoogleEmulator(**settings) as emu:
            yield emu

    def close(self) -> None:
        for emu in self._running.values():
            emu.close()
        self._running.clear()
