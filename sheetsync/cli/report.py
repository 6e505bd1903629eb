"""Commands for the operator: reconcile, export, and the journal's history, diff, restore."""

from __future__ import annotations

import re
from contextlib import contextmanager
from datetime import datetime, timedelta, timezone
from typing import TYPE_CHECKING, Any, Iterator

import click

from sheetsync.cli.common import (HelpCommand, Ui, config_options, example, json_option, personal_option, ui_options,
                                  wib)
from sheetsync.cli.messages import CliError
from sheetsync.core.interval import parse_interval

if TYPE_CHECKING:       # types only: the commands import the library when they run
    from sheetsync.core.config import Config
    from sheetsync.reports.second_entry import DoubleEntryReport

PRESET = "--preset pilkada-jakbar-2024"
AGAINST_LISTED = 10     # TPS missing from an --against file named one by one; more are counted


# --------------------------------------------------------------- reconcile

@click.command("reconcile", cls=HelpCommand, epilog=example(
    "sheetsync reconcile --config sheetsync.toml",
    f"sheetsync reconcile {PRESET} --spreadsheet 1AbC...xyz --against kpu-jakbar.csv",
    "sheetsync reconcile --config sheetsync.toml --json > reconcile.json",
    'sheetsync reconcile --config sheetsync.toml --accept-changes --tps "Kapuk 12"',
    "sheetsync reconcile --config sheetsync.toml --by-koordinator"))
@ui_options
@config_options
@click.option("--against", type=click.Path(exists=True, dir_okay=False), metavar="FILE.csv",
              help="External per-TPS result (e.g. a KPU export) to compare TPS by TPS.")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@click.option("--accept-changes", is_flag=True,
              help="Accept numbers corrected after verification (as read by the last sync): the next sync "
                   "marks those rows OK again instead of PERIKSA.  Writes only the local journal.")
@click.option("--tps", "tps_refs", metavar="TPS", multiple=True,
              help='With --accept-changes: only this TPS ("Kapuk 12"); repeatable.')
@click.option("--by-koordinator", is_flag=True,
              help="Also rows entered and problems per coordinator (names masked unless --include-personal).")

@personal_option
def reconcile_cmd(config: Config, against: str | None, as_json: bool, accept_changes: bool,
                  tps_refs: tuple[str, ...], by_koordinator: bool, include_personal: bool, ui: Ui) -> None:
    """The manual reconciliation report: planned vs entered TPS and targets per
    kecamatan, duplicates and conflicts, rows changed since the last sync, numbers
    changed after verification, with double entry each TPS whose two entries differ
    (field, both values) and the second tab's rows that match no TPS, and with --against
    every per-TPS difference from an external result.  Writes nothing, except
    --accept-changes (the local journal)."""
    from sheetsync.reports.reconcile import reconcile

    if tps_refs and not accept_changes:
        raise CliError("tps_needs_accept")
    if accept_changes:
        _accept(config, tps_refs, as_json, ui)
        return
    with input_tab_named(config):
        report = reconcile(config, against=against, include_personal=include_personal, lang=ui.lang,
                           by_koordinator=by_koordinator)
    if as_json:
        ui.json(report)
        return
    header = _field_headers(config)
    _table_of_dicts(ui, report.per_kecamatan, ui.t("title_reconcile"))
    _table_of_dicts(ui, [{k: d.get(k) for k in ("row", "kelurahan", "tps", "other_rows", "message")}
                         for d in report.duplicates], ui.t("title_duplicates"))
    if report.changed_since_last_sync is not None:
        _table_of_dicts(ui, [_readable(c, header, ui) for c in report.changed_since_last_sync],
                        f"{ui.t('title_changed')} (#{report.last_sync})")
    if report.changed_after_verification:
        _table_of_dicts(ui, [_readable(c, header, ui) for c in report.changed_after_verification],
                        ui.t("title_verified"))
    if report.per_koordinator is not None:
        _table_of_dicts(ui, report.per_koordinator, ui.t("title_koordinator"))
    if report.double_entry is not None:
        _double_entry(ui, report.double_entry)
    if report.against is not None:
        a = report.against
        if not a.differences and not a.only_in_file and not a.only_in_sheet:
            ui.out(ui.t("against_same", count=a.compared, file=a.file))
        else:
            rows = [{"tps": d.tps_key, "kelurahan": d.kelurahan, "field": header.get(d.field, d.field),
                     "sheet": d.sheet, "file": d.external, "row": d.sheet_row} for d in a.differences]
            rows += [{"tps": k, "field": "(TPS)", "sheet": "-", "file": "+"} for k in a.only_in_file]
            # a partial file (one kecamatan of KPU's) leaves most TPS out: name a few, count many
            listed = a.only_in_sheet if len(a.only_in_sheet) <= AGAINST_LISTED else []
            rows += [{"tps": k, "field": "(TPS)", "sheet": "+", "file": "-"} for k in listed]
            if rows:
                _table_of_dicts(ui, rows, ui.t("title_against", file=a.file))
            if a.only_in_sheet and not listed:
                ui.out(ui.t("against_not_in_file", count=len(a.only_in_sheet), file=a.file))
        for problem in a.file_problems:
            ui.warn(problem)


