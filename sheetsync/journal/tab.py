"""What the journal keeps of one read of the input tab: keyed rows as typed.

The sync engine reads the input tab as a grid of cells. The journal needs the
same data keyed by TPS so that a sort or an inserted row is not a change:

* a row whose TPS key the core parsed is keyed by that key ("31.73.01.1005/012");
* a second row with the same key, and a row whose key cannot be parsed ("junk"
  row: a typo in the kelurahan, an empty TPS number) is keyed by its *content*:
  ``"?<hash>"`` (or ``"<tps key>?<hash>"`` for a duplicate). A sort keeps such
  a row's key, so it is not reported as removed and re-added. Two identical junk
  rows get ``#2``, ``#3`` suffixes in sheet order. When a junk row is edited its
  content key changes; the journal then links old and new key because they sit
  on the same sheet row and mostly agree (see ``similar``), so the old version
  is not "restored" as a deleted row.

Cells are kept as the raw text a person typed (see ``shown_text``). The columns
sheetsync owns (status, message) are not journaled: they are derived data.
"""
from __future__ import annotations

import hashlib
import json
import re
import sys
import zlib
from array import array
from itertools import accumulate
from collections.abc import Mapping as MappingABC
from operator import itemgetter
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Iterator, KeysView, Mapping, Sequence, TypeVar, cast

import numpy as np

from sheetsync.core import a1
from sheetsync.core.check import CheckResult, KeyedRows, check
from sheetsync.core.config import Config
from sheetsync.core.headers import header_key
from sheetsync.core.gc_pause import no_gc
from sheetsync.sync.plan import shown_text
from sheetsync.sync.record import journal_key  # noqa: F401  the name of one history, as the sync gives it

V = TypeVar("V")
SEP = "\x1f"          # between cells of a stored line
JSON_MARK = "\x1e"    # a line holding a separator inside a cell is stored as JSON
RS, GS = "\x1e", "\x1d"   # between the rows, and between keys and lines, of a digested block


PURGED = "\x1a"       # a personal value removed for retention (journal_purge): not "" (a cleared
PURGED_LABEL = "(purged)"   # cell), shown as this label, never written back by restore
def encode_line(cells: list[str]) -> str:
    """Cells of one row -> one stored string (fast path: a plain join)."""
    line = SEP.join(cells)
    if line.count(SEP) == len(cells) - 1 and not line.startswith(JSON_MARK):
        return line
    return JSON_MARK + json.dumps(cells, ensure_ascii=False)


def decode_line(line: str, width: int) -> list[str]:
    cells = json.loads(line[1:]) if line.startswith(JSON_MARK) else line.split(SEP)
    if len(cells) < width:
        cells += [""] * (width - len(cells))
    return cells


def line_dict(line: str, fields: tuple[str, ...]) -> dict[str, str]:
    """Stored line -> {field: text} holding only the filled cells."""
    return {f: v for f, v in zip(fields, decode_line(line, len(fields))) if v != ""}


def dict_line(row: Mapping[str, str], fields: tuple[str, ...]) -> str:
    return encode_line([shown_text(row.get(f, "")) for f in fields])


def similar(a: Mapping[str, str], b: Mapping[str, str]) -> bool:
    """Two versions of one row: at least half of the filled cells agree."""
    union = {k for k, v in a.items() if v} | {k for k, v in b.items() if v}
    if not union:
        return True
    same = sum(1 for k in union if a.get(k, "") == b.get(k, ""))
    return same * 2 >= len(union)


def pair_renames(old_rows: list[int], new_rows: list[int], alike: Callable[[int, int], bool]
                 ) -> list[tuple[int, int]]:
    """(i, j) pairs of a vanished row (sheet row ``old_rows[i]``) and a new row
    (``new_rows[j]``) that are one row retyped: about the same sheet row (allowing
    the shift that rows deleted or inserted at the same time cause), nearest first,
    and ``alike(i, j)``. The journal links them as renamed; the guard does not count
    a corrected row as lost."""
    if not old_rows or not new_rows:
        return []
    reach = min(len(old_rows) + len(new_rows), 25)   # bounded: a mass change stays linear
    by_pos = {pos: j for j, pos in enumerate(new_rows)}
    pairs = sorted((abs(d), i, by_pos[pos + d])
                   for i, pos in enumerate(old_rows) for d in range(-reach, reach + 1)
                   if pos + d in by_pos)
    used_old: set[int] = set()
    used_new: set[int] = set()
    links = []
    for _, i, j in pairs:
        if i not in used_old and j not in used_new and alike(i, j):
            used_old.add(i)
            used_new.add(j)
            links.append((i, j))
    return links


