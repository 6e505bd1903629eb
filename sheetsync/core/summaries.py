"""CheckResult -> values of the summary tabs ("Rekap Kecamatan", "Rekap Kelurahan",
"Masalah", and "Rekap Koordinator" when the config names that tab).

Each table starts with its header row.  The sync engine places it: in the tab
that holds config.last_synced_cell the table starts two rows below that cell
(the preset: A1 holds "Terakhir disinkronkan ...", the table starts at row 3);
in the other tabs at A1.

Numbers are int/float, never formulas or formatted text.  Text is written as it
is: the sync writes RAW, which stores text starting with = + - @ as text, so it
needs no ' (that showed as a literal apostrophe); exports neutralise on their own
(safetext.neutralise).  Personal columns (names, phone numbers) never appear, except
the coordinator's name in the optional coordinator tab, whose purpose is to
name whom to call (export masks it under PERSONAL_HEADERS); values typed in personal
cells are masked in Masalah.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

from sheetsync.core.check import CheckResult
from sheetsync.core.gc_pause import no_gc
from sheetsync.core.config import Config
from sheetsync.core.coverage import SUMMARY_COLUMNS as COVERAGE, Coverage, compute_coverage
from sheetsync.core.issues import status_label
from sheetsync.core.rules.photo import photo_field
from sheetsync.core.totals import all_in, paslon_fields, verified

_HEADERS = {
    "kode": ("Kode", "Code"),
    "kecamatan": ("Kecamatan", "Kecamatan"),
    "kelurahan": ("Kelurahan", "Kelurahan"),
    "tps_planned": ("TPS Rencana", "TPS planned"),
    "tps_entered": ("TPS Masuk", "TPS entered"),
    "tps_reported": ("TPS Lapor", "TPS reported"),
    "pct_reported": ("% Lapor", "% reported"),
    "pct_reported_entered": ("% Lapor (dari TPS Masuk)", "% reported (of TPS entered)"),
    "tps_error": ("Baris Salah", "Rows in error"),
    "target": ("Target Suara", "Target votes"),
    "votes_supported": ("Suara {paslon} (lengkap)", "Votes {paslon} (complete)"),
    # the two vote totals side by side: complete rows only, and every row with paslon votes
    "votes_complete": ("{column} (lengkap)", "{column} (complete)"),
    "votes_all_in": ("{column} (semua masuk)", "{column} (incl. partial)"),
    "tps_paslon_in": ("TPS Suara Paslon Masuk", "TPS with candidate votes"),
    "pct_target": ("% Target", "% of target"),
    "tps_missing": ("TPS Kurang", "TPS missing"),
    "tps_extra": ("TPS Lebih", "TPS extra"),
    "target_diff": ("Selisih Target TPS", "Per-TPS target difference"),
    "row": ("Baris", "Row"),
    "tps": ("No TPS", "TPS no"),
    "status": ("Status", "Status"),
    "severity": ("Tingkat", "Severity"),
    "code": ("Kode Masalah", "Problem code"),
    "message": ("Keterangan", "Description"),
    "koordinator": ("Koordinator", "Coordinator"),
    "tps_periksa": ("Perlu Diperiksa", "To check"),
    "tps_belum": ("Belum Diisi", "Not filled"),
    "problems": ("Bermasalah", "With problems"),
    "tps_photo": ("TPS dengan foto", "TPS with photo"),
    # double entry: counted TPS whose second entry agrees, and the votes of those only
    "tps_verified": ("TPS Terverifikasi Ganda", "TPS double-checked"),
    "pct_verified": ("% Terverifikasi Ganda (dari TPS Lapor)", "% double-checked (of TPS reported)"),
    "tps_unchecked": ("TPS Belum Dicek Ulang", "TPS not yet double-checked"),
    "tps_entries_differ": ("TPS Entri Berbeda", "TPS whose entries differ"),
    "votes_verified": ("{column} (terverifikasi ganda)", "{column} (double-checked)"),
    # saksi coverage (coverage.py)
    "tps_saksi": ("TPS Ada Saksi", "TPS with saksi"),
    "pct_saksi": ("% Saksi", "% with saksi"),
    "tps_tanpa_saksi": ("TPS Tanpa Saksi", "TPS without saksi"),
    "saksi_bimtek": ("Saksi Ikut Bimtek", "Saksi briefed"),
    "pct_bimtek": ("% Bimtek", "% briefed"),
    "n_koordinator": ("Jumlah Koordinator", "Coordinators"),
    "tps_per_koordinator": ("TPS per Koordinator", "TPS per coordinator"),
}
# Summary columns that hold names: masked in exports like the personal columns they come from.
PERSONAL_HEADERS = frozenset(_HEADERS["koordinator"])
_SEVERITY = {"error": ("salah", "error"), "warning": ("peringatan", "warning")}
_TOTAL = ("TOTAL", "TOTAL")


def _h(key: str, lang: str, **fmt: str) -> str:
    text = _HEADERS[key][0 if lang == "id" else 1]
    return text.format(**fmt) if fmt else text


def _cell(value: Any) -> Any:
    """Python int/float/str for the API; blanks for NA/NaN; whole floats as int."""
    if value is None or value is pd.NA:
        return ""
    if isinstance(value, (np.integer,)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        if math.isnan(value):
            return ""
        return int(value) if float(value).is_integer() else round(float(value), 2)
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, int):
        return value
    return str(value)


def _records(table: pd.DataFrame, columns: list[str]) -> list[list[Any]]:
    """Rows of plain Python values, converted a column at a time (84,000 kelurahan at national scale)."""
    present = [c for c in columns if c in table.columns]
    if not len(table) or not present:
        return [[] for _ in range(len(table))]
    return [list(r) for r in zip(*(_column_cells(table[c]) for c in present))]


def _column_cells(column: pd.Series) -> list[Any]:
    dtype = column.dtype
    if pd.api.types.is_bool_dtype(dtype):
        return [bool(v) if v is not pd.NA else "" for v in column.tolist()]
    if pd.api.types.is_integer_dtype(dtype):
        if column.hasnans:
            return ["" if v is pd.NA or v is None else int(v) for v in column.astype(object).tolist()]
        return column.to_numpy(dtype=np.int64).tolist()
    if pd.api.types.is_float_dtype(dtype):
        values = column.to_numpy(dtype=np.float64, na_value=np.nan)
        whole = np.isfinite(values) & (values == np.round(values))
        out = np.where(whole, values, np.round(values, 2)).astype(object)
        out[whole] = values[whole].astype(np.int64).tolist()
        out[~np.isfinite(values)] = ""
        cells: list[Any] = out.tolist()
        return cells
    return [v if type(v) is str else _cell(v) for v in column.tolist()]


def _paslon_fields(config: Config) -> list[str]:
    return [f for f in (*config.rules.paslon_fields, "suara_sah", "suara_tidak_sah") if config.column(f)]


def _all_in_columns(config: Config) -> list[str]:
    """TPS with paslon votes in and each paslon's votes from them, partial rows included:
    beside the complete rows' votes, so election night shows what has come in."""
    fields = paslon_fields(config)
    return ["tps_paslon_in", *map(all_in, fields)] if fields else []


