"""Every command through click's CliRunner against the emulator, then checked through gspread."""

from __future__ import annotations

import csv
import json
import os
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from sheetsync.cli.main import cli
from sheetsync.core.config import load_preset, with_overrides
from sheets import private_workdir, settle, stop_with_ctrl_c

PRESET = "pilkada-jakbar-2024"


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: Any) -> Any:
    """Journal and locks live in a private directory."""
    with private_workdir(tmp_path_factory.mktemp("cli")) as path:
        yield path


@pytest.fixture(autouse=True)
def _private_state_dir(workdir: Path, monkeypatch: Any) -> Path:
    """One state folder (hence one journal) for the whole module: the module-scoped
    sheets are synced in one test and reconciled in another."""
    state = workdir / "state"
    monkeypatch.setenv("XDG_STATE_HOME", str(state))
    return state


def run(*args: str, ok: tuple[int, ...] = (0,)) -> Any:
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    assert result.exit_code in ok, f"exit {result.exit_code}: {result.output}"
    assert "Traceback" not in result.output
    return result


class Sheet:
    """A demo-filled spreadsheet on the emulator and the CLI arguments that reach it."""

    def __init__(self, emu: Any, title: str) -> None:
        self.emu = emu
        self.key = emu.client().create(title).id
        self.args = ["--preset", PRESET, "--api-url", emu.url, "--spreadsheet", self.key]
        self.config = with_overrides(load_preset(PRESET), spreadsheet=self.key, api_url=emu.url)

    def ws(self, title: str = "TPS") -> Any:
        return self.emu.client().open_by_key(self.key).worksheet(title)


@pytest.fixture(scope="module")
def filled(emu: Any, workdir: Path) -> Sheet:
    from sheetsync.demo.seed import fill

    sheet = Sheet(emu, "cli")
    run("init", *sheet.args, "--with-tps")
    sheet.fill = fill(sheet.config, phase="hari-h", seed=5, client=emu.client())
    return sheet


@pytest.fixture(scope="module")
def synced(filled: Sheet) -> Sheet:
    filled.sync_result = run("--lang", "en", "sync", *filled.args)
    return filled


# ---------------------------------------------------------------- init / sync

def test_init_output_and_second_init_message(emu: Any, workdir: Path) -> None:
    sheet = Sheet(emu, "init-cli")
    first = run("init", *sheet.args, "--with-tps")
    assert "2648" in first.output.replace(",", "").replace(".", "")
    settle(emu)
    emu.reset_counters()
    second = run("--lang", "en", "init", *sheet.args, "--json")
    settle(emu)
    report = json.loads(second.stdout)
    assert report["write_calls"] == 0 and report["requests"] == [], report
    writes = [r for r in emu.counters()["routes"] if r["method"] == "POST" and "ByDataFilter" not in r["path"]]
    assert writes == []


def test_sync_exit_0_with_data_problems_and_statuses_in_sheet(synced: Sheet) -> None:
    out = synced.sync_result.output
    assert "ERROR " in out and "OK " in out and "NOT FILLED " in out     # status labels in English
    values = synced.ws().get_all_values()
    status_col = values[0].index("Status")
    statuses = [r[status_col] for r in values[1:]]
    for row in synced.fill.mistake_rows:
        assert statuses[row - 2] == "SALAH", row
    assert statuses.count("OK") > 1500
    rekap = synced.ws("Rekap Kecamatan").get_all_values()
    assert any("Cengkareng" in r for r in rekap)


def test_sync_fail_on_and_json_log(synced: Sheet) -> None:
    result = run("sync", *synced.args, "--fail-on", "error", "--log-format", "json", ok=(1,))
    line = json.loads(result.stdout.strip().splitlines()[-1])
    assert line["issue_counts"]["error"] > 0
    assert line["cells_written"] == 0                       # nothing changed since the last sync
    run("sync", *synced.args, "--fail-on", "error", "--quiet", ok=(1,))
    run("sync", *synced.args, ok=(0,))


