"""Commands that need no Google account: demo and emulator."""

from __future__ import annotations

import sys
import time
from typing import TYPE_CHECKING, Any, Callable

import click

from sheetsync.cli.common import HelpCommand, Ui, example, ui_options
from sheetsync.cli.messages import CliError

if TYPE_CHECKING:       # types only: the commands import the library when they run
    from sheetsync.core.config import Config
    from sheetsync.demo.seed import DemoResult

# The province demo's own lines (Indonesian, English), as cli_fleet keeps the fleet's.
_PROVINCE_TEXT = {
    "filled": ("{name}: {rows} TPS, {reported} sudah lapor, {mistakes} baris dengan kesalahan relawan",
               "{name}: {rows} TPS, {reported} reported, {mistakes} row(s) with volunteers' mistakes"),
    "filled_second": ("{name}: {rows} TPS, {reported} sudah lapor, {mistakes} baris dengan kesalahan relawan; "
                      "tim kedua: {checked} TPS cocok, {differ} berbeda",
                      "{name}: {rows} TPS, {reported} reported, {mistakes} row(s) with volunteers' mistakes; "
                      "second team: {checked} TPS agree, {differ} differ"),
    "title": ("Rekap provinsi (spreadsheet {sheet})", "Province rollup (spreadsheet {sheet})"),
    "stopped": ("Emulator dimatikan (bukan di terminal, atau --no-serve). Jalankan `sheetsync demo --province "
                "{code} --serve` untuk melihat semua spreadsheet.",
                "Emulator stopped (not on a terminal, or --no-serve). Run `sheetsync demo --province {code} --serve` "
                "to browse every spreadsheet."),
    "view": ("Tampilan web (hanya baca) dari semua spreadsheet: {url}\nAPI emulator: {api}  (Ctrl-C untuk berhenti)",
             "Web view (read-only) of every spreadsheet: {url}\nEmulator API: {api}  (Ctrl-C to stop)"),
}
# The rollup's columns a terminal shows (the tab has every paslon's votes as well, and the
# double-checked TPS's share and votes when a sheet has double entry).
ROLLUP_COLUMNS = ("kode", "kota", "tps_entered", "tps_reported", "pct_reported", "tps_verified", "tps_error",
                  "tps_periksa", "state")


def province_say(ui: Ui, key: str, **params: Any) -> str:
    return _PROVINCE_TEXT[key][0 if ui.lang == "id" else 1].format(**params)


# What the Jakarta Barat demo planted for the rules to find, and its evening (Indonesian, English);
# statuses as the sheet shows them.
_PLANTED_TEXT = {
    "mistakes": ("Ditanam untuk ditemukan: {rows} baris dengan kesalahan relawan ({salah})",
                 "Planted to be found: {rows} row(s) with volunteers' mistakes ({salah})"),
    "partial": ("{rows} baris baru berisi suara paslon, suara sah dan pengguna hak pilih belum ({periksa})",
                "{rows} row(s) with the paslon votes in, suara sah and pengguna hak pilih not yet ({periksa})"),
    "anomalies": ("{rows} hasil janggal ({periksa}): {turnout} partisipasi jauh dari kelurahannya, {share} satu "
                  "paslon meraup hampir semua suara, {identical} TPS dengan angka sama persis, {sah_dpt} suara sah "
                  "sama dengan DPT",
                  "{rows} unlikely result(s) ({periksa}): {turnout} turnout far from its kelurahan's, {share} one "
                  "paslon with nearly every vote, {identical} TPS with exactly the same numbers, {sah_dpt} suara sah "
                  "equal to the DPT"),
    "second_planted": ("Tim kedua mengetik ulang C.Hasil di tab \"{tab}\": {differ} TPS dengan entri kedua berbeda "
                       "({periksa}), {unmatched} baris menyebut TPS yang tidak ada",
                       "A second team types the C.Hasil again in the \"{tab}\" tab: {differ} TPS whose second entry "
                       "differs ({periksa}), {unmatched} row(s) naming a TPS that does not exist"),
    "second_tally": ("Entri ganda pada sync terakhir: {checked} TPS terverifikasi ganda, {unchecked} belum dicek ulang, "
                     "{differ} dengan entri berbeda",
                     "Double entry at the last sync: {checked} TPS double-checked, {unchecked} not yet double-checked, "
                     "{differ} whose entries differ"),
    "photos": ("{missing} TPS lapor tanpa foto C.Hasil, {bad} dengan tautan yang bukan tautan foto ({periksa})",
               "{missing} reported TPS without a C.Hasil photo, {bad} with a link that is not a photo link "
               "({periksa})"),
    "evening": ("Malam penghitungan: {syncs} sync, satu per jam, {first}-{last} WIB; TPS lapor: {counts} "
                "(tab \"{tab}\")",
                "Election night: {syncs} syncs, one an hour, {first}-{last} WIB; TPS reported: {counts} "
                "(tab \"{tab}\")"),
    "charts": ("{charts} grafik dibuat oleh init di tab \"{kecamatan}\" dan \"{progress}\"",
               "{charts} chart(s) made by init on the \"{kecamatan}\" and \"{progress}\" tabs"),
}


