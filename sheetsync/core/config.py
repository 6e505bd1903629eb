"""sheetsync.toml -> frozen dataclasses.

A bad config fails with ConfigError whose text is ONE line:
"<file>: <key>: <what is wrong>", in English and Bahasa Indonesia (templates
below).  Nothing here touches the network.
See docs/core.md for the format.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import tomllib
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Callable, Mapping, NamedTuple, NoReturn

from sheetsync.core.a1 import CellRef, cell_ref
from sheetsync.core.headers import header_key
from sheetsync.core.regions import Regions, RegionError, load_regions, read_csv_rows
from sheetsync.errors import AS_SAID, EXIT_USAGE, Phrase, SheetsyncError, register

PRESET_DIR = Path(__file__).parent / "presets"
COLUMN_TYPES = ("text", "integer", "kecamatan", "kelurahan", "tps", "code", "phone", "yesno", "photo")
LANGUAGES = ("id", "en")


register({
    # <what is wrong> of "<file>: <key>: <what is wrong>"
    "config_file_missing": {"en": "file not found", "id": "berkas tidak ditemukan"},
    "config_unreadable": {"en": "cannot read: {reason}", "id": "tidak bisa dibaca: {reason}"},
    "config_toml_syntax": {"en": "TOML syntax: {reason}", "id": "sintaks TOML salah: {reason}"},
    "config_unknown_preset": {"en": "unknown preset (available: {names})",
                              "id": "preset tidak dikenal (yang ada: {names})"},
    "config_missing": {"en": "missing", "id": "wajib ada, belum diisi"},
    "config_unknown_key": {"en": "unknown key", "id": "kunci tidak dikenal"},
    "config_expected": {"en": "expected {expected}, got {got}", "id": "seharusnya {expected}, bukan {got}"},
    "config_one_of": {"en": "must be one of {options}, not {value}",
                      "id": "harus salah satu dari {options}, bukan {value}"},
    "config_empty": {"en": "must not be empty", "id": "tidak boleh kosong"},
    "config_at_least": {"en": "must be {low} or more", "id": "minimal {low}"},
    "config_above": {"en": "must be more than {low}", "id": "harus lebih dari {low}"},
    "config_between": {"en": "must be between {low} and {high}", "id": "harus di antara {low} dan {high}"},
    "config_no_letter": {"en": "must hold a letter or digit", "id": "harus berisi huruf atau angka"},
    "config_header_taken": {
        "en": "{header} is also the header of the data column {column}: choose another header for sheetsync's "
              "own column",
        "id": "{header} juga judul kolom data {column}: pilih judul lain untuk kolom milik sheetsync",
    },
    "config_headers_same": {"en": "{header} is also status_header: the two need different headers",
                            "id": "{header} juga status_header: keduanya perlu judul berbeda"},
    "config_none_declared": {"en": "missing or empty: declare at least one [[{table}]]",
                             "id": "tidak ada atau kosong: tulis paling sedikit satu [[{table}]]"},
    "config_duplicate_field": {"en": "duplicate field {field}", "id": "field {field} dipakai dua kali"},
    "config_type_needed": {"en": "needs a column of type {type}", "id": "perlu kolom bertipe {type}"},
    "config_photo_twice": {"en": "has more than one column of type 'photo'",
                           "id": "punya lebih dari satu kolom bertipe 'photo'"},
    "config_not_strings": {"en": "expected a list of strings, found {got}",
                           "id": "seharusnya daftar teks, ada {got}"},
    "config_no_such_file": {"en": "file not found: {path}", "id": "berkas tidak ditemukan: {path}"},
    "config_target_kecamatan": {"en": "{file} line {line}: unknown kecamatan {name}",
                                "id": "{file} baris {line}: kecamatan {name} tidak dikenal"},
    "config_target_numbers": {"en": "{file} line {line}: needs integer jumlah_tps and target_suara",
                              "id": "{file} baris {line}: jumlah_tps dan target_suara harus bilangan bulat"},
    "config_no_field": {"en": "no column with field {field}", "id": "tidak ada kolom dengan field {field}"},
    "config_not_host": {"en": "{host} is not a host name (like foto.example.org, without https://)",
                        "id": "{host} bukan nama host (seperti foto.example.org, tanpa https://)"},
    "config_not_cell": {"en": "expected a cell like 'Rekap Kecamatan'!A1",
                        "id": "seharusnya sel seperti 'Rekap Kecamatan'!A1"},
    "config_double_entry_form": {
        "en": "give either tab (a second tab typed by other volunteers) or suffix (second-entry columns "
              "beside the first), not {given}",
        "id": "isi salah satu, tab (tab kedua yang diketik relawan lain) atau suffix (kolom entri kedua di "
              "samping yang pertama): {given}"},
    "config_double_entry_tab": {"en": "{tab} is also {what}: the second entry needs a tab of its own",
                                "id": "{tab} juga {what}: entri kedua perlu tab sendiri"},
    "config_double_entry_no_counts": {"en": "needs C.Hasil columns (paslon, suara sah ...) to compare",
                                      "id": "perlu kolom C.Hasil (paslon, suara sah ...) untuk dibandingkan"},
})


class ConfigError(SheetsyncError):
    """str(e) is one line: "<file>: <key>: <what is wrong>"; <what> is the template of ``code``.

    ``place`` is "<file>: <key>" (or "<file>" alone when no key is at fault)."""

    exit_code = EXIT_USAGE

    def __init__(self, place: str, code: str, /, **params: object) -> None:
        self.place = place
        super().__init__(code, **params)

    def message(self, lang: str = "en") -> str:
        return f"{self.place}: {super().message(lang)}"


class Problem(NamedTuple):
    """What a key's check finds wrong: a ConfigError's code and params."""

    code: str
    params: Mapping[str, object]


def problem(code: str, **params: object) -> Problem:
    return Problem(code, params)


@dataclass(frozen=True)
class Column:
    field: str
    header: str
    type: str
    required: bool = False
    min: int | None = None
    max: int | None = None
    personal: bool = False
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class SummaryTabs:
    kecamatan: str
    kelurahan: str
    masalah: str
    koordinator: str | None = None
    # the last 24 hours' tab (written when a journal is kept); None: "Progres 24 Jam" /
    # "Last 24 hours". Two configs on one spreadsheet need one each, as for every summary tab.
    progress: str | None = None

    def titles(self) -> tuple[str, ...]:
        return tuple(t for t in (self.kecamatan, self.kelurahan, self.masalah, self.koordinator) if t)


@dataclass(frozen=True)
class KecamatanTarget:
    kecamatan_code: str
    planned_tps: int
    target: int


@dataclass(frozen=True)
class Targets:
    by_kecamatan: tuple[KecamatanTarget, ...] = ()
    _index: Mapping[str, KecamatanTarget] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_index", {t.kecamatan_code: t for t in self.by_kecamatan})

    def get(self, kecamatan_code: str) -> KecamatanTarget | None:
        return self._index.get(kecamatan_code)


@dataclass(frozen=True)
class SaksiSettings:
    """Settings of the saksi/coordinator rules; core only carries them."""
    max_tps_per_koordinator: int | None = None
    saksi_deadline: dt.date | None = None


@dataclass(frozen=True)
class JanggalSettings:
    """Anomaly flags (rules/janggal.py): warnings for results that add up but are unlikely.

    Off unless the config has a [rules.janggal] table; the defaults are textbook values
    (Iglewicz & Hoaglin's modified z-score), not fitted to any one sheet."""
    enabled: bool = False
    max_robust_z: float = 3.5          # |0.6745 (x - median) / MAD| above this is flagged
    min_group_tps: int = 10            # fewer TPS in a kelurahan: compared with its kecamatan
    min_identical_tps: int = 2         # this many TPS of one kelurahan with the same paslon votes
    min_identical_votes: int = 30      # ...each with at least this many paslon votes (0-0-0 is not news)
    sah_equals_dpt: bool = True


@dataclass(frozen=True)
class DoubleEntry:
    """A second, independent entry of the C.Hasil counts (core/double_entry.py).

    Exactly one form: ``tab``, a second tab with the same key and count headers, typed by other
    volunteers; or ``suffix``, second-entry columns beside the first, each headed like its
    first-entry column followed by the suffix ("Paslon 1" -> "Paslon 1 (cek)")."""
    tab: str | None = None
    suffix: str | None = None


@dataclass(frozen=True)
class RuleSettings:
    max_dpt: int = 600
    dpt_tolerance: float = 1.02
    paslon_fields: tuple[str, ...] = ()
    supported_paslon: str | None = None
    coordinator_field: str | None = None
    saksi: SaksiSettings = field(default_factory=SaksiSettings)
    # a row with C.Hasil numbers and no photo link is PERIKSA (when a photo column exists)
    photo_required: bool = True
    # hosts accepted for a photo link besides Google Drive and Google Photos (exact host or a
    # subdomain of it), lowercase
    photo_hosts: tuple[str, ...] = ()
    janggal: JanggalSettings = field(default_factory=JanggalSettings)


@dataclass(frozen=True)
class Config:
    source: str
    name: str
    spreadsheet: str
    api_url: str | None
    credentials: str | None
    language: str
    input_tab: str
    header_row: int
    columns: tuple[Column, ...]
    status_header: str
    message_header: str
    summary_tabs: SummaryTabs
    last_synced_cell: str      # as written in the config; last_synced is the cell it names
    regions: Regions
    targets: Targets
    rules: RuleSettings
    journal_path: str | None
    guard_max_deleted_share: float = 0.10
    # the spreadsheet locale the sheet should have (File > Settings > Locale): Sheets parses
    # typed numbers with it ("1.234" is 1234 in id_ID, 1.234 in en_US); init and check warn
    locale: str = "id_ID"
    # UU 27/2022: names and phones leave the journal this many days after they left
    # the sheet (`sheetsync journal purge`); None: kept until purged by hand
    personal_retention_days: int | None = None
    # a second entry of the counts; None: single entry, nothing is counted as double-checked
    double_entry: DoubleEntry | None = None
    # the last-synced stamp's cell, parsed from last_synced_cell whenever a Config is made
    # (replace() included), so the two never disagree
    last_synced: CellRef = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "last_synced", cell_ref(self.last_synced_cell))

    def column(self, field_name: str) -> Column | None:
        for c in self.columns:
            if c.field == field_name:
                return c
        return None

    def field_of_type(self, kind: str) -> str | None:
        """The field of the first column of this type; the kecamatan, kelurahan and tps
        columns are always there (a config without one is refused)."""
        return next((c.field for c in self.columns if c.type == kind), None)

    @property
    def personal_fields(self) -> frozenset[str]:
        return frozenset(c.field for c in self.columns if c.personal)


