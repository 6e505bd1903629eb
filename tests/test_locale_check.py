"""init and check say when the spreadsheet locale is not the config's (id_ID for the preset)
and how to change it: a warning, not a failure (CliRunner against the emulator, checked
through real gspread); sync spends no request on it."""

from __future__ import annotations

from typing import Any

import pytest
from click.testing import CliRunner

from sheetsync.cli.main import cli
from sheets import private_workdir
from sync_data import seed, tps_sheet

PRESET = "pilkada-jakbar-2024"
WARNING_EN = "The spreadsheet's locale is 'en_US', not 'id_ID' as the config expects"
HOW = "File > Settings > Locale"


def _sheet(emu: Any, locale: str | None) -> Any:
    sh = seed(emu.client(), tps_sheet(6, seed=8, unfilled=0, broken=0))
    if locale:
        sh.batch_update({"requests": [{"updateSpreadsheetProperties": {
            "properties": {"locale": locale}, "fields": "locale"}}]})
    return sh


def _run(emu: Any, sh: Any, tmp_path: Any, *args: str) -> Any:
    with private_workdir(tmp_path):
        return CliRunner().invoke(cli, [*args, "--preset", PRESET, "--api-url", emu.url,
                                        "--spreadsheet", sh.id, "--lang", "en"])


def test_init_and_check_warn_about_an_en_US_sheet_and_say_how_to_change_it(emu, tmp_path):
    sh = _sheet(emu, None)
    init = _run(emu, sh, tmp_path, "init")
    assert init.exit_code == 0, init.output
    assert WARNING_EN in init.output and HOW in init.output
    check = _run(emu, sh, tmp_path, "check")
    assert check.exit_code == 0, check.output                    # a warning, not a failure
    assert WARNING_EN in check.output and HOW in check.output
    assert "Traceback" not in init.output + check.output
    assert sh.fetch_sheet_metadata({"fields": "properties"})["properties"]["locale"] == "en_US"


def test_an_id_ID_sheet_gets_no_locale_warning(emu, tmp_path):
    sh = _sheet(emu, "id_ID")
    for command in ("init", "check"):
        result = _run(emu, sh, tmp_path, command)
        assert result.exit_code == 0, result.output
        assert "locale" not in result.output.lower()


@pytest.mark.parametrize("found, warned", [("id_ID", False), ("in_ID", False), ("id-ID", False),
                                           ("en_US", True), ("id_SG", True), ("ms_ID", True)])
def test_indonesian_under_either_code_is_the_expected_locale(found: str, warned: bool) -> None:
    from sheetsync.core.config import load_preset
    from sheetsync.core.locale_check import locale_issue

    assert (locale_issue(found, load_preset("pilkada-jakbar-2024")) is not None) is warned
