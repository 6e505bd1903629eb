"""The spreadsheet locale, checked against the one the config expects.

Sheets parses what a volunteer types with the spreadsheet's locale before sheetsync
reads anything: in an en_US sheet a typed `12.000` is stored as 12 and `1.234` as
1.234, so the Indonesian thousands dot is lost for good. A mismatch is a warning (the
sheet still syncs), reported by `init` and `check` from metadata they read anyway or
once per run; a sync never spends a request on it.
"""

from __future__ import annotations

from typing import Any

from .config import Config
from .issues import WARNING, Issue, register_message

LOCALE_MISMATCH = "locale_mismatch"
register_message(
    LOCALE_MISMATCH,
    "Lokal spreadsheet ini '{found}', bukan '{expected}' seperti di konfigurasi: angka yang diketik "
    "relawan (12.000, 1.234) bisa diubah Sheets sebelum dibaca; ganti di File > Setelan > Lokal",
    "The spreadsheet's locale is '{found}', not '{expected}' as the config expects: Sheets may change "
    "numbers volunteers type (12.000, 1.234) before sheetsync reads them; change it in File > Settings > Locale")


def spreadsheet_locale(properties: Any) -> str | None:
    """The locale of a spreadsheets.get answer (its `properties`), None when not there."""
    props = properties.get("properties", properties) if isinstance(properties, dict) else {}
    locale = props.get("locale") if isinstance(props, dict) else None
    return locale if isinstance(locale, str) and locale else None


def locale_issue(found: str | None, config: Config) -> Issue | None:
    """A sheet-level warning when the spreadsheet's locale is not the config's."""
    expected = config.locale
    if not expected or found is None or found.replace("-", "_").lower() == expected.replace("-", "_").lower():
        return None
    return Issue(LOCALE_MISMATCH, WARNING, None, None, {"found": found, "expected": expected})
