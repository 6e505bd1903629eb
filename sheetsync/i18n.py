"""Messages the CLI prints, in English and Bahasa Indonesia.

The language of the *sheet* is the config's business (``config.language``);
this module is only about what a person reads in the terminal.  It is chosen
by ``--lang``, else by the POSIX locale variables (LC_ALL, LC_MESSAGES, LANG),
else English.
"""

from __future__ import annotations

import os
from typing import Any, Mapping

LANGS = ("en", "id")

# key -> (english, indonesian).  Placeholders use str.format names.
MESSAGES: dict[str, tuple[str, str]] = {
    # generic
    "error": ("Error: {msg}", "Galat: {msg}"),
    "config_error": ("Config error: {msg}", "Galat konfigurasi: {msg}"),
    "hint": ("What to do: {msg}", "Yang perlu dilakukan: {msg}"),
    "internal": (
        "Unexpected error: {msg}. Set SHEETSYNC_DEBUG=1 to see the details and report it.",
        "Galat tak terduga: {msg}. Pasang SHEETSYNC_DEBUG=1 untuk melihat rinciannya dan laporkan.",
    ),
    "interrupted": ("Stopped.", "Dihentikan."),
    "no_config": (
        "no config given: pass --config FILE or --preset pilkada-jakbar-2024 "
        "(or set SHEETSYNC_CONFIG, or put a sheetsync.toml in this directory or in ~/.config/sheetsync/)",
        "tidak ada konfigurasi: berikan --config FILE atau --preset pilkada-jakbar-2024 "
        "(atau pasang SHEETSYNC_CONFIG, atau letakkan sheetsync.toml di direktori ini "
        "atau di ~/.config/sheetsync/)",
    ),
    "both_config": (
        "give either --config or --preset, not both",
        "berikan --config atau --preset, jangan keduanya",
    ),
    "no_spreadsheet": (
        "{source}: spreadsheet: no spreadsheet given; pass --spreadsheet ID-or-URL "
        "or set SHEETSYNC_SPREADSHEET",
        "{source}: spreadsheet: spreadsheet belum ditentukan; berikan --spreadsheet ID-atau-URL "
        "atau pasang SHEETSYNC_SPREADSHEET",
    ),
    "bad_spreadsheet": (
        "--spreadsheet: '{value}' is not a spreadsheet ID or URL; pass the ID (the long code between "
        "/d/ and /edit in the sheet's address) or the whole URL",
        "--spreadsheet: '{value}' bukan ID atau URL spreadsheet; berikan ID-nya (kode panjang di antara "
        "/d/ dan /edit pada alamat sheet) atau seluruh URL-nya",
    ),
    "network": (
        "cannot reach the Sheets API{where}: {msg}. Check the network (or --api-url) and retry.",
        "tidak bisa menghubungi API Sheets{where}: {msg}. Periksa jaringan (atau --api-url) lalu coba lagi.",
    ),
    "refused": (
        "could not reach the Sheets API at {url} ({kind}: connection refused, nothing listens there): "
        "start the emulator or correct --api-url, then run again",
        "tidak bisa menghubungi API Sheets di {url} ({kind}: koneksi ditolak, tidak ada yang mendengarkan "
        "di sana): jalankan emulatornya atau perbaiki --api-url, lalu jalankan lagi",
    ),
    "credentials": (
        "credentials problem: {msg}",
        "masalah kredensial: {msg}",
    ),
    "api_url_in_use": (
        "API URL in use: {url} (requests go there, not to Google)",
        "API URL dipakai: {url} (permintaan dikirim ke sana, bukan ke Google)",
    ),
    "api_url_malformed": (
        "api_url {url}: not a URL; write it as http://127.0.0.1:8555 (the emulator) or https://host",
        "api_url {url}: bukan URL; tulis seperti http://127.0.0.1:8555 (emulator) atau https://host",
    ),
    "api_url_insecure": (
        "api_url {url}: plain http is accepted only on this machine (127.0.0.1, localhost); "
        "use https or remove api_url",
        "api_url {url}: http biasa hanya diterima di mesin ini (127.0.0.1, localhost); "
        "pakai https atau hapus api_url",
    ),
    "api_url_foreign_key": (
        "api_url {url} is not where this key gets its tokens, so its signed assertion and bearer token "
        "would go there; use the emulator's own key, or remove api_url",
        "api_url {url} bukan tempat kunci ini mengambil token, jadi asersi bertanda tangan dan token "
        "pembawanya akan terkirim ke sana; pakai kunci emulator sendiri, atau hapus api_url",
    ),
    "bad_interval": (
        "--every: '{value}' is not an interval; write e.g. 60s, 5m or 1h",
        "--every: '{value}' bukan selang waktu; tulis misalnya 60s, 5m atau 1h",
    ),
    "interval_over_quota": (
        "--every: '{value}' is too short: syncing that often can exceed Google's 60 reads a minute; "
        "use {minimum} or more (60s is plenty for a volunteer sheet)",
        "--every: '{value}' terlalu singkat: sinkron sesering itu bisa melampaui batas Google 60 baca "
        "per menit; pakai {minimum} atau lebih (60s sudah cukup untuk sheet relawan)",
    ),
    "bad_since": (
        "--since: '{value}' is not a time; write e.g. 2h, 30m, 2024-11-27T14:00 or a sync number",
        "--since: '{value}' bukan waktu; tulis misalnya 2h, 30m, 2024-11-27T14:00 atau nomor sinkronisasi",
    ),
    "bad_tps": (
        "--tps: '{value}' is not a TPS of {kota}; write e.g. \"Kapuk 12\"",
        "--tps: '{value}' bukan TPS di {kota}; tulis misalnya \"Kapuk 12\"",
    ),
    "no_journal": (
        "no journal at {path}: run `sheetsync sync` first (journal_path in {source})",
        "belum ada jurnal di {path}: jalankan `sheetsync sync` dulu (journal_path di {source})",
    ),
    "no_such_sync": (
        "--since {value}: there is no sync {value} of this spreadsheet in the journal (syncs 1 to {last})",
        "--since {value}: tidak ada sinkron ke-{value} untuk spreadsheet ini di jurnal (sinkron 1 sampai {last})",
    ),
    "no_journal_sync": (
        "no sync of this spreadsheet in {path} yet: run `sheetsync sync` first",
        "spreadsheet ini belum pernah disinkronkan di {path}: jalankan `sheetsync sync` dulu",
    ),
    "more_in_json": (" (+{count} more; --json lists all)", " (+{count} lagi; --json menampilkan semuanya)"),
    "need_since_or_tps": (
        "give --since or --tps",
        "berikan --since atau --tps",
    ),
    # init
    "init_done": (
        "Layout ready: {requests} change request(s) sent in {calls} batchUpdate call(s).",
        "Tata letak siap: {requests} perubahan dikirim dalam {calls} panggilan batchUpdate.",
    ),
    "init_nothing": (
        "Layout already complete: nothing written.",
        "Tata letak sudah lengkap: tidak ada yang ditulis.",
    ),
    "init_tps": ("{count} planned TPS row(s) added.", "{count} baris TPS rencana ditambahkan."),
    # sync
    "sync_done": (
        "Synced {rows} row(s): {statuses}. {cells} cell(s) written in {requests} request(s).",
        "Sinkron {rows} baris: {statuses}. {cells} sel ditulis dalam {requests} permintaan.",
    ),
    "sync_phase": (
        "sync {rows} rows [{done}/{total}] {phase} {seconds} s{next}",
        "sinkron {rows} baris [{done}/{total}] {phase} {seconds} dtk{next}",
    ),
    "sync_empty": (
        "Synced: no rows yet in tab '{tab}' (only the header). {cells} cell(s) written in {requests} request(s).",
        "Sinkron: tab '{tab}' belum berisi baris (baru header). {cells} sel ditulis dalam {requests} permintaan.",
    ),
    "dry_run": (
        "Dry run: {count} cell(s) would change; nothing written.",
        "Uji coba: {count} sel akan berubah; tidak ada yang ditulis.",
    ),
    "plan_none": ("No cell would change.", "Tidak ada sel yang akan berubah."),
    "plan_guard": (
        "The guard would stop this sync ({count} alert(s)): summaries not updated, exit 3.",
        "Penjaga akan menghentikan sinkron ini ({count} peringatan): ringkasan tidak diperbarui, keluar 3.",
    ),
    "fail_on": (
        "{count} problem(s) at or above '{level}' (exit 1).",
        "{count} masalah setingkat '{level}' atau lebih (keluar 1).",
    ),
    "next_sync": ("Next sync in {seconds} s (Ctrl-C to stop).", "Sinkron berikutnya dalam {seconds} dtk (Ctrl-C untuk berhenti)."),
    # check
    "title_per_code": ("Problems by code", "Masalah per kode"),
    "check_more": (
        "... and {count} more {code} warning(s): --all or --json lists them.",
        "... dan {count} peringatan {code} lagi: --all atau --json menampilkan semuanya.",
    ),
    "json_and_format": (
        "--json prints JSON; it cannot go with {value}: give one of them",
        "--json mencetak JSON; tidak bisa bersama {value}: pilih salah satu",
    ),
    "check_ok": ("No problems: {rows} row(s) checked.", "Tidak ada masalah: {rows} baris diperiksa."),
    "check_summary": (
        "{errors} error(s), {warnings} warning(s) in {rows} row(s).",
        "{errors} galat, {warnings} peringatan pada {rows} baris.",
    ),
    # export
    "export_done": ("Wrote {path} ({rows} row(s)).", "Menulis {path} ({rows} baris)."),
    "export_masked": (
        "Personal columns masked: {columns}. Use --include-personal to keep them.",
        "Kolom pribadi disamarkan: {columns}. Pakai --include-personal untuk menyertakannya.",
    ),
    # restore
    "restore_plan": (
        "{count} cell(s) would be restored. Run again with --apply to write them.",
        "{count} sel akan dipulihkan. Jalankan lagi dengan --apply untuk menulisnya.",
    ),
    "restore_done": ("{count} cell(s) restored.", "{count} sel dipulihkan."),
    "restore_none": ("Nothing to restore.", "Tidak ada yang perlu dipulihkan."),
    "purge_done": (
        "Purged {values} name/phone value(s) that left the sheet before {before} ({baselines} verified "
        "record(s), {rows} cached row(s)); every number is kept.",
        "{values} nama/nomor HP yang keluar dari sheet sebelum {before} dihapus dari jurnal ({baselines} "
        "catatan verifikasi, {rows} baris cache); semua angka tetap disimpan.",
    ),
    "purge_needs_date": (
        "give --before DATE or --older-than 90d, or set personal_retention_days in the config",
        "berikan --before TANGGAL atau --older-than 90d, atau isi personal_retention_days di konfigurasi",
    ),
    "purge_one_date": (
        "give either --before or --older-than, not both",
        "berikan --before atau --older-than, jangan keduanya",
    ),
    # demo
    "demo_start": ("Starting the Sheets emulator...", "Menyalakan emulator Sheets..."),
    "sync_unsettled": (
        "Rows kept moving during the sync: the statuses of rows {rows} are not confirmed; the next sync "
        "puts them right.",
        "Baris terus dipindah selama sinkronisasi: status baris {rows} belum pasti; sinkronisasi "
        "berikutnya memperbaikinya.",
    ),
    "sync_restored": (
        "A column was inserted or deleted while the sync wrote: {count} cells of another column were "
        "written over and have been given back their values ({cells}).",
        "Sebuah kolom disisipkan atau dihapus saat sinkronisasi menulis: {count} sel kolom lain sempat "
        "tertimpa dan nilainya sudah dikembalikan ({cells}).",
    ),
    "sync_notes_kept": (
        "{count} note(s) someone typed into sheetsync's own Status or Keterangan cells were kept in "
        "the row's Keterangan, in front of sheetsync's message ({cells}).",
        "{count} catatan yang diketik orang di sel Status atau Keterangan milik sheetsync disimpan di "
        "Keterangan baris itu, di depan pesan sheetsync ({cells}).",
    ),
    "demo_exposed": (
        "The demo's emulator accepts any token, so it listens on loopback only, not on {host}: anyone "
        "who could reach it could read and change the demo sheet. Leave out --host (127.0.0.1).",
        "Emulator demo menerima token apa pun, jadi hanya mendengarkan di loopback, bukan di {host}: "
        "siapa pun yang menjangkaunya bisa membaca dan mengubah sheet demo. Hapus --host (127.0.0.1).",
    ),
    "demo_filled": (
        "Filled {rows} row(s) as volunteers would ({phase}).",
        "Mengisi {rows} baris seperti relawan ({phase}).",
    ),
    "demo_view": (
        "Web view (read-only): {url}\nEmulator API: {api}  (Ctrl-C to stop)",
        "Tampilan web (hanya baca): {url}\nAPI emulator: {api}  (Ctrl-C untuk berhenti)",
    ),
    "demo_stopped": (
        "Emulator stopped (not on a terminal, or --no-serve). Run `sheetsync demo --serve` to browse the sheet.",
        "Emulator dimatikan (bukan di terminal, atau --no-serve). Jalankan `sheetsync demo --serve` untuk melihat sheet.",
    ),
    "demo_try": (
        "Try: sheetsync check --preset pilkada-jakbar-2024 --api-url {api} --spreadsheet {sheet}",
        "Coba: sheetsync check --preset pilkada-jakbar-2024 --api-url {api} --spreadsheet {sheet}",
    ),
    # table titles
    "title_kecamatan": ("Summary per kecamatan", "Rekap per kecamatan"),
    "title_problems": ("Problems", "Masalah"),
    "title_reconcile": ("Planned vs entered per kecamatan", "Rencana vs terisi per kecamatan"),
    "title_verified": ("Changed after verification", "Diubah setelah diverifikasi"),
    "title_koordinator": ("Per coordinator (most problems first)", "Per koordinator (paling bermasalah dulu)"),
    "title_duplicates": ("Duplicates and conflicts", "Duplikat dan konflik"),
    "title_changed": ("Changed since the last sync", "Berubah sejak sinkron terakhir"),
    "title_against": ("Differences against {file}", "Selisih terhadap {file}"),
    "against_same": (
        "{count} TPS compared with {file}: no differences.",
        "{count} TPS dibandingkan dengan {file}: tidak ada selisih.",
    ),
    "against_not_in_file": (
        "{count} TPS of the sheet are not in {file} (listed with --json).",
        "{count} TPS di sheet tidak ada di {file} (daftarnya dengan --json).",
    ),
    "none": ("(none)", "(tidak ada)"),
    # reconcile --accept-changes
    "accepted": (
        "{rows} row(s) accepted as verified (values of sync #{sync}); the next sync marks them OK.",
        "{rows} baris diterima sebagai terverifikasi (nilai sinkron #{sync}); sinkron berikutnya menandainya OK.",
    ),
    "accepted_none": (
        "Nothing to accept: no number changed after verification.",
        "Tidak ada yang perlu diterima: tidak ada angka yang diubah setelah diverifikasi.",
    ),
    "tps_needs_accept": (
        "--tps goes with --accept-changes",
        "--tps hanya dipakai bersama --accept-changes",
    ),
}


