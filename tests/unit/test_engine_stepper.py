"""The shared step function: an execution driven one step at a time, its state
serialised between steps as the runtime persists it, decides exactly what the dry-run
decides (the runtime's contract test builds on this)."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from simulator.engine.delivery import DryRunDelivery
from simulator.engine.dryrun import DEFAULT_START, derive_seed, dry_run_env, parse_overrides
from simulator.engine.golden import case_arguments, load_cases
from simulator.engine.stepper import (
    ExecutionState,
    advance,
    first_awaited_event,
    resume,
    start_state,
)
from simulator.models import Event
from simulator.paths import fixtures_dir
from simulator.project import load_project

PROJECT, CASES = load_cases()


@pytest.fixture(scope="module")
def project():
    return load_project(fixtures_dir() / PROJECT)


def _through_json(state: ExecutionState) -> ExecutionState:
    return ExecutionState.from_wire(json.loads(json.dumps(state.to_wire())))


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_stepping_with_persisted_state_gives_the_dry_run_steps(case, project):
    from simulator.engine.dryrun import simulate

    arguments = case_arguments(case, project)
    trace = simulate(**arguments)
    if trace.entry.decision != "entered":
        pytest.skip("the subject does not enter: no steps to compare")
    journey, subject = arguments["journey"], arguments["subject"]
    start = arguments["at"] or DEFAULT_START
    seed = trace.seed
    env = dry_run_env(
        journey,
        subject,
        arguments["world"],
        parse_overrides(arguments["overrides"]),
        start,
        arguments["arm_stats"],
    )
    delivery = DryRunDelivery(env)
    events = sorted((e for e in env.subject.events if e.at >= start), key=lambda e: e.at)
    consumed: set[int] = set()
    state, steps, warnings = start_state(env, start, seed), [], []
    while not state.done:
        state = _through_json(state)
        if state.awaiting is not None:
            index = first_awaited_event(events, state.awaiting, consumed)
            consumed |= {index} if index is not None else set()
            moved = resume(env, state, None if index is None else events[index].at)
        else:
            moved = advance(env, state, delivery)
        state = moved.state
        steps += [moved.step.to_wire()] if moved.step else []
        warnings += [moved.warning.to_wire()] if moved.warning else []
    assert steps == [step.to_wire() for step in trace.steps]
    assert warnings == [warning.to_wire() for warning in trace.warnings]
    assert state.exit_step_id == trace.outcome.exit_step_id
    assert seed == (
        case.seed if case.seed is not None else derive_seed(journey.id, None, subject.end_user_id)
    )


def test_an_until_event_wait_is_open_until_resumed_and_records_its_cause(project):
    journey = project.journeys["trial-conv-2026"]
    waits = [s for s in journey.steps if s.type == "wait" and s.until_event is not None]
    assert waits, "the fixture journey has an untilEvent wait"
    wait = waits[0]
    subject = next(iter(project.world.subjects.values()))
    env = dry_run_env(journey, subject, project.world, frozenset(), DEFAULT_START)
    state = ExecutionState(step_id=wait.id, now=DEFAULT_START, seed=1)
    opened = advance(env, state, DryRunDelivery(env))
    assert opened.step is None and opened.state.awaiting is not None
    assert opened.state.wake_at == opened.state.awaiting.timeout_at
    with pytest.raises(ValueError):
        advance(env, opened.state, DryRunDelivery(env))

    at = DEFAULT_START.replace(hour=15)
    by_event = resume(env, opened.state, at)
    assert by_event.step.wait.resumed_by == "event"
    assert (by_event.state.step_id, by_event.state.now) == (wait.next, at)
    timed_out = resume(env, opened.state, None)
    assert timed_out.step.wait.resumed_by == "timeout"
    assert timed_out.state.step_id == wait.until_event.timeout_next
    assert timed_out.state.now == opened.state.awaiting.timeout_at
    with pytest.raises(ValueError):
        resume(env, by_event.state, None)


def test_an_awaited_event_is_found_in_its_window_and_consumed_once():
    from simulator.engine.stepper import Awaiting

    t = datetime(2026, 6, 1, tzinfo=UTC)
    events = [
        Event(name="other", at=t.replace(hour=1)),
        Event(name="paid", at=t.replace(hour=2)),
        Event(name="paid", at=t.replace(hour=3)),
        Event(name="paid", at=t.replace(hour=9)),
    ]
    awaiting = Awaiting("w", "paid", t.replace(hour=2), t.replace(hour=3))
    assert first_awaited_event(events, awaiting, set()) == 1
    assert first_awaited_event(events, awaiting, {1}) == 2
    assert first_awaited_event(events, awaiting, {1, 2}) is None
    late = Awaiting("w", "paid", t.replace(hour=4), t.replace(hour=5))
    assert first_awaited_event(events, late, set()) is None


@pytest.mark.parametrize("journey_id", ["act-onb-2026", "trial-conv-2026"])
def test_a_wait_past_the_calendar_end_stops_the_execution(project, journey_id):
    """A wait (or an ``untilEvent`` timeout) that would wake after 9999-12-31 was a
    failed step with Python's "date value out of range", and the execution went on at
    the wait's own start as if it had waited: it now stops there, failed, saying why."""
    journey = project.journeys[journey_id]
    wait = next(s for s in journey.steps if s.type == "wait" and s.until is None)
    subject = next(iter(project.world.subjects.values()))
    env = dry_run_env(journey, subject, project.world, frozenset(), DEFAULT_START)
    late = datetime(9999, 12, 31, tzinfo=UTC)
    moved = advance(env, ExecutionState(step_id=wait.id, now=late, seed=1), DryRunDelivery(env))
    assert moved.state.done and moved.state.ended == "stopped" and moved.state.wake_at is None
    step = moved.step.to_wire()
    assert (step["stepId"], step["decision"], step["reason"]) == (wait.id, "failed", "invalid_wait")
    assert "next" not in step
    assert "after 9999-12-31, the end of the calendar" in step["message"]
    assert "out of range" not in step["message"]
    assert moved.warning.to_wire() == {
        "code": "calendar_end",
        "message": step["message"],
        "stepId": wait.id,
    }


