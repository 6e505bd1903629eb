"""The reader's language; the lock's message; config errors' usual phrases in Indonesian.

The language of the *sheet* is the config's business (``config.language``);
this module is only about what a person reads in the terminal.  It is chosen
by ``--lang``, else by the POSIX locale variables (LC_ALL, LC_MESSAGES, LANG),
else English.  The messages themselves live with whoever raises or prints them:
errors in sheetsync.errors' registry, the command line's in sheetsync/cli/messages.py.
"""

from __future__ import annotations

import os
from typing import Mapping

from sheetsync.errors import register, render


register({
    # the lock's message (sync/lock.py renders it with t())
    "lock_busy": {
        "en": "another sheetsync sync of this spreadsheet is already running ({holder}); this run did nothing: "
              "wait for it to finish, or run again in a minute",
        "id": "sinkronisasi sheetsync lain untuk spreadsheet ini sedang berjalan ({holder}); run ini tidak "
              "melakukan apa pun: tunggu sampai selesai, atau jalankan lagi semenit lagi",
    },
})


def t(code: str, lang: str = "en", **params: object) -> str:
    """The registered template ``code`` in ``lang``, filled with ``params``."""
    return render(code, lang, params)


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
