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

