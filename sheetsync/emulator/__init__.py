"""A local Google Sheets API v4 / Drive v3 / OAuth2 emulator that real gspread talks to.

    from sheetsync.emulator import Emulator
    with Emulator() as emu:                 # loopback, free port, in memory, open mode
        gc = gspread.Client(...)            # any client whose requests go to emu.url (sheetsync's
                                            # own: sheetsync.sheets.client.emulator_client(emu.url))
        emu.counters(); emu.inject_fault(status=503, path="values", times=2)

The emulator imports nothing of the rest of sheetsync: it stands for Google, so the product's
gateway is a client of it, never a part of it.

``Emulator(drive_lag_s=180)`` shows edits in Drive's modifiedTime and version 3 minutes late, as
Google may; ``Emulator(quota="google", quota_clock_scale=10)`` keeps Google's per-minute quotas
over 6-second windows, for a simulated evening ten times faster than real time.

``Emulator(locale="id_ID", time_zone="Asia/Jakarta")`` gives new spreadsheets that
locale and time zone, as an Indonesian account's settings would (default en_US, Etc/GMT).

Strict mode (``Emulator(strict=True)``) verifies service-account JWTs:
``key = emu.issue_key("bot@proj.iam.gserviceaccount.com")`` returns a key file
dict whose token_uri points here (sheetsync.sheets.client.client_from_key_info(key, emu.url)).  Its admin
paths and web view then need ``emu.admin_token`` (``emu.admin_headers()``).
"""
from __future__ import annotations

from typing import Any

from sheetsync.emulator.auth import DEFAULT_PROJECT
from sheetsync.emulator.boundary import ADMIN_HEADER, MAX_BODY_BYTES
from sheetsync.emulator.model import Store
from sheetsync.emulator.server import EmulatorServer, make_server, serve_in_thread
from sheetsync.emulator.state import EmulatorState

__all__ = ["Emulator"]


class Emulator:
    """One running emulator.  Use as a context manager, or call ``start()`` / ``close()``."""

    def __init__(self, strict: bool = False, quota: str | dict | None = None,
                 state_dir: str | None = None, host: str = "127.0.0.1", port: int = 0,
                 token_ttl_s: int = 3600, fault_seed: int | None = None,
                 locale: str = "en_US", time_zone: str = "Etc/GMT",
                 max_body_bytes: int = MAX_BODY_BYTES, drive_lag_s: float = 0.0,
                 quota_clock_scale: float = 1.0) -> None:
        """Raises boundary.OpenModeBeyondLoopback for open mode on an address beyond loopback.

        ``drive_lag_s``: seconds before Drive's modifiedTime and version show an edit (drive_lag.py);
        ``quota_clock_scale``: how many times faster than real time the quota's minute runs."""
        self.state = EmulatorState(strict=strict, quota=quota, state_dir=state_dir,
                                   token_ttl_s=token_ttl_s, fault_seed=fault_seed, host=host,
                                   max_body_bytes=max_body_bytes, drive_lag_s=drive_lag_s,
                                   quota_clock_scale=quota_clock_scale)
        self.state.store.defaults.locale, self.state.store.defaults.time_zone = locale, time_zone
        self.host, self.port = host, port
        self._server: EmulatorServer | None = None
        self.loaded = 0

    # -- lifecycle ------------------------------------------------------------
    def start(self) -> "Emulator":
        if self.state.persister is not None:
            self.loaded = self.state.persister.load()
        self._server = make_server(self.state, self.host, self.port)
        if self.state.persister is not None:
            self.state.persister.start()
        serve_in_thread(self._server)
        return self

    def close(self) -> None:
        if self._server is not None:
            server, self._server = self._server, None
            server.shutdown()
            server.server_close()
        if self.state.persister is not None:
            self.state.persister.close()

    def __enter__(self) -> "Emulator":
        return self.start()

    def __exit__(self, *exc: Any) -> None:
        self.close()

    # -- access ---------------------------------------------------------------
    @property
    def url(self) -> str:
        return self.state.base_url

    @property
    def admin_token(self) -> str | None:
        """The token /_emulator/ and /view need (None: open mode on loopback needs none)."""
        return self.state.boundary.admin_token

    def admin_headers(self) -> dict[str, str]:
        """Headers for raw HTTP to the admin paths: the emulator knows its own token."""
        token = self.admin_token
        return {ADMIN_HEADER: token} if token else {}

    @property
    def store(self) -> Store:
        return self.state.store

    def issue_key(self, email: str, project_id: str = DEFAULT_PROJECT) -> dict[str, str]:
        return self.state.auth.issue_key(email, self.url + "/token", project_id=project_id)

    def counters(self) -> dict[str, Any]:
        return self.state.counters.snapshot()

    def reset_counters(self) -> None:
        self.state.counters.reset()

    def inject_fault(self, kind: str = "error", **options: Any) -> dict[str, Any]:
        """See control.Fault: status, method, path (regex), times, fraction, retry_after, delay_s."""
        return self.state.faults.add(kind=kind, **options).public()

    def clear_faults(self) -> None:
        self.state.faults.clear()

