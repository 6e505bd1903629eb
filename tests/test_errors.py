"""One error root: every code has its English and Indonesian template, params fill them,
and the CLI prints one line in the reader's language with the documented exit code
(docs/cli.md: 2 bad usage or config, 3 could not sync)."""

from __future__ import annotations

import os
import string
from datetime import datetime, timezone
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

import sheetsync.cli.main  # noqa: F401  (the CLI and every wing it reaches register their codes)
import sheetsync.core.config
import sheetsync.core.kabkota  # noqa: F401
import sheetsync.fleet.budget  # noqa: F401
import sheetsync.fleet.rollup  # noqa: F401
import sheetsync.journal.restore  # noqa: F401
import sheetsync.reports.reconcile  # noqa: F401
import sheetsync.sync.run  # noqa: F401
from google_emulator import GoogleEmulator
from sheetsync.cli.main import cli
from sheetsync.errors import LANGS, TEMPLATES, Phrase, SheetsyncError, register
from sheetsync.journal.guard import GuardAlert
from sheetsync.sheets.errors import ApiUrlError, SheetsError

PRESET = "pilkada-jakbar-2024"


def placeholders(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def test_every_registered_code_has_both_templates_with_the_same_placeholders() -> None:
    assert {"sheets_not_found", "no_config", "against_empty", "fleet_quota_spent", "lock_busy", "config_missing",
            "config_not_interval", "region_columns", "region_not_kabkota", "sync_guard", "lock_failed",
            "not_ours_tab", "restore_landed_elsewhere"} <= set(TEMPLATES)
    for code, texts in TEMPLATES.items():
        assert set(texts) == set(LANGS), code
        assert placeholders(texts["en"]) == placeholders(texts["id"]), code


def test_every_template_renders_its_params_in_both_languages() -> None:
    for code, texts in TEMPLATES.items():
        params = {name: f"<{name}>" for name in placeholders(texts["en"])}
        error = SheetsyncError(code, **params)
        assert str(error) == error.message("en")
        for lang in LANGS:
            text = error.message(lang)
            assert all(value in text for value in params.values()), (code, lang, text)
            assert "\n" not in text, code


def test_a_code_without_both_languages_is_refused() -> None:
    with pytest.raises(ValueError, match="no template for id"):
        register({"half_written": {"en": "only English"}})
    assert "half_written" not in TEMPLATES


def test_words_the_raise_site_cannot_name_are_in_the_readers_language() -> None:
    error = SheetsError(code="sheets_not_shared", spreadsheet="KEY", who=None)
    assert "the account sheetsync runs as" in str(error)
    assert "akun yang dipakai sheetsync" in error.message("id") and "KEY" in error.message("id")
    assert ApiUrlError("api_url_insecure", "http://192.0.2.7").exit_code == 2
    assert error.exit_code == 3


# ------------------------------------------------------------------ the CLI

@pytest.fixture()
def lock_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("SHEETSYNC_LOCK_DIR", str(tmp_path / "locks"))
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    return tmp_path / "locks"


def error_line(result: Result, lang: str) -> str:
    """The one line the CLI printed for the error (the API-URL notice aside), no traceback."""
    notice = "API URL dipakai" if lang == "id" else "API URL in use"
    lines = [line for line in result.stderr.splitlines() if line.strip() and not line.startswith(notice)]
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.output
    return lines[0]


@pytest.mark.parametrize("lang, words", [("en", "Error: spreadsheet 1MissingSheet"),
                                         ("id", "Galat: spreadsheet 1MissingSheet")])
def test_a_sheets_error_is_one_line_in_the_readers_language(emu: GoogleEmulator, lock_dir: Path,
                                                             lang: str, words: str) -> None:
    result = CliRunner().invoke(cli, ["--lang", lang, "check", "--preset", PRESET, "--api-url", emu.url,
                                      "--spreadsheet", "1MissingSheet0000"])
    line = error_line(result, lang)
    assert result.exit_code == 3
    assert line.startswith(words)
    assert ("tidak ditemukan (404)" if lang == "id" else "not found (404)") in line


@pytest.mark.parametrize("lang, lead, words", [("en", "Config error: preset:no-such: ", "unknown preset"),
                                               ("id", "Galat konfigurasi: preset:no-such: ", "preset tidak dikenal")])
def test_a_config_error_is_one_line_in_the_readers_language(lang: str, lead: str, words: str) -> None:
    result = CliRunner().invoke(cli, ["--lang", lang, "check", "--preset", "no-such"])
    line = error_line(result, lang)
    assert result.exit_code == 2
    assert line.startswith(lead) and words in line


def test_a_config_error_is_told_from_its_template_not_translated_afterwards(tmp_path: Path) -> None:
    """The key's kind words, the file and the key: one line, every word of it in the reader's language."""
    from sheetsync.core.config import ConfigError, load_config

    # the bundled preset as a file, with one mistake
    text = Path(sheetsync.core.config.PRESET_DIR / f"{PRESET}.toml").read_text(encoding="utf-8")
    path = tmp_path / "sheetsync.toml"
    path.write_text(text.replace("header_row = 1", 'header_row = "1"')
                    .replace('"jakarta-barat-', f'"{sheetsync.core.config.PRESET_DIR}/jakarta-barat-'),
                    encoding="utf-8")
    with pytest.raises(ConfigError) as error:
        load_config(path)
    assert error.value.code == "config_expected" and error.value.exit_code == 2
    assert error.value.message("id") == f"{path}: input.header_row: seharusnya bilangan bulat, bukan teks"
    result = CliRunner().invoke(cli, ["--lang", "id", "check", "--config", str(path)])
    assert result.exit_code == 2
    assert error_line(result, "id") == f"Galat konfigurasi: {error.value.message('id')}"


def test_the_errors_inside_a_config_error_are_in_the_readers_language(tmp_path: Path) -> None:
    """A master list's problem (RegionError) and a fleet file's are coded, not English text."""
    from sheetsync.core.config import ConfigError
    from sheetsync.core.kabkota import region_config
    from sheetsync.core.regions import RegionError, build_regions
    from sheetsync.fleet.config import parse_fleet

    with pytest.raises(RegionError) as region:
        build_regions("Kota", [{"kode_kecamatan": "31.73.01", "kecamatan": "", "kode_kelurahan": "x",
                                "kelurahan": "y"}], [])
    assert region.value.message("id") == "baris 2: ada nilai kosong"
    with pytest.raises(ConfigError) as kabkota:
        region_config("31.7")
    assert kabkota.value.message("id").startswith("region: '31.7' bukan kode kab/kota")
    with pytest.raises(ConfigError) as fleet:
        parse_fleet({"every": "soon", "sheet": [{"region": "31.72", "spreadsheet": "x"}]}, "fleet.toml", tmp_path)
    assert fleet.value.message("en") == "fleet.toml: every: 'soon' is not an interval such as 60s or 5m"
    assert fleet.value.message("id") == "fleet.toml: every: 'soon' bukan selang waktu seperti 60s atau 5m"


@pytest.mark.parametrize("lang, words", [("en", "another sheetsync sync of this spreadsheet is already running"),
                                         ("id", "sinkronisasi sheetsync lain untuk spreadsheet ini sedang berjalan")])
def test_a_held_lock_is_one_line_in_the_readers_language(emu: GoogleEmulator, lock_dir: Path,
                                                         lang: str, words: str) -> None:
    from sheetsync.journal.tab import journal_key
    from sheetsync.sync.lock import SyncLock, lock_path

    key = emu.client().create(f"busy-{lang}").id
    lock = SyncLock(lock_path(journal_key(key, "TPS"), emu.url, os.environ["SHEETSYNC_LOCK_DIR"]))
    lock.acquire()
    try:
        result = CliRunner().invoke(cli, ["--lang", lang, "sync", "--preset", PRESET, "--api-url", emu.url,
                                          "--spreadsheet", key])
    finally:
        lock.release()
    line = error_line(result, lang)
    assert result.exit_code == 3
    assert words in line


def test_a_lock_that_cannot_be_taken_is_said_from_its_template(tmp_path: Path) -> None:
    from sheetsync.cli.common import Ui, explain
    from sheetsync.sync.lock import SyncLock

    (tmp_path / "real").write_text("")
    (tmp_path / "link.lock").symlink_to(tmp_path / "real")
    with pytest.raises(SheetsyncError) as error:
        SyncLock(tmp_path / "link.lock").acquire()
    code, lines = explain(error.value, Ui("id"))
    assert code == 3 and lines == [f"Galat: {tmp_path / 'link.lock'} adalah tautan simbolik; sheetsync tidak "
                                   "mengikuti tautan untuk berkas kuncinya: hapus tautan itu (atau atur "
                                   "SHEETSYNC_LOCK_DIR)"]


@pytest.mark.parametrize("lang, words", [("en", "Error: give either --once or --every"),
                                         ("id", "Galat: berikan --once atau --every")])
def test_a_usage_error_of_the_cli_is_one_line_and_exit_2(lang: str, words: str) -> None:
    result = CliRunner().invoke(cli, ["--lang", lang, "sync", "--preset", PRESET, "--spreadsheet", "1" * 44,
                                      "--once", "--every", "60s"])
    assert result.exit_code == 2
    assert error_line(result, lang).startswith(words)


def guard_alert() -> GuardAlert:
    return GuardAlert("rows_vanished", 4, datetime(2024, 11, 27, 7, tzinfo=timezone.utc),
                      rows=(("31.73.01.1005/012", 14),), params={"count": 1, "total": 40})


@pytest.mark.parametrize("lang, words", [("en", "sheetsync WARNING: summaries NOT updated."),
                                         ("id", "PERINGATAN sheetsync: ringkasan TIDAK diperbarui.")])
def test_the_guard_stopping_a_sync_is_said_in_the_readers_language(lang: str, words: str) -> None:
    """The sync writes its alert into the sheet in the sheet's language; the terminal gets the reader's."""
    from sheetsync.cli.common import Ui, explain
    from sheetsync.journal.guard import alert_text
    from sheetsync.sync.run import SyncReport, guard_stopped

    alerts = [guard_alert()]
    stopped = guard_stopped(SyncReport("KEY"), alerts, Phrase(alert_text(alerts, "en"), alert_text(alerts, "id")),
                            "id" if lang == "en" else "en")        # the sheet's language is not the reader's
    code, lines = explain(stopped, Ui(lang))
    assert code == 3 and lines == [Ui(lang).t("error", msg=alert_text(alerts, lang))]
    assert words in lines[0] and "31.73.01.1005/012" in lines[0]


@pytest.mark.parametrize("lang, words", [("en", "1 of 40 rows vanished"), ("id", "1 dari 40 baris hilang")])
def test_the_guard_lines_of_a_plan_are_in_the_readers_language(lang: str, words: str,
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    """`plan` and `sync --dry-run` print the alerts the report keeps, in --lang (the sheet's language aside)."""
    from sheetsync.cli.common import Ui
    from sheetsync.cli.sheet import print_guard
    from sheetsync.sync.run import SyncReport

    print_guard(SyncReport("KEY", dry_run=True, alerts=[guard_alert()]), Ui(lang))
    guard_lines = capsys.readouterr().err.splitlines()
    assert len(guard_lines) == 2 and words in guard_lines[1]
