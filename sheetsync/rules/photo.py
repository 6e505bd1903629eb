"""C.Hasil photo evidence: a link per TPS to the photo of its C.Hasil form.

A link is checked on its shape only (sheetsync downloads nothing): https, a Google Drive
or Google Photos host, or a host the config allows (rules.photo_hosts), and a path that
points somewhere. A row with C.Hasil numbers and no link is PERIKSA when the config asks
for photos (rules.photo_required); a malformed link is PERIKSA and quoted in the message.
Neither touches the totals: the votes of such a row count as its numbers earn.
"""

from __future__ import annotations

from typing import Iterator

import numpy as np

from ..config import Config
from ..issues import WARNING, register_message
from . import Hits, RuleContext, register
from .cells import typed_values

# Drive shares files from drive.google.com (also docs.google.com/uc?id=...); Google Photos
# shares albums and photos from photos.google.com and the short photos.app.goo.gl.
GOOGLE_PHOTO_HOSTS = ("drive.google.com", "docs.google.com", "photos.google.com", "photos.app.goo.gl")
# Longest text taken for a link: share links are under 200 characters; longer text is not
# a pasted link.
MAX_LINK = 2048
# The frame column the photo rule leaves for the totals ("TPS dengan foto"): True where the
# row's link is well formed, so the link is judged once.
HAS_PHOTO = "has_photo"

register_message(
    "photo_missing",
    "Baris {row}: foto C.Hasil belum ada",
    "Row {row}: no C.Hasil photo yet")
register_message(
    "photo_link_invalid",
    "{column} baris {row}: '{value}' bukan tautan foto C.Hasil (https ke {hosts})",
    "{column} row {row}: '{value}' is not a C.Hasil photo link (https to {hosts})")


def photo_field(config: Config) -> str | None:
    """The field of the config's photo column, if it has one."""
    return next((c.field for c in config.columns if c.type == "photo"), None)


# What ends a link's host, and the blanks a pasted link must not hold inside it.
_HOST_ENDS = ("/", "?", "#")
_BLANKS = (" ", "\t", "\n", "\r", "\x0b", "\x0c", "\u00a0", "\u3000")
_TEXT = np.dtypes.StringDType()


def photo_links(cells: np.ndarray, hosts: tuple[str, ...]) -> np.ndarray:
    """True per cell that is an https link to an allowed host (or a subdomain of one),
    without user name, port or blanks, with a path or query beyond "/".

    Whole-column string operations (numpy's StringDType): every link of an 820,000-TPS
    sheet is different, so a per-link parser would run once per row. No pattern is applied."""
    text = np.strings.strip(np.where(_is_text(cells), cells, "").astype(_TEXT))
    good = np.strings.lower(np.strings.slice(text, 0, 8)) == "https://"
    good &= np.strings.str_len(text) <= MAX_LINK
    for blank in _BLANKS:
        good &= np.strings.find(text, blank) < 0
    rest = np.strings.slice(text, 8, None)
    length = np.strings.str_len(rest)
    end = length.copy()
    for mark in _HOST_ENDS:
        at = np.strings.find(rest, mark)
        end = np.where((at >= 0) & (at < end), at, end)
    host = np.strings.lower(np.strings.slice(rest, 0, end))
    good &= (np.strings.find(host, "@") < 0) & (np.strings.find(host, ":") < 0)
    allowed = np.zeros(len(text), dtype=bool)
    for h in hosts:
        allowed |= (host == h) | np.strings.endswith(host, "." + h)
    beyond = np.strings.strip(np.strings.slice(rest, end, None), "/?#")
    return good & allowed & (np.strings.str_len(beyond) > 0)


def _is_text(cells: np.ndarray) -> np.ndarray:
    return np.fromiter((type(v) is str for v in cells.tolist()), dtype=bool, count=len(cells))


def allowed_hosts(config: Config) -> tuple[str, ...]:
    return GOOGLE_PHOTO_HOSTS + config.rules.photo_hosts


@register("photo")
def photo(ctx: RuleContext) -> Iterator[Hits]:
    field = photo_field(ctx.config)
    if field is None or not ctx.has(field):
        return
    hosts = allowed_hosts(ctx.config)
    good = photo_links(np.asarray(ctx.raw[field], dtype=object), hosts)
    blank = ctx.parsed[field].blank
    ctx.frame[HAS_PHOTO] = good & ~blank
    bad = np.flatnonzero(~blank & ~good)
    yield Hits("photo_link_invalid", WARNING, field, bad, {
        "column": ctx.header(field), "value": typed_values(ctx, field, bad), "hosts": ", ".join(hosts)})
    if ctx.config.rules.photo_required:
        filled = ctx.frame["results_filled"].to_numpy(bool)
        yield Hits("photo_missing", WARNING, field, np.flatnonzero(filled & blank), {"column": ctx.header(field)})
