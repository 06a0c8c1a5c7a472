"""``journeysim test``: run the scenario files of a project (journey tests as code).

A thin shell over :mod:`simulator.journeytests`, imported inside the command so that
``journeysim --help`` does not load the engine.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from simulator.cli.common import (
    EXIT_FINDINGS,
    EXIT_OK,
    EXIT_USAGE,
    ReportOutput,
    chosen,
    emit_report,
    number,
    refuse_to_overwrite,
    user_errors,
)
from simulator.errors import UsageError

__all__ = ["register", "test_command"]

_HELP = (
    "Run journey tests: the cases of *.journeytest.yaml (.yml, .json) scenario files, each "
    "a dry-run whose trace is checked against the case's expectations."
    "\n\n"
    "PATH (default: the current folder) is a scenario file or a folder searched beneath "
    "(not entering hidden folders or folders named 'invalid' unless given). Each file's "
    "journeys, subjects and communications come from its enclosing project."
    "\n\n"
    "Exit codes: 0 every case passed (and coverage reached --fail-under); 1 a case failed "
    "or coverage is below --fail-under; 2 bad input (an invalid scenario file, reported "
    "as file:line:column; a missing path; no scenario files)."
)


def test_command(
    paths: Annotated[
        list[Path] | None,
        typer.Argument(
            metavar="PATH", help="Scenario files or folders (default: .).", readable=False
        ),
    ] = None,
    select: Annotated[
        str | None,
        typer.Option("-k", metavar="EXPRESSION", help="Run cases whose id matches (as pytest -k)."),
    ] = None,
    fmt: Annotated[
        str, typer.Option("--format", "-f", help="text, json, junit or github.")
    ] = "text",
    output: ReportOutput = None,
    coverage: Annotated[
        bool, typer.Option("--coverage", help="Report journey coverage (steps, branches, ...).")
    ] = False,
    fail_under: Annotated[
        float | None,
        typer.Option(
            "--fail-under",
            metavar="PCT",
            parser=number(float, minimum=0, maximum=100),
            help="Exit 1 when coverage is below PCT (0 to 100).",
        ),
    ] = None,
    update: Annotated[
        bool, typer.Option("--update", help="Write changed or missing snapshot golden files.")
    ] = False,
    exitfirst: Annotated[
        bool, typer.Option("--exitfirst", "-x", help="Stop after the first failed case.")
    ] = False,
) -> None:
    with user_errors():
        from simulator.journeytests import report as reports
        from simulator.journeytests.loading import load_suite
        from simulator.journeytests.selection import compile_selection
        from simulator.journeytests.session import run_cases

        fmt = chosen(fmt, reports.FORMATS)
        keep = compile_selection(select) if select else None
        suite = load_suite(paths or [Path(".")], relative_to=Path.cwd())
        refuse_to_overwrite(output, suite.read_paths(), projects=[p.root for p in suite.projects])
        if suite.problems:
            emit_report(reports.render_problems(suite.problems, fmt), output)
            raise typer.Exit(EXIT_USAGE)
        results = run_cases(suite.cases, update=update, select=keep, stop_first=exitfirst)
        if not results:
            raise UsageError(f"no case matches -k {select!r}")
        measured = coverage or fail_under is not None
        covered, locate = _coverage(suite, results) if measured else (None, None)
        selected = sum(keep is None or keep(case.id) for case in suite.cases)
        shown = {"coverage": covered, "locate": locate, "not_run": selected - len(results)}
        text = reports.render_results(results, fmt, **shown)
        text_log = reports.render_results(results, "text", **shown)
        emit_report(text, output, text_log if fmt != "text" else None)
        failed = any(not r.passed for r in results)
        # exactly: a rounded percentage let --fail-under 100 pass with a branch uncovered
        if fail_under is not None and covered is not None and reports.below(covered, fail_under):
            counted = reports.coverage_wire(covered, None)
            message = (
                f"journey coverage {reports.total_percent(covered):.1f}% ({counted['covered']} "
                f"of {counted['total']} items) is below --fail-under {fail_under:g}"
            )
            typer.echo(f"journeysim: {message}", err=True)
            failed = True
    raise typer.Exit(EXIT_FINDINGS if failed else EXIT_OK)


def _coverage(suite, results):
    """Coverage per journey of each project: a project's journeys are covered by its own
    cases' traces only (two projects tested together may share journey ids), and
    located in their own files."""
    from simulator.journeytests.coverage import journey_coverage
    from simulator.project import DocumentKind
    from simulator.project.positions import lookup

    traces = {}
    for result in results:
        if result.trace is not None:
            traces.setdefault(result.case.source.project.root, []).append(result.trace)
    documents = {}
    entries = []
    for project in suite.projects:
        if project.world is None:
            continue
        for journey_id, journey in sorted(project.journeys.items()):
            document = project.find(DocumentKind.JOURNEY, journey_id)
            file = document.name if document is not None else journey_id
            documents[file] = document
            ran = traces.get(project.root, [])
            entries.append(journey_coverage(journey, project.world, ran, file=file))

    def locate(entry, pointer: str) -> tuple[str, int, int]:
        document = documents.get(entry.file)
        if document is None:
            return entry.file, 1, 1
        line, column = lookup(document.positions, pointer)
        return document.name, line, column

    return entries, locate


def register(app: typer.Typer) -> None:
    app.command("test", help=_HELP)(test_command)
