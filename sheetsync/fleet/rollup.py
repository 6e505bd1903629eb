"""The province rollup: one row per kab/kota sheet of a fleet and a total, in a tab of a
spreadsheet of its own.

Built only from what each sheet's sync computed (the fleet's SheetRecords: the kota's
totals), so it costs no read of the kab/kota sheets. Writing it costs one read (the tab,
found by its marker) and, when a cell's value changes, one values:batchUpdate of those
cells only. The tab carries sheetsync's DOCUMENT developer metadata
(sheetsync.tab = rollup), as every tab sheetsync owns: a tab of that title without the
marker is a person's, and is left alone unless it is empty or holds only the rollup.

Layout: A1 the title; the table from row 3 (header), one row per sheet in fleet order, then
TOTAL, whose last cell names the sheets that are stale or failing. Like the sheets' own
summaries, it carries two vote totals side by side, labelled: the complete rows' votes
(lengkap), and the votes of every row with paslon votes, partial ones included (semua masuk).
When a sheet of the fleet has double entry (its config's [double_entry]), a third group
follows: the TPS whose second entry agrees and their votes (terverifikasi ganda), blank for a
sheet without double entry, since 0 there would read as "none verified".

Shards (``fleet sync --shard k/N``) share the tab: each writes the rows of its own sheets
(found by kab/kota code), and keeps the others' as it read them, cell by cell under the
header they were written under (a fleet that gains double entry or a paslon moves columns). The TOTAL and the
staleness of every row are derived from the rows by whichever shard writes: a row whose
"last checked" time is older than ``stale_after`` is named stale, so the sheets of a shard
that stopped show as such while any shard runs.
"""

from __future__ import annotations

import random
import time
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Callable, Sequence
from zoneinfo import ZoneInfo

from sheetsync.core import a1
from sheetsync.core.totals import all_in, verified
from sheetsync.fleet.config import Fleet, FleetSheet
from sheetsync.fleet.state import SheetRecord
from sheetsync.errors import register
from sheetsync.sheets.client import Sheet
from sheetsync.sheets.errors import SheetsError
from sheetsync.sync.ownership import TAB_KEY, tab_marker

WIB = ZoneInfo("Asia/Jakarta")
KIND = "rollup"
HEADER_ROW = 3
CHECKED_FORMAT = "%Y-%m-%d %H:%M:%S WIB"
_LABELS = {
    "kode": ("Kode", "Code"),
    "kota": ("Kab/Kota", "Kab/Kota"),
    "tps_planned": ("TPS Rencana", "TPS planned"),
    "tps_entered": ("TPS Masuk", "TPS entered"),
    "tps_reported": ("TPS Lapor", "TPS reported"),
    "pct_reported": ("% Lapor", "% reported"),
    "basis": ("% Lapor Dari", "% reported of"),
    "share": ("% {paslon}", "% {paslon}"),
    "votes_complete": ("{paslon} (lengkap)", "{paslon} (complete)"),
    "votes_all_in": ("{paslon} (semua masuk)", "{paslon} (incl. partial)"),
    "tps_paslon_in": ("TPS Suara Paslon Masuk", "TPS with candidate votes"),
    "suara_sah": ("Suara Sah (lengkap)", "Valid votes (complete)"),
    # as the sheets' own summaries say them (core/summaries.py)
    "tps_verified": ("TPS Terverifikasi Ganda", "TPS double-checked"),
    "pct_verified": ("% Terverifikasi Ganda (dari TPS Lapor)", "% double-checked (of TPS reported)"),
    "votes_verified": ("{paslon} (terverifikasi ganda)", "{paslon} (double-checked)"),
    "tps_error": ("Baris Salah", "Rows in error"),
    "tps_periksa": ("Perlu Diperiksa", "To check"),
    "checked": ("Terakhir Diperiksa", "Last checked"),
    "history": ("Riwayat Sejak", "History since"),
    "state": ("Keadaan", "State"),
    "title": ("Rekap Provinsi: {name}", "Province rollup: {name}"),
    "total": ("TOTAL", "TOTAL"),
    "of_planned": ("TPS rencana", "planned TPS"),
    "of_entered": ("TPS masuk (tanpa rencana)", "TPS entered (no plan)"),
    "of_mixed": ("campuran", "mixed"),
    "ok": ("OK", "OK"),
    "never": ("belum pernah", "never"),
    "stale": ("BASI: tidak tersinkron sejak {when}", "STALE: not synced since {when}"),
    "failing": ("GAGAL: {why} (tersinkron baik terakhir {when})", "FAILING: {why} (last good sync {when})"),
    "trouble": ("Bermasalah: {names}", "Needs attention: {names}"),
    "all_ok": ("Semua tersinkron", "All synced"),
}
# Why a sheet failed, as the rollup and `fleet status` say it (the sync's own line is in status).
FAILURES = {
    "auth": ("kunci ditolak (dicabut atau dihapus?)", "key refused (revoked or deleted?)"),
    "permission": ("spreadsheet tidak dibagikan ke akun ini", "spreadsheet not shared with the account"),
    "not_found": ("spreadsheet tidak ditemukan (dihapus?)", "spreadsheet not found (deleted?)"),
    "quota": ("kuota Google akun ini habis", "the account's Google quota is used up"),
    "busy": ("sinkron lain sedang berjalan", "another sync holds the lock"),
    "guard": ("penjaga penghapusan menahan sinkron", "the deletion guard stopped the sync"),
    "other": ("sinkron gagal", "sync failed"),
}