def planted_say(ui: Ui, key: str, **params: Any) -> str:
    return _PLANTED_TEXT[key][0 if ui.lang == "id" else 1].format(**params)


def print_planted(ui: Ui, result: DemoResult) -> None:
    """What the hari-h demo planted for the rules to find, counted, its evening of syncs and how
    many TPS the second entry confirms at the last one."""
    from sheetsync.core.issues import status_label
    from sheetsync.core.config import progress_title
    from sheetsync.demo.seed import MISTAKES

    fill, lang = result.fill, result.config.language
    salah, periksa = status_label("SALAH", lang), status_label("PERIKSA", lang)
    mistakes = {r for kind in MISTAKES for r in fill.mistakes.get(kind, [])}
    ui.say(planted_say(ui, "mistakes", rows=ui.n(len(mistakes)), salah=salah))
    ui.say(planted_say(ui, "partial", rows=ui.n(len(fill.partial)), periksa=periksa))
    kinds = {code.removeprefix("janggal_"): ui.n(len(rows)) for code, rows in fill.anomalies.items()}
    if kinds:
        ui.say(planted_say(ui, "anomalies", rows=ui.n(len(fill.anomaly_rows)), periksa=periksa, **kinds))
    second = result.config.double_entry
    if second is not None and second.tab and fill.entries_differ:
        ui.say(planted_say(ui, "second_planted", tab=second.tab, differ=ui.n(len(fill.entries_differ)),
                           periksa=periksa, unmatched=ui.n(len(fill.second_unmatched))))
    if "photo_missing" in fill.mistakes:
        ui.say(planted_say(ui, "photos", missing=ui.n(len(fill.mistakes["photo_missing"])), periksa=periksa,
                           bad=ui.n(len(fill.mistakes.get("photo_link_invalid", [])))))
    evening = result.evening
    progress = progress_title(result.config)
    if evening:
        first, last = (s.at.strftime("%H:%M") for s in (evening[0], evening[-1]))
        ui.say(planted_say(ui, "evening", syncs=ui.n(len(evening)), first=first, last=last, tab=progress,
                           counts=" > ".join(ui.n(s.reported) for s in evening)))
    kota = result.sync.kota
    if second is not None and "tps_verified" in kota:      # as the summaries count them
        ui.say(planted_say(ui, "second_tally", checked=ui.n(int(kota["tps_verified"])),
                           unchecked=ui.n(int(kota["tps_unchecked"])), differ=ui.n(int(kota["tps_entries_differ"]))))
    ui.say(planted_say(ui, "charts", charts=ui.n(result.layout.requests.count("addChart")),
                       kecamatan=result.config.summary_tabs.kecamatan, progress=progress))



# The kecamatan summary has ~25 columns; a terminal shows the ones each phase is about
# (supported_all_in: the supported paslon's votes from every row with paslon votes, beside
# its votes from complete rows; tps_verified: reported TPS whose second entry agrees, when
# the sheet has a second entry).
PHASE_COLUMNS = {
    "hari-h": ("kecamatan", "tps_planned", "tps_reported", "pct_reported", "tps_verified", "tps_error", "target",
               "votes_supported", "supported_all_in", "pct_target"),
    "persiapan": ("kecamatan", "tps_planned", "tps_saksi", "pct_saksi", "tps_tanpa_saksi", "pct_bimtek",
                  "n_koordinator", "tps_error"),
}


def summary_columns(header: list[Any], config: Config, phase: str) -> list[tuple[int, str]]:
    """(index, summary column name) of the phase's columns in the summary header (the sheet's language)."""
    from sheetsync.core.headers import header_key
    from sheetsync.core.summaries import _label as header_text  # the header texts core writes
    from sheetsync.core.totals import all_in
    from sheetsync.sync.layout import chart_columns

    keys = [header_key(h) for h in header]
    out = []
    for name in PHASE_COLUMNS[phase]:
        if name == "supported_all_in":
            name = all_in(config.rules.supported_paslon or "")
        if name == "votes_supported":
            index = chart_columns(header, config)[1]
        else:
            wanted = header_key(header_text(name, config))
            index = keys.index(wanted) if wanted in keys else None
        if index is not None:
            out.append((index, name))
    return out


def _pick(row: list[Any], columns: list[int]) -> list[Any]:
    """The cells of ``columns`` in a row (a short row: blanks)."""
    return [row[i] if i < len(row) else "" for i in columns]


