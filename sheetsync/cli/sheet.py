"""Commands on the live sheet: init, sync, check, plan."""

from __future__ import annotations

import time
from datetime import datetime
from typing import TYPE_CHECKING, Any, Sequence

import click

from sheetsync.cli.common import (EXIT_OK, EXIT_PROBLEMS, EXIT_SYNC, HelpCommand, Ui, config_options, example, explain,
                                  json_option, json_spelling, json_text, mask_report, personal_option, ui_options)
from sheetsync.cli.messages import CliError
from sheetsync.core.interval import parse_interval
from sheetsync.reports.jsonable import to_jsonable
from sheetsync.cli.problems import WARNINGS_LISTED, Problem, errors_first, listed, per_code

if TYPE_CHECKING:       # types only: the commands import the library when they run
    from sheetsync.core.config import Config
    from sheetsync.sync.run import SyncReport

PRESET = "--preset pilkada-jakbar-2024"


# ------------------------------------------------------------------- init

@click.command("init", cls=HelpCommand, epilog=example(
    "sheetsync init --config sheetsync.toml",
    f"sheetsync init {PRESET} --spreadsheet 1AbC...xyz --with-tps"))
@ui_options
@config_options
@click.option("--with-tps", is_flag=True, help="Add one row per planned TPS from the master data.")
@click.option("--json", "as_json", is_flag=True, help="Print the layout report as JSON.")
def init_cmd(config: Config, with_tps: bool, as_json: bool, ui: Ui) -> None:
    """Create or repair the sheet's layout: input tab and frozen header, dropdowns,
    status colours, protected (warning-only) status columns and summary tabs, and a
    target-vs-votes chart.  Running it again changes nothing."""
    from sheetsync.sync.layout import init_layout

    report = init_layout(config, with_tps=with_tps)
    if as_json:
        ui.json(report)

        return
    if report.write_calls:
        ui.say(ui.t("init_done", requests=len(report.requests), calls=report.write_calls))
    else:
        ui.say(ui.t("init_nothing"))
    if report.tps_rows_added:
        ui.say(ui.t("init_tps", count=report.tps_rows_added))
    from sheetsync.core.locale_check import locale_issue
    mismatch = locale_issue(report.locale, config)
    if mismatch is not None:
        ui.warn(mismatch.message(ui.lang))


# ------------------------------------------------------------------- sync

def report_counts(report: SyncReport) -> dict[str, int]:
    """{'error': n, 'warning': n} from a SyncReport."""
    counts = report.issue_counts or {}
    return {"error": int(counts.get("error", 0)), "warning": int(counts.get("warning", 0))}


def problems_at(counts: dict[str, int], level: str | None) -> int:
    if level == "error":
        return counts["error"]
    if level == "warning":
        return counts["error"] + counts["warning"]
    return 0


def sync_line(report: SyncReport, ui: Ui, tab: str = "") -> str:
    from sheetsync.core.issues import status_label

    if not report.rows_read:       # a fresh sheet: say so, not "0 row(s): -"
        return ui.t("sync_empty", tab=tab, cells=ui.n(report.cells_written), requests=report.requests)
    text = ", ".join(f"{status_label(k, ui.lang)} {ui.n(v)}" for k, v in report.rows_by_status.items()) or "-"
    line = ui.t("sync_done", rows=ui.n(report.rows_read), statuses=text,
                cells=ui.n(report.cells_written), requests=report.requests)
    return " ".join([line, *(f"{issue.message(ui.lang)}." for issue in report.sheet_errors)])


@click.command("sync", cls=HelpCommand, epilog=example(
    "sheetsync sync --config sheetsync.toml",
    "sheetsync sync --config sheetsync.toml --every 60s --json",
    f"sheetsync sync {PRESET} --spreadsheet 1AbC...xyz --dry-run",
    "*/1 * * * * cd /srv/kawal && .venv/bin/sheetsync sync -q --fail-on error  # crontab"))
