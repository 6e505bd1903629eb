"""Drive calls gspread makes beyond files: comments (copy), CSV export bytes, permissions on copy."""
from __future__ import annotations

from gspread.utils import ExportFormat

from tests.emulator._emu_support import assert_error, emu, gc, raw, sh  # noqa: F401


def test_copy_with_comments_through_gspread(gc, sh):
    sh.sheet1.update([["Kecamatan", "TPS"], ["Tambora", 12]], "A1")
    copied = gc.copy(sh.id, title="Salinan Rekap", copy_comments=True)
    assert copied.title == "Salinan Rekap"
    assert copied.sheet1.get_all_values() == [["Kecamatan", "TPS"], ["Tambora", "12"]]


def test_comments_list_is_empty_and_needs_fields(raw, sh):
    ok = raw("GET", f"/drive/v3/files/{sh.id}/comments", params={"fields": "comments/content,nextPageToken"})
    assert ok.status_code == 200 and ok.json() == {"comments": []}
    err = assert_error(raw("GET", f"/drive/v3/files/{sh.id}/comments"), 400, "INVALID_ARGUMENT")
    assert err["errors"][0]["location"] == "fields"


def test_csv_export_bytes_as_google_writes_them(sh):
    # Google joins rows with CRLF and ends the file without one: 'a1,B2' for one row.
    sh.sheet1.update([["a1", "B2"]], "A1:B2")
    assert sh.export(ExportFormat.CSV) == b"a1,B2"
    sh.sheet1.update([["Kecamatan", "Suara"], ["Tambora, Barat", 1200.5], ["Taman Sari"]], "A1",
                     raw=False)
    assert sh.export(ExportFormat.CSV) == b'Kecamatan,Suara\r\n"Tambora, Barat",1200.5\r\nTaman Sari,'



def test_import_csv_names_the_sheet_after_the_file(gc, sh):
    # Google's recording: the converted upload is one sheet titled like the file, with a new
    # sheetId and a new sheet's 1000 x 26 grid (larger only when the data needs it).
    sh.sheet1.update([["lama"]], "A1")
    gc.import_csv(sh.id, "Kecamatan,TPS\nTambora,12\n")
    (ws,) = sh.worksheets()
    assert ws.title == "Rekap Pilkada" and ws.id != 0
    assert (ws.row_count, ws.col_count) == (1000, 26)
    assert ws.get_all_values() == [["Kecamatan", "TPS"], ["Tambora", "12"]]
    wide = ",".join(f"k{i}" for i in range(30))
    gc.import_csv(sh.id, "\n".join([wide] * 1200))
    (ws,) = sh.worksheets()
    assert (ws.row_count, ws.col_count) == (1200, 30)


def test_import_csv_answers_a_drive_v2_file(gc, sh):
    answer = gc.http_client.request(
        "put", f"https://www.googleapis.com/upload/drive/v2/files/{sh.id}",
        data="Kecamatan,TPS\nTambora,12\n", params={"uploadType": "media", "convert": True},
        headers={"Content-Type": "text/csv"}).json()
    # the fields of Google's recorded answer to the same upload
    assert answer["kind"] == "drive#file" and answer["id"] == sh.id and answer["title"] == "Rekap Pilkada"
    assert answer["userPermission"]["role"] == "owner" and answer["labels"]["trashed"] is False
    assert answer["exportLinks"]["text/csv"].endswith(f"id={sh.id}&exportFormat=csv")
    assert {"owners", "parents", "capabilities", "createdDate", "modifiedDate", "version"} <= set(answer)
