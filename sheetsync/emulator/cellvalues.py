"""Cell values as Google Sheets stores, parses and renders them, in the spreadsheet's locale.

Pure functions, no model: the values endpoints and spreadsheets.get call
`parse_user_entered` on input and `render` / `formatted_value` on output.

A cell is described by three things:
  effective value  None | str | int | float | bool | CellError
  formula          "=..." or None
  number format    {"type": "DATE", "pattern": "yyyy-mm-dd"} or None
Dates are numbers (serial days since 1899-12-30) with a date-typed format,
exactly as Google keeps them.
"""
from __future__ import annotations

import math
import re
from decimal import ROUND_HALF_UP, Decimal
from datetime import date, datetime, timedelta
from typing import Any, Callable

from sheetsync.emulator.cell_errors import CellError
from sheetsync.emulator.formulas.syntax import normalize
from sheetsync.emulator.locales import EN_US, Locale, locale_of, localize_number_text, to_en_number_text

EPOCH = datetime(1899, 12, 30)
DATE_TYPES = ("DATE", "TIME", "DATE_TIME")

# ---------------------------------------------------------------- input parsing

_NUMBER = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")
_GROUPED = re.compile(r"[+-]?\d{1,3}(?:,\d{3})+(?:\.\d*)?")
_AMOUNT = r"([+-]?)(\d{1,3}(?:,\d{3})+(?:\.\d*)?|\d+\.?\d*|\.\d+)"
_PERCENT = re.compile(r"([+-]?(?:\d+\.?\d*|\.\d+))\s*%")
_ISO_DATE = re.compile(r"(\d{4})([-/])(\d{1,2})\2(\d{1,2})")
_US_DATE = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{2}|\d{4})")
_DOT_DATE = re.compile(r"(\d{1,2})\.(\d{1,2})\.(\d{4})")
_TIME = re.compile(r"(\d{1,2}):(\d{2})(?::(\d{2})(\.\d+)?)?(?:\s*([AaPp])\.?[Mm]\.?)?")
_MONTH_NAME = r"([A-Za-z]{3,9})\.?"
_NAMED_MDY = re.compile(_MONTH_NAME + r"\s+(\d{1,2}),?\s+(\d{4})")
_NAMED_DMY = re.compile(r"(\d{1,2})\s+" + _MONTH_NAME + r",?\s+(\d{4})")


def parse_user_entered(raw: Any, spreadsheet: Any = None, number_format: dict | None = None
                       ) -> tuple[Any, str | None, dict | None]:
    """USER_ENTERED input -> (effective value, formula or None, inferred number format or None).

    JSON numbers and booleans stay typed. Strings are parsed as if typed into
    the Sheets UI in the spreadsheet's locale (locales.py): "=..." is a formula (its value is computed by
    recalc.recalculate, so the effective value returned here is None), "'..." is forced text, numbers,
    percentages, currency, booleans, dates and times become typed values. A
    cell whose number format is plain text (`number_format` type TEXT) keeps text.
    """
    if raw is None:
        return None, None, None
    if isinstance(raw, bool) or isinstance(raw, (int, float)):
        return raw, None, None
    text = str(raw)
    if text == "":
        return None, None, None
    if text.startswith("'"):
        return text[1:], None, None
    if number_format and number_format.get("type") == "TEXT":
        return text, None, None
    if text.startswith("=") and len(text) > 1:
        return None, normalize(text), None
    parsed = _parse_scalar(text.strip(), locale_of(spreadsheet))
    if parsed is None:
        return text, None, None
    return parsed


def parse_raw(raw: Any) -> tuple[Any, None, None]:
    """RAW input: strings are stored as they are (even "=1+1" and "12")."""
    if raw == "":
        return None, None, None
    return raw, None, None


def _parse_scalar(s: str, loc: Locale = EN_US) -> tuple[Any, None, dict | None] | None:
    if not s:
        return None
    upper = s.upper()
    if upper in ("TRUE", "FALSE"):
        return upper == "TRUE", None, None
    if s[0].isalpha() and s[:3].lower() not in loc.month_words and not s.startswith(loc.currency):
        return None  # fast path: names such as "Cengkareng" are text
    number = to_en_number_text(s, loc)  # "1.234,5" in id_ID reads as 1234.5
    found = _parse_number(number) or _parse_percent(number) or _parse_money(number, loc)
    if found is not None:
        value, fmt = found
        if not math.isfinite(value):
            return None  # "1e309", 400 nines: no double holds it, so Sheets keeps the text
        return value, None, fmt
    found = _parse_datetime(s, loc)
    return (found[0], None, found[1]) if found is not None else None


