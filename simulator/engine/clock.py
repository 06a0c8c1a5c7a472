"""The virtual clock: the only source of "now" inside the engine.

Nothing in the core reads the wall clock or sleeps. A driver creates a clock at the
trigger time, schedules what will happen later (scripted events, wake-ups) and
advances it; the dry-run advances instantly, a real-time runtime would wait before
each ``advance``.

:class:`Clock` is the one clock protocol: ``now``, ``advance`` (returning what fell
due, in time order) and ``pending`` (the due wake-ups still ahead). The dry-run's
:class:`VirtualClock` keeps its wake-ups in memory; the runtime's
:class:`~simulator.runtime.clock.RuntimeClock` persists ``now`` and its wake-ups in
DynamoDB, runs the due dispatches when advanced, and is also the API backend's clock
(authoring actions are stamped with its ``now``; ``/api/_sim/clock/advance`` moves it).
"""

from __future__ import annotations

import heapq
import itertools
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol, runtime_checkable

from simulator.durations import utc_seconds

__all__ = ["Clock", "Scheduled", "VirtualClock"]


@dataclass(frozen=True, slots=True, order=True)
class Scheduled:
    """An item due at ``at``; ``seq`` keeps items due at the same instant in insertion order."""

    at: datetime
    seq: int
    item: Any = field(compare=False)


@runtime_checkable
class Clock(Protocol):
    """What every clock of journeysim answers (the engine's, the runtime's, the API's)."""

    @property
    def now(self) -> datetime:
        """The current instant (aware)."""
        ...

    def advance(self, to: datetime) -> list[Any]:
        """Move to ``to`` (never back: ``ValueError``); what fell due, in time order."""
        ...

    def pending(self) -> list[Scheduled]:
        """The wake-ups scheduled and not yet due, in due order."""
        ...


class VirtualClock:
    """A clock that only moves when told to.

    >>> from datetime import datetime, timezone, timedelta
    >>> t0 = datetime(2026, 6, 1, 14, tzinfo=timezone.utc)
    >>> clock = VirtualClock(t0)
    >>> clock.schedule(t0 + timedelta(days=2), "b")
    >>> clock.schedule(t0 + timedelta(days=1), "a")
    >>> clock.advance(t0 + timedelta(days=3))
    ['a', 'b']
    >>> clock.now == t0 + timedelta(days=3)
    True
    """

    def __init__(self, start: datetime) -> None:
        if start.tzinfo is None:
            raise ValueError("the virtual clock needs an aware datetime (with a UTC offset)")
        self._now = start
        self._queue: list[Scheduled] = []
        self._seq = itertools.count()

    @property
    def now(self) -> datetime:
        return self._now

    def schedule(self, at: datetime, item: Any) -> None:
        """Make ``item`` due at ``at`` (which may be in the past: it is then due at once)."""
        heapq.heappush(self._queue, Scheduled(at, next(self._seq), item))

    def pending(self) -> list[Scheduled]:
        """Everything scheduled and not yet returned by :meth:`advance`, in due order."""
        return sorted(self._queue)

    def advance(self, to: datetime) -> list[Any]:
        """Move to ``to`` and return the items due by then, in time (then insertion) order.

        Moving backwards is refused: time in a trace only runs forward.
        """
        if to < self._now:
            now, back = utc_seconds(self._now), utc_seconds(to)
            raise ValueError(f"cannot move the clock back from {now} to {back}")
        due = []
        while self._queue and self._queue[0].at <= to:
            due.append(heapq.heappop(self._queue).item)
        self._now = to
        return due
