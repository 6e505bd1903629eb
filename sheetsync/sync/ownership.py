"""What sheetsync owns in a spreadsheet, and how it knows: its own developer metadata.

sheetsync writes into two columns of the input tab (Status, Keterangan) and into its
summary tabs. A header or a title says nothing about who made a column or a tab:
"Keterangan" is the usual Indonesian header for remarks, and a coordinator may well keep
a hand-made "Rekap Kecamatan". So what sheetsync makes carries a marker, Google's
developer metadata with DOCUMENT visibility (PROJECT metadata is seen only by the Cloud
project that made it, and a sheet may later be synced with a key of another project):

    column of the input tab   sheetsync.column = status | message
    tab                       sheetsync.tab    = kecamatan | kelurahan | masalah | koordinator | progres

Google keeps column metadata with its column when columns are inserted, deleted or
moved, and deletes it with the column. The markers are found in the sync's one read:
values:batchGetByDataFilter with a developerMetadataLookup per marker next to the input
tab's range answers the marked column's or tab's cells together with where they stand.

Something of the right name without the marker is never taken over, except once, for a
sheet made by an earlier release (which did not mark): a column or tab is sheetsync's
when everything in it is what sheetsync itself writes there (see `sheetsyncs_column` and
`sheetsyncs_tab`). Anything else is a person's: sync and init stop and say how to go on.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Sequence

import sheetsync.core.rules  # noqa: F401  rule families register their statuses and messages
import sheetsync.sync.record  # noqa: F401  the record registers its changed-after-verification warning
from sheetsync.core import a1
from sheetsync.core.check import NOT_FILLED_MESSAGE, check
from sheetsync.core.config import Config, progress_title
from sheetsync.core.headers import header_key
from sheetsync.core.issues import MESSAGES, STATUS_LABELS, template
from sheetsync.core.summaries import summary_tables
from sheetsync.sheets.client import Matched, Sheet, is_missing_range
from sheetsync.errors import EXIT_SYNC, Phrase, register
from sheetsync.sheets.errors import SheetsError
from sheetsync.sync.stamp import is_stamp, source_named, summary_origin

ApiObject = dict[str, Any]      # a JSON object of the Sheets API: a request, a range, tab properties

COLUMN_KEY = "sheetsync.column"
TAB_KEY = "sheetsync.tab"
STATUS, MESSAGE = "status", "message"
PROGRESS_KIND = "progres"      # the last 24 hours' tab (core/progress.py), written when a journal is kept
ROLES = (STATUS, MESSAGE)


register({
    "not_ours_column": {
        "en": "column {where} was not made by sheetsync and holds what people typed, so it is not overwritten: "
              "rename that column (say 'Catatan'), or set {key} in {source} to another header; sheetsync then "
              "adds a column of its own. Nothing was written",
        "id": "kolom {where} bukan buatan sheetsync dan berisi ketikan orang, jadi tidak ditimpa: ganti judul "
              "kolom itu (misalnya 'Catatan'), atau isi {key} di {source} dengan judul lain; sheetsync lalu "
              "menambah kolomnya sendiri. Tidak ada yang ditulis",
    },
    "not_ours_tab": {
        "en": "tab '{title}' exists but was not made by sheetsync: sheetsync will not overwrite it. Rename that "
              "tab, or choose another title in the [summary] section of {source}; nothing was written",
        "id": "tab '{title}' sudah ada tetapi bukan buatan sheetsync: sheetsync tidak menimpanya. Ganti nama tab "
              "itu, atau pakai judul lain di bagian [summary] {source}; tidak ada yang ditulis",
    },
})


class NotOurs(SheetsError):
    """A column or tab has the name of one of sheetsync's own but was made by a person.
    ``str()`` says so in the sheet's language, as the rest of what sync and init write."""
    exit_code = EXIT_SYNC


# ---------------------------------------------------------------- markers

def tab_kinds(config: Config, *, progress: bool = True) -> dict[str, str]:
    """Summary tab title -> its marker value: the configured ones, and (``progress``) the last
    24 hours' tab, which a sync keeps only with a journal."""
    tabs = config.summary_tabs
    kinds = {"kecamatan": tabs.kecamatan, "kelurahan": tabs.kelurahan, "masalah": tabs.masalah,
             "koordinator": tabs.koordinator, PROGRESS_KIND: progress_title(config) if progress else None}
    return {title: kind for kind, title in kinds.items() if title}


def _lookup(key: str, value: str) -> ApiObject:
    return {"developerMetadataLookup": {"metadataKey": key, "metadataValue": value, "visibility": "DOCUMENT"}}


def _marker(key: str, value: str, location: ApiObject) -> ApiObject:
    return {"createDeveloperMetadata": {"developerMetadata": {
        "metadataKey": key, "metadataValue": value, "visibility": "DOCUMENT", "location": location}}}


