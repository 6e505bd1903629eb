"""Reading values: the read options and the rendering of a range as values.get returns it.

Plain cells take fast paths (a 10M-cell tab renders in a few seconds); a cell with a
formula or a format renders through ``cellvalues.render``.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sheetsync.emulator import cellvalues
from sheetsync.emulator.a1 import Box
from sheetsync.emulator.locales import EN_US, Locale, locale_of
from sheetsync.emulator.model import Sheet, Spreadsheet, invalid_argument

RENDER_OPTIONS = ("FORMATTED_VALUE", "UNFORMATTED_VALUE", "FORMULA")
DATETIME_OPTIONS = ("SERIAL_NUMBER", "FORMATTED_STRING")
DIMENSIONS = ("ROWS", "COLUMNS", "DIMENSION_UNSPECIFIED")


def enum_option(value: str | None, name: str, allowed: tuple[str, ...], default: str) -> str:
    if value is None or value == "":
        return default
    if value not in allowed:
        raise invalid_argument(
            f"Invalid value at '{name}' (type.googleapis.com/google.apps.sheets.v4.{_enum_type(name)}), \"{value}\"")
    return value


def _enum_type(name: str) -> str:
    return {"value_render_option": "ValueRenderOption", "date_time_render_option": "DateTimeRenderOption",
            "value_input_option": "ValueInputOption", "major_dimension": "Dimension",
            "insert_data_option": "InsertDataOption"}.get(name, name)


@dataclass(frozen=True)
class ReadOptions:
    render: str = "FORMATTED_VALUE"
    datetime: str = "SERIAL_NUMBER"
    major: str = "ROWS"


def read_options(get: Any, prefix: str = "") -> ReadOptions:
    """Options from query parameters (``get`` = Request.param) or a JSON body (dict.get)."""
    render_key = "responseValueRenderOption" if prefix else "valueRenderOption"
    dt_key = "responseDateTimeRenderOption" if prefix else "dateTimeRenderOption"
    major = enum_option(get("majorDimension"), "major_dimension", DIMENSIONS, "ROWS") if not prefix else "ROWS"
    return ReadOptions(
        enum_option(get(render_key), "value_render_option", RENDER_OPTIONS, "FORMATTED_VALUE"),
        enum_option(get(dt_key), "date_time_render_option", DATETIME_OPTIONS, "SERIAL_NUMBER"),
        "COLUMNS" if major == "COLUMNS" else "ROWS")


# ------------------------------------------------------------------ rendering

def _plain_formatted(v: Any, locale: Locale = EN_US) -> Any:
    """A cell without formula or format in the General format: integers print the
    same in every locale, other numbers take the locale's decimal separator."""
    if v is None:
        return ""
    t = type(v)
    if t is str:
        return v
    if t is bool:
        return "TRUE" if v else "FALSE"
    if t is int and -10**15 < v < 10**15:
        return str(v)
    if t is float and v.is_integer() and -1e15 < v < 1e15:
        return str(int(v))
    return cellvalues.formatted_value(v, None, locale)


def _plain_unformatted(v: Any) -> Any:
    t = type(v)
    if t is str or t is bool or t is int:
        return v
    if v is None:
        return ""
    return cellvalues.render(v, None, "UNFORMATTED_VALUE")


def trim_row(row: list[Any]) -> list[Any]:
    n = len(row)
    while n and row[n - 1] == "":
        n -= 1
    if n != len(row):
        del row[n:]
    return row


_SMALL_INTS = [str(i) for i in range(65536)]  # the text of small integers, looked up not built


def plain_row(seg: list[Any], formatted: bool, locale: Locale = EN_US, _str: type = str,
               _int: type = int, _small: list[str] = _SMALL_INTS) -> list[Any]:
    """Render cells without formula or format; inlined type tests keep 10M cells fast."""
    if formatted:
        return [v if (k := v.__class__) is _str
                else (_small[v] if k is _int and 0 <= v < 65536 else _plain_formatted(v, locale))
                for v in seg]
    return [v if (k := v.__class__) is _str or k is _int or k is bool else _plain_unformatted(v)
            for v in seg]