def content_key(line: str, prefix: str = "") -> str:
    digest = hashlib.blake2b(line.encode("utf-8", "surrogatepass"), digest_size=6).hexdigest()
    return f"{prefix}?{digest}"


def is_content_key(key: str) -> bool:
    return "?" in key


@dataclass
class TabRead:
    """One read of the input tab, as the journal stores it."""
    header: list[str]                       # header row texts, column order
    fields: tuple[str | None, ...]          # journal field per column; None = owned/not kept
    rows: dict[str, str]                    # row key -> encoded line (journaled columns)
    positions: dict[str, int]               # row key -> 1-based sheet row
    header_row: int = 1
    preamble: list[list[str]] = field(default_factory=list)   # rows above the header
    # key (None: blank) and line per sheet row below the header, up to the last
    # filled row: read_tab has them at hand; else built from rows and positions
    sheet_keys: list[str | None] | None = field(default=None, repr=False, compare=False)
    sheet_lines: list[str] | None = field(default=None, repr=False, compare=False)
    _blocks: dict[int, tuple[list[int], list[bytes] | None]] = field(
        default_factory=dict, repr=False, compare=False)
    plain: bool = field(default=False, repr=False, compare=False)   # no sheet line holds RS

    def aligned(self) -> tuple[list[str | None], list[str]]:
        """Keys and lines in sheet order from the row below the header."""
        if self.sheet_keys is None or self.sheet_lines is None:
            first = self.header_row + 1
            size = max(self.positions.values(), default=first - 1) - first + 1
            keys: list[str | None] = [None] * size
            lines = [""] * size
            for key, pos in self.positions.items():
                keys[pos - first], lines[pos - first] = key, self.rows[key]
            self.sheet_keys, self.sheet_lines = keys, lines
        return self.sheet_keys, self.sheet_lines

    def blocks(self, size: int, last: tuple[list[int], list[bytes]] | None = None
               ) -> tuple[list[int], list[bytes] | None]:
        """The end of each block of about ``size`` sheet rows (see block_cuts) and
        the digest of each (None: unknown), worked out once per read. ``last``:
        the ends and digests of the last read, tried first (see hinted_blocks)."""
        if size not in self._blocks:
            keys, lines = self.aligned()
            got: tuple[list[int], list[bytes] | None] | None = \
                hinted_blocks(keys, lines, size, self.plain, *last) if last else None
            if got is None:
                ends = block_cuts(keys, size)
                got = ends, block_digests(keys, lines, ends, self.plain)
            self._blocks[size] = got
        return self._blocks[size]

    def digests(self, size: int) -> list[bytes] | None:
        return self.blocks(size)[1]

    @property
    def kept(self) -> tuple[str, ...]:
        """Fields of the journaled columns, in column order (the line layout)."""
        return tuple(f for f in self.fields if f is not None)

    def row_dict(self, key: str) -> dict[str, str]:
        return line_dict(self.rows[key], self.kept)

    def as_dicts(self) -> dict[str, dict[str, str]]:
        kept = self.kept
        return {k: line_dict(v, kept) for k, v in self.rows.items()}


class LazyRows(MappingABC[str, dict[str, str]]):
    """row key -> {field: text}, decoded from stored lines only when asked
    (the guard needs the keys of 15,000 rows, not their cells)."""

    def __init__(self, lines: dict[str, str], kept: tuple[str, ...]) -> None:
        self._lines, self._kept = lines, kept

    def __getitem__(self, key: str) -> dict[str, str]:
        return line_dict(self._lines[key], self._kept)

    def __contains__(self, key: object) -> bool:
        return key in self._lines

    def __iter__(self) -> Iterator[str]:
        return iter(self._lines)

    def __len__(self) -> int:
        return len(self._lines)

    def keys(self) -> KeysView[str]:     # dict_keys: set operations at C speed
        return self._lines.keys()


class _Lazy(MappingABC[str, V]):
    """A mapping read only when something asks for its content: the guard needs
    the number of rows of the last read and what vanished from it, which the
    journal answers from the changed blocks alone (see ``Snapshot.vanished_of``)."""

    def __init__(self, load: Callable[[], Mapping[str, V]], size: int | None = None) -> None:
        self._load, self._size = load, size
        self._got: Mapping[str, V] | None = None

    def _m(self) -> Mapping[str, V]:
        if self._got is None:
            self._got = self._load()
        return self._got

    def __getitem__(self, key: str) -> V:
        return self._m()[key]

    def __contains__(self, key: object) -> bool:
        return key in self._m()

    def __iter__(self) -> Iterator[str]:
        return iter(self._m())

    def __len__(self) -> int:
        return self._size if self._size is not None and self._got is None else len(self._m())

    def keys(self) -> KeysView[str]:     # dict_keys: set operations at C speed
        return self._m().keys()


