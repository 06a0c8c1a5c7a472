"""The journeys screen: every journey of the workspace, filtered as you type.

A character typed on the table goes to the filter (focused, the character added),
unless a key of the screen is bound to it: ``d`` still dry-runs, ``q`` quits, ``?``
asks for help and ``/`` focuses the filter. From the first character on, every
character is text, also those a terminal delivers in one burst before the filter has
taken the focus (``sq`` is the filter "sq", not a quit), until the table has the focus
again (``escape``, ``tab``, a click). Keys typed right after ``d`` are the dry-run
screen's, though they too reach the table first. The filter does not select its text
when focused, so typing on the table adds to what it holds rather than replacing it.

Back from another screen, the table reads the journeys again: on a served workspace
the journey screen publishes, pauses and bumps them.
"""

from __future__ import annotations

from typing import ClassVar

from rich.cells import cell_len
from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import DataTable, Header, Input

from tui.backend import JourneySummary
from tui.widgets import KeyFooter

__all__ = ["JourneysScreen", "cut", "matches", "share"]

_SHORTEST = 8
"""The fewest cells :func:`share` cuts an id or a name to (the table scrolls below)."""

_SCROLLBAR = 2
"""Cells kept for the table's vertical scrollbar, shown when the rows overflow."""


def share(id_width: int, name_width: int, room: int) -> tuple[int, int]:
    """The cells the id and the name columns get of ``room``: both whole when they
    fit; else the narrower whole if it takes no more than half, the other the rest;
    else half each. Never fewer than :data:`_SHORTEST`.

    >>> share(20, 21, 60), share(20, 60, 50), share(60, 24, 50), share(60, 60, 50)
    ((20, 21), (20, 30), (26, 24), (25, 25))
    """
    if id_width + name_width <= room:
        return id_width, name_width
    half = room // 2
    if id_width <= half:
        return id_width, max(room - id_width, _SHORTEST)
    if name_width <= room - half:
        return max(room - name_width, _SHORTEST), name_width
    return max(half, _SHORTEST), max(room - half, _SHORTEST)


def cut(text: str, width: int) -> Text:
    """``text`` in at most ``width`` terminal cells, an ellipsis ending it when cut
    (a wide character takes two cells).

    >>> cut("Trial Conversion", 8).plain, cut("顧客オンボーディング", 7).plain
    ('Trial C…', '顧客オ…')
    """
    cell = Text(text)
    cell.truncate(width, overflow="ellipsis")
    return cell


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
        self._reshow(journey_id)

    def on_resize(self, event: events.Resize) -> None:
        if self._summaries:
            self._reshow(self.selected())

    def _reshow(self, journey_id: str | None) -> None:
        """The rows again, the cursor on ``journey_id`` when it is still shown."""
        self.refresh_rows()
        table = self.query_one("#journeys", DataTable)
        if journey_id is not None and journey_id in table.rows:
            table.move_cursor(row=table.get_row_index(journey_id), animate=False)

    def refresh_rows(self) -> None:
        """The journeys the filter matches, ids and names cut to the screen's width
        (the journey screen shows them whole) so that errors and warnings stay in view."""
        table = self.query_one("#journeys", DataTable)
        text = self.query_one("#filter", Input).value
        table.clear()
        widths = self._widths(table)
        for column, width in zip(table.ordered_columns, widths, strict=True):
            column.content_width = width  # a table's columns only ever widen by themselves
        id_width, name_width = widths[:2]
        for s in self._summaries:
            if not matches(s, text):
                continue
            errors = Text(str(s.errors), style="bold red" if s.errors else "dim")
            warnings = Text(str(s.warnings), style="yellow" if s.warnings else "dim")
            cells = (s.status, s.version_label, str(s.steps))
            # Text, not str: a table reads a str cell as markup, and a name is free text
            table.add_row(
                cut(s.id, id_width),
                cut(s.name, name_width),
                *map(Text, cells),
                errors,
                warnings,
                key=s.id,
            )
        self.title = f"{self.app.backend_info.workspace_name} · journeys"
        shown = f"{table.row_count} of {len(self._summaries)}"
        self.sub_title = f"{shown} · {self.app.backend_info.source}"

    def _widths(self, table: DataTable) -> list[int]:
        """Each column's width for every journey, also those the filter hides (the
        columns do not move as you type): the id and the name share what the screen's
        width leaves them (:func:`share`), the other columns are whole."""
        cells = [
            (s.id, s.name, s.status, s.version_label, str(s.steps), str(s.errors), str(s.warnings))
            for s in self._summaries
        ]
        widest = [
            max([column.label.cell_len, *(cell_len(row[index]) for row in cells)])
            for index, column in enumerate(table.ordered_columns)
        ]
        padding = 2 * table.cell_padding * len(widest)
        # The app's width, not the table's: a resize reaches the screen before its layout.
        room = self.app.size.width - sum(widest[2:]) - padding - _SCROLLBAR
        return [*share(widest[0], widest[1], room), *widest[2:]]

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