# The last 24 hours' tab when the config names none, in the sheet's language.
PROGRESS_TAB = {"id": "Progres 24 Jam", "en": "Last 24 hours"}


def progress_title(config: Config) -> str:
    """The config's last 24 hours' tab, else the default title in the sheet's language."""
    return config.summary_tabs.progress or PROGRESS_TAB["id" if config.language == "id" else "en"]


def result_fields(config: Config) -> tuple[str, ...]:
    """The C.Hasil fields configured: paslon, suara sah / tidak sah, pengguna hak pilih."""
    fields = {c.field for c in config.columns}
    extra = tuple(f for f in ("suara_sah", "suara_tidak_sah", "pengguna_hak_pilih") if f in fields)
    return tuple(config.rules.paslon_fields) + extra


# ---- reading TOML with one-line errors --------------------------------------

class _Table:
    """A TOML table that remembers its dotted path and which keys were read."""

    def __init__(self, source: str, path: str, data: Any):
        self.source, self.path = source, path
        if not isinstance(data, dict):
            self.fail("", "config_expected", expected=_kinds((dict,)), got=_type_name(data))
        self.data: dict[str, Any] = data
        self.used: set[str] = set()

    def key(self, name: str) -> str:
        return f"{self.path}.{name}" if self.path else name

    def fail(self, name: str, code: str, /, **params: object) -> NoReturn:
        where = self.key(name) if name else (self.path or "(top level)")
        raise ConfigError(f"{self.source}: {where}", code, **params)

    def get(self, name: str, kind: type | tuple[type, ...], default: Any = ..., *,
            check: Callable[[Any], Problem | str | None] | None = None) -> Any:
        """The value of key ``name``, of ``kind``; ``check`` returns what is wrong with it
        (a Problem, or a text written whole in English) or None."""
        self.used.add(name)
        if name not in self.data:
            if default is ...:
                self.fail(name, "config_missing")
            return default
        value = self.data[name]
        kinds = kind if isinstance(kind, tuple) else (kind,)
        ok = isinstance(value, kinds) and not (isinstance(value, bool) and bool not in kinds)
        if float in kinds and isinstance(value, int) and not isinstance(value, bool):
            value, ok = float(value), True
        if not ok:
            self.fail(name, "config_expected", expected=_kinds(kinds), got=_type_name(value))
        found = check(value) if check else None
        if isinstance(found, str):
            self.fail(name, AS_SAID, reason=found)
        if found:
            self.fail(name, found.code, **found.params)
        return value

    def table(self, name: str, required: bool = True) -> "_Table":
        if name not in self.data and not required:
            self.used.add(name)
            return _Table(self.source, self.key(name), {})
        return _Table(self.source, self.key(name), self.get(name, dict))

    def done(self) -> None:
        for name in self.data:
            if name not in self.used:
                self.fail(name, "config_unknown_key")


