"""C.Hasil photo evidence: a link per TPS to the photo of its C.Hasil form.

A link is checked on its shape only (sheetsync downloads nothing): https, a Google Drive
or Google Photos host, or a host the config allows (rules.photo_hosts), and a path that
points somewhere. A row with C.Hasil numbers and no link is PERIKSA when the config asks
for photos (rules.photo_required); a malformed link is PERIKSA and quoted in the message.
Neither touches the totals: the votes of such a row count as its numbers earn.
"""

from __future__ import annotations

from typing import Iterable, Iterator
from urllib.parse import urlsplit

import numpy as np

from ..config import Config
from ..issues import WARNING, register_message
from . import Hits, RuleContext, register
from .cells import typed_values

# Drive shares files from drive.google.com (also docs.google.com/uc?id=...); Google Photos
# shares albums and photos from photos.google.com and the short photos.app.goo.gl.
GOOGLE_PHOTO_HOSTS = ("drive.google.com", "docs.google.com", "photos.google.com", "photos.app.goo.gl")
# Longest text taken for a link: share links are under 200 characters; longer text is not
# a pasted link, and is rejected before anything parses it.
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


def _host_allowed(host: str, hosts: Iterable[str]) -> bool:
    return any(host == h or host.endswith("." + h) for h in hosts)


def is_photo_link(value: object, hosts: tuple[str, ...]) -> bool:
    """True for an https link to an allowed host with a path or query beyond "/"."""
    if not isinstance(value, str):
        return False
    text = value.strip()
    if not text or len(text) > MAX_LINK or any(ch.isspace() or ord(ch) < 32 for ch in text):
        return False
    try:
        parts = urlsplit(text)
        host = parts.hostname or ""
        parts.port  # noqa: B018 - raises ValueError on a bad port
    except ValueError:
        return False
    if parts.scheme.lower() != "https" or parts.username is not None or not host:
        return False
    return _host_allowed(host, hosts) and (parts.path.strip("/") != "" or parts.query != "")


def allowed_hosts(config: Config) -> tuple[str, ...]:
    return GOOGLE_PHOTO_HOSTS + config.rules.photo_hosts


@register("photo")
def photo(ctx: RuleContext) -> Iterator[Hits]:
    field = photo_field(ctx.config)
    if field is None or not ctx.has(field):
        return
    hosts = allowed_hosts(ctx.config)
    codes, links = ctx.factorize(field)   # a link is judged once per distinct cell
    judged = np.array([is_photo_link(v, hosts) for v in links.tolist()] + [False], dtype=bool)
    good = judged[codes]                  # code -1 (None) takes the last entry: no photo
    blank = ctx.parsed[field].blank
    ctx.frame[HAS_PHOTO] = good & ~blank
    bad = np.flatnonzero(~blank & ~good)
    yield Hits("photo_link_invalid", WARNING, field, bad, {
        "column": ctx.header(field), "value": typed_values(ctx, field, bad), "hosts": ", ".join(hosts)})
    if ctx.config.rules.photo_required:
        filled = ctx.frame["results_filled"].to_numpy(bool)
        yield Hits("photo_missing", WARNING, field, np.flatnonzero(filled & blank), {"column": ctx.header(field)})