@ui_options
@config_options
@click.option("--once", is_flag=True, help="Sync once and exit (the default; not with --every).")
@click.option("--every", metavar="INTERVAL", help="Keep syncing every INTERVAL (60s, 5m) until stopped.")
@click.option("--dry-run", is_flag=True, help="Show the cells a sync would change; write nothing.")
@click.option("--log-format", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="Output: text for people, json (one object per sync) for logs.")
@json_option("Print one JSON object per sync, for logs (the older form: --log-format json).")
@click.option("--fail-on", type=click.Choice(["warning", "error"]), default=None,
              help="Exit 1 when the data has problems at or above this level (off by default).")
@click.option("--accept-deleted-rows", is_flag=True, help="Confirm that the rows the guard found gone since the "
                                                             "last good sync were removed on purpose.")
@click.option("--accept-column-changes", is_flag=True, help="Confirm that the configured columns the guard found "
                                                               "renamed, deleted or changed were changed on purpose.")
@click.option("--accept-deletions", is_flag=True, help="The first release's name: accepts every change the guard "
                                                          "found (both flags above).")
@personal_option
def sync_cmd(config: Config, once: bool, every: str | None, dry_run: bool, log_format: str, as_json: bool,
             fail_on: str | None, accept_deleted_rows: bool, accept_column_changes: bool,
             accept_deletions: bool, include_personal: bool, ui: Ui) -> None:
    """Read the sheet, check every row, and write statuses and summary tabs back,
    changing only cells whose value changes.

    Exit codes: 0 synced (even when the data has problems); 1 problems at or above
    --fail-on; 2 bad usage or config; 3 could not sync (credentials, network,
    lock held by another run, mass-deletion guard)."""
    from sheetsync.journal.guard import COLUMN_CHANGES, DELETED_ROWS
    from sheetsync.sync.run import sync

    ui.include_personal = include_personal
    log_format = json_spelling(log_format, as_json, "log_format")
    accepted = {DELETED_ROWS: accept_deleted_rows, COLUMN_CHANGES: accept_column_changes}
    guard = {"accept_deletions": accept_deletions, "accept": frozenset(k for k, on in accepted.items() if on)}

    if once and every:
        raise CliError("once_and_every")
    interval = None
    if every:
        interval = parse_interval(every)
        if not interval:
            raise CliError("bad_interval", value=every)
        if interval < min_sync_interval_s():
            raise CliError("interval_over_quota", value=every, minimum=f"{min_sync_interval_s():g}s")
    if interval is None:
        _sync_loop(sync, config, None, dry_run, log_format, fail_on, guard, ui)
        return
    try:
        _sync_loop(sync, config, interval, dry_run, log_format, fail_on, guard, ui)
    except KeyboardInterrupt:
        # Ctrl-C is how --every is stopped; a sync cut short is repaired by the next one.
        ui.warn(ui.t("interrupted"))      # stderr: a JSON log on stdout stays JSON


def min_sync_interval_s() -> float:
    """The shortest --every within Google's 60 read requests a minute per user: a sync
    reads at most 2 + MAX_REPAIRS times (read, verify, a confirming read per repair)."""
    from sheetsync.sync.settle import MAX_REPAIRS

    reads_per_minute = 60
    return 60.0 * (2 + MAX_REPAIRS) / reads_per_minute


def _sync_loop(sync: Any, config: Config, interval: float | None, dry_run: bool, log_format: str,
               fail_on: str | None, guard: dict[str, Any], ui: Ui) -> None:
    while True:
        try:
            report = _sync_once(sync, config, ui, dry_run=dry_run, **guard)
        except BrokenPipeError:
            raise                     # the reader of our output has gone: stop (cli.py)
        except Exception as exc:  # noqa: BLE001 - in --every mode one failed run must not stop the loop
            if interval is None and log_format == "text":
                raise                 # the group prints it: one or two lines, exit code
            code, lines = explain(exc, ui)
            _log(ui, log_format, {"ok": False, "exit_code": code, "error": " ".join(lines)}, " ".join(lines))
            if interval is None:
                click.get_current_context().exit(code)
        else:
            code = _print_sync(report, ui, log_format, dry_run, fail_on, config.input_tab)
            if interval is None:
                click.get_current_context().exit(code)
        if log_format == "text":
            ui.say(ui.t("next_sync", seconds=int(interval)))
        time.sleep(interval)


