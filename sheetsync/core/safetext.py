"""Cell text made safe for where it goes next: a terminal, or a spreadsheet program.

Cell text is typed by any editor of the sheet, so it is hostile until proven otherwise:
- control characters (BEL, ESC, OSC sequences, C1 codes) are dropped before the text
  reaches a terminal or a file, and *before* anything looks at its first character
  (``"\\x07=HYPERLINK(...)"`` became a live formula when the order was the other way);
- text that a spreadsheet program would evaluate (``=``, ``+``, ``-``, ``@``, also after
  leading blanks or line breaks, and their full-width forms) gets a leading ``'``
  (OWASP CSV injection); a number such as ``-5`` stays a number.

Only exports neutralise: the sheet itself is written RAW, which already stores text as text.
"""

from __future__ import annotations

import re

# C0 except tab, line feed and carriage return; DEL; C1 (U+0080-U+009F, 8-bit CSI and OSC).
_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
# For one line of a terminal table: the layout characters go too.
_CONTROLS_LINE = re.compile(r"[\x00-\x1f\x7f-\x9f]")
# What a spreadsheet program reads as the start of a formula, half- and full-width.
FORMULA_START = frozenset("=+-@＝＋－＠")
# Blanks a spreadsheet program skips before it looks for a formula.
_LEADING_BLANKS = " \t\r\n\u00a0\u3000"
# OWASP: a cell that starts with a tab or a carriage return is neutralised whatever follows.
_RISKY_FIRST = ("\t", "\r")
# A number as it may be typed (optional sign, digits with . or , groups), and the lone "-"
# volunteers type for "nothing": a spreadsheet reads both as values, never as formulas.
# Linear: one character class under one quantifier.
_INERT = re.compile(r"[+-]?\d[\d.,]*|-")


def strip_controls(text: str) -> str:
    """``text`` without control characters (tab and line breaks are kept)."""
    return _CONTROLS.sub("", text)


def terminal_text(text: str) -> str:
    """One table cell for a terminal: no escape sequence, no control character; a tab or a
    line break becomes a space so the table stays one line per row."""
    return _CONTROLS_LINE.sub(lambda m: " " if m.group() in "\t\r\n" else "", text)


def neutralise(value: object) -> object:
    """Text as an export must hold it: controls stripped, then a leading ' when a
    spreadsheet program would evaluate it. Numbers, and text that is a number, are kept."""
    if not isinstance(value, str):
        return value
    text = strip_controls(value)
    start = text.lstrip(_LEADING_BLANKS)
    if text.startswith(_RISKY_FIRST) or (start[:1] in FORMULA_START and not _INERT.fullmatch(start.rstrip())):
        return "'" + text
    return text
