"""What Google returns instead of what was sent: the normalisations of spreadsheets.get.

The emulator stores what requests send and normalises on the way out, so every
path that answers a Spreadsheet (get, getByDataFilter, updatedSpreadsheet) shows
what Google's recordings show:

- colours at 8 bits per channel, zero channels left out: Google answers 0.5 with
  0.49803922 (127/255, printed as the nearest float32), so a channel is the
  nearest 1/255 step with ties going down (assumption: only the 0.5 tie is
  recorded; exact steps such as 127/255 sent by gspread stay where they are);
- a plain colour and its ``...Style`` twin both present (``backgroundColor`` and
  ``backgroundColorStyle: {rgbColor}``), whichever of the two was sent;
- ``sheetId: 0`` left out of ranges (merges, named, protected and filter ranges,
  conditional-format ranges, dimension groups): proto3 leaves zero ints out,
  while the row and column indices are optional fields and stay even when 0;
- false flags and zero counts of sheet and grid properties left out;
- basic-filter and conditional-format ranges bounded to the grid.
"""
from __future__ import annotations

import copy
import math
import struct
from functools import lru_cache
from typing import Any

Json = dict[str, Any]
_CHANNELS = ("red", "green", "blue")


def _float32_text(x: float) -> float | int:
    """The shortest decimal that reads back as the same float32 (how Google prints colours)."""
    if x in (0.0, 1.0):
        return int(x)
    f = struct.unpack("f", struct.pack("f", x))[0]
    for digits in range(1, 10):
        short = float(f"{f:.{digits}g}")
        if struct.unpack("f", struct.pack("f", short))[0] == f:
            return short
    return f


_STEPS = [_float32_text(k / 255) for k in range(256)]


def channel(x: Any) -> float | int:
    """A colour channel stored at 8 bits: nearest 1/255 step, ties down (0.5 -> 127/255)."""
    v = min(max(float(x), 0.0), 1.0) * 255
    k = math.ceil(v - 0.5 - 1e-9)  # 127.5 -> 127; 126.99999999 (127/255 in double) -> 127
    return _STEPS[min(max(k, 0), 255)]


def color(c: Json) -> Json:
    """A Color as Google returns it: quantised channels, zero ones left out; alpha as sent."""
    out: Json = {}
    for name in _CHANNELS:
        v = channel(c.get(name, 0))
        if v:
            out[name] = v
    if "alpha" in c:
        out["alpha"] = c["alpha"]
    return out


def _is_style(v: Any) -> bool:
    return isinstance(v, dict) and ("rgbColor" in v or "themeColor" in v)


def _is_plain(v: Any) -> bool:
    return isinstance(v, dict) and not _is_style(v) and set(v) <= {"red", "green", "blue", "alpha"}


def colours(obj: Any) -> Any:
    """Walk a JSON value: quantise every colour and put each plain colour beside its style
    twin; where both were stored the style wins, as Google documents ("takes precedence")."""
    if isinstance(obj, list):
        return [colours(v) for v in obj]
    if not isinstance(obj, dict):
        return obj
    out: Json = {}
    for key, v in obj.items():
        if key.endswith("Style") and _is_style(v):
            if "rgbColor" in v and not isinstance(v["rgbColor"], dict):
                continue  # {"rgbColor": null} clears the colour (gspread's clear_tab_color)
            style = dict(v)
            if "rgbColor" in style:
                style["rgbColor"] = color(style["rgbColor"])
            out[key] = style
            plain = _plain_of(style)
            if plain is not None:
                out[key[:-5]] = plain
        elif key == "rgbColor" and _is_plain(v):
            out[key] = color(v)  # inside a ColorStyle (a theme's colours): no twin of its own
        elif (key.endswith("Color") or key == "color") and _is_plain(v):
            if _is_style(obj.get(key + "Style")):
                continue  # written from its style twin above or below
            out[key] = color(v)
            out[key + "Style"] = {"rgbColor": out[key]}
        else:
            out[key] = colours(v)
    return out


def _plain_of(style: Json) -> Json | None:
    """The plain Color Google shows beside a ColorStyle (a theme colour resolved)."""
    if "rgbColor" in style:
        return style["rgbColor"]
    for entry in _theme()["themeColors"]:
        if entry["colorType"] == style.get("themeColor"):
            return entry["color"]["rgbColor"]
    return None


_RANGE_KEYS = {"range", "ranges", "merges", "unprotectedRanges", "dimensionRange"}


def drop_sheet_zero(obj: Any, key: str = "") -> Any:
    """Leave ``sheetId: 0`` out of every GridRange/DimensionRange (not out of properties)."""
    if isinstance(obj, list):
        return [drop_sheet_zero(v, key) for v in obj]
    if not isinstance(obj, dict):
        return obj
    out = {k: drop_sheet_zero(v, k) for k, v in obj.items()}
    if key in _RANGE_KEYS and out.get("sheetId") == 0:
        del out["sheetId"]
    return out


_FLAGS = ("hidden", "rightToLeft", "hideGridlines", "rowGroupControlAfter", "columnGroupControlAfter")
_COUNTS = ("frozenRowCount", "frozenColumnCount")


def sheet_properties(props: Json) -> Json:
    """False flags and zero frozen counts left out, as Google answers them."""
    out = {k: v for k, v in props.items() if not (k in _FLAGS and v is False)}
    grid = out.get("gridProperties")
    if isinstance(grid, dict):
        out["gridProperties"] = {k: v for k, v in grid.items()
                                 if not ((k in _FLAGS and v is False) or (k in _COUNTS and v == 0))}
    return colours(out)


def bounded(rng: Json, rows: int, columns: int) -> Json:
    """A GridRange with its open ends closed at the grid's edges."""
    out = dict(rng)
    out.setdefault("startRowIndex", 0)
    out["endRowIndex"] = min(out.get("endRowIndex", rows), rows)
    out.setdefault("startColumnIndex", 0)
    out["endColumnIndex"] = min(out.get("endColumnIndex", columns), columns)
    return {k: out[k] for k in ("sheetId", "startRowIndex", "endRowIndex", "startColumnIndex",
                                "endColumnIndex") if k in out}


def theme() -> Json:
    """spreadsheetTheme of a new Google spreadsheet (Arial and Google's default palette)."""
    return copy.deepcopy(_theme())


@lru_cache(maxsize=1)
def _theme() -> Json:
    palette = (("TEXT", "000000"), ("BACKGROUND", "FFFFFF"), ("ACCENT1", "4285F4"),
               ("ACCENT2", "EA4335"), ("ACCENT3", "FBBC04"), ("ACCENT4", "34A853"),
               ("ACCENT5", "FF6D01"), ("ACCENT6", "46BDC6"), ("LINK", "1155CC"))
    colors = []
    for kind, hexcode in palette:
        rgb = {name: int(hexcode[2 * i:2 * i + 2], 16) / 255 for i, name in enumerate(_CHANNELS)}
        colors.append({"colorType": kind, "color": {"rgbColor": color(rgb)}})
    return {"primaryFontFamily": "Arial", "themeColors": colors}


def reply(obj: Json) -> Json:
    """A batchUpdate reply as Google answers it: ranges without sheetId 0, colours normalised,
    empty lists left out (deleteDimensionGroup's last group answers ``{}``)."""
    return colours(drop_sheet_zero(_without_empty_lists(obj)))


def _without_empty_lists(obj: Any) -> Any:
    if isinstance(obj, list):
        return [_without_empty_lists(v) for v in obj]
    if isinstance(obj, dict):
        return {k: _without_empty_lists(v) for k, v in obj.items() if v != []}
    return obj
