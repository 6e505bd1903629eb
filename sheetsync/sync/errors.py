"""The templates of the sync's errors (SyncError, in run.py): what stopped it and what to do, one
line in English and Bahasa Indonesia. The CLI prints them in the reader's language and exits 3;
the sheet gets the config's language where the sync writes a text into it."""

from __future__ import annotations

from sheetsync.errors import Phrase, register

register({
    "sync_guard": {"en": "{alerts}", "id": "{alerts}"},         # the guard's alerts, written whole by the journal
    "sync_no_spreadsheet": {
        "en": "no spreadsheet given: pass --spreadsheet ID-or-URL, set SHEETSYNC_SPREADSHEET, or set spreadsheet "
              "in {source}",
        "id": "spreadsheet belum diberikan: berikan --spreadsheet ID-atau-URL, atur SHEETSYNC_SPREADSHEET, atau "
              "isi spreadsheet di {source}",
    },
    "sync_header_missing": {
        "en": "header {headers} missing in row {row} of tab '{tab}': add the column (or fix header_row in "
              "{source}); nothing was written",
        "id": "Judul kolom {headers} tidak ada di baris {row} tab '{tab}': kembalikan judul kolomnya (atau "
              "perbaiki header_row di {source}); tidak ada yang ditulis",
    },
    "sync_read_failed": {"en": "reading the spreadsheet failed: {reason}",
                         "id": "gagal membaca spreadsheet: {reason}"},
    "sync_write_failed": {"en": "writing to the spreadsheet failed: {reason}",
                          "id": "gagal menulis ke spreadsheet: {reason}"},
    "sync_protected": {
        "en": "Google refused the write: {where} is protected (only its editors may change it), so it was not "
              "updated (the statuses and the other summaries were written); in Google Sheets, Data > Protected "
              "sheets and ranges, set it to 'Show a warning' or add {who} as an editor",
        "id": "Google menolak penulisan: {where} dilindungi (hanya editornya yang boleh mengubah), jadi bagian itu "
              "tidak diperbarui (status dan rekap lainnya tetap ditulis); di Google Sheets, Data > Sheet dan "
              "rentang yang dilindungi, ubah ke 'Tampilkan peringatan' atau tambahkan {who} sebagai editor",
    },
    "sync_protected_statuses": {
        "en": "Google refused the write: {where} is protected (only its editors may change it), so sheetsync wrote "
              "nothing; in Google Sheets, Data > Protected sheets and ranges, set it to 'Show a warning' or add "
              "{who} as an editor",
        "id": "Google menolak penulisan: {where} dilindungi (hanya editornya yang boleh mengubah), jadi sheetsync "
              "tidak menulis apa pun; di Google Sheets, Data > Sheet dan rentang yang dilindungi, ubah ke "
              "'Tampilkan peringatan' atau tambahkan {who} sebagai editor",
    },
})

# the account a protected range should list, when the client does not say which it is
RUNS_AS = Phrase("the account sheetsync runs as", "akun yang dipakai sheetsync")


def one_line(exc: BaseException) -> str:
    """An unexpected exception's text as a short param of a template."""
    lines = str(exc).splitlines()
    return lines[0][:300] if lines else type(exc).__name__
