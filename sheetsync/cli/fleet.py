"""``sheetsync fleet sync`` and ``sheetsync fleet status``: options -> one library call -> print."""

from __future__ import annotations

import json
import time
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from sheetsync.cli.common import HelpCommand, HelpGroup, Ui, example, json_option, json_spelling, ui_options
from sheetsync.cli.messages import CliError
from sheetsync.core.interval import parse_interval

if TYPE_CHECKING:       # types only: the commands import the library when they run
    from sheetsync.fleet.config import Fleet

DEFAULT_FLEET_FILE = "fleet.toml"
_TEXT = {
    "ok": ("{name}: OK, {requests} permintaan{changed}", "{name}: OK, {requests} request(s){changed}"),
    "changed": (", ada perubahan ditulis", ", changes written"),
    "deferred": ("{name}: ditunda ke siklus berikut (kuota menit ini terpakai)",
                 "{name}: deferred to the next cycle (this minute's quota is spent)"),
    "unchanged": ("{count} sheet tidak dibaca: Drive tidak menunjukkan suntingan sejak sinkron terakhir",
                  "{count} sheet(s) not read: Drive shows no edit since their last sync"),
    "drive_failed": ("Drive, akun {account}: {msg}", "Drive, account {account}: {msg}"),
    "failed": ("{name}: GAGAL ({why}): {msg}", "{name}: FAILED ({why}): {msg}"),
    "rollup": ("rekap provinsi: {cells} sel ditulis", "province rollup: {cells} cell(s) written"),
    "rollup_failed": ("rekap provinsi GAGAL: {msg}", "province rollup FAILED: {msg}"),
    "next": ("siklus berikut dalam {seconds} detik (Ctrl-C untuk berhenti)",
             "next cycle in {seconds} s (Ctrl-C stops)"),
    "stopped": ("dihentikan", "stopped"),
    "none": ("-", "-"),
}
_STATUS_HEADERS = (("Lembar", "Sheet"), ("Sinkron terakhir", "Last sync"), ("Sinkron baik terakhir", "Last good sync"),
                   ("Permintaan (terakhir/total)", "Requests (last/total)"),
                   ("Suntingan belum tersinkron sejak", "Unsynced edits since"), ("Gagal", "Failures"))


def say(ui: Ui, key: str, **params: Any) -> str:
    return _TEXT[key][0 if ui.lang == "id" else 1].format(**params)


def fleet_option(f: Any) -> Any:
    return click.option("--fleet", "fleet_path", metavar="FILE", envvar="SHEETSYNC_FLEET",
                        help=f"Fleet file (default: ./{DEFAULT_FLEET_FILE}) [env SHEETSYNC_FLEET].")(f)


def load(fleet_path: str | None) -> Fleet:
    from sheetsync.fleet.config import load_fleet
    path = fleet_path or (DEFAULT_FLEET_FILE if Path(DEFAULT_FLEET_FILE).is_file() else None)
    if not path:
        raise CliError("no_fleet")
    return load_fleet(path)


class FleetCommand(HelpCommand):
    """A subcommand whose Indonesian texts are kept under "fleet <name>"."""

    @property
    def qualified_name(self) -> str:
        return f"fleet {self.name}"


@click.group("fleet", cls=HelpGroup, epilog=example(
    "sheetsync fleet sync --fleet fleet.toml --every 60s",
    "sheetsync fleet status --fleet fleet.toml --json"))
def fleet_group() -> None:
    """Keep every kab/kota sheet of a province synced from one process, within Google's
    quotas, and write the province rollup."""


@fleet_group.command("sync", cls=FleetCommand, epilog=example(
    "sheetsync fleet sync --fleet fleet.toml",
    "sheetsync fleet sync --fleet fleet.toml --every 60s --json",
    "sheetsync fleet sync --fleet fleet.toml --shard 2/4"))
@ui_options
@fleet_option
@click.option("--every", metavar="INTERVAL", help="Keep cycling every INTERVAL (60s, 5m) until stopped.")
@click.option("--cycles", type=click.IntRange(min=1), metavar="INTEGER",
              help="Stop after this many cycles, --every (or the fleet file's every) apart.")
@click.option("--shard", metavar="K/N", help="Keep only share K of N of the fleet's sheets (a stable share, "
              "by spreadsheet); run one process per share.")
@click.option("--safety-read-every", metavar="INTERVAL",
              help="Read a sheet Drive shows unchanged at least this often (default: the fleet file's "
                   "safety_read_every, else 10m).")
