"""--help in Bahasa Indonesia when the reader's language is id, in English otherwise.

The walk over every command and option is what keeps it complete: a new command,
option or example comment without its Indonesian text in sheetsync/cli/help_id.py
fails here."""

from __future__ import annotations

import re

import click
import pytest
from click.testing import CliRunner

from sheetsync.cli.main import cli
from sheetsync.cli.common import HelpCommand, lang_in_args
from sheetsync.cli.help_id import (COMMANDS, EXAMPLE_COMMENT, EXAMPLE_COMMENTS, METAVARS, OPTIONS, command_help,
                                   option_help)

# LC_ALL and LC_MESSAGES win over LANG (i18n.detect_lang): clear them, whatever the machine has
ID_ENV = {"LC_ALL": None, "LC_MESSAGES": None, "LANG": "id_ID.UTF-8"}
EN_ENV = {"LC_ALL": None, "LC_MESSAGES": None, "LANG": "C"}

PATHS = [[]] + [[name] for name in sorted(cli.commands)]     # [] is the group itself
PATHS += [[name, sub] for name in sorted(cli.commands) if isinstance(cli.commands[name], click.Group)
          for sub in sorted(cli.commands[name].commands)]    # subcommands: fleet sync, fleet status
IDS = ["sheetsync"] + [" ".join(p) for p in PATHS[1:]]

ENGLISH_WORDS = ("Usage:", "Options:", "Commands:", "Examples:", "Show this message", "Show the version",
                 "[OPTIONS]", "[default:", "[required]", "COMMAND [ARGS]")


def command_at(path: list[str]) -> click.Command:
    command: click.Command = cli
    for name in path:
        command = command.commands[name]      # type: ignore[attr-defined]
    return command


def name_of(command: click.Command) -> str:
    """The name its Indonesian texts are kept under ("fleet sync" for a subcommand)."""
    return getattr(command, "help_key", None) or command.name or ""


def options_of(command: click.Command) -> list[click.Option]:
    ctx = click.Context(command, info_name=command.name)
    return [p for p in command.get_params(ctx) if isinstance(p, click.Option) and not p.hidden]


def key_of(option: click.Option) -> str:
    return max(option.opts, key=len)


def squash(text: str) -> str:
    """Text without whitespace: click wraps help at any space (and after hyphens)."""
    return "".join(text.split())


def help_text(args: list[str], env: dict) -> str:
    result = CliRunner().invoke(cli, args, env=env)
    assert result.exit_code == 0, result.output
    return result.output


def english_doc(command: click.Command) -> str:
    return " ".join(command.get_short_help_str(10_000).split())      # its first sentence


@pytest.mark.parametrize("path", PATHS, ids=IDS)
def test_every_command_option_and_example_comment_has_an_indonesian_text(path: list[str]) -> None:
    command = command_at(path)
    name = name_of(command)
    assert isinstance(command, HelpCommand), f"{name}: declare it with cls=HelpCommand"
    assert command_help(name), f"cli_help_id.COMMANDS has no entry {name!r}"
    missing = [key_of(o) for o in options_of(command) if not option_help(name, key_of(o))]
    assert not missing, f"cli_help_id.OPTIONS lacks ({name!r}, option) or ('*', option) for {missing}"
    no_english = [key_of(o) for o in options_of(command) if not o.help]
    assert not no_english, f"{name}: options without an English help= {no_english}"
    comments = [m.group(1).strip() for line in (command.epilog or "").splitlines()
                if (m := EXAMPLE_COMMENT.search(line))]
    assert all(c in EXAMPLE_COMMENTS for c in comments), f"{name}: example comment not in EXAMPLE_COMMENTS"


def test_no_indonesian_text_is_left_over() -> None:
    """An entry for a command or option that no longer exists is a translation nobody reads."""
    names = {name_of(command_at(p)) for p in PATHS}
    assert set(COMMANDS) == names
    used = {(name_of(command_at(p)), key_of(o)) for p in PATHS for o in options_of(command_at(p))}
    for command, option in OPTIONS:
        if command == "*":
            assert any(o == option for _, o in used), option
        else:
            assert (command, option) in used, (command, option)


