"""Change detection through Drive, as a fleet does it with plain google-auth: files.list with
``q="modifiedTime > '…'"``, Drive's lag between an edit and its modifiedTime/version, Drive's
own quota, and a quota clock that runs faster than real time."""
from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone

import pytest
import requests
from google.auth.transport.requests import AuthorizedSession
from google.oauth2 import service_account

from _emu_support import assert_error
from google_emulator import GoogleEmulator

MIME = "application/vnd.google-apps.spreadsheet"
FILES = "/drive/v3/files"
FLEET = "fleet@kawal-tps-dki.iam.gserviceaccount.com"
RELAWAN = "relawan@kawal-tps-dki.iam.gserviceaccount.com"
SCOPES = ["https://www.googleapis.com/auth/spreadsheets",
          "https://www.googleapis.com/auth/drive.metadata.readonly"]
CHANGES = "files(id,modifiedTime,version),nextPageToken"


def session_for(key: dict[str, str]) -> AuthorizedSession:
    """Plain google-auth (no retries), so every answer reaches the test as Google sends it."""
    return AuthorizedSession(service_account.Credentials.from_service_account_info(key, scopes=SCOPES))


def rfc3339(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def parse(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


class Fleet:
    """One strict emulator, the fleet's session and a few spreadsheets it was shared."""

    def __init__(self, emu: GoogleEmulator, sheets: int = 3) -> None:
        self.emu = emu
        self.s = session_for(emu.issue_key(FLEET, project_id="kawal-tps-dki"))
        self.ids = []
        for i in range(sheets):
            r = self.s.post(emu.url + FILES, json={"name": f"Kawal TPS {i}", "mimeType": MIME})
            r.raise_for_status()
            self.ids.append(r.json()["id"])

    def edit(self, key: str, value: str = "12") -> None:
        self.s.put(f"{self.emu.url}/v4/spreadsheets/{key}/values/A1", params={"valueInputOption": "RAW"},
                   json={"values": [[value]]}).raise_for_status()

    def list(self, q: str, **params: object) -> requests.Response:
        return self.s.get(self.emu.url + FILES, params={"q": q, "fields": CHANGES, **params})

    def changed(self, q: str) -> list[str]:
        r = self.list(q)
        assert r.status_code == 200, r.text
        return [f["id"] for f in r.json()["files"]]

    def shown(self, key: str) -> tuple[str, str]:
        body = self.s.get(f"{self.emu.url}{FILES}/{key}", params={"fields": "modifiedTime,version"}).json()
        return body["modifiedTime"], body["version"]


@pytest.fixture()
def fleet() -> Iterator[Fleet]:
    with GoogleEmulator(strict=True) as emu:
        yield Fleet(emu)


def test_modified_time_lists_only_the_files_edited_since(fleet: Fleet) -> None:
    time.sleep(0.01)
    since = datetime.now(timezone.utc)
    time.sleep(0.01)
    fleet.edit(fleet.ids[1])
    q = f"mimeType = '{MIME}' and trashed = false and modifiedTime > '{rfc3339(since)}'"
    r = fleet.list(q)
    assert r.status_code == 200, r.text
    assert r.json() == {"files": [{"id": fleet.ids[1], "modifiedTime": fleet.shown(fleet.ids[1])[0],
                                   "version": fleet.shown(fleet.ids[1])[1]}]}
    assert fleet.changed(f"modifiedTime <= '{rfc3339(since)}'") == [fleet.ids[0], fleet.ids[2]]


def test_time_comparisons_at_drives_millisecond_precision(fleet: Fleet) -> None:
    key = fleet.ids[0]
    shown, _ = fleet.shown(key)
    at = parse(shown)
    jakarta = at.astimezone(timezone(timedelta(hours=7))).isoformat(timespec="milliseconds")
    assert fleet.changed(f"modifiedTime = '{shown}'") == [key]
    assert key in fleet.changed(f"modifiedTime >= '{jakarta}'")     # an offset names the same instant
    assert key not in fleet.changed(f"modifiedTime > '{jakarta}'")
    assert key not in fleet.changed(f"modifiedTime < '{shown}'")
    assert key in fleet.changed(f"modifiedTime != '{rfc3339(at + timedelta(milliseconds=1))}'")
    no_zone = (at - timedelta(seconds=1)).strftime("%Y-%m-%dT%H:%M:%S")   # UTC when no zone is given
    assert key in fleet.changed(f"modifiedTime > '{no_zone}' and createdTime > '{no_zone}'")


@pytest.mark.parametrize("q", ["modifiedTime > 'yesterday'", "modifiedTime > '2026-13-01T00:00:00Z'",
                               "modifiedTime => '2026-12-01T00:00:00Z'", "modifiedTime > 2026-12-01"])
def test_a_bad_time_query_is_drives_400(fleet: Fleet, q: str) -> None:
    err = assert_error(fleet.list(q), 400, "INVALID_ARGUMENT", "Invalid Value")
    assert err["errors"] == [{"message": "Invalid Value", "domain": "global", "reason": "invalid",
                              "location": "q", "locationType": "parameter"}]


def test_pages_of_changed_files(fleet: Fleet) -> None:
    q = "modifiedTime > '2000-01-01T00:00:00Z'"
    seen, token, pages = [], None, 0
    while True:
        r = fleet.list(q, pageSize=2, **({"pageToken": token} if token else {}))
        body = r.json()
        assert set(body) <= {"files", "nextPageToken"} and len(body["files"]) <= 2
        seen += [f["id"] for f in body["files"]]
        pages += 1
        token = body.get("nextPageToken")
        if not token:
            break
    assert pages == 2 and sorted(seen) == sorted(fleet.ids)


def test_drive_shows_an_edit_only_after_the_lag() -> None:
    with GoogleEmulator(strict=True, drive_lag_s=1.0) as emu:
        fleet = Fleet(emu, sheets=1)
        key = fleet.ids[0]
        time.sleep(1.1)                                   # the creation's own window closes
        before = fleet.shown(key)
        asked = datetime.now(timezone.utc)
        fleet.edit(key, "1")
        first_edit = datetime.now(timezone.utc)
        fleet.edit(key, "2")                              # same window: coalesced with the first
        assert fleet.shown(key) == before
        assert fleet.changed(f"modifiedTime > '{rfc3339(asked)}'") == []
        time.sleep(1.1)
        modified, version = fleet.shown(key)
        assert int(version) == int(before[1]) + 2         # both edits, in one step
        assert asked < parse(modified) < datetime.now(timezone.utc) - timedelta(seconds=0.9)
        # The time shown is the edit's, older than the moment it became visible: a reader that
        # asks only for changes after its previous look (here: after the first edit) misses it.
        assert fleet.changed(f"modifiedTime > '{rfc3339(asked)}'") == [key]
        assert parse(modified) >= first_edit - timedelta(milliseconds=1)


def test_the_lag_is_a_setting_of_the_running_emulator() -> None:
    with GoogleEmulator(strict=True) as emu:
        settings = emu.url + "/_emulator/settings"
        admin = emu.admin_headers()
        assert requests.get(settings, headers=admin, timeout=30).json() == {"drive_lag_s": 0.0}
        fleet = Fleet(emu, sheets=1)
        fleet.edit(fleet.ids[0], "1")
        assert fleet.shown(fleet.ids[0])[1] == "3"          # no lag: create, write -> version 3 at once
        r = requests.patch(settings, json={"drive_lag_s": 180}, headers=admin, timeout=30)
        assert r.json() == {"drive_lag_s": 180.0}
        fleet.edit(fleet.ids[0], "2")
        assert fleet.shown(fleet.ids[0])[1] == "3"
        assert requests.get(emu.url + "/_emulator/health", headers=admin, timeout=30).json()["drive_lag_s"] == 180
        bad = requests.patch(settings, json={"drive_lag_s": -1}, headers=admin, timeout=30)
        assert_error(bad, 400, "INVALID_ARGUMENT")
        requests.patch(settings, json={"drive_lag_s": 0}, headers=admin, timeout=30).raise_for_status()
        assert fleet.shown(fleet.ids[0])[1] == "4"          # lag 0: an open window closes at once


def test_drive_has_a_quota_of_its_own() -> None:
    quota = {"drive_per_user": 2, "drive_per_project": 3}
    with GoogleEmulator(strict=True, quota=quota) as emu:
        fleet = session_for(emu.issue_key(FLEET, project_id="kawal-tps-dki"))
        relawan = session_for(emu.issue_key(RELAWAN, project_id="kawal-tps-dki"))
        other = session_for(emu.issue_key("rekap@kawal-tps-jabar.iam.gserviceaccount.com", project_id="kawal-tps-jabar"))
        listing = emu.url + FILES
        assert [fleet.get(listing).status_code for _ in range(2)] == [200, 200]
        err = assert_error(fleet.get(listing), 403, "PERMISSION_DENIED")
        assert err["errors"][0]["reason"] == "userRateLimitExceeded"
        assert err["errors"][0]["domain"] == "usageLimits"
        assert err["message"].startswith("User Rate Limit Exceeded. Rate of requests for user exceed configured "
                                         "project quota.")
        assert err["errors"][0]["extendedHelp"].startswith(
            "https://console.developers.google.com/apis/api/drive.googleapis.com/quotas?project=")
        assert relawan.get(listing).status_code == 200      # the project's third Drive request
        err = assert_error(relawan.get(listing), 403, "PERMISSION_DENIED", "Rate Limit Exceeded")
        assert err["errors"] == [{"domain": "usageLimits", "reason": "rateLimitExceeded",
                                  "message": "Rate Limit Exceeded"}]
        assert other.get(listing).status_code == 200        # another project's buckets
        # Sheets' buckets are not Drive's: the fleet still reads and writes.
        key = other.post(emu.url + "/v4/spreadsheets", json={}).json()["spreadsheetId"]
        assert other.get(f"{emu.url}/v4/spreadsheets/{key}/values/A1").status_code == 200


def test_google_drive_limits_are_the_published_ones() -> None:
    with GoogleEmulator(strict=True, quota="google") as emu:
        health = requests.get(emu.url + "/_emulator/health", headers=emu.admin_headers(), timeout=30).json()
        assert {k: health["quota"][k] for k in ("drive_per_user", "drive_per_project")} == \
            {"drive_per_user": 12000, "drive_per_project": 12000}
        assert health["quota_clock_scale"] == 1.0


def test_a_scaled_quota_clock_shortens_the_minute() -> None:
    with GoogleEmulator(strict=True, quota={"read_per_user": 1}, quota_clock_scale=60) as emu:
        s = session_for(emu.issue_key(FLEET, project_id="kawal-tps-dki"))
        key = s.post(emu.url + "/v4/spreadsheets", json={}).json()["spreadsheetId"]
        url = f"{emu.url}/v4/spreadsheets/{key}/values/A1"
        assert s.get(url).status_code == 200
        assert_error(s.get(url), 429, "RESOURCE_EXHAUSTED")
        time.sleep(1.05)                                  # a simulated minute is one real second
        assert s.get(url).status_code == 200


def test_the_command_line_takes_the_lag_and_the_clock() -> None:
    proc = subprocess.Popen([sys.executable, "-m", "sheetsync.emulator", "--port", "0", "--quota", "google",
                             "--quota-clock-scale", "10", "--drive-lag", "180"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None
        url = proc.stdout.readline().split()[-1]
        lines = [proc.stdout.readline() for _ in range(2)]
        assert "quota: google (clock x10), Drive lag: 180 s" in lines[1]
        health = requests.get(url + "/_emulator/health", timeout=30).json()
        assert health["drive_lag_s"] == 180 and health["quota_clock_scale"] == 10
    finally:
        proc.terminate()
        proc.wait(timeout=30)
