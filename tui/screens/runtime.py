"""The runtime screen of a served journey: executions, outbox and stats, live.

Five tabs over what the Journeys API reports at the virtual clock's ``now``: the last
executions (status, current step), the journey's outbox (masked by the server), step
stats as bars, branch performance with each arm's 95 % credible interval drawn as a
bar (arms still in cold start are marked and have none), and calibrated impact with
the 30-day trend of triggered subjects as a sparkline. ``a`` advances the clock a day
and ``h`` an hour (running due dispatches), and every tab shows the new state; ``r``
reads it again, ``1`` to ``5`` pick a tab. End-user ids are shown as the API lists
them, with e-mail addresses and phone numbers masked.
"""

from __future__ import annotations

from typing import Any, ClassVar

from rich.console import Group
from rich.markup import escape
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import DataTable, Header, Static, TabbedContent, TabPane

from simulator.engine.masking import scrub_id
from tui.backend import JourneySummary, RuntimeView
from tui.widgets import KeyFooter
from tui.widgets.charts import bar, interval_bar, sparkline

__all__ = ["RuntimeScreen", "branch_table", "impact_text", "step_bars"]


def step_bars(stats: list[dict[str, Any]], width: int = 24) -> Table:
    """Per step its counts and one bar against the busiest step: executed ``█``
    (green), skipped ``▒`` (yellow), failed ``░`` (red); skips by reason below."""
    top = max((s["executed"] + s["skipped"] + s["failed"] for s in stats), default=0)
    table = Table(box=None, pad_edge=False)
    for column in ("step", "exec", "skip", "fail", ""):
        numeric = column in ("exec", "skip", "fail")
        table.add_column(column, no_wrap=True, justify="right" if numeric else "left")
    for s in stats:
        cells = [
            (s["executed"], "█", "green"),
            (s["skipped"], "▒", "yellow"),
            (s["failed"], "░", "red"),
        ]
        drawn = Text()
        for count, block, style in cells:
            drawn.append(bar(count, top, width).rstrip().replace("█", block), style)
        reasons = ", ".join(f"{k} {v}" for k, v in sorted(s.get("skippedByReason", {}).items()))
        if reasons:
            drawn.append(f"\n{reasons}", "dim")
        counts = (str(s["executed"]), str(s["skipped"]), str(s["failed"]))
        table.add_row(Text(s["stepId"]), *counts, drawn)
    return table


def branch_table(branches: list[dict[str, Any]], width: int = 24) -> Group:
    """Per adaptive branch, each arm's reach, goals, rate and credible interval."""
    if not branches:
        return Group(Text("this journey has no adaptive branch", style="dim"))
    parts = []
    for branch in branches:
        arms = branch["arms"]
        scale = max((max(a.get("credibleInterval95") or [a["rate"]]) for a in arms), default=1)
        title = escape(branch["stepId"])  # a str title is read as markup
        table = Table(box=None, pad_edge=False, title=title, title_justify="left")
        for column in ("arm", "reached", "goals", "rate", "95% interval"):
            table.add_column(column, no_wrap=True)
        for arm in arms:
            if arm.get("coldStart"):
                shown = Text("cold start (< 200 reached)", style="cyan")
            else:
                low, high = arm["credibleInterval95"]
                shown = Text(interval_bar(low, high, width, scale or 1), "magenta")
                shown.append(f" {low:.3f}–{high:.3f}")
            table.add_row(
                Text(arm["armId"]),
                str(arm["subjectsReached"]),
                str(arm["goalEvents"]),
                f"{arm['rate']:.3f}",
                shown,
            )
        parts.append(table)
    return Group(*parts)


def impact_text(impact: dict[str, Any]) -> Text:
    """Cohorts, rates, lift and the 30-day trend of triggered subjects as sparklines."""
    triggered, converted = impact["triggered"], impact["converted"]
    text = Text()
    for cohort in ("exposed", "holdout"):
        rate = impact["exposureRate"] if cohort == "exposed" else impact["holdoutRate"]
        text.append(f"{cohort:<8} triggered {triggered[cohort]:>5}  converted ")
        text.append(f"{converted[cohort]:>5}  rate {rate:.3f}\n")
    lift = impact.get("lift")
    text.append("lift ", style="bold")
    text.append("n/a (holdout rate is 0)" if lift is None else f"{lift:+.1%}")
    if impact.get("underpowered"):
        text.append("  underpowered (a cohort has fewer than 100)", style="yellow")
    trend = impact.get("dailyTrend", [])
    if trend:
        exposed = [day["triggered"]["exposed"] for day in trend]
        goals = [day["converted"]["exposed"] for day in trend]
        text.append(f"\n\n30 days to {trend[-1]['date']}\n")
        text.append("triggered ")
        text.append(sparkline(exposed), style="cyan")
        text.append("\nconverted ")
        text.append(sparkline(goals), style="green")
    return text


