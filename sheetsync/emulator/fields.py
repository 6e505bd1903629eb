"""Google field masks ("fields=" parameter): parse and apply to JSON responses.

Syntax: comma-separated paths; a path is dotted (or slashed) names; ``a(b,c.d)`` groups
sub-paths under ``a``; ``*`` selects everything at that level.  Lists are
transparent: a mask on ``sheets.properties`` applies to each sheet.
"""
from __future__ import annotations

from typing import Any

from sheetsync.emulator.model import invalid_argument

Mask = dict[str, "Mask"]  # {} as a leaf means "the whole value"


def parse(text: str) -> Mask:
    # "a/b" is the older partial-response spelling of "a.b" (gspread's get_note sends it)
    text = (text or "").replace(" ", "").replace("/", ".")
    mask, pos = _parse_list(text, 0)
    if pos != len(text):
        raise _bad(text)
    return mask


def _bad(text: str):
    return invalid_argument(f"Invalid field selection {text}")


def _parse_list(text: str, pos: int) -> tuple[Mask, int]:
    mask: Mask = {}
    while pos < len(text):
        pos = _parse_path(text, pos, mask)
        if pos < len(text) and text[pos] == ",":
            pos += 1
            continue
        break
    return mask, pos


def _parse_path(text: str, pos: int, into: Mask) -> int:
    start = pos
    while pos < len(text) and text[pos] not in ",()":
        pos += 1
    names = [n for n in text[start:pos].split(".")]
    if not names or any(n == "" for n in names):
        raise _bad(text)
    node = into
    for i, name in enumerate(names):
        last = i == len(names) - 1
        if name in node and node[name] == {} and not (last and pos < len(text) and text[pos] == "("):
            return _skip_group(text, pos)  # already whole
        child = node.setdefault(name, {})
        node = child
    if pos < len(text) and text[pos] == "(":
        sub, pos = _parse_list(text, pos + 1)
        if pos >= len(text) or text[pos] != ")":
            raise _bad(text)
        pos += 1
        _merge(node, sub)
    elif node:
        node.clear()  # a bare path selects the whole value
    return pos


def _skip_group(text: str, pos: int) -> int:
    if pos < len(text) and text[pos] == "(":
        depth = 0
        while pos < len(text):
            if text[pos] == "(":
                depth += 1
            elif text[pos] == ")":
                depth -= 1
                if depth == 0:
                    return pos + 1
            pos += 1
    return pos


def _merge(dst: Mask, src: Mask) -> None:
    for k, v in src.items():
        if k in dst:
            if dst[k] == {} or v == {}:
                dst[k] = {}
            else:
                _merge(dst[k], v)
        else:
            dst[k] = v


def wants(mask: Mask | None, *path: str) -> bool:
    """Does the mask select anything under ``path`` (None = no mask = everything)?"""
    if mask is None:
        return True
    node = mask
    for name in path:
        if "*" in node:
            return True
        if name not in node:
            return False
        node = node[name]
        if node == {}:
            return True
    return True


def apply(value: Any, mask: Mask | None) -> Any:
    if mask is None or mask == {} or "*" in mask:
        return value
    if isinstance(value, list):
        return [apply(v, mask) for v in value]
    if not isinstance(value, dict):
        return value
    out = {}
    for key, sub in mask.items():
        if key in value:
            out[key] = apply(value[key], sub)
    return out
