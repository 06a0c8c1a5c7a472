"""The compare screen: two traces side by side, the first divergence highlighted.

When the screen is too narrow for two timelines side by side (80 columns), they are
one above the other, each the screen's width, and their detail panes below them side
by side: the panes wrap their text, the timelines cannot.
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import DataTable, Header, Label, Static

from simulator.engine.trace import Trace
from tui.compare import first_divergence
from tui.widgets import KeyFooter, StepDetail, Timeline

__all__ = ["CompareScreen"]

_GUTTER = 3
"""Cells of a side besides its timeline's columns: a scrollbar and the border."""


class CompareScreen(Screen):
    """The previous run on the left, the current one on the right."""

    AUTO_FOCUS = "#left-timeline"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("n", "jump", "Divergence"),
        Binding("escape", "back", "Back"),
    ]

    def __init__(self, left: Trace, right: Trace, left_label: str, right_label: str) -> None:
        super().__init__()
        self.left, self.right = left, right
        self.labels = (left_label, right_label)
        self.divergence = first_divergence(left, right)

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(self._verdict(), id="verdict")
        with Horizontal(id="compare-timelines"):
            for side, label in zip(("left", "right"), self.labels, strict=True):
                with Vertical(classes="side"):
                    yield Label(Text(label, style="bold"), classes="side-label")
                    yield Timeline(id=f"{side}-timeline")
        with Horizontal(id="compare-details"):
            for side in ("left", "right"):
                yield StepDetail(id=f"{side}-detail", classes="side-detail")
        yield KeyFooter()

    def _verdict(self) -> Text:
        if self.divergence is None:
            return Text("the two traces took the same steps with the same decisions", "green")
        return Text(self.divergence.describe(), style="bold yellow")

    def on_mount(self) -> None:
        self.title = "Compare"
        self.sub_title = self.left.journey_id
        mark = self.divergence.index if self.divergence else None
        self.query_one("#left-timeline", Timeline).show(self.left, mark)
        self.query_one("#right-timeline", Timeline).show(self.right, mark)
        self._details(mark or 0)
        self._arrange()
        self.call_after_refresh(self._place, mark or 0)

    def on_resize(self, event: events.Resize) -> None:
        self._arrange()

    def _arrange(self) -> None:
        """One timeline above the other when two uncut ones do not fit side by side."""
        widest = max(timeline.natural_width for timeline in self.query(Timeline))
        self.set_class(self.size.width < 2 * (widest + _GUTTER), "-stacked")

    def _place(self, index: int) -> None:
        for side in ("left", "right"):
            table = self.query_one(f"#{side}-timeline", Timeline)
            table.move_cursor(row=min(index, table.row_count - 1), animate=False)
        self._details(index)

    def _details(self, index: int) -> None:
        self.query_one("#left-detail", StepDetail).show(self.left, index)
        self.query_one("#right-detail", StepDetail).show(self.right, index)

    @on(DataTable.RowHighlighted)
    def _follow(self, event: DataTable.RowHighlighted) -> None:
        """Both sides follow the focused side's cursor, so the same row is read on both."""
        if not event.data_table.has_focus:
            return
        index = event.cursor_row
        for side in ("left", "right"):
            table = self.query_one(f"#{side}-timeline", Timeline)
            moved = table is not event.data_table and table.cursor_row != index
            if moved and index < table.row_count:
                table.move_cursor(row=index, animate=False)
        self._details(index)

    def action_jump(self) -> None:
        if self.divergence is None:
            self.notify("no divergence: the traces agree row for row")
            return
        self._place(self.divergence.index)

    def action_back(self) -> None:
        self.app.pop_screen()
