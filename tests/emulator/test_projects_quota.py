"""Several Cloud projects in strict mode: keys carry a chosen project_id; quotas are kept per
project and per user of a project, as Google keeps them; PROJECT developer metadata is seen
only by keys of the project that created it."""
from __future__ import annotations

from typing import Any

import gspread
import pytest
import requests
from google.auth.transport.requests import AuthorizedSession
from google.oauth2 import service_account

from _emu_support import assert_error
from google_emulator import GoogleEmulator

JAKBAR = "kawal-tps-jakbar"
DKI = "kawal-tps-dki"
SAKSI = f"saksi@{JAKBAR}.iam.gserviceaccount.com"
REKAP = f"rekap@{JAKBAR}.iam.gserviceaccount.com"
PROVINSI = f"provinsi@{DKI}.iam.gserviceaccount.com"
SCOPES = ["https://www.googleapis.com/auth/spreadsheets", "https://www.googleapis.com/auth/drive"]
API = "https://sheets.googleapis.com/v4/spreadsheets/"


def session_for(key: dict[str, str]) -> AuthorizedSession:
    """Plain google-auth (no retries), so a 429 reaches the test as Google sends it."""
    return AuthorizedSession(service_account.Credentials.from_service_account_info(key, scopes=SCOPES))


def test_a_key_carries_its_project():
    with GoogleEmulator(strict=True) as e:
        assert e.issue_key(SAKSI, project_id=JAKBAR)["project_id"] == JAKBAR
        r = requests.post(e.url + "/_emulator/keys", json={"email": PROVINSI, "project_id": DKI}, timeout=30,
                          headers=e.admin_headers())
        assert r.status_code == 200 and r.json()["project_id"] == DKI


def test_quotas_are_per_project_and_per_user_of_a_project():
    with GoogleEmulator(strict=True, quota={"read_per_user": 2, "read_per_project": 3}) as e:
        keys = {who: e.issue_key(who, project_id=p) for who, p in
                ((SAKSI, JAKBAR), (REKAP, JAKBAR), (PROVINSI, DKI))}
        s = {who: session_for(k) for who, k in keys.items()}
        sid = s[SAKSI].post(e.url + "/v4/spreadsheets", json={"properties": {"title": "Rekap"}}).json()["spreadsheetId"]
        for who in (REKAP, PROVINSI):
            s[SAKSI].post(f"{e.url}/drive/v3/files/{sid}/permissions",
                          json={"type": "user", "role": "reader", "emailAddress": who}).raise_for_status()
        url = f"{e.url}/v4/spreadsheets/{sid}/values/A1"
        assert [s[SAKSI].get(url).status_code for _ in range(2)] == [200, 200]
        err = assert_error(s[SAKSI].get(url), 429, "RESOURCE_EXHAUSTED")
        assert "'Read requests per minute per user'" in err["message"]
        assert s[REKAP].get(url).status_code == 200  # third read of the project
        err = assert_error(s[REKAP].get(url), 429, "RESOURCE_EXHAUSTED")
        assert "'Read requests per minute'" in err["message"]  # the project's 3 are spent
        # Another project's key has buckets of its own.
        assert [s[PROVINSI].get(url).status_code for _ in range(2)] == [200, 200]
        dki = assert_error(s[PROVINSI].get(url), 429, "RESOURCE_EXHAUSTED")
        assert dki["details"][0]["metadata"]["consumer"] != err["details"][0]["metadata"]["consumer"]


def test_the_429_body_is_googles():
    with GoogleEmulator(strict=True, quota={"write_per_user": 1}) as e:
        s = session_for(e.issue_key(SAKSI, project_id=JAKBAR))
        s.post(e.url + "/v4/spreadsheets", json={"properties": {"title": "Rekap"}}).raise_for_status()
        err = assert_error(s.post(e.url + "/v4/spreadsheets", json={}), 429, "RESOURCE_EXHAUSTED")
        number = err["message"].rsplit("project_number:", 1)[1].rstrip("'.")
        info, help_ = err["details"]
        assert info == {"@type": "type.googleapis.com/google.rpc.ErrorInfo", "reason": "RATE_LIMIT_EXCEEDED",
                        "domain": "googleapis.com",
                        "metadata": {"quota_location": "global",
                                     "quota_metric": "sheets.googleapis.com/write_requests",
                                     "quota_limit": "WriteRequestsPerMinutePerUser", "quota_limit_value": "1",
                                     "consumer": f"projects/{number}", "service": "sheets.googleapis.com"}}
        assert help_["@type"] == "type.googleapis.com/google.rpc.Help"
        assert help_["links"][0]["description"] == "Request a higher quota limit."


