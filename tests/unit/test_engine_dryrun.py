"""The dry-run driver: entry, waits, events, goals, overrides, failures, reproducibility."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from simulator.codes import Decision, EntryDecision, Override, Reason
from simulator.engine import (
    DEFAULT_START,
    ArmStats,
    Deliver,
    Goto,
    StepContext,
    faker_subjects,
    plan_step,
    simulate,
)
from simulator.engine.timeline import format_timeline, read_leaf
from simulator.errors import InputError, UnknownOverrideError, UsageError
from simulator.models import (
    Communication,
    Event,
    Journey,
    Segment,
    Subject,
    TriggerContract,
    Workspace,
)
from simulator.strategies import journey_of_size, sample_world, worlds_and_journeys
from simulator.validation import ValidationContext, validate
from simulator.world import World

START = DEFAULT_START


def make_world(**workspace: Any) -> World:
    ws = Workspace.model_validate(
        {"id": "w", "projectKey": "pk", "name": "W", "holdoutPct": 0, **workspace}
    )
    comms = [
        Communication(
            id="hello",
            name="Hello",
            kind="marketing",
            channels=["email", "mobile_push"],
            subjectLine="Hi {{ firstName }}",
            body="<p>Hello {{ firstName }}</p>",
        ),
        Communication(
            id="broken", name="Broken", kind="marketing", channels=["email"], body="{{ 1 / 0 }}"
        ),
        Communication(
            id="receipt", name="Receipt", kind="transactional", channels=["email"], body="Paid."
        ),
    ]
    trigger = TriggerContract(
        id="trig",
        name="T",
        eventName="signed_up",
        recipientEmailFieldPath="email",
        versionAt="2026-01-01T00:00:00Z",
    )
    return World.of(ws, comms, trigger_contracts=[trigger])


def make_journey(*steps: dict, **fields: Any) -> Journey:
    return Journey.model_validate({"id": "j", "name": "J", "steps": list(steps), **fields})


def make_subject(**fields: Any) -> Subject:
    base = {"endUserId": "u", "attributes": {"firstName": "Ana", "email": "ana@example.com"}}
    return Subject.model_validate({**base, **fields})


SEND = {"id": "send", "type": "send", "communicationId": "hello", "next": "exit"}
EXIT = {"id": "exit", "type": "exit"}


def decisions(trace) -> list[tuple[str, str, str | None]]:
    return [(s.step_id, s.decision.value, s.reason and s.reason.value) for s in trace.steps]


def test_unknown_overrides_are_a_usage_error_naming_the_value():
    with pytest.raises(UnknownOverrideError) as caught:
        simulate(make_journey(EXIT), make_subject(), world=make_world(), overrides=["nope"])
    assert isinstance(caught.value, UsageError) and caught.value.status == 400
    assert "'nope'" in caught.value.message and "frequency_cap" in caught.value.message


def test_defaults_virtual_start_and_reproducibility():
    journey = make_journey(SEND, EXIT)
    one = simulate(journey, make_subject(), world=make_world())
    two = simulate(journey, make_subject(), world=make_world())
    assert one.started_at == START
    assert one.to_json() == two.to_json()
    assert one.version == "draft"
    assert one.seed != simulate(journey, make_subject(), world=make_world(), version=2).seed
    document = json.loads(one.to_json())
    assert document["startedAt"] == "2026-06-01T14:00:00Z"
    assert list(document) == sorted(document)


def test_a_start_given_with_an_offset_reads_as_utc_in_the_text_as_in_the_json():
    wait = {"id": "wait", "type": "wait", "duration": "PT1H", "next": "send"}
    at = datetime(2026, 6, 1, 16, tzinfo=timezone(timedelta(hours=2)))  # 14:00Z
    trace = simulate(make_journey(wait, SEND, EXIT), make_subject(), world=make_world(), at=at)
    text = format_timeline(trace)
    assert json.loads(trace.to_json())["startedAt"] == "2026-06-01T14:00:00Z"
    assert "start 2026-06-01 14:00Z" in text
    assert [line[:17] for line in text.splitlines() if line.startswith("2026-")] == [
        "2026-06-01 14:00Z",
        "2026-06-01 15:00Z",
        "2026-06-01 15:00Z",
    ]
    assert "16:00Z" not in text and "17:00Z" not in text


def test_sends_render_masked_and_record_channel_and_version():
    trace = simulate(make_journey(SEND, EXIT), make_subject(), world=make_world())
    send = trace.steps[0].send
    assert (send.channel.value, send.communication_id, send.communication_version) == (
        "email",
        "hello",
        1,
    )
    assert send.rendered.subject_line == "Hi A•••"
    assert send.rendered.body == "<p>Hello A•••</p>"
    assert trace.subject.attributes == {"firstName": "A•••", "email": "a•••@e•••.com"}


def test_a_template_error_fails_the_send_and_the_subject_moves_on():
    journey = make_journey(
        {"id": "bad", "type": "send", "communicationId": "broken", "next": "send"}, SEND, EXIT
    )
    trace = simulate(journey, make_subject(), world=make_world())
    assert decisions(trace)[:2] == [("bad", "failed", "template_error"), ("send", "executed", None)]
    assert "ZeroDivisionError" in trace.steps[0].send.error
    assert trace.outcome.exit_step_id == "exit"


def test_a_blocked_attribute_fails_the_send_naming_the_attribute():
    world = make_world()
    prying = Communication(
        id="prying",
        name="Prying",
        kind="marketing",
        channels=["email"],
        body="Hi {{ firstName.__class__ }} from {{ event._source }}",
    )
    world = World.of(world.workspace, [*world.communications.values(), prying])
    step = {"id": "bad", "type": "send", "communicationId": "prying", "next": "exit"}
    trace = simulate(make_journey(step, EXIT), make_subject(), world=world)
    assert decisions(trace)[0] == ("bad", "failed", "template_error")
    error = trace.steps[0].send.error
    assert "'__class__'" in error and "unsafe" in error
    assert "Ana" not in error and "A•••" not in error


@pytest.mark.parametrize(
    ("attributes", "error"),
    [
        ({}, "body line 1: UndefinedError: 'nickname' is undefined, so it cannot be called"),
        ({"nickname": "Kwame"}, "body line 1: TypeError: a value of type 'str' is data, not a"),
    ],
)
def test_a_call_of_a_variable_fails_the_send_saying_why(attributes, error):
    world = make_world()
    calling = Communication(
        id="calling", name="Calling", kind="marketing", channels=["email"], body="{{ nickname() }}"
    )
    world = World.of(world.workspace, [*world.communications.values(), calling])
    step = {"id": "bad", "type": "send", "communicationId": "calling", "next": "send"}
    subject = make_subject(attributes={"email": "ana@example.com", **attributes})
    trace = simulate(make_journey(step, SEND, EXIT), subject, world=world)
    assert decisions(trace)[:2] == [("bad", "failed", "template_error"), ("send", "executed", None)]
    assert trace.steps[0].send.error.startswith(error)
    assert "Kwame" not in trace.steps[0].send.error


@pytest.mark.parametrize(
    ("step", "reason"),
    [
        ({"communicationId": "nope"}, Reason.UNKNOWN_COMMUNICATION),
        ({"communicationId": "receipt"}, Reason.TRANSACTIONAL_COMMUNICATION),
        ({"communicationId": "hello", "channel": "in_app_push"}, Reason.CHANNEL_NOT_SUPPORTED),
    ],
)
def test_sends_that_cannot_run_fail_with_a_reason(step, reason):
    journey = make_journey({"id": "s", "type": "send", "next": "exit", **step}, EXIT)
    trace = simulate(journey, make_subject(), world=make_world())
    assert (trace.steps[0].decision, trace.steps[0].reason) == (Decision.FAILED, reason)
    assert trace.steps[0].message


def test_channel_defaults_to_the_communications_first():
    journey = make_journey(
        {"id": "s", "type": "send", "communicationId": "hello", "next": "exit"}, EXIT
    )
    assert simulate(journey, make_subject(), world=make_world()).steps[0].send.channel.value == (
        "email"
    )


def test_missing_variables_are_listed_and_render_empty():
    subject = make_subject(attributes={"email": "x@example.com"})
    trace = simulate(make_journey(SEND, EXIT), subject, world=make_world())
    assert trace.steps[0].send.missing_variables == ["firstName"]
    assert trace.steps[0].send.rendered.subject_line == "Hi "


@pytest.mark.parametrize(
    ("status", "version", "decision", "reason"),
    [
        ("paused", 3, EntryDecision.NOT_ELIGIBLE, Reason.JOURNEY_PAUSED),
        ("archived", 3, EntryDecision.NOT_ELIGIBLE, Reason.JOURNEY_ARCHIVED),
        ("active", 3, EntryDecision.ENTERED, None),
        ("paused", None, EntryDecision.ENTERED, None),
    ],
)
def test_journey_status_gates_published_versions_only(status, version, decision, reason):
    trace = simulate(
        make_journey(EXIT), make_subject(), world=make_world(), version=version, status=status
    )
    assert (trace.entry.decision, trace.entry.reason) == (decision, reason)
    assert trace.version == (version or "draft")


def test_holdout_blocks_entry_unless_overridden():
    world = make_world(holdoutPct=100)
    journey = make_journey(SEND, EXIT)
    held = simulate(journey, make_subject(), world=world)
    assert (held.entry.decision, held.entry.reason) == (
        EntryDecision.BLOCKED,
        Reason.HOLDOUT_MEMBERSHIP,
    )
    assert held.steps == [] and held.outcome.exit_step_id is None
    let_in = simulate(journey, make_subject(), world=world, overrides=["holdout"])
    assert let_in.entry.decision is EntryDecision.ENTERED
    gate = let_in.entry.gates[-1]
    assert (gate.gate.value, gate.passed, gate.overridden) == ("holdout", False, True)
    assert let_in.overrides_applied == [Override.HOLDOUT]


def test_a_workspace_without_holdout_says_so_not_held_out_below_0():
    trace = simulate(make_journey(SEND, EXIT), make_subject(), world=make_world(holdoutPct=0))
    [gate] = [g for g in trace.entry.gates if g.gate.value == "holdout"]
    assert gate.passed and gate.detail.endswith("; no holdout (holdoutPct 0)")
    assert "below" not in format_timeline(trace)


def test_held_out_subjects_never_reach_webhooks():
    hook = {"id": "hook", "type": "webhook", "url": "https://x.example.com", "next": "exit"}
    trace = simulate(make_journey(hook, EXIT), make_subject(), world=make_world(holdoutPct=100))
    assert trace.steps == []


def _world_with_segment(segment_id: str, predicate: dict) -> World:
    """The test world with one rules segment, ``segment_id``, of ``predicate``."""
    segment = {"id": segment_id, "name": segment_id, "kind": "rules", "predicate": predicate}
    return World.of(make_world().workspace, segments=[Segment.model_validate(segment)])


def test_audience_mismatch_lists_the_deciding_leaves():
    world = _world_with_segment(
        "pro", {"kind": "attribute", "name": "plan", "op": "eq", "value": "pro"}
    )
    trace = simulate(make_journey(EXIT, audienceId="pro"), make_subject(), world=world)
    assert (trace.entry.decision, trace.entry.reason) == (
        EntryDecision.NOT_ELIGIBLE,
        Reason.AUDIENCE_MISMATCH,
    )
    assert [leaf.label for leaf in trace.entry.audience.leaves] == ['plan eq "pro"']
    # the audience is that one leaf: no pointer into it, and no empty "(at )"
    assert 'audience leaf failed: plan eq "pro" (the whole audience)' in format_timeline(trace)


def test_a_leaf_under_not_reads_as_the_audience_needs_it():
    # "not on the free plan": a free subject fails because its leaf is true. The text
    # names the leaf as the audience reads it, not the bare leaf with its own result.
    free_plan = {"kind": "attribute", "name": "plan", "op": "eq", "value": "free"}
    world = _world_with_segment("paying", {"kind": "not", "of": free_plan})
    journey = make_journey(EXIT, audienceId="paying")
    free = simulate(journey, make_subject(attributes={"plan": "free"}), world=world)
    assert free.entry.reason is Reason.AUDIENCE_MISMATCH
    assert 'audience leaf failed: not plan eq "free" (at /of)' in format_timeline(free)
    pro = simulate(journey, make_subject(attributes={"plan": "pro"}), world=world)
    assert pro.entry.decision is EntryDecision.ENTERED
    assert [read_leaf(leaf) for leaf in pro.entry.audience.leaves] == [(True, 'not plan eq "free"')]


def _until_event(timeout: str = "P2D") -> Journey:
    wait = {
        "id": "wait",
        "type": "wait",
        "next": "yes",
        "untilEvent": {"eventName": "paid", "timeout": timeout, "timeoutNext": "no"},
    }
    return make_journey(wait, {**EXIT, "id": "yes"}, {**EXIT, "id": "no"})


@pytest.mark.parametrize(
    ("after", "exit_step", "resumed_at"),
    [
        ("P1D", "yes", START + timedelta(days=1)),
        ("P2D", "yes", START + timedelta(days=2)),
        ("P2DT1S", "no", START + timedelta(days=2)),
        ("PT0S", "yes", START),
    ],
)
def test_until_event_resumes_on_the_event_up_to_and_including_the_timeout(
    after, exit_step, resumed_at
):
    subject = make_subject(futureEvents=[{"name": "paid", "after": after}])
    trace = simulate(_until_event(), subject, world=make_world())
    assert trace.outcome.exit_step_id == exit_step
    assert trace.steps[0].wait.resumed_by == ("event" if exit_step == "yes" else "timeout")
    assert trace.steps[1].at == resumed_at


def test_until_event_ignores_events_from_before_the_wait():
    subject = make_subject(events=[{"name": "paid", "at": START - timedelta(hours=1)}])
    assert simulate(_until_event(), subject, world=make_world()).outcome.exit_step_id == "no"


def test_duration_and_until_waits_move_the_virtual_clock():
    journey = make_journey(
        {"id": "w1", "type": "wait", "duration": "P1M", "next": "w2"},
        {"id": "w2", "type": "wait", "until": "2026-07-04T09:00:00-04:00", "next": "w3"},
        {"id": "w3", "type": "wait", "until": "2020-01-01T00:00:00Z", "next": "exit"},
        EXIT,
    )
    trace = simulate(journey, make_subject(), world=make_world())
    assert [s.at for s in trace.steps] == [
        START,
        START + timedelta(days=30),
        datetime(2026, 7, 4, 13, tzinfo=UTC),
        datetime(2026, 7, 4, 13, tzinfo=UTC),
    ]
    assert trace.steps[0].wait.until == datetime(2026, 7, 1, 14, tzinfo=UTC)


def test_branches_see_events_that_happened_during_waits():
    journey = make_journey(
        {"id": "wait", "type": "wait", "duration": "P3D", "next": "b"},
        {
            "id": "b",
            "type": "branch",
            "mode": "conditional",
            "defaultNext": "no",
            "rules": [
                {
                    "when": {"kind": "event_fired", "eventName": "paid", "withinDays": 3},
                    "next": "yes",
                }
            ],
        },
        {**EXIT, "id": "yes"},
        {**EXIT, "id": "no"},
    )
    paid = make_subject(futureEvents=[{"name": "paid", "after": "P2D"}])
    late = make_subject(futureEvents=[{"name": "paid", "after": "P4D"}])
    assert simulate(journey, paid, world=make_world()).outcome.exit_step_id == "yes"
    trace = simulate(journey, late, world=make_world())
    assert trace.outcome.exit_step_id == "no"
    assert trace.steps[1].branch.rule_index is None
    assert trace.steps[1].branch.rules[0].matched is False


@pytest.mark.parametrize(("after", "converted"), [("P7D", True), ("P7DT1S", False), ("PT0S", True)])
def test_goal_converts_inside_the_window_inclusive(after, converted):
    journey = make_journey(EXIT, goalEventName="paid", goalEventWindowDays=7)
    subject = make_subject(futureEvents=[{"name": "paid", "after": after}])
    goal = simulate(journey, subject, world=make_world()).outcome.goal
    assert (goal.event_name, goal.window_days, goal.converted) == ("paid", 7, converted)


def test_the_trigger_event_is_not_its_own_goal_but_a_later_one_of_its_name_is():
    journey = make_journey(EXIT, triggerContractId="trig", goalEventName="signed_up")
    trace = simulate(journey, make_subject(), world=make_world())
    assert (trace.trigger.event_name, trace.trigger.at) == ("signed_up", START)
    assert trace.outcome.goal.converted is False
    again = make_subject(futureEvents=[{"name": "signed_up", "after": "P1D"}])
    goal = simulate(journey, again, world=make_world()).outcome.goal
    assert (goal.converted, goal.at) == (True, START + timedelta(days=1))


def test_goal_window_defaults_to_the_workspace_and_ignores_earlier_events():
    journey = make_journey(EXIT, goalEventName="paid")
    before = make_subject(events=[{"name": "paid", "at": START - timedelta(seconds=1)}])
    goal = simulate(journey, before, world=make_world(defaultGoalEventWindowDays=3)).outcome.goal
    assert (goal.window_days, goal.converted) == (3, False)
    assert simulate(make_journey(EXIT), before, world=make_world()).outcome.goal is None


def test_a_deferred_send_reruns_every_gate_at_its_new_time():
    quiet = {
        "quietHours": {"start": "21:00", "end": "08:00", "timezone": "America/New_York"},
        "dailyCap": {"maxSends": 2},
    }
    late_evening = START + timedelta(hours=12)  # 22:00 in New York
    two_today = [
        {"at": late_evening - timedelta(hours=h), "channel": "email", "communicationId": "x"}
        for h in (1, 2)
    ]
    subject = make_subject(sendHistory=two_today)
    trace = simulate(make_journey(SEND, EXIT), subject, world=make_world(**quiet), at=late_evening)
    assert decisions(trace)[:2] == [("send", "deferred", "quiet_hours"), ("send", "executed", None)]
    assert (
        trace.steps[0].deferred_until == trace.steps[1].at == datetime(2026, 6, 2, 12, tzinfo=UTC)
    )
    # A suppression that appears while the send waits blocks it on the re-run.
    suppressed = make_subject(
        suppressed=[
            {"channel": "email", "reason": "manual", "at": late_evening + timedelta(hours=1)}
        ]
    )
    trace = simulate(
        make_journey(SEND, EXIT), suppressed, world=make_world(**quiet), at=late_evening
    )
    assert decisions(trace)[:2] == [
        ("send", "deferred", "quiet_hours"),
        ("send", "blocked", "suppression_match"),
    ]


def test_a_send_at_the_second_0110_of_the_autumn_change_waits_for_the_second_0130():
    """The QA repro: 06:10Z on 2026-11-01 is 01:10 EST, the second 01:10 in New York.
    The quiet hours 22:00-01:30 end at the next 01:30 (EST, 06:30Z); the trace once
    deferred to the first one (05:30Z), before the start, and sent then."""
    world = make_world(quietHours={"start": "22:00", "end": "01:30", "timezone": "UTC"})
    subject = make_subject(timezone="America/New_York")
    at = datetime(2026, 11, 1, 6, 10, tzinfo=UTC)
    trace = simulate(make_journey(SEND, EXIT), subject, world=world, at=at)
    assert decisions(trace) == [
        ("send", "deferred", "quiet_hours"),
        ("send", "executed", None),
        ("exit", "executed", None),
    ]
    second_0130 = datetime(2026, 11, 1, 6, 30, tzinfo=UTC)
    assert trace.steps[0].deferred_until == trace.steps[1].at == second_0130
    assert trace.outcome.exited_at == second_0130
    assert [s.at for s in trace.steps] == sorted(s.at for s in trace.steps)


def test_caps_count_sends_made_earlier_in_the_same_trace():
    world = make_world(dailyCap={"maxSends": 1})
    journey = make_journey({**SEND, "next": "again"}, {**SEND, "id": "again"}, EXIT)
    trace = simulate(journey, make_subject(), world=world)
    assert decisions(trace)[:2] == [
        ("send", "executed", None),
        ("again", "skipped", "daily_cap_exceeded"),
    ]


def test_email_recipient_from_the_trigger_event():
    subject = make_subject(attributes={"firstName": "Ana"})
    journey = make_journey(SEND, EXIT, triggerContractId="trig")
    world = make_world()
    assert simulate(journey, subject, world=world).steps[0].reason is Reason.MISSING_RECIPIENT
    with_event = simulate(journey, subject, world=world, trigger_event={"email": "ana@example.com"})
    assert with_event.steps[0].decision is Decision.EXECUTED
    assert with_event.trigger.properties == {"email": "a•••@e•••.com"}


def test_trigger_event_defaults_to_the_latest_matching_history_event():
    subject = make_subject(
        events=[
            {"name": "signed_up", "at": START - timedelta(days=2), "properties": {"n": 1}},
            {"name": "signed_up", "at": START - timedelta(days=1), "properties": {"n": 2}},
            {"name": "signed_up", "at": START + timedelta(days=1), "properties": {"n": 3}},
        ]
    )
    trace = simulate(make_journey(EXIT, triggerContractId="trig"), subject, world=make_world())
    assert trace.trigger.properties == {"n": 2}
    event = Event(name="signed_up", at=START - timedelta(hours=5), properties={"n": 9})
    given_event = simulate(
        make_journey(EXIT, triggerContractId="trig"),
        subject,
        world=make_world(),
        trigger_event=event,
    )
    assert given_event.started_at == event.at and given_event.trigger.properties == {"n": 9}


def test_webhooks_render_masked_bodies_and_hide_secret_headers():
    hook = {
        "id": "hook",
        "type": "webhook",
        "url": "https://x.example.com/h",
        "next": "exit",
        "bodyTemplate": '{"who": "{{ email }}", "missing": "{{ nope }}"}',
        "headers": {"Authorization": "Bearer s3cr3t", "X-Api-Key": "k", "X-Source": "j"},
    }
    trace = simulate(make_journey(hook, EXIT), make_subject(), world=make_world())
    webhook = trace.steps[0].webhook
    assert webhook.body == '{"who": "a•••@e•••.com", "missing": ""}'
    assert webhook.headers == {"Authorization": "•••", "X-Api-Key": "•••", "X-Source": "j"}
    assert webhook.missing_variables == ["nope"]
    assert trace.steps[0].gates is None


def test_adaptive_branches_take_arm_statistics_and_seeds():
    journey = make_journey(
        {
            "id": "ab",
            "type": "branch",
            "mode": "adaptive",
            "arms": [{"armId": "a", "next": "ea"}, {"armId": "b", "next": "eb"}],
        },
        {**EXIT, "id": "ea"},
        {**EXIT, "id": "eb"},
    )
    cold = simulate(journey, make_subject(), world=make_world())
    assert cold.steps[0].branch.selection == "cold_start"
    stats = {"ab": {"a": ArmStats(1000, 10), "b": ArmStats(1000, 900)}}
    hot = [
        simulate(journey, make_subject(), world=make_world(), arm_stats=stats, seed=s)
        for s in range(20)
    ]
    assert {t.steps[0].branch.chosen_arm_id for t in hot} == {"b"}
    assert hot[0].steps[0].branch.selection == "thompson"
    assert (
        hot[3].to_json()
        == simulate(journey, make_subject(), world=make_world(), arm_stats=stats, seed=3).to_json()
    )


def test_a_looping_or_dangling_journey_stops_with_a_warning():
    loop = make_journey(
        {"id": "a", "type": "wait", "duration": "P1D", "next": "b"},
        {"id": "b", "type": "wait", "duration": "P1D", "next": "a"},
    )
    trace = simulate(loop, make_subject(), world=make_world())
    assert [w.code for w in trace.warnings] == ["cycle_detected"]
    dangling = make_journey({"id": "a", "type": "wait", "duration": "P1D", "next": "zz"})
    trace = simulate(dangling, make_subject(), world=make_world())
    assert [w.code for w in trace.warnings] == ["unknown_step"]
    assert trace.outcome.exit_step_id is None


def test_planners_return_effects_and_perform_nothing():
    world = make_world()
    journey = make_journey(SEND, EXIT)
    context = StepContext(journey=journey, world=world, subject=make_subject(), now=START)
    plan = plan_step(journey.steps[0], context)
    assert plan.decision is Decision.EXECUTED
    assert [type(e) for e in plan.effects] == [Deliver, Goto]
    assert plan.effects[0].communication.id == "hello"


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    worlds_and_journeys(max_steps=10),
    st.integers(0, 1000),
    st.lists(st.sampled_from([o.value for o in Override]), max_size=4),
)
def test_any_valid_journey_simulates_to_a_stable_trace(pair, seed, overrides):
    world, raw = pair
    journey = Journey.model_validate(raw)
    subject = faker_subjects(seed, 1)[0]
    trace = simulate(journey, subject, world=world, overrides=overrides, seed=seed)
    again = simulate(journey, subject, world=world, overrides=overrides, seed=seed)
    assert trace.to_json() == again.to_json()
    if trace.entry.decision is EntryDecision.ENTERED:
        assert trace.outcome.exit_step_id is not None
        assert not trace.warnings
        assert all(s.at >= trace.started_at for s in trace.steps)
        times = [s.at for s in trace.steps]
        assert times == sorted(times)


# --- review fixes: each of these failed before its fix ------------------------------------


def _sends_in_quiet_hours(count: int):
    """The trace of ``count`` sends 14 hours apart, the first at 22:00 UTC: each lands
    inside quiet hours (21:00-08:00 UTC), is deferred once and then sent."""
    steps = []
    for i in range(count):
        after = f"s{i + 1}" if i < count - 1 else "exit"
        steps.append({"id": f"s{i}", "type": "send", "communicationId": "hello", "next": f"w{i}"})
        steps.append({"id": f"w{i}", "type": "wait", "duration": "PT14H", "next": after})
    quiet = {"quietHours": {"start": "21:00", "end": "08:00", "timezone": "UTC"}}
    return simulate(
        make_journey(*steps, EXIT),
        make_subject(),
        world=make_world(**quiet),
        at=START.replace(hour=22),
    )


def test_every_send_of_a_long_journey_may_wait_for_the_end_of_quiet_hours():
    # Five sends, each landing at 22:00 UTC inside quiet hours: each is deferred once and
    # then sent. The deferral limit guards one step, not the whole trace.
    trace = _sends_in_quiet_hours(5)
    assert not trace.warnings
    assert trace.outcome.exit_step_id == "exit"
    sends = [d for d in decisions(trace) if d[0].startswith("s")]
    assert sends == [(f"s{i}", d, r) for i in range(5) for d, r in _DEFERRED_THEN_SENT]


_DEFERRED_THEN_SENT = [("deferred", "quiet_hours"), ("executed", None)]


def test_until_event_counts_an_event_at_the_moment_the_wait_starts():
    # The event comes exactly when the first wait ends and the untilEvent wait begins.
    journey = make_journey(
        {"id": "w0", "type": "wait", "duration": "P1D", "next": "wait"},
        *_until_event().model_dump(by_alias=True, exclude_none=True)["steps"],
    )
    subject = make_subject(futureEvents=[{"name": "paid", "after": "P1D"}])
    trace = simulate(journey, subject, world=make_world())
    assert trace.outcome.exit_step_id == "yes"
    assert trace.steps[1].wait.resumed_by == "event"
    assert trace.steps[2].at == START + timedelta(days=1)


def test_one_event_resumes_one_until_event_wait_only():
    first = {
        "id": "first",
        "type": "wait",
        "next": "second",
        "untilEvent": {"eventName": "paid", "timeout": "P2D", "timeoutNext": "no"},
    }
    second = {
        "id": "second",
        "type": "wait",
        "next": "yes",
        "untilEvent": {"eventName": "paid", "timeout": "P2D", "timeoutNext": "no"},
    }
    journey = make_journey(first, second, {**EXIT, "id": "yes"}, {**EXIT, "id": "no"})
    once = make_subject(futureEvents=[{"name": "paid", "after": "P1D"}])
    assert simulate(journey, once, world=make_world()).outcome.exit_step_id == "no"
    twice = make_subject(
        futureEvents=[{"name": "paid", "after": "P1D"}, {"name": "paid", "after": "P1D"}]
    )
    assert simulate(journey, twice, world=make_world()).outcome.exit_step_id == "yes"


@pytest.mark.parametrize("after", ["garbage", "-P1D", "P9999Y"])
def test_a_future_event_with_a_bad_after_is_an_input_error_naming_it(after):
    subject = make_subject(
        futureEvents=[{"name": "ok", "after": "P1D"}, {"name": "x", "after": after}]
    )
    with pytest.raises(InputError) as caught:
        simulate(make_journey(EXIT), subject, world=make_world())
    assert caught.value.location == "futureEvents/1/after"
    assert (caught.value.code, caught.value.status) == ("invalid_request", 400)
    assert repr(after) in caught.value.message


def test_a_start_at_the_edge_of_the_calendar_is_an_input_error():
    journey = make_journey(SEND, EXIT, goalEventName="paid")
    at = datetime(1, 1, 1, tzinfo=timezone(timedelta(hours=14)))  # before 0001-01-01 UTC
    with pytest.raises(InputError) as caught:
        simulate(journey, make_subject(), world=make_world(), at=at)
    assert "calendar" in caught.value.message
    assert (caught.value.code, caught.value.status) == ("invalid_request", 400)


def test_a_goal_window_reaching_past_the_calendar_still_counts_the_goals_inside_it():
    journey = make_journey(SEND, EXIT, goalEventName="paid")
    at = datetime(9999, 12, 31, 23, 0, tzinfo=UTC)  # its 7-day window ends past 9999
    paid = make_subject(events=[{"name": "paid", "at": "9999-12-31T23:30:00Z"}])
    trace = simulate(journey, paid, world=make_world(), at=at)
    assert trace.outcome.exit_step_id == "exit"
    assert (trace.outcome.goal.converted, trace.outcome.goal.at) == (
        True,
        datetime(9999, 12, 31, 23, 30, tzinfo=UTC),
    )
    assert (
        simulate(journey, make_subject(), world=make_world(), at=at).outcome.goal.converted is False
    )


def test_a_wait_that_cannot_be_computed_fails_with_invalid_wait_and_moves_on():
    journey = make_journey({"id": "w", "type": "wait", "duration": "soon", "next": "exit"}, EXIT)
    trace = simulate(journey, make_subject(), world=make_world())
    assert decisions(trace)[0] == ("w", "failed", "invalid_wait")
    assert "soon" in trace.steps[0].message
    assert trace.outcome.exit_step_id == "exit"


def test_a_linear_journey_longer_than_max_steps_runs_to_its_exit():
    """A valid journey of 1,500 steps once stopped at step 1,000 with ``step_limit``."""
    from simulator.engine.stepper import MAX_STEPS

    waits = [
        {"id": f"w{i}", "type": "wait", "duration": "PT1M", "next": f"w{i + 1}"}
        for i in range(1_499)
    ]
    waits[-1]["next"] = "exit"
    trace = simulate(make_journey(*waits, EXIT), make_subject(), world=make_world())
    assert len(trace.steps) == 1_500 > MAX_STEPS
    assert trace.warnings == []
    assert trace.outcome.exit_step_id == "exit"


def test_a_generated_journey_of_1500_steps_dry_runs_to_its_exit():
    from simulator.engine.stepper import MAX_STEPS

    world = sample_world()
    journey = Journey.model_validate(journey_of_size(1_500, world))
    assert validate(journey_of_size(1_500, world), ValidationContext(world=world)) == []
    subject = make_subject(attributes={"firstName": "Ana", "email": "a@example.com"})
    trace = simulate(journey, subject, world=world)
    assert len(trace.steps) > MAX_STEPS
    assert trace.warnings == []
    assert trace.outcome.exit_step_id == "exit"


def test_deferrals_alone_do_not_reach_the_step_limit():
    """400 sends each deferred once by quiet hours: 801 steps, 1,201 attempts. The
    deferred attempts once counted as steps and stopped the execution at 1,000."""
    trace = _sends_in_quiet_hours(400)
    assert trace.warnings == []
    assert trace.outcome.exit_step_id == "exit"
    assert [d[1] for d in decisions(trace)].count("deferred") == 400
    assert len(trace.steps) == 1_201


def test_a_subject_id_that_is_an_email_or_phone_is_scrubbed_in_the_trace():
    for raw, shown in (("ana.ribeiro@example.com", "a•••@e•••.com"), ("+351912345678", "•••78")):
        trace = simulate(make_journey(SEND, EXIT), make_subject(endUserId=raw), world=make_world())
        assert trace.subject.id == shown
        assert raw not in trace.to_json() and raw not in format_timeline(trace)


@pytest.mark.parametrize(
    "end_user_id",
    ["syn_363379742f80b51b", "550e8400-e29b-41d4-a716-446655440000", "12345678", "usr_plain"],
)
def test_other_subject_ids_are_shown_as_they_are(end_user_id):
    trace = simulate(make_journey(EXIT), make_subject(endUserId=end_user_id), world=make_world())
    assert trace.subject.id == end_user_id
