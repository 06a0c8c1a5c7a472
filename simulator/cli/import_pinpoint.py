"""``journeysim import-pinpoint``: translate an Amazon Pinpoint journey export (SPEC §4, §6).

Prints the translation report (a table, or JSON with ``--format json``) on stdout,
writes the import bundle with ``-o FILE`` (``-o -`` for stdout, the report then goes
to stderr) and, with ``--project DIR``, the bundle's documents as a project folder.
Exit codes: 0 translated (warnings and validation findings are in the report);
1 the export (or a template or segment file) does not match Pinpoint's service model,
every problem printed at its JSON location and nothing written; 2 unreadable input.
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, TextIO

import typer

from simulator.cli.common import EXIT_FINDINGS, EXIT_OK, fail, user_errors, write_atomically
from simulator.errors import UsageError

if TYPE_CHECKING:  # the importer and rich are imported when the command runs, not for --help
    from rich.text import Text

    from importers.pinpoint.bundle import ReportEntry
    from importers.pinpoint.loader import ImportRun

__all__ = ["import_pinpoint_command", "register"]

_HELP = (
    "Translate an Amazon Pinpoint journey export into a journeysim import bundle, with a "
    "report of everything that did not translate one to one."
    "\n\n"
    "EXPORT is the output of `aws pinpoint get-journey` or `list-journeys`, or a "
    "WriteJourneyRequest. --templates DIR holds get-email-template / get-sms-template / "
    "get-push-template outputs (*.json); --segments FILE (or DIR) get-segment(s) outputs. "
    "Input is checked against Pinpoint's service model (from botocore) first."
    "\n\n"
    "Exit codes: 0 translated (the report may hold warnings); 1 the input is not a valid "
    "Pinpoint export (every problem is printed at its JSON location); 2 unreadable input."
)
_STYLES = {"error": "bold red", "warning": "yellow", "info": "dim"}
_RANK = {"error": 0, "warning": 1, "info": 2}


def import_pinpoint_command(
    export: Annotated[Path, typer.Argument(metavar="EXPORT", help="A Pinpoint journey export.")],
    templates: Annotated[
        Path | None,
        typer.Option("--templates", metavar="DIR", help="Folder of template exports (*.json)."),
    ] = None,
    segments: Annotated[
        Path | None,
        typer.Option("--segments", metavar="FILE", help="Segment export file (or folder)."),
    ] = None,
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", metavar="FILE", help="Write the bundle (- for stdout)."),
    ] = None,
    project: Annotated[
        Path | None,
        typer.Option("--project", metavar="DIR", help="Also write the bundle as a project."),
    ] = None,
    fmt: Annotated[str, typer.Option("--format", "-f", help="text or json.")] = "text",
) -> None:
    with user_errors():
        if fmt not in ("text", "json"):
            raise UsageError(f"--format must be text or json, not {fmt!r}")
        from importers.pinpoint.loader import import_files, write_project
        from simulator.codes import MALFORMED_INPUT_CODES

        run = import_files(export, templates, segments)
        bundle = run.bundle
        to_stdout = output is not None and str(output) == "-"
        _print_report(run, fmt, sys.stderr if to_stdout else sys.stdout)
        problems = [entry for entry in run.report if entry.code in MALFORMED_INPUT_CODES]
        if problems:
            found = [run.sources.get(e.document or "") for e in problems]
            files = sorted({str(source.path) for source in found if source is not None})
            where = ", ".join(files) or str(export)
            fail(
                f"not a valid Pinpoint export: {len(problems)} problem(s) in {where}", EXIT_FINDINGS
            )
        if project is not None:  # first: it refuses to overwrite before writing anything
            write_project(bundle, project)
        text = json.dumps(bundle.to_wire(), indent=2, ensure_ascii=False) + "\n"
        if to_stdout:
            sys.stdout.write(text)
        elif output is not None:
            write_atomically(output, text)
    raise typer.Exit(EXIT_OK)


def _print_report(run: ImportRun, fmt: str, stream: TextIO) -> None:
    from rich.console import Console
    from rich.measure import Measurement
    from rich.table import Table
    from rich.text import Text

    report = sorted(run.report, key=lambda entry: _RANK[entry.severity.value])
    if fmt == "json":
        document = {
            "format": run.bundle.format,
            "source": run.bundle.source.to_wire(),
            "summary": _summary(run),
            "report": [{**entry.to_wire(), **_position(run, entry)} for entry in report],
        }
        stream.write(json.dumps(document, indent=2, ensure_ascii=False) + "\n")
        return
    table = Table(title="Pinpoint import report")
    for column in ("severity", "code", "where", "message"):
        table.add_column(column, overflow="fold")
    for entry in report:
        style = _STYLES.get(entry.severity.value, "")
        severity = Text(entry.severity.value, style=style)
        table.add_row(severity, Text(entry.code), _where(run, entry), Text(entry.message))
    # Piped output is not cut to a terminal's width: pointers stay whole, one per line.
    wide = Console(width=1000)
    natural = Measurement.get(wide, wide.options, table).maximum
    width = None if stream.isatty() else max(100, natural)
    console = Console(file=stream, highlight=False, width=width)
    console.print(table)
    console.print(Text(_summary_line(run)))


def _summary_line(run: ImportRun) -> str:
    summary = _summary(run)
    made = [("journeys", "journey"), ("communications", "communication"), ("segments", "segment")]
    counts = ", ".join(_plural(summary[key], word) for key, word in made)
    found = summary["severities"]
    severities = ", ".join(_plural(found[key], key) for key in ("error", "warning"))
    return f"translated {counts}; report: {severities}, {found['info']} info"


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def _position(run: ImportRun, entry: ReportEntry) -> dict:
    found = run.position(entry)
    if found is None:
        return {}
    path, line, column = found
    return {"position": {"file": str(path), "line": line, "column": column}}


def _where(run: ImportRun, entry: ReportEntry) -> Text:
    from rich.text import Text

    lines = []
    if entry.template is not None:
        at = f" {entry.line}:{entry.column}" if entry.line else ""
        lines.append(f"template {entry.template}{at}")
    elif entry.activity_id is not None:
        lines.append(f"activity {entry.activity_id}")
    found = run.position(entry)
    if found is not None:
        path, line, column = found
        lines.append(f"{path}:{line}:{column}")
    elif entry.document == "bundle":
        lines.append(f"bundle, journey {entry.journey_id}" if entry.journey_id else "bundle")
    text = Text("\n".join(lines))
    if entry.location:
        text.append(("\n" if lines else "") + entry.location, style="dim")
    return text


def _summary(run: ImportRun) -> dict:
    bundle = run.bundle
    severities = Counter(entry.severity.value for entry in run.report)
    return {
        "journeys": len(bundle.journeys),
        "communications": len(bundle.communications),
        "segments": len(bundle.segments),
        "triggerContracts": len(bundle.trigger_contracts),
        "severities": {k: severities.get(k, 0) for k in ("error", "warning", "info")},
    }


def register(app: typer.Typer) -> None:
    app.command("import-pinpoint", help=_HELP)(import_pinpoint_command)
