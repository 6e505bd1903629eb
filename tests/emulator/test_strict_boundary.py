"""The emulator as an access boundary: admin token, JWT claims, ownership, Host/Origin, body
size and type, sheetIds and the web view's HTML, client regexes, the --state directory.

Raw HTTP where gspread has no call for it; gspread and google-auth where they do.
"""
from __future__ import annotations

import os
import socket
import stat
import subprocess
import sys
import time
from pathlib import Path

import gspread
import pytest
import requests
from _emu_support import assert_error
from google.auth import crypt
from google.auth import jwt as google_jwt
from google.auth.exceptions import RefreshError
from google.auth.transport.requests import AuthorizedSession
from google.oauth2 import service_account

from google_emulator import GoogleEmulator
from sheetsync.emulator.boundary import ADMIN_HEADER, OpenModeBeyondLoopback
from sheetsync.emulator.persist import UnsafeStateFile

OWNER = "koordinator@kawal-tps.iam.gserviceaccount.com"
WRITER = "relawan@kawal-tps.iam.gserviceaccount.com"
SCOPES = ["https://www.googleapis.com/auth/spreadsheets", "https://www.googleapis.com/auth/drive"]
JWT_GRANT = "urn:ietf:params:oauth:grant-type:jwt-bearer"
GOOGLE_TOKEN_URI = "https://oauth2.googleapis.com/token"
SHORT_LIVED = ("Invalid JWT: Token must be a short-lived token (60 minutes) and in a reasonable "
               "timeframe. Check your iat and exp values in the JWT claim.")


@pytest.fixture(scope="module")
def strict():
    with GoogleEmulator(strict=True) as e:
        yield e


@pytest.fixture(scope="module")
def keys(strict):
    return {OWNER: strict.issue_key(OWNER), WRITER: strict.issue_key(WRITER)}


@pytest.fixture(scope="module")
def open_emu():
    with GoogleEmulator() as e:
        yield e


def owned_sheet(strict, keys, title: str = "Rekap Kalideres") -> gspread.Spreadsheet:
    return strict.client(key=keys[OWNER]).create(title)


# ------------------------------------------------------------------ admin token

def test_admin_paths_refuse_a_caller_without_the_token(strict, keys):
    sh = owned_sheet(strict, keys)
    for method, path in [("POST", "/_emulator/keys"), ("GET", "/_emulator/spreadsheets"),
                         ("POST", "/_emulator/reset"), ("GET", "/_emulator/counters"),
                         ("POST", "/_emulator/faults")]:
        resp = requests.request(method, strict.url + path, json={"email": OWNER}, timeout=10)
        err = assert_error(resp, 401, "UNAUTHENTICATED")
        assert ADMIN_HEADER in err["message"]
    wrong = {ADMIN_HEADER: "x" + (strict.admin_token or "")}
    assert requests.get(strict.url + "/_emulator/spreadsheets", headers=wrong, timeout=10).status_code == 401
    assert strict.store.get(sh.id) is not None            # the reset did not happen
    assert requests.get(strict.url + "/_emulator/health", timeout=10).json()["ok"] is True


def test_admin_paths_work_with_the_emulators_own_token(strict, keys):
    sh = owned_sheet(strict, keys)
    listing = requests.get(strict.url + "/_emulator/spreadsheets", headers=strict.admin_headers(), timeout=10)
    assert sh.id in {s["id"] for s in listing.json()["spreadsheets"]}
    key = requests.post(strict.url + "/_emulator/keys", json={"email": "baru@kawal-tps.iam.gserviceaccount.com"},
                        params={"token": strict.admin_token}, timeout=30).json()
    assert strict.client(key=key).create("Coba").id          # the key issued over HTTP works


def test_open_mode_on_loopback_needs_no_token(open_emu):
    assert open_emu.admin_token is None
    assert requests.get(open_emu.url + "/_emulator/spreadsheets", timeout=10).status_code == 200


def test_open_mode_refuses_an_address_beyond_loopback():
    with pytest.raises(OpenModeBeyondLoopback, match="loopback"):
        GoogleEmulator(host="0.0.0.0")
    beyond = GoogleEmulator(strict=True, host="0.0.0.0")            # strict may, with a token
    assert beyond.admin_token and len(beyond.admin_token) >= 24


def test_cli_refuses_open_mode_beyond_loopback_in_a_line():
    out = subprocess.run([sys.executable, "-m", "sheetsync.emulator", "--host", "0.0.0.0", "--port", "0"],
                         capture_output=True, text=True, timeout=60, check=False)
    assert out.returncode == 2 and "Traceback" not in out.stderr
    assert "loopback" in out.stderr and "--strict" in out.stderr and len(out.stderr.splitlines()) == 1


