"""The reader's language.

The language of the *sheet* is the config's business (``config.language``);
this module is only about what a person reads in the terminal.  It is chosen
by ``--lang``, else by the POSIX locale variables (LC_ALL, LC_MESSAGES, LANG),
else English.  The messages themselves live with whoever raises or prints them:
errors in sheetsync.errors' registry, the command line's in sheetsync/cli/messages.py.
"""

from __future__ import annotations

import os
from typing import Mapping


def detect_lang(flag: str | None = None, env: Mapping[str, str] | None = None) -> str:
    """``--lang`` wins; else the first set POSIX locale variable; else English."""
    if flag:
        return "id" if flag.lower().startswith("id") else "en"
    env = os.environ if env is None else env
    for var in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = env.get(var, "")
        if value:
            # "id_ID.UTF-8", "in_ID" (old Java/Android code for Indonesian)
            return "id" if value.lower()[:2] in ("id", "in") else "en"
    return "en"
