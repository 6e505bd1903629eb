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


KOORDINATOR = "koordinator@kawal-tps-jakbar.iam.gserviceaccount.com"
RELAWAN = "relawan@kawal-tps-jakbar.iam.gserviceaccount.com"


def test_editors_show_only_to_those_who_may_edit_the_range():
    """Google's reference: editors are "only visible to users with edit access to the protected
    range and the document"; requestingUserCanEdit is the caller's own answer (false: left out)."""
    from google_emulator import GoogleEmulator
    with GoogleEmulator(strict=True) as e:
        koordinator = e.client(key=e.issue_key(KOORDINATOR))
        relawan = e.client(key=e.issue_key(RELAWAN))
        sh = koordinator.create("Rekap TPS")
        sh.share(RELAWAN, perm_type="user", role="writer", notify=False)
        sh.sheet1.add_protected_range("D:D", editor_users_emails=[KOORDINATOR], description="total")
        sh.sheet1.add_protected_range("A1:D1", warning_only=True, description="kop tabel")
        own = sh.list_protected_ranges(sh.sheet1.id)
        theirs = relawan.open_by_key(sh.id).list_protected_ranges(sh.sheet1.id)
    assert [p["requestingUserCanEdit"] for p in own] == [True, True]
    assert own[0]["editors"] == {"users": [KOORDINATOR]}
    total, kop = theirs
    assert "editors" not in total and "requestingUserCanEdit" not in total
    assert total["description"] == "total" and total["range"] == own[0]["range"]
    assert kop["requestingUserCanEdit"] is True and kop["warningOnly"] is True