# Sheets API and credentials errors (gsheets.SheetsError.code -> templates): the library keeps
# the English text as the exception's message; the CLI prints the reader's language.
MESSAGES.update({
    "key_file_hint": (
        "download a service-account key (JSON) in Google Cloud Console > IAM > Service accounts > Keys "
        "and pass its path with --credentials",
        "unduh kunci service account (JSON) di Google Cloud Console > IAM > Service accounts > Keys "
        "lalu berikan jalurnya dengan --credentials",
    ),
    "this_account": ("the account sheetsync runs as", "akun yang dipakai sheetsync"),
    "sheets_not_an_id": (
        "'{text}' is not a spreadsheet ID or URL: pass --spreadsheet with the ID (the long code between "
        "/d/ and /edit in the sheet's address) or the whole URL",
        "'{text}' bukan ID atau URL spreadsheet: berikan --spreadsheet dengan ID-nya (kode panjang di antara "
        "/d/ dan /edit pada alamat sheet) atau URL lengkapnya",
    ),
    "creds_none": (
        "no Google credentials found: pass --credentials KEY.json (a service-account key), set credentials "
        "in the config or GOOGLE_APPLICATION_CREDENTIALS, or run '{login}'",
        "kredensial Google tidak ditemukan: berikan --credentials KUNCI.json (kunci service account), isi "
        "credentials di konfigurasi atau GOOGLE_APPLICATION_CREDENTIALS, atau jalankan '{login}'",
    ),
    "creds_key_missing": (
        "key file {path} (from {source}) not found: {hint}",
        "berkas kunci {path} (dari {source}) tidak ditemukan: {hint}",
    ),
    "creds_key_unreadable": (
        "key file {path} cannot be read ({kind}): check its permissions, or {hint}",
        "berkas kunci {path} tidak bisa dibaca ({kind}): periksa izinnya, atau {hint}",
    ),
    "creds_key_invalid": (
        "key file {path} is not a valid Google key file ({kind}): {hint}",
        "berkas kunci {path} bukan berkas kunci Google yang sah ({kind}): {hint}",
    ),
    "sheets_token_unavailable": (
        "Google's token service is unavailable ({reason}) even after retrying: the key is not at fault; "
        "run sync again in a minute",
        "layanan token Google tidak tersedia ({reason}) walau sudah dicoba ulang: kuncinya tidak salah; "
        "jalankan sync lagi semenit lagi",
    ),
    "creds_refused": (
        "Google refused the credentials of {who} while getting a token ({reason}): the key may be deleted "
        "or disabled; create a new key and pass it with --credentials, and check the machine's clock",
        "Google menolak kredensial {who} saat mengambil token ({reason}): kuncinya mungkin sudah dihapus "
        "atau dinonaktifkan; buat kunci baru dan berikan dengan --credentials, dan periksa jam komputer",
    ),
    "sheets_unreachable": (
        "could not reach the Sheets API ({kind}) even after retrying: check the network connection "
        "(or --api-url), then run sync again",
        "tidak bisa menghubungi API Sheets ({kind}) walau sudah dicoba ulang: periksa koneksi jaringan "
        "(atau --api-url), lalu jalankan sync lagi",
    ),
    "sheets_unexpected": (
        "unexpected error talking to the Sheets API: {msg}",
        "galat tak terduga saat berbicara dengan API Sheets: {msg}",
    ),
    "creds_token_rejected": (
        "Google rejected the access token (401 {message}): check that the key file belongs to an active "
        "service account and that the machine's clock is right, then run again",
        "Google menolak token akses (401 {message}): pastikan berkas kunci milik service account yang aktif "
        "dan jam komputer benar, lalu jalankan lagi",
    ),
    "creds_scopes": (
        "the credentials of {who} do not allow the Sheets API (403 {message}): for your own Google account "
        "run '{login}', or pass a service-account key with --credentials",
        "kredensial {who} tidak mengizinkan API Sheets (403 {message}): untuk akun Google Anda sendiri "
        "jalankan '{login}', atau berikan kunci service account dengan --credentials",
    ),
    "sheets_not_shared": (
        "spreadsheet {spreadsheet} is not shared with {who} (403): open it in Google Sheets, click Share and add "
        "{who} as Editor",
        "spreadsheet {spreadsheet} tidak dibagikan dengan {who} (403): buka di Google Sheets, klik Bagikan dan "
        "tambahkan {who} sebagai Editor",
    ),
    "sheets_read_only": (
        "spreadsheet {spreadsheet} is shared with {who} read-only (403 on a write): open it in Google Sheets, "
        "click Share and make {who} an Editor",
        "spreadsheet {spreadsheet} dibagikan dengan {who} hanya untuk dilihat (403 saat menulis): buka di Google "
        "Sheets, klik Bagikan dan jadikan {who} Editor",
    ),
    "sheets_protected": (
        "Google refused the write: a range it covers is protected (400 {message}): in Google Sheets, "
        "Data > Protected sheets and ranges, set it to 'Show a warning' or add {who} as an editor",
        "Google menolak penulisan: ada rentang yang dilindungi (400 {message}): di Google Sheets, "
        "Data > Sheet dan rentang yang dilindungi, pilih 'Tampilkan peringatan' atau tambahkan {who} "
        "sebagai editor",
    ),
    "sheets_not_found": (
        "spreadsheet {spreadsheet} not found (404): check --spreadsheet / SHEETSYNC_SPREADSHEET (the ID or the "
        "whole URL of the sheet)",
        "spreadsheet {spreadsheet} tidak ditemukan (404): periksa --spreadsheet / SHEETSYNC_SPREADSHEET (ID atau "
        "URL lengkap sheet-nya)",
    ),
    "sheets_quota": (
        "the Sheets API quota is used up (429, 60 requests a minute per user) even after waiting: stop "
        "other scripts using this account, wait a minute and run again",
        "kuota API Sheets habis (429, 60 permintaan per menit per pengguna) walau sudah menunggu: hentikan "
        "skrip lain yang memakai akun ini, tunggu semenit lalu jalankan lagi",
    ),
    "sheets_failing": (
        "the Sheets API keeps failing ({status} {message}): run sync again in a minute",
        "API Sheets terus gagal ({status} {message}): jalankan sync lagi semenit lagi",
    ),
    "sheets_refused_request": (
        "the Sheets API refused the request ({status} {message})",
        "API Sheets menolak permintaan ({status} {message})",
    ),
    "lock_busy": (
        "another sheetsync sync of this spreadsheet is already running ({holder}); this run did nothing: "
        "wait for it to finish, or run again in a minute",
        "sinkronisasi sheetsync lain untuk spreadsheet ini sedang berjalan ({holder}); run ini tidak melakukan "
        "apa pun: tunggu sampai selesai, atau jalankan lagi semenit lagi",
    ),
    "sheets_header_missing": (
        "header {headers} missing in row {row} of tab '{tab}': add the column (or fix header_row in {source}); "
        "nothing was written",
        "Judul kolom {headers} tidak ada di baris {row} tab '{tab}': kembalikan judul kolomnya (atau perbaiki "
        "header_row di {source}); tidak ada yang ditulis",
    ),
    "sheets_tab_missing": (
        "tab '{tab}' not found in spreadsheet {spreadsheet} (tabs: {tabs}): rename the tab or set input tab "
        "in {source}",
        "tab '{tab}' tidak ada di spreadsheet {spreadsheet} (tab yang ada: {tabs}): ganti nama tab itu atau atur "
        "input tab di {source}",
    ),
})


