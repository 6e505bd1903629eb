"""C.Hasil photo evidence: a link per TPS to the photo of its C.Hasil form.

A link is checked on its shape only (sheetsync downloads nothing): https, a Google Drive
or Google Photos host, or a host the config allows (rules.photo_hosts), and a path that
points somewhere. A row with C.Hasil numbers and no link is PERIKSA when the config asks
for photos (rules.photo_required); a malformed link is PERIKSA and quoted in the message.
Neither touches the totals: the votes of such a row count as its numbers earn.
"""

from __future__ import annotations

import re
from typing import Iterator

import numpy as np
import pandas as pd

from sheetsync.core.config import Config
from sheetsync.core.issues import WARNING, register_message
from sheetsync.core.rules.context import Hits, RuleContext
from sheetsync.core.rules.registry import register
from sheetsync.core.rules.cells import typed_values

# Drive shares files from drive.google.com (also docs.google.com/uc?id=...); Google Photos
# shares albums and photos from photos.google.com and the short photos.app.goo.gl.
GOOGLE_PHOTO_HOSTS = ("drive.google.com", "docs.google.com", "photos.google.com", "photos.app.goo.gl")
# Longest text taken for a link: a share link is a host and an id, so text this long is
# not one, and no pattern reads further.
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
    return config.field_of_type("photo")


# An https link: a host of letters, digits, dots and hyphens (so no user name and no port),
# then "/", "?" or "#" and something that is not only those, with no blank or control
# character anywhere. Linear: each quantified class is followed by a character it cannot
# match, and the text it sees is cut to MAX_LINK first.
_LINK = re.compile(r"\s{0,64}https://([A-Za-z0-9.-]{1,253})[/?#]{1,16}[^\s\x00-\x1f/?#][^\s\x00-\x1f]{0,2047}"
                   r"\s{0,64}", re.IGNORECASE)


def photo_links(cells: np.ndarray, hosts: tuple[str, ...]) -> np.ndarray:
    """True per cell that is an https link to an allowed host (or a subdomain of one) with
    a path or query beyond "/".

    Every link of a sheet is different, so this runs once per row: one bounded match per
    cell, then each distinct host (a handful) is looked up once."""
    match = _LINK.fullmatch
    found = [match(v) if type(v) is str and len(v) <= MAX_LINK else None for v in cells.tolist()]
    codes, distinct = pd.factorize(np.array([m[1] if m else "" for m in found], dtype=object))
    allowed = np.array([_host_allowed(h.lower(), hosts) for h in distinct.tolist()], dtype=bool)
    return allowed[codes] if len(codes) else np.zeros(0, dtype=bool)


def _host_allowed(host: str, hosts: tuple[str, ...]) -> bool:
    return bool(host) and any(host == h or host.endswith("." + h) for h in hosts)


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
