"""Where the CLI finds its config without --config or --preset, and a TOML saved with a BOM."""

from pathlib import Path

from click.testing import CliRunner
from test_config import MINIMAL

from sheetsync.cli.main import cli
from sheetsync.cli.common import find_config_file
from sheetsync.core.config import load_config


def named(tmp_path: Path, where: str, name: str) -> Path:
    path = tmp_path / where / "sheetsync.toml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(MINIMAL.replace('name = "mini"', f'name = "{name}"'), encoding="utf-8")
    return path


def test_order_env_then_working_directory_then_xdg(tmp_path, monkeypatch) -> None:
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    env = {"XDG_CONFIG_HOME": str(tmp_path / "xdg")}
    assert find_config_file(env) is None
    xdg = named(tmp_path, "xdg/sheetsync", "xdg")
    assert find_config_file(env) == xdg
    named(tmp_path, "work", "here")
    assert find_config_file(env) == Path("sheetsync.toml")
    chosen = named(tmp_path, "elsewhere", "env")
    assert find_config_file({**env, "SHEETSYNC_CONFIG": str(chosen)}) == chosen
    # named on purpose: a missing file is reported, not silently replaced by another
    missing = tmp_path / "nope.toml"
    assert find_config_file({**env, "SHEETSYNC_CONFIG": str(missing)}) == missing


def test_cli_uses_the_discovered_config(tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    chosen = named(tmp_path, "elsewhere", "env")
    env = {"XDG_CONFIG_HOME": str(tmp_path / "xdg"), "SHEETSYNC_CONFIG": str(chosen)}
    # a config with an unreadable spreadsheet id proves which file was loaded, before any request
    chosen.write_text(MINIMAL.replace('spreadsheet = "abc"', 'spreadsheet = "not an id!"'), encoding="utf-8")
    result = CliRunner().invoke(cli, ["--lang", "en", "check"], env=env)
    assert result.exit_code == 2 and "not an id!" in result.output, result.output
    env["SHEETSYNC_CONFIG"] = str(tmp_path / "nope.toml")
    result = CliRunner().invoke(cli, ["--lang", "en", "check"], env=env)
    assert result.exit_code == 2 and "nope.toml" in result.output, result.output


def test_a_preset_flag_wins_over_sheetsync_config(tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    env = {"XDG_CONFIG_HOME": str(tmp_path / "xdg"), "SHEETSYNC_CONFIG": str(tmp_path / "nope.toml")}
    result = CliRunner().invoke(cli, ["--lang", "en", "check", "--preset", "pilkada-jakbar-2024",
                                      "--spreadsheet", "not an id!"], env=env)
    # the preset was loaded (the spreadsheet flag is what stops it), not refused beside the environment's file
    assert result.exit_code == 2 and "not an id!" in result.output, result.output
    assert "nope.toml" not in result.output and "either" not in result.output


def test_toml_saved_with_a_bom_loads(tmp_path) -> None:
    path = tmp_path / "notepad.toml"
    path.write_bytes(b"\xef\xbb\xbf" + MINIMAL.encode("utf-8"))
    assert load_config(path).name == "mini"
