"""The runtime's clock, which is also the API backend's: one virtual clock per store.

:class:`RuntimeClock` implements :class:`~simulator.engine.clock.Clock` over a
backend's runtime (:attr:`simulator.backend.service.Backend.runtime`): ``now`` is the
instant persisted in the runtime's ``counters`` table (2026-06-01T14:00:00Z, the
dry-run's default start, until it first moves), ``advance`` runs every due dispatch
in time order (:meth:`~simulator.runtime.runtime.Runtime.advance_clock`) and
``pending`` lists the wake-ups stored ahead. The backend stamps its authoring actions
(``updatedAt``, ``publishedAt``, audit entries) with this ``now`` too, so in a served
app they follow ``POST /api/_sim/clock/advance``, and a state file restores them with
the clock. Authoring while the clock stands still gets increasing timestamps anyway
(:func:`~simulator.backend.records.next_timestamp`: one microsecond apart).

The runtime is created on the first read of the clock, not when the backend starts,
and reading ``now`` before the runtime's tables exist answers the default start
without creating them. This module imports nothing heavy, so the backend can hold a
clock without importing the engine.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

__all__ = ["MAX_MOVE_YEARS", "RuntimeClock", "furthest_from"]

MAX_MOVE_YEARS = 1000
"""The furthest the clock moves at once (``/api/_sim/clock/advance``), and so the
furthest ahead of it an inbound event may be dated: a clock, or an execution started
at an event's time, near year 9999 leaves every later computation (quiet hours,
waits, goal windows) outside the calendar."""


def furthest_from(now: datetime) -> datetime:
    """:data:`MAX_MOVE_YEARS` after ``now``; the calendar's end when that is nearer.

    >>> from datetime import UTC
    >>> furthest_from(datetime(2026, 6, 1, tzinfo=UTC)).year
    3026
    >>> furthest_from(datetime(9500, 1, 1, tzinfo=UTC)) == datetime.max.replace(tzinfo=UTC)
    True
    """
    from simulator.durations import parse_duration

    try:
        return parse_duration(f"P{MAX_MOVE_YEARS}Y").add_to(now)
    except (ValueError, OverflowError):
        return datetime.max.replace(tzinfo=UTC)


class RuntimeClock:
    """The persisted virtual clock of a runtime (a :class:`Clock`); ``runtime`` gives
    the runtime when the clock is first read (the backend's is made lazily)."""

    def __init__(self, runtime: Callable[[], Any]) -> None:
        self._runtime = runtime

    @property
    def now(self) -> datetime:
        return self._runtime().now()

    def advance(self, to: datetime) -> list[Any]:
        """Move to ``to``, running every dispatch due by then; their results, in order."""
        return self._runtime().advance_clock(to)

    def pending(self) -> list[Any]:
        """The executions' wake-ups still ahead
        (:class:`~simulator.engine.clock.Scheduled`, the item ``(workspace, journey,
        execution name)``), in due order."""
        return self._runtime().pending_wakeups()
