"""The ``journeysim`` command line: one Typer app, one module per command.

Errors go to stderr, data to stdout. Exit codes: 0 success, 1 findings (validate)
or a failed check, 2 usage error or unreadable input.
"""

from __future__ import annotations

import importlib
import sys
from typing import Annotated

import typer

# Help and usage errors are drawn with rich (panels, colour) on a terminal, and as
# plain text when piped: typer's rich help module alone costs more to import than
# twice typer itself, which a script reading ``--help`` need not pay, and plain text
# is what grep and less want anyway.
_MARKUP = "rich" if sys.stdout.isatty() else None

app = typer.Typer(
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
    _register(only=sys.argv[1] if len(sys.argv) > 1 else None)
    try:
        app()
    except BrokenPipeError:  # help or a report piped into ``head``
        from simulator.cli.common import reader_gone

        reader_gone()
