"""The ``journeysim`` command line: one Typer app, one module per command.

Errors go to stderr, data to stdout. Exit codes: 0 success, 1 findings (validate)
or a failed check, 2 usage error or unreadable input.

Typer's own usage errors (a missing argument, an unknown option, ``--seed abc``) are
printed as every other error is, ``journeysim: error: <message> [usage_error]``, after
the usage line and the ``--help`` hint: a script matches one shape and one code.
"""

from __future__ import annotations

import importlib
import sys
from typing import Annotated

import typer
from typer._click.exceptions import (  # Typer carries its own copy of Click since 0.29
    ClickException,
    NoArgsIsHelpError,
    UsageError,
)
from typer.core import TyperGroup

# Help is drawn with rich (panels, colour) on a terminal, and as plain text when
# piped (usage errors are always plain, in the shape of every other error): typer's
# rich help module alone costs more to import than twice typer itself, which a script
# reading ``--help`` need not pay, and plain text is what grep and less want anyway.
_MARKUP = "rich" if sys.stdout.isatty() else None


class _Group(TyperGroup):
    """The command group, run so that Typer's usage errors come out in our format."""

    def main(self, *args, standalone_mode: bool = True, **kwargs):  # type: ignore[override]
        if not standalone_mode:
            return super().main(*args, standalone_mode=False, **kwargs)
        try:
            returned = super().main(*args, standalone_mode=False, **kwargs)
        except NoArgsIsHelpError as exc:  # ``journeysim`` alone: the help, to stderr
            exc.show()
            sys.exit(exc.exit_code)
        except UsageError as exc:
            if exc.ctx is not None:
                typer.echo(exc.ctx.get_usage(), err=True)
                hint = f"Try '{exc.ctx.command_path} {exc.ctx.help_option_names[0]}' for help."
                typer.echo(f"{hint}\n", err=True)
            typer.echo(f"journeysim: error: {exc.format_message()} [usage_error]", err=True)
            sys.exit(exc.exit_code)
        except ClickException as exc:  # what Click raises beside usage errors
            typer.echo(f"journeysim: error: {exc.format_message()} [usage_error]", err=True)
            sys.exit(exc.exit_code)
        except typer.Abort:
            typer.echo("Aborted.", err=True)
            sys.exit(1)
        sys.exit(returned if isinstance(returned, int) else 0)


app = typer.Typer(
    cls=_Group,
    name="journeysim",
    help="Offline simulator, validator and test harness for Adaptive Journeys.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=_MARKUP,
)


_COMMANDS = {
    "validate": "validate",
    "schema": "schema",
    "simulate": "simulate",
    "demo": "demo",
    "serve": "serve",
    "import-pinpoint": "import_pinpoint",
    "test": "test",
    "run": "run",
    "tui": "tui",
}
"""Each command's name and the ``simulator.cli`` module that defines it, in help order."""


def _show_version(wanted: bool) -> None:
    if wanted:
        from simulator import __version__

        typer.echo(f"journeysim {__version__}")
        raise typer.Exit()


@app.callback()
def _commands(
    version: Annotated[
        bool,
        typer.Option(
            "--version", is_eager=True, callback=_show_version, help="Show the version and exit."
        ),
    ] = False,
) -> None:
    # A callback keeps the app a group of commands when ``main`` registers only one.
    pass


def _register(only: str | None = None) -> None:
    """Register every command, or only the one named (each module's ``register(app)``).

    The modules are imported here, not at the top, so that a broken optional command
    cannot stop the others from loading; and a command given on the command line
    is the only one registered, because Typer inspects the signature of every
    registered command before it runs any (issue 9: every command pays for all).
    """
    names = [only] if only in _COMMANDS else list(_COMMANDS)
    for name in names:
        module = importlib.import_module(f"simulator.cli.{_COMMANDS[name]}")
        module.register(app)


def main() -> None:
    """Console-script entry point."""
    from simulator.cli.common import whole_writes_to_stdout

    whole_writes_to_stdout()
    _register(only=sys.argv[1] if len(sys.argv) > 1 else None)
    try:
        app()
    except BrokenPipeError:  # help or a report piped into ``head``
        from simulator.cli.common import reader_gone

        reader_gone()
