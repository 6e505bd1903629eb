"""Drive v3 subset over raw HTTP: files list/q/get/patch/copy/delete, permissions, error bodies."""
from __future__ import annotations

import pytest

from _emu_support import assert_error, emu, raw  # noqa: F401  (fixtures)

MIME = "application/vnd.google-apps.spreadsheet"
FILES = "/drive/v3/files"


@pytest.fixture()
def ids(raw):
    raw("POST", "/_emulator/reset")
    out = []
    for name in ["Rekap 'Barat'", "Rekap Timur", "Saksi"]:
        r = raw("POST", FILES, json={"name": name, "mimeType": MIME}, params={"supportsAllDrives": "true"})
        assert r.json() == {"kind": "drive#file", "id": r.json()["id"], "name": name, "mimeType": MIME}
        out.append(r.json()["id"])
    return out


def names(resp) -> list[str]:
    return [f["name"] for f in resp.json()["files"]]


def test_list_with_gspread_query(raw, ids):
    params = {"q": f'mimeType="{MIME}" and name = "Rekap Timur"', "pageSize": 1000,
              "fields": "kind,nextPageToken,files(id,name,createdTime,modifiedTime)"}
    r = raw("GET", FILES, params=params)
    body = r.json()
    assert body["kind"] == "drive#fileList" and names(r) == ["Rekap Timur"]
    assert set(body["files"][0]) == {"id", "name", "createdTime", "modifiedTime"}
    assert body["files"][0]["createdTime"].endswith("Z")


@pytest.mark.parametrize("q,expected", [
    ("name contains 'rekap'", ["Rekap 'Barat'", "Rekap Timur"]),
    ("name = 'Rekap \\'Barat\\''", ["Rekap 'Barat'"]),
    ("trashed = false and name != 'Saksi'", ["Rekap 'Barat'", "Rekap Timur"]),
    ("'me' in owners", ["Rekap 'Barat'", "Rekap Timur", "Saksi"]),
    ("mimeType = 'application/vnd.google-apps.folder'", []),
])
def test_queries(raw, ids, q, expected):
    assert names(raw("GET", FILES, params={"q": q})) == expected


def test_bad_query_and_missing_file(raw, ids):
    err = assert_error(raw("GET", FILES, params={"q": "title = 'x'"}), 400, "INVALID_ARGUMENT", "Invalid Value")
    assert err["errors"][0] == {"message": "Invalid Value", "domain": "global", "reason": "invalid",
                                "location": "q", "locationType": "parameter"}
    err = assert_error(raw("GET", f"{FILES}/nope"), 404, "NOT_FOUND", "File not found: nope.")
    assert err["errors"][0]["reason"] == "notFound"


def test_paging(raw, ids):
    first = raw("GET", FILES, params={"pageSize": 2}).json()
    assert len(first["files"]) == 2 and first["nextPageToken"]
    second = raw("GET", FILES, params={"pageSize": 2, "pageToken": first["nextPageToken"]}).json()
    assert len(second["files"]) == 1 and "nextPageToken" not in second


def test_get_patch_copy_delete(raw, ids):
    sid = ids[1]
    r = raw("GET", f"{FILES}/{sid}", params={"fields": "id,name,createdTime,modifiedTime"}).json()
    assert set(r) == {"id", "name", "createdTime", "modifiedTime"}
    raw("PATCH", f"{FILES}/{sid}", json={"name": "Rekap Timur 2"})
    assert raw("GET", f"/v4/spreadsheets/{sid}").json()["properties"]["title"] == "Rekap Timur 2"
    raw("PUT", f"/v4/spreadsheets/{sid}/values/A1", params={"valueInputOption": "RAW"}, json={"values": [["isi"]]})
    dup = raw("POST", f"{FILES}/{sid}/copy", json={"name": "Salinan"}).json()
    assert dup["name"] == "Salinan" and dup["id"] != sid
    assert raw("GET", f"/v4/spreadsheets/{dup['id']}/values/A1").json()["values"] == [["isi"]]
    r = raw("DELETE", f"{FILES}/{sid}")
    assert r.status_code == 204 and r.content == b""
    assert_error(raw("GET", f"/v4/spreadsheets/{sid}"), 404, "NOT_FOUND")
    assert_error(raw("DELETE", f"{FILES}/{sid}"), 404, "NOT_FOUND")


def test_permissions(raw, ids):
    sid = ids[0]
    base = f"{FILES}/{sid}/permissions"
    r = raw("POST", base, json={"type": "user", "role": "writer", "emailAddress": "saksi@example.com"})
    assert set(r.json()) == {"kind", "id", "type", "role"} and r.json()["role"] == "writer"
    r2 = raw("POST", base, json={"type": "anyone", "role": "reader", "withLink": True}).json()
    assert r2["id"] == "anyoneWithLink"
    listed = raw("GET", base, params={"fields": "nextPageToken,permissions"}).json()["permissions"]
    assert [p["role"] for p in listed] == ["owner", "writer", "reader"]
    assert_error(raw("POST", base, json={"type": "user", "role": "writer"}), 400, "INVALID_ARGUMENT",
                 "The permission emailAddress field is required.")
    assert_error(raw("POST", base, json={"type": "robot", "role": "writer"}), 400, "INVALID_ARGUMENT")
    assert_error(raw("DELETE", f"{base}/{listed[0]['id']}"), 403, "PERMISSION_DENIED")
    assert raw("DELETE", f"{base}/{r.json()['id']}").status_code == 204
    assert_error(raw("DELETE", f"{base}/{r.json()['id']}"), 404, "NOT_FOUND")


def test_only_spreadsheets(raw, ids):
    r = raw("POST", FILES, json={"name": "Folder", "mimeType": "application/vnd.google-apps.folder"})
    assert_error(r, 400, "INVALID_ARGUMENT")


def test_order_by(raw, ids):
    assert names(raw("GET", FILES, params={"orderBy": "name desc"})) == ["Saksi", "Rekap Timur", "Rekap 'Barat'"]
    assert names(raw("GET", FILES, params={"orderBy": "createdTime"}))[0] == "Rekap 'Barat'"
    assert_error(raw("GET", FILES, params={"orderBy": "size"}), 400, "INVALID_ARGUMENT", "Invalid Value")