# ------------------------------------------------------------ PROJECT developer metadata

@pytest.fixture(scope="module")
def two_projects():
    with GoogleEmulator(strict=True) as e:
        jakbar = e.client(key=e.issue_key(SAKSI, project_id=JAKBAR))
        dki = e.client(key=e.issue_key(PROVINSI, project_id=DKI))
        yield jakbar, dki


def call(client: gspread.Client, method: str, sid: str, path: str, body: Any = None) -> dict[str, Any]:
    return client.http_client.request(method, f"{API}{sid}{path}", json=body).json()


def mark(sh: gspread.Spreadsheet, key: str, visibility: str) -> dict[str, Any]:
    out = sh.batch_update({"requests": [{"createDeveloperMetadata": {"developerMetadata": {
        "metadataKey": key, "visibility": visibility, "location": {"dimensionRange": {
            "sheetId": sh.sheet1.id, "dimension": "COLUMNS", "startIndex": 0, "endIndex": 1}}}}}]})
    return out["replies"][0]["createDeveloperMetadata"]["developerMetadata"]


def test_project_metadata_is_seen_only_by_its_own_project(two_projects):
    jakbar, dki = two_projects
    sh = jakbar.create("Rekap Jakarta Barat")
    sh.share(PROVINSI, perm_type="user", role="writer", notify=False)
    sh.sheet1.update([["TPS"], ["001"]], "A1")
    own = mark(sh, "sheetsync.jakbar", "PROJECT")
    shared = mark(sh, "sheetsync.column", "DOCUMENT")
    everything = {"dataFilters": [{"developerMetadataLookup": {"locationType": "COLUMN"}}]}

    def seen(client: gspread.Client) -> list[int]:
        out = call(client, "post", sh.id, "/developerMetadata:search", everything)
        return [m["developerMetadata"]["metadataId"] for m in out.get("matchedDeveloperMetadata", [])]

    assert seen(jakbar) == [own["metadataId"], shared["metadataId"]]
    assert seen(dki) == [shared["metadataId"]]
    with pytest.raises(gspread.exceptions.APIError) as exc:
        call(dki, "get", sh.id, f"/developerMetadata/{own['metadataId']}")
    assert exc.value.response.status_code == 404
    # Column metadata is listed on its column's DimensionProperties, as Google's reference has it
    grid = dki.open_by_key(sh.id).fetch_sheet_metadata({"fields": "sheets.data.columnMetadata"})
    metas = grid["sheets"][0]["data"][0]["columnMetadata"][0]["developerMetadata"]
    assert [m["metadataId"] for m in metas] == [shared["metadataId"]]
    read = call(dki, "post", sh.id, "/values:batchGetByDataFilter",
                {"dataFilters": [{"developerMetadataLookup": {"metadataKey": "sheetsync.jakbar"}}]})
    assert "valueRanges" not in read
    # Another project cannot delete what it cannot see.
    out = dki.open_by_key(sh.id).batch_update({"requests": [{"deleteDeveloperMetadata": {
        "dataFilter": {"developerMetadataLookup": {"metadataKey": "sheetsync.jakbar"}}}}]})
    assert out["replies"][0]["deleteDeveloperMetadata"] == {}
    assert seen(jakbar) == [own["metadataId"], shared["metadataId"]]


def test_the_spreadsheet_in_a_batch_reply_hides_other_projects_metadata(two_projects):
    jakbar, dki = two_projects
    sh = jakbar.create("Rekap DKI")
    sh.share(PROVINSI, perm_type="user", role="writer", notify=False)
    mark(sh, "sheetsync.jakbar", "PROJECT")
    out = dki.open_by_key(sh.id).batch_update({"includeSpreadsheetInResponse": True, "requests": [
        {"updateSpreadsheetProperties": {"properties": {"title": "Rekap DKI Jakarta"}, "fields": "title"}}]})
    assert "developerMetadata" not in out["updatedSpreadsheet"]["sheets"][0]