register({
    "rollup_tab_not_ours": {
        "en": "the tab '{title}' of the rollup spreadsheet was made by a person: rename it, or set another tab "
              "in [rollup] of the fleet file",
        "id": "tab '{title}' di spreadsheet rekap dibuat oleh orang: ganti namanya, atau atur tab lain di "
              "[rollup] berkas armada",
    },
})


class RollupError(SheetsError):
    """The rollup tab cannot be written (one line, what to do)."""


def label(key: str, lang: str, **fmt: str) -> str:
    text = _LABELS[key][0 if lang == "id" else 1]
    return text.format(**fmt) if fmt else text


def failure_text(code: str, lang: str) -> str:
    return FAILURES.get(code, FAILURES["other"])[0 if lang == "id" else 1]


def wib(ts: float | None, lang: str) -> str:
    if ts is None:
        return label("never", lang)
    return datetime.fromtimestamp(ts, WIB).strftime("%Y-%m-%d %H:%M WIB")


@dataclass(frozen=True)
class Paslon:
    field: str
    header: str


def paslon_of(sheets: Sequence[FleetSheet]) -> list[Paslon]:
    """The paslon columns of the fleet's configs, in order, each once."""
    out: dict[str, str] = {}
    for s in sheets:
        for f in s.config.rules.paslon_fields:
            col = s.config.column(f)
            out.setdefault(f, col.header if col else f)
    return [Paslon(f, h) for f, h in out.items()]


def checked_text(ts: float | None, lang: str) -> str:
    """A row's last-checked time, to the second, in a form any shard parses back."""
    return label("never", lang) if ts is None else datetime.fromtimestamp(ts, WIB).strftime(CHECKED_FORMAT)


def checked_time(cell: Any) -> float | None:
    try:
        return datetime.strptime(str(cell), CHECKED_FORMAT).replace(tzinfo=WIB).timestamp()
    except ValueError:
        return None


def is_stale(checked: float | None, fleet: Fleet, now: float) -> bool:
    return checked is None or now - checked > fleet.stale_after_s


def sheet_state(record: SheetRecord, fleet: Fleet, now: float) -> str:
    """What the Keadaan cell of a sheet this process keeps says."""
    lang = fleet.language
    if record.failing():
        why = failure_text(record.failure_code or "other", lang)
        return label("failing", lang, why=why, when=wib(record.last_good, lang))
    current = record.current_as_of()
    if is_stale(current, fleet, now):
        return label("stale", lang, when=checked_text(current, lang))
    return label("ok", lang)


def has_double_entry(sheets: Sequence[FleetSheet]) -> bool:
    """Whether the rollup carries the double-checked columns: from the fleet file, not from
    the totals, so that every shard writes the same layout."""
    return any(s.config.double_entry is not None for s in sheets)


@dataclass(frozen=True)
class Columns:
    """Where each value sits in a row (the paslon columns vary by fleet, the double-checked
    ones are there only when a sheet has double entry)."""
    paslon: list[Paslon]
    double: bool = False

    def votes(self, i: int) -> int:
        return 7 + 2 * i

    @property
    def suara_sah(self) -> int:
        return 7 + 2 * len(self.paslon)

    @property
    def tps_paslon_in(self) -> int:
        return self.suara_sah + 1

    def votes_all_in(self, i: int) -> int:
        return self.tps_paslon_in + 1 + 2 * i

    @property
    def tps_verified(self) -> int:
        return self.votes_all_in(len(self.paslon))

    def votes_verified(self, i: int) -> int:
        return self.tps_verified + 2 + 2 * i

    @property
    def tps_error(self) -> int:
        return self.votes_verified(len(self.paslon)) if self.double else self.tps_verified

    @property
    def checked(self) -> int:
        return self.tps_error + 2

    @property
    def state(self) -> int:
        return self.tps_error + 4

    @property
    def width(self) -> int:
        return self.tps_error + 5


