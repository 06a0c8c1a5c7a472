"""The ``journeysim`` command line: one Typer app, one module per command.

Errors go to stderr, data to stdout. Exit codes: 0 success, 1 findings (validate)
or a failed check, 2 usage error or unreadable input.
"""

from __future__ import annotations

import sys

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


def _register() -> None:
    # Each command module defines ``register(app)``; imported lazily so that a
    # broken optional command cannot stop the others from loading.
    from simulator.cli import demo, import_pinpoint, schema, serve, simulate, validate
    from simulator.cli import run as run_cli
    from simulator.cli import test as test_cli

    for module in (validate, schema, simulate, demo, serve, import_pinpoint):
        module.register(app)
    test_cli.register(app)
    run_cli.register(app)
    from simulator.cli import tui

    tui.register(app)


def main() -> None:
    """Console-script entry point."""
    _register()
    app()
