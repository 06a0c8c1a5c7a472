"""The journeys screen: every journey of the workspace, filtered as you type.

A character typed on the table goes to the filter (focused, the character added),
unless a key of the screen is bound to it: ``d`` still dry-runs, ``q`` quits, ``?``
asks for help and ``/`` focuses the filter. From the first character on, every
character is text, also those a terminal delivers in one burst before the filter has
taken the focus (``sq`` is the filter "sq", not a quit), until the table has the focus
again (``escape``, ``tab``, a click). Keys typed right after ``d`` are the dry-run
screen's, though they too reach the table first. The filter does not select its text when
focused, so typing on the table adds to what it holds rather than replacing it.

Back from another screen, the table reads the journeys again: on a served workspace
the journey screen publishes, pauses and bumps them.
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import events
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
        self._typing = False
        """Whether keys typed on the table are the filter's (since a character went there)."""
        self._stale = False
        """Whether another screen was shown since the journeys were read."""

    def compose(self) -> ComposeResult:
        yield Header()
        yield Input(
            placeholder="filter: type part of an id or a name", id="filter", select_on_focus=False
        )
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

    def on_screen_suspend(self) -> None:
        self._stale = True

    def on_screen_resume(self) -> None:
        """Read the journeys again after another screen: on a served workspace it may
        have published, paused or bumped one (and another member may have too)."""
        if not self._stale:
            return
        self._stale = False
        journey_id = self.selected()
        summaries = self.app.call_backend(self.app.backend.journeys)
        if summaries is None:  # the error is the notification; keep what is shown
            return
        self._summaries = summaries
        self.refresh_rows()
        table = self.query_one("#journeys", DataTable)
        if journey_id is not None and journey_id in table.rows:
            table.move_cursor(row=table.get_row_index(journey_id), animate=False)

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

    async def on_key(self, event: events.Key) -> None:
        """A printable key typed on the table that no active binding takes (those keep
        their actions) starts the filter with its character; the keys after it are text.

        Only keys the table let through get here (the filter keeps the printable keys
        it receives): the focus moves to the filter after the keys already on their
        way to the table, which are added here. A bound key runs its action here, not
        once it has reached the app: the keys behind it then find the screen it opened
        (``d``, ``?``) on top, and go there rather than into a filter no one sees."""
        if not (event.is_printable and event.character):
            return
        if not self.is_active:
            event.stop()
            event.prevent_default()
            self.app.post_message(events.Key(event.key, event.character))
            return
        bound = None if self._typing else self.active_bindings.get(event.key)
        if bound is not None:
            event.stop()
            event.prevent_default()
            await self.app.run_action(bound.binding.action, bound.node)
            return
        event.stop()
        event.prevent_default()
        self._typing = True
        field = self.query_one("#filter", Input)
        field.focus()
        field.cursor_position = len(field.value)
        field.insert_text_at_cursor(event.character)

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        if event.widget.id == "journeys":
            self._typing = False

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