def test_cli_prints_the_admin_token_in_strict_mode():
    proc = subprocess.Popen([sys.executable, "-m", "sheetsync.emulator", "--port", "0", "--strict"],
                            stdout=subprocess.PIPE, text=True)
    try:
        lines = [proc.stdout.readline() for _ in range(5)]
        url = lines[0].strip().rsplit(" ", 1)[-1]
        token = next(line for line in lines if line.startswith("admin token")).strip().rsplit(" ", 1)[-1]
        assert requests.get(url + "/_emulator/spreadsheets", timeout=10).status_code == 401
        ok = requests.get(url + "/_emulator/spreadsheets", headers={ADMIN_HEADER: token}, timeout=10)
        assert ok.status_code == 200
        assert any(f"/view?token={token}" in line for line in lines)
    finally:
        proc.terminate()
        assert proc.wait(timeout=10) == 0


# ------------------------------------------------------------------ web view

def test_view_needs_the_token_and_keeps_it_in_its_links(strict, keys):
    sh = owned_sheet(strict, keys)
    sh.sheet1.update([["Nama Saksi", "No HP"], ["Budi", "081234567890"]], "A1")
    for query in ("", "?personal=1"):
        resp = requests.get(f"{strict.url}/view/{sh.id}{query}", timeout=10)
        assert resp.status_code == 401 and "081234567890" not in resp.text
    page = requests.get(f"{strict.url}/view/{sh.id}", params={"token": strict.admin_token}, timeout=10)
    assert page.status_code == 200
    assert f"/view/{sh.id}/{sh.sheet1.id}?token={strict.admin_token}" in page.text


def test_view_escapes_what_it_shows_and_sends_a_csp(open_emu):
    sh = open_emu.client().create("<script>alert('judul')</script>")
    sh.sheet1.update_title("<img src=x onerror=alert(1)>")
    sh.sheet1.update([["<b>tebal</b>"]], "A1")
    ss = open_emu.store.get(sh.id)
    ss.sheets[0].properties["sheetId"] = '"><script>alert(2)</script>'  # a stored id, however it got there
    resp = requests.get(f"{open_emu.url}/view/{sh.id}", timeout=10)
    assert "<script>" not in resp.text and "<img" not in resp.text and "<b>tebal" not in resp.text
    csp = resp.headers["Content-Security-Policy"]
    assert "default-src 'none'" in csp and "script-src" not in csp
    assert resp.headers["Referrer-Policy"] == "no-referrer"


def test_create_refuses_a_sheet_id_that_is_not_an_int32(open_emu):
    url = open_emu.url + "/v4/spreadsheets"
    bad = '"><script>alert(1)</script>'
    resp = requests.post(url, json={"sheets": [{"properties": {"title": "TPS", "sheetId": bad}}]}, timeout=10)
    assert_error(resp, 400, "INVALID_ARGUMENT",
                 "Invalid value at 'spreadsheet.sheets[0].properties.sheet_id' (TYPE_INT32), "
                 "\"\\\"><script>alert(1)</script>\"")
    for value in (1.5, True, 2 ** 31, -1):
        assert requests.post(url, json={"sheets": [{"properties": {"sheetId": value}}]},
                             timeout=10).status_code == 400
    made = requests.post(url, json={"sheets": [{"properties": {"sheetId": "7"}}]}, timeout=10).json()
    assert made["sheets"][0]["properties"]["sheetId"] == 7           # a string of digits is an int32


# ------------------------------------------------------------------ JWT claims

def _assertion(key: dict, **claims) -> str:
    now = int(time.time())
    payload = {"iss": key["client_email"], "scope": " ".join(SCOPES), "aud": GOOGLE_TOKEN_URI,
               "iat": now, "exp": now + 3600, **claims}
    return google_jwt.encode(crypt.RSASigner.from_service_account_info(key), payload).decode()


def _token(strict, assertion: str) -> requests.Response:
    return requests.post(strict.url + "/token", data={"grant_type": JWT_GRANT, "assertion": assertion},
                         timeout=10)