def print_summary(ui: Ui, values: list[list[Any]], title: str, config: Config, phase: str) -> None:
    """The sheet's kecamatan summary, headed in the reader's language (the sheet may be in another)."""
    from dataclasses import replace

    from sheetsync.core.summaries import _label as sheet_header

    if not values:
        return
    cols = summary_columns(values[0], config, phase)
    if cols:
        reader = replace(config, language=ui.lang)
        headers = [sheet_header(name, reader) for _, name in cols]
    else:      # an unexpected layout: show it as it is
        cols = [(i, str(h)) for i, h in enumerate(values[0])]
        headers = [str(h) for h in values[0]]
    wanted = [i for i, _ in cols]
    ui.table(headers, [_pick(r, wanted) for r in values[1:]], title=title, force=True)


def rollup_columns(header: list[Any], lang: str) -> list[int]:
    """Indexes of ROLLUP_COLUMNS and each paslon's share (of the complete rows' votes and of
    every row's) in the rollup's header (its language)."""
    from sheetsync.fleet.rollup import label

    wanted = {label(k, lang) for k in ROLLUP_COLUMNS}
    other = {label(k, lang) for k in ("pct_reported", "basis", "pct_verified")}   # they start with "% " too
    share = label("share", lang, paslon="")
    # the double-checked votes' shares stay in the tab: here their TPS count says enough
    double_checked = label("votes_verified", lang, paslon="")

    def is_share(h: Any) -> bool:
        return str(h).startswith(share) and h not in other and not str(h).endswith(double_checked)
    return [i for i, h in enumerate(header) if h in wanted or is_share(h)]


def print_province(ui: Ui, result: Any) -> None:
    """A line per kab/kota sheet, the fleet cycle as `fleet sync` prints it, the rollup table."""
    from sheetsync.cli.fleet import _print_cycle as print_cycle   # each cycle printed one way

    for k in result.kabkota:
        counts = {"rows": ui.n(k.rows), "reported": ui.n(k.reported), "mistakes": ui.n(k.mistake_rows)}
        if k.second_team:
            counts.update(checked=ui.n(k.double_checked), differ=ui.n(k.entries_differ))
        ui.say(province_say(ui, "filled_second" if k.second_team else "filled", name=k.name, **counts))
    print_cycle(ui, result.cycle, "text")
    table = result.rollup
    if len(table) < 4:
        return
    cols = rollup_columns(table[2], result.language)
    ui.table(_pick(table[2], cols), [_pick(r, cols) for r in table[3:]],
             title=province_say(ui, "title", sheet=result.rollup_spreadsheet), force=True)


@click.command("demo", cls=HelpCommand, epilog=example(
    "sheetsync demo",
    "sheetsync demo --phase persiapan --port 8555",
    "sheetsync demo --province 31       # the six DKI Jakarta sheets and the province rollup",
    "sheetsync demo --no-photos         # without the C.Hasil photo link column",
    "sheetsync demo --no-serve        # print the summary and exit (CI)"))
@ui_options
@click.option("--phase", type=click.Choice(["hari-h", "persiapan"]), default="hari-h", show_default=True,
              help="Election night results, or saksi recruitment ten days before.")
@click.option("--port", type=click.IntRange(0, 65535), default=0, help="Emulator port (default: a free one).")
@click.option("--host", default="127.0.0.1", show_default=True, help="Emulator address (loopback by default).")
@click.option("--seed", type=int, default=2024, show_default=True, help="Seed of the demo data.")
@click.option("--province", metavar="CODE", default=None,
              help="Show a small province instead: a synthetic sheet per kab/kota of the provinsi "
                   "(Kemendagri code, e.g. 31 for DKI Jakarta), one fleet cycle and the province rollup.")
@click.option("--photos/--no-photos", default=True, show_default=True,
              help="A C.Hasil photo link column: most reported TPS have a link (shown as a link in "
                   "the web view), the rest none yet (PERIKSA), two a link that is not one.")
@click.option("--serve/--no-serve", default=None,
              help="Keep the emulator and its web view running until Ctrl-C, or exit after the summary "
                   "(default: serve when run from a terminal, exit when not, e.g. in CI).")
