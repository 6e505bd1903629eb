"""Reliability suite: one emulator per module, and a transcript of everything the suite shows.

The transcript (every log record at DEBUG level, from every library, plus what each
test printed and every failure text) is what test_credentials' last test scans for the
private keys and bearer tokens that the emulators issued during the run.

The whole suite has its own scan (tests/secret_scan.py, one line at the end of every run);
this one adds, for this directory, DEBUG records of every library (urllib3 too) with their
structured extras.
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
for path in (HERE, HERE.parent):                 # harness.py, and the sync engineer's sync_data.py
    if str(path) not in sys.path:
        sys.path.insert(0, str(path))

from harness import TRANSCRIPT, start_emulator  # noqa: E402

SCAN_LAST = "test_no_secret_in_anything_the_suite_showed"


_PLAIN = set(vars(logging.LogRecord("n", 0, "p", 0, "m", None, None))) | {"message", "asctime"}


class _Transcript(logging.Handler):
    """Keeps each record's text, traceback and structured extras (google-auth logs headers there)."""

    def emit(self, record: logging.LogRecord) -> None:
        try:
            text = self.format(record)
        except Exception:  # noqa: BLE001 - a record that cannot format is kept raw
            text = repr(record.msg) + repr(record.args)
        extras = {k: v for k, v in vars(record).items() if k not in _PLAIN}
        TRANSCRIPT.append(text + (" " + repr(extras) if extras else ""))


@pytest.fixture(scope="module", autouse=True)
def transcript():
    """DEBUG logging for every library (urllib3, google-auth, gspread, sheetsync) into TRANSCRIPT,
    for the modules of this directory only (other areas' tests keep their logging as it was)."""
    handler = _Transcript(level=logging.DEBUG)
    handler.setFormatter(logging.Formatter("%(name)s %(levelname)s %(message)s"))
    root = logging.getLogger()
    old = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    google = logging.getLogger("google")      # google-auth logs requests only when this is configured
    old_google = google.level
    google.setLevel(logging.DEBUG)
    yield TRANSCRIPT
    root.removeHandler(handler)
    root.setLevel(old)
    google.setLevel(old_google)


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if "reliability" not in report.nodeid:
        return
    for _, text in report.sections:
        TRANSCRIPT.append(text)
    if report.failed:
        TRANSCRIPT.append(report.longreprtext)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The secret scan runs after everything else, so it sees the whole run."""
    last = [i for i in items if i.name == SCAN_LAST]
    items[:] = [i for i in items if i.name != SCAN_LAST] + last


@pytest.fixture(scope="module")
def emu():
    emu = start_emulator(fault_seed=7)
    yield emu
    emu.close()


@pytest.fixture(scope="module")
def bench(emu, tmp_path_factory):
    from harness import Bench
    return Bench.create(emu, str(tmp_path_factory.mktemp("locks")))
