"""Defects a fourth QA pass found against ``journeysim serve``, each driven through the
API in-process: a posted event ahead of the clock that skipped what was due before it,
history that held a late event at its posting time, an ``eventId`` answered unmasked,
and a write whose save failed that stayed (and was saved later) all the same."""

from __future__ import annotations

import pytest
from runtime_routes import ADVANCE, EVENTS, OWNER, START, SYNC, signup

from simulator.api.testing import api_client


@pytest.fixture
def api():
    with api_client(publish=True) as client:
        yield client


def _executions(api, journey_id: str) -> list[dict]:
    return api.get(f"/api/journeys/{journey_id}/executions", headers=OWNER).json()


def _sent(api) -> list[tuple[str, str, str]]:
    messages = api.get("/api/_sim/outbox", headers=OWNER).json()["messages"]
    return [(m["endUserId"], m["stepId"], m["sentAt"]) for m in messages]


def _now(api) -> str:
    return api.get("/api/_sim/clock", headers=OWNER).json()["now"]


# --- 1: an event ahead of the clock runs what was due before it first ------------------

_TRIAL = "trial-conv-2026__v1__usr_trial_checkout__evt-trial"


def _trial_waiting_and_ana_in_her_wait(api) -> None:
    """Trial Conversion waits for ``checkout.started`` from 06-03T14:00 to its timeout
    at 06-05T14:00; Ana's Activation Onboarding wakes from its 3 days at 06-04T14:00."""
    properties = {"trialPlan": "growth", "trialDays": 14, "seats": 4}
    trial = {"id": "evt-trial", "name": "subscription.trial_started", "at": "2026-06-01T14:00:00Z"}
    trial["properties"] = {**properties, "endUserId": "usr_trial_checkout"}
    assert len(api.post(START, json=trial, headers=SYNC).json()["started"]) == 1
    assert len(api.post(START, json=signup("evt-ana"), headers=SYNC).json()["started"]) == 1
    assert api.post(ADVANCE, json={"to": "2026-06-03T15:00:00Z"}, headers=OWNER).status_code == 200
    assert _executions(api, "trial-conv-2026")[0]["currentStepId"] == "wait-checkout"
    assert _executions(api, "act-onb-2026")[0]["currentStepId"] == "wait-3d"


def _checkout(at: str) -> dict:
    body = {"id": f"evt-checkout-{at[:10]}", "name": "checkout.started", "at": at}
    return {**body, "properties": {}, "endUserId": "usr_trial_checkout"}


def test_an_event_ahead_of_the_clock_runs_the_wake_ups_due_before_it_first(api):
    """The checkout, dated 06-05T00:00 while the clock was at 06-03T15:00, set the clock
    there and resumed the wait: Ana's wake-up of 06-04T14:00 was jumped over, and ran
    only at the next advance, at 06-05, re-engaging her half a day late. It now runs
    first, at its own time, as an advance to 06-05T00:00 would have run it."""
    _trial_waiting_and_ana_in_her_wait(api)

    answer = api.post(EVENTS, json=_checkout("2026-06-05T00:00:00Z"), headers=OWNER)
    assert answer.status_code == 200, answer.text
    assert answer.json()["resumed"] == [_TRIAL]
    assert _now(api) == "2026-06-05T00:00:00Z"
    assert ("usr_plain_A•••", "send-reengage", "2026-06-04T14:00:00Z") in _sent(api)
    assert _executions(api, "act-onb-2026")[0]["currentStepId"] == "exit"
    # the resumed execution goes on from the event's time, on the next move
    api.post(ADVANCE, json={"by": "PT1M"}, headers=OWNER)
    (trial,) = _executions(api, "trial-conv-2026")
    assert (trial["status"], trial["currentStepId"]) == ("SUCCEEDED", "exit")
    assert not [s for s in _sent(api) if s[1] == "send-checkout-reminder"]


def test_an_event_at_a_waits_very_timeout_resumes_it_after_what_was_due_before(api):
    """Wake-ups due *at* the event's time run after it: an event at the wait's timeout
    resumes the wait (both ends inclusive) rather than being beaten by the timeout."""
    _trial_waiting_and_ana_in_her_wait(api)

    answer = api.post(EVENTS, json=_checkout("2026-06-05T14:00:00Z"), headers=OWNER)
    assert answer.status_code == 200, answer.text
    assert answer.json()["resumed"] == [_TRIAL]
    assert _now(api) == "2026-06-05T14:00:00Z"
    assert ("usr_plain_A•••", "send-reengage", "2026-06-04T14:00:00Z") in _sent(api)
    api.post(ADVANCE, json={"by": "PT1M"}, headers=OWNER)
    assert not [s for s in _sent(api) if s[1] == "send-checkout-reminder"]


