"""``journeysim import-pinpoint``: translate an Amazon Pinpoint journey export (SPEC §4, §6).

Prints the translation report (text, or JSON with ``--format json``) on stdout,
writes the import bundle with ``-o FILE`` (``-o -`` for stdout, the report then goes
to stderr) and, with ``--project DIR``, the bundle's documents as a project folder;
what was written (or that nothing was) is said on stderr, and the report's last line
says what was translated, or, when the input is no valid export, that nothing was
written and how many errors stopped it. ``--goal-event NAME`` (``--goal-window-days
N``) gives every journey a goal, which a translated ``RandomSplit`` (an adaptive
branch) needs to validate.
Exit codes: 0 translated (warnings and validation findings are in the report);
1 the export (or a template or segment file) does not match Pinpoint's service model,
every problem printed at its JSON location and nothing written; 2 unreadable input.

The text report fits where it goes: on a terminal at least 120 columns wide, a table
that wraps its cells to the terminal's width; on a narrower terminal, or piped (to a
file, a pager, a CI log), one block per finding, at most 100 columns wide (the
terminal's width when narrower): the severity, code and subject on the first line,
the file position and JSON pointer on the next, the message wrapped beneath.
"""

from __future__ import annotations

import json
import sys
import textwrap
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, TextIO

import typer

from simulator.cli.common import (
    EXIT_FINDINGS,
    EXIT_OK,
    chosen,
    fail,
    number,
    output_path,
    refuse_to_overwrite,
    user_errors,
    write_atomically,
)
from simulator.errors import UsageError
from simulator.wording import counted

if TYPE_CHECKING:  # the importer and rich are imported when the command runs, not for --help
    from rich.table import Table
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
    "get-push-template / get-in-app-template outputs or create-*-template request bodies "
    "(*.json); --segments FILE (or DIR) get-segment(s) outputs. boto3 answers dumped with "
    "json.dumps and --cli-input-json files work too. Input is checked against Pinpoint's "
    "service model (from botocore) first."
    "\n\n"
    "--goal-event NAME sets the journeys' goal (a RandomSplit becomes an adaptive branch, "
    "which needs one)."
    "\n\n"
    "Exit codes: 0 translated (the report may hold warnings); 1 the input is not a valid "
    "Pinpoint export (every problem is printed at its JSON location); 2 unreadable input."
)
_STYLES = {"error": "bold red", "warning": "yellow", "info": "dim"}
_RANK = {"error": 0, "warning": 1, "info": 2}


def import_pinpoint_command(
    export: Annotated[
        Path, typer.Argument(metavar="EXPORT", help="A Pinpoint journey export.", readable=False)
    ],
    templates: Annotated[
        Path | None,
        typer.Option(
            "--templates",
            metavar="DIR",
            help="Folder of template exports (*.json).",
            readable=False,
        ),
    ] = None,
    segments: Annotated[
        Path | None,
        typer.Option(
            "--segments", metavar="FILE", help="Segment export file (or folder).", readable=False
        ),
    ] = None,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            metavar="FILE",
            help="Write the bundle (- for stdout).",
            readable=False,
            parser=output_path,
        ),
    ] = None,
    project: Annotated[
        Path | None,
        typer.Option(
            "--project", metavar="DIR", help="Also write the bundle as a project.", readable=False
        ),
    ] = None,
    fmt: Annotated[str, typer.Option("--format", "-f", help="text or json.")] = "text",
    goal_event: Annotated[
        str | None,
        typer.Option("--goal-event", metavar="NAME", help="Set the journeys' goal event."),
    ] = None,
    goal_window_days: Annotated[
        int | None,
        typer.Option(
            "--goal-window-days",
            metavar="N",
            parser=number(minimum=1, maximum=365),
            help="Days after entry the goal counts (default: the workspace's).",
        ),
    ] = None,
) -> None:
    with user_errors():
        fmt = chosen(fmt, ("text", "json"))
        if goal_window_days is not None and not goal_event:
            raise UsageError("--goal-window-days needs --goal-event NAME")
        if goal_event is not None and not goal_event.strip():
            raise UsageError("--goal-event needs an event name")
        from importers.pinpoint.loader import import_files, project_files, write_project
        from simulator.codes import MALFORMED_INPUT_CODES

        run = import_files(
            export, templates, segments, goal_event=goal_event, goal_window_days=goal_window_days
        )
        bundle = run.bundle
        to_stdout = output is not None and str(output) == "-"
        problems = [entry for entry in run.report if entry.code in MALFORMED_INPUT_CODES]
        planned = project_files(bundle, project) if project is not None and not problems else {}
        read = [export, *(source.path for source in run.sources.values())]
        refuse_to_overwrite(output, read, planned, [project] if project else [])
        # Files first, the report after: a reader that stops early (``| head``) or a
        # report that cannot be printed never costs the files.
        written: list[Path] = []
        if not problems:
            text = json.dumps(bundle.to_wire(), indent=2, ensure_ascii=False) + "\n"
            if project is not None:  # first: it refuses to overwrite before writing any
                written = write_project(bundle, project, planned)
            if output is not None and not to_stdout:
                write_atomically(output, text)
        wrote = [str(path) for path in written]
        if not problems and output is not None and not to_stdout:
            wrote.append(str(output))
        stream = sys.stderr if to_stdout else sys.stdout
        _print_report(run, fmt, stream, blocked=len(problems), wrote=wrote)
        if problems:
            found = [run.sources.get(e.document or "") for e in problems]
            files = sorted({str(source.path) for source in found if source is not None})
            where = ", ".join(files) or str(export)
            # The code is the first problem's (the report above lists every one).
            fail(
                f"not a valid Pinpoint export: {counted(len(problems), 'problem')} in {where}; "
                "nothing written",
                code=problems[0].code,
                exit_code=EXIT_FINDINGS,
            )
        if to_stdout:
            sys.stdout.write(text)
        _say_what_was_written(run, output, project, written)
    raise typer.Exit(EXIT_OK)