@click.option("--log-format", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="Output: text for people, json (one object per cycle) for logs.")
@json_option("Print one JSON object per cycle, for logs (the older form: --log-format json).")
def fleet_sync_cmd(fleet_path: str | None, every: str | None, cycles: int | None, shard: str | None,
                   safety_read_every: str | None, log_format: str, as_json: bool, ui: Ui) -> None:
    """Sync every sheet of the fleet that Drive shows edited (each with its own lock and
    journal), then write the province rollup.  Exit codes: 0 every sheet synced; 3 a sheet
    or the rollup failed (the others were synced all the same); 2 bad fleet file."""
    from dataclasses import replace
    from sheetsync.fleet.run import FleetRunner
    from sheetsync.fleet.shard import WHOLE, Shard

    log_format = json_spelling(log_format, as_json, "log_format")
    fleet = load(fleet_path)
    if every:
        fleet = replace(fleet, every_s=_seconds(every))
    if safety_read_every:
        fleet = replace(fleet, safety_read_every_s=_seconds(safety_read_every))
    runner = FleetRunner(fleet, shard=Shard.parse(shard) if shard else WHOLE)
    cycles = cycles or (None if every else 1)
    try:
        done = 0
        while True:
            report = runner.cycle()
            done += 1
            _print_cycle(ui, report, log_format)
            if cycles is not None and done >= cycles:
                click.get_current_context().exit(3 if report.failed() or report.rollup_error else 0)
            wait = max(0.0, report.started + fleet.every_s - time.time())
            if log_format == "text":
                ui.say(say(ui, "next", seconds=int(wait)))
            time.sleep(wait)
    except KeyboardInterrupt:
        ui.warn(say(ui, "stopped"))
    finally:
        runner.close()


def _seconds(text: str) -> float:
    seconds = parse_interval(text)
    if not seconds:
        raise CliError("bad_interval", value=text)
    return seconds


def _print_cycle(ui: Ui, report: Any, log_format: str) -> None:
    from sheetsync.fleet.rollup import failure_text
    if log_format == "json":
        ui.out(json.dumps({"started": report.started, "seconds": round(report.seconds, 3),   # one line per cycle
                           "sheets": [asdict(o) for o in report.outcomes], "drive_errors": report.drive_errors,
                           "rollup_cells": report.rollup_cells, "rollup_error": report.rollup_error}))
        return
    for account, message in report.drive_errors.items():
        ui.warn(say(ui, "drive_failed", account=account, msg=message))
    for o in report.read():
        if o.ok:
            ui.say(say(ui, "ok", name=o.name, requests=o.requests, changed=say(ui, "changed") if o.changed else ""))
        elif o.deferred:
            ui.say(say(ui, "deferred", name=o.name))
        else:
            ui.warn(say(ui, "failed", name=o.name, why=failure_text(o.failure_code or "other", ui.lang),
                        msg=o.failure))
    unchanged = len(report.outcomes) - len(report.read())
    if unchanged:
        ui.say(say(ui, "unchanged", count=unchanged))
    if report.rollup_error:
        ui.warn(say(ui, "rollup_failed", msg=report.rollup_error))
    elif report.rollup_cells is not None:
        ui.say(say(ui, "rollup", cells=report.rollup_cells))


@fleet_group.command("status", cls=FleetCommand, epilog=example(
    "sheetsync fleet status --fleet fleet.toml",
    "sheetsync fleet status --fleet fleet.toml --json"))
@ui_options
@fleet_option
@click.option("--json", "as_json", is_flag=True, help="One JSON object per sheet, in a list.")
def fleet_status_cmd(fleet_path: str | None, as_json: bool, ui: Ui) -> None:
    """Per sheet: the last sync, the last good one, requests used, since when edits may be
    waiting unsynced, and failures.  Reads only the fleet's state file; no request to Google."""
    from sheetsync.fleet.state import fleet_status
    from sheetsync.fleet.rollup import failure_text, wib

    fleet = load(fleet_path)
    rows = fleet_status(fleet)
    if as_json:
        ui.json([asdict(r) for r in rows])
        return
    lang_i = 0 if ui.lang == "id" else 1
    table = []
    for r in rows:
        fail = f"{r.failures}: {failure_text(r.failure_code, ui.lang)}" if r.failure_code else "0"
        table.append([r.name, wib(r.last_attempt, ui.lang), wib(r.last_good, ui.lang),
                      f"{r.requests_last}/{r.requests_total}",
                      wib(r.unsynced_since, ui.lang) if r.unsynced_since else say(ui, "none"), fail])
    ui.table([h[lang_i] for h in _STATUS_HEADERS], table, force=True)


COMMANDS = [fleet_group]