def sheets_text(code: str, lang: str, params: Mapping[str, Any]) -> str:
    """A Sheets or credentials error in ``lang``: the key file hint and "the account
    sheetsync runs as" (when the account is unknown) in that language too."""
    filled = {"hint": t("key_file_hint", lang), **params}
    if filled.get("who") is None:
        filled["who"] = t("this_account", lang)
    return t(code, lang, **filled)

# Column headers and cell words of CLI tables: field or value key -> (english, indonesian).
# Keys not listed fall back to the summary tabs' header texts (summaries.py), then to the key.
LABELS: dict[str, tuple[str, str]] = {
    "row": ("Row", "Baris"), "severity": ("Severity", "Tingkat"), "code": ("Code", "Kode"),
    "message": ("Message", "Keterangan"), "count": ("Count", "Jumlah"),
    "template": ("Message template", "Templat pesan"), "field": ("Field", "Kolom"), "column": ("Column", "Kolom"),
    "tab": ("Tab", "Tab"), "cell": ("Cell", "Sel"), "old": ("Old", "Lama"), "new": ("New", "Baru"),
    "tps": ("TPS", "TPS"), "tps_key": ("TPS", "TPS"), "kelurahan": ("Kelurahan", "Kelurahan"),
    "kecamatan": ("Kecamatan", "Kecamatan"), "kode_kecamatan": ("Code", "Kode"),
    "tps_planned": ("TPS planned", "TPS rencana"), "tps_entered": ("TPS entered", "TPS terisi"),
    "tps_missing": ("TPS missing", "TPS kurang"), "tps_extra": ("TPS extra", "TPS lebih"),
    "rows_duplicate": ("Duplicate rows", "Baris duplikat"), "target": ("Target", "Target"),
    "target_cells": ("Target cells", "Sel target"), "target_sum": ("Sum of TPS targets", "Jumlah target TPS"),
    "target_diff": ("Difference", "Selisih"), "ok": ("Matches", "Cocok"),
    "other_rows": ("Same as row", "Sama dengan baris"), "change": ("Change", "Perubahan"),
    "verified": ("Verified", "Terverifikasi"), "current": ("Now", "Sekarang"),
    "verified_sync": ("Verified in sync", "Diverifikasi di sinkron"), "sync": ("Sync", "Sinkron"),
    "at": ("At (WIB)", "Waktu (WIB)"), "kind": ("Kind", "Jenis"), "value": ("Value", "Nilai"),
    "detail": ("Detail", "Rincian"), "sheet": ("Sheet", "Sheet"), "file": ("File", "Berkas"),
    "koordinator": ("Coordinator", "Koordinator"), "tps_reported": ("TPS reported", "TPS lapor"),
    "tps_error": ("Rows in error", "Baris salah"), "tps_periksa": ("To check", "Perlu diperiksa"),
    "tps_belum": ("Not filled", "Belum diisi"), "problems": ("With problems", "Bermasalah"),
    # cell words
    "error": ("error", "galat"), "warning": ("warning", "peringatan"),
    "renamed": ("renamed", "berganti nama"), "renamed_from": ("renamed from", "berganti nama dari"),
    "renamed_to": ("renamed to", "berganti nama menjadi"), "added": ("added", "ditambah"),
    "changed": ("changed", "diubah"), "removed": ("removed", "dihapus"),
    "yes": ("yes", "ya"), "no": ("no", "tidak"),
}


