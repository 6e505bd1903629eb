"""The ``--help`` texts in Bahasa Indonesia.

The English texts stay where click expects them (docstrings, ``help=``); this
module holds their Indonesian twins, which cli_common.HelpCommand swaps in when
the reader's language is ``id``.  tests/test_cli_help_id.py walks every command
and option, so a new option without an entry here fails CI.

Keys: a command's name (the group is ``sheetsync``); an option by
``(command, "--long-option")``, where command ``"*"`` is the text shared by
every command that has that option (--config, --lang...).
"""

from __future__ import annotations

import inspect
import re

# Words that stay as they are, as coordinators say them: TPS, kelurahan, kecamatan,
# saksi, C.Hasil, PERIKSA, sync/sinkron; option names, values and examples are never translated.

COMMANDS: dict[str, str] = {
    "sheetsync": """
        Menjaga Google Sheet hasil TPS yang dipakai bersama: memeriksa isinya,
        menjumlahkannya, dan mencocokkannya.

        Setiap perintah pada spreadsheet menerima --config BERKAS, --preset NAMA atau
        --region KODE (bawaan: $SHEETSYNC_CONFIG, lalu ./sheetsync.toml, lalu
        $XDG_CONFIG_HOME/sheetsync/sheetsync.toml), ditambah --spreadsheet, --api-url dan
        --credentials untuk mengarahkan satu konfigurasi ke spreadsheet lain atau ke emulator.  Kode keluar: 0 beres, 1 ada masalah (lihat
        --fail-on), 2 salah pemakaian atau konfigurasi, 3 gagal sinkron.
    """,
    "fleet": """
        Menjaga semua spreadsheet kab/kota satu provinsi tetap tersinkron dari satu proses,
        dalam batas kuota Google, dan menulis rekap provinsi.
    """,
    "fleet sync": """
        Menyinkronkan setiap spreadsheet dalam armada (masing-masing dengan kunci dan
        jurnalnya sendiri), lalu menulis rekap provinsi.  Kode keluar: 0 semua tersinkron;
        3 ada spreadsheet atau rekap yang gagal (yang lain tetap disinkronkan); 2 berkas
        armada salah.
    """,
    "fleet status": """
        Per spreadsheet: sinkron terakhir, sinkron baik terakhir, jumlah permintaan, sejak
        kapan suntingan mungkin belum tersinkron, dan kegagalan.  Hanya membaca berkas
        keadaan armada; tidak ada permintaan ke Google.
    """,
    "init": """
        Membuat atau memperbaiki tata letak spreadsheet: tab input dengan header yang
        dibekukan, daftar pilihan (dropdown), warna status, kolom status dan tab rekap yang
        dilindungi (hanya peringatan), serta grafik target vs perolehan suara.  Menjalankannya
        lagi tidak mengubah apa pun.
    """,
    "sync": """
        Membaca spreadsheet, memeriksa setiap baris, lalu menulis kembali status dan tab
        rekap; hanya sel yang nilainya berubah yang ditulis.

        Kode keluar: 0 tersinkron (walaupun datanya bermasalah); 1 ada masalah setingkat
        --fail-on atau lebih berat; 2 salah pemakaian atau konfigurasi; 3 gagal sinkron
        (kredensial, jaringan, kunci sedang dipegang proses lain, penjaga penghapusan massal).
    """,
    "check": """
        Memeriksa spreadsheet dan menampilkan semua masalah, galat lebih dulu; tidak menulis
        apa pun.  Keluar dengan kode 1 bila ada galat (jika hanya ada peringatan, keluar
        dengan kode 0).
    """,
    "plan": """
        Menampilkan sel mana saja yang akan diubah oleh sinkron (tab, sel, lama -> baru);
        tidak menulis apa pun.  Sama dengan `sheetsync sync --dry-run`.
    """,
    "reconcile": """
        Laporan untuk pencocokan manual: TPS dan target rencana vs yang sudah terisi per
        kecamatan, duplikat dan konflik, baris yang berubah sejak sinkron terakhir, angka yang
        diubah setelah diverifikasi, dengan entri ganda setiap TPS yang kedua entrinya berbeda
        (kolom, kedua nilai) dan baris tab kedua yang tidak cocok dengan TPS mana pun, dan dengan
        --against setiap selisih per TPS terhadap hasil dari luar.  Tidak menulis apa pun,
        kecuali --accept-changes (ke jurnal lokal).
    """,
    "export": """
        Menyimpan semua tab ke CSV (satu berkas per tab) atau XLSX (satu workbook) untuk arsip.
        Karakter kendali dibuang dan teks yang akan dijalankan sebagai rumus diberi awalan '
        (injeksi CSV, OWASP); kolom data pribadi disamarkan di setiap tab kecuali dengan
        --include-personal. Berkas hanya bisa dibaca pemiliknya.
    """,
    "history": """
        Semua nilai yang pernah ada di baris sebuah TPS, sinkron demi sinkron, dari jurnal lokal.
    """,
    "diff": """
        Setiap sel yang berubah sejak suatu waktu atau sinkron, per TPS dan kolom (lama ->
        baru), ditambah TPS yang muncul dan yang hilang, dari jurnal lokal.
    """,
    "restore": """
        Mengembalikan baris yang hilang dan sel yang dikosongkan, dari jurnal lokal.  Hanya
        menulis ke sel yang sekarang kosong atau ke baris yang hilang, jadi nilai lebih baru
        yang diketik seseorang tidak akan pernah tertimpa.  Menampilkan rencananya dulu; baru
        menulis dengan --apply.
    """,
    "purge": """
        Menghapus dari jurnal lokal nama dan nomor HP (kolom personal = true) yang keluar dari
        sheet sebelum suatu tanggal (UU 27/2022); semua angka tetap disimpan.  Tanpa --before
        atau --older-than dipakai personal_retention_days dari konfigurasi.
    """,
    "demo": """
        Mencoba sheetsync tanpa akun Google: menyalakan emulator Sheets lokal, membuat
        spreadsheet Jakarta Barat (init --with-tps), mengisinya seperti yang dilakukan relawan
        sepanjang malam dengan sinkronisasi tiap jam (salah ketik, hasil sebagian, anomali,
        tautan foto C.Hasil, dan tim kedua yang mengetik ulang angkanya di 'Entri Kedua'),
        mencetak rekap per kecamatan, lalu menyajikan tampilan web (hanya baca) dari
        spreadsheet itu.
    """,
    "emulator": """
        Menjalankan emulator lokal Google Sheets v4 / Drive v3 / OAuth2 sampai Ctrl-C, dengan
        tampilan web (hanya baca) dari spreadsheet-nya di /view.
    """,
}

