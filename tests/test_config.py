"""Config loading: one-line errors naming file and key."""

from pathlib import Path

import pytest

from sheetsync.core.config import ConfigError, load_config, load_preset, split_a1, with_overrides

PRESETS = Path(__file__).resolve().parents[1] / "sheetsync" / "core" / "presets"

MINIMAL = f'''
name = "mini"
spreadsheet = "abc"
[input]
tab = "TPS"
[summary]
kecamatan = "Rekap Kecamatan"
kelurahan = "Rekap Kelurahan"
masalah = "Masalah"
[regions]
kota = "Jakarta Barat"
wilayah = "{PRESETS / 'jakarta-barat-wilayah.csv'}"
[[columns]]
field = "kecamatan"
header = "Kecamatan"
type = "kecamatan"
required = true
[[columns]]
field = "kelurahan"
header = "Kelurahan"
type = "kelurahan"
[[columns]]
field = "tps"
header = "TPS"
type = "tps"
[[columns]]
field = "paslon_1"
header = "Paslon 1"
type = "integer"
'''


def write(tmp_path, text, name="sheetsync.toml"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def error_of(tmp_path, text) -> str:
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as e:
        load_config(path)
    message = str(e.value)
    assert "\n" not in message
    assert message.startswith(str(path))
    return message


def test_minimal_config_defaults(tmp_path):
    config = load_config(write(tmp_path, MINIMAL))
    assert config.name == "mini" and config.spreadsheet == "abc" and config.language == "id"
    assert config.header_row == 1 and config.status_header == "Status"
    assert config.rules.max_dpt == 600 and config.rules.paslon_fields == ("paslon_1",)
    assert config.last_synced_cell == "'Rekap Kecamatan'!A1"
    assert config.targets.by_kecamatan == ()
    assert config.api_url is None and config.journal_path is None


def test_unknown_key_names_file_and_key(tmp_path):
    msg = error_of(tmp_path, MINIMAL.replace('[input]\n', '[input]\ntabb = "x"\n'))
    assert msg.endswith("input.tabb: unknown key")


def test_unknown_key_in_column(tmp_path):
    msg = error_of(tmp_path, MINIMAL.replace('type = "tps"', 'type = "tps"\nrequird = true'))
    assert "columns[2].requird: unknown key" in msg


def test_wrong_type(tmp_path):
    msg = error_of(tmp_path, MINIMAL.replace('[input]\n', '[input]\nheader_row = "2"\n'))
    assert "input.header_row: expected an integer, got a string" in msg


def test_bool_is_not_an_integer(tmp_path):
    msg = error_of(tmp_path, MINIMAL + '[rules]\nmax_dpt = true\n')
    assert "rules.max_dpt: expected an integer" in msg


def test_bad_column_type(tmp_path):
    msg = error_of(tmp_path, MINIMAL.replace('type = "integer"', 'type = "number"'))
    assert "columns[3].type: must be one of" in msg


def test_missing_key(tmp_path):
    msg = error_of(tmp_path, MINIMAL.replace('tab = "TPS"', ''))
    assert msg.endswith("input.tab: missing")


def test_missing_referenced_file(tmp_path):
    msg = error_of(tmp_path, MINIMAL.replace("jakarta-barat-wilayah.csv", "nope.csv"))
    assert "regions.wilayah: file not found" in msg


def test_missing_config_file(tmp_path):
    with pytest.raises(ConfigError, match=r"nothere.toml: file not found"):
        load_config(tmp_path / "nothere.toml")


def test_toml_syntax_error(tmp_path):
    msg = error_of(tmp_path, MINIMAL + "\n[[columns]\n")
    assert "TOML syntax" in msg


def test_duplicate_field_and_needed_types(tmp_path):
    assert "duplicate field" in error_of(tmp_path, MINIMAL.replace('field = "paslon_1"', 'field = "tps"'))
    no_tps = MINIMAL.replace('type = "tps"', 'type = "text"')
    assert "needs a column of type 'tps'" in error_of(tmp_path, no_tps)


def test_rules_refer_to_known_fields(tmp_path):
    msg = error_of(tmp_path, MINIMAL + '[rules]\nsupported_paslon = "paslon_9"\n')
    assert "rules.supported_paslon: no column with field 'paslon_9'" in msg


def test_phone_and_yesno_types_accepted(tmp_path):
    extra = '[[columns]]\nfield = "hp"\nheader = "HP"\ntype = "phone"\npersonal = true\n' \
            '[[columns]]\nfield = "bimtek"\nheader = "Bimtek"\ntype = "yesno"\n'
    config = load_config(write(tmp_path, MINIMAL + extra))
    assert config.column("hp").type == "phone" and config.column("hp").personal
    assert config.personal_fields == frozenset({"hp"})


def test_bad_targets_row(tmp_path):
    (tmp_path / "t.csv").write_text("kecamatan,jumlah_tps,target_suara\nAtlantis,1,2\n")
    msg = error_of(tmp_path, MINIMAL + '[targets]\nfile = "t.csv"\n')
    assert "targets.file: t.csv line 2: unknown kecamatan 'Atlantis'" in msg


def test_bad_last_synced_cell(tmp_path):
    text = MINIMAL.replace('masalah = "Masalah"', 'masalah = "Masalah"\nlast_synced_cell = "A1"')
    assert "summary.last_synced_cell" in error_of(tmp_path, text)


def test_split_a1():
    assert split_a1("'Rekap Kecamatan'!A1") == ("Rekap Kecamatan", 1, 1)
    assert split_a1("Masalah!$B$3") == ("Masalah", 3, 2)
    assert split_a1("'it''s'!AA10") == ("it's", 10, 27)
    assert split_a1("A1") is None


def test_preset_and_overrides():
    config = load_preset("pilkada-jakbar-2024")
    assert config.source == "preset:pilkada-jakbar-2024"
    new = with_overrides(config, spreadsheet="KEY", api_url="http://127.0.0.1:1")
    assert (new.spreadsheet, new.api_url, new.credentials) == ("KEY", "http://127.0.0.1:1", None)
    assert config.spreadsheet == ""


def test_unknown_preset():
    with pytest.raises(ConfigError, match="preset:nope: preset: unknown preset"):
        load_preset("nope")


@pytest.mark.parametrize("lang, title", [("id", "Progres 24 Jam"), ("en", "Last 24 hours")])
def test_the_second_entry_tab_cannot_be_the_last_24_hours_tab(lang, title):
    """sheetsync writes the last 24 hours' tab (default title in the sheet's language): a second
    entry there would be overwritten by every sync."""
    from sheetsync.core.config import PRESET_DIR, ConfigError, parse_config, read_toml
    data = read_toml(PRESET_DIR / "pilkada-jakbar-2024.toml")
    data.update(language=lang, double_entry={"tab": title.upper()})
    with pytest.raises(ConfigError) as err:
        parse_config(data, "sheetsync.toml", PRESET_DIR)
    assert "double_entry.tab" in str(err.value) and "tab rekap" in err.value.message("id")