def _photo_columns(config: Config) -> list[str]:
    """"TPS dengan foto" beside the reporting counts, when the config has a photo column."""
    return ["tps_photo"] if photo_field(config) else []


def _verified_columns(config: Config) -> list[str]:
    """With a second entry: how many counted TPS it confirms, and each paslon's votes from
    those only, beside the totals of every counted row."""
    if config.double_entry is None:
        return []
    return ["tps_verified", "pct_verified", "tps_unchecked", "tps_entries_differ",
            *map(verified, paslon_fields(config))]


def _supported_label(config: Config) -> str:
    col = config.column(config.rules.supported_paslon or "")
    return col.header if col else ""


def kecamatan_table(result: CheckResult, config: Config, coverage: Coverage | None = None) -> list[list[Any]]:
    lang = config.language
    paslon = _paslon_fields(config)
    table = result.totals.per_kecamatan.merge(
        result.reconciliation[["kode_kecamatan", "tps_missing", "tps_extra", "target_diff"]],
        on="kode_kecamatan", how="left")
    if coverage is not None:
        table = table.merge(coverage.per_kecamatan[["kode_kecamatan", *COVERAGE]], on="kode_kecamatan", how="left")
    columns = ["kode_kecamatan", "kecamatan", "tps_planned", "tps_entered", "tps_reported", "pct_reported",
               "tps_error", "target"]
    if config.rules.supported_paslon:
        columns += ["votes_supported", "pct_target"]
    columns += _photo_columns(config) + paslon + _all_in_columns(config) + _verified_columns(config)
    columns += ["tps_missing", "tps_extra", "target_diff"]
    columns += list(COVERAGE) if coverage is not None else []
    header = [_label(c, config) for c in columns]
    rows = _records(table, columns)
    kota = dict(result.totals.kota)
    kota.update({c: coverage.kota[c] for c in COVERAGE} if coverage is not None else {})
    kota.update(kode_kecamatan="", kecamatan=_TOTAL[0 if lang == "id" else 1] + " " + config.regions.kota,
                tps_missing=int(result.reconciliation["tps_missing"].sum()),
                tps_extra=int(result.reconciliation["tps_extra"].sum()),
                target_diff=float(result.reconciliation["target_diff"].fillna(0).sum()))
    rows.append([_cell(kota.get(c)) for c in columns])
    return [header] + rows