def test_check_exit_1_and_json_equals_library(synced: Sheet) -> None:
    from sheetsync.sync.run import read_and_check

    result = run("check", *synced.args, "--format", "json", ok=(1,))
    got = json.loads(result.stdout)
    lib = read_and_check(synced.config)
    assert [(i["code"], i["row"], i["severity"]) for i in got] == [(i.code, i.row, i.severity) for i in lib.issues]
    table = run("check", *synced.args, ok=(1,))
    assert "duplicate_tps" in table.stdout
    indonesian = run("--lang", "id", "check", *synced.args, ok=(1,)).stdout.splitlines()
    header = next(line for line in indonesian if "Keterangan" in line)
    assert header.split() == ["Baris", "Tingkat", "Kode", "Keterangan"]
    assert any(" galat " in line for line in indonesian) and not any(" error " in line for line in indonesian)
    as_csv = run("check", *synced.args, "--format", "csv", ok=(1,))
    rows = list(csv.reader(as_csv.stdout.splitlines()))
    assert rows[0] == ["row", "severity", "code", "field", "message"] and len(rows) == 1 + len(lib.issues)


def test_plan_lists_the_cell_a_sync_would_change(synced: Sheet) -> None:
    ws = synced.ws()
    header = ws.row_values(1)
    row = next(r for r in sorted(synced.fill.mistakes["sum_mismatch"]))
    values = ws.row_values(row)
    # fix the sum: paslon 2 back to suara sah - paslon 1 - paslon 3
    p1, p2, p3, sah = (header.index(h) for h in ("Paslon 1", "Paslon 2", "Paslon 3", "Suara Sah"))
    fixed = int(values[sah]) - int(values[p1]) - int(values[p3])
    ws.update_cell(row, p2 + 1, fixed)
    plan = run("plan", *synced.args, "--json")
    changes = json.loads(plan.stdout)
    from sheetsync.cli.common import to_jsonable
    from sheetsync.journal.store import Journal, journal_path
    from sheetsync.sync.run import sync

    with Journal(journal_path(synced.config)) as journal:
        library = sync(synced.config, dry_run=True, journal=journal)
    assert changes == to_jsonable(library.plan.changes)
    status_cell = f"{chr(ord('A') + header.index('Status'))}{row}"
    mine = [c for c in changes if c["tab"] == "TPS" and c["a1"].rsplit("!", 1)[-1] == status_cell]
    assert mine and mine[0]["old"] == "SALAH" and mine[0]["new"] == "OK"
    text = run("plan", *synced.args)
    assert status_cell in text.stdout and "SALAH" in text.stdout
    dry = run("sync", *synced.args, "--dry-run")
    assert status_cell in dry.stdout
    assert ws.cell(row, header.index("Status") + 1).value == "SALAH"     # nothing written
    run("sync", *synced.args)
    assert ws.cell(row, header.index("Status") + 1).value == "OK"


def test_reconcile_json_equals_library_and_against_csv(synced: Sheet, tmp_path: Path) -> None:
    from sheetsync.cli.common import to_jsonable
    from sheetsync.reports.reconcile import reconcile

    got = json.loads(run("--lang", "en", "reconcile", *synced.args, "--json").stdout)
    lib = to_jsonable(reconcile(synced.config, lang="en"))
    assert got == lib
    assert len(got["per_kecamatan"]) == 8 and got["duplicates"]    # the preset's 8 kecamatan, each once
    # an external result: three TPS of the sheet, one number different
    values = synced.ws().get_all_values()
    header = values[0]
    ok_rows = [r for r in values[1:] if r[header.index("Status")] == "OK"][:3]
    ext = tmp_path / "kpu.csv"
    with ext.open("w", newline="") as fh:
        w = csv.writer(fh, delimiter=";")
        w.writerow(["KECAMATAN", "KELURAHAN", "TPS", "Paslon 1", "Paslon 2", "Paslon 3"])
        for i, r in enumerate(ok_rows):
            p3 = int(r[header.index("Paslon 3")]) + (7 if i == 1 else 0)
            w.writerow([r[0].upper(), r[1].lower(), f"TPS {int(r[2]):03d}", r[header.index("Paslon 1")],
                        r[header.index("Paslon 2")], p3])
    out = json.loads(run("reconcile", *synced.args, "--against", str(ext), "--json").stdout)
    against = out["against"]
    assert against["compared"] == 3
    assert [(d["field"], d["external"] - d["sheet"]) for d in against["differences"]] == [("paslon_3", 7)]
    # every TPS of the sheet with a readable key, less the three in the file, each once
    from sheetsync.core.check import check
    keys = set(check(values, synced.config).rows["tps_key"].dropna())
    assert len(keys) > 3
    only = against["only_in_sheet"]
    assert len(set(only)) == len(only) == len(keys) - 3 and set(only) < keys
    text = run("--lang", "en", "reconcile", *synced.args, "--against", str(ext))
    # a partial file: the TPS it leaves out are counted in one line, not listed one per line
    assert f"{len(only)} TPS of the sheet are not in {ext}" in text.stdout
    assert not any(k in text.stdout for k in only)
    assert "Paslon 3" in text.stdout and "paslon_3" not in text.stdout     # the sheet's header, not the field
    # readable tables: headers in the chosen language, whole numbers without ".0", yes/no not True/False
    assert "Sum of TPS targets" in text.stdout and "target_sum" not in text.stdout
    assert ".0 " not in text.stdout and ".0\n" not in text.stdout and "False" not in text.stdout
    indonesian = run("--lang", "id", "reconcile", *synced.args).stdout
    assert "Jumlah target TPS" in indonesian and "TPS rencana" in indonesian and "tps_planned" not in indonesian
    assert "105.000" in indonesian and ",0 " not in indonesian
    # a coordinator edits a number after the last sync: reconcile lists it, sheet row and field
    row = values.index(ok_rows[0]) + 1
    synced.ws().update_cell(row, header.index("Paslon 1") + 1, 3)
    changed = json.loads(run("reconcile", *synced.args, "--json").stdout)["changed_since_last_sync"]
    assert [(c["row"], c["field"], c["new"]) for c in changed] == [(row, "paslon_1", "3")]


