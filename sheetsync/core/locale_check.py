"""The spreadsheet locale, checked against the one the config expects.

Sheets parses what a volunteer types with the spreadsheet's locale before sheetsync
reads anything: in an en_US sheet a typed `12.000` is stored as 12 and `1.234` as
1.234, so the Indonesian thousands dot is lost for good. A mismatch is a warning (the
sheet still syncs), reported by `init` and `check` from metadata they read anyway or
once per run; a sync never spends a request on it.
"""

from __future__ import annotations

from typing import Any

from sheetsync.core.config import Config
from sheetsync.core.issues import WARNING, Issue, register_message

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


def same_locale(a: str, b: str) -> bool:
    """id_ID and in_ID are both Indonesian: Java's old ISO 639 code 'in' survives in
    Google's locale lists (Apps Script names Indonesian in_ID); '-' and '_' both occur."""
    return _canonical(a) == _canonical(b)


def _canonical(locale: str) -> str:
    language, _, region = locale.replace("-", "_").lower().partition("_")
    return f"{'id' if language == 'in' else language}_{region}"


def locale_issue(found: str | None, config: Config) -> Issue | None:
    """A sheet-level warning when the spreadsheet's locale is not the config's."""
    expected = config.locale
    if not expected or found is None or same_locale(found, expected):
        return None
    return Issue(LOCALE_MISMATCH, WARNING, None, None, {"found": found, "expected": expected})