def column_marker(sheet_id: int, col: int, role: str) -> ApiObject:
    """createDeveloperMetadata for the 1-based column `col` of a tab."""
    return _marker(COLUMN_KEY, role, {"dimensionRange": {"sheetId": sheet_id, "dimension": "COLUMNS",
                                                         "startIndex": col - 1, "endIndex": col}})


def tab_marker(sheet_id: int, kind: str) -> ApiObject:
    return _marker(TAB_KEY, kind, {"sheetId": sheet_id})


# ---------------------------------------------------------------- the read

@dataclass
class Owned:
    """The sync's one read: the input tab, the stamp tab and what carries sheetsync's markers."""
    values: dict[str, list[list[Any]]] = field(default_factory=dict)   # title -> cells
    columns: dict[str, list[int]] = field(default_factory=dict)   # role -> marked 1-based columns of the input tab
    # every tab holding a column marked sheetsync's: the input tabs of the configs that sync here
    input_tabs: set[str] = field(default_factory=set)
    unmarked_tabs: list[str] = field(default_factory=list)   # configured summary titles without a marker
    # the second-entry tab as read (config.double_entry.tab); None: not configured, or no such tab.
    # Kept apart from values: sheetsync writes nothing there, so the plan never sees it.
    second: list[list[Any]] | None = None
    # after resolve_tabs: tabs to add (absent), markers for tabs of an earlier release, sheetIds
    to_add: list[str] = field(default_factory=list)
    tab_marks: list[ApiObject] = field(default_factory=list)
    sheet_ids: dict[str, int] = field(default_factory=dict)


def read_owned(sheet: Sheet, config: Config, *, only_input: bool = False, progress: bool = True) -> Owned:
    """ONE values:batchGetByDataFilter: the input tab (and the second-entry tab) by its range,
    sheetsync's columns and tabs by their markers. A missing input tab raises the API's 400
    (the caller explains); a missing second-entry tab costs a second read without it (the core
    then says the tab is missing)."""
    second = config.double_entry.tab if config.double_entry else None
    if second is None:
        return _read_owned(sheet, config, only_input, progress, None)
    try:
        return _read_owned(sheet, config, only_input, progress, second)
    except SheetsError:
        raise
    except Exception as exc:  # noqa: BLE001 - the API's 400 for a range naming no tab
        if not is_missing_range(exc):
            raise
        return _read_owned(sheet, config, only_input, progress, None)


def _read_owned(sheet: Sheet, config: Config, only_input: bool, progress: bool, second: str | None) -> Owned:
    ranges = [a1.quote_tab(config.input_tab)]
    kinds = {} if only_input else tab_kinds(config, progress=progress)
    stamp_tab = config.last_synced.tab
    if not only_input and stamp_tab not in kinds and stamp_tab != config.input_tab:
        ranges.append(a1.quote_tab(stamp_tab))
    if second is not None:
        ranges.append(a1.quote_tab(second))
    filters = [{"a1Range": r} for r in ranges] + [_lookup(COLUMN_KEY, role) for role in ROLES]
    filters += [_lookup(TAB_KEY, kind) for kind in kinds.values()]
    owned = Owned()
    for m in sheet.read_matched(filters):
        if _take(owned, m, config, kinds, ranges):          # a whole tab answers with its grid size
            sheet.note_grid(a1.quote_tab(a1.split_range(m.range)[0]), m.range)
    owned.unmarked_tabs = [t for t in kinds if t not in owned.values]
    for r in ranges:
        owned.values.setdefault(_unquote(r), [])
    if second is not None:
        owned.second = owned.values.pop(second)
    return owned


def resolve_tabs(sheet: Sheet, config: Config, owned: Owned, props: dict[str, ApiObject] | None = None) -> None:
    """Configured summary tabs without a marker: one metadata read. An absent one is to be
    added; one made by an earlier release (it holds only sheetsync's summary) is read and
    marked; anything else of that title is a person's: NotOurs, nothing written."""
    if not owned.unmarked_tabs:
        return
    props = sheet.tabs() if props is None else props
    owned.sheet_ids = {t: p["sheetId"] for t, p in props.items()}
    owned.to_add = [t for t in owned.unmarked_tabs if t not in props]
    present = [t for t in owned.unmarked_tabs if t in props]
    got = sheet.read([a1.quote_tab(t) for t in present]) if present else {}
    headers = summary_headers(config)
    cell = config.last_synced
    kinds = tab_kinds(config)
    for title in present:
        cells = got[a1.quote_tab(title)]
        stamp = (cell.row, cell.col) if title == cell.tab else None
        if not sheetsyncs_tab(cells, headers.get(title, []), summary_origin(config, title), stamp):
            raise tab_not_ours(config, title)
        owned.values[title] = cells
        owned.tab_marks.append(tab_marker(owned.sheet_ids[title], kinds[title]))
    for title in owned.to_add:
        owned.values[title] = []


