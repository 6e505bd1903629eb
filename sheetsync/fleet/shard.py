"""`--shard k/N`: which sheets of a fleet one of N processes keeps synced.

Each sheet goes to the shard that scores highest for it (rendezvous hashing: a hash of the
spreadsheet key and the shard number). A sheet's shard depends on its key and N alone, so
adding or removing a sheet moves no other sheet, and going from N to N+1 shards moves only
about 1 sheet in N+1 (the ones the new shard now wins), unlike "index mod N".
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from typing import Iterable

from sheetsync.errors import EXIT_USAGE, SheetsyncError, register
from sheetsync.fleet.config import FleetSheet
from sheetsync.sheets.client import spreadsheet_key

register({
    "fleet_bad_shard": {
        "en": "--shard {text}: give k/N with 1 <= k <= N, such as 2/4",
        "id": "--shard {text}: tulis k/N dengan 1 <= k <= N, misalnya 2/4",
    },
})
_SHARD = re.compile(r"^\s*(\d+)\s*/\s*(\d+)\s*$")


class ShardError(SheetsyncError):
    """A --shard that is not k/N."""

    code = "fleet_bad_shard"
    exit_code = EXIT_USAGE


def _score(key: str, index: int) -> int:
    digest = hashlib.blake2b(f"{key}\0{index}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big")


@dataclass(frozen=True)
class Shard:
    index: int          # 1-based, as --shard says it
    count: int

    @classmethod
    def parse(cls, text: str) -> "Shard":
        m = _SHARD.match(text or "")
        if not m or not 1 <= int(m.group(1)) <= int(m.group(2)):
            raise ShardError(text=text)
        return cls(int(m.group(1)), int(m.group(2)))

    def __str__(self) -> str:
        return f"{self.index}/{self.count}"

    def owns(self, spreadsheet_key: str) -> bool:
        return shard_of(spreadsheet_key, self.count) == self.index

    def share(self, sheets: Iterable[FleetSheet]) -> tuple[FleetSheet, ...]:
        """The fleet's sheets this shard keeps, in fleet order (a URL and its bare key agree)."""
        return tuple(s for s in sheets if self.owns(spreadsheet_key(s.spreadsheet)))


WHOLE = Shard(1, 1)


def shard_of(spreadsheet_key: str, count: int) -> int:
    """The 1-based shard of N that keeps this spreadsheet."""
    return max(range(1, count + 1), key=lambda i: _score(spreadsheet_key, i))