_KIND_NAMES = {str: Phrase("a string", "teks"), int: Phrase("an integer", "bilangan bulat"),
               float: Phrase("a number", "angka"), bool: Phrase("true/false", "true/false"),
               list: Phrase("a list", "daftar"), dict: Phrase("a table", "tabel"), dt.date: Phrase("a date", "tanggal")}


def _kinds(kinds: tuple[type, ...]) -> Phrase:
    """"an integer or a number" in both languages."""
    names = [_KIND_NAMES[k] for k in kinds]
    return Phrase(" or ".join(n.en for n in names), " atau ".join(n.id for n in names))


def _type_name(value: object) -> Phrase:
    name = type(value).__name__
    return _KIND_NAMES.get(type(value), Phrase(name, name))


def one_of(options: tuple[str, ...]) -> Callable[[Any], Problem | None]:
    """A check: the value is one of ``options``."""
    return lambda v: None if v in options else problem("config_one_of", options=", ".join(options), value=repr(v))


def at_least(low: int | float) -> Callable[[Any], Problem | None]:
    """A check: the value is ``low`` or more."""
    return lambda v: None if v >= low else problem("config_at_least", low=low)


_positive = at_least(1)


def _owned_headers_apart(inp: _Table, columns: tuple[Column, ...], status_header: str,
                         message_header: str) -> None:
    """sheetsync writes into its own two columns on every sync: a header that also names a
    data column (or its alias) would have it overwrite that column, so it is refused here."""
    taken = {header_key(name): c.header for c in columns for name in (c.header, *c.aliases)}
    for key, text in (("status_header", status_header), ("message_header", message_header)):
        if not header_key(text):
            inp.fail(key, "config_no_letter")
        if header_key(text) in taken:
            inp.fail(key, "config_header_taken", header=repr(text), column=repr(taken[header_key(text)]))
    if header_key(status_header) == header_key(message_header):
        inp.fail("message_header", "config_headers_same", header=repr(message_header))