def _share(votes: Any, total: float) -> Any:
    return round(float(votes) * 100.0 / total, 1) if total and votes is not None else ""


def _num(value: Any) -> float:
    """A figure as read back (a number, or text when a person typed over it); else 0."""
    if isinstance(value, bool):
        return 0
    if isinstance(value, (int, float)):
        return value
    try:
        return float(str(value).strip() or 0)
    except ValueError:
        return 0


def _votes_and_shares(votes: list[Any]) -> list[Any]:
    """Each paslon's votes and its share of them all."""
    cast = float(sum(votes))
    return [cell for v in votes for cell in (v, _share(v, cast))]


def _row(code: str, name: str, t: dict[str, Any], cols: Columns, basis: str) -> list[Any]:
    planned = t.get("tps_planned")
    denominator = planned if planned else t.get("tps_entered") or 0
    reported = t.get("tps_reported") or 0
    cells: list[Any] = [code, name, planned if planned else "", t.get("tps_entered") or 0, reported,
                        round(reported * 100.0 / denominator, 1) if denominator else "", basis]
    cells += _votes_and_shares([t.get(p.field) or 0 for p in cols.paslon])
    cells += [t.get("suara_sah") or 0, t.get("tps_paslon_in") or 0]
    cells += _votes_and_shares([t.get(all_in(p.field)) or 0 for p in cols.paslon])
    if cols.double:
        cells += _verified_cells(t, cols.paslon)
    return cells + [t.get("tps_error") or 0, t.get("tps_periksa") or 0]


def _verified_cells(t: dict[str, Any], paslon: list[Paslon]) -> list[Any]:
    """The double-checked TPS, their share of the TPS reported, and their votes; blank, not 0,
    when the totals have no double entry (0 would read as "none verified")."""
    checked = t.get("tps_verified")
    if checked is None:
        return [""] * (2 + 2 * len(paslon))
    reported = t.get("tps_reported") or 0
    share = round(checked * 100.0 / reported, 1) if reported else ""
    return [checked, share] + _votes_and_shares([t.get(verified(p.field)) or 0 for p in paslon])


def _vote_headers(paslon: list[Paslon], kind: str, lang: str) -> list[str]:
    """Each paslon's votes and share columns, labelled with which rows they add up."""
    names = [label(kind, lang, paslon=p.header) for p in paslon]
    return [h for name in names for h in (name, label("share", lang, paslon=name))]


def row_key(code: Any, name: Any) -> str:
    """Rows are found by kab/kota code, by name for a sheet without one."""
    return str(code or "").strip() or str(name or "").strip()


def own_row(sheet: FleetSheet, record: SheetRecord, fleet: Fleet, cols: Columns, now: float) -> list[Any]:
    lang = fleet.language
    t = record.totals
    basis = label("of_planned" if t.get("tps_planned") else "of_entered", lang)
    return _row(sheet.region or "", sheet.name, t, cols, basis) + [
        checked_text(record.current_as_of(), lang), wib(record.history_since, lang) if record.history_since else "",
        sheet_state(record, fleet, now)]


def others_row(sheet: FleetSheet, read: list[Any] | None, cols: Columns, fleet: Fleet, now: float) -> list[Any]:
    """Another shard's row as read, named stale when its last check is too old (its shard may
    be down); a row not written yet is stale with blank figures."""
    lang = fleet.language
    if read is None:
        return [sheet.region or "", sheet.name] + [""] * (cols.width - 3) + [label("stale", lang, when=label("never", lang))]
    row = (list(read) + [""] * cols.width)[:cols.width]
    checked = checked_time(row[cols.checked])
    if is_stale(checked, fleet, now):
        row[cols.state] = label("stale", lang, when=checked_text(checked, lang))
    return row


