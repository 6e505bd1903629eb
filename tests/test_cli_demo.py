"""The demo's kecamatan summary as printed: the reader's language, one precision per % column."""

from __future__ import annotations

from typing import Any

import pytest

from sheetsync.cli.common import Ui
from sheetsync.cli.demo import print_summary
from sheetsync.core.config import load_preset

# as the sheet holds it (config language id): a whole percentage comes back as an int
SHEET = [["Kode", "Kecamatan", "TPS Rencana", "TPS Masuk", "TPS Lapor", "% Lapor", "Baris Salah", "Target Suara",
          "Suara Paslon 3", "% Target"],
         ["31.73.01", "Cengkareng", 525, 520, 390, 74.3, 32, 105000, 63659, 60.6],
         ["31.73.06", "Kalideres", 380, 376, 285, 75, 26, 76000, 45908, 60.4],
         ["", "TOTAL Jakarta Barat", 2648, 2620, 1945, 73.5, 156, 529600, 317851, 60]]


@pytest.fixture(scope="module")
def config() -> Any:
    return load_preset("pilkada-jakbar-2024")


def printed(config: Any, lang: str, capsys: Any) -> list[str]:
    ui = Ui(lang)
    print_summary(ui, SHEET, ui.t("title_kecamatan"), config, "hari-h")
    return capsys.readouterr().out.splitlines()


def test_english_reader_of_an_indonesian_sheet(config: Any, capsys: Any) -> None:
    lines = printed(config, "en", capsys)
    assert lines[0] == "Summary per kecamatan"
    assert "% reported" in lines[1] and "TPS planned" in lines[1] and "Votes Paslon 3" in lines[1]
    assert "% Lapor" not in lines[1] and "TPS Rencana" not in lines[1]
    kalideres = next(line for line in lines if "Kalideres" in line)
    total = next(line for line in lines if "TOTAL" in line)
    assert " 75.0 " in kalideres and total.endswith(" 60.0")          # same decimals as 74.3 and 60.6
    assert "105,000" in lines[3]


def test_indonesian_reader(config: Any, capsys: Any) -> None:
    lines = printed(config, "id", capsys)
    assert lines[0] == "Rekap per kecamatan"
    assert "% Lapor" in lines[1] and "TPS Rencana" in lines[1]
    assert " 75,0 " in next(line for line in lines if "Kalideres" in line)
    assert next(line for line in lines if "TOTAL" in line).endswith(" 60,0")


def test_a_percentage_keeps_its_decimal_even_when_every_value_is_whole(config: Any, capsys: Any) -> None:
    whole = [SHEET[0]] + [row[:5] + [75] + row[6:9] + [60] for row in SHEET[1:]]
    ui = Ui("en")
    print_summary(ui, whole, ui.t("title_kecamatan"), config, "hari-h")
    lines = capsys.readouterr().out.splitlines()
    assert all(" 75.0 " in line and line.endswith(" 60.0") for line in lines[3:])


class _NoEmulator:
    """Stops the demo right after its start-up messages: only what it says is under test."""

    def __init__(self, **_kw: Any) -> None:
        pass

    def __enter__(self) -> Any:
        import click
        raise click.exceptions.Exit(0)

    def __exit__(self, *exc: Any) -> None:
        return None


@pytest.mark.parametrize("host, exposed", [("0.0.0.0", True), ("192.168.1.5", True), ("127.0.0.1", False),
                                           ("localhost", False), (None, False)])
def test_demo_refuses_an_address_beyond_loopback(monkeypatch: Any, host: str | None, exposed: bool) -> None:
    """The demo's emulator runs in open mode (any token), which listens on loopback only."""
    from click.testing import CliRunner

    import sheetsync.emulator
    from sheetsync.cli.main import cli
    monkeypatch.setattr(sheetsync.emulator, "Emulator", _NoEmulator)
    args = ["demo", "--no-serve", "--lang", "en"] + (["--host", host] if host else [])
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == (2 if exposed else 0), result.output
    assert ("listens on loopback only, not on" in result.output) is exposed, result.output
    assert "Traceback" not in result.output
