"""Strict mode: service-account keys, the RS256 JWT grant at /token, 401/403 as Google answers."""
from __future__ import annotations

import time

import gspread
import pytest
import requests
from google.auth.transport.requests import AuthorizedSession
from google.oauth2 import service_account

from _emu_support import assert_error
from google_emulator import GoogleEmulator

BOT = "bot@sheetsync-demo.iam.gserviceaccount.com"
OTHER = "lain@sheetsync-demo.iam.gserviceaccount.com"
SCOPES = ["https://www.googleapis.com/auth/spreadsheets", "https://www.googleapis.com/auth/drive"]


@pytest.fixture(scope="module")
def strict():
    with GoogleEmulator(strict=True, token_ttl_s=2) as e:
        yield e


@pytest.fixture(scope="module")
def keys(strict):
    return {BOT: strict.issue_key(BOT), OTHER: strict.issue_key(OTHER)}


def session_for(key: dict) -> AuthorizedSession:
    """Plain google-auth, no sheetsync code: the key file's token_uri points at the emulator."""
    creds = service_account.Credentials.from_service_account_info(key, scopes=SCOPES)
    return AuthorizedSession(creds)


def test_key_file_shape(keys, strict):
    key = keys[BOT]
    assert key["type"] == "service_account" and key["client_email"] == BOT
    assert key["token_uri"] == strict.url + "/token"
    assert key["private_key"].startswith("-----BEGIN PRIVATE KEY-----")


def test_google_auth_unchanged_gets_token_and_creates(strict, keys):
    s = session_for(keys[BOT])
    r = s.post(strict.url + "/v4/spreadsheets", json={"properties": {"title": "Milik bot"}})
    assert r.status_code == 200, r.text
    assert s.credentials.token.startswith("ya29.")
    sid = r.json()["spreadsheetId"]
    perms = s.get(f"{strict.url}/drive/v3/files/{sid}/permissions").json()["permissions"]
    assert perms[0]["emailAddress"] == BOT and perms[0]["role"] == "owner"


def test_gspread_client_with_key(strict, keys):
    gc = strict.client(key=keys[BOT])
    sh = gc.create("Rekap strict")
    sh.sheet1.update([["ok"]], "A1")
    assert gc.open_by_key(sh.id).sheet1.get_all_values() == [["ok"]]


def test_missing_and_forged_tokens(strict):
    url = strict.url + "/drive/v3/files"
    err = assert_error(requests.get(url), 401, "UNAUTHENTICATED")
    assert err["message"].startswith("Request is missing required authentication credential.")
    err = assert_error(requests.get(url, headers={"Authorization": "Bearer ya29.forged"}), 401, "UNAUTHENTICATED")
    assert err["message"].startswith("Request had invalid authentication credentials.")


def test_forged_assertion_rejected(strict, keys):
    forged = dict(keys[BOT])
    forged["private_key"] = GoogleEmulator().state.auth.issue_key(BOT, "x")["private_key"]  # a key never registered
    creds = service_account.Credentials.from_service_account_info(forged, scopes=SCOPES)
    with pytest.raises(Exception) as exc:
        creds.refresh(google_request())
    assert "invalid_grant" in str(exc.value) and "Invalid JWT Signature" in str(exc.value)


def google_request():
    from google.auth.transport.requests import Request
    return Request()


def test_token_expires(strict, keys):
    creds = service_account.Credentials.from_service_account_info(keys[BOT], scopes=SCOPES)
    creds.refresh(google_request())
    headers = {"Authorization": f"Bearer {creds.token}"}
    assert requests.get(strict.url + "/drive/v3/files", headers=headers).status_code == 200
    time.sleep(2.2)
    assert_error(requests.get(strict.url + "/drive/v3/files", headers=headers), 401, "UNAUTHENTICATED")


