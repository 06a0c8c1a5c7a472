"""The runtime on moto in-process: triggers, executions on Step Functions, the shared
virtual clock, delivery to the outbox and SES, waits and stats (SPEC §5)."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest

from simulator.backend.service import Backend
from simulator.paths import fixtures_dir
from simulator.runtime.runtime import InboundEvent

WS = "acme"
T0 = datetime(2026, 6, 1, 14, tzinfo=UTC)


@pytest.fixture
def runtime():
    backend = Backend.start()
    backend.load_project(fixtures_dir() / "acme", publish=True)
    runtime = backend.runtime
    runtime.deliver_email = True
    runtime.ensure()
    yield runtime
    backend.close()


def signup(event_id: str, user: str, at: datetime = T0) -> InboundEvent:
    properties = {"signupSource": "ads", "plan": "trial", "endUserId": user}
    return InboundEvent(id=event_id, name="user.signed_up", at=at, properties=properties)


def trial(event_id: str, user: str, at: datetime = T0) -> InboundEvent:
    properties = {"trialPlan": "growth", "trialDays": 14, "seats": 4, "endUserId": user}
    return InboundEvent(
        id=event_id, name="subscription.trial_started", at=at, properties=properties
    )


def test_a_trigger_starts_one_named_running_execution_and_a_holdout_subject_none(runtime):
    started = runtime.start_execution(WS, signup("evt-1", "usr_plain_ana")).to_wire()
    name = "act-onb-2026__v1__usr_plain_ana__evt-1"
    arn = started["started"][0]["executionArn"]
    assert started["started"] == [
        {
            "journeyId": "act-onb-2026",
            "version": 1,
            "executionArn": arn,
            "endUserId": "usr_plain_ana",
        }
    ]
    assert arn.endswith(f":execution:disp:{name}")
    assert runtime.sfn.describe(arn)["status"] == "RUNNING"

    held = runtime.start_execution(WS, signup("evt-2", "usr_holdout")).to_wire()
    assert held["started"] == [] and [h["journeyId"] for h in held["heldOut"]] == ["act-onb-2026"]
    assert runtime.calibrated_impact(WS, "act-onb-2026")["triggered"] == {
        "exposed": 1,
        "holdout": 1,
    }

    again = runtime.start_execution(WS, signup("evt-1", "usr_plain_ana")).to_wire()
    assert again == started
    assert len(runtime.executions(WS, "act-onb-2026")) == 1


def test_a_trigger_missing_a_required_property_is_skipped_with_its_code(runtime):
    event = InboundEvent(
        id="evt-x", name="user.signed_up", at=T0, properties={"endUserId": "usr_plain_ana"}
    )
    answer = runtime.start_execution(WS, event).to_wire()
    assert answer["started"] == []
    assert answer["skipped"][0]["reason"] == "missing_required_property"


def test_a_trigger_with_a_required_property_of_the_wrong_type_is_skipped_saying_which(runtime):
    properties = {"signupSource": 12, "plan": "trial", "endUserId": "usr_plain_ana"}
    event = InboundEvent(id="evt-t", name="user.signed_up", at=T0, properties=properties)
    answer = runtime.start_execution(WS, event).to_wire()
    assert answer["started"] == []
    assert answer["skipped"] == [
        {
            "journeyId": "act-onb-2026",
            "reason": "invalid_required_property",
            "message": "event's signupSource is an integer, the contract wants string",
        }
    ]
    assert runtime.executions(WS, "act-onb-2026") == []


def test_advancing_the_clock_runs_the_waits_in_order_delivers_and_succeeds(runtime):
    runtime.start_execution(WS, signup("evt-1", "usr_plain_ana"))
    results = runtime.advance_clock(T0 + timedelta(days=10))
    assert [r.step_id for r in results] == [
        "send-welcome",
        "wait-3d",
        "branch-activated",
        "send-reengage",
        "exit",
    ]
    assert [r.status for r in results][-1] == "SUCCEEDED"
    row = runtime.executions(WS, "act-onb-2026")[0]
    assert (row["status"], row["currentStepId"]) == ("SUCCEEDED", "exit")
    assert runtime.now() == T0 + timedelta(days=10)

    outbox = runtime.outbox(WS, journey_id="act-onb-2026")
    assert [m["stepId"] for m in outbox] == ["send-welcome", "send-reengage"]
    assert [m["sentAt"] for m in outbox] == ["2026-06-01T14:00:00Z", "2026-06-04T14:00:00Z"]
    assert (
        outbox[0]["rendered"]["subjectLine"] == "Welcome to Acme Analytics, A•••!"
    )  # masked at rest
    assert all(m["sesMessageId"] for m in outbox)
    from moto.backends import get_backend

    sent = get_backend("ses")["123456789012"]["us-east-1"].sent_messages
    assert any("Analytics, Ana!" in str(message.subject) for message in sent)  # delivered raw


def test_the_clock_cannot_go_back(runtime):
    runtime.advance_clock(T0 + timedelta(days=1))
    with pytest.raises(ValueError, match="cannot go back"):
        runtime.advance_clock(T0)


def test_an_until_event_wait_resumes_on_a_posted_event_and_times_out_without(runtime):
    for user in ("usr_trial_checkout", "usr_trial_timeout"):
        runtime.start_execution(WS, trial(f"evt-{user}", user))
    runtime.advance_clock(T0 + timedelta(days=2, hours=1))
    waiting = {
        r["endUserId"]: r["currentStepId"] for r in runtime.executions(WS, "trial-conv-2026")
    }
    assert waiting == {"usr_trial_checkout": "wait-checkout", "usr_trial_timeout": "wait-checkout"}

    checkout = InboundEvent(id="c1", name="checkout.started", at=T0 + timedelta(days=3))
    runtime.advance_clock(T0 + timedelta(days=3))
    answer = runtime.post_event(WS, checkout, "usr_trial_checkout")
    assert answer["resumed"] == ["trial-conv-2026__v1__usr_trial_checkout__evt-usr_trial_checkout"]
    runtime.advance_clock(T0 + timedelta(days=6))
    rows = {r["endUserId"]: r for r in runtime.executions(WS, "trial-conv-2026")}
    assert rows["usr_trial_checkout"]["status"] == "SUCCEEDED"
    assert rows["usr_trial_timeout"]["status"] == "SUCCEEDED"
    steps = {m["stepId"] for m in runtime.outbox(WS, end_user_id="usr_trial_timeout")}
    assert "send-checkout-reminder" in steps
    steps = {m["stepId"] for m in runtime.outbox(WS, end_user_id="usr_trial_checkout")}
    assert "send-checkout-reminder" not in steps


def test_a_version_published_mid_flight_does_not_move_running_executions(runtime):
    from simulator.backend.auth import Actor
    from simulator.backend.wire import PatchJourney
    from simulator.models import Role

    runtime.start_execution(WS, signup("evt-1", "usr_plain_ana"))
    runtime.advance_clock(T0 + timedelta(hours=1))  # now in the 3-day wait
    backend = runtime.backend
    owner = Actor(workspace_id=WS, user_id="owner", role=Role.OWNER)
    draft = backend.bump_draft(owner, "act-onb-2026")
    steps = [s.to_wire() for s in draft.steps]
    steps[0]["communicationId"] = "comm-reengage-email"
    patch = {"updatedAt": draft.updated_at, "steps": steps}
    backend.patch_draft(owner, "act-onb-2026", PatchJourney.model_validate(patch))
    assert backend.publish(owner, "act-onb-2026").version == 2
    runtime.advance_clock(T0 + timedelta(days=5))
    row = runtime.executions(WS, "act-onb-2026")[0]
    assert (row["version"], row["status"]) == (1, "SUCCEEDED")
    assert [m["communicationId"] for m in runtime.outbox(WS)] == [
        "comm-welcome-email",
        "comm-reengage-email",
    ]
    new = runtime.start_execution(WS, signup("evt-2", "usr_plain_ana")).to_wire()
    assert new["started"][0]["version"] == 2
    assert new["started"][0]["executionArn"].endswith(
        ":disp:act-onb-2026__v2__usr_plain_ana__evt-2"
    )


def test_step_stats_equal_the_counts_of_the_audit_entries(runtime):
    for i, user in enumerate(
        ("usr_plain_ana", "usr_no_email", "usr_optout_global", "usr_activates_day1")
    ):
        runtime.start_execution(WS, signup(f"evt-{i}", user))
    runtime.advance_clock(T0 + timedelta(days=10))
    stats = {
        row["stepId"]: row for row in runtime.step_stats(WS, _journey(runtime, "act-onb-2026"))
    }
    entries = runtime.store.audit(WS, "act-onb-2026", newest=10_000, limit=10_000)
    expected = Counter(
        (e.metadata["stepId"], _column(e.action.split(".")[1]))
        for e in entries
        if e.action.startswith("send.")
    )
    assert sum(expected.values()) >= 8  # four subjects, two sends each
    for step_id in ("send-welcome", "send-reengage"):
        for column in ("executed", "skipped", "failed"):
            assert stats[step_id][column] == expected[(step_id, column)], (step_id, column)
    raw = " ".join(str(e.metadata) for e in entries)
    assert "usr_plain_ana" not in raw


def _column(action: str) -> str:
    return "executed" if action == "executed" else ("failed" if action == "failed" else "skipped")


def _journey(runtime, journey_id):
    return runtime.store.version(WS, journey_id, 1).journey


def test_a_running_execution_sends_the_communication_version_pinned_at_publish(runtime):
    """SPEC §1.2: publish pins each send step's communication version; a communication
    edited afterwards (the project loaded again) does not change what runs."""
    from dataclasses import replace

    runtime.start_execution(WS, signup("evt-1", "usr_plain_ana"))
    directory = runtime.backend.directory
    world = directory.world(WS)
    pinned = world.communications["comm-welcome-email"]
    edited = pinned.model_copy(
        update={"version": pinned.version + 1, "subject_line": "Edited after publish"}
    )
    directory.put_world(replace(world, communications={**world.communications, edited.id: edited}))
    assert directory.world(WS).communications[edited.id].version == pinned.version + 1

    runtime.advance_clock(T0 + timedelta(hours=1))
    (sent,) = runtime.outbox(WS, journey_id="act-onb-2026")
    assert sent["communicationVersion"] == pinned.version
    assert sent["rendered"]["subjectLine"] == "Welcome to Acme Analytics, A•••!"
    pins = runtime.backend.store.version(WS, "act-onb-2026", 1).pins["communications"]
    assert {"stepId": "send-welcome", "communicationId": edited.id, "version": 3} in pins
