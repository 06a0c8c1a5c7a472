"""The trace as a timeline table: time, step, decision (coloured), reason.

Row 0 is the entry; then one row per step record, as :func:`tui.compare.rows` reads
the trace, so the compare screen and the dry-run screen number rows alike.
"""

from __future__ import annotations

from rich.cells import cell_len
from rich.text import Text
from textual.widgets import DataTable

from simulator.engine.trace import Trace
from tui.compare import Row, rows

__all__ = ["DECISION_STYLES", "Timeline"]

DECISION_STYLES = {
    "executed": "green",
    "entered": "green",
    "skipped": "yellow",
    "deferred": "cyan",
    "blocked": "red",
    "not_eligible": "red",
    "failed": "bold red",
}


class Timeline(DataTable):
    """A trace's rows; ``highlight`` marks one row (the compare screen's divergence)."""

    def __init__(self, **kwargs) -> None:
        super().__init__(cursor_type="row", zebra_stripes=True, **kwargs)
        self.trace: Trace | None = None

    def on_mount(self) -> None:
        self.add_column("time (UTC)", key="time")
        self.add_column("step", key="step")
        self.add_column("decision", key="decision")
        self.add_column("reason", key="reason")

    def show(self, trace: Trace, highlight: int | None = None) -> None:
        """Replace the rows with ``trace``'s, keeping the cursor's row when it still exists."""
        keep = self.cursor_row
        self.trace = trace
        self.clear()
        cells = [_cells(row, index == highlight) for index, row in enumerate(rows(trace))]
        for column, width in zip(self.ordered_columns, _widths(cells), strict=True):
            column.content_width = max(column.label.cell_len, width)
        self.add_rows(cells)
        target = highlight if highlight is not None else min(keep, self.row_count - 1)
        if self.row_count:
            self.move_cursor(row=max(target, 0), animate=False)

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
        return (Text(row.at), Text(row.step_id), decision, Text(row.reason, style="dim"))
    decision.stylize("reverse")
    style = "bold reverse"
    return (
        Text(row.at, style=style),
        Text("▶ " + row.step_id, style=style),
        decision,
        Text(row.reason, style=style),
    )