def _double_entry(ui: Ui, de: DoubleEntryReport) -> None:
    """Each differing field of each TPS on a line of its own (row, place, both values), the
    second tab's rows that name no TPS, and the second entry's other problems."""
    ui.out(ui.t("double_entry_counts", verified=ui.n(de.tps_verified), unchecked=ui.n(de.tps_unchecked),
                differ=ui.n(de.tps_entries_differ)))
    ui.out("")
    rows = []
    for d in de.differing:
        place: dict[str, Any] = {"row": d.row}
        if de.tab is not None:
            place["second_row"] = d.second_row
        place.update(kecamatan=d.kecamatan, kelurahan=d.kelurahan, tps=d.tps)
        rows += [{**place, "field": f.column, "first": f.first, "second": f.second} for f in d.fields] or [
            {**place, "field": None, "first": None, "second": None}]
    _table_of_dicts(ui, rows, ui.t("title_entries_differ"))
    if de.tab is not None:
        _table_of_dicts(ui, [{"second_row": u.second_row, "place": u.place} for u in de.unmatched],
                        ui.t("title_unmatched", tab=de.tab))
    for problem in de.problems:
        ui.warn(problem)


@contextmanager
def input_tab_named(config: Config) -> Iterator[None]:
    """A read of the input tab that Google cannot parse because the tab is gone (renamed,
    deleted) is said as sync says it: the tab's name and the tabs there are."""
    from sheetsync.sheets.client import Sheet, is_missing_range, open_client, tab_missing

    try:
        yield
    except Exception as exc:
        if not is_missing_range(exc):
            raise
        sheet = Sheet(open_client(config), config.spreadsheet)
        if config.input_tab in sheet.tabs():
            raise                  # another range of the read: not the missing tab this names
        raise tab_missing(sheet, config.input_tab, config.source) from None


def _accept(config: Config, tps_refs: tuple[str, ...], as_json: bool, ui: Ui) -> None:
    from sheetsync.reports.reconcile import accept_changes

    keys = _tps_keys(config, tps_refs, ui) if tps_refs else None
    _journal(config, ui).close()           # no sync of this sheet yet: say "run sync first", create nothing
    result = accept_changes(config, tps=keys)
    if as_json:
        ui.json(result)
        return
    header = _field_headers(config)
    if result.changes:
        _table_of_dicts(ui, [_readable(c, header, ui) for c in result.changes], ui.t("title_verified"))
    ui.out(ui.t("accepted", rows=result.accepted_rows, sync=result.last_sync or "-") if result.accepted_rows
           else ui.t("accepted_none"))


def _tps_keys(config: Config, refs: tuple[str, ...], ui: Ui) -> list[str]:
    from sheetsync.core.regions import parse_tps_ref

    keys = [parse_tps_ref(t, config.regions) for t in refs]
    bad = [t for t, k in zip(refs, keys) if k is None]
    if bad:
        raise CliError("bad_tps", value=bad[0], kota=config.regions.kota)
    return [k for k in keys if k is not None]


def _field_headers(config: Config) -> dict[str, str]:
    """Field name -> the column's header in the sheet (paslon_1 -> Paslon 1): what people read."""
    return {c.field: c.header for c in config.columns}


def _readable(row: dict[str, Any], header: dict[str, str], ui: Ui) -> dict[str, Any]:
    out = dict(row)
    if out.get("field"):
        out["field"] = header.get(out["field"], out["field"])
    if out.get("change"):
        out["change"] = ui.word(out["change"])
    return out


def _table_of_dicts(ui: Ui, rows: list[dict[str, Any]], title: str) -> None:
    if not rows:
        ui.out(click.style(title, bold=True))
        ui.out(ui.t("none"))
        ui.out("")
        return
    headers = list(rows[0].keys())
    for r in rows[1:]:
        headers += [k for k in r if k not in headers]
    ui.table(headers, [[r.get(h) for h in headers] for r in rows], title=title, force=True)
    ui.out("")


