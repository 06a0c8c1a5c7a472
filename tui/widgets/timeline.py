"""The trace as a timeline table: time, step, decision (coloured), reason.

Row 0 is the entry; then one row per step record, as :func:`tui.compare.rows` reads
the trace, so the compare screen and the dry-run screen number rows alike. A table
narrower than its rows cuts the reason, then the step id, with an ellipsis (the
detail pane has both whole), so that the time and the decision stay in view.
"""

from __future__ import annotations

from rich.cells import cell_len
from rich.text import Text
from textual import events
from textual.widgets import DataTable

from simulator.engine.trace import Trace
from tui.compare import Row, rows

__all__ = ["DECISION_STYLES", "Timeline", "fit_widths"]

DECISION_STYLES = {
    "executed": "green",
    "entered": "green",
    "skipped": "yellow",
    "deferred": "cyan",
    "blocked": "red",
    "not_eligible": "red",
    "failed": "bold red",
}

_SHORTEST_STEP = 12
_SHORTEST_REASON = 8


def fit_widths(widths: list[int], room: int, padding: int = 1) -> list[int]:
    """The widths of the columns (time, step, decision, reason) cut to fit ``room``
    cells, each column having ``padding`` on either side. The reason is cut first, and
    left out when fewer than 8 of its cells fit; then the step, to no fewer than 12
    (the table scrolls beyond that). The time and the decision are never cut.

    >>> fit_widths([16, 22, 8, 11], 80)
    [16, 22, 8, 11]
    >>> fit_widths([16, 22, 8, 11], 64), fit_widths([16, 22, 8, 11], 60)
    ([16, 22, 8, 10], [16, 22, 8, 0])
    >>> fit_widths([16, 22, 8, 11], 50), fit_widths([16, 22, 8, 11], 30)
    ([16, 18, 8, 0], [16, 12, 8, 0])
    """
    time, step, decision, reason = widths
    left = room - time - decision - 2 * padding * len(widths)  # for the step and the reason
    if step + reason <= left:
        return list(widths)
    if left - step >= _SHORTEST_REASON:
        return [time, step, decision, left - step]
    return [time, max(min(step, left), _SHORTEST_STEP), decision, 0]


class Timeline(DataTable):
    """A trace's rows; ``highlight`` marks one row (the compare screen's divergence)."""

    def __init__(self, **kwargs) -> None:
        super().__init__(cursor_type="row", zebra_stripes=True, **kwargs)
        self.trace: Trace | None = None
        self._highlight: int | None = None
        self._natural: list[int] = []
        self._room = 0

    def on_mount(self) -> None:
        self.add_column("time (UTC)", key="time")
        self.add_column("step", key="step")
        self.add_column("decision", key="decision")
        self.add_column("reason", key="reason")

    @property
    def natural_width(self) -> int:
        """The cells the rows of the trace shown take uncut."""
        return sum(self._natural) + 2 * self.cell_padding * len(self._natural)

    def show(self, trace: Trace, highlight: int | None = None) -> None:
        """Replace the rows with ``trace``'s, keeping the cursor's row when it still exists."""
        keep = self.cursor_row
        self.trace, self._highlight = trace, highlight
        self.clear()
        cells = [_cells(row, index == highlight) for index, row in enumerate(rows(trace))]
        labels = [column.label.cell_len for column in self.ordered_columns]
        self._natural = [max(pair) for pair in zip(labels, _widths(cells), strict=True)]
        self._room = self.scrollable_content_region.width
        widths = fit_widths(self._natural, self._room, self.cell_padding)
        if not self._room:  # not laid out yet: the resize that follows fits it
            widths = self._natural
        for column, width in zip(self.ordered_columns, widths, strict=True):
            column.content_width = width
        self.add_rows(cells)
        target = highlight if highlight is not None else min(keep, self.row_count - 1)
        if self.row_count:
            self.move_cursor(row=max(target, 0), animate=False)

    def on_resize(self, event: events.Resize) -> None:
        if self.trace is not None and self.scrollable_content_region.width != self._room:
            self.show(self.trace, self._highlight)

    def _update_dimensions(self, new_rows) -> None:
        """Only the table's size: :meth:`show` has set each column's width already.

        Every cell of a timeline is one line of text, so its width is its length; the
        table's own measuring renders every cell (a rich render each) and took about
        as long as the dry-run itself for a trace of 1,000 records.
        """
        super()._update_dimensions(())


def _widths(cells: list[tuple]) -> list[int]:
    """Each column's widest cell, in terminal cells."""
    return [max((_length(row[i]) for row in cells), default=0) for i in range(4)]


def _length(cell: str | Text) -> int:
    return cell.cell_len if isinstance(cell, Text) else cell_len(cell)


def _cells(row: Row, marked: bool) -> tuple:
    """One row's cells; the marked row (a divergence) is drawn reversed with a ▶."""
    decision = Text(row.decision, style=DECISION_STYLES.get(row.decision, ""))
    if not marked:
        return (Text(row.at), _cut(row.step_id), decision, _cut(row.reason, "dim"))
    decision.stylize("reverse")
    style = "bold reverse"
    return (
        Text(row.at, style=style),
        _cut("▶ " + row.step_id, style),
        decision,
        _cut(row.reason, style),
    )


def _cut(text: str, style: str = "") -> Text:
    """A cell that a narrower column ends with an ellipsis."""
    return Text(text, style=style, no_wrap=True, overflow="ellipsis")
