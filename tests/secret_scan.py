"""pytest plugin: no private key and no bearer token in anything the test session showed.

What it reads, per test (setup, call and teardown) and per collected file:
- what pytest captured: stdout, stderr and log records (report.sections), and failure texts;
- the output of every click CliRunner.invoke, printed or not (stdout, stderr, exception);
- the output of every subprocess read with communicate() (so subprocess.run too);
- log records of the "sheetsync" and "google" loggers at DEBUG (set for the session).
Not read: subprocess pipes read line by line (a test sees them only if it prints them).

What it looks for:
- every private key and bearer token any emulator issued, in this process or in a
  subprocess: the emulator appends them to the file named by SHEETSYNC_EMULATOR_SECRET_LOG,
  which this plugin sets for the session (subprocesses inherit it);
- every RSA key generated in this process (tests forge keys with cryptography directly).
A secret counts as shown when any 24 characters in a row of it appear (a key's base64 body
joined or line by line, a token without its "ya29." prefix), so a quoted or cut key is found.

At the end it prints one line, "secret scan: N tests' output, K keys, T tokens issued,
F found (S s)", and fails the session, naming the tests, when F > 0. Secrets are named by a
short SHA-256 fingerprint, never shown.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import shutil
import subprocess
import tempfile
import time
import traceback
from collections.abc import Callable, Iterator
from typing import Any

import pytest

ENV = "SHEETSYNC_EMULATOR_SECRET_LOG"      # sheetsync.emulator.auth.SECRET_LOG_ENV
WINDOW = 24                                # characters in a row that count as shown
_RUN = re.compile(r"[A-Za-z0-9+/_-]{%d,}" % WINDOW)   # base64 and base64url alphabets
_MAX_PLACES = 3                            # places remembered per suspicious run


class Scan:
    """Runs of secret-alphabet characters seen in output, where they were seen, and the secrets."""

    def __init__(self, log_dir: str) -> None:
        self.log_dir = log_dir
        self.log_path = os.path.join(log_dir, "issued.jsonl")
        self.runs: dict[str, list[str]] = {}
        self.tests: set[str] = set()
        self.current = "session"
        self.rsa_keys: list[Any] = []
        self.seconds = 0.0
        self.found: list[str] = []
        self.counts = (0, 0)
        self._undo: list[Callable[[], None]] = []

    def add(self, place: str, text: Any) -> None:
        """Keep the runs of text that could hold a secret (few: most output is words)."""
        if not text:
            return
        start = time.perf_counter()
        if isinstance(text, bytes):
            text = text.decode("utf-8", "replace")
        for run in set(_RUN.findall(str(text))):
            places = self.runs.setdefault(run, [])
            if len(places) < _MAX_PLACES and place not in places:
                places.append(place)
        self.seconds += time.perf_counter() - start

    def secrets(self) -> tuple[dict[str, str], int, int]:
        """Window -> fingerprint of its secret; the number of keys and tokens known."""
        keys: set[str] = set()
        tokens: set[str] = set()
        if os.path.exists(self.log_path):
            with open(self.log_path, encoding="utf-8") as fh:
                for line in fh:
                    entry = json.loads(line)
                    keys.update(v for k, v in entry.items() if k == "private_key")
                    tokens.update(v for k, v in entry.items() if k == "token")
        keys.update(pem for key in self.rsa_keys for pem in _pems(key))
        windows: dict[str, str] = {}
        for kind, values in (("private key", keys), ("bearer token", tokens)):
            for secret in values:
                name = f"{kind} sha256:{hashlib.sha256(secret.encode()).hexdigest()[:10]}"
                for w in _windows(secret):
                    windows[w] = name
        distinct_keys = len({k for k in keys if "BEGIN PRIVATE KEY" in k} or keys)
        return windows, distinct_keys, len(tokens)

    def run_scan(self) -> None:
        start = time.perf_counter()
        windows, keys, tokens = self.secrets()
        self.counts = (keys, tokens)
        hits: dict[str, set[str]] = {}
        for run, places in self.runs.items():
            for i in range(len(run) - WINDOW + 1):
                name = windows.get(run[i:i + WINDOW])
                if name is not None:
                    hits.setdefault(name, set()).update(places)
                    break
        self.found = [f"{name} shown in: {', '.join(sorted(places))}" for name, places in sorted(hits.items())]
        self.seconds += time.perf_counter() - start

    def summary(self) -> str:
        keys, tokens = self.counts
        return (f"secret scan: {len(self.tests)} tests' output, {keys} keys, {tokens} tokens issued, "
                f"{len(self.found)} found ({self.seconds:.2f} s)")


def _windows(secret: str) -> Iterator[str]:
    """Every WINDOW-long piece of the secret's base64 text (a PEM's body joined, no armour)."""
    body = "".join(line for line in secret.splitlines() if not line.startswith("-----"))
    for part in _RUN.findall(body):
        for i in range(len(part) - WINDOW + 1):
            yield part[i:i + WINDOW]


def _pems(key: Any) -> list[str]:
    """The PEM texts a generated key is usually written as (PKCS#8 and PKCS#1)."""
    from cryptography.hazmat.primitives import serialization as s
    return [key.private_bytes(s.Encoding.PEM, fmt, s.NoEncryption()).decode()
            for fmt in (s.PrivateFormat.PKCS8, s.PrivateFormat.TraditionalOpenSSL)]


_scan: Scan | None = None


def _wrap(owner: Any, name: str, after: Callable[..., None]) -> Callable[[], None]:
    """Replace owner.name by a call that hands (result, args) to `after`; returns the undo."""
    original = getattr(owner, name)

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        result = original(*args, **kwargs)
        after(result, args)
        return result
    setattr(owner, name, wrapper)
    return lambda: setattr(owner, name, original)


def _watch(scan: Scan) -> None:
    """Record generated keys, CliRunner results and subprocess output for the scan."""
    from click.testing import CliRunner
    from cryptography.hazmat.primitives.asymmetric import rsa

    def cli_result(result: Any, _: tuple) -> None:
        scan.add(f"{scan.current} (CliRunner)", result.stdout_bytes + (result.stderr_bytes or b""))
        if result.exc_info and not isinstance(result.exception, SystemExit):
            scan.add(f"{scan.current} (CliRunner)", "".join(traceback.format_exception(*result.exc_info)))

    def communicated(result: Any, _: tuple) -> None:
        for out in result:
            scan.add(f"{scan.current} (subprocess)", out)
    scan._undo = [_wrap(rsa, "generate_private_key", lambda key, _: scan.rsa_keys.append(key)),
                  _wrap(CliRunner, "invoke", cli_result),
                  _wrap(subprocess.Popen, "communicate", communicated)]


_PLAIN = set(vars(logging.LogRecord("n", 0, "p", 0, "m", None, None))) | {"message", "asctime"}


class _Records(logging.Handler):
    """Each record's message and its structured extras (google-auth logs request data there)."""

    def __init__(self, scan: Scan) -> None:
        super().__init__(logging.DEBUG)
        self.scan = scan

    def emit(self, record: logging.LogRecord) -> None:
        try:
            text = record.getMessage()
        except Exception:  # noqa: BLE001 - a record that cannot format is kept raw
            text = repr(record.msg) + repr(record.args)
        extras = {k: v for k, v in vars(record).items() if k not in _PLAIN}
        self.scan.add(f"{self.scan.current} (log {record.name})", text + (repr(extras) if extras else ""))


def _debug_logs(scan: Scan) -> None:
    """sheetsync's and google-auth's loggers at DEBUG for the session, into the scan (and into
    pytest's captured logs); urllib3 stays as it was (one line a request, never a header)."""
    handler = _Records(scan)
    for name in ("sheetsync", "google"):
        logger = logging.getLogger(name)
        level = logger.level
        logger.setLevel(logging.DEBUG)
        logger.addHandler(handler)
        scan._undo.append(lambda logger=logger, level=level: (logger.setLevel(level),
                                                               logger.removeHandler(handler)))


def pytest_configure(config: pytest.Config) -> None:
    global _scan
    _scan = Scan(tempfile.mkdtemp(prefix="sheetsync-secret-scan-"))
    os.environ[ENV] = _scan.log_path          # a fresh file per session, inherited by subprocesses
    _watch(_scan)
    _debug_logs(_scan)


def pytest_runtest_logstart(nodeid: str) -> None:
    if _scan is not None:
        _scan.current = nodeid


def _add_report(report: pytest.TestReport | pytest.CollectReport) -> None:
    if _scan is None:
        return
    for title, text in report.sections:
        _scan.add(f"{report.nodeid} ({title})", text)
    if report.failed:
        _scan.add(f"{report.nodeid} (failure text)", report.longreprtext)


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if _scan is not None:
        _scan.tests.add(report.nodeid)
    _add_report(report)


def pytest_collectreport(report: pytest.CollectReport) -> None:
    _add_report(report)


def pytest_sessionfinish(session: pytest.Session) -> None:
    if _scan is None:
        return
    _scan.run_scan()
    if _scan.found:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if _scan is None:
        return
    if _scan.found:
        terminalreporter.section("secret scan", sep="=", red=True, bold=True)
        terminalreporter.write_line("A private key or bearer token appeared in what these tests showed, so the "
                                    "session fails. Secrets are named by fingerprint, not shown.")
        for line in _scan.found:
            terminalreporter.write_line(line)
    terminalreporter.write_line(_scan.summary())


def pytest_unconfigure(config: pytest.Config) -> None:
    global _scan
    if _scan is None:
        return
    for undo in reversed(_scan._undo):
        undo()
    if os.environ.get(ENV) == _scan.log_path:
        del os.environ[ENV]
    shutil.rmtree(_scan.log_dir, ignore_errors=True)
    _scan = None
