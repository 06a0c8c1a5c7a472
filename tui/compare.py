"""Where two traces part ways. Pure.

Two traces are read as two lists of rows: the entry first, then one row per step
record. Rows are the same when they show the same step with the same decision and
reason at the same time; the first row that differs (or that only one trace has) is
the divergence. Subjects, seeds and overrides may differ without a divergence: what
the compare screen is for is what *happened* differently.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from simulator.durations import utc_minute

if TYPE_CHECKING:
    from simulator.engine.trace import Trace, TraceStep

__all__ = ["Divergence", "Row", "first_divergence", "rows"]

_MINUTE = "%Y-%m-%d %H:%M"
"""How the timeline writes a time (UTC, its year in four digits)."""


@dataclass(frozen=True)
class Row:
    """One line of a trace as the timelines show it."""

    step_id: str
    decision: str
    reason: str
    at: str
    step: TraceStep | None = None
    """``None`` for the entry row."""

    @property
    def key(self) -> tuple[str, str, str, str]:
        return (self.step_id, self.decision, self.reason, self.at)


@dataclass(frozen=True)
class Divergence:
    index: int
    """The first row that differs (0 is the entry)."""
    left: Row | None
    right: Row | None

    def describe(self) -> str:
        def words(row: Row | None) -> str:
            if row is None:
                return "nothing (the trace ended)"
            reason = f" ({row.reason})" if row.reason else ""
            return f"{row.step_id} {row.decision}{reason}"

        return f"first divergence at row {self.index}: {words(self.left)} vs {words(self.right)}"


def rows(trace: Trace) -> list[Row]:
    """The entry row, then a row per step record."""
    entry = trace.entry
    first = Row(
        "entry",
        entry.decision.value,
        entry.reason.value if entry.reason else "",
        utc_minute(trace.started_at, _MINUTE),
    )
    steps = [
        Row(
            s.step_id,
            s.decision.value,
            s.reason.value if s.reason else "",
            utc_minute(s.at, _MINUTE),
            s,
        )
        for s in trace.steps
    ]
    return [first, *steps]


def first_divergence(left: Trace, right: Trace) -> Divergence | None:
    """The first row where the traces differ; ``None`` when every row is the same."""
    a, b = rows(left), rows(right)
    for index in range(max(len(a), len(b))):
        x = a[index] if index < len(a) else None
        y = b[index] if index < len(b) else None
        if x is None or y is None or x.key != y.key:
            return Divergence(index, x, y)
    return None
