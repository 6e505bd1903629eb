"""A1 notation: cell and range references, and column letters (rows and columns are 1-based)."""

from __future__ import annotations

import re
from dataclasses import dataclass

_CELL = re.compile(r"^\$?([A-Za-z]{1,3})\$?([0-9]+)$")


def col_letters(col: int) -> str:
    """1 -> A, 27 -> AA."""
    if col < 1:
        raise ValueError(f"column {col} < 1")
    out = ""
    while col:
        col, rem = divmod(col - 1, 26)
        out = chr(65 + rem) + out
    return out


def col_number(letters: str) -> int:
    """A -> 1, AA -> 27."""
    n = 0
    for ch in letters.upper():
        n = n * 26 + ord(ch) - 64
    return n


def quote_tab(title: str) -> str:
    """Always quote: names like 'CRM26' or 'Rekap Kecamatan' need it, others do not mind."""
    return "'" + title.replace("'", "''") + "'"


def cell(row: int, col: int) -> str:
    return f"{col_letters(col)}{row}"


def rect(tab: str, row: int, col: int, row2: int | None = None, col2: int | None = None) -> str:
    """'Tab'!C5 or 'Tab'!C5:D9."""
    start = cell(row, col)
    if row2 is None or col2 is None or (row2 == row and col2 == col):
        return f"{quote_tab(tab)}!{start}"
    return f"{quote_tab(tab)}!{start}:{cell(row2, col2)}"


def split_range(a1: str) -> tuple[str, str]:
    """"'Rekap'!B2:C3" -> ("Rekap", "B2:C3"); an unquoted name works too."""
    if a1.startswith("'"):
        end = 1
        while True:
            end = a1.index("'", end)
            if end + 1 < len(a1) and a1[end + 1] == "'":
                end += 2
                continue
            break
        tab = a1[1:end].replace("''", "'")
        rest = a1[end + 1:]
    else:
        tab, sep, rest = a1.partition("!")
        rest = sep + rest
    return tab, rest[1:] if rest.startswith("!") else rest


def parse_cell(ref: str) -> tuple[int, int]:
    """"B12" -> (12, 2)."""
    m = _CELL.match(ref.strip())
    if not m:
        raise ValueError(f"not a cell reference: {ref!r}")
    return int(m.group(2)), col_number(m.group(1))


@dataclass(frozen=True)
class CellRef:
    """One cell of a named tab, e.g. the last-synced stamp's."""
    tab: str
    row: int   # 1-based
    col: int   # 1-based

    def __str__(self) -> str:
        return rect(self.tab, self.row, self.col)


def cell_ref(a1: str) -> CellRef:
    """"'Rekap Kecamatan'!A1" -> CellRef("Rekap Kecamatan", 1, 1); ValueError unless the
    text is one cell of a named tab."""
    text = a1.strip()
    tab, ref = split_range(text)
    if not tab or "!" not in text or ":" in ref:
        raise ValueError(f"not a cell of a tab: {a1!r}")
    row, col = parse_cell(ref)
    if row < 1:
        raise ValueError(f"row {row} < 1 in {a1!r}")
    return CellRef(tab, row, col)


def parse_tab_cell(a1: str) -> tuple[str, int, int]:
    """"'Rekap Kecamatan'!A1" -> ("Rekap Kecamatan", 1, 1)."""
    tab, ref = split_range(a1)
    row, col = parse_cell(ref.split(":", 1)[0])
    return tab, row, col
