"""Demo of a small province: one synthetic sheet per kab/kota, one fleet cycle, the rollup.

``sheetsync demo --province 31`` creates, on the demo's emulator, the sheet of every kab/kota
of the provinsi (DKI Jakarta: Kepulauan Seribu, Jakarta Pusat, Utara, Barat, Selatan, Timur),
each laid out by its region config (kabkota.py) with one TPS row per kelurahan of the
Kemendagri list, so a sheet holds a few dozen TPS (Kepulauan Seribu 6, Jakarta Timur 65) and
the whole province starts in seconds.  Each is filled as volunteers fill the Jakarta Barat
demo on election night (demo.fill_updates: about 80% reported, about 5% of rows with real
mistakes).  Every kab/kota but the smallest (the fewest TPS: Kepulauan Seribu) also has a
second team typing the finished C.Hasil again in the tab "Entri Kedua", as in the Jakarta Barat
demo (seed.with_double_entry), so the rollup shows the double-checked TPS and their votes beside
the complete and "semua masuk" totals, and leaves them blank for the one sheet entered once.
Then one cycle of the fleet (fleet.FleetRunner) syncs them all within Google's quotas and
writes the province rollup to its own spreadsheet; the web view lists them all.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path
from typing import Callable

from sheetsync.core import a1
from sheetsync.core.config import Config, with_overrides
from sheetsync.demo.seed import fill_updates, show_in_view, with_double_entry, with_photo_column
from sheetsync.fleet.run import CycleReport, FleetRunner
from sheetsync.fleet.config import DEFAULT_ACCOUNT, DEFAULT_EVERY_S, Account, Fleet, FleetSheet, RollupTarget
from sheetsync.sheets.client import Client, Sheet, emulator_client
from sheetsync.core.kabkota import _national, kabkota_in, region_config, wilayah
from sheetsync.sync.layout import init_layout

ROLLUP_TAB = "Rekap Provinsi"
# The emulator's open mode: every request speaks for one account, as one service account
# serves a real fleet (the budget then holds all six sheets to one user's quota).
DEMO_ACCOUNT = Account(DEFAULT_ACCOUNT, DEFAULT_ACCOUNT)


@dataclass
class KabkotaDemo:
    code: str                  # Kemendagri code, "31.73"
    name: str                  # as the rollup names it ("Kota Administrasi Jakarta Barat")
    spreadsheet: str
    rows: int                  # TPS rows entered
    reported: int              # rows with results
    mistake_rows: int          # rows carrying a planted mistake
    second_team: bool = False  # a second team types the C.Hasil again ([double_entry] tab)
    double_checked: int = 0    # rows whose second entry agrees with the first
    entries_differ: int = 0    # rows whose second entry differs (planted)


@dataclass
class ProvinceDemo:
    provinsi: str
    api_url: str
    view_url: str              # the web view's list of spreadsheets
    rollup_spreadsheet: str
    rollup: list[list[object]]  # the rollup tab as written (title, blank, header, rows, TOTAL)
    language: str              # of the rollup and the sheets
    kabkota: list[KabkotaDemo]
    cycle: CycleReport


def tps_rows(code: str) -> list[tuple[str, str, int]]:
    """(kecamatan, kelurahan, TPS number) of the demo sheet: TPS 1 of every kelurahan."""
    return [(row["kecamatan"], row["kelurahan"], 1) for row in wilayah(code).rows]


def _planned(values: list[list[object]], config: Config, code: str) -> list[list[object]]:
    """The input tab as init left it (header) with the TPS rows entered below it."""
    header = list(values[config.header_row - 1])
    keys = [c.type for c in config.columns]
    where = {kind: header.index(config.columns[keys.index(kind)].header)
             for kind in ("kecamatan", "kelurahan", "tps")}
    grid = [list(r) for r in values[:config.header_row]]
    for kecamatan, kelurahan, tps in tps_rows(code):
        row: list[object] = [""] * len(header)
        row[where["kecamatan"]], row[where["kelurahan"]], row[where["tps"]] = kecamatan, kelurahan, tps
        grid.append(row)
    return grid


def single_entry(places: list[tuple[str, str]]) -> str:
    """The kab/kota entered once: the one with the fewest TPS, where a second team is the
    hardest to staff."""
    return min(places, key=lambda place: len(wilayah(place[0]).rows))[0]


def make_sheet(client: Client, api_url: str, code: str, name: str, work: Path,
               seed: int, photos: bool = False, second_team: bool = False) -> tuple[Config, KabkotaDemo]:
    """Create one kab/kota's sheet (init, TPS rows, volunteers' election-night values; with
    ``second_team`` the "Entri Kedua" tab init makes, typed by a second team)."""
    base = with_photo_column(region_config(code)) if photos else region_config(code)
    base = with_double_entry(base) if second_team else base
    created = client.create(f"Warga Kawal TPS {name}")
    created.sheet1.update_title(base.input_tab)    # the new file's empty first tab becomes the input tab
    config = replace(with_overrides(base, spreadsheet=created.id, api_url=api_url),
                     journal_path=str(work / f"journal-{code}.sqlite"))
    show_in_view(config)       # the web view masks its personal columns and links its photo column
    init_layout(config, client=client)
    sheet = Sheet(client, created.id)
    tab = a1.quote_tab(config.input_tab)
    grid = _planned(sheet.read([tab])[tab], config, code)
    updates, info = fill_updates(grid, config, phase="hari-h", seed=seed)
    last = a1.rect(config.input_tab, 1, 1, len(grid), len(grid[config.header_row - 1]))
    sheet.write([(last, grid), *updates])          # one write: the TPS rows, then both teams' values
    return config, KabkotaDemo(code, name, created.id, info.rows, info.reported, len(info.mistake_rows),
                               second_team, len(info.double_checked), len(info.entries_differ))


def province_fleet(provinsi: str, configs: list[tuple[str, str, Config]], rollup: str, api_url: str,
                   work: Path, language: str) -> Fleet:
    """The fleet a fleet file would describe: every kab/kota sheet, the rollup, state in ``work``."""
    sheets = tuple(FleetSheet(name, config, DEMO_ACCOUNT, code) for code, name, config in configs)
    return Fleet(source="demo", name=f"Warga Kawal TPS {wilayah_name(provinsi)}", language=language,
                 api_url=api_url, state_path=work / "fleet-state.sqlite", every_s=DEFAULT_EVERY_S,
                 stale_after_s=5 * DEFAULT_EVERY_S, sheets=sheets,
                 rollup=RollupTarget(rollup, None, DEMO_ACCOUNT, ROLLUP_TAB))


def wilayah_name(provinsi: str) -> str:
    return _national().names.get(provinsi.strip(), provinsi)     # the one reading of the national list


def province_kabkota(provinsi: str) -> list[tuple[str, str]]:
    """(code, name) of the provinsi's kab/kota; ConfigError (one line) for a code with none."""
    return kabkota_in(provinsi)


