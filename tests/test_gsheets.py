"""gsheets.py through real gspread against the emulator: one request per call, RAW writes,
payload splitting, grid growth, and one-line errors that say how to fix them."""

from __future__ import annotations

import json
import logging
import os
import socket
from types import SimpleNamespace

import pytest
import requests
from gspread.exceptions import APIError

from sheetsync.sheets import client as gsheets
from sheetsync.sheets.transport import RetryPolicy
from sync_data import settled_counters
from sheetsync.sheets.client import (CredentialsError, Sheet, SheetsError, load_credentials, open_client,
                               spreadsheet_key)


def new_sheet(emu, title="t", tabs=("Input",)):
    gc = emu.client()
    sh = gc.create(title)
    first = sh.sheet1
    first.update_title(tabs[0])
    for t in tabs[1:]:
        sh.add_worksheet(t, rows=100, cols=10)
    return gc, sh


def api_requests(emu):
    return settled_counters(emu)["requests"]


def test_spreadsheet_key_accepts_ids_and_urls():
    assert spreadsheet_key("1AbCdEfGhIjK_-x") == "1AbCdEfGhIjK_-x"
    assert spreadsheet_key("https://docs.google.com/spreadsheets/d/1AbCdEfGhIjK_-x/edit#gid=0") == "1AbCdEfGhIjK_-x"
    with pytest.raises(SheetsError, match="--spreadsheet"):
        spreadsheet_key("my sheet")


def test_read_is_one_batchget_for_every_range(emu):
    gc, sh = new_sheet(emu, tabs=("Input", "Rekap Kecamatan"))
    sh.worksheet("Input").update([["a", "b"], ["1", "2"]], "A1")
    sheet = Sheet(gc, sh.id)
    before = api_requests(emu)
    got = sheet.read(["'Input'", "'Rekap Kecamatan'", "'Input'!B1:B2"])
    assert api_requests(emu) - before == 1
    assert got == {"'Input'": [["a", "b"], ["1", "2"]], "'Rekap Kecamatan'": [], "'Input'!B1:B2": [["b"], ["2"]]}
    assert sheet.requests == 1


def test_write_is_one_raw_batchupdate_and_counts_cells(emu):
    gc, sh = new_sheet(emu)
    sheet = Sheet(gc, sh.id)
    before = settled_counters(emu)
    stats = sheet.write([("'Input'!A1:B1", [["=1+1", "007"]]), ("'Input'!D3", [[42]])])
    after = settled_counters(emu)
    assert after["requests"] - before["requests"] == 1
    assert after["cells_written"] - before["cells_written"] == 3
    assert (stats.requests, stats.cells, stats.ranges) == (1, 3, 2)
    ws = sh.worksheet("Input")
    assert ws.get("A1:B1", value_render_option="FORMULA") == [["=1+1", "007"]]   # RAW: text stays text
    assert ws.get("D3", value_render_option="UNFORMATTED_VALUE") == [[42]]


def test_write_splits_only_past_two_megabytes(emu, monkeypatch):
    gc, sh = new_sheet(emu)
    sheet = Sheet(gc, sh.id)
    sheet.ensure_grid({"Input": (3000, 4)})
    rows = [[f"{i:06d}" + "x" * 300, "y"] for i in range(2000)]      # ~0.6 MB
    assert sheet.write([("'Input'!A1:B2000", rows)]).requests == 1
    monkeypatch.setattr(gsheets, "MAX_PAYLOAD", 200_000)
    stats = sheet.write([("'Input'!C1:D2000", rows)])
    assert stats.requests >= 3 and stats.cells == 4000
    got = sh.worksheet("Input").get("C1:D2000")
    assert got == rows


def test_missing_tab_is_raised_raw_so_sync_can_add_it(emu):
    gc, sh = new_sheet(emu)
    sheet = Sheet(gc, sh.id)
    with pytest.raises(APIError):
        sheet.read(["'Nope'"])
    assert set(sheet.tabs()) == {"Input"}
    sheet.add_tabs([{"sheetId": 77, "title": "Nope", "gridProperties": {"rowCount": 10, "columnCount": 3}}])
    assert sheet.read(["'Nope'"]) == {"'Nope'": []}
    assert sheet.grid["Nope"] == (10, 3)                  # the grid asked for, not 1000 x 26


