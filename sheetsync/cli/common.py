"""Shared pieces of the command line: option groups, output, error translation.

Every command is a thin shell: options -> one library call -> print.  What is
shared between commands lives here, sqlite-utils style, as reusable option
decorators, so every command spells ``--config``/``--preset``/... the same way.
"""

from __future__ import annotations

import functools
import json
import os
import re
import sys
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterator, Mapping, Sequence, TypeGuard

import click

from sheetsync.cli.messages import CliError, label, t
from sheetsync.errors import LANGS, SheetsyncError
from sheetsync.i18n import detect_lang
from sheetsync.core.safetext import strip_controls, terminal_text
from sheetsync.reports.jsonable import plain, to_jsonable

if TYPE_CHECKING:       # types only: the commands import the library when they run
    from sheetsync.core.config import Config

PRESET_HELP = "pilkada-jakbar-2024"
DEFAULT_CONFIG_FILE = "sheetsync.toml"

EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE, EXIT_SYNC = 0, 1, 2, 3
EXIT_PIPE = 141          # 128 + SIGPIPE: what the shell reports for `yes | head`


# --------------------------------------------------------------------- output

class Ui:
    """What a command prints, in the user's language; quiet and TTY aware."""

    def __init__(self, lang: str = "en", quiet: bool = False):
        self.lang = lang
        self.quiet = quiet
        self.include_personal = False      # --include-personal: names and phones shown as they are

    def t(self, key: str, **params: Any) -> str:
        return t(key, self.lang, **params)

    def word(self, key: Any) -> str:
        """A table header or cell word (error, added...) in this language."""
        return label(str(key), self.lang) if key is not None else ""

    def n(self, value: Any) -> str:
        """A number as this language writes it (2,648 / 2.648)."""
        return fmt_cell(value, self.lang)

    def say(self, message: str = "") -> None:
        """Ordinary output on stdout (suppressed by --quiet). Messages may quote cell text:
        its control characters never reach the terminal (an OSC sequence could retitle it,
        or hide what follows)."""
        if not self.quiet:
            click.echo(strip_controls(message))

    def out(self, message: str) -> None:
        """Machine-readable or requested output: printed even with --quiet."""
        click.echo(message)

    def warn(self, message: str) -> None:
        click.echo(strip_controls(message), err=True)

    def json(self, obj: Any) -> None:
        click.echo(to_json(obj))

    def table(self, headers: Sequence[str], rows: Sequence[Sequence[Any]], title: str | None = None,
              force: bool = False) -> None:
        if self.quiet and not force:
            return
        if title:
            click.echo(click.style(terminal_text(title), bold=True))
        click.echo(format_table(headers, rows, self.lang))

    def drawing(self) -> bool:
        """Progress may be drawn: on a terminal and without --quiet."""
        return not self.quiet and sys.stderr.isatty()

    @contextmanager
    def progress_to(self, label: str) -> Iterator[Callable[[int, int], None]]:
        """Yield ``report(done, total)`` for library calls that learn their total late."""
        state: dict[str, Any] = {}

        def report(done: int, total: int) -> None:
            if self.quiet or not sys.stderr.isatty() or total <= 0:
                return
            if "bar" not in state:
                state["bar"] = click.progressbar(length=total, label=label, file=sys.stderr)
                state["bar"].__enter__()
            bar = state["bar"]
            bar.update(done - bar.pos)

        try:
            yield report
        finally:
            if "bar" in state:
                state["bar"].__exit__(None, None, None)

    @contextmanager
    def progress(self, length: int, label: str) -> Iterator[Callable[[int], None]]:
        """Yield ``advance(n)``; draws a bar only on a terminal and without --quiet."""
        if self.quiet or not sys.stderr.isatty() or length <= 0:
            yield _no_progress
            return
        with click.progressbar(length=length, label=label, file=sys.stderr) as bar:
            yield bar.update


def _no_progress(n: int = 1) -> None:
    """advance(n) where no bar is drawn."""


def fmt_cell(value: Any, lang: str = "en") -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return label("yes" if value else "no", lang)
    if isinstance(value, int):
        text = f"{value:,}"
        return text.replace(",", ".") if lang == "id" else text
    if isinstance(value, float):
        if value != value:  # NaN
            return ""
        text = f"{value:,.1f}"
        if lang == "id":
            text = text.replace(",", "_").replace(".", ",").replace("_", ".")
        return text
    return str(value)