# ---------------------------------------------------------------- export

def test_export_csv_masks_phones_and_neutralises(emu: Any, workdir: Path, tmp_path: Path) -> None:
    from sheetsync.demo.seed import fill

    sheet = Sheet(emu, "export")
    run("init", *sheet.args, "--with-tps")
    fill(sheet.config, phase="persiapan", seed=9, client=emu.client())
    ws = sheet.ws()
    header = ws.row_values(1)
    cell = f"{chr(ord('A') + header.index('Alamat'))}2"
    ws.update([['=HYPERLINK("http://x","klik")']], cell, raw=True)     # text that looks like a formula
    phones = [v for v in ws.col_values(header.index("HP/WA Saksi") + 1)[1:] if v]
    assert len(phones) > 1000
    out = tmp_path / "arsip"
    run("export", *sheet.args, "--out", str(out))
    files = sorted(out.glob("*.csv"))
    assert len(files) == len(emu.client().open_by_key(sheet.key).worksheets())
    text = "".join(f.read_text(encoding="utf-8-sig") for f in files)
    assert not any(p in text for p in phones)
    tps_file = next(f for f in files if f.name.endswith("-tps.csv"))
    rows = list(csv.reader(tps_file.open(encoding="utf-8-sig")))
    assert rows[1][header.index("Alamat")].startswith("'=")
    run("export", *sheet.args, "--out", str(out / "full"), "--include-personal", "--format", "xlsx")
    from openpyxl import load_workbook

    book = load_workbook(next((out / "full").glob("*.xlsx")))
    col = [c.value for c in book["TPS"][chr(ord("A") + header.index("HP/WA Saksi"))]]
    assert phones[0] in col


# ---------------------------------------------------------------- errors

def test_missing_key_file_is_exit_3_with_one_clear_line(emu: Any, workdir: Path) -> None:
    result = CliRunner().invoke(cli, ["check", "--preset", PRESET, "--spreadsheet", "x" * 44,
                                      "--credentials", str(workdir / "nope.json")])
    assert result.exit_code == 3
    assert "nope.json" in result.output and "not found" in result.output
    assert "Traceback" not in result.output and len(result.output.strip().splitlines()) <= 2


def test_sheet_not_shared_prints_the_email(workdir: Path, strict_emu: Any) -> None:
    strict = strict_emu
    owner = strict.issue_key("owner@kawal.example")
    stranger = strict.issue_key("robot@kawal.iam.gserviceaccount.com")
    key = strict.client(owner).create("private").id
    path = workdir / "stranger.json"
    path.write_text(json.dumps(stranger))
    result = CliRunner().invoke(cli, ["check", "--preset", PRESET, "--api-url", strict.url,
                                      "--spreadsheet", key, "--credentials", str(path)])
    assert result.exit_code == 3, result.output
    assert "robot@kawal.iam.gserviceaccount.com" in result.output and "Share" in result.output


