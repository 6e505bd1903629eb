"""sheetsync.toml -> frozen dataclasses.

A bad config fails with ConfigError whose text is ONE line:
"<file>: <key>: <what is wrong>".  Nothing here touches the network.
See docs/core.md for the format.
"""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Callable, Mapping, NoReturn

from sheetsync.core.a1 import CellRef, cell_ref
from sheetsync.core.headers import header_key
from sheetsync.core.regions import Regions, RegionError, load_regions, read_csv_rows

PRESET_DIR = Path(__file__).parent / "presets"
COLUMN_TYPES = ("text", "integer", "kecamatan", "kelurahan", "tps", "code", "phone", "yesno", "photo")
LANGUAGES = ("id", "en")


class ConfigError(Exception):
    """str(e) is one line: "<file>: <key>: <what is wrong>"."""


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
            self.fail("", f"expected a table, got {_type_name(data)}")
        self.data: dict[str, Any] = data
        self.used: set[str] = set()

    def key(self, name: str) -> str:
        return f"{self.path}.{name}" if self.path else name

    def fail(self, name: str, what: str) -> NoReturn:
        where = self.key(name) if name else (self.path or "(top level)")
        raise ConfigError(f"{self.source}: {where}: {what}")

    def get(self, name: str, kind: type | tuple[type, ...], default: Any = ..., *,
            check: Callable[[Any], str | None] | None = None) -> Any:
        self.used.add(name)
        if name not in self.data:
            if default is ...:
                self.fail(name, "missing")
            return default
        value = self.data[name]
        kinds = kind if isinstance(kind, tuple) else (kind,)
        ok = isinstance(value, kinds) and not (isinstance(value, bool) and bool not in kinds)
        if float in kinds and isinstance(value, int) and not isinstance(value, bool):
            value, ok = float(value), True
        if not ok:
            self.fail(name, f"expected {' or '.join(_KIND_NAMES[k] for k in kinds)}, got {_type_name(value)}")
        problem = check(value) if check else None
        if problem:
            self.fail(name, problem)
        return value

    def table(self, name: str, required: bool = True) -> "_Table":
        if name not in self.data and not required:
            self.used.add(name)
            return _Table(self.source, self.key(name), {})
        return _Table(self.source, self.key(name), self.get(name, dict))

    def done(self) -> None:
        for name in self.data:
            if name not in self.used:
                self.fail(name, "unknown key")


_KIND_NAMES = {str: "a string", int: "an integer", float: "a number", bool: "true/false",
               list: "a list", dict: "a table", dt.date: "a date"}


def _type_name(value: Any) -> str:
    names = {str: "a string", int: "an integer", float: "a number", bool: "true/false",
             list: "a list", dict: "a table"}
    return names.get(type(value), type(value).__name__)


def _one_of(options: tuple[str, ...]) -> Callable[[Any], str | None]:
    return lambda v: None if v in options else f"must be one of {', '.join(options)}, not {v!r}"


def _positive(v: Any) -> str | None:
    return None if v >= 1 else "must be 1 or more"


def _owned_headers_apart(inp: _Table, columns: tuple[Column, ...], status_header: str,
                         message_header: str) -> None:
    """sheetsync writes into its own two columns on every sync: a header that also names a
    data column (or its alias) would have it overwrite that column, so it is refused here."""
    taken = {header_key(name): c.header for c in columns for name in (c.header, *c.aliases)}
    for key, text in (("status_header", status_header), ("message_header", message_header)):
        if not header_key(text):
            inp.fail(key, "must hold a letter or digit")
        if header_key(text) in taken:
            inp.fail(key, f"{text!r} is also the header of the data column {taken[header_key(text)]!r}: "
                          "choose another header for sheetsync's own column")
    if header_key(status_header) == header_key(message_header):
        inp.fail("message_header", f"{message_header!r} is also status_header: the two need different headers")


# ---- sections ----------------------------------------------------------------

def _columns(top: _Table) -> tuple[Column, ...]:
    top.used.add("columns")
    raw = top.data.get("columns")
    if not isinstance(raw, list) or not raw:
        top.fail("columns", "missing or empty: declare at least one [[columns]]")
    columns, seen = [], set()
    for i, item in enumerate(raw):
        t = _Table(top.source, f"columns[{i}]", item)
        col = Column(
            field=t.get("field", str, check=lambda v: None if v.strip() else "must not be empty"),
            header=t.get("header", str, check=lambda v: None if v.strip() else "must not be empty"),
            type=t.get("type", str, "text", check=_one_of(COLUMN_TYPES)),
            required=t.get("required", bool, False),
            min=t.get("min", int, None),
            max=t.get("max", int, None),
            personal=t.get("personal", bool, False),
            aliases=tuple(_strings(t, "aliases")),
        )
        t.done()
        if col.field in seen:
            t.fail("field", f"duplicate field {col.field!r}")
        seen.add(col.field)
        columns.append(col)
    types = {c.type for c in columns}
    for needed in ("kecamatan", "kelurahan", "tps"):
        if needed not in types:
            top.fail("columns", f"needs a column of type {needed!r}")
    if sum(c.type == "photo" for c in columns) > 1:   # one link per TPS is what is counted
        top.fail("columns", "has more than one column of type 'photo'")
    return tuple(columns)