def _as_number(digits: str) -> int | float:
    value = float(digits)
    if value.is_integer() and "e" not in digits.lower() and abs(value) < 2**53:
        return int(value)
    return value


def _parse_number(s: str) -> tuple[int | float, dict | None] | None:
    if _NUMBER.fullmatch(s):
        value = _as_number(s)
        if "e" in s.lower():
            return value, {"type": "SCIENTIFIC", "pattern": "0.00E+00"}
        return value, None
    if _GROUPED.fullmatch(s):
        plain = s.replace(",", "")
        pattern = "#,##0.00" if "." in plain else "#,##0"
        return _as_number(plain), {"type": "NUMBER", "pattern": pattern}
    return None


def _parse_percent(s: str) -> tuple[float, dict] | None:
    m = _PERCENT.fullmatch(s)
    if not m:
        return None
    pattern = "0.00%" if "." in m.group(1) else "0%"
    return _tidy(float(m.group(1)) / 100), {"type": "PERCENT", "pattern": pattern}


MoneyParser = Callable[[str], "tuple[int | float, dict] | None"]
_MONEY_PARSERS: dict[tuple[str, str], MoneyParser] = {}
_DOLLAR = ("$", "$#,##0.00")


def _parse_money(s: str, loc: Locale) -> tuple[int | float, dict] | None:
    """Money typed with the locale's symbol ("Rp 1.500" in id_ID) or with "$", which
    the emulator has always read in every locale."""
    found = _money_parser(loc.currency, loc.default_pattern("CURRENCY"))(s)
    if found is None and loc.currency != "$":
        found = _money_parser(*_DOLLAR)(s)
    return found


def _money_parser(symbol: str, pattern: str) -> MoneyParser:
    found = _MONEY_PARSERS.get((symbol, pattern))
    if found is None:
        found = _MONEY_PARSERS[(symbol, pattern)] = _make_money_parser(symbol, pattern)
    return found


def _make_money_parser(symbol: str, pattern: str) -> MoneyParser:
    space = r"\s?" if symbol.isalpha() else ""  # "Rp 1.500" is written with a space, "$5" without
    money = re.compile(r"([+-]?)" + re.escape(symbol) + space + _AMOUNT)

    def parse(s: str) -> tuple[int | float, dict] | None:
        m = money.fullmatch(s)
        if not m or (m.group(1) and m.group(2)):
            return None
        value = _as_number(m.group(3).replace(",", ""))
        if "-" in (m.group(1) + m.group(2)):
            value = -value
        return value, {"type": "CURRENCY", "pattern": pattern}
    return parse


def _tidy(x: float) -> int | float:
    """Drop binary noise from a decimal computation (12.5/100 -> 0.125)."""
    x = float(f"{x:.15g}")
    return int(x) if x.is_integer() and abs(x) < 2**53 else x


def _year(text: str) -> int:
    # Two-digit years: 00-29 -> 20xx, 30-99 -> 19xx (Sheets' pivot).
    y = int(text)
    if len(text) == 2:
        y += 2000 if y < 30 else 1900
    return y


def _make_date(y: int, m: int, d: int) -> date | None:
    try:
        return date(y, m, d)
    except ValueError:
        return None


def _split_date_time(s: str) -> tuple[str, str]:
    parts = s.replace("T", " ", 1).split(None, 1) if _ISO_DATE.match(s) else s.split(None, 1)
    if len(parts) == 2 and _TIME.fullmatch(parts[1].strip()):
        return parts[0], parts[1].strip()
    return s, ""


def _parse_date(s: str, loc: Locale = EN_US) -> tuple[date, str] | None:
    m = _ISO_DATE.fullmatch(s)
    if m:
        sep = m.group(2)
        d = _make_date(int(m.group(1)), int(m.group(3)), int(m.group(4)))
        return (d, f"yyyy{sep}mm{sep}dd") if d else None
    day_first = loc.day_first
    m = _US_DATE.fullmatch(s) or (_DOT_DATE.fullmatch(s) if day_first else None)
    if m:  # en_US reads month first (27/11/2024 is text there); id_ID and en_GB day first
        first, second, sep = int(m.group(1)), int(m.group(2)), s[len(m.group(1))]
        month, day = (second, first) if day_first else (first, second)
        d = _make_date(_year(m.group(3)), month, day)
        tokens = ("d", "M") if day_first else ("M", "d")
        year = "yyyy" if len(m.group(3)) == 4 else "yy"
        return (d, f"{tokens[0]}{sep}{tokens[1]}{sep}{year}") if d else None
    m = _NAMED_MDY.fullmatch(s)
    named = loc.month_number(m.group(1)) if m else None
    if m and named:
        d = _make_date(int(m.group(3)), named, int(m.group(2)))
        return (d, "mmm d, yyyy" if len(m.group(1)) == 3 else "mmmm d, yyyy") if d else None
    m = _NAMED_DMY.fullmatch(s)
    named = loc.month_number(m.group(2)) if m else None
    if m and named:  # "27 Agustus 2024" in id_ID
        d = _make_date(int(m.group(3)), named, int(m.group(1)))
        return (d, "d mmm yyyy" if len(m.group(2)) <= 3 else "d mmmm yyyy") if d else None
    return None