def _sync_once(sync: Any, config: Config, ui: Ui | None = None, **kwargs: Any) -> Any:
    """One sync with the journal open (the journal is what makes the deletion guard work)."""
    from sheetsync.journal.store import Journal, journal_path
    from sheetsync.sync.run import SyncHooks

    progress = PhaseLine(ui) if ui is not None and ui.drawing() else None
    hooks = SyncHooks(phase=progress) if progress else None
    try:
        with Journal(journal_path(config)) as journal:
            report = sync(config, journal=journal, hooks=hooks, **kwargs)
            return report if ui is not None and ui.include_personal else mask_report(report, config)
    finally:
        if progress:
            progress.end()


# Above this many rows a sync takes long enough (seconds) that a person wants to see it move.
PROGRESS_MIN_ROWS = 50_000
SYNC_PHASES = ("lock", "read", "check", "summaries", "plan", "guard", "write", "journal")


class PhaseLine:
    """sync's phases on one stderr line, rewritten in place: "sync [4/8] summaries 1.2 s ..."."""

    def __init__(self, ui: Ui) -> None:
        self.ui, self.shown, self.width = ui, False, 0

    def __call__(self, phase: str, report: SyncReport) -> None:
        # rows_read is known once the sheet is read and checked: small sheets never show a line
        if report.rows_read < PROGRESS_MIN_ROWS or phase not in SYNC_PHASES:
            return
        done = SYNC_PHASES.index(phase) + 1
        upcoming = f" -> {SYNC_PHASES[done]}" if done < len(SYNC_PHASES) else ""
        text = self.ui.t("sync_phase", done=done, total=len(SYNC_PHASES), phase=phase,
                         seconds=f"{report.timings.get(phase, 0.0):.1f}", rows=self.ui.n(report.rows_read),
                         next=upcoming)
        click.echo("\r" + text.ljust(self.width), nl=False, err=True)
        self.width, self.shown = max(self.width, len(text)), True

    def end(self) -> None:
        if self.shown:
            click.echo("\r" + " " * self.width + "\r", nl=False, err=True)   # the result line follows


def _print_sync(report: SyncReport, ui: Ui, log_format: str, dry_run: bool, fail_on: str | None, tab: str = "") -> int:
    counts = report_counts(report)
    failing = problems_at(counts, fail_on)
    if log_format == "json":
        data = to_jsonable(report)
        if isinstance(data, dict):
            data.setdefault("issue_counts", counts)
            data["alerts"] = [alert.message(ui.lang) for alert in report.alerts]
            data = {"ok": True, **data}
        click.echo(json_text(data))
    elif dry_run:
        print_plan(report, ui)
    else:
        stamp = datetime.now().astimezone().strftime("%Y-%m-%d %H:%M:%S %Z")
        ui.out(f"{stamp} {sync_line(report, ui, tab)}")
        for alert in report.alerts:
            ui.warn(alert.message(ui.lang))
        if report.protected:
            ui.warn(report.protected)
        if report.tab_clash:
            ui.warn(report.tab_clash)
        _print_settle(report, ui)
        _print_notes(report, ui)
    if dry_run and report.alerts:
        return EXIT_SYNC                      # as the real sync would: it would be stopped
    if failing:
        ui.warn(ui.t("fail_on", count=failing, level=fail_on))
        return EXIT_PROBLEMS
    return EXIT_OK


