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
from datetime import datetime
from typing import Any

__all__ = ["RuntimeClock"]


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