def _integral(values: Sequence[Any]) -> bool:
    """Every number of a column is a whole number (105000.0 from a float column)."""
    return all(float(v).is_integer() for v in values if _is_number(v) and v == v)


def _is_percent(header: Any) -> bool:
    text = str(header)
    return text.startswith("pct_") or text.startswith("%")


def _column_numbers(rows: Sequence[Sequence[Any]], i: int, percent: bool = False) -> list[Any]:
    """Column i's numbers, made consistent: all whole -> int (105,000, not 105,000.0);
    any fraction, or a percentage -> all float, so one column shows one decimal everywhere
    (75.0 beside 74.3)."""
    col = [r[i] if i < len(r) else None for r in rows]
    if not percent and _integral(col):
        return [int(v) if _is_number(v) and v == v else v for v in col]
    return [float(v) if _is_number(v) else v for v in col]


WIB_ZONE = "Asia/Jakarta"


def wib(at: Any) -> str:
    """A journal time (datetime or ISO text, UTC) as the sheet shows times: WIB, to the second."""
    from zoneinfo import ZoneInfo

    if not at:
        return ""
    moment = at if isinstance(at, datetime) else datetime.fromisoformat(str(at))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=ZoneInfo("UTC"))
    return moment.astimezone(ZoneInfo(WIB_ZONE)).strftime("%Y-%m-%d %H:%M:%S")


def _is_number(value: Any) -> TypeGuard[int | float]:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


# Identifiers, not quantities: no thousands separator ("row 2637", not "row 2,637").
ID_COLUMNS = frozenset({"row", "baris", "sync", "tps", "no tps", "sheet_row", "file_row"})


def format_table(headers: Sequence[str], rows: Sequence[Sequence[Any]], lang: str = "en") -> str:
    """Plain aligned columns; numbers right-aligned.  No dependency needed for this.

    ``headers`` are field keys (row, tps_planned...) or texts: keys are shown in ``lang``."""
    rows = [[plain(v) for v in row] for row in rows]
    columns = [_column_numbers(rows, i, _is_percent(h)) for i, h in enumerate(headers)]
    rows = [[columns[i][r] if i < len(columns) else v for i, v in enumerate(row)] for r, row in enumerate(rows)]
    ident = [str(h).lower() in ID_COLUMNS for h in headers]
    headers = [terminal_text(label(str(h), lang)) if h else "" for h in headers]
    # cell text is typed by any editor of the sheet: no escape sequence reaches the terminal
    cells = [[str(v) if i < len(ident) and ident[i] and _is_number(v) else terminal_text(fmt_cell(v, lang))
              for i, v in enumerate(row)] for row in rows]
    widths = [len(str(h)) for h in headers]
    for row in cells:
        for i, text in enumerate(row[: len(widths)]):
            widths[i] = max(widths[i], len(text))
    numeric = [all(_is_number(r[i]) or r[i] in (None, "") for r in rows if i < len(r)) and rows != []
               for i in range(len(headers))]

    def line(items: Sequence[str]) -> str:
        parts = []
        for i, width in enumerate(widths):
            text = items[i] if i < len(items) else ""
            parts.append(text.rjust(width) if numeric[i] else text.ljust(width))
        return "  ".join(parts).rstrip()

    out = [line([str(h) for h in headers]), line(["-" * w for w in widths])]
    out += [line(row) for row in cells]
    return "\n".join(out)


# DEL and C1 (8-bit CSI, OSC): JSON keeps them raw, a terminal may act on them.
_JSON_UNSAFE = re.compile(r"[\x7f-\x9f]")


def json_text(data: Any, indent: int | None = None) -> str:
    """JSON as printed: cell text inside stays exact, but its DEL and C1 characters are
    written as \\u escapes (json already escapes C0), so no escape sequence reaches a terminal."""
    text = json.dumps(data, ensure_ascii=False, indent=indent, default=str)
    return _JSON_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def to_json(obj: Any) -> str:
    return json_text(to_jsonable(obj), indent=2)


# ------------------------------------------------------------- option groups

Command = Callable[..., Any]      # a click command function, before or after its decorators

VERBOSE_HELP = "Show every request to the API, each retry and wait, on stderr (never a token or a value)."