# ---- sections ----------------------------------------------------------------

def _columns(top: _Table) -> tuple[Column, ...]:
    top.used.add("columns")
    raw = top.data.get("columns")
    if not isinstance(raw, list) or not raw:
        top.fail("columns", "config_none_declared", table="columns")
    columns, seen = [], set()
    for i, item in enumerate(raw):
        t = _Table(top.source, f"columns[{i}]", item)
        col = Column(
            field=t.get("field", str, check=_not_empty),
            header=t.get("header", str, check=_not_empty),
            type=t.get("type", str, "text", check=one_of(COLUMN_TYPES)),
            required=t.get("required", bool, False),
            min=t.get("min", int, None),
            max=t.get("max", int, None),
            personal=t.get("personal", bool, False),
            aliases=tuple(_strings(t, "aliases")),
        )
        t.done()
        if col.field in seen:
            t.fail("field", "config_duplicate_field", field=repr(col.field))
        seen.add(col.field)
        columns.append(col)
    types = {c.type for c in columns}
    for needed in ("kecamatan", "kelurahan", "tps"):
        if needed not in types:
            top.fail("columns", "config_type_needed", type=repr(needed))
    if sum(c.type == "photo" for c in columns) > 1:   # one link per TPS is what is counted
        top.fail("columns", "config_photo_twice")
    return tuple(columns)


