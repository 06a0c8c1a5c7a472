"""The virtual clock: time moves only when told, due items come back in order."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from simulator.engine import VirtualClock

T0 = datetime(2026, 6, 1, 14, tzinfo=UTC)


def test_advance_returns_due_items_in_time_then_insertion_order():
    clock = VirtualClock(T0)
    clock.schedule(T0 + timedelta(hours=2), "c")
    clock.schedule(T0 + timedelta(hours=1), "a")
    clock.schedule(T0 + timedelta(hours=1), "b")
    clock.schedule(T0 + timedelta(days=9), "later")
    assert clock.advance(T0 + timedelta(hours=2)) == ["a", "b", "c"]
    assert clock.now == T0 + timedelta(hours=2)
    assert [s.item for s in clock.pending()] == ["later"]
    assert clock.advance(T0 + timedelta(days=1)) == []


def test_an_item_due_exactly_at_the_target_is_returned():
    clock = VirtualClock(T0)
    clock.schedule(T0 + timedelta(days=1), "edge")
    assert clock.advance(T0 + timedelta(days=1) - timedelta(microseconds=1)) == []
    assert clock.advance(T0 + timedelta(days=1)) == ["edge"]


def test_time_never_runs_backwards_and_needs_an_offset():
    clock = VirtualClock(T0)
    back = "cannot move the clock back from 2026-06-01T14:00:00Z to 2026-06-01T13:59:59Z$"
    with pytest.raises(ValueError, match=back):
        clock.advance(T0 - timedelta(microseconds=500))
    with pytest.raises(ValueError):
        VirtualClock(datetime(2026, 6, 1))