def test_unreachable_api_is_exit_3(workdir: Path, monkeypatch: Any) -> None:
    import socket

    from sheetsync.sheets import client as gsheets
    from sheetsync.sheets.transport import RetryPolicy, make_session

    # the real retry loop, with a 2 s deadline instead of 60 s
    monkeypatch.setattr(gsheets, "make_session",
                        lambda creds, url, retry=None: make_session(creds, url, RetryPolicy(deadline_s=2)))
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    result = CliRunner().invoke(cli, ["check", "--preset", PRESET, "--api-url", f"http://127.0.0.1:{port}",
                                      "--spreadsheet", "y" * 44])
    assert result.exit_code == 3, result.output
    assert "Traceback" not in result.output


def test_missing_tab_is_named(emu: Any, workdir: Path) -> None:
    sheet = Sheet(emu, "no-tab")
    result = CliRunner().invoke(cli, ["check", *sheet.args])
    assert result.exit_code == 3 and "'TPS'" in result.output


def test_lock_held_is_exit_3(synced: Sheet) -> None:
    from sheetsync.journal.tab import journal_key
    from sheetsync.sync.lock import SyncLock, lock_path

    lock = SyncLock(lock_path(journal_key(synced.key, synced.config.input_tab), synced.emu.url,
                              os.environ["SHEETSYNC_LOCK_DIR"]))
    lock.acquire()
    try:
        result = CliRunner().invoke(cli, ["sync", *synced.args])
    finally:
        lock.release()
    assert result.exit_code == 3 and "Traceback" not in result.output