def ui_options(f: Command) -> Command:
    """--lang, --quiet and --verbose on every command (also accepted before the command name)."""

    @click.option("--lang", type=click.Choice(["en", "id"]), default=None,
                  help="Language of messages and help (default: from LANG).")
    @click.option("--quiet", "-q", is_flag=True, default=None,
                  help="Print only results and errors; no progress bars.")
    @click.option("--verbose", "-v", is_flag=True, default=None, help=VERBOSE_HELP)
    @functools.wraps(f)
    def wrapper(*args: Any, lang: str | None, quiet: bool | None, verbose: bool | None, **kwargs: Any) -> Any:
        if verbose:
            from sheetsync.cli.verbose import show_log
            show_log(True)
        ctx = click.get_current_context()
        ui = ctx.find_object(Ui)
        if ui is None:
            ui = Ui(detect_lang(lang), bool(quiet))
            ctx.obj = ui
        if lang:
            ui.lang = detect_lang(lang)
        if quiet:
            ui.quiet = True
        return f(*args, ui=ui, **kwargs)

    return wrapper


def config_options(f: Command) -> Command:
    """--config/--preset and the overrides; passes a loaded ``config`` to the command."""

    # SHEETSYNC_CONFIG is read by find_config_file, not by click: an explicit --preset or
    # --region must win over the environment, as any flag does
    @click.option("--config", "-c", "config_path", metavar="FILE",
                  help=f"TOML config file (default: $SHEETSYNC_CONFIG, else ./{DEFAULT_CONFIG_FILE}).")
    @click.option("--preset", metavar="NAME", help=f"Bundled config instead of a file: {PRESET_HELP}.")
    @click.option("--region", metavar="CODE",
                  help="Any kab/kota by its Kemendagri code (31.72): the preset's layout, no targets.")
    @click.option("--spreadsheet", metavar="ID-OR-URL",
                  help="Spreadsheet key or URL, overriding the config [env SHEETSYNC_SPREADSHEET].")
    @click.option("--api-url", metavar="URL",
                  help="Send API calls here instead of Google, e.g. an emulator [env SHEETSYNC_API_URL].")
    @click.option("--credentials", metavar="FILE",
                  help="Service-account key file (else GOOGLE_APPLICATION_CREDENTIALS, else ADC).")
    @functools.wraps(f)
    def wrapper(*args: Any, config_path: str | None, preset: str | None, region: str | None,
                spreadsheet: str | None, api_url: str | None, credentials: str | None, **kwargs: Any) -> Any:
        ui = click.get_current_context().find_object(Ui) or Ui()
        config = load_cli_config(ui, config_path, preset, spreadsheet, api_url, credentials, region=region)
        return f(*args, config=config, **kwargs)

    return wrapper


def find_config_file(env: Mapping[str, str]) -> Path | None:
    """The config used when neither --config nor --preset is given: $SHEETSYNC_CONFIG,
    else ./sheetsync.toml, else $XDG_CONFIG_HOME/sheetsync/sheetsync.toml (~/.config)."""
    if env.get("SHEETSYNC_CONFIG"):
        return Path(env["SHEETSYNC_CONFIG"])      # named on purpose: a missing one is an error
    xdg = Path(env.get("XDG_CONFIG_HOME") or Path.home() / ".config")
    for candidate in (Path(DEFAULT_CONFIG_FILE), xdg / "sheetsync" / DEFAULT_CONFIG_FILE):
        if candidate.is_file():
            return candidate
    return None


def json_option(help_text: str) -> Callable[[Command], Command]:
    """--json: the one spelling of "print this as JSON" on every command that prints a result."""
    return click.option("--json", "as_json", is_flag=True, help=help_text)


def json_spelling(value: str, as_json: bool, param: str) -> str:
    """An older JSON option (check --format, sync --log-format) with --json: --json means
    "json"; given with another value of the older option, the user must choose."""
    if not as_json:
        return value
    source = click.get_current_context().get_parameter_source(param)
    if value != "json" and source is not None and source.name == "COMMANDLINE":
        raise CliError("json_and_format", value=value)
    return "json"


def personal_option(f: Command) -> Command:
    return click.option("--include-personal", is_flag=True,
                        help="Show names and phone numbers (personal columns are masked by default).")(f)