def test_a_dry_run_whose_wait_leaves_the_calendar_ends_there(project):
    """The dry-run driver loops the same step function: the trace ends at the wait."""
    from simulator.engine.dryrun import simulate

    journey = project.journeys["act-onb-2026"]
    steps = [
        s.model_copy(update={"duration": "P1000Y"}) if s.id == "wait-3d" else s
        for s in journey.steps
    ]
    journey = journey.model_copy(update={"steps": steps, "audience_id": None})
    subject = project.world.subjects["usr_plain_ana"]
    trace = simulate(journey, subject, world=project.world, at=datetime(9000, 1, 1, tzinfo=UTC))
    wire = trace.to_wire()
    assert [(s["stepId"], s["decision"]) for s in wire["steps"]] == [
        ("send-welcome", "executed"),
        ("wait-3d", "failed"),
    ]
    assert [w["code"] for w in wire["warnings"]] == ["calendar_end"]
    assert "exitStepId" not in wire["outcome"]


def _onboarding_waiting(project, **wait) -> object:
    """Activation Onboarding with its wait changed to ``wait``, for everyone."""
    journey = project.journeys["act-onb-2026"]
    changed = {"duration": None, **wait}
    steps = [s.model_copy(update=changed) if s.id == "wait-3d" else s for s in journey.steps]
    return journey.model_copy(update={"steps": steps, "audience_id": None})


def test_a_wait_until_past_the_calendar_in_utc_stops_the_execution(project):
    """``9999-12-31T23:59:59-05:00`` is year 10000 in UTC: the wait was planned, and
    writing its wake-up raised OverflowError (a 500, a dispatch that never settled).
    It now ends the execution as a wait whose duration leaves the calendar does."""
    journey = _onboarding_waiting(project, until="9999-12-31T23:59:59-05:00")
    subject = project.world.subjects["usr_plain_ana"]
    env = dry_run_env(journey, subject, project.world, frozenset(), DEFAULT_START)
    state = ExecutionState(step_id="wait-3d", now=DEFAULT_START, seed=1)
    moved = advance(env, state, DryRunDelivery(env))
    assert moved.state.ended == "stopped" and moved.state.wake_at is None
    assert moved.warning.code == "calendar_end"
    assert moved.step.to_wire()["message"] == (
        "the wait until 9999-12-31T23:59:59-05:00 would end after 9999-12-31, "
        "the end of the calendar: the execution stops here"
    )


@pytest.mark.parametrize(
    ("wait", "at"),
    [
        ({"until": "9999-12-31T23:59:59-05:00"}, DEFAULT_START),
        # 23:00Z: two hours on is 20:00-05:00 in the start's own offset, 10000 in UTC
        ({"duration": "PT2H"}, datetime.fromisoformat("9999-12-31T18:00:00-05:00")),
    ],
    ids=["until", "duration-from-an-offset"],
)
def test_a_dry_run_whose_wait_ends_past_the_calendar_in_utc_ends_there(project, wait, at):
    """The dry-run's trace could not be written (OverflowError in format_time, a 500
    from ``simulate``) or refused the start: it now ends at the wait, ``calendar_end``."""
    from simulator.engine.dryrun import simulate

    journey = _onboarding_waiting(project, **wait)
    subject = project.world.subjects["usr_plain_ana"]
    wire = simulate(journey, subject, world=project.world, at=at).to_wire()
    assert [(s["stepId"], s["decision"]) for s in wire["steps"]] == [
        ("send-welcome", "executed"),
        ("wait-3d", "failed"),
    ]
    assert [w["code"] for w in wire["warnings"]] == ["calendar_end"]


def test_a_persisted_state_at_the_step_limit_stops_with_step_limit(project):
    """The guard stays for a state that has taken the limit's number of steps (the
    larger of ``MAX_STEPS`` and the journey's step count): it stops, not runs, its step."""
    from simulator.engine.stepper import MAX_STEPS

    journey = project.journeys["act-onb-2026"]
    send = next(s for s in journey.steps if s.type == "send")
    subject = next(iter(project.world.subjects.values()))
    env = dry_run_env(journey, subject, project.world, frozenset(), DEFAULT_START)
    assert env.step_limit == max(MAX_STEPS, len(journey.steps))
    full = ExecutionState(step_id=send.id, now=DEFAULT_START, seed=1, steps_taken=env.step_limit)
    stopped = advance(env, _through_json(full), DryRunDelivery(env))
    assert stopped.step is None and stopped.state.ended == "stopped"
    assert stopped.warning.to_wire() == {
        "code": "step_limit",
        "message": f"stopped after {env.step_limit} steps",
        "stepId": send.id,
    }
    below = ExecutionState(step_id=send.id, now=DEFAULT_START, seed=1, steps_taken=MAX_STEPS - 1)
    assert advance(env, below, DryRunDelivery(env)).step.step_id == send.id
