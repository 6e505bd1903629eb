"""The journal's errors: one line each, in English and Bahasa Indonesia."""

from __future__ import annotations

from sheetsync.errors import SheetsyncError, register

register({
    "journal_cannot_open": {
        "en": "{path}: cannot open the journal: {reason}",
        "id": "{path}: jurnal tidak dapat dibuka: {reason}"},
    "journal_no_sync": {
        "en": "no sync of spreadsheet {spreadsheet} in the journal yet",
        "id": "belum ada sinkronisasi spreadsheet {spreadsheet} di jurnal"},
    "journal_sync_out_of_range": {
        "en": "sync number {since} does not exist: this spreadsheet has syncs 1..{latest} in the journal",
        "id": "sinkronisasi nomor {since} tidak ada: jurnal menyimpan sinkronisasi 1..{latest} spreadsheet ini"},
    "journal_no_sync_number": {
        "en": "spreadsheet {spreadsheet} has no sync number {sync_no}",
        "id": "spreadsheet {spreadsheet} tidak punya sinkronisasi nomor {sync_no}"},
})


class JournalError(SheetsyncError):
    """A journal problem explained in one line (bad path, unknown sync number...)."""