def test_emulator_command_serves_until_stopped(tmp_path: Path) -> None:
    import subprocess
    import sys
    import urllib.request

    proc = subprocess.Popen([sys.executable, "-c", "from sheetsync.cli.main import main; main()", "emulator",
                             "--port", "0"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        first = proc.stdout.readline()
        assert "listening on http://127.0.0.1:" in first, first + proc.stderr.read()
        url = first.split("listening on ", 1)[1].split()[0]
        with urllib.request.urlopen(url + "/view", timeout=10) as resp:
            assert resp.status == 200
    finally:
        stop_with_ctrl_c(proc, 10)
    assert proc.returncode == 0


def test_json_log_error_line_and_exit_3(workdir: Path) -> None:
    result = CliRunner().invoke(cli, ["sync", "--preset", PRESET, "--spreadsheet", "z" * 44,
                                      "--credentials", str(workdir / "missing.json"), "--log-format", "json"])
    assert result.exit_code == 3
    line = json.loads(result.stdout.strip().splitlines()[-1])
    assert line["ok"] is False and line["exit_code"] == 3 and "missing.json" in line["error"]


def test_sync_every_keeps_running_until_ctrl_c(synced: Sheet, workdir: Path) -> None:
    import subprocess
    import sys
    import time

    proc = subprocess.Popen([sys.executable, "-c", "from sheetsync.cli.main import main; main()", "sync", *synced.args,
                             "--every", "5s", "--log-format", "json"], cwd=workdir, env=dict(os.environ),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    lines = []
    try:
        deadline = time.time() + 60
        while len(lines) < 3 and time.time() < deadline:
            line = proc.stdout.readline()
            if not line:
                break
            lines.append(json.loads(line))
    finally:
        stop_with_ctrl_c(proc, 20)
    assert proc.returncode == 0, proc.stderr.read()
    assert len(lines) == 3 and all(entry["ok"] for entry in lines)
    assert [entry["cells_written"] for entry in lines[1:]] == [0, 0]     # steady state: nothing to write


def test_missing_header_is_named(emu: Any, workdir: Path) -> None:
    sheet = Sheet(emu, "no-header")
    ws = emu.client().open_by_key(sheet.key).sheet1
    ws.update_title("TPS")
    ws.update([["Kecamatan", "Kelurahan", "DPT"], ["Cengkareng", "Kapuk", 300]], "A1")
    result = CliRunner().invoke(cli, ["sync", *sheet.args])
    assert result.exit_code == 3, result.output
    assert "'No TPS'" in result.output and "Traceback" not in result.output
    assert len(result.output.strip().splitlines()) <= 2


def without_api_url_notice(stderr: str) -> str:
    """stderr minus the line every command prints while --api-url is in use."""
    return "".join(line for line in stderr.splitlines(keepends=True) if not line.startswith("API URL in use: "))


def test_reader_gone_is_a_quiet_stop_not_a_network_error(synced: Sheet, workdir: Path) -> None:
    """`sheetsync check | head`: stdout's reader has closed the pipe before we write."""
    import subprocess
    import sys

    read_end, write_end = os.pipe()
    os.close(read_end)                    # every write to the pipe now fails with EPIPE
    try:
        proc = subprocess.run([sys.executable, "-c", "from sheetsync.cli.main import main; main()", "check",
                               *synced.args, "--format", "csv"], cwd=workdir, env=dict(os.environ),
                              stdout=write_end, stderr=subprocess.PIPE, text=True, timeout=120)
    finally:
        os.close(write_end)
    assert proc.returncode == 141, proc.stderr          # 128 + SIGPIPE, like `yes | head`
    assert without_api_url_notice(proc.stderr) == ""   # no "cannot reach the Sheets API", no traceback


def test_sync_of_an_empty_input_tab_says_no_rows_yet(emu: Any, workdir: Path) -> None:
    sheet = Sheet(emu, "empty")
    run("init", *sheet.args)                                  # header only, no TPS rows
    out = run("--lang", "en", "sync", *sheet.args).stdout
    assert "no rows yet in tab 'TPS'" in out and "0 row(s)" not in out and ": -." not in out
    assert "belum berisi baris" in run("--lang", "id", "sync", *sheet.args).stdout


def test_sync_shows_its_phases_on_a_terminal_above_the_row_threshold(synced: Sheet, monkeypatch: Any) -> None:
    from sheetsync.cli import sheet as cli_sheet
    from sheetsync.cli.common import Ui

    def stderr_of(*extra: str) -> str:
        return without_api_url_notice(CliRunner().invoke(cli, ["--lang", "en", "sync", *synced.args, *extra]).stderr)

    assert stderr_of() == ""                                     # not a terminal: silent
    monkeypatch.setattr(Ui, "drawing", lambda self: not self.quiet)   # as on a terminal
    assert stderr_of() == ""                                     # 2,648 rows: below ~50,000, silent
    monkeypatch.setattr(cli_sheet, "PROGRESS_MIN_ROWS", 1000)
    line = stderr_of()
    for phase in ("[3/8] check", "[4/8] summaries", "[7/8] write", "[8/8] journal"):   # rows known after check
        assert phase in line, line
    assert "sync 2,648 rows" in line and "\n" not in line        # one line, rewritten in place
    assert stderr_of("--quiet") == ""


def test_reconcile_by_koordinator_masks_names_unless_asked(emu: Any, workdir: Path) -> None:
    from sheetsync.cli.common import to_jsonable
    from sheetsync.demo.seed import fill
    from sheetsync.reports.reconcile import reconcile

    sheet = Sheet(emu, "koordinator")
    run("init", *sheet.args, "--with-tps")
    fill(sheet.config, phase="persiapan", seed=4, client=emu.client())
    ws = sheet.ws()
    names = {v for v in ws.col_values(ws.row_values(1).index("Koordinator") + 1)[1:] if v}
    assert len(names) > 100
    got = json.loads(run("--lang", "en", "reconcile", *sheet.args, "--by-koordinator", "--json").stdout)
    assert got == to_jsonable(reconcile(sheet.config, lang="en", by_koordinator=True))
    table = got["per_koordinator"]
    assert len(table) == len(names) and sum(r["tps_entered"] for r in table) == 2648
    assert table[0]["problems"] >= table[-1]["problems"] and table[0]["koordinator"] == "*** #1"
    text = run("--lang", "en", "reconcile", *sheet.args, "--by-koordinator").stdout
    assert "Per coordinator" in text and "With problems" in text
    assert not any(name in text or name in json.dumps(got) for name in names)
    full = json.loads(run("reconcile", *sheet.args, "--by-koordinator", "--include-personal", "--json").stdout)
    assert {r["koordinator"] for r in full["per_koordinator"]} == names
    assert json.loads(run("reconcile", *sheet.args, "--json").stdout)["per_koordinator"] is None   # only if asked