def _not_empty(v: str) -> Problem | None:
    return None if v.strip() else problem("config_empty")


def _strings(t: _Table, name: str) -> list[str]:
    values: list[str] = t.get(name, list, [])
    for v in values:
        if not isinstance(v, str):
            t.fail(name, "config_not_strings", got=_type_name(v))
    return values


def _file(t: _Table, name: str, base: Path) -> Path:
    return _existing(t, name, base, t.get(name, str))


def _optional_file(t: _Table, name: str, base: Path) -> Path | None:
    value = t.get(name, str, None)
    return None if value is None else _existing(t, name, base, value)


def _existing(t: _Table, name: str, base: Path, value: str) -> Path:
    """The file a key names (relative to the config's folder), which must exist."""
    path = (base / value) if not Path(value).is_absolute() else Path(value)
    if not path.is_file():
        t.fail(name, "config_no_such_file", path=path)
    return path


def _regions(top: _Table, base: Path) -> Regions:
    t = top.table("regions")
    kota = t.get("kota", str)
    wilayah = _file(t, "wilayah", base)
    aliases = _optional_file(t, "aliases", base)
    t.done()
    try:
        return load_regions(kota, wilayah, aliases)
    except RegionError as e:
        t.fail("wilayah", AS_SAID, reason=Phrase.of(e))
    except (OSError, UnicodeDecodeError) as e:
        t.fail("wilayah", AS_SAID, reason=str(e))
    raise AssertionError  # unreachable: fail() raises


def _targets(top: _Table, base: Path, regions: Regions) -> Targets:
    t = top.table("targets", required=False)
    path = _optional_file(t, "file", base)
    t.done()
    if path is None:
        return Targets()
    out = []
    try:
        rows = read_csv_rows(path)
    except (OSError, UnicodeDecodeError) as e:
        t.fail("file", AS_SAID, reason=str(e))
    for line, r in enumerate(rows, start=2):
        code = regions.find_kecamatan(r.get("kecamatan"))
        if code is None:
            t.fail("file", "config_target_kecamatan", file=path.name, line=line, name=repr(r.get("kecamatan")))
        try:
            out.append(KecamatanTarget(code, int(r["jumlah_tps"]), int(r["target_suara"])))
        except (KeyError, TypeError, ValueError):
            t.fail("file", "config_target_numbers", file=path.name, line=line)
    return Targets(tuple(out))


