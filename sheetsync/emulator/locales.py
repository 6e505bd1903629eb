"""Spreadsheet locales for parsing typed input and formatting numbers (owner: EMULATOR-B).

Google formats FORMATTED_VALUE "based on the spreadsheet's locale" and parses
USER_ENTERED input the same way. The emulator knows the decimal and grouping
separators and the day/month order of a few locales (Indonesia first: the
volunteers' sheets are id_ID); any other locale behaves as en_US.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Locale:
    code: str
    decimal: str = "."
    group: str = ","
    day_first: bool = False      # 27/11/2024 is a date (DMY) rather than text (MDY)

    @property
    def comma_decimal(self) -> bool:
        return self.decimal == ","


EN_US = Locale("en_US")
_LOCALES = {
    "en_US": EN_US,
    "en_GB": Locale("en_GB", day_first=True),
    "en_AU": Locale("en_AU", day_first=True),
    "en_IN": Locale("en_IN", day_first=True),
    "id_ID": Locale("id_ID", decimal=",", group=".", day_first=True),
    "in_ID": Locale("in_ID", decimal=",", group=".", day_first=True),  # Java's old code for id
    "de_DE": Locale("de_DE", decimal=",", group=".", day_first=True),
    "nl_NL": Locale("nl_NL", decimal=",", group=".", day_first=True),
    "es_ES": Locale("es_ES", decimal=",", group=".", day_first=True),
    "it_IT": Locale("it_IT", decimal=",", group=".", day_first=True),
    "pt_BR": Locale("pt_BR", decimal=",", group=".", day_first=True),
}


def locale_of(spreadsheet: Any) -> Locale:
    """The Locale of a model.Spreadsheet (or of a locale code string); en_US if unknown."""
    if spreadsheet is None:
        return EN_US
    if isinstance(spreadsheet, Locale):
        return spreadsheet
    code = spreadsheet if isinstance(spreadsheet, str) else \
        (getattr(spreadsheet, "properties", None) or {}).get("locale", "en_US")
    return _LOCALES.get(code, EN_US)


_SWAP = str.maketrans({".": ",", ",": "."})


def to_en_number_text(text: str, loc: Locale) -> str:
    """Typed number text in en_US form ("1.234,5" in id_ID -> "1,234.5")."""
    return text.translate(_SWAP) if loc.comma_decimal else text


def localize_number_text(text: str, loc: Locale) -> str:
    """Formatted number text (en_US separators) in the locale's ("1,234.5" -> "1.234,5")."""
    return text.translate(_SWAP) if loc.comma_decimal else text
