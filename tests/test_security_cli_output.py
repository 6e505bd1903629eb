"""What the CLI prints of a shared sheet: no coordinator name in `plan` or in the JSON log of
`sync --dry-run` unless --include-personal, and no terminal escape sequence typed into a
cell ever reaches the operator's terminal. Emulator, real gspread; a second client plays
the coordinator who types into the sheet.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from click.testing import CliRunner
from sheets import private_workdir

from sheetsync.cli.main import cli
from sheetsync.cli.common import format_table
from sheetsync.core.config import load_preset, with_overrides

PRESET = "pilkada-jakbar-2024"
OSC = "\x1b]0;sheet owned\x07"          # retitles the terminal
CSI = "\x1b[2J\x9b31m"                  # clears the screen; 8-bit CSI


class Filled:
    """A persiapan demo sheet, never synced: a plan writes every summary, Rekap Koordinator too."""

    def __init__(self, emu: Any) -> None:
        from sheetsync.demo.seed import fill

        self.emu = emu
        self.key = emu.client().create("cli-output").id
        self.args = ["--preset", PRESET, "--api-url", emu.url, "--spreadsheet", self.key]
        config = with_overrides(load_preset(PRESET), spreadsheet=self.key, api_url=emu.url)
        self.cli("init", "--with-tps")
        fill(config, phase="persiapan", seed=11, client=emu.client())
        tps = emu.client().open_by_key(self.key).worksheet("TPS")       # the coordinator's client
        values = tps.get_all_values()
        col = values[0].index("Koordinator")
        self.names = {r[col] for r in values[1:] if r[col]}
        tps_col = values[0].index("No TPS") + 1
        tps.update([[f"{OSC}12{CSI}"]], f"{chr(64 + tps_col)}2", raw=True)

    def cli(self, *args: str, ok: tuple[int, ...] = (0,)) -> Any:
        result = CliRunner().invoke(cli, [args[0], *self.args, *args[1:]], catch_exceptions=False)
        assert result.exit_code in ok, result.output
        return result


@pytest.fixture(scope="module")
def filled(emu: Any, tmp_path_factory: Any) -> Any:
    with private_workdir(tmp_path_factory.mktemp("cli-output")):
        yield Filled(emu)


def _names_in(text: str, names: set[str]) -> list[str]:
    return sorted(n for n in names if n in text)


def test_plan_and_dry_run_mask_coordinator_names(filled: Filled) -> None:
    assert len(filled.names) > 20
    shown = {
        "plan --json": filled.cli("plan", "--json").stdout,
        "plan": filled.cli("plan").stdout,
        "sync --dry-run --log-format json": filled.cli("sync", "--dry-run", "--log-format", "json").stdout,
    }
    changes = json.loads(shown["plan --json"])
    koordinator = [c for c in changes if c["tab"] == "Rekap Koordinator"]
    assert koordinator and any(c["new"] == "***" for c in koordinator)      # the names are in the plan, masked
    for name, text in shown.items():
        assert _names_in(text, filled.names) == [], name


def test_include_personal_shows_them(filled: Filled) -> None:
    for args in (("plan", "--json", "--include-personal"),
                 ("sync", "--dry-run", "--log-format", "json", "--include-personal")):
        assert len(_names_in(filled.cli(*args).stdout, filled.names)) > 20, args


def test_no_escape_sequence_typed_in_a_cell_reaches_the_terminal(filled: Filled) -> None:
    result = filled.cli("check", ok=(0, 1))
    assert "12" in result.stdout and "sheet owned" in result.stdout      # the cell is named in a message
    for text in (result.stdout, result.stderr):
        assert not any(ch in text for ch in "\x1b\x07\x9b"), repr(text[:300])


def test_a_table_strips_control_characters_from_cells_and_headers() -> None:
    table = format_table(["row", f"note{OSC}"], [[2, f"{OSC}Kapuk{CSI}\nbaris dua"]])
    assert not any(ch in table for ch in "\x1b\x07\x9b")
    assert "Kapuk" in table and len(table.splitlines()) == 3                  # one line per row


def test_json_output_keeps_cell_text_exact_but_escapes_c1_characters() -> None:
    from sheetsync.cli.common import json_text

    text = json_text({"cell": f"{OSC}Kapuk{CSI}"})
    assert not any(ch in text for ch in "\x1b\x07\x9b")
    assert json.loads(text) == {"cell": f"{OSC}Kapuk{CSI}"}            # nothing lost for a program