def _rules(top: _Table, columns: tuple[Column, ...]) -> RuleSettings:
    t = top.table("rules", required=False)
    fields = {c.field for c in columns}
    default_paslon = [c.field for c in columns if c.field.startswith("paslon_")]

    def known_field(v: Any) -> Problem | None:
        return None if v in fields else problem("config_no_field", field=repr(v))

    s = t.table("saksi", required=False)
    saksi = SaksiSettings(
        max_tps_per_koordinator=s.get("max_tps_per_koordinator", int, None, check=_positive),
        saksi_deadline=s.get("saksi_deadline", dt.date, None),
    )
    s.done()
    janggal = _janggal(t)
    paslon = _strings(t, "paslon") or default_paslon
    for p in paslon:
        if p not in fields:
            t.fail("paslon", "config_no_field", field=repr(p))
    settings = RuleSettings(
        max_dpt=t.get("max_dpt", int, 600, check=_positive),
        dpt_tolerance=t.get("dpt_tolerance", float, 1.02, check=at_least(1)),
        paslon_fields=tuple(paslon),
        supported_paslon=t.get("supported_paslon", str, None, check=known_field),
        coordinator_field=t.get("coordinator_field", str, None, check=known_field),
        saksi=saksi,
        photo_required=t.get("photo_required", bool, True),
        photo_hosts=tuple(h.lower() for h in _strings(t, "photo_hosts")),
        janggal=janggal,
    )
    for host in settings.photo_hosts:
        if not _HOST.fullmatch(host):
            t.fail("photo_hosts", "config_not_host", host=repr(host))
    t.done()
    return settings


# A host name: labels of letters, digits and hyphens joined by dots (one class per quantifier).
_HOST = re.compile(r"[a-z0-9-]{1,63}(?:\.[a-z0-9-]{1,63}){1,10}")


def _janggal(rules: _Table) -> JanggalSettings:
    present = "janggal" in rules.data
    j = rules.table("janggal", required=False)
    base = JanggalSettings()
    settings = JanggalSettings(
        enabled=j.get("enabled", bool, present),
        max_robust_z=j.get("max_robust_z", float, base.max_robust_z,
                           check=lambda v: None if v > 0 else problem("config_above", low=0)),
        min_group_tps=j.get("min_group_tps", int, base.min_group_tps,
                            check=at_least(3)),
        min_identical_tps=j.get("min_identical_tps", int, base.min_identical_tps,
                                check=at_least(2)),
        min_identical_votes=j.get("min_identical_votes", int, base.min_identical_votes,
                                  check=at_least(0)),
        sah_equals_dpt=j.get("sah_equals_dpt", bool, base.sah_equals_dpt),
    )
    j.done()
    return settings


def _double_entry(top: _Table, config: Config) -> DoubleEntry | None:
    if "double_entry" not in top.data:
        top.used.add("double_entry")
        return None
    t = top.table("double_entry")
    found = DoubleEntry(tab=t.get("tab", str, None, check=_not_empty),
                        suffix=t.get("suffix", str, None, check=_suffix))
    t.done()
    if (found.tab is None) == (found.suffix is None):
        t.fail("", "config_double_entry_form",
               given=Phrase("both", "keduanya terisi") if found.tab else Phrase("neither", "keduanya kosong"))
    if not result_fields(config):
        t.fail("", "config_double_entry_no_counts")
    # Sheets tells tab titles apart ignoring case: 'tps' is the input tab 'TPS'
    summary = Phrase("a summary tab", "tab rekap")
    taken = {config.input_tab.casefold(): Phrase("input.tab", "input.tab"),
             **{title.casefold(): summary for title in (*config.summary_tabs.titles(), progress_title(config))}}
    if found.tab is not None and found.tab.casefold() in taken:
        t.fail("tab", "config_double_entry_tab", tab=repr(found.tab), what=taken[found.tab.casefold()])
    return found


def _suffix(v: str) -> Problem | None:
    """A suffix must change the header as header_key() sees it, or the second entry's column
    would be the first's."""
    return None if header_key("x" + v) != header_key("x") else problem("config_no_letter")


def _summary(top: _Table) -> tuple[SummaryTabs, str]:
    t = top.table("summary")
    tabs = SummaryTabs(
        kecamatan=t.get("kecamatan", str), kelurahan=t.get("kelurahan", str),
        masalah=t.get("masalah", str), koordinator=t.get("koordinator", str, None) or None,
        progress=t.get("progress", str, None) or None,
    )
    cell = t.get("last_synced_cell", str, f"'{tabs.kecamatan}'!A1", check=_a1_with_tab)
    t.done()
    return tabs, cell


def split_a1(ref: str) -> tuple[str, int, int] | None:
    """"'Rekap Kecamatan'!A1" -> ("Rekap Kecamatan", 1, 1) (tab, 1-based row, 1-based column)."""
    try:
        found = cell_ref(ref)
    except ValueError:
        return None
    return found.tab, found.row, found.col