def column_fields(header: list[str], config: Config, header_map: Mapping[str, int] | None = None,
                  owned0: Iterable[int] | None = None) -> tuple[str | None, ...]:
    """Field name per column: config field, ``header:<text>`` for other
    headed columns, ``col:<letter>`` for unheaded ones, None for owned columns.

    ``owned0``: sheetsync's own columns (0-based), as the sync found them by marker; a
    person's column that merely has the same header is then journaled like any other.
    Without it, every column of an owned header is taken as owned."""
    owned = {header_key(config.status_header), header_key(config.message_header)}
    owned_at = None if owned0 is None else set(owned0)
    by_header: dict[str, str] = {}
    for col in config.columns:
        for text in (col.header, *col.aliases):
            by_header.setdefault(header_key(text), col.field)
    by_index = {i: f for f, i in (header_map or {}).items() if isinstance(i, int)}
    out: list[str | None] = []
    seen: set[str] = set()
    for i, text in enumerate(header):
        norm = header_key(text)
        name = by_index.get(i) or by_header.get(norm)
        if name is None and (i in owned_at if owned_at is not None else norm in owned):
            out.append(None)
            continue
        typed = shown_text(text).strip()
        if name is None:
            name = f"header:{typed}" if typed else f"col:{a1.col_letters(i + 1)}"
        if name in seen:                      # the same header twice: keep both columns
            name = f"{name}@{a1.col_letters(i + 1)}"
        seen.add(name)
        out.append(name)
    return tuple(out)


def _cells(raw: Any, kept_idx: list[int], width: int) -> list[str]:
    """Slow path for one row: API numbers, short rows (trailing blanks trimmed)."""
    if len(raw) < width:
        raw = list(raw) + [""] * (width - len(raw))
    return [shown_text(raw[i]) for i in kept_idx]


def _lines(body: list[list[Any]], kept_idx: list[int], width: int) -> list[str]:
    """One stored line per data row; whole-tab checks instead of per-row ones."""
    return _checked_lines(body, kept_idx, width)[0]


def _checked_lines(body: list[list[Any]], kept_idx: list[int], width: int) -> tuple[list[str], bool]:
    """_lines, and whether no line holds a separator (RS) at all: the digests need not look."""
    pick = itemgetter(*kept_idx)
    lines: list[str] = []
    first, end = kept_idx[0], kept_idx[-1] + 1
    if end - first == len(kept_idx) > 1 and body and min(map(len, body)) >= end:
        # adjacent columns, no short row: a slice is faster (typeshed's itemgetter takes no slice)
        pick = itemgetter(slice(first, end))  # type: ignore[arg-type]
    try:                                      # the whole tab at C speed: full rows of strings
        lines = list(map(SEP.join, map(pick, body))) if len(kept_idx) > 1 else \
            [pick(raw) + "" for raw in body]
    except (IndexError, TypeError):           # short rows (trailing blanks) or API numbers
        lines = _typed_lines(body, itemgetter(*kept_idx), kept_idx, width)
    whole = "\n".join(lines)
    if whole.count(SEP) != len(lines) * (len(kept_idx) - 1) or JSON_MARK in whole:
        # some cell holds a separator: re-encode those rows (rare; JSON keeps them exact)
        return [encode_line(_cells(raw, kept_idx, width)) for raw in body], False
    return lines, True


# str() of a cell that is not its shown_text: a whole number the API sent as a float
# (478.0, 1e+16), a boolean, None. Text that looks so only costs the per-cell path.
_SUSPECT = (".0\x1f", ".0\n", "e+", "True", "False", "None")
_NOT_AS_STR = re.compile(r"(?:\.0|e\+[0-9]+)(?=[\x1f\n]|$)|(?:^|[\x1f\n])(?:True|False|None)(?=[\x1f\n]|$)")