# ------------------------------------------------------------------ export

@click.command("export", cls=HelpCommand, epilog=example(
    "sheetsync export --config sheetsync.toml --out arsip/",
    f"sheetsync export {PRESET} --spreadsheet 1AbC...xyz --format xlsx --out arsip/"))
@ui_options
@config_options
@click.option("--format", "fmt", type=click.Choice(["csv", "xlsx"]), default="csv", show_default=True,
              help="csv: one file per tab; xlsx: one workbook.")
@click.option("--out", "out_dir", type=click.Path(file_okay=False), default=".", show_default=True,
              help="Directory to write into (created if missing).")
@json_option("Print what was written (files, rows, masked columns) as JSON.")
@personal_option
def export_cmd(config: Config, fmt: str, out_dir: str, as_json: bool, include_personal: bool, ui: Ui) -> None:
    """Write every tab to CSV (one file per tab) or XLSX (one workbook) for archiving.
    Control characters are dropped and text a spreadsheet would run as a formula
    gets a leading ' (OWASP CSV injection); personal columns are masked in every tab
    unless --include-personal. Files are readable by their owner only."""
    from sheetsync.reports.export import export

    with ui.progress_to("export") as progress:
        report = export(config, out_dir, fmt=fmt, include_personal=include_personal, progress=progress)
    if as_json:
        ui.json(report)
        return
    for tab in report.tabs:
        ui.say(ui.t("export_done", path=tab.path, rows=tab.rows) + f"  [{tab.tab}]")
    if report.masked_columns:
        ui.say(ui.t("export_masked", columns=", ".join(report.masked_columns)))


# ------------------------------------------------------------------ journal

def parse_since(text: str, ui: Ui) -> datetime | timedelta | int:
    """'2h' / '30m' -> timedelta; '12' -> sync number; ISO time (WIB if no zone) -> datetime."""
    text = (text or "").strip()
    if re.fullmatch(r"\d+", text):
        return int(text)
    seconds = parse_interval(text) if re.search(r"[a-z]$", text, re.I) else None
    if seconds:
        return timedelta(seconds=seconds)
    try:
        at = datetime.fromisoformat(text)
    except ValueError:
        raise CliError("bad_since", value=text) from None
    if at.tzinfo is None:   # people in Jakarta write local time
        at = at.replace(tzinfo=timezone(timedelta(hours=7)))
    return at


def _journal(config: Config, ui: Ui) -> Any:
    from sheetsync.journal.errors import JournalError
    from sheetsync.journal.store import Journal, journal_path

    path = journal_path(config)
    if not path.exists():   # do not leave an empty journal behind a typo in the path
        raise CliError("no_journal", path=path, source=config.source)
    journal = Journal(path)
    try:
        journal.syncs(_key(config))
    except JournalError:    # a shared per-user journal that holds only other sheets
        journal.close()
        raise CliError("no_journal_sync", path=path) from None
    return journal


def _check_sync_number(journal: Any, config: Config, since: datetime | timedelta | int, ui: Ui) -> None:
    """A --since sync number the journal does not have is bad usage (exit 2), said in the
    reader's language with the numbers it does have."""
    if not isinstance(since, int):
        return
    numbers = [s["sync_no"] for s in journal.syncs(_key(config))]
    if not 0 <= since <= max(numbers, default=0):
        raise CliError("no_such_sync", value=since, last=max(numbers, default=0))


def _key(config: Config) -> str:
    """The config's history in the journal: its spreadsheet and input tab."""
    from sheetsync.sheets.client import spreadsheet_key
    from sheetsync.sync.record import journal_key

    return journal_key(spreadsheet_key(config.spreadsheet), config.input_tab)


second_entry_option = click.option(
    "--second-entry", is_flag=True,
    help="The second-entry tab ([double_entry] tab) instead of the input tab: its rows and counts, "
         "from its own history (with its own sync numbers, as its guard alert says).")


def _history_of(config: Config, second_entry: bool) -> Config:
    """The config whose history a journal command reads: the input tab's, or (second_entry)
    the second-entry tab's."""
    from sheetsync.sync.record import second_tab_config

    if not second_entry:
        return config
    second = second_tab_config(config)
    if second is None:
        raise CliError("no_second_entry_tab", source=config.source)
    return second