def test_token_endpoint_checks_audience_and_lifetime(strict, keys):
    key = keys[WRITER]
    assert _token(strict, _assertion(key)).status_code == 200
    assert _token(strict, _assertion(key, aud=key["token_uri"])).status_code == 200
    wrong = _token(strict, _assertion(key, aud="https://evil.example/token"))
    assert (wrong.status_code, wrong.json()) == (400, {"error": "invalid_grant",
                                                       "error_description": "Invalid JWT: Failed audience check."})
    now = int(time.time())
    long = _token(strict, _assertion(key, iat=now, exp=now + 7200))
    assert (long.status_code, long.json()) == (400, {"error": "invalid_grant", "error_description": SHORT_LIVED})


def test_a_key_cannot_act_as_someone_else(strict, keys):
    sh = owned_sheet(strict, keys, "Milik koordinator")
    resp = _token(strict, _assertion(keys[WRITER], sub=OWNER))
    assert resp.status_code == 401 and resp.json() == {
        "error": "unauthorized_client",
        "error_description": "Client is unauthorized to retrieve access tokens using this method, or client "
                             "not authorized for any of the scopes requested."}
    creds = service_account.Credentials.from_service_account_info(keys[WRITER], scopes=SCOPES, subject=OWNER)
    with pytest.raises(RefreshError, match="unauthorized_client"):
        AuthorizedSession(creds).get(f"{strict.url}/v4/spreadsheets/{sh.id}")
    self_signed = _assertion(keys[WRITER], sub=OWNER, aud="https://sheets.googleapis.com/")
    assert_error(requests.get(f"{strict.url}/v4/spreadsheets/{sh.id}",
                              headers={"Authorization": f"Bearer {self_signed}"}, timeout=10),
                 401, "UNAUTHENTICATED")


# ------------------------------------------------------------------ ownership

def test_a_writer_cannot_make_itself_owner_but_may_accept_from_the_owner(strict, keys):
    sh = owned_sheet(strict, keys, "Rekap Tambora")
    sh.share(WRITER, perm_type="user", role="writer", notify=False)
    as_writer = strict.client(key=keys[WRITER]).open_by_key(sh.id)
    mine = next(p["id"] for p in as_writer.list_permissions() if p.get("emailAddress") == WRITER)
    for attempt in (as_writer.transfer_ownership, as_writer.accept_ownership):
        with pytest.raises(gspread.exceptions.APIError) as caught:
            attempt(mine)
        assert caught.value.response.status_code == 403
        assert caught.value.response.json()["error"]["errors"][0]["reason"] == "insufficientFilePermissions"
    session = AuthorizedSession(service_account.Credentials.from_service_account_info(keys[WRITER], scopes=SCOPES))
    made = session.post(f"{strict.url}/drive/v3/files/{sh.id}/permissions", params={"transferOwnership": "true"},
                        json={"type": "user", "role": "owner", "emailAddress": WRITER})
    assert made.status_code == 403
    assert strict.store.get(sh.id).drive.owner == OWNER
    sh.transfer_ownership(mine)                    # the owner offers it; the writer may now accept
    as_writer.accept_ownership(mine)
    assert strict.store.get(sh.id).drive.owner == WRITER


# ------------------------------------------------------------------ Host, Origin, bodies

def test_foreign_host_and_cross_site_origin_are_refused(open_emu):
    sh = open_emu.client().create("Rekap Palmerah")
    port = open_emu.url.rsplit(":", 1)[1]
    rebound = requests.get(open_emu.url + "/_emulator/spreadsheets",
                           headers={"Host": f"evil.example:{port}"}, timeout=10)
    assert_error(rebound, 403, "PERMISSION_DENIED")
    cross = requests.post(open_emu.url + "/_emulator/reset", headers={"Origin": "http://evil.example"}, timeout=10)
    assert_error(cross, 403, "PERMISSION_DENIED")
    marked = requests.post(open_emu.url + "/_emulator/reset", headers={"Sec-Fetch-Site": "cross-site"}, timeout=10)
    assert_error(marked, 403, "PERMISSION_DENIED")                # a browser's mark, even without Origin
    assert open_emu.store.get(sh.id) is not None
    same = requests.get(open_emu.url + "/_emulator/health", headers={"Origin": open_emu.url}, timeout=10)
    assert same.status_code == 200
    assert requests.get(f"http://localhost:{port}/_emulator/health", timeout=10).status_code == 200