def label(key: str, lang: str = "en") -> str:
    """A table header or cell word in ``lang``: LABELS, else the summary tabs' header, else the key."""
    if key in LABELS:
        en, id_ = LABELS[key]
        return id_ if lang == "id" else en
    try:
        from sheetsync.core.summaries import _HEADERS   # the words the sheet's own summary tabs use

        if key in _HEADERS and "{" not in _HEADERS[key][0]:
            return _HEADERS[key][0 if lang == "id" else 1]
    except ImportError:  # pragma: no cover
        pass
    return key


# ConfigError says "<file>: <key>: <what is wrong>" in English (config.py); the CLI
# translates the usual <what>s so an Indonesian reader gets one language.
CONFIG_PHRASES_ID: tuple[tuple[str, str], ...] = (
    (r"^file not found$", "berkas tidak ditemukan"),
    (r"^cannot read: (.*)$", r"tidak bisa dibaca: \1"),
    (r"^TOML syntax: (.*)$", r"sintaks TOML salah: \1"),
    (r"^missing$", "wajib ada, belum diisi"),
    (r"^unknown key$", "kunci tidak dikenal"),
    (r"^expected (.+), got (.+)$", r"seharusnya \1, bukan \2"),
    (r"^unknown preset \(available: (.*)\)$", r"preset tidak dikenal (yang ada: \1)"),
    (r"^must be one of (.*), not (.*)$", r"harus salah satu dari \1, bukan \2"),
    (r"^(.+) is also the header of the data column (.+): choose another header for sheetsync's own column$",
     r"\1 juga judul kolom data \2: pilih judul lain untuk kolom milik sheetsync"),
    (r"^(.+) is also status_header: the two need different headers$",
     r"\1 juga status_header: keduanya perlu judul berbeda"),
    (r"^must hold a letter or digit$", "harus berisi huruf atau angka"),
)


