"""`sheetsync fleet sync` and `fleet status` through click's CliRunner, checked through the library
and real gspread against the emulator."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from sheetsync.cli.main import cli
from sheetsync.core.config import ConfigError
from google_emulator import GoogleEmulator
from sheetsync.fleet.config import load_fleet
from sync_data import seed
from test_fleet import tps_rows


def fleet_file(tmp: Path, emu: GoogleEmulator, sheets: dict[str, tuple[str, str]], rollup: str) -> Path:
    lines = ['name = "DKI Jakarta"', f'api_url = "{emu.url}"', 'state = "state.sqlite"', 'language = "en"',
             "[rollup]", f'spreadsheet = "{rollup}"']
    for name, (code, key) in sheets.items():
        lines += ["[[sheet]]", f'name = "{name}"', f'region = "{code}"', f'spreadsheet = "{key}"']
    path = tmp / "fleet.toml"
    path.write_text("\n".join(lines) + "\n")
    return path


def test_fleet_sync_then_status(emu: GoogleEmulator, tmp_path: Path) -> None:
    gc = emu.client()
    pusat = seed(gc, tps_rows("31.71", (1, 2, 3)))
    utara = seed(gc, tps_rows("31.72", (3, 2, 1)))
    rollup = gc.create("Rekap DKI")
    path = fleet_file(tmp_path, emu, {"Jakarta Pusat": ("31.71", pusat.id), "Jakarta Utara": ("31.72", utara.id),
                                      "Jakarta Timur": ("31.75", "1" + "x" * 40)}, rollup.id)
    result = CliRunner().invoke(cli, ["fleet", "sync", "--fleet", str(path), "--lang", "en"])
    assert result.exit_code == 3, result.output      # Jakarta Timur's spreadsheet does not exist
    assert "Jakarta Pusat: OK" in result.output and "Jakarta Utara: OK" in result.output
    assert "Jakarta Timur: FAILED (spreadsheet not found (deleted?))" in result.output
    assert "Traceback" not in result.output
    rows = rollup.worksheet("Rekap Provinsi").get_all_values()
    assert rows[-1][-1] == "Needs attention: Jakarta Timur"

    status = CliRunner().invoke(cli, ["fleet", "status", "--fleet", str(path), "--json"])
    assert status.exit_code == 0, status.output
    by_name = {r["name"]: r for r in json.loads(status.output)}
    assert by_name["Jakarta Pusat"]["last_good"] and by_name["Jakarta Pusat"]["failures"] == 0
    assert by_name["Jakarta Pusat"]["requests_last"] >= 2
    assert by_name["Jakarta Timur"]["failure_code"] == "not_found" and by_name["Jakarta Timur"]["unsynced_since"]
    table = CliRunner().invoke(cli, ["fleet", "status", "--fleet", str(path), "--lang", "id"])
    assert table.exit_code == 0 and "Jakarta Timur" in table.output and "tidak ditemukan" in table.output


def test_a_bad_fleet_file_is_one_line(tmp_path: Path) -> None:
    path = tmp_path / "fleet.toml"
    path.write_text('[[sheet]]\nname = "Jakarta Utara"\nregion = "31.99"\nspreadsheet = "1xxxxxxxxxxxxxxxxxxx"\n')
    result = CliRunner().invoke(cli, ["fleet", "sync", "--fleet", str(path), "--lang", "en"])
    assert result.exit_code == 2 and "31.99" in result.output and "Traceback" not in result.output
    assert len(result.output.strip().splitlines()) <= 2


@pytest.mark.parametrize("body, where", [
    ('[[sheet]]\nregion = "31.72"\nconfig = "x.toml"\nspreadsheet = "1xxxxxxxxxxxxxxxxxxx"\n',
     "sheet[0]: give exactly one of region, config or preset"),
    ('[[sheet]]\nregion = "31.72"\n', "sheet[0].spreadsheet: missing"),
    ('every = "soon"\n[[sheet]]\nregion = "31.72"\nspreadsheet = "1xxxxxxxxxxxxxxxxxxx"\n', "every: 'soon' is not"),
    ('[[sheet]]\nregion = "31.72"\nspreadsheet = "1xxxxxxxxxxxxxxxxxxx"\ncredentials = "gone.json"\n',
     "sheet[0].credentials: key file not found"),
    ('[[sheet]]\nregion = "31.72"\nspreadsheet = "1xxxxxxxxxxxxxxxxxxx"\nkota = "x"\n', "sheet[0].kota: unknown key"),
    ('name = "DKI"\n', "sheet: missing or empty"),
    ('[[sheet]]\nregion = "31.72"\nspreadsheet = "1xxxxxxxxxxxxxxxxxxx"\n'
     '[[sheet]]\nregion = "31.72"\nspreadsheet = "1yyyyyyyyyyyyyyyyyyy"\n', "two sheets are named"),
])
def test_fleet_file_errors_name_the_key(tmp_path: Path, body: str, where: str) -> None:
    path = tmp_path / "fleet.toml"
    path.write_text(body)
    with pytest.raises(ConfigError) as info:
        load_fleet(path)
    assert where in str(info.value) and "\n" not in str(info.value)