def rows_as_read(current: list[list[Any]], total_name: str) -> dict[str, list[Any]]:
    """The tab's rows below the header, by key (the TOTAL row left out)."""
    out: dict[str, list[Any]] = {}
    for row in current[HEADER_ROW:]:
        if len(row) > 1 and str(row[1]).strip() != total_name and row_key(row[0], row[1]):
            out.setdefault(row_key(row[0], row[1]), row)
    return out


def total_row(rows: list[list[Any]], cols: Columns, lang: str) -> list[Any]:
    """Sums of the rows as they stand (every shard's); its % of planned TPS where known."""
    def column(i: int) -> float:
        return sum(_num(r[i]) for r in rows)

    total: dict[str, Any] = {"tps_entered": column(3), "tps_reported": column(4), "suara_sah": column(cols.suara_sah),
                             "tps_paslon_in": column(cols.tps_paslon_in), "tps_error": column(cols.tps_error),
                             "tps_periksa": column(cols.tps_error + 1)}
    for i, p in enumerate(cols.paslon):
        total[p.field] = column(cols.votes(i))
        total[all_in(p.field)] = column(cols.votes_all_in(i))
    # double-checked: the sum of the sheets that have a figure, blank when none has one
    if cols.double and not all(_blank(r[cols.tps_verified]) for r in rows):
        total["tps_verified"] = column(cols.tps_verified)
        for i, p in enumerate(cols.paslon):
            total[verified(p.field)] = column(cols.votes_verified(i))
    # the total's % is of the planned TPS where a plan is known, of the rows entered elsewhere
    total["tps_planned"] = sum(_num(r[2]) or _num(r[3]) for r in rows)
    bases = {str(r[6]) for r in rows if r[6]} or {label("of_entered", lang)}
    basis = bases.pop() if len(bases) == 1 else label("of_mixed", lang)
    if basis == label("of_entered", lang):
        total["tps_planned"] = None
    trouble = [str(r[1]) for r in rows if r[cols.state] != label("ok", lang)]
    note = label("trouble", lang, names=", ".join(trouble)) if trouble else label("all_ok", lang)
    return _row("", label("total", lang), total, cols, basis) + ["", "", note]


def _blank(cell: Any) -> bool:
    return cell is None or str(cell).strip() == ""


def header_cells(cols: Columns, lang: str) -> list[str]:
    header = [label(k, lang) for k in ("kode", "kota", "tps_planned", "tps_entered", "tps_reported",
                                       "pct_reported", "basis")]
    header += _vote_headers(cols.paslon, "votes_complete", lang)
    header += [label("suara_sah", lang), label("tps_paslon_in", lang)]
    header += _vote_headers(cols.paslon, "votes_all_in", lang)
    if cols.double:
        header += [label("tps_verified", lang), label("pct_verified", lang)]
        header += _vote_headers(cols.paslon, "votes_verified", lang)
    return header + [label(k, lang) for k in ("tps_error", "tps_periksa", "checked", "history", "state")]


def in_layout(current: list[list[Any]], header: list[str]) -> list[list[Any]]:
    """The tab as read, each row's cells moved under the header wanted now.

    Another shard's rows keep the layout they were written in until that shard writes
    again; when the columns moved (a sheet gained double entry, a paslon was added) its
    cells are found by their header text, blank under a header the old layout lacks. A
    header without the state column's text is another language's: taken as it stands."""
    if len(current) < HEADER_ROW:
        return current
    was = [str(h).strip() for h in current[HEADER_ROW - 1]]
    while was and not was[-1]:
        was.pop()
    if was == header or header[-1] not in was:
        return current
    where: dict[str, int] = {}
    for i, h in enumerate(was):
        where.setdefault(h, i)
    pick = [where.get(h) for h in header]
    def moved(row: list[Any]) -> list[Any]:
        return [row[i] if i is not None and i < len(row) else "" for i in pick]
    return [*current[:HEADER_ROW - 1], list(header), *map(moved, current[HEADER_ROW:])]


def rollup_table(fleet: Fleet, records: dict[str, SheetRecord], now: float | None = None, *,
                 current: list[list[Any]] | None = None, own: set[str] | None = None) -> list[list[Any]]:
    """The tab's values from A1: title, blank, header, one row per sheet, TOTAL.

    The rows of the sheets in ``own`` (default: all) come from ``records``; the others are
    kept as ``current`` (the tab as read) holds them, found by code, since another shard
    writes them; any row whose last check is older than ``stale_after`` is named stale."""
    now = time.time() if now is None else now
    lang = fleet.language
    cols = Columns(paslon_of(fleet.sheets), has_double_entry(fleet.sheets))
    header = header_cells(cols, lang)
    read = rows_as_read(in_layout(current or [], header), label("total", lang))
    rows = [own_row(s, records.get(s.name) or SheetRecord(s.name, s.spreadsheet), fleet, cols, now)
            if own is None or s.name in own else others_row(s, read.get(row_key(s.region, s.name)), cols, fleet, now)
            for s in fleet.sheets]
    return [[label("title", lang, name=fleet.name)], [], header, *rows, total_row(rows, cols, lang)]