@pytest.mark.parametrize("path", PATHS, ids=IDS)
def test_help_is_indonesian_under_an_indonesian_locale(path: list[str]) -> None:
    command = command_at(path)
    name = name_of(command)
    text = help_text([*path, "--help"], ID_ENV)
    assert text.startswith(f"Pemakaian: sheetsync{''.join(' ' + p for p in path)} [OPSI]"), text
    assert "\nOpsi:\n" in text and "Contoh:" in text and "Tampilkan pesan ini lalu keluar." in text
    for word in ENGLISH_WORDS:
        assert word not in text, f"{name}: {word!r} left in English"
    flat = squash(text)
    assert squash(command_help(name) or "") in flat
    assert squash(english_doc(command)) not in flat, f"{name}: English description shown"
    for option in options_of(command):
        assert squash(option_help(name, key_of(option)) or "") in flat, key_of(option)
        assert squash(option.help or "") not in flat, f"{name} {key_of(option)}: English help shown"
    options_block = text.split("\nOpsi:\n", 1)[1].split("\n\n", 1)[0]
    english_metavars = {en for en, id_ in METAVARS.items() if en != id_}
    assert not english_metavars & set(re.findall(r"[A-Z][\w.\-\[\]]*", options_block))


def test_group_lists_commands_in_indonesian() -> None:
    text = help_text(["--help"], ID_ENV)
    assert "Pemakaian: sheetsync [OPSI] PERINTAH [ARGUMEN]..." in text
    listing = text.split("\nPerintah:\n", 1)[1].split("\n\n", 1)[0]
    for name in cli.commands:
        line = next(line for line in listing.splitlines() if line.split()[0] == name)
        shown = line.split(None, 1)[1].rstrip(".")
        assert (command_help(name) or "").startswith(shown.rstrip(".")), line
    assert "Tampilkan versi lalu keluar." in text


@pytest.mark.parametrize("path", PATHS, ids=IDS)
def test_help_stays_english_under_the_c_locale(path: list[str]) -> None:
    command = command_at(path)
    name = name_of(command)
    text = help_text([*path, "--help"], EN_ENV)
    assert text.startswith("Usage: sheetsync") and "\nOptions:\n" in text and "Examples:" in text
    flat = squash(text)
    assert squash(english_doc(command)) in flat
    for option in options_of(command):
        assert squash(option.help or "") in flat, key_of(option)
        assert squash(option_help(name, key_of(option)) or "") not in flat, key_of(option)
    for word in ("Pemakaian", "Opsi:", "Contoh:", "Perintah:", "bawaan"):
        assert word not in text


@pytest.mark.parametrize("path", PATHS, ids=IDS)
def test_examples_are_the_same_commands_in_both_languages(path: list[str]) -> None:
    def commands(text: str, heading: str) -> list[str]:
        block = text.split(heading, 1)[1].strip().splitlines()
        return [EXAMPLE_COMMENT.sub("", line).rstrip() for line in block]

    english = commands(help_text([*path, "--help"], EN_ENV), "Examples:")
    indonesian = commands(help_text([*path, "--help"], ID_ENV), "Contoh:")
    assert english == indonesian and english


@pytest.mark.parametrize("args, env, lang", [
    (["--lang", "id", "--help"], EN_ENV, "id"),
    (["--lang", "id", "sync", "--help"], EN_ENV, "id"),          # on the group, before the command
    (["sync", "--lang", "id", "--help"], EN_ENV, "id"),          # on the command, before --help
    (["sync", "--help", "--lang=id"], EN_ENV, "id"),             # and after it
    (["--lang", "id", "emulator", "--help"], EN_ENV, "id"),      # emulator has no --lang of its own
    (["--lang", "en", "sync", "--help"], ID_ENV, "en"),          # the flag beats the locale
    (["--lang", "id", "check", "--lang", "en", "--help"], EN_ENV, "en"),   # the command's own flag wins
    (["check", "--help"], {"LC_ALL": "id_ID.UTF-8", "LC_MESSAGES": None, "LANG": "C"}, "id"),
    (["check", "--help"], {"LC_ALL": None, "LC_MESSAGES": None, "LANG": "in_ID"}, "id"),
    (["check", "--help"], {"LC_ALL": None, "LC_MESSAGES": None, "LANG": None}, "en"),
])
def test_help_language_from_flag_or_locale(args: list[str], env: dict, lang: str) -> None:
    text = help_text(args, env)
    assert text.startswith("Pemakaian:" if lang == "id" else "Usage:"), text[:80]


