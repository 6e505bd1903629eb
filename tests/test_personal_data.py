"""Personal data (UU 27/2022): the phone numbers of a persiapan demo sheet never
reach a summary tab, a log line, CLI output or a default export; the local files
that hold them are readable by their owner only.

Everything runs against the emulator over real HTTP (gspread, google-auth),
through the CLI as a volunteer runs it (click's CliRunner, in process, so the
logging records are captured too).
"""

from __future__ import annotations

import logging
import os
import stat
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from click.testing import CliRunner

from sheetsync.cli.main import cli
from sheetsync.core.config import load_preset, with_overrides
from sheetsync.core.phones import normalise_column
from sheets import private_workdir

PRESET = "pilkada-jakbar-2024"


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: Any) -> Any:
    """The journal and the locks live in a private directory."""
    with private_workdir(tmp_path_factory.mktemp("personal")) as path:
        yield path


class Capture(logging.Handler):
    """Every log record of every logger, at every level, formatted with its args."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(record.getMessage())


@pytest.fixture(scope="module")
def logs() -> Any:
    handler, root = Capture(), logging.getLogger()
    old_level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    yield handler
    root.removeHandler(handler)
    root.setLevel(old_level)


class Demo:
    """The persiapan demo sheet, the phone numbers typed into it, and every text sheetsync produced."""

    def __init__(self, emu: Any, workdir: Path, logs: Capture) -> None:
        from sheetsync.demo.seed import fill

        self.emu, self.workdir, self.logs = emu, workdir, logs
        self.key = emu.client().create("persiapan").id
        self.args = ["--preset", PRESET, "--api-url", emu.url, "--spreadsheet", self.key]
        self.config = with_overrides(load_preset(PRESET), spreadsheet=self.key, api_url=emu.url)
        self.outputs: dict[str, str] = {}
        self.run("init", "init", "--with-tps")
        self.fill = fill(self.config, phase="persiapan", seed=2024, client=emu.client())
        self.run("sync", "sync")
        self.run("sync-json", "sync", "--log-format", "json")

    def run(self, name: str, *args: str, ok: tuple[int, ...] = (0,)) -> str:
        """One CLI command on this sheet; its output (stdout and stderr) is kept for the scans."""
        result = CliRunner().invoke(cli, [*args[:1], *self.args, *args[1:]], catch_exceptions=False)
        assert result.exit_code in ok, result.output
        assert "Traceback" not in result.output
        self.outputs[name] = result.output + (result.stderr if result.stderr_bytes is not None else "")
        return result.output

    def tabs(self) -> dict[str, list[list[str]]]:
        book = self.emu.client().open_by_key(self.key)
        return {ws.title: ws.get_all_values() for ws in book.worksheets()}


@pytest.fixture(scope="module")
def demo(emu: Any, workdir: Path, logs: Capture) -> Demo:
    return Demo(emu, workdir, logs)


def _phone_forms(typed: list[str]) -> set[str]:
    """Each number as typed and in the forms a program might print it."""
    col = normalise_column(np.array(typed, dtype=object))
    forms = {t.strip() for t in typed if len(t.strip()) >= 8}
    for number in col.number[col.valid]:
        forms |= {f"0{number}", f"+62{number}", f"62{number}", str(number)}
    return forms


@pytest.fixture(scope="module")
def phones(demo: Demo) -> set[str]:
    values = demo.tabs()[demo.config.input_tab]
    col = values[0].index("HP/WA Saksi")
    typed = [r[col] for r in values[1:] if len(r) > col and r[col].strip()]
    assert len(typed) > 2000          # ~85% of 2,648 TPS have a saksi
    return _phone_forms(typed)


def _found(text: str, phones: set[str]) -> list[str]:
    return sorted(p for p in phones if p in text)


def test_the_demo_sheet_has_the_persiapan_problems(demo: Demo) -> None:
    status = demo.tabs()[demo.config.input_tab]
    header = status[0]
    texts = [r[header.index("Keterangan")] for r in status[1:] if len(r) > header.index("Keterangan")]
    assert any("satu saksi hanya untuk satu TPS" in t for t in texts)
    assert any("bukan nomor HP Indonesia" in t for t in texts)
    assert any(r[header.index("Status")] == "BELUM ADA SAKSI" for r in status[1:])


def test_no_phone_number_in_any_summary_tab(demo: Demo, phones: set[str]) -> None:
    tabs = demo.tabs()
    summaries = {t: v for t, v in tabs.items() if t != demo.config.input_tab}
    assert set(demo.config.summary_tabs.titles()) <= set(summaries)
    for title, values in summaries.items():
        text = "\n".join("\t".join(r) for r in values)
        assert _found(text, phones) == [], title
    masalah = "\n".join("\t".join(r) for r in summaries[demo.config.summary_tabs.masalah])
    # the problems are there, named by TPS: duplicates, bad numbers, TPS still without a saksi
    assert "satu saksi hanya untuk satu TPS" in masalah and "bukan nomor HP Indonesia" in masalah
    assert masalah.count("saksi_missing") == demo.fill.rows - demo.fill.reported   # every TPS without one


def test_no_phone_number_in_the_sheets_own_messages(demo: Demo, phones: set[str]) -> None:
    """The Keterangan column is written by sheetsync and may be exported: no number in it."""
    values = demo.tabs()[demo.config.input_tab]
    col = values[0].index("Keterangan")
    text = "\n".join(r[col] for r in values[1:] if len(r) > col)
    assert _found(text, phones) == []


def test_no_phone_number_in_logs_or_cli_output(demo: Demo, phones: set[str]) -> None:
    demo.run("check", "check", ok=(0, 1))
    demo.run("check-json", "check", "--format", "json", ok=(0, 1))
    demo.run("check-csv", "check", "--format", "csv", ok=(0, 1))
    demo.run("plan", "plan", ok=(0, 1))
    demo.run("reconcile", "reconcile", "--json", ok=(0, 1))
    demo.run("diff", "diff", "--since", "1", ok=(0, 1))
    demo.run("history", "history", "--tps", "Kapuk 1", ok=(0, 1))
    assert demo.logs.lines, "no log record captured: is logging wired?"
    for name, text in demo.outputs.items():
        assert _found(text, phones) == [], name
    assert _found("\n".join(demo.logs.lines), phones) == []


def test_include_personal_shows_them(demo: Demo, phones: set[str]) -> None:
    """The scan can fail: asked for, the numbers are there."""
    out = demo.workdir / "full"
    demo.run("export-personal", "export", "--out", str(out), "--include-personal")
    exported = "".join(f.read_text(encoding="utf-8-sig") for f in out.glob("*.csv"))
    assert len(_found(exported, phones)) > 1000


def test_default_exports_hold_no_phone_number(demo: Demo, phones: set[str], tmp_path: Path) -> None:
    from openpyxl import load_workbook

    demo.run("export-csv", "export", "--out", str(tmp_path / "csv"))
    files = list((tmp_path / "csv").glob("*.csv"))
    assert len(files) == len(demo.tabs())
    for f in files:
        assert _found(f.read_text(encoding="utf-8-sig"), phones) == [], f.name
    demo.run("export-xlsx", "export", "--out", str(tmp_path / "xlsx"), "--format", "xlsx")
    book = load_workbook(next((tmp_path / "xlsx").glob("*.xlsx")), read_only=True)
    text = "\n".join(str(v) for ws in book.worksheets for row in ws.iter_rows(values_only=True)
                     for v in row if v is not None)
    assert _found(text, phones) == []


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_journal_and_locks_are_owner_only(demo: Demo) -> None:
    from sheetsync.journal.store import journal_path

    journal = Path(journal_path(demo.config))
    journal = journal if journal.is_absolute() else demo.workdir / journal
    assert journal.is_file()
    for path in [journal, *journal.parent.glob(journal.name + "-*")]:   # -wal, -shm
        assert _mode(path) & 0o077 == 0, f"{path.name}: {oct(_mode(path))}"
    for path in (demo.workdir / "locks").rglob("*"):
        if path.is_file():
            assert _mode(path) & 0o077 == 0, f"{path.name}: {oct(_mode(path))}"


def test_journal_is_owner_only_even_with_a_permissive_umask(tmp_path: Path) -> None:
    from sheetsync.journal.store import Journal

    old = os.umask(0o000)
    try:
        journal = Journal(tmp_path / "j.sqlite")
        journal.close() if hasattr(journal, "close") else None
    finally:
        os.umask(old)
    assert _mode(tmp_path / "j.sqlite") == 0o600


def test_exports_with_personal_data_are_owner_only(demo: Demo, tmp_path: Path) -> None:
    demo.run("export-personal-mode", "export", "--out", str(tmp_path), "--include-personal")
    files = list(tmp_path.glob("*.csv"))
    assert files and all(_mode(f) & 0o077 == 0 for f in files)
