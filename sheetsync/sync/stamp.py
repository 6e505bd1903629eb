"""The last-synced cell: the time stamp or the guard's alert a sync writes there, and where
the summary table stands on the tab that holds it."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sheetsync.core.config import Config

ALERT_MARK = "\u26a0"      # the guard's alert in the last-synced cell starts with this
STAMP_WORDS = {"id": "Terakhir disinkronkan:", "en": "Last synced:"}   # the cell's time stamp


def last_synced_text(when: datetime, lang: str, alert: str = "") -> str:
    """The last-synced cell: a time in WIB, or the guard's alert (marked so the next
    unblocked sync replaces it even when nothing else changed)."""
    stamp = when.strftime("%d-%m-%Y %H:%M:%S") if lang == "id" else when.strftime("%Y-%m-%d %H:%M:%S")
    if alert:
        return f"{ALERT_MARK} {stamp} WIB: {alert}"
    return f"{STAMP_WORDS['id' if lang == 'id' else 'en']} {stamp} WIB"


def is_stamp(text: Any) -> bool:
    """Does a cell hold what last_synced_text writes, in either language?"""
    return str(text).startswith((*STAMP_WORDS.values(), ALERT_MARK))


def summary_origin(config: Config, tab: str) -> int:
    """The row a summary table starts at: two rows below the last-synced cell on its tab, else 1."""
    cell = config.last_synced
    return cell.row + 2 if tab == cell.tab else 1