def _a1_with_tab(v: str) -> Problem | None:
    return None if split_a1(v) else problem("config_not_cell")


def parse_config(data: dict[str, Any], source: str, base: Path) -> Config:
    top = _Table(source, "", data)
    columns = _columns(top)
    inp = top.table("input")
    input_tab = inp.get("tab", str)
    header_row = inp.get("header_row", int, 1, check=_positive)
    status_header = inp.get("status_header", str, "Status")
    message_header = inp.get("message_header", str, "Keterangan")
    _owned_headers_apart(inp, columns, status_header, message_header)
    inp.done()
    regions = _regions(top, base)
    summary_tabs, last_synced = _summary(top)
    config = Config(
        source=source,
        name=top.get("name", str),
        spreadsheet=top.get("spreadsheet", str, ""),
        api_url=top.get("api_url", str, "") or None,
        credentials=top.get("credentials", str, "") or None,
        language=top.get("language", str, "id", check=one_of(LANGUAGES)),
        locale=top.get("locale", str, "id_ID"),
        input_tab=input_tab,
        header_row=header_row,
        columns=columns,
        status_header=status_header,
        message_header=message_header,
        summary_tabs=summary_tabs,
        last_synced_cell=last_synced,
        regions=regions,
        targets=_targets(top, base, regions),
        rules=_rules(top, columns),
        journal_path=top.get("journal_path", str, "") or None,
        guard_max_deleted_share=top.get(
            "guard_max_deleted_share", float, 0.10,
            check=lambda v: None if 0 <= v <= 1 else problem("config_between", low=0, high=1)),
        personal_retention_days=top.get("personal_retention_days", int, None, check=_positive),
    )
    config = replace(config, double_entry=_double_entry(top, config))
    top.done()
    return config


def load_config(path: str | Path) -> Config:
    path = Path(path)
    return parse_config(read_toml(path), str(path), path.parent)


def read_toml(path: Path) -> dict[str, Any]:
    """A TOML file (a config or a fleet file) as data; ConfigError naming the file otherwise."""
    try:
        text = path.read_text(encoding="utf-8-sig")     # Windows Notepad saves a BOM
    except FileNotFoundError:
        raise ConfigError(str(path), "config_file_missing") from None
    except (OSError, UnicodeDecodeError) as e:
        raise ConfigError(str(path), "config_unreadable", reason=e) from None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        raise ConfigError(str(path), "config_toml_syntax", reason=e) from None


def preset_names() -> list[str]:
    return sorted(p.stem for p in PRESET_DIR.glob("*.toml"))


def load_preset(name: str) -> Config:
    path = PRESET_DIR / f"{name}.toml"
    if not path.is_file():
        raise ConfigError(f"preset:{name}: preset", "config_unknown_preset", names=", ".join(preset_names()))
    config = load_config(path)
    return replace(config, source=f"preset:{name}")


def with_overrides(config: Config, *, spreadsheet: str | None = None, api_url: str | None = None,
                   credentials: str | None = None) -> Config:
    changes: dict[str, Any] = {}
    if spreadsheet is not None:
        changes["spreadsheet"] = spreadsheet
    if api_url is not None:
        changes["api_url"] = api_url or None
    if credentials is not None:
        changes["credentials"] = credentials or None
    return replace(config, **changes)


def resolve_overrides(config: Config, *, spreadsheet: str | None = None, api_url: str | None = None,
                      credentials: str | None = None, environ: Mapping[str, str] | None = None) -> Config:
    """Flags beat SHEETSYNC_SPREADSHEET / SHEETSYNC_API_URL, which beat the config."""
    env = os.environ if environ is None else environ
    spreadsheet = spreadsheet or env.get("SHEETSYNC_SPREADSHEET") or None
    api_url = api_url or env.get("SHEETSYNC_API_URL") or None
    return with_overrides(config, spreadsheet=spreadsheet, api_url=api_url, credentials=credentials)
