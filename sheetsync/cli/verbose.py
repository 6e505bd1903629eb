"""``-v/--verbose``: sheetsync's log records (every HTTP request, retry and wait) on stderr.

The records come from ``logging`` (transport.py logs each attempt at DEBUG and each
retry at INFO); this module only decides whether a person sees them.  What the
transport logs is a method, a path without its query and a status: never a token,
a key or a cell value, so showing it cannot leak a name or a phone number.
"""

from __future__ import annotations

import logging

import click

from sheetsync.core.safetext import strip_controls

LOGGER = "sheetsync"


class EchoHandler(logging.Handler):
    """Writes through click at emit time, so CliRunner's captured stderr sees it too
    (a StreamHandler would keep the stderr it found when it was made)."""

    def emit(self, record: logging.LogRecord) -> None:
        try:
            click.echo(strip_controls(self.format(record)), err=True)
        except Exception:  # noqa: BLE001 - logging must never break the command it describes
            self.handleError(record)


_HANDLER = EchoHandler(logging.DEBUG)
_HANDLER.setFormatter(logging.Formatter("sheetsync: %(message)s"))


def show_log(verbose: bool) -> None:
    """Show sheetsync's records from DEBUG up, or stop showing them (one handler at most,
    however many commands one process runs)."""
    logger = logging.getLogger(LOGGER)
    if verbose:
        if _HANDLER not in logger.handlers:
            logger.addHandler(_HANDLER)
        logger.setLevel(logging.DEBUG)
    elif _HANDLER in logger.handlers:
        logger.removeHandler(_HANDLER)
