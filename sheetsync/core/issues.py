"""Issues found in the sheet, their severities and their messages (id / en).

Every rule has a stable code.  Messages are templates filled from the issue's
params; "column" is the header text from the config and "row" the sheet row.
Other rule families (saksi) register their own templates with
register_message().
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, replace
from types import MappingProxyType
from typing import Any, Mapping

ERROR = "error"
WARNING = "warning"
SEVERITIES = (ERROR, WARNING)

# Status code words (always Indonesian in CheckResult.rows.status) and their labels.
OK, BELUM_DIISI, PERIKSA, SALAH = "OK", "BELUM DIISI", "PERIKSA", "SALAH"
STATUS_LABELS: dict[str, dict[str, str]] = {
    OK: {"id": "OK", "en": "OK"},
    BELUM_DIISI: {"id": "BELUM DIISI", "en": "NOT FILLED"},
    PERIKSA: {"id": "PERIKSA", "en": "CHECK"},
    SALAH: {"id": "SALAH", "en": "ERROR"},
}
# Higher wins when a row has several reasons.  Other rule families may add a
# status (e.g. "BELUM ADA SAKSI") with register_status().
STATUS_PRIORITY: dict[str, int] = {OK: 0, PERIKSA: 10, BELUM_DIISI: 20, SALAH: 100}

_MESSAGES: dict[str, dict[str, str]] = {
    # sheet level
    "header_missing": {
        "id": "Kolom wajib '{column}' tidak ditemukan di baris judul {header_row}",
        "en": "Required column '{column}' not found in header row {header_row}",
    },
    "header_duplicate": {
        "id": "Kolom '{column}' muncul dua kali di baris judul; dipakai yang pertama",
        "en": "Column '{column}' appears twice in the header row; the first one is used",
    },
    # cells
    "required_missing": {"id": "{column} baris {row}: wajib diisi", "en": "{column} row {row}: required"},
    "not_integer": {
        "id": "{column} baris {row}: '{value}' bukan bilangan bulat",
        "en": "{column} row {row}: '{value}' is not a whole number",
    },
    "negative_number": {
        "id": "{column} baris {row}: '{value}' tidak boleh negatif",
        "en": "{column} row {row}: '{value}' cannot be negative",
    },
    "below_min": {
        "id": "{column} baris {row}: {value} di bawah batas {min}",
        "en": "{column} row {row}: {value} is below the minimum {min}",
    },
    "above_max": {
        "id": "{column} baris {row}: {value} di atas batas {max}",
        "en": "{column} row {row}: {value} is above the maximum {max}",
    },
    "bad_tps_number": {
        "id": "{column} baris {row}: '{value}' bukan nomor TPS",
        "en": "{column} row {row}: '{value}' is not a TPS number",
    },
    "bad_yesno": {
        "id": "{column} baris {row}: '{value}' bukan ya/tidak",
        "en": "{column} row {row}: '{value}' is not yes/no",
    },
    # regions
    "unknown_kecamatan": {
        "id": "{column} baris {row}: kecamatan '{value}' tidak dikenal",
        "en": "{column} row {row}: unknown kecamatan '{value}'",
    },
    "unknown_kelurahan": {
        "id": "{column} baris {row}: kelurahan '{value}' tidak dikenal",
        "en": "{column} row {row}: unknown kelurahan '{value}'",
    },
    "kelurahan_not_in_kecamatan": {
        "id": "{column} baris {row}: kelurahan '{value}' bukan di kecamatan {kecamatan} (ada di {other})",
        "en": "{column} row {row}: kelurahan '{value}' is not in kecamatan {kecamatan} (it is in {other})",
    },
    # TPS
    "duplicate_tps": {
        "id": "TPS {tps} {kelurahan} baris {row} sama dengan baris {other_rows}{conflict}",
        "en": "TPS {tps} {kelurahan} row {row} duplicates row {other_rows}{conflict}",
    },
    "dpt_over_max": {
        "id": "{column} baris {row}: DPT {value} lebih dari {max} pemilih per TPS",
        "en": "{column} row {row}: DPT {value} is more than {max} voters per TPS",
    },
    # C.Hasil
    "results_incomplete": {
        "id": "Hasil baris {row} belum lengkap: {missing} kosong",
        "en": "Results of row {row} incomplete: {missing} blank",
    },
    "results_partial": {
        "id": "Baris {row}: suara paslon sudah masuk, belum diisi: {missing}",
        "en": "Row {row}: candidate votes are in, not filled yet: {missing}",
    },
    "sum_paslon_ne_sah": {
        "id": "Baris {row}: jumlah suara paslon {sum_paslon} tidak sama dengan suara sah {sah}",
        "en": "Row {row}: candidate votes add up to {sum_paslon}, not the valid votes {sah}",
    },
    "sah_tidak_sah_ne_pengguna": {
        "id": "Baris {row}: suara sah {sah} + tidak sah {tidak_sah} = {total}, bukan pengguna hak pilih {pengguna}",
        "en": "Row {row}: valid {sah} + invalid {tidak_sah} = {total}, not the voters who voted {pengguna}",
    },
    "pengguna_over_dpt": {
        "id": "Baris {row}: pengguna hak pilih {pengguna} lebih dari DPT+DPPh+DPTb {limit}",
        "en": "Row {row}: {pengguna} voters voted, more than DPT+DPPh+DPTb {limit}",
    },
    "paslon_over_dpt": {
        "id": "Baris {row}: jumlah suara paslon {sum_paslon} melebihi DPT x {tolerance} ({limit})",
        "en": "Row {row}: candidate votes {sum_paslon} exceed DPT x {tolerance} ({limit})",
    },
    "target_over_dpt": {
        "id": "{column} baris {row}: target {value} lebih dari DPT {dpt}",
        "en": "{column} row {row}: target {value} is more than the DPT {dpt}",
    },
}
MESSAGES: Mapping[str, Mapping[str, str]] = MappingProxyType(_MESSAGES)


def register_message(code: str, id_text: str, en_text: str) -> None:
    """Add the templates of a rule code defined outside core (e.g. the saksi rules)."""
    _MESSAGES[code] = {"id": id_text, "en": en_text}
    for key in [k for k in _TEMPLATE_CACHE if k[0] == code]:
        del _TEMPLATE_CACHE[key]


def register_status(code_word: str, *, id_label: str, en_label: str, priority: int) -> None:
    """Add a row status (e.g. "BELUM ADA SAKSI"); priority decides which reason wins."""
    STATUS_LABELS[code_word] = {"id": id_label, "en": en_label}
    STATUS_PRIORITY[code_word] = priority


def status_label(status: str, lang: str = "id") -> str:
    return STATUS_LABELS.get(status, {}).get(lang, status)


_TEMPLATE_CACHE: dict[tuple[str, str, bool], str | None] = {}
_ROW_WORDS = (" of row {row}", " baris {row}", " row {row}", "Baris {row}: ", "Row {row}: ")


def template(code: str, lang: str, with_row: bool = True) -> str | None:
    """The message template of a code; without "baris {row}" when with_row is False."""
    key = (code, lang, with_row)
    if key not in _TEMPLATE_CACHE:
        templates = _MESSAGES.get(code)
        text = (templates.get(lang) or templates["id"]) if templates else None
        if text is not None and not with_row:
            for word in _ROW_WORDS:
                text = text.replace(word, "")
            text = text[:1].upper() + text[1:]
        _TEMPLATE_CACHE[key] = text
    return _TEMPLATE_CACHE[key]


class Params(dict[str, Any]):
    """A message's params: a missing one shows as "?" instead of raising."""

    def __missing__(self, key: str) -> str:
        return "?"


@dataclass(frozen=True)
class Issue:
    code: str                 # stable, e.g. "duplicate_tps"
    severity: str             # "error" | "warning"
    row: int | None           # 1-based sheet row; None for sheet-level problems
    field: str | None         # config field name
    params: Mapping[str, Any] = dataclasses.field(default_factory=dict)

    def message(self, lang: str = "id", *, with_row: bool = True) -> str:
        """One line.  with_row=False drops "baris N" (for the row's own Keterangan)."""
        text = template(self.code, lang, with_row and self.row is not None)
        if text is None:
            return f"{self.code} {dict(self.params)}"
        params = Params(self.params)
        params.setdefault("row", self.row if self.row is not None else "")
        return text.format_map(params)

    def redacted(self) -> "Issue":
        """Copy without the typed value (for cells of personal columns)."""
        if "value" not in self.params:
            return self
        return replace(self, params={**self.params, "value": "***"})
