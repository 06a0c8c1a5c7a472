"""``journeysim demo``: the main job on the bundled fixtures, as a short tour.

The demo is a list of sections, each a function of one ``DemoContext``; adding a
part to the tour is writing ``def show_something(context)`` and listing it in
``SECTIONS``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from simulator.cli.common import EXIT_FINDINGS, EXIT_OK, user_errors
from simulator.cli.simulate import show_dry_run
from simulator.project.kinds import DocumentKind
from simulator.wording import counted

if TYPE_CHECKING:  # imported when the demo runs, not for --help
    from rich.console import Console

    from simulator.findings import Finding
    from simulator.models import Journey
    from simulator.project import Document, LoadedProject

__all__ = ["SECTIONS", "DemoContext", "demo_command", "register", "show_validation"]

DEMO_PROJECT = "acme"


@dataclass(frozen=True)
class DemoContext:
    """What every demo section may use."""

    console: Console
    fixtures: Path
    project: LoadedProject
    findings: tuple[Finding, ...]
    """Validation findings of the whole project, located."""
    now: datetime


def _plural(count: int, kind: DocumentKind) -> str:
    return counted(count, kind.value.replace("-", " "))


def _step_counts(journey: Journey) -> Counter[str]:
    return Counter(step.type for step in journey.steps)


def _result(findings: list[Finding]) -> str:
    from simulator.codes import Severity

    severities = Counter(finding.severity for finding in findings)
    errors, warnings = severities[Severity.ERROR], severities[Severity.WARNING]
    if not errors and not warnings:
        return "[green]valid[/green]"
    parts = [f"[red]{errors} error{'s' * (errors != 1)}[/red]"] if errors else []
    if warnings:
        parts.append(f"[yellow]{warnings} warning{'s' * (warnings != 1)}[/yellow]")
    return ", ".join(parts)


def _journey_row(document: Document, findings: list[Finding]) -> list[str]:
    from simulator.models import Journey

    journey = document.model if isinstance(document.model, Journey) else None
    counts = _step_counts(journey) if journey else Counter()
    numbers = [str(counts[t]) if journey else "-" for t in ("send", "wait", "branch")]
    steps = str(len(journey.steps)) if journey else "-"
    return [document.id or document.name, steps, *numbers, _result(findings)]


def show_validation(context: DemoContext) -> None:
    """A table of the project's journeys with their shape and validation result."""
    from rich.table import Table

    from simulator.reporting import build_report, finding_line, summary_line

    project, console = context.project, context.console
    workspace = project.world.workspace if project.world else None
    title = f"Journeys of workspace {workspace.name!r}" if workspace else "Journeys"
    table = Table(title=title, title_justify="left")
    for header in ("journey", "steps", "sends", "waits", "branches", "result"):
        table.add_column(header, justify="left" if header in ("journey", "result") else "right")
    for document in project.of_kind(DocumentKind.JOURNEY):
        own = [f for f in context.findings if f.source and f.source.file == document.name]
        table.add_row(*_journey_row(document, own))
    console.print(table)
    report = build_report(
        [(d.name, d.kind.value, d.id) for d in project.documents], context.findings
    )
    for finding in report.findings:
        console.print(finding_line(finding), markup=False, highlight=False)
    kinds = Counter(document.kind for document in project.documents)
    listed = ", ".join(_plural(count, kind) for kind, count in kinds.items())
    line = f"Validated the example project {DEMO_PROJECT!r}: {summary_line(report)}"
    console.print(line, markup=False, highlight=False)
    console.print(f"({listed})", markup=False, highlight=False)


DEMO_POPULATION = 150
"""Subjects of the demo's population run: enough to show every part of the runtime
in a few seconds; ``journeysim run`` plays the scenario's full 1,000 (the bandit
leaves cold start at 200 subjects per arm)."""


def show_runtime(context: DemoContext) -> None:
    """Demo section: the bundled Expansion Nudge scenario on the runtime, shortened."""
    from simulator.cli.run import show_report
    from simulator.runtime.scenario import load_scenario, run_scenario

    path = context.fixtures / "scenarios" / "expansion-nudge.scenario.yaml"
    scenario, project = load_scenario(path)
    scenario = scenario.model_copy(update={"population": DEMO_POPULATION})
    context.console.print()
    context.console.print(
        f"[bold]Runtime[/bold]: {DEMO_POPULATION} subjects through expansion-nudge-2026 on "
        "Step Functions and DynamoDB (moto), 30 virtual days"
    )
    show_report(context.console, run_scenario(scenario, project).to_wire())
    context.console.print("the full scenario (1,000 subjects, the bandit past cold start):")
    # on a line of its own, never wrapped, and with a path that works from here
    here = Path.cwd()
    shown = path.relative_to(here) if path.is_relative_to(here) else path
    context.console.print(
        f"  journeysim run {shown}", markup=False, highlight=False, soft_wrap=True
    )


SECTIONS: list[Callable[[DemoContext], None]] = [show_validation, show_dry_run, show_runtime]
"""The demo's parts, in order."""


def demo_command() -> None:
    from rich.console import Console

    from simulator.findings import has_errors
    from simulator.paths import fixtures_dir
    from simulator.project import load_project, validate_project

    with user_errors():
        fixtures = fixtures_dir()
        project = load_project(fixtures / DEMO_PROJECT, relative_to=fixtures)
        now = datetime.now(UTC)
        findings = tuple(validate_project(project, now))
        context = DemoContext(Console(), fixtures, project, findings, now)
        for section in SECTIONS:
            section(context)
    raise typer.Exit(EXIT_FINDINGS if has_errors(findings) else EXIT_OK)


def register(app: typer.Typer) -> None:
    app.command("demo", help="Validate the bundled example project and show what it holds.")(
        demo_command
    )
