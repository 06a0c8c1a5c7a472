"""``journeysim run SCENARIO``: a population through a journey on the runtime.

Plays a scenario file (:mod:`simulator.runtime.scenario`) on a fresh in-process
runtime (moto): triggers over time, the virtual clock advanced through every due
dispatch, goal events by arm. Prints the executions summary, step stats, branch
performance with credible intervals and calibrated impact (``--format json`` for
machines). Exit 0 when the run completed, 2 on a bad scenario file. A progress bar is
shown on a terminal (stderr).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from simulator.cli.common import EXIT_OK, chosen, number, user_errors
from simulator.errors import UsageError
from simulator.wording import counted

if TYPE_CHECKING:  # rich is imported when the command runs, not for --help or validate
    from rich.console import Console

__all__ = ["register", "run_command", "show_report"]

_HELP = "Run a population scenario through a journey on the runtime (moto in-process)."


def run_command(
    scenario_file: Annotated[
        Path,
        typer.Argument(metavar="SCENARIO", help="A scenario file (YAML or JSON).", readable=False),
    ],
    population: Annotated[
        int | None,
        typer.Option("--population", "-n", parser=number(), help="Override the population size."),
    ] = None,
    fmt: Annotated[str, typer.Option("--format", "-f", help="text or json.")] = "text",
) -> None:
    from rich.console import Console

    from simulator.runtime.scenario import MAX_POPULATION, load_scenario, run_scenario

    with user_errors():
        fmt = chosen(fmt, ("text", "json"))
        scenario, project = load_scenario(scenario_file)
        if population is not None:
            if not 1 <= population <= MAX_POPULATION:
                raise UsageError(
                    f"--population must be from 1 to {MAX_POPULATION:,}, not {population:,}",
                    location="--population",
                )
            scenario = scenario.model_copy(update={"population": population})
        err = Console(stderr=True)
        if err.is_terminal and fmt == "text":
            from rich.progress import Progress

            with Progress(console=err, transient=True) as progress:
                task = progress.add_task("triggering", total=scenario.population)
                report = run_scenario(
                    scenario, project, lambda done, _: progress.update(task, completed=done)
                )
        else:
            report = run_scenario(scenario, project)
        for advice in report.advice:  # the run completed, but the scenario is off
            typer.echo(f"journeysim: warning: {advice}", err=True)
        if fmt == "json":
            typer.echo(json.dumps(report.to_wire(), indent=2, sort_keys=True))
        else:
            show_report(
                Console(highlight=False, width=None if sys.stdout.isatty() else 100),
                report.to_wire(),
            )
    raise typer.Exit(EXIT_OK)


def show_report(console: Console, report: dict[str, Any]) -> None:
    """The run's summary as a person reads it."""
    from rich.table import Table

    executions = ", ".join(f"{n} {status}" for status, n in sorted(report["executions"].items()))
    skipped = ", ".join(f"{n} {reason}" for reason, n in sorted(report["skipped"].items()))
    console.print(
        f"[bold]{report['journeyId']}[/bold]: {counted(report['population'], 'subject')} · "
        f"executions {executions or 'none'} · held out {report['heldOut']}"
        + (f" · skipped {skipped}" if skipped else "")
        + f" · {report['dispatches']} dispatches"
    )
    steps = Table(title="step stats", title_justify="left")
    for column in ("step", "type", "executed", "skipped", "failed", "skipped by reason"):
        steps.add_column(
            column, justify="right" if column in ("executed", "skipped", "failed") else "left"
        )
    for row in report["stepStats"]:
        reasons = ", ".join(f"{k} {v}" for k, v in sorted(row["skippedByReason"].items()))
        steps.add_row(
            row["stepId"],
            row["type"],
            str(row["executed"]),
            str(row["skipped"]),
            str(row["failed"]),
            reasons,
        )
    console.print(steps)
    for branch in report["branchPerformance"]:
        arms = Table(title=f"branch performance · {branch['stepId']}", title_justify="left")
        for column in ("arm", "reached", "goal events", "rate", "95% interval"):
            arms.add_column(column, justify="left" if column == "arm" else "right")
        for arm in branch["arms"]:
            interval = arm.get("credibleInterval95")
            shown = f"[{interval[0]:.4f}, {interval[1]:.4f}]" if interval else "cold start"
            arms.add_row(
                arm["armId"],
                str(arm["subjectsReached"]),
                str(arm["goalEvents"]),
                f"{arm['rate']:.4f}",
                shown,
            )
        console.print(arms)
    last = report.get("lastAssignments", {})
    if last:
        total = sum(last.values())
        share = ", ".join(f"{arm} {n / total:.0%}" for arm, n in sorted(last.items()))
        console.print(f"last {total} assignments: {share}")
    impact = report["calibratedImpact"]
    lift = "n/a" if impact["lift"] is None else f"{impact['lift']:+.1%}"
    converted, triggered = impact["converted"], impact["triggered"]
    console.print(
        "calibrated impact: "
        f"exposed {converted['exposed']}/{triggered['exposed']} ({impact['exposureRate']:.2%})"
        f" · holdout {converted['holdout']}/{triggered['holdout']} ({impact['holdoutRate']:.2%})"
        f" · lift {lift}" + (" · underpowered" if impact["underpowered"] else "")
    )


def register(app: typer.Typer) -> None:
    app.command("run", help=_HELP)(run_command)