_PERSONAL = "Tampilkan nama dan nomor HP (bawaan: kolom data pribadi disamarkan)."
_SINCE = "2h, 30m, suatu waktu (WIB) atau nomor sinkron."

OPTIONS: dict[tuple[str, str], str] = {
    # click's own options
    ("*", "--help"): "Tampilkan pesan ini lalu keluar.",
    ("*", "--version"): "Tampilkan versi lalu keluar.",
    # ui_options and the group's
    ("*", "--lang"): "Bahasa pesan dan bantuan (bawaan: mengikuti LANG).",
    ("*", "--quiet"): "Cetak hasil dan galat saja, tanpa bilah kemajuan.",
    ("sheetsync", "--quiet"): "Cetak hasil dan galat saja.",
    ("*", "--verbose"): "Tampilkan setiap permintaan ke API, setiap pengulangan dan jeda, di stderr (tidak "
                        "pernah token atau nilai sel).",
    # config_options
    ("*", "--config"): "Berkas konfigurasi TOML (bawaan: ./sheetsync.toml).",
    ("*", "--preset"): "Konfigurasi siap pakai yang disertakan, sebagai ganti berkas: pilkada-jakbar-2024.",
    ("*", "--region"): "Kab/kota mana pun menurut kode Kemendagri-nya (31.72): tata letak preset, tanpa target.",
    ("*", "--spreadsheet"): "ID atau URL spreadsheet, menggantikan yang ada di konfigurasi "
                            "[env SHEETSYNC_SPREADSHEET].",
    ("*", "--api-url"): "Kirim panggilan API ke alamat ini, bukan ke Google, misalnya ke emulator "
                        "[env SHEETSYNC_API_URL].",
    ("*", "--credentials"): "Berkas kunci service account (jika tidak diberikan: "
                            "GOOGLE_APPLICATION_CREDENTIALS, lalu ADC).",
    ("*", "--include-personal"): _PERSONAL,
    # init
    ("init", "--with-tps"): "Tambahkan satu baris untuk setiap TPS yang direncanakan, dari data induk.",
    ("init", "--json"): "Cetak laporan tata letak sebagai JSON.",
    # sync
    ("*", "--fleet"): "Berkas armada (bawaan: ./fleet.toml) [env SHEETSYNC_FLEET].",
    ("fleet sync", "--every"): "Terus berputar setiap SELANG (60s, 5m) sampai dihentikan.",
    ("fleet sync", "--log-format"): "Bentuk keluaran: text untuk dibaca orang, json (satu objek per siklus) "
                                    "untuk log.",
    ("fleet sync", "--json"): "Cetak satu objek JSON per siklus, untuk log (bentuk lamanya: --log-format json).",
    ("fleet sync", "--cycles"): "Berhenti setelah sekian siklus, berjarak --every (atau every di berkas armada).",
    ("fleet sync", "--shard"): "Hanya menyinkronkan bagian K dari N sheet armada (pembagian tetap, menurut "
                               "spreadsheet); jalankan satu proses per bagian.",
    ("fleet sync", "--safety-read-every"): "Baca sheet yang menurut Drive tidak berubah paling tidak sesering ini "
                                           "(bawaan: safety_read_every di berkas armada, atau 10m).",
    ("export", "--json"): "Cetak apa yang ditulis (berkas, baris, kolom yang disamarkan) sebagai JSON.",
    ("fleet status", "--json"): "Satu objek JSON per spreadsheet, dalam satu daftar.",
    ("sync", "--once"): "Sinkron sekali lalu keluar (bawaan; tidak bersama --every).",
    ("sync", "--every"): "Terus sinkron setiap SELANG (60s, 5m) sampai dihentikan.",
    ("sync", "--dry-run"): "Tampilkan sel yang akan diubah oleh sinkron; tidak menulis apa pun.",
    ("sync", "--log-format"): "Bentuk keluaran: text untuk dibaca orang, json (satu objek per sinkron) "
                              "untuk log.",
    ("sync", "--fail-on"): "Keluar dengan kode 1 bila data punya masalah setingkat ini atau lebih berat "
                           "(bawaan: tidak aktif).",
    ("sync", "--accept-deleted-rows"): "Menyatakan bahwa baris yang hilang sejak sinkron baik terakhir "
                                       "memang sengaja dihapus.",
    ("sync", "--accept-column-changes"): "Menyatakan bahwa kolom konfigurasi yang diganti judulnya, dihapus "
                                         "atau berubah isinya memang sengaja diubah.",
    ("sync", "--accept-deletions"): "Nama dari rilis pertama: menerima setiap perubahan yang ditemukan "
                                    "penjaga (kedua opsi di atas).",
    # plan, check
    ("plan", "--json"): "Cetak perubahan sebagai JSON.",
    ("check", "--format"): "Cara mencetak masalah: table untuk dibaca, json atau csv untuk diolah alat lain.",
    ("check", "--json"): "Cetak semua masalah sebagai JSON (bentuk lamanya: --format json).",
    ("check", "--errors-only"): "Hanya galat; peringatan tidak ditampilkan.",
    ("check", "--all"): "Tampilkan setiap peringatan (bawaan: peringatan satu kode di atas 20 hanya dihitung).",
    ("sync", "--json"): "Cetak satu objek JSON per sinkron, untuk log (bentuk lamanya: --log-format json).",
    ("check", "--include-personal"): "Tampilkan nama dan nomor HP di dalam pesan (bawaan: disamarkan).",
    # reconcile
    ("reconcile", "--against"): "Hasil per TPS dari luar (misalnya ekspor KPU) untuk dibandingkan "
                                "TPS demi TPS.",
    ("reconcile", "--json"): "Cetak laporan sebagai JSON.",
    ("reconcile", "--accept-changes"): "Terima angka yang dikoreksi setelah diverifikasi (seperti terbaca "
                                       "pada sinkron terakhir): sinkron berikutnya menandai baris itu OK "
                                       "lagi, bukan PERIKSA.  Hanya menulis ke jurnal lokal.",
    ("reconcile", "--tps"): 'Bersama --accept-changes: hanya TPS ini ("Kapuk 12"); boleh diulang.',
    ("reconcile", "--by-koordinator"): "Tambahkan jumlah baris terisi dan masalah per koordinator (nama "
                                       "disamarkan kecuali dengan --include-personal).",
    # export
    ("export", "--format"): "csv: satu berkas per tab; xlsx: satu workbook.",
    ("export", "--out"): "Direktori tujuan (dibuat bila belum ada).",
    # journal
    ("history", "--tps"): 'TPS-nya, boleh ditulis bagaimana saja: "Kapuk 12", "kapuk tps 012".',
    ("history", "--json"): "Cetak riwayat sebagai JSON (waktu dalam UTC, ISO 8601).",
    ("diff", "--since"): _SINCE,
    ("diff", "--json"): "Cetak perubahan sebagai JSON.",
    ("restore", "--since"): _SINCE,
    ("restore", "--tps"): 'Hanya TPS ini ("Kapuk 12"); boleh diulang.',
    ("restore", "--apply"): "Tulis rencananya (tanpa opsi ini, rencana hanya ditampilkan).",
    ("restore", "--json"): "Cetak rencana sebagai JSON.",
    ("restore", "--second-entry"): "Tab entri kedua ([double_entry] tab), bukan tab input: baris dan "
                                   "angkanya, dari riwayatnya sendiri (--since memakai nomor sinkronnya "
                                   "sendiri, seperti disebut peringatan penjaganya).",
    ("history", "--second-entry"): "Tab entri kedua ([double_entry] tab), bukan tab input: baris dan "
                                   "angkanya, dari riwayatnya sendiri.",
    ("diff", "--second-entry"): "Tab entri kedua ([double_entry] tab), bukan tab input: baris dan "
                                "angkanya, dari riwayatnya sendiri (--since memakai nomor sinkronnya sendiri).",
    ("purge", "--before"): "Hapus yang keluar dari sheet sebelum hari ini (YYYY-MM-DD, WIB).",
    ("purge", "--older-than"): "Hapus yang keluar dari sheet lebih dari UMUR yang lalu (90d, 12h).",
    ("purge", "--json"): "Cetak hasilnya sebagai JSON.",
    # demo
    ("demo", "--phase"): "Hasil pada hari-H (malam penghitungan suara), atau perekrutan saksi sepuluh "
                         "hari sebelumnya.",
    ("demo", "--port"): "Port emulator (bawaan: port yang sedang kosong).",
    ("demo", "--host"): "Alamat emulator; 127.0.0.1 hanya bisa dibuka dari komputer ini.",
    ("demo", "--seed"): "Seed data demo (seed sama, data sama).",
    ("demo", "--province"): "Tampilkan satu provinsi kecil: satu sheet sintetis per kab/kota provinsi itu "
                            "(kode Kemendagri, mis. 31 untuk DKI Jakarta), satu siklus fleet dan rekap provinsi.",
    ("demo", "--photos"): "Kolom tautan foto C.Hasil: sebagian besar TPS yang lapor punya tautan "
                          "(tampil sebagai tautan di tampilan web), sisanya belum (PERIKSA), dua tautannya salah.",
    ("demo", "--serve"): "Biarkan emulator dan tampilan webnya tetap jalan sampai Ctrl-C, atau keluar "
                         "setelah rekap (bawaan: tetap jalan bila dijalankan dari terminal, keluar bila "
                         "tidak, misalnya di CI).",
    # emulator
    ("emulator", "--host"): "Alamat yang dipakai emulator; 127.0.0.1 hanya bisa dibuka dari komputer ini.",
    ("emulator", "--port"): "Port (0 = port kosong mana saja).",
    ("emulator", "--state"): "Simpan spreadsheet di DIREKTORI agar tetap ada setelah dinyalakan ulang "
                             "(bawaan: di memori).",
    ("emulator", "--strict"): "Periksa kunci service account dan izin berbagi, seperti Google.",
    ("emulator", "--quota"): "Terapkan kuota permintaan per menit seperti Google (60 per pengguna, "
                             "300 per proyek).",
    ("emulator", "--locale"): "Lokal spreadsheet baru, misalnya id_ID seperti yang dibuat akun Indonesia.",
    ("emulator", "--time-zone"): "Zona waktu spreadsheet baru (untuk NOW dan TODAY), misalnya Asia/Jakarta.",
}