class RuntimeScreen(Screen):
    """A served journey's executions, outbox and stats on the virtual clock."""

    AUTO_FOCUS = "#executions"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("a", "advance('P1D')", "+1 day"),
        Binding("h", "advance('PT1H')", "+1 hour"),
        Binding("r", "reload", "Refresh"),
        *(
            Binding(str(i), f"tab('{name}')", label, show=False)
            for i, (name, label) in enumerate(
                [
                    ("executions", "Executions"),
                    ("outbox", "Outbox"),
                    ("steps", "Steps"),
                    ("branches", "Branches"),
                    ("impact", "Impact"),
                ],
                start=1,
            )
        ),
        Binding("escape", "back", "Back"),
    ]

    def __init__(self, summary: JourneySummary) -> None:
        super().__init__()
        self.summary = summary
        self.view: RuntimeView | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(id="clock")
        with TabbedContent(id="runtime-tabs"):
            with TabPane("Executions", id="tab-executions"):
                yield DataTable(id="executions", cursor_type="row", zebra_stripes=True)
            with TabPane("Outbox", id="tab-outbox"):
                yield DataTable(id="outbox", cursor_type="row", zebra_stripes=True)
            for name, label in (("steps", "Steps"), ("branches", "Branches"), ("impact", "Impact")):
                with TabPane(label, id=f"tab-{name}"), VerticalScroll():
                    yield Static(id=f"{name}-body")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.title = f"Runtime · {self.summary.name}"
        self.sub_title = self.summary.id
        self.query_one("#executions", DataTable).add_columns(
            "end user", "version", "status", "current step", "started"
        )
        self.query_one("#outbox", DataTable).add_columns(
            "sent", "step", "end user", "channel", "subject line"
        )
        self.action_reload()

    def action_reload(self) -> None:
        view = self.app.call_backend(self.app.backend.runtime, self.summary.id)
        if view is not None:
            self.view = view
            self._show(view)

    def action_advance(self, by: str) -> None:
        moved = self.app.call_backend(self.app.backend.advance, by)
        if moved is None:
            return
        now, dispatched = moved
        plural = "s" * (dispatched != 1)
        self.notify(f"clock at {now}: {dispatched} step{plural} dispatched", timeout=3)
        self.action_reload()

    def _show(self, view: RuntimeView) -> None:
        statuses: dict[str, int] = {}
        for execution in view.executions:
            statuses[execution["status"]] = statuses.get(execution["status"], 0) + 1
        counts = ", ".join(f"{n} {status.lower()}" for status, n in sorted(statuses.items()))
        self.query_one("#clock", Static).update(
            Text(f"virtual clock {view.now} · {len(view.executions)} executions")
            + Text(f" ({counts})" if counts else "", style="dim")
        )
        executions = self.query_one("#executions", DataTable)
        executions.clear()
        for e in view.executions:
            executions.add_row(
                Text(scrub_id(e["endUserId"])),
                Text(f"v{e['version']}"),
                _status(e["status"]),
                Text(e.get("currentStepId") or ""),
                Text(e.get("startedAt", "")),
            )
        outbox = self.query_one("#outbox", DataTable)
        outbox.clear()
        for m in view.outbox:
            rendered = m.get("rendered") or {}
            cells = (
                m["sentAt"],
                m["stepId"],
                scrub_id(m["endUserId"]),
                m["channel"],
                rendered.get("subjectLine") or "",
            )
            outbox.add_row(*map(Text, cells))  # a subject line is free text, not markup
        room = max(8, self.size.width - 48)
        self.query_one("#steps-body", Static).update(step_bars(view.step_stats, room))
        self.query_one("#branches-body", Static).update(branch_table(view.branches, room))
        self.query_one("#impact-body", Static).update(impact_text(view.impact))

    def action_tab(self, name: str) -> None:
        """Show one tab (keys 1 to 5, in the order the tabs are drawn)."""
        self.query_one("#runtime-tabs", TabbedContent).active = f"tab-{name}"

    def action_back(self) -> None:
        self.app.pop_screen()


def _status(status: str) -> Text:
    style = {"RUNNING": "cyan", "SUCCEEDED": "green", "FAILED": "red", "ABORTED": "red"}
    return Text(status.lower(), style=style.get(status, ""))
