"""The conventions a new user expects of the command line: -v shows the requests, one
--json spelling, a readable `check` on a big sheet, clear errors in the user's language.

Every test drives the CLI through click's CliRunner against the emulator, then checks
through gspread or the library."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from sheets import private_workdir

from sheetsync.cli.main import cli

PRESET = "pilkada-jakbar-2024"
WINDOW = 24          # characters in a row of a secret that count as shown (tests/secret_scan.py)


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: Any) -> Any:
    with private_workdir(tmp_path_factory.mktemp("conventions")) as path:
        yield path


@pytest.fixture(autouse=True)
def _state_dir(workdir: Path, monkeypatch: Any) -> None:
    monkeypatch.setenv("XDG_STATE_HOME", str(workdir / "state"))


def invoke(*args: str) -> Any:
    result = CliRunner().invoke(cli, list(args))
    assert "Traceback" not in result.output, result.output
    return result


def shown(secret: str, text: str) -> bool:
    """Any WINDOW characters in a row of ``secret`` (a PEM's lines joined) appear in ``text``."""
    body = "".join(line for line in secret.splitlines() if not line.startswith("-----"))
    return any(body[i:i + WINDOW] in text for i in range(max(1, len(body) - WINDOW + 1)))


# ---------------------------------------------------------------- -v/--verbose

@pytest.mark.parametrize("faulty_emu", [{"strict": True}], ids=["strict"], indirect=True)
def test_verbose_sync_shows_requests_and_retries_but_no_token_or_key(faulty_emu: Any, workdir: Path) -> None:
    key = faulty_emu.issue_key("sheetsync@kawal.iam.gserviceaccount.com")
    path = workdir / "sheetsync-key.json"
    path.write_text(json.dumps(key))
    sheet = faulty_emu.client(key).create("verbose").id
    args = ["--preset", PRESET, "--api-url", faulty_emu.url, "--spreadsheet", sheet, "--credentials", str(path)]
    assert invoke("init", *args, "--with-tps").exit_code == 0
    ws = faulty_emu.client(key).open_by_key(sheet).worksheet("TPS")
    header = ws.row_values(1)
    ws.update_cell(2, header.index("Nama Saksi") + 1, "Siti Aminah Rahayu")      # personal columns
    ws.update_cell(2, header.index("HP/WA Saksi") + 1, "0812-3456-7890")
    faulty_emu.inject_fault(status=503, method="POST", path=r"batchGetByDataFilter", times=1)
    result = invoke("-v", "--lang", "en", "sync", *args)
    tokens = list(faulty_emu.state.auth.state()["tokens"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert any(re.search(r"POST \S*/token -> 200", line) for line in lines), result.output
    assert any(re.search(rf"POST \S*/v4/spreadsheets/{sheet}/values:batchUpdate -> 200", line) for line in lines)
    assert any(re.search(r"retrying POST \S*/values:batchGetByDataFilter in \d+\.\d\ds \(attempt 1\): 503", line)
               for line in lines), result.output
    assert tokens and not any(shown(t, result.output) for t in tokens)
    assert not shown(key["private_key"], result.output)
    assert "Siti Aminah" not in result.output and "3456" not in result.output
    assert "?" not in " ".join(line for line in lines if " -> " in line)    # no query string


def test_without_verbose_no_request_is_shown(emu: Any, workdir: Path) -> None:
    sheet = emu.client().create("quiet").id
    args = ["--preset", PRESET, "--api-url", emu.url, "--spreadsheet", sheet]
    assert invoke("init", *args).exit_code == 0
    verbose = invoke("init", "-v", *args)        # the command's own -v, as its own --lang
    result = invoke("init", *args)
    assert " -> 200" in verbose.output
    assert " -> 200" not in result.output and "retrying" not in result.output


# ---------------------------------------------------------------- check on a big sheet

@pytest.fixture(scope="module")
def big_sheet(emu: Any, workdir: Path) -> Any:
    """The whole Jakarta Barat plan (2,648 TPS rows); a coordinator (a second client) typed
    one saksi in row 2 and a word into DPT in rows 5 and 2,600."""
    sheet = emu.client().create("big").id
    args = ["--preset", PRESET, "--api-url", emu.url, "--spreadsheet", sheet]
    assert invoke("init", *args, "--with-tps").exit_code == 0
    ws = emu.client().open_by_key(sheet).worksheet("TPS")
    header = ws.row_values(1)
    saksi, dpt = header.index("Nama Saksi") + 1, header.index("DPT") + 1
    ws.update_cell(2, saksi, "Siti Aminah")
    ws.update_cell(5, dpt, "banyak")
    ws.update_cell(2600, dpt, "tiga ratus")
    yield args, ws


@pytest.fixture(scope="module")
def big(big_sheet: Any) -> list[str]:
    return big_sheet[0]


def problems_json(args: list[str], *more: str) -> list[dict[str, Any]]:
    result = invoke("--lang", "en", "check", *args, *more)
    assert result.exit_code == 1, result.output
    return json.loads(result.stdout)


def test_check_lists_errors_first_and_counts_a_flood_of_one_warning(big: list[str]) -> None:
    everything = problems_json(big, "--json")
    errors = [p for p in everything if p["severity"] == "error"]
    missing = [p for p in everything if p["code"] == "saksi_missing"]
    assert {p["row"] for p in errors} >= {5, 2600} and len(missing) == 2647
    result = invoke("--lang", "en", "check", *big)
    out = result.stdout
    # a count per code before the list, with its message template
    summary, listing = out.split("\nProblems\n", 1)
    assert re.search(r"saksi_missing\s+warning\s+2,647\s+TPS has no saksi yet", summary), summary
    # errors first: both DPT rows come before the first warning
    lines = listing.splitlines()
    first_warning = next(i for i, line in enumerate(lines) if " warning " in line)
    assert {int(line.split()[0]) for line in lines[:first_warning]
            if line.split() and line.split()[0].isdigit()} >= {5, 2600}
    assert sum(bool(re.match(r"\s*\d+\s+warning\s+saksi_missing ", line)) for line in lines) == 20
    assert "2,627 more saksi_missing warning(s)" in out
    assert len(out.splitlines()) < 80


def test_check_all_and_errors_only(big: list[str]) -> None:
    everything = invoke("--lang", "en", "check", *big, "--all").stdout
    assert sum(bool(re.match(r"\s*\d+\s+warning\s+saksi_missing ", line)) for line in everything.splitlines()) == 2647
    assert "more saksi_missing" not in everything
    only = problems_json(big, "--errors-only", "--json")
    assert only and {p["severity"] for p in only} == {"error"}
    text = invoke("--lang", "id", "check", *big, "--errors-only").stdout
    assert "saksi_missing" not in text and "peringatan" not in text.split("\n")[0]


def test_json_is_one_spelling_and_the_older_forms_still_work(big: list[str]) -> None:
    assert problems_json(big, "--json") == problems_json(big, "--format", "json")
    clash = invoke("--lang", "id", "check", *big, "--json", "--format", "csv")
    assert clash.exit_code == 2 and "--json" in clash.output and "csv" in clash.output
    for spelling in (["--json"], ["--log-format", "json"]):
        result = invoke("sync", *big, *spelling)
        assert result.exit_code == 0, result.output
        record = json.loads(result.stdout)
        assert record["ok"] is True and record["rows_read"] == 2648


# ---------------------------------------------------------------- the journal: history, diff

@pytest.fixture(scope="module")
def journaled(big_sheet: Any) -> Any:
    """Two syncs, and between them a coordinator typed Paslon 1 of row 3."""
    args, ws = big_sheet
    assert invoke("sync", *args).exit_code == 0
    header = ws.row_values(1)
    ws.update_cell(3, header.index("Paslon 1") + 1, "123")
    assert invoke("sync", *args).exit_code == 0
    row = ws.row_values(3)
    return args, f"{row[header.index('Kelurahan')]} {row[header.index('No TPS')]}"


def test_history_shows_column_headers_and_words_in_the_users_language(journaled: Any) -> None:
    args, tps = journaled
    data = json.loads(invoke("history", *args, "--tps", tps, "--json").stdout)
    assert any(e["field"] == "paslon_1" and e["value"] == "123" for e in data)    # JSON keeps field names
    for lang, kind in (("id", "ditambah"), ("en", "added")):
        text = invoke("--lang", lang, "history", *args, "--tps", tps).stdout
        assert re.search(r"\bPaslon 1\s+123\b", text), text
        assert "paslon_1" not in text and "suara_sah" not in text
        assert re.search(rf"\s{kind}\s", text), text


def test_diff_since_a_sync_that_does_not_exist_exits_2(journaled: Any) -> None:
    args, _ = journaled
    for lang, words in (("en", "no sync 999"), ("id", "tidak ada sinkron ke-999")):
        result = invoke("--lang", lang, "diff", *args, "--since", "999")
        assert result.exit_code == 2, result.output
        assert words in result.output and len(result.output.strip().splitlines()) <= 2, result.output
    assert invoke("diff", *args, "--since", "1").exit_code == 0


# ---------------------------------------------------------------- --api-url: refused, malformed

def closed_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_a_refused_connection_fails_within_seconds_and_says_so() -> None:
    import time

    url = f"http://127.0.0.1:{closed_port()}"
    for lang, words in (("en", "connection refused"), ("id", "koneksi ditolak")):
        started = time.monotonic()
        result = invoke("--lang", lang, "check", "--preset", PRESET, "--api-url", url, "--spreadsheet", "y" * 44)
        seconds = time.monotonic() - started
        assert result.exit_code == 3, result.output
        assert seconds < 12, seconds                      # the whole retry deadline was 60 s (53 s measured)
        assert words in result.stderr and url in result.stderr, result.stderr
        assert "HTTPConnectionPool" not in result.output


@pytest.mark.parametrize("url", ["localhost:8555", "127.0.0.1:8555", "http://127.0.0.1:99999",
                                 "http://127.0.0.1:85a5", "http://127.0.0.1 :8555", "http://"])
def test_a_malformed_api_url_is_called_malformed(url: str) -> None:
    for lang, words in (("en", "not a URL"), ("id", "bukan URL")):
        result = invoke("--lang", lang, "check", "--preset", PRESET, "--api-url", url, "--spreadsheet", "y" * 44)
        assert result.exit_code == 2, result.output
        assert words in result.stderr and "only on this machine" not in result.stderr, result.stderr


# ---------------------------------------------------------------- errors in the user's language

def test_credentials_and_sheets_errors_follow_lang(strict_emu: Any, workdir: Path) -> None:
    missing = ["check", "--preset", PRESET, "--spreadsheet", "x" * 44, "--credentials", str(workdir / "nope.json")]
    for lang, words in (("en", "not found: download a service-account key"),
                        ("id", "tidak ditemukan: unduh kunci service account")):
        result = invoke("--lang", lang, *missing)
        assert result.exit_code == 3 and words in result.stderr, result.output
    owner = strict_emu.issue_key("owner@kawal.example")
    robot = strict_emu.issue_key("robot@kawal.iam.gserviceaccount.com")
    key = strict_emu.client(owner).create("private").id
    path = workdir / "robot.json"
    path.write_text(json.dumps(robot))
    args = ["--preset", PRESET, "--api-url", strict_emu.url, "--spreadsheet", key, "--credentials", str(path)]
    result = invoke("--lang", "id", "check", *args)
    assert result.exit_code == 3
    assert "tidak dibagikan dengan robot@kawal.iam.gserviceaccount.com" in result.stderr, result.stderr
    assert "Bagikan" in result.stderr and "not shared" not in result.stderr


def test_a_read_only_share_is_called_read_only(strict_emu: Any, workdir: Path) -> None:
    owner = strict_emu.issue_key("owner@kawal.example")
    robot = strict_emu.issue_key("robot@kawal.iam.gserviceaccount.com")
    mine = strict_emu.client(owner)
    key = mine.create("read-only").id
    path = workdir / "robot.json"
    path.write_text(json.dumps(robot))
    owner_path = workdir / "owner.json"
    owner_path.write_text(json.dumps(owner))
    target = ["--preset", PRESET, "--api-url", strict_emu.url, "--spreadsheet", key]
    assert invoke("init", *target, "--credentials", str(owner_path), "--with-tps").exit_code == 0
    mine.open_by_key(key).share("robot@kawal.iam.gserviceaccount.com", perm_type="user", role="reader",
                                notify=False)
    before = mine.open_by_key(key).worksheet("TPS").get_all_values()
    for lang, words in (("en", "is shared with robot@kawal.iam.gserviceaccount.com read-only"),
                        ("id", "dibagikan dengan robot@kawal.iam.gserviceaccount.com hanya untuk dilihat")):
        result = invoke("--lang", lang, "sync", *target, "--credentials", str(path))
        assert result.exit_code == 3, result.output
        assert words in result.stderr and "Editor" in result.stderr, result.stderr
        assert "not shared" not in result.stderr and "tidak dibagikan" not in result.stderr
    assert mine.open_by_key(key).worksheet("TPS").get_all_values() == before      # nothing written


def test_reconcile_and_restore_name_a_renamed_input_tab(emu: Any) -> None:
    sheet = emu.client().create("renamed").id
    args = ["--preset", PRESET, "--api-url", emu.url, "--spreadsheet", sheet]
    assert invoke("init", *args).exit_code == 0 and invoke("sync", *args).exit_code == 0
    emu.client().open_by_key(sheet).worksheet("TPS").update_title("TPS lama")    # the coordinator's rename
    for command in (["reconcile"], ["restore", "--since", "1"]):
        for lang, words in (("en", "tab 'TPS' not found in spreadsheet"), ("id", "tab 'TPS' tidak ada di")):
            result = invoke("--lang", lang, *command, *args)
            assert result.exit_code == 3, result.output
            assert words in result.stderr and "TPS lama" in result.stderr, result.stderr
            assert "APIError" not in result.output and "Unable to parse range" not in result.output
    titles = [ws.title for ws in emu.client().open_by_key(sheet).worksheets()]
    assert "TPS lama" in titles and "TPS" not in titles          # nothing was created or renamed


def test_export_and_fleet_sync_take_json_too(emu: Any, tmp_path: Path) -> None:
    from sync_data import seed
    from test_fleet import tps_rows
    from test_fleet_cli import fleet_file

    sheet = emu.client().create("export").id
    args = ["--preset", PRESET, "--api-url", emu.url, "--spreadsheet", sheet]
    assert invoke("init", *args).exit_code == 0
    result = invoke("export", *args, "--out", str(tmp_path / "arsip"), "--json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert {t["tab"] for t in report["tabs"]} >= {"TPS"} and all(Path(f).is_file() for f in report["files"])
    assert "Koordinator" in report["masked_columns"]

    gc = emu.client()
    pusat = seed(gc, tps_rows("31.71", (1, 2, 3)))
    path = fleet_file(tmp_path, emu, {"Jakarta Pusat": ("31.71", pusat.id)}, gc.create("Rekap DKI").id)
    for spelling in (["--json"], ["--log-format", "json"]):
        cycle = invoke("fleet", "sync", "--fleet", str(path), *spelling)
        assert cycle.exit_code == 0, cycle.output
        assert json.loads(cycle.stdout.strip().splitlines()[-1])
