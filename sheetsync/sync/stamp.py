"""What a sync writes above and beside its summary tables: the last-synced cell (the time
stamp or the guard's alert), where the summary table stands on the tab that holds it, and the
source line naming the input tab each summary tab sums (tab_owner.py)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sheetsync.core.config import Config

ALERT_MARK = "\u26a0"      # the guard's alert in the last-synced cell starts with this
STAMP_WORDS = {"id": "Terakhir disinkronkan:", "en": "Last synced:"}   # the cell's time stamp
# the source line in row 1 of a summary tab, then the input tab's title as it is
SOURCE_WORDS = {"id": "Dihitung dari tab: ", "en": "Computed from tab: "}


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


def source_line(input_tab: str, lang: str) -> str:
    """The line saying which input tab a summary tab sums, in the sheet's language."""
    return SOURCE_WORDS["id" if lang == "id" else "en"] + input_tab


def source_named(text: Any) -> str | None:
    """The input tab a source line names (written in either language), else None."""
    if not isinstance(text, str):
        return None
    words = next((w for w in SOURCE_WORDS.values() if text.startswith(w)), None)
    return text[len(words):] if words is not None and len(text) > len(words) else None


def source_col(config: Config, tab: str, width: int) -> int:
    """The column of the source line in row 1: one blank column right of the table (``width``
    columns wide) and of a last-synced cell in row 1, so neither ever reaches it."""
    cell = config.last_synced
    beside = cell.col if cell.tab == tab and cell.row == 1 else 0
    return max(width, beside) + 2
