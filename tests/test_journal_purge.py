"""Retention (UU 27/2022): `sheetsync purge` takes names and phone numbers that left
the sheet out of the journal and keeps every number. Edits by a second gspread client."""
from __future__ import annotations

import sqlite3
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from sheetsync.cli.main import cli
from sheetsync.core.config import parse_config
from sheetsync.journal.store import Journal, journal_key, journal_path

PRESET = "pilkada-jakbar-2024"


def _cli(*args: str) -> Any:
    return CliRunner().invoke(cli, ["--lang", "en", *args])


def _journal_text(path: Path) -> str:
    """Every value the journal file holds, as text (history, verified values, cache)."""
    db = sqlite3.connect(path)
    try:
        parts = [v for v, in db.execute("SELECT value FROM cells")]
        parts += [b for b, in db.execute("SELECT body FROM baselines")]
        parts += [b for b, in db.execute("SELECT body FROM state_records")]
    finally:
        db.close()
    return "\n".join(parts)


def test_purge_removes_names_that_left_the_sheet_and_keeps_numbers(emu: Any, tmp_path: Path, monkeypatch: Any) -> None:
    from sheetsync.sheets.client import Sheet
    from sheetsync.journal.restore import restore
    from sync_data import config_for, seed, tps_sheet

    monkeypatch.setenv("SHEETSYNC_LOCK_DIR", str(tmp_path / "locks"))
    header = tps_sheet(1)[0] + ["Nama Saksi", "HP/WA Saksi"]
    values = [header] + [r + [f"Saksi K{i:02d}X", f"08121111{i:04d}"]
                         for i, r in enumerate(tps_sheet(30, seed=2, unfilled=0, broken=0)[1:])]
    book = seed(emu.client(), values)
    config = config_for(book, emu)
    args = ["--preset", PRESET, "--spreadsheet", book.id, "--api-url", emu.url]
    assert _cli("sync", *args).exit_code == 0
    coordinator = emu.client().open_by_key(book.id).worksheet("TPS")
    col = header.index("Nama Saksi") + 1
    coordinator.update_cell(3, col, "Saksi Pengganti")          # Saksi K01X replaced
    gone = coordinator.row_values(6)                            # Saksi K04X's row deleted
    coordinator.delete_rows(6)
    assert _cli("sync", *args).exit_code == 0

    path = journal_path(config)
    assert "Saksi K01X" in _journal_text(path) and "Saksi K04X" in _journal_text(path)
    assert _cli("purge", *args).exit_code == 2                  # no date, no retention setting
    tomorrow = (datetime.now(timezone.utc) + timedelta(days=1)).date().isoformat()
    result = _cli("purge", *args, "--before", tomorrow)
    assert result.exit_code == 0, result.output
    assert "every number is kept" in result.output
    text = _journal_text(path)
    assert "Saksi K01X" not in text and "Saksi K04X" not in text
    raw = b"".join(p.read_bytes() for p in path.parent.glob(path.name + "*"))
    assert b"Saksi K01X" not in raw and b"Saksi K04X" not in raw   # not in free pages or the WAL
    assert gone[header.index("HP/WA Saksi")] not in text        # the deleted row's phone too
    assert "Saksi Pengganti" in text and "Saksi K02X" in text  # still in the sheet: kept

    name = journal_key(book.id, "TPS")
    with Journal(path) as journal:
        key = next(k for k, (_, row) in journal.window(name, 0).items()
                   if row.get("dpt") == gone[header.index("DPT")] and "kelurahan" in row
                   and row["kelurahan"] == gone[1])
        dpts = [h.value for h in journal.history(name, key) if h.field == "dpt"]
        assert dpts == [gone[header.index("DPT")]]               # the numbers stay
        assert "(purged)" in [h.to_dict()["value"] for h in journal.history(name, key)]
        plan = restore(config, journal, Sheet(emu.client(), book.id), since=1, apply=True,
                       lock_dir=str(tmp_path / "locks"))
    assert plan.rows_appended == [key]
    back = coordinator.get_all_values()[-1]
    assert back[header.index("DPT")] == gone[header.index("DPT")]
    assert back[col - 1] == "" and {s["reason"] for s in plan.skipped} == {
        "removed from the journal (retention)"}
    assert _cli("sync", *args).exit_code == 0                   # the journal still works


def test_retention_setting_in_the_config(tmp_path: Path) -> None:
    from sheetsync.cli.report import _purge_cutoff
    from sheetsync.cli.common import Ui
    from sheetsync.core.config import ConfigError, load_preset
    from dataclasses import replace
    config = replace(load_preset(PRESET), personal_retention_days=90)
    cutoff = _purge_cutoff(config, None, None, Ui("en"))
    assert abs((datetime.now(timezone.utc) - cutoff) - timedelta(days=90)) < timedelta(minutes=1)
    text = (Path(__file__).parent.parent / "sheetsync" / "core" / "presets" / f"{PRESET}.toml").read_text("utf-8")
    import tomllib
    data = tomllib.loads(text)
    data["personal_retention_days"] = 0
    with pytest.raises(ConfigError, match="personal_retention_days"):
        parse_config(data, "x.toml", Path(__file__).parent.parent / "sheetsync" / "core" / "presets")


def test_purge_takes_out_formulas_recorded_before_a_column_was_marked_personal(emu: Any, tmp_path: Path) -> None:
    """A formula in Koordinator (not personal in this config) is journaled; once the config
    marks the column personal, a purge takes its text out whatever its date, and restore
    would then write the value, never the purged text."""
    from dataclasses import replace

    from sync_data import config_for, seed, tps_sheet

    from sheetsync.journal.purge import purge_personal
    from sheetsync.sync.run import sync

    sh = seed(emu.client(), tps_sheet(12, seed=4, unfilled=0, broken=0))
    base = config_for(sh, emu)
    open_config = replace(base, columns=tuple(replace(c, personal=False) if c.field == "koordinator" else c
                                              for c in base.columns))
    ws = emu.client().open_by_key(sh.id).worksheet("TPS")
    col = tps_sheet(1)[0].index("Koordinator") + 1
    ws.update_cell(3, col, '="Pak "&"Budiman"')
    path = tmp_path / "journal.sqlite"
    with Journal(path) as journal:
        sync(open_config, client=emu.client(), journal=journal, lock_dir=str(tmp_path))   # first sync: every row's formulas
        name = journal_key(sh.id, "TPS")
        assert [f.formula for row in journal.formulas(name).values() for f in row.values()] == ['="Pak "&"Budiman"']
        report = purge_personal(journal, name, base.personal_fields, datetime.now(timezone.utc) - timedelta(days=30))
        assert report.formulas == 1 and report.to_dict()["formulas"] == 1
        assert all(f.formula != '="Pak "&"Budiman"' for row in journal.formulas(name).values() for f in row.values())
    db = sqlite3.connect(path)
    try:
        assert not any("Budiman" in f for f, in db.execute("SELECT formula || value FROM formulas"))
    finally:
        db.close()