def kelurahan_table(result: CheckResult, config: Config, coverage: Coverage | None = None) -> list[list[Any]]:
    columns = ["kode_kelurahan", "kecamatan", "kelurahan", "tps_entered", "tps_reported", "pct_reported",
               "tps_error", "target"]
    if config.rules.supported_paslon:
        columns += ["votes_supported", "pct_target"]
    columns += _photo_columns(config) + _paslon_fields(config) + _all_in_columns(config) + _verified_columns(config)
    table = result.totals.per_kelurahan
    if coverage is not None:
        columns += list(COVERAGE)
        table = table.merge(coverage.per_kelurahan[["kode_kelurahan", *COVERAGE]], on="kode_kelurahan", how="left")
    return [[_label(c, config) for c in columns]] + _records(table, columns)


def _label(column: str, config: Config) -> str:
    lang = config.language
    if column in ("kode_kecamatan", "kode_kelurahan"):
        return _h("kode", lang)
    if column == "votes_supported":
        return _h("votes_supported", lang, paslon=_supported_label(config))
    if column == "pct_reported" and not config.targets.by_kecamatan:
        return _h("pct_reported_entered", lang)     # no planned TPS: the header says what % is of
    if column in _HEADERS:
        return _h(column, lang)
    for f in paslon_fields(config):
        if column == all_in(f):
            return _h("votes_all_in", lang, column=_header(f, config))
        if column == verified(f):
            return _h("votes_verified", lang, column=_header(f, config))
    if column in _paslon_fields(config):
        return _h("votes_complete", lang, column=_header(column, config))
    return _header(column, config)


def _header(field: str, config: Config) -> str:
    col = config.column(field)
    return col.header if col else field


def masalah_table(result: CheckResult, config: Config) -> list[list[Any]]:
    """One line per problem: where (row, kecamatan, kelurahan, TPS), what, how bad."""
    lang = config.language
    personal = config.personal_fields
    header = [_h(k, lang) for k in ("row", "kecamatan", "kelurahan", "tps", "status", "severity", "code",
                                    "message")]
    rows = result.rows
    place: dict[int, list[Any]] = {}
    if len(rows):
        kec = rows["kecamatan"].astype(object).fillna("").tolist()
        kel = rows["kelurahan"].astype(object).fillna("").tolist()
        tps = _column_cells(rows["tps"])
        labels = {s: status_label(s, lang) for s in rows["status"].unique().tolist()}
        status = rows["status"].tolist()
        index = dict(zip(rows.index.tolist(), range(len(rows))))
    severity = {k: v[0 if lang == "id" else 1] for k, v in _SEVERITY.items()}
    out: list[list[Any]] = [header]
    for issue in result.issues:
        shown = issue.redacted() if issue.field in personal else issue
        i = index.get(issue.row) if issue.row is not None and len(rows) else None
        where: list[Any] | None
        if i is None:
            where = ["", "", "", "", ""]
        else:
            where = place.get(i)
            if where is None:
                where = place[i] = [issue.row, kec[i], kel[i], tps[i], labels[status[i]]]
        out.append([*where, severity.get(issue.severity, issue.severity), issue.code,
                    shown.message(lang)])
    return out


def koordinator_table(result: CheckResult, config: Config) -> list[list[Any]]:
    columns = ["koordinator", "kecamatan", "tps_entered", "tps_reported", "tps_error", "tps_periksa",
               "tps_belum", "problems"]
    table = result.totals.per_koordinator
    header = [_h(c, config.language) for c in columns]
    return [header] + (_records(table, columns) if table is not None else [])


def summary_tables(result: CheckResult, config: Config) -> dict[str, list[list[Any]]]:
    """Tab title -> full values (header row first).  See the module docstring."""
    with no_gc():  # many small lists while the caller holds the whole sheet
        return _summary_tables(result, config)


def _summary_tables(result: CheckResult, config: Config) -> dict[str, list[list[Any]]]:
    tabs = config.summary_tabs
    coverage = compute_coverage(result.rows, config)   # None without saksi columns
    tables = {
        tabs.kecamatan: kecamatan_table(result, config, coverage),
        tabs.kelurahan: kelurahan_table(result, config, coverage),
        tabs.masalah: masalah_table(result, config),
    }
    if tabs.koordinator:
        tables[tabs.koordinator] = koordinator_table(result, config)
    return tables