def test_ensure_grid_grows_rows_and_columns_once(emu):
    gc, sh = new_sheet(emu)
    sheet = Sheet(gc, sh.id)
    assert sheet.ensure_grid({"Input": (1500, 30)})
    props = sheet.tabs()["Input"]["gridProperties"]
    assert props["columnCount"] == 30 and 1500 + 100 <= props["rowCount"] <= 1500 * 1.2   # headroom
    assert not sheet.ensure_grid({"Input": (10, 5)})
    assert sheet.ensure_grid({"Input": (2000, 30)}, headroom=0)
    assert sheet.tabs()["Input"]["gridProperties"]["rowCount"] == 2000


def test_whole_tab_reads_tell_the_grid_size(emu):
    gc, sh = new_sheet(emu)
    sheet = Sheet(gc, sh.id)
    sheet.read(["'Input'", "'Input'!A1:B2"])
    assert sheet.grid == {"Input": (1000, 26)}
    assert sheet.too_small({"Input": (1001, 2)}) and not sheet.too_small({"Input": (1000, 26), "Other": (5000, 1)})


def test_unknown_spreadsheet_says_how_to_fix(emu):
    sheet = Sheet(emu.client(), "1NoSuchSpreadsheet000")
    with pytest.raises(SheetsError) as info:
        sheet.read(["'Input'"])
    assert "not found" in str(info.value) and "--spreadsheet" in str(info.value)


def test_strict_mode_unshared_sheet_names_the_account_to_share_with(strict_emu, tmp_path):
    owner = strict_emu.client(key=strict_emu.issue_key("owner@proj.iam.gserviceaccount.com"))
    sh = owner.create("private")
    key = strict_emu.issue_key("bot@proj.iam.gserviceaccount.com")
    path = tmp_path / "key.json"
    path.write_text(json.dumps(key))
    path.chmod(0o600)
    config = SimpleNamespace(credentials=str(path), api_url=strict_emu.url)
    sheet = Sheet(open_client(config), sh.id)
    with pytest.raises(SheetsError) as info:
        sheet.read(["'Sheet1'"])
    message = str(info.value)
    assert "bot@proj.iam.gserviceaccount.com" in message and "Share" in message
    assert "\n" not in message and key["private_key"][40:80] not in message
    sh.share("bot@proj.iam.gserviceaccount.com", perm_type="user", role="writer", notify=False)
    assert sheet.read(["'Sheet1'"]) == {"'Sheet1'": []}
    forged = Sheet(strict_emu.client(token="forged-token"), sh.id)
    with pytest.raises(SheetsError, match="401"):
        forged.read(["'Sheet1'"])


def test_key_file_problems_are_one_line_with_the_fix(tmp_path, caplog):
    with pytest.raises(CredentialsError, match="not found.*--credentials"):
        load_credentials(str(tmp_path / "missing.json"))
    with pytest.raises(CredentialsError, match="GOOGLE_APPLICATION_CREDENTIALS"):
        load_credentials(None, environ={"GOOGLE_APPLICATION_CREDENTIALS": str(tmp_path / "gone.json")})
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    bad.chmod(0o600)
    with pytest.raises(CredentialsError, match="not a valid Google key file"):
        load_credentials(str(bad))
    if os.geteuid() != 0:                       # root reads anything
        locked = tmp_path / "locked.json"
        locked.write_text("{}")
        locked.chmod(0)
        with pytest.raises(CredentialsError, match="cannot be read"):
            load_credentials(str(locked))


def test_group_readable_key_file_warns(strict_emu, tmp_path, caplog):
    key = strict_emu.issue_key("bot@proj.iam.gserviceaccount.com")
    path = tmp_path / "key.json"
    path.write_text(json.dumps(key))
    path.chmod(0o644)
    with caplog.at_level(logging.WARNING, logger="sheetsync"):
        creds = load_credentials(str(path))
    assert creds.service_account_email == "bot@proj.iam.gserviceaccount.com"
    assert "chmod 600" in caplog.text and key["private_key"][40:80] not in caplog.text
    assert list(creds.scopes) == ["https://www.googleapis.com/auth/spreadsheets"]


