"""``sheetsync reconcile``: the operator's manual reconciliation report.

One read of the input tab, then, without writing anything:
- planned vs entered TPS and targets per kecamatan (core's reconciliation);
- duplicated TPS and conflicting numbers (core's duplicate_tps issues);
- rows changed since the last sync, and numbers changed after verification (journal);
- with double entry: each TPS whose two entries differ, field by field with both values,
  and the second tab's rows that name no TPS (reports/second_entry.py); the second tab is
  read in the same one read;
- with ``against``: an external per-TPS result (e.g. a KPU export, CSV) compared
  TPS by TPS, every difference listed.  The CSV is read with the same header
  matching and cell parsing as the sheet, so its spelling may differ.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, cast

import pandas as pd

from sheetsync.errors import EXIT_USAGE, SheetsyncError, register
from sheetsync.reports.jsonable import to_jsonable
from sheetsync.core.check import CheckResult, check
from sheetsync.core.config import Config
from sheetsync.core.rules.cells import clipped
from sheetsync.journal.store import Journal, journal_path
from sheetsync.reports.second_entry import DoubleEntryReport, double_entry_report
from sheetsync.journal.tab import read_tab
from sheetsync.sheets.client import Client, Sheet, open_client, spreadsheet_key
from sheetsync.sync.desired import input_layout
from sheetsync.sync.ownership import read_owned
from sheetsync.sync.record import journal_key


@dataclass
class TpsDifference:
    tps_key: str
    kecamatan: str | None
    kelurahan: str | None
    tps: int | None
    field: str
    sheet: Any            # value in the sheet (None = blank or TPS missing)
    external: Any         # value in the external file
    sheet_row: int | None
    file_row: int | None


@dataclass
class AgainstReport:
    file: str
    compared: int = 0                                   # TPS present in both
    fields: list[str] = field(default_factory=list)     # numeric fields compared
    differences: list[TpsDifference] = field(default_factory=list)
    only_in_sheet: list[str] = field(default_factory=list)
    only_in_file: list[str] = field(default_factory=list)
    file_problems: list[str] = field(default_factory=list)   # errors found in the file itself


@dataclass
class ReconcileReport:
    spreadsheet: str
    per_kecamatan: list[dict[str, Any]]
    duplicates: list[dict[str, Any]]
    changed_since_last_sync: list[dict[str, Any]] | None   # None: no journal for this sheet yet
    last_sync: int | None
    changed_after_verification: list[dict[str, Any]]
    against: AgainstReport | None = None
    per_koordinator: list[dict[str, Any]] | None = None    # by_koordinator=True only
    double_entry: DoubleEntryReport | None = None           # None: the config has no double entry


def _records(frame: pd.DataFrame | None) -> list[dict[str, Any]]:
    if frame is None:
        return []
    records: list[dict[str, Any]] = to_jsonable(frame)
    return records


def reconcile(config: Config, *, against: str | Path | None = None, client: Client | None = None,
              journal: Journal | None = None, include_personal: bool = False, lang: str | None = None,
              by_koordinator: bool = False) -> ReconcileReport:
    """The report; messages in ``lang`` (default: the sheet's language).
    ``by_koordinator``: also rows entered and problems per coordinator (names masked
    unless ``include_personal``), so a kecamatan coordinator knows whom to call."""
    lang = lang or config.language
    # a file that cannot be used fails before any request
    grid = read_csv_grid(Path(against)) if against is not None else None
    sheet = Sheet(client or open_client(config), config.spreadsheet)
    values, second_tab, owned0 = _read_input(sheet, config)
    result = check(values, config, second_tab=second_tab)
    duplicates = [{"row": i.row, **{k: v for k, v in i.params.items()}, "message": i.message(lang)}
                  for i in result.issues if i.code == "duplicate_tps"]
    changed, last_no, verified = _journal_findings(config, sheet.key, values, result, journal,
                                                   include_personal, owned0)
    report = ReconcileReport(spreadsheet=sheet.key, per_kecamatan=_records(result.reconciliation),
                             duplicates=duplicates, changed_since_last_sync=changed, last_sync=last_no,
                             changed_after_verification=verified,
                             double_entry=double_entry_report(result, config, lang))
    if against is not None:
        report.against = compare_against(result, Path(against), config, lang, grid=grid)
    if by_koordinator:
        report.per_koordinator = koordinator_records(result, config, include_personal)
    return report


def _read_input(sheet: Sheet, config: Config) -> tuple[list[list[Any]], list[list[Any]] | None, list[int]]:
    """The input tab, the second-entry tab (None: none configured or no such tab) and
    sheetsync's own columns in the input tab (0-based), found by their markers in the same
    one read, as sync finds them: a person's column that merely shares the Status or
    Keterangan header is hers, journaled by sync, and compared like any other."""
    owned = read_owned(sheet, config, only_input=True)
    values = owned.values[config.input_tab]
    return values, owned.second, input_layout(values, config, owned.columns, strict=False).owned0


MASK = "***"


def koordinator_records(result: CheckResult, config: Config, include_personal: bool = False) -> list[dict[str, Any]]:
    """core's Totals.per_koordinator as records, most problems first.  The coordinator's name
    is personal: masked as "*** #n" (n = place in this list) unless ``include_personal``."""
    table = result.totals.per_koordinator
    if table is None:
        return []
    field_name = config.rules.coordinator_field
    column = config.column(field_name) if field_name else None
    masked = not include_personal and (column is None or column.personal)
    records = _records(table)
    for n, record in enumerate(records, start=1):
        if masked:
            record["koordinator"] = f"{MASK} #{n}"
    return records


def _journal_findings(config: Config, key: str, values: list[list[Any]], result: CheckResult,
                      journal: Journal | None,
                      include_personal: bool, owned0: list[int] | None = None,
                      ) -> tuple[list[dict[str, Any]] | None, int | None, list[dict[str, Any]]]:
    own = journal is None
    if journal is None:
        path = journal_path(config)
        if not Path(path).exists():
            return None, None, []
        journal = Journal(path)
    try:
        name = journal_key(key, config.input_tab)        # this config's tab, not another team's
        now = read_tab(values, config, result, owned0=owned0)
        journal.claim(name, now, config.name)             # an older journal's history: only its own tab's
        last = journal.last(name, good_only=False)
        if last is None:
            return None, None, []
        personal = frozenset() if include_personal else config.personal_fields
        current = now.as_dicts()
        changed: list[dict[str, Any]] = []
        for tps, row in current.items():
            old = last.rows.get(tps)
            if old is None:
                changed.append({"tps_key": tps, "row": now.positions.get(tps), "field": None,
                                "old": None, "new": None, "change": "added"})
                continue
            for f in sorted(set(old) | set(row)):
                if old.get(f, "") != row.get(f, ""):
                    mask = f in personal
                    changed.append({"tps_key": tps, "row": now.positions.get(tps), "field": f,
                                    "old": "***" if mask else old.get(f, ""),
                                    "new": "***" if mask else row.get(f, ""), "change": "changed"})
        for tps in last.rows:
            if tps not in current:
                changed.append({"tps_key": tps, "row": last.positions.get(tps), "field": None,
                                "old": None, "new": None, "change": "removed"})
        verified = [{"tps_key": v.tps_key, "row": v.row, "field": v.field, "verified": v.verified,
                     "current": v.current, "verified_sync": v.verified_sync}
                    for v in journal.verified_changes(name, config)]
        return changed, last.sync_no, verified
    finally:
        if own:
            journal.close()


# ------------------------------------------------------------ --accept-changes

@dataclass
class AcceptReport:
    spreadsheet: str
    accepted_rows: int                                  # rows whose current numbers became the verified ones
    changes: list[dict[str, Any]] = field(default_factory=list)   # what was accepted (before the accept)
    last_sync: int | None = None                        # the read the accepted values come from


def accept_changes(config: Config, *, tps: list[str] | None = None, journal: Journal | None = None) -> AcceptReport:
    """A reviewer confirms numbers corrected after verification: their values as read by the
    last sync become the verified ones, so the next sync stops marking those rows PERIKSA.
    ``tps``: only these TPS keys (default: every changed row).  Reads no sheet."""
    key = spreadsheet_key(config.spreadsheet)
    own = journal is None
    if journal is None:
        path = journal_path(config)
        if not Path(path).exists():
            return AcceptReport(spreadsheet=key, accepted_rows=0)
        journal = Journal(path)
    try:
        wanted = None if tps is None else set(tps)
        changes = [{"tps_key": v.tps_key, "row": v.row, "field": v.field, "verified": v.verified,
                    "current": v.current, "verified_sync": v.verified_sync}
                   for v in journal.verified_changes(journal_key(key, config.input_tab), config)
                   if wanted is None or v.tps_key in wanted]
        last = journal.last(journal_key(key, config.input_tab), good_only=False)
        accepted = journal.accept_verified(journal_key(key, config.input_tab),
                                           None if tps is None else sorted(wanted or ()))
        return AcceptReport(spreadsheet=key, accepted_rows=accepted, changes=changes,
                            last_sync=last.sync_no if last is not None else None)
    finally:
        if own:
            journal.close()


# ------------------------------------------------------------ --against

register({
    "against_empty": {"en": "{file}: the file is empty; export the result again as CSV",
                      "id": "{file}: berkas kosong; ekspor ulang hasilnya sebagai CSV"},
    "against_utf16": {"en": "{file}: the file is UTF-16 text; save it as 'CSV UTF-8' (Excel: Save As > CSV UTF-8)",
                      "id": "{file}: berkas berformat teks UTF-16; simpan sebagai 'CSV UTF-8' "
                            "(Excel: Simpan Sebagai > CSV UTF-8)"},
    "against_workbook": {"en": "{file}: this is a spreadsheet workbook, not CSV; save or export it as CSV",
                         "id": "{file}: ini berkas buku kerja spreadsheet, bukan CSV; simpan atau ekspor sebagai CSV"},
    "against_binary": {"en": "{file}: the file is not text (binary data); give a CSV file",
                       "id": "{file}: berkas bukan teks (data biner); berikan berkas CSV"},
    "against_no_header": {"en": "{file}: no header row with the columns {needed} was found in its first row "
                                "({first}); add the header row",
                          "id": "{file}: baris judul dengan kolom {needed} tidak ada di baris pertamanya "
                                "({first}); tambahkan baris judul"},
})


class AgainstFileError(SheetsyncError, ValueError):
    """The ``--against`` file cannot be used; one line naming the file and the likely cause."""

    exit_code = EXIT_USAGE

    def __init__(self, cause: str, **params: object) -> None:
        self.cause = cause
        super().__init__(f"against_{cause}", **params)


_WORKBOOK_MAGIC = (b"PK\x03\x04", b"\xd0\xcf\x11\xe0")     # xlsx/ods (zip), xls (OLE2)


def read_csv_grid(path: Path) -> list[list[str]]:
    """A CSV as a grid of text; delimiter sniffed (KPU exports use ; as often as ,).
    A file that is not CSV text raises AgainstFileError naming the likely cause."""
    raw = path.read_bytes()
    text = _decode(raw, path)
    if not text.strip():
        raise AgainstFileError("empty", file=path)
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    return [row for row in csv.reader(text.splitlines(), dialect)]


def _decode(raw: bytes, path: Path) -> str:
    if raw[:2] in (b"\xff\xfe", b"\xfe\xff") or (len(raw) >= 4 and raw[1:4:2] == b"\0\0"):
        raise AgainstFileError("utf16", file=path)
    if raw.startswith(_WORKBOOK_MAGIC):
        raise AgainstFileError("workbook", file=path)
    if b"\0" in raw[:65536]:
        raise AgainstFileError("binary", file=path)
    if raw[:3] == b"\xef\xbb\xbf":
        return raw[3:].decode("utf-8", errors="replace")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        # Excel on Windows saves "CSV" in the ANSI code page: names stay readable
        return raw.decode("cp1252", errors="replace")


def _require_header(theirs: CheckResult, grid: list[list[str]], path: Path, config: Config) -> None:
    keys = [c for c in config.columns if c.field in ("kecamatan", "kelurahan", "tps")]
    if all(c.field in theirs.header.fields for c in keys):
        return
    first = ", ".join(str(v) for v in (grid[0] if grid else [])[:6])
    raise AgainstFileError("no_header", file=path, needed=", ".join(c.header for c in keys),
                           first=clipped(first))   # a quoted cell, as the rules quote one


def compare_against(result: CheckResult, path: Path, config: Config, lang: str | None = None, *,
                    grid: list[list[str]] | None = None) -> AgainstReport:
    """Every per-TPS number of the sheet's valid rows against the file's."""
    lang = lang or config.language
    # the file is one entry: a second one is the sheet's, not the file's
    file_config = replace(config, header_row=1, double_entry=None)
    grid = grid if grid is not None else read_csv_grid(path)
    theirs = check(grid, file_config)
    _require_header(theirs, grid, path, config)
    report = AgainstReport(file=str(path))
    report.file_problems = [i.message(lang) for i in theirs.issues if i.row is None]
    ours_rows = result.rows[result.rows["tps_key"].notna()]
    their_rows = theirs.rows[theirs.rows["tps_key"].notna()]
    numeric = [c.field for c in config.columns if c.type == "integer"]
    present_in_file = [f for f in numeric if f in theirs.header.fields]     # columns the file has
    report.fields = present_in_file
    ours_by_key = {r["tps_key"]: (cast(int, i), r) for i, r in ours_rows.iterrows()}      # index: sheet row
    theirs_by_key = {r["tps_key"]: (cast(int, i), r) for i, r in their_rows.iterrows()}
    report.only_in_sheet = sorted(set(ours_by_key) - set(theirs_by_key))
    report.only_in_file = sorted(set(theirs_by_key) - set(ours_by_key))
    for key in sorted(set(ours_by_key) & set(theirs_by_key)):
        report.compared += 1
        s_no, ours = ours_by_key[key]
        f_no, their = theirs_by_key[key]
        for f in present_in_file:
            a, b = _num(ours.get(f)), _num(their.get(f))
            if b is None:       # the file does not give this number for this TPS
                continue
            if a != b:
                report.differences.append(TpsDifference(
                    key, ours.get("kecamatan"), ours.get("kelurahan"), _num(ours.get("tps")), f, a, b,
                    int(s_no), int(f_no)))
    return report


def _num(value: Any) -> int | None:
    if value is None or value is pd.NA or (isinstance(value, float) and value != value):
        return None
    return int(value)
