"""The dry-run driver: the shared step function looped on a virtual clock.

:func:`walk` starts an execution (:func:`~simulator.engine.stepper.start_state`) and
calls :func:`~simulator.engine.stepper.advance` until it ends, with a
:class:`~simulator.engine.delivery.DryRunDelivery` (renders masked, sends nothing).
The clock is the state's own ``now``: each step's wake time is the next step's "now",
so waits cost nothing. An open ``untilEvent`` wait is settled from the subject's known
events (snapshot and scripted future events): the first matching one from the instant
the wait starts (inclusive) to its timeout (inclusive) resumes it and is consumed, so
one occurrence resumes one wait; else the wait times out. Every rule about steps
(template errors, caps, deferrals, loop guards) lives in the stepper, which the
runtime drives the same way between Step Functions dispatches.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from simulator.engine.delivery import Delivery
from simulator.engine.stepper import (
    ExecutionEnv,
    ExecutionState,
    advance,
    first_awaited_event,
    resume,
    start_state,
)
from simulator.engine.trace import TraceStep, TraceWarning

__all__ = ["Walk", "walk"]


@dataclass(slots=True)
class Walk:
    """What one walk produced: the trace steps, the warnings and the final state."""

    state: ExecutionState
    steps: list[TraceStep] = field(default_factory=list)
    warnings: list[TraceWarning] = field(default_factory=list)


def walk(env: ExecutionEnv, start: datetime, seed: int, delivery: Delivery) -> Walk:
    """Walk one execution from ``start`` until it ends."""
    upcoming = sorted((e for e in env.subject.events if e.at >= start), key=lambda e: e.at)
    consumed: set[int] = set()
    result = Walk(start_state(env, start, seed))
    while not result.state.done:
        state = result.state
        if state.awaiting is not None:
            index = first_awaited_event(upcoming, state.awaiting, consumed)
            if index is not None:
                consumed.add(index)
            moved = resume(env, state, None if index is None else upcoming[index].at)
        else:
            moved = advance(env, state, delivery)
        result.state = moved.state
        if moved.step is not None:
            result.steps.append(moved.step)
        if moved.warning is not None:
            result.warnings.append(moved.warning)
    return result
