"""Runtime defects a second QA pass found against ``journeysim serve``, each driven
through the API in-process: the posted-event answer's raw end-user ids, and posted
events judged at the clock's time instead of their own, arm ids holding ``#``, and the
step an execution sleeping in a duration wait is at."""

from __future__ import annotations

from itertools import count

import pytest
from runtime_routes import ADVANCE, EDITOR, EVENTS, OWNER, START, SYNC, signup

from simulator.api.testing import api_client
from simulator.engine.holdout import assign_holdout

JANE = "jane.doe@example.com"


def _signup(event_id: str, end_user_id: str = JANE, at: str = "2026-06-01T14:00:00Z") -> dict:
    return signup(event_id, end_user_id, at)


def _event(event_id: str, name: str, at: str, end_user_id: str = JANE) -> dict:
    return {"id": event_id, "name": name, "at": at, "endUserId": end_user_id}


def _publish(api, journey: dict) -> None:
    created = api.post("/api/journeys", json=journey, headers=EDITOR)
    assert created.status_code in (200, 201), created.text
    published = api.post(f"/api/journeys/{journey['id']}/publish", headers=EDITOR)
    assert published.status_code == 200, published.text


def _end_users(pattern: str, how_many: int, *, held_out: bool = False) -> list[str]:
    """The first ``how_many`` ids ``pattern.format(n)`` that acme's 5% holdout holds out
    (``held_out``) or lets in: the assignment is a hash of the id (SPEC §3.1)."""
    ids = (pattern.format(n) for n in count())
    chosen = (i for i in ids if assign_holdout("pk_test_acme", i, 5).in_holdout == held_out)
    return [next(chosen) for _ in range(how_many)]


def _executions(api, journey_id: str = "act-onb-2026") -> list[dict]:
    return api.get(f"/api/journeys/{journey_id}/executions", headers=OWNER).json()


@pytest.fixture
def api():
    with api_client(publish=True) as client:
        yield client


# --- A1: the posted event's answer shows end-user ids masked, as the executions list --


AWAIT_DONE = {
    "id": "await-done",
    "name": "await done",
    "goalEventName": "g.done",
    "triggerContractId": "trig-signup",
    "steps": [
        {
            "id": "wait-done",
            "type": "wait",
            "untilEvent": {"eventName": "g.done", "timeout": "P2D", "timeoutNext": "exit"},
            "next": "exit",
        },
        {"id": "exit", "type": "exit"},
    ],
}


def test_a_posted_event_answers_started_executions_masked_as_the_list_shows_them(api):
    """An editor posting Jane's sign-up got her e-mail address back, raw, as the
    ``endUserId`` and inside the execution ARN; the executions list masks both."""
    for _attempt in range(2):  # a retry answers the kept (raw) answer: masked too
        answer = api.post(EVENTS, json=_signup("e1"), headers=EDITOR)
        assert answer.status_code == 200, answer.text
        assert JANE not in answer.text and "jane" not in answer.text
        [started] = answer.json()["started"]
        [row] = _executions(api)
        assert (started["executionArn"], started["endUserId"]) == (
            row["executionArn"],
            row["endUserId"],
        )
        assert started["endUserId"] == "j•••@e•••.com"


def test_a_posted_event_answers_held_out_end_users_masked(api):
    [held] = _end_users("held.{}@example.com", 1, held_out=True)
    answer = api.post(EVENTS, json=_signup("e-held", held), headers=EDITOR)
    assert answer.status_code == 200, answer.text
    assert answer.json()["heldOut"] == [{"journeyId": "act-onb-2026", "endUserId": "h•••@e•••.com"}]
    assert held not in answer.text


