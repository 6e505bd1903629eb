"""What the command line prints, in English and Bahasa Indonesia: its messages, its table
words, and the templates of its own errors (CliError, registered with sheetsync.errors)."""

from __future__ import annotations

from typing import Any

from sheetsync.errors import EXIT_USAGE, SheetsyncError, register

# key -> (english, indonesian).  Placeholders use str.format names.
MESSAGES: dict[str, tuple[str, str]] = {
    "error": ("Error: {msg}", "Galat: {msg}"),
    "config_error": ("Config error: {msg}", "Galat konfigurasi: {msg}"),
    "internal": (
        "Unexpected error: {msg}. Set SHEETSYNC_DEBUG=1 to see the details and report it.",
        "Galat tak terduga: {msg}. Pasang SHEETSYNC_DEBUG=1 untuk melihat rinciannya dan laporkan.",
    ),
    "interrupted": ("Stopped.", "Dihentikan."),
    "network": (
        "cannot reach the Sheets API{where}: {msg}. Check the network (or --api-url) and retry.",
        "tidak bisa menghubungi API Sheets{where}: {msg}. Periksa jaringan (atau --api-url) lalu coba lagi.",
    ),
    "credentials": (
        "credentials problem: {msg}",
        "masalah kredensial: {msg}",
    ),
    "api_url_in_use": (
        "API URL in use: {url} (requests go there, not to Google)",
        "API URL dipakai: {url} (permintaan dikirim ke sana, bukan ke Google)",
    ),
    "more_in_json": (" (+{count} more; --json lists all)", " (+{count} lagi; --json menampilkan semuanya)"),
    "init_done": (
        "Layout ready: {requests} change request(s) sent in {calls} batchUpdate call(s).",
        "Tata letak siap: {requests} perubahan dikirim dalam {calls} panggilan batchUpdate.",
    ),
    "init_nothing": (
        "Layout already complete: nothing written.",
        "Tata letak sudah lengkap: tidak ada yang ditulis.",
    ),
    "init_tps": ("{count} planned TPS row(s) added.", "{count} baris TPS rencana ditambahkan."),
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
    "title_per_code": ("Problems by code", "Masalah per kode"),
    "check_more": (
        "... and {count} more {code} warning(s): --all or --json lists them.",
        "... dan {count} peringatan {code} lagi: --all atau --json menampilkan semuanya.",
    ),
    "check_ok": ("No problems: {rows} row(s) checked.", "Tidak ada masalah: {rows} baris diperiksa."),
    "check_summary": (
        "{errors} error(s), {warnings} warning(s) in {rows} row(s).",
        "{errors} galat, {warnings} peringatan pada {rows} baris.",
    ),
    "export_done": ("Wrote {path} ({rows} row(s)).", "Menulis {path} ({rows} baris)."),
    "export_masked": (
        "Personal columns masked: {columns}. Use --include-personal to keep them.",
        "Kolom pribadi disamarkan: {columns}. Pakai --include-personal untuk menyertakannya.",
    ),
    "restore_plan": (
        "{count} cell(s) would be restored. Run again with --apply to write them.",
        "{count} sel akan dipulihkan. Jalankan lagi dengan --apply untuk menulisnya.",
    ),
    "restore_done": ("{count} cell(s) restored.", "{count} sel dipulihkan."),
    "restore_none": ("Nothing to restore.", "Tidak ada yang perlu dipulihkan."),
    "purge_done": (
        "Purged {values} name/phone value(s) that left the sheet before {before} ({baselines} verified "
        "record(s), {rows} cached row(s), {formulas} formula(s) of personal columns); every number is kept.",
        "{values} nama/nomor HP yang keluar dari sheet sebelum {before} dihapus dari jurnal ({baselines} "
        "catatan verifikasi, {rows} baris cache, {formulas} rumus di kolom data pribadi); semua angka tetap "
        "disimpan.",
    ),
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
    "title_kecamatan": ("Summary per kecamatan", "Rekap per kecamatan"),
    "title_problems": ("Problems", "Masalah"),
    "title_reconcile": ("Planned vs entered per kecamatan", "Rencana vs terisi per kecamatan"),
    "title_verified": ("Changed after verification", "Diubah setelah diverifikasi"),
    "title_koordinator": ("Per coordinator (most problems first)", "Per koordinator (paling bermasalah dulu)"),
    "title_duplicates": ("Duplicates and conflicts", "Duplikat dan konflik"),
    "title_changed": ("Changed since the last sync", "Berubah sejak sinkron terakhir"),
    "title_against": ("Differences against {file}", "Selisih terhadap {file}"),
    "title_entries_differ": ("TPS whose two entries differ", "TPS yang kedua entrinya berbeda"),
    "title_unmatched": ("Rows of the second-entry tab '{tab}' that match no TPS",
                        "Baris tab entri kedua '{tab}' yang tidak cocok dengan TPS mana pun"),
    "double_entry_counts": (
        "Double entry: {verified} TPS double-checked, {unchecked} not yet double-checked, {differ} whose entries "
        "differ.",
        "Entri ganda: {verified} TPS terverifikasi ganda, {unchecked} belum dicek ulang, {differ} entrinya berbeda.",
    ),
    "against_same": (
        "{count} TPS compared with {file}: no differences.",
        "{count} TPS dibandingkan dengan {file}: tidak ada selisih.",
    ),
    "against_not_in_file": (
        "{count} TPS of the sheet are not in {file} (listed with --json).",
        "{count} TPS di sheet tidak ada di {file} (daftarnya dengan --json).",
    ),
    "none": ("(none)", "(tidak ada)"),
    "accepted": (
        "{rows} row(s) accepted as verified (values of sync #{sync}); the next sync marks them OK.",
        "{rows} baris diterima sebagai terverifikasi (nilai sinkron #{sync}); sinkron berikutnya menandainya OK.",
    ),
    "accepted_none": (
        "Nothing to accept: no number changed after verification.",
        "Tidak ada yang perlu diterima: tidak ada angka yang diubah setelah diverifikasi.",
    ),
}