def plain_rows(segs: list[list[Any]], formatted: bool, locale: Locale = EN_US, _str: type = str,
               _int: type = int, _bool: type = bool, _small: list[str] = _SMALL_INTS) -> list[list[Any]]:
    """Render whole rows of plain cells (no formula, no format), trailing empties dropped.

    The hot loop of a full-tab read: everything inlined, trailing None cut before
    rendering so no "" has to be trimmed afterwards."""
    out: list[list[Any]] = []
    append = out.append
    pu = _plain_unformatted
    pf = _plain_formatted if locale is EN_US else (lambda v: _plain_formatted(v, locale))
    for seg in segs:
        if seg and seg[-1] is None:
            n = len(seg) - 1
            while n and seg[n - 1] is None:
                n -= 1
            seg = seg[:n]
        if formatted:
            append([v if (k := v.__class__) is _str
                    else (_small[v] if k is _int and 0 <= v < 65536 else pf(v)) for v in seg])
        else:
            append([v if (k := v.__class__) is _str or k is _int or k is _bool else pu(v) for v in seg])
    return out


def render_box(ss: Spreadsheet, box: Box, opts: ReadOptions) -> list[list[Any]]:
    """The values of ``box`` as values.get returns them: rendered, trimmed, majorDimension."""
    sheet = box.sheet
    special_rows = {r for r, _ in sheet.formulas} | {r for r, _ in sheet.formats}
    formatted = opts.render == "FORMATTED_VALUE"
    values = sheet.values
    out: list[list[Any]] = []
    last = min(box.r1, len(values))
    c0, c1 = box.c0, box.c1
    locale = locale_of(ss)
    if not special_rows:
        out = plain_rows([values[r][c0:c1] for r in range(box.r0, last)], formatted, locale)
    for r in range(box.r0, last) if special_rows else ():
        seg = values[r][c0:c1]
        if r in special_rows:
            row = [_render_cell(ss, sheet, r, c0 + i, v, opts) for i, v in enumerate(seg)]
        else:
            row = plain_row(seg, formatted, locale)
        if row and row[-1] == "":
            trim_row(row)
        out.append(row)
    if sheet.formulas and opts.render == "FORMULA":
        _add_formula_only_cells(sheet, box, out)
    while out and not out[-1]:
        out.pop()
    if opts.major == "COLUMNS":
        out = _transpose(out)
    return out


def _render_cell(ss: Spreadsheet, sheet: Sheet, r: int, c: int, v: Any, opts: ReadOptions) -> Any:
    formula = sheet.formulas.get((r, c))
    return cellvalues.render(v, formula, opts.render, cell_number_format(sheet, r, c, formula),
                             opts.datetime, ss)


def cell_number_format(sheet: Sheet, r: int, c: int, formula: str | None) -> dict | None:
    """The cell's own numberFormat; a formula cell's is inferred from what it refers to."""
    if formula:
        from sheetsync.emulator.formulas.formats import number_format
        return number_format(sheet, r, c)
    fmt = sheet.formats.get((r, c))
    return fmt.get("numberFormat") if fmt else None


def _add_formula_only_cells(sheet: Sheet, box: Box, out: list[list[Any]]) -> None:
    """Formula cells whose value row is missing still show their formula under FORMULA."""
    for (r, c), text in sheet.formulas.items():
        if box.r0 <= r < box.r1 and box.c0 <= c < box.c1:
            i, j = r - box.r0, c - box.c0
            while len(out) <= i:
                out.append([])
            row = out[i]
            if len(row) <= j:
                row.extend([""] * (j + 1 - len(row)))
            row[j] = text


def _transpose(rows: list[list[Any]]) -> list[list[Any]]:
    width = max((len(r) for r in rows), default=0)
    cols = [[row[c] if c < len(row) else "" for row in rows] for c in range(width)]
    return [trim_row(col) for col in cols]


def value_range(ss: Spreadsheet, box: Box, opts: ReadOptions) -> dict[str, Any]:
    body: dict[str, Any] = {"range": box.a1(), "majorDimension": opts.major}
    values = render_box(ss, box, opts)
    if values:
        body["values"] = values
    return body