@contextmanager
def _journal_of(config: Config, read: Config, ui: Ui) -> Iterator[Any]:
    """The journal, with the second-entry tab's history begun empty if it has none yet (so that
    no query takes over an earlier release's history kept under the spreadsheet alone)."""
    with _journal(config, ui) as journal:
        if read is not config:
            journal.own_history(_key(read))
        yield journal


def _personal(config: Config, include: bool) -> frozenset[str]:
    return frozenset() if include else frozenset(c.field for c in config.columns if c.personal)


@click.command("history", cls=HelpCommand, epilog=example(
    'sheetsync history --config sheetsync.toml --tps "Kapuk 12"',
    f'sheetsync history {PRESET} --spreadsheet 1AbC...xyz --tps "31.73.01.1005/012" --json'))
@ui_options
@config_options
@click.option("--tps", required=True, metavar="TPS", help='The TPS, written any way: "Kapuk 12", "kapuk tps 012".')
@click.option("--json", "as_json", is_flag=True, help="Print the history as JSON (times in UTC, ISO 8601).")
@second_entry_option
@personal_option
def history_cmd(config: Config, tps: str, as_json: bool, second_entry: bool, include_personal: bool, ui: Ui) -> None:
    """Every value a TPS row has had, sync by sync, from the local journal."""
    from sheetsync.core.regions import parse_tps_ref

    key = parse_tps_ref(tps, config.regions)
    if key is None:
        raise CliError("bad_tps", value=tps, kota=config.regions.kota)
    read = _history_of(config, second_entry)
    with _journal_of(config, read, ui) as journal:
        entries = journal.history(_key(read), key)
    personal = _personal(config, include_personal)
    rows = [e.to_dict(personal) for e in entries]
    if as_json:
        ui.json(rows)
        return
    header = _field_headers(config)         # people read the column's header, as in diff
    ui.table(["sync", "at", "kind", "field", "value", "detail"],
             [[r["sync_no"], wib(r["at"]), ui.word(r["kind"]), header.get(r["field"], r["field"]), r["value"],
               r["detail"]] for r in rows],
             title=f"TPS {key}", force=True)


@click.command("diff", cls=HelpCommand, epilog=example(
    "sheetsync diff --config sheetsync.toml --since 2h",
    "sheetsync diff --config sheetsync.toml --since 2024-11-27T14:00",
    f"sheetsync diff {PRESET} --spreadsheet 1AbC...xyz --since 12 --json"))
@ui_options
@config_options
@click.option("--since", required=True, metavar="WHEN", help="2h, 30m, a time (WIB) or a sync number.")
@click.option("--json", "as_json", is_flag=True, help="Print the changes as JSON.")
@second_entry_option
@personal_option
def diff_cmd(config: Config, since: str, as_json: bool, second_entry: bool, include_personal: bool, ui: Ui) -> None:
    """Every cell changed since a time or sync, by TPS and field (old -> new),
    plus TPS added and removed, from the local journal."""
    when = parse_since(since, ui)
    read = _history_of(config, second_entry)
    with _journal_of(config, read, ui) as journal:
        _check_sync_number(journal, read, when, ui)
        diff = journal.diff(_key(read), when)
    data = diff.to_dict(_personal(config, include_personal))
    if as_json:
        ui.json(data)
        return
    header = _field_headers(config)
    ui.table(["tps", "row", "field", "old", "", "new"],
             [[c["tps_key"], c["row"], header.get(c["field"], c["field"]), c["old"], "->", c["new"]]
              for c in data["changes"]],
             title=f"{ui.word('sync')} {data['from_sync']} -> {data['to_sync']}", force=True)
    for label, keys in (("added", data["added"]), ("removed", data["removed"])):
        if keys:
            more = ui.t("more_in_json", count=len(keys) - 20) if len(keys) > 20 else ""
            ui.out(f"{ui.word(label)} ({len(keys)}): {', '.join(keys[:20])}{more}")
    for old, new in data["renamed"]:
        ui.out(f"{ui.word('renamed')}: {old} -> {new}")


@click.command("restore", cls=HelpCommand, epilog=example(
    "sheetsync restore --config sheetsync.toml --since 2h",
    "sheetsync restore --config sheetsync.toml --since 2h --apply",
    "sheetsync restore --config sheetsync.toml --second-entry --since 4 --apply",
    f'sheetsync restore {PRESET} --spreadsheet 1AbC...xyz --tps "Kapuk 12" --apply'))
