"""Spreadsheet locales for parsing typed input and formatting numbers and dates.

Google formats FORMATTED_VALUE "based on the spreadsheet's locale" and parses
USER_ENTERED input the same way. The emulator knows, for a few locales
(Indonesia first: the volunteers' sheets are id_ID), the decimal and grouping
separators, the day/month order, the default date, time and currency patterns
and the month and day names; any other locale behaves as en_US. Where Google
publishes nothing, the patterns follow CLDR (what Google's locale data is built
on); docs/emulator.md lists them as assumptions.
"""
from __future__ import annotations

import re
from contextvars import ContextVar
from dataclasses import dataclass, field
from functools import cached_property
from datetime import datetime, timedelta, timezone, tzinfo
from typing import Protocol

_EN_MONTHS = ("January", "February", "March", "April", "May", "June", "July",
              "August", "September", "October", "November", "December")
_EN_DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_ID_MONTHS = ("Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli",
              "Agustus", "September", "Oktober", "November", "Desember")
_ID_MONTHS_SHORT = ("Jan", "Feb", "Mar", "Apr", "Mei", "Jun", "Jul", "Agu", "Sep", "Okt", "Nov", "Des")
_ID_DAYS = ("Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu")

# Google's pattern per NumberFormat.type when the pattern is left empty (en_US).
_EN_US_PATTERNS = {
    "NUMBER": "#,##0.00",
    "PERCENT": "0.00%",
    "CURRENCY": "$#,##0.00",
    "DATE": "M/d/yyyy",
    "TIME": "h:mm:ss am/pm",
    "DATE_TIME": "M/d/yyyy H:mm:ss",
    "SCIENTIFIC": "0.00E+00",
    "TEXT": "@",
}


@dataclass(frozen=True)
class Locale:
    code: str
    decimal: str = "."
    group: str = ","
    day_first: bool = False      # 27/11/2024 is a date (DMY) rather than text (MDY)
    patterns: dict[str, str] = field(default_factory=dict, hash=False)  # overrides of _EN_US_PATTERNS
    currency: str = "$"          # the symbol typed input may carry ("Rp 1.500")
    months: tuple[str, ...] = _EN_MONTHS
    months_short: tuple[str, ...] = tuple(m[:3] for m in _EN_MONTHS)
    days: tuple[str, ...] = _EN_DAYS   # Monday first, as datetime.weekday()

    @property
    def comma_decimal(self) -> bool:
        return self.decimal == ","

    def default_pattern(self, kind: str) -> str:
        """The pattern Google uses for a NumberFormat type whose pattern is empty."""
        return self.patterns.get(kind) or _EN_US_PATTERNS.get(kind, "")

    @cached_property
    def month_words(self) -> dict[str, int]:
        """Every month name of this locale and of English, and each of their beginnings
        of 3 letters or more ("agu", "agus", "agustus" -> 8), lower-cased."""
        words: dict[str, int] = {}
        for names in (self.months, _EN_MONTHS):
            for i, name in enumerate(names):
                low = name.lower()
                for n in range(3, len(low) + 1):
                    words.setdefault(low[:n], i + 1)
        return words

    def month_number(self, word: str) -> int | None:
        """1-12 for a month name or its abbreviation in this locale or in English."""
        return self.month_words.get(word.lower().rstrip("."))


EN_US = Locale("en_US")
_DMY = {"DATE": "dd/MM/yyyy", "DATE_TIME": "dd/MM/yyyy HH:mm:ss", "TIME": "HH:mm:ss"}


def _indonesian(code: str) -> Locale:
    return Locale(code, decimal=",", group=".", day_first=True, currency="Rp",
                  patterns={"DATE": "dd/MM/yyyy", "TIME": "HH.mm.ss", "DATE_TIME": "dd/MM/yyyy HH.mm.ss",
                            "CURRENCY": '"Rp"#,##0.00'},
                  months=_ID_MONTHS, months_short=_ID_MONTHS_SHORT, days=_ID_DAYS)


_LOCALES = {
    "en_US": EN_US,
    "en_GB": Locale("en_GB", day_first=True, patterns={**_DMY, "CURRENCY": "£#,##0.00"}, currency="£"),
    "en_AU": Locale("en_AU", day_first=True, patterns=_DMY),
    "en_IN": Locale("en_IN", day_first=True, patterns=_DMY),
    # Google reports Indonesian as id_ID or as Java's old code in_ID: both are the same locale.
    "id_ID": _indonesian("id_ID"),
    "in_ID": _indonesian("in_ID"),
    "id": _indonesian("id"),
    "de_DE": Locale("de_DE", decimal=",", group=".", day_first=True),
    "nl_NL": Locale("nl_NL", decimal=",", group=".", day_first=True),
    "es_ES": Locale("es_ES", decimal=",", group=".", day_first=True),
    "it_IT": Locale("it_IT", decimal=",", group=".", day_first=True),
    "pt_BR": Locale("pt_BR", decimal=",", group=".", day_first=True),
}


class HasProperties(Protocol):
    """A model.Spreadsheet as far as locale and time zone go (the emulator's model
    imports this module's users, so it is named by shape, not imported)."""
    properties: dict


def locale_of(spreadsheet: HasProperties | Locale | str | None) -> Locale:
    """The Locale of a model.Spreadsheet (or of a locale code string); en_US if unknown."""
    if spreadsheet is None:
        return EN_US
    if isinstance(spreadsheet, Locale):
        return spreadsheet
    code = spreadsheet if isinstance(spreadsheet, str) else \
        (getattr(spreadsheet, "properties", None) or {}).get("locale", "en_US")
    return _LOCALES.get(code, EN_US)


def time_zone_of(spreadsheet: HasProperties | None) -> tzinfo:
    """The spreadsheet's timeZone as a tzinfo; UTC when absent or unknown to this machine."""
    name = ((getattr(spreadsheet, "properties", None) or {}).get("timeZone") or "Etc/GMT")
    try:
        from zoneinfo import ZoneInfo
        return ZoneInfo(name)
    except (ValueError, KeyError, OSError, ImportError):
        return _gmt_offset(name)


def _gmt_offset(name: str) -> tzinfo:
    # "GMT+07:00" is how Sheets' settings dialog names some zones; zoneinfo has no such key.
    m = re.fullmatch(r"(?:GMT|UTC)([+-])(\d{1,2})(?::?(\d{2}))?", name)
    if not m:
        return timezone.utc
    minutes = int(m.group(2)) * 60 + int(m.group(3) or 0)
    return timezone(timedelta(minutes=minutes if m.group(1) == "+" else -minutes))


def local_now(spreadsheet: HasProperties | None) -> datetime:
    """Wall-clock time in the spreadsheet's time zone (what NOW() and TODAY() see)."""
    return datetime.now(time_zone_of(spreadsheet)).replace(tzinfo=None)


# The spreadsheet whose formulas are being evaluated: TEXT(), VALUE(), "&" and
# NOW() need its locale and time zone, and formula functions take only their arguments.
EVALUATING: ContextVar[HasProperties | None] = ContextVar("EVALUATING", default=None)


_SWAP = str.maketrans({".": ",", ",": "."})


def to_en_number_text(text: str, loc: Locale) -> str:
    """Typed number text in en_US form ("1.234,5" in id_ID -> "1,234.5")."""
    return text.translate(_SWAP) if loc.comma_decimal else text


def localize_number_text(text: str, loc: Locale) -> str:
    """Formatted number text (en_US separators) in the locale's ("1,234.5" -> "1.234,5")."""
    return text.translate(_SWAP) if loc.comma_decimal else text
