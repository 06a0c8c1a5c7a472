"""Calibrated impact counts a goal by its time, not by the order of the posts: a goal
event that arrives before the trigger it follows (out-of-order delivery) converts the
execution the trigger starts, and the trigger event is never its own goal."""

from __future__ import annotations

import json
import shutil
from datetime import UTC, datetime, timedelta

import pytest

from simulator.backend.service import Backend
from simulator.paths import fixtures_dir
from simulator.runtime.runtime import InboundEvent

WS = "acme"
T0 = datetime(2026, 6, 1, 14, tzinfo=UTC)
TRIAL = "trial-conv-2026"
USER = "usr_trial_timeout"
TRIGGER = "subscription.trial_started"
GOAL = "subscription.converted"


def _runtime(project):
    backend = Backend.start()
    backend.load_project(project, publish=True)
    backend.runtime.ensure()
    return backend


@pytest.fixture
def runtime():
    backend = _runtime(fixtures_dir() / "acme")
    yield backend.runtime
    backend.close()


def _post(runtime, event_id: str, name: str, at: datetime) -> dict:
    properties = {"endUserId": USER, "trialPlan": "growth", "trialDays": 14, "seats": 3}
    return runtime.post_event(WS, InboundEvent(event_id, name, at, properties), USER)


def _exposed(runtime) -> tuple[int, int]:
    impact = runtime.calibrated_impact(WS, TRIAL)
    return impact["triggered"]["exposed"], impact["converted"]["exposed"]


@pytest.mark.parametrize("order", ["goal first", "trigger first"])
@pytest.mark.parametrize(
    ("goal_at", "converted"),
    [
        (T0 + timedelta(minutes=5), 1),  # after the start, inside the window
        (T0 + timedelta(days=14), 1),  # the window's last instant
        (T0 - timedelta(minutes=5), 0),  # before the start: the journey did not cause it
        (T0 + timedelta(days=14, seconds=1), 0),  # past the window
    ],
    ids=["inside", "window-end", "before-start", "past-window"],
)
def test_a_goal_converts_by_its_time_whichever_was_posted_first(runtime, order, goal_at, converted):
    if order == "goal first":
        assert _post(runtime, "g-1", GOAL, goal_at)["goalsCounted"] == 0  # nothing to convert
        assert len(_post(runtime, "t-1", TRIGGER, T0)["started"]) == 1
    else:
        assert len(_post(runtime, "t-1", TRIGGER, T0)["started"]) == 1
        assert _post(runtime, "g-1", GOAL, goal_at)["goalsCounted"] == converted
    assert _exposed(runtime) == (1, converted)
    _post(runtime, "g-2", GOAL, T0 + timedelta(hours=1))  # a second goal: still one
    assert _exposed(runtime) == (1, 1)


def test_a_goal_posted_before_the_trigger_counts_once_with_a_retry_of_the_trigger(runtime):
    _post(runtime, "g-1", GOAL, T0 + timedelta(minutes=5))
    first = _post(runtime, "t-1", TRIGGER, T0)
    assert _post(runtime, "t-1", TRIGGER, T0) == first  # a retry starts and counts nothing
    assert _exposed(runtime) == (1, 1)


def test_the_trigger_event_is_not_its_own_executions_goal(tmp_path):
    """A journey whose goal is its trigger's event (come back and buy again): the
    purchase that started it does not convert it; the next one does."""
    project = shutil.copytree(fixtures_dir() / "acme", tmp_path / "acme")
    path = project / "journeys" / f"{TRIAL}.json"
    journey = json.loads(path.read_text())
    path.write_text(json.dumps({**journey, "goalEventName": TRIGGER}))
    backend = _runtime(project)
    try:
        runtime = backend.runtime
        answer = _post(runtime, "t-1", TRIGGER, T0)
        assert (len(answer["started"]), answer["goalsCounted"]) == (1, 0)
        assert _exposed(runtime) == (1, 0)
        again = _post(runtime, "t-2", TRIGGER, T0 + timedelta(days=1))
        assert again["goalsCounted"] == 1  # the second purchase converts the first one
        assert _exposed(runtime)[1] == 1
    finally:
        backend.close()