def test_emulator_url_without_key_uses_open_mode(emu):
    gc = open_client(SimpleNamespace(credentials=None, api_url=emu.url))
    sh = gc.create("open")
    assert Sheet(gc, sh.id).read(["'Sheet1'"]) == {"'Sheet1'": []}


def test_unreachable_api_is_one_line_about_the_network():
    # A port nobody listens on: requests' ConnectionError (caught in gsheets through the
    # name transport.py re-exports) must become a SheetsError, not a traceback.
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    quick = RetryPolicy(deadline_s=0.5, base_s=0.01, max_sleep_s=0.02, timeout_s=(0.5, 0.5))
    sheet = Sheet(gsheets.emulator_client(f"http://127.0.0.1:{port}", retry=quick), "1NoSuchSpreadsheet000")
    with pytest.raises(SheetsError, match="could not reach the Sheets API") as info:
        sheet.read(["'Input'"])
    assert "\n" not in str(info.value) and "ConnectionError" in str(info.value)


@pytest.fixture()
def adc_home(tmp_path, monkeypatch):
    """Application Default Credentials as google.auth.default finds them: no
    GOOGLE_APPLICATION_CREDENTIALS, gcloud's well-known file under $CLOUDSDK_CONFIG,
    and no metadata-server probe or gcloud subprocess (both slow and machine-dependent)."""
    import google.auth._cloud_sdk
    from google.auth.compute_engine import _metadata
    monkeypatch.delenv("GOOGLE_APPLICATION_CREDENTIALS", raising=False)
    monkeypatch.setenv("CLOUDSDK_CONFIG", str(tmp_path))
    monkeypatch.setattr(_metadata, "_NO_GCE_CHECK", True)
    monkeypatch.setattr(google.auth._cloud_sdk, "get_project_id", lambda: None)
    return tmp_path / "application_default_credentials.json"


def test_adc_service_account_gets_the_spreadsheets_scope_only(strict_emu, adc_home):
    key = strict_emu.issue_key("adc-bot@proj.iam.gserviceaccount.com")
    adc_home.write_text(json.dumps(key))
    creds = load_credentials(None, environ={})
    assert creds.service_account_email == "adc-bot@proj.iam.gserviceaccount.com"
    assert list(creds.scopes or ()) == ["https://www.googleapis.com/auth/spreadsheets"]


def test_adc_authorized_user_is_used_when_no_key_file_is_given(adc_home):
    adc_home.write_text(json.dumps({"type": "authorized_user", "client_id": "c.apps.googleusercontent.com",
                                    "client_secret": "s", "refresh_token": "adc-refresh-token"}))
    creds = load_credentials(None, environ={})
    assert creds.refresh_token == "adc-refresh-token"


def test_no_adc_is_one_line_naming_every_way_to_give_credentials(adc_home):
    assert not adc_home.exists()
    with pytest.raises(CredentialsError) as info:
        load_credentials(None, environ={})
    message = str(info.value)
    assert "\n" not in message and message.startswith("no Google credentials found")
    for way in ("--credentials", "GOOGLE_APPLICATION_CREDENTIALS", "gcloud auth application-default login",
                "--scopes=https://www.googleapis.com/auth/spreadsheets"):
        assert way in message


def _api_error(status: int, message: str) -> APIError:
    response = requests.Response()
    response.status_code = status
    response._content = json.dumps({"error": {"code": status, "message": message,
                                              "status": "PERMISSION_DENIED"}}).encode()
    return APIError(response)


def test_adc_without_the_sheets_scope_is_not_called_unshared():
    # What Google answers a token from a plain 'gcloud auth application-default login'.
    scope = gsheets.translate(_api_error(403, "Request had insufficient authentication scopes."),
                              key="1AbCdEfGhIjK", email=None)
    assert isinstance(scope, CredentialsError) and "\n" not in str(scope)
    assert "--scopes=https://www.googleapis.com/auth/spreadsheets" in str(scope) and "Share" not in str(scope)
    unshared = gsheets.translate(_api_error(403, "The caller does not have permission"),
                                 key="1AbCdEfGhIjK", email="bot@proj.iam.gserviceaccount.com")
    assert "Share" in str(unshared) and "bot@proj.iam.gserviceaccount.com" in str(unshared)