def summary_headers(config: Config) -> dict[str, list[Any]]:
    """The header row of each summary table, as sheetsync writes it."""
    empty = [[""]] * (config.header_row - 1) + [[c.header for c in config.columns]]
    return {t: list(rows[0]) if rows else [] for t, rows in summary_tables(check(empty, config), config).items()}


def new_tabs(titles: list[str], config: Config, need: dict[str, tuple[int, int]], taken: set[int],
             ) -> tuple[list[ApiObject], list[ApiObject]]:
    """addSheet properties for sheetsync's new tabs, each with a grid sized to its table instead
    of Google's 1000 x 26: as wide as the table, and as long plus spare rows (a tenth, at least
    100, for the kecamatan and kelurahan tables; as many again, at least 1,000, for the tables
    that follow the data), and their markers."""
    rng = random.Random()
    kinds = tab_kinds(config)
    props, marks = [], []
    for title in titles:
        sheet_id = rng.randint(1, 2**31 - 1)
        while sheet_id in taken:
            sheet_id = rng.randint(1, 2**31 - 1)
        taken.add(sheet_id)
        rows, cols = need.get(title, (1, 1))
        # kecamatan and kelurahan tables are as long as the master data; Masalah and Rekap
        # Koordinator follow what people type, and growing a grid costs a sync two requests
        spare = max(100, rows // 10) if kinds[title] in ("kecamatan", "kelurahan") else max(1000, rows)
        props.append({"sheetId": sheet_id, "title": title,
                      "gridProperties": {"rowCount": rows + spare, "columnCount": max(cols, 1)}})
        marks.append(tab_marker(sheet_id, kinds[title]))
    return props, marks


def _take(owned: Owned, m: Matched, config: Config, kinds: dict[str, str], ranges: list[str]) -> bool:
    """File one answered range; True when it is a whole tab."""
    tab, ref = a1.split_range(m.range)
    whole = False
    for f in m.filters:
        if f.get("a1Range") in ranges:
            owned.values[_unquote(f["a1Range"])] = m.values
            whole = True
            continue
        lookup = f.get("developerMetadataLookup") or {}
        value = str(lookup.get("metadataValue", ""))
        letters = re.match(r"[A-Za-z]+", ref)
        if lookup.get("metadataKey") == COLUMN_KEY:
            owned.input_tabs.add(tab)
        if lookup.get("metadataKey") == COLUMN_KEY and tab == config.input_tab and letters:
            owned.columns.setdefault(value, []).append(a1.col_number(letters.group(0)))
        elif lookup.get("metadataKey") == TAB_KEY and kinds.get(tab) == value:
            owned.values[tab] = m.values
            whole = True
    return whole


def _unquote(quoted: str) -> str:
    return quoted[1:-1].replace("''", "'") if quoted.startswith("'") else quoted


# ---------------------------------------------------------------- a sheet made by an earlier release

def synced_before(owned: Owned, config: Config) -> bool:
    """Has a sync (of this release or an earlier one) written this spreadsheet? One of its
    summary tabs carries sheetsync's marker (a first sync cut short after adding its tabs
    wrote statuses before it could mark the columns), or the last-synced cell holds
    sheetsync's stamp or alert (an earlier release, which marked nothing)."""
    if set(config.summary_tabs.titles()) - set(owned.unmarked_tabs):
        return True
    cell = config.last_synced
    grid = owned.values.get(cell.tab) or []
    line = grid[cell.row - 1] if len(grid) >= cell.row else []
    return is_stamp(line[cell.col - 1] if len(line) >= cell.col else "")


def sheetsyncs_column(role: str, cells: Sequence[Any]) -> bool:
    """Does every cell of this unmarked data column hold what sheetsync writes into its own
    `role` column? Status: one of its status words (either language). Keterangan: messages
    made of its own message templates, joined by "; ". A blank column holds nothing of anyone's."""
    test = _status_words().__contains__ if role == STATUS else _own_messages
    return all(test(str(c)) for c in cells if str(c).strip())


# Longest single message matched; sheetsync's own are far shorter, even quoting a value.
MESSAGE_LIMIT = 300


def _own_messages(text: str) -> bool:
    """Every "; "-separated part of ``text`` is one of sheetsync's message templates.

    Matched a message at a time, each cut at MESSAGE_LIMIT: one pattern for the whole cell,
    a repeated group of wildcards, backtracked exponentially on a cell anyone can type (ten
    messages and a stray character: 1.1 s, twenty: minutes). A value quoting "; " splits a
    message, so that column counts as a person's: the safe side."""
    pattern = _message_pattern()
    return all(len(part) <= MESSAGE_LIMIT and pattern.fullmatch(part) is not None for part in text.split("; "))


def is_own_message(text: str) -> bool:
    """Is ``text`` one whole message of sheetsync's (which may itself quote "; ")?"""
    return len(text) <= MESSAGE_LIMIT and _message_pattern().fullmatch(text) is not None


@lru_cache(maxsize=1)
def _status_words() -> frozenset[str]:
    return frozenset(label for labels in STATUS_LABELS.values() for label in labels.values())


# Placeholders whose text may hold "; ": a quoted cell as typed, a duplicate's differing numbers.
# Any other (a header, a number, a region's name, a list of rows) never does, so it cannot
# stretch over a person's note typed in front of a message ("Ketua KPPS: Pak Ahmad; Koordinator: ...").
_FREE_PLACEHOLDERS = frozenset({"value", "conflict"})


def _placeholder(match: re.Match[str]) -> str:
    return ".*?" if match.group(1) in _FREE_PLACEHOLDERS else "[^;]*?"


@lru_cache(maxsize=1)
def _message_pattern() -> re.Pattern[str]:
    texts = {template(code, lang, with_row=False) or "" for code in MESSAGES for lang in ("id", "en")}
    texts |= set(NOT_FILLED_MESSAGE.values())
    one = "|".join(re.sub(r"\\\{(\w+)\\\}", _placeholder, re.escape(t)) for t in sorted(texts) if t)
    return re.compile(rf"(?:{one})", re.DOTALL)


def column_unmarker(sheet_id: int, col: int, role: str) -> ApiObject:
    """deleteDeveloperMetadata of sheetsync's marker on exactly that column (a stale one)."""
    return {"deleteDeveloperMetadata": {"dataFilter": {"developerMetadataLookup": {
        "metadataKey": COLUMN_KEY, "metadataValue": role, "locationMatchingStrategy": "EXACT_LOCATION",
        "metadataLocation": {"dimensionRange": {"sheetId": sheet_id, "dimension": "COLUMNS",
                                                "startIndex": col - 1, "endIndex": col}}}}}}


def marker_holds(role: str, header: Any, wanted: str) -> bool:
    """Is a marked column still sheetsync's? Its header reads as `wanted`, or is blank, or
    shows what sheetsync writes (a write that landed on the header row). Any other header
    means people put their own column's cells there (values pasted over it): the marker is
    stale, and the column is theirs."""
    text = str(header if header is not None else "")
    return header_key(text) == header_key(wanted) or not text.strip() or sheetsyncs_column(role, [text])


def sheetsyncs_tab(cells: list[list[Any]], header: Sequence[Any], origin: int,
                   stamp: tuple[int, int] | None = None) -> bool:
    """Does this unmarked tab hold only a summary as sheetsync writes it? Its table's header
    row at `origin` starts like `header` and at least half of it is `header`'s words (an earlier
    release may have had a column more or less), nothing stands right of the table, and above
    the table there is at most sheetsync's "last synced" cell. A blank tab holds nothing of anyone's.
    Row 1 may hold sheetsync's source line (tab_owner.py) anywhere."""
    filled = [(r, c) for r, line in enumerate(cells, start=1) for c, v in enumerate(line, start=1)
              if str(v).strip() and not (r == 1 and source_named(v) is not None)]
    cells = [["" if source_named(v) is not None else v for v in cells[0]], *cells[1:]] if cells else cells
    if not filled:
        return True
    top = [str(v) for v in _trim(cells[origin - 1] if len(cells) >= origin else [])]
    wanted = [str(h) for h in header]
    if not top or not wanted or top[0] != wanted[0] or 2 * sum(t in wanted for t in top) < len(top):
        return False
    return all((r >= origin and c <= len(top)) or (r, c) == stamp and is_stamp(cells[r - 1][c - 1])
               for r, c in filled)


def _trim(line: Sequence[Any]) -> list[Any]:
    out = list(line)
    while out and not str(out[-1]).strip():
        out.pop()
    return out


# ---------------------------------------------------------------- what to say

def column_not_ours(config: Config, header: str, col: int) -> NotOurs:
    where = Phrase(f"'{header}' ({a1.col_letters(col)}) of tab '{config.input_tab}'",
                   f"'{header}' ({a1.col_letters(col)}) di tab '{config.input_tab}'")
    key = "status_header" if header == config.status_header else "message_header"
    return NotOurs(code="not_ours_column", where=where, key=key, source=config.source).said_in(config.language)


def tab_not_ours(config: Config, title: str) -> NotOurs:
    return NotOurs(code="not_ours_tab", title=title, source=config.source).said_in(config.language)
