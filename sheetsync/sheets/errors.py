"""The Sheets wing's errors: the API, the credentials and the API URL, each one line saying
how to fix it, in English and Bahasa Indonesia (templates registered with sheetsync.errors)."""

from __future__ import annotations

from typing import Mapping

from sheetsync.errors import EXIT_SYNC, EXIT_USAGE, SheetsyncError, register

# Words a template takes in the reader's language when the raise site cannot name them.
_WORDS: dict[str, Mapping[str, str]] = {
    "hint": {
        "en": "download a service-account key (JSON) in Google Cloud Console > IAM > Service accounts > Keys "
              "and pass its path with --credentials",
        "id": "unduh kunci service account (JSON) di Google Cloud Console > IAM > Service accounts > Keys "
              "lalu berikan jalurnya dengan --credentials",
    },
    "who": {"en": "the account sheetsync runs as", "id": "akun yang dipakai sheetsync"},
}

register({
    "sheets_plain": {"en": "{text}", "id": "{text}"},     # a message written whole at its raise site
    "sheets_not_an_id": {
        "en": "'{text}' is not a spreadsheet ID or URL: pass --spreadsheet with the ID (the long code between "
              "/d/ and /edit in the sheet's address) or the whole URL",
        "id": "'{text}' bukan ID atau URL spreadsheet: berikan --spreadsheet dengan ID-nya (kode panjang di antara "
              "/d/ dan /edit pada alamat sheet) atau URL lengkapnya",
    },
    "creds_none": {
        "en": "no Google credentials found: pass --credentials KEY.json (a service-account key), set credentials "
              "in the config or GOOGLE_APPLICATION_CREDENTIALS, or run '{login}'",
        "id": "kredensial Google tidak ditemukan: berikan --credentials KUNCI.json (kunci service account), isi "
              "credentials di konfigurasi atau GOOGLE_APPLICATION_CREDENTIALS, atau jalankan '{login}'",
    },
    "creds_key_missing": {
        "en": "key file {path} (from {source}) not found: {hint}",
        "id": "berkas kunci {path} (dari {source}) tidak ditemukan: {hint}",
    },
    "creds_key_unreadable": {
        "en": "key file {path} cannot be read ({kind}): check its permissions, or {hint}",
        "id": "berkas kunci {path} tidak bisa dibaca ({kind}): periksa izinnya, atau {hint}",
    },
    "creds_key_invalid": {
        "en": "key file {path} is not a valid Google key file ({kind}): {hint}",
        "id": "berkas kunci {path} bukan berkas kunci Google yang sah ({kind}): {hint}",
    },
    "sheets_token_unavailable": {
        "en": "Google's token service is unavailable ({reason}) even after retrying: the key is not at fault; "
              "run sync again in a minute",
        "id": "layanan token Google tidak tersedia ({reason}) walau sudah dicoba ulang: kuncinya tidak salah; "
              "jalankan sync lagi semenit lagi",
    },
    "creds_refused": {
        "en": "Google refused the credentials of {who} while getting a token ({reason}): the key may be deleted "
              "or disabled; create a new key and pass it with --credentials, and check the machine's clock",
        "id": "Google menolak kredensial {who} saat mengambil token ({reason}): kuncinya mungkin sudah dihapus "
              "atau dinonaktifkan; buat kunci baru dan berikan dengan --credentials, dan periksa jam komputer",
    },
    "sheets_unreachable": {
        "en": "could not reach the Sheets API ({kind}) even after retrying: check the network connection "
              "(or --api-url), then run sync again",
        "id": "tidak bisa menghubungi API Sheets ({kind}) walau sudah dicoba ulang: periksa koneksi jaringan "
              "(atau --api-url), lalu jalankan sync lagi",
    },
    "sheets_refused": {
        "en": "could not reach the Sheets API at {url} ({kind}: connection refused, nothing listens there): "
              "start the emulator or correct --api-url, then run again",
        "id": "tidak bisa menghubungi API Sheets di {url} ({kind}: koneksi ditolak, tidak ada yang mendengarkan "
              "di sana): jalankan emulatornya atau perbaiki --api-url, lalu jalankan lagi",
    },
    "sheets_unexpected": {
        "en": "unexpected error talking to the Sheets API: {msg}",
        "id": "galat tak terduga saat berbicara dengan API Sheets: {msg}",
    },
    "creds_token_rejected": {
        "en": "Google rejected the access token (401 {message}): check that the key file belongs to an active "
              "service account and that the machine's clock is right, then run again",
        "id": "Google menolak token akses (401 {message}): pastikan berkas kunci milik service account yang aktif "
              "dan jam komputer benar, lalu jalankan lagi",
    },
    "creds_scopes": {
        "en": "the credentials of {who} do not allow the Sheets API (403 {message}): for your own Google account "
              "run '{login}', or pass a service-account key with --credentials",
        "id": "kredensial {who} tidak mengizinkan API Sheets (403 {message}): untuk akun Google Anda sendiri "
              "jalankan '{login}', atau berikan kunci service account dengan --credentials",
    },
    "sheets_not_shared": {
        "en": "spreadsheet {spreadsheet} is not shared with {who} (403): open it in Google Sheets, click Share and "
              "add {who} as Editor",
        "id": "spreadsheet {spreadsheet} tidak dibagikan dengan {who} (403): buka di Google Sheets, klik Bagikan "
              "dan tambahkan {who} sebagai Editor",
    },
    "sheets_read_only": {
        "en": "spreadsheet {spreadsheet} is shared with {who} read-only (403 on a write): open it in Google "
              "Sheets, click Share and make {who} an Editor",
        "id": "spreadsheet {spreadsheet} dibagikan dengan {who} hanya untuk dilihat (403 saat menulis): buka di "
              "Google Sheets, klik Bagikan dan jadikan {who} Editor",
    },
    "sheets_protected": {
        "en": "Google refused the write: a range it covers is protected (400 {message}): in Google Sheets, "
              "Data > Protected sheets and ranges, set it to 'Show a warning' or add {who} as an editor",
        "id": "Google menolak penulisan: ada rentang yang dilindungi (400 {message}): di Google Sheets, "
              "Data > Sheet dan rentang yang dilindungi, pilih 'Tampilkan peringatan' atau tambahkan {who} "
              "sebagai editor",
    },
    "sheets_not_found": {
        "en": "spreadsheet {spreadsheet} not found (404): check --spreadsheet / SHEETSYNC_SPREADSHEET (the ID or "
              "the whole URL of the sheet)",
        "id": "spreadsheet {spreadsheet} tidak ditemukan (404): periksa --spreadsheet / SHEETSYNC_SPREADSHEET (ID "
              "atau URL lengkap sheet-nya)",
    },
    "sheets_quota": {
        "en": "the Sheets API quota is used up (429, 60 requests a minute per user) even after waiting: stop "
              "other scripts using this account, wait a minute and run again",
        "id": "kuota API Sheets habis (429, 60 permintaan per menit per pengguna) walau sudah menunggu: hentikan "
              "skrip lain yang memakai akun ini, tunggu semenit lalu jalankan lagi",
    },
    "sheets_failing": {
        "en": "the Sheets API keeps failing ({status} {message}): run sync again in a minute",
        "id": "API Sheets terus gagal ({status} {message}): jalankan sync lagi semenit lagi",
    },
    "sheets_refused_request": {
        "en": "the Sheets API refused the request ({status} {message})",
        "id": "API Sheets menolak permintaan ({status} {message})",
    },
    "sheets_tab_missing": {
        "en": "tab '{tab}' not found in spreadsheet {spreadsheet} (tabs: {tabs}): rename the tab or set input tab "
              "in {source}",
        "id": "tab '{tab}' tidak ada di spreadsheet {spreadsheet} (tab yang ada: {tabs}): ganti nama tab itu atau "
              "atur input tab di {source}",
    },
    "api_url_malformed": {
        "en": "api_url {url}: not a URL; write it as http://127.0.0.1:8555 (the emulator) or https://host",
        "id": "api_url {url}: bukan URL; tulis seperti http://127.0.0.1:8555 (emulator) atau https://host",
    },
    "api_url_insecure": {
        "en": "api_url {url}: plain http is accepted only on this machine (127.0.0.1, localhost); "
              "use https or remove api_url",
        "id": "api_url {url}: http biasa hanya diterima di mesin ini (127.0.0.1, localhost); "
              "pakai https atau hapus api_url",
    },
    "api_url_foreign_key": {
        "en": "api_url {url} is not where this key gets its tokens, so its signed assertion and bearer token "
              "would go there; use the emulator's own key, or remove api_url",
        "id": "api_url {url} bukan tempat kunci ini mengambil token, jadi asersi bertanda tangan dan token "
              "pembawanya akan terkirim ke sana; pakai kunci emulator sendiri, atau hapus api_url",
    },
})


class SheetsError(SheetsyncError):
    """One line, user-facing; says what to do. sync wraps it in SyncError (exit 3).

    ``SheetsError(code="...", **params)`` names a registered template; a bare
    ``SheetsError("text")`` carries a message written whole where it is raised."""

    exit_code = EXIT_SYNC

    def __init__(self, text: str = "", /, *, code: str | None = None, **params: object) -> None:
        if code is None:
            code, params = "sheets_plain", {"text": text}
        super().__init__(code, **params)

    def words(self, lang: str) -> Mapping[str, object]:
        return {name: texts[lang if lang in texts else "en"] for name, texts in _WORDS.items()}


class CredentialsError(SheetsError):
    pass


class Protected(SheetsError):
    """Google refused a write into a range protected for its editors alone ("only me")."""


class ApiUrlError(SheetsError, ValueError):
    """An API URL that would expose credentials, or no URL at all: bad usage, nothing sent."""

    exit_code = EXIT_USAGE

    def __init__(self, code: str, url: str) -> None:
        super().__init__(code=code, url=url)
        self.url = url