def _print_settle(report: SyncReport, ui: Ui) -> None:
    """What the verify after the write could not settle, or had to give back."""
    restored = list(getattr(report, "restored_cells", []) or [])
    if restored:
        shown = ", ".join(restored[:5]) + (" ..." if len(restored) > 5 else "")
        ui.warn(ui.t("sync_restored", count=ui.n(len(restored)), cells=shown))
    if getattr(report, "unsettled", None):
        rows = list(report.skipped_rows or [])
        ui.warn(ui.t("sync_unsettled", rows=", ".join(map(str, rows[:10])) + (" ..." if len(rows) > 10 else "")))


def _print_notes(report: SyncReport, ui: Ui) -> None:
    """Where a person's note in sheetsync's own cells was kept (never the note: it may name someone)."""
    kept = list(getattr(report, "notes_kept", []) or [])
    if kept:
        shown = ", ".join(kept[:5]) + (" ..." if len(kept) > 5 else "")
        ui.warn(ui.t("sync_notes_kept", count=ui.n(len(kept)), cells=shown))


def _log(ui: Ui, log_format: str, data: dict[str, Any], text: str) -> None:
    if log_format == "json":   # the JSON log stays one stream: errors are lines of it too
        click.echo(json_text(data))
    else:
        ui.warn(text)


# ------------------------------------------------------------------- plan

def plan_changes(report: SyncReport) -> list[Any]:
    plan = getattr(report, "plan", None)
    return list(getattr(plan, "changes", []) or []) if plan is not None else []


def print_plan(report: SyncReport, ui: Ui) -> None:
    changes = plan_changes(report)
    if not changes:
        ui.out(ui.t("plan_none"))
    else:
        rows = [(c.tab, c.a1.rsplit("!", 1)[-1], _short(c.old), "->", _short(c.new)) for c in changes]
        ui.table(["tab", "cell", "old", "", "new"], rows, force=True)
        ui.say(ui.t("dry_run", count=len(changes)))
    print_guard(report, ui)


def print_guard(report: SyncReport, ui: Ui) -> None:
    """What the guard would do: the real sync would keep the summaries and exit 3."""
    alerts = list(getattr(report, "alerts", []) or [])
    if alerts:
        ui.warn(ui.t("plan_guard", count=len(alerts)))
        for alert in alerts:
            ui.warn(alert.message(ui.lang))


def _short(value: Any, width: int = 60) -> str:
    text = "" if value is None else str(value)
    return text if len(text) <= width else text[: width - 1] + "…"


@click.command("plan", cls=HelpCommand, epilog=example(
    "sheetsync plan --config sheetsync.toml",
    f"sheetsync plan {PRESET} --spreadsheet 1AbC...xyz --json"))
@ui_options
@config_options
@click.option("--json", "as_json", is_flag=True, help="Print the changes as JSON.")
@personal_option
def plan_cmd(config: Config, as_json: bool, include_personal: bool, ui: Ui) -> None:
    """Show the exact cells a sync would change (tab, cell, old -> new); write nothing.
    Same as `sheetsync sync --dry-run`."""
    from sheetsync.sync.run import sync

    ui.include_personal = include_personal
    report = _sync_once(sync, config, ui, dry_run=True)
    if as_json:
        ui.json(plan_changes(report))
        print_guard(report, ui)
    else:
        print_plan(report, ui)
    if report.alerts:
        click.get_current_context().exit(EXIT_SYNC)


# ------------------------------------------------------------------ check

# params that locate a problem; every other text param of a personal field's issue is masked
_LOCATING = frozenset({"column", "row", "rows", "other_rows", "other_tps", "tps", "kelurahan", "kecamatan", "min", "max"})


def masked(issue: Any, personal: frozenset[str]) -> Any:
    """The issue with the values of personal columns (names, phones) replaced by ***."""
    if issue.field not in personal:
        return issue
    from dataclasses import replace

    params = {k: ("***" if k not in _LOCATING and isinstance(v, str) and v else v)
              for k, v in issue.params.items()}
    return replace(issue, params=params)


def issue_dict(issue: Any, lang: str, personal: frozenset[str] = frozenset()) -> dict[str, Any]:
    issue = masked(issue, personal)
    return {"code": issue.code, "severity": issue.severity, "row": issue.row, "field": issue.field,
            "params": to_jsonable(dict(issue.params)), "message": issue.message(lang)}