def demo_cmd(phase: str, port: int, host: str, seed: int, province: str | None, photos: bool,
             serve: bool | None, ui: Ui) -> None:
    """Try sheetsync with no Google account: start the local Sheets emulator, create the
    Jakarta Barat sheet (init --with-tps), fill it as volunteers would over an evening of
    hourly syncs (mistakes, partial results, anomalies, C.Hasil photo links, and a second
    team typing the counts again in 'Entri Kedua'), print the kecamatan summary, and serve a
    read-only web view of the sheet."""
    from sheetsync.emulator import Emulator
    from sheetsync.emulator.boundary import is_loopback

    if not is_loopback(host):   # the demo's emulator accepts any token: open mode stays on loopback
        ui.warn(ui.t("demo_exposed", host=host))
        raise click.exceptions.Exit(2)
    if province is not None:
        _check_province(ui, province, phase)
    ui.say(ui.t("demo_start"))
    with Emulator(host=host, port=port) as emu:
        if province is None:
            view = _one_sheet(ui, emu.url, phase, seed, photos)
        else:
            view = _province(ui, emu.url, province, seed, photos)
        ui.out("")
        if serve is None:   # interactive: keep serving; CI / pipes: finish
            serve = sys.stdin.isatty() and sys.stdout.isatty()
        if not serve:
            ui.out(ui.t("demo_stopped") if province is None else province_say(ui, "stopped", code=province))
            return
        view()
        sys.stdout.flush()
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            ui.say(ui.t("interrupted"))


def _one_sheet(ui: Ui, api_url: str, phase: str, seed: int, photos: bool) -> Callable[[], None]:
    """The Jakarta Barat demo; returns what to print when the view stays up. Its journal and
    locks live only as long as the run."""
    import tempfile
    from pathlib import Path

    from sheetsync.demo.seed import run_demo

    with tempfile.TemporaryDirectory(prefix="sheetsync-demo-") as work, ui.progress_to("demo") as report:
        result = run_demo(api_url, phase=phase, seed=seed, photos=photos, work=Path(work), step=report)
    ui.say(ui.t("demo_filled", rows=ui.n(result.fill.rows), phase=phase))
    if phase == "hari-h":
        print_planted(ui, result)
    print_summary(ui, result.summary, ui.t("title_kecamatan"), result.config, phase)

    def view() -> None:
        ui.out(ui.t("demo_view", url=result.view_url, api=api_url))
        ui.say(ui.t("demo_try", api=api_url, sheet=result.spreadsheet))
    return view


def _check_province(ui: Ui, province: str, phase: str) -> None:
    """Refuse a wrong --province (or one with --phase persiapan) before the emulator starts."""
    from sheetsync.core.config import ConfigError
    from sheetsync.demo.province import province_kabkota

    if phase != "hari-h":
        raise CliError("province_phase")
    try:
        province_kabkota(province)
    except ConfigError:
        raise CliError("bad_province", code=province) from None


def _province(ui: Ui, api_url: str, province: str, seed: int, photos: bool) -> Callable[[], None]:
    """The province demo; its fleet state, journals and locks live only as long as the run."""
    import tempfile
    from pathlib import Path

    from sheetsync.demo.province import run_province_demo

    with tempfile.TemporaryDirectory(prefix="sheetsync-demo-") as work, ui.progress_to("demo") as report:
        result = run_province_demo(api_url, Path(work), provinsi=province, seed=seed, photos=photos, step=report)
    print_province(ui, result)
    return lambda: ui.out(province_say(ui, "view", url=result.view_url, api=api_url))


@click.command("emulator", cls=HelpCommand, epilog=example(
    "sheetsync emulator --port 8555",
    "sheetsync emulator --state ./emulator-state --strict",
    "sheetsync check --preset pilkada-jakbar-2024 --api-url http://127.0.0.1:8555 --spreadsheet KEY"))
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to bind (loopback only by default).")
@click.option("--port", type=click.IntRange(0, 65535), default=8555, show_default=True,
              help="Port (0 = any free port).")
@click.option("--state", metavar="DIR", help="Keep spreadsheets in DIR across restarts (default: in memory).")
@click.option("--strict", is_flag=True, help="Verify service-account keys and sharing, as Google does.")
@click.option("--quota", type=click.Choice(["google"]), default=None,
              help="Apply Google's per-minute request quotas (60 per user, 300 per project).")
@click.option("--locale", default="en_US", show_default=True,
              help="Locale of new spreadsheets, e.g. id_ID as an Indonesian account creates them.")
@click.option("--time-zone", default="Etc/GMT", show_default=True, metavar="TZ",
              help="Time zone of new spreadsheets (NOW and TODAY), e.g. Asia/Jakarta.")
@click.pass_context
def emulator_cmd(ctx: click.Context, host: str, port: int, state: str | None, strict: bool,
                 quota: str | None, locale: str, time_zone: str) -> None:
    """Run the local Google Sheets v4 / Drive v3 / OAuth2 emulator until Ctrl-C,
    with a read-only web view of its sheets at /view."""
    from sheetsync.emulator.__main__ import main as emulator_main

    args = ["--host", host, "--port", str(port)]
    args += ["--state", state] if state else []
    args += ["--strict"] if strict else []
    args += ["--quota", quota] if quota else []
    args += ["--locale", locale, "--time-zone", time_zone]
    ctx.exit(emulator_main(args) or 0)


COMMANDS = [demo_cmd, emulator_cmd]