def test_an_event_ahead_of_the_clock_that_resumes_nothing_leaves_the_clock(api):
    """Only a resumed wait moves the clock: a goal dated ahead counts and waits there."""
    assert len(api.post(START, json=signup("evt-ana"), headers=SYNC).json()["started"]) == 1
    activated = {"id": "evt-act", "name": "user.activated", "at": "2026-06-02T09:00:00Z"}
    activated |= {"properties": {}, "endUserId": "usr_plain_ana"}
    answer = api.post(EVENTS, json=activated, headers=OWNER).json()
    assert (answer["goalsCounted"], answer["resumed"]) == (1, [])
    assert _now(api) == "2026-06-01T14:00:00Z"


# --- 2: history holds a posted event at its own time -----------------------------------


@pytest.mark.parametrize(
    ("activated_at", "goals", "reengaged"),
    [("2026-05-31T12:00:00Z", 0, True), ("2026-06-02T12:00:00Z", 1, False)],
    ids=["before-the-window", "inside-the-window"],
)
def test_a_branch_judges_a_late_posted_event_at_its_own_time(api, activated_at, goals, reengaged):
    """Activation Onboarding branches at 06-04T14:00 on ``user.activated`` within 3 days.
    An activation dated 05-31, posted at 06-04T13:00, counted no goal (judged at its own
    time) but was kept in history at 06-04T13:00, so the branch took it as recent and
    skipped the re-engagement. History now holds it at 05-31: outside the window, as
    the goal said; one dated 06-02 and posted as late is inside both."""
    assert len(api.post(START, json=signup("evt-ana"), headers=SYNC).json()["started"]) == 1
    assert api.post(ADVANCE, json={"to": "2026-06-04T13:00:00Z"}, headers=OWNER).status_code == 200
    activated = {"id": "evt-act", "name": "user.activated", "at": activated_at}
    activated |= {"properties": {}, "endUserId": "usr_plain_ana"}
    answer = api.post(EVENTS, json=activated, headers=OWNER)
    assert answer.status_code == 200, answer.text
    assert answer.json()["goalsCounted"] == goals

    assert api.post(ADVANCE, json={"to": "2026-06-04T15:00:00Z"}, headers=OWNER).status_code == 200
    (row,) = _executions(api, "act-onb-2026")
    assert (row["status"], row["currentStepId"]) == ("SUCCEEDED", "exit")
    steps = [step for _, step, _ in _sent(api)]
    assert ("send-reengage" in steps) is reengaged, steps


# --- 3: the posted event's answer masks its eventId as it masks the names --------------


@pytest.mark.parametrize(
    ("event_id", "shown"),
    [
        ("evt-usr_plain_ana-1", "evt-usr_plain_A•••-1"),
        ("signup__ana.ribeiro@example.com", "signup__a•••@e•••.com"),
        ("evt-ribeiro-2", "evt-R•••-2"),
    ],
    ids=["end-user-id", "e-mail", "last-name"],
)
def test_a_posted_events_answer_masks_the_end_user_in_its_event_id(api, event_id, shown):
    """``POST /api/_sim/events`` masked the end user in ``started`` and ``resumed`` but
    echoed ``eventId`` as sent, so an id built from the end user's id (or e-mail, or
    name) showed them to every member. It is now shown as the event's part of the
    execution names in the same answer is."""
    posted = api.post(EVENTS, json=signup(event_id), headers=OWNER)
    assert posted.status_code == 200, posted.text
    answer = posted.json()
    assert answer["eventId"] == shown
    (started,) = answer["started"]
    assert started["executionArn"].endswith(f"__{shown}")  # one form, both places
    for raw in ("usr_plain_ana", "ana.ribeiro", "Ana", "Ribeiro", "ribeiro"):
        assert raw not in posted.text
    # a retry answers the same, masked again on the way out
    assert api.post(EVENTS, json=signup(event_id), headers=OWNER).json() == answer
    # an event that starts nothing is masked for its poster too
    activated = {**signup(f"{event_id}-act"), "name": "user.activated", "properties": {}}
    later = api.post(EVENTS, json={**activated, "endUserId": "usr_plain_ana"}, headers=OWNER)
    assert later.json()["eventId"] == f"{shown}-act"


def test_an_event_id_is_left_as_sent_where_the_names_are(api):
    """The internal start-execution route answers the product's backend, which sent the
    id, with the ARN as it is; an end user whose id is not masked leaves it too."""
    internal = api.post(START, json=signup("evt-usr_plain_ana-2"), headers=SYNC).json()
    assert internal["eventId"] == "evt-usr_plain_ana-2"
    plain = signup("evt-usr_anon-1", end_user_id="usr_anon")
    assert api.post(EVENTS, json=plain, headers=OWNER).json()["eventId"] == "evt-usr_anon-1"
