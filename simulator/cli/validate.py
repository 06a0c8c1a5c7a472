"""``journeysim validate``: check journey files before publishing, for people and CI.

The loader, the validator and the report formats are imported when the command runs,
so ``journeysim --help`` does not pay for them; the validator never imports the engine.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from simulator.cli.common import (
    EXIT_FINDINGS,
    EXIT_OK,
    EXIT_USAGE,
    ReportOutput,
    chosen,
    emit_report,
    refuse_to_overwrite,
    shown_path,
    user_errors,
    without_cycle_collector,
)

if TYPE_CHECKING:
    from simulator.errors import InputError
    from simulator.reporting import ValidationReport

__all__ = ["FORMATS", "register", "validate_command"]

FORMATS = ("text", "json", "junit", "github")
"""The values of ``simulator.reporting.ReportFormat``, spelled out so that parsing the
command line needs no report models (a unit test keeps the two lists equal)."""

_HELP = (
    "Validate journeys and the documents they use; report problems by file:line:column."
    "\n\n"
    "PATH may be a project folder (it holds workspace.json, .yaml or .yml): the whole "
    "project; a document file: that file, and for a journey also the workspace, segments, "
    "trigger contract and communications it refers to (and any other file declaring one of "
    "their ids or, earlier, the journey's: a duplicate id is an error); a folder inside a "
    "project: the documents beneath it; any other folder: every project beneath it, except "
    "inside hidden folders and folders named 'invalid' (collections of deliberately broken "
    "projects) unless such a folder is the PATH given."
    "\n\n"
    "Exit codes: 0 no errors (with --strict: no findings at all); 1 errors (with --strict: "
    "errors or warnings); 2 usage error or unreadable input (missing path, no project, "
    "unreadable file, nothing to validate). A project with a file that cannot be read is "
    "left out, said on stderr; the other projects are still reported."
    "\n\n"
    "With -o, the report goes to FILE; for the json, junit and github formats the text "
    "report still goes to stdout, for the log. -o - is stdout (the text report then goes "
    "to stderr)."
)


def validate_command(
    paths: Annotated[
        list[Path],
        typer.Argument(
            metavar="PATH", help="Project folders, document files or folders.", readable=False
        ),
    ],
    fmt: Annotated[
        str,
        typer.Option("--format", "-f", metavar="<text|json|junit|github>", help="Report format."),
    ] = "text",
    strict: Annotated[
        bool, typer.Option("--strict", help="Warnings fail the run too (exit code 1).")
    ] = False,
    output: ReportOutput = None,
) -> None:
    with user_errors():
        fmt = chosen(fmt, FORMATS)  # before any loading: a typo costs nothing
        from simulator.reporting import ReportFormat, render

        with without_cycle_collector():
            report, unreadable, empty = run(
                paths, strict=strict, now=datetime.now(UTC), output=output
            )
        if unreadable and report.summary.files == 0:
            raise unreadable[0]
        fmt = ReportFormat(fmt)
        log = render(report, ReportFormat.TEXT) if fmt is not ReportFormat.TEXT else None
        emit_report(render(report, fmt), output, log)
    for root in empty:  # clean, but surely not what was meant to be checked
        shown = shown_path(root)
        typer.echo(
            f"journeysim: warning: {shown} holds no journeys ({shown}/journeys/ is empty or "
            "missing): only its other documents were validated",
            err=True,
        )
    if unreadable:  # after the report of the rest: one broken file hides no findings
        for problem in unreadable:
            typer.echo(f"journeysim: error: {problem.message} [{problem.code}]", err=True)
        raise typer.Exit(EXIT_USAGE)
    if report.summary.files == 0:  # an empty selection is a mistake, not a clean run
        where = ", ".join(str(path) for path in paths)
        typer.echo(f"journeysim: warning: nothing to validate: 0 files in {where}", err=True)
        raise typer.Exit(EXIT_USAGE)
    raise typer.Exit(EXIT_OK if report.ok else EXIT_FINDINGS)


def run(
    paths: list[Path], *, strict: bool, now: datetime, output: Path | None = None
) -> tuple[ValidationReport, tuple[InputError, ...], tuple[Path, ...]]:
    """Validate ``paths`` (files named relative to the working folder) into a report,
    why each project that could not be read was left out of it, and the projects
    validated whole that hold no journey; a UsageError when ``output`` (``-o``) is one
    of the files read or a document of a project validated."""
    from simulator.project import validate_paths
    from simulator.reporting import build_report

    result = validate_paths(paths, now=now, relative_to=Path.cwd())
    roots = [project.root for project in result.projects]
    refuse_to_overwrite(output, result.read_paths(), projects=roots)
    report = build_report(result.checked_files(), result.findings, strict=strict)
    return report, result.unreadable, result.without_journeys


def register(app: typer.Typer) -> None:
    app.command("validate", help=_HELP)(validate_command)