def _checked(config: Config) -> Any:
    """read_and_check with the journal when there is one (a row changed after verification is
    PERIKSA here as on the sheet); check never creates a journal."""
    from sheetsync.journal.store import Journal, journal_path
    from sheetsync.sync.run import read_and_check

    path = journal_path(config)
    if not path.exists():
        return read_and_check(config)
    with Journal(path) as journal:
        return read_and_check(config, journal=journal)


@click.command("check", cls=HelpCommand, epilog=example(
    "sheetsync check --config sheetsync.toml",
    "sheetsync check --config sheetsync.toml --errors-only",
    f"sheetsync check {PRESET} --spreadsheet 1AbC...xyz --format csv > masalah.csv"))
@ui_options
@config_options
@click.option("--format", "fmt", type=click.Choice(["table", "json", "csv"]), default="table", show_default=True,
              help="How to print the problems: table to read, json or csv for other tools.")
@json_option("Print every problem as JSON (the older form: --format json).")
@click.option("--errors-only", is_flag=True, help="Only errors; leave the warnings out.")
@click.option("--all", "show_all", is_flag=True,
              help=f"List every warning (by default a code's warnings beyond {WARNINGS_LISTED} are counted).")
@click.option("--include-personal", is_flag=True,
              help="Show names and phone numbers in messages (masked by default).")
def check_cmd(config: Config, fmt: str, as_json: bool, errors_only: bool, show_all: bool, include_personal: bool,
              ui: Ui) -> None:
    """Validate the sheet and list every problem, errors first; write nothing.  Exits 1
    when there are errors (warnings alone exit 0)."""
    fmt = json_spelling(fmt, as_json, "fmt")
    result = _checked(config)
    personal = frozenset() if include_personal else frozenset(c.field for c in config.columns if c.personal)
    # JSON and CSV keep check's order (by row) for other tools; the table puts errors first
    issues = [issue_dict(i, ui.lang, personal) for i in result.issues if not errors_only or i.severity == "error"]
    if fmt == "json":
        ui.json(issues)
    elif fmt == "csv":
        import csv
        import sys

        writer = csv.writer(sys.stdout)
        writer.writerow(["row", "severity", "code", "field", "message"])
        for i in issues:
            writer.writerow([i["row"] or "", i["severity"], i["code"], i["field"] or "", i["message"]])
    else:
        _print_problems(errors_first(issues), show_all, len(result.rows), ui)
    if not result.valid:
        click.get_current_context().exit(EXIT_PROBLEMS)


def _print_problems(issues: Sequence[Problem], show_all: bool, rows: int, ui: Ui) -> None:
    """A count per code first, then the list (a code's many warnings counted, not listed)."""
    from sheetsync.core.issues import template

    if issues:
        # a long template is cut: the summary is read at a glance, each row below says it in full
        summary = [(c.code, ui.word(c.severity), c.count, _short(template(c.code, ui.lang, with_row=False), 72))
                   for c in per_code(issues)]
        ui.table(["code", "severity", "count", "template"], summary, title=ui.t("title_per_code"), force=True)
        ui.out("")
        shown, left_out = listed(issues, show_all)
        rows_shown = [(i["row"] or "", ui.word(i["severity"]), i["code"], i["message"]) for i in shown]
        ui.table(["row", "severity", "code", "message"], rows_shown, title=ui.t("title_problems"), force=True)
        for code, count in left_out.items():
            ui.out(ui.t("check_more", count=ui.n(count), code=code))
    errors = sum(1 for i in issues if i["severity"] == "error")
    n_rows = ui.n(rows)
    ui.say(ui.t("check_summary", errors=ui.n(errors), warnings=ui.n(len(issues) - errors), rows=n_rows) if issues
           else ui.t("check_ok", rows=n_rows))


COMMANDS = [init_cmd, sync_cmd, check_cmd, plan_cmd]