def test_a_posted_event_answers_the_executions_it_resumed_masked(api):
    _publish(api, AWAIT_DONE)
    api.post(EVENTS, json=_signup("e1"), headers=EDITOR)
    api.post(ADVANCE, json={"by": "PT1H"}, headers=OWNER)
    [waiting] = _executions(api, "await-done")
    assert waiting["currentStepId"] == "wait-done"

    done = _event("e-done", "g.done", "2026-06-01T15:00:00Z")
    answer = api.post(EVENTS, json=done, headers=EDITOR)
    assert answer.status_code == 200, answer.text
    assert answer.json()["resumed"] == [waiting["executionName"]]
    assert JANE not in answer.text


def test_the_internal_start_route_still_answers_the_raw_arn(api):
    """The product's backend sent the id and needs the ARN to dispatch."""
    [started] = api.post(START, json=_signup("e1"), headers=SYNC).json()["started"]
    assert started["endUserId"] == JANE and started["executionArn"].endswith(f"__{JANE}__e1")


# --- A3: a posted event is judged at its own time, not at the clock's ------------------


def _converted(api, journey_id: str = "act-onb-2026") -> int:
    impact = api.get(f"/api/journeys/{journey_id}/calibrated-impact", headers=OWNER).json()
    return impact["converted"]["exposed"]


@pytest.mark.parametrize(
    ("clock", "goal_at", "counted"),
    [
        # dated a month before the execution started: the journey cannot have caused it
        ("2026-06-02T00:00:00Z", "2026-05-01T00:00:00Z", 0),
        ("2026-06-02T00:00:00Z", "2026-06-01T13:59:59Z", 0),
        # inside the 7-day window, posted after the window closed: it converted then
        ("2026-06-20T00:00:00Z", "2026-06-05T00:00:00Z", 1),
        ("2026-06-20T00:00:00Z", "2026-06-08T14:00:00Z", 1),  # the window's last instant
        ("2026-06-20T00:00:00Z", "2026-06-08T14:00:01Z", 0),
    ],
)
def test_a_goal_event_converts_only_when_its_own_time_is_in_the_window(
    api, clock, goal_at, counted
):
    """A goal dated before the execution started was judged at the clock's now (the
    later of the two) and counted as a conversion; one dated inside the window but
    posted after it closed was not."""
    api.post(EVENTS, json=_signup("e1"), headers=EDITOR)
    api.post(ADVANCE, json={"to": clock}, headers=OWNER)
    goal = api.post(EVENTS, json=_event("g1", "user.activated", goal_at), headers=EDITOR)
    assert goal.status_code == 200, goal.text
    assert goal.json()["goalsCounted"] == counted
    assert _converted(api) == counted


def test_an_event_dated_before_a_wait_began_does_not_resume_it(api):
    """The wait began at 14:00; an event dated 13:00 and posted at 15:00 was judged at
    15:00 and resumed it, though the subject did it before the wait was waiting."""
    _publish(api, AWAIT_DONE)
    api.post(EVENTS, json=_signup("e1"), headers=EDITOR)
    api.post(ADVANCE, json={"to": "2026-06-01T15:00:00Z"}, headers=OWNER)

    early = api.post(
        EVENTS, json=_event("e-early", "g.done", "2026-06-01T13:00:00Z"), headers=EDITOR
    )
    assert early.json()["resumed"] == [] and early.json()["goalsCounted"] == 0
    [waiting] = _executions(api, "await-done")
    assert (waiting["status"], waiting["currentStepId"]) == ("RUNNING", "wait-done")

    late = api.post(EVENTS, json=_event("e-late", "g.done", "2026-06-01T14:30:00Z"), headers=EDITOR)
    assert late.json()["resumed"] == [waiting["executionName"]]
    assert late.json()["goalsCounted"] == 1
    api.post(ADVANCE, json={"by": "PT1M"}, headers=OWNER)
    [done] = _executions(api, "await-done")
    assert (done["status"], done["currentStepId"]) == ("SUCCEEDED", "exit")


# --- A4: an arm id holding '#' is counted ----------------------------------------------


