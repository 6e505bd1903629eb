"""Protected ranges as Google's recordings show them (gspread's
WorksheetTest.test_add_protected_range_normal / _warning cassettes), through real gspread.

The addProtectedRange reply has ``editors: {}``; spreadsheets.get lists the owner as an
editor of every range, a warning-only one included.
"""
from __future__ import annotations

from _emu_support import emu, gc, sh  # noqa: F401  (fixtures)

A1_B2 = {"startRowIndex": 0, "endRowIndex": 2, "startColumnIndex": 0, "endColumnIndex": 2}


def test_the_reply_leaves_editors_out_and_get_lists_the_owner(gc, sh):
    ws = sh.sheet1
    normal = ws.add_protected_range("A1:B2")["replies"][0]["addProtectedRange"]["protectedRange"]
    assert normal == {"protectedRangeId": normal["protectedRangeId"], "range": A1_B2,
                      "requestingUserCanEdit": True, "editors": {}}
    warning = ws.add_protected_range("A1:B2", warning_only=True)["replies"][0]["addProtectedRange"]
    assert warning["protectedRange"] == {"protectedRangeId": warning["protectedRange"]["protectedRangeId"],
                                         "range": A1_B2, "warningOnly": True,
                                         "requestingUserCanEdit": True, "editors": {}}
    owner = gc.http_client.request("get", f"https://www.googleapis.com/drive/v3/files/{sh.id}",
                                   params={"fields": "owners"}).json()["owners"][0]["emailAddress"]
    listed = ws.spreadsheet.list_protected_ranges(ws.id)
    assert [p["editors"] for p in listed] == [{"users": [owner]}, {"users": [owner]}]
    assert [p.get("warningOnly", False) for p in listed] == [False, True]

    # Listing the owner on a warning-only range does not make it one with editors set.
    sh.batch_update({"requests": [{"updateProtectedRange": {"protectedRange": {
        "protectedRangeId": listed[1]["protectedRangeId"], "description": "kop tabel TPS"},
        "fields": "description"}}]})
    assert ws.spreadsheet.list_protected_ranges(ws.id)[1]["description"] == "kop tabel TPS"
