"""The trace as a timeline table: time, step, decision (coloured), reason.

Row 0 is the entry; then one row per step record, as :func:`tui.compare.rows` reads
the trace, so the compare screen and the dry-run screen number rows alike.
"""

from __future__ import annotations

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
        self.add_rows(_cells(row, index == highlight) for index, row in enumerate(rows(trace)))
        target = highlight if highlight is not None else min(keep, self.row_count - 1)
        if self.row_count:
            self.move_cursor(row=max(target, 0), animate=False)


def _cells(row: Row, marked: bool) -> tuple:
    """One row's cells; the marked row (a divergence) is drawn reversed with a ▶."""
    decision = Text(row.decision, style=DECISION_STYLES.get(row.decision, ""))
    if not marked:
        return (row.at, row.step_id, decision, Text(row.reason, style="dim"))
    decision.stylize("reverse")
    style = "bold reverse"
    return (
        Text(row.at, style=style),
        Text("▶ " + row.step_id, style=style),
        decision,
        Text(row.reason, style=style),
    )
