"""A config for any kab/kota by its Kemendagri code (--region), built from the national list."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from google_emulator import GoogleEmulator
from sheetsync.cli.main import cli
from sheetsync.core.config import ConfigError, load_preset
from sheetsync.core.kabkota import kabkota_in, region_config
from sync_data import seed


def test_a_region_config_carries_the_official_regions_without_stray_spaces() -> None:
    config = region_config("31.72")
    assert config.regions.kota == "Kota Administrasi Jakarta Utara"      # published with a trailing space
    assert [k.name for k in config.regions.kecamatan] == [
        "Penjaringan", "Tanjung Priok", "Koja", "Cilincing", "Pademangan", "Kelapa Gading"]
    assert config.regions.find_kelurahan("sunter  agung", config.regions.find_kecamatan("TANJUNG PRIOK"))
    assert config.targets.by_kecamatan == ()
    assert [code for code, _ in kabkota_in("31")] == ["31.01", "31.71", "31.72", "31.73", "31.74", "31.75"]


def test_the_jakarta_barat_preset_keeps_its_targets() -> None:
    assert sum(t.planned_tps for t in load_preset("pilkada-jakbar-2024").targets.by_kecamatan) == 2648


@pytest.mark.parametrize("code", ["31.99", "31", "jakut", "31.72.01"])
def test_an_unknown_or_malformed_code_is_one_line(code: str) -> None:
    with pytest.raises(ConfigError) as info:
        region_config(code)
    assert "\n" not in str(info.value) and code in str(info.value)


def test_sync_by_region_measures_reported_against_the_rows_entered(emu: GoogleEmulator) -> None:
    header = ["Kecamatan", "Kelurahan", "No TPS", "DPT", "Paslon 1", "Paslon 2", "Paslon 3",
              "Suara Sah", "Suara Tidak Sah", "Pengguna Hak Pilih"]
    rows = [header,
            ["Koja", "Tugu Utara", "1", "300", "10", "20", "30", "60", "2", "62"],
            ["Koja", "Tugu Utara", "2", "300", "", "", "", "", "", ""],
            ["Cilincing", "Marunda", "1", "300", "5", "5", "5", "15", "0", "15"],
            ["Grogol", "Tanjung Duren Utara", "1", "300", "1", "1", "1", "3", "0", "3"]]   # not Jakarta Utara
    sh = seed(emu.client(), rows)
    result = CliRunner().invoke(cli, ["sync", "--region", "31.72", "--spreadsheet", sh.id,
                                      "--api-url", emu.url, "--lang", "en"])
    assert result.exit_code == 0, result.output
    rekap = sh.worksheet("Rekap Kecamatan").get_all_values()
    head = rekap[2]
    total = rekap[-1]
    assert total[1].endswith("Kota Administrasi Jakarta Utara")
    col = {name: head.index(name) for name in ("TPS Rencana", "TPS Masuk", "TPS Lapor", "% Lapor (dari TPS Masuk)")}
    assert total[col["TPS Rencana"]] == ""                   # no plan: nothing claimed
    # four rows typed, one in another kota (an error): 2 reported of the 4 entered
    assert total[col["TPS Masuk"]] == "4" and total[col["TPS Lapor"]] == "2"
    assert total[col["% Lapor (dari TPS Masuk)"]] == "50"              # the summary says what % is of


def test_region_and_preset_together_is_bad_usage() -> None:
    result = CliRunner().invoke(cli, ["check", "--region", "31.72", "--preset", "pilkada-jakbar-2024",
                                      "--spreadsheet", "1" * 20, "--lang", "en"])
    assert result.exit_code == 2 and "either" in result.output