def run_province_demo(api_url: str, work: Path, *, provinsi: str = "31", seed: int = 2024,
                      photos: bool = False, step: Callable[[int, int], None] | None = None) -> ProvinceDemo:
    """Create every kab/kota sheet of ``provinsi`` and the rollup, then run one fleet cycle.
    ``work`` keeps the fleet's state, journals and locks (a temporary directory); ``step``
    hears (steps done, steps in all): one per sheet, one for the fleet cycle."""
    places = province_kabkota(provinsi)
    report = step or (lambda done, total: None)
    client = emulator_client(api_url)
    configs: list[tuple[str, str, Config]] = []
    made: list[KabkotaDemo] = []
    once = single_entry(places)
    for i, (code, name) in enumerate(places):
        config, info = make_sheet(client, api_url, code, name, work, seed + i, photos, second_team=code != once)
        configs.append((code, name, config))
        made.append(info)
        report(i + 1, len(places) + 1)
    rollup = client.create(f"Rekap Provinsi {wilayah_name(provinsi)}")
    fleet = province_fleet(provinsi, configs, rollup.id, api_url, work, configs[0][2].language)
    runner = FleetRunner(fleet, lock_dir=str(work / "locks"))
    try:
        cycle = runner.cycle()
    finally:
        runner.close()
    report(len(places) + 1, len(places) + 1)
    tab = a1.quote_tab(ROLLUP_TAB)
    table = Sheet(client, rollup.id).read([tab], render="UNFORMATTED_VALUE").get(tab, [])
    return ProvinceDemo(provinsi, api_url, f"{api_url}/view", rollup.id, table, fleet.language, made, cycle)