def test_lang_in_args() -> None:
    assert lang_in_args(["sync", "--lang", "id"]) == "id"
    assert lang_in_args(["--lang=en", "x", "--lang", "id"]) == "id"       # the last one, as click keeps
    assert lang_in_args(["--", "--lang", "id"]) is None and lang_in_args(["--lang"]) is None


# Usage errors print the usage line too: once it is Indonesian, the rest of the error follows.
@pytest.mark.parametrize("args, message", [
    (["sync", "--bogus"], "Opsi '--bogus' tidak dikenal."),
    (["sync", "--dryrun"], "Opsi '--dryrun' tidak dikenal. Mungkin maksudnya"),
    (["sinkron"], "Perintah 'sinkron' tidak dikenal."),
    (["synk"], "Perintah 'synk' tidak dikenal."),
    (["sync", "--fail"], "Opsi '--fail' tidak dikenal. (Mungkin maksudnya salah satu dari: "),
    (["sync", "--fail-on", "x"], "Nilai untuk '--fail-on' tidak sah: 'x' bukan salah satu dari 'warning', 'error'."),
    (["history", "--preset", "pilkada-jakbar-2024"], "Opsi '--tps' wajib diberikan."),
    (["demo", "--port", "abc"], "Nilai untuk '--port' tidak sah: 'abc' bukan bilangan bulat."),
    (["emulator", "--port", "99999"], "Nilai untuk '--port' tidak sah: 99999 di luar rentang 0<=x<=65535."),
    (["sync", "--every"], "Opsi '--every' perlu diberi nilai."),
    (["sync", "--dry-run=1"], "Opsi '--dry-run' tidak menerima nilai."),
    (["sync", "lagi"], "Ada argumen lebih yang tidak dikenal (lagi)."),
    (["--lang", "fr"], "Nilai untuk '--lang' tidak sah: 'fr' bukan salah satu dari 'en', 'id'."),
    (["reconcile", "--against", "tidak-ada.csv"], "Nilai untuk '--against' tidak sah: berkas 'tidak-ada.csv' tidak ada."),
])
def test_usage_errors_are_indonesian_too(args: list[str], message: str, tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, args, env=ID_ENV)
    assert result.exit_code == 2, result.output
    assert f"Galat: {message}" in result.output, result.output
    for word in ("Usage:", "Try '", "Error:", "[OPTIONS]", "Did you mean", "Invalid value", "No such"):
        assert word not in result.output, result.output
    if "Pemakaian:" in result.output:         # click prints no usage for a few parser errors, in English either
        assert "untuk bantuan." in result.output
    english = CliRunner().invoke(cli, args, env=EN_ENV)
    assert english.exit_code == 2 and "Error: " in english.output and "Galat" not in english.output


def test_usage_error_language_follows_the_flag() -> None:
    result = CliRunner().invoke(cli, ["--lang", "id", "sync", "--bogus"], env=EN_ENV)
    assert "Pemakaian: sheetsync sync [OPSI]" in result.output and "Galat: Opsi '--bogus'" in result.output
    result = CliRunner().invoke(cli, ["sync", "--lang", "en", "--bogus"], env=ID_ENV)
    assert "Usage: sheetsync sync [OPTIONS]" in result.output and "Error: No such option" in result.output


def test_no_arguments_shows_the_help_in_the_readers_language() -> None:
    result = CliRunner().invoke(cli, [], env=ID_ENV)
    assert result.output.startswith("Pemakaian: sheetsync") and "Perintah:" in result.output