register({
    "json_and_format": {
        "en": "--json prints JSON; it cannot go with {value}: give one of them",
        "id": "--json mencetak JSON; tidak bisa bersama {value}: pilih salah satu",
    },
    "both_config": {
        "en": "give either --config or --preset, not both",
        "id": "berikan --config atau --preset, jangan keduanya",
    },
    "no_config": {
        "en": "no config given: pass --config FILE or --preset pilkada-jakbar-2024 "
              "(or set SHEETSYNC_CONFIG, or put a sheetsync.toml in this directory or in ~/.config/sheetsync/)",
        "id": "tidak ada konfigurasi: berikan --config FILE atau --preset pilkada-jakbar-2024 "
              "(atau pasang SHEETSYNC_CONFIG, atau letakkan sheetsync.toml di direktori ini "
              "atau di ~/.config/sheetsync/)",
    },
    "no_spreadsheet": {
        "en": "{source}: spreadsheet: no spreadsheet given; pass --spreadsheet ID-or-URL "
              "or set SHEETSYNC_SPREADSHEET",
        "id": "{source}: spreadsheet: spreadsheet belum ditentukan; berikan --spreadsheet ID-atau-URL "
              "atau pasang SHEETSYNC_SPREADSHEET",
    },
    "bad_spreadsheet": {
        "en": "--spreadsheet: '{value}' is not a spreadsheet ID or URL; pass the ID (the long code between "
              "/d/ and /edit in the sheet's address) or the whole URL",
        "id": "--spreadsheet: '{value}' bukan ID atau URL spreadsheet; berikan ID-nya (kode panjang di antara "
              "/d/ dan /edit pada alamat sheet) atau seluruh URL-nya",
    },
    "bad_interval": {
        "en": "--every: '{value}' is not an interval; write e.g. 60s, 5m or 1h",
        "id": "--every: '{value}' bukan selang waktu; tulis misalnya 60s, 5m atau 1h",
    },
    "once_and_every": {
        "en": "give either --once or --every, not both",
        "id": "berikan --once atau --every, jangan keduanya",
    },
    "interval_over_quota": {
        "en": "--every: '{value}' is too short: syncing that often can exceed Google's 60 reads a minute; "
              "use {minimum} or more (60s is plenty for a volunteer sheet)",
        "id": "--every: '{value}' terlalu singkat: sinkron sesering itu bisa melampaui batas Google 60 baca "
              "per menit; pakai {minimum} atau lebih (60s sudah cukup untuk sheet relawan)",
    },
    "bad_since": {
        "en": "--since: '{value}' is not a time; write e.g. 2h, 30m, 2024-11-27T14:00 or a sync number",
        "id": "--since: '{value}' bukan waktu; tulis misalnya 2h, 30m, 2024-11-27T14:00 atau nomor sinkronisasi",
    },
    "bad_tps": {
        "en": "--tps: '{value}' is not a TPS of {kota}; write e.g. \"Kapuk 12\"",
        "id": "--tps: '{value}' bukan TPS di {kota}; tulis misalnya \"Kapuk 12\"",
    },
    "no_journal": {
        "en": "no journal at {path}: run `sheetsync sync` first (journal_path in {source})",
        "id": "belum ada jurnal di {path}: jalankan `sheetsync sync` dulu (journal_path di {source})",
    },
    "no_such_sync": {
        "en": "--since {value}: there is no sync {value} of this spreadsheet in the journal (syncs 1 to {last})",
        "id": "--since {value}: tidak ada sinkron ke-{value} untuk spreadsheet ini di jurnal (sinkron 1 sampai {last})",
    },
    "no_journal_sync": {
        "en": "no sync of this spreadsheet in {path} yet: run `sheetsync sync` first",
        "id": "spreadsheet ini belum pernah disinkronkan di {path}: jalankan `sheetsync sync` dulu",
    },
    "need_since_or_tps": {
        "en": "give --since or --tps",
        "id": "berikan --since atau --tps",
    },
    "no_second_entry_tab": {
        "en": "--second-entry restores the second-entry tab, and {source} names none: add [double_entry] tab = "
              "\"Entri Kedua\" (its title) to the config",
        "id": "--second-entry memulihkan tab entri kedua, dan {source} tidak menyebut satu pun: tambahkan "
              "[double_entry] tab = \"Entri Kedua\" (judul tabnya) ke konfigurasi",
    },
    "purge_needs_date": {
        "en": "give --before DATE or --older-than 90d, or set personal_retention_days in the config",
        "id": "berikan --before TANGGAL atau --older-than 90d, atau isi personal_retention_days di konfigurasi",
    },
    "purge_one_date": {
        "en": "give either --before or --older-than, not both",
        "id": "berikan --before atau --older-than, jangan keduanya",
    },
    "tps_needs_accept": {
        "en": "--tps goes with --accept-changes",
        "id": "--tps hanya dipakai bersama --accept-changes",
    },
    "no_fleet": {
        "en": "no fleet file: pass --fleet FILE (or set SHEETSYNC_FLEET, or put a fleet.toml in this directory)",
        "id": "tidak ada berkas armada: berikan --fleet BERKAS (atau SHEETSYNC_FLEET, atau fleet.toml di "
              "direktori ini)",
    },
    "province_phase": {
        "en": "--province shows election night (hari-h); --phase persiapan is for the single sheet only",
        "id": "--province menunjukkan malam penghitungan (hari-h); --phase persiapan hanya untuk satu sheet",
    },
    "bad_province": {
        "en": "'{code}' is not a provinsi code of the Kemendagri list: use two digits, e.g. 31 for DKI Jakarta",
        "id": "'{code}' bukan kode provinsi dalam daftar Kemendagri: pakai dua angka, mis. 31 untuk DKI Jakarta",
    },
})


class CliError(SheetsyncError):
    """A problem with the command line the user can fix (exit 2 unless said otherwise)."""

    exit_code = EXIT_USAGE


def t(key: str, lang: str = "en", **params: Any) -> str:
    """The message ``key`` in ``lang``, filled with ``params``."""
    en, id_ = MESSAGES[key]
    template = id_ if lang == "id" else en
    return template.format(**params) if params else template


# Column headers and cell words of CLI tables: field or value key -> (english, indonesian).
# Keys not listed fall back to the summary tabs' header texts (core/summaries.py), then to the key.
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
    "first": ("First entry", "Entri pertama"), "second": ("Second entry", "Entri kedua"),
    "second_row": ("Row (second tab)", "Baris (tab kedua)"), "place": ("Place", "Tempat"),
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
    from sheetsync.core.summaries import _HEADERS   # the words the sheet's own summary tabs use

    if key in LABELS:
        en, id_ = LABELS[key]
        return id_ if lang == "id" else en
    if key in _HEADERS and "{" not in _HEADERS[key][0]:
        return _HEADERS[key][0 if lang == "id" else 1]
    return key
