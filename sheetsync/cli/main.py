"""The ``sheetsync`` command.  Entry point: ``sheetsync.cli.main:main``.

Commands live in cli_sheet.py (init, sync, check, plan), cli_report.py
(reconcile, export, history, diff, restore) and cli_demo.py (demo, emulator).
Each is options -> one library call -> print.  This module only builds the
group and turns exceptions into one or two clear lines and an exit code:

  0 ok (even when the data has problems)   1 problems at/above --fail-on, or check found errors
  2 bad usage or config                    3 could not sync (auth, network, lock held, guard)
"""

from __future__ import annotations

import sys
from typing import Any

import click

from sheetsync import __version__
from sheetsync.cli.common import (EXIT_PIPE, EXIT_SYNC, VERBOSE_HELP, HelpGroup, Ui, debug_enabled, example,
                                  explain, quiet_stdout)
from sheetsync.i18n import detect_lang


class SheetsyncGroup(HelpGroup):
    """A group whose commands never show a traceback, also under CliRunner."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (click.exceptions.Exit, click.ClickException, click.Abort):
            raise
        except BrokenPipeError:
            # `sheetsync check | head`: the reader has gone. Stop quietly, as Unix tools do
            # (128 + SIGPIPE); nothing more may reach stdout, not even Python's flush at exit.
            quiet_stdout()
            ctx.exit(EXIT_PIPE)
        except KeyboardInterrupt:
            ui = ctx.find_object(Ui) or Ui()
            click.echo(ui.t("interrupted"), err=True)
            ctx.exit(130)
        except Exception as exc:  # noqa: BLE001 - the one place that catches everything
            if debug_enabled():
                raise
            ui = ctx.find_object(Ui) or Ui(detect_lang())
            code, lines = explain(exc, ui)
            for line in lines:
                click.echo(line, err=True)
            ctx.exit(code if isinstance(code, int) else EXIT_SYNC)

    def list_commands(self, ctx: click.Context) -> list[str]:
        # The order a new user meets them, not alphabetical.
        order = ["demo", "init", "sync", "check", "plan", "reconcile", "export",
                 "history", "diff", "restore", "purge", "emulator"]
        names = list(self.commands)
        return sorted(names, key=lambda n: order.index(n) if n in order else len(order))


@click.group("sheetsync", cls=SheetsyncGroup,
             context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
             epilog=example("sheetsync demo",
                            "sheetsync init --config sheetsync.toml --with-tps",
                            "sheetsync sync --config sheetsync.toml --every 60s"))
@click.option("--lang", type=click.Choice(["en", "id"]), default=None,
              help="Language of messages and help (default: from LANG).")
@click.option("--quiet", "-q", is_flag=True, help="Print only results and errors.")
@click.option("--verbose", "-v", is_flag=True, help=VERBOSE_HELP)
@click.version_option(__version__, prog_name="sheetsync")
@click.pass_context
def cli(ctx: click.Context, lang: str | None, quiet: bool, verbose: bool) -> None:
    """Keep a shared Google Sheet of TPS results validated, totalled and reconciled.

    Every command on a sheet takes --config FILE, --preset NAME or --region
    CODE (default: $SHEETSYNC_CONFIG, else ./sheetsync.toml, else
    $XDG_CONFIG_HOME/sheetsync/sheetsync.toml), plus --spreadsheet, --api-url
    and --credentials to point one config at another sheet or at the
    emulator.  Exit codes: 0 ok, 1 problems (see --fail-on), 2 bad
    usage or config, 3 could not sync.
    """
    from sheetsync.cli.verbose import show_log

    show_log(verbose)      # also off again: one process may run several commands (tests, fleet)
    ctx.obj = Ui(detect_lang(lang), quiet)


def _register() -> None:
    from sheetsync.cli import demo as cli_demo
    from sheetsync.cli import fleet as cli_fleet
    from sheetsync.cli import report as cli_report
    from sheetsync.cli import sheet as cli_sheet
    for module in (cli_sheet, cli_report, cli_demo, cli_fleet):
        for command in module.COMMANDS:
            cli.add_command(command)


_register()


def main(argv: list[str] | None = None) -> None:
    """Console-script entry point."""
    cli.main(args=argv if argv is not None else sys.argv[1:], prog_name="sheetsync")


if __name__ == "__main__":  # pragma: no cover
    main()
