"""fleet.toml -> a Fleet: the kab/kota sheets one process keeps synced, and the rollup.

    name = "Kawal TPS DKI Jakarta"
    language = "id"
    every = "60s"                     # default of `fleet sync --every`
    stale_after = "5m"                # a sheet not synced well for this long is named stale
    safety_read_every = "10m"         # a sheet Drive shows unchanged is still read this often
    state = "fleet-state.sqlite"      # the fleet's own record (relative to this file)
    # api_url = "http://127.0.0.1:8085"   # an emulator

    [rollup]
    spreadsheet = "1AbC..."
    credentials = "keys/provinsi.json"
    tab = "Rekap Provinsi"

    [[sheet]]
    name = "Jakarta Utara"
    region = "31.72"                  # or: config = "jakut.toml"
    spreadsheet = "1XyZ..."
    credentials = "keys/jakut.json"

Errors are one line, "<file>: <key>: <what is wrong>", as for sheetsync.toml.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from sheetsync.core.config import Config, LANGUAGES, _Table, load_config, load_preset, read_toml
from sheetsync.core.interval import parse_interval
from sheetsync.core.kabkota import region_config
from sheetsync.errors import register

# the fleet file's problems, worded like the config's (read with the same _Table)
register({
    "config_key_file_missing": {"en": "key file not found: {path}", "id": "berkas kunci tidak ditemukan: {path}"},
    "config_key_file_unreadable": {"en": "{path} is not a readable JSON key file ({kind})",
                                   "id": "{path} bukan berkas kunci JSON yang bisa dibaca ({kind})"},
    "config_one_source": {"en": "give exactly one of region, config or preset",
                          "id": "berikan tepat satu dari region, config atau preset"},
    "config_no_spreadsheet": {"en": "missing: the spreadsheet ID or URL of this kab/kota",
                              "id": "belum diisi: ID atau URL spreadsheet kab/kota ini"},
    "config_name_twice": {"en": "two sheets are named {name}", "id": "dua sheet bernama {name}"},
    "config_not_interval": {"en": "{text} is not an interval such as 60s or 5m",
                            "id": "{text} bukan selang waktu seperti 60s atau 5m"},
})

DEFAULT_ACCOUNT = "default"          # no key file: Application Default Credentials or an emulator
DEFAULT_EVERY_S = 60.0
# Drive's modifiedTime may follow an edit by minutes (about 3 reported, up to 10): a sheet
# Drive shows unchanged is read at least this often all the same.
DEFAULT_SAFETY_READ_S = 600.0


@dataclass(frozen=True)
class Account:
    """Who a key file speaks for: Google keeps quotas per account and per Cloud project."""
    email: str
    project: str


@dataclass(frozen=True)
class FleetSheet:
    name: str                        # how the rollup and status name it ("Jakarta Utara")
    config: Config                   # spreadsheet, api_url and credentials filled in
    account: Account
    region: str | None = None        # Kemendagri code when known ("31.72")

    @property
    def spreadsheet(self) -> str:
        return self.config.spreadsheet


@dataclass(frozen=True)
class RollupTarget:
    spreadsheet: str
    credentials: str | None
    account: Account
    tab: str = "Rekap Provinsi"


@dataclass(frozen=True)
class Fleet:
    source: str
    name: str
    language: str
    api_url: str | None
    state_path: Path
    every_s: float
    stale_after_s: float
    sheets: tuple[FleetSheet, ...]
    rollup: RollupTarget | None = None
    safety_read_every_s: float = DEFAULT_SAFETY_READ_S


def key_account(path: str | None, base: Path, where: _Table, name: str) -> tuple[str | None, Account]:
    """The key file's path (relative to the fleet file) and whose it is. Only its e-mail and
    project are read here; google-auth reads the key when the sheet is synced."""
    if not path:
        return None, Account(DEFAULT_ACCOUNT, DEFAULT_ACCOUNT)
    full = Path(path).expanduser()
    full = full if full.is_absolute() else base / full
    try:
        info = json.loads(full.read_text(encoding="utf-8"))
    except FileNotFoundError:
        where.fail(name, "config_key_file_missing", path=full)
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        where.fail(name, "config_key_file_unreadable", path=full, kind=exc.__class__.__name__)
    email = info.get("client_email") if isinstance(info, dict) else None
    project = info.get("project_id") if isinstance(info, dict) else None
    return str(full), Account(str(email or DEFAULT_ACCOUNT), str(project or DEFAULT_ACCOUNT))


def _sheet_config(t: _Table, base: Path) -> tuple[Config, str | None]:
    region = t.get("region", str, None)
    config_path = t.get("config", str, None)
    preset = t.get("preset", str, None)
    if sum(map(bool, (region, config_path, preset))) != 1:
        t.fail("", "config_one_source")
    if region:
        return region_config(region), region.strip()
    if preset:
        return load_preset(preset), None
    path = Path(config_path).expanduser()
    return load_config(path if path.is_absolute() else base / path), None


def _sheets(top: _Table, base: Path, api_url: str | None) -> tuple[FleetSheet, ...]:
    top.used.add("sheet")
    raw = top.data.get("sheet")
    if not isinstance(raw, list) or not raw:
        top.fail("sheet", "config_none_declared", table="sheet")
    sheets: list[FleetSheet] = []
    for i, item in enumerate(raw):
        t = _Table(top.source, f"sheet[{i}]", item)
        config, region = _sheet_config(t, base)
        name = t.get("name", str, "") or (config.regions.kota if region else config.name)
        spreadsheet = t.get("spreadsheet", str, "") or config.spreadsheet
        if not spreadsheet.strip():
            t.fail("spreadsheet", "config_no_spreadsheet")
        credentials, account = key_account(t.get("credentials", str, None) or config.credentials, base, t,
                                           "credentials")
        t.done()
        if name in {s.name for s in sheets}:
            t.fail("name", "config_name_twice", name=repr(name))
        config = replace(config, spreadsheet=spreadsheet, credentials=credentials,
                         api_url=api_url or config.api_url)
        sheets.append(FleetSheet(name, config, account, region))
    return tuple(sheets)


def _rollup(top: _Table, base: Path) -> RollupTarget | None:
    if "rollup" not in top.data:
        top.used.add("rollup")
        return None
    t = top.table("rollup")
    spreadsheet = t.get("spreadsheet", str)
    credentials, account = key_account(t.get("credentials", str, None), base, t, "credentials")
    target = RollupTarget(spreadsheet, credentials, account, t.get("tab", str, "Rekap Provinsi"))
    t.done()
    return target


def _seconds(t: _Table, name: str, default: float) -> float:
    text = t.get(name, str, "")
    if not text:
        return default
    seconds = parse_interval(text)
    if not seconds:
        t.fail(name, "config_not_interval", text=repr(text))
    return float(seconds)


def parse_fleet(data: dict[str, Any], source: str, base: Path) -> Fleet:
    top = _Table(source, "", data)
    api_url = top.get("api_url", str, "") or None
    every = _seconds(top, "every", DEFAULT_EVERY_S)
    state = Path(top.get("state", str, "fleet-state.sqlite")).expanduser()
    fleet = Fleet(
        source=source,
        name=top.get("name", str, "fleet"),
        language=top.get("language", str, "id", check=lambda v: None if v in LANGUAGES else
                         f"must be one of {', '.join(LANGUAGES)}, not {v!r}"),
        api_url=api_url,
        state_path=state if state.is_absolute() else base / state,
        every_s=every,
        stale_after_s=_seconds(top, "stale_after", max(5 * 60.0, 3 * every)),
        safety_read_every_s=_seconds(top, "safety_read_every", DEFAULT_SAFETY_READ_S),
        sheets=_sheets(top, base, api_url),
        rollup=_rollup(top, base),
    )
    top.done()
    return fleet


def load_fleet(path: str | Path) -> Fleet:
    path = Path(path)
    return parse_fleet(read_toml(path), str(path), path.parent.resolve())