def _parse_time(s: str) -> float | None:
    m = _TIME.fullmatch(s)
    if not m:
        return None
    h, mi, sec = int(m.group(1)), int(m.group(2)), int(m.group(3) or 0)
    frac = float(m.group(4) or 0)
    ampm = (m.group(5) or "").upper()
    if ampm:
        if not 1 <= h <= 12:
            return None
        h = h % 12 + (12 if ampm == "P" else 0)
    if h > 23 or mi > 59 or sec > 59:
        return None
    return (h * 3600 + mi * 60 + sec + frac) / 86400


def _parse_datetime(s: str, loc: Locale = EN_US) -> tuple[float | int, dict] | None:
    date_part, time_part = _split_date_time(s)
    parsed = _parse_date(date_part, loc)
    if parsed is None:
        t = _parse_time(s)
        return (t, {"type": "TIME", "pattern": loc.default_pattern("TIME")}) if t is not None else None
    d, pattern = parsed
    serial = (datetime(d.year, d.month, d.day) - EPOCH).days
    if not time_part:
        return serial, {"type": "DATE", "pattern": pattern}
    t = _parse_time(time_part)
    if t is None:
        return None
    clock = loc.default_pattern("DATE_TIME").split(" ", 1)[1]  # en_US H:mm:ss, id_ID HH.mm.ss
    return serial + t, {"type": "DATE_TIME", "pattern": f"{pattern} {clock}"}


# ---------------------------------------------------------------- rendering

def render(effective: Any, formula: str | None, option: str = "FORMATTED_VALUE",
           number_format: dict | None = None, date_time_render_option: str = "SERIAL_NUMBER",
           spreadsheet: Any = None) -> Any:
    """One cell as the values API returns it for a ValueRenderOption.

    FORMATTED_VALUE: the text the cell shows. UNFORMATTED_VALUE: typed
    numbers and booleans (dates as serial numbers unless FORMATTED_STRING).
    FORMULA: the formula text, otherwise like UNFORMATTED_VALUE. Errors
    come back as their text ("#NAME?") except under FORMULA. An empty cell
    gives "" (the caller trims trailing empties).
    """
    if option == "FORMULA" and formula:
        return formula
    if effective is None:
        return ""
    if isinstance(effective, CellError):
        return effective.text
    if option == "FORMATTED_VALUE":
        return formatted_value(effective, number_format, locale_of(spreadsheet))
    if isinstance(effective, bool) or isinstance(effective, str):
        return effective
    if (date_time_render_option == "FORMATTED_STRING" and number_format
            and number_format.get("type") in DATE_TYPES):
        return formatted_value(effective, number_format, locale_of(spreadsheet))
    return json_number(effective)


def json_number(x: int | float) -> int | float:
    """Google's JSON writes integral doubles without a fraction (12, not 12.0)."""
    if isinstance(x, float) and x.is_integer() and abs(x) < 1e21:
        return int(x)
    return x


def formatted_value(effective: Any, number_format: dict | None, locale: Locale = EN_US) -> str:
    """The displayed text of a value under a number format (CellData.formattedValue),
    with the spreadsheet locale's decimal and grouping separators."""
    if effective is None:
        return ""
    if isinstance(effective, CellError):
        return effective.text
    if isinstance(effective, bool):
        return "TRUE" if effective else "FALSE"
    if isinstance(effective, str):
        return effective
    x = float(effective)
    if math.isnan(x) or math.isinf(x):
        return "#NUM!"
    kind = number_format.get("type") if number_format else None
    if not number_format or not kind or kind == "TEXT":
        return localize_number_text(general_number(x), locale)
    pattern = number_format.get("pattern") or locale.default_pattern(kind)
    if not pattern or pattern.upper() == "GENERAL":
        return localize_number_text(general_number(x), locale)
    if kind in DATE_TYPES or _looks_like_date_pattern(pattern):
        return format_datetime(x, pattern, locale)
    return format_number(x, pattern, locale)


