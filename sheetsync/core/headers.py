"""Header text as matched: a header cell names a configured column whatever its case,
spaces and punctuation ("No. TPS" is "no tps").  The config refuses headers that would
collide under this key, and check() finds the columns with it, so both read it here."""

from __future__ import annotations

import re

from sheetsync.core.cells import cell_text

_HEADER_JUNK = re.compile(r"[^0-9a-z]+")


def header_key(text: object) -> str:
    """The matching key of a header cell: lower-case letters and digits only."""
    return _HEADER_JUNK.sub("", cell_text(text).lower())
