"""The journeys screen: every journey of the workspace, filtered as you type."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import DataTable, Header, Input

from tui.backend import JourneySummary
from tui.widgets import KeyFooter

__all__ = ["JourneysScreen", "matches"]

_NAME_WIDTH = 28
"""Longer names are cut (the journey screen shows them whole), so that the errors and
warnings columns stay in view at 80 columns."""


def matches(summary: JourneySummary, text: str) -> bool:
    """Whether every word of ``text`` is in the journey's id, name or status.

    >>> s = JourneySummary("trial-conv-2026", "Trial Conversion", "draft", None, 10, 0, 0)
    >>> matches(s, "trial conv"), matches(s, "renewal"), matches(s, "")
    (True, False, True)
    """
    haystack = f"{summary.id} {summary.name} {summary.status}".lower()
    return all(word in haystack for word in text.lower().split())


class JourneysScreen(Screen):
    """A table of journeys (id, name, status, version, steps, errors, warnings)."""

    TITLE = "Journeys"
    AUTO_FOCUS = "#journeys"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "open", "Open", priority=True),
        Binding("slash", "focus_filter", "Filter"),
        Binding("d", "dry_run", "Dry-run"),
        Binding("escape", "clear_filter", "Clear filter", show=False),
    ]

    def __init__(self) -> None:
        super().__init__()
        self._summaries: list[JourneySummary] = []

    def compose(self) -> ComposeResult:
        yield Header()
        yield Input(placeholder="filter: type part of an id or a name", id="filter")
        yield DataTable(id="journeys", cursor_type="row", zebra_stripes=True)
        yield KeyFooter()

    def on_mount(self) -> None:
        table = self.query_one("#journeys", DataTable)
        for label, key in (
            ("id", "id"),
            ("name", "name"),
            ("status", "status"),
            ("ver", "version"),
            ("steps", "steps"),
            ("err", "errors"),
            ("warn", "warnings"),
        ):
            table.add_column(Text(label), key=key)
        self._summaries = self.app.call_backend(self.app.backend.journeys) or []
        self.refresh_rows()

    def refresh_rows(self) -> None:
        table = self.query_one("#journeys", DataTable)
        text = self.query_one("#filter", Input).value
        table.clear()
        for s in self._summaries:
            if not matches(s, text):
                continue
            errors = Text(str(s.errors), style="bold red" if s.errors else "dim")
            warnings = Text(str(s.warnings), style="yellow" if s.warnings else "dim")
            name = s.name if len(s.name) <= _NAME_WIDTH else s.name[: _NAME_WIDTH - 1] + "…"
            cells = (s.id, name, s.status, s.version_label, str(s.steps))
            # Text, not str: a table reads a str cell as markup, and a name is free text
            table.add_row(*map(Text, cells), errors, warnings, key=s.id)
        self.title = f"{self.app.backend_info.workspace_name} · journeys"
        shown = f"{table.row_count} of {len(self._summaries)}"
        self.sub_title = f"{shown} · {self.app.backend_info.source}"

    def on_input_changed(self, event: Input.Changed) -> None:
        self.refresh_rows()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        self.app.open_journey(str(event.row_key.value))

    def selected(self) -> str | None:
        table = self.query_one("#journeys", DataTable)
        if not table.row_count:
            return None
        return str(table.coordinate_to_cell_key((table.cursor_row, 0)).row_key.value)

    def action_open(self) -> None:
        journey_id = self.selected()
        if journey_id is None:
            self.notify("no journey matches the filter", severity="warning")
            return
        self.app.open_journey(journey_id)

    def action_dry_run(self) -> None:
        journey_id = self.selected()
        if journey_id is not None:
            self.app.open_dry_run(journey_id)

    def action_focus_filter(self) -> None:
        self.query_one("#filter", Input).focus()

    def action_clear_filter(self) -> None:
        field = self.query_one("#filter", Input)
        field.value = ""
        self.query_one("#journeys", DataTable).focus()