# click's own words around the texts above.
HEADINGS: dict[str, str] = {
    "Usage:": "Pemakaian:",
    "Options": "Opsi",
    "Commands": "Perintah",
    "Examples:": "Contoh:",
}

# Placeholders in the usage line and beside options (--config FILE -> --config BERKAS).
METAVARS: dict[str, str] = {
    "[OPTIONS]": "[OPSI]", "COMMAND": "PERINTAH", "[ARGS]...": "[ARGUMEN]...",
    "FILE": "BERKAS", "FILE.csv": "BERKAS.csv", "NAME": "NAMA", "ID-OR-URL": "ID-ATAU-URL",
    "INTERVAL": "SELANG", "WHEN": "KAPAN", "DIR": "DIREKTORI", "DIRECTORY": "DIREKTORI",
    "TEXT": "TEKS", "INTEGER": "ANGKA", "PATH": "JALUR", "CODE": "KODE",
}

# The bracketed notes click adds after an option's help ("[default: text; required]").
NOTES: tuple[tuple[str, str], ...] = (
    ("default: ", "bawaan: "), ("env var: ", "variabel env: "), ("required", "wajib"), ("(dynamic)", "(dinamis)"),
)

# Comments after an example ("sheetsync demo --no-serve  # ..."); the commands stay as they are.
EXAMPLE_COMMENTS: dict[str, str] = {
    "print the summary and exit (CI)": "cetak rekap lalu keluar (CI)",
    "the six DKI Jakarta sheets and the province rollup": "enam sheet DKI Jakarta dan rekap provinsi",
    "without the C.Hasil photo link column": "tanpa kolom tautan foto C.Hasil",
    "crontab": "crontab",
    "personal_retention_days from the config": "personal_retention_days dari konfigurasi",
}