ARMTEST = {
    "id": "armtest",
    "name": "armtest",
    "goalEventName": "g.done",
    "triggerContractId": "trig-signup",
    "steps": [
        {
            "id": "br",
            "type": "branch",
            "mode": "adaptive",
            "arms": [{"armId": "a#1", "next": "exit"}, {"armId": "b#2", "next": "exit"}],
        },
        {"id": "exit", "type": "exit"},
    ],
}


def test_arms_whose_ids_hold_a_hash_are_counted_in_branch_performance(api):
    """The counters are ``arm#{step}#{arm}#n``; a key with more than three ``#`` was
    skipped, so such arms showed 0 reached and the bandit never left cold start."""
    _publish(api, ARMTEST)
    users = _end_users("armu_{}", 3)
    for user in users:
        body = _signup(f"arm-{user}", user, at="2026-06-02T00:00:00Z")
        started = api.post(START, json=body, headers=SYNC).json()["started"]
        assert "armtest" in {s["journeyId"] for s in started}
    api.post(ADVANCE, json={"to": "2026-06-02T00:01:00Z"}, headers=OWNER)
    done = _event("g-armu_0", "g.done", "2026-06-02T00:01:00Z", users[0])
    assert api.post(EVENTS, json=done, headers=EDITOR).json()["goalsCounted"] == 1

    [branch] = api.get("/api/journeys/armtest/branch-performance", headers=OWNER).json()
    arms = {arm["armId"]: arm for arm in branch["arms"]}
    assert set(arms) == {"a#1", "b#2"}
    assert sum(arm["subjectsReached"] for arm in arms.values()) == 3
    assert sum(arm["goalEvents"] for arm in arms.values()) == 1
    chosen = {row["chosenArms"]["br"] for row in _executions(api, "armtest")}
    assert {a for a, arm in arms.items() if arm["subjectsReached"]} == chosen


# --- A5: an execution sleeping in a duration wait is at that wait ----------------------


def _at(api, journey_id: str = "act-onb-2026") -> list[tuple[str, str]]:
    return [(row["status"], row["currentStepId"]) for row in _executions(api, journey_id)]


def test_an_execution_sleeping_in_a_duration_wait_is_at_the_wait(api):
    """The list showed ``branch-activated`` (the step after the wait, due at the wake)
    for three days; the hosted API's example shows ``RUNNING`` at ``wait-3d``."""
    api.post(EVENTS, json=_signup("e1"), headers=EDITOR)
    api.post(ADVANCE, json={"by": "PT1H"}, headers=OWNER)
    assert _at(api) == [("RUNNING", "wait-3d")]
    api.post(ADVANCE, json={"to": "2026-06-04T13:59:59Z"}, headers=OWNER)
    assert _at(api) == [("RUNNING", "wait-3d")]
    api.post(ADVANCE, json={"to": "2026-06-04T14:00:00Z"}, headers=OWNER)
    assert _at(api) == [("SUCCEEDED", "exit")]


def test_a_send_deferred_by_quiet_hours_is_at_the_send(api):
    """22:00 in Ana's New York is inside acme's quiet hours: the welcome waits for
    08:00 and the execution is at the send, due again then, not at the step after it."""
    api.post(EVENTS, json=_signup("e1", "usr_plain_ana", "2026-06-02T02:00:00Z"), headers=EDITOR)
    assert api.post(ADVANCE, json={"to": "2026-06-02T03:00:00Z"}, headers=OWNER).json() == {
        "now": "2026-06-02T03:00:00Z",
        "dispatched": 1,
    }
    steps = api.get("/api/journeys/act-onb-2026/step-stats", headers=OWNER).json()
    assert sum(row["executed"] + row["skipped"] for row in steps) == 0  # deferred only
    assert _at(api) == [("RUNNING", "send-welcome")]
    api.post(ADVANCE, json={"to": "2026-06-02T12:00:00Z"}, headers=OWNER)
    assert _at(api) == [("RUNNING", "wait-3d")]