@ui_options
@config_options
@click.option("--since", metavar="WHEN", help="2h, 30m, a time (WIB) or a sync number.")
@click.option("--tps", "tps_refs", metavar="TPS", multiple=True, help='Only this TPS ("Kapuk 12"); repeatable.')
@click.option("--apply", is_flag=True, help="Write the plan (without it, only show it).")
@click.option("--json", "as_json", is_flag=True, help="Print the plan as JSON.")
@second_entry_option
@personal_option
def restore_cmd(config: Config, since: str | None, tps_refs: tuple[str, ...], apply: bool, as_json: bool,
                second_entry: bool, include_personal: bool, ui: Ui) -> None:
    """Put back rows that disappeared and cells that were blanked, from the local
    journal.  Writes only into cells that are empty now or rows that are missing, so
    a newer value someone typed is never overwritten.  Shows the plan; writes only
    with --apply."""
    from sheetsync.sheets.client import Sheet, open_client
    from sheetsync.journal.restore import restore

    if not since and not tps_refs:
        raise CliError("need_since_or_tps")
    restored = _history_of(config, second_entry)          # the tab whose history is read
    keys = _tps_keys(config, tps_refs, ui) if tps_refs else None
    when = parse_since(since, ui) if since else None
    with _journal_of(config, restored, ui) as journal, input_tab_named(config):
        if when is not None:
            _check_sync_number(journal, restored, when, ui)
        plan = restore(config, journal, Sheet(open_client(config), config.spreadsheet), since=when, tps=keys,
                       apply=apply, second_entry=second_entry)
    data = plan.to_dict(_personal(config, include_personal))
    if as_json:
        ui.json(data)
        return
    if not data["cells"]:
        ui.out(ui.t("restore_none"))
    else:
        ui.table(["tps", "cell", "column", "value", "kind"],
                 [[c["tps_key"], c["a1"], c["header"], c["formula"] or c["value"], c["kind"]]   # what is written
                  for c in data["cells"]], force=True)
        ui.out(ui.t("restore_done", count=data["cells_written"]) if plan.applied
               else ui.t("restore_plan", count=len(data["cells"])))
    for skip in data["skipped"]:
        ui.warn(f"{skip.get('tps_key')} {skip.get('field') or ''}: {skip.get('reason')}")


@click.command("purge", cls=HelpCommand, epilog=example(
    "sheetsync purge --config sheetsync.toml --before 2025-01-31",
    "sheetsync purge --config sheetsync.toml --older-than 90d",
    "sheetsync purge --config sheetsync.toml   # personal_retention_days from the config"))
@ui_options
@config_options
@click.option("--before", metavar="DATE", help="Purge what left the sheet before this day (YYYY-MM-DD, WIB).")
@click.option("--older-than", metavar="AGE", help="Purge what left the sheet more than AGE ago (90d, 12h).")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
def purge_cmd(config: Config, before: str | None, older_than: str | None, as_json: bool, ui: Ui) -> None:
    """Take names and phone numbers (personal = true columns) that left the sheet
    before a date out of the local journal (UU 27/2022); every number stays.  Without --before or
    --older-than the config's personal_retention_days is used."""
    from sheetsync.journal.purge import purge_personal

    cutoff = _purge_cutoff(config, before, older_than, ui)
    with _journal(config, ui) as journal:
        report = purge_personal(journal, _key(config), config.personal_fields, cutoff)
    if as_json:
        ui.json(report.to_dict())
        return
    ui.out(ui.t("purge_done", values=report.values, baselines=report.baselines, rows=report.cached_rows,
                formulas=report.formulas, before=wib(report.before.isoformat())))


def _purge_cutoff(config: Config, before: str | None, older_than: str | None, ui: Ui) -> datetime:
    """The date a purge goes back to, from one of its options or the config."""
    if before and older_than:
        raise CliError("purge_one_date")
    if before:
        try:
            day = datetime.fromisoformat(before.strip())
        except ValueError:
            raise CliError("bad_since", value=before) from None
        return day if day.tzinfo else day.replace(tzinfo=timezone(timedelta(hours=7)))
    seconds = parse_interval(older_than) if older_than else None
    if older_than and not seconds:
        raise CliError("bad_since", value=older_than)
    if seconds:
        return datetime.now(timezone.utc) - timedelta(seconds=seconds)
    days = getattr(config, "personal_retention_days", None)
    if not days:
        raise CliError("purge_needs_date")
    return datetime.now(timezone.utc) - timedelta(days=float(days))


COMMANDS = [reconcile_cmd, export_cmd, history_cmd, diff_cmd, restore_cmd, purge_cmd]