def _strings(t: _Table, name: str) -> list[str]:
    values: list[str] = t.get(name, list, [])
    for v in values:
        if not isinstance(v, str):
            t.fail(name, f"expected a list of strings, found {_type_name(v)}")
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
        t.fail(name, f"file not found: {path}")
    return path


def _regions(top: _Table, base: Path) -> Regions:
    t = top.table("regions")
    kota = t.get("kota", str)
    wilayah = _file(t, "wilayah", base)
    aliases = _optional_file(t, "aliases", base)
    t.done()
    try:
        return load_regions(kota, wilayah, aliases)
    except (RegionError, OSError, UnicodeDecodeError) as e:
        t.fail("wilayah", str(e))
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
        t.fail("file", str(e))
    for line, r in enumerate(rows, start=2):
        code = regions.find_kecamatan(r.get("kecamatan"))
        if code is None:
            t.fail("file", f"{path.name} line {line}: unknown kecamatan {r.get('kecamatan')!r}")
        try:
            out.append(KecamatanTarget(code, int(r["jumlah_tps"]), int(r["target_suara"])))
        except (KeyError, TypeError, ValueError):
            t.fail("file", f"{path.name} line {line}: needs integer jumlah_tps and target_suara")
    return Targets(tuple(out))


def _rules(top: _Table, columns: tuple[Column, ...]) -> RuleSettings:
    t = top.table("rules", required=False)
    fields = {c.field for c in columns}
    default_paslon = [c.field for c in columns if c.field.startswith("paslon_")]

    def known_field(v: Any) -> str | None:
        return None if v in fields else f"no column with field {v!r}"

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
            t.fail("paslon", f"no column with field {p!r}")
    settings = RuleSettings(
        max_dpt=t.get("max_dpt", int, 600, check=_positive),
        dpt_tolerance=t.get("dpt_tolerance", float, 1.02, check=lambda v: None if v >= 1 else "must be >= 1"),
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
            t.fail("photo_hosts", f"{host!r} is not a host name (like foto.example.org, without https://)")
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
                           check=lambda v: None if v > 0 else "must be more than 0"),
        min_group_tps=j.get("min_group_tps", int, base.min_group_tps,
                            check=lambda v: None if v >= 3 else "must be 3 or more"),
        min_identical_tps=j.get("min_identical_tps", int, base.min_identical_tps,
                                check=lambda v: None if v >= 2 else "must be 2 or more"),
        min_identical_votes=j.get("min_identical_votes", int, base.min_identical_votes,
                                  check=lambda v: None if v >= 0 else "must be 0 or more"),
        sah_equals_dpt=j.get("sah_equals_dpt", bool, base.sah_equals_dpt),
    )
    j.done()
    return settings


def _summary(top: _Table) -> tuple[SummaryTabs, str]:
    t = top.table("summary")
    tabs = SummaryTabs(
        kecamatan=t.get("kecamatan", str), kelurahan=t.get("kelurahan", str),
        masalah=t.get("masalah", str), koordinator=t.get("koordinator", str, None) or None,
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


def _a1_with_tab(v: str) -> str | None:
    return None if split_a1(v) else "expected a cell like 'Rekap Kecamatan'!A1"


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
        language=top.get("language", str, "id", check=_one_of(LANGUAGES)),
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
            check=lambda v: None if 0 <= v <= 1 else "must be between 0 and 1"),
        personal_retention_days=top.get("personal_retention_days", int, None, check=_positive),
    )
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
        raise ConfigError(f"{path}: file not found") from None
    except (OSError, UnicodeDecodeError) as e:
        raise ConfigError(f"{path}: cannot read: {e}") from None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        raise ConfigError(f"{path}: TOML syntax: {e}") from None


def preset_names() -> list[str]:
    return sorted(p.stem for p in PRESET_DIR.glob("*.toml"))


def load_preset(name: str) -> Config:
    path = PRESET_DIR / f"{name}.toml"
    if not path.is_file():
        raise ConfigError(f"preset:{name}: preset: unknown preset (available: {', '.join(preset_names())})")
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