def mask_report(report: Any, config: Config) -> Any:
    """A sync report as printed: the coordinator names its plan would write into the
    coordinator tab (its first column, below the table's header) become ***, and so do the
    owned cells of a row where a person's note was kept (notes_kept: a note may name someone).

    The sync writes no other personal text: the input tab's owned columns hold statuses
    and messages whose personal values are already masked, the other summary tabs none."""
    from dataclasses import replace

    from sheetsync.core import a1
    from sheetsync.reports.export import MASK
    from sheetsync.sync.stamp import summary_origin

    plan, tab = getattr(report, "plan", None), config.summary_tabs.koordinator
    noted = {a1.parse_tab_cell(cell)[:2] for cell in getattr(report, "notes_kept", None) or []}
    if plan is None or not (tab or noted):
        return report
    header_row = summary_origin(config, tab) if tab else 0

    def named(change: Any) -> bool:
        return (bool(tab) and change.tab == tab and change.col == 1 and change.row > header_row) \
            or (change.tab, change.row) in noted

    changes = [replace(c, old=MASK if c.old not in ("", None) else c.old, new=MASK if c.new not in ("", None) else c.new)
               if named(c) else c for c in plan.changes]
    return replace(report, plan=replace(plan, changes=changes))


def load_cli_config(ui: Ui, config_path: str | None, preset: str | None, spreadsheet: str | None,
                    api_url: str | None, credentials: str | None, need_sheet: bool = True,
                    region: str | None = None) -> Any:
    from sheetsync.core.config import load_config, load_preset, resolve_overrides

    if sum(map(bool, (config_path, preset, region))) > 1:
        raise CliError("both_config")
    if region:
        from sheetsync.core.kabkota import region_config
        config = region_config(region)
    elif preset:
        config = load_preset(preset)
    elif config_path:
        config = load_config(config_path)
    elif (found := find_config_file(os.environ)) is not None:
        config = load_config(found)
    else:
        raise CliError("no_config")
    # flag > SHEETSYNC_SPREADSHEET / SHEETSYNC_API_URL > config
    config = resolve_overrides(config, spreadsheet=spreadsheet or None, api_url=api_url or None,
                               credentials=credentials or None)
    if config.api_url:
        _check_api_url(ui, config.api_url)
    if need_sheet and not config.spreadsheet:
        raise CliError("no_spreadsheet", source=config.source)
    if config.spreadsheet:
        _check_spreadsheet(ui, config.spreadsheet)
    return config


def _check_api_url(ui: Ui, url: str) -> None:
    """Plain http off this machine is bad usage (exit 2); any API URL in use is said on
    stderr, so a stale setting cannot quietly send the sheet's traffic elsewhere."""
    from sheetsync.sheets.transport import check_api_url

    check_api_url(url)          # ApiUrlError: explain() prints it in the reader's language
    ui.warn(ui.t("api_url_in_use", url=url))


def _check_spreadsheet(ui: Ui, value: str) -> None:
    """A malformed --spreadsheet is bad usage (exit 2), caught before any API call."""
    from sheetsync.sheets.client import spreadsheet_key
    from sheetsync.sheets.errors import SheetsError

    try:
        spreadsheet_key(value)
    except SheetsError:
        raise CliError("bad_spreadsheet", value=value.strip()) from None


# ----------------------------------------------------------- error handling


def explain(exc: BaseException, ui: Ui) -> tuple[int, list[str]]:
    """Exception -> (exit code, one line saying what to do), in the reader's language."""
    name = type(exc).__name__
    module = type(exc).__module__ or ""
    msg = str(exc).strip() or name
    coded = _coded(exc)
    if coded is not None:
        # one line, whole: its template is sheetsync's and each raise site keeps its params short
        # (the guard's alerts name up to 20 rows before their advice)
        lead = "config_error" if name == "ConfigError" else "error"
        return _exit_code(coded), [ui.t(lead, msg=coded.message(ui.lang).splitlines()[0])]
    if module.startswith("sheetsync"):
        # sheetsync's errors not yet templated are written for the user: print them as they are
        return _exit_code(exc), [ui.t("error", msg=_first_line(msg))]
    if isinstance(exc, BrokenPipeError):
        # our own stdout closed by its reader (`| head`); a socket's EPIPE arrives wrapped by requests
        return EXIT_PIPE, []
    if module.startswith("requests") or module.startswith("urllib3") or isinstance(exc, ConnectionError):
        return EXIT_SYNC, [ui.t("network", where="", msg=_first_line(msg))]
    if module.startswith("google.auth"):
        return EXIT_SYNC, [ui.t("credentials", msg=_first_line(msg))]
    if module.startswith("gspread"):
        return EXIT_SYNC, [ui.t("error", msg=_first_line(msg))]
    if isinstance(exc, (FileNotFoundError, PermissionError, IsADirectoryError)):
        return EXIT_USAGE, [ui.t("error", msg=_first_line(msg))]
    return EXIT_SYNC, [ui.t("internal", msg=f"{name}: {_first_line(msg)}")]