def test_not_shared_is_403_until_shared(strict, keys):
    owner, other = session_for(keys[BOT]), session_for(keys[OTHER])
    sid = owner.post(strict.url + "/v4/spreadsheets", json={}).json()["spreadsheetId"]
    assert_error(other.get(f"{strict.url}/v4/spreadsheets/{sid}"), 403, "PERMISSION_DENIED",
                 "The caller does not have permission")
    assert other.get(f"{strict.url}/drive/v3/files/{sid}").status_code == 404  # Drive hides it
    assert sid not in {f["id"] for f in other.get(strict.url + "/drive/v3/files").json()["files"]}
    r = owner.post(f"{strict.url}/drive/v3/files/{sid}/permissions",
                   json={"type": "user", "role": "reader", "emailAddress": OTHER})
    assert r.json()["role"] == "reader"
    assert other.get(f"{strict.url}/v4/spreadsheets/{sid}/values/A1").status_code == 200
    w = other.put(f"{strict.url}/v4/spreadsheets/{sid}/values/A1", params={"valueInputOption": "RAW"},
                  json={"values": [["x"]]})
    assert_error(w, 403, "PERMISSION_DENIED")
    owner.post(f"{strict.url}/drive/v3/files/{sid}/permissions",
               json={"type": "user", "role": "writer", "emailAddress": OTHER})
    w = other.put(f"{strict.url}/v4/spreadsheets/{sid}/values/A1", params={"valueInputOption": "RAW"},
                  json={"values": [["x"]]})
    assert w.status_code == 200
    assert_error(other.delete(f"{strict.url}/drive/v3/files/{sid}"), 403, "PERMISSION_DENIED")


def test_gspread_permission_error(strict, keys):
    sh = strict.client(key=keys[BOT]).create("Rahasia")
    with pytest.raises(PermissionError):
        strict.client(key=keys[OTHER]).open_by_key(sh.id)


def test_open_mode_accepts_any_token():
    with GoogleEmulator() as e:
        for headers in ({}, {"Authorization": "Bearer apa-saja"}):
            assert requests.post(e.url + "/v4/spreadsheets", json={}, headers=headers).status_code == 200
        gc = e.client(token="token-bebas")
        assert gc.create("bebas").sheet1.title == "Sheet1"
        assert isinstance(gc, gspread.Client)


def test_protected_range_blocks_non_editors(strict, keys):
    owner, other = session_for(keys[BOT]), session_for(keys[OTHER])
    sid = owner.post(strict.url + "/v4/spreadsheets", json={}).json()["spreadsheetId"]
    owner.post(f"{strict.url}/drive/v3/files/{sid}/permissions",
               json={"type": "user", "role": "writer", "emailAddress": OTHER})
    r = owner.post(f"{strict.url}/v4/spreadsheets/{sid}:batchUpdate", json={"requests": [{"addProtectedRange": {
        "protectedRange": {"range": {"sheetId": 0, "startRowIndex": 0, "endRowIndex": 1},
                           "editors": {"users": [BOT]}}}}]})
    assert r.status_code == 200, r.text

    def put(session, rng):
        return session.put(f"{strict.url}/v4/spreadsheets/{sid}/values/{rng}",
                           params={"valueInputOption": "RAW"}, json={"values": [["x"]]})
    assert_error(put(other, "A1"), 400, "INVALID_ARGUMENT",  # Google answers 400 here, not 403
                 "You are trying to edit a protected cell or object. Please contact the spreadsheet owner "
                 "to remove protection if you need to edit.")
    assert put(other, "A2").status_code == 200
    assert put(owner, "A1").status_code == 200
    r = other.post(f"{strict.url}/v4/spreadsheets/{sid}/values:batchUpdate", json={
        "valueInputOption": "RAW", "data": [{"range": "B5", "values": [["ok"]]}, {"range": "C1", "values": [["no"]]}]})
    err = assert_error(r, 400, "INVALID_ARGUMENT")
    assert err["message"].startswith("Invalid data[1]: You are trying to edit a protected cell")
    r = other.post(f"{strict.url}/v4/spreadsheets/{sid}/values:batchClear", json={"ranges": ["A:A"]})
    assert_error(r, 400, "INVALID_ARGUMENT")
    assert "values" not in owner.get(f"{strict.url}/v4/spreadsheets/{sid}/values/B5").json()
    assert owner.get(f"{strict.url}/v4/spreadsheets/{sid}/values/A1:A2").json()["values"] == [["x"], ["x"]]