def _typed_lines(body: list[list[Any]], pick: Callable[[Any], Any], kept_idx: list[int],
                 width: int) -> list[str]:
    """Lines of an unformatted read (numbers are numbers, rows end at their last
    filled cell): str() of each cell at C speed, short rows padded with blanks.
    When some str() is not shown_text (see _NOT_AS_STR) those rows take the
    per-cell path. Same lines as ``encode_line(_cells(...))`` row by row."""
    one = len(kept_idx) == 1
    pad = [""] * width
    lines = [str(pick(raw if len(raw) >= width else raw + pad[len(raw):])) if one else
             SEP.join(map(str, pick(raw if len(raw) >= width else raw + pad[len(raw):]))) for raw in body]
    whole = "\n".join(lines) + "\n"
    if not any(s in whole for s in _SUSPECT):     # substring searches: a regex here costs 50 ms
        return lines
    return [line if _NOT_AS_STR.search(line) is None else SEP.join(_cells(raw, kept_idx, width))
            for raw, line in zip(body, lines)]


def block_cuts(keys: list[str | None], size: int) -> list[int]:
    """Content-defined blocks: the end index of each block of sheet rows. A block
    ends after a filled row whose key's CRC-32 is 0 mod ``size // 2``, once it
    holds ``size // 2`` rows (so ``size`` rows on average, 8-40 for 16), or at
    ``4 * size`` rows. A row inserted or deleted then changes the block around it
    only: the rows after it keep their blocks (fixed-size blocks all shifted).
    The minimum keeps the blocks even: an edit falls in a long block more often
    (without it the block of an edited row averages twice ``size``).
    CRC-32 is stable across processes (unlike hash()), and computed at C speed
    (~2 ms for 15,000 keys)."""
    n = len(keys)
    if not n:
        return []
    ks = cast("list[str]", keys) if None not in keys else ["" if k is None else k for k in keys]
    try:
        hs = array("I", map(zlib.crc32, map(str.encode, ks)))
    except UnicodeEncodeError:                # a lone surrogate in a key (never in a TPS key)
        hs = array("I", (zlib.crc32(k.encode("utf-8", "surrogatepass")) for k in ks))
    half = max(2, size // 2)
    if 256 % half == 0:                       # the low byte of each hash, flagged at C speed
        low = bytes(memoryview(hs).cast("B")[0 if sys.byteorder == "little" else 3::4])
        flags = low.translate(bytes(0 if b % half == 0 else 1 for b in range(256)))
        # the zero flags' indexes from the gaps between them, at C speed
        cand = list(accumulate(map((1).__add__, map(len, flags.split(b"\0")[:-1])), initial=-1))[1:]
    else:                                     # the tests' tiny blocks
        cand = [i for i, h in enumerate(hs) if h % half == 0]
    least, cap, ends, last = size - half, 4 * size, [], 0
    for i in cand:
        if i + 1 - last < least or keys[i] is None:
            continue                          # too short yet; a blank row never ends a block
        while i + 1 - last > cap:
            last += cap
            ends.append(last)
        ends.append(i + 1)
        last = i + 1
    while n - last > cap:
        last += cap
        ends.append(last)
    if last < n:
        ends.append(n)
    return ends


def _natural_cuts(keys: list[str | None], start: int, end: int, size: int) -> list[int]:
    """The cuts block_cuts makes in (start, end] when a block starts at ``start``
    and rows go on after ``end`` (a cut exactly at ``start + cap`` included)."""
    half = max(2, size // 2)
    least, cap, ends, last = size - half, 4 * size, [], start
    for i in range(start, end):
        k = keys[i]
        if k is not None and i + 1 - last >= least and \
                zlib.crc32(k.encode("utf-8", "surrogatepass")) % half == 0:
            while i + 1 - last > cap:
                last += cap
                ends.append(last)
            ends.append(i + 1)
            last = i + 1
    while end - last >= cap:
        last += cap
        ends.append(last)
    return ends


def hinted_blocks(keys: list[str | None], lines: list[str], size: int, plain: bool,
                  old_ends: list[int], old_digests: list[bytes]
                  ) -> tuple[list[int], list[bytes]] | None:
    """block_cuts and block_digests of a read, found from the last read's blocks
    without a CRC of every key (2 ms): a sync that moved no row cuts where the last
    one did. The last read's cuts are tried: a block with the same digest at the
    same place holds the same keys, so block_cuts cuts it the same way; any other
    block must be one that block_cuts would make (its keys are scanned). None when
    some block is not (a row inserted, deleted or retyped moved a cut): the caller
    then cuts from scratch. The result is always exactly block_cuts'."""
    n = len(keys)
    if not n or not old_ends:
        return None
    ends = [e for e in old_ends if e < n]
    ends.append(n)
    digests = block_digests(keys, lines, ends, plain)
    if digests is None:
        return None
    start, fixed = 0, len(old_ends) - 1       # the old last block ended with the read: scan it
    for j, e in enumerate(ends):
        if not (j < fixed and e == old_ends[j] and digests[j] == old_digests[j]):
            cuts = _natural_cuts(keys, start, e, size)
            if cuts != [e] and not (e == n and cuts == []):
                return None
        start = e
    return ends, digests


def block_digests(keys: list[str | None], lines: list[str], ends: list[int], plain: bool = False
                  ) -> list[bytes] | None:
    """One digest per block (``ends``: see block_cuts) of (key, line) pairs, at C
    speed: the journal compares only the blocks whose digest is new. The text
    hashed is unambiguous (keys, then lines, joined by separators that no key or
    plain line holds); None when some line holds one (a JSON-encoded line: rare),
    and then every block counts as changed (``plain``: the lines are known to
    hold no RS). SHA-256 (truncated to 128 bits): with the CPUs' SHA
    instructions it is the fastest hashlib digest here."""
    if not keys:
        return []
    named = cast("list[str]", keys) if None not in keys else ["" if k is None else k for k in keys]
    heads = RS.join(named)                                # a filled row's key is never ""
    if heads.count(RS) != len(named) - 1 or GS in heads or (
            not plain and RS.join(lines).count(RS) != len(lines) - 1):
        return None
    sha = hashlib.sha256
    return [sha(f"{RS.join(named[s:e])}{GS}{RS.join(lines[s:e])}".encode(
        "utf-8", "surrogatepass")).digest()[:16] for s, e in zip([0, *ends], ends)]


def keyed_lines(grid: list[list[Any]], header_row: int, fields: tuple[str | None, ...],
                tps_keys: Mapping[int, Any]) -> tuple[dict[str, str], dict[str, int]]:
    """Data rows below the header -> (key -> line, key -> sheet row)."""
    return keyed_read(grid, header_row, fields, tps_keys)[:2]


def keyed_read(grid: list[list[Any]], header_row: int, fields: tuple[str | None, ...],
               tps_keys: Mapping[int, Any] | list[Any]
               ) -> tuple[dict[str, str], dict[str, int], list[str | None], list[str], bool]:
    """keyed_lines plus key and line per sheet row (TabRead.sheet_keys / sheet_lines),
    and whether no line holds RS (TabRead.plain).
    ``tps_keys`` may also be a list: the key of each sheet row below the header."""
    kept_idx = [i for i, f in enumerate(fields) if f is not None]
    if not kept_idx:
        return {}, {}, [], [], True
    lines, plain = _checked_lines(grid[header_row:], kept_idx, len(fields))
    fast = _keyed_fast(lines, header_row, SEP * (len(kept_idx) - 1), tps_keys)
    if fast is not None:
        return (*fast, plain)
    if isinstance(tps_keys, list):
        tps_keys = dict(zip(range(header_row + 1, header_row + 1 + len(tps_keys)), tps_keys))
    blank = SEP * (len(kept_idx) - 1)
    rows: dict[str, str] = {}
    positions: dict[str, int] = {}
    aligned: list[str | None] = []
    sheet_row = header_row
    for line in lines:
        sheet_row += 1
        if line == blank:
            aligned.append(None)
            continue                          # blank row: nothing was typed
        key = tps_keys.get(sheet_row)
        if not isinstance(key, str) or not key or key in rows:
            key = content_key(line, key if isinstance(key, str) else "")
            base, n = key, 1
            while key in rows:
                n += 1
                key = f"{base}#{n}"
        rows[key] = line
        positions[key] = sheet_row
        aligned.append(key)
    end = len(aligned)
    while end and aligned[end - 1] is None:
        end -= 1                              # trailing blank rows are not part of the read
    return rows, positions, aligned[:end], lines[:end], plain


def _keyed_fast(lines: list[str], header_row: int, blank: str, tps_keys: Mapping[int, Any] | list[Any]
                ) -> tuple[dict[str, str], dict[str, int], list[str | None], list[str]] | None:
    """The usual tab, at C speed: every filled row has its own TPS key. None
    when some row needs a content key (the loop in keyed_lines handles it)."""
    first = header_row + 1
    sheet_rows: Sequence[int] = range(first, first + len(lines))
    all_lines = lines
    filled: list[int] | None = None
    if blank in lines:                        # blank rows are skipped, keep the others
        filled = [i for i, line in enumerate(lines) if line != blank]
        lines = [lines[i] for i in filled]
        sheet_rows = [sheet_rows[i] for i in filled]
    if isinstance(tps_keys, list):            # one key per sheet row: no dict lookups
        if len(tps_keys) < len(all_lines):
            return None
        keys = tps_keys[:len(all_lines)] if filled is None else list(map(tps_keys.__getitem__, filled))
    else:
        keys = list(map(tps_keys.get, sheet_rows))
    rows = dict(zip(keys, lines))
    if len(rows) != len(keys) or set(map(type, rows)) != {str} or "" in rows:
        return None                           # a duplicate, a missing or an odd key
    if filled is None:
        return rows, dict(zip(keys, sheet_rows)), keys, all_lines
    end = filled[-1] + 1 if filled else 0
    aligned = list(map(dict(zip(filled, keys)).get, range(end)))
    return rows, dict(zip(keys, sheet_rows)), aligned, all_lines[:end]


def tps_keys_of(result: CheckResult | KeyedRows) -> dict[int, Any]:
    """sheet row -> TPS key (or None) from a core CheckResult."""
    frame = result.rows
    if "tps_key" not in frame.columns:
        return {}
    column = frame["tps_key"]
    rows = column.index.tolist()
    if set(map(type, rows)) <= {int}:         # the usual integer index: no per-row conversion
        return dict(zip(rows, column.tolist()))   # keyed_lines treats a non-str key as None
    return {int(r): (k if isinstance(k, str) else None) for r, k in zip(rows, column.tolist())}


def tps_key_list(result: CheckResult | KeyedRows, first: int, count: int) -> list[Any] | None:
    """The TPS key of each of ``count`` sheet rows from ``first``, when the
    CheckResult has exactly those rows (the usual case): no dict of 15,000 rows."""
    frame = result.rows
    if "tps_key" not in frame.columns or len(frame) != count:
        return None
    column = frame["tps_key"]
    if not np.array_equal(column.index.to_numpy(), np.arange(first, first + count)):
        return None
    keys: list[Any] = column.tolist()
    return keys


def header_map_of(result: CheckResult | KeyedRows) -> Mapping[str, int] | None:
    """field -> 0-based column, as the core found the header (None: the core's view is not at hand)."""
    header = getattr(result, "header", None)        # a caller's own keyed rows may come without one
    return header.fields if header is not None else None


def read_tab(values: list[list[Any]], config: Config, result: CheckResult | KeyedRows | None = None, *,
             owned0: Iterable[int] | None = None) -> TabRead:
    """The input tab exactly as read -> what the journal keeps.

    ``result`` is the core CheckResult of the same values; when omitted the core
    check runs here (restore uses this to key the tab it reads now). ``owned0``: see
    column_fields."""
    if result is None:
        result = check(values, config)
    return _read_tab(values, config, result, owned0)


@no_gc()
def _read_tab(values: list[list[Any]], config: Config, result: CheckResult | KeyedRows,
              owned0: Iterable[int] | None) -> TabRead:
    header_row = int(config.header_row)
    header = [shown_text(c) for c in (values[header_row - 1] if len(values) >= header_row else [])]
    fields = column_fields(header, config, header_map_of(result), owned0)
    tps = tps_key_list(result, header_row + 1, len(values) - header_row)
    rows, positions, keys, lines, plain = keyed_read(values, header_row, fields,
                                                     tps_keys_of(result) if tps is None else tps)
    preamble = [[shown_text(c) for c in r] for r in values[: header_row - 1]]
    return TabRead(header, fields, rows, positions, header_row, preamble, keys, lines, plain=plain)


def tab_from_dicts(header: list[str], rows: Mapping[str, Mapping[str, str]],
                   positions: Mapping[str, int] | None = None, header_row: int = 1,
                   fields: Iterable[str | None] | None = None) -> TabRead:
    """The contract form (tps_key -> {field: text}) -> TabRead.

    Without ``fields`` the columns are the union of the row fields, sorted; the
    grid a snapshot rebuilds then has that column order."""
    if fields is None:
        fields = sorted({f for r in rows.values() for f in r})
        header = list(header) if len(header) == len(fields) else list(fields)
    fields = tuple(fields)
    kept = tuple(f for f in fields if f is not None)
    lines = {k: dict_line(r, kept) for k, r in rows.items()}
    if positions is None:
        positions = {k: header_row + 1 + i for i, k in enumerate(rows)}
    return TabRead(list(header), fields, lines, dict(positions), header_row, [])


