"""Commands that need no Google account: demo and emulator."""

from __future__ import annotations

import sys
import time
from typing import Any

import click

from sheetsync.cli_common import HelpCommand, Ui, example, ui_options


# The kecamatan summary has ~25 columns; a terminal shows the ones each phase is about.
PHASE_COLUMNS = {
    "hari-h": ("kecamatan", "tps_planned", "tps_reported", "pct_reported", "tps_error", "target",
               "votes_supported", "pct_target"),
    "persiapan": ("kecamatan", "tps_planned", "tps_saksi", "pct_saksi", "tps_tanpa_saksi", "pct_bimtek",
                  "n_koordinator", "tps_error"),
}


def summary_columns(header: list[Any], config: Any, phase: str) -> list[tuple[int, str]]:
    """(index, column name) of the phase's columns in the summary header (the sheet's language)."""
    from sheetsync.layout import chart_columns, header_key
    from sheetsync.summaries import _h as header_text  # the header texts core writes

    keys = [header_key(h) for h in header]
    out = []
    for name in PHASE_COLUMNS[phase]:
        if name == "votes_supported":
            index = chart_columns(header, config)[1]
        else:
            wanted = header_key(header_text(name, config.language))
            index = keys.index(wanted) if wanted in keys else None
        if index is not None:
            out.append((index, name))
    return out


def print_summary(ui: Ui, values: list[list[Any]], title: str, config: Any, phase: str) -> None:
    """The sheet's kecamatan summary, headed in the reader's language (the sheet may be in another)."""
    from dataclasses import replace

    from sheetsync.summaries import _label as sheet_header

    if not values:
        return
    cols = summary_columns(values[0], config, phase)
    if cols:
        reader = replace(config, language=ui.lang)
        headers = [sheet_header(name, reader) for _, name in cols]
    else:      # an unexpected layout: show it as it is
        cols = [(i, str(h)) for i, h in enumerate(values[0])]
        headers = [str(h) for h in values[0]]
    pick = lambda row: [row[i] if i < len(row) else "" for i, _ in cols]  # noqa: E731
    ui.table(headers, [pick(r) for r in values[1:]], title=title, force=True)


@click.command("demo", cls=HelpCommand, epilog=example(
    "sheetsync demo",
    "sheetsync demo --phase persiapan --port 8555",
    "sheetsync demo --no-serve        # print the summary and exit (CI)"))
@ui_options
@click.option("--phase", type=click.Choice(["hari-h", "persiapan"]), default="hari-h", show_default=True,
              help="Election night results, or saksi recruitment ten days before.")
@click.option("--port", type=click.IntRange(0, 65535), default=0, help="Emulator port (default: a free one).")
@click.option("--host", default="127.0.0.1", show_default=True, help="Emulator address (loopback by default).")
@click.option("--seed", type=int, default=2024, show_default=True, help="Seed of the demo data.")
@click.option("--serve/--no-serve", default=None,
              help="Keep the emulator and its web view running until Ctrl-C, or exit after the summary "
                   "(default: serve when run from a terminal, exit when not, e.g. in CI).")
def demo_cmd(phase: str, port: int, host: str, seed: int, serve: bool | None, ui: Ui) -> None:
    """Try sheetsync with no Google account: start the local Sheets emulator, create the
    Jakarta Barat sheet (init --with-tps), fill it as volunteers would, sync it, print
    the kecamatan summary, and serve a read-only web view of the sheet."""
    from sheetsync.demo import run_demo
    from sheetsync.emulator import Emulator
    from sheetsync.emulator.boundary import is_loopback

    if not is_loopback(host):   # the demo's emulator accepts any token: open mode stays on loopback
        ui.warn(ui.t("demo_exposed", host=host))
        raise click.exceptions.Exit(2)
    ui.say(ui.t("demo_start"))
    with Emulator(host=host, port=port) as emu:
        with ui.progress(3, "demo") as advance:
            result = run_demo(emu.url, phase=phase, seed=seed, step=lambda _name: advance(1))
        ui.say(ui.t("demo_filled", rows=ui.n(result.fill.rows), phase=phase))
        print_summary(ui, result.summary, ui.t("title_kecamatan"), result.config, phase)
        ui.out("")
        if serve is None:   # interactive: keep serving; CI / pipes: finish
            serve = sys.stdin.isatty() and sys.stdout.isatty()
        if not serve:
            ui.out(ui.t("demo_stopped"))
            return
        ui.out(ui.t("demo_view", url=result.view_url, api=emu.url))
        ui.say(ui.t("demo_try", api=emu.url, sheet=result.spreadsheet))
        sys.stdout.flush()
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            ui.say(ui.t("interrupted"))


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