@pytest.mark.parametrize("content_type, message", [
    ("text/plain;charset=UTF-8", "Invalid JSON payload received. Unexpected Content-Type: text/plain."),
    ("application/x-www-form-urlencoded",
     ("Invalid JSON payload received. Unknown name \"{\"valueInputOption\": \"RAW\", \"data\": [{\"range\": "
      "\"A1\", \"values\": [[\"diubah\"]]}]}\": Cannot bind query parameter. Field '{\"valueInputOption\": "
      "\"RAW\", \"data\": [{\"range\": \"A1\", \"values\": [[\"diubah\"]]}]}' could not be found in request "
      "message.")),
])
def test_a_json_body_sent_as_a_form_or_text_is_not_read(open_emu, content_type, message):
    sh = open_emu.client().create("Rekap Grogol")
    body = '{"valueInputOption": "RAW", "data": [{"range": "A1", "values": [["diubah"]]}]}'
    resp = requests.post(f"{open_emu.url}/v4/spreadsheets/{sh.id}/values:batchUpdate", data=body,
                         headers={"Content-Type": content_type, "Authorization": "Bearer t"}, timeout=10)
    assert_error(resp, 400, "INVALID_ARGUMENT", message)
    assert sh.sheet1.acell("A1").value is None


def test_a_body_over_googles_limit_is_refused_unread(open_emu):
    host, port = open_emu.url.rsplit("/", 1)[1].split(":")
    head = (f"POST /v4/spreadsheets HTTP/1.1\r\nHost: {host}:{port}\r\nContent-Type: application/json\r\n"
            f"Content-Length: 400000000\r\n\r\n").encode()
    with socket.create_connection((host, int(port)), timeout=10) as conn:
        conn.sendall(head + b"{" + b" " * 1000)          # 400 MB announced, a sliver sent
        answer = b""
        while b"}}" not in answer:
            chunk = conn.recv(65536)
            if not chunk:
                break
            answer += chunk
    assert answer.startswith(b"HTTP/1.1 400")
    assert b"Request payload size exceeds the limit: 10485760 bytes." in answer


# ------------------------------------------------------------------ client regexes

@pytest.mark.timeout(60)
def test_find_replace_regex_cannot_backtrack(open_emu):
    sh = open_emu.client().create("Rekap Taman Sari")
    sh.sheet1.update([["a" * 40 + "!"]], "A1")
    out = sh.batch_update({"requests": [{"findReplace": {
        "find": "^(a+)+$", "replacement": "x", "searchByRegex": True, "allSheets": True}}]})
    assert out["replies"] == [{"findReplace": {}}]          # no match, answered at once
    with pytest.raises(gspread.exceptions.APIError, match="Invalid regular expression"):
        sh.batch_update({"requests": [{"findReplace": {     # RE2, as Google: no lookaround
            "find": "a(?=!)", "replacement": "x", "searchByRegex": True, "allSheets": True}}]})


@pytest.mark.timeout(60)
def test_fault_path_regex_cannot_backtrack(open_emu):
    added = requests.post(open_emu.url + "/_emulator/faults", json={"path": "^/(a+)+$", "times": 1}, timeout=10)
    assert added.status_code == 200
    try:
        resp = requests.get(open_emu.url + "/" + "a" * 40 + "!", timeout=20)
        assert resp.status_code == 404
    finally:
        requests.delete(open_emu.url + "/_emulator/faults", timeout=10)
    bad = requests.post(open_emu.url + "/_emulator/faults", json={"path": "(?<=x)y"}, timeout=10)
    assert bad.status_code == 400 and "Invalid fault" in bad.json()["error"]["message"]


# ------------------------------------------------------------------ --state

def test_state_directory_is_created_private(tmp_path: Path):
    state = tmp_path / "state"
    with GoogleEmulator(state_dir=str(state)) as emu:
        emu.client().create("Rekap")
    assert stat.S_IMODE(state.stat().st_mode) == 0o700
    assert {stat.S_IMODE(f.stat().st_mode) for f in state.iterdir()} == {0o600}


def test_state_files_are_not_followed_through_links(tmp_path: Path):
    state = tmp_path / "state"
    with GoogleEmulator(state_dir=str(state)) as emu:
        emu.client().create("Rekap")
    victim = tmp_path / "victim.txt"
    victim.write_text("milik orang lain")
    os.symlink(victim, state / "auth.pickle.tmp")            # a write would go through this link
    with pytest.raises(UnsafeStateFile):
        GoogleEmulator(state_dir=str(state)).state.persister.flush()
    assert victim.read_text() == "milik orang lain"
    os.unlink(state / "auth.pickle.tmp")
    (state / "auth.pickle").unlink()
    os.symlink(victim, state / "auth.pickle")               # nor is a link read as state
    with pytest.raises(UnsafeStateFile):
        GoogleEmulator(state_dir=str(state)).start()