def command_help(name: str) -> str | None:
    """The Indonesian description of command ``name`` (``sheetsync`` for the group), or None."""
    text = COMMANDS.get(name)
    return inspect.cleandoc(text) if text else None


def option_help(command: str, option: str) -> str | None:
    """The Indonesian help of ``option`` (its longest name) in ``command``, or None."""
    return OPTIONS.get((command, option)) or OPTIONS.get(("*", option))

USAGE_HINT = "Coba '{command} {option}' untuk bantuan."

# click's usage errors (English, from click's own gettext) -> Indonesian; applied in order, so
# "Invalid value for '--port': 'x' is not a valid integer." is translated in two parts.
USAGE_ERRORS: tuple[tuple[str, str], ...] = (
    (r"^No such option '([^']+)'\.", r"Opsi '\1' tidak dikenal."),
    (r"^No such option: (\S+)", r"Opsi '\1' tidak dikenal."),                     # click < 8.2
    (r"\(Possible options: (.+)\)", r"(Mungkin maksudnya salah satu dari: \1)"),  # click < 8.2
    (r"^No such command '([^']+)'\.", r"Perintah '\1' tidak dikenal."),
    (r"Did you mean one of: (.+)\?", r"Mungkin maksudnya salah satu dari: \1?"),
    (r"Did you mean (.+)\?", r"Mungkin maksudnya \1?"),
    (r"^Missing option '([^']+)'\.", r"Opsi '\1' wajib diberikan."),
    (r"^Missing command\.$", "Perintahnya belum diberikan."),
    (r"^Option '([^']+)' requires an argument\.$", r"Opsi '\1' perlu diberi nilai."),
    (r"^Option '([^']+)' does not take a value\.$", r"Opsi '\1' tidak menerima nilai."),
    (r"^Got unexpected extra arguments? \((.*)\)$", r"Ada argumen lebih yang tidak dikenal (\1)."),
    (r"^Invalid value for '([^']+)': ", r"Nilai untuk '\1' tidak sah: "),
    (r"'(.*)' is not one of (.+)\.$", r"'\1' bukan salah satu dari \2."),
    (r"'(.*)' is not a valid integer( range)?\.$", r"'\1' bukan bilangan bulat."),
    (r"(\S+) is not in the range (\S+)\.$", r"\1 di luar rentang \2."),
    (r"File '(.*)' does not exist\.$", r"berkas '\1' tidak ada."),
    (r"Directory '(.*)' is a file\.$", r"'\1' adalah berkas, bukan direktori."),
)

EXAMPLE_COMMENT = re.compile(r"\s#\s+(.+)$")     # "sheetsync demo --no-serve  # the comment"


def metavar(word: str) -> str:
    """A usage or option placeholder in Indonesian (FILE -> BERKAS); other words unchanged."""
    return METAVARS.get(word, word)


def notes(text: str) -> str:
    """click's "  [default: x; required]" after an option's help, in Indonesian."""
    for en, id_ in NOTES:
        text = text.replace(en, id_)
    return text


def epilog(text: str) -> str:
    """An example() block in Indonesian: the heading and the comments; the commands unchanged."""
    lines = []
    for line in text.replace("Examples:", HEADINGS["Examples:"], 1).splitlines():
        comment = EXAMPLE_COMMENT.search(line)
        if comment and comment.group(1).strip() in EXAMPLE_COMMENTS:
            line = line[:comment.start(1)] + EXAMPLE_COMMENTS[comment.group(1).strip()]
        lines.append(line)
    return "\n".join(lines)


def usage_error(message: str) -> str:
    """A click usage error message in Indonesian, as far as USAGE_ERRORS knows it."""
    for pattern, replacement in USAGE_ERRORS:
        message = re.sub(pattern, replacement, message)
    return message