def _exit_code(error: BaseException) -> int:
    """The exit code the error declares, else 3 (could not sync)."""
    code = getattr(error, "exit_code", None)
    return code if isinstance(code, int) else EXIT_SYNC


def _coded(exc: BaseException) -> SheetsyncError | None:
    """The templated error this exception says, itself or the one it was raised from
    (a library wrapping a SheetsyncError in its own exception with the same text)."""
    seen: BaseException | None = exc
    for _ in range(4):
        if seen is None:
            return None
        if isinstance(seen, SheetsyncError) and str(seen) in str(exc):
            return seen
        seen = seen.__cause__ or seen.__context__
    return None


def quiet_stdout() -> None:
    """Point stdout at /dev/null after the reader of a pipe went away, so the
    interpreter's final flush cannot print 'Exception ignored ... BrokenPipeError'."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError, AttributeError):  # no real file descriptor (CliRunner)
        pass


def _first_line(msg: str) -> str:
    return msg.splitlines()[0][:300] if msg else ""


def debug_enabled() -> bool:
    return os.environ.get("SHEETSYNC_DEBUG", "") not in ("", "0")


def example(*lines: str) -> str:
    """The 'Examples' block every --help ends with (a test checks it is there)."""
    body = "\n".join(f"  {line}" for line in lines)
    return f"\b\nExamples:\n{body}"


# ------------------------------------------------------------- help language

class HelpContext(click.Context):
    """A context that remembers a ``--lang`` seen in its own arguments.

    --help is eager: it prints before --lang is parsed and before any callback
    runs, so the language is read from the raw arguments (see HelpCommand.parse_args)."""

    lang_arg: str | None = None


def lang_in_args(args: Sequence[str]) -> str | None:
    """The value of the last ``--lang X`` / ``--lang=X`` in ``args`` (click keeps the last)."""
    found = None
    for i, arg in enumerate(args):
        if arg == "--":
            break
        if arg == "--lang" and i + 1 < len(args):
            found = args[i + 1]
        elif arg.startswith("--lang="):
            found = arg.split("=", 1)[1]
    return found


def help_lang(ctx: click.Context | None) -> str:
    """The language --help and usage errors are written in: a --lang of this command
    or of a parent (``sheetsync --lang id sync --help``), else LC_ALL/LC_MESSAGES/LANG."""
    node = ctx
    while node is not None:
        flag = getattr(node, "lang_arg", None) or node.params.get("lang")
        if flag and flag.lower()[:2] in LANGS:      # `--lang fr` is an error, shown in the locale's language
            return detect_lang(flag)
        node = node.parent
    return detect_lang()


class HelpCommand(click.Command):
    """A command whose --help (and usage errors) are in Bahasa Indonesia when the
    reader's language is id.

    The English texts stay in the docstrings and ``help=``; the Indonesian ones are in
    cli_help_id.py, looked up by command name and option name."""

    context_class = HelpContext

    @property
    def help_key(self) -> str:
        """The name its Indonesian texts are kept under (a subcommand: "fleet sync")."""
        return getattr(self, "qualified_name", None) or self.name or ""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if isinstance(ctx, HelpContext):
            ctx.lang_arg = lang_in_args(args)
        try:
            return super().parse_args(ctx, args)
        except click.UsageError as exc:
            raise localized(exc, ctx) from None

    def format_usage(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        if help_lang(ctx) != "id":
            return super().format_usage(ctx, formatter)
        from sheetsync.cli import help_id as id_
        words = " ".join(self.collect_usage_pieces(ctx)).split(" ")     # "COMMAND [ARGS]..." is one piece
        formatter.write_usage(ctx.command_path, " ".join(id_.metavar(w) for w in words),
                              prefix=id_.HEADINGS["Usage:"] + " ")

    def format_help_text(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        from sheetsync.cli.help_id import command_help

        text = command_help(self.help_key) if help_lang(ctx) == "id" else None
        if text is None:    # English, or a text not translated yet (a test catches that)
            return super().format_help_text(ctx, formatter)
        formatter.write_paragraph()
        with formatter.indentation():
            formatter.write_text(text)

    def format_options(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        if help_lang(ctx) != "id":
            return super().format_options(ctx, formatter)
        from sheetsync.cli.help_id import HEADINGS

        records = [self.help_record_id(ctx, p) for p in self.get_params(ctx)
                   if isinstance(p, click.Option) and not p.hidden]
        if records:
            with formatter.section(HEADINGS["Options"]):
                formatter.write_dl(records)
        if isinstance(self, click.Group):   # click.Group.format_options lists commands after options
            self.format_commands(ctx, formatter)

    def help_record_id(self, ctx: click.Context, option: click.Option) -> tuple[str, str]:
        """click's (spec, help) of ``option``, with the Indonesian help and words."""
        from sheetsync.cli import help_id as id_
        spec, english = option.get_help_record(ctx) or ("", "")
        # click appends "  [default: ...; required]" to the help: keep it, in Indonesian
        notes = english[len(option.help or ""):] if english.startswith(option.help or "") else ""
        text = id_.option_help(self.help_key, max(option.opts, key=len)) or option.help or ""
        return " ".join(id_.metavar(w) for w in spec.split(" ")), (text + id_.notes(notes)).strip()

    def format_epilog(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        if help_lang(ctx) != "id" or not self.epilog:
            return super().format_epilog(ctx, formatter)
        from sheetsync.cli.help_id import epilog

        formatter.write_paragraph()
        with formatter.indentation():
            formatter.write_text(epilog(self.epilog))


class HelpGroup(HelpCommand, click.Group):
    """The group: HelpCommand's help, and its command list in the reader's language."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except click.UsageError as exc:   # "No such command", "Missing command", and the callbacks'
            raise localized(exc, ctx) from None

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        if help_lang(ctx) != "id":
            return super().format_commands(ctx, formatter)
        from sheetsync.cli.help_id import HEADINGS, command_help

        commands = [(name, self.get_command(ctx, name)) for name in self.list_commands(ctx)]
        shown = [(name, cmd) for name, cmd in commands if cmd is not None and not cmd.hidden]
        if not shown:
            return
        limit = formatter.width - 6 - max(len(name) for name, _ in shown)   # as click does
        # click shortens a help to its first sentence; a throwaway Command does it with public API
        rows = [(name, click.Command(name, help=command_help(getattr(cmd, "help_key", name)) or cmd.help)
                 .get_short_help_str(limit))
                for name, cmd in shown]
        with formatter.section(HEADINGS["Commands"]):
            formatter.write_dl(rows)


class UsageErrorId(click.UsageError):
    """A click usage error in Bahasa Indonesia: usage line, the --help hint and the message."""

    def __init__(self, original: click.UsageError) -> None:
        super().__init__(original.format_message(), original.ctx)

    def format_message(self) -> str:
        from sheetsync.cli.help_id import usage_error

        return usage_error(self.message)

    def show(self, file: Any = None) -> None:
        from sheetsync.cli.help_id import USAGE_HINT

        lines = []
        if self.ctx is not None:
            lines.append(self.ctx.get_usage())          # Indonesian already (HelpCommand.format_usage)
            if self.ctx.command.get_help_option(self.ctx) is not None:
                option = max(self.ctx.command.get_help_option_names(self.ctx), key=len)
                lines.append(USAGE_HINT.format(command=self.ctx.command_path, option=option))
            lines.append("")
        lines.append(t("error", "id", msg=self.format_message()))
        click.echo("\n".join(lines), file=file, err=file is None)


# click >= 8.2 shows the help for a bare `sheetsync` by raising this "error": leave it as it is
_HELP_ERRORS: tuple[type, ...] = tuple(getattr(click.exceptions, name) for name in ("NoArgsIsHelpError",)
                                       if hasattr(click.exceptions, name))


def localized(exc: click.UsageError, ctx: click.Context) -> click.UsageError:
    """``exc`` as the reader of ``ctx`` should see it: in Bahasa Indonesia when that is their language."""
    if isinstance(exc, (UsageErrorId, *_HELP_ERRORS)):
        return exc
    return UsageErrorId(exc) if help_lang(exc.ctx or ctx) == "id" else exc
