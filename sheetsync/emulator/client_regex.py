"""Regular expressions a client sends (findReplace with searchByRegex, fault paths): RE2.

Google evaluates findReplace patterns with RE2, which runs in time linear in the
text and has no backreferences or lookaround, so a pattern such as ``(a+)+$``
cannot stall it. Python's ``re`` backtracks: one request could hold a handler
thread (and the workbook's lock) for minutes. RE2 here gives both Google's
syntax and the bound; the pattern's length is capped as well, so compiling stays
cheap too.
"""
from __future__ import annotations

from typing import Any

import re2

MAX_PATTERN_CHARS = 10_000   # no Google limit is documented; far above any real find text
_MAX_PROGRAM_BYTES = 8 << 20  # RE2's own default memory budget, stated so it cannot drift


class ClientRegexError(ValueError):
    """The pattern is too long, or not RE2 syntax (the message says which)."""


def compile_client_regex(pattern: str, ignore_case: bool = False) -> Any:
    """A compiled RE2 pattern (``search``, ``fullmatch``, ``subn`` as in ``re``)."""
    if len(pattern) > MAX_PATTERN_CHARS:
        raise ClientRegexError(f"the pattern has {len(pattern):,} characters; at most {MAX_PATTERN_CHARS:,}")
    options = re2.Options()
    options.case_sensitive = not ignore_case
    options.log_errors = False        # RE2 would print each bad pattern on stderr
    options.max_mem = _MAX_PROGRAM_BYTES
    try:
        return re2.compile(pattern, options)
    except re2.error as exc:
        detail = exc.args[0] if exc.args else exc
        text = detail.decode("utf-8", "replace") if isinstance(detail, bytes) else str(detail)
        raise ClientRegexError(text) from None
