"""The journey screen: the step graph as a tree, findings beside their steps."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import Header, Static

from tui.backend import JourneyDetail
from tui.widgets import KeyFooter, StepTree

__all__ = ["JourneyScreen"]


class JourneyScreen(Screen):
    """One journey: what it is, its steps as a tree, and what validation says."""

    AUTO_FOCUS = "#steps"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("d", "dry_run", "Dry-run"),
        Binding("escape", "back", "Back"),
    ]

    def __init__(self, detail: JourneyDetail) -> None:
        super().__init__()
        self.detail = detail

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(self._summary(), id="journey-summary")
        yield StepTree(self.detail, id="steps")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.title = self.detail.summary.name
        self.sub_title = self.detail.summary.id

    def _summary(self) -> Text:
        s = self.detail.summary
        journey = self.detail.journey
        text = Text(f"{s.id}", style="bold")
        text.append(f" · {s.status} · {s.version_label} · {s.steps} steps · ")
        text.append(f"{s.errors} errors", style="bold red" if s.errors else "")
        text.append(" · ")
        text.append(f"{s.warnings} warnings", style="yellow" if s.warnings else "")
        if journey is not None:
            goal = journey.goal_event_name
            text.append(f"\naudience {journey.audience_id or '(everyone)'}")
            text.append(f" · trigger {journey.trigger_contract_id or '(manual)'}")
            if goal:
                text.append(f" · goal {goal} in {journey.goal_event_window_days or 'default'} d")
        return text

    def action_dry_run(self) -> None:
        self.app.open_dry_run(self.detail.summary.id)

    def action_back(self) -> None:
        self.app.pop_screen()
