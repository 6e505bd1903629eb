"""The journal's one error."""

from __future__ import annotations


class JournalError(Exception):
    """A journal problem explained in one line (bad path, unknown sync number...)."""
