"""Own by marker, never by name: sheetsync's own columns and tabs, and what is a person's."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from sheetsync.cli import cli
from sheetsync.config import ConfigError, load_config
from sheetsync.i18n import config_error

PRESET_FILE = Path(__file__).resolve().parents[1] / "sheetsync" / "presets" / "pilkada-jakbar-2024.toml"


def _preset_with(tmp_path: Path, old: str, new: str) -> Path:
    text = PRESET_FILE.read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "sheetsync.toml"
    path.write_text(text.replace(old, new).replace('"jakarta-barat-', f'"{PRESET_FILE.parent}/jakarta-barat-'),
                    encoding="utf-8")
    return path


# ------------------------------------------------- case 3: an owned header that names a data column

@pytest.mark.parametrize("old,new,clash", [
    ('status_header = "Status"', 'status_header = "DPT"', "DPT"),
    ('message_header = "Keterangan"', 'message_header = "no. tps"', "No TPS"),       # header_key match
    ('status_header = "Status"', 'status_header = "Keterangan"', "status_header"),
])
def test_owned_header_equal_to_a_data_column_is_refused_at_load(tmp_path: Path, old: str, new: str,
                                                                 clash: str) -> None:
    path = _preset_with(tmp_path, old, new)
    with pytest.raises(ConfigError) as err:
        load_config(path)
    text = str(err.value)
    assert clash in text and "\n" not in text
    assert "juga" in config_error(text, "id")          # said in Indonesian too


def test_owned_header_clash_exits_2_with_one_line(tmp_path: Path) -> None:
    path = _preset_with(tmp_path, 'status_header = "Status"', 'status_header = "DPT"')
    for lang, word in (("en", "also the header"), ("id", "juga judul kolom data")):
        result = CliRunner().invoke(cli, ["--lang", lang, "check", "--config", str(path), "--spreadsheet", "x" * 44])
        assert result.exit_code == 2, result.output
        assert word in result.output and "Traceback" not in result.output
        assert len(result.output.strip().splitlines()) <= 2