_KINDS_ID = {"a string": "teks", "an integer": "bilangan bulat", "a number": "angka", "true/false": "true/false",
             "a list": "daftar", "a table": "tabel", "a date": "tanggal"}


def config_error(msg: str, lang: str) -> str:
    """A ConfigError's text with its last part (what is wrong) in ``lang`` when known."""
    if lang != "id":
        return msg
    import re

    parts = msg.split(": ")
    for i in range(1, len(parts)):          # <what> may itself hold ": " (cannot read: ...)
        what = ": ".join(parts[i:])
        for pattern, repl in CONFIG_PHRASES_ID:
            if re.match(pattern, what):
                what = re.sub(pattern, repl, what)
                for en, id_ in _KINDS_ID.items():
                    what = what.replace(en, id_)
                return ": ".join(parts[:i]) + ": " + what
    return msg


def detect_lang(flag: str | None = None, env: Mapping[str, str] | None = None) -> str:
    """``--lang`` wins; else the first set POSIX locale variable; else English."""
    if flag:
        return "id" if flag.lower().startswith("id") else "en"
    env = os.environ if env is None else env
    for var in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = env.get(var, "")
        if value:
            # "id_ID.UTF-8", "in_ID" (old Java/Android code for Indonesian)
            return "id" if value.lower()[:2] in ("id", "in") else "en"
    return "en"


def t(key: str, lang: str = "en", **params: Any) -> str:
    """The message ``key`` in ``lang``, filled with ``params``."""
    en, id_ = MESSAGES[key]
    template = id_ if lang == "id" else en
    return template.format(**params) if params else template
