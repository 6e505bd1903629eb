"""history, diff, restore and the deletion guard through the CLI, edits made by a second gspread client."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from sheetsync.cli.main import cli
from sheetsync.core.config import load_preset, with_overrides

PRESET = "pilkada-jakbar-2024"


def run(*args: str, ok: tuple[int, ...] = (0,)) -> Any:
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    assert result.exit_code in ok, f"exit {result.exit_code}: {result.output}"
    assert "Traceback" not in result.output
    return result


@pytest.fixture()
def sheet(emu: Any, tmp_path: Path, monkeypatch: Any) -> Any:
    from sheetsync.demo.seed import fill

    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SHEETSYNC_LOCK_DIR", str(tmp_path / "locks"))
    key = emu.client().create("journal").id
    args = ["--preset", PRESET, "--api-url", emu.url, "--spreadsheet", key]
    config = with_overrides(load_preset(PRESET), spreadsheet=key, api_url=emu.url)
    run("init", *args, "--with-tps")
    fill(config, seed=21, client=emu.client())
    run("sync", *args)
    ws = emu.client().open_by_key(key).worksheet("TPS")
    yield args, ws


def col(ws: Any, header: str) -> int:
    return ws.row_values(1).index(header) + 1


def test_diff_history_restore_bring_every_number_back(sheet: Any) -> None:
    args, ws = sheet
    before = ws.get_all_values()
    dpt = col(ws, "DPT")
    reported = [i + 1 for i, r in enumerate(before) if i and r[dpt - 1] and r[col(ws, "Paslon 3") - 1]]
    blank_row, changed_row = reported[10], reported[20]
    ws.update_cell(blank_row, dpt, "")                      # a number blanked
    ws.update_cell(changed_row, col(ws, "Paslon 3"), 1)     # a number changed
    gone = [before[reported[30] - 1], before[reported[31] - 1]]
    ws.delete_rows(reported[31])
    ws.delete_rows(reported[30])                             # two rows deleted by mistake
    run("sync", *args)

    diff = json.loads(run("diff", *args, "--since", "1", "--json").stdout)
    fields = {(c["field"], c["new"]) for c in diff["changes"]}
    assert ("dpt", "") in fields and ("paslon_3", "1") in fields
    assert len(diff["removed"]) == 2
    text = run("--lang", "en", "diff", *args, "--since", "1")
    assert "Paslon 3" in text.stdout and "removed (2)" in text.stdout      # the sheet's header, not paslon_3
    indonesian = run("--lang", "id", "diff", *args, "--since", "1").stdout
    assert "dihapus (2)" in indonesian and "Kolom" in indonesian and "removed" not in indonesian
    window = json.loads(run("diff", *args, "--since", "2h", "--json").stdout)
    assert window["from_sync"] == 0 and len(window["added"]) > 2000     # both syncs are inside 2 h

    kel, tps = before[changed_row - 1][1], before[changed_row - 1][2]
    history = json.loads(run("history", *args, "--tps", f"{kel} {tps}", "--json").stdout)
    values = [h["value"] for h in history if h["field"] == "paslon_3"]
    # the table shows WIB like the sheet's last-synced cell, to the second (JSON keeps ISO UTC)
    from datetime import datetime, timedelta

    shown = run("history", *args, "--tps", f"{kel} {tps}").stdout
    first = (datetime.fromisoformat(history[0]["at"]) + timedelta(hours=7)).strftime("%Y-%m-%d %H:%M:%S")
    assert first in shown and "+00:00" not in shown and "WIB" in shown
    assert history[0]["at"][:19].replace("T", " ") not in shown          # not the UTC time
    assert values == [before[changed_row - 1][col(ws, "Paslon 3") - 1], "1"]

    plan = json.loads(run("restore", *args, "--since", "1", "--json").stdout)
    assert plan["applied"] is False and len(plan["rows_appended"]) == 2
    assert ws.cell(blank_row, dpt).value in (None, "")       # the plan wrote nothing
    run("restore", *args, "--since", "1", "--apply")
    now = ws.get_all_values()
    assert now[blank_row - 1][dpt - 1] == before[blank_row - 1][dpt - 1]
    assert now[changed_row - 1][col(ws, "Paslon 3") - 1] == "1"    # a newer value is never overwritten
    width = col(ws, "Status") - 1
    restored = {tuple(r[:width]) for r in now}
    for row in gone:
        assert tuple(row[:width]) in restored


def test_guard_exit_3_then_accept_deletions(sheet: Any) -> None:
    args, ws = sheet
    ws.delete_rows(2, 400)                                    # 15% of the rows vanish
    result = CliRunner().invoke(cli, ["sync", *args])
    assert result.exit_code == 3, result.output
    assert "restore" in result.output.lower() and "Traceback" not in result.output
    run("sync", *args, "--accept-deletions")                  # the first release's flag still works


def test_plan_and_dry_run_show_what_the_guard_would_do(sheet: Any) -> None:
    """Case 13: a dry run after a mass deletion says the sync would be stopped
    (exit 3, the alert, the alert in the last-synced cell), not "No cell would change"."""
    args, ws = sheet
    ws.delete_rows(2, 400)
    for command in (["plan", *args], ["sync", *args, "--dry-run"]):
        result = CliRunner().invoke(cli, ["--lang", "en", *command])
        assert result.exit_code == 3, result.output
        assert "No cell would change" not in result.output and "guard would stop" in result.output
        assert "rows vanished" in result.output and "baris hilang" not in result.output   # the alert: in --lang
        assert "PERINGATAN" in result.output                  # the stamp it would write: the sheet's language
    out = run("sync", *args, "--dry-run", "--log-format", "json", ok=(3,)).output
    data = json.loads(next(line for line in out.splitlines() if line.startswith("{")))
    assert data["alerts"] and data["dry_run"] is True
    run("sync", *args, "--dry-run", "--accept-deleted-rows")                       # accepted: exit 0


def test_accept_flags_are_named_for_what_they_accept(sheet: Any) -> None:
    args, ws = sheet
    ws.delete_rows(2, 400)
    ws.update_cell(1, col(ws, "DPT"), "Jumlah DPT")
    for flags in ([], ["--accept-column-changes"], ["--accept-deleted-rows"]):
        result = CliRunner().invoke(cli, ["sync", *args, *flags])
        assert result.exit_code == 3, result.output
    run("sync", *args, "--accept-deleted-rows", "--accept-column-changes")


def test_history_unknown_tps_is_usage_error(tmp_path: Path, monkeypatch: Any) -> None:
    monkeypatch.chdir(tmp_path)                 # usage errors are caught before any journal or API call
    args = ["--preset", PRESET, "--spreadsheet", "k" * 44, "--api-url", "http://127.0.0.1:9"]
    result = CliRunner().invoke(cli, ["history", *args, "--tps", "Atlantis 99"])
    assert result.exit_code == 2 and "Atlantis 99" in result.output
    result = CliRunner().invoke(cli, ["restore", *args])
    assert result.exit_code == 2
    result = CliRunner().invoke(cli, ["diff", *args, "--since", "yesterday-ish"])
    assert result.exit_code == 2


def test_no_journal_yet_says_run_sync_first(tmp_path: Path, monkeypatch: Any) -> None:
    monkeypatch.chdir(tmp_path)
    args = ["--preset", PRESET, "--spreadsheet", "k" * 44]
    result = CliRunner().invoke(cli, ["diff", *args, "--since", "1"])
    assert result.exit_code == 2 and "sheetsync sync" in result.output
    result = CliRunner().invoke(cli, ["--lang", "id", "diff", *args, "--since", "1"])
    assert result.exit_code == 2 and "jalankan `sheetsync sync` dulu" in result.output
    result = CliRunner().invoke(cli, ["--lang", "id", "history", *args, "--tps", "Atlantis 99"])
    assert result.exit_code == 2 and "'Atlantis 99' bukan TPS di Jakarta Barat" in result.output
    assert not any(tmp_path.iterdir())            # nothing created


def test_accepting_a_correction_after_verification_clears_periksa(sheet: Any) -> None:
    """A number corrected after its row was OK is PERIKSA until a reviewer accepts it."""
    args, ws = sheet
    values = ws.get_all_values()
    status = col(ws, "Status")
    row = next(i + 1 for i, r in enumerate(values) if i and r[status - 1] == "OK")
    paslon = col(ws, "Paslon 1")
    kel, tps = values[row - 1][1], values[row - 1][2]
    # a deliberate correction that keeps the row valid: one vote moves from paslon 1 to paslon 2
    p1, p2 = int(values[row - 1][paslon - 1]), int(values[row - 1][paslon])
    ws.update([[p1 - 1, p2 + 1]], f"{chr(64 + paslon)}{row}", raw=True)
    run("sync", *args)
    assert ws.cell(row, status).value == "PERIKSA"
    listed = json.loads(run("reconcile", *args, "--json").stdout)["changed_after_verification"]
    assert {c["field"] for c in listed} == {"paslon_1", "paslon_2"}

    out = run("--lang", "en", "reconcile", *args, "--accept-changes", "--tps", f"{kel} {tps}").stdout
    assert "1 row(s) accepted" in out and "Paslon 1" in out
    run("sync", *args)
    assert ws.cell(row, status).value == "OK"
    assert json.loads(run("reconcile", *args, "--json").stdout)["changed_after_verification"] == []
    assert "Nothing to accept" in run("--lang", "en", "reconcile", *args, "--accept-changes").stdout
    result = CliRunner().invoke(cli, ["reconcile", *args, "--tps", f"{kel} {tps}"])
    assert result.exit_code == 2                                  # --tps without --accept-changes
