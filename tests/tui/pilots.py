"""Helpers of the pilot tests."""

from __future__ import annotations

import time
from collections.abc import Callable


async def until(pilot, done: Callable[[], bool], what: str, timeout: float = 30.0) -> None:
    """Pause until ``done()`` holds. Waits by the clock, not by a count of pauses:
    on a loaded CI machine a worker or a deep link can take many event-loop turns."""
    deadline = time.monotonic() + timeout
    while not done():
        if time.monotonic() > deadline:
            raise AssertionError(f"{what}: not so after {timeout:g} s on {pilot.app.screen!r}")
        await pilot.pause(0.02)