def _say_what_was_written(
    run: ImportRun, output: Path | None, project: Path | None, written: list[Path]
) -> None:
    contents = _contents(run)
    if output is not None and str(output) != "-":
        typer.echo(f"wrote the bundle to {output} ({contents})", err=True)
    if project is not None:
        names = ", ".join(str(path.relative_to(project)) for path in written)
        typer.echo(f"wrote {counted(len(written), 'file')} to {project}/: {names}", err=True)
        journeys = sorted(p for p in written if p.parent.name == "journeys")
        if journeys:
            typer.echo(
                f"next: journeysim validate {project} && journeysim simulate {journeys[0]} "
                "--synthetic",
                err=True,
            )
    if output is None and project is None:
        typer.echo(
            f"nothing written ({contents} translated): add -o bundle.json or --project DIR",
            err=True,
        )


def _contents(run: ImportRun) -> str:
    summary = _summary(run)
    made = [
        ("journeys", "journey"),
        ("communications", "communication"),
        ("segments", "segment"),
        ("triggerContracts", "trigger contract"),
    ]
    return ", ".join(counted(summary[key], word) for key, word in made)


def _print_report(
    run: ImportRun, fmt: str, stream: TextIO, blocked: int = 0, wrote: Sequence[str] = ()
) -> None:
    """Print the report; ``blocked``: how many entries make the input no valid export
    (then nothing is written, and the text summary says so rather than what was
    translated). The JSON report lists the files ``wrote`` (``written``: empty when
    nothing was, the bundle on stdout aside), so a script need not parse stderr."""
    report = sorted(run.report, key=lambda entry: _RANK[entry.severity.value])
    if fmt == "json":
        document = {
            "format": run.bundle.format,
            "source": run.bundle.source.to_wire(),
            "summary": _summary(run),
            "report": [{**entry.to_wire(), **_position(run, entry)} for entry in report],
            "written": list(wrote),
        }
        stream.write(json.dumps(document, indent=2, ensure_ascii=False) + "\n")
        return
    from rich.console import Console
    from rich.text import Text

    terminal = stream.isatty()
    console = Console(file=stream, highlight=False, width=None if terminal else PIPED_WIDTH)
    if terminal and console.width >= TABLE_MIN_WIDTH:
        console.print(_table(run, report))
    else:
        console.width = min(console.width, PIPED_WIDTH)
        console.print(Text("Pinpoint import report", style="bold"))
        for entry in report:
            console.print()
            for line in _block(run, entry, console.width):
                console.print(line, overflow="fold")
        console.print()
    console.print(Text(_summary_line(run, blocked)), overflow="fold")


PIPED_WIDTH = 100
"""The widest the report prints when piped or on a narrow terminal."""
TABLE_MIN_WIDTH = 120
"""The narrowest terminal the report prints as a table on."""


def _table(run: ImportRun, report: list[ReportEntry]) -> Table:
    from rich.table import Table
    from rich.text import Text

    table = Table(title="Pinpoint import report", expand=True)
    table.add_column("severity", no_wrap=True)
    table.add_column("code", overflow="fold", ratio=2)
    table.add_column("where", overflow="fold", ratio=3)
    table.add_column("message", overflow="fold", ratio=5)
    for entry in report:
        severity = Text(entry.severity.value, style=_STYLES.get(entry.severity.value, ""))
        table.add_row(severity, Text(entry.code), _where(run, entry), Text(entry.message))
    return table


def _block(run: ImportRun, entry: ReportEntry, width: int) -> list[Text]:
    from rich.text import Text

    """One finding: severity, code and subject; file position and pointer; the message.

    Wrapped here rather than by rich, which pads wrapped lines to the full width.
    """
    head = "  ".join(part for part in (entry.code, _subject(entry)) if part)
    style = _STYLES.get(entry.severity.value, "")
    lines = [Text(entry.severity.value, style=style) + Text(f"  {head}")]
    found = run.position(entry)
    place = f"{found[0]}:{found[1]}:{found[2]}" if found is not None else ""
    located = "  ".join(part for part in (place, entry.location or "") if part)
    lines += [Text(line, style="dim") for line in _wrap(located, width)]
    lines += [Text(line) for line in _wrap(entry.message, width)]
    return lines


def _wrap(text: str, width: int) -> list[str]:
    return textwrap.wrap(
        text,
        width=width,
        initial_indent="  ",
        subsequent_indent="  ",
        break_on_hyphens=False,
        break_long_words=True,
    )


def _subject(entry: ReportEntry) -> str:
    if entry.template is not None:
        at = f" {entry.line}:{entry.column}" if entry.line else ""
        return f"template {entry.template}{at}"
    if entry.activity_id is not None:
        return f"activity {entry.activity_id}"
    if entry.document == "bundle":
        return f"bundle, journey {entry.journey_id}" if entry.journey_id else "bundle"
    return ""


def _summary_line(run: ImportRun, blocked: int = 0) -> str:
    summary = _summary(run)
    found = summary["severities"]
    severities = ", ".join(counted(found[key], key) for key in ("error", "warning"))
    report = f"report: {severities}, {found['info']} info"
    if blocked:
        return (
            f"nothing written: not a valid Pinpoint export ({counted(blocked, 'error')}); {report}"
        )
    made = [("journeys", "journey"), ("communications", "communication"), ("segments", "segment")]
    counts = ", ".join(counted(summary[key], word) for key, word in made)
    return f"translated {counts}; {report}"


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
