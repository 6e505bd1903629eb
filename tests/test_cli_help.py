"""Every command's --help has an example, usage errors exit 2, messages in two languages."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from sheetsync.cli.main import cli
from sheetsync.core.interval import parse_interval
from sheetsync.cli.messages import MESSAGES, t
from sheetsync.i18n import detect_lang

COMMANDS = sorted(cli.commands)


def test_all_commands_are_registered() -> None:
    assert set(COMMANDS) >= {"init", "sync", "check", "plan", "reconcile", "export", "history",
                             "diff", "restore", "emulator", "demo"}


# --help follows the reader's language (tests/test_cli_help_id.py); both must show examples
HELP_LANGS = [({"LC_ALL": None, "LC_MESSAGES": None, "LANG": "C"}, "Examples:"),
              ({"LC_ALL": None, "LC_MESSAGES": None, "LANG": "id_ID.UTF-8"}, "Contoh:")]


@pytest.mark.parametrize("env, heading", HELP_LANGS, ids=["en", "id"])
@pytest.mark.parametrize("name", COMMANDS)
def test_help_has_an_example_of_this_command(name: str, env: dict, heading: str) -> None:
    result = CliRunner().invoke(cli, [name, "--help"], env=env)
    assert result.exit_code == 0, result.output
    text = result.output
    assert heading in text
    examples = text.split(heading, 1)[1]
    assert f"sheetsync {name}" in examples, f"{name}: no example invoking it"


@pytest.mark.parametrize("env, heading", HELP_LANGS, ids=["en", "id"])
def test_group_help_has_examples(env: dict, heading: str) -> None:
    result = CliRunner().invoke(cli, ["--help"], env=env)
    assert result.exit_code == 0 and heading in result.output and "sheetsync demo" in result.output


@pytest.mark.parametrize("args", [
    ["check", "--preset", "no-such-preset"],
    ["check", "--preset", "pilkada-jakbar-2024"],                      # no spreadsheet
    ["check", "--preset", "pilkada-jakbar-2024", "--config", "x.toml"],
    ["sync", "--preset", "pilkada-jakbar-2024", "--spreadsheet", "k" * 20, "--every", "soon"],
    ["sync", "--preset", "pilkada-jakbar-2024", "--spreadsheet", "k" * 20, "--every", "1s"],   # over quota
    ["sync", "--bogus-option"],
    ["check", "--preset", "pilkada-jakbar-2024", "--spreadsheet", "abc"],   # malformed ID: usage, not 3
    ["--lang", "id", "sync", "--preset", "pilkada-jakbar-2024", "--spreadsheet", "https://example.com/x"],
])
def test_usage_and_config_errors_exit_2_without_traceback(args: list[str], tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("SHEETSYNC_SPREADSHEET", raising=False)
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    assert len([line for line in result.output.splitlines() if line.strip()]) <= 3


def test_every_refuses_an_interval_over_google_quota() -> None:
    args = ["sync", "--preset", "pilkada-jakbar-2024", "--spreadsheet", "k" * 20, "--every"]
    for lang, words in (("en", "60 reads a minute; use 5s or more"), ("id", "60 baca per menit; pakai 5s")):
        result = CliRunner().invoke(cli, ["--lang", lang, *args, "4s"])
        assert result.exit_code == 2 and words in result.output, result.output


def test_malformed_spreadsheet_says_what_to_pass_in_the_chosen_language() -> None:
    result = CliRunner().invoke(cli, ["--lang", "id", "plan", "--preset", "pilkada-jakbar-2024",
                                      "--spreadsheet", "abc"])
    assert result.exit_code == 2 and "'abc' bukan ID atau URL spreadsheet" in result.output


def test_config_file_error_names_file_and_key(tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    bad = tmp_path / "sheetsync.toml"
    bad.write_text('name = "x"\nspreadsheet = 5\n')
    result = CliRunner().invoke(cli, ["check"])
    assert result.exit_code == 2
    assert "sheetsync.toml" in result.output and "Traceback" not in result.output


@pytest.mark.parametrize("edit, english, indonesian", [
    (None, "file not found", "berkas tidak ditemukan"),
    (('spreadsheet = ""', "spreadsheet = 5"), "expected a string, got an integer",
     "seharusnya teks, bukan bilangan bulat"),
    (('language = "id"', 'language = "id"\nbogus = 1'), "unknown key", "kunci tidak dikenal"),
])
def test_config_errors_in_one_language(edit, english, indonesian, tmp_path, monkeypatch) -> None:
    import shutil
    from pathlib import Path

    import sheetsync.core.presets

    monkeypatch.chdir(tmp_path)
    if edit is not None:        # the bundled preset as a file, with one mistake
        presets = Path(sheetsync.core.presets.__file__).parent
        for csv_file in presets.glob("*.csv"):
            shutil.copy(csv_file, tmp_path)
        text = (presets / "pilkada-jakbar-2024.toml").read_text()
        assert edit[0] in text
        (tmp_path / "c.toml").write_text(text.replace(edit[0], edit[1], 1))
    result = CliRunner().invoke(cli, ["--lang", "id", "check", "--config", "c.toml"])
    assert result.exit_code == 2 and "c.toml" in result.output
    assert indonesian in result.output and english not in result.output, result.output
    assert english in CliRunner().invoke(cli, ["--lang", "en", "check", "--config", "c.toml"]).output


def test_no_config_at_all_says_what_to_do(tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))
    monkeypatch.delenv("SHEETSYNC_CONFIG", raising=False)
    result = CliRunner().invoke(cli, ["check"])
    assert result.exit_code == 2 and "--preset pilkada-jakbar-2024" in result.output
    result = CliRunner().invoke(cli, ["--lang", "id", "check"])
    assert result.exit_code == 2 and "tidak ada konfigurasi" in result.output


def test_lang_detection() -> None:
    assert detect_lang("id") == "id" and detect_lang("en") == "en"
    assert detect_lang(None, {"LANG": "id_ID.UTF-8"}) == "id"
    assert detect_lang(None, {"LANG": "en_US.UTF-8", "LC_ALL": "id_ID"}) == "id"
    assert detect_lang(None, {"LANG": "C.UTF-8"}) == "en"
    assert detect_lang(None, {}) == "en"


def test_every_message_has_both_languages_with_the_same_placeholders() -> None:
    import string

    for key, (en, id_) in MESSAGES.items():
        names = lambda s: {f for _, f, _, _ in string.Formatter().parse(s) if f}  # noqa: E731
        assert en and id_ and names(en) == names(id_), key
    assert t("init_tps", "id", count=3) == "3 baris TPS rencana ditambahkan."
    from sheetsync.cli.common import Ui

    for key, (en, _) in MESSAGES.items():      # every message renders through Ui.t with its own params
        params = {f: "x" for _, f, _, _ in string.Formatter().parse(en) if f}
        assert Ui("id").t(key, **params) and Ui("en").t(key, **params)


def test_parse_interval() -> None:
    assert parse_interval("60s") == 60 and parse_interval("5m") == 300 and parse_interval("1h") == 3600
    assert parse_interval("90") == 90 and parse_interval("soon") is None


def test_progress_only_on_a_terminal_and_not_with_quiet(capsys, monkeypatch) -> None:
    import sys

    from sheetsync.cli.common import Ui

    def draw(ui: Ui) -> str:
        with ui.progress_to("export") as report:
            for i in range(1, 4):
                report(i, 3)
        return capsys.readouterr().err

    assert draw(Ui()) == ""                                  # pytest's stderr is not a TTY
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True, raising=False)
    assert "export" in draw(Ui())
    assert draw(Ui(quiet=True)) == ""


def test_table_aligns_and_formats_numbers_per_language() -> None:
    from sheetsync.cli.common import format_table

    text = format_table(["kecamatan", "target"], [["Cengkareng", 105000], ["Tambora", 62600]], "id")
    lines = text.splitlines()
    assert lines[2].endswith("105.000") and lines[3].endswith(" 62.600")
    assert "105,000" in format_table(["k", "t"], [["x", 105000]], "en")
    # keys become words of the language; whole floats are integers; one column, one precision
    text = format_table(["kecamatan", "target_sum", "ok", "pct_reported"],
                        [["Cengkareng", 104000.0, False, 74.3], ["Tambora", 62200.0, True, 75]], "id")
    assert text.splitlines()[0].split()[:4] == ["Kecamatan", "Jumlah", "target", "TPS"]
    assert "104.000 " in text and "104.000,0" not in text and "tidak" in text and "False" not in text
    assert "75,0" in text and "74,3" in text


def test_personal_values_masked_in_issue_output() -> None:
    from sheetsync.cli.sheet import issue_dict
    from sheetsync.core.issues import Issue

    issue = Issue(code="not_integer", severity="error", row=7, field="hp_saksi",
                  params={"column": "HP/WA Saksi", "row": 7, "value": "0812-3456-7890"})
    shown = issue_dict(issue, "id", frozenset({"hp_saksi"}))
    assert "0812" not in str(shown) and "HP/WA Saksi" in shown["message"] and shown["row"] == 7
    assert "0812-3456-7890" in issue_dict(issue, "id")["message"]


def test_emulator_help_is_one_clean_click_help() -> None:
    result = CliRunner().invoke(cli, ["emulator", "--help"], env=HELP_LANGS[0][0])
    assert result.exit_code == 0
    text = result.output
    assert text.count("Usage:") == 1 and "usage:" not in text           # argparse's block is gone
    for option in ("--host", "--port", "--state", "--strict", "--quota"):
        assert option in text
    assert "see `sheetsync emulator --help`" not in text
    assert "sheetsync emulator --port 8555" in text.split("Examples:", 1)[1]