# ---------------------------------------------------------------- writing it

def _same(have: Any, want: Any) -> bool:
    if isinstance(have, (int, float)) and isinstance(want, (int, float)) and not isinstance(have, bool):
        return abs(float(have) - float(want)) < 1e-9
    return ("" if have is None else str(have)) == ("" if want is None else str(want))


def changed_cells(current: list[list[Any]], wanted: list[list[Any]]) -> list[tuple[int, int, Any]]:
    """(1-based row, 1-based column, value) of every cell whose value differs, blanks included."""
    out = []
    for r in range(max(len(current), len(wanted))):
        have = current[r] if r < len(current) else []
        want = wanted[r] if r < len(wanted) else []
        for c in range(max(len(have), len(want))):
            h = have[c] if c < len(have) else ""
            w = want[c] if c < len(want) else ""
            if not _same(h, w):
                out.append((r + 1, c + 1, w))
    return out


def _runs(tab: str, cells: list[tuple[int, int, Any]]) -> list[tuple[str, list[list[Any]]]]:
    """Changed cells as row runs: one range per run of neighbouring cells of a row."""
    runs: list[tuple[int, int, list[Any]]] = []          # (row, first column, values)
    for row, col, value in sorted(cells):
        if runs and runs[-1][0] == row and runs[-1][1] + len(runs[-1][2]) == col:
            runs[-1][2].append(value)
        else:
            runs.append((row, col, [value]))
    return [(a1.rect(tab, r, c, r, c + len(values) - 1), [values]) for r, c, values in runs]


def _lookup() -> dict[str, Any]:
    return {"developerMetadataLookup": {"metadataKey": TAB_KEY, "metadataValue": KIND, "visibility": "DOCUMENT"}}


def _find_or_add(sheet: Sheet, title: str, wanted: list[list[Any]]) -> tuple[str, list[list[Any]]]:
    """The rollup tab's title and cells: found by marker (one read), else taken over when it
    is empty or holds only a rollup, else added with its marker."""
    for m in sheet.read_matched([_lookup()]):
        if m.range:
            tab = a1.split_range(m.range)[0]
            sheet.note_grid(a1.quote_tab(tab), m.range)      # the whole tab answers with its grid size
            return tab, m.values
    tabs = sheet.tabs()
    if title in tabs:
        cells = sheet.read([a1.quote_tab(title)])[a1.quote_tab(title)]
        ours = not any(any(str(v).strip() for v in row) for row in cells) or (
            len(cells) >= HEADER_ROW and cells[HEADER_ROW - 1][:len(wanted[HEADER_ROW - 1])] == wanted[HEADER_ROW - 1])
        if not ours:
            raise RollupError(code="rollup_tab_not_ours", title=title)
        sheet.batch_update([tab_marker(tabs[title]["sheetId"], KIND)])
        return title, cells
    taken = {p["sheetId"] for p in tabs.values()}
    sheet_id = random.randint(1, 2**31 - 1)
    while sheet_id in taken:
        sheet_id = random.randint(1, 2**31 - 1)
    width = max(len(r) for r in wanted)
    sheet.add_tabs([{"sheetId": sheet_id, "title": title,
                     "gridProperties": {"rowCount": len(wanted) + 100, "columnCount": width}}],
                   also=[tab_marker(sheet_id, KIND)])
    return title, []


def write_rollup(sheet: Sheet, title: str, build: Callable[[list[list[Any]]], list[list[Any]]]) -> int:
    """Write the rollup diff-only: ``build`` makes the tab's values from its values as read
    (other shards' rows are kept as they are). Returns the number of cells written."""
    tab, current = _find_or_add(sheet, title, build([]))
    wanted = build(current)
    cells = changed_cells(current, wanted)
    if not cells:
        return 0
    need = {tab: (max(len(current), len(wanted)), max(len(r) for r in wanted))}
    if sheet.too_small(need):
        sheet.ensure_grid(need)
    sheet.write(_runs(tab, cells))
    return len(cells)