def general_number(x: float) -> str:
    """The automatic format: integers in full, other numbers to 10 significant
    digits (1/3 -> 0.3333333333, 100/3 -> 33.33333333), E notation past 1e15."""
    if x == 0:
        return "0"
    ax = abs(x)
    if ax >= 1e15 or ax < 1e-9:
        mant, exp = f"{x:.5E}".split("E")
        mant = mant.rstrip("0").rstrip(".")
        return f"{mant}E{'+' if int(exp) >= 0 else '-'}{abs(int(exp)):02d}"
    if float(x).is_integer():
        return str(int(x))
    int_digits = len(str(int(ax))) if ax >= 1 else 0
    decimals = max(0, 10 - int_digits)
    text = repr(float(x))
    if "e" not in text and len(text) - text.index(".") - 1 <= decimals:
        return text  # already that short (80.35): rounding would change nothing, and Decimal is slow
    text = _half_up(x, decimals)
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


# ------------------------------------------------------------ number patterns

def _pattern_section(x: float, pattern: str) -> tuple[str, float, bool]:
    """Pick the pattern section for x; True when the section carries its own sign."""
    sections = _split_sections(pattern)
    if x < 0 and len(sections) > 1:
        return sections[1], -x, True
    if x == 0 and len(sections) > 2:
        return sections[2], x, False
    return sections[0], x, False


def _split_sections(pattern: str) -> list[str]:
    sections, cur, quoted = [], "", False
    for ch in pattern:
        if ch == '"':
            quoted = not quoted
        if ch == ";" and not quoted:
            sections.append(cur)
            cur = ""
        else:
            cur += ch
    sections.append(cur)
    return sections


def format_number(x: float, pattern: str, locale: Locale = EN_US) -> str:
    """Render x under a NUMBER / PERCENT / CURRENCY / SCIENTIFIC pattern; the pattern
    is written with en_US symbols, the digits come out with the locale's separators."""
    section, x, own_sign = _pattern_section(x, pattern)
    prefix, core, suffix = _split_core(section)
    if not core:
        return _literal(prefix + suffix)
    if "%" in prefix + suffix:
        x *= 100
    negative = x < 0 and not own_sign
    x = abs(x)
    if "E" in core.upper():
        body = _scientific(x, core)
    else:
        body = _fixed(x, core)
    body = localize_number_text(body, locale)
    if negative and set(body) - set("0.,"):
        body = "-" + _literal(prefix) + body
        return body + _literal(suffix)
    return _literal(prefix) + body + _literal(suffix)


def _split_core(section: str) -> tuple[str, str, str]:
    """Split a pattern section into literal prefix, digit core and literal suffix."""
    m = re.search(r"[0#?][0#?,.]*(?:[eE][+-][0#]+)?|\.[0#?]+", section)
    if not m:
        return section, "", ""
    return section[: m.start()], m.group(0), section[m.end():]


def _literal(text: str) -> str:
    out, quoted, escape = [], False, False
    for ch in text:
        if escape:
            out.append(ch)
            escape = False
        elif ch == "\\":
            escape = True
        elif ch == '"':
            quoted = not quoted
        elif quoted or ch not in "_*":
            out.append(ch)
    return "".join(out)


def _fixed(x: float, core: str) -> str:
    int_part, _, frac_part = core.partition(".")
    grouped = "," in int_part.strip(",")
    scale = len(int_part) - len(int_part.rstrip(","))  # trailing commas divide by 1000
    x /= 1000 ** scale
    decimals = len(frac_part.replace(",", ""))
    required = frac_part.count("0")
    text = _half_up(x, decimals)
    whole, _, frac = text.partition(".")
    frac = frac.rstrip("0") if decimals > required else frac
    if len(frac) < required:
        frac = frac.ljust(required, "0")
    min_int = int_part.replace(",", "").count("0")
    if whole == "0" and min_int == 0:
        whole = ""
    whole = whole.rjust(min_int, "0")
    if grouped and whole:
        whole = f"{int(whole):,}"
    return whole + ("." + frac if frac else "")


def _half_up(x: float, decimals: int) -> str:
    """Fixed-point text rounded half away from zero, as Sheets displays (1234.5 -> 1235)."""
    q = Decimal(1).scaleb(-decimals)
    return str(Decimal(repr(x)).quantize(q, rounding=ROUND_HALF_UP))


def _scientific(x: float, core: str) -> str:
    mant_pat, exp_pat = re.split(r"[eE][+-]", core)
    decimals = len(mant_pat.partition(".")[2])
    exp = 0 if x == 0 else math.floor(math.log10(x))
    # Decimal scaling: 10.0 ** -324 underflows to 0 for the smallest doubles (5e-324).
    mant = float(Decimal(repr(x)).scaleb(-exp)) if x else 0.0
    if round(mant, decimals) >= 10:
        mant, exp = mant / 10, exp + 1
    sign = "-" if exp < 0 else "+"
    return f"{mant:.{decimals}f}E{sign}{abs(exp):0{len(exp_pat)}d}"


# ------------------------------------------------------------ date patterns

def _looks_like_date_pattern(pattern: str) -> bool:
    stripped = re.sub(r'"[^"]*"', "", pattern)
    return bool(re.search(r"[dDyYhHsS]", stripped)) and not re.search(r"[0#]", stripped)


def serial_to_datetime(serial: float) -> datetime:
    return EPOCH + timedelta(days=serial)


def date_to_serial(d: date | datetime) -> float:
    if not isinstance(d, datetime):
        d = datetime(d.year, d.month, d.day)
    return (d - EPOCH).total_seconds() / 86400


_DATE_TOKEN = re.compile(
    r'"[^"]*"|\\.|yyyy|yy|mmmmm|mmmm|mmm|mm|m|dddd|ddd|dd|d|hh|h|ss|s|am/pm|a/p|\.0+',
    re.IGNORECASE)

def format_datetime(serial: float, pattern: str, locale: Locale = EN_US) -> str:
    """Render a serial number under a DATE / TIME / DATE_TIME pattern, with the
    locale's month and day names."""
    # Round to the millisecond so 0.1 day does not print as 2:23:59.
    try:
        dt = EPOCH + timedelta(milliseconds=round(serial * 86400000))
    except (OverflowError, ValueError):
        return localize_number_text(general_number(serial), locale)  # past year 9999: no date
    tokens = _tokenize_date(pattern)
    twelve_hour = any(t.lower() in ("am/pm", "a/p") for t in tokens)
    out = []
    for i, tok in enumerate(tokens):
        out.append(_date_token(dt, tok, tokens, i, twelve_hour, locale))
    return "".join(out)


def _tokenize_date(pattern: str) -> list[str]:
    tokens: list[str] = []
    pos = 0
    for m in _DATE_TOKEN.finditer(pattern):
        if m.start() > pos:
            tokens.extend(pattern[pos:m.start()])
        tokens.append(m.group(0))
        pos = m.end()
    tokens.extend(pattern[pos:])
    return tokens


def _is_minute(tokens: list[str], i: int) -> bool:
    """'m' means minutes right after an hour token or right before a seconds token."""
    for j in range(i - 1, -1, -1):
        t = tokens[j].lower()
        if t[:1] in ("h",):
            return True
        if t[:1] in ("d", "y") or (t[:1] == "m" and len(t) <= 2):
            break
    for t in tokens[i + 1:]:
        low = t.lower()
        if low[:1] == "s":
            return True
        if low[:1] in ("d", "y", "h") or low.startswith("m"):
            break
    return False


def _date_token(dt: datetime, tok: str, tokens: list[str], i: int, twelve: bool,
                locale: Locale = EN_US) -> str:
    low = tok.lower()
    if tok.startswith('"'):
        return tok[1:-1]
    if tok.startswith("\\"):
        return tok[1:]
    if low == "yyyy":
        return f"{dt.year:04d}"
    if low == "yy":
        return f"{dt.year % 100:02d}"
    if low in ("m", "mm"):
        if tok.islower() and _is_minute(tokens, i):
            return f"{dt.minute:02d}" if low == "mm" else str(dt.minute)
        return f"{dt.month:02d}" if low == "mm" else str(dt.month)
    if low == "mmm":
        return locale.months_short[dt.month - 1]
    if low == "mmmm":
        return locale.months[dt.month - 1]
    if low == "mmmmm":
        return locale.months[dt.month - 1][0]
    if low == "d":
        return str(dt.day)
    if low == "dd":
        return f"{dt.day:02d}"
    if low == "ddd":
        return locale.days[dt.weekday()][:3]
    if low == "dddd":
        return locale.days[dt.weekday()]
    if low in ("h", "hh"):
        hour = (dt.hour % 12 or 12) if twelve else dt.hour
        return f"{hour:02d}" if low == "hh" else str(hour)
    if low in ("s", "ss"):
        return f"{dt.second:02d}" if low == "ss" else str(dt.second)
    if low.startswith(".0"):
        return "." + f"{dt.microsecond / 1e6:.{len(tok) - 1}f}"[2:]
    if low == "am/pm":
        return ("AM" if dt.hour < 12 else "PM")
    if low == "a/p":
        return ("a" if dt.hour < 12 else "p")
    return tok
